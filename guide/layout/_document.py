"""Story + theme in, PDF bytes out: page templates, running header and footer, bookmarks."""

from __future__ import annotations

import io
from contextlib import contextmanager

from reportlab import rl_config
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import getAscent, getDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, PageTemplate
from reportlab.platypus.doctemplate import LayoutError as RLLayoutError

from .._version import tool_name
from ..content import guide_record, record_json, xmp_fields
from ..content import models as m
from ..errors import LayoutError
from ._fallback import draw_runs, text_width
from ._flowables import PassState
from ._passes import SEEDS, PageMap, PlanFrame, decoration, page_map, plan_pass, remember, seed_key
from ..content import BuildOptions
from ._story import build_story, cover_band_height, cover_low_height
from ._words import review_footer, words
from ._info import record_build
from ..tagging import canvas_maker, declare
from ._geometry import SAFE_ZONE
from ._theme import Theme



class GuideDoc(BaseDocTemplate):
    """Page templates for cover, body and back cover; records headings for outline and contents."""

    def __init__(self, buf, guide: m.Guide, theme: Theme, options: BuildOptions, state: PassState, press=None):
        self.guide, self.theme, self.options, self.state = guide, theme, options, state
        # print-shop additions drawn with the pages: ``press.start(canvas)`` once a canvas exists,
        # ``press.finish_page(canvas)`` as each page ends (see pdf._printshop.ShopMarks)
        self.press = press
        t = theme
        super().__init__(
            buf, pagesize=t.page_size, invariant=1, pageCompression=1,
            leftMargin=t.margin_left, rightMargin=t.margin_right,
            topMargin=t.margin_top, bottomMargin=t.margin_bottom,
            title=guide.title, author=guide.author.line, subject=guide.subtitle,
            keywords=list(guide.keywords), creator=tool_name(), producer="guide (ReportLab)",
            lang=guide.language, displayDocTitle=1, initialFontName=t.font,
            initialFontSize=t.sizes.body, initialLeading=t.leading,
            enforceColorSpace="cmyk" if t.cmyk else None,
        )
        body = PlanFrame(t.margin_left, t.margin_bottom, t.frame_width, t.frame_height, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        band_h = cover_band_height(guide, t)
        cover_top = PlanFrame(t.margin_left, t.height - band_h + t.sizes.body, t.frame_width,
                          band_h - t.margin_top * 0.6 - t.sizes.body, id="cover-band",
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover_low = PlanFrame(t.margin_left, t.margin_bottom, t.frame_width,
                          cover_low_height(t, band_h), id="cover-low",
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.band_h = band_h
        self.addPageTemplates([
            PageTemplate("cover", [cover_top, cover_low], onPage=decoration(self.draw_cover)),
            PageTemplate("contents", [body], onPage=decoration(self.draw_body_page)),
            PageTemplate("body", [body], onPage=decoration(self.draw_body_page)),
            PageTemplate("back", [body], onPage=decoration(self.draw_back)),
        ])

    def tag_meta(self) -> dict[str, str]:
        """Document facts for the XMP metadata of a tagged PDF (the build record as guide:... fields)."""
        g = self.guide
        build = {f"guide:{k}": v for k, v in xmp_fields(self.record).items()}
        return {"title": g.title, "author": g.author.line, "subject": g.subtitle, "lang": g.language,
                "keywords": ", ".join(g.keywords), "creator": self.creator, "producer": self.producer, **build}

    @property
    def record(self) -> dict:
        """How this PDF was built (content._record), kept in the document info and the XMP."""
        return guide_record(self.guide, self.options, self.creator)

    def _startBuild(self, filename=None, canvasmaker=None):
        from reportlab.pdfgen.canvas import Canvas

        super()._startBuild(filename, canvasmaker or Canvas)
        record_build(self.canv, record_json(self.record))
        if self.press is not None and not getattr(self.canv, "planning", False):
            self.press.start(self.canv)

    # -- flow hooks -----------------------------------------------------------------
    def afterFlowable(self, flowable) -> None:
        outline = getattr(flowable, "outline", None)
        if outline:
            level, title, key = outline
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)
            self.state.record(key, self.page)

    def afterPage(self) -> None:
        self.state.finish(self.page)
        if self.press is not None and not getattr(self.canv, "planning", False):
            self.press.finish_page(self.canv)

    # -- stuck-layout guard -----------------------------------------------------------
    # ReportLab 5.1 can split a table forever: a callout (a one-column table that may split
    # inside a row) with one long bullet puts a sliver on each new page, and one with several
    # paragraphs that runs over a page re-splits on the same page without end. A block whose
    # pieces run over more pages than its height needs (plus slack), or that has been split
    # into more pieces on one page than any page could hold, is stuck: stop and name it.
    def watch(self, story: list) -> None:
        self._originals = {id(f): f for f in story}
        self._current = None

    def handle_flowable(self, flowables) -> None:
        originals = getattr(self, "_originals", None)
        if originals and flowables:
            f = flowables[0]
            if id(f) in originals:
                self._current, self._first_page, self._allowed = f, self.page, None
                self._piece_page, self._pieces = self.page, 0
            elif self._current is not None:
                if self.page != self._piece_page:
                    self._piece_page, self._pieces = self.page, 0
                self._pieces += 1
                if self._pieces > STUCK_PIECES_ON_A_PAGE:
                    raise _Stuck(self._current)
                if self.page - self._first_page > STUCK_SLACK_PAGES:
                    if self._allowed is None:
                        self._allowed = STUCK_SLACK_PAGES + _pages_needed(self._current, self.theme)
                    if self.page - self._first_page > self._allowed:
                        raise _Stuck(self._current)
        super().handle_flowable(flowables)

    # -- page decoration ------------------------------------------------------------
    def draw_cover(self, canv, doc) -> None:
        t = self.theme
        canv.saveState()
        canv.setFillColor(t.colour("primary"))
        canv.rect(-t.bleed, t.height - self.band_h, t.width + 2 * t.bleed, self.band_h + t.bleed, stroke=0, fill=1)
        canv.setFillColor(t.colour("accent"))
        canv.rect(-t.bleed, t.height - self.band_h - 10, t.width + 2 * t.bleed, 10, stroke=0, fill=1)
        canv.restoreState()

    def draw_back(self, canv, doc) -> None:
        t = self.theme
        canv.saveState()
        canv.setFillColor(t.colour("primary"))
        canv.rect(-t.bleed, -t.bleed, t.width + 2 * t.bleed, t.margin_bottom * 0.55 + t.bleed, stroke=0, fill=1)
        canv.restoreState()

    def draw_body_page(self, canv, doc) -> None:
        t = self.theme
        s = t.sizes
        text = t.colour("text")
        canv.saveState()
        # running header: the guide title over a thin rule
        # (header and footer never come nearer the trim than the print safe zone)
        y_head = min(t.height - t.margin_top + s.small * 1.6,
                     t.height - SAFE_ZONE - getAscent(t.font, s.small))
        canv.setFont(t.font, s.small)
        canv.setFillColor(text)
        draw_runs(canv, t.margin_left, y_head, self.guide.title, t.font, s.small)
        canv.setStrokeColor(t.colour("accent"))
        canv.setLineWidth(1.5)
        canv.line(t.margin_left, y_head - s.small * 0.5, t.width - t.margin_right, y_head - s.small * 0.5)
        # running footer: "Page N of M" and the edition with its review state
        page = words(self.guide)("page_n_of_m", n=self.page, m=self.state.total or self.page)
        edition = f"{self.guide.edition} \u00b7 {review_footer(self.guide)}"
        edition_width = text_width(edition, t.font, s.small)
        one_line = stringWidth(page, t.bold, s.small) + edition_width + s.small * 2 < t.frame_width
        gap = 0 if one_line else s.small * 1.25
        y_low = max(t.margin_bottom - s.small * 2.4 - gap, SAFE_ZONE - getDescent(t.font, s.small))
        y_foot = y_low + gap
        canv.setFont(t.bold, s.small)
        canv.drawString(t.margin_left, y_foot, page)
        canv.setFont(t.font, s.small)
        right = t.width - t.margin_right
        if one_line:
            draw_runs(canv, right - edition_width, y_foot, edition, t.font, s.small)
        else:
            draw_runs(canv, t.margin_left, y_low, edition, t.font, s.small)
        canv.restoreState()


def render(guide: m.Guide, theme: Theme, options: BuildOptions, tagged: bool = True,
           seed: PageMap | None = None, press=None, multiple: int = 1) -> tuple[bytes, int]:
    """Lay out and render the guide; return the PDF bytes and the page count.

    ``tagged`` writes the structure tree for screen readers (PDF/UA-1); the imposed booklet
    is a print file whose imposition drops tags, so it is never tagged.
    ``seed`` is the expected page map (from plan_pages or an earlier render); without one the
    page numbers come from this process's last render of the same inputs, or else from a
    planning pass that places the flowables without drawing them.
    ``multiple`` pads the page count with Notes pages before the back cover to a multiple of it:
    2 so that, printed on both sides, the back cover is a sheet's back; 4 for a booklet's sheets.
    """
    pdf, final, _ = render_counted(guide, theme, options, tagged, seed, press, multiple)
    return pdf, final.total


def plan_pages(guide: m.Guide, theme: Theme, options: BuildOptions) -> PageMap:
    """The page map of an edition from one planning pass (nothing drawn, nothing saved),
    or from this process's last render or plan of the same inputs."""
    key = seed_key(guide, theme, options, True)
    if key and key in SEEDS:
        return SEEDS[key]
    state = PassState()
    story = build_story(guide, theme, options, state)
    doc = GuideDoc(io.BytesIO(), guide, theme, options, state)
    doc.watch(story)
    with _named_errors(guide, theme, options, story, doc):
        plan_pass(doc, story, state)
    remember(key, page_map(state))
    return page_map(state)


def even_pages(guide: m.Guide, theme: Theme, options: BuildOptions) -> tuple[BuildOptions, PageMap]:
    """The options (one more Notes page when the layout ends on an odd page) and page map of an even
    edition, as ``render(..., multiple=2)`` lays it out: for a report that must match the build."""
    from msgspec.structs import replace

    planned = plan_pages(guide, theme, options)
    if planned.total % 2 == 0:
        return options, planned
    return replace(options, notes_pages=options.notes_pages + 1), PageMap(planned.pages, planned.total + 1)


# how many spare Notes pages a padded render of these inputs kept (with SEEDS: a seeded render decides too)
SPARE: dict[str, int] = {}


def render_counted(guide: m.Guide, theme: Theme, options: BuildOptions, tagged: bool = True,
                   seed: PageMap | None = None, press=None, multiple: int = 1) -> tuple[bytes, PageMap, int]:
    """render, returning the final page map and the number of full (drawing) layout passes.

    With ``multiple`` above 1 the story carries multiple - 1 spare Notes pages; the planning pass lays
    out without them and the page count keeps as many as it needs, so padding costs no second story
    and no second pass. A seed given by the caller is taken as the unpadded page map."""
    key = seed_key(guide, theme, options, tagged)
    key = key and (f"{key}:{multiple}" if multiple > 1 else key)
    given = seed is not None
    seed = seed or (SEEDS.get(key) if key else None)
    state = PassState()
    story = build_story(guide, theme, options, state, spare_notes=max(0, multiple - 1))
    buf = io.BytesIO()
    doc = GuideDoc(buf, guide, theme, options, state, press)
    doc.watch(story)
    # the structure is declared from the story as built, before any pass wraps its lists
    structure = declare(story, doc.tag_meta()) if tagged and options.print_mode != "booklet" else None
    with _named_errors(guide, theme, options, story, doc):
        keep = 0
        if multiple > 1 and (seed is None or given or key not in SPARE):
            if seed is None:  # plan without the spare pages: the count says how many to keep
                plan_pass(doc, [f for f in story if not getattr(f, "spare_notes", 0)], state)
                seed = page_map(state)
            keep = (-seed.total) % multiple
            seed = PageMap(seed.pages, seed.total + keep)
        elif multiple > 1:
            keep = SPARE[key]
        dropped = [f for f in story if getattr(f, "spare_notes", 0) > keep]
        if dropped:
            story[:] = [f for f in story if getattr(f, "spare_notes", 0) <= keep]
            if structure is not None:
                _drop_nodes(dropped)
        if seed is not None:
            state.pages, state.total = dict(seed.pages), seed.total
        else:
            plan_pass(doc, story, state)
        maker = canvas_maker(structure) if structure is not None else Canvas
        # the stability check stays: a pass that ends with numbers other than it drew with runs again
        with flate_only():
            passes = doc.multiBuild(story, maxPasses=6, canvasmaker=maker)
    final = page_map(state)
    if not given:
        remember(key, final)
        if multiple > 1 and key:
            SPARE[key] = keep
    return buf.getvalue(), final, passes


@contextmanager
def flate_only():
    """Streams written while this lasts are Flate-compressed only. ReportLab adds ASCII85 by default: a
    quarter larger, encoded as the file is saved and decoded by every reader in pure Python (pypdf
    spends about 8 ms on a guide's pages). The switch is global and read as streams are made and
    saved, so it is set for one render and put back."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _drop_nodes(flowables: list) -> None:
    """Take the structure elements of flowables that will not be drawn out of the declared tree."""
    for f in flowables:
        node = getattr(f, "_tag_node", None)
        if node is not None and not isinstance(node, str) and node.parent is not None:
            if node in node.parent.children:
                node.parent.children.remove(node)


class _named_errors:
    """ReportLab's layout failures as LayoutErrors that name the content block."""

    def __init__(self, guide, theme, options, story, doc):
        self.args = guide, theme, options, story, doc

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        guide, theme, options, story, doc = self.args
        if isinstance(exc, _Stuck):
            where = _where(guide, theme, options, story, exc.flowable)
            raise LayoutError(f"{where}: cannot be laid out in the {_edition(options)}: ReportLab keeps splitting "
                              "it without ever fitting it on a page; shorten it or split it into several blocks") from None
        if isinstance(exc, RLLayoutError):
            where = _where(guide, theme, options, story, getattr(doc, "_current", None))
            raise LayoutError(f"{where}: cannot be laid out in the {_edition(options)}: it is too large for a page "
                              "and cannot be split; shorten it or split it into several blocks") from None
        if isinstance(exc, IndexError) and "not resolved" in str(exc):
            raise LayoutError("the page numbers did not settle after 6 layout passes; "
                              "please report this with the content that causes it") from None
        return False


STUCK_SLACK_PAGES = 2
STUCK_PIECES_ON_A_PAGE = 500  # a page holds about 50 lines; a normal split makes a few pieces a page
_KINDS = {m.Paragraph: "paragraph", m.BulletList: "bullets", m.Checklist: "checklist", m.Callout: "callout",
          m.RegimenTable: "regimens", m.GlossaryList: "glossary", m.ReferenceList: "references"}


class _Stuck(Exception):
    def __init__(self, flowable):
        super().__init__()
        self.flowable = flowable


def _pages_needed(flowable, theme: Theme) -> int:
    """Pages a flowable's full height fills; measured on a copy, as the original is mid-layout."""
    import copy
    import math

    try:
        probe = copy.deepcopy(flowable)
    except Exception:  # some flowables cannot be copied; wrapping the original is harmless then
        probe = flowable
    try:
        _, height = probe.wrap(theme.frame_width, 10 ** 7)
    except Exception:
        return 0
    return math.ceil(height / theme.frame_height)


def _edition(options: BuildOptions) -> str:
    return f"{options.edition_slug} edition" if options.edition_slug else "standard edition"


def _where(guide: m.Guide, theme: Theme, options: BuildOptions, story: list, flowable) -> str:
    """Name the content block a story flowable came from: section, file and key path.

    The story is the sections' flowables in order, each section starting with its heading
    (which carries the section key); rendering each block again tells how many flowables it made.
    """
    from ._blocks import Ctx, render_block
    from ._story import section_key

    story = [f for f in story if not getattr(f, "inserted_keep", False)]  # breaks the keep rules added
    index = next((i for i, f in enumerate(story) if f is flowable), None)
    if index is None:
        return "a block"
    places: dict[str, tuple[int, m.Section, str, str]] = {}

    def walk(section: m.Section, level: int, top: str, path: str) -> None:
        places[section_key(section)] = (level, section, top, path)
        for i, sub in enumerate(section.subsections):
            walk(sub, level + 1, top, f"{path}subsections[{i}].")

    for top in guide.sections:
        walk(top, 0, top.id, "")
    head = next((i for i in range(index, -1, -1)
                 if getattr(story[i], "outline", None) and story[i].outline[2] in places), None)
    if head is None:
        return "the cover or the contents page"
    level, section, top, path = places[story[head].outline[2]]
    named = f"section {section.id!r} (sections/{top}.yaml)"
    if index == head:
        return f"{named}, {path}title"
    ctx = Ctx(guide, theme, options, PassState(), level)
    start = head + 1
    for i, block in enumerate(section.blocks):
        end = start + len(render_block(block, ctx))
        if start <= index < end:
            return f"{named}, {path}blocks[{i}].{_KINDS.get(type(block), 'block')}"
        start = end
    return "the pages after the last section (about, help panel or back cover)"


__all__ = ["even_pages", "render", "render_counted", "plan_pages", "PageMap", "GuideDoc", "inch"]
