"""Layout stage: a validated guide and build options in; theme, story of flowables and the rendered PDF bytes out."""

from ._flowables import Checkbox, ContentsLine, Panel, PassState, WriteLine, with_role
from ._note import NOTE_TITLE, note_flowables
from ._person import clean_person_text, font_problem
from ._blocks import Ctx, markup, render_block
from ._document import render
from ._story import build_story, reviewed, section_key
from ._theme import BLEED, PAPERS, SAFE_ZONE, Theme, make_theme, register_fonts, to_color, variant
from ._fallback import (FALLBACK_FAMILY, draw_string, drawable_codepoints, fallback_paragraph, needs_fallback, register_fallback,
                        runs, string_width, undrawable)

__all__ = ["FALLBACK_FAMILY", "draw_string", "fallback_paragraph", "needs_fallback", "register_fallback",
           "runs", "string_width", "undrawable", "BLEED", "NOTE_TITLE", "PAPERS", "SAFE_ZONE", "Checkbox", "ContentsLine", "Ctx", "Panel", "PassState", "Theme",
           "WriteLine", "build_story", "clean_person_text", "drawable_codepoints", "font_problem", "make_theme",
           "markup", "note_flowables", "register_fonts", "reviewed", "render", "render_block", "section_key", "to_color", "variant",
           "with_role"]
