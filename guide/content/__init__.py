"""Content stage: YAML files in, a validated, typed Guide out (with located problems when it is wrong)."""

from .._resources import data_folder
from . import models
from ._advice import Grade, format_warning, grade, reading_warnings, section_grades, uncited_info
from ._escape import escape
from ._image import image_problem, print_image
from ._files import LIMITS, content_inputs, not_regular, open_input, read_input, resolve_input, same_file
from ._record import (EDITION_KEYS, INFO_KEY, SCHEMA, XMP_FIELDS, XMP_NS, content_hash, edition_record,
                      guide_record, options_of, record_json, xmp_fields)
from ._select import is_back_matter, select_sections
from ._brand import MIN_CONTRAST, contrast
from ._checker import Checker, shown_path, slug
from ._pemat import PematReport, pemat
from ._review import review_status
from ._scripts import script_of
from ._validate import load_guide, load_guide_with_usage
from ._yaml import YList, YMap, line_of, load_file
from .options import MAX_ADVOCATE, MAX_NAME, MAX_NOTE, PAPERS, PRINT_MODES, BuildOptions

DEFAULT_CONTENT = data_folder("default_content")  # the Stage IV guide and its letter, shipped in the package

__all__ = ["DEFAULT_CONTENT", "EDITION_KEYS", "INFO_KEY", "LIMITS", "MAX_ADVOCATE", "MAX_NAME", "MAX_NOTE",
           "MIN_CONTRAST", "PAPERS", "PRINT_MODES", "SCHEMA", "XMP_FIELDS", "XMP_NS", "BuildOptions", "Checker",
           "Grade", "YList", "YMap", "content_hash", "content_inputs", "contrast", "edition_record", "escape",
           "format_warning", "grade", "guide_record", "image_problem", "is_back_matter", "line_of", "load_file",
           "load_guide", "load_guide_with_usage", "models", "not_regular", "open_input", "options_of",
           "PematReport", "pemat", "print_image", "read_input", "reading_warnings", "review_status", "record_json", "resolve_input", "same_file", "script_of",
           "section_grades", "select_sections", "shown_path", "slug", "uncited_info", "xmp_fields"]
