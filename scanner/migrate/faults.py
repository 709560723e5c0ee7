"""Fault hooks for crash-safety tests (never fakes: the real process dies or the real write fails).

``STOWAWAY_FAULT_KILL_AT=step:n`` — SIGKILL this process at the n-th time step boundary ``step``
is passed (steps: begin, store, verify, store-undo, verify-undo, commit, write, mark; n counts
from 1).
``STOWAWAY_FAULT_FAIL_AT=step:n`` — raise ``OSError(ENOSPC)`` ("disk full") there instead.
Both are read at each call, so tests can set them in a subprocess environment.
"""

from __future__ import annotations

import errno
import os
import signal
from collections import Counter

KILL_ENV = "STOWAWAY_FAULT_KILL_AT"
FAIL_ENV = "STOWAWAY_FAULT_FAIL_AT"

_counts: Counter[str] = Counter()


def _target(env: str) -> tuple[str, int] | None:
    raw = os.environ.get(env, "").strip()
    if not raw:
        return None
    name, _, count = raw.partition(":")
    try:
        return name, int(count or "1")
    except ValueError:
        return name, 1


def checkpoint(step: str) -> None:
    """Called by the runner right after ``step`` completed."""
    _counts[step] += 1
    kill = _target(KILL_ENV)
    if kill and kill[0] == step and _counts[step] == kill[1]:
        os.kill(os.getpid(), signal.SIGKILL)


def before(step: str) -> None:
    """Called right before an I/O ``step``; may inject a disk-full error."""
    fail = _target(FAIL_ENV)
    if fail and fail[0] == step and _counts[f"before:{step}"] + 1 == fail[1]:
        _counts[f"before:{step}"] += 1
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    _counts[f"before:{step}"] += 1


def reset() -> None:
    _counts.clear()
