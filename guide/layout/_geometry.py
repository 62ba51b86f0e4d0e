"""Edition settings in, page geometry and type sizes out, without loading ReportLab's layout machinery.

The theme (_theme.Theme) carries these numbers together with the fonts, colours and paragraph styles;
verify needs only the numbers (where the body frame stands, the body and heading sizes), so they live
here, where importing costs about a millisecond instead of the fifteen that ReportLab's styles and fonts do.
"""

from __future__ import annotations

import msgspec
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch, mm

PAPERS = {"letter": LETTER, "a4": A4}
# Print-shop geometry: paper beyond the trim, and how far inside the trim text must stay.
BLEED = 0.125 * inch
SAFE_ZONE = 0.375 * inch


class Sizes(msgspec.Struct, frozen=True):
    body: float
    leading_ratio: float
    h1: float
    h2: float
    h3: float
    small: float          # header and footer
    cover_title: float
    checkbox: float
    write_line_gap: float  # height of a write-in line


STANDARD = Sizes(body=13, leading_ratio=1.4, h1=24, h2=18, h3=15, small=10,
                 cover_title=40, checkbox=14, write_line_gap=26)
LARGE = Sizes(body=20, leading_ratio=1.5, h1=32, h2=26, h3=22, small=18,
              cover_title=48, checkbox=22, write_line_gap=36)


class Geometry(msgspec.Struct, frozen=True):
    """One edition's page: its size, margins and type sizes, and the body frame they leave."""

    paper: str
    large_print: bool
    sizes: Sizes
    page_size: tuple[float, float]
    margin_left: float
    margin_right: float
    margin_top: float
    margin_bottom: float

    @property
    def width(self) -> float:
        return self.page_size[0]

    @property
    def height(self) -> float:
        return self.page_size[1]

    @property
    def frame_width(self) -> float:
        return self.width - self.margin_left - self.margin_right

    @property
    def frame_height(self) -> float:
        return self.height - self.margin_top - self.margin_bottom

    @property
    def leading(self) -> float:
        return round(self.sizes.body * self.sizes.leading_ratio, 1)

    def heading_size(self, level: int) -> float:
        """The type size of a heading at ``level`` (0 for a section, 1 for a subsection, 2 and below)."""
        s = self.sizes
        return (s.h1, s.h2, s.h3)[min(level, 2)]


def geometry(paper: str = "letter", large_print: bool = False) -> Geometry:
    """The page of one edition: Letter or A4, standard or large print."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    side = 20 * mm if paper == "a4" else 0.85 * inch
    top = bottom = 0.9 * inch
    if large_print:
        side, top, bottom = 0.75 * inch, 1.0 * inch, 1.0 * inch
    return Geometry(paper, large_print, LARGE if large_print else STANDARD, PAPERS[paper],
                    side, side, top, bottom)


__all__ = ["BLEED", "LARGE", "PAPERS", "SAFE_ZONE", "STANDARD", "Geometry", "Sizes", "geometry"]
