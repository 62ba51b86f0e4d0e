"""`desk-log` arguments in; the advocate desk's handed-out copies counted per day and edition (a table or CSV) out."""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

from ..errors import GuideError


class LogError(GuideError):
    exit_code = 2


def add_arguments(p) -> None:
    p.add_argument("--log", metavar="PATH", default=None, help="the handout log (default: out/desk.sqlite)")
    p.add_argument("--since", metavar="DATE", default=None, help="only from this day on (YYYY-MM-DD)")
    p.add_argument("--csv", action="store_true", help="print CSV: day,edition,copies")
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")
    p.description = "Count the copies the advocate desk handed out, per day and edition."


def run(args) -> int:
    from ..desk import DEFAULT_LOG, HandoutLog

    path = Path(args.log) if args.log else DEFAULT_LOG
    if args.since:
        try:
            date.fromisoformat(args.since)
        except ValueError:
            raise LogError(f"--since: {args.since!r} is not a date like 2026-12-01") from None
    if not path.exists():
        raise LogError(f"no handout log at {path} (the desk writes one when it hands out a copy)")
    rows = HandoutLog(path).counts(args.since)
    if args.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["day", "edition", "copies"])
        w.writerows(rows)
        return 0
    if not rows:
        print("no copies handed out" + (f" since {args.since}" if args.since else ""))
        return 0
    width = max(len(e) for _, e, _ in rows)
    print(f"{'day':10}  {'edition':{width}}  copies")
    for day, edition, n in rows:
        print(f"{day:10}  {edition:{width}}  {n:>6}")
    print(f"{'total':10}  {'':{width}}  {sum(n for *_, n in rows):>6}")
    return 0
