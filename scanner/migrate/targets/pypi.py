"""``~/.pypirc`` passwords → keyring entries twine reads natively.

twine looks up ``keyring.get_password(<repository URL>, <username>)`` when the config has no
password, so the entry uses that naming (service = repository URL, account = username, usually
``__token__``) instead of Stowaway's own, and cannot be split.
"""

from __future__ import annotations

from pathlib import Path

from scanner.migrate.plan import Edit, KeychainItem, PlannedChange, SecretSource
from scanner.migrate.targets import ini
from scanner.migrate.targets.base import (
    Context,
    PlanError,
    Span,
    change,
    eol,
    file_edit,
    ref,
    removal,
)

KIND = "pypi"
DEFAULT_URLS = {
    "pypi": "https://upload.pypi.org/legacy/",
    "testpypi": "https://test.pypi.org/legacy/",
}


def plan(ctx: Context, path: Path, data: bytes, spans: list[Span]) -> PlannedChange:
    items: list[KeychainItem] = []
    edits: list[Edit] = []
    names: list[str] = []
    nl = eol(data)
    for span in sorted(spans, key=lambda s: s.byte_start):
        section = ini.section_at(data, span.byte_start)
        if section is None or section.header is None:
            raise PlanError(f"{path}: the token is not inside a [repository] section")
        found = section.key("password")
        if not found or (found[1], found[2]) != (span.byte_start, span.byte_end):
            raise PlanError(f"{path}: [{section.name}]: only `password = <token>` can be migrated")
        line, v_start, v_end = found
        url_line = section.key("repository")
        url = (
            data[url_line[1] : url_line[2]].decode() if url_line else DEFAULT_URLS.get(section.name)
        )
        if not url:
            raise PlanError(f"{path}: [{section.name}] has no repository URL")
        user_line = section.key("username")
        username = data[user_line[1] : user_line[2]].decode() if user_line else "__token__"
        items.append(
            KeychainItem(
                account=username,
                service=url,
                provider=span.provider or "pypi",
                kind=KIND,
                sources=(SecretSource(str(path), v_start, v_end, span.fingerprint),),
                value={"source": 0},
                split=False,
                expires_at=span.expires_at,
                meta={"repository": section.name, "url": url},
            )
        )
        secret = [(v_start, v_end, ref(username, service=url))]
        if user_line:
            edits.append(removal(data, line.start, line.end, secret))
        else:  # twine needs the user name to look the password up
            edits.append(
                removal(
                    data,
                    line.start,
                    line.end,
                    secret,
                    replacement=f"username = {username}".encode() + nl,
                )
            )
        names.append(section.name)
    return change(
        KIND,
        path,
        ctx,
        title=f"PyPI token{'s' if len(names) > 1 else ''} for {', '.join(names)} into the keychain",
        before="`password = <token>` in .pypirc",
        after="no password in .pypirc; a keyring entry under the repository URL",
        consumer="twine finds no password in .pypirc and reads it from the keyring itself.",
        items=items,
        files=[file_edit(path, data, edits)],
        spans=spans,
    )
