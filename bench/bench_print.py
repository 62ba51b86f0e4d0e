#!/usr/bin/env python3
"""Print-shop benchmark: what the booklet and the shop file of the default guide cost against the default build.

Usage: bench/bench_print.py [--runs N] [--rounds N] [--ours DIR ...]
In-process medians, content loaded once: the booklet (planned, padded, rendered once and imposed on its
sheets as ReportLab writes them), the shop file, and one plain render; then, interleaved round by round
so the machine's load falls on each alike, whole processes of `build_guide.py` (default),
`--print booklet` and `--print shop`, with their medians and the ratios to the default build (issue 20's
goal: <= 1.2 each). --ours DIR (repeatable) adds another checkout's three builds (e.g. an export of an
older commit, run with this interpreter) to the same rounds, so before and after are measured side by side.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _rounds import compile_tree, interleaved, line, load_average, ratio, timed  # noqa: E402

from guide.build import load, render_guide  # noqa: E402
from guide.content import BuildOptions  # noqa: E402
from guide.layout import make_theme, render  # noqa: E402

BUILDS = {"default": [], "--print booklet": ["--print", "booklet"], "--print shop": ["--print", "shop"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=11, help="interleaved whole-process rounds")
    ap.add_argument("--ours", type=Path, action="append", default=[], help="another checkout to time beside this one")
    ns = ap.parse_args()
    guide = load()

    booklet = BuildOptions(print_mode="booklet")
    render_guide(guide, booklet)  # warm up (fonts, imports)
    pdf, sides = render_guide(guide, booklet)
    print(f"booklet: {sides} sheet sides, {len(pdf) / 1024:.0f} KB")
    print(line("in-process booklet", timed(lambda: render_guide(guide, booklet), ns.runs)))
    shop = BuildOptions(print_mode="shop")
    render_guide(guide, shop)
    print(line("in-process shop", timed(lambda: render_guide(guide, shop), ns.runs)))
    theme = make_theme(guide.brand)
    render(guide, theme, BuildOptions())
    print(line("in-process one render", timed(lambda: render(guide, theme, BuildOptions()), ns.runs)))

    with tempfile.TemporaryDirectory() as tmp:
        commands: dict[str, list[str]] = {}
        for k, root in enumerate([ROOT, *ns.ours]):
            compile_tree(root)
            tag = "" if k == 0 else f" [{root.name}]"
            for name, args in BUILDS.items():
                out = Path(tmp) / f"{k}-{name.strip('-').replace(' ', '-')}.pdf"
                commands[name + tag] = [sys.executable, str(root.resolve() / "build_guide.py"), *args, "--out", str(out)]
        print(f"load: {load_average()}")
        samples = interleaved(commands, ns.rounds)
        print(f"load: {load_average()}")
    for name, sample in samples.items():
        print(line(name, sample))
    for k, root in enumerate([ROOT, *ns.ours]):
        tag = "" if k == 0 else f" [{root.name}]"
        base = samples["default" + tag]
        for name in ("--print booklet", "--print shop"):
            s = samples[name + tag]
            print(f"ratio {name}{tag} / default{tag}: wall {ratio(s[0], base[0]):.2f}, CPU {ratio(s[1], base[1]):.2f}")


if __name__ == "__main__":
    main()
