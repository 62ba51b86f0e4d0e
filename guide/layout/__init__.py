"""Layout stage: a validated guide and build options in; theme, story of flowables and the rendered PDF bytes out."""

from ._flowables import Checkbox, ContentsLine, Panel, PassState, WriteLine, with_role
from ._note import NOTE_TITLE, note_flowables
from ._person import clean_person_text, font_problem
from ._blocks import Ctx, markup, render_block
from ._document import PageMap, even_pages, plan_pages, render, render_counted
from ._story import build_story, section_key
from ._report import EDITIONS, LayoutReport, edition_report, layout_report
from ._words import (content_date, evidence_label, not_reported, review_about, review_footer, review_lines,
                     sources_label, translation_about, translation_notice, words)
from ._fallback import draw_runs, fallback_markup, runs, text_width, unsupported
from ._theme import (BLEED, PAPERS, SAFE_ZONE, Theme, atkinson_codepoints, drawable_codepoints, make_theme, register_fonts, to_color,
                     variant)

__all__ = ["even_pages", "EDITIONS", "LayoutReport", "edition_report", "layout_report", "atkinson_codepoints", "draw_runs", "fallback_markup", "runs", "text_width", "unsupported",
           "BLEED", "NOTE_TITLE", "PAPERS", "content_date", "evidence_label", "translation_about", "translation_notice", "words", "not_reported", "review_about",
           "review_footer", "review_lines", "sources_label", "SAFE_ZONE", "Checkbox", "ContentsLine", "Ctx", "PageMap",
           "Panel", "PassState", "Theme", "WriteLine", "build_story", "clean_person_text", "drawable_codepoints",
           "font_problem", "make_theme", "markup", "note_flowables", "plan_pages", "register_fonts", "render",
           "render_block", "render_counted", "section_key", "to_color", "variant",
           "with_role"]
