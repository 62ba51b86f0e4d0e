"""Content stage: YAML files in, a validated, typed Guide out (with located problems when it is wrong).

Names are imported on first use: a command loads only the modules it calls (verify needs neither the
reading-grade advice nor PEMAT, and none of them the modules that pull in PIL or Babel until asked).
"""

from .._lazy import lazy_exports

_MODULES = {
    "._advice": ("Grade", "format_warning", "grade", "reading_warnings", "section_grades", "uncited_info"),
    "._escape": ("escape",),
    "._image": ("image_problem", "print_image"),
    "._default": ("DEFAULT_CONTENT",),
    "._files": ("LIMITS", "content_inputs", "not_regular", "open_input", "read_input",
                "resolve_input", "same_file"),
    "._record": ("EDITION_KEYS", "INFO_KEY", "SCHEMA", "XMP_FIELDS", "XMP_NS", "content_hash", "edition_record",
                 "guide_record", "options_of", "record_json", "xmp_fields"),
    "._select": ("is_back_matter", "select_sections"),
    "._brand": ("MIN_CONTRAST", "contrast"),
    "._checker": ("Checker", "shown_path", "slug"),
    "._pemat": ("PematReport", "pemat"),
    "._review": ("review_status", "translation_status"),
    "._locale": ("Locale", "locale_for", "locale_languages"),
    "._pair": ("edition_folder", "languages", "pair_problems"),
    "._scripts": ("script_of",),
    "._validate": ("load_guide", "load_guide_with_usage"),
    "._yaml": ("YList", "YMap", "line_of", "load_file"),
    ".options": ("MAX_ADVOCATE", "MAX_NAME", "MAX_NOTE", "PAPERS", "PRINT_MODES", "BuildOptions"),
}
_EXPORTS = {name: module for module, names in _MODULES.items() for name in names}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted([*_EXPORTS, "models"])
