"""A guide and a print mode in, a print-shop PDF out: a saddle-stitch booklet or bleed pages.

Both forms are padded to a multiple of four pages with "Notes" pages before the back cover
(a planning pass tells how many, so the one full layout's "Page N of M", contents and
bookmarks count the padding).

- booklet: the padded pages imposed 2-up on sheets twice the page width (Letter on 11x17,
  A4 on A3), in printer spreads, ready to print double-sided, fold and staple.
- shop: single pages in reading order, artwork extended into a 0.125 in bleed, crop marks
  outside the bleed, and MediaBox, BleedBox and TrimBox on every page.
"""

from __future__ import annotations

import io

from typing import TYPE_CHECKING

import msgspec

from ..content import models as m
from ..errors import LayoutError
from ..content import BuildOptions
from ..layout import BLEED, SAFE_ZONE, Theme, make_theme
from ._booklet import BookletSheets, booklet_sides

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject

MARK_ROOM = 36.0        # paper kept around the trim for the crop marks (MediaBox = trim + this)
MARK_OFFSET = BLEED + 3  # marks start this far from the trim, so they never touch the bleed
MARK_LENGTH = 18.0
MARK_WIDTH = 0.25
# "Registration" colour: the marks appear on every printing plate.
MARK_COLOUR = b"1 1 1 1 K"


def render_print(guide: m.Guide, options: BuildOptions) -> tuple[bytes, int]:
    """The print-shop form of one edition; returns the PDF bytes and its page count.

    The edition is padded to a multiple of 4 pages with Notes pages before the back cover, decided by
    the one planning pass (the story carries the spare pages: no second story, no second pass); the
    shop form's boxes and crop marks are drawn by ReportLab with the pages, and the booklet's pages are
    imposed on their sheets as ReportLab writes them (_booklet): no second reading, no pypdf.
    """
    from ..layout import render

    if options.print_mode not in ("booklet", "shop"):
        raise ValueError(f"unknown print mode {options.print_mode!r}")
    bleed = BLEED if options.print_mode == "shop" else 0.0
    theme = make_theme(guide.brand, options.paper, options.large_print, cmyk=options.cmyk, bleed=bleed)
    check_safe_margins(theme)
    press = (ShopMarks(theme.width, theme.height, bleed) if options.print_mode == "shop"
             else BookletSheets(theme.width, theme.height))
    pdf, pages = render(guide, theme, options, press=press, multiple=4)
    if pages % 4:
        raise LayoutError(f"padding with notes pages gave {pages} pages, not a multiple of 4; "
                          "the booklet needs a multiple of 4")
    if options.print_mode == "booklet":
        return pdf, pages // 2
    return pdf, pages


def check_safe_margins(theme: Theme) -> None:
    """Body text stays in the frame, so a frame inside the safe zone keeps it there."""
    margins = {"left": theme.margin_left, "right": theme.margin_right,
               "top": theme.margin_top, "bottom": theme.margin_bottom}
    narrow = [f"{side} {value:.1f} pt" for side, value in margins.items() if value < SAFE_ZONE]
    if narrow:
        raise LayoutError(f"margins inside the {SAFE_ZONE:g} pt print safe zone: {', '.join(narrow)}")


# ---- booklet ------------------------------------------------------------------------


def impose_booklet(pdf: bytes) -> bytes:
    """Put the pages of any PDF two-up on double-width sheets in printer spreads (the booklet build imposes
    its own pages as it writes them, _booklet; this is for a PDF already written).

    Each half of a sheet is the page's own content stream, shifted and clipped to its half;
    the pages' resources (one set of fonts for the whole guide) are shared, not renamed.
    This skips parsing every content stream, which pypdf's merge_transformed_page does
    (about 15 times slower here); it falls back to that merge if two pages on one sheet
    use one resource name for different objects. Imposition flattens the pages: links,
    form fields and tags do not survive, which is fine for a file that only goes to a press.
    """
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import ContentStream, NameObject

    reader = PdfReader(io.BytesIO(pdf))
    pages = list(reader.pages)
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    writer = PdfWriter()
    for left, right in booklet_sides(len(pages)):
        sheet = writer.add_blank_page(width=2 * width, height=height)
        halves = ((pages[left - 1], 0.0), (pages[right - 1], width))
        resources = _shared_resources([page for page, _ in halves], writer)
        if resources is None:
            for page, dx in halves:
                sheet.merge_transformed_page(page, Transformation().translate(dx, 0))
        else:
            body = b"".join(b"q 1 0 0 1 %.4f 0 cm 0 0 %.4f %.4f re W n\n%s\nQ\n"
                            % (dx, width, height, page.get_contents().get_data()) for page, dx in halves)
            content = ContentStream(None, writer)
            content.set_data(body)
            sheet[NameObject("/Resources")] = resources
            sheet.replace_contents(content)
        sheet.compress_content_streams()
    _copy_info(reader, writer)
    return _write(writer)


