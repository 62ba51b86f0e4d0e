"""An advocate's note (already cleaned text) and the theme in; the boxed "A note from your advocate" flowables out.

It stands at the top of the page after the cover, so the family sees it before the contents.
A panel is tagged as a Div; its title and text are plain paragraphs (P), not headings, so the
heading order of the guide stays as it is with or without a note.
"""

from __future__ import annotations

from ._fallback import fallback_markup
from reportlab.platypus import Spacer

from ..content import escape
from ._flowables import Panel, with_role
from ._para import Paragraph

NOTE_TITLE = "A note from your advocate"  # en-US; the printed title is the locale's note_title


def note_flowables(note: str | None, theme, title_text: str = NOTE_TITLE) -> list:
    """The note in a tinted box with a bar, or nothing when the copy has no note."""
    if not note:
        return []
    t = theme
    title = with_role(Paragraph(escape(title_text), t.style("callout_title")), "P")
    text = with_role(Paragraph(fallback_markup(escape(note), t.style("body").fontName), t.style("body")), "P")
    panel = Panel([title, text], t.colour("tint"), t.colour("primary"), bar_width=5,
                  padding=t.sizes.body * 0.9)
    return [panel, Spacer(1, t.sizes.body * 1.5)]
