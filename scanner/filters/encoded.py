"""Matches inside encoded media (data URIs) or minified/bundled code."""

from __future__ import annotations

from pathlib import PurePath

import regex

from scanner.filters._context import Candidate

DATA_URI = regex.compile(
    r"data:(?:image|font|audio|video|application/(?:octet-stream|font-\w+|x-font-\w+|pdf|wasm))"
    r"/?[\w.+-]*(?:;[\w-]+=[\w.-]+)*;base64,(?P<payload>[A-Za-z0-9+/=\\n\s]*)"
)
JS_TOKENS = regex.compile(
    r"function\s*\(|=>|\breturn\b|\bvar\s|\bconst\s|\blet\s|!==|===|&&|\|\||\?\.|\);|\}\)|"
    r"\bthis\.|\bnew\s|\btypeof\b|void 0|\.prototype\."
)
MINIFIED_SUFFIXES = (
    ".min.js",
    ".min.css",
    ".min.mjs",
    ".js.map",
    ".css.map",
    ".bundle.js",
    ".chunk.js",
)
MINIFIED_LINE = 1000  # characters: hand-written code rarely has lines this long


def inside_data_uri(c: Candidate) -> str | None:
    """Every rule: the match lies in the base64 payload of an embedded image/font/binary."""
    if "base64," not in c.line:
        return None
    start, end = c.span
    for match in DATA_URI.finditer(c.line):
        if match.start("payload") <= start and end <= match.end("payload"):
            return "inside a base64 data URI"
    return None


def minified(c: Candidate) -> str | None:
    """Low/medium-confidence rules: a random-looking run in minified or bundled code."""
    if c.structured:
        return None
    path = c.path.lower()
    if path.endswith(MINIFIED_SUFFIXES) or PurePath(path).name in {"bundle.js", "vendor.js"}:
        return "minified or generated code"
    if len(c.line) < MINIFIED_LINE:
        return None
    if c.line.lstrip().startswith(('"mappings"', '{"version":3')) or '"mappings":"' in c.line:
        return "source map"
    density = len(JS_TOKENS.findall(c.line)) / (len(c.line) / 1000)
    if density >= 15:
        return "minified or generated code"
    return None
