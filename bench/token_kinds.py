"""Real-shaped credentials for the benchmark corpus, built from providers' documented formats.

Independent of Stowaway's rule pack on purpose (a benchmark tuned to the scanner's own examples
proves nothing): every shape here comes from the provider's public description of its tokens, and
the checksum math is written here rather than imported from the product. Every value comes from a
seeded ``random.Random``, so a corpus is reproducible and no real credential is ever involved.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import string
from collections.abc import Callable

ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
UPPER_DIGITS = string.ascii_uppercase + string.digits
LOWER_DIGITS = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"


def rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choices(alphabet, k=n))


def crc32(text: str) -> int:
    return binascii.crc32(text.encode()) & 0xFFFFFFFF


def to_base62(number: int, width: int) -> str:
    out = ""
    while number:
        number, r = divmod(number, 62)
        out = BASE62[r] + out
    return out.rjust(width, "0")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# --- tokens with a checksum -------------------------------------------------------------------


def github_classic(rng: random.Random, prefix: str = "ghp_") -> str:
    """``ghp_``/``gho_``/``ghu_``/``ghs_``: 30 random base62 + CRC32(random) in base62 (6)."""
    body = rand(rng, ALNUM, 30)
    return prefix + body + to_base62(crc32(body), 6)


def github_bad_checksum(rng: random.Random) -> str:
    """A ``ghp_`` token whose checksum does not match: a typo'd or made-up value."""
    body = rand(rng, ALNUM, 30)
    good = to_base62(crc32(body), 6)
    bad = good
    while bad == good:
        bad = rand(rng, ALNUM, 6)
    return "ghp_" + body + bad


def npm_token(rng: random.Random) -> str:
    body = rand(rng, ALNUM, 30)
    return "npm_" + body + to_base62(crc32(body), 6)


def grafana_sa(rng: random.Random) -> str:
    head = "glsa_" + rand(rng, ALNUM, 32) + "_"
    return head + crc32(head[:37]).to_bytes(4, "little").hex()


def atlassian_api(rng: random.Random) -> str:
    head = "ATATT3xFfGF0" + rand(rng, B64URL, 171)
    return head + f"{crc32(head):08X}"


# --- structured tokens without a checksum ---------------------------------------------------


def github_fine_grained(rng: random.Random) -> str:
    return "github_pat_11" + rand(rng, UPPER_DIGITS, 20) + "_" + rand(rng, ALNUM, 59)


def gitlab_pat(rng: random.Random) -> str:
    return "glpat-" + rand(rng, ALNUM + "-_", 20)


def aws_key_id(rng: random.Random, prefix: str = "AKIA") -> str:
    account = rng.randrange(10**11, 10**12)
    high = (1 << 47) | (account << 7) | rng.randrange(128)
    raw = high.to_bytes(6, "big") + rng.randbytes(4)
    return prefix + base64.b32encode(raw).decode()


def aws_secret(rng: random.Random) -> str:
    return rand(rng, B64, 40)


def aws_session_token(rng: random.Random) -> str:
    return "IQoJb3JpZ2luX2Vj" + rand(rng, B64, 340)


def slack_bot(rng: random.Random) -> str:
    return f"xoxb-{rng.randrange(10**10, 10**12)}-{rng.randrange(10**12, 10**13)}-" + rand(
        rng, ALNUM, 24
    )


def slack_user(rng: random.Random) -> str:
    parts = [str(rng.randrange(10**10, 10**12)) for _ in range(3)]
    return "xoxp-" + "-".join(parts) + "-" + rand(rng, HEX, 32)


def slack_webhook(rng: random.Random) -> str:
    return (
        "https://hooks.slack.com/services/T"
        + rand(rng, UPPER_DIGITS, 8)
        + "/B"
        + rand(rng, UPPER_DIGITS, 10)
        + "/"
        + rand(rng, ALNUM, 24)
    )


def stripe_secret(rng: random.Random) -> str:
    return "sk_live_51" + rand(rng, ALNUM, 97)


def stripe_restricted(rng: random.Random) -> str:
    return "rk_live_51" + rand(rng, ALNUM, 97)


def openai_key(rng: random.Random) -> str:
    return "sk-proj-" + rand(rng, B64URL, 74) + "T3BlbkFJ" + rand(rng, B64URL, 74)


def anthropic_key(rng: random.Random) -> str:
    return "sk-ant-api03-" + rand(rng, B64URL, 93) + "AA"


def google_api_key(rng: random.Random) -> str:
    return "AIza" + rand(rng, B64URL, 35)


def huggingface(rng: random.Random) -> str:
    return "hf_" + rand(rng, string.ascii_letters, 34)


