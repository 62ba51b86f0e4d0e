"""A built PDF plus the content and edition it should show in; where its sections, headings and entries stand out."""

# The PDF is read once: each page's text is extracted in one pass and cached as positioned runs
# (``_pdffile``), and every check reads those runs through the Inspection.
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

import msgspec

from ..content import BuildOptions
from ..content import models as m
from ._pdffile import Run, _PdfFile, squash

DEFAULT_OPTIONS = BuildOptions()
_ENTRY_NUMBER = re.compile(r"\s*(\d+)\.\s")


def _number_of(text: str) -> str | None:
    """The number a reference entry's first line opens with ("12. Smith ..." -> "12"), or None. One pattern for
    every entry (a pattern made per reference number was compiled once per number, ~0.2 ms each)."""
    found = _ENTRY_NUMBER.match(text)
    return found.group(1) if found else None


class Heading(msgspec.Struct):
    level: int
    section: m.Section
    page: int | None = None    # 0-based page index where its heading text stands
    offset: int | None = None  # where it starts in the body text stream
    run: int | None = None     # index of its first run on that page


class Anchor(msgspec.Struct, frozen=True):
    """Where a reference or glossary entry stands (the target of citation and term links)."""

    kind: str  # "ref" or "term"
    key: str   # the reference number as text, or the term id
    page: int
    y: float   # baseline of its first line
    size: float


