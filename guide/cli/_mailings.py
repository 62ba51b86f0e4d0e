"""`mailings runs|find|export` arguments in; the history database's runs, matching pieces or a CSV export out."""

from __future__ import annotations

from pathlib import Path

from ..errors import ContentError, Problem
from ..mail import DEFAULT_OUT, HISTORY


def add_arguments(p) -> None:
    p.description = "Read the mailing history: which runs there were, who was mailed what and when."
    p.add_argument("--history", metavar="PATH", default=None,
                   help=f"history database (default: {HISTORY} in --out)")
    p.add_argument("--out", metavar="DIR", default=str(DEFAULT_OUT),
                   help=f"the packet output folder whose history to read (default: {DEFAULT_OUT})")
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = p.add_subparsers(dest="what", required=True)
    sub.add_parser("runs", help="one line per run: id, date, built, skipped, rejected")
    find = sub.add_parser("find", help="pieces whose name or address contains TEXT (any case)")
    find.add_argument("text", metavar="TEXT")
    export = sub.add_parser("export", help="every piece (or one run's) as CSV")
    export.add_argument("--run", metavar="ID", default=None, help="only this run")
    export.add_argument("--csv", metavar="FILE", required=True, help="the CSV file to write (mode 0600)")


def _open(args):
    from ..mail import History

    path = Path(args.history) if args.history else Path(args.out) / HISTORY
    if not path.is_file():
        raise ContentError([Problem(str(path), 0, "", "no history database here; run 'packet' first "
                                    "or give --history PATH")])
    return path, History(path)


def run(args) -> int:
    path, hist = _open(args)
    try:
        if args.what == "runs":
            rows = hist.runs()
            print(f"{'run':<32} {'date':<10} {'built':>7} {'skipped':>7} {'rejected':>8}  state")
            for run_id, day, _started, ended, built, skipped, rejected, _name in rows:
                print(f"{run_id:<32} {day:<10} {built:>7,} {skipped:>7,} {rejected:>8,}  "
                      f"{'finished' if ended else 'unfinished'}")
            print(f"{len(rows)} run{'s' if len(rows) != 1 else ''} in {path}")
        elif args.what == "find":
            found = hist.find(args.text)
            for run_id, day, row, name, _address, edition, paper, file, status, reason in found:
                what = f"{edition}, {paper}, {file}" if status == "built" else f"{status.replace('_', ' ')}: {reason}"
                print(f"{run_id}  {day}  row {row}  {name}  {what}")
            print(f"{len(found)} piece{'s' if len(found) != 1 else ''} found")
        else:
            return _export(args, path, hist)
    finally:
        hist.close()
    return 0


def _export(args, path: Path, hist) -> int:
    from ..mail._manifest import private_csv, safe_cell

    target = Path(args.csv)
    if target.exists() and (not target.is_file() or target.resolve() == path.resolve()):
        raise ContentError([Problem("--csv", 0, "", f"{target} is not a file we can replace; give a new file name")])
    if args.run and args.run not in hist.run_ids():
        raise ContentError([Problem("--run", 0, "", f"no run {args.run!r} in {path}; see 'mailings runs'")])
    n = 0
    with private_csv(target) as w:
        w.writerow(hist.EXPORT_COLUMNS)
        for rec in hist.export(args.run):
            w.writerow([safe_cell(str(v)) if isinstance(v, str) else ("" if v is None else v) for v in rec])
            n += 1
    print(f"{n:,} piece{'s' if n != 1 else ''} written to {target}")
    return 0
