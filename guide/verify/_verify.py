"""A built PDF (or its Inspection) with its content and edition in; a Report of every check that applies out."""

from __future__ import annotations

import time
from collections.abc import Callable

from msgspec.structs import replace

from ..content import BuildOptions
from ..content import models as m
from ._checks_content import (check_checklists, check_glossary, check_links, check_references, check_regimens,
                              check_text)
from ._checks_document import (check_bookmarks, check_contents, check_covers, check_file, check_footer,
                               check_page_count, check_page_size, check_rebuild)
from ._checks_objects import check_accessibility, check_fonts, check_form, check_metadata
from ._inspect import DEFAULT_OPTIONS, Inspection
from ._pdffile import _captured_pypdf_log
from ._report import Check, Report, short, skip


CheckFn = Callable[[Inspection], Check]

# Checks that need the file opened by pypdf, in report order.
CHECKS: dict[str, CheckFn] = {
    "page-size": check_page_size,
    "page-count": check_page_count,
    "covers": check_covers,
    "bookmarks": check_bookmarks,
    "contents": check_contents,
    "text": check_text,
    "checklists": check_checklists,
    "regimens": check_regimens,
    "glossary": check_glossary,
    "references": check_references,
    "links": check_links,
    "fonts": check_fonts,
    "metadata": check_metadata,
    "form": check_form,
    "footer": check_footer,
}

# An imposed booklet has no single pages: text, links, form and footers are not checkable on it.
BOOKLET_CHECKS = ("page-size", "page-count", "fonts")


def run_check(fn: CheckFn, ins: Inspection, name: str) -> Check:
    """One check, timed; a damaged file that trips up the check itself is a failure, never a traceback."""
    start = time.perf_counter()
    try:
        check = fn(ins)
    except Exception as exc:
        check = Check(name, False, f"could not check: {type(exc).__name__}: {short(str(exc), 120)}")
    return replace(check, seconds=time.perf_counter() - start)


def verify_pdf(pdf: bytes, guide: m.Guide, options: BuildOptions = DEFAULT_OPTIONS, *,
               rebuild: bool = False, accessibility: bool = False) -> Report:
    """Check a built PDF against the full guide it should come from and the edition options."""
    return verify_inspection(Inspection(pdf, guide, options), rebuild=rebuild, accessibility=accessibility)


def verify_inspection(ins: Inspection, *, rebuild: bool = False, accessibility: bool = False) -> Report:
    """Every check that applies to the edition, on an Inspection (whose readings later calls reuse)."""
    options = ins.options
    chosen = CHECKS
    checks = []
    if options.print_mode == "booklet":
        chosen = {name: CHECKS[name] for name in BOOKLET_CHECKS}
        checks.append(Check("edition", True, "imposed booklet: only the sheets' file structure, size, count and "
                                             "fonts are checked; verify the single-page PDF for the rest"))
    checks.append(run_check(check_file, ins, "file"))
    if ins.reader is None:
        checks += [skip(name, "the file cannot be opened") for name in chosen]
        if rebuild:
            checks.append(skip("rebuild", "the file cannot be opened"))
        return Report(checks, input_error=ins.open_error)
    else:
        with _captured_pypdf_log(ins.pdf_warnings):
            checks += [run_check(fn, ins, name) for name, fn in chosen.items()]
            if accessibility and options.print_mode != "booklet":  # the imposed booklet is exempt
                checks.append(run_check(check_accessibility, ins, "accessibility"))
    if rebuild:
        checks.append(run_check(check_rebuild, ins, "rebuild"))
    return Report(checks)
