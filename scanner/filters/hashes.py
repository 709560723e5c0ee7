"""Hashes, checksums and ids that look random but are public: git SHAs, lockfile integrity
hashes, image digests, UUIDs. Generic rules only: a structured token never looks like these."""

from __future__ import annotations

from pathlib import PurePath

import regex

from scanner.filters._context import Candidate, components, words

HEX_LENGTHS = frozenset({7, 8, 12, 16, 32, 40, 56, 64, 96, 128})
HEX = regex.compile(r"[0-9a-fA-F]+")
UUID = regex.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
DIGEST_PREFIX = regex.compile(
    r"(?i)(?:\b(?:sha1|sha224|sha256|sha384|sha512|sha3-\d+|md5|blake2b?|h1|xxh\d*)[:=-]"
    r"|--hash=\w+:|@sha256:|\bsum:|\bh1:)$"
)
HASH_WORDS = words(
    """
    commit commits sha sha1 sha256 sha512 shasum md5 hash hashes digest checksum checksums
    rev revision ref refs head etag integrity fingerprint tree parent blob merge object oid
    cherry picked reverts revert buildid crc
    """
)
EXPLICIT_HASH = words("hash hashed sha sha1 sha256 sha512 md5 digest checksum fingerprint")
GIT_LINE = regex.compile(
    r"^(?:commit|tree|parent|object|Merge:|merge|[0-9a-f]{7,40}\s|\*\s+[0-9a-f]{7,40}|"
    r"[<>=|\\/ *]*[0-9a-f]{7,40}\s)",
    regex.IGNORECASE,
)
LOCKFILES = words(
    """
    package-lock.json npm-shrinkwrap.json yarn.lock pnpm-lock.yaml bun.lock cargo.lock
    poetry.lock pipfile.lock uv.lock pdm.lock go.sum go.work.sum composer.lock gemfile.lock
    flake.lock podfile.lock packages.lock.json gradle.lockfile mix.lock pubspec.lock
    deno.lock conda-lock.yml
    """
)
SECRET_WORDS = words(
    "key token secret password passwd pwd pass auth credential credentials apikey "
    "bearer private session cookie"
)
# UUIDs are identifiers far more often than credentials (request ids, user ids, ``token=<uuid>``
# fixtures): one counts only under a name that says secret on its own.
STRONG_SECRET_WORDS = words("secret password passwd pwd apikey credential credentials private")
STRONG_PAIRS = (("api", "key"), ("api", "token"), ("auth", "token"), ("access", "token"))


def _key_is_secretish(key: str) -> bool:
    return any(w in SECRET_WORDS for w in components(key))


def _key_is_strongly_secret(key: str) -> bool:
    parts = components(key)
    if STRONG_SECRET_WORDS.intersection(parts):
        return True
    return any(a in parts and b in parts for a, b in STRONG_PAIRS)


def hash_or_id(c: Candidate) -> str | None:
    if not c.generic:
        return None
    name = PurePath(c.path).name.lower() if c.path else ""
    if name in LOCKFILES or name.endswith((".sum", ".lock", ".sha256", ".sha512", ".md5")):
        return "lockfile or checksum file"
    secret = c.secret
    if DIGEST_PREFIX.search(c.before[-24:]):
        return "hash digest"
    if secret[:7].lower() in {"sha512-", "sha384-", "sha256-"} or secret.startswith("sha1-"):
        return "subresource integrity hash"
    if UUID.fullmatch(secret) and not _key_is_strongly_secret(c.key_name):
        return "UUID identifier"
    if HEX.fullmatch(secret) and len(secret) in HEX_LENGTHS:
        key_words = set(components(c.key_name))
        if _key_is_secretish(c.key_name) and not key_words & EXPLICIT_HASH:
            return None  # `hmac_secret = <hex>` is a real key even on a line mentioning commits
        line_words = set(components(c.line[:300]))
        if GIT_LINE.match(c.line.lstrip()) or line_words & HASH_WORDS:
            return "hash or commit id"
    return None
