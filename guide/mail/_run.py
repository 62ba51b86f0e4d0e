"""Recipients CSV, letter settings and guide content in; a run folder of packets, manifest, rejects and skipped
rows, and the run recorded in the history database, out.

Each packet is a cover letter for the envelope letter.yaml names (a #10, folded, or a flat 9 x 12),
then the guide in the edition that person asked for; tagged for screen readers like the guide, the
letter's structure ahead of the guide's. On request (--combined), print files per paper size and
edition (or one file) hold every packet in ZIP order, with presort.csv marking the tray breaks;
every run writes a job ticket (ticket.txt, ticket.json) of sheets, weights and ZIP counts.

The run, in order:
  load the guide and letter.yaml; lock the output folder (and the history when it lives elsewhere)
  -> copy the recipients into a private file (hashing them): the run reads only that copy
  -> find the folder of an earlier run of the same input and options (resume it) or make a new one
  -> pass 1 over the copy: check every row; rejects.csv; duplicates and recipients mailed by an
     earlier run within --remail-after days to skipped.csv; every row recorded in the history (and,
     for print files, filed under its print-order key in a temp table)
  -> render each edition the rows still need once (in parallel when there are several)
  -> pass 2: packets in batches on all cores, in row order (or print order: the rows read back
     from the temp table in key order and checked again); a packet the history lists as built with
     the same inputs is checked against its SHA-256 and skipped, not rebuilt; each batch is recorded
     in one transaction once its files are in place, then appended to manifest.csv; each piece is
     measured (sheets, weight, thickness: a piece over the USPS limits gets a note) and counted
  -> manifest.csv written from the history (one line per packet, row order); print files,
     presort.csv and the ticket renamed into place together; summary.

Memory stays flat: the CSV is streamed twice rather than held, the print order is sorted by SQLite
in its temp store, the resume index is read from the database a batch at a time, at most a few
batches are in flight, and the print files are written as they grow.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import msgspec
from msgspec.structs import replace

from ..content import BuildOptions
from ..content import models as m
from ..errors import ContentError, OutputError
from ._csvin import copy_input, header_only, open_regular, read_rows
from ._envelope import BASE_WEIGHT
from ._history import HISTORY, History, RunInfo
from ._letter import LetterMaker
from ._letter_spec import load_letter, parse_window, routing_code
from ._lock import RunLock
from ._manifest import (FORMULA_START, MANIFEST, REJECTS, SKIPPED, Done, ManifestLog, private_csv,
                        read_manifest, safe_cell, write_manifest)
from ._printset import PrintSet, sort_key, zip_of
from ._progress import Progress
from ._recipients import Job, RowChecker, map_header
from ._runfolder import INPUT, check_combined, find_run, new_run
from ._ticket import AUTOMATION_MINIMUM, Ticket, measured
from ._workers import WorkerState, render_editions, run_batches, sweep_packet_temps

DEFAULT_OUT = Path("out/packets")
LOCK = ".packet-lock"
BATCH = 64                 # letters rendered into one ReportLab document (fonts, shared drawing made once)
CHUNK = 1000               # pass-1 rows per history transaction
REMAIL_AFTER = 90          # days


class Summary(msgspec.Struct):
    built: int = 0
    skipped: int = 0          # already built by this run earlier (checked by hash)
    rejected: int = 0
    duplicates: int = 0
    mailed_before: int = 0
    repaired: int = 0         # repairs made (state names, dropped ZIP zeros), in the manifest's notes
    rows: int = 0             # non-blank rows read
    pages: int = 0
    seconds: float = 0.0
    editions: int = 0
    print_files: list[tuple[Path, int, int]] | None = None   # (file, pieces, pages) with --combined
    trays: int = 0
    presort: Path | None = None
    ticket: Path | None = None
    over_limit: int = 0       # pieces over the USPS size limits of their envelope (noted in the manifest)
    over_example: str = ""    # the first such piece's note
    reaches_minimum: bool = False   # 200 pieces or more (USPS Marketing Mail automation)
    folder: Path | None = None
    run_id: str = ""
    resumed: bool = False
    history: Path | None = None

    @property
    def combined_pages(self) -> int:
        return sum(p for _, _, p in self.print_files or ())

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
                 combined: Path | bool | None = None, force: bool = False, progress: bool | str = False,
                 history: Path | None | bool = None, remail_after: int = REMAIL_AFTER, remail: bool = False,
                 encoding: str | None = None, wait: float = 0.0, tray_size: int | None = None) -> Summary:
    """The whole run (see the module docstring); returns the counts and timing.

    history: None for ``mailings.sqlite`` in ``out``, a path to share one, False for none (the
    run's record then lasts only while it runs: no earlier mailings are seen).
    progress: "bar" (or True), "lines", or False. combined: True for a print file per paper size and edition in
    the run's folder, or a path for one print file of every piece there. tray_size: pieces per tray (None: as
    many as fill a 2-foot letter tray).
    """
    from ..pdf import load_content as load

    start = time.perf_counter()
    guide = load(content)
    spec = load_letter(letter or content / "letter.yaml")
    if window:
        spec = replace(spec, window=parse_window(window))
    fixed_date = day or spec.date
    day = fixed_date or dt.date.today()
    # What a packet depends on besides its row: the content, the letter settings and the
    # date when it is a fixed one ("today" is left out, so a run resumed the next day does
    # not redo the lot; its letters keep the day they were made). The paper and envelope weights change only
    # the ticket, so they are left out too (a corrected weight resumes the run and writes a new ticket).
    drawn = replace(spec, paper_weight=BASE_WEIGHT, paper_thickness=None, envelope_weight=None)
    fingerprint = hashlib.sha256(repr((guide, drawn, fixed_date or "today")).encode()).hexdigest()
    checker = RowChecker(guide, spec, fingerprint)
    os.close(open_regular(recipients))   # a clear message for a missing file or a FIFO, before any output
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create folder {out}: {exc.strerror}") from None
    hist_path = out / HISTORY if history is None else (None if history is False else Path(history))

    with contextlib.ExitStack() as stack:
        stack.enter_context(RunLock(out / LOCK, str(out), wait))
        if hist_path is not None and hist_path.resolve().parent != out.resolve():
            stack.enter_context(RunLock(hist_path.with_name(hist_path.name + ".lock"), str(hist_path), wait))
        for stale in out.glob(".input.*.guide-tmp"):   # a copy a killed run left (we hold the lock)
            stale.unlink(missing_ok=True)
        copy, sha = copy_input(recipients, out)
        stack.callback(lambda: copy.unlink(missing_ok=True))
        hist = History(hist_path)
        stack.callback(hist.close)
        run_key = hashlib.sha256(repr((fingerprint, encoding or "")).encode()).hexdigest()[:32]
        found = find_run(out, sha, run_key)
        folder, info = found or new_run(out, recipients.name, sha, run_key, day, hist.run_ids())
        if (folder / INPUT).is_file():
            copy.unlink()
        else:
            os.replace(copy, folder / INPUT)
        single = None if combined is True or not combined else Path(combined)
        summary = Summary(folder=folder, run_id=info["id"], resumed=found is not None, history=hist_path)
        hist.start_run(RunInfo(info["id"], str(folder.resolve()),
                               dt.datetime.now().astimezone().isoformat(timespec="seconds"), info["input"], sha,
                               run_key,
                               repr({"window": window, "date": str(fixed_date or "today"), "encoding": encoding,
                                     "letter": str(letter or "letter.yaml")}),
                               guide.title, guide.version, fingerprint, info["letter_date"]))
        if hist_path is None and found:
            hist.load_manifest(info["id"], {row: _unescape(d) for row, d in read_manifest(folder / MANIFEST).items()})
        if force:
            hist.reset_built(info["id"])
        try:
            if single is not None:
                check_combined(single, recipients, folder, out, hist_path)
            order = None if not combined else single is None   # None: no print files; else per stock
            editions = _pass_one(checker, folder, str(recipients), encoding, hist, summary, order,
                                 dt.date.fromisoformat(info["letter_date"]), None if remail else remail_after)
        except ContentError:
            if not found:   # a new run that could not start leaves nothing behind
                hist.forget_run(info["id"])
                shutil.rmtree(folder, ignore_errors=True)
            raise
        prints = PrintSet(folder, guide, single, tray_size) if combined else None
        try:
            _pass_two(checker, guide, spec, day, folder, str(recipients), encoding, hist, summary, editions,
                      jobs, prints, progress, start, info["letter_date"])
        except BaseException as exc:
            if prints is not None:
                prints.abort(exc)
            raise
    summary.seconds = time.perf_counter() - start
    return summary


def _pass_one(checker: RowChecker, folder: Path, shown: str, encoding: str | None, hist: History,
              summary: Summary, order: bool | None, letter_day: dt.date, remail_after: int | None) -> set[BuildOptions]:
    """Check every row and record it (and file it in print order when ``order`` is not None: True for one
    order per paper size and edition, False for one order of all); the editions still to render."""
    printing = order is not None
    run = summary.run_id
    editions: set[BuildOptions] = set()
    columns: dict[str, int] | None = None
    src = folder / INPUT
    with private_csv(folder / REJECTS) as rejects, private_csv(folder / SKIPPED) as skipped:
        hist.begin()
        if printing:
            hist.order_begin()
        for row, cells, header in read_rows(src, encoding, shown):
            if columns is None:
                columns = map_header(header, shown)
                for w in (rejects, skipped):
                    w.writerow(["row", "reason", *(safe_cell(h) for h in header)])
            summary.rows += 1
            checked = checker.check(row, cells, columns, len(header))
            job = checked.job
            if job is None:
                reason = "; ".join(checked.reasons)
                summary.rejected += 1
                rejects.writerow([row, reason, *(safe_cell(c) for c in cells)])
                hist.put(run, row, "rejected", reason=reason, name=" ".join(" ".join(cells[:1]).split())[:200])
            else:
                status, reason = _skip(hist, run, job, letter_day, remail_after)
                if status == "pending":
                    summary.repaired += len(job.notes.split("; ")) if job.notes else 0
                    if printing or not _probably_done(hist.state(run, row), job, folder):
                        editions.add(job.edition)
                else:
                    skipped.writerow([row, reason, *(safe_cell(c) for c in cells)])
                    if status == "duplicate":
                        summary.duplicates += 1
                    else:
                        summary.mailed_before += 1
                e = job.edition
                if printing:
                    hist.order_put(sort_key(e.paper, e.large_print, zip_of(job.who.block), row, order), row, cells)
                hist.put(run, row, status, key=job.key, name=job.who.name, address=" / ".join(job.who.block[1:]),
                         edition="large print" if e.large_print else "standard", paper=e.paper,
                         sections=",".join(e.sections or ()), file=job.file, inputs=job.inputs, reason=reason,
                         notes=job.notes, routing=routing_code(job.who.block) if checker.spec.imb else None)
            if summary.rows % CHUNK == 0:
                hist.commit()
                hist.begin()
        hist.commit()
        if columns is None:   # header only: still check it, and leave header-only files
            header = header_only(src, encoding)
            map_header(header, shown)
            for w in (rejects, skipped):
                w.writerow(["row", "reason", *(safe_cell(h) for h in header)])
    if checker.spec.imb is not None:
        hist.allocate_serials(run, letter_day, checker.spec.imb)
    return editions


def _skip(hist: History, run: str, job: Job, letter_day: dt.date, remail_after: int | None) -> tuple[str, str]:
    """("pending", "") to mail the row, or ("duplicate" | "already_mailed", the reason)."""
    first = hist.first_with_key(run, job.key, job.row)
    if first is not None:
        return "duplicate", f"duplicate of row {first}"
    state = hist.state(run, job.row)
    if state is not None and state[0] == "built" and state[1] == job.inputs:
        return "pending", ""   # this run mailed it already: it stays mailed
    if remail_after:
        prior = hist.mailed_before(job.key, run, letter_day, remail_after)
        if prior:
            return "already_mailed", f"already mailed on {prior[0]} (run {prior[1]})"
    return "pending", ""


def _probably_done(state: tuple | None, job: Job, folder: Path) -> bool:
    return state is not None and state[0] == "built" and state[1] == job.inputs and (folder / job.file).is_file()


def _pass_two(checker: RowChecker, guide: m.Guide, spec, day: dt.date, folder: Path, shown: str,
              encoding: str | None, hist: History, summary: Summary, editions: set[BuildOptions], jobs: int,
              prints: PrintSet | None, progress: bool | str, start: float, letter_date: str) -> None:
    run = summary.run_id
    printing = prints is not None
    rendered, summary.editions = render_editions(guide, sorted(editions, key=repr), jobs, printing)
    state = WorkerState(folder, LetterMaker(spec, guide.brand, guide.title, day, guide.language), guide, rendered,
                        printing)
    todo = hist.count(run, "pending") + hist.count(run, "built")
    header = header_only(folder / INPUT, encoding)
    columns = map_header(header, shown)
    ticket = Ticket(spec, run, letter_date)

    imb_rows: dict[int, tuple[int, str, str]] = {}   # this batch's barcodes, for the manifest
    zips: dict[int, str] = {}                        # the ZIP of each piece in flight

    def with_done(jobs_: list[Job]) -> list[tuple[Job, Done | None]]:
        states = hist.states_in(run, [j.row for j in jobs_])
        imbs = hist.imb_in(run, [j.row for j in jobs_]) if spec.imb is not None else {}
        batch = []
        for job in jobs_:
            st = states.get(job.row)
            if st is None or st[0] not in ("pending", "built"):
                continue   # a duplicate or mailed before: skipped
            if job.row in imbs:
                imb_rows[job.row] = imbs[job.row]
                job = job._replace(who=replace(job.who, imb=imbs[job.row][1:]))
            done = None
            if st[0] == "built" and st[1] == job.file and st[4] == job.inputs:
                done = Done(st[1], st[2], st[3], st[4], st[5] or "")
            zips[job.row] = zip_of(job.who.block)
            batch.append((job, done))
        return batch

    def rows() -> Iterator[tuple[int, list[str], int]]:
        if printing:   # print order; the cells are checked again exactly as in pass 1
            for row, cells in hist.in_order():
                yield row, cells, len(header)
        else:
            for row, cells, head in read_rows(folder / INPUT, encoding, shown):
                yield row, cells, len(head)

    def batches() -> Iterator[list[tuple[Job, Done | None]]]:
        size = max(1, min(BATCH, -(-todo // (jobs * 4)) if todo else 1))
        pending: list[Job] = []
        for row, cells, width in rows():
            job = checker.check(row, cells, columns, width).job
            if job is not None:
                pending.append(job)
            if len(pending) >= size:
                batch = with_done(pending)
                pending = []
                if batch:
                    yield batch
        batch = with_done(pending)
        if batch:
            yield batch

    bar = None
    if progress:
        bar = Progress(todo, lines=progress == "lines", start=start, rejected=summary.rejected)
    log = ManifestLog(folder / MANIFEST, hist.built_rows(run))
    try:
        for results in run_batches(state, batches(), jobs):
            results, noted = measured(results, state.editions, spec, ticket, prints, zips, summary)
            hist.built(run, [r for r in results if r.built])   # their files are in place
            hist.set_notes(run, noted)
            log.record(results, imb_rows)
            for r in results:
                imb_rows.pop(r.row, None)
                zips.pop(r.row, None)
                if r.built:
                    summary.built += 1
                else:
                    summary.skipped += 1
                summary.pages += r.pages
                if bar:
                    bar.step(r.built)
    finally:
        if bar:
            bar.close()
        log.close()
    write_manifest(folder / MANIFEST, hist.built_rows(run))
    summary.ticket = ticket.write(folder, prints)
    summary.reaches_minimum = ticket.pieces >= AUTOMATION_MINIMUM
    if prints is not None:
        prints.commit()
        where = prints.single.parent if prints.single else folder
        summary.print_files = [(where / f["file"], f["pieces"], f["pages"]) for f in prints.files]
        summary.trays, summary.presort = len(prints.trays), folder / prints.presort.path.name
    hist.finish_run(run, summary.built + summary.skipped, summary.duplicates + summary.mailed_before,
                    summary.rejected)
    sweep_packet_temps(folder)


def _unescape(d: Done) -> Done:
    """A name read back from the manifest without its formula guard (it is added again on writing)."""
    name = d.recipient
    if name.startswith("'") and name[1:].startswith(FORMULA_START):
        name = name[1:]
    return d._replace(recipient=name)
