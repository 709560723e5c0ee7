"""File formats: how a file's bytes become text to scan, and which derived segments it adds.

The document (the whole file, decoded) is always scanned as-is. A :class:`Deriver` adds segments
for what the raw text hides: base64 blobs, escaped strings, continued command lines. Derivers run
for their file kinds, or for any file containing one of their ``triggers`` (lower-case literals
found by the matcher's single prefilter pass).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scanner.formats.base import Document, Piece, Segment, SegmentBuilder, decode
from scanner.formats.context import context_key
from scanner.formats.continuation import joined_commands
from scanner.formats.encoded import TRIGGERS as ENCODED_TRIGGERS
from scanner.formats.encoded import encoded_blobs
from scanner.formats.escapes import json_strings
from scanner.formats.fish import fish_commands
from scanner.formats.markup import TRIGGERS as MARKUP_TRIGGERS
from scanner.formats.markup import elements
from scanner.formats.zsh import unmetafy

__all__ = [
    "DERIVERS",
    "Deriver",
    "Document",
    "Piece",
    "Segment",
    "SegmentBuilder",
    "context_key",
    "decode",
    "transform",
]


@dataclass(frozen=True)
class Deriver:
    name: str
    kinds: frozenset[str]
    triggers: tuple[bytes, ...]
    derive: Callable[[str], list[Segment]]


DERIVERS: tuple[Deriver, ...] = (
    Deriver(
        "base64",
        frozenset({"docker_config", "kubeconfig", "npmrc"}),
        ENCODED_TRIGGERS,
        encoded_blobs,
    ),
    Deriver("zsh-continuation", frozenset({"zsh_history"}), (), lambda t: joined_commands(t, "\\")),
    Deriver(
        "powershell-continuation",
        frozenset({"powershell_history"}),
        (),
        lambda t: joined_commands(t, "`"),
    ),
    Deriver("fish-escapes", frozenset({"fish_history"}), (), fish_commands),
    Deriver("json-strings", frozenset({"jupyter"}), (), json_strings),
    Deriver("xml-elements", frozenset({"maven_settings", "xml"}), MARKUP_TRIGGERS, elements),
)


def transform(data: bytes, file_kind: str) -> tuple[bytes, Callable[[int], int] | None]:
    """Bytes to decode and scan for this kind, with their map back to the raw file bytes."""
    if file_kind == "zsh_history" and b"\x83" in data:
        return unmetafy(data)
    return data, None
