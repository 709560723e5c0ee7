"""Helpers shared by the desktop tests: token files in a fake home, waiting on the event loop."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from tests.tokens import TokenFactory


def write_tokens(home: Path, seed: int = 11) -> dict[str, str]:
    """A small realistic home: a .env, a shell history and notes holding fake tokens."""
    gen = TokenFactory(seed=seed)
    values = {
        "github": gen.github("ghp"),
        "npm": gen.npm(),
        "slack": gen.slack("bot"),
        "openai": gen.openai(),
    }
    project = home / "projects" / "shop"
    project.mkdir(parents=True, exist_ok=True)
    (project / ".env").write_text(
        f"DEBUG=1\nGITHUB_TOKEN={values['github']}\nSLACK_BOT_TOKEN={values['slack']}\n"
    )
    (home / ".bash_history").write_text(
        f"ls -la\nnpm config set //registry.npmjs.org/:_authToken {values['npm']}\n"
        f"export OPENAI_API_KEY={values['openai']}\ngit status\n"
    )
    return values


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0, step: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    app = QApplication.instance()
    while time.monotonic() < deadline:
        if app is not None:
            app.processEvents()
        if predicate():
            return True
        time.sleep(step)
    return predicate()
