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
    p.add_argument("--pair", metavar="LANG", default=None,
                   help="also compare the paired edition <content>/LANG/ with the content folder: the same "
                        "sections, checklist items, terms, references and citations, every number and drug "
                        "(each mismatch located in the translated file)")
    p.add_argument("--layout", action="store_true",
                   help="also print a layout report of the Letter and A4, standard and large-print editions: each "
                        "page's lines of text and how far down it is filled, pages with three lines or fewer and "
                        "pages under half full flagged")
    p.add_argument("--grade-target", type=float, default=8.0, metavar="GRADE",
                   help="warn about sections whose reading grade (Flesch-Kincaid; Crawford for Spanish) is above this "
                        "(default 8)")


def run(args) -> int:
    """Validate everything (errors: exit 2), then advise: reading grade and the review record (warnings), the
    references never cited (information), and with --pemat the PEMAT-P evidence (exit 0)."""
    import datetime as dt

    from ..content import format_warning, grade, load_guide_with_usage, pemat, reading_warnings, review_status
    from ..content import section_grades, translation_status, uncited_info
    from ..layout import content_drawable

    target = args.grade_target
    if not 0 < target < 100:
        raise ContentError([option_problem("--grade-target",
                                           f"must be a reading grade above 0, like 8; not {target:g}")])
    content = content_dir(args)
    guide, cited = load_guide_with_usage(content, content_drawable())
    if args.pair:
        _pair(args, guide)
    grades = section_grades(guide, content)
    review = review_status(content, dt.date.today())
    unreviewed = translation_status(content)
    warnings = reading_warnings(grades, target) + [w for w in (review, unreviewed) if w]
    for w in warnings:
        print(format_warning(w), file=sys.stderr)
    sys.stderr.flush()
    n = sum(1 for _ in guide.all_sections())
    whole = sum((g.grade for g in grades), grade([], guide.language))
    print(f"content OK: {n} sections, {len(guide.glossary)} glossary terms, {len(guide.references)} references")
    over = sum(1 for g in grades if g.grade.value > target)
    print(f"reading grade ({whole.formula}) of the whole guide: {whole.value:.1f}; target {target:g}; "
          f"{over} of {len(grades)} sections above it")
    info = uncited_info(guide, cited)
    if info:
        print(f"info: {info}")
    if warnings:
        print(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}; warnings do not stop a build")
    if args.pemat:
        print("\n".join(pemat(guide, grades).lines()))
    if args.layout:
        _layout(guide)
    return 0


def _layout(guide) -> None:
    """The layout report of the four whole-guide editions (advice: it never changes the exit code)."""
    from ..layout import EDITIONS, edition_report

    flagged = 0
    for name, options in EDITIONS:
        report = edition_report(guide, options, name)
        print("\n".join(report.lines_out()))
        flagged += len(report.flagged)
    print(f"layout: {flagged} flagged page{'s' if flagged != 1 else ''} in {len(EDITIONS)} editions")


def _pair(args, original) -> None:
    """Load the paired edition and compare it with ``original``; ContentError (exit 2) on any drift."""
    from ..content import edition_folder, load_guide, pair_problems
    from ..layout import content_drawable

    base = content_dir(args)
    folder = edition_folder(base, args.pair, "--pair")
    if folder == base:
        raise ContentError([option_problem("--pair", f"names the content folder's own language; give the "
                                                     f"language of a paired folder such as {base}/es/")])
    translated = load_guide(folder, content_drawable())
    problems = pair_problems(original, translated, folder)
    if problems:
        raise ContentError(problems)
    print(f"pair OK: {folder.name}/ matches the {original.language} edition section by section")
