"""Advocate desk speed: a warm request vs a whole-process CLI build (same run), a cached repeat, the page, 16 at once.

Prints medians and the ratio to the CLI build. Targets (issue 15): warm <= 0.5 x CLI, cached <= 20 ms,
page <= 50 ms, 16 parallel requests all succeed. Each warm request names a different patient, so it is
a real build, not a cache hit.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from desk_server import DeskProcess  # noqa: E402

RUNS = 7


def post(url: str, body: dict) -> tuple[int, float]:
    req = urllib.request.Request(url + "/api/guide", method="POST", data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read()
            return r.status, time.perf_counter() - start
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - start


def get(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as r:
        r.read()
    return time.perf_counter() - start


def cli_build(out: Path, name: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build_guide.py"), "--for", name, "--out", str(out)],
                   check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        desk = DeskProcess(Path(tmp) / "desk.sqlite", "--no-log")
        try:
            time.sleep(3)  # let the start-up page counts finish
            post(desk.url, {"for": "Warm Up"})
            warm, cli = [], []
            for i in range(RUNS):  # interleaved, so both see the same machine load
                warm.append(post(desk.url, {"for": f"Patient {i}"})[1])
                cli.append(cli_build(Path(tmp) / "cli.pdf", f"Patient {i}"))
            cached = [post(desk.url, {"for": "Patient 0"})[1] for _ in range(RUNS * 3)]
            page = [get(desk.url + "/") for _ in range(RUNS * 3)]
            start = time.perf_counter()
            with ThreadPoolExecutor(16) as ex:
                results = list(ex.map(lambda i: post(desk.url, {"for": f"Parallel {i}"}), range(16)))
            parallel_wall = time.perf_counter() - start
        finally:
            code, _, _ = desk.stop()
    med = statistics.median
    print(f"whole-process CLI build      median {med(cli) * 1000:7.0f} ms")
    print(f"warm desk request (new name) median {med(warm) * 1000:7.0f} ms   ratio {med(warm) / med(cli):.2f} x CLI"
          f" (target <= 0.5)")
    print(f"cached repeat                median {med(cached) * 1000:7.1f} ms   (target <= 20)")
    print(f"the page                     median {med(page) * 1000:7.1f} ms   (target <= 50)")
    ok = sum(1 for status, _ in results if status == 200)
    print(f"16 parallel requests         {ok}/16 succeeded in {parallel_wall:.2f} s wall"
          f" (statuses: {sorted({s for s, _ in results})})")
    print(f"server exit code after SIGTERM: {code}")


if __name__ == "__main__":
    main()
