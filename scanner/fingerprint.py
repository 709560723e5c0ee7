"""Keyed fingerprints: the same secret gives the same fingerprint on this machine, and a
fingerprint cannot be checked against a guessed secret without the per-install key.

The key is 32 random bytes in a 0600 file in the data dir. It is not kept in the OS keychain on
purpose: scans and the tray must work when the keychain is locked or absent (headless machines,
CI), and anyone who can read the key file can read the inventory and the scanned files anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from scanner import paths

KEY_FILE = "fingerprint.key"
PREFIX = "fp_"


def _load_or_create_key(directory: Path) -> bytes:
    path = directory / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    tmp = directory / f".{KEY_FILE}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        # first writer wins so concurrent processes agree on one key
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


class Fingerprinter:
    """HMAC-SHA256 of the secret under the per-install key, as ``fp_`` + 32 hex chars."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else _load_or_create_key(paths.data_dir())

    def __call__(self, secret: str) -> str:
        digest = hmac.new(self._key, secret.encode("utf-8", "surrogateescape"), hashlib.sha256)
        return PREFIX + digest.hexdigest()[:32]

    def __repr__(self) -> str:  # never show the key
        return "Fingerprinter(<key hidden>)"
