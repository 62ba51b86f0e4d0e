"""Packets done in; a one-line progress bar (count, rate, time left) on stderr out."""

from __future__ import annotations

import sys
import time


class Progress:
    """A one-line progress bar on stderr (used only when stderr is a terminal)."""

    WIDTH = 30

    def __init__(self, total: int):
        self.total, self.n = total, 0
        self.start = self.last = time.perf_counter()
        self.drawn = False

    def step(self) -> None:
        self.n += 1
        now = time.perf_counter()
        if now - self.last >= 0.1 or self.n >= self.total:
            self.last = now
            done = self.n / self.total if self.total else 1.0
            rate = self.n / (now - self.start) if now > self.start else 0.0
            eta = (self.total - self.n) / rate if rate else 0.0
            bar = "#" * int(self.WIDTH * done)
            sys.stderr.write(f"\r[{bar:<{self.WIDTH}}] {self.n}/{self.total} packets  {rate:.0f}/s  "
                             f"{eta:.0f} s left ")
            sys.stderr.flush()
            self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
