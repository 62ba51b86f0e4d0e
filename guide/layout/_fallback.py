"""Text (a Paragraph's fragments or a plain string) in; the same text with each word Atkinson cannot draw set in Guide Sans out.

Per word, never per character: a word (a run without white space) with any character Atkinson
Hyperlegible lacks is set whole in Guide Sans in the same weight and style, so no word mixes two
typefaces. The ordinary path pays one regular-expression search per piece of text: text whose
characters are all Atkinson's comes back unchanged, and Guide Sans is not even read from disk.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..content import undrawable_reason
from ._theme import FONT_DIR, register_fonts

FALLBACK_FAMILY = "Guide Sans"
FONTS_NAMED = "Atkinson Hyperlegible or Guide Sans"  # for the reason a character is refused
FALLBACK_FILES = {
    "GuideSans": "GuideSans-Regular.ttf",
    "GuideSans-Bold": "GuideSans-Bold.ttf",
    "GuideSans-Italic": "GuideSans-Italic.ttf",
    "GuideSans-BoldItalic": "GuideSans-BoldItalic.ttf",
}
# each Atkinson face -> the Guide Sans face of the same weight and style
FALLBACK = {"Atkinson": "GuideSans", "Atkinson-Bold": "GuideSans-Bold",
            "Atkinson-Italic": "GuideSans-Italic", "Atkinson-BoldItalic": "GuideSans-BoldItalic"}
_WORD = re.compile(r"\S+")


@lru_cache(maxsize=1)
def _other() -> re.Pattern:
    """Matches any character Atkinson cannot draw (white space counts as drawable: it is layout)."""
    cps = sorted(register_fonts() | {0x09, 0x0A, 0x0D})
    return re.compile("[^" + "".join(re.escape(chr(cp)) for cp in cps) + "]")


def needs_fallback(text: str) -> bool:
    return _other().search(text) is not None


@lru_cache(maxsize=1)
def register_fallback() -> frozenset[int]:
    """Register Guide Sans with ReportLab once (only when a text needs it); return the code points all styles draw."""
    from reportlab.lib.fonts import addMapping

    drawable: frozenset[int] | None = None
    for name, file in FALLBACK_FILES.items():
        font = TTFont(name, str(FONT_DIR / file))
        pdfmetrics.registerFont(font)
        cps = frozenset(font.face.charWidths)
        drawable = cps if drawable is None else drawable & cps
    for bold, italic, name in ((0, 0, "GuideSans"), (1, 0, "GuideSans-Bold"),
                               (0, 1, "GuideSans-Italic"), (1, 1, "GuideSans-BoldItalic")):
        addMapping("GuideSans", bold, italic, name)
    return drawable or frozenset()


class Coverage(frozenset):
    """The code points the guide can draw: the set holds Atkinson's, and ``in`` also asks Guide
    Sans (read from disk only then). Set methods such as issuperset see Atkinson's alone: the
    checker's fast test that a whole text is ordinary."""

    def __contains__(self, cp: object) -> bool:
        return frozenset.__contains__(self, cp) or cp in register_fallback()


@lru_cache(maxsize=1)
def drawable_codepoints() -> Coverage:
    """What the content checker tests each character against: either font."""
    return Coverage(register_fonts())


def undrawable(text: str) -> str | None:
    """The first character neither font draws, as a reason naming it and its script, or None."""
    if not needs_fallback(text):
        return None
    for ch in text:
        if ord(ch) not in drawable_codepoints() and not ch.isspace():
            return undrawable_reason(ch, FONTS_NAMED)
    return None


def _fallback_ranges(text: str) -> list[tuple[int, int]]:
    """Start and end of each word with a character Atkinson lacks."""
    other = _other()
    return [w.span() for w in _WORD.finditer(text) if other.search(w.group())]


def fallback_face(font: str) -> str:
    return FALLBACK.get(font, "GuideSans")


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """A plain string as (font, text) runs for canvas drawing: Atkinson words in ``font``, the others in its Guide Sans face."""
    if not needs_fallback(text):
        return [(font, text)]
    register_fallback()
    out: list[tuple[str, str]] = []
    at = 0
    for start, end in _fallback_ranges(text):
        if start > at:
            out.append((font, text[at:start]))
        out.append((fallback_face(font), text[start:end]))
        at = end
    if at < len(text):
        out.append((font, text[at:]))
    return out


def draw_string(c, x: float, y: float, text: str, font: str, size: float, anchor: str = "start") -> None:
    """canvas.drawString (or drawRightString with anchor "end") with per-word fallback.

    The caller has set ``font`` at ``size``; on the ordinary path this is exactly the one call it
    made before, so the bytes do not change.
    """
    parts = runs(text, font)
    if len(parts) == 1 and parts[0][0] == font:
        (c.drawRightString if anchor == "end" else c.drawString)(x, y, text)
        return
    if anchor == "end":
        x -= sum(pdfmetrics.stringWidth(t, f, size) for f, t in parts)
    # one text object with a font change per run: text readers keep the line whole
    text = c.beginText(x, y)
    for face, piece in parts:
        text.setFont(face, size)
        text.textOut(piece)
    c.drawText(text)


def fallback_paragraph(p):
    """A Paragraph whose fallback words are set in Guide Sans, fragment by fragment (works under <b>, <i>, links).

    Words are found across fragments (a word may start bold and end plain), so every fragment of
    such a word changes face, each keeping its weight and style.
    """
    frags = getattr(p, "frags", None)
    if not frags or not any(needs_fallback(getattr(f, "text", "")) for f in frags):
        return p
    register_fallback()
    texts = [getattr(f, "text", "") for f in frags]
    whole = "".join(texts)
    ranges = _fallback_ranges(whole)
    flags = bytearray(len(whole))
    for start, end in ranges:
        flags[start:end] = b"\x01" * (end - start)
    out = []
    at = 0
    for f, text in zip(frags, texts):
        if not text:
            out.append(f)
            continue
        i = 0
        while i < len(text):
            on = flags[at + i]
            j = i
            while j < len(text) and flags[at + j] == on:
                j += 1
            piece = text[i:j]
            out.append(f.clone(text=piece, fontName=fallback_face(f.fontName)) if on else f.clone(text=piece))
            i = j
        at += len(text)
    p.frags = out
    return p


def string_width(text: str, font: str, size: float) -> float:
    """stringWidth of a text as it will be drawn, fallback words in Guide Sans."""
    if not needs_fallback(text):
        return pdfmetrics.stringWidth(text, font, size)
    return sum(pdfmetrics.stringWidth(t, f, size) for f, t in runs(text, font))
