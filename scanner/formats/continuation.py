"""Shell commands continued over several lines, joined into one segment.

zsh writes a multi-line command with ``\\`` before each embedded newline; PowerShell users continue
lines with a backtick. Joining them lets a rule see ``--token`` and its value on one line.
"""

from __future__ import annotations

import regex

from scanner.formats.base import Segment, SegmentBuilder

CONTINUED = {
    "\\": regex.compile(r"(?:[^\n]*\\\r?\n)+[^\n]*"),
    "`": regex.compile(r"(?:[^\n]*`\r?\n)+[^\n]*"),
}
BREAK = {"\\": regex.compile(r"\\\r?\n"), "`": regex.compile(r"`\r?\n")}


def joined_commands(text: str, marker: str) -> list[Segment]:
    """One segment per run of continued lines, the marker+newline pairs removed."""
    segments = []
    for block in CONTINUED[marker].finditer(text):
        builder = SegmentBuilder()
        pos = block.start()
        for brk in BREAK[marker].finditer(text, block.start(), block.end()):
            builder.literal(text[pos : brk.start()], pos)
            pos = brk.end()
        builder.literal(text[pos : block.end()], pos)
        segments.append(builder.build())
    return segments
