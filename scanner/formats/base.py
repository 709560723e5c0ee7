"""Decoded documents and derived segments, with exact maps back to the raw file bytes.

A :class:`Document` is a whole file decoded to text (UTF-8; undecodable bytes kept as surrogate
escapes so non-UTF-8 text is still scanned; UTF-16 with a BOM). A :class:`Segment` is extra text a
format derives from the document (a decoded base64 blob, an unescaped JSON string, a history
command joined across continuation lines) together with the map from its characters back to the
document's characters.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class Document:
    """Decoded text of a file, mapping character offsets to raw byte offsets lazily."""

    __slots__ = (
        "_checkpoint_bytes",
        "_checkpoint_chars",
        "_unit",
        "ascii",
        "base",
        "data",
        "lossy",
        "raw_map",
        "text",
    )

    def __init__(
        self,
        text: str,
        data: bytes,
        *,
        unit: str = "utf-8",
        base: int = 0,
        lossy: bool = False,
        raw_map: Callable[[int], int] | None = None,
    ) -> None:
        self.text = text
        self.data = data  # the bytes `text` was decoded from, after any format byte transform
        self.base = base  # bytes skipped before the text (a BOM)
        self.lossy = lossy  # True when some bytes were not valid UTF-8
        self.raw_map = raw_map  # data offset -> raw file offset (zsh unmetafy), None = identity
        self._unit = unit
        self.ascii = unit == "utf-8" and len(text) == len(data) - base
        # (character, byte) offsets already converted, ascending: later lookups start from them
        self._checkpoint_chars: list[int] = [0]
        self._checkpoint_bytes: list[int] = [0]

    def _data_offset(self, index: int) -> int:
        """Byte offset in ``data`` of character ``index``."""
        if self.ascii:
            return self.base + index
        if self._unit == "utf-16-le" or self._unit == "utf-16-be":
            return self.base + len(self.text[:index].encode(self._unit, "surrogatepass"))
        chars = self._checkpoint_chars
        pos = bisect.bisect_right(chars, index) - 1
        char0, byte0 = chars[pos], self._checkpoint_bytes[pos]
        offset = byte0 + len(self.text[char0:index].encode("utf-8", "surrogateescape"))
        if pos == len(chars) - 1:
            chars.append(index)
            self._checkpoint_bytes.append(offset)
        return self.base + offset

    def _raw(self, data_offset: int) -> int:
        return self.raw_map(data_offset) if self.raw_map is not None else data_offset

    def byte_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw file byte span of characters ``[start, end)``."""
        raw_start = self._raw(self._data_offset(start))
        if end <= start:
            return raw_start, raw_start
        return raw_start, self._raw(self._data_offset(end) - 1) + 1

    def line_col(self, index: int) -> tuple[int, int]:
        """1-based line and column (in characters) of character ``index``."""
        line_start = self.text.rfind("\n", 0, index) + 1
        return self.text.count("\n", 0, index) + 1, index - line_start + 1

    def line_at(self, index: int) -> str:
        start = self.text.rfind("\n", 0, index) + 1
        end = self.text.find("\n", index)
        return self.text[start : end if end >= 0 else len(self.text)].rstrip("\r")


def decode(data: bytes, raw_map: Callable[[int], int] | None = None) -> Document:
    """UTF-8 (BOM skipped) or UTF-16 with a BOM; invalid UTF-8 bytes survive as surrogates."""
    if data[:2] in UTF16_BOMS and len(data) % 2 == 0:
        unit = "utf-16-le" if data[:2] == b"\xff\xfe" else "utf-16-be"
        try:
            return Document(data[2:].decode(unit), data, unit=unit, base=2, raw_map=raw_map)
        except UnicodeDecodeError:
            pass
    base = 3 if data.startswith(UTF8_BOM) else 0
    body = data[base:] if base else data
    try:
        text = body.decode("utf-8")
        lossy = False
    except UnicodeDecodeError:
        text = body.decode("utf-8", "surrogateescape")
        lossy = True
    return Document(text, data, base=base, lossy=lossy, raw_map=raw_map)


@dataclass(frozen=True, slots=True)
class Piece:
    """Segment chars ``[seg_start, seg_start+length)`` come from document chars at ``doc_start``.

    A linear piece maps char by char; an escape piece is one segment char standing for
    ``doc_length`` document chars (``\\n`` in a JSON string, a metafied pair…).
    """

    seg_start: int
    doc_start: int
    length: int
    doc_length: int

    @property
    def linear(self) -> bool:
        return self.length == self.doc_length


@dataclass(frozen=True, slots=True)
class Segment:
    """Text derived from a document, scanned like the document itself."""

    text: str = field(repr=False)  # plaintext: never in a repr
    pieces: tuple[Piece, ...] = ()
    blob: tuple[int, int] | None = None  # findings point at this document span (encoded blob)
    encoding: str | None = None
    context_key: str | None = None
    _starts: tuple[int, ...] = field(default=(), repr=False)

    def to_document(self, start: int, end: int) -> tuple[int, int]:
        """Document char span of segment chars ``[start, end)``."""
        if self.blob is not None:
            return self.blob
        starts = self._starts or tuple(p.seg_start for p in self.pieces)

        def locate(offset: int) -> tuple[Piece, int]:
            piece = self.pieces[max(0, bisect.bisect_right(starts, offset) - 1)]
            if piece.linear:
                return piece, piece.doc_start + (offset - piece.seg_start)
            return piece, piece.doc_start

        _, doc_start = locate(start)
        last_piece, doc_last = locate(max(start, end - 1))
        return doc_start, doc_last + (1 if last_piece.linear else last_piece.doc_length)


class SegmentBuilder:
    """Accumulates segment text piece by piece."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pieces: list[Piece] = []
        self._length = 0

    def literal(self, text: str, doc_start: int) -> None:
        if not text:
            return
        self._pieces.append(Piece(self._length, doc_start, len(text), len(text)))
        self._parts.append(text)
        self._length += len(text)

    def escape(self, char: str, doc_start: int, doc_length: int) -> None:
        for i, ch in enumerate(char):  # one piece per produced char keeps mapping exact
            self._pieces.append(Piece(self._length, doc_start, 1, doc_length if i == 0 else 0))
            self._parts.append(ch)
            self._length += 1

    def build(self, **kwargs: object) -> Segment:
        pieces = tuple(p for p in self._pieces if p.length)
        return Segment(
            "".join(self._parts),
            pieces,
            _starts=tuple(p.seg_start for p in pieces),
            **kwargs,  # type: ignore[arg-type]
        )
