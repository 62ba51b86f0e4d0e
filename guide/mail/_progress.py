"""Packets done in; progress on stderr out: a one-line bar on a terminal, else a log line every 10 % or 10 s."""

from __future__ import annotations

import sys
import time


class Progress:
    """The rate is packets built per second since the run started: the same figure the summary gives."""

    WIDTH = 30
    EVERY_S = 10.0

    def __init__(self, total: int, *, lines: bool = False, start: float | None = None, rejected: int = 0):
        self.total, self.n, self.built = total, 0, 0
        self.lines, self.rejected = lines, rejected
        self.start = time.perf_counter() if start is None else start
        self.last = time.perf_counter()
        self.next_tenth = 1
        self.drawn = False

    def step(self, built: bool = True) -> None:
        self.n += 1
        self.built += built
        now = time.perf_counter()
        rate = self.built / (now - self.start) if now > self.start else 0.0
        if self.lines:
            tenth = self.n * 10 >= self.next_tenth * self.total
            if tenth or now - self.last >= self.EVERY_S or self.n >= self.total:
                while self.next_tenth * self.total <= self.n * 10:
                    self.next_tenth += 1
                self.last = now
                share = 100 * self.n // self.total if self.total else 100
                sys.stderr.write(f"packets: {self.n:,}/{self.total:,} ({share} %), {rate:.1f}/s, "
                                 f"{self.rejected:,} rejected\n")
                sys.stderr.flush()
            return
        if now - self.last >= 0.1 or self.n >= self.total:
            self.last = now
            done = self.n / self.total if self.total else 1.0
            eta = (self.total - self.n) / rate if rate else 0.0
            bar = "#" * int(self.WIDTH * done)
            sys.stderr.write(f"\r[{bar:<{self.WIDTH}}] {self.n}/{self.total} packets  {rate:.1f}/s  "
                             f"{eta:.0f} s left ")
            sys.stderr.flush()
            self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
