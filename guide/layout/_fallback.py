"""Text in; the same text with every word Atkinson Hyperlegible cannot draw set whole in Guide Sans out.

Atkinson Hyperlegible covers Western and Central European Latin; Guide Sans (Source Sans 3, renamed, see
fonts/README.md) adds Vietnamese, Greek, Cyrillic and signs such as -> and >=. A word is set in one typeface:
if Atkinson lacks any of its characters, the whole word is set in Guide Sans, so no word mixes the two.
Text that Atkinson covers entirely comes back unchanged after one set test (the ordinary guide pays nothing).
Characters neither font draws are refused before anything is drawn (``unsupported``), never drawn as boxes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics

from .._resources import data_folder
from ..content import script_of

FAMILY = "GuideSans"
FACES = {  # Atkinson face -> the Guide Sans face of the same weight and style
    "Atkinson": "GuideSans", "Atkinson-Bold": "GuideSans-Bold",
    "Atkinson-Italic": "GuideSans-Italic", "Atkinson-BoldItalic": "GuideSans-BoldItalic",
}
FILES = {"GuideSans": "GuideSans-Regular.ttf", "GuideSans-Bold": "GuideSans-Bold.ttf",
         "GuideSans-Italic": "GuideSans-Italic.ttf", "GuideSans-BoldItalic": "GuideSans-BoldItalic.ttf"}
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_SPACE = re.compile(r"(\s+)")


@lru_cache(maxsize=1)
def register_fallback() -> frozenset[str]:
    """Register Guide Sans (four faces, one family) with ReportLab once; return the characters all faces draw."""
    from ._theme import register_family

    return frozenset(chr(cp) for cp in register_family(data_folder("fonts"), FILES, FAMILY))


@lru_cache(maxsize=1)
def _atkinson() -> frozenset[str]:
    from ._theme import atkinson_codepoints

    return frozenset(chr(cp) for cp in atkinson_codepoints())


def covered(text: str) -> bool:
    """Atkinson draws every character of text (the fast path: one C-level set test)."""
    return _atkinson().issuperset(text)


def unsupported(text: str) -> str | None:
    """The first character neither font can draw, described with its script and what to do, or None."""
    if covered(text):
        return None
    both = _atkinson() | register_fallback()
    for ch in text:
        if ch not in both and ch not in "\n\t":
            name = unicodedata.name(ch, "unnamed character")
            return (f"character '{ch}' (U+{ord(ch):04X} {name}, {script_of(ch)} script) cannot be drawn by the "
                    "fonts Atkinson Hyperlegible and Guide Sans; give the name in Latin letters")
    return None


_FONT_NAME = re.compile(r'<font\b[^>]*\bname="([^"]+)"')


def _face(bold: bool, italic: bool) -> str:
    return FAMILY + ("-BoldItalic" if bold and italic else "-Bold" if bold else "-Italic" if italic else "")


def fallback_markup(markup: str, face: str = "Atkinson") -> str:
    """Paragraph markup and its style's font in; each word with a character Atkinson lacks wrapped,
    piece by piece, in the Guide Sans face of the same weight and style.

    Tags are read to know the weight and style at each piece (<b>, <i>, <font name=...>); a word is a
    run of text between whitespace, even when tags split it (`Nguy<b>ễn</b>`): each of its text pieces
    is wrapped, so the whole word changes typeface.
    """
    if covered(_TAG_OR_TEXT.sub("", markup)):
        return markup
    register_fallback()
    base_bold, base_italic = "Bold" in face, "Italic" in face
    bold, italic = [base_bold], [base_italic]   # one entry per open <b>, <i> or <font> tag
    out: list[str] = []
    word: list[tuple[str | None, str]] = []  # (Guide Sans face for a text piece, or None for a tag; piece)

    def flush() -> None:
        text = "".join(p for f, p in word if f is not None)
        if covered(text):
            out.extend(p for _, p in word)
        else:
            out.extend(f'<font name="{f}">{p}</font>' if f is not None and p else p for f, p in word)
        word.clear()

    for token in _TAG_OR_TEXT.split(markup):
        if token.startswith("<"):
            tag = token[1:].lstrip("/").split(" ", 1)[0].split(">", 1)[0].rstrip("/").lower()
            closing = token.startswith("</")
            if tag in ("b", "strong", "i", "em", "font"):
                if closing:
                    if len(bold) > 1:
                        bold.pop()
                        italic.pop()
                else:
                    named = _FONT_NAME.search(token) if tag == "font" else None
                    bold.append(bold[-1] or tag in ("b", "strong") or bool(named and "Bold" in named.group(1)))
                    italic.append(italic[-1] or tag in ("i", "em") or bool(named and "Italic" in named.group(1)))
                    if named:   # a named face sets both, as ReportLab does
                        bold[-1], italic[-1] = "Bold" in named.group(1), "Italic" in named.group(1)
            word.append((None, token))
            continue
        for part in _SPACE.split(token):
            if part and part.isspace():
                flush()
                out.append(part)
            elif part:
                word.append((_face(bold[-1], italic[-1]), part))
    flush()
    return "".join(out)


def runs(text: str, face: str) -> list[tuple[str, str]]:
    """Plain text and its Atkinson face in; (face, text) runs out, a word Atkinson lacks in Guide Sans."""
    if covered(text):
        return [(face, text)]
    register_fallback()
    other = FACES.get(face, FAMILY)
    out: list[tuple[str, str]] = []
    for part in _SPACE.split(text):
        if not part:
            continue
        f = face if part.isspace() or covered(part) else other
        if out and out[-1][0] == f:
            out[-1] = (f, out[-1][1] + part)
        else:
            out.append((f, part))
    return out


def draw_runs(canvas, x: float, y: float, text: str, face: str, size: float) -> float:
    """Draw text at (x, y) word by word in its typeface; return the width drawn. Leaves `face` set."""
    if covered(text):  # the ordinary case: the same operators as a plain drawString
        canvas.drawString(x, y, text)
        return pdfmetrics.stringWidth(text, face, size)
    tx = canvas.beginText(x, y)   # one text object, so the line reads back as one line
    width = 0.0
    for f, piece in runs(text, face):
        tx.setFont(f, size)
        tx.textOut(piece)
        width += pdfmetrics.stringWidth(piece, f, size)
    canvas.drawText(tx)
    canvas.setFont(face, size)
    return width


def text_width(text: str, face: str, size: float) -> float:
    """The width text takes when drawn by draw_runs."""
    return sum(pdfmetrics.stringWidth(piece, f, size) for f, piece in runs(text, face))
