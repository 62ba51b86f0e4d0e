"""A `guide serve` process on a free port for the process and browser tests: started, waited for, stopped."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class DeskProcess:
    def __init__(self, log: Path, *extra: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("GUIDE_DESK_TOKEN", None)
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "build_guide.py"), "serve", "--port", "0",
                                      "--log", str(log), *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        first = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        if not match:
            self.proc.kill()
            raise RuntimeError(f"serve did not print its address: {first!r} {self.proc.stderr.read()!r}")
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the desk did not answer /healthz")

    def stop(self, timeout: float = 15) -> tuple[int, str, str]:
        """SIGTERM, as a service manager would send; the exit code and all the output."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, out, err


def listening_addresses(port: int) -> list[str]:
    """The local addresses (hex, as /proc/net/tcp writes them) of sockets listening on this port."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            addr, port_hex = fields[1].split(":")
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.append(addr)
    return found
