#!/usr/bin/env python3
"""Whole-process ratios in one run: our builds, the peer builders and the import floors, interleaved.

Usage: bench/bench_peers.py [--runs N] [--peers DIR] [--peers-python PY] [--ours DIR ...] [--no-peers]

Each round runs every command once, in the same order, so the machine's load falls on all of
them alike; the medians over N rounds (11 by default) and their ratios are printed:
  ours default / WeasyPrint, Typst, plain ReportLab (the 21-page peers of ../shared/peers) and
  the floor `python -c "import reportlab.platypus"`; `--print shop` and `--print booklet` against
  the default build; `verify` against `python -c "import pypdf"` and the peers' plain read-back.
The peers run from a copy of DIR (they write scratch files beside themselves) with PY, a venv
that has reportlab, pypdf, weasyprint and typst (see the peers' README); a peer that cannot run
is reported and left out. --ours DIR (repeatable) adds another checkout of the project, e.g. a
worktree of an older commit, run with this interpreter, so before/after lands in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _rounds import compile_tree

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT.parent / "shared" / "peers"
PEERS_PYTHON = Path("/tmp/peers-venv/bin/python")


def ours(tag: str, root: Path, out: Path) -> dict[str, list[str]]:
    build = [sys.executable, str(root / "build_guide.py")]
    pdf = out / f"{tag}-default.pdf"
    return {
        f"{tag} default": [*build, "--out", str(pdf)],
        f"{tag} --print shop": [*build, "--print", "shop", "--out", str(out / f"{tag}-shop.pdf")],
        f"{tag} --print booklet": [*build, "--print", "booklet", "--out", str(out / f"{tag}-booklet.pdf")],
        f"{tag} verify": [*build, "verify", str(pdf)],
    }


def peers(python: Path, where: Path, out: Path) -> dict[str, list[str]]:
    return {
        "WeasyPrint": [str(python), str(where / "wp_guide.py"), str(out / "wp.pdf")],
        "Typst": [str(python), str(where / "ty_guide.py"), str(out / "ty.pdf")],
        "plain ReportLab": [str(python), str(where / "rl_guide.py"), str(out / "rl.pdf")],
        "plain pypdf read-back": [str(python), str(where / "check_pdf.py"), str(out / "rl.pdf")],
    }


FLOORS = {
    "import reportlab.platypus": [sys.executable, "-c", "import reportlab.platypus"],
    "import pypdf": [sys.executable, "-c", "import pypdf"],
}


def run(cmd: list[str], cwd: Path) -> float | None:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    return wall if done.returncode == 0 else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--peers", type=Path, default=PEERS)
    ap.add_argument("--peers-python", type=Path, default=PEERS_PYTHON)
    ap.add_argument("--ours", type=Path, action="append", default=[], help="another checkout to time beside this one")
    ap.add_argument("--no-peers", action="store_true")
    ns = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        commands: dict[str, tuple[list[str], Path]] = {}
        for i, root in enumerate([ROOT, *ns.ours]):
            compile_tree(root)
            tag = "ours" if i == 0 else f"ours[{root.name}]"
            commands.update({k: (v, root) for k, v in ours(tag, root.resolve(), tmp).items()})
        if not ns.no_peers:
            if not ns.peers_python.exists() or not ns.peers.is_dir():
                print(f"peers skipped: no {ns.peers_python} or no {ns.peers} (see the peers' README)")
            else:
                where = tmp / "peers"
                shutil.copytree(ns.peers, where)
                commands.update({k: (v, where) for k, v in peers(ns.peers_python, where, tmp).items()})
        commands.update({k: (v, ROOT) for k, v in FLOORS.items()})
        # one warm-up round (file cache, .pyc files, the PDFs verify reads); a command that fails is left out
        for name, (cmd, cwd) in list(commands.items()):
            if run(cmd, cwd) is None:
                print(f"{name}: failed to run here, left out")
                del commands[name]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(ns.runs):
            for name, (cmd, cwd) in commands.items():
                wall = run(cmd, cwd)
                if wall is not None:
                    times[name].append(wall)
    med = {name: statistics.median(walls) for name, walls in times.items() if walls}
    print(f"medians of {ns.runs} interleaved whole-process runs")
    for name, value in med.items():
        print(f"  {name:34s} {value * 1000:7.0f} ms")

    def ratio(a: str, b: str) -> None:
        if a in med and b in med:
            print(f"  {a} / {b}: {med[a] / med[b]:.2f}")

    print("ratios")
    tags = [n[:-len(" default")] for n in med if n.endswith(" default")]
    for tag in tags:
        for other in ("WeasyPrint", "Typst", "plain ReportLab", "import reportlab.platypus"):
            ratio(f"{tag} default", other)
        ratio(f"{tag} --print shop", f"{tag} default")
        ratio(f"{tag} --print booklet", f"{tag} default")
        ratio(f"{tag} verify", "import pypdf")
        ratio(f"{tag} verify", "plain pypdf read-back")
    for tag in tags[1:]:
        for what in ("default", "--print shop", "--print booklet", "verify"):
            ratio(f"ours {what}", f"{tag} {what}")


if __name__ == "__main__":
    main()
