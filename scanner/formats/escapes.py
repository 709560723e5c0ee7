"""Unescaping quoted strings into segments that map back char by char (JSON strings, fish)."""

from __future__ import annotations

from collections.abc import Mapping

import regex

from scanner.formats.base import Segment, SegmentBuilder

JSON_ESCAPES: Mapping[str, str] = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
FISH_ESCAPES: Mapping[str, str] = {"\\": "\\", "n": "\n"}

JSON_STRING = regex.compile(r'"((?:[^"\\\n]|\\.)*\\(?:[^"\\\n]|\\.)*)"')


def unescape(
    text: str, start: int, end: int, table: Mapping[str, str], unicode_escapes: bool = False
) -> Segment:
    """Segment of ``text[start:end]`` with backslash escapes from ``table`` resolved."""
    builder = SegmentBuilder()
    pos = start
    run_start = start
    while pos < end:
        slash = text.find("\\", pos, end)
        if slash < 0 or slash + 1 >= end:
            break
        code = text[slash + 1]
        if code in table:
            builder.literal(text[run_start:slash], run_start)
            builder.escape(table[code], slash, 2)
            pos = run_start = slash + 2
        elif unicode_escapes and code == "u" and slash + 6 <= end:
            try:
                char = chr(int(text[slash + 2 : slash + 6], 16))
            except ValueError:
                pos = slash + 1
                continue
            builder.literal(text[run_start:slash], run_start)
            builder.escape(char, slash, 6)
            pos = run_start = slash + 6
        else:
            pos = slash + 1
    builder.literal(text[run_start:end], run_start)
    return builder.build()


def json_strings(text: str) -> list[Segment]:
    """Each JSON string literal holding an escape, unescaped (Jupyter cells, JSON configs)."""
    return [
        unescape(text, m.start(1), m.end(1), JSON_ESCAPES, unicode_escapes=True)
        for m in JSON_STRING.finditer(text)
    ]
