"""What the user chose not to see: inline comments, fingerprints, and marked paths.

* ``stowaway:ignore`` anywhere on a line drops findings on that line (handled by the matcher).
* An ignore file (``config_dir()/ignore.toml`` or ``--ignore-file``) lists fingerprints with the
  reason they are ignored::

      [[ignore]]
      fingerprint = "fp_0123…"
      reason = "test fixture token, revoked"

* A ``.stowawayignore`` file in a scanned folder lists path globs (gitignore-like: a pattern
  without ``/`` matches a name at any depth; ``**`` spans folders) relative to that folder.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scanner import paths

IGNORE_FILE_NAME = "ignore.toml"
PATH_IGNORE_FILE = ".stowawayignore"


class IgnoreFileError(ValueError):
    """The ignore file cannot be read; the message says where."""


@dataclass(frozen=True)
class IgnoredFingerprint:
    fingerprint: str
    reason: str


def default_ignore_file() -> Path:
    return paths.config_dir() / IGNORE_FILE_NAME


def load_ignore_file(path: Path | None = None) -> dict[str, IgnoredFingerprint]:
    """Fingerprint -> entry. A missing default file is an empty list."""
    target = path or default_ignore_file()
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if path is not None:
            raise IgnoreFileError(f"{target}: no such ignore file") from None
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise IgnoreFileError(f"{target}: cannot read ignore file: {exc}") from None
    entries = data.get("ignore", [])
    if not isinstance(entries, list):
        raise IgnoreFileError(f"{target}: expected [[ignore]] tables")
    result = {}
    for i, entry in enumerate(entries):
        fp = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fp, str) or not fp.startswith("fp_"):
            raise IgnoreFileError(f"{target}: [[ignore]] #{i + 1} needs a fingerprint = 'fp_…'")
        result[fp] = IgnoredFingerprint(fp, str(entry.get("reason", "")))
    return result


def add_to_ignore_file(fingerprint: str, reason: str, path: Path | None = None) -> None:
    """Append one entry (atomically rewrites the file, mode 0600)."""
    target = path or default_ignore_file()
    existing = load_ignore_file(target) if target.exists() else {}
    existing[fingerprint] = IgnoredFingerprint(fingerprint, reason)
    lines = ["# Findings Stowaway should not report (fingerprints, never secrets).", ""]
    for entry in existing.values():
        reason_text = entry.reason.replace("\\", "\\\\").replace('"', '\\"')
        lines += [
            "[[ignore]]",
            f'fingerprint = "{entry.fingerprint}"',
            f'reason = "{reason_text}"',
            "",
        ]
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)


def glob_to_regex(pattern: str) -> str:
    """gitignore-like glob -> regex over a POSIX relative path (matches the path or a parent)."""
    pattern = pattern.strip()
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            close = pattern.find("]", i + 1)
            if close < 0:
                out.append(re.escape(pattern[i]))
                i += 1
            else:
                body = pattern[i + 1 : close].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = close + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    body = "".join(out)
    prefix = "" if anchored else "(?:.*/)?"
    return f"{prefix}{body}(?:/.*)?"


class PathGlobs:
    """A set of globs relative to ``base`` (absolute globs match absolute paths)."""

    def __init__(self, base: str, patterns: Iterable[str]) -> None:
        self.base = base.rstrip(os.sep) or os.sep
        relative: list[str] = []
        absolute: list[str] = []
        for raw in patterns:
            pat = raw.strip()
            if not pat or pat.startswith("#"):
                continue
            pat = pat.replace("\\", "/")
            (absolute if os.path.isabs(pat) else relative).append(pat)
        self._rel = re.compile("|".join(glob_to_regex(p) for p in relative)) if relative else None
        self._abs = re.compile("|".join(glob_to_regex(p) for p in absolute)) if absolute else None

    def __bool__(self) -> bool:
        return self._rel is not None or self._abs is not None

    def matches(self, path: str) -> bool:
        if self._abs is not None and self._abs.fullmatch(path.replace(os.sep, "/").lstrip("/")):
            return True
        if self._rel is None:
            return False
        if path == self.base:
            return False
        prefix = self.base + os.sep if self.base != os.sep else os.sep
        if not path.startswith(prefix):
            return False
        rel = path[len(prefix) :].replace(os.sep, "/")
        return self._rel.fullmatch(rel) is not None


def read_path_ignore(directory: str) -> PathGlobs | None:
    """The ``.stowawayignore`` of a folder, or None."""
    try:
        with open(os.path.join(directory, PATH_IGNORE_FILE), encoding="utf-8") as handle:
            globs = PathGlobs(directory, handle.read().splitlines())
    except (OSError, UnicodeDecodeError):
        return None
    return globs if globs else None
