"""`check` arguments in; every problem in the content (exit 2) or its advice and optional PEMAT-P report (exit 0) out."""

from __future__ import annotations

import sys

from ..errors import ContentError
from ._common import add_content, content_dir, option_problem


def add_arguments(p) -> None:
    add_content(p)
    p.add_argument("--pemat", action="store_true",
                   help="also print a PEMAT-P report: the items software can judge with their evidence, the "
                        "items a person must rate, and the reading grade per section")
    p.add_argument("--grade-target", type=float, default=8.0, metavar="GRADE",
                   help="warn about sections whose reading grade (Flesch-Kincaid) is above this (default 8)")


def run(args) -> int:
    """Validate everything (errors: exit 2), then advise: reading grade and the review record (warnings), the
    references never cited (information), and with --pemat the PEMAT-P evidence (exit 0)."""
    import datetime as dt

    from ..content import format_warning, grade, load_guide_with_usage, pemat, reading_warnings, review_status
    from ..content import section_grades, uncited_info
    from ..layout import register_fonts

    target = args.grade_target
    if not 0 < target < 100:
        raise ContentError([option_problem("--grade-target",
                                           f"must be a reading grade above 0, like 8; not {target:g}")])
    content = content_dir(args)
    guide, cited = load_guide_with_usage(content, register_fonts())
    grades = section_grades(guide, content)
    review = review_status(content, dt.date.today())
    warnings = reading_warnings(grades, target) + ([review] if review else [])
    for w in warnings:
        print(format_warning(w), file=sys.stderr)
    sys.stderr.flush()
    n = sum(1 for _ in guide.all_sections())
    whole = sum((g.grade for g in grades), grade([]))
    print(f"content OK: {n} sections, {len(guide.glossary)} glossary terms, {len(guide.references)} references")
    over = sum(1 for g in grades if g.grade.value > target)
    print(f"reading grade (Flesch–Kincaid) of the whole guide: {whole.value:.1f}; target {target:g}; "
          f"{over} of {len(grades)} sections above it")
    info = uncited_info(guide, cited)
    if info:
        print(f"info: {info}")
    if warnings:
        print(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}; warnings do not stop a build")
    if args.pemat:
        print("\n".join(pemat(guide, grades).lines()))
    return 0
