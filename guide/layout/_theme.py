"""Edition settings in, a Theme out: fonts, colours, type sizes, styles and page geometry.

Editions (Letter or A4, standard or large print) are variants of one Theme; the layout
code reads every size and colour from here and holds no numbers of its own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import msgspec
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics

from .._struct import compared_without
from ..content.models import Brand, Colour
from ._coverage import FONT_DIR, FONT_FILES, SPACE, Drawable
from ._geometry import Geometry, geometry
from ._ttfont import GuideTTFont



def register_family(folder: Path, files: dict[str, str], family: str) -> frozenset[int]:
    """Register a family's four faces (regular, bold, italic, bold italic, in that order in files) with
    ReportLab; return the code points all four draw."""
    from reportlab.lib.fonts import addMapping

    drawable: frozenset[int] | None = None
    for name, file in files.items():
        font = GuideTTFont(name, str(folder / file))
        pdfmetrics.registerFont(font)
        cps = frozenset(font.face.charWidths)
        drawable = cps if drawable is None else drawable & cps
    for (bold, italic), name in zip(((0, 0), (1, 0), (0, 1), (1, 1)), files):
        addMapping(family, bold, italic, name)
    return drawable or frozenset()


@lru_cache(maxsize=1)
def atkinson_codepoints() -> frozenset[int]:
    """Register Atkinson Hyperlegible with ReportLab once; return the code points all its styles draw."""
    return register_family(FONT_DIR, FONT_FILES, "Atkinson") | {SPACE}


@lru_cache(maxsize=1)
def register_fonts() -> Drawable:
    """Register the fonts once; return what they can draw (Guide Sans is registered on first need)."""
    return Drawable(atkinson_codepoints())



class Theme(Geometry, frozen=True, kw_only=True):
    """An edition's page (Geometry: size, margins, type sizes) with its brand, fonts, colours and styles."""

    brand: Brand
    cmyk: bool = False
    bleed: float = 0.0   # extra paper around the trim, for print-shop output
    font: str = "Atkinson"
    bold: str = "Atkinson-Bold"
    styles: dict[str, ParagraphStyle] = msgspec.field(default_factory=dict)  # not compared (see __eq__ below)

    # every field but the styles (made from the others; a ParagraphStyle has no equality)
    __eq__, __hash__ = compared_without("styles")

    @property
    def emphasis_font(self) -> str:
        """Large print uses no italics: emphasis is bold there."""
        return self.bold if self.large_print else "Atkinson-Italic"

    # -- colours --------------------------------------------------------------------
    def colour(self, role: str):
        return to_color(self.brand.colours[role], self.cmyk)

    @property
    def white(self):
        return colors.CMYKColor(0, 0, 0, 0) if self.cmyk else colors.white

    @property
    def rule(self):
        """Grey for table rules and write-in lines (decoration, not text)."""
        return colors.CMYKColor(0, 0, 0, 0.45) if self.cmyk else colors.HexColor("#8c8c8c")

    def style(self, name: str) -> ParagraphStyle:
        return self.styles[name]


def variant(style: ParagraphStyle, **changes) -> ParagraphStyle:
    """A copy of a paragraph style with some attributes changed."""
    return ParagraphStyle(f"{style.name}*", parent=style, **changes)


def to_color(c: Colour, cmyk: bool):
    if cmyk:
        if c.cmyk is not None:
            return colors.CMYKColor(*c.cmyk)
        r, g, b = (int(c.rgb[i:i + 2], 16) / 255 for i in (1, 3, 5))
        k = 1 - max(r, g, b)
        if k >= 1:
            return colors.CMYKColor(0, 0, 0, 1)
        return colors.CMYKColor((1 - r - k) / (1 - k), (1 - g - k) / (1 - k), (1 - b - k) / (1 - k), k)
    return colors.HexColor(c.rgb)


def make_theme(brand: Brand, paper: str = "letter", large_print: bool = False, cmyk: bool = False,
               bleed: float = 0.0) -> Theme:
    """Build the theme for one edition."""
    register_fonts()
    page = geometry(paper, large_print)
    theme = Theme(**{f: getattr(page, f) for f in page.__struct_fields__}, brand=brand, cmyk=cmyk, bleed=bleed)
    theme.styles.update(_styles(theme))
    return theme


def _styles(t: Theme) -> dict[str, ParagraphStyle]:
    s = t.sizes
    text = t.colour("text")
    primary = t.colour("primary")
    # No hyphenationLang (pyphen ships es and en_US): tried on the body, list and cell styles of the
    # standard Spanish and English editions, ReportLab's ragged-right lines gained one hyphen in 21
    # pages, "me-/diana" split over a page break, which reads worse than an unbroken word; large print
    # never hyphenates (RNIB/APH).
    body = ParagraphStyle("body", fontName=t.font, fontSize=s.body, leading=t.leading,
                          textColor=text, alignment=TA_LEFT, spaceAfter=s.body * 0.75,
                          allowWidows=0, allowOrphans=0)  # two lines or more on each side of a break

    def derive(name: str, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, parent=body, **kw)

    def heading(name: str, size: float, before: float) -> ParagraphStyle:
        return derive(name, fontName=t.bold, fontSize=size, leading=round(size * 1.25, 1),
                      textColor=primary, spaceBefore=before, spaceAfter=s.body * 0.6, keepWithNext=1)

    return {
        "body": body,
        "h1": heading("h1", s.h1, 0),
        "h2": heading("h2", s.h2, s.body * 1.2),
        "h3": heading("h3", s.h3, s.body * 0.8),
        "bullet": derive("bullet", spaceAfter=s.body * 0.3),
        "cell": derive("cell", spaceAfter=0),
        "cell_head": derive("cell_head", fontName=t.bold, spaceAfter=0, textColor=t.white),
        "callout_title": derive("callout_title", fontName=t.bold, fontSize=s.h3,
                                leading=round(s.h3 * 1.25, 1), textColor=primary),
        "toc1": derive("toc1", spaceAfter=s.body * 0.35),
        "toc2": derive("toc2", leftIndent=s.body * 1.5, spaceAfter=s.body * 0.2),
        "glossary_term": derive("glossary_term", fontName=t.bold, spaceAfter=s.body * 0.15, keepWithNext=1),
        "reference": derive("reference", leftIndent=s.body * 2.2, firstLineIndent=-s.body * 2.2),
        "small": derive("small", fontSize=s.small, leading=round(s.small * 1.3, 1), spaceAfter=0),
        "cover_title": derive("cover_title", fontName=t.bold, fontSize=s.cover_title,
                              leading=round(s.cover_title * 1.15, 1), textColor=t.white),
        "cover_sub": derive("cover_sub", fontSize=s.h2, leading=round(s.h2 * 1.35, 1), textColor=t.white),
        "cover_text": derive("cover_text", textColor=text),
        "back_title": derive("back_title", fontName=t.bold, fontSize=s.h1,
                             leading=round(s.h1 * 1.25, 1), textColor=primary, spaceAfter=s.body),
        "help_item_title": derive("help_item_title", fontName=t.bold, spaceAfter=s.body * 0.1, keepWithNext=1),
    }
