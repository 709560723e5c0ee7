"""The keychain layer on the real Secret Service: split entries under a simulated Windows limit,
refusal of plaintext backends, a locked keychain's clear error."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scanner.keychain import (
    MANIFEST_PREFIX,
    InsecureBackendError,
    Keychain,
    KeychainError,
    KeychainLockedError,
    NoKeychainError,
    SecretTooLargeError,
    check_backend,
    default_account,
)
from tests import tokens

PASSWORD = b"stowaway-test-keyring"


def test_naming_convention() -> None:
    assert default_account("GitHub", "fp_3f2a9c1d00000000") == "github/3f2a9c1d"
    assert default_account("Hugging Face", "fp_abcdef0123") == "hugging-face/abcdef01"


def test_split_into_parts_under_windows_limit(keychain) -> None:
    kc = Keychain(keychain, blob_limit=2560, blob_encoding="utf-16-le")
    value = tokens.pem_private_key()  # ~1.7k chars → 3.4k bytes in UTF-16
    assert len(value.encode("utf-16-le")) > 2560
    parts = kc.set_verified("test/split", value)
    assert parts == 2
    raw_main = keychain.get_password("stowaway", "test/split")
    assert raw_main.startswith(MANIFEST_PREFIX)
    for n in (1, 2):
        part = keychain.get_password("stowaway", f"test/split#part{n}")
        assert len(part.encode("utf-16-le")) <= 2560
    assert kc.get("test/split") == value
    # a shorter value replaces it and leaves no stale parts behind
    kc.set("test/split", "short")
    assert keychain.get_password("stowaway", "test/split#part1") is None
    kc.set("test/split", value)
    assert kc.delete("test/split")
    assert keychain.get_password("stowaway", "test/split#part2") is None
    assert kc.get("test/split") is None


def test_damaged_parts_are_detected(keychain) -> None:
    kc = Keychain(keychain, blob_limit=100)
    kc.set("test/damaged", "x" * 250)
    keychain.set_password("stowaway", "test/damaged#part2", "y" * 100)
    with pytest.raises(KeychainError, match="do not match"):
        kc.get("test/damaged")
    kc.delete("test/damaged")


def test_unsplittable_entry_refused_when_too_large(keychain) -> None:
    kc = Keychain(keychain, blob_limit=64)
    with pytest.raises(SecretTooLargeError, match="cannot join split entries"):
        kc.set("__token__", "p" * 100, service="https://upload.pypi.org/legacy/", split=False)


def _fake_backend(module: str) -> object:
    cls = type("PlaintextKeyring", (), {"priority": 1})
    cls.__module__ = module
    return cls()


def test_plaintext_and_missing_backends_refused() -> None:
    from keyring.backends import chainer, fail

    with pytest.raises(NoKeychainError, match="never falls back"):
        check_backend(fail.Keyring())
    with pytest.raises(InsecureBackendError, match="not an OS keychain"):
        check_backend(_fake_backend("keyrings.alt.file"))
    secure = _fake_backend("keyring.backends.SecretService")
    insecure = _fake_backend("keyrings.alt.file")
    chain = chainer.ChainerBackend()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(chainer.ChainerBackend, "backends", [secure, insecure])
        with pytest.raises(InsecureBackendError, match="fall through"):
            check_backend(chain)
        mp.setattr(chainer.ChainerBackend, "backends", [secure])
        check_backend(chain)


def test_cli_refuses_the_fail_backend(home, tmp_path) -> None:
    import os

    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    run = subprocess.run(
        [sys.executable, "-m", "scanner", "get", "anything"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "No OS keychain is available" in run.stderr


def _unlock(collection_path: str) -> None:
    """Unlock through gnome-keyring's own interface with the harness password (no prompt)."""
    import secretstorage
    from jeepney import DBusAddress, new_method_call
    from secretstorage.util import format_secret, open_session

    bus = secretstorage.dbus_init()
    session = open_session(bus)
    secret = format_secret(session, PASSWORD, "text/plain")
    addr = DBusAddress(
        "/org/freedesktop/secrets",
        bus_name="org.freedesktop.secrets",
        interface="org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
    )
    bus.send_and_get_reply(
        new_method_call(addr, "UnlockWithMasterPassword", "o(oayays)", (collection_path, secret))
    )


def test_locked_keychain_gives_a_clear_error(keychain, home) -> None:
    import secretstorage

    from scanner.migrate import MigrationError, plan_findings, run_plan
    from tests.test_migrate_support import find

    kc = Keychain(keychain)
    kc.set("test/locked", "value-before-lock")
    bus = secretstorage.dbus_init()
    collection = secretstorage.get_default_collection(bus)
    real_path = secretstorage.util.DBusAddressWrapper(
        "/org/freedesktop/secrets", "org.freedesktop.Secret.Service", bus
    ).call("ReadAlias", "s", "default")[0]
    token = tokens.github()
    env = home / ".env"
    env.write_text(f"T={token}\n")
    plan = plan_findings(find(env, token, kind="dotenv"), home=home)
    collection.lock()
    try:
        assert collection.is_locked()
        with pytest.raises(KeychainLockedError, match="keychain is locked"):
            kc.get("test/locked")
        with pytest.raises(MigrationError, match=r"locked.*Nothing was changed"):
            run_plan(plan)
        assert env.read_text() == f"T={token}\n"
    finally:
        _unlock(real_path)
    assert not collection.is_locked()
    assert kc.get("test/locked") == "value-before-lock"
    kc.delete("test/locked")


def test_errors_and_repr_hold_no_secret(keychain) -> None:
    kc = Keychain(keychain, blob_limit=16)
    secret = tokens.github()
    with pytest.raises(SecretTooLargeError) as info:
        kc.set("test/x", secret, split=False)
    assert secret not in str(info.value) and secret not in repr(kc)
