"""Planning a layout: page maps (heading pages + total), a planning pass that places without drawing, seeds."""

from __future__ import annotations

import hashlib

import msgspec
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame

from ..content import BuildOptions
from ..content import models as m
from ..tagging import artifact_page
from ._flowables import PassState
from ._theme import Theme


class PageMap(msgspec.Struct, frozen=True):
    """The page numbers a layout ends with: each heading's page and the page total."""

    pages: tuple[tuple[str, int], ...]
    total: int


class PlanningCanvas(Canvas):
    """The canvas of a planning pass: flowables are placed (wrapped and split) but not drawn."""

    planning = True


class PlanFrame(Frame):
    """A body frame that, on a planning canvas, places each flowable without drawing it.

    Drawing is about half of a layout pass and never moves a page break, so a pass that
    only places things finds the page map at about half the cost of a full pass.
    """

    def _add(self, flowable, canv, trySplit=0):
        # (Frame.add is an alias bound to Frame._add, so both names are overridden)
        if not getattr(canv, "planning", False):
            return super()._add(flowable, canv, trySplit)
        own = vars(flowable).get("drawOn")
        flowable.drawOn = _no_draw
        try:
            placed = super()._add(flowable, canv, trySplit)
            recorder = getattr(canv, "layout_recorder", None)
            if placed and recorder is not None:
                recorder.placed(canv._doctemplate, self, flowable)
            return placed
        finally:
            if own is None:
                del flowable.drawOn
            else:
                flowable.drawOn = own

    add = _add


def _no_draw(*args, **kwargs) -> None:
    return None


def decoration(draw):
    """An onPage callback: the page decoration as an artifact, skipped on a planning canvas."""
    tagged = artifact_page(draw)

    def run(canv, doc):
        if not getattr(canv, "planning", False):
            tagged(canv, doc)
    return run


# Page maps of this process's renders, by inputs: a desk server or a packet run that renders an
# edition again starts from the right numbers and lays it out once. Kept in memory only: a build
# never depends on files it did not name, and the planning pass already halves a cold build's
# first pass. A stale or wrong seed is harmless: the stability check costs one more pass.
SEEDS: dict[str, PageMap] = {}
SEEDS_KEPT = 32


def plan_pass(doc, story: list, state: PassState, canvasmaker=PlanningCanvas) -> None:
    """One planning pass: the heading pages and the page total land in ``state`` as the seed."""
    # as multiBuild does between passes: undo the edits a pass leaves on the story (ReportLab
    # marks a flowable pushed to the next page as postponed, and a postponed one that does not
    # fit a fresh page is an error, so the marks must go before the next pass)
    edits: list = []
    doc._doSave, doc._multiBuildEdits = 0, edits.append
    try:
        state.beforeBuild()
        doc.build(story[:], canvasmaker=canvasmaker)
        state.afterBuild()
    finally:
        del doc._multiBuildEdits
        for edit in edits:
            edit[0](*edit[1:])


def page_map(state: PassState) -> PageMap:
    return PageMap(tuple(state.pages.items()), state.total)


def seed_key(guide: m.Guide, theme: Theme, options: BuildOptions, tagged: bool) -> str | None:
    """Content hash + options + theme: a guide not loaded from a folder has no hash and no seed."""
    if not guide.content_sha256:
        return None
    text = repr((guide.content_sha256, options, theme, tagged))
    return hashlib.sha256(text.encode()).hexdigest()


def remember(key: str | None, seed: PageMap) -> None:
    """Keep a render's page map for the next render of the same inputs in this process."""
    if key:
        SEEDS.pop(key, None)
        SEEDS[key] = seed
        while len(SEEDS) > SEEDS_KEPT:
            del SEEDS[next(iter(SEEDS))]
