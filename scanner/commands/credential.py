"""``stowaway credential aws|git|kube|docker``: the helpers consuming tools run to get a secret
from the keychain (their own protocols), and ``docker-credential-stowaway``."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from typing import Any, TextIO

from scanner.keychain import SERVICE, KeychainError, open_keychain
from scanner.migrate.journal import Journal, KeychainEntry, now

KUBE_API = "client.authentication.k8s.io/v1"
NOT_FOUND = "credentials not found in native keychain"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "credential",
        help="credential helpers for aws, git, kubectl and docker (run by those tools)",
        description="Credential helpers that consuming tools run to read a secret from the "
        "keychain. Migrations configure them; you rarely run them by hand.",
    )
    sub = parser.add_subparsers(dest="tool", metavar="TOOL", required=True)
    aws = sub.add_parser("aws", help="AWS credential_process: print the profile's keys as JSON")
    aws.add_argument("name", help="profile name, or keychain entry name (aws/<profile>)")
    git = sub.add_parser("git", help="git credential helper (get/store/erase on stdin)")
    git.add_argument("action", choices=("get", "store", "erase"))
    kube = sub.add_parser("kube", help="kubectl exec plugin: print an ExecCredential")
    kube.add_argument("name", help="keychain entry name (kube/<user>)")
    docker = sub.add_parser("docker", help="docker credential helper protocol")
    docker.add_argument("action", choices=("get", "store", "erase", "list"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.tool == "aws":
            return aws(args.name, sys.stdout)
        if args.tool == "git":
            return git(args.action, sys.stdin, sys.stdout)
        if args.tool == "kube":
            return kube(args.name, sys.stdout)
        return docker(args.action, sys.stdin, sys.stdout)
    except KeychainError as exc:
        print(f"stowaway: {exc}", file=sys.stderr)
        return 1


def _lookup(kind: str, name: str) -> str | None:
    """The secret stored under ``name`` (``<kind>/<name>`` for a bare name), or None after
    saying on stderr that there is no such entry."""
    account = name if "/" in name else f"{kind}/{name}"
    value = open_keychain().get(account)
    if value is None:
        print(f"stowaway: no keychain entry {account!r}", file=sys.stderr)
    return value


def aws(name: str, out: TextIO) -> int:
    value = _lookup("aws", name)
    if value is None:
        return 1
    doc = json.loads(value)
    doc.setdefault("Version", 1)
    out.write(json.dumps(doc))
    out.write("\n")
    return 0


def kube(name: str, out: TextIO) -> int:
    token = _lookup("kube", name)
    if token is None:
        return 1
    api = KUBE_API
    info = os.environ.get("KUBERNETES_EXEC_INFO")
    if info:
        with contextlib.suppress(ValueError):
            api = json.loads(info).get("apiVersion") or api
    out.write(json.dumps({"apiVersion": api, "kind": "ExecCredential", "status": {"token": token}}))
    out.write("\n")
    return 0


def _attrs(stream: TextIO) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for line in stream:
        line = line.rstrip("\n")
        if not line:
            break
        key, _, value = line.partition("=")
        attrs[key] = value
    return attrs


def _git_matches(entry: KeychainEntry, attrs: dict[str, str]) -> bool:
    meta = entry.meta
    if meta.get("protocol") != attrs.get("protocol") or meta.get("host") != attrs.get("host"):
        return False
    return not attrs.get("username") or meta.get("username") == attrs["username"]


def git(action: str, stdin: TextIO, out: TextIO) -> int:
    attrs = _attrs(stdin)
    with Journal.open() as jr:
        entries = [e for e in jr.entries("git") if _git_matches(e, attrs)]
        kc = open_keychain()
        if action == "get":
            for entry in entries:
                value = kc.get(entry.account, service=entry.service)
                if value is None:
                    continue
                doc = json.loads(value)
                out.write(f"username={doc['username']}\npassword={doc['password']}\n")
                return 0
            return 0
        password = attrs.get("password")
        if action == "erase":
            for entry in entries:
                if entry.migration_id:
                    continue  # `stowaway undo` owns entries a migration made
                value = kc.get(entry.account, service=entry.service)
                if value is not None and (
                    not password or json.loads(value)["password"] == password
                ):
                    kc.delete(entry.account, service=entry.service)
                    jr.remove_entry(entry.service, entry.account)
            return 0
        # store
        if not password or not attrs.get("host") or not attrs.get("protocol"):
            return 0
        for entry in entries:
            value = kc.get(entry.account, service=entry.service)
            if value is not None and json.loads(value)["password"] == password:
                return 0
            if entry.migration_id:
                return 0  # keep what a migration stored; undo must rebuild the file from it
        username = attrs.get("username", "")
        account = f"git/{attrs['host']}/{username}" if username else f"git/{attrs['host']}"
        doc = {
            "protocol": attrs["protocol"],
            "host": attrs["host"],
            "username": username,
            "password": password,
        }
        kc.set_verified(account, json.dumps(doc, separators=(",", ":")))
        jr.add_entry(
            KeychainEntry(
                SERVICE,
                account,
                "git",
                "git",
                (),
                "git credential store",
                now(),
                None,
                {"protocol": attrs["protocol"], "host": attrs["host"], "username": username},
                None,
            )
        )
    return 0


def _norm(server: str) -> str:
    server = server.strip()
    for scheme in ("https://", "http://"):
        server = server.removeprefix(scheme)
    return server.rstrip("/")


def docker(action: str, stdin: TextIO, out: TextIO) -> int:
    raw = stdin.read()
    with Journal.open() as jr:
        entries = jr.entries("docker")
        if action == "list":
            out.write(
                json.dumps(
                    {e.meta.get("registry", ""): e.meta.get("username", "") for e in entries}
                )
            )
            return 0
        kc = open_keychain()
        if action == "store":
            doc = json.loads(raw)
            server = doc["ServerURL"]
            existing = next(
                (e for e in entries if _norm(e.meta.get("registry", "")) == _norm(server)), None
            )
            if existing and existing.migration_id:
                current = kc.get(existing.account, service=existing.service)
                if current is not None and json.loads(current).get("Secret") == doc["Secret"]:
                    return 0
            account = (
                existing.account
                if existing and not existing.migration_id
                else (
                    f"docker/{_norm(server)}" if not existing else f"docker/{_norm(server)}-login"
                )
            )
            payload = json.dumps(
                {"ServerURL": server, "Username": doc["Username"], "Secret": doc["Secret"]},
                separators=(",", ":"),
            )
            kc.set_verified(account, payload)
            jr.add_entry(
                KeychainEntry(
                    SERVICE,
                    account,
                    "docker",
                    "docker",
                    (),
                    "docker login",
                    now(),
                    None,
                    {"registry": server, "username": doc["Username"]},
                    None,
                )
            )
            return 0
        server = raw.strip()
        matches = [e for e in entries if _norm(e.meta.get("registry", "")) == _norm(server)]
        matches.sort(key=lambda e: e.migration_id is not None)  # a newer login wins
        if action == "get":
            for entry in matches:
                value = kc.get(entry.account, service=entry.service)
                if value is not None:
                    doc = json.loads(value)
                    out.write(
                        json.dumps(
                            {
                                "ServerURL": doc.get("ServerURL", server),
                                "Username": doc["Username"],
                                "Secret": doc["Secret"],
                            }
                        )
                    )
                    return 0
            out.write(NOT_FOUND + "\n")
            return 1
        for entry in matches:  # erase
            if entry.migration_id:
                continue
            kc.delete(entry.account, service=entry.service)
            jr.remove_entry(entry.service, entry.account)
        return 0


def docker_helper_main() -> int:
    """Entry point of ``docker-credential-stowaway get|store|erase|list``."""
    argv = sys.argv[1:]
    if len(argv) != 1 or argv[0] not in ("get", "store", "erase", "list", "version"):
        print("usage: docker-credential-stowaway get|store|erase|list", file=sys.stderr)
        return 1
    if argv[0] == "version":
        from scanner import __version__

        print(f"docker-credential-stowaway {__version__}")
        return 0
    try:
        return docker(argv[0], sys.stdin, sys.stdout)
    except KeychainError as exc:
        print(f"stowaway: {exc}", file=sys.stdout)
        return 1
    except (ValueError, KeyError) as exc:
        print(f"stowaway: bad input for {argv[0]}: {type(exc).__name__}", file=sys.stdout)
        return 1
