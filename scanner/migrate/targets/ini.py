"""Tiny INI helpers with byte positions (for ~/.aws/credentials, ~/.aws/config, ~/.pypirc)."""

from __future__ import annotations

from dataclasses import dataclass

import regex

SECTION = regex.compile(rb"^[ \t]*\[(?P<name>[^\]]+)\][ \t]*(?:[#;].*)?$")
KEY = regex.compile(rb"^[ \t]*(?P<key>[A-Za-z0-9_.\-]+)[ \t]*[=:][ \t]*(?P<value>.*?)[ \t]*$")


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # including the line break
    text: bytes  # without the line break


@dataclass(frozen=True)
class Section:
    name: str
    header: Line | None  # None for keys before any header
    lines: tuple[Line, ...]  # the lines after the header, up to the next header

    def key(self, key: str) -> tuple[Line, int, int] | None:
        """The line of ``key`` and the absolute span of its value."""
        for line in self.lines:
            m = KEY.match(line.text)
            if m and m.group("key").decode().lower() == key.lower():
                return line, line.start + m.start("value"), line.start + m.end("value")
        return None

    @property
    def end(self) -> int:
        if self.lines:
            return self.lines[-1].end
        assert self.header is not None
        return self.header.end


def lines(data: bytes) -> list[Line]:
    out = []
    pos = 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        end = len(data) if nl < 0 else nl + 1
        out.append(Line(pos, end, data[pos:end].rstrip(b"\n").removesuffix(b"\r")))
        pos = end
    return out


def sections(data: bytes) -> list[Section]:
    result: list[Section] = []
    name = ""
    header: Line | None = None
    body: list[Line] = []
    for line in lines(data):
        m = SECTION.match(line.text)
        if m:
            if header is not None or body:
                result.append(Section(name, header, tuple(body)))
            name = m.group("name").decode("utf-8", "replace").strip()
            header = line
            body = []
        else:
            body.append(line)
    if header is not None or body:
        result.append(Section(name, header, tuple(body)))
    return result


def section_at(data: bytes, offset: int) -> Section | None:
    for section in sections(data):
        start = section.header.start if section.header else 0
        if start <= offset < section.end:
            return section
    return None
