#!/usr/bin/env python3
"""Verify benchmark: how long `verify` takes on the default guide, in-process and as a whole process.

Usage: bench/bench_verify.py [--runs N] [--rounds N] [--ours DIR ...] [-- extra edition options, e.g. --large-print]
Builds the edition once into a temp folder, then prints the median (and min/max) of N runs of:
  in-process verify_file - the checks alone (content already loaded, PDF bytes in memory)
  in-process load+verify - loading the content too, as the command does
and then, interleaved round by round so the machine's load falls on each alike, whole processes of
  `python build_guide.py verify PDF` (start-up and imports included) and the floor
  `python -c "import pypdf"`, with their medians and the ratio verify / floor (issue 20's goal: <= 1.5).
--ours DIR (repeatable) adds another checkout's verify (e.g. an export of an older commit, run with
this interpreter) to the same rounds, so before and after are measured side by side.
Each line gives wall time and CPU time: on a shared machine the wall time grows with the load,
the CPU time much less, so compare CPU medians between machines and runs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _rounds import compile_tree, interleaved, line, load_average, ratio, timed  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--rounds", type=int, default=15, help="interleaved whole-process rounds")
    ap.add_argument("--ours", type=Path, action="append", default=[], help="another checkout to time beside this one")
    ap.add_argument("edition", nargs=argparse.REMAINDER, help="edition options after --")
    args = ap.parse_args()
    edition = [a for a in args.edition if a != "--"]

    from guide.build import load
    from guide.verify import verify_file

    with tempfile.TemporaryDirectory() as tmp:
        pdf_path = Path(tmp) / "guide.pdf"
        subprocess.run([sys.executable, str(ROOT / "build_guide.py"), *edition, "--out", str(pdf_path)],
                       check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        pdf = pdf_path.read_bytes()
        guide = load(ROOT / "content")
        report = verify_file(pdf, guide)  # the edition as the PDF records it, as the command reads it
        if not report.ok:
            print("\n".join(report.lines()))
            print("the built PDF does not verify; nothing measured", file=sys.stderr)
            return 1
        pages = report["file"].detail
        print(f"edition: {' '.join(edition) or 'default'} ({pages})")
        print(line("in-process verify_file", timed(lambda: verify_file(pdf, guide), args.runs)))
        print(line("in-process load+verify", timed(lambda: verify_file(pdf, load(ROOT / "content")), args.runs)))
        print(f"load: {load_average()}")
        for root in (ROOT, *args.ours):
            compile_tree(root)
        commands = {"verify": [sys.executable, str(ROOT / "build_guide.py"), "verify", str(pdf_path), *edition]}
        for other in args.ours:
            commands[f"verify [{other.name}]"] = [sys.executable, str(other.resolve() / "build_guide.py"), "verify",
                                                 str(pdf_path), *edition]
        commands["import pypdf"] = [sys.executable, "-c", "import pypdf"]
        samples = interleaved(commands, args.rounds)
        for name, sample in samples.items():
            print(line(name if name != "verify" else "whole process verify", sample))
        floor = samples["import pypdf"]
        for name, sample in samples.items():
            if name != "import pypdf":
                print(f"ratio {name} / import pypdf: wall {ratio(sample[0], floor[0]):.2f}, "
                      f"CPU {ratio(sample[1], floor[1]):.2f}")
        print(f"load: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
