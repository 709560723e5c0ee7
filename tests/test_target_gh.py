"""gh's hosts.yml ``oauth_token`` → the keyring entries gh reads itself (service ``gh:<host>``).

gh (2.24+) finds its tokens through zalando/go-keyring: a Secret Service item with the
attributes ``service`` and ``username`` (``""`` for the active token, the login for each
account). Debian's gh (2.23) predates keyring support, so the entries are read back with
``secret-tool lookup``, which searches by exactly those attributes, and checked item by item.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from scanner.migrate import plan_findings, undo
from scanner.migrate.targets import guess_kind, target_name
from scanner.migrate.targets.base import PlanError
from scanner.migrate.targets.gh import parse
from tests import tokens
from tests.test_migrate_support import find, migrate, plaintext_hits

LOGIN_COLLECTION = "/org/freedesktop/secrets/collection/login"


def _lookup(service: str, user: str) -> str | None:
    got = subprocess.run(
        ["secret-tool", "lookup", "service", service, "username", user],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return got.stdout if got.returncode == 0 else None


def _items(service: str) -> list[tuple[dict[str, str], str, str]]:
    """(attributes, secret, collection path) of every Secret Service item for ``service``."""
    import secretstorage

    bus = secretstorage.dbus_init()
    try:
        out = []
        for item in secretstorage.search_items(bus, {"service": service}):
            if item.is_locked():
                item.unlock()
            collection = item.item_path.rsplit("/", 1)[0]
            out.append((item.get_attributes(), item.get_secret().decode(), collection))
        return out
    finally:
        bus.close()


def _gh_dir(home: Path) -> Path:
    gh = home / ".config" / "gh"
    gh.mkdir(parents=True, exist_ok=True)
    return gh


def test_hosts_yml_is_a_gh_target(home: Path) -> None:
    path = _gh_dir(home) / "hosts.yml"
    assert guess_kind(path) == "gh_hosts"
    assert target_name("gh_hosts", path) == "gh"
    assert guess_kind(Path("C:/Users/me/AppData/Roaming/GitHub CLI/hosts.yml")) == "gh_hosts"


def test_single_account_token_moves_to_gh_keyring_entries(home: Path, keychain: Any) -> None:
    token = tokens.github("gho")
    hosts = _gh_dir(home) / "hosts.yml"
    original = (
        f"github.com:\n    oauth_token: {token}\n    user: octo-cat\n    git_protocol: https\n"
    ).encode()
    hosts.write_bytes(original)
    plan, result = migrate(find(hosts, token, kind="gh_hosts"), home)

    (change,) = plan.changes
    assert "gh 2.24 or newer" in change.consumer and "(keyring)" in change.consumer
    assert {(i.service, i.account) for i in change.items} == {
        ("gh:github.com", ""),
        ("gh:github.com", "octo-cat"),
    }
    assert hosts.read_bytes() == b"github.com:\n    user: octo-cat\n    git_protocol: https\n"
    assert plaintext_hits(token, home) == []

    # what gh asks go-keyring for: the active slot and the account's own slot
    assert _lookup("gh:github.com", "") == token
    assert _lookup("gh:github.com", "octo-cat") == token
    found = {
        attrs["username"]: (attrs, secret, coll) for attrs, secret, coll in _items("gh:github.com")
    }
    assert set(found) == {"", "octo-cat"}
    for user, (attrs, secret, collection) in found.items():
        assert attrs["service"] == "gh:github.com" and attrs["username"] == user
        assert secret == token
        assert collection == LOGIN_COLLECTION  # go-keyring searches the login collection only

    assert undo(result.migration_id).state == "undone"
    assert hosts.read_bytes() == original
    assert _lookup("gh:github.com", "") is None
    assert _lookup("gh:github.com", "octo-cat") is None


def test_multi_account_hosts_yml_keeps_users_map(home: Path, keychain: Any) -> None:
    alice, bob, ghe = tokens.github("gho"), tokens.github("gho"), tokens.github("ghp")
    hosts = _gh_dir(home) / "hosts.yml"
    original = (
        "github.com:\r\n"
        "    users:\r\n"
        "        alice:\r\n"
        f"            oauth_token: {alice}\r\n"
        "        bob:\r\n"
        f"            oauth_token: {bob}\r\n"
        "    git_protocol: ssh\r\n"
        f"    oauth_token: {alice}\r\n"
        "    user: alice\r\n"
        "ghe.example.com:\r\n"
        "    users:\r\n"
        "        carol:\r\n"
        "    git_protocol: https\r\n"
        f"    oauth_token: {ghe}\r\n"
        "    user: carol\r\n"
    ).encode()
    hosts.write_bytes(original)
    findings = [
        *find(hosts, alice, kind="gh_hosts"),
        *find(hosts, bob, kind="gh_hosts"),
        *find(hosts, ghe, kind="gh_hosts"),
    ]
    assert len(findings) == 4
    _plan, result = migrate(findings, home)

    assert hosts.read_bytes() == (
        b"github.com:\r\n    users:\r\n        alice:\r\n        bob:\r\n"
        b"    git_protocol: ssh\r\n    user: alice\r\n"
        b"ghe.example.com:\r\n    users:\r\n        carol:\r\n"
        b"    git_protocol: https\r\n    user: carol\r\n"
    )
    for token in (alice, bob, ghe):
        assert plaintext_hits(token, home) == []
    assert _lookup("gh:github.com", "") == alice
    assert _lookup("gh:github.com", "alice") == alice
    assert _lookup("gh:github.com", "bob") == bob
    assert _lookup("gh:ghe.example.com", "") == ghe
    assert _lookup("gh:ghe.example.com", "carol") == ghe
    attrs = {(a["service"], a["username"]): s for a, s, _ in _items("gh:github.com")}
    assert attrs == {
        ("gh:github.com", ""): alice,
        ("gh:github.com", "alice"): alice,
        ("gh:github.com", "bob"): bob,
    }

    assert undo(result.migration_id).state == "undone"
    assert hosts.read_bytes() == original
    assert _items("gh:github.com") == [] and _items("gh:ghe.example.com") == []


def test_token_without_user_line_is_refused(home: Path, keychain: Any) -> None:
    token = tokens.github("gho")
    hosts = _gh_dir(home) / "hosts.yml"
    original = f"github.com:\n    oauth_token: {token}\n    git_protocol: https\n".encode()
    hosts.write_bytes(original)
    plan = plan_findings(find(hosts, token, kind="gh_hosts"), home=home)
    assert plan.changes == []
    (problem,) = plan.problems
    assert "github.com" in problem and "`user:`" in problem and token not in problem
    assert hosts.read_bytes() == original


def test_layout_gh_does_not_write_is_refused(home: Path) -> None:
    token = tokens.github("gho")
    hosts = _gh_dir(home) / "hosts.yml"
    hosts.write_text(f"github.com: {{oauth_token: {token}, user: me}}\n")
    plan = plan_findings(find(hosts, token, kind="gh_hosts"), home=home)
    assert plan.changes == []
    (problem,) = plan.problems
    assert "oauth_token: <token>" in problem and token not in problem
    tabbed = hosts.with_name("tabbed.yml")
    tabbed.write_bytes(f"github.com:\n\toauth_token: {token}\n".encode())
    with pytest.raises(PlanError, match="layout gh writes") as err:
        parse(tabbed, tabbed.read_bytes())
    assert token not in str(err.value)
