"""Desktop start-up and idle memory.

* start-up: from launching the process to the main window painted with 1,000 credentials in the
  table (goal < 1.5 s);
* idle RSS of the tray process (started as at login, monitoring on) once settled (goal < 150 MB).

The inventory is real: 1,000 distinct fake tokens are written into .env files in a throw-away home
and recorded with the engine, exactly as a scan does. Run:

    python bench/bench_startup.py                 # offscreen Qt (no display needed)
    bash tests/dev-session.sh python bench/bench_startup.py   # on Xvfb with a real tray
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CREDENTIALS = 1000

CHILD = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
mode = sys.argv[1]
QApplication.setApplicationName("Stowaway")
app = QApplication(sys.argv[:1])
app.setQuitOnLastWindowClosed(False)
from desktop.controller import Controller
from desktop.services import Services
ctl = Controller(Services(), start_in_tray=(mode == "tray"))
window = ctl.window

class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and window.model.rowCount() >= CREDENTIALS_WANTED:
            print("painted", flush=True)
            window.removeEventFilter(self)
            QTimer.singleShot(0, ctl.quit)
        return False

if mode == "window":
    spy = Painted()
    window.installEventFilter(spy)
    window.inventory.table.viewport().installEventFilter(spy)
    window.tabs.setCurrentIndex(1)
ctl.start()
if mode == "window":
    window.tabs.setCurrentIndex(1)
    window.model.modelReset.connect(lambda: window.inventory.table.viewport().update())
else:
    QTimer.singleShot(1000, lambda: print("ready", flush=True))
app.exec()
ctl.shutdown()
""".replace("CREDENTIALS_WANTED", str(CREDENTIALS))


def make_home(base: Path) -> dict[str, str]:
    home = base / "home"
    env = dict(os.environ)
    env["HOME"] = str(home)
    for var, rel in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        (home / rel).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / rel)
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
    return env


def populate(env: dict[str, str]) -> float:
    """Write 1,000 tokens and record them with a real scan (in a child with that HOME)."""
    script = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.tokens import TokenFactory
from scanner import settings
from scanner.inventory import Inventory
from scanner.recording import record_scan
from scanner.scan import Engine
home = Path.home()
gen = TokenFactory(seed=2024)
for p in range(50):
    folder = home / "src" / f"project{p:02d}"
    folder.mkdir(parents=True)
    lines = [f"TOKEN_{i}={gen.github('ghp')}" for i in range(20)]
    (folder / ".env").write_text("\n".join(lines) + "\n")
settings.update(first_run_done=True, monitoring_enabled=True)
with Inventory.open() as inv:
    record_scan(Engine(), inv, [home / "src"])
    print(len(inv.credentials()))
"""
    out = subprocess.run(
        [sys.executable, "-c", script, str(ROOT)], env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(f"could not build the inventory:\n{out.stderr}")
    return float(out.stdout.strip().splitlines()[-1])


def _child(mode: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """The desktop app in ``mode`` (window | tray), its stdout a pipe for the ready line."""
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, mode],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def startup(env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = _child("window", env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    proc.terminate()  # measured; no need to wait for a clean shutdown
    proc.wait(30)
    if "painted" not in line:
        raise SystemExit("the window never painted its rows")
    return elapsed


def idle_rss(env: dict[str, str], settle: float) -> float:
    proc = _child("tray", env)
    try:
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(settle)
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise SystemExit("no VmRSS (Linux only)")
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--settle", type=float, default=5.0, help="idle seconds before reading RSS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stowaway-bench-") as tmp:
        env = make_home(Path(tmp))
        count = populate(env)
        times = [startup(env) for _ in range(args.runs)]
        rss = idle_rss(env, args.settle)
    platform = env["QT_QPA_PLATFORM"]
    print(f"credentials in inventory: {count:.0f}  (Qt platform: {platform})")
    print(
        f"start-up to painted window: median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s, max {max(times):.2f} s over {len(times)} runs (goal < 1.5 s)"
    )
    print(f"tray process idle RSS after {args.settle:.0f} s: {rss:.0f} MB (goal < 150 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
