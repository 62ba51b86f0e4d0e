"""Build requests in; PDFs out of a pool of worker processes (one per core), with a bounded queue.

The event loop only awaits: layout runs in the workers. When more than ``max_pending`` builds are
waiting, a request is refused at once (Busy, which the routes answer with 503 and Retry-After)
rather than queued for longer than anyone at a desk would wait.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import _worker


class Busy(Exception):
    """The build queue is full: try again in a moment."""


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class BuildPool:
    def __init__(self, content_dir: Path | str, workers: int | None = None, max_pending: int = 32):
        self.content_dir = str(Path(content_dir).resolve())
        self.workers = workers or default_workers()
        self.max_pending = max_pending
        self.pending = 0
        # forkserver: workers fork from a small server that has imported ReportLab and the guide
        # once, never from the server process itself (which runs threads and an event loop)
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["guide.desk._worker", "guide.pdf._edition", "guide.layout"])
        self._executor = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_worker.init,
                                             initargs=(self.content_dir,))

    async def warm(self) -> None:
        """Start every worker (each loads fonts and content in its initializer) before the first request."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._executor, _worker.warm, self.content_dir)
                               for _ in range(self.workers)))

    async def _run(self, fn, folder: Path | None, *args):
        if self.pending >= self.max_pending:
            raise Busy()
        self.pending += 1
        try:
            root = str(Path(folder).resolve()) if folder is not None else self.content_dir
            return await asyncio.wrap_future(self._executor.submit(fn, root, *args))
        finally:
            self.pending -= 1

    # ``folder``: a paired edition's folder (content/es) instead of the desk's content folder
    async def build(self, digest: str, options, folder: Path | None = None) -> _worker.Result:
        return await self._run(_worker.build, folder, digest, options)

    async def page_count(self, digest: str, options, folder: Path | None = None) -> _worker.Result:
        return await self._run(_worker.page_count, folder, digest, options)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
