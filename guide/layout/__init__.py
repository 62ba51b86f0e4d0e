"""Layout stage: a validated guide and build options in; theme, story of flowables and the rendered PDF bytes out.

Names are imported on first use: verify needs the page geometry, the words and what the fonts draw
(_geometry, _words, _coverage: no ReportLab fonts or styles), not the flowables and document template
that pull in reportlab.platypus (about 50 ms at start-up).
"""

from .._lazy import lazy_exports

_PARTS = {
    "._flowables": ("Checkbox", "ContentsLine", "Panel", "PassState", "WriteLine", "with_role"),
    "._note": ("NOTE_TITLE", "note_flowables"),
    "._person": ("clean_person_text", "font_problem"),
    "._blocks": ("Ctx", "markup", "render_block"),
    "._para": ("Paragraph",),
    "._document": ("PageMap", "even_pages", "flate_only", "plan_pages", "render", "render_counted"),
    "._story": ("build_story", "section_key"),
    "._report": ("EDITIONS", "LayoutReport", "edition_report", "layout_report"),
    "._words": ("content_date", "evidence_label", "not_reported", "review_about", "review_footer", "review_lines",
                "sources_label", "translation_about", "translation_notice", "words"),
    "._fallback": ("draw_runs", "fallback_markup", "runs", "text_width", "unsupported"),
    "._geometry": ("BLEED", "PAPERS", "SAFE_ZONE", "Geometry", "geometry"),
    "._coverage": ("Drawable", "content_drawable"),
    "._theme": ("Theme", "atkinson_codepoints", "make_theme", "register_fonts", "to_color",
                "variant"),
}
_EXPORTS = {name: module for module, names in _PARTS.items() for name in names}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
