"""Content stage: YAML files in, a validated, typed Guide out (with located problems when it is wrong)."""

from .._resources import data_folder
from . import models
from ._advice import Grade, format_warning, grade, reading_warnings, section_grades, uncited_warnings
from ._escape import escape
from ._record import (EDITION_KEYS, INFO_KEY, SCHEMA, XMP_FIELDS, XMP_NS, content_hash, edition_record,
                      guide_record, options_of, record_json, xmp_fields)
from ._scripts import describe, nfc, script_of, undrawable_reason
from ._select import is_back_matter, select_sections
from ._brand import MIN_CONTRAST, contrast
from ._checker import Checker, shown_path, slug
from ._validate import load_guide, load_guide_with_usage
from ._yaml import YList, YMap, line_of, load_file
from .options import MAX_ADVOCATE, MAX_NAME, MAX_NOTE, PAPERS, PRINT_MODES, BuildOptions

DEFAULT_CONTENT = data_folder("default_content")  # the Stage IV guide and its letter, shipped in the package

__all__ = ["DEFAULT_CONTENT", "EDITION_KEYS", "INFO_KEY", "SCHEMA", "XMP_FIELDS", "XMP_NS", "content_hash",
           "edition_record", "guide_record", "options_of", "record_json", "xmp_fields", "MAX_ADVOCATE", "MAX_NAME",
           "MAX_NOTE", "MIN_CONTRAST", "PAPERS", "PRINT_MODES",
           "BuildOptions", "Checker", "Grade", "YList", "YMap", "contrast", "escape", "format_warning", "grade",
           "is_back_matter", "line_of", "load_file", "load_guide", "load_guide_with_usage", "models",
           "reading_warnings", "section_grades", "select_sections", "shown_path", "slug", "uncited_warnings", "describe", "nfc", "script_of", "undrawable_reason"]
