"""~/.npmrc _authToken → ${VAR} + shell integration, proven with the real npm against a local
registry stub that records the Authorization header (no network)."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from scanner.migrate import undo
from tests import tokens
from tests.test_migrate_support import find, migrate, plaintext_hits

pytestmark = pytest.mark.skipif(shutil.which("npm") is None, reason="npm not installed")


class Registry(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Registry.seen.append(self.headers.get("Authorization", ""))
        body = json.dumps({"username": "tester"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_npm_token_from_keychain_via_shell_integration(home: Path, keychain, monkeypatch) -> None:
    monkeypatch.setenv("SHELL", "/bin/bash")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    token = tokens.npm()
    npmrc = home / ".npmrc"
    original = (
        f"registry=http://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_authToken={token}\n"
    ).encode()
    npmrc.write_bytes(original)
    bashrc = home / ".bashrc"
    bashrc.write_text("alias l=ls\n")
    try:
        _plan, result = migrate(find(npmrc, token, kind="npmrc", provider="npm"), home)
        assert "${NPM_TOKEN_127_0_0_1}" in npmrc.read_text()
        assert "stowaway shell integration" in bashrc.read_text()
        assert plaintext_hits(token, home) == []
        env = {k: v for k, v in os.environ.items() if not k.startswith("NPM_TOKEN")}
        run = subprocess.run(
            ["bash", "-c", f"source {bashrc}; npm whoami --registry http://127.0.0.1:{port}/"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=home,
        )
        assert run.stdout.strip() == "tester", run.stderr
        assert f"Bearer {token}" in Registry.seen
    finally:
        server.shutdown()
    assert undo(result.migration_id).state == "undone"
    assert npmrc.read_bytes() == original
    assert bashrc.read_text() == "alias l=ls\n"
