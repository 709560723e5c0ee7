"""Personal locations and file kinds; a personal scan of a realistic fake home."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from scanner.locations import file_kind_for, personal_locations, watch_roots
from scanner.rules import default_rules
from tests import tokens
from tests.test_engine_core import make_engine


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/h/.bash_history", "bash_history"),
        ("/h/.zsh_history", "zsh_history"),
        ("/h/.local/share/fish/fish_history", "fish_history"),
        ("/h/.local/share/powershell/PSReadLine/ConsoleHost_history.txt", "powershell_history"),
        ("/h/src/app/.env.local", "dotenv"),
        ("/h/src/app/prod.env", "dotenv"),
        ("/h/.aws/credentials", "aws_credentials"),
        ("/h/.aws/config", "aws_config"),
        ("/h/.gitconfig", "gitconfig"),
        ("/h/src/app/.git/config", "gitconfig"),
        ("/h/.git-credentials", "git_credentials"),
        ("/h/.netrc", "netrc"),
        ("/h/.docker/config.json", "docker_config"),
        ("/h/.kube/config", "kubeconfig"),
        ("/h/.npmrc", "npmrc"),
        ("/h/.pypirc", "pypirc"),
        ("/h/.cargo/credentials.toml", "cargo_credentials"),
        ("/h/.m2/settings.xml", "maven_settings"),
        ("/h/.gradle/gradle.properties", "gradle_properties"),
        ("/h/.config/gh/hosts.yml", "gh_hosts"),
        ("/h/.config/Code/User/settings.json", "vscode_settings"),
        ("/h/Documents/analysis.ipynb", "jupyter"),
        ("/h/Notes/todo.md", "notes"),
        ("/h/.zshrc", "shell_rc"),
        ("/h/x.yaml", "yaml"),
        ("/h/x.toml", "toml"),
        ("/h/x.xml", "xml"),
        ("/h/x.json", "json"),
        ("/h/README", "text"),
    ],
)
def test_file_kind_for(path: str, kind: str) -> None:
    assert file_kind_for(path) == kind


def test_histfile_is_honoured(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    custom = home / "hist" / "my_zsh_hist"
    monkeypatch.setenv("HISTFILE", str(custom))
    monkeypatch.setenv("SHELL", "/bin/zsh")
    locations = personal_locations(home)
    assert locations[0].path == custom and locations[0].kind == "history"
    assert file_kind_for(str(custom)) == "zsh_history"
    paths = {loc.path for loc in locations}
    for rel in (".aws/credentials", ".docker/config.json", ".kube/config", ".pgpass", ".s3cfg"):
        assert home / rel in paths
    assert len([loc for loc in locations if loc.kind == "credentials"]) >= 40


def test_personal_scan_of_a_fake_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HISTFILE", raising=False)
    gen = tokens.TokenFactory(seed=11)
    docker_auth = base64.b64encode(f"me:{gen.github('ghp')}".encode()).decode()
    planted = {
        ".bash_history": f"ls\nexport GITHUB_TOKEN={gen.github('ghp')}\n",
        ".aws/credentials": f"[default]\naws_access_key_id = {gen.aws_access_key_id()}\n"
        f"aws_secret_access_key = {gen.aws_secret_access_key()}\n",
        "Documents/notes.md": f"slack bot: {gen.slack('bot')}\n",
        "src/app/.env": f"NPM_TOKEN={gen.npm()}\n",
        ".docker/config.json": json.dumps({"auths": {"ghcr.io": {"auth": docker_auth}}}),
    }
    ignored = {
        "src/app/node_modules/x/.env": f"NPM_TOKEN={gen.npm()}\n",
        "src/app/main.py": f"TOKEN = '{gen.github('ghp')}'\n",  # code folders: .env files only
        "Documents/photo.png": gen.github("ghp"),
    }
    for rel, body in {**planted, **ignored}.items():
        (home / rel).parent.mkdir(parents=True, exist_ok=True)
        (home / rel).write_text(body)
    engine = make_engine(default_rules())
    result = engine.scan(None)
    paths = {str(Path(f.path).relative_to(home)) for f in result.findings}
    assert paths == set(planted)
    assert home / "Documents" in watch_roots(home)
