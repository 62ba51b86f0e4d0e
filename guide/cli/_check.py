"""`check` arguments in; every problem in the content (exit 2) or its reading advice (exit 0) out."""

from __future__ import annotations

import sys

from ..errors import ContentError
from ._common import add_content, content_dir, option_problem


def add_arguments(p) -> None:
    add_content(p)
    p.add_argument("--grade-target", type=float, default=8.0, metavar="GRADE",
                   help="warn about sections whose reading grade (Flesch-Kincaid) is above this (default 8)")


def run(args) -> int:
    """Validate everything (errors: exit 2), then advise: reading grade and uncited references (exit 0)."""
    from ..content import format_warning, grade, load_guide_with_usage, reading_warnings, section_grades
    from ..content import uncited_warnings
    from ..layout import drawable_codepoints

    target = args.grade_target
    if not 0 < target < 100:
        raise ContentError([option_problem("--grade-target",
                                           f"must be a reading grade above 0, like 8; not {target:g}")])
    content = content_dir(args)
    guide, cited = load_guide_with_usage(content, drawable_codepoints())
    grades = section_grades(guide, content)
    warnings = reading_warnings(grades, target) + uncited_warnings(guide, cited, content)
    for w in warnings:
        print(format_warning(w), file=sys.stderr)
    sys.stderr.flush()
    n = sum(1 for _ in guide.all_sections())
    whole = sum((g.grade for g in grades), grade([]))
    print(f"content OK: {n} sections, {len(guide.glossary)} glossary terms, {len(guide.references)} references")
    over = sum(1 for g in grades if g.grade.value > target)
    print(f"reading grade (Flesch–Kincaid) of the whole guide: {whole.value:.1f}; target {target:g}; "
          f"{over} of {len(grades)} sections above it")
    if warnings:
        print(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}; warnings do not stop a build")
    return 0
