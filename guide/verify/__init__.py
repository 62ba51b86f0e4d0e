"""Verify stage: a built PDF and the content and edition it claims to come from in; a report of named checks out.

Names are imported on first use (reading a PDF needs pypdf, which a plain build never loads).
"""

from .._lazy import lazy_exports

_PUBLIC = ("BOOKLET_CHECKS", "CHECKS", "DEFAULT_OPTIONS", "Anchor", "Check", "Heading", "Inspection", "Report", "Run",
           "block_texts", "check_accessibility", "check_bookmarks", "check_checklists", "check_contents",
           "check_covers", "check_file", "check_fonts", "check_footer", "check_form", "check_glossary",
           "check_links", "check_metadata", "check_page_count", "check_page_size", "check_rebuild",
           "check_references", "check_regimens", "check_text", "cite_text", "expected_links",
           "expected_page_range", "flat_outline", "fmt_figure", "form_fields", "reader_text", "regimen_forms",
           "run_check", "short", "squash", "verify_inspection", "verify_pdf")
_EXPORTS = dict.fromkeys(_PUBLIC, "._verify")
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
