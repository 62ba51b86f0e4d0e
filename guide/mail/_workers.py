"""Batches of jobs in; packets written (or verified and skipped) on all cores, and their Results in mailing order, out.

Everything a worker process needs (WorkerState, build_batch, the initialiser) is at module level, so that
multiprocessing can pickle it by name.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import os
import re
import signal
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import msgspec

from ..content import BuildOptions
from ..content import models as m
from ..errors import OutputError
from ..pdf import TMP_PREFIX, TMP_SUFFIX, Edition, letter_parts, packet_pieces
from ._letter import LetterMaker
from ._manifest import Done, Result
from ._recipients import Job

IN_FLIGHT_PER_JOB = 3      # batches queued per worker: keeps both cores busy, memory bounded


class WorkerState(msgspec.Struct):
    out: Path
    maker: LetterMaker
    guide: m.Guide
    editions: dict[BuildOptions, Edition]   # prepared by the process that rendered them
    combined: bool

    def edition(self, options: BuildOptions) -> Edition:
        if options not in self.editions:   # only when a packet listed as done failed its check
            self.editions.update(render_editions(self.guide, [options], 1, self.combined)[0])
        return self.editions[options]


_STATE: WorkerState | None = None


def _init_worker(state: WorkerState, in_pool: bool) -> None:
    global _STATE
    if in_pool:   # Ctrl-C is the main process's to handle; it stops the workers
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STATE = state


@contextlib.contextmanager
def _steady_gc():
    """While the batches run, what exists already (the guide, its editions and templates, the fonts)
    is set aside from the cyclic collector (gc.freeze): with it in view, every full collection went
    through all of it again (about a tenth of a packet's time). Forked workers inherit this, and
    never touch the frozen objects' pages. (Collecting young objects less often was tried and cost
    more: the batches keep many young objects alive, and each collection goes through them all.)"""
    frozen = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen:   # leave what someone else froze as it was
            gc.unfreeze()


def _sha_file(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def build_batch(batch: list[tuple[Job, Done | None]]) -> list[Result]:
    """Build (or verify and skip) the packets of one batch; letters are rendered together."""
    s = _STATE
    assert s is not None, "worker not initialised"
    results: list[Result | None] = [None] * len(batch)
    need: list[int] = []
    for k, (job, done) in enumerate(batch):
        if done is not None and _sha_file(s.out / job.file) == done.sha256:
            results[k] = Result(job.row, job.who.name, job.file, done.pages, done.sha256, job.inputs, False,
                                job.edition, None, job.notes)
            if not s.combined:
                continue
        need.append(k)
    if need:
        items = [(batch[k][0].who, batch[k][0].edition.paper, batch[k][0].edition.large_print) for k in need]
        pdf, tags = s.maker.render_batch(items)
        for k, parts in zip(need, letter_parts(pdf, tags), strict=True):
            job = batch[k][0]
            r = results[k]
            if r is None:
                data, pages, sha = packet_pieces(s.edition(job.edition), parts)
                write_packet(s.out / job.file, data)
                r = Result(job.row, job.who.name, job.file, pages, sha, job.inputs, True, job.edition, None,
                           job.notes)
            results[k] = r._replace(letter=parts) if s.combined else r
    return results  # type: ignore[return-value]


def write_packet(path: Path, data: bytes | list[bytes]) -> None:
    """Write beside the target, then rename: a killed run never leaves a half-written packet.

    Unlike output.atomic_write this does not fsync each file (about 5 ms a packet on this
    disk, the largest cost of a run) and does not scan the folder for stale temp files on
    every write (with 10,000 packets in one folder that scan alone grows quadratically).
    Neither is needed here: a rerun checks every packet it skips against its SHA-256, so a
    file lost to a power cut is rebuilt; the temp name is fixed per packet, so a stale one
    is overwritten by the next attempt (and swept at the end of a run). ``data`` may be the
    file's pieces (packet_pieces): they are written one after the other, not joined first.
    """
    tmp = path.with_name(f"{TMP_PREFIX}{path.name}.packet{TMP_SUFFIX}")
    try:
        # mode 0600: a packet holds a name and an address
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            left = [data] if isinstance(data, bytes) else [p for p in data if p]
            while left:   # one system call, unless it writes less than asked
                done = os.writev(fd, left)
                if done <= 0:
                    raise OSError(errno.EIO, "nothing written")
                while left and done >= len(left[0]):
                    done -= len(left.pop(0))
                if done:
                    left[0] = memoryview(left[0])[done:]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None


STALE_TMP = re.compile(rf"^{re.escape(TMP_PREFIX)}\d{{6}}-[a-z0-9-]+\.pdf\..+{re.escape(TMP_SUFFIX)}$")


def sweep_packet_temps(out: Path) -> None:
    """Remove temp files that killed runs left for packets (named by our own pattern only)."""
    for p in out.glob(f"{TMP_PREFIX}*{TMP_SUFFIX}"):
        if STALE_TMP.match(p.name):
            p.unlink(missing_ok=True)


def _render_edition(args: tuple[m.Guide, BuildOptions, bool]) -> tuple[BuildOptions, Edition]:
    """Render one edition and prepare its packet template (and print parts) while here."""
    from ..pdf import render_guide

    guide, options, printing = args
    return options, Edition(render_guide(guide, options)[0]).prepare(packet=True, printing=printing)


# Editions rendered in this process, so a second run in the same process (tests, a notebook)
# does not render them again; keyed by the guide content, bounded.
_RENDERED: dict[tuple[str, BuildOptions], Edition] = {}
_RENDERED_MAX = 16


def render_editions(guide: m.Guide, wanted: list[BuildOptions], jobs: int,
                     printing: bool) -> tuple[dict[BuildOptions, Edition], int]:
    """Each edition the rows need, rendered once (in parallel when there are several);
    returns them and how many had to be rendered now."""
    key = hashlib.sha256(repr(guide).encode()).hexdigest()
    todo = [(guide, options, printing) for options in wanted if (key, options) not in _RENDERED]
    if jobs > 1 and len(todo) > 1:
        import multiprocessing

        with multiprocessing.Pool(min(jobs, len(todo))) as pool:
            fresh = dict(pool.imap_unordered(_render_edition, todo))
    else:
        fresh = dict(map(_render_edition, todo))
    for options, edition in fresh.items():
        _RENDERED[(key, options)] = edition
    got = {options: fresh.get(options) or _RENDERED[(key, options)] for options in wanted}
    if printing:
        for edition in got.values():
            edition.prepare(packet=False, printing=True)
    while len(_RENDERED) > _RENDERED_MAX:
        _RENDERED.pop(next(iter(_RENDERED)))
    return got, len(todo)


def run_batches(state: WorkerState, batches: Iterator, jobs: int) -> Iterator[list[Result]]:
    """Results per batch, in mailing order. With a pool, only a few batches are in flight at a
    time (Pool.imap would read the whole job list ahead into its queue)."""
    if jobs == 1:
        _init_worker(state, in_pool=False)
        with _steady_gc():
            for batch in batches:
                yield build_batch(batch)
        return
    import multiprocessing

    with _steady_gc(), multiprocessing.Pool(jobs, initializer=_init_worker, initargs=(state, True)) as pool:
        pending: deque = deque()
        for batch in batches:
            pending.append(pool.apply_async(build_batch, (batch,)))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
