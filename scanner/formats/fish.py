"""fish history: ``- cmd: …`` entries store backslashes as ``\\\\`` and newlines as ``\\n``."""

from __future__ import annotations

import regex

from scanner.formats.base import Segment
from scanner.formats.escapes import FISH_ESCAPES, unescape

CMD_WITH_ESCAPE = regex.compile(r"(?m)^- cmd: (?P<cmd>[^\n]*\\[^\n]*)$")


def fish_commands(text: str) -> list[Segment]:
    return [
        unescape(text, m.start("cmd"), m.end("cmd"), FISH_ESCAPES)
        for m in CMD_WITH_ESCAPE.finditer(text)
    ]
