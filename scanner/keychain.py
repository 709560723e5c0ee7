"""A thin, strict layer over :mod:`keyring`: the only place Stowaway puts a plaintext secret.

Naming convention
    Entries Stowaway owns live under the service ``"stowaway"``; the account is
    ``"<provider>/<short fingerprint>"`` (e.g. ``"github/3f2a9c1d"``) unless the user chose a
    NAME, or a target-specific name such as ``"aws/<profile>"``, ``"git/<host>/<user>"`` or
    ``"docker/<registry>"``. Entries that a consuming tool reads by itself keep that tool's own
    naming (twine: service = repository URL, account = user name).

Size limits
    Windows' Credential Manager holds at most 2,560 bytes per blob (UTF-16, so 1,280 characters).
    Longer values are split into numbered parts (``"<account>#part1"`` …) and the main entry holds
    a manifest (``stowaway-parts:v1:<count>:<sha256 prefix>``) so the joined value is verified on
    every read. Entries read directly by another tool cannot be split and are refused instead.

Safety
    Only known OS keychains are accepted. ``keyring.backends.fail``/``null``, every
    ``keyrings.alt`` backend and a chainer that could fall through to one are refused with a clear
    message: Stowaway never silently stores a secret in a plaintext file. Errors never carry a
    secret value.

Metadata (provider, created, expiry, source) cannot be stored or listed through keyring, so the
index lives on Stowaway's side in the migration database (see :mod:`scanner.migrate.db`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

SERVICE = "stowaway"
WINDOWS_BLOB_LIMIT = 2560  # bytes, CRED_MAX_CREDENTIAL_BLOB_SIZE
MANIFEST_PREFIX = "stowaway-parts:v1:"
PART_SUFFIX = "#part"
TRUST_ENV = "STOWAWAY_TRUST_KEYRING_BACKEND"

# Backends that keep secrets in the operating system's own protected store.
SECURE_BACKEND_MODULES = frozenset(
    {
        "keyring.backends.SecretService",
        "keyring.backends.libsecret",
        "keyring.backends.kwallet",
        "keyring.backends.Windows",
        "keyring.backends.macOS",
        "keyring.backends.macOS.api",
    }
)

T = TypeVar("T")


class KeychainError(Exception):
    """A keychain operation failed; the message is meant for the user and holds no secret."""


class NoKeychainError(KeychainError):
    pass


class KeychainLockedError(KeychainError):
    pass


class InsecureBackendError(KeychainError):
    pass


class SecretTooLargeError(KeychainError):
    pass


class KeychainVerifyError(KeychainError):
    pass


def _backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_secure(backend: Any) -> bool:
    trusted = os.environ.get(TRUST_ENV, "").strip()
    if trusted and _backend_name(backend) == trusted:
        return True
    return type(backend).__module__ in SECURE_BACKEND_MODULES


def check_backend(backend: Any) -> None:
    """Raise unless ``backend`` is a real OS keychain (or a chainer of only such keychains)."""
    from keyring.backends import chainer, fail

    name = _backend_name(backend)
    if isinstance(backend, fail.Keyring) or type(backend).__module__ == "keyring.backends.null":
        raise NoKeychainError(
            "No OS keychain is available (keyring found no usable backend). Install or start one "
            "(GNOME Keyring / KWallet on Linux; macOS Keychain and Windows Credential Manager are "
            "built in) and try again. Stowaway never falls back to storing secrets in a file."
        )
    if isinstance(backend, chainer.ChainerBackend):
        chained = list(backend.backends)
        if not chained:
            raise NoKeychainError("No OS keychain is available (the keyring chain is empty).")
        unsafe = [_backend_name(b) for b in chained if not _is_secure(b)]
        if unsafe:
            raise InsecureBackendError(
                "The keyring chain includes backends that are not an OS keychain "
                f"({', '.join(unsafe)}); a read or write could fall through to a plaintext file. "
                "Select your OS keychain explicitly (PYTHON_KEYRING_BACKEND) or uninstall "
                "keyrings.alt."
            )
        return
    if not _is_secure(backend):
        raise InsecureBackendError(
            f"The configured keyring backend {name} is not an OS keychain (it may keep secrets in "
            "a plaintext or weakly protected file). Stowaway refuses to use it. Select your OS "
            f"keychain with PYTHON_KEYRING_BACKEND, or set {TRUST_ENV}={name} if you are sure it "
            "is safe."
        )


@contextmanager
def _translated(action: str) -> Iterator[None]:
    """Turn keyring/secretstorage failures into clear :class:`KeychainError`s (no secrets)."""
    from keyring import errors

    try:
        yield
    except KeychainError:
        raise
    except errors.KeyringLocked as exc:
        raise KeychainLockedError(
            f"Could not {action}: the keychain is locked. Unlock it (for GNOME: the 'Login' "
            "keyring in Passwords and Keys, or log in to the desktop session) and try again."
        ) from exc
    except (errors.NoKeyringError, errors.InitError) as exc:
        raise NoKeychainError(
            f"Could not {action}: no OS keychain is reachable ({type(exc).__name__}: {exc})."
        ) from exc
    except errors.KeyringError as exc:
        raise KeychainError(f"Could not {action}: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # backend-specific (D-Bus, Win32, Security framework)
        if (
            type(exc).__name__ in {"LockedException", "ItemNotFoundException"}
            or "locked" in str(exc).lower()
        ):
            raise KeychainLockedError(
                f"Could not {action}: the keychain is locked. Unlock it and try again."
            ) from exc
        raise KeychainError(f"Could not {action}: {type(exc).__name__}: {exc}") from exc


def short_fingerprint(fingerprint: str) -> str:
    return fingerprint.removeprefix("fp_")[:8]


def default_account(provider: str, fingerprint: str) -> str:
    """``"<provider>/<first 8 hex of the fingerprint>"``: stable, recognisable, not secret."""
    slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in provider.lower()) or "token"
    return f"{slug}/{short_fingerprint(fingerprint)}"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()[:32]


class Keychain:
    """Store, read back and delete secrets in the OS keychain.

    ``blob_limit``/``blob_encoding`` describe the backend's per-entry size limit; they default to
    Windows' 2,560 bytes of UTF-16 on Windows and to no limit elsewhere (tests simulate Windows by
    passing them).
    """

    def __init__(
        self,
        backend: Any = None,
        *,
        blob_limit: int | None = None,
        blob_encoding: str | None = None,
    ) -> None:
        if backend is None:
            import keyring

            with _translated("open the keychain"):
                backend = keyring.get_keyring()
        check_backend(backend)
        self.backend = backend
        windows = type(backend).__module__ == "keyring.backends.Windows"
        self.blob_limit = (
            blob_limit if blob_limit is not None else (WINDOWS_BLOB_LIMIT if windows else None)
        )
        self.blob_encoding = blob_encoding or ("utf-16-le" if windows else "utf-8")

    def __repr__(self) -> str:
        return f"Keychain({_backend_name(self.backend)})"

    @property
    def backend_name(self) -> str:
        return _backend_name(self.backend)

    # -- size limits -------------------------------------------------------------------------
    def _fits(self, value: str) -> bool:
        if self.blob_limit is None:
            return True
        return len(value.encode(self.blob_encoding, "surrogateescape")) <= self.blob_limit

    def _split(self, value: str) -> list[str]:
        assert self.blob_limit is not None
        parts: list[str] = []
        current = ""
        for ch in value:
            if current and not self._fits(current + ch):
                parts.append(current)
                current = ""
            current += ch
        if current:
            parts.append(current)
        return parts

    def _call(self, action: str, fn: Callable[[], T]) -> T:
        with _translated(action):
            return fn()

    # -- public API --------------------------------------------------------------------------
    def set(self, account: str, value: str, *, service: str = SERVICE, split: bool = True) -> int:
        """Store ``value``; returns the number of parts used (1 = a single entry).

        ``split=False`` is for entries another tool reads directly: too-long values are refused.
        """
        if not value:
            raise KeychainError("Refusing to store an empty secret.")
        needs_manifest = value.startswith(MANIFEST_PREFIX) or not self._fits(value)
        if not needs_manifest:
            self._call(
                f"store {account!r} in the keychain",
                lambda: self.backend.set_password(service, account, value),
            )
            self._delete_parts(service, account, start=1)
            return 1
        if not split:
            raise SecretTooLargeError(
                f"The secret for {account!r} is {len(value)} characters, more than this keychain "
                f"holds in one entry ({self.blob_limit} bytes), and the tool that reads it cannot "
                "join split entries. Keep it where it is or shorten it."
            )
        parts = self._split(value) if self.blob_limit is not None else [value]
        manifest = f"{MANIFEST_PREFIX}{len(parts)}:{_digest(value)}"
        if not self._fits(manifest):
            raise SecretTooLargeError("The keychain entry size limit is too small for a manifest.")
        for index, part in enumerate(parts, start=1):
            part_account = f"{account}{PART_SUFFIX}{index}"
            self._call(
                f"store part {index} of {account!r} in the keychain",
                lambda a=part_account, p=part: self.backend.set_password(service, a, p),  # type: ignore[misc]
            )
        self._delete_parts(service, account, start=len(parts) + 1)
        self._call(
            f"store {account!r} in the keychain",
            lambda: self.backend.set_password(service, account, manifest),
        )
        return len(parts)

    def get(self, account: str, *, service: str = SERVICE) -> str | None:
        """The stored value (parts joined and checked), or None when there is no such entry."""
        value = self._call(
            f"read {account!r} from the keychain",
            lambda: self.backend.get_password(service, account),
        )
        if value is None or not value.startswith(MANIFEST_PREFIX):
            return value
        count_text, _, digest = value[len(MANIFEST_PREFIX) :].partition(":")
        try:
            count = int(count_text)
        except ValueError as exc:
            raise KeychainError(f"The keychain entry {account!r} has a damaged manifest.") from exc
        parts: list[str] = []
        for index in range(1, count + 1):
            part_account = f"{account}{PART_SUFFIX}{index}"
            part = self._call(
                f"read part {index} of {account!r} from the keychain",
                lambda a=part_account: self.backend.get_password(service, a),  # type: ignore[misc]
            )
            if part is None:
                raise KeychainError(
                    f"Part {index} of {count} of the keychain entry {account!r} is missing."
                )
            parts.append(part)
        joined = "".join(parts)
        if _digest(joined) != digest:
            raise KeychainError(f"The parts of the keychain entry {account!r} do not match.")
        return joined

    def set_verified(
        self, account: str, value: str, *, service: str = SERVICE, split: bool = True
    ) -> int:
        """Store, then read back and compare; raise :class:`KeychainVerifyError` on mismatch."""
        parts = self.set(account, value, service=service, split=split)
        if self.get(account, service=service) != value:
            raise KeychainVerifyError(
                f"The keychain did not return the value just stored under {account!r}; nothing "
                "was changed in your files."
            )
        return parts

    def delete(self, account: str, *, service: str = SERVICE) -> bool:
        """Delete the entry and any parts; True when something was deleted."""
        from keyring.errors import PasswordDeleteError

        existed = (
            self._call(
                f"read {account!r} from the keychain",
                lambda: self.backend.get_password(service, account),
            )
            is not None
        )
        try:
            self._call(
                f"delete {account!r} from the keychain",
                lambda: self.backend.delete_password(service, account),
            )
        except KeychainError as exc:
            if not isinstance(exc.__cause__, PasswordDeleteError):
                raise
        self._delete_parts(service, account, start=1)
        return existed

    def _delete_parts(self, service: str, account: str, *, start: int) -> None:
        from keyring.errors import PasswordDeleteError

        index = start
        while True:
            part_account = f"{account}{PART_SUFFIX}{index}"
            if (
                self._call(
                    "read the keychain",
                    lambda a=part_account: self.backend.get_password(service, a),  # type: ignore[misc]
                )
                is None
            ):
                return
            try:
                self._call(
                    "delete from the keychain",
                    lambda a=part_account: self.backend.delete_password(service, a),  # type: ignore[misc]
                )
            except KeychainError as exc:
                if not isinstance(exc.__cause__, PasswordDeleteError):
                    raise
            index += 1


def open_keychain() -> Keychain:
    """The user's OS keychain, checked (raises :class:`KeychainError` with a clear message)."""
    return Keychain()
