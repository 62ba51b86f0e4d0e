"""`packet` arguments in; the mailing run carried out, its summary printed and its exit code (limits on rejects) out."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from ..errors import ContentError, Problem
from ..mail import DEFAULT_OUT, HISTORY, MANIFEST, REJECTS, REMAIL_AFTER, SKIPPED, Summary
from ._common import add_content, content_dir, review_warning

MAX_DATE_DISTANCE = 366   # days: a letter date further from today is a typo (0001-01-01, 2062)


def add_arguments(p) -> None:
    p.description = ("Build one mailing packet per recipient: a cover letter laid out for a window envelope "
                     "(envelope: \"#10\" or \"9x12\" in letter.yaml), followed by the guide in the edition the "
                     "person asked for. Each run writes its own folder OUT/RUN-ID/ with a job ticket (ticket.txt: "
                     "sheets, weights, ZIP counts); rerunning the same command on the same file resumes it.")
    p.add_argument("--recipients", metavar="CSV", required=True,
                   help="recipients file (CSV with a header row; comma, semicolon or tab separated; UTF-8 with or "
                        "without BOM, or UTF-16 with BOM). Columns: name (or first_name + "
                        "last_name), address1, address2, address3, city, state, zip; optional: edition "
                        "(standard | large print), paper (letter | a4), sections (ids), advocate "
                        "(\"NAME, PHONE\"), country (US only). Common spellings such as address_line_1, "
                        "'Address 1', zip_code and postal_code are accepted.")
    p.add_argument("--encoding", metavar="NAME", default=None,
                   help="the file's encoding when it has no BOM and is not UTF-8, e.g. cp1252 for Excel's "
                        "'CSV (Comma delimited)'")
    p.add_argument("--letter", metavar="YAML", default=None,
                   help="letter settings (default: letter.yaml in the content folder)")
    p.add_argument("--out", metavar="DIR", default=str(DEFAULT_OUT), help=f"output folder (default: {DEFAULT_OUT})")
    p.add_argument("--history", metavar="PATH", default=None,
                   help=f"history database (default: {HISTORY} in the output folder); share one across folders")
    p.add_argument("--no-history", action="store_true",
                   help="keep no history database: no check against earlier mailings (one-off runs)")
    p.add_argument("--remail-after", metavar="DAYS", type=int, default=REMAIL_AFTER,
                   help=f"skip a person mailed by another run within DAYS days (default {REMAIL_AFTER})")
    p.add_argument("--remail", action="store_true", help="mail people an earlier run mailed, too")
    p.add_argument("--max-rejects", metavar="N|N%", default=None,
                   help="exit 1 when more rows than this are rejected (everything good is still built)")
    p.add_argument("--wait", metavar="SECONDS", type=float, default=0.0,
                   help="wait this long for another run writing the same folder or history (default 0)")
    p.add_argument("--combined", metavar="PDF", nargs="?", const="", default=None,
                   help="also write print files in ZIP order, to print on both sides: one per paper size and "
                        "edition in the run's folder (print-letter-standard.pdf, print-letter-large-print.pdf, "
                        "print-a4-standard.pdf ...), or, given PDF, one file of every piece in one ZIP order (for a "
                        "printer that picks the paper by page size); presort.csv lists each piece's tray and pages")
    p.add_argument("--tray-size", metavar="N", default=None,
                   help="pieces per tray in presort.csv (default: as many as fill the 21 in of a 2-foot letter "
                        "tray at the pieces' thickness)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes (default: all cores; at most 4 per core)")
    p.add_argument("--window", metavar="L,T,W,H", default=None,
                   help="address window in inches from the letter's top-left: left, top, width, height "
                        "(default from the letter settings; standard #10: 1.0,2.17,3.25,0.875; 9x12: "
                        "1.0,1.75,3.25,0.875)")
    p.add_argument("--date", metavar="YYYY-MM-DD", default=None,
                   help="date printed on the letters (default from the letter settings: usually today); "
                        "within a year of today")
    p.add_argument("--force", action="store_true", help="rebuild every packet of the run, even those already done")
    p.add_argument("--require-review", action="store_true",
                   help="refuse to mail content that no clinician has reviewed or whose review is overdue "
                        "(review in guide.yaml); without it such content is mailed with a warning")
    add_content(p)


def _problem(option: str, message: str) -> ContentError:
    return ContentError([Problem(option, 0, "", message)])


def max_rejects(text: str | None) -> tuple[float, bool] | None:
    """'10' -> (10, False); '5%' -> (5, True)."""
    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*", text)
    if not m or (m.group(2) and float(m.group(1)) > 100) or (not m.group(2) and "." in m.group(1)):
        raise _problem("--max-rejects", f"must be a count like 10 or a share like 5%, not {text!r}")
    return float(m.group(1)), bool(m.group(2))


MAX_TRAY = 10_000


def tray_size(text: str | None) -> int | None:
    """'150' -> 150; None or 'auto' -> None (fill trays by thickness)."""
    if text is None or text.strip().lower() == "auto":
        return None
    if not re.fullmatch(r"\s*\d+\s*", text) or not 1 <= int(text) <= MAX_TRAY:
        raise _problem("--tray-size", f"must be a number of pieces from 1 to {MAX_TRAY:,} (or auto), not {text!r}")
    return int(text)


def letter_date(text: str | None, today: dt.date) -> dt.date | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise _problem("--date", f"must be a date like 2026-12-01, not {text!r}") from None
    if abs((day - today).days) > MAX_DATE_DISTANCE:
        raise _problem("--date", f"{day.isoformat()} is more than a year from today ({today.isoformat()}); "
                                 "give the date the letters go out")
    return day


def run(args) -> int:
    from ..mail import cores, make_packets

    content = content_dir(args)
    limit = max_rejects(args.max_rejects)
    trays = tray_size(args.tray_size)
    jobs = args.jobs if args.jobs is not None else cores()
    if jobs < 1:
        raise _problem("--jobs", "must be at least 1")
    if jobs > 4 * cores():
        print(f"note: --jobs {jobs} capped at {4 * cores()} (4 per core, {cores()} cores)", file=sys.stderr)
        jobs = 4 * cores()
    if args.remail_after < 0:
        raise _problem("--remail-after", "must be 0 or more days")
    if args.history and args.no_history:
        raise _problem("--history", "give --history or --no-history, not both")
    day = letter_date(args.date, dt.date.today())
    if args.require_review:
        from ..content import review_status

        why = review_status(content, dt.date.today())
        if why is not None:
            raise ContentError([Problem(why.file, why.line, why.path,
                                        f"--require-review: not mailing: {why.message}")])
    else:
        review_warning(content)
    out = Path(args.out)
    combined: Path | bool | None = None   # True: a print file per paper size and edition in the run's folder
    if args.combined is not None:
        combined = Path(args.combined) if args.combined else True
    history = False if args.no_history else (Path(args.history) if args.history else None)
    summary = make_packets(content, Path(args.recipients), out,
                           letter=Path(args.letter) if args.letter else None,
                           window=args.window, day=day, jobs=jobs,
                           combined=combined,
                           force=args.force, progress="bar" if sys.stderr.isatty() else "lines",
                           history=history, remail_after=args.remail_after, remail=args.remail,
                           encoding=args.encoding, wait=args.wait, tray_size=trays)
    print(describe(summary))
    return exit_code(summary, limit, args.max_rejects)


def exit_code(s: Summary, limit: tuple[float, bool] | None, shown: str | None) -> int:
    if s.rows and not (s.built + s.skipped):
        print(f"error: no packet was built from {s.rows:,} row{'s' if s.rows != 1 else ''} "
              f"({s.rejected:,} rejected, {s.duplicates + s.mailed_before:,} skipped)", file=sys.stderr)
        return 1
    if limit is not None:
        n, share = limit
        over = s.rejected * 100 > n * s.rows if share else s.rejected > n
        if over:
            print(f"error: {s.rejected:,} of {s.rows:,} rows rejected, more than --max-rejects {shown}",
                  file=sys.stderr)
            return 1
    return 0


def describe(s: Summary) -> str:
    folder = s.folder or Path(".")
    rate = f"{s.rate:.1f} packets/s" if s.built else "nothing to build"
    lines = [f"built {s.built}, rejected {s.rejected}, skipped {s.skipped} (already done) "
             f"in {s.seconds:.2f} s ({rate}); guide editions rendered: {s.editions}"]
    lines.append(f"run {s.run_id} ({'resumed' if s.resumed else 'new'}): {folder}")
    if s.duplicates or s.mailed_before:
        lines.append(f"skipped {s.duplicates} duplicate{'s' if s.duplicates != 1 else ''} and "
                     f"{s.mailed_before} mailed before: {folder / SKIPPED}")
    if s.repaired:
        lines.append(f"repaired {s.repaired} (state names, dropped ZIP zeros): see the notes in {folder / MANIFEST}")
    if s.rejected:
        lines.append(f"rejected rows and reasons: {folder / REJECTS}")
    lines.append(f"packets and manifest: {folder / MANIFEST}")
    if s.history:
        lines.append(f"history: {s.history}")
    for path, pieces, pages in s.print_files or ():
        lines.append(f"print file: {path} ({pieces} piece{'s' if pieces != 1 else ''}, {pages} pages)")
    if s.presort:
        lines.append(f"trays: {s.trays} (presort: {s.presort})")
    if s.ticket:
        lines.append(f"job ticket: {s.ticket}" + ("" if s.reaches_minimum else
                                                   " (under the 200 pieces of USPS automation prices)"))
    if s.over_limit:
        lines.append(f"warning: {s.over_limit} piece{'s are' if s.over_limit != 1 else ' is'} {s.over_example} "
                     f"(noted in {folder / MANIFEST})")
    return "\n".join(lines)
