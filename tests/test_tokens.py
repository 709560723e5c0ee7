"""The shared fake-token generator: right shapes, seedable, checksums agree with the validators."""

from __future__ import annotations

import re

import pytest

from scanner.validators import validate
from scanner.validators.checksums import aws_account_id
from tests import tokens
from tests.tokens import TokenFactory


def test_seeded_factories_repeat_and_differ() -> None:
    a, b, c = TokenFactory(seed=5), TokenFactory(seed=5), TokenFactory(seed=6)
    assert a.github() == b.github()
    assert a.npm() == b.npm()
    assert TokenFactory(seed=5).github() != c.github()


def test_module_seed_makes_module_functions_deterministic() -> None:
    tokens.seed(42)
    first = (tokens.github("gho"), tokens.slack("bot"), tokens.aws_secret_access_key())
    tokens.seed(42)
    assert (tokens.github("gho"), tokens.slack("bot"), tokens.aws_secret_access_key()) == first


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda: tokens.github("ghp"), r"ghp_[A-Za-z0-9]{36}"),
        (lambda: tokens.github("ghs"), r"ghs_[A-Za-z0-9]{36}"),
        (tokens.github_fine_grained, r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}"),
        (tokens.npm, r"npm_[A-Za-z0-9]{36}"),
        (tokens.gitlab_classic, r"glpat-[\w-]{20}"),
        (tokens.gitlab_routable, r"glpat-[\w-]{27,300}\.01\.[0-9a-z]{2}[0-9a-z]{7}"),
        (tokens.grafana_service_account, r"glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}"),
        (tokens.atlassian_api_token, r"ATATT3xFfGF0[\w-]{171}=[0-9A-F]{8}"),
        (tokens.bitbucket, r"ATBB[A-Za-z0-9]{32}[0-9A-F]{8}"),
        (lambda: tokens.cloudflare("cfat_"), r"cfat_[A-Za-z0-9]{40}[0-9a-f]{8}"),
        (tokens.pypi, r"pypi-AgEIcHlwaS5vcmc[\w-]+"),
        (tokens.aws_access_key_id, r"AKIA[A-Z2-7]{16}"),
        (lambda: tokens.aws_access_key_id("ASIA"), r"ASIA[A-Z2-7]{16}"),
        (tokens.aws_secret_access_key, r"[A-Za-z0-9+/]{40}"),
        (tokens.aws_session_token, r"IQoJb3JpZ2luX2Vj[A-Za-z0-9+/]+=*"),
        (lambda: tokens.openai("svcacct"), r"sk-svcacct-[\w-]{74}T3BlbkFJ[\w-]{74}"),
        (tokens.anthropic, r"sk-ant-api03-[\w-]{93}AA"),
        (tokens.huggingface, r"hf_[A-Za-z]{34}"),
        (tokens.google_api_key, r"AIza[\w-]{35}"),
        (lambda: tokens.slack("bot"), r"xoxb-\d{12}-\d{13}-[A-Za-z0-9]{24}"),
        (lambda: tokens.slack("webhook"), r"https://hooks\.slack\.com/services/T\w+/B\w+/\w{24}"),
        (lambda: tokens.stripe("rk_live"), r"rk_live_[A-Za-z0-9]{99}"),
        (lambda: tokens.random_secret(17, "ab"), r"[ab]{17}"),
    ],
)
def test_shapes(make: object, shape: str) -> None:
    assert callable(make)
    value = make()
    assert isinstance(value, str)
    assert re.fullmatch(shape, value), value[:12]


@pytest.mark.parametrize(
    ("validator", "make"),
    [
        ("github_crc32", lambda: tokens.github("ghu")),
        ("github_crc32", lambda: tokens.github("ghr")),
        ("npm_crc32", tokens.npm),
        ("gitlab_routable", tokens.gitlab_routable),
        ("grafana_crc32", tokens.grafana_service_account),
        ("atlassian_crc32", tokens.atlassian_api_token),
        ("atlassian_crc32", tokens.bitbucket),
        ("cloudflare_crc32", tokens.cloudflare),
        ("pypi_macaroon", tokens.pypi),
        ("jwt", tokens.jwt),
        ("openai", tokens.openai),
        ("anthropic", tokens.anthropic),
    ],
)
def test_generated_tokens_pass_their_validator(validator: str, make: object) -> None:
    assert callable(make)
    for _ in range(20):
        assert validate(validator, make()).valid is True


def test_aws_key_id_encodes_the_requested_account() -> None:
    for account in ("000000000001", "123456789012", "999999999999"):
        assert aws_account_id(tokens.aws_access_key_id("AKIA", account)) == account


def test_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError):
        tokens.github("ghx")
    with pytest.raises(ValueError):
        tokens.cloudflare("cfz_")
    with pytest.raises(ValueError):
        tokens.jwt(alg="RS256")


@pytest.mark.parametrize(
    ("kind", "encrypted", "marker"),
    [
        ("rsa", False, "-----BEGIN RSA PRIVATE KEY-----"),
        ("rsa", True, "Proc-Type: 4,ENCRYPTED"),
        ("ec", False, "-----BEGIN EC PRIVATE KEY-----"),
        ("pkcs8", False, "-----BEGIN PRIVATE KEY-----"),
        ("pkcs8", True, "-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        ("openssh", False, "-----BEGIN OPENSSH PRIVATE KEY-----"),
        ("openssh", True, "-----BEGIN OPENSSH PRIVATE KEY-----"),
    ],
)
def test_private_keys_are_real_keys(kind: str, encrypted: bool, marker: str) -> None:
    text = tokens.pem_private_key(kind, encrypted=encrypted)
    assert marker in text
    assert text.rstrip().endswith("PRIVATE KEY-----")


def test_putty_key_headers() -> None:
    plain = tokens.putty_private_key()
    assert plain.startswith("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n")
    assert "Encryption: aes256-cbc" in tokens.putty_private_key(encrypted=True, version=2)
