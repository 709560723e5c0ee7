"""Slack tokens: the id fields have fixed shapes (no checksum)."""

from __future__ import annotations

import regex

from scanner.validators import Validation, register

SHAPES = {
    "bot token": regex.compile(r"xoxb-(?P<team>\d{8,14})-\d{8,14}-[A-Za-z0-9]{24,34}"),
    "user token": regex.compile(r"xoxp-(?P<team>\d{8,14})-\d{8,14}-\d{8,14}-[0-9a-f]{32}"),
    "app-level token": regex.compile(r"xapp-\d-A[A-Z0-9]{8,12}-\d{10,14}-[0-9a-f]{64}"),
    "workspace/legacy token": regex.compile(r"xox[aors]-(?:\d+-){1,3}[A-Za-z0-9]{10,64}"),
    "configuration token": regex.compile(r"xoxe\.xox[bp]-\d-[A-Za-z0-9]{100,200}"),
    "refresh token": regex.compile(r"xoxe-\d-[A-Za-z0-9]{100,200}"),
    "incoming webhook": regex.compile(
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/"
        r"(?P<team>T[A-Z0-9]{6,12})/[A-Z0-9]{6,14}/[A-Za-z0-9]{20,40}"
    ),
}


@register("slack")
def slack(secret: str) -> Validation:
    for kind, shape in SHAPES.items():
        match = shape.fullmatch(secret)
        if match is not None:
            details: list[tuple[str, str]] = [("kind", kind)]
            team = match.groupdict().get("team")
            if team:
                details.append(("slack_team", team))
            return Validation(
                valid=None,
                reason="structure ok (no checksum in this format)",
                details=tuple(details),
            )
    return Validation(valid=False, reason="not a well-formed Slack token")