def sendgrid(rng: random.Random) -> str:
    return "SG." + rand(rng, B64URL, 22) + "." + rand(rng, B64URL, 43)


def twilio_api_key(rng: random.Random) -> str:
    return "SK" + rand(rng, HEX, 32)


def digitalocean(rng: random.Random) -> str:
    return "dop_v1_" + rand(rng, HEX, 64)


def shopify(rng: random.Random) -> str:
    return "shpat_" + rand(rng, HEX, 32)


def pypi_token(rng: random.Random) -> str:
    """A PyPI API token: ``pypi-`` + base64url of a version-2 binary macaroon (location
    ``pypi.org``, a UUID identifier, one JSON caveat, a 32-byte signature)."""
    ident = uuid4(rng).encode()
    caveat = json.dumps({"version": 1, "permissions": "user"}, separators=(",", ":")).encode()
    raw = (
        b"\x02"
        + b"\x01\x08pypi.org"
        + b"\x02"
        + bytes([len(ident)])
        + ident
        + b"\x00"
        + b"\x02"
        + bytes([len(caveat)])
        + caveat
        + b"\x00"
        + b"\x00"
        + b"\x06\x20"
        + rng.randbytes(32)
    )
    return "pypi-" + b64url(raw)


def cargo_token(rng: random.Random) -> str:
    return "cio" + rand(rng, ALNUM, 32)


def azure_storage_key(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(64)).decode()


def jwt(rng: random.Random, issuer: str = "https://auth.example-corp.io/") -> str:
    header = {"alg": "RS256", "typ": "JWT", "kid": rand(rng, ALNUM, 16)}
    now = 1_760_000_000 + rng.randrange(10**7)
    claims = {
        "iss": issuer,
        "sub": str(rng.randrange(10**9)),
        "aud": "api",
        "iat": now,
        "exp": now + 3600 * rng.choice((1, 12, 24, 24 * 365)),
        "scope": "read write",
    }
    parts = [json.dumps(header).encode(), json.dumps(claims).encode()]
    return ".".join(b64url(p) for p in parts) + "." + b64url(rng.randbytes(256))


def password(rng: random.Random) -> str:
    """A strong, human-set password of the kind people paste into .env files and netrc."""
    n = rng.randrange(14, 24)
    chars = rand(rng, ALNUM, n - 2) + rng.choice("!#%^*-_+=") + rng.choice(string.digits)
    return "".join(rng.sample(chars, len(chars)))


def generic_api_key(rng: random.Random) -> str:
    """A vendor key without a prefix (e.g. Datadog, Mailgun-style 32 hex / 40 alnum)."""
    return rng.choice((rand(rng, HEX, 32), rand(rng, ALNUM, 40)))


def pem_body(rng: random.Random, n_lines: int) -> list[str]:
    raw = base64.b64encode(rng.randbytes(48 * n_lines)).decode()
    return [raw[i : i + 64] for i in range(0, len(raw), 64)]


