"""~/.aws/credentials → credential_process, proven with botocore resolving the profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.keychain import Keychain
from scanner.migrate import undo
from tests import tokens
from tests.test_migrate_support import find, migrate, plaintext_hits


@pytest.fixture
def aws_env(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    aws = home / ".aws"
    aws.mkdir()
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws / "config"))
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    return aws


def resolve(profile: str) -> tuple[str, str]:
    import botocore.session

    creds = botocore.session.Session(profile=profile).get_credentials()
    assert creds is not None
    frozen = creds.get_frozen_credentials()
    return frozen.access_key, frozen.secret_key


def test_aws_profiles_served_by_credential_process(aws_env: Path, home: Path, keychain) -> None:
    key_id, secret = tokens.aws_access_key_id(), tokens.aws_secret_access_key()
    key_id2, secret2 = tokens.aws_access_key_id(), tokens.aws_secret_access_key()
    creds = aws_env / "credentials"
    original = (
        f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
        f"region = eu-west-1\n\n[work]\naws_access_key_id={key_id2}\n"
        f"aws_secret_access_key={secret2}"
    ).encode()
    creds.write_bytes(original)
    config = aws_env / "config"
    config_original = b"[default]\noutput = json\n"
    config.write_bytes(config_original)
    assert resolve("default") == (key_id, secret)
    findings = (
        find(creds, key_id, kind="aws_credentials", provider="aws")
        + find(creds, secret, kind="aws_credentials", provider="aws")
        + find(creds, secret2, kind="aws_credentials", provider="aws")
    )
    _plan, result = migrate(findings, home)
    text = creds.read_text()
    for value in (key_id, secret, key_id2, secret2):
        assert value not in text
        assert plaintext_hits(value, home) == []
    assert "region = eu-west-1" in text
    cfg = config.read_text()
    assert "[default]\ncredential_process = " in cfg and "[profile work]" in cfg
    assert " credential aws work" in cfg
    assert Keychain().get("aws/default") is not None
    # the real client: botocore runs our credential process
    assert resolve("default") == (key_id, secret)
    assert resolve("work") == (key_id2, secret2)
    assert undo(result.migration_id).state == "undone"
    assert creds.read_bytes() == original
    assert config.read_bytes() == config_original
    assert Keychain().get("aws/default") is None


def test_aws_config_created_when_missing_and_removed_on_undo(
    aws_env: Path, home: Path, keychain
) -> None:
    key_id, secret = tokens.aws_access_key_id(), tokens.aws_secret_access_key()
    creds = aws_env / "credentials"
    creds.write_text(f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n")
    __plan, result = migrate(find(creds, secret, kind="aws_credentials", provider="aws"), home)
    assert (aws_env / "config").exists()
    assert resolve("default") == (key_id, secret)
    undo(result.migration_id)
    assert not (aws_env / "config").exists()
