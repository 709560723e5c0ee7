"""Private keys: PEM blocks (PKCS#1, SEC1, PKCS#8, OpenSSH) and PuTTY ``.ppk`` files.

A key whose body parses is a credential. An encrypted key (OpenSSH cipher other than ``none``,
``ENCRYPTED PRIVATE KEY``, legacy ``Proc-Type: 4,ENCRYPTED``, PuTTY ``Encryption`` other than
``none``) is listed but informational: it is useless without its passphrase.
"""

from __future__ import annotations

import base64
import binascii

import regex

from scanner.validators import Validation, register

PEM = regex.compile(
    r"-----BEGIN (?P<label>(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----"
    r"(?P<body>.*?)"
    r"(?:(?P<end>-----END (?P=label)-----)|\Z)",
    regex.DOTALL,
)
OPENSSH_MAGIC = b"openssh-key-v1\x00"
OIDS = {
    "2a864886f70d010101": "rsa",
    "2a8648ce3d0201": "ec",
    "2a8648ce380401": "dsa",
    "2b6570": "ed25519",
    "2b6571": "ed448",
    "2b656e": "x25519",
    "2b656f": "x448",
}
LABELS = {
    "RSA PRIVATE KEY": ("pkcs1", "rsa"),
    "EC PRIVATE KEY": ("sec1", "ec"),
    "DSA PRIVATE KEY": ("openssl", "dsa"),
    "PRIVATE KEY": ("pkcs8", ""),
    "ENCRYPTED PRIVATE KEY": ("pkcs8", ""),
    "OPENSSH PRIVATE KEY": ("openssh", ""),
}


def _unescape(text: str) -> str:
    """Keys pasted into JSON/env files often carry literal ``\\n`` instead of newlines."""
    return text.replace("\\r", "").replace("\\n", "\n")


