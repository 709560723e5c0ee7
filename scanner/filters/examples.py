"""Documented example credentials: values providers print in their docs, never live ones."""

from __future__ import annotations

import base64
import hashlib
import json

import regex

from scanner.filters._context import Candidate

# SHA-256 of example values from public documentation, kept as digests so this source file does
# not itself look like it holds keys.
DOCUMENTED_DIGESTS: dict[str, str] = {
    # Stripe API reference and quick-starts: shared test-mode keys shown to signed-out readers
    "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326": "Stripe docs secret key",
    "b1471f544ceeea31333bde7e1ecbaad6eac0d4a749412ad29bd66ef895b81c6b": "Stripe docs publishable",
    "f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397": "Stripe docs secret key",
    "5895b89c8fb33402a5bfc23aad5aaf863fbb438a51e1a0bb02b0ce618c8fdf9d": "Stripe docs publishable",
    # GitHub documentation's sample classic personal access token
    "3543c50b0cb9cea8e55eb1f529b79f043cb250d485fde7b66cabbb5183add7da": "GitHub docs sample PAT",
}

EXAMPLE_WORDS = ("EXAMPLE", "example", "Example")
# ``user:pass@`` followed by a domain reserved for documentation (RFC 2606): no service answers
# there, so the credential is an illustration (``new URL('https://abc:xyz@example.com')``).
EXAMPLE_HOST = regex.compile(r"^@(?:[\w-]+\.)*example\.(?:com|org|net)(?![\w-])", regex.IGNORECASE)


def _jwt_io_sample(secret: str) -> bool:
    """The sample token on jwt.io and in countless tutorials: sub 1234567890, name John Doe."""
    parts = secret.split(".")
    if len(parts) != 3 or not parts[1]:
        return False
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, UnicodeDecodeError):
        return False
    return (
        isinstance(claims, dict)
        and claims.get("name") == "John Doe"
        and claims.get("sub") == "1234567890"
    )


def documented_example(c: Candidate) -> str | None:
    secret = c.secret
    if any(word in secret for word in EXAMPLE_WORDS):
        # AWS documents AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY; many
        # providers follow the same habit. A random token never spells EXAMPLE by chance.
        return "documented example value"
    if hashlib.sha256(secret.encode()).hexdigest() in DOCUMENTED_DIGESTS:
        return "documented example value"
    if secret.startswith("eyJ") and _jwt_io_sample(secret):
        return "documented example JWT (jwt.io sample)"
    if not c.structured and c.after.startswith("@") and EXAMPLE_HOST.match(c.after):
        return "credential for a documentation example host"
    return None
