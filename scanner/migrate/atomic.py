"""Atomic, durable file rewrite that keeps mode, owner and symlinks.

The new content goes to ``.<name>.stowaway.tmp`` in the same folder (same filesystem, so
``os.replace`` is atomic), is fsynced, renamed over the real file (a symlink's target, so the link
stays), and the folder is fsynced. The temp name is fixed so recovery can remove a leftover one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from scanner.migrate import faults
from scanner.migrate.plan import content_hash


class FileChangedError(Exception):
    """The file is not what the plan (or journal) expected."""


class UnwritableError(Exception):
    pass


def real_path(path: str | Path) -> Path:
    return Path(os.path.realpath(os.path.expanduser(str(path))))


def temp_path(real: Path) -> Path:
    return real.parent / f".{real.name}.stowaway.tmp"


def read_bytes(path: str | Path) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None


def check_writable(real: Path) -> None:
    folder = real.parent
    if real.exists() and not os.access(real, os.W_OK):
        raise UnwritableError(f"{real} is read-only; make it writable to migrate it.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UnwritableError(
            f"The folder {folder} is not writable, so {real.name} cannot be replaced safely."
        )


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # Windows: folders cannot be opened; os.replace is already durable there
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(
    path: str | Path,
    data: bytes,
    *,
    expected_hash: str | None,
    expect_absent: bool = False,
    create_mode: int = 0o600,
) -> None:
    """Replace ``path``'s content with ``data`` if its current content hashes to ``expected_hash``
    (or, with ``expect_absent``, if it does not exist). Raises :class:`FileChangedError`,
    :class:`UnwritableError` or ``OSError`` (e.g. disk full) leaving the file untouched."""
    real = real_path(path)
    current = read_bytes(real)
    if expect_absent:
        if current is not None:
            raise FileChangedError(f"{real} appeared since the plan was made.")
    elif current is None:
        raise FileChangedError(f"{real} no longer exists.")
    elif content_hash(current) != expected_hash:
        raise FileChangedError(f"{real} changed since the plan was made.")
    real.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    check_writable(real)
    st = os.stat(real) if current is not None else None
    tmp = temp_path(real)
    tmp.unlink(missing_ok=True)
    mode = stat.S_IMODE(st.st_mode) if st else create_mode
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        try:
            faults.before("write")
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            if st is not None and hasattr(os, "fchown"):
                # not root: the new file is ours, as the old one was
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, st.st_uid, st.st_gid)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, real)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise OSError(errno.ENOSPC, f"The disk is full: {real} was left unchanged") from exc
        raise
    _fsync_dir(real.parent)


def atomic_remove(path: str | Path, *, expected_hash: str) -> None:
    """Delete a file Stowaway created, if it still has the content Stowaway wrote."""
    real = real_path(path)
    current = read_bytes(real)
    if current is None:
        return
    if content_hash(current) != expected_hash:
        raise FileChangedError(f"{real} changed since Stowaway created it; it was kept.")
    real.unlink()
    _fsync_dir(real.parent)