def _der_element(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``pos``."""
    tag = data[pos]
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4:
            raise ValueError("unsupported DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    end = pos + length
    if end > len(data):
        raise ValueError("DER element overruns the data")
    return tag, pos, end


def _pkcs8_algorithm(der: bytes) -> str:
    tag, start, _ = _der_element(der, 0)
    if tag != 0x30:
        raise ValueError("not a DER SEQUENCE")
    tag, _, pos = _der_element(der, start)  # version INTEGER
    if tag != 0x02:
        raise ValueError("no version")
    tag, alg_start, _ = _der_element(der, pos)  # AlgorithmIdentifier SEQUENCE
    if tag != 0x30:
        raise ValueError("no algorithm identifier")
    tag, oid_start, oid_end = _der_element(der, alg_start)
    if tag != 0x06:
        raise ValueError("no algorithm OID")
    return OIDS.get(der[oid_start:oid_end].hex(), "unknown")


def _ssh_string(data: bytes, pos: int) -> tuple[bytes, int]:
    length = int.from_bytes(data[pos : pos + 4], "big")
    end = pos + 4 + length
    if pos + 4 > len(data) or end > len(data):
        raise ValueError("truncated OpenSSH key")
    return data[pos + 4 : end], end


def _openssh(raw: bytes) -> Validation:
    if not raw.startswith(OPENSSH_MAGIC):
        return Validation(valid=False, reason="not an openssh-key-v1 body")
    cipher, pos = _ssh_string(raw, len(OPENSSH_MAGIC))
    _, pos = _ssh_string(raw, pos)  # kdf name
    _, pos = _ssh_string(raw, pos)  # kdf options
    count = int.from_bytes(raw[pos : pos + 4], "big")
    pos += 4
    key_type = ""
    if count >= 1:
        public, pos = _ssh_string(raw, pos)
        name, _ = _ssh_string(public, 0)
        key_type = name.decode("ascii", "replace")
    cipher_name = cipher.decode("ascii", "replace")
    details = (("format", "openssh"), ("key_type", key_type), ("cipher", cipher_name))
    if cipher_name != "none":
        return Validation(
            valid=True, informational=True, reason="encrypted private key", details=details
        )
    return Validation(valid=True, reason="unencrypted private key", details=details)


def _decode_body(body: str) -> tuple[dict[str, str], bytes]:
    headers: dict[str, str] = {}
    lines: list[str] = []
    for line in body.strip().splitlines():
        line = line.strip().strip('"').strip()
        if not line:
            continue
        key, sep, value = line.partition(":")
        if sep and not lines and " " not in key.strip():
            headers[key.strip()] = value.strip()
            continue
        lines.append(line)
    text = "".join(lines)
    try:
        return headers, base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("body is not base64") from exc


@register("pem_private_key")
def pem_private_key(secret: str) -> Validation:
    match = PEM.search(_unescape(secret))
    if match is None:
        return Validation(valid=False, reason="no private key block")
    label = match["label"]
    if label.startswith("PGP"):
        return Validation(valid=None, reason="PGP private key block", details=(("format", "pgp"),))
    if match["end"] is None:
        return Validation(valid=None, reason="private key block without its end marker")
    try:
        headers, raw = _decode_body(match["body"])
    except ValueError:
        return Validation(valid=False, reason="private key body is not base64")
    if not raw:
        return Validation(valid=False, reason="empty private key body")
    fmt, key_type = LABELS.get(label, ("pem", label.removesuffix(" PRIVATE KEY").lower()))
    if fmt == "openssh":
        return _openssh(raw)
    if label == "ENCRYPTED PRIVATE KEY" or "ENCRYPTED" in headers.get("Proc-Type", ""):
        return Validation(
            valid=True,
            informational=True,
            reason="encrypted private key",
            details=(("format", fmt), *((("key_type", key_type),) if key_type else ())),
        )
    try:
        if fmt == "pkcs8":
            key_type = _pkcs8_algorithm(raw)
        else:
            tag, _, end = _der_element(raw, 0)
            if tag != 0x30 or end != len(raw):
                raise ValueError("not DER")
    except (ValueError, IndexError):
        return Validation(valid=False, reason="private key body is not a DER key")
    return Validation(
        valid=True,
        reason="unencrypted private key",
        details=(("format", fmt), ("key_type", key_type or "unknown")),
    )


PPK_HEADER = regex.compile(r"PuTTY-User-Key-File-(?P<version>[1-3]): *(?P<algo>\S+)")


@register("putty_private_key")
def putty_private_key(secret: str) -> Validation:
    lines = [line.strip() for line in _unescape(secret).strip().splitlines()]
    if not lines or (head := PPK_HEADER.fullmatch(lines[0])) is None:
        return Validation(valid=False, reason="not a PuTTY key file")
    fields: dict[str, str] = {}
    blobs: dict[str, str] = {}
    i = 1
    while i < len(lines):
        key, sep, value = lines[i].partition(":")
        i += 1
        if not sep:
            return Validation(valid=False, reason="malformed PuTTY key file")
        value = value.strip()
        if key.endswith("-Lines"):
            try:
                count = int(value)
            except ValueError:
                return Validation(valid=False, reason="malformed line count")
            blobs[key.removesuffix("-Lines")] = "".join(lines[i : i + count])
            i += count
        else:
            fields[key] = value
    encryption = fields.get("Encryption")
    if encryption is None or "Public" not in blobs:
        return Validation(valid=None, reason="PuTTY key file without its key sections")
    try:
        base64.b64decode(blobs["Public"], validate=True)
        if "Private" in blobs:
            base64.b64decode(blobs["Private"], validate=True)
    except (binascii.Error, ValueError):
        return Validation(valid=False, reason="PuTTY key sections are not base64")
    details = (
        ("format", f"putty-v{head['version']}"),
        ("key_type", head["algo"]),
        ("cipher", encryption),
    )
    if "Private" not in blobs:
        return Validation(
            valid=None, reason="PuTTY key file without its private part", details=details
        )
    if encryption != "none":
        return Validation(
            valid=True, informational=True, reason="encrypted private key", details=details
        )
    return Validation(valid=True, reason="unencrypted private key", details=details)
