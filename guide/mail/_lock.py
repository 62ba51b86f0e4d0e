"""A lock file path in; held for the run (a second run waits up to --wait seconds) or a clear OutputError out.

fcntl.flock on a small file beside what is guarded: the kernel drops the lock when the holder
exits, however it exits (SIGKILL included), so a stale lock never needs clearing by hand. The
file says who holds it, for the message the second run prints.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from pathlib import Path

from ..errors import OutputError


class RunLock:
    def __init__(self, path: Path, what: str, wait: float = 0.0):
        self.path, self.what, self.wait = path, what, max(0.0, wait)
        self.fd: int | None = None

    def __enter__(self) -> RunLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot create the lock file {self.path}: {exc.strerror}") from None
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    waited = f" (waited {self.wait:g} s)" if self.wait else "; --wait SECONDS waits for it"
                    raise OutputError(f"another run is writing {self.what} ({holder}){waited}") from None
                time.sleep(0.1)
        started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {started}\n".encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)   # releases the lock; the file stays (removing it would race a waiter)
            self.fd = None


def _holder(fd: int) -> str:
    try:
        pid, started = os.pread(fd, 200, 0).decode().split()
        return f"pid {int(pid)}, started {started}"
    except (OSError, ValueError, UnicodeDecodeError):
        return "pid unknown, just started"
