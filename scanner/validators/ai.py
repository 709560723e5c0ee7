"""OpenAI and Anthropic keys: fixed markers in the format (no checksum)."""

from __future__ import annotations

import regex

from scanner.validators import Validation, register

OPENAI_MARKER = "T3BlbkFJ"  # base64 of "OpenAI", embedded in every current key format
OPENAI = regex.compile(r"sk-(?:(?P<kind>proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{20,200}")
ANTHROPIC = regex.compile(
    r"sk-ant-(?P<kind>api\d\d|admin\d\d|oat\d\d|ort\d\d)-[A-Za-z0-9_-]{80,120}"
)


@register("openai")
def openai(secret: str) -> Validation:
    match = OPENAI.fullmatch(secret)
    if match is None:
        return Validation(valid=False, reason="not an OpenAI key")
    kind = match["kind"] or "legacy user key"
    details = (("kind", kind),)
    if OPENAI_MARKER not in secret:
        return Validation(valid=False, reason="OpenAI marker missing", details=details)
    return Validation(valid=True, reason="marker ok", details=details)


@register("anthropic")
def anthropic(secret: str) -> Validation:
    match = ANTHROPIC.fullmatch(secret)
    if match is None:
        return Validation(valid=False, reason="not an Anthropic key")
    details = (("kind", match["kind"]),)
    if not secret.endswith("AA"):
        return Validation(valid=False, reason="Anthropic key suffix missing", details=details)
    return Validation(valid=True, reason="structure ok", details=details)