class Inspection(_PdfFile):
    """One PDF and the content and edition it should show; everything read once, on demand.

    ``guide`` is the full guide as loaded from the content; a sections copy is selected here.
    """

    def __init__(self, pdf: bytes, guide: m.Guide, options: BuildOptions = DEFAULT_OPTIONS, **pages):
        """``pages``: ``first``, ``count`` and ``source`` as _PdfFile takes them (a guide inside a packet)."""
        from ..content import select_sections
        from ..layout import geometry

        super().__init__(pdf, **pages)
        self.full_guide = guide
        self.options = options
        self.guide = select_sections(guide, options.sections)
        self.theme = geometry(options.paper, options.large_print)  # the page and type sizes the layout used

    # -- text: the body frame and the stream of its runs ---------------------------------
    def zone(self, run: Run) -> str:
        """'head', 'frame' or 'foot': where a run stands against the body frame."""
        t = self.theme
        if run.y > t.height - t.margin_top + 0.5:
            return "head"
        if run.y < t.margin_bottom - 0.5:
            return "foot"
        return "frame"

    def frame_runs(self, i: int) -> list[Run]:
        return [r for r in self.runs(i) if self.zone(r) == "frame"]

    def page_key(self, i: int) -> str:
        """All the text of a page, squashed."""
        return "".join(r.key for r in self.runs(i))

    @property
    def body_pages(self) -> range:
        """Every page but the cover (first) and the back cover (last)."""
        return range(1, max(1, self.n - 1))

    @cached_property
    def stream(self) -> str:
        """The squashed frame text of every body page in reading order (running header and footer left out)."""
        parts: list[str] = []
        starts: list[tuple[int, int]] = []  # (offset, page)
        offsets: dict[tuple[int, int], int] = {}
        pos = 0
        for i in self.body_pages:
            starts.append((pos, i))
            for k, r in enumerate(self.runs(i)):
                if self.zone(r) != "frame":
                    continue
                offsets[(i, k)] = pos
                parts.append(r.key)
                pos += len(r.key)
        self._starts, self._offsets = starts, offsets
        return "".join(parts)

    def page_at(self, offset: int) -> int:
        self.stream  # noqa: B018 - builds the offset tables
        page = self._starts[0][1] if self._starts else 0
        for start, i in self._starts:
            if start > offset:
                break
            page = i
        return page

    def span_pages(self, start: int, end: int) -> range:
        return range(self.page_at(start), self.page_at(max(start, end - 1)) + 1)

    # -- where the headings stand ---------------------------------------------------------
    def heading_size(self, level: int) -> float:
        return self.theme.heading_size(level)

    @cached_property
    def headings(self) -> list[Heading]:
        """Every section heading, in content order, found by its text at its level's size."""
        self.stream  # noqa: B018
        out: list[Heading] = []
        cursor = (self.body_pages.start, 0)
        for level, section in self.guide.all_sections():
            h = Heading(level, section)
            found = self._find_runs(squash(section.title), cursor, size=self.heading_size(level))
            if found is not None:
                h.page, h.run = found
                h.offset = self._offsets.get(found)
                cursor = (found[0], found[1] + 1)
            out.append(h)
        return out

    def _find_runs(self, key: str, cursor: tuple[int, int], size: float | None = None,
                   pages: range | None = None) -> tuple[int, int] | None:
        """The first (page, run) at or after cursor where consecutive frame runs spell ``key``."""
        pages = pages if pages is not None else self.body_pages
        p0, r0 = cursor
        for i in pages:
            if i < p0:
                continue
            runs = self.runs(i)
            for k in range(r0 if i == p0 else 0, len(runs)):
                if self._spells(runs, k, key, size):
                    return i, k
        return None

    def _spells(self, runs: list[Run], k: int, key: str, size: float | None) -> bool:
        first = runs[k]
        if size is not None and abs(first.size - size) > 0.05:
            return False
        if not key.startswith(first.key) or self.zone(first) != "frame":
            return False
        acc = first.key
        j = k + 1
        while len(acc) < len(key) and j < len(runs):
            nxt = runs[j]
            if size is not None and abs(nxt.size - size) > 0.05:
                return False
            acc += nxt.key
            j += 1
            if not key.startswith(acc):
                return False
        return acc == key

    def span(self, section: m.Section) -> tuple[int, int] | None:
        """Stream offsets from a section's heading to the next heading found (its own blocks)."""
        hs = self.headings
        for idx, h in enumerate(hs):
            if h.section is section:
                if h.offset is None:
                    return None
                end = next((x.offset for x in hs[idx + 1:] if x.offset is not None), len(self.stream))
                return h.offset, end
        return None

    def section_of(self, kind: type) -> m.Section | None:
        for section, block in self.guide.blocks():
            if isinstance(block, kind):
                return section
        return None

    @cached_property
    def contents_pages(self) -> range:
        first = next((h.page for h in self.headings if h.page is not None), None)
        return range(1, first) if first is not None and first > 1 else range(1, min(2, self.n))

    # -- anchors: where citation and term links should land ---------------------------------
    @cached_property
    def anchors(self) -> list[Anchor]:
        out: list[Anchor] = []
        refs = self.section_of(m.ReferenceList)
        span = self.span(refs) if refs is not None else None
        if span is not None:
            # each entry in content order: a run that opens with its number and the start of its text
            # (a wrapped line that happens to start "2005." is not an entry)
            runs = list(self._runs_in(span))
            k = 0
            for ref in self.guide.references:
                key = squash(f"{ref.number}. {ref.text}")
                number = str(ref.number)
                text = squash(ref.text)

                def opens(j: int) -> bool:
                    run = runs[j][2]
                    if key.startswith(run.key) and _number_of(run.text) == number:
                        return True
                    # the number set in its own column (a hanging indent): "9." then the text's first line
                    return (run.text.strip() == f"{ref.number}." and j + 1 < len(runs)
                            and bool(runs[j + 1][2].key) and text.startswith(runs[j + 1][2].key))

                at = next((j for j in range(k, len(runs)) if opens(j)), None)
                if at is not None:
                    i, _, run = runs[at]
                    out.append(Anchor("ref", str(ref.number), i, run.y, run.size))
                    k = at + 1
        gloss = self.section_of(m.GlossaryList)
        span = self.span(gloss) if gloss is not None else None
        if span is not None:
            cursor = (self.page_at(span[0]), 0)
            pages = self.span_pages(*span)
            for term in self.guide.glossary:
                found = self._find_runs(squash(term.term), cursor, pages=pages)
                if found is not None:
                    run = self.runs(found[0])[found[1]]
                    out.append(Anchor("term", term.id, found[0], run.y, run.size))
                    cursor = (found[0], found[1] + 1)
        return out

    def _runs_in(self, span: tuple[int, int]) -> Iterator[tuple[int, int, Run]]:
        self.stream  # noqa: B018
        start, end = span
        for i in self.span_pages(start, end):
            for k, run in enumerate(self.runs(i)):
                off = self._offsets.get((i, k))
                if off is not None and start <= off < end:
                    yield i, k, run
