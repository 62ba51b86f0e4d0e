#!/usr/bin/env python3
"""Diff benchmark: `guide diff OLD NEW` on two default guides, as a whole process (the issue asks < 1 s).

Usage: bench/bench_diff.py [--runs N]
Builds the default guide and a copy whose content differs by one regimen figure into a temp folder,
then prints the median (and min/max) wall and CPU time of N runs of
  whole process, same      - `python build_guide.py diff A A'` (two builds of the same content)
  whole process, one figure - `python build_guide.py diff A B`
  in-process read+compare  - read_doc of both and compare, imports done
and the ratio of the whole-process median to the 1 s budget.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_verify import line, timed  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()

    from guide.build import load, render_guide
    from guide.content import BuildOptions
    from guide.diff import compare, read_doc

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copytree(ROOT / "content", tmp / "content")
        chemo = tmp / "content" / "sections" / "chemotherapy.yaml"
        chemo.write_text(chemo.read_text(encoding="utf-8").replace("median_survival_months: 11.4",
                                                                   "median_survival_months: 11.2"), encoding="utf-8")
        a = render_guide(load(ROOT / "content"), BuildOptions())[0]
        b = render_guide(load(tmp / "content"), BuildOptions())[0]
        for name, data in (("a.pdf", a), ("a2.pdf", a), ("b.pdf", b)):
            (tmp / name).write_bytes(data)
        cmd = [sys.executable, str(ROOT / "build_guide.py"), "diff"]

        def whole(x: str, y: str):
            return lambda: subprocess.run([*cmd, str(tmp / x), str(tmp / y)], stdout=subprocess.DEVNULL, check=False)

        same = timed(whole("a.pdf", "a2.pdf"), args.runs)
        one = timed(whole("a.pdf", "b.pdf"), args.runs)
        inproc = timed(lambda: compare(read_doc(a), read_doc(b)), args.runs)
        print(line("whole process, same", same))
        print(line("whole process, one figure", one))
        print(line("in-process read+compare", inproc))
        print(f"whole process / 1 s budget: {statistics.median(one[0]):.2f} (wall), "
              f"{statistics.median(one[1]):.2f} (CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
