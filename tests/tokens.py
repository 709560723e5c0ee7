"""Fake tokens with valid structure, generated at test time (the repo itself must scan clean).

Every generator returns a ``str``. Formats follow the providers' public descriptions (see
``/work/shared/FACTS.md``); checksums come from :mod:`scanner.validators.checksums`, the same code
the validators use. Random choices go through one ``random.Random`` so a test can pin the output:

    from tests import tokens
    tokens.seed(1234)           # deterministic from here (except PEM keys: real key generation)
    tokens.github("ghp")
    gen = tokens.TokenFactory(seed=7)   # or an independent, seeded factory
    gen.npm()

The tokens are random and never issued by any provider: they are safe to write into test files.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import secrets
import shutil
import string
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from scanner.validators.checksums import (
    BASE36,
    atlassian_checksum,
    aws_key_id_body,
    cloudflare_checksum,
    encode_base,
    github_checksum,
    gitlab_routable_checksum,
    grafana_checksum,
)

ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
URLSAFE = ALNUM + "-_"
BASE64 = ALNUM + "+/"
HEX = "0123456789abcdef"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _macaroon_field(kind: int, data: bytes) -> bytes:
    return bytes([kind]) + _varint(len(data)) + data


class TokenFactory:
    """Seedable generator of fake tokens; see the module docstring."""

    def __init__(self, seed: int | None = None) -> None:
        self.rng = random.Random(seed if seed is not None else secrets.randbits(64))

    def seed(self, value: int) -> None:
        self.rng.seed(value)

    # -- primitives -----------------------------------------------------------------------------
    def random_secret(self, length: int = 32, alphabet: str = ALNUM) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def random_bytes(self, length: int) -> bytes:
        return bytes(self.rng.getrandbits(8) for _ in range(length))

    def digits(self, length: int) -> str:
        return str(self.rng.randint(1, 9)) + self.random_secret(length - 1, string.digits)

    # -- GitHub / npm ---------------------------------------------------------------------------
    def github(self, prefix: str = "ghp") -> str:
        """``ghp_``/``gho_``/``ghu_``/``ghs_``/``ghr_`` + 30 base62 + 6-char CRC32 checksum."""
        prefix = prefix.rstrip("_")
        if prefix not in {"ghp", "gho", "ghu", "ghs", "ghr"}:
            raise ValueError(f"unknown GitHub prefix {prefix!r}")
        body = self.random_secret(30, ALNUM)
        return f"{prefix}_{body}{github_checksum(body)}"

    def github_fine_grained(self) -> str:
        """``github_pat_`` + 22 + ``_`` + 59 (structure only; GitHub documents no checksum)."""
        return f"github_pat_{self.random_secret(22, BASE62)}_{self.random_secret(59, BASE62)}"

    def npm(self) -> str:
        body = self.random_secret(30, ALNUM)
        return f"npm_{body}{github_checksum(body)}"

    # -- GitLab ---------------------------------------------------------------------------------
    def gitlab_classic(self) -> str:
        return "glpat-" + self.random_secret(20, URLSAFE)

    def gitlab_routable(
        self,
        prefix: str = "glpat-",
        org_id: int | None = None,
        user_id: int | None = None,
        cell_id: int = 1,
    ) -> str:
        """Routable token: base64url(routing + 16 random bytes + their count) + ``.01.`` +
        2-char base36 payload length + 7-char base36 CRC32 of everything before."""
        routing = {
            "c": cell_id,
            "o": org_id if org_id is not None else self.rng.randint(1, 10**6),
            "u": user_id if user_id is not None else self.rng.randint(1, 10**8),
        }
        payload = "\n".join(f"{k}:{encode_base(v, BASE36)}" for k, v in sorted(routing.items()))
        random_part = self.random_bytes(16)
        encoded = b64url(payload.encode() + random_part + bytes([len(random_part)]))
        head = f"{prefix}{encoded}.01.{encode_base(len(encoded), BASE36, 2)}"
        return head + gitlab_routable_checksum(head)

    # -- Grafana / Atlassian / Cloudflare -------------------------------------------------------
    def grafana_service_account(self) -> str:
        head = "glsa_" + self.random_secret(32, ALNUM)
        return f"{head}_{grafana_checksum(head)}"

    def atlassian_api_token(self, prefix: str = "ATATT") -> str:
        """``ATATT3xFfGF0`` + base64url body + ``=`` + 8 uppercase hex CRC32 of all before."""
        head = f"{prefix}3xFfGF0{self.random_secret(171, URLSAFE)}="
        return head + atlassian_checksum(head)

    def bitbucket(self) -> str:
        """Bitbucket app password: ``ATBB`` + 32 alnum + 8 uppercase hex CRC32 of all before."""
        head = "ATBB" + self.random_secret(32, ALNUM)
        return head + atlassian_checksum(head)

    def cloudflare(self, prefix: str = "cfut_") -> str:
        prefix = prefix if prefix.endswith("_") else prefix + "_"
        if prefix not in {"cfk_", "cfut_", "cfat_"}:
            raise ValueError(f"unknown Cloudflare prefix {prefix!r}")
        body = self.random_secret(40, ALNUM)
        return prefix + body + cloudflare_checksum(body)

    # -- PyPI -----------------------------------------------------------------------------------
    def pypi(self, project: str | None = None, expires: int | None = None) -> str:
        """A macaroon v2 serialised like PyPI's: location ``pypi.org``, a UUID identifier,
        caveats (user-wide by default; a project or an expiry when given), 32-byte signature."""
        ident = self._uuid().encode()
        caveats: list[Any] = []
        if project is not None:
            caveats.append([1, [project]])
        if expires is not None:
            caveats.append([0, expires, expires - 3600])
        if not caveats:
            caveats.append({"version": 1, "permissions": "user"})
        raw = bytearray([2])
        raw += _macaroon_field(1, b"pypi.org") + _macaroon_field(2, ident) + b"\x00"
        for caveat in caveats:
            text = json.dumps(caveat, separators=(",", ":")).encode()
            raw += _macaroon_field(2, text) + b"\x00"
        raw += b"\x00" + _macaroon_field(6, self.random_bytes(32))
        return "pypi-" + b64url(bytes(raw))

    # -- AWS ------------------------------------------------------------------------------------
    def aws_access_key_id(self, kind: str = "AKIA", account: str | int | None = None) -> str:
        if kind not in {"AKIA", "ASIA"}:
            raise ValueError("kind must be AKIA or ASIA")
        number = int(account) if account is not None else self.rng.randint(10**10, 10**12 - 1)
        return kind + aws_key_id_body(number, self.random_bytes(5))

    def aws_secret_access_key(self) -> str:
        return self.random_secret(40, BASE64)

    def aws_session_token(self) -> str:
        raw = b"!\n\torigin_ec\x10" + self.random_bytes(self.rng.randint(300, 420))
        return base64.b64encode(raw).decode("ascii")

    # -- AI providers ---------------------------------------------------------------------------
    def openai(self, kind: str = "proj") -> str:
        if kind not in {"proj", "svcacct", "admin", "legacy"}:
            raise ValueError(f"unknown OpenAI key kind {kind!r}")
        if kind == "legacy":
            return f"sk-{self.random_secret(20)}T3BlbkFJ{self.random_secret(20)}"
        half = 58 if kind == "admin" else 74
        return (
            f"sk-{kind}-{self.random_secret(half, URLSAFE)}T3BlbkFJ"
            f"{self.random_secret(half, URLSAFE)}"
        )

    def anthropic(self, kind: str = "api03") -> str:
        if kind not in {"api03", "admin01"}:
            raise ValueError(f"unknown Anthropic key kind {kind!r}")
        return f"sk-ant-{kind}-{self.random_secret(93, URLSAFE)}AA"

    def huggingface(self) -> str:
        return "hf_" + self.random_secret(34, string.ascii_letters)

    def google_api_key(self) -> str:
        return "AIza" + self.random_secret(35, URLSAFE)

    # -- Slack / Stripe -------------------------------------------------------------------------
    def slack(self, kind: str = "bot") -> str:
        if kind == "bot":
            return f"xoxb-{self.digits(12)}-{self.digits(13)}-{self.random_secret(24)}"
        if kind == "user":
            return (
                f"xoxp-{self.digits(12)}-{self.digits(12)}-{self.digits(13)}-"
                f"{self.random_secret(32, HEX)}"
            )
        if kind == "app":
            upper = string.ascii_uppercase + string.digits
            return (
                f"xapp-1-A{self.random_secret(10, upper)}-{self.digits(13)}-"
                f"{self.random_secret(64, HEX)}"
            )
        if kind == "webhook":
            upper = string.ascii_uppercase + string.digits
            return (
                f"https://hooks.slack.com/services/T{self.random_secret(10, upper)}/"
                f"B{self.random_secret(10, upper)}/{self.random_secret(24)}"
            )
        raise ValueError(f"unknown Slack token kind {kind!r}")

    def stripe(self, kind: str = "sk_live", length: int = 99) -> str:
        if kind not in {"sk_live", "rk_live", "sk_test", "rk_test", "pk_live", "pk_test", "whsec"}:
            raise ValueError(f"unknown Stripe key kind {kind!r}")
        if kind == "whsec":
            return "whsec_" + self.random_secret(32)
        return f"{kind}_51{self.random_secret(length - 2)}"

    # -- JWT ------------------------------------------------------------------------------------
    def jwt(self, claims: dict[str, Any] | None = None, alg: str = "HS256") -> str:
        """A JWT HMAC-signed with a random key (or unsigned for ``alg="none"``)."""
        header = {"alg": alg, "typ": "JWT"}
        body = claims if claims is not None else {"sub": self.digits(8), "iat": 1_700_000_000}
        signing_input = (
            b64url(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + b64url(json.dumps(body, separators=(",", ":")).encode())
        )
        if alg == "none":
            return signing_input + "."
        digests = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
        if alg not in digests:
            raise ValueError(f"unsupported alg {alg!r} (HS256/HS384/HS512/none)")
        signature = hmac.new(self.random_bytes(32), signing_input.encode(), digests[alg]).digest()
        return signing_input + "." + b64url(signature)

    # -- private keys ---------------------------------------------------------------------------
    def pem_private_key(self, kind: str = "rsa", encrypted: bool = False) -> str:
        """A real private key (fresh, not seedable) as text.

        ``kind``: ``rsa`` (PKCS#1 ``RSA PRIVATE KEY``), ``ec`` (SEC1 ``EC PRIVATE KEY``), ``pkcs8``
        (``PRIVATE KEY`` / ``ENCRYPTED PRIVATE KEY``) or ``openssh`` (ed25519,
        ``OPENSSH PRIVATE KEY``). Encrypted PKCS#1/SEC1 keys carry ``Proc-Type: 4,ENCRYPTED``.
        """
        passphrase = self.random_secret(16)
        if kind == "openssh":
            return _openssh_key(passphrase if encrypted else "")
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        key: Any
        if kind in {"rsa", "pkcs8"}:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif kind == "ec":
            key = ec.generate_private_key(ec.SECP256R1())
        else:
            raise ValueError(f"unknown key kind {kind!r}")
        fmt = (
            serialization.PrivateFormat.PKCS8
            if kind == "pkcs8"
            else serialization.PrivateFormat.TraditionalOpenSSL
        )
        enc: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase.encode())
            if encrypted
            else serialization.NoEncryption()
        )
        return key.private_bytes(serialization.Encoding.PEM, fmt, enc).decode("ascii")

    def putty_private_key(self, encrypted: bool = False, version: int = 3) -> str:
        """A PuTTY ``.ppk`` file (ed25519) with real key blobs; the MAC is a random stand-in."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519

        key = ed25519.Ed25519PrivateKey.generate()
        pub = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        priv = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

        def ssh_string(data: bytes) -> bytes:
            return len(data).to_bytes(4, "big") + data

        public_blob = ssh_string(b"ssh-ed25519") + ssh_string(pub)
        private_blob = ssh_string(priv)
        if encrypted:  # what an encrypted file looks like: opaque, padded to the AES block size
            private_blob = self.random_bytes(48)
        lines = [
            f"PuTTY-User-Key-File-{version}: ssh-ed25519",
            f"Encryption: {'aes256-cbc' if encrypted else 'none'}",
            f"Comment: ed25519-key-{self.digits(8)}",
        ]
        pub_b64 = base64.b64encode(public_blob).decode()
        priv_b64 = base64.b64encode(private_blob).decode()
        lines += _ppk_section("Public", pub_b64)
        if version == 3 and encrypted:
            lines += [
                "Key-Derivation: Argon2id",
                "Argon2-Memory: 8192",
                "Argon2-Passes: 13",
                "Argon2-Parallelism: 1",
                f"Argon2-Salt: {self.random_secret(32, HEX)}",
            ]
        lines += _ppk_section("Private", priv_b64)
        lines.append(f"Private-MAC: {self.random_secret(64 if version == 3 else 40, HEX)}")
        return "\n".join(lines) + "\n"

    def _uuid(self) -> str:
        h = self.random_secret(32, HEX)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _ppk_section(name: str, b64: str) -> list[str]:
    chunks = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return [f"{name}-Lines: {len(chunks)}", *chunks]


def _openssh_key(passphrase: str) -> str:
    """An ed25519 key in the OpenSSH format, via ``ssh-keygen`` when present, else cryptography
    (which needs ``bcrypt`` for encrypted OpenSSH keys)."""
    if shutil.which("ssh-keygen"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "key"
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "", "-f", str(path)],
                check=True,
                stdin=subprocess.DEVNULL,
                capture_output=True,
            )
            return path.read_text(encoding="ascii")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    enc: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, enc
    ).decode("ascii")


_default = TokenFactory()

seed = _default.seed
random_secret = _default.random_secret
github = _default.github
github_fine_grained = _default.github_fine_grained
npm = _default.npm
gitlab_classic = _default.gitlab_classic
gitlab_routable = _default.gitlab_routable
grafana_service_account = _default.grafana_service_account
atlassian_api_token = _default.atlassian_api_token
bitbucket = _default.bitbucket
cloudflare = _default.cloudflare
pypi = _default.pypi
aws_access_key_id = _default.aws_access_key_id
aws_secret_access_key = _default.aws_secret_access_key
aws_session_token = _default.aws_session_token
openai = _default.openai
anthropic = _default.anthropic
huggingface = _default.huggingface
google_api_key = _default.google_api_key
slack = _default.slack
stripe = _default.stripe
jwt = _default.jwt
pem_private_key = _default.pem_private_key
putty_private_key = _default.putty_private_key
