"""Recipients CSV + letter settings + guide content in; one mailing packet PDF per person out
(a cover letter for a #10 window envelope, then the guide in the edition they asked for;
tagged for screen readers like the guide, the letter's structure ahead of the guide's), with
rejects.csv, manifest.csv and, on request, one combined print file in mailing order.

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

import contextlib
import csv
import datetime as dt
import hashlib
import os
import re
import signal
import sys
import time
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..content import models as m
from ..errors import ContentError, OutputError, Problem
from ._letter import (
    LetterMaker,
    LetterRecipient,
    LetterSpec,
    Signer,
    address_problem,
    load_letter,
    parse_window,
    usps_text,
)
from ..content import MAX_ADVOCATE, MAX_NAME, PAPERS, BuildOptions
from ..pdf import TMP_PREFIX, TMP_SUFFIX, atomic_write
from ..pdf import Edition, LetterParts, PrintFile, atomic_stream, letter_parts, packet_pdf
from ..layout import font_problem

FORMAT = 2                 # bump when packet bytes change for the same inputs (forces rebuilds)
DEFAULT_OUT = Path("out/packets")
MANIFEST = "manifest.csv"
REJECTS = "rejects.csv"
COMBINED = "combined.pdf"
MANIFEST_COLUMNS = ("row", "recipient", "file", "pages", "sha256", "inputs")
MAX_FIELD = 200            # characters in any one cell
BATCH = 16                 # letters rendered into one ReportLab document (fonts embedded once)
IN_FLIGHT_PER_JOB = 3      # batches queued per worker: keeps both cores busy, memory bounded

# ---- the recipients file ------------------------------------------------------------------

# Each field and the header spellings a spreadsheet export uses for it (after lower-casing
# and turning every run of other characters into "_": "Address Line 1" -> address_line_1).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full_name", "fullname", "recipient", "recipient_name", "addressee",
             "contact_name", "mailing_name"),
    "first_name": ("first_name", "firstname", "first", "given_name"),
    "last_name": ("last_name", "lastname", "last", "surname", "family_name"),
    "address1": ("address1", "address_1", "address_line_1", "address_line1", "addressline1", "address",
                 "street", "street_address", "street1", "street_1", "line1", "line_1", "mailing_address"),
    "address2": ("address2", "address_2", "address_line_2", "address_line2", "addressline2",
                 "street2", "street_2", "line2", "line_2", "apt", "suite", "unit"),
    "address3": ("address3", "address_3", "address_line_3", "address_line3", "addressline3",
                 "street3", "street_3", "line3", "line_3"),
    "city": ("city", "town", "city_town", "locality"),
    "state": ("state", "st", "state_code", "state_province", "province", "region"),
    "zip": ("zip", "zip_code", "zipcode", "postal_code", "postalcode", "postcode", "zip_postal_code",
            "zip4", "zip_4", "zip_plus_4"),
    "edition": ("edition", "format", "guide_edition", "print_edition", "large_print"),
    "paper": ("paper", "paper_size", "page_size"),
    "sections": ("sections", "section_ids", "topics"),
    "advocate": ("advocate", "signer", "advocate_name", "signed_by"),
    "country": ("country", "country_code"),
}
REQUIRED = ("name", "address1", "city", "state", "zip")
ADDRESS_FIELDS = ("address1", "address2", "address3")

# USPS two-letter codes: the states, DC, the territories, the freely associated states and
# the military "states" (AA, AE, AP).
STATES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI", "FM", "MH", "PW", "AA", "AE", "AP",
))
STATE_NAMES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS",
    "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA",
    "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT",
    "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM",
    "NEW YORK": "NY", "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK",
    "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC",
    "SOUTH DAKOTA": "SD", "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT",
    "VIRGINIA": "VA", "WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
    "DISTRICT OF COLUMBIA": "DC", "PUERTO RICO": "PR", "GUAM": "GU", "AMERICAN SAMOA": "AS",
    "US VIRGIN ISLANDS": "VI", "VIRGIN ISLANDS": "VI", "NORTHERN MARIANA ISLANDS": "MP",
}
US_NAMES = frozenset({"US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA"})
LARGE = frozenset({"large print", "large-print", "large_print", "large", "lp", "yes", "y", "true", "1", "x"})
STANDARD = frozenset({"", "standard", "regular", "normal", "no", "n", "false", "0"})
ZIP5 = re.compile(r"\d{5}")
ZIP9 = re.compile(r"(\d{5})-?(\d{4})")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header_key(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def map_header(header: list[str], file: str) -> dict[str, int]:
    """Field -> column index; ContentError (line 1) for missing or doubled fields."""
    by_key = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
    columns: dict[str, int] = {}
    problems = []
    for i, raw in enumerate(header):
        name = by_key.get(header_key(raw))
        if name is None:
            continue
        if name in columns:
            problems.append(Problem(file, 1, "header", f"columns {header[columns[name]]!r} and {raw!r} "
                                    f"both give the {name}; keep one"))
            continue
        columns[name] = i
    missing = [f for f in REQUIRED if f not in columns
               and not (f == "name" and "first_name" in columns and "last_name" in columns)]
    if missing:
        shown = ", ".join(repr(h) for h in header) or "nothing"
        problems.append(Problem(file, 1, "header", f"missing column{'s' if len(missing) > 1 else ''} "
                                f"{', '.join(missing)} (found {shown}); see 'packet --help' for the names accepted"))
    if problems:
        raise ContentError(problems)
    return columns


class Job(NamedTuple):
    """One good row, ready to build (small and picklable: it crosses to the workers)."""

    row: int
    who: LetterRecipient
    edition: BuildOptions
    file: str
    inputs: str


@dataclass
class Checked:
    row: int
    cells: list[str]
    job: Job | None = None
    reasons: list[str] = field(default_factory=list)


class RowChecker:
    """Turns one CSV row into a Job, or the reasons it cannot be mailed."""

    def __init__(self, guide: m.Guide, spec: LetterSpec, fingerprint: str):
        self.sections = [s.id for s in guide.sections]
        self.spec = spec
        self.fingerprint = fingerprint

    def check(self, row: int, cells: list[str], columns: dict[str, int], width: int) -> Checked:
        out = Checked(row, cells)
        why = out.reasons
        if any(c.strip() for c in cells[width:]):
            why.append(f"the row has {len(cells)} cells but the header has {width} columns")
            return out

        def cell(name: str) -> str:
            i = columns.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        for name, i in columns.items():
            if i < len(cells) and len(cells[i]) > MAX_FIELD:
                why.append(f"{name} is {len(cells[i])} characters long; at most {MAX_FIELD}")
        if why:
            return out
        name = _one_line(cell("name"))
        if not name and "name" not in columns:
            name = _one_line(f"{cell('first_name')} {cell('last_name')}")
        if not name:
            why.append("name is missing")
        elif len(name) > MAX_NAME:
            why.append(f"name is {len(name)} characters long; at most {MAX_NAME}")
        elif font_problem(name):
            why.append(f"name: {font_problem(name)}")
        lines: list[str] = []
        for f in ADDRESS_FIELDS:
            for part in _cell_lines(cell(f)):
                line = usps_text(part)
                if line:
                    lines.append(line)
        if not _cell_lines(cell("address1")):
            why.append("address1 (the street address) is missing")
        city = usps_text(_one_line(cell("city")))
        if not city:
            why.append("city is missing")
        state = self._state(cell("state"), why)
        zip_code = self._zip(cell("zip"), why)
        country = usps_text(cell("country"))
        if country and country not in US_NAMES:
            why.append(f"country {cell('country').strip()!r}: only US addresses can be mailed in this run")
        edition = self._edition(cell, why)
        signer = None
        advocate = _one_line(cell("advocate"))
        if advocate:
            if len(advocate) > MAX_ADVOCATE:
                why.append(f"advocate is {len(advocate)} characters long; at most {MAX_ADVOCATE}")
            elif font_problem(advocate):
                why.append(f"advocate: {font_problem(advocate)}")
            else:
                signer = _signer(advocate, self.spec.signer.role)
        if why:
            return out
        name_line = usps_text(name)
        if not name_line:
            why.append("the name has no letters or digits to print on the envelope")
            return out
        block = (name_line, *lines, f"{city} {state} {zip_code}")
        for line in block:
            bad = font_problem(line)
            if bad:
                why.append(f"address line {line!r}: {bad}")
                return out
        fit = address_problem(block, self.spec)
        if fit:
            why.append(fit)
            return out
        edition = BuildOptions(paper=edition.paper, large_print=edition.large_print,
                               sections=edition.sections, advocate=advocate or None)
        who = LetterRecipient(name, block, signer)
        file = f"{row:06d}-{file_slug(name)}.pdf"
        inputs = hashlib.sha256(repr((FORMAT, self.fingerprint, who, edition, file)).encode()).hexdigest()[:32]
        out.job = Job(row, who, edition, file, inputs)
        return out

    @staticmethod
    def _state(raw: str, why: list[str]) -> str:
        state = usps_text(raw).replace(" ", "")
        if not state:
            why.append("state is missing")
        elif state not in STATES:
            full = STATE_NAMES.get(usps_text(raw))
            if full:
                why.append(f"state {raw.strip()!r}: write the two-letter code {full!r}")
            else:
                why.append(f"state {raw.strip()!r} is not a two-letter US state or territory code (e.g. OH, DC, PR)")
        return state

    @staticmethod
    def _zip(raw: str, why: list[str]) -> str:
        z = "".join(raw.split())
        if not z:
            why.append("ZIP code is missing")
        elif ZIP5.fullmatch(z):
            return z
        elif ZIP9.fullmatch(z):
            a, b = ZIP9.fullmatch(z).groups()
            return f"{a}-{b}"
        elif z.isdigit() and len(z) in (3, 4):
            why.append(f"ZIP code {z!r} has {len(z)} digits; a spreadsheet may have dropped leading zeros "
                       f"(format the column as text, e.g. {z.zfill(5)!r})")
        else:
            why.append(f"ZIP code {raw.strip()!r} must be 5 digits or ZIP+4 (12345 or 12345-6789)")
        return z

    def _edition(self, cell, why: list[str]) -> BuildOptions:
        value = " ".join(cell("edition").lower().split())
        large = False
        if value in LARGE:
            large = True
        elif value not in STANDARD:
            why.append(f"edition {cell('edition').strip()!r} must be 'standard' or 'large print'")
        paper = cell("paper").strip().lower().replace("us letter", "letter") or "letter"
        if paper not in PAPERS:
            why.append(f"paper {cell('paper').strip()!r} must be one of: {', '.join(PAPERS)}")
            paper = "letter"
        sections = None
        ids = [s for s in re.split(r"[\s,;|]+", cell("sections").strip()) if s]
        if ids:
            unknown = [s for s in ids if s not in self.sections]
            if unknown:
                why.append(f"no section {', '.join(map(repr, unknown))}; choose from: {', '.join(self.sections)}")
            else:
                sections = tuple(s for s in self.sections if s in ids)   # content order: one edition per set
        return BuildOptions(paper=paper, large_print=large, sections=sections)


def _one_line(text: str) -> str:
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch in "\n\t").split())


def _cell_lines(text: str) -> list[str]:
    """A multi-line cell (Alt+Enter in a spreadsheet) gives several address lines."""
    return [line for line in (_one_line(part) for part in text.replace("\r", "\n").split("\n")) if line]


def _signer(advocate: str, role: str | None) -> Signer:
    """'NAME, PHONE' (as --advocate takes it) -> Signer; without a phone-like tail, all of it is the name."""
    name, _, tail = advocate.rpartition(",")
    if name.strip() and sum(ch.isdigit() for ch in tail) >= 7:
        return Signer(name.strip(), role, tail.strip())
    return Signer(advocate, role)


def file_slug(name: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-") or "recipient"


def read_rows(path: Path) -> Iterator[tuple[int, list[str], list[str]]]:
    """Stream (row number as a spreadsheet shows it, cells, header) for every non-blank row."""
    shown = str(path)
    if not path.is_file():
        raise ContentError([Problem(shown, 0, "", "recipients file not found")])
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:   # utf-8-sig: a BOM is dropped
            yield from _rows(csv.reader(fh), shown)
    except UnicodeDecodeError:
        raise ContentError([Problem(shown, _first_bad_line(path), "",
                                    "not UTF-8 text; save the file as 'CSV UTF-8'")]) from None
    except OSError as exc:
        raise ContentError([Problem(shown, 0, "", f"cannot read: {exc.strerror}")]) from None


def _first_bad_line(path: Path) -> int:
    """The line holding the first byte that is not UTF-8 (text is decoded in blocks, so the
    error itself does not say)."""
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return n
    return 0


def _rows(reader, shown: str) -> Iterator[tuple[int, list[str], list[str]]]:
    row = 1
    try:
        header = next(reader, None)
        if header is None:
            raise ContentError([Problem(shown, 1, "", "the file is empty; it needs a header row")])
        for cells in reader:
            row += 1
            if any(c.strip() for c in cells):
                yield row, cells, header
    except csv.Error as exc:
        raise ContentError([Problem(shown, reader.line_num, "", f"not a readable CSV file: {exc}")]) from None


def _safe_cell(value: str) -> str:
    """Recipient text written back to CSV cannot start a spreadsheet formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


