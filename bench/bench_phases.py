#!/usr/bin/env python3
"""Where a default build's time goes, phase by phase, in one process (CPU medians of interleaved rounds).

Usage: bench/bench_phases.py [--runs N] [--large-print] [--paper a4]

Prints the first-use cost of each import group as a fresh process meets it (ReportLab's platypus, then
the guide's modules), then per round: load and validate the content, build the story, declare the
structure, the planning pass (places without drawing; its page count decides the spare Notes page),
the drawing pass with the save, and a whole render as a build makes it (story + planning + drawing).
Also counted: how many times ReportLab broke a paragraph's lines in one render (guide/layout/_para.py
keeps the lines per width, so a paragraph that is wrapped again reuses them).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--large-print", action="store_true")
    ap.add_argument("--paper", default="letter")
    ns = ap.parse_args()

    start = time.perf_counter()
    import reportlab.platypus  # noqa: F401 - the floor every build pays
    floor = time.perf_counter()
    from guide.content import BuildOptions
    from guide.layout import _document as doc_mod, make_theme
    from guide.layout._flowables import PassState
    from guide.layout._story import build_story
    from guide.pdf import load_content, render_guide
    from guide.tagging import canvas_maker, declare
    from reportlab.platypus import paragraph
    ours = time.perf_counter()
    print(f"imports: reportlab.platypus {1000 * (floor - start):.1f} ms, then the guide's {1000 * (ours - floor):.1f} ms")

    options = BuildOptions(paper=ns.paper, large_print=ns.large_print)
    guide = load_content()
    theme = make_theme(guide.brand, options.paper, options.large_print, cmyk=options.cmyk)
    render_guide(guide, options)  # warm: fonts registered, locale data read, lazy modules loaded

    broken = [0]
    plain = paragraph.Paragraph.breakLines

    def counted(self, width):
        broken[0] += 1
        return plain(self, width)

    phases: dict[str, list[float]] = {k: [] for k in
                                      ("load content", "story", "declare", "planning pass", "drawing pass + save",
                                       "render (as a build)")}
    clock = time.process_time
    for _ in range(ns.runs):
        s = clock(); load_content(); phases["load content"].append(clock() - s)
        state = PassState()
        s = clock(); story = build_story(guide, theme, options, state, spare_notes=1); phases["story"].append(clock() - s)
        doc = doc_mod.GuideDoc(io.BytesIO(), guide, theme, options, state)
        doc.watch(story)
        s = clock(); structure = declare(story, doc.tag_meta()); phases["declare"].append(clock() - s)
        s = clock()
        doc_mod.plan_pass(doc, [f for f in story if not getattr(f, "spare_notes", 0)], state)
        phases["planning pass"].append(clock() - s)
        keep = state.total % 2
        story[:] = [f for f in story if getattr(f, "spare_notes", 0) <= keep]
        doc_mod._drop_nodes([f for f in story if getattr(f, "spare_notes", 0) > keep])
        state.total += keep
        s = clock()
        with doc_mod.flate_only():
            doc.multiBuild(story, maxPasses=6, canvasmaker=canvas_maker(structure))
        phases["drawing pass + save"].append(clock() - s)
        doc_mod.SEEDS.clear(), doc_mod.SPARE.clear()
        paragraph.Paragraph.breakLines = counted
        broken[0] = 0
        s = clock(); render_guide(guide, options); phases["render (as a build)"].append(clock() - s)
        paragraph.Paragraph.breakLines = plain
    print(f"CPU medians of {ns.runs} rounds ({'large print' if ns.large_print else 'standard'}, {ns.paper}):")
    for name, values in phases.items():
        print(f"  {name:22s} {1000 * statistics.median(values):6.1f} ms  (min {1000 * min(values):.1f})")
    print(f"  line breaks in one render: {broken[0]}")


if __name__ == "__main__":
    main()
