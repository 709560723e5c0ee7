"""Offline validators: valid tokens pass, tampered ones fail, details never hold the secret."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from scanner.validators import REGISTRY, UnknownValidatorError, Validation, validate
from scanner.validators.checksums import BASE62, encode_base, github_checksum
from tests import tokens


def tamper(secret: str, index: int) -> str:
    """Swap one alphanumeric character for another of the same class."""
    ch = secret[index]
    pool = "0123456789" if ch.isdigit() else ("ABCDEF" if ch.isupper() else "abcdef")
    replacement = next(p for p in pool if p != ch)
    return secret[:index] + replacement + secret[index + 1 :]


def assert_no_secret(result: Validation, secret: str) -> None:
    text = repr(result)
    assert secret not in text
    for key, value in result.details:
        assert isinstance(key, str) and isinstance(value, str)


def test_registry_holds_every_family() -> None:
    expected = {
        "github_crc32", "github_fine_grained", "npm_crc32", "gitlab_routable", "grafana_crc32",
        "atlassian_crc32", "cloudflare_crc32", "jwt", "pem_private_key", "putty_private_key",
        "aws_access_key_id", "pypi_macaroon", "slack", "openai", "anthropic",
    }  # fmt: skip
    assert expected <= set(REGISTRY)


def test_unknown_validator_and_crash_safety() -> None:
    with pytest.raises(UnknownValidatorError):
        validate("no-such-validator", "x")
    # A malformed input must never raise out of validate() nor echo the input.
    for name in REGISTRY:
        for junk in ("", "_", "\x00" * 5, "-----BEGIN PRIVATE KEY-----\n@@@\n", "a.b.c"):
            result = validate(name, junk)
            assert result.valid in (False, None), (name, junk)


def test_base62_encoding() -> None:
    assert encode_base(0, BASE62, 6) == "000000"
    assert encode_base(61, BASE62) == "z"
    assert encode_base(62, BASE62) == "10"
    assert len(github_checksum("a" * 30)) == 6


@pytest.mark.parametrize("prefix", ["ghp", "gho", "ghu", "ghs", "ghr"])
def test_github_checksum(prefix: str) -> None:
    token = tokens.github(prefix)
    ok = validate("github_crc32", token)
    assert ok.valid is True and ok.reason == "checksum ok"
    assert_no_secret(ok, token)
    assert validate("github_crc32", tamper(token, 10)).valid is False
    assert validate("github_crc32", tamper(token, len(token) - 1)).valid is False


def test_github_obviously_fake_and_long_refresh_tokens() -> None:
    assert validate("github_crc32", "ghp_" + "EXAMPLE" * 5 + "A").valid is False
    assert validate("github_crc32", "ghp_short").valid is False
    long_refresh = "ghr_" + tokens.random_secret(76)
    assert validate("github_crc32", long_refresh).valid is None


def test_github_fine_grained_structure() -> None:
    token = tokens.github_fine_grained()
    assert validate("github_fine_grained", token).valid is None
    assert validate("github_fine_grained", token[:-1]).valid is False
    assert validate("github_fine_grained", token.replace("_", "-")).valid is False


def test_npm_checksum() -> None:
    token = tokens.npm()
    assert validate("npm_crc32", token).valid is True
    assert validate("npm_crc32", tamper(token, 8)).valid is False


def test_gitlab_routable_checksum_and_routing_details() -> None:
    token = tokens.gitlab_routable(org_id=4242, user_id=987654)
    result = validate("gitlab_routable", token)
    assert result.valid is True
    assert ("gitlab_org", "4242") in result.details
    assert ("gitlab_user", "987654") in result.details
    assert_no_secret(result, token)
    assert validate("gitlab_routable", tamper(token, 8)).valid is False
    assert validate("gitlab_routable", token[:-1] + ("0" if token[-1] != "0" else "1")).valid is (
        False
    )


def test_gitlab_classic_has_no_checksum() -> None:
    result = validate("gitlab_routable", tokens.gitlab_classic())
    assert result.valid is None and "classic" in result.reason


def test_grafana_checksum_is_little_endian_crc_of_first_37() -> None:
    token = tokens.grafana_service_account()
    assert validate("grafana_crc32", token).valid is True
    assert validate("grafana_crc32", tamper(token, 6)).valid is False
    # big-endian hex of the same CRC must not pass
    swapped = token[:-8] + bytes.fromhex(token[-8:])[::-1].hex()
    if swapped != token:
        assert validate("grafana_crc32", swapped).valid is False


@pytest.mark.parametrize("make", [tokens.atlassian_api_token, tokens.bitbucket])
def test_atlassian_checksum_covers_the_prefix(make: object) -> None:
    assert callable(make)
    token = make()
    result = validate("atlassian_crc32", token)
    assert result.valid is True
    assert validate("atlassian_crc32", tamper(token, 20)).valid is False
    # lower-case hex is accepted (case-insensitive check)
    assert validate("atlassian_crc32", token[:-8] + token[-8:].lower()).valid is True


def test_cloudflare_checksum() -> None:
    token = tokens.cloudflare("cfk_")
    result = validate("cloudflare_crc32", token)
    assert result.valid is True and ("kind", "global API key") in result.details
    # an undocumented construction never hides a key: mismatch -> unknown, not invalid
    assert validate("cloudflare_crc32", tamper(token, 10)).valid is None
    assert validate("cloudflare_crc32", "cfk_" + "a" * 10).valid is False


def test_jwt_claims_and_expiry() -> None:
    token = tokens.jwt({"exp": 1_900_000_000, "iss": "https://issuer.test", "aud": ["a", "b"],
                        "scope": "read write", "sub": "user-1"})  # fmt: skip
    result = validate("jwt", token)
    assert result.valid is True
    assert result.expires_at == datetime.fromtimestamp(1_900_000_000, tz=UTC)
    details = dict(result.details)
    assert details["iss"] == "https://issuer.test"
    assert details["aud"] == "a b"
    assert details["scope"] == "read write"
    assert "sub" not in details
    assert_no_secret(result, token)


def test_jwt_expired_unsigned_and_malformed() -> None:
    expired = validate("jwt", tokens.jwt({"exp": 1_000_000_000}))
    assert expired.valid is True and "expired" in expired.reason
    unsigned = validate("jwt", tokens.jwt({"sub": "x"}, alg="none"))
    assert unsigned.valid is True and "unsigned" in unsigned.reason
    assert validate("jwt", "eyJhbGciOi.eyJzdWIi.sig").valid is False
    no_alg = base64.urlsafe_b64encode(json.dumps({"typ": "JWT"}).encode()).decode().rstrip("=")
    assert validate("jwt", f"{no_alg}.{no_alg}.abc").valid is False
    assert validate("jwt", "only.two").valid is False


@pytest.mark.parametrize(
    ("kind", "fmt", "key_type"),
    [("rsa", "pkcs1", "rsa"), ("ec", "sec1", "ec"), ("pkcs8", "pkcs8", "rsa"),
     ("openssh", "openssh", "ssh-ed25519")],
)  # fmt: skip
def test_private_keys(kind: str, fmt: str, key_type: str) -> None:
    plain = tokens.pem_private_key(kind)
    result = validate("pem_private_key", plain)
    assert result.valid is True and result.informational is False
    assert ("format", fmt) in result.details and ("key_type", key_type) in result.details
    encrypted = validate("pem_private_key", tokens.pem_private_key(kind, encrypted=True))
    assert encrypted.valid is True and encrypted.informational is True
    assert encrypted.reason == "encrypted private key"


def test_private_key_escaped_in_json_and_broken_bodies() -> None:
    plain = tokens.pem_private_key("pkcs8")
    assert validate("pem_private_key", plain.replace("\n", "\\n")).valid is True
    header, _, rest = plain.partition("\n")
    assert validate("pem_private_key", header + "\n!!!not base64!!!\n" + rest).valid is False
    assert validate("pem_private_key", plain.split("-----END")[0]).valid is None
    assert validate("pem_private_key", "no key here").valid is False


def test_putty_keys() -> None:
    plain = validate("putty_private_key", tokens.putty_private_key())
    assert plain.valid is True and plain.informational is False
    for version in (2, 3):
        enc = validate("putty_private_key", tokens.putty_private_key(True, version))
        assert enc.valid is True and enc.informational is True
    assert validate("putty_private_key", "PuTTY-User-Key-File-3 missing colon").valid is False


def test_aws_access_key_id_account_and_kind() -> None:
    key = tokens.aws_access_key_id("ASIA", "123456789012")
    result = validate("aws_access_key_id", key)
    assert ("aws_account", "123456789012") in result.details
    assert ("key_type", "ASIA") in result.details
    assert "temporary" in result.reason
    assert result.valid is None  # nothing to verify offline
    legacy = validate("aws_access_key_id", "AKIAI" + "A" * 15)
    assert not any(k == "aws_account" for k, _ in legacy.details)
    assert validate("aws_access_key_id", "AIDA" + "A" * 16).valid is False
    assert validate("aws_access_key_id", "AKIA1234").valid is False


def test_pypi_macaroon() -> None:
    token = tokens.pypi(project="my-proj", expires=2_000_000_000)
    result = validate("pypi_macaroon", token)
    assert result.valid is True
    assert ("index", "pypi.org") in result.details
    assert ("scope", "projects: my-proj") in result.details
    assert result.expires_at == datetime.fromtimestamp(2_000_000_000, tz=UTC)
    account = validate("pypi_macaroon", tokens.pypi())
    assert ("scope", "entire account") in account.details
    assert validate("pypi_macaroon", token[:-10]).valid is False
    assert validate("pypi_macaroon", "pypi-AgEIcHlwaS5vcmcAAAAAAAA").valid is False
    assert validate("pypi_macaroon", "pypi-!!!!").valid is False


@pytest.mark.parametrize("kind", ["bot", "user", "app", "webhook"])
def test_slack_shapes(kind: str) -> None:
    result = validate("slack", tokens.slack(kind))
    assert result.valid is None
    assert dict(result.details)["kind"]


def test_slack_malformed() -> None:
    assert validate("slack", "xoxb-123-abc").valid is False


def test_openai_marker_and_anthropic_suffix() -> None:
    for kind in ("proj", "svcacct", "admin", "legacy"):
        assert validate("openai", tokens.openai(kind)).valid is True
    assert validate("openai", "sk-proj-" + tokens.random_secret(100)).valid is False
    token = tokens.anthropic()
    assert validate("anthropic", token).valid is True
    assert validate("anthropic", token[:-2] + "AB").valid is False
    assert validate("anthropic", tokens.anthropic("admin01")).valid is True


def test_validators_are_fast() -> None:
    import time

    samples = [
        ("github_crc32", tokens.github()),
        ("jwt", tokens.jwt()),
        ("pypi_macaroon", tokens.pypi()),
        ("gitlab_routable", tokens.gitlab_routable()),
    ]
    start = time.perf_counter()
    for _ in range(1000):
        for name, secret in samples:
            validate(name, secret)
    assert time.perf_counter() - start < 2.0