def _shared_resources(pages: list[PageObject], writer: PdfWriter) -> DictionaryObject | None:
    """One resource dictionary for these pages, imported into the writer; None on a name clash."""
    from pypdf.generic import DictionaryObject, NameObject

    merged = DictionaryObject()
    for page in pages:
        for kind, entries in page.get("/Resources", DictionaryObject()).items():
            if kind == "/ProcSet":
                continue
            entries = entries.get_object()
            target = merged.setdefault(NameObject(kind), DictionaryObject())
            for name in entries:
                obj = entries.raw_get(name).clone(writer)  # imported once; a second clone is the same object
                if name in target and target.raw_get(name) != obj:
                    return None
                target[NameObject(name)] = obj
    return merged


# ---- single pages with bleed and crop marks ------------------------------------------


class ShopMarks(msgspec.Struct, frozen=True):
    """The shop form drawn with the pages: MediaBox, CropBox, BleedBox and TrimBox on every page
    and crop marks outside the bleed, the same boxes and marks add_bleed_and_marks writes."""

    width: float
    height: float
    bleed: float

    def start(self, canv) -> None:
        from reportlab.pdfbase.pdfdoc import PDFArray

        w, h, b = self.width, self.height, self.bleed
        media = [-MARK_ROOM, -MARK_ROOM, w + MARK_ROOM, h + MARK_ROOM]
        canv.setCropBox(media)
        canv.setBleedBox([-b, -b, w + b, h + b])
        canv.setTrimBox([0, 0, w, h])
        # ReportLab writes a MediaBox of the page size unless the page object has one already
        doc = canv._doc
        add_page = doc.addPage

        def with_media(page):
            page.MediaBox = PDFArray(media)
            return add_page(page)
        doc.addPage = with_media

    def finish_page(self, canv) -> None:
        # after the page's own content, outside its marked content, as the pypdf overlay put it
        canv.addLiteral(_marks_ops(self.width, self.height).decode())


def add_bleed_and_marks(pdf: bytes, bleed: float) -> bytes:
    """Grow every page around its trim for bleed and crop marks and record the three boxes.

    The content is not moved or scaled: the trim stays at (0, 0, width, height) and the
    MediaBox reaches out below and left of the origin.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import RectangleObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    overlays: dict[tuple[float, float], PageObject] = {}
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        key = (width, height)
        if key not in overlays:
            overlays[key] = _marks_overlay(width, height)
        page.merge_page(overlays[key])
        page.compress_content_streams()
        media = RectangleObject((-MARK_ROOM, -MARK_ROOM, width + MARK_ROOM, height + MARK_ROOM))
        page.mediabox = media
        page.cropbox = media
        page.bleedbox = RectangleObject((-bleed, -bleed, width + bleed, height + bleed))
        page.trimbox = RectangleObject((0, 0, width, height))
    _copy_info(reader, writer)
    return _write(writer)


def crop_marks(width: float, height: float) -> list[tuple[float, float, float, float]]:
    """Line segments (x0, y0, x1, y1): two at each trim corner, pointing away from the page."""
    near, far = MARK_OFFSET, MARK_OFFSET + MARK_LENGTH
    lines = []
    for x, out_x in ((0.0, -1), (width, 1)):
        for y, out_y in ((0.0, -1), (height, 1)):
            lines.append((x + out_x * near, y, x + out_x * far, y))   # horizontal, on the trim's y
            lines.append((x, y + out_y * near, x, y + out_y * far))   # vertical, on the trim's x
    return lines


def _marks_ops(width: float, height: float) -> bytes:
    ops = [b"/Artifact <</Type /Page>> BDC", b"q", MARK_COLOUR, b"%g w" % MARK_WIDTH, b"0 J"]
    for x0, y0, x1, y1 in crop_marks(width, height):
        ops.append(b"%.3f %.3f m %.3f %.3f l S" % (x0, y0, x1, y1))
    ops += [b"Q", b"EMC"]
    return b"\n".join(ops) + b"\n"


def _marks_overlay(width: float, height: float) -> PageObject:
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, NameObject, RectangleObject

    stream = DecodedStreamObject()
    stream.set_data(_marks_ops(width, height))
    overlay = PageObject.create_blank_page(width=width + 2 * MARK_ROOM, height=height + 2 * MARK_ROOM)
    overlay.mediabox = RectangleObject((-MARK_ROOM, -MARK_ROOM, width + MARK_ROOM, height + MARK_ROOM))
    overlay[NameObject("/Contents")] = stream
    return overlay


# ---- shared ---------------------------------------------------------------------------


def _copy_info(reader: PdfReader, writer: PdfWriter) -> None:
    """A new writer keeps only /Producer: carry over title, author, subject and keywords."""
    writer.add_metadata(dict(reader.metadata or {}))


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
