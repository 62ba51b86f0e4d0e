"""`packet` arguments in; the mailing run carried out and its summary printed out."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from ..errors import ContentError, Problem
from ..mail import COMBINED, DEFAULT_OUT, MANIFEST, REJECTS, Summary
from ._common import add_content, content_dir, review_warning


def add_arguments(p) -> None:
    p.description = ("Build one mailing packet per recipient: a cover letter laid out for a #10 window "
                     "envelope, followed by the guide in the edition the person asked for.")
    p.add_argument("--recipients", metavar="CSV", required=True,
                   help="recipients file (UTF-8 CSV with a header row). Columns: name (or first_name + "
                        "last_name), address1, address2, address3, city, state, zip; optional: edition "
                        "(standard | large print), paper (letter | a4), sections (ids), advocate "
                        "(\"NAME, PHONE\"), country (US only). Common spellings such as address_line_1, "
                        "'Address 1', zip_code and postal_code are accepted.")
    p.add_argument("--letter", metavar="YAML", default=None,
                   help="letter settings (default: letter.yaml in the content folder)")
    p.add_argument("--out", metavar="DIR", default=str(DEFAULT_OUT), help=f"output folder (default: {DEFAULT_OUT})")
    p.add_argument("--combined", metavar="PDF", nargs="?", const="", default=None,
                   help=f"also write one print file of every packet in mailing order "
                        f"(default name: {COMBINED} in the output folder)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes (default: all cores)")
    p.add_argument("--window", metavar="L,T,W,H", default=None,
                   help="address window in inches from the letter's top-left: left, top, width, height "
                        "(default from the letter settings; standard #10: 1.0,2.17,3.25,0.875)")
    p.add_argument("--date", metavar="YYYY-MM-DD", default=None,
                   help="date printed on the letters (default from the letter settings: usually today)")
    p.add_argument("--force", action="store_true", help="rebuild every packet, even those already done")
    p.add_argument("--require-review", action="store_true",
                   help="refuse to mail content that no clinician has reviewed or whose review is overdue "
                        "(review in guide.yaml); without it such content is mailed with a warning")
    add_content(p)


def run(args) -> int:
    from ..mail import cores, make_packets

    content = content_dir(args)
    jobs = args.jobs if args.jobs is not None else cores()
    if jobs < 1:
        raise ContentError([Problem("--jobs", 0, "", "must be at least 1")])
    day = None
    if args.date:
        try:
            day = dt.date.fromisoformat(args.date)
        except ValueError:
            problem = Problem("--date", 0, "", f"must be a date like 2026-12-01, not {args.date!r}")
            raise ContentError([problem]) from None
    if args.require_review:
        from ..content import review_status

        why = review_status(content, dt.date.today())
        if why is not None:
            raise ContentError([Problem(why.file, why.line, why.path,
                                        f"--require-review: not mailing: {why.message}")])
    else:
        review_warning(content)
    out = Path(args.out)
    combined = None
    if args.combined is not None:
        combined = Path(args.combined) if args.combined else out / COMBINED
    summary = make_packets(content, Path(args.recipients), out,
                           letter=Path(args.letter) if args.letter else None,
                           window=args.window, day=day, jobs=jobs, combined=combined, force=args.force,
                           progress=sys.stderr.isatty())
    print(describe(summary, out))
    return 0


def describe(s: Summary, out: Path) -> str:
    rate = f"{s.rate:.1f} packets/s" if s.built else "nothing to build"
    lines = [f"built {s.built}, rejected {s.rejected}, skipped {s.skipped} (already done) "
             f"in {s.seconds:.2f} s ({rate}); guide editions rendered: {s.editions}"]
    if s.rejected:
        lines.append(f"rejected rows and reasons: {out / REJECTS}")
    lines.append(f"packets and manifest: {out / MANIFEST}")
    if s.combined:
        lines.append(f"print file: {s.combined} ({s.combined_pages} pages)")
    return "\n".join(lines)
