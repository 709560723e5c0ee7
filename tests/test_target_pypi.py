"""~/.pypirc password → keyring entry twine reads natively (service = repository URL)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from scanner.migrate import undo
from tests import tokens
from tests.test_migrate_support import find, migrate, plaintext_hits


def test_pypirc_password_to_keyring_read_by_twine(home: Path, keychain) -> None:
    token = tokens.pypi()
    pypirc = home / ".pypirc"
    original = (
        f"[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\n"
        f"password = {token}\n"
    ).encode()
    pypirc.write_bytes(original)
    _plan, result = migrate(find(pypirc, token, kind="pypirc", provider="pypi"), home)
    assert "password" not in pypirc.read_text()
    assert plaintext_hits(token, home) == []
    from twine.settings import Settings

    settings = Settings(repository_name="pypi", config_file=str(pypirc), non_interactive=True)
    assert settings.username == "__token__"
    assert settings.password == token
    exe = shutil.which("keyring") or str(Path(sys.executable).parent / "keyring")
    got = subprocess.run(
        [exe, "get", "https://upload.pypi.org/legacy/", "__token__"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert got.stdout.strip() == token, got.stderr
    assert undo(result.migration_id).state == "undone"
    assert pypirc.read_bytes() == original
