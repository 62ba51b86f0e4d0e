"""Verify stage: a built PDF and the content and edition it claims to come from in; a report of named checks out.

This is the project's one library of PDF checks: the ``verify`` command, CI and the end-to-end
tests all call these functions rather than keeping copies. Every expected value comes from the
content (after ``select_sections`` for a sections copy) and the theme, never from constants here.

Usage from Python (``guide`` is the full guide from ``build.load``; options as built)::

    report = verify_pdf(pdf_bytes, guide, BuildOptions(...))   # every check -> Report
    report.ok, report["links"].detail, report.lines()
    ins = Inspection(pdf_bytes, guide, options)                # read once, then any check:
    check_fonts(ins), check_links(ins), ...                    # each returns a Check
    verify_inspection(ins, rebuild=True)                       # all of them on that reading

``CHECKS`` lists the checks in report order; ``check_rebuild`` and ``check_accessibility``
are the optional ones (``--rebuild``, ``--accessibility``).

The modules, each importing only those above it: ``_report`` (Check, Report), ``_pdffile`` (pypdf's
reading: pages, text runs, links, outline, form fields), ``_inspect`` (where the content stands in it),
``_expect`` (what the content says the PDF holds), ``_checks_document``, ``_checks_content`` and
``_checks_objects`` (the checks), ``_verify`` (the CHECKS table and verify_pdf), ``_record`` (the build
record a file carries), ``_checks_letter`` (a packet's cover letter) and ``_verify_file`` (verify_file: the
checks a file's build record calls for, guide, packet or print file, with options given overriding it).

Names are imported on first use (reading a PDF needs pypdf, which a plain build never loads).
"""

from .._lazy import lazy_exports

_MODULES = {
    "._report": ("Check", "Report", "short", "skip"),
    "._record": ("read_record", "recorded_language"),
    "._checks_letter": ("LetterExpect", "check_letter"),
    "._verify_file": ("verify_file",),
    "._pdffile": ("PdfFile", "Run", "flat_outline", "form_fields", "squash"),
    "._inspect": ("DEFAULT_OPTIONS", "Anchor", "Heading", "Inspection"),
    "._expect": ("block_texts", "cite_text", "expected_links", "expected_page_range", "fmt_figure", "reader_text",
                 "regimen_forms"),
    "._checks_document": ("check_bookmarks", "check_contents", "check_covers", "check_file", "check_footer",
                          "check_page_count", "check_page_size", "check_rebuild"),
    "._checks_content": ("check_checklists", "check_glossary", "check_links", "check_references", "check_regimens",
                         "check_text"),
    "._checks_objects": ("check_accessibility", "check_fonts", "check_form", "check_metadata"),
    "._verify": ("BOOKLET_CHECKS", "CHECKS", "run_check", "verify_inspection", "verify_pdf"),
}
_EXPORTS = {name: module for module, names in _MODULES.items() for name in names}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
