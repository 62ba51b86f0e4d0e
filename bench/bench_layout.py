#!/usr/bin/env python3
"""Page quality per edition: pages, lines per page, fill, flagged pages (the layout report), and what the report costs.

Usage: bench/bench_layout.py [--runs N] [--pages]
For each edition: pages, body pages with three lines or fewer, body pages under half full (the last
before the back cover aside), the median fill of body pages, and the median time of one report
(a planning pass) next to one full build of the same edition in the same process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guide.build import render_guide  # noqa: E402
from guide.content import BuildOptions  # noqa: E402
from guide.layout import edition_report  # noqa: E402
from guide.layout import _passes  # noqa: E402
from guide.pdf import load_content  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ADVOCATE = ("symptoms", "chemotherapy", "next-steps")
EDITIONS = {
    "Letter": BuildOptions(),
    "Letter, large print": BuildOptions(large_print=True),
    "A4": BuildOptions(paper="a4"),
    "A4, large print": BuildOptions(paper="a4", large_print=True),
    "three sections, Letter": BuildOptions(sections=ADVOCATE),
    "three sections, A4 large print, named, note": BuildOptions(paper="a4", large_print=True, sections=ADVOCATE,
                                                                prepared_for="Ana María O'Neil",
                                                                note="Call me after your scan."),
}


def timed(fn) -> float:
    _passes.SEEDS.clear()  # a cold start each time: no page map remembered from the last run
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pages", action="store_true", help="print every page of every edition")
    args = ap.parse_args()
    guide = load_content(ROOT / "content")
    print(f"{'edition':46} pages  <=3 lines  <half  median fill   report ms  build ms  ratio")
    for name, options in EDITIONS.items():
        report = edition_report(guide, options, name)
        body = [p for p in report.pages if p.body]
        rep = [timed(lambda: edition_report(guide, options, name)) for _ in range(args.runs)]
        build = [timed(lambda: render_guide(guide, options)) for _ in range(args.runs)]
        r, b = statistics.median(rep) * 1000, statistics.median(build) * 1000
        print(f"{name:46} {len(report.pages):5}  {len(report.few_lines):9}  {len(report.under_half):5}  "
              f"{statistics.median(p.fill for p in body):11.0%}  {r:10.0f}  {b:8.0f}  {r / b:5.2f}")
        if args.pages:
            print("\n".join(report.lines_out()))


if __name__ == "__main__":
    main()