# ---- the manifest -------------------------------------------------------------------------

class Done(NamedTuple):
    file: str
    pages: int
    sha256: str
    inputs: str
    recipient: str = ""


def read_manifest(path: Path) -> dict[int, Done]:
    """Rows recorded by earlier runs; a damaged line (a run killed mid-write) is ignored."""
    done: dict[int, Done] = {}
    if not path.is_file():
        return done
    with open(path, encoding="utf-8", newline="") as fh:
        try:
            for rec in csv.DictReader(fh):
                try:
                    row, pages = int(rec["row"]), int(rec["pages"])
                    sha, file, inputs = rec["sha256"], rec["file"], rec["inputs"]
                except (KeyError, TypeError, ValueError):
                    continue
                if re.fullmatch(r"[0-9a-f]{64}", sha or "") and file and inputs and "/" not in file:
                    done[row] = Done(file, pages, sha, inputs, rec.get("recipient") or "")
        except (csv.Error, UnicodeDecodeError):
            pass
    return done


class Result(NamedTuple):
    row: int
    recipient: str
    file: str
    pages: int
    sha256: str
    inputs: str
    built: bool
    edition: BuildOptions
    letter: LetterParts | None   # only when a print file is being made


# ---- workers ------------------------------------------------------------------------------

@dataclass
class WorkerState:
    out: Path
    maker: LetterMaker
    guide: m.Guide
    editions: dict[BuildOptions, Edition]   # prepared by the process that rendered them
    combined: bool

    def edition(self, options: BuildOptions) -> Edition:
        if options not in self.editions:   # only when a packet listed as done failed its check
            self.editions.update(_render_editions(self.guide, [options], 1, self.combined)[0])
        return self.editions[options]


