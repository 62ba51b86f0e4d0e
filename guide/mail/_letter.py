"""Letter settings and one recipient in; a tagged cover-letter PDF (and each letter's structure) out.

Letters are tagged with guide.tagging's mechanism (marked content with MCIDs while drawing,
artifacts for decoration), but each letter's structure is returned as a LetterTags rather
than written into the letters' PDF: guide.pdf puts it into the packet's structure tree, ahead
of the guide's. Reading order: letterhead (brand name, tagline, contact: P each), the address
(a Div with one P per line), date, salutation, body, closing (P each). Fold marks, the
letterhead rule and logo, and the running header of later pages are artifacts.
"""

from __future__ import annotations

import datetime as dt
import io
from contextlib import contextmanager

import msgspec
from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph, Spacer
from reportlab.platypus.paragraph import cleanBlockQuotedText

from ..content import escape, print_image
from ..content import models as m
from ..errors import LayoutError
from ..layout import Theme, draw_runs, fallback_markup, flate_only, make_theme, register_fonts, variant
from ..pdf import LetterTags
from ..tagging import Node, Tagger, artifact, declare
from ._kept import _KeptParagraph, preseed, remembered_fonts
from ._letter_tree import _release, letter_elements
from ._letter_spec import (ADDRESS_FONT, IMB_BAND, LetterRecipient, LetterSpec, address_leading, address_problem,
                           format_date)

# ---- page layout (the address window itself is in the settings) ----------------------------

CLEAR_BELOW = 0.3 * inch         # kept empty under the address block (the window band)
FOLD_MARK = (0.25 * inch, 0.5 * inch)   # x from, x to: a short tick in the left margin
MARGIN_RIGHT = 1.0 * inch
MARGIN_BOTTOM = 0.8 * inch
LATER_TOP = 0.9 * inch           # top margin of a letter's second and later pages
LETTERHEAD_TOP = 0.6 * inch
LETTERHEAD_GAP = 0.2 * inch      # the letterhead must end this far above the address block


# ---- rendering -----------------------------------------------------------------------------

# what the letterhead's setters change on the canvas (set again when its drawing is repeated,
# with whatever else its first drawing changed)
_DRAWING_STATE = frozenset({"_fillColorObj", "_strokeColorObj", "_fontname", "_fontsize", "_leading", "_lineWidth"})


class _Layout(msgspec.Struct):
    theme: Theme
    page: tuple[float, float]
    styles: dict
    date: Paragraph | None = None
    body: list = msgspec.field(default_factory=list)
    closings: dict = msgspec.field(default_factory=dict)
    greeting: object = None   # the salutation's fragment (a plain one, as ReportLab parses it)


