"""The story's paragraph: ReportLab's Paragraph, breaking its lines once per width, and a cheaper fragment test.

A layout wraps the same paragraph several times: the planning pass and the drawing pass each
wrap it, a frame wraps it again to split it, and a table wraps its cells to size them and then
to draw them. ReportLab breaks the lines afresh every time, and line breaking is the largest
part of a layout pass. The lines depend only on the paragraph's fragments (text, fonts and
style) and the widths, so they are kept per paragraph and reused while both are the same.
A split makes new paragraphs (of this class) with their own fragments, which break their own.

Breaking lines asks, word by word, whether two fragments have the same font, size, colour, rise,
underline, link, background and no-break setting (ReportLab's sameFrag, in C). The C function looks
each attribute up by name, and the ones a fragment lacks (most of them: cbDefn, lineBreak, backColor,
nobr) each raise and clear an AttributeError: 6.4 us a call, about 1,300 calls a render. A fragment
keeps its attributes in its __dict__ (ParaFrag is a plain attribute bag), so same_fragment reads them
there, with the same answers, in a fifth of the time; the line-breaking module is given it. Anything
else it is asked about (a split paragraph's word lists) goes to the C function.

It also measures each word once: line breaking asks for the width of every word of every paragraph
(6,687 asks in a render, 1,198 different words in a font and size, 1.4 us each), so the widths are
kept by word, font and size (a font by its registered object, so one registered again is measured
again), up to WIDTHS_KEPT of them.

And it parses plain text once per style: ReportLab runs every paragraph's text through its markup
parser (an HTMLParser: 55 us a paragraph, 16 ms of a render), though most of the guide's paragraphs
(216 of 296) hold no tag and no entity. What the parser makes of such a text is one fragment, the
same for every text in that style but for the text itself; so the first such paragraph in a style
has ReportLab parse a probe, and the others get a clone of the probe's fragment with their own
(cleaned) text, handed to ReportLab as the paragraph's fragments. A style changed since its probe
(styles are plain attribute bags) is probed again; text with any markup is parsed as before.
"""

from __future__ import annotations

from reportlab.platypus import Paragraph as _Paragraph
from reportlab.platypus import paragraph as _paragraph
from reportlab.lib.rl_accel import sameFrag as _rl_same_fragment
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus.paraparser import ParaFrag, ParaParser

COMPARED = ("fontName", "fontSize", "textColor", "rise", "us_lines", "link", "backColor", "nobr")
_ABSENT = object()


def same_fragment(f, g) -> int:
    """ReportLab's sameFrag: 1 if neither is an image or a line break and the two agree on COMPARED
    (an attribute that one has and the other lacks differs; one both lack agrees), else 0."""
    if type(f) is not ParaFrag or type(g) is not ParaFrag:
        return _rl_same_fragment(f, g)
    fd, gd = f.__dict__, g.__dict__
    if "cbDefn" in fd or "lineBreak" in fd or "cbDefn" in gd or "lineBreak" in gd:
        return 0
    for name in COMPARED:
        a, b = fd.get(name, _ABSENT), gd.get(name, _ABSENT)
        if a is not b and (a is _ABSENT or b is _ABSENT or a != b):
            return 0
    return 1


WIDTHS_KEPT = 50_000
_widths: dict[tuple, float] = {}
_fonts = pdfmetrics._fonts  # the registry (name -> font) that pdfmetrics.getFont reads first
_measure = pdfmetrics.stringWidth


def word_width(text, fontName, fontSize, encoding="utf8") -> float:
    """pdfmetrics.stringWidth, kept per word, font and size."""
    font = _fonts.get(fontName)
    if font is None:  # not registered yet (a standard font found on first use): measured as usual
        return _measure(text, fontName, fontSize, encoding)
    key = (text, font, fontSize, encoding)
    width = _widths.get(key)
    if width is None:
        if len(_widths) >= WIDTHS_KEPT:
            _widths.clear()
        width = _widths[key] = _measure(text, fontName, fontSize, encoding)
    return width


_paragraph.sameFrag = same_fragment
_paragraph.stringWidth = word_width


PROBE = "x"
PROBES_KEPT = 256
_probes: dict[int, tuple] = {}  # id(style) -> (style, its attributes then, caseSensitive, the fragment)


def _plain_fragment(style, case_sensitive: int):
    """The fragment ReportLab's parser makes of a text without markup in ``style`` (its text: PROBE),
    or None when the probe does not come back as one plain fragment."""
    kept = _probes.get(id(style))
    if kept is not None and kept[0] is style and kept[2] == case_sensitive and kept[1] == vars(style):
        return kept[3]
    parser = ParaParser()
    parser.caseSensitive = case_sensitive
    parsed, frags, bullet = parser.parse(PROBE, style)
    fragment = frags[0] if (parsed is style and frags and len(frags) == 1 and not bullet
                            and type(frags[0]) is ParaFrag and frags[0].text == PROBE) else None
    if len(_probes) >= PROBES_KEPT:
        _probes.clear()
    _probes[id(style)] = (style, dict(vars(style)), case_sensitive, fragment)
    return fragment


class Paragraph(_Paragraph):
    def __init__(self, text, style=None, bulletText=None, frags=None, caseSensitive=1, encoding="utf8"):
        if frags is None and style is not None and isinstance(text, str):
            cleaned = _paragraph.cleanBlockQuotedText(text)
            if cleaned and "<" not in cleaned and "&" not in cleaned:
                fragment = _plain_fragment(style, caseSensitive)
                if fragment is not None:
                    frags = [fragment.clone(text=cleaned)]
                    _paragraph.textTransformFrags(frags, style)
                    text = cleaned
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)

    def breakLines(self, width):
        key = tuple(width) if isinstance(width, (list, tuple)) else width
        kept = self.__dict__.get("_lines_kept")
        if kept is not None and kept[0] == key and kept[1] is self.frags:
            return kept[2]
        lines = super().breakLines(width)
        self._lines_kept = (key, self.frags, lines)
        return lines


__all__ = ["Paragraph"]
