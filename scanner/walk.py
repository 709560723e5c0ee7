"""Safe file discovery.

Never follows a symlink out of the scanned roots (or the allowed boundary, e.g. the home folder
for a personal scan) nor into a loop (directories are tracked by (device, inode)); never opens
FIFOs, sockets or devices; permission errors and files vanishing mid-walk become
:class:`ScanIssue`s, never exceptions. Caches, dependency trees, VCS stores and build output are
skipped by name (see :mod:`scanner.locations`), ``.stowawayignore`` files are honoured.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from scanner.ignore import PATH_IGNORE_FILE, PathGlobs, read_path_ignore
from scanner.locations import EXCLUDED_DIR_NAMES, KEEP_INSIDE, excluded_extension, wanted_in

ISSUE_KINDS = (
    "permission", "vanished", "decode", "too_large", "binary", "special_file", "symlink_loop",
    "symlink_outside", "changed_during_scan", "error",
)  # fmt: skip


@dataclass(frozen=True)
class ScanIssue:
    path: str
    kind: str
    message: str


@dataclass(frozen=True)
class WalkRoot:
    path: str
    location_kind: str = "any"  # "any" | "history" | "credentials" | "notes" | "code"
    recursive: bool = True
    known_credential: bool = False
    report_missing: bool = True  # explicit roots report a missing path; personal ones don't


@dataclass(frozen=True, slots=True)
class WalkItem:
    path: str
    known_credential: bool = False


def _inside(path: str, bases: Iterable[str]) -> bool:
    return any(path == b or path.startswith(b.rstrip(os.sep) + os.sep) for b in bases)


class Walker:
    def __init__(
        self,
        roots: Iterable[WalkRoot],
        *,
        excludes: tuple[str, ...] = (),
        boundaries: Iterable[str] | None = None,
        on_issue: Callable[[ScanIssue], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.roots = [
            WalkRoot(
                os.path.abspath(os.path.expanduser(r.path)),
                r.location_kind,
                r.recursive,
                r.known_credential,
                r.report_missing,
            )
            for r in roots
        ]
        self.excludes = excludes
        real_roots = [os.path.realpath(r.path) for r in self.roots if r.recursive]
        self._walked = real_roots
        self._boundaries = [os.path.realpath(b) for b in boundaries] if boundaries else real_roots
        self._issue = on_issue or (lambda issue: None)
        self._cancel = cancel
        self._visited: set[tuple[int, int]] = set()
        self._seen_files: set[str] = set()

    def __iter__(self) -> Iterator[WalkItem]:
        ordered = sorted(self.roots, key=lambda r: r.recursive)  # single files first
        for root in ordered:
            if self._cancelled():
                return
            yield from self._root(root)

    def _cancelled(self) -> bool:
        return self._cancel is not None and self._cancel.is_set()

    def _root(self, root: WalkRoot) -> Iterator[WalkItem]:
        try:
            st = os.stat(root.path)
        except FileNotFoundError:
            if root.report_missing:
                self._issue(ScanIssue(root.path, "vanished", "no such file or folder"))
            return
        except PermissionError:
            self._issue(ScanIssue(root.path, "permission", "permission denied"))
            return
        except OSError as exc:
            self._issue(ScanIssue(root.path, "error", exc.strerror or type(exc).__name__))
            return
        if stat.S_ISREG(st.st_mode):
            real = os.path.realpath(root.path)
            if real not in self._seen_files:
                self._seen_files.add(real)
                yield WalkItem(root.path, root.known_credential)
        elif stat.S_ISDIR(st.st_mode):
            if not root.recursive:
                return
            key = (st.st_dev, st.st_ino)
            if key in self._visited:
                return
            self._visited.add(key)
            ignores = (PathGlobs(root.path, self.excludes),) if self.excludes else ()
            yield from self._walk_dir(root, root.path, ignores)
        else:
            self._issue(ScanIssue(root.path, "special_file", "not a regular file (skipped)"))

    def _walk_dir(
        self, root: WalkRoot, top: str, top_ignores: tuple[PathGlobs, ...]
    ) -> Iterator[WalkItem]:
        stack: list[tuple[str, tuple[PathGlobs, ...]]] = [(top, top_ignores)]
        while stack:
            if self._cancelled():
                return
            directory, ignores = stack.pop()
            try:
                with os.scandir(directory) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except FileNotFoundError:
                self._issue(ScanIssue(directory, "vanished", "folder disappeared during the scan"))
                continue
            except PermissionError:
                self._issue(ScanIssue(directory, "permission", "permission denied"))
                continue
            except OSError as exc:
                self._issue(ScanIssue(directory, "error", exc.strerror or type(exc).__name__))
                continue
            if any(e.name == PATH_IGNORE_FILE for e in entries):
                local = read_path_ignore(directory)
                if local is not None:
                    ignores = (*ignores, local)
            parent_name = os.path.basename(directory)
            subdirs: list[str] = []
            for entry in entries:
                path = entry.path
                if ignores and any(g.matches(path) for g in ignores):
                    continue
                try:
                    if entry.is_symlink():
                        yield from self._symlink(root, directory, entry, subdirs)
                    elif entry.is_dir(follow_symlinks=False):
                        if entry.name in EXCLUDED_DIR_NAMES:
                            yield from self._kept_inside(root, path, entry.name, ignores)
                            continue
                        st = entry.stat(follow_symlinks=False)
                        key = (st.st_dev, st.st_ino)
                        if key not in self._visited:
                            self._visited.add(key)
                            subdirs.append(path)
                    elif entry.is_file(follow_symlinks=False):
                        if excluded_extension(entry.name) or path in self._seen_files:
                            continue
                        if wanted_in(root.location_kind, entry.name, parent_name):
                            yield WalkItem(path, root.known_credential)
                    elif wanted_in(root.location_kind, entry.name, parent_name):
                        self._issue(ScanIssue(path, "special_file", _special_kind(entry)))
                except FileNotFoundError:
                    self._issue(ScanIssue(path, "vanished", "disappeared during the scan"))
                except PermissionError:
                    self._issue(ScanIssue(path, "permission", "permission denied"))
                except OSError as exc:
                    self._issue(ScanIssue(path, "error", exc.strerror or type(exc).__name__))
            stack.extend((d, ignores) for d in reversed(subdirs))

    def _kept_inside(
        self, root: WalkRoot, path: str, name: str, ignores: tuple[PathGlobs, ...]
    ) -> Iterator[WalkItem]:
        """The few known files inside an excluded folder (``.git/config``…)."""
        for rel in KEEP_INSIDE.get(name, ()):
            candidate = os.path.join(path, rel)
            try:
                st = os.lstat(candidate)
            except OSError:
                continue
            parent = os.path.basename(os.path.dirname(candidate))
            if (
                stat.S_ISREG(st.st_mode)
                and wanted_in(root.location_kind, os.path.basename(candidate), parent)
                and not any(g.matches(candidate) for g in ignores)
            ):
                yield WalkItem(candidate, True)

    def _symlink(
        self, root: WalkRoot, directory: str, entry: os.DirEntry[str], subdirs: list[str]
    ) -> Iterator[WalkItem]:
        target = os.path.realpath(entry.path)
        try:
            st = os.stat(target)
        except OSError:
            return  # dangling link: nothing to scan
        if not _inside(target, self._boundaries):
            self._issue(
                ScanIssue(
                    entry.path, "symlink_outside", "symlink leads outside the scanned folders"
                )
            )
            return
        if stat.S_ISDIR(st.st_mode):
            here = os.path.realpath(directory)
            if here == target or here.startswith(target.rstrip(os.sep) + os.sep):
                self._issue(ScanIssue(entry.path, "symlink_loop", "symlink loops to a parent"))
                return
            if _inside(target, self._walked) or not root.recursive:
                return  # reached directly by the walk
            key = (st.st_dev, st.st_ino)
            if key not in self._visited:
                self._visited.add(key)
                subdirs.append(entry.path)
        elif stat.S_ISREG(st.st_mode):
            if _inside(target, self._walked) or target in self._seen_files:
                return  # the target itself is scanned
            if excluded_extension(entry.name):
                return
            if wanted_in(root.location_kind, entry.name, os.path.basename(directory)):
                self._seen_files.add(target)
                yield WalkItem(entry.path, root.known_credential)
        else:
            self._issue(ScanIssue(entry.path, "special_file", "symlink to a special file"))


def _special_kind(entry: os.DirEntry[str]) -> str:
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return "not a regular file (skipped)"
    if stat.S_ISFIFO(mode):
        return "named pipe (skipped, never opened)"
    if stat.S_ISSOCK(mode):
        return "socket (skipped)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device (skipped)"
    return "not a regular file (skipped)"
