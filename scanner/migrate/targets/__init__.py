"""One module per consuming tool; :func:`target_for` picks the one for a file kind."""

from __future__ import annotations

import os
from pathlib import Path

HISTORY_KINDS = frozenset({"bash_history", "zsh_history", "fish_history", "powershell_history"})
MARKER_KINDS = frozenset({"notes", "text", "markdown", "jupyter"})
# credential files whose tool has no safe keychain mechanism in Stowaway yet: refuse, because a
# marker would silently break the tool.
UNSUPPORTED = frozenset(
    {
        "netrc",
        "cargo_credentials",
        "maven_settings",
        "gradle_properties",
        "gcp_service_account",
        "vscode_settings",
        "aws_config",
    }
)


# a file name → its kind wherever it sits
_KIND_BY_NAME = {
    ".bash_history": "bash_history",
    ".zsh_history": "zsh_history",
    ".zhistory": "zsh_history",
    "fish_history": "fish_history",
    "ConsoleHost_history.txt": "powershell_history",
    ".git-credentials": "git_credentials",
    ".npmrc": "npmrc",
    ".pypirc": "pypirc",
    ".bashrc": "shell_rc",
    ".zshrc": "shell_rc",
    ".profile": "shell_rc",
    ".bash_profile": "shell_rc",
    ".zprofile": "shell_rc",
    ".zshenv": "shell_rc",
    "config.fish": "shell_rc",
    ".gitconfig": "gitconfig",
}
# (file name, a folder on its path) → its kind, checked in this order
_KIND_BY_NAME_IN_FOLDER = (
    ("credentials", ".aws", "aws_credentials"),
    ("config", ".docker", "docker_config"),
    ("config.json", ".docker", "docker_config"),
    ("config", ".kube", "kubeconfig"),
    ("config", ".git", "gitconfig"),
    ("hosts.yml", "gh", "gh_hosts"),
    ("hosts.yml", "GitHub CLI", "gh_hosts"),
)
_TARGET_BY_KIND = {
    "aws_credentials": "aws",
    "git_credentials": "git",
    "gitconfig": "git-url",
    "docker_config": "docker",
    "kubeconfig": "kube",
    "npmrc": "npm",
    "pypirc": "pypi",
    "gh_hosts": "gh",
    "dotenv": "env",
    "shell_rc": "rc",
}


def guess_kind(path: Path) -> str:
    name = path.name
    if name in _KIND_BY_NAME:
        return _KIND_BY_NAME[name]
    for file_name, folder, kind in _KIND_BY_NAME_IN_FOLDER:
        if name == file_name and folder in path.parts:
            return kind
    gh_dir = os.environ.get("GH_CONFIG_DIR")
    if name == "hosts.yml" and gh_dir and path.parent == Path(gh_dir):
        return "gh_hosts"
    if name == ".env" or name.startswith(".env."):
        return "dotenv"
    if path.suffix.lower() in (".md", ".txt", ".org", ".rst"):
        return "notes"
    return "text"


def target_name(file_kind: str, path: Path) -> str | None:
    if file_kind in HISTORY_KINDS:
        return "history"
    if file_kind in _TARGET_BY_KIND:
        return _TARGET_BY_KIND[file_kind]
    if file_kind == "json" and path.name == "config.json" and path.parent.name == ".docker":
        return "docker"
    if file_kind in UNSUPPORTED:
        return None
    return "marker"
