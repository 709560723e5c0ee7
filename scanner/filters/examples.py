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
    # OAuth 2.0 (RFC 6749) examples, quoted by every OAuth library's docs: access token, refresh
    # token, authorization code and the Basic credentials of client s6BhdRkqt3
    "6c96130f130ab0d6d158397e24d2bcc1c9a5e73ae081f6e983f1c7b545d24a4c": "RFC 6749 access token",
    "00cf4c781dc37003f7c7dd7d4c9a6ef1e0f4c62d9a291aa8bc398774e3fefd32": "RFC 6749 refresh token",
    "a35b81a7d7927b70ec99270dd2362b88580a28574af812f2c02f56469579186f": "RFC 6749 code",
    "ca7459e2b26776de081b9a07e40227fd6cff232a1e3233ff6b6aa6d036ca9981": "RFC 6749 client auth",
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