def _probably_done(job: Job, done: Done | None, out: Path) -> bool:
    return done is not None and done.file == job.file and done.inputs == job.inputs and (out / job.file).is_file()


_STATE: WorkerState | None = None


def _init_worker(state: WorkerState, in_pool: bool) -> None:
    global _STATE
    if in_pool:   # Ctrl-C is the main process's to handle; it stops the workers
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STATE = state


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
                                job.edition, None)
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
                data, pages = packet_pdf(s.edition(job.edition), parts)
                write_packet(s.out / job.file, data)
                r = Result(job.row, job.who.name, job.file, pages, hashlib.sha256(data).hexdigest(),
                           job.inputs, True, job.edition, None)
            results[k] = r._replace(letter=parts) if s.combined else r
    return results  # type: ignore[return-value]


def write_packet(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a killed run never leaves a half-written packet.

    Unlike output.atomic_write this does not fsync each file (about 5 ms a packet on this
    disk, the largest cost of a run) and does not scan the folder for stale temp files on
    every write (with 10,000 packets in one folder that scan alone grows quadratically).
    Neither is needed here: a rerun checks every packet it skips against its SHA-256, so a
    file lost to a power cut is rebuilt; the temp name is fixed per packet, so a stale one
    is overwritten by the next attempt (and swept at the end of a run).
    """
    tmp = path.with_name(f"{TMP_PREFIX}{path.name}.packet{TMP_SUFFIX}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
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


# ---- the run ------------------------------------------------------------------------------

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
                writer = _CsvOut(raw)
                writer.writerow(["row", "reason", *header])
            checked = checker.check(row, cells, columns, len(header))
            if checked.job is None:
                summary.rejected += 1
                writer.writerow([row, "; ".join(checked.reasons), *(_safe_cell(c) for c in cells)])
            else:
                good += 1
                job = checked.job
                if combined is not None or not _probably_done(job, previous.get(row), out):
                    editions.add(job.edition)
        if columns is None:   # header only: still check it, and leave a header-only rejects file
            header = _header_only(recipients)
            map_header(header, str(recipients))
            _CsvOut(raw).writerow(["row", "reason", *header])

    rendered, summary.editions = _render_editions(guide, sorted(editions, key=repr), jobs, combined is not None)
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
            for results in _run_batches(state, batches(), jobs):
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


# Editions rendered in this process, so a second run in the same process (tests, a notebook)
# does not render them again; keyed by the guide content, bounded.
_RENDERED: dict[tuple[str, BuildOptions], Edition] = {}
_RENDERED_MAX = 16


def _render_editions(guide: m.Guide, wanted: list[BuildOptions], jobs: int,
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


def _run_batches(state: WorkerState, batches: Iterator, jobs: int) -> Iterator[list[Result]]:
    """Results per batch, in mailing order. With a pool, only a few batches are in flight at a
    time (Pool.imap would read the whole job list ahead into its queue)."""
    if jobs == 1:
        _init_worker(state, in_pool=False)
        for batch in batches:
            yield build_batch(batch)
        return
    import multiprocessing

    with multiprocessing.Pool(jobs, initializer=_init_worker, initargs=(state, True)) as pool:
        pending: deque = deque()
        for batch in batches:
            pending.append(pool.apply_async(build_batch, (batch,)))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


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


class ManifestLog:
    """manifest.csv: rewritten clean at the start (valid earlier lines only), appended one line
    per packet as it is built (flushed, so a killed run keeps what it finished), and rewritten
    once more at the end: one line per packet of this run, in row order, no duplicates."""

    def __init__(self, path: Path, previous: dict[int, Done]):
        self.path = path
        self.rows = bytearray()   # one bit per row number: which rows this run has seen
        write_manifest(path, previous)
        self.fh = open(path, "a", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
        self.writer = csv.writer(self.fh)

    def record(self, r: Result) -> None:
        byte = r.row >> 3
        if byte >= len(self.rows):
            self.rows.extend(bytes(byte + 1 - len(self.rows) + 1024))
        self.rows[byte] |= 1 << (r.row & 7)
        if r.built:
            self.writer.writerow([r.row, _safe_cell(r.recipient), r.file, r.pages, r.sha256, r.inputs])
            self.fh.flush()

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.close()

    def compact(self) -> None:
        done = read_manifest(self.path)   # a later line for a row replaces an earlier one
        write_manifest(self.path, {row: d for row, d in done.items() if self.seen(row)})

    def seen(self, row: int) -> bool:
        return (row >> 3) < len(self.rows) and bool(self.rows[row >> 3] & (1 << (row & 7)))


def write_manifest(path: Path, done: dict[int, Done]) -> None:
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(MANIFEST_COLUMNS)
    for row in sorted(done):
        d = done[row]
        w.writerow([row, d.recipient, d.file, d.pages, d.sha256, d.inputs])
    atomic_write(path, buf.getvalue().encode("utf-8"))


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


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)


def _header_only(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh), [])


class _CsvOut:
    """csv rows onto a binary file handle (what atomic_stream gives)."""

    def __init__(self, fh):
        import io

        self.fh = fh
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf)

    def writerow(self, row) -> None:
        self.writer.writerow(row)
        self.fh.write(self.buf.getvalue().encode("utf-8"))
        self.buf.seek(0)
        self.buf.truncate()
