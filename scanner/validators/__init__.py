"""Offline validators: checks a token's own structure (checksums, headers) without the network.

A validator takes the matched secret and returns a :class:`Validation`. ``valid=False`` means the
token fails its own structure (bad checksum, undecodable JWT) and is not reported as a live
credential; ``valid=None`` means the format carries nothing to check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Validation:
    valid: bool | None
    reason: str = ""
    informational: bool = False  # e.g. an encrypted private key: listed, not a leak
    expires_at: datetime | None = None
    details: tuple[tuple[str, str], ...] = ()


Validator = Callable[[str], Validation]

REGISTRY: dict[str, Validator] = {}


def register(name: str) -> Callable[[Validator], Validator]:
    def decorator(func: Validator) -> Validator:
        if name in REGISTRY:
            raise ValueError(f"validator {name!r} registered twice")
        REGISTRY[name] = func
        return func

    return decorator


class UnknownValidatorError(KeyError):
    pass


def validate(name: str, secret: str) -> Validation:
    try:
        func = REGISTRY[name]
    except KeyError:
        raise UnknownValidatorError(name) from None
    try:
        return func(secret)
    except Exception:  # a validator must never crash a scan or echo the secret
        return Validation(valid=False, reason=f"{name}: could not parse")


# Importing the family modules registers their validators (they import from this module, so this
# must stay at the bottom).
from scanner.validators import (  # noqa: E402
    ai,
    aws,
    crc_tokens,
    github,
    gitlab,
    jwt,
    keys,
    pypi,
    slack,
)

__all__ = [
    "REGISTRY",
    "UnknownValidatorError",
    "Validation",
    "Validator",
    "ai",
    "aws",
    "crc_tokens",
    "github",
    "gitlab",
    "jwt",
    "keys",
    "pypi",
    "register",
    "slack",
    "validate",
]
