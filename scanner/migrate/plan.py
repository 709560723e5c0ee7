"""The migration plan: what goes into the keychain under which name, which bytes of which files
change, and what the consuming tool does instead. The original bytes of every edited span are
kept as a *template* (plain text + references to keychain entries), so undo can rebuild the exact
original from the current file and the keychain. The journal never keeps the plain text (it may
hold a secret no rule knows): :mod:`scanner.migrate.undo_data` moves it to the keychain first.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from scanner.keychain import SERVICE


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=32).hexdigest()


@dataclass(frozen=True)
class Segment:
    """Literal text, or a reference to a keychain value (optionally a JSON field of it)."""

    text: str | None = None  # bytes decoded with surrogateescape
    account: str | None = None
    service: str = SERVICE
    field: str | None = None
    transform: str | None = None  # "docker-auth": base64 of "Username:Secret"
    digest: str | None = None  # a text moved to the keychain: its salted hash (undo_data)

    @property
    def is_secret(self) -> bool:
        return self.account is not None


def text_segment(data: bytes) -> Segment:
    return Segment(text=data.decode("utf-8", "surrogateescape"))


@dataclass(frozen=True)
class Edit:
    """Replace ``original[start:end]`` with ``replacement``.

    ``shared`` names an edit several migrations rely on (a credential helper line, the shell
    integration block); undo leaves it in place while another migration still needs it.
    """

    start: int
    end: int
    replacement: bytes
    original: tuple[Segment, ...]
    shared: str | None = None


@dataclass(frozen=True)
class FileEdit:
    path: str  # the real file (symlinks resolved: the link is kept, its target rewritten)
    display_path: str  # as the user knows it
    before_hash: str | None  # None: the file does not exist yet and will be created
    before_size: int
    before_mtime_ns: int
    edits: tuple[Edit, ...]
    lines_changed: tuple[int, ...]  # 1-based lines of the original file
    create_mode: int = 0o600
    role: str = "secret"  # "secret": holds the token; "config": tells the tool where to look


@dataclass(frozen=True)
class SecretSource:
    """Where one secret sits in its file (raw span; ``encoding`` for encoded blobs)."""

    path: str
    byte_start: int
    byte_end: int
    fingerprint: str | None
    encoding: str | None = (
        None  # "docker-auth": base64("user:secret"), the secret is the part after ':'
    )


@dataclass(frozen=True)
class KeychainItem:
    """One keychain entry the migration creates. ``value`` tells the runner how to build it from
    the file at run time: ``{"source": i}`` for a plain secret, ``{"json": {field: i | literal}}``
    for a JSON document combining secrets (``i`` indexes ``sources``)."""

    account: str
    service: str
    provider: str
    kind: str  # target kind: aws, git, docker, kube, npm, pypi, env, marker, history
    sources: tuple[SecretSource, ...]
    value: dict[str, Any]
    split: bool = True
    expires_at: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # non-secret lookup data (host, user, url)


@dataclass(frozen=True)
class PlannedChange:
    target: str
    path: str  # the file holding the secret (as the user knows it)
    title: str
    before: str  # plain words, redacted
    after: str
    consumer: str  # what the consuming tool will do instead
    items: tuple[KeychainItem, ...]
    files: tuple[FileEdit, ...]
    fingerprints: tuple[str, ...]  # credentials this change migrates
    warnings: tuple[str, ...] = ()
    exports: tuple[tuple[str, str], ...] = ()  # (VAR, account) for shell integration / exec

    @property
    def accounts(self) -> tuple[str, ...]:
        return tuple(item.account for item in self.items)


@dataclass
class MigrationPlan:
    id: str
    created: str
    changes: list[PlannedChange]
    problems: list[str] = field(default_factory=list)  # what could not be planned, and why

    def file_edits(self) -> list[FileEdit]:
        return [fe for change in self.changes for fe in change.files]

    def to_json(self) -> str:
        return json.dumps(_encode(asdict(self)))

    @classmethod
    def from_json(cls, text: str) -> MigrationPlan:
        raw = _decode(json.loads(text))
        changes = [
            PlannedChange(
                **{
                    **c,
                    "items": tuple(
                        KeychainItem(
                            **{**i, "sources": tuple(SecretSource(**s) for s in i["sources"])}
                        )
                        for i in c["items"]
                    ),
                    "files": tuple(
                        FileEdit(
                            **{
                                **f,
                                "edits": tuple(
                                    Edit(
                                        **{
                                            **e,
                                            "original": tuple(Segment(**s) for s in e["original"]),
                                        }
                                    )
                                    for e in f["edits"]
                                ),
                                "lines_changed": tuple(f["lines_changed"]),
                            }
                        )
                        for f in c["files"]
                    ),
                    "fingerprints": tuple(c["fingerprints"]),
                    "warnings": tuple(c["warnings"]),
                    "exports": tuple(tuple(x) for x in c["exports"]),
                }
            )
            for c in raw["changes"]
        ]
        return cls(id=raw["id"], created=raw["created"], changes=changes, problems=raw["problems"])


def _encode(obj: Any) -> Any:
    if isinstance(obj, bytes):
        return {"__b64__": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, dict):
        return {k: _encode(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_encode(v) for v in obj]
    return obj


def _decode(obj: Any) -> Any:
    if isinstance(obj, dict):
        if set(obj) == {"__b64__"}:
            return base64.b64decode(obj["__b64__"])
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


# -- applying and reversing edits -------------------------------------------------------------


def apply_edits(data: bytes, edits: tuple[Edit, ...] | list[Edit]) -> bytes:
    out = bytearray()
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError("overlapping edits")
        out += data[pos : edit.start]
        out += edit.replacement
        pos = edit.end
    out += data[pos:]
    return bytes(out)


def new_spans(edits: tuple[Edit, ...] | list[Edit]) -> list[tuple[Edit, int, int]]:
    """Each edit with the span its replacement occupies in the edited file."""
    result = []
    delta = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        start = edit.start + delta
        result.append((edit, start, start + len(edit.replacement)))
        delta += len(edit.replacement) - (edit.end - edit.start)
    return result


def render_segment(segment: Segment, values: dict[tuple[str, str], str]) -> str:
    if segment.account is None:
        return segment.text or ""
    value = values[(segment.service, segment.account)]
    if segment.field is not None:
        doc = json.loads(value)
        if segment.transform == "docker-auth":
            raw = f"{doc['Username']}:{doc['Secret']}".encode("utf-8", "surrogateescape")
            return base64.b64encode(raw).decode("ascii")
        return str(doc[segment.field])
    return value


def render_original(edit: Edit, values: dict[tuple[str, str], str]) -> bytes:
    return "".join(render_segment(s, values) for s in edit.original).encode(
        "utf-8", "surrogateescape"
    )


def template(
    data: bytes, start: int, end: int, secrets: list[tuple[int, int, Segment]]
) -> tuple[Segment, ...]:
    """The redacted template of ``data[start:end]``: text around the given secret spans."""
    segments: list[Segment] = []
    pos = start
    for s_start, s_end, ref in sorted(secrets, key=lambda t: t[0]):
        if s_end <= start or s_start >= end:
            continue
        if s_start < pos:
            raise ValueError("overlapping secret spans")
        if s_start > pos:
            segments.append(text_segment(data[pos:s_start]))
        segments.append(ref)
        pos = s_end
    if pos < end:
        segments.append(text_segment(data[pos:end]))
    return tuple(segments)


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def lines_in(data: bytes, start: int, end: int) -> list[int]:
    first = line_of(data, start)
    last = line_of(data, max(start, end - 1))
    return list(range(first, last + 1))
