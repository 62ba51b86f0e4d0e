"""Parsed arguments in; the options every command shares (content folder, edition) out, checked as untrusted input."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..content import DEFAULT_CONTENT, MAX_ADVOCATE, MAX_NAME, MAX_NOTE, PAPERS, PRINT_MODES, BuildOptions
from ..errors import ContentError, Problem


def add_content(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", metavar="DIR", default=None,
                   help="content folder (default: the Stage IV mesothelioma guide that comes with this tool)")
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")


def add_edition(p: argparse.ArgumentParser) -> None:
    p.add_argument("--paper", choices=PAPERS, default="letter", help="paper size (default: letter)")
    p.add_argument("--large-print", action="store_true", help="large-print edition (18 pt and up)")
    p.add_argument("--sections", metavar="ID[,ID...]", default=None,
                   help="only these sections (the 'sections' command lists them)")
    p.add_argument("--for", dest="prepared_for", metavar="NAME", default=None,
                   help='print "Prepared for NAME" on the cover')
    p.add_argument("--advocate", metavar='"NAME, PHONE"', default=None,
                   help="the advocate's contact, shown in the help panel")
    p.add_argument("--note", metavar="TEXT", default=None,
                   help=f'a short note (up to {MAX_NOTE} characters) in a box on the page after the cover: '
                        '"A note from your advocate"')
    p.add_argument("--print", dest="print_mode", choices=PRINT_MODES, default=None,
                   help="print-shop output: booklet (imposed 2-up) or shop (bleed and crop marks)")
    p.add_argument("--cmyk", action="store_true", help="all colours in CMYK")


def content_dir(args) -> Path:
    return Path(args.content) if args.content else DEFAULT_CONTENT


def edition_options(args) -> BuildOptions:
    from ..layout import clean_person_text

    sections = None
    if args.sections is not None:
        sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
        if not sections:
            raise ContentError([option_problem("--sections", "give at least one section id")])
    prepared_for = clean_person_text(args.prepared_for, "--for", MAX_NAME) if args.prepared_for else None
    advocate = clean_person_text(args.advocate, "--advocate", MAX_ADVOCATE) if args.advocate else None
    note = clean_person_text(args.note, "--note", MAX_NOTE) if args.note else None
    return BuildOptions(paper=args.paper, large_print=args.large_print, sections=sections,
                        prepared_for=prepared_for, advocate=advocate, print_mode=args.print_mode,
                        cmyk=args.cmyk, note=note)


def option_problem(option: str, message: str) -> Problem:
    return Problem(option, 0, "", message)


def review_warning(content: Path):
    """Say on stderr, as check does, when the content is unreviewed or its review is overdue;
    return the problem (None when the review is current)."""
    import datetime as dt
    import sys

    from ..content import format_warning, review_status

    problem = review_status(content, dt.date.today())
    if problem is not None:
        print(format_warning(problem), file=sys.stderr)
        sys.stderr.flush()
    return problem