def _der(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    length = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _der_int(x: int) -> bytes:
    return _der(0x02, x.to_bytes(x.bit_length() // 8 + 1, "big"))


_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]


def _prime(rng: random.Random, bits: int) -> int:
    while True:
        n = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if any(n % p == 0 for p in _SMALL_PRIMES):
            continue
        d, r = n - 1, 0
        while d % 2 == 0:
            d, r = d // 2, r + 1
        for _ in range(16):
            x = pow(rng.randrange(2, n - 2), d, n)
            if x in (1, n - 1):
                continue
            for _ in range(r - 1):
                x = pow(x, 2, n)
                if x == n - 1:
                    break
            else:
                break
        else:
            return n


def rsa_der(rng: random.Random, bits: int = 2048) -> bytes:
    """A genuine RSA key (PKCS#1 RSAPrivateKey DER), from the seeded RNG."""
    e = 65537
    while True:
        p, q = _prime(rng, bits // 2), _prime(rng, bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e:
            break
    d = pow(e, -1, phi)
    ints = (0, p * q, e, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p))
    return _der(0x30, b"".join(_der_int(i) for i in ints))


def _pem(label: str, der: bytes, width: int = 64) -> list[str]:
    raw = base64.b64encode(der).decode()
    return [
        f"-----BEGIN {label}-----",
        *(raw[i : i + width] for i in range(0, len(raw), width)),
        f"-----END {label}-----",
    ]


def _ssh_str(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def private_key_pem(rng: random.Random, kind: str = "RSA PRIVATE KEY") -> list[str]:
    """An unencrypted private key in the encoding ``kind`` names, structurally complete."""
    if kind == "OPENSSH PRIVATE KEY":
        seed, pub = rng.randbytes(32), rng.randbytes(32)
        pub_blob = _ssh_str(b"ssh-ed25519") + _ssh_str(pub)
        check = rng.randbytes(4)
        private = (
            check
            + check
            + _ssh_str(b"ssh-ed25519")
            + _ssh_str(pub)
            + _ssh_str(seed + pub)
            + _ssh_str(b"alex@laptop")
        )
        private += bytes(range(1, 1 + (-len(private)) % 8))
        blob = (
            b"openssh-key-v1\x00"
            + _ssh_str(b"none")
            + _ssh_str(b"none")
            + _ssh_str(b"")
            + (1).to_bytes(4, "big")
            + _ssh_str(pub_blob)
            + _ssh_str(private)
        )
        return _pem(kind, blob, 70)
    if kind == "EC PRIVATE KEY":  # SEC1, P-256
        der = _der(
            0x30,
            _der_int(1)
            + _der(0x04, rng.randbytes(32))
            + _der(0xA0, _der(0x06, bytes.fromhex("2a8648ce3d030107")))
            + _der(0xA1, _der(0x03, b"\x00\x04" + rng.randbytes(64))),
        )
        return _pem(kind, der)
    rsa = rsa_der(rng)
    if kind == "PRIVATE KEY":  # PKCS#8 wrapping an RSA key
        alg = _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
        return _pem(kind, _der(0x30, _der_int(0) + alg + _der(0x04, rsa)))
    return _pem(kind, rsa)


def encrypted_private_key_pem(rng: random.Random) -> list[str]:
    return [
        "-----BEGIN ENCRYPTED PRIVATE KEY-----",
        *pem_body(rng, 26),
        "-----END ENCRYPTED PRIVATE KEY-----",
    ]


# --- hard negatives ---------------------------------------------------------------------------


def ssh_public_key(rng: random.Random) -> str:
    blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rng.randbytes(32)
    return "ssh-ed25519 " + base64.b64encode(blob).decode() + " dev@laptop"


def stripe_publishable(rng: random.Random) -> str:
    return "pk_live_51" + rand(rng, ALNUM, 97)


def git_sha(rng: random.Random) -> str:
    return rand(rng, HEX, 40)


def uuid4(rng: random.Random) -> str:
    h = rand(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def integrity(rng: random.Random) -> str:
    return "sha512-" + base64.b64encode(rng.randbytes(64)).decode()


POSITIVE_KINDS: dict[str, Callable[[random.Random], str]] = {
    "github_pat": github_classic,
    "github_oauth": lambda r: github_classic(r, "gho_"),
    "github_fine_grained": github_fine_grained,
    "gitlab_pat": gitlab_pat,
    "npm_token": npm_token,
    "pypi_token": pypi_token,
    "aws_access_key_id": aws_key_id,
    "aws_secret_key": aws_secret,
    "aws_session_token": aws_session_token,
    "slack_bot_token": slack_bot,
    "slack_user_token": slack_user,
    "slack_webhook": slack_webhook,
    "stripe_secret_key": stripe_secret,
    "stripe_restricted_key": stripe_restricted,
    "openai_key": openai_key,
    "anthropic_key": anthropic_key,
    "google_api_key": google_api_key,
    "huggingface_token": huggingface,
    "sendgrid_key": sendgrid,
    "twilio_api_key": twilio_api_key,
    "digitalocean_token": digitalocean,
    "shopify_token": shopify,
    "grafana_sa_token": grafana_sa,
    "atlassian_token": atlassian_api,
    "cargo_token": cargo_token,
    "azure_storage_key": azure_storage_key,
    "jwt": jwt,
    "password": password,
    "generic_api_key": generic_api_key,
}


def vault_token(rng: random.Random) -> str:
    return "hvs." + rand(rng, B64URL, 91)


def terraform_token(rng: random.Random) -> str:
    return rand(rng, ALNUM, 14) + ".atlasv1." + rand(rng, ALNUM, 67)


def docker_pat(rng: random.Random) -> str:
    return "dckr_pat_" + rand(rng, B64URL, 27)


def google_refresh_token(rng: random.Random) -> str:
    return "1//0" + rand(rng, B64URL, 99)


def google_client_secret(rng: random.Random) -> str:
    return "GOCSPX-" + rand(rng, B64URL, 28)


POSITIVE_KINDS.update(
    {
        "vault_token": vault_token,
        "terraform_token": terraform_token,
        "docker_pat": docker_pat,
        "google_refresh_token": google_refresh_token,
        "google_client_secret": google_client_secret,
    }
)
