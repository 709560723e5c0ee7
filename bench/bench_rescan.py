"""No-change rescan cost: an incremental rescan of the benchmark home vs. a full recorded scan.

    python bench/bench_rescan.py [--size 300M] [--seed 7] [--repeat 3]

Uses the generated home from ``bench/gen_home.py`` (cached in ``bench/.cache``) and a throw-away
inventory (XDG dirs in a temporary folder). Prints one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="300M")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    from bench.gen_home import corpus, parse_size

    home, _labels = corpus(parse_size(args.size), args.seed)
    with tempfile.TemporaryDirectory(prefix="stowaway-bench-") as tmp:
        for var, rel in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                         ("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache")):  # fmt: skip
            os.environ[var] = os.path.join(tmp, rel)
        from scanner.inventory import Inventory
        from scanner.recording import record_scan, scan_incremental
        from scanner.scan import Engine, ScanOptions

        engine = Engine(options=ScanOptions(use_ignore_file=False))
        roots = [home]
        with Inventory.open() as inv:
            t0 = time.perf_counter()
            result, events = record_scan(engine, inv, roots)
            full = time.perf_counter() - t0
            rescans = []
            scanned = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                inc = scan_incremental(engine, inv, roots)
                rescans.append(time.perf_counter() - t0)
                scanned.append(inc.files_scanned)
            # one changed file: the rescan reads exactly that one
            victim = next(p for p in home.rglob("*.md") if p.is_file())
            os.utime(victim)
            t0 = time.perf_counter()
            one = scan_incremental(engine, inv, roots)
            one_s = time.perf_counter() - t0
    rescan = statistics.median(rescans)
    figures = {
        "home": str(home),
        "size": args.size,
        "files_in_full_scan": result.files_scanned,
        "bytes_in_full_scan": result.bytes_scanned,
        "findings": len(result.findings),
        "inventory_events": len(events),
        "full_scan_recorded_s": round(full, 3),
        "engine_scan_s": round(result.duration_s, 3),
        "nochange_rescan_s_median": round(rescan, 3),
        "nochange_rescan_files_read": scanned,
        "nochange_ratio_pct": round(100 * rescan / full, 2),
        "one_file_changed_rescan_s": round(one_s, 3),
        "one_file_changed_files_read": one.files_scanned,
    }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
