"""Watcher figures: save-to-event latency (p50/p95 over N saves), idle CPU, peak RSS.

    python bench/bench_watch.py [--saves 200] [--idle 60]

Runs the real watcher (inotify, default 0.2 s quiet period) on a throw-away home with a notes
folder; each save writes a fresh generated token into a note (alternating in-place writes and
editor-style atomic renames) and the latency is measured until the inventory event arrives.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _isolate(tmp: str) -> Path:
    home = Path(tmp) / "home"
    home.mkdir()
    os.environ["HOME"] = str(home)
    for var, rel in (("XDG_DATA_HOME", ".local/share"), ("XDG_CONFIG_HOME", ".config"),
                     ("XDG_STATE_HOME", ".local/state"), ("XDG_CACHE_HOME", ".cache")):  # fmt: skip
        (home / rel).mkdir(parents=True)
        os.environ[var] = str(home / rel)
    return home


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--saves", type=int, default=200)
    ap.add_argument("--idle", type=float, default=60.0, help="seconds of idle CPU measurement")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="stowaway-watch-bench-") as tmp:
        home = _isolate(tmp)
        from scanner.scan import Engine
        from scanner.watch import Watcher
        from tests.tokens import TokenFactory

        notes = home / "notes"
        notes.mkdir()
        for i in range(50):  # a realistic folder: some notes already there
            (notes / f"old{i}.md").write_text("meeting notes\n" * 200)
        gen = TokenFactory(seed=11)
        arrived: dict[str, float] = {}
        cv = threading.Condition()

        def on_event(event):  # type: ignore[no-untyped-def]
            with cv:
                if event.path and event.path not in arrived:
                    arrived[event.path] = time.perf_counter()
                cv.notify_all()

        watcher = Watcher(None, Engine(), on_event)
        watcher.start()
        assert watcher.wait_ready(60)
        latencies = []
        for i in range(args.saves):
            target = notes / f"save{i}.md"
            text = f"note {i}\ntoken {gen.github('ghp')}\n"
            t0 = time.perf_counter()
            if i % 2:
                tmp_file = notes / f".save{i}.md.swp"
                tmp_file.write_text(text)
                os.replace(tmp_file, target)
            else:
                target.write_text(text)
            with cv:
                ok = cv.wait_for(lambda t=str(target): t in arrived, timeout=10)
            if not ok:
                print(f"no event for save {i}", file=sys.stderr)
                continue
            latencies.append(arrived[str(target)] - t0)
        watcher.wait_idle(10)
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        wall0 = time.perf_counter()
        time.sleep(args.idle)
        usage1 = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.perf_counter() - wall0
        watcher.stop()
    cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    lat = sorted(latencies)
    figures = {
        "saves": args.saves,
        "events_received": len(lat),
        "latency_p50_s": round(statistics.median(lat), 3),
        "latency_p95_s": round(lat[int(0.95 * (len(lat) - 1))], 3),
        "latency_max_s": round(lat[-1], 3),
        "quiet_period_s": 0.2,
        "idle_seconds": round(wall, 1),
        "idle_cpu_pct": round(100 * cpu / wall, 3),
        "peak_rss_mb": round(usage1.ru_maxrss / 1024, 1),
    }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
