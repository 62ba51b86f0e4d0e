"""Content stage: YAML files in, a validated, typed Guide out (with located problems when it is wrong)."""

from pathlib import Path

from . import models
from ._advice import Grade, format_warning, grade, reading_warnings, section_grades, uncited_warnings
from ._escape import escape
from ._record import (EDITION_KEYS, INFO_KEY, SCHEMA, XMP_FIELDS, XMP_NS, content_hash, edition_record,
                      guide_record, options_of, record_json, xmp_fields)
from ._select import select_sections
from ._validate import (MIN_CONTRAST, Checker, contrast, load_guide, load_guide_with_usage, shown_path,
                        slug)
from ._yaml import YList, YMap, line_of, load_file
from .options import MAX_ADVOCATE, MAX_NAME, PAPERS, PRINT_MODES, BuildOptions

DEFAULT_CONTENT = Path(__file__).resolve().parent.parent.parent / "content"

__all__ = ["DEFAULT_CONTENT", "EDITION_KEYS", "INFO_KEY", "SCHEMA", "XMP_FIELDS", "XMP_NS", "content_hash",
           "edition_record", "guide_record", "options_of", "record_json", "xmp_fields", "MAX_ADVOCATE", "MAX_NAME", "MIN_CONTRAST", "PAPERS", "PRINT_MODES",
           "BuildOptions", "Checker", "Grade", "YList", "YMap", "contrast", "escape", "format_warning", "grade",
           "line_of", "load_file", "load_guide", "load_guide_with_usage", "models", "reading_warnings",
           "section_grades", "select_sections", "shown_path", "slug", "uncited_warnings"]
