"""One module per consuming tool; :func:`target_for` picks the one for a file kind."""

from __future__ import annotations

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
        "gh_hosts",
        "gcp_service_account",
        "vscode_settings",
        "aws_config",
    }
)


def guess_kind(path: Path) -> str:
    name = path.name
    parts = path.parts
    table = {
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
    if name in table:
        return table[name]
    if name == "credentials" and ".aws" in parts:
        return "aws_credentials"
    if name == "config" and ".docker" in parts:
        return "docker_config"
    if name == "config.json" and ".docker" in parts:
        return "docker_config"
    if name == "config" and ".kube" in parts:
        return "kubeconfig"
    if name == "config" and ".git" in parts:
        return "gitconfig"
    if name == ".env" or name.startswith(".env."):
        return "dotenv"
    if path.suffix.lower() in (".md", ".txt", ".org", ".rst"):
        return "notes"
    return "text"


def target_name(file_kind: str, path: Path) -> str | None:
    if file_kind in HISTORY_KINDS:
        return "history"
    mapping = {
        "aws_credentials": "aws",
        "git_credentials": "git",
        "gitconfig": "git-url",
        "docker_config": "docker",
        "kubeconfig": "kube",
        "npmrc": "npm",
        "pypirc": "pypi",
        "dotenv": "env",
        "shell_rc": "rc",
    }
    if file_kind in mapping:
        return mapping[file_kind]
    if file_kind == "json" and path.name == "config.json" and path.parent.name == ".docker":
        return "docker"
    if file_kind in UNSUPPORTED:
        return None
    return "marker"
