#!/usr/bin/env python3
"""What tagging (PDF/UA-1 structure) costs: the default guide rendered with and without it.

Two measures, each the median of interleaved runs (tagged, untagged, tagged, ...):
- render: ``guide.layout.render`` in one process, content already loaded (the strict
  measure: layout and writing only, so tagging's share is as large as it can look), as wall
  time and as CPU time (steadier when other work shares the machine);
- process: a fresh Python process that imports, loads the content, renders and writes the file,
  as ``build_guide.py`` does (what a user waits for).

Usage: bench/bench_tagging.py [--runs N] [--edition default|large-print]
The budget (issue 8): tagging may not make the build more than 25% slower.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET = 1.25
PROCESS = """
import sys, tempfile
sys.path.insert(0, {root!r})
from guide.build import load, select_sections
from guide.layout import render
from guide.content import BuildOptions
from guide.pdf import atomic_write
from guide.layout import make_theme
options = BuildOptions(large_print={large})
guide = load()
theme = make_theme(guide.brand, options.paper, options.large_print, cmyk=options.cmyk)
pdf, _ = render(guide, theme, options, tagged={tagged})
atomic_write(tempfile.gettempdir() + "/bench-tagging.pdf", pdf)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--edition", choices=("default", "large-print"), default="default")
    ns = ap.parse_args()
    large = ns.edition == "large-print"

    from guide.build import load
    from guide.layout import render
    from guide.content import BuildOptions
    from guide.layout import make_theme

    options = BuildOptions(large_print=large)
    guide = load()
    theme = make_theme(guide.brand, options.paper, options.large_print, cmyk=options.cmyk)
    sizes = {}
    for tagged in (True, False):  # warm up both paths
        sizes[tagged] = len(render(guide, theme, options, tagged=tagged)[0])
    times: dict[bool, list[float]] = {True: [], False: []}
    cpu: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(ns.runs):
        for tagged in (True, False):
            t0, c0 = time.perf_counter(), time.process_time()
            render(guide, theme, options, tagged=tagged)
            times[tagged].append(time.perf_counter() - t0)
            cpu[tagged].append(time.process_time() - c0)
    report("render", times, ns.runs)
    report("cpu", cpu, ns.runs)  # the render's CPU time: steadier than wall time on a busy machine

    procs: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(ns.runs):
        for tagged in (True, False):
            code = PROCESS.format(root=str(ROOT), large=large, tagged=tagged)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
            procs[tagged].append(time.perf_counter() - t0)
    ratio = report("process", procs, ns.runs)
    print(f"file size: tagged {sizes[True] / 1024:.0f} KB, untagged {sizes[False] / 1024:.0f} KB")
    print(f"budget: tagged/untagged at most {BUDGET:.2f} ({'within' if ratio <= BUDGET else 'OVER'} for a whole build)")


def report(label: str, times: dict[bool, list[float]], runs: int) -> float:
    tagged, plain = statistics.median(times[True]), statistics.median(times[False])
    ratio = tagged / plain
    print(f"{label:8s} median over {runs} runs: tagged {tagged * 1000:.0f} ms, untagged {plain * 1000:.0f} ms, "
          f"ratio {ratio:.3f} (+{(tagged - plain) * 1000:.0f} ms)")
    return ratio


if __name__ == "__main__":
    main()
