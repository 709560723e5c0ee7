"""Where personal secrets live, per OS, and what a file is (its kind).

Data-driven: shell histories (honouring ``$HISTFILE``), ~40 CLI credential/config files and
folders, notes folders (text-like files only) and code folders (``.env*`` files and ``.git/config``
remote URLs only). Default excludes keep caches, dependency trees, virtualenvs, VCS object stores
and build output out of every walk.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath

import platformdirs


@dataclass(frozen=True)
class Location:
    path: Path
    kind: str  # "history" | "credentials" | "notes" | "code"
    recursive: bool
    known_credential_file: bool


# --- file kinds -------------------------------------------------------------------------------

HISTORY_NAMES = {
    ".bash_history": "bash_history",
    ".sh_history": "bash_history",
    ".history": "bash_history",
    ".zsh_history": "zsh_history",
    ".zhistory": "zsh_history",
    ".histfile": "zsh_history",
    "fish_history": "fish_history",
    "ConsoleHost_history.txt": "powershell_history",
}
EXACT_NAMES = {
    ".netrc": "netrc",
    "_netrc": "netrc",
    ".git-credentials": "git_credentials",
    ".gitconfig": "gitconfig",
    ".npmrc": "npmrc",
    ".pypirc": "pypirc",
    "gradle.properties": "gradle_properties",
    ".bashrc": "shell_rc",
    ".bash_profile": "shell_rc",
    ".profile": "shell_rc",
    ".zshrc": "shell_rc",
    ".zshenv": "shell_rc",
    ".zprofile": "shell_rc",
    "config.fish": "shell_rc",
    "Microsoft.PowerShell_profile.ps1": "shell_rc",
    ".databrickscfg": "ini",
    ".s3cfg": "ini",
    ".my.cnf": "ini",
    ".pgpass": "text",
    ".vault-token": "text",
    ".sentryclirc": "ini",
}
SUFFIX_PATHS = {  # path endings (POSIX separators) -> kind
    ".aws/credentials": "aws_credentials",
    ".aws/config": "aws_config",
    ".git/config": "gitconfig",
    "git/config": "gitconfig",
    "git/credentials": "git_credentials",
    ".docker/config.json": "docker_config",
    ".kube/config": "kubeconfig",
    ".cargo/credentials": "cargo_credentials",
    ".cargo/credentials.toml": "cargo_credentials",
    ".m2/settings.xml": "maven_settings",
    "gh/hosts.yml": "gh_hosts",
    "Code/User/settings.json": "vscode_settings",
    "pnpm/auth.ini": "npmrc",
    "application_default_credentials.json": "gcp_service_account",
}
EXTENSIONS = {
    ".ipynb": "jupyter",
    ".md": "notes",
    ".markdown": "notes",
    ".txt": "notes",
    ".org": "notes",
    ".rst": "notes",
    ".text": "notes",
    ".note": "notes",
    ".adoc": "notes",
    ".ini": "ini",
    ".cfg": "ini",
    ".conf": "ini",
    ".properties": "gradle_properties",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".xml": "xml",
    ".env": "dotenv",
    ".sh": "shell_rc",
    ".bash": "shell_rc",
    ".zsh": "shell_rc",
    ".ps1": "shell_rc",
}
CREDENTIAL_KINDS = frozenset(
    {
        "aws_credentials", "aws_config", "git_credentials", "netrc", "docker_config",
        "kubeconfig", "npmrc", "pypirc", "cargo_credentials", "maven_settings",
        "gradle_properties", "gh_hosts", "gcp_service_account", "bash_history", "zsh_history",
        "fish_history", "powershell_history",
    }
)  # fmt: skip


def is_dotenv_name(name: str) -> bool:
    return name == ".env" or name.startswith(".env.") or name.endswith(".env")


def file_kind_for(path: str | PurePath) -> str:
    """The kind of a file, from its path only (cheap; no I/O)."""
    text = str(path).replace("\\", "/")
    name = text.rsplit("/", 1)[-1]
    histfile = os.environ.get("HISTFILE")
    if histfile and text == histfile:
        return (
            "zsh_history"
            if "zsh" in name or "zsh" in os.environ.get("SHELL", "")
            else (HISTORY_NAMES.get(name, "bash_history"))
        )
    if name in HISTORY_NAMES:
        return HISTORY_NAMES[name]
    for suffix, kind in SUFFIX_PATHS.items():
        if text.endswith("/" + suffix) or text == suffix:
            return kind
    if name in EXACT_NAMES:
        return EXACT_NAMES[name]
    if is_dotenv_name(name):
        return "dotenv"
    if "kubeconfig" in name.lower():
        return "kubeconfig"
    dot = name.rfind(".")
    if dot > 0:
        return EXTENSIONS.get(name[dot:].lower(), "text")
    return "text"


def is_credential_kind(kind: str) -> bool:
    return kind in CREDENTIAL_KINDS


# --- excludes ---------------------------------------------------------------------------------

EXCLUDED_DIR_NAMES = frozenset(
    {
        "node_modules", "bower_components", ".venv", "venv", "site-packages", "dist-packages",
        "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
        ".cache", "Caches", ".npm", ".pnpm-store", ".yarn", ".gradle", ".m2", ".rustup",
        ".cargo", ".terraform", ".next", ".nuxt", ".parcel-cache", ".svelte-kit", "target",
        "build", "dist", ".eggs", ".Trash", "Trash", ".vscode-server", ".ipynb_checkpoints",
        ".svn", ".git", ".hg", "Temp",
        # language toolchains and their package stores: installed code, not a person's files
        ".pyenv", ".rbenv", ".nodenv", ".nvm", ".asdf", ".sdkman", ".conda", "miniconda3",
        "anaconda3", "virtualenvs",
    }
)  # fmt: skip
# Inside an excluded folder, only these relative paths are still scanned.
KEEP_INSIDE: dict[str, tuple[str, ...]] = {
    ".git": ("config",),
    ".hg": ("hgrc",),
    ".cache": ("huggingface/token",),
    ".cargo": ("credentials", "credentials.toml"),
    ".m2": ("settings.xml", "settings-security.xml"),
    ".gradle": ("gradle.properties",),
    ".yarn": (),
    ".terraform": (),
}
EXCLUDED_EXTENSIONS = frozenset(
    {
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".icns", ".webp", ".tif", ".tiff", ".psd",
        ".heic", ".svgz", ".mp3", ".mp4", ".m4a", ".mkv", ".mov", ".avi", ".wav", ".flac", ".ogg",
        ".webm", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".zst", ".lz4", ".jar",
        ".war", ".class", ".so", ".dylib", ".dll", ".exe", ".o", ".a", ".lib", ".obj", ".pyc",
        ".pyo", ".pyd", ".whl", ".iso", ".img", ".dmg", ".deb", ".rpm", ".pdf", ".woff", ".woff2",
        ".ttf", ".otf", ".eot", ".sqlite", ".sqlite3", ".db", ".bin", ".dat", ".pack", ".idx",
        ".parquet", ".npy", ".npz", ".pt", ".pth", ".onnx", ".h5", ".ckpt", ".safetensors", ".pkl",
        ".wasm", ".DS_Store", ".xcf", ".blend", ".docx", ".xlsx", ".pptx", ".odt", ".ods",
    }
)  # fmt: skip
NOTE_EXTENSIONS = frozenset(
    {
        ".txt", ".md", ".markdown", ".org", ".rst", ".text", ".note", ".notes", ".adoc", ".csv",
        ".tsv", ".json", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".env", ".ipynb",
        ".sh", ".bash", ".zsh", ".ps1", ".xml", ".properties", ".http", ".rest",
    }
)  # fmt: skip
CODE_FILE_NAMES = frozenset({".npmrc", ".pypirc", ".netrc", ".git-credentials"})


def excluded_extension(name: str) -> bool:
    dot = name.rfind(".")
    return dot >= 0 and name[dot:].lower() in EXCLUDED_EXTENSIONS


def wanted_in(location_kind: str, name: str, parent_name: str) -> bool:
    """Does a walk of a location of this kind scan a file with this name?"""
    if location_kind == "notes":
        dot = name.rfind(".")
        return (dot >= 0 and name[dot:].lower() in NOTE_EXTENSIONS) or is_dotenv_name(name)
    if location_kind == "code":
        return (
            is_dotenv_name(name)
            or name in CODE_FILE_NAMES
            or name.endswith(".ipynb")
            or (name == "config" and parent_name == ".git")
        )
    return True


# --- personal locations -----------------------------------------------------------------------

CREDENTIAL_FILES = (
    ".aws/credentials", ".aws/config", ".config/gh/hosts.yml", ".git-credentials",
    ".config/git/credentials", ".gitconfig", ".config/git/config", ".netrc", "_netrc",
    ".docker/config.json", ".kube/config", ".npmrc", ".config/pnpm/auth.ini", ".yarnrc.yml",
    ".yarnrc", ".pypirc", ".config/pip/pip.conf", ".pip/pip.conf", ".cargo/credentials.toml",
    ".cargo/credentials", ".terraform.d/credentials.tfrc.json", ".terraformrc", ".vault-token",
    ".config/hub", ".config/glab-cli/config.yml", ".gradle/gradle.properties", ".m2/settings.xml",
    ".m2/settings-security.xml", ".databrickscfg", ".cache/huggingface/token",
    ".huggingface/token", ".kaggle/kaggle.json", ".config/stripe/config.toml",
    ".config/ngrok/ngrok.yml", ".ngrok2/ngrok.yml", ".config/com.vercel.cli/auth.json",
    ".local/share/com.vercel.cli/auth.json", ".pulumi/credentials.json", ".sentryclirc",
    ".my.cnf", ".pgpass", ".s3cfg", ".okta/okta.yaml", ".doppler/.doppler.yaml",
    ".circleci/cli.yml", ".config/hcloud/cli.toml", ".fly/config.yml", ".heroku/credentials",
    ".config/configstore/firebase-tools.json", ".config/doctl/config.yaml", ".boto",
    ".config/rclone/rclone.conf", ".config/Code/User/settings.json",
    ".config/openai/config.json", ".config/anthropic/config.json", ".bashrc", ".bash_profile",
    ".profile", ".zshrc", ".zshenv", ".zprofile", ".config/fish/config.fish",
)  # fmt: skip
CREDENTIAL_DIRS = (".config/gcloud", ".azure", ".config/op", ".ssh")
HISTORY_FILES = (
    ".bash_history", ".zsh_history", ".zhistory", ".histfile", ".sh_history",
    ".local/share/fish/fish_history", ".local/share/powershell/PSReadLine/ConsoleHost_history.txt",
)  # fmt: skip
NOTES_DIRS = (
    "Documents", "Notes", "notes", "Desktop", "Downloads", "Obsidian",
    # synced folders: a copy there is also on the provider's servers and every synced device
    "Dropbox", "OneDrive", "Google Drive", "GoogleDrive", "Nextcloud", "ownCloud",
    "pCloud Drive", "Sync", "Library/Mobile Documents/com~apple~CloudDocs",
    "Library/CloudStorage",
)  # fmt: skip
CODE_DIRS = (
    "src", "code", "Code", "projects", "Projects", "dev", "Developer", "work", "git", "repos",
    "workspace", "Workspace", "go/src", "source", "Sites",
)  # fmt: skip


def _os_extras(home: Path) -> list[Location]:
    extras: list[Location] = []
    if sys.platform == "darwin":
        support = home / "Library" / "Application Support"
        for rel in ("Code/User/settings.json", "com.vercel.cli/auth.json", "gh/hosts.yml"):
            extras.append(Location(support / rel, "credentials", False, True))
    elif sys.platform == "win32":
        appdata = Path(os.environ.get("APPDATA", str(home / "AppData" / "Roaming")))
        extras.append(
            Location(
                appdata / "Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt",
                "history",
                False,
                True,
            )
        )
        for rel in ("Code/User/settings.json", "gcloud", "GitHub CLI/hosts.yml", "npm/etc/npmrc"):
            extras.append(Location(appdata / rel, "credentials", rel == "gcloud", True))
    config = Path(platformdirs.user_config_dir())
    if config != home / ".config":  # XDG_CONFIG_HOME moved, or macOS/Windows layout
        for rel in ("gh/hosts.yml", "git/credentials", "pnpm/auth.ini", "hub", "gcloud"):
            extras.append(Location(config / rel, "credentials", rel == "gcloud", True))
    return extras


def personal_locations(home: Path | None = None) -> list[Location]:
    """Every place Stowaway looks by default, existing or not (the walk skips missing ones)."""
    home = home or Path(os.path.expanduser("~"))
    found: list[Location] = []
    histfile = os.environ.get("HISTFILE")
    if histfile:
        found.append(Location(Path(histfile).expanduser(), "history", False, True))
    found += [Location(home / rel, "history", False, True) for rel in HISTORY_FILES]
    found += [Location(home / rel, "credentials", False, True) for rel in CREDENTIAL_FILES]
    found += [Location(home / rel, "credentials", True, True) for rel in CREDENTIAL_DIRS]
    found += _os_extras(home)
    found += [Location(home / rel, "notes", True, False) for rel in NOTES_DIRS]
    found += [Location(home / rel, "code", True, False) for rel in CODE_DIRS]
    seen: set[Path] = set()
    unique = []
    for loc in found:
        if loc.path not in seen:
            seen.add(loc.path)
            unique.append(loc)
    return unique


def watch_roots(home: Path | None = None) -> list[Path]:
    """Folders a watcher should watch: parents of single files, plus notes/code folders."""
    roots: set[Path] = set()
    for loc in personal_locations(home):
        roots.add(loc.path if loc.recursive else loc.path.parent)
    return sorted(r for r in roots if r.is_dir())
