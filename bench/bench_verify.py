#!/usr/bin/env python3
"""Verify benchmark: how long `verify` takes on the default guide, in-process and as a whole process.

Usage: bench/bench_verify.py [--runs N] [-- extra edition options, e.g. --large-print]
Builds the edition once into a temp folder, then prints the median (and min/max) of N runs of:
  in-process verify_pdf  - the checks alone (content already loaded, PDF bytes in memory)
  in-process load+verify - loading the content too, as the command does
  whole process          - `python build_guide.py verify PDF`, start-up and imports included
Each line gives wall time and CPU time: on a shared machine the wall time grows with the load,
the CPU time much less, so compare CPU medians between machines and runs.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu() -> float:
    """CPU seconds of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, runs: int) -> tuple[list[float], list[float]]:
    wall, used = [], []
    for _ in range(runs):
        start, c0 = time.perf_counter(), cpu()
        fn()
        wall.append(time.perf_counter() - start)
        used.append(cpu() - c0)
    return wall, used


def line(label: str, samples: tuple[list[float], list[float]]) -> str:
    wall, used = samples
    return (f"{label:<24} wall median {statistics.median(wall) * 1000:6.0f} ms "
            f"(min {min(wall) * 1000:4.0f}, max {max(wall) * 1000:4.0f})   "
            f"CPU median {statistics.median(used) * 1000:6.0f} ms   ({len(wall)} runs)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("edition", nargs=argparse.REMAINDER, help="edition options after --")
    args = ap.parse_args()
    edition = [a for a in args.edition if a != "--"]

    from guide.build import load
    from guide.cli import parser
    from guide.verify import verify_pdf

    with tempfile.TemporaryDirectory() as tmp:
        pdf_path = Path(tmp) / "guide.pdf"
        subprocess.run([sys.executable, str(ROOT / "build_guide.py"), *edition, "--out", str(pdf_path)],
                       check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        pdf = pdf_path.read_bytes()
        ns = parser("verify").parse_args(["verify", str(pdf_path), *edition])
        from guide.cli._common import edition_options as _options

        options = _options(ns)
        guide = load(ROOT / "content")
        report = verify_pdf(pdf, guide, options)
        if not report.ok:
            print("\n".join(report.lines()))
            print("the built PDF does not verify; nothing measured", file=sys.stderr)
            return 1
        pages = report["file"].detail
        print(f"edition: {' '.join(edition) or 'default'} ({pages})")
        print(line("in-process verify_pdf", timed(lambda: verify_pdf(pdf, guide, options), args.runs)))
        print(line("in-process load+verify",
                   timed(lambda: verify_pdf(pdf, load(ROOT / "content"), options), args.runs)))
        cmd = [sys.executable, str(ROOT / "build_guide.py"), "verify", str(pdf_path), *edition]

        def whole() -> None:
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)

        print(line("whole process", timed(whole, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
