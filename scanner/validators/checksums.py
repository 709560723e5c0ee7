"""Checksum primitives of the token formats that carry one.

Pure functions shared by the validators and by the test-token generator (``tests/tokens.py``), so
both agree by construction. Every function works on public structure only and never logs.
"""

from __future__ import annotations

import base64
import binascii

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def crc32(data: str | bytes) -> int:
    """Unsigned zlib CRC32 of ``data`` (text is encoded as UTF-8)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return binascii.crc32(raw) & 0xFFFFFFFF


def encode_base(number: int, alphabet: str, width: int = 0) -> str:
    """``number`` written in the positional system of ``alphabet``, left-padded to ``width``."""
    if number < 0:
        raise ValueError("negative number")
    base = len(alphabet)
    digits: list[str] = []
    while number:
        number, rem = divmod(number, base)
        digits.append(alphabet[rem])
    text = "".join(reversed(digits)) or alphabet[0]
    return text.rjust(width, alphabet[0])


def github_checksum(body: str) -> str:
    """GitHub/npm token checksum: CRC32 of the random body, base62, 6 chars.

    Scheme from GitHub's 2021 post on token formats; npm adopted the same one for ``npm_``.
    """
    return encode_base(crc32(body), BASE62, 6)


def gitlab_routable_checksum(checksummed: str) -> str:
    """GitLab routable token checksum: CRC32 (base36, 7 chars) of everything before it.

    ``checksummed`` is the prefix (e.g. ``glpat-``), the base64url payload, ``.``, the 2-char
    version, ``.`` and the 2-char base36 payload length.
    """
    return encode_base(crc32(checksummed), BASE36, 7)


def grafana_checksum(head: str) -> str:
    """Grafana service-account token checksum: the CRC32 of ``glsa_`` + 32 chars + ``_``…

    …minus the separator, i.e. of the first 37 characters, written as the 8 hex digits of the
    little-endian uint32.
    """
    return crc32(head).to_bytes(4, "little").hex()


def atlassian_checksum(head: str) -> str:
    """Atlassian (``ATATT``/``ATCTT``/``ATBB``) checksum: CRC32 of every character before it,
    prefix included, as 8 uppercase hex digits."""
    return f"{crc32(head):08X}"


def cloudflare_checksum(body: str) -> str:
    """Cloudflare scannable credential checksum as 8 lowercase hex digits of CRC32(``body``).

    Cloudflare documents that a checksum follows the 40 characters but not its construction; the
    validator therefore accepts CRC32 over the body or over prefix + body (see validators).
    """
    return f"{crc32(body):08x}"


AWS_ACCOUNT_MASK = 0x7FFFFFFFFF80


def aws_account_id(key_id: str) -> str | None:
    """The 12-digit AWS account an access key id belongs to, or ``None`` if not derivable.

    Characters 5–20 are base32; the first 6 decoded bytes, big-endian, masked with
    ``0x7fffffffff80`` and shifted right by 7, give the account number. Old key ids whose fifth
    character is ``I`` or ``J`` use another encoding and are not decoded.
    """
    if len(key_id) != 20 or key_id[4] in "IJ":
        return None
    try:
        raw = base64.b32decode(key_id[4:])
    except (binascii.Error, ValueError):
        return None
    number = (int.from_bytes(raw[:6], "big") & AWS_ACCOUNT_MASK) >> 7
    return f"{number:012d}"


def aws_key_id_body(account: int, tail: bytes) -> str:
    """The 16 base32 characters after ``AKIA``/``ASIA`` that encode ``account`` (inverse of
    :func:`aws_account_id`); ``tail`` supplies the 4 random bytes and the low 7 bits."""
    if not 0 <= account < 10**12 or len(tail) != 5:
        raise ValueError("account must be 12 digits and tail 5 bytes")
    high = (1 << 47) | (account << 7) | (tail[0] & 0x7F)
    return base64.b32encode(high.to_bytes(6, "big") + tail[1:]).decode("ascii")
