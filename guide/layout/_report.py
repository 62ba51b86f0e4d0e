"""A guide, theme and options in; a page-by-page layout report out: each page's body lines and fill, flagged pages.

The report comes from one planning pass (placing without drawing, as the build's own first pass
does), so its pages are the built PDF's pages. A body page is flagged when it holds three lines
of text or fewer, or when its text stops before half the page (the last page before the back
cover, and before any Notes pages, is exempt from the half-full rule: a guide has to end somewhere).
"""

from __future__ import annotations

import io

import msgspec
from reportlab.platypus import Paragraph, Table

from ..content import BuildOptions
from ..content import models as m
from ._theme import Theme

FEW_LINES = 3       # a page with this many lines of text or fewer is flagged
HALF = 0.5          # and one whose text stops above this fraction of the page


class PageReport(msgspec.Struct):
    number: int
    template: str            # cover, contents, body, back
    lines: int = 0           # lines of text placed in the body frame (table rows count their tallest cell)
    fill: float = 0.0        # how far down the body frame the text reaches, 0 to 1
    last_before_back: bool = False   # the guide's last page of text (before any Notes pages and the back cover)
    notes: bool = False              # a page of write-in lines

    @property
    def body(self) -> bool:
        return self.template in ("contents", "body")

    @property
    def flags(self) -> list[str]:
        if not self.body:
            return []
        out = []
        if self.lines <= FEW_LINES:
            out.append(f"{self.lines} line{'s' if self.lines != 1 else ''}")
        if self.fill < HALF and not self.last_before_back:
            out.append(f"{self.fill:.0%} full")
        return out


class LayoutReport(msgspec.Struct):
    edition: str
    pages: list[PageReport] = msgspec.field(default_factory=list)

    @property
    def flagged(self) -> list[PageReport]:
        return [p for p in self.pages if p.flags]

    @property
    def few_lines(self) -> list[PageReport]:
        return [p for p in self.pages if p.body and p.lines <= FEW_LINES]

    @property
    def under_half(self) -> list[PageReport]:
        return [p for p in self.pages if p.body and p.fill < HALF and not p.last_before_back]

    def lines_out(self) -> list[str]:
        out = [f"{self.edition}: {len(self.pages)} pages"]
        for p in self.pages:
            if not p.body:
                out.append(f"  page {p.number:>2}  {p.template}")
                continue
            bar = "#" * round(p.fill * 20)
            flag = f"  <- {', '.join(p.flags)}" if p.flags else ""
            out.append(f"  page {p.number:>2}  {p.lines:>3} lines  {p.fill:4.0%} {bar:<20}{flag}")
        out.append(f"  {len(self.few_lines)} page(s) with {FEW_LINES} lines or fewer, "
                   f"{len(self.under_half)} under half full (the last page before the back cover aside)")
        return out


def text_lines(f) -> int:
    """Lines of text a placed flowable shows: a paragraph's lines, a table's rows (each its tallest cell),
    a container's children; spacers and rules none."""
    if isinstance(f, Paragraph):
        bl = getattr(f, "blPara", None)
        return len(getattr(bl, "lines", ())) or (1 if f.text.strip() else 0)
    if isinstance(f, Table):
        total = 0
        for row in getattr(f, "_cellvalues", ()):
            total += max((_cell_lines(c) for c in row), default=0)
        return total
    lines = getattr(f, "report_lines", None)
    if lines is not None:
        return lines() if callable(lines) else int(lines)
    for name in ("content", "_content", "_flowables", "_flowable"):  # panels, lists, list items, indenters
        inner = getattr(f, name, None)
        if isinstance(inner, (list, tuple)):
            return sum(text_lines(c) for c in inner)
        if inner is not None and hasattr(inner, "wrap"):
            return text_lines(inner)
    return 0


def _cell_lines(cell) -> int:
    if isinstance(cell, (list, tuple)):
        return sum(_cell_lines(c) for c in cell)
    if isinstance(cell, str):
        return 1 if cell.strip() else 0
    return text_lines(cell) if cell is not None else 0


class Recorder:
    """Collects, as a planning pass places flowables, each page's lines and lowest text."""

    def __init__(self):
        self.pages: dict[int, PageReport] = {}

    def placed(self, doc, frame, flowable) -> None:
        from ._flowables import WriteLine

        page = self.pages.setdefault(doc.page, PageReport(doc.page, doc.pageTemplate.id))
        page.notes = page.notes or isinstance(flowable, WriteLine)
        lines = text_lines(flowable)
        page.lines += lines
        if lines:
            top, bottom = frame._y2 - frame._topPadding, frame._y1p
            page.fill = max(page.fill, min(1.0, (top - frame._y) / (top - bottom)))


def layout_report(guide: m.Guide, theme: Theme, options: BuildOptions, edition: str = "") -> LayoutReport:
    """The report of one edition, from a planning pass of its story."""
    from ._document import GuideDoc, _named_errors
    from ._flowables import PassState
    from ._passes import PlanningCanvas, plan_pass, SEEDS, seed_key
    from ._story import build_story

    recorder = Recorder()

    class Recording(PlanningCanvas):
        layout_recorder = recorder

    state = PassState()
    key = seed_key(guide, theme, options, True)
    if key and key in SEEDS:  # start from the right page numbers, as the build does
        state.pages, state.total = dict(SEEDS[key].pages), SEEDS[key].total
    story = build_story(guide, theme, options, state)
    doc = GuideDoc(io.BytesIO(), guide, theme, options, state)
    doc.watch(story)
    for _ in range(3):  # as the build: until the page numbers the pass drew with are the ones it ended with
        recorder.pages.clear()
        before = (dict(state.pages), state.total)
        with _named_errors(guide, theme, options, story, doc):
            plan_pass(doc, story, state, canvasmaker=Recording)
        if (state.pages, state.total) == before:
            break
    total = state.total
    pages = [recorder.pages.get(n, PageReport(n, "body")) for n in range(1, total + 1)]
    text_pages = [p for p in pages if p.body and not p.notes]
    if text_pages:
        text_pages[-1].last_before_back = True
    return LayoutReport(edition or (options.edition_slug or "standard"), pages)


EDITIONS = (("Letter", BuildOptions()), ("Letter, large print", BuildOptions(large_print=True)),
            ("A4", BuildOptions(paper="a4")), ("A4, large print", BuildOptions(paper="a4", large_print=True)))


def edition_report(guide: m.Guide, options: BuildOptions, name: str = "") -> LayoutReport:
    """The report of an edition of a validated guide (its sections chosen, its theme made) as the build makes it."""
    from ..content import select_sections
    from ._theme import make_theme

    from ._document import even_pages

    chosen = select_sections(guide, options.sections)
    theme = make_theme(chosen.brand, options.paper, options.large_print, cmyk=options.cmyk)
    if not options.print_mode:  # as render_guide: an odd count gets a Notes page
        options = even_pages(chosen, theme, options)[0]
    return layout_report(chosen, theme, options, name)
