#!/usr/bin/env python3
"""Whole-process build benchmark: median wall time and peak memory of `build_guide.py` runs.

Usage: bench/bench_build.py [--runs N] [-- extra build options, e.g. --large-print]
Prints one line per edition measured; compare medians (and ratios) rather than single runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

EDITIONS = {
    "default": [],
    "large-print": ["--large-print"],
    "three-sections": ["--sections", "symptoms,chemotherapy,next-steps"],
    "large-print-a4-three-sections": ["--large-print", "--paper", "a4", "--sections", "symptoms,chemotherapy,next-steps"],
}


def run_once(args: list[str], out: Path) -> tuple[float, float]:
    """Wall seconds and the child's peak RSS in MB for one build."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build_guide.py"), *args, "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--editions", default=",".join(EDITIONS), help="comma-separated: " + ", ".join(EDITIONS))
    ns = ap.parse_args()
    baseline = None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.pdf"
        # the interpreter and ReportLab import alone, for scale
        imp = [time.perf_counter()]
        for _ in range(ns.runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import reportlab.platypus"], check=True, cwd=ROOT)
            imp.append(time.perf_counter() - t0)
        import_median = statistics.median(imp[1:])
        print(f"python + import reportlab.platypus: median {import_median * 1000:.0f} ms over {ns.runs} runs")
        for name in ns.editions.split(","):
            args = EDITIONS[name]
            run_once(args, out)  # warm the file cache
            walls, peaks = [], []
            for _ in range(ns.runs):
                wall, _ = run_once(args, out)
                walls.append(wall)
            # peak RSS: measure in a fresh process tree so earlier runs don't mask it
            peak = subprocess.run(
                [sys.executable, "-c",
                 "import resource,subprocess,sys;"
                 f"subprocess.run([sys.executable, {str(ROOT / 'build_guide.py')!r}, *{args!r}, '--out', {str(out)!r}],"
                 "check=True, stdout=subprocess.DEVNULL);"
                 "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"],
                check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()
            med = statistics.median(walls)
            baseline = baseline or med
            pages = os.path.getsize(out)
            print(f"{name:32s} median {med * 1000:6.0f} ms  (min {min(walls) * 1000:.0f}, max {max(walls) * 1000:.0f}, "
                  f"{ns.runs} runs)  ratio to default {med / baseline:.2f}  peak RSS {int(peak) / 1024:.0f} MB  "
                  f"size {pages / 1024:.0f} KB")


if __name__ == "__main__":
    main()
