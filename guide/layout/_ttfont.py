"""A TrueType font that encodes a text run with one str.translate once its characters have their codes.

ReportLab embeds a TrueType font as subsets of 256 codes, giving each character a code the first time
it is drawn; TTFont.splitString turns every run of text into (subset, bytes) pieces, in a Python loop
over its characters (about 5 ms of a guide's render, 22,000 characters). Nearly every run is made of
characters that already have codes in the first subset, so this font keeps, per document, a table of
those codes and encodes such a run in C: a set test, a translate and an encode. Any other run (a
character drawn for the first time, a code in a later subset, a character the font lacks) goes to
ReportLab's loop, which assigns codes as before; the table follows the assignments. The pieces, and
so the PDF, are the same bytes.
"""

from __future__ import annotations

from reportlab.pdfbase.ttfonts import TTFont

NBSP, SPACE = 0xA0, 0x20  # ReportLab draws a no-break space with the space's code


class SubsetTable:
    """The first subset's codes of one font in one document, as of ``known`` assignments."""

    __slots__ = ("known", "chars", "codes")

    def __init__(self, assignments: dict[int, int]):
        self.known = len(assignments)  # assignments only grow, so their number dates the table
        self.codes = {cp: n for cp, n in assignments.items() if n < 256}
        if SPACE in self.codes:
            self.codes[NBSP] = self.codes[SPACE]
        self.chars = frozenset(map(chr, self.codes))


class GuideTTFont(TTFont):
    def splitString(self, text, doc, encoding="utf-8"):
        state = self.state.get(doc) if isinstance(text, str) and text else None
        if state is not None:
            table = getattr(state, "guide_table", None)
            if table is None or table.known != len(state.assignments):
                table = state.guide_table = SubsetTable(state.assignments)
            if table.chars.issuperset(text):
                return [(0, text.translate(table.codes).encode("latin-1"))]
        return super().splitString(text, doc, encoding)
