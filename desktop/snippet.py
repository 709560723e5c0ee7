"""A redacted context snippet around one copy of a secret, read from the file at display time.

The lines are read, every secret span in them is replaced by a redacted preview, and only that
redacted text is returned: the plaintext never leaves this function (nothing is cached). Spans are
the recorded one for this copy plus anything the engine finds in the neighbouring lines, so a
neighbouring secret (an AWS key pair on two lines, say) is masked too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_LINE = 160
MASK = "…"


class _Exposure(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...


@dataclass(frozen=True)
class Span:
    line: int  # 1-based, relative to the file
    column: int  # 1-based
    end_line: int
    end_column: int  # exclusive
    preview: str


@dataclass(frozen=True)
class Snippet:
    first_line: int
    lines: tuple[str, ...]  # redacted
    target_line: int
    missing: str = ""  # why no snippet could be shown ("file is gone", ...)

    def text(self) -> str:
        width = len(str(self.first_line + len(self.lines)))
        out = []
        for offset, line in enumerate(self.lines):
            number = self.first_line + offset
            marker = "▶" if number == self.target_line else " "
            out.append(f"{marker} {number:>{width}} │ {line}")
        return "\n".join(out)


# finder(text, first_line) -> spans relative to the file
SpanFinder = Callable[[str, int], list[Span]]


def _read_lines(path: Path, first: int, last: int) -> list[str] | str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return "file is too large to preview"
        with path.open("r", encoding="utf-8", errors="replace", newline=None) as handle:
            wanted: list[str] = []
            for number, line in enumerate(handle, start=1):
                if number > last:
                    break
                if number >= first:
                    wanted.append(line.rstrip("\r\n"))
            return wanted
    except FileNotFoundError:
        return "the file is gone"
    except PermissionError:
        return "no permission to read the file"
    except OSError as exc:
        return f"could not read the file ({exc.strerror or type(exc).__name__})"


def _apply_spans(lines: list[str], first: int, spans: list[Span]) -> list[str]:
    # mark character positions to hide, per line, then rebuild each line once
    hidden: dict[int, list[tuple[int, int, str]]] = {}
    for span in spans:
        for number in range(span.line, span.end_line + 1):
            if not first <= number < first + len(lines):
                continue
            text = lines[number - first]
            start = span.column - 1 if number == span.line else 0
            end = span.end_column - 1 if number == span.end_line else len(text)
            label = span.preview if number == span.line else MASK
            hidden.setdefault(number, []).append((max(0, start), max(start, end), label))
    out = []
    for offset, text in enumerate(lines):
        number = first + offset
        pieces = sorted(hidden.get(number, []))
        if not pieces:
            out.append(text)
            continue
        rebuilt, pos = [], 0
        for start, end, label in pieces:
            if end <= pos:
                continue
            start = max(start, pos)
            rebuilt.append(text[pos:start])
            rebuilt.append(f"⟦{label}⟧")
            pos = end
        rebuilt.append(text[pos:])
        out.append("".join(rebuilt))
    return out


def _shorten(line: str, focus: int | None) -> str:
    if len(line) <= MAX_LINE:
        return line
    centre = focus if focus is not None else 0
    start = max(0, min(centre - MAX_LINE // 2, len(line) - MAX_LINE))
    piece = line[start : start + MAX_LINE]
    return (MASK if start else "") + piece + (MASK if start + MAX_LINE < len(line) else "")


def redacted_snippet(
    exposure: _Exposure, preview: str, *, around: int = 2, finder: SpanFinder | None = None
) -> Snippet:
    """The lines around ``exposure`` with its secret (and any other found secret) redacted."""
    first = max(1, exposure.line - around)
    last = exposure.end_line + around
    read = _read_lines(Path(exposure.path), first, last)
    if isinstance(read, str):
        return Snippet(first, (), exposure.line, missing=read)
    lines = read
    if exposure.line - first >= len(lines):
        return Snippet(first, (), exposure.line, missing="the line is no longer in the file")
    spans = [Span(exposure.line, exposure.column, exposure.end_line, exposure.end_column, preview)]
    if finder is not None:
        spans.extend(finder("\n".join(lines), first))
    redacted = _apply_spans(lines, first, spans)
    shortened = []
    for offset, line in enumerate(redacted):
        focus = line.find("⟦") if first + offset == exposure.line else None
        shortened.append(_shorten(line, focus if focus is not None and focus >= 0 else None))
    return Snippet(first, tuple(shortened), exposure.line)
