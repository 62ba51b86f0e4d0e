#!/usr/bin/env python3
"""Print-shop benchmark: median time to produce the booklet (and the shop file) of the default guide.

Usage: bench/bench_print.py [--runs N]
In-process timings, content loaded once: what each step of `--print booklet` costs
(render, re-render with padding, impose), plus the whole `build_guide.py --print booklet`
process for scale.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guide.build import load, render_guide  # noqa: E402
from guide.layout import render  # noqa: E402
from guide.content import BuildOptions  # noqa: E402
from guide.pdf import add_bleed_and_marks, impose_booklet  # noqa: E402
from guide.layout import BLEED, make_theme  # noqa: E402


def median_ms(fn, runs: int) -> tuple[float, object]:
    fn()  # warm up (fonts, imports)
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    ns = ap.parse_args()
    guide = load()
    booklet = BuildOptions(print_mode="booklet")

    ms, (pdf, sides) = median_ms(lambda: render_guide(guide, booklet), ns.runs)
    print(f"booklet of the default guide (render, pad, impose): median {ms:.0f} ms over {ns.runs} runs, "
          f"{sides} sheet sides, {len(pdf) / 1024:.0f} KB")
    ms, _ = median_ms(lambda: render_guide(guide, BuildOptions(print_mode="shop")), ns.runs)
    print(f"shop file of the default guide (render, pad, bleed and marks): median {ms:.0f} ms")

    # the steps on their own
    theme = make_theme(guide.brand)
    ms, (plain, pages) = median_ms(lambda: render(guide, theme, BuildOptions()), ns.runs)
    print(f"  one render ({pages} pages): median {ms:.0f} ms")
    padded_opts = replace(booklet, notes_pages=(-pages) % 4)
    _, (padded, _) = median_ms(lambda: render(guide, theme, padded_opts), 1)
    ms, _ = median_ms(lambda: impose_booklet(padded), ns.runs)
    print(f"  imposition alone ({pages + (-pages) % 4} pages onto sheets): median {ms:.0f} ms")
    bleed_theme = make_theme(guide.brand, bleed=BLEED)
    _, (bled, _) = median_ms(lambda: render(guide, bleed_theme, padded_opts), 1)
    ms, _ = median_ms(lambda: add_bleed_and_marks(bled, BLEED), ns.runs)
    print(f"  boxes and crop marks alone: median {ms:.0f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "booklet.pdf"
        cmd = [sys.executable, str(ROOT / "build_guide.py"), "--print", "booklet", "--out", str(out)]
        ms, _ = median_ms(lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT),
                          max(3, ns.runs // 2))
        print(f"whole process `build_guide.py --print booklet`: median {ms:.0f} ms")


if __name__ == "__main__":
    main()
