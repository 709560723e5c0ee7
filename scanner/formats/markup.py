"""XML/HTML-ish ``<key>value</key>`` elements re-read as ``key = value``.

Maven ``settings.xml`` keeps ``<password>…</password>``; rewriting each simple element as an
assignment lets the same generic ``password = …`` rules apply, with the value mapped back to its
exact place in the file.
"""

from __future__ import annotations

import regex

from scanner.formats.base import Segment, SegmentBuilder

TRIGGERS = (b"</password>", b"</passphrase>", b"</token>", b"</secret>", b"</apikey>")
ELEMENT = regex.compile(
    r"<(?P<key>[A-Za-z_][\w:.-]{0,60})(?:\s[^<>]*)?>(?P<value>[^<>\s]{4,2000})</(?P=key)>"
)


def elements(text: str) -> list[Segment]:
    segments = []
    for match in ELEMENT.finditer(text):
        builder = SegmentBuilder()
        builder.literal(match.group("key"), match.start("key"))
        builder.escape(" = ", match.end("key"), 0)
        builder.literal(match.group("value"), match.start("value"))
        segments.append(builder.build(context_key=match.group("key")))
    return segments
