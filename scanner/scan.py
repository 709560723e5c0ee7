"""The scan engine: files in, findings out, in parallel, never raising for bad input.

:class:`Engine` compiles the rules once (scanner.rules.compiled + one prefilter database) and is
reusable and thread-safe. :meth:`Engine.scan` walks roots (or the personal locations), spreads
files over worker processes (one Engine per process: per-file Python work holds the GIL), and
reports every file through ``on_file`` so callers (CLI, inventory, desktop) can record as results
arrive.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import multiprocessing
import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.fingerprint import Fingerprinter
from scanner.formats.base import UTF16_BOMS
from scanner.ignore import IgnoredFingerprint, load_ignore_file
from scanner.locations import file_kind_for, is_credential_kind, personal_locations
from scanner.match import Hit, Matcher
from scanner.model import Finding
from scanner.rules import RulePack, default_rules
from scanner.walk import ScanIssue, Walker, WalkItem, WalkRoot

__all__ = [
    "Engine",
    "FileScan",
    "FileStat",
    "ScanIssue",
    "ScanOptions",
    "ScanProgress",
    "ScanResult",
    "content_hash",
    "scan",
]

BINARY_SNIFF = 8192
BINARY_MAGIC = (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
BINARY_CONTROL_SHARE = 0.02  # C0 control bytes in text: almost none; in random/compressed data: ~9%
_CONTROL = bytes(
    [*range(1, 7), *range(14, 27), *range(28, 32), 127]
)  # not BEL BS TAB LF VT FF CR ESC
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)


def looks_binary(head: bytes) -> bool:
    """A NUL byte, an executable's magic number, or control bytes no text has.

    Text in any 8-bit or multi-byte legacy encoding (Latin-1, Shift-JIS, zsh's metafied history)
    and terminal logs with colour escapes have next to no C0 control bytes; random, compressed or
    encrypted data has about one in eleven.
    """
    if head[:2] in UTF16_BOMS:
        return False
    if b"\0" in head or head.startswith(BINARY_MAGIC):
        return True
    controls = len(head.translate(None, _NOT_CONTROL))
    return controls > len(head) * BINARY_CONTROL_SHARE


SCANNED_WITH_ISSUE = frozenset({"decode", "changed_during_scan"})


@dataclass(frozen=True)
class ScanOptions:
    max_file_size: int = 20 * 1024 * 1024  # known credential files are never skipped for size
    workers: int | None = None  # default: os.cpu_count()
    include_informational: bool = True
    extra_excludes: tuple[str, ...] = ()  # glob patterns
    use_hyperscan: bool | None = None  # None = auto
    ignore_file: str | None = None  # fingerprints to hide; None = config_dir()/ignore.toml
    use_ignore_file: bool = True


@dataclass(frozen=True)
class FileStat:
    size: int
    mtime_ns: int
    inode: int
    device: int


@dataclass(frozen=True)
class FileScan:
    path: str
    file_kind: str
    stat: FileStat | None
    content_hash: str | None  # blake2b hex of the bytes
    findings: tuple[Finding, ...]
    issue: ScanIssue | None
    ignored: int = 0  # findings hidden by the ignore file

    @property
    def scanned(self) -> bool:
        return self.issue is None or self.issue.kind in SCANNED_WITH_ISSUE


@dataclass(frozen=True)
class ScanProgress:
    files_done: int
    files_total: int | None
    bytes_done: int
    current: str


@dataclass
class ScanResult:
    findings: list[Finding]
    issues: list[ScanIssue]
    files_scanned: int
    bytes_scanned: int
    duration_s: float
    cancelled: bool
    roots: list[str]
    ignored: int = 0  # findings hidden by the ignore file
    backend: str = ""  # "hyperscan" or "regex"
    files_skipped: int = field(default=0)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=32).hexdigest()


def _read_all(fd: int, size_hint: int) -> bytes:
    want = max(size_hint, 0) + 1
    first = os.read(fd, want)
    if len(first) < want:
        return first
    chunks = [first]
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_OPEN_FLAGS |= getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class Engine:
    """Compiled rules + options; ``scan_file`` never raises for bad input."""

    def __init__(
        self,
        rules: RulePack | None = None,
        fingerprinter: Fingerprinter | None = None,
        options: ScanOptions | None = None,
    ) -> None:
        self.rules = rules if rules is not None else default_rules()
        self.options = options or ScanOptions()
        self.fingerprinter = fingerprinter or Fingerprinter()
        self.matcher = Matcher(
            self.rules,
            self.fingerprinter,
            use_hyperscan=self.options.use_hyperscan,
            include_informational=self.options.include_informational,
        )
        self.ignored: dict[str, IgnoredFingerprint] = {}
        if self.options.use_ignore_file:
            path = Path(self.options.ignore_file) if self.options.ignore_file else None
            self.ignored = load_ignore_file(path)

    @property
    def backend(self) -> str:
        return self.matcher.backend

    def __repr__(self) -> str:
        return f"Engine({len(self.rules)} rules, {self.backend})"

    # --- one file ---------------------------------------------------------------------------

    def _read(
        self, path: str, known_credential: bool
    ) -> tuple[str, FileStat | None, bytes | None, ScanIssue | None]:
        kind = file_kind_for(path)
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except FileNotFoundError:
            return kind, None, None, ScanIssue(path, "vanished", "disappeared before it was read")
        except PermissionError:
            return kind, None, None, ScanIssue(path, "permission", "permission denied")
        except OSError as exc:
            return kind, None, None, ScanIssue(path, "error", exc.strerror or type(exc).__name__)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return kind, None, None, ScanIssue(path, "special_file", "not a regular file")
            fstat = FileStat(st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)
            exempt = known_credential or is_credential_kind(kind)
            if st.st_size > self.options.max_file_size and not exempt:
                limit = self.options.max_file_size // (1024 * 1024)
                return kind, fstat, None, ScanIssue(path, "too_large", f"larger than {limit} MB")
            data = _read_all(fd, st.st_size)
        except OSError as exc:
            kind_ = "permission" if isinstance(exc, PermissionError) else "error"
            return kind, None, None, ScanIssue(path, kind_, exc.strerror or type(exc).__name__)
        finally:
            os.close(fd)
        if looks_binary(data[:BINARY_SNIFF]):
            return kind, fstat, None, ScanIssue(path, "binary", "binary file (skipped)")
        try:
            after = os.stat(path)
            changed = (after.st_size, after.st_mtime_ns, after.st_ino) != (
                st.st_size,
                st.st_mtime_ns,
                st.st_ino,
            ) or len(data) != st.st_size
        except OSError:
            changed = True
        issue = (
            ScanIssue(path, "changed_during_scan", "file changed while it was read; scan it again")
            if changed
            else None
        )
        return kind, fstat, data, issue

    def _hits(self, path: str, known_credential: bool) -> tuple[FileScan, list[Hit]]:
        kind, fstat, data, issue = self._read(path, known_credential)
        if data is None:
            return FileScan(path, kind, fstat, None, (), issue), []
        try:
            hits, lossy = self.matcher.scan_bytes(data, path, kind)
        except Exception as exc:  # a bug must not end a scan; never echo file content
            return FileScan(
                path, kind, fstat, content_hash(data), (),
                ScanIssue(path, "error", f"internal error while matching: {type(exc).__name__}"),
            ), []  # fmt: skip
        if issue is None and lossy:
            issue = ScanIssue(path, "decode", "not valid UTF-8; scanned with raw bytes kept")
        findings = tuple(h.finding for h in hits if h.finding.fingerprint not in self.ignored)
        ignored = len(hits) - len(findings)
        return FileScan(path, kind, fstat, content_hash(data), findings, issue, ignored), hits

    def scan_file(self, path: Path | str, known_credential: bool = False) -> FileScan:
        """Scan one file; problems come back as ``FileScan.issue``, never as exceptions."""
        return self._hits(os.fspath(path), known_credential)[0]

    def scan_text(
        self, text: str, path: str = "<text>", file_kind: str | None = None
    ) -> list[Finding]:
        """Scan a string as if it were a file's content (rule examples, clipboard, tests)."""
        kind = file_kind or (file_kind_for(path) if path != "<text>" else "text")
        hits, _ = self.matcher.scan_bytes(text.encode("utf-8", "surrogateescape"), path, kind)
        return [h.finding for h in hits if h.finding.fingerprint not in self.ignored]

    def read_secret(self, finding: Finding) -> str | None:
        """The live plaintext at ``finding``'s place, if its fingerprint still matches."""
        _, hits = self._hits(finding.path, known_credential=True)
        same = [h for h in hits if h.finding.fingerprint == finding.fingerprint]
        for hit in same:
            if (hit.finding.byte_start, hit.finding.byte_end) == (
                finding.byte_start,
                finding.byte_end,
            ):
                return hit.secret
        for hit in same:
            if hit.finding.line == finding.line:
                return hit.secret
        return None

    # --- many files -------------------------------------------------------------------------

    def _walker(
        self,
        paths: Iterable[Path | str] | None,
        on_issue: Callable[[ScanIssue], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> tuple[Walker, list[str]]:
        if paths is None:
            home = Path(os.path.expanduser("~"))
            locations = personal_locations(home)
            roots = [
                WalkRoot(str(loc.path), loc.kind, loc.recursive, loc.known_credential_file, False)
                for loc in locations
            ]
            boundaries: list[str] | None = [str(home)]
        else:
            roots = [WalkRoot(os.fspath(p)) for p in paths]
            boundaries = None
        walker = Walker(
            roots,
            excludes=self.options.extra_excludes,
            boundaries=boundaries,
            on_issue=on_issue,
            cancel=cancel,
        )
        return walker, [r.path for r in walker.roots]

    def iter_files(self, paths: Iterable[Path] | None = None) -> Iterator[Path]:
        """The files a scan of ``paths`` (None = personal locations) would read."""
        walker, _ = self._walker(paths)
        for item in walker:
            yield Path(item.path)

    def scan(
        self,
        paths: Iterable[Path | str] | None = None,
        *,
        on_progress: Callable[[ScanProgress], None] | None = None,
        on_file: Callable[[FileScan], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> ScanResult:
        """Scan roots (None = personal locations); ``on_file`` sees every file as it is done."""
        started = time.monotonic()
        issues: list[ScanIssue] = []
        walker, roots = self._walker(paths, issues.append, cancel)
        result = ScanResult([], issues, 0, 0, 0.0, False, roots, backend=self.backend)
        done = 0

        def collect(file_scan: FileScan) -> None:
            nonlocal done
            done += 1
            if file_scan.scanned:
                result.files_scanned += 1
                result.bytes_scanned += file_scan.stat.size if file_scan.stat else 0
            else:
                result.files_skipped += 1
            if file_scan.issue is not None:
                issues.append(file_scan.issue)
            result.findings.extend(file_scan.findings)
            result.ignored += file_scan.ignored
            if on_file is not None:
                on_file(file_scan)
            if on_progress is not None:
                on_progress(ScanProgress(done, None, result.bytes_scanned, file_scan.path))

        _run(self, iter(walker), collect, cancel)
        result.cancelled = cancel is not None and cancel.is_set()
        result.duration_s = time.monotonic() - started
        return result


# --- parallel execution ---------------------------------------------------------------------

PARALLEL_THRESHOLD = 48  # fewer files than this: not worth starting processes
BATCH_FILES = 16

_WORKER: Engine | None = None


def _init_worker(spec: tuple[RulePack, bytes, ScanOptions] | None, engine: Engine | None) -> None:
    global _WORKER
    if engine is not None:  # fork: inherited, already compiled
        _WORKER = engine
    else:
        assert spec is not None
        rules, key, options = spec
        _WORKER = Engine(rules, Fingerprinter(key), options)


def _scan_batch(batch: list[tuple[str, bool]]) -> list[FileScan]:
    assert _WORKER is not None
    return [_WORKER.scan_file(path, known) for path, known in batch]


def _mp_context() -> Any:
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _run(
    engine: Engine,
    items: Iterator[WalkItem],
    collect: Callable[[FileScan], None],
    cancel: threading.Event | None,
) -> None:
    workers = engine.options.workers or os.cpu_count() or 1
    head: list[WalkItem] = []
    for item in items:
        head.append(item)
        if len(head) >= PARALLEL_THRESHOLD:
            break
    if workers <= 1 or len(head) < PARALLEL_THRESHOLD:
        for item in [*head, *items]:
            if cancel is not None and cancel.is_set():
                return
            collect(engine.scan_file(item.path, item.known_credential))
        return
    context = _mp_context()
    fork = context.get_start_method() == "fork"
    spec = None if fork else (engine.rules, engine.fingerprinter._key, engine.options)
    initargs = (spec, engine if fork else None)
    with cf.ProcessPoolExecutor(workers, context, _init_worker, initargs) as pool:
        pending: set[cf.Future[list[FileScan]]] = set()

        def drain(block_until_below: int) -> None:
            nonlocal pending
            while len(pending) > block_until_below:
                finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for future in finished:
                    for file_scan in future.result():
                        collect(file_scan)

        batch: list[tuple[str, bool]] = []
        for item in _chain(head, items):
            if cancel is not None and cancel.is_set():
                break
            batch.append((item.path, item.known_credential))
            if len(batch) >= BATCH_FILES:
                pending.add(pool.submit(_scan_batch, batch))
                batch = []
                drain(workers * 4)
        if batch and not (cancel is not None and cancel.is_set()):
            pending.add(pool.submit(_scan_batch, batch))
        if cancel is not None and cancel.is_set():
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            return
        drain(0)


def _chain(head: list[WalkItem], rest: Iterator[WalkItem]) -> Iterator[WalkItem]:
    yield from head
    yield from rest


def scan(
    paths: Iterable[Path | str] | None = None, options: ScanOptions | None = None, **kw: Any
) -> ScanResult:
    """Convenience: ``Engine(options=options).scan(paths, **kw)``."""
    return Engine(options=options).scan(paths, **kw)
