"""Shared by the benchmarks: wall and CPU timing, interleaved whole-process rounds, medians and ratios."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def compile_tree(root: Path) -> None:
    """Byte-compile a checkout: with PYTHONDONTWRITEBYTECODE set (as on the shared machine) nothing else writes
    the .pyc files, and a module compiled afresh in every run would be timed as part of its process."""
    import compileall

    compileall.compile_dir(str(root / "guide"), quiet=1)


def interleaved(commands: dict[str, list[str]], rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    """Each command once per round, in the same order (after one warm-up round): wall and CPU seconds."""
    out: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in commands}
    for k in range(rounds + 1):
        for name, cmd in commands.items():
            start, c0 = time.perf_counter(), cpu()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
            if k:
                out[name][0].append(time.perf_counter() - start)
                out[name][1].append(cpu() - c0)
    return out


def ratio(ours: list[float], floor: list[float]) -> float:
    return statistics.median(ours) / statistics.median(floor)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" (1, 5, 15 min) on {os.cpu_count()} cores"