class LetterMaker:
    """Renders letters for one run: settings, brand and date fixed, recipients varying."""

    def __init__(self, spec: LetterSpec, brand: m.Brand, guide_title: str, day: dt.date, language: str = "en-US"):
        register_fonts()
        self.spec, self.brand, self.title = spec, brand, guide_title
        self.date_text = format_date(day, language)
        self._layouts: dict[tuple[str, bool], _Layout] = {}
        self._logo = None

    def _layout(self, paper: str, large_print: bool) -> _Layout:
        key = (paper, large_print)
        if key not in self._layouts:
            t = make_theme(self.brand, paper, large_print)
            body = variant(t.style("body"), spaceAfter=t.sizes.body * 0.8, allowWidows=0)
            small = t.sizes.small
            styles = {
                "body": body,
                "head": variant(body, fontName=t.bold, fontSize=t.sizes.h2, leading=t.sizes.h2 * 1.2,
                                textColor=t.colour("primary")),
                "tagline": variant(body, fontSize=small, leading=small * 1.3, spaceAfter=0),
                "sign": variant(body, spaceBefore=0, spaceAfter=0),
            }
            lay = _Layout(t, t.page_size, styles)
            lay.date = _KeptParagraph(escape(self.date_text), body)
            lay.body = [_KeptParagraph(escape(p).replace("{title}", escape(self.title)), body)
                        for p in self.spec.body]
            self._layouts[key] = lay
        return self._layouts[key]

    def render(self, who: LetterRecipient, paper: str = "letter", large_print: bool = False) -> bytes:
        """The cover letter for one person, as PDF bytes (one page, or more in large print)."""
        return self.render_batch([(who, paper, large_print)])[0]

    def render_batch(self, items: list[tuple[LetterRecipient, str, bool]]) -> tuple[bytes, list[LetterTags]]:
        """Several letters in one PDF (fonts embedded once); returns it and, for each letter, its
        page count and structure (see LetterTags).

        Batching saves the font embedding (about two thirds of a letter's cost); the letters'
        pages and objects come out the same as when rendered alone (see _kept.preseed).
        """
        buf = io.BytesIO()
        c = Canvas(buf, invariant=1, pageCompression=1, initialFontName="Atkinson", initialFontSize=10)
        c.setTitle(f"Letters: {self.title}")
        c.setAuthor(self.brand.name)
        pdfmetrics.getFont(ADDRESS_FONT).splitString(preseed(), c._doc)
        tags = [self._draw(c, who, paper, large_print) for who, paper, large_print in items]
        with flate_only(), remembered_fonts(c):   # page streams without ReportLab's ASCII85 layer, as the guide's
            c.save()
        return buf.getvalue(), tags

    def _draw(self, c: Canvas, who: LetterRecipient, paper: str, large_print: bool) -> LetterTags:
        problem = address_problem(who.block, self.spec)
        if problem:
            raise LayoutError(problem)
        lay = self._layout(paper, large_print)
        t, (width, height) = lay.theme, lay.page
        story = self._story(lay, who)
        structure = declare(story, {})   # binds the story's paragraphs to P elements
        c.tagger = tagger = Tagger(c, structure)   # a fresh record per letter
        first_page = c.getPageNumber() - 1
        c.setPageSize(lay.page)
        self._page_head(c, lay, structure.root)
        self._address(c, lay, who.block, structure.root, who.imb)
        w = self.spec.window
        left = w.left * inch
        frame_w = width - left - MARGIN_RIGHT
        top = height - (w.top + w.height) * inch - CLEAR_BELOW
        frame = Frame(left, MARGIN_BOTTOM, frame_w, top - MARGIN_BOTTOM,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        page = 1
        while True:
            placed = _fill(frame, story, c)
            if not story:
                break
            if not placed and page > 1:
                raise LayoutError("a letter paragraph is too large for a page")
            c.showPage()
            page += 1
            c.setPageSize(lay.page)
            with artifact(c):   # a running header, like the guide's
                self._later_page(c, lay, who, page)
            frame = Frame(left, MARGIN_BOTTOM, frame_w, height - LATER_TOP - MARGIN_BOTTOM - t.sizes.small * 3,
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        c.showPage()
        c.tagger = None
        tags = LetterTags(page, letter_elements(tagger, structure.root, first_page))
        _release(tagger, structure.root)
        return tags

    # -- pieces ------------------------------------------------------------------------------
    def _page_head(self, c: Canvas, lay: _Layout, doc: Node) -> None:
        """The letterhead and the fold marks, at the top of a letter's first page: the same
        drawing in every letter of a layout, so the batch's first letter draws it and the others
        repeat its operators, as _KeptParagraph repeats a paragraph's.

        The drawing marks one P per letterhead line with MCIDs 0, 1, 2... of a fresh page, and
        leaves the canvas's state (colours, font, line width) as it found it after; a repeat
        makes the same P elements with the same MCIDs (checked) and sets that state again.
        """
        tagger = c.tagger
        kept = c.__dict__.setdefault("_kept_heads", {})
        fresh = tagger.mcids.get(tagger.page, 0) == 0 and not tagger.stack
        got = kept.get(id(lay)) if fresh else None
        if got is not None and got[0] is lay:
            _, code, count, state = got
            for k in range(count):
                if tagger.new_mcid(doc.add("P"))[2] != k:   # cannot happen on a fresh page
                    raise LayoutError("the letterhead's marked content is out of step")
            c._code.extend(code)
            c.__dict__.update(state)
            return
        start, seq, before, kids = len(c._code), tagger.seq, dict(c.__dict__), len(doc.children)
        self._letterhead(c, lay, doc)
        if self.spec.profile.folded:   # a flat (9 x 12) piece is not folded: no marks
            with artifact(c):
                self._fold_marks(c, lay)
        count = tagger.mcids.get(tagger.page, 0)
        if (fresh and tagger.seq == seq + count and len(doc.children) == kids + count
                and all(n.role == "P" and not n.children for n in doc.children[kids:])):
            state = {k: v for k, v in c.__dict__.items() if k in _DRAWING_STATE
                     or (k not in ("_code", "_kept_heads") and (k not in before or before[k] is not v))}
            kept[id(lay)] = (lay, tuple(c._code[start:]), count, state)

    def _letterhead(self, c: Canvas, lay: _Layout, doc: Node) -> None:
        """Brand name, tagline and contact line (a P each: the brand name is not a heading of
        the letter, and the guide's title stays the packet's first heading); rule and logo
        are artifacts."""
        t = lay.theme
        width, height = lay.page
        left = self.spec.window.left * inch
        head = lay.styles["head"]
        y = height - LETTERHEAD_TOP - head.fontSize
        c.setFillColor(t.colour("primary"))
        c.setFont(t.bold, head.fontSize)
        with marked(c, doc.add("P")):
            draw_runs(c, left, y, self.brand.name, t.bold, head.fontSize)
        tag = lay.styles["tagline"]
        c.setFillColor(t.colour("text"))
        c.setFont(t.font, tag.fontSize)
        lines = [self.brand.tagline]
        contact = [x for x in (self.brand.phone, self.brand.web, self.brand.address) if x]
        if contact:
            lines.append("  |  ".join(contact))
        for line in lines:
            y -= tag.leading
            with marked(c, doc.add("P")):
                draw_runs(c, left, y, line, t.font, tag.fontSize)
        y -= tag.fontSize * 0.6
        c.setStrokeColor(t.colour("accent"))
        c.setLineWidth(2)
        with artifact(c):
            c.line(left, y, width - MARGIN_RIGHT, y)
            if self.brand.logo:   # beside the brand name, which says the same in words
                self._draw_logo(c, width - MARGIN_RIGHT, height - LETTERHEAD_TOP, height - y - LETTERHEAD_TOP - 6)
        window_top = height - self.spec.window.top * inch
        if y < window_top + LETTERHEAD_GAP:
            raise LayoutError(f"the letterhead reaches {(height - y) / inch:.2f} in from the top; it must end "
                              f"{LETTERHEAD_GAP / inch:g} in above the address window at {self.spec.window.top:g} in")

    def _draw_logo(self, c: Canvas, right: float, top: float, box: float) -> None:
        from reportlab.lib.utils import ImageReader

        if self._logo is None:  # a large logo is drawn from a copy downscaled to 300 dpi at this size
            self._logo = ImageReader(print_image(self.brand.logo, box))
        iw, ih = self._logo.getSize()
        h = box
        w = h * iw / ih
        c.drawImage(self._logo, right - w, top - h, width=w, height=h, mask="auto")

    def _fold_marks(self, c: Canvas, lay: _Layout) -> None:
        height = lay.page[1]
        c.setStrokeColor(lay.theme.rule)
        c.setLineWidth(0.5)
        for k in (1, 2):
            y = height - height * k / 3
            c.line(FOLD_MARK[0], y, FOLD_MARK[1], y)

    @staticmethod
    def _imb(c: Canvas, x: float, top: float, tracking: str, routing: str) -> None:
        """The Intelligent Mail barcode, its first bar at ``x`` and its bars' tops at ``top``:
        ReportLab's encoder (checked against USPS-B-3200's worked example), narrowest pitch, no
        human-readable line (USPS does not require one). Its 1/8 in clear zone lies left of ``x``
        (the #10 window's edge is 1/8 in left of the address block)."""
        from reportlab.graphics.barcode.usps4s import USPS_4State

        bc = USPS_4State(tracking, routing, widthSize=0, humanReadable=0)
        bc.computeSize()
        c.setFillColor(colors.black)
        bc.drawOn(c, x - bc.horizontalClearZone, top - bc.verticalClearZone - bc.barHeight)

    def _address(self, c: Canvas, lay: _Layout, block: tuple[str, ...], doc: Node,
                 who_imb: tuple[str, str] | None = None) -> None:
        """The USPS block: a Div with a P per line (each line its own text object, so each is
        its own marked-content sequence and a screen reader keeps the lines apart)."""
        w = self.spec.window
        size = self.spec.address_size
        x = w.left * inch
        y = lay.page[1] - w.top * inch - pdfmetrics.getAscent(ADDRESS_FONT, size)
        if self.spec.imb is not None:
            if who_imb is None:
                raise LayoutError("the letter settings ask for an Intelligent Mail barcode; this piece has none")
            with artifact(c):   # machine-read only: the address below says the same to a person
                self._imb(c, x, lay.page[1] - w.top * inch, *who_imb)
            y -= IMB_BAND
        c.setFont(ADDRESS_FONT, size)
        c.setFillColor(colors.black)   # plain black on white reads best for mail scanners
        div = doc.add("Div")
        for line in block:
            with marked(c, div.add("P")):
                draw_runs(c, x, y, line, ADDRESS_FONT, size)
            y -= address_leading(self.spec)

    def _later_page(self, c: Canvas, lay: _Layout, who: LetterRecipient, page: int) -> None:
        t = lay.theme
        c.setFillColor(t.colour("text"))
        c.setFont(t.font, t.sizes.small)
        draw_runs(c, self.spec.window.left * inch, lay.page[1] - LATER_TOP + t.sizes.small,
                  f"{who.name}, page {page}", t.font, t.sizes.small)

    def _story(self, lay: _Layout, who: LetterRecipient) -> list:
        st = lay.styles
        signer = who.signer or self.spec.signer
        closing = lay.closings.get(signer)
        if closing is None:
            sign = [escape(self.spec.closing), "", "", escape(signer.name)]
            role = signer.role if signer.role is not None else self.spec.signer.role
            if role:
                sign.append(escape(role))
            if signer.phone:
                sign.append(escape(signer.phone))
            closing = _KeptParagraph(fallback_markup("<br/>".join(sign), st["sign"].fontName), st["sign"])
            closing.keep_whole = True
            if len(lay.closings) < 64:
                lay.closings[signer] = closing
        plain = self.spec.salutation.replace("{name}", who.name)
        markup = escape(self.spec.salutation).replace("{name}", escape(who.name))
        marked_up = fallback_markup(markup, st["body"].fontName)
        salutation = self._plain_paragraph(lay, plain) if marked_up == markup == plain else None
        if salutation is None:
            salutation = Paragraph(marked_up, st["body"])
        salutation.role = "P"
        return [lay.date, salutation, *lay.body, Spacer(1, 2), closing]

    @staticmethod
    def _plain_paragraph(lay: _Layout, plain: str) -> Paragraph:
        """A body paragraph of plain text (nothing to escape, all in the body's font) made of the one
        fragment ReportLab's parser would make of it, without parsing: a copy of the fragment of a
        plain word, with its text and fresh lists (as a parse makes them)."""
        if lay.greeting is None:
            lay.greeting = Paragraph("x", lay.styles["body"]).frags[0]
        g = lay.greeting
        frag = g.clone(text=cleanBlockQuotedText(plain), **{k: [] for k, v in vars(g).items() if isinstance(v, list)})
        return Paragraph(plain, lay.styles["body"], frags=[frag])


@contextmanager
def marked(c: Canvas, node: Node):
    """Draw the body of the ``with`` as one marked-content sequence of ``node``."""
    c.tagger.begin(None, node)
    try:
        yield
    finally:
        c.tagger.end()


def _fill(frame: Frame, story: list, c: Canvas) -> bool:
    """Place flowables until the frame is full, splitting a paragraph across pages when it
    can (the signature block moves whole); return whether anything was placed."""
    placed = False
    while story:
        head = story[0]
        if frame.add(head, c, trySplit=0):
            story.pop(0)
            placed = True
            continue
        if not getattr(head, "keep_whole", False):
            parts = frame.split(head, c)
            if len(parts) > 1 and frame.add(parts[0], c, trySplit=0):
                story[0:1] = parts[1:]
                placed = True
        break
    return placed
