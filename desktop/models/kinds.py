"""Group the scanner's file kinds into the few location kinds a user filters by."""

from __future__ import annotations

HISTORY = "Shell history"
ENV = "Environment files"
TOOL_CONFIG = "Tool configuration"
NOTES = "Notes & documents"
CODE = "Code & other files"

LOCATION_KINDS = (HISTORY, ENV, TOOL_CONFIG, NOTES, CODE)

_BY_KIND = {
    "bash_history": HISTORY,
    "zsh_history": HISTORY,
    "fish_history": HISTORY,
    "powershell_history": HISTORY,
    "python_history": HISTORY,
    "dotenv": ENV,
    "shell_rc": ENV,
    "aws_credentials": TOOL_CONFIG,
    "aws_config": TOOL_CONFIG,
    "gitconfig": TOOL_CONFIG,
    "git_credentials": TOOL_CONFIG,
    "netrc": TOOL_CONFIG,
    "docker_config": TOOL_CONFIG,
    "kubeconfig": TOOL_CONFIG,
    "npmrc": TOOL_CONFIG,
    "pypirc": TOOL_CONFIG,
    "cargo_credentials": TOOL_CONFIG,
    "maven_settings": TOOL_CONFIG,
    "gradle_properties": TOOL_CONFIG,
    "gh_hosts": TOOL_CONFIG,
    "vscode_settings": TOOL_CONFIG,
    "gcp_service_account": TOOL_CONFIG,
    "notes": NOTES,
    "jupyter": CODE,
}


def location_kind(file_kind: str) -> str:
    return _BY_KIND.get(file_kind, CODE)


def describe_file_kind(file_kind: str) -> str:
    """A short human label: "zsh_history" → "zsh history"."""
    return file_kind.replace("_", " ")
