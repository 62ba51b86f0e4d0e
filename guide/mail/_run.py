"""Recipients CSV, letter settings and guide content in; a mailing packet PDF per person, rejects and manifest out.

Each packet is a cover letter for a #10 window envelope, then the guide in the edition that
person asked for; tagged for screen readers like the guide, the letter's structure ahead of
the guide's. On request, one combined print file holds every packet in mailing order.

The run, in order:
  load the guide and letter.yaml
  -> pass 1 over the CSV: check every row, write rejects.csv, note which editions are needed
  -> render each edition once (in parallel when there are several)
  -> pass 2: packets in batches on all cores; a packet whose file is already listed in the
     manifest with the same inputs and the same SHA-256 is skipped, not rebuilt
  -> manifest.csv (one line per packet, rewritten whole at the end), print file, summary.

Memory stays flat: the CSV is streamed twice rather than held, at most a few batches are in
flight, the print file is written as it grows, and results are not kept once recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..content import BuildOptions
from ..content import models as m
from ..errors import ContentError, OutputError, Problem
from ..pdf import PrintFile, atomic_stream
from ._letter import LetterMaker
from ._letter_spec import load_letter, parse_window
from ._manifest import MANIFEST, REJECTS, CsvOut, Done, ManifestLog, read_manifest, safe_cell
from ._progress import Progress
from ._recipients import Job, RowChecker, header_only, map_header, read_rows
from ._workers import WorkerState, render_editions, run_batches, sweep_packet_temps

DEFAULT_OUT = Path("out/packets")
COMBINED = "combined.pdf"
BATCH = 16                 # letters rendered into one ReportLab document (fonts embedded once)


@dataclass
class Summary:
    built: int = 0
    skipped: int = 0
    rejected: int = 0
    pages: int = 0
    seconds: float = 0.0
    editions: int = 0
    combined: Path | None = None
    combined_pages: int = 0

    @property
    def rate(self) -> float:
        return self.built / self.seconds if self.seconds > 0 else 0.0


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def make_packets(content: Path, recipients: Path, out: Path, *, letter: Path | None = None,
                 window: str | None = None, day: dt.date | None = None, jobs: int = 1,
                 combined: Path | None = None, force: bool = False, progress: bool = False) -> Summary:
    """The whole run (see the module docstring); returns the counts and timing."""
    from ..pdf import load_content as load

    start = time.perf_counter()
    guide = load(content)
    spec = load_letter(letter or content / "letter.yaml")
    if window:
        from dataclasses import replace

        spec = replace(spec, window=parse_window(window))
    fixed_date = day or spec.date
    day = fixed_date or dt.date.today()
    # What a packet depends on besides its row: the content, the letter settings and the
    # date when it is a fixed one ("today" is left out, so a run resumed the next day does
    # not redo the lot; its letters keep the day they were made).
    fingerprint = hashlib.sha256(repr((guide, spec, fixed_date or "today")).encode()).hexdigest()
    checker = RowChecker(guide, spec, fingerprint)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create folder {out}: {exc.strerror}") from None

    # pass 1: check rows, write rejects, find the editions the rows still to build need
    # (a row whose packet is listed as done is verified by hash in pass 2; should that fail,
    # the worker renders the edition itself)
    stamp = _stamp(recipients)
    previous = {} if force else read_manifest(out / MANIFEST)
    summary = Summary()
    editions: set[BuildOptions] = set()
    good = 0
    columns: dict[str, int] | None = None
    with atomic_stream(out / REJECTS) as raw:
        writer = None
        for row, cells, header in read_rows(recipients):
            if columns is None:
                columns = map_header(header, str(recipients))
                writer = CsvOut(raw)
                writer.writerow(["row", "reason", *header])
            checked = checker.check(row, cells, columns, len(header))
            if checked.job is None:
                summary.rejected += 1
                writer.writerow([row, "; ".join(checked.reasons), *(safe_cell(c) for c in cells)])
            else:
                good += 1
                job = checked.job
                if combined is not None or not _probably_done(job, previous.get(row), out):
                    editions.add(job.edition)
        if columns is None:   # header only: still check it, and leave a header-only rejects file
            header = header_only(recipients)
            map_header(header, str(recipients))
            CsvOut(raw).writerow(["row", "reason", *header])

    rendered, summary.editions = render_editions(guide, sorted(editions, key=repr), jobs, combined is not None)
    state = WorkerState(out, LetterMaker(spec, guide.brand, guide.title, day), guide, rendered,
                        combined is not None)

    def batches() -> Iterator[list[tuple[Job, Done | None]]]:
        size = max(1, min(BATCH, -(-good // (jobs * 4)) if good else 1))
        batch: list[tuple[Job, Done | None]] = []
        for row, cells, header in read_rows(recipients):
            job = checker.check(row, cells, columns or {}, len(header)).job
            if job is None:
                continue
            done = previous.get(row)
            if done is not None and (done.file != job.file or done.inputs != job.inputs):
                done = None
            batch.append((job, done))
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch
        if _stamp(recipients) != stamp:
            raise ContentError([Problem(str(recipients), 0, "", "the file changed during the run; run again")])

    bar = Progress(good) if progress else None
    log = ManifestLog(out / MANIFEST, previous)
    try:
        with _print_file(combined, guide) as print_file:
            for results in run_batches(state, batches(), jobs):
                for r in results:
                    log.record(r)
                    if r.built:
                        summary.built += 1
                    else:
                        summary.skipped += 1
                    summary.pages += r.pages
                    if print_file is not None:
                        added = print_file.add(state.editions[r.edition], r.letter)
                        if added != r.pages:
                            raise OutputError(f"row {r.row}: the print file got {added} pages, "
                                              f"the packet has {r.pages}")
                    if bar:
                        bar.step()
            if print_file is not None:
                summary.combined, summary.combined_pages = combined, print_file.pages
    finally:
        if bar:
            bar.close()
        log.close()
    log.compact()
    sweep_packet_temps(out)
    summary.seconds = time.perf_counter() - start
    return summary


def _probably_done(job: Job, done: Done | None, out: Path) -> bool:
    return done is not None and done.file == job.file and done.inputs == job.inputs and (out / job.file).is_file()


class _print_file:
    """The combined print file, or None; written beside its target, renamed on success."""

    def __init__(self, path: Path | None, guide: m.Guide):
        self.path, self.guide = path, guide
        self.stream: atomic_stream | None = None

    def __enter__(self) -> PrintFile | None:
        if self.path is None:
            return None
        self.stream = atomic_stream(self.path)
        fh = self.stream.__enter__()
        self.pf = PrintFile(fh, f"{self.guide.title}: mailing packets", self.guide.brand.name)
        return self.pf

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.stream is None:
            return
        if exc_type is None:
            try:
                self.pf.close()
            except BaseException as err:
                self.stream.__exit__(type(err), err, err.__traceback__)
                raise
        self.stream.__exit__(exc_type, exc, tb)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)
