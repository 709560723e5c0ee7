"""Just enough DER to read an X.509 certificate's validity period (no crypto dependency).

Kubeconfig client certificates (``client-certificate-data``) carry the credential's end date in
``notAfter``; reading it offline tells the user when that identity stops working.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime

_PEM_CERT = re.compile(
    rb"-----BEGIN CERTIFICATE-----\s*(?P<body>[A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----"
)


class CertificateError(ValueError):
    pass


def _read_tlv(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the DER element at ``offset``."""
    if offset + 2 > len(data):
        raise CertificateError("truncated DER")
    tag = data[offset]
    length = data[offset + 1]
    pos = offset + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise CertificateError("bad DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise CertificateError("truncated DER value")
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    items = []
    pos = start
    while pos < end:
        tag, vstart, vend = _read_tlv(data, pos)
        items.append((tag, vstart, vend))
        pos = vend
    return items


def _parse_time(tag: int, raw: bytes) -> datetime:
    text = raw.decode("ascii")
    if tag == 0x17:  # UTCTime YYMMDDHHMMSSZ
        value = datetime.strptime(text, "%y%m%d%H%M%SZ")
    elif tag == 0x18:  # GeneralizedTime YYYYMMDDHHMMSSZ
        value = datetime.strptime(text, "%Y%m%d%H%M%SZ")
    else:
        raise CertificateError(f"unexpected time tag {tag:#x}")
    return value.replace(tzinfo=UTC)


def validity(der: bytes) -> tuple[datetime, datetime]:
    """(notBefore, notAfter) of a DER certificate."""
    tag, start, end = _read_tlv(der, 0)
    if tag != 0x30:
        raise CertificateError("not a certificate")
    tbs_tag, tbs_start, tbs_end = _children(der, start, end)[0]
    if tbs_tag != 0x30:
        raise CertificateError("no TBSCertificate")
    fields = _children(der, tbs_start, tbs_end)
    index = 1 if fields and fields[0][0] == 0xA0 else 0  # optional [0] version
    validity_tag, vstart, vend = fields[index + 3]  # serial, signature, issuer, validity
    if validity_tag != 0x30:
        raise CertificateError("no validity")
    (t1, s1, e1), (t2, s2, e2) = _children(der, vstart, vend)[:2]
    return _parse_time(t1, der[s1:e1]), _parse_time(t2, der[s2:e2])


def not_after_from_pem(pem: bytes) -> datetime:
    match = _PEM_CERT.search(pem)
    if not match:
        raise CertificateError("no PEM certificate")
    try:
        der = base64.b64decode(b"".join(match.group("body").split()), validate=True)
    except binascii.Error as exc:
        raise CertificateError("bad base64 in certificate") from exc
    return validity(der)[1]


def not_after_from_base64_pem(data: str) -> datetime:
    """For kubeconfig's ``client-certificate-data`` (base64 of a PEM certificate)."""
    try:
        pem = base64.b64decode("".join(data.split()), validate=True)
    except binascii.Error as exc:
        raise CertificateError("bad base64 in certificate data") from exc
    return not_after_from_pem(pem)
