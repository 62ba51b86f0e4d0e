"""A built PDF plus the content and edition it claims to come from in; a report of named checks out.

This is the project's one library of PDF checks: the ``verify`` command, CI and the end-to-end
tests all call these functions rather than keeping copies. Every expected value comes from the
content (after ``select_sections`` for a sections copy) and the theme, never from constants here.

Usage from Python (``guide`` is the full guide from ``build.load``; options as built)::

    report = verify_pdf(pdf_bytes, guide, BuildOptions(...))   # every check -> Report
    report.ok, report["links"].detail, report.lines()
    ins = Inspection(pdf_bytes, guide, options)                # read once, then any check:
    check_fonts(ins), check_links(ins), ...                    # each returns a Check
    verify_inspection(ins, rebuild=True)                       # all of them on that reading

``CHECKS`` lists the checks in report order; ``check_rebuild`` and ``check_accessibility``
are the optional ones (``--rebuild``, ``--accessibility``).

The PDF is read once: pypdf parses it, each page's text is extracted in one visitor pass and
cached as positioned runs, and every check reads those runs.
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..content import models as m
from ..content import BuildOptions

DEFAULT_OPTIONS = BuildOptions()

# ---- report ------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.name}: {self.detail}"

    def as_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass
class Report:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def __getitem__(self, name: str) -> Check:
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def lines(self) -> list[str]:
        return [c.line() for c in self.checks]

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checks": [c.as_dict() for c in self.checks]}


# ---- reading the PDF ---------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One piece of text as pypdf hands it to the visitor: usually a line of a paragraph."""

    text: str
    key: str      # the text with every whitespace character removed (what comparisons use)
    x: float      # start of the run, relative to the page's trim box
    y: float      # baseline, relative to the page's trim box
    size: float   # rendered font size (Tf size times the text and graphics matrices)
    font: str


def squash(text: str) -> str:
    """Text with all whitespace removed: line breaks, spacing and no-break spaces do not matter."""
    return "".join(text.split())


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _joined(problems: list[str], limit: int = 3) -> str:
    """The first few problems, and how many more there are."""
    more = f" (+{len(problems) - limit} more)" if len(problems) > limit else ""
    return "; ".join(problems[:limit]) + more


def _pages_label(pages: list[int] | range) -> str:
    """0-based page indexes as a reader's label: 'page 5', 'pages 3\u20134, 9'."""
    numbers = sorted({p + 1 for p in pages})
    if not numbers:
        return "no pages"
    groups: list[list[int]] = []
    for n in numbers:
        if groups and n == groups[-1][1] + 1:
            groups[-1][1] = n
        else:
            groups.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}\u2013{b}" for a, b in groups)
    return f"page {text}" if len(numbers) == 1 else f"pages {text}"


@dataclass
class Heading:
    level: int
    section: m.Section
    page: int | None = None    # 0-based page index where its heading text stands
    offset: int | None = None  # where it starts in the body text stream
    run: int | None = None     # index of its first run on that page


@dataclass(frozen=True)
class Anchor:
    """Where a reference or glossary entry stands (the target of citation and term links)."""

    kind: str  # "ref" or "term"
    key: str   # the reference number as text, or the term id
    page: int
    y: float   # baseline of its first line
    size: float


class Inspection:
    """One PDF and the content and edition it should show; everything read once, on demand.

    ``guide`` is the full guide as loaded from the content; a sections copy is selected here.
    """

    def __init__(self, pdf: bytes, guide: m.Guide, options: BuildOptions = DEFAULT_OPTIONS):
        from ..content import select_sections
        from ..layout import make_theme

        self.pdf = pdf
        self.full_guide = guide
        self.options = options
        self.guide = select_sections(guide, options.sections)
        self.theme = make_theme(self.guide.brand, options.paper, options.large_print, cmyk=options.cmyk)
        self.open_error: str | None = None
        self.pdf_warnings: list[str] = []

    # -- the file -----------------------------------------------------------------------
    @cached_property
    def reader(self):
        """A pypdf reader, or None (and ``open_error`` says why) when the file cannot be read."""
        from pypdf import PdfReader

        try:
            with _captured_pypdf_log(self.pdf_warnings):
                reader = PdfReader(io.BytesIO(self.pdf))
                if len(reader.pages) == 0:
                    self.open_error = "the document has no pages"
                    return None
        except Exception as exc:  # pypdf raises many kinds on damaged files; all mean "cannot open"
            self.open_error = f"{type(exc).__name__}: {exc}"
            return None
        return reader

    @cached_property
    def pages(self) -> list:
        return list(self.reader.pages) if self.reader is not None else []

    @property
    def n(self) -> int:
        return len(self.pages)

    @cached_property
    def page_ids(self) -> dict[int, int]:
        """Page object number -> 0-based page index."""
        return {p.indirect_reference.idnum: i for i, p in enumerate(self.pages) if p.indirect_reference is not None}

    def origin(self, i: int) -> tuple[float, float]:
        box = self.pages[i].trimbox
        return float(box.left), float(box.bottom)

    # -- text: one extraction pass per page ----------------------------------------------
    def runs(self, i: int) -> list[Run]:
        cache = self.__dict__.setdefault("_runs", {})
        if i not in cache:
            cache[i] = self._extract(i)
        return cache[i]

    def _extract(self, i: int) -> list[Run]:
        ox, oy = self.origin(i)
        out: list[Run] = []

        def visit(text, cm, tm, font, size):
            key = squash(text)
            if not key:
                return
            a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                          tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = str(font.get("/BaseFont", "")) if font is not None else ""
            out.append(Run(text, key, x - ox, y - oy, round(size * math.sqrt(abs(a * d - b * c)), 2), name))

        with _captured_pypdf_log(self.pdf_warnings):
            self.pages[i].extract_text(visitor_text=visit)
        return out

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
        return self.theme.style(("h1", "h2", "h3")[min(level, 2)]).fontSize

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
                at = next((j for j in range(k, len(runs)) if key.startswith(runs[j][2].key)
                           and re.match(rf"\s*{ref.number}\.\s", runs[j][2].text)), None)
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

    # -- links ---------------------------------------------------------------------------
    def resolve(self, annot) -> tuple[str, object]:
        """A link annotation's target: ('page', (index, top or None)), ('uri', text) or ('broken', why)."""
        from pypdf.generic import ArrayObject, NullObject

        dest = annot.get("/Dest")
        action = annot.get("/A")
        if dest is None and action is not None:
            action = action.get_object()
            kind = action.get("/S")
            if kind == "/URI":
                return "uri", str(action.get("/URI", ""))
            if kind != "/GoTo":
                return "broken", f"an action of kind {kind} instead of a link inside the document"
            dest = action.get("/D")
        if dest is None:
            return "broken", "no destination"
        dest = dest.get_object()
        if not isinstance(dest, ArrayObject):
            name = str(dest)
            named = self.named_destinations.get(name)
            if named is None:
                return "broken", f"the named destination {name!r}, which the document does not define"
            dest = named
        if len(dest) == 0:
            return "broken", "an empty destination"
        target = dest[0]
        if hasattr(target, "idnum"):
            index = self.page_ids.get(target.idnum)
            if index is None:
                return "broken", f"object {target.idnum}, which is not a page of this document"
        elif isinstance(target, int) and 0 <= target < self.n:
            index = int(target)
        elif isinstance(target, (NullObject, type(None))):
            return "broken", "a null page"
        else:
            return "broken", f"{target!r}, which is not a page of this document"
        top = None
        fit = str(dest[1]) if len(dest) > 1 else ""
        at = {"/XYZ": 3, "/FitH": 2, "/FitBH": 2, "/FitR": 5}.get(fit)
        if at is not None and len(dest) > at:
            try:
                top = float(dest[at]) - self.origin(index)[1]
            except (TypeError, ValueError):
                top = None
        return "page", (index, top)

    @cached_property
    def named_destinations(self) -> dict:
        """Name -> destination array, from /Dests and the /Names tree."""
        from pypdf.generic import ArrayObject

        out: dict = {}
        root = self.reader.trailer["/Root"]
        dests = root.get("/Dests")
        if dests is not None:
            for k, v in dests.get_object().items():
                v = v.get_object()
                out[str(k).lstrip("/")] = v.get("/D") if not isinstance(v, ArrayObject) else v
                out[str(k)] = out[str(k).lstrip("/")]
        names = root.get("/Names")
        tree = names.get_object().get("/Dests") if names is not None else None
        stack = [tree.get_object()] if tree is not None else []
        while stack:
            node = stack.pop()
            for kid in node.get("/Kids", []):
                stack.append(kid.get_object())
            items = node.get("/Names", [])
            for j in range(0, len(items) - 1, 2):
                v = items[j + 1].get_object()
                out[str(items[j])] = v.get("/D") if not isinstance(v, ArrayObject) else v
        return out

    def links(self) -> Iterator[tuple[int, object]]:
        for i, page in enumerate(self.pages):
            for ref in page.get("/Annots") or []:
                annot = ref.get_object()
                if annot.get("/Subtype") == "/Link":
                    yield i, annot


@contextmanager
def _captured_pypdf_log(sink: list[str]):
    """Keep pypdf's repair notices for the report instead of letting them reach stderr."""
    logger = logging.getLogger("pypdf")

    class Collect(logging.Handler):
        def emit(self, record):
            sink.append(record.getMessage())

    handler = Collect(logging.WARNING)
    old = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        sink.extend(str(w.message) for w in caught)
    finally:
        logger.removeHandler(handler)
        logger.propagate = old


# ---- what the content says the PDF holds ---------------------------------------------


def cite_text(keys: tuple[str, ...], numbers: dict[str, int]) -> str:
    """A citation as the layout prints it: its numbers sorted, e.g. '[2, 13]'."""
    return "[" + ", ".join(str(n) for n in sorted(numbers[k] for k in keys)) + "]"


def reader_text(inline: m.Inline, numbers: dict[str, int]) -> str:
    out = []
    for span in inline:
        out.append(cite_text(span.keys, numbers) if isinstance(span, m.Cite) else span.text)
    return "".join(out)


reviewed = m.long_date  # the same wording functions the layout prints with
fmt_figure = m.figure


def regimen_forms(row: m.Regimen, numbers: dict[str, int]) -> list[str]:
    """The squashed text of one regimen, as a table row and as a large-print card."""
    refs = "[" + ", ".join(str(numbers[k]) for k in row.refs) + "]"
    drugs = ", ".join(row.drugs)
    evidence = row.evidence.label(row.year)
    table = [row.regimen, drugs, fmt_figure(row.median_survival_months),
             fmt_figure(row.response_rate_percent, "%"), evidence, refs]
    card = [row.regimen, "Drugs:", drugs, "Median survival:", fmt_figure(row.median_survival_months, " months"),
            "Response rate:", fmt_figure(row.response_rate_percent, "%"), "Evidence:", evidence, "Sources:", refs]
    return [squash("".join(table)), squash("".join(card))]


def block_texts(block: m.Block, numbers: dict[str, int]) -> list[str]:
    """The reader-visible text of a block that the 'text' check looks for, in order.

    Checklist items, regimen rows, glossary and references have checks of their own.
    """
    if isinstance(block, m.Paragraph):
        return [reader_text(block.text, numbers)]
    if isinstance(block, m.BulletList):
        out: list[str] = []
        stack = list(reversed(block.items))
        while stack:
            item = stack.pop()
            out.append(reader_text(item.text, numbers))
            stack.extend(reversed(item.items))
        return out
    if isinstance(block, m.Checklist):
        return [block.title] + ([reader_text(block.intro, numbers)] if block.intro else [])
    if isinstance(block, m.Callout):
        out = [block.title]
        for inner in block.blocks:
            out += block_texts(inner, numbers)
        return out
    if isinstance(block, m.RegimenTable):
        return [block.caption] if block.caption else []
    return []


def expected_links(guide: m.Guide) -> tuple[Counter, Counter]:
    """How many citation links each reference number gets, and term links each glossary term."""

    numbers = guide.reference_numbers
    cites: Counter = Counter()
    terms: Counter = Counter()

    def count(inline: m.Inline) -> None:
        for span in inline:
            if isinstance(span, m.Cite):
                for k in span.keys:
                    cites[str(numbers[k])] += 1
            elif isinstance(span, m.TermLink):
                terms[span.term_id] += 1

    has_glossary = False
    for _, block in guide.blocks():
        has_glossary |= isinstance(block, m.GlossaryList)
        for inline in m.inline_runs(block):
            count(inline)
    if has_glossary:
        for term in guide.glossary:
            count(term.definition)
    return cites, terms


def expected_page_range(guide: m.Guide, theme, options: BuildOptions) -> tuple[int, int]:
    """A generous page-count range from the amount of content and the edition's type and page sizes.

    Lines are estimated from character counts at half an em per character; the upper bound
    allows for sections that start on a fresh page (up to a third of a page lost each).
    """

    per_line = theme.frame_width / (theme.sizes.body * 0.5)
    per_page = theme.frame_height / theme.leading
    numbers = guide.reference_numbers

    def lines(text: str, extra: float = 0.5) -> float:
        return math.ceil(max(1, len(text)) / per_line) + extra

    total = 0.0
    tops = 0
    for level, _ in guide.all_sections():
        total += 3
        tops += level == 0
    for _, block in guide.blocks():
        if isinstance(block, m.RegimenTable):
            total += 2 + 4 * len(block.rows)
        elif isinstance(block, m.GlossaryList):
            total += sum(1.2 + lines(reader_text(t.definition, numbers)) for t in guide.glossary)
        elif isinstance(block, m.ReferenceList):
            total += sum(lines(r.text, 0.3) for r in guide.references)
        elif isinstance(block, m.Checklist):
            total += 3 + sum(1.5 + lines(reader_text(i.text, numbers)) for i in block.items)
        else:
            total += sum(lines(reader_text(x, numbers), 0.3) for x in m.inline_runs(block))
    estimate = total / per_page
    fixed = 3 + options.notes_pages  # cover, contents, back cover (+ notes pages)
    low = fixed + max(1, math.floor(estimate * 0.6))
    high = fixed + math.ceil(estimate * 1.3 + tops / 3) + 3 + (3 if options.print_mode else 0)
    return low, high


# ---- the checks ----------------------------------------------------------------------


def check_file(ins: Inspection) -> Check:
    """PDF header, end-of-file marker, and every cross-reference entry pointing at its object."""
    data = ins.pdf
    problems: list[str] = []
    if not data.startswith(b"%PDF-"):
        problems.append("no %PDF- header")
    tail = data[-2048:]
    if b"%%EOF" not in tail:
        problems.append("no %%EOF marker at the end (truncated?)")
    found = re.findall(rb"startxref\s+(\d+)", tail)
    if not found:
        problems.append("no startxref")
    else:
        problems += _xref_problems(data, int(found[-1]))
    reader = ins.reader
    if reader is None:
        problems.append(f"pypdf cannot open it ({ins.open_error})")
    elif ins.pdf_warnings:
        problems.append(f"pypdf had to repair it: {short(ins.pdf_warnings[0], 120)}")
    if problems:
        return Check("file", False, _joined(problems, 4))
    version = data[5:8].decode("ascii", "replace")
    return Check("file", True, f"PDF {version}, {len(data):,} bytes, {ins.n} pages; cross-reference table sound")


OBJ_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")


def _xref_problems(data: bytes, start: int) -> list[str]:
    problems: list[str] = []
    seen: set[int] = set()
    entries = 0
    while start not in seen:
        seen.add(start)
        if start >= len(data):
            return problems + [f"startxref points past the end of the file (byte {start})"]
        head = data[start:start + 64]
        if re.match(rb"\d+\s+\d+\s+obj", head):
            return problems  # a cross-reference stream: pypdf's strict reading stands in for this check
        if not head.startswith(b"xref"):
            return problems + [f"startxref points at byte {start}, where no cross-reference table starts"]
        end = data.find(b"trailer", start)
        if end < 0:
            return problems + ["cross-reference table without a trailer"]
        tokens = data[start + 4:end].split()
        j = 0
        try:
            while j < len(tokens):
                first, count = int(tokens[j]), int(tokens[j + 1])
                j += 2
                for num in range(first, first + count):
                    offset, gen, kind = int(tokens[j]), int(tokens[j + 1]), tokens[j + 2]
                    j += 3
                    if kind != b"n":
                        continue
                    entries += 1
                    at = OBJ_HEADER.match(data, offset)
                    if at is None or (int(at.group(1)), int(at.group(2))) != (num, gen):
                        problems.append(f"object {num} is not at byte {offset} where the table says")
        except (ValueError, IndexError):
            return problems + ["cross-reference table cannot be parsed"]
        prev = re.search(rb"/Prev\s+(\d+)", data[end:end + 2048].split(b"startxref")[0])
        if prev is None:
            break
        start = int(prev.group(1))
    if entries == 0:
        problems.append("cross-reference table lists no objects")
    return problems


def check_page_size(ins: Inspection) -> Check:
    """Every page's trim box is the edition's paper; without print marks the media box is the trim box."""
    from ..layout import PAPERS

    w, h = PAPERS[ins.options.paper]
    booklet = ins.options.print_mode == "booklet"
    if booklet:
        w *= 2  # two pages side by side on each sheet
    wrong: list[str] = []
    for i, page in enumerate(ins.pages):
        trim, media = page.trimbox, page.mediabox
        tw, th = float(trim.width), float(trim.height)
        inside = (media.left <= trim.left and media.bottom <= trim.bottom
                  and media.right >= trim.right and media.top >= trim.top)
        if abs(tw - w) > 0.5 or abs(th - h) > 0.5:
            wrong.append(f"page {i + 1} is {tw:g}\u00d7{th:g} pt")
        elif (page.get("/Rotate") or 0) % 360:
            wrong.append(f"page {i + 1} is rotated {page.get('/Rotate')}\u00b0")
        elif not inside:
            wrong.append(f"page {i + 1}: the trim box is not inside the media box")
        elif ins.options.print_mode is None and [float(v) for v in media] != [float(v) for v in trim]:
            wrong.append(f"page {i + 1} has a media box ({float(media.width):g}\u00d7{float(media.height):g}) "
                         "beyond its trim box")
    paper = f"{w:g}\u00d7{h:g} pt ({ins.options.paper}{' sheets' if booklet else ''})"
    if wrong:
        return Check("page-size", False, f"expected {paper}: " + "; ".join(wrong[:3])
                     + (f" (+{len(wrong) - 3} more pages)" if len(wrong) > 3 else ""))
    return Check("page-size", True, f"all {ins.n} pages {paper}")


def check_page_count(ins: Inspection) -> Check:
    low, high = expected_page_range(ins.guide, ins.theme, ins.options)
    noun = "pages"
    if ins.options.print_mode == "booklet":
        # padded to a multiple of four pages, two pages on each sheet side
        low, high, noun = math.ceil(low / 4) * 2, math.ceil(high / 4) * 2, "sheet sides"
    ok = low <= ins.n <= high
    return Check("page-count", ok, f"{ins.n} {noun}, expected {low}\u2013{high} for this content and edition")


def check_covers(ins: Inspection) -> Check:
    """Cover: brand, title, subtitle, edition, and 'Prepared for' exactly when the copy is named.

    Back cover: the author line; the advocate's contact (in the back matter) exactly when given.
    """
    g, opts = ins.guide, ins.options
    problems: list[str] = []
    cover = ins.page_key(0)
    for what in (g.brand.name, g.title, g.subtitle, f"{g.edition} \u00b7 Version {g.version}",
                 f"Last reviewed {reviewed(g.last_reviewed)}"):
        if squash(what) not in cover:
            problems.append(f"cover lacks {short(what)!r}")
    named = squash("Prepared for")
    if opts.prepared_for and squash(f"Prepared for {opts.prepared_for}") not in cover:
        problems.append(f"cover lacks 'Prepared for {short(opts.prepared_for)}'")
    if not opts.prepared_for and named in cover:
        problems.append("cover says 'Prepared for' but this edition names nobody")
    note_page = ins.page_key(1) if ins.n > 1 else ""  # the advocate's note: page 2, exactly when given
    if opts.note and squash(f"A note from your advocate {opts.note}") not in note_page:
        problems.append(f"page 2 lacks the advocate's note '{short(opts.note)}'")
    if not opts.note and squash("A note from your advocate") in note_page:
        problems.append("page 2 has an advocate's note but this edition has none")
    back = ins.page_key(ins.n - 1)
    if squash(f"Written by {g.author.line}") not in back:
        problems.append(f"back cover lacks 'Written by {g.author.line}'")
    last = max((h.offset for h in ins.headings if h.offset is not None), default=0)
    back_matter = ins.stream[last:] + back
    advocate = squash("Your patient advocate:")
    if opts.advocate and squash(f"Your patient advocate: {opts.advocate}") not in back_matter:
        problems.append(f"help panel lacks the advocate '{short(opts.advocate)}'")
    if not opts.advocate and advocate in back_matter:
        problems.append("help panel names an advocate but this edition has none")
    if problems:
        return Check("covers", False, "; ".join(problems))
    extra = ", named copy" if opts.prepared_for else ""
    extra += ", advocate shown" if opts.advocate else ""
    extra += ", note shown" if opts.note else ""
    return Check("covers", True, f"cover and back cover as in the content{extra}")


def flat_outline(ins: Inspection) -> list[tuple[int, str, int | None]]:
    """The bookmarks as (level, title, 0-based page index or None)."""
    reader = ins.reader
    out: list[tuple[int, str, int | None]] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:
                page = None
            out.append((level, str(item.title), page if page is not None and page >= 0 else None))

    try:
        walk(reader.outline, 0)
    except Exception as exc:
        out.append((0, f"<unreadable outline: {exc}>", None))
    return out


def check_bookmarks(ins: Inspection) -> Check:
    """Bookmarks = section titles in content order, nested as in the content, each on its heading's page."""
    actual = flat_outline(ins)
    expected = [(h.level, h.section.title, h.page) for h in ins.headings]
    problems: list[str] = []
    if [(lv, t) for lv, t, _ in actual] != [(lv, t) for lv, t, _ in expected]:
        for k in range(max(len(actual), len(expected))):
            a = actual[k] if k < len(actual) else None
            e = expected[k] if k < len(expected) else None
            if a is None or e is None or a[:2] != e[:2]:
                problems.append(f"bookmark {k + 1} is {_bm(a)}, expected {_bm(e)}")
                break
        problems.insert(0, f"{len(actual)} bookmarks, {len(expected)} sections")
    if ins.headings and all(h.page is None for h in ins.headings):
        sizes = "/".join(f"{ins.heading_size(lv):g}" for lv in range(3))
        problems.insert(0, f"no section heading found at this edition's heading sizes ({sizes} pt): "
                           "was the PDF built with other edition options or other content?")
    for (_, title, page), h in zip(actual, ins.headings, strict=False):
        if h.page is None:
            problems.append(f"heading {short(title)!r} not found in the text")
        elif page != h.page:
            where = f"page {page + 1}" if page is not None else "no page"
            problems.append(f"{short(title)!r} points at {where}, its heading is on page {h.page + 1}")
    if problems:
        return Check("bookmarks", False, _joined(problems, 4))
    depth = max((lv for lv, _, _ in actual), default=0) + 1
    return Check("bookmarks", True, f"{len(actual)} bookmarks, {depth} levels, each on its heading's page")


def _bm(item) -> str:
    return "missing" if item is None else f"{item[1]!r} at level {item[0] + 1}"


def check_contents(ins: Inspection) -> Check:
    """The contents page lists the top two levels of sections with the pages their headings stand on."""
    expected = [h for h in ins.headings if h.level <= 1]
    runs: list[Run] = [r for i in ins.contents_pages for r in ins.frame_runs(i)]
    numbers = [r for r in runs if r.key.isdigit()]
    problems: list[str] = []
    k = 0
    for h in expected:
        key = squash(h.section.title)
        while k < len(runs) and not ins._spells(runs, k, key, None):
            k += 1
        if k >= len(runs):
            problems.append(f"{short(h.section.title)!r} not listed (in order)")
            k = 0
            continue
        acc = ""
        while len(acc) < len(key):
            acc += runs[k].key
            k += 1
        listed = runs[k].key if k < len(runs) and runs[k].key.isdigit() else None
        if h.page is None:
            problems.append(f"{short(h.section.title)!r}: heading not found in the text")
        elif listed != str(h.page + 1):
            problems.append(f"{short(h.section.title)!r} listed on page {listed or '?'}, heading on page {h.page + 1}")
    if len(numbers) != len(expected):
        problems.append(f"{len(numbers)} page numbers listed for {len(expected)} entries")
    label = _pages_label(ins.contents_pages)
    if problems:
        return Check("contents", False, f"{label}: {_joined(problems, 4)}")
    return Check("contents", True, f"{len(expected)} entries on {label}, each with its heading's page")


def _find_in_order(ins: Inspection, section: m.Section, needles: list[str], what: str) -> tuple[int, list[str]]:
    """Look for each needle in the section's own text, in order; return (found, problems)."""
    span = ins.span(section)
    if span is None:
        return 0, [f"{what} of {short(section.title, 40)!r}: its heading is not in the text"]
    text = ins.stream[span[0]:span[1]]
    pos, found, problems = 0, 0, []
    for needle in needles:
        key = squash(needle)
        if not key:
            continue
        at = text.find(key, pos)
        if at < 0:
            problems.append(f"{short(needle)!r} not in {short(section.title, 40)!r} "
                            f"({_pages_label(ins.span_pages(*span))})")
        else:
            found += 1
            pos = at + len(key)
    return found, problems


def _verdict(name: str, found: int, problems: list[str], noun: str) -> Check:
    if problems:
        return Check(name, False, f"{len(problems)} missing: {_joined(problems)}")
    return Check(name, True, f"{found} {noun}, each in its own section")


def check_text(ins: Inspection) -> Check:
    """Every paragraph, list item, callout and caption stands in its section, in order."""
    numbers = ins.guide.reference_numbers
    found, problems = 0, []
    for _, section in ins.guide.all_sections():
        needles = [t for b in section.blocks for t in block_texts(b, numbers)]
        if needles:
            f, p = _find_in_order(ins, section, needles, "text")
            found, problems = found + f, problems + p
    return _verdict("text", found, problems, "paragraphs, list items and captions")


def check_checklists(ins: Inspection) -> Check:
    numbers = ins.guide.reference_numbers
    found, problems = 0, []
    for section, block in ins.guide.blocks():
        if isinstance(block, m.Checklist):
            needles = [block.title] + [reader_text(i.text, numbers) for i in block.items]
            f, p = _find_in_order(ins, section, needles, "checklist")
            found, problems = found + max(0, f - 1), problems + p
    return _verdict("checklists", found, problems, "checklist items")


def check_regimens(ins: Inspection) -> Check:
    """Each regimen row with all its figures, as a table row or a large-print card, in its section."""
    numbers = ins.guide.reference_numbers
    found, problems = 0, []
    for section, block in ins.guide.blocks():
        if not isinstance(block, m.RegimenTable):
            continue
        span = ins.span(section)
        if span is None:
            problems.append(f"regimens of {short(section.title, 40)!r}: its heading is not in the text")
            continue
        text = ins.stream[span[0]:span[1]]
        for row in block.rows:
            if any(form in text for form in regimen_forms(row, numbers)):
                found += 1
            else:
                figures = (f"{fmt_figure(row.median_survival_months)} months, "
                           f"{fmt_figure(row.response_rate_percent, '%')}")
                problems.append(f"{short(row.regimen, 40)!r} with {figures} not in {short(section.title, 40)!r}")
    return _verdict("regimens", found, problems, "regimen rows with their figures")


def check_glossary(ins: Inspection) -> Check:
    section = ins.section_of(m.GlossaryList)
    if section is None:
        ok = not ins.guide.glossary
        detail = "no glossary in this edition" if ok else "the content has terms but no glossary section"
        return Check("glossary", ok, detail)
    numbers = ins.guide.reference_numbers
    needles = [x for t in ins.guide.glossary for x in (t.term, reader_text(t.definition, numbers))]
    found, problems = _find_in_order(ins, section, needles, "glossary")
    return _verdict("glossary", found // 2, problems, "glossary terms with their definitions")


def check_references(ins: Inspection) -> Check:
    """The reference list: the expected numbers in order (1..N, or the source numbers in a sections copy)."""
    section = ins.section_of(m.ReferenceList)
    refs = ins.guide.references
    if section is None:
        ok = not refs
        return Check("references", ok, "no reference list in this edition" if ok else "no reference list section")
    expected = [str(r.number) for r in refs]
    problems: list[str] = []
    if ins.options.sections is None and expected != [str(k) for k in range(1, len(refs) + 1)]:
        problems.append("the content's reference numbers are not 1..N")
    listed = [a.key for a in ins.anchors if a.kind == "ref"]
    if listed != expected:
        problems.append(f"numbered {_numbers(listed)}, expected {_numbers(expected)}")
    _, missing = _find_in_order(ins, section, [f"{r.number}. {r.text}" for r in refs], "references")
    problems += missing
    if problems:
        return Check("references", False, _joined(problems))
    return Check("references", True, f"{len(refs)} references numbered {_numbers(expected)}, in order")


def _numbers(items: list[str]) -> str:
    if not items:
        return "none"
    if items == [str(k) for k in range(int(items[0]), int(items[0]) + len(items))]:
        return f"{items[0]}..{items[-1]}"
    return ",".join(items)


def check_links(ins: Inspection) -> Check:
    """Every internal link lands on a page; citations land on their reference, terms on their entry,
    contents lines on their section's heading page."""
    cites, terms = expected_links(ins.guide)
    anchors = ins.anchors
    got_cites: Counter = Counter()
    got_terms: Counter = Counter()
    problems: list[str] = []
    contents = [h for h in ins.headings if h.level <= 1]
    toc_links = 0
    external = 0
    for i, annot in ins.links():
        kind, target = ins.resolve(annot)
        rect = annot.get("/Rect") or [0, 0, 0, 0]
        where = f"link on page {i + 1} at y={float(rect[1]):.0f}"
        if kind == "uri":
            external += 1
            continue
        if kind == "broken":
            problems.append(f"{where} points nowhere: {target}")
            continue
        page, top = target
        if i in ins.contents_pages:
            h = contents[toc_links] if toc_links < len(contents) else None
            toc_links += 1
            if h is None:
                problems.append(f"{where}: more contents links than entries")
            elif page != h.page:
                heading = f"heading on page {h.page + 1}" if h.page is not None else "heading not found"
                problems.append(f"{where}: contents line {short(h.section.title, 40)!r} links to page {page + 1}, "
                                f"{heading}")
            continue
        anchor = _anchor_at(anchors, page, top)
        if anchor is None:
            problems.append(f"{where} goes to page {page + 1}"
                            + (f" y={top:.0f}" if top is not None else "")
                            + ", where no reference or glossary entry stands")
        elif anchor.kind == "ref":
            got_cites[anchor.key] += 1
        else:
            got_terms[anchor.key] += 1
    if toc_links != len(contents) and not any("contents" in p for p in problems):
        problems.append(f"{toc_links} contents links for {len(contents)} contents entries")
    for n in sorted(set(cites) | set(got_cites), key=int):
        if cites[n] != got_cites[n]:
            problems.append(f"reference {n}: {got_cites[n]} citation links, {cites[n]} citations in the content")
    for term in sorted(set(terms) | set(got_terms)):
        # a term link that wraps onto the next line becomes two link rectangles: at least one each
        if got_terms[term] < terms[term] or (got_terms[term] and not terms[term]):
            problems.append(f"term {term!r}: {got_terms[term]} links, {terms[term]} in the content")
    if problems:
        return Check("links", False, _joined(problems))
    ext = f", {external} external" if external else ""
    return Check("links", True, f"{sum(cites.values())} citation links to their references, "
                                f"{sum(got_terms.values())} term links, {toc_links} contents links{ext}; all land")


def _anchor_at(anchors: list[Anchor], page: int, top: float | None) -> Anchor | None:
    """The entry a link lands on: same page, its first line just below the destination's top."""
    best = None
    for a in anchors:
        if a.page != page:
            continue
        if top is None:
            continue
        gap = top - a.y
        if 0 < gap <= a.size * 2.5 and (best is None or gap < top - best.y):
            best = a
    return best


def _font_problem(font) -> str | None:
    name = str(font.get("/BaseFont", "?")).lstrip("/")
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return None
    descriptor_holder = font
    if subtype == "/Type0":
        kids = font.get("/DescendantFonts") or []
        if not kids:
            return f"{name} (Type0) has no descendant font"
        descriptor_holder = kids[0].get_object()
    fd = descriptor_holder.get("/FontDescriptor")
    fd = fd.get_object() if fd is not None else None
    if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
        return f"{name} ({str(subtype).lstrip('/')}) is not embedded"
    if not re.match(r"[A-Z]{6}\+", name):
        return f"{name} is embedded whole, not subset"
    return None


def _resource_fonts(resources, seen: set[int]) -> Iterator[tuple[str, object]]:
    """Every font in a resource dictionary, following form XObjects and their own resources."""
    if resources is None:
        return
    resources = resources.get_object()
    fonts = resources.get("/Font")
    if fonts is not None:
        for name, ref in fonts.get_object().items():
            font = ref.get_object()
            key = getattr(ref, "idnum", None)
            if key is not None:
                if key in seen:
                    continue
                seen.add(key)
            yield str(name), font
    xobjects = resources.get("/XObject")
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            key = getattr(ref, "idnum", None)
            if key is not None and -key in seen:
                continue
            if key is not None:
                seen.add(-key)
            xo = ref.get_object()
            if xo.get("/Subtype") == "/Form":
                yield from _resource_fonts(xo.get("/Resources"), seen)


def _appearance_streams(annot) -> Iterator[object]:
    ap = annot.get("/AP")
    if ap is None:
        return
    for state in ap.get_object().values():
        state = state.get_object()
        if hasattr(state, "get_data"):
            yield state
        else:
            for stream in state.values():
                yield stream.get_object()


def _page_resources(page):
    node = page
    while node is not None:
        res = node.get("/Resources")
        if res is not None:
            return res
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def check_fonts(ins: Inspection) -> Check:
    """Every font on every page (and in form XObjects, annotation appearances and the form's
    default resources) is embedded and subset; no unembedded standard font anywhere."""
    problems: dict[str, list[int]] = {}
    names: set[str] = set()
    for i, page in enumerate(ins.pages):
        seen: set[int] = set()
        sources = [_page_resources(page)]
        for ref in page.get("/Annots") or []:
            sources += [s.get("/Resources") for s in _appearance_streams(ref.get_object())]
        for res in sources:
            for _, font in _resource_fonts(res, seen):
                names.add(re.sub(r"^[A-Z]{6}\+", "", str(font.get("/BaseFont", "?")).lstrip("/")))
                bad = _font_problem(font)
                if bad:
                    problems.setdefault(bad, []).append(i)
    form = ins.reader.trailer["/Root"].get("/AcroForm")
    if form is not None:
        for _, font in _resource_fonts(form.get_object().get("/DR"), set()):
            bad = _font_problem(font)
            if bad:
                problems.setdefault(bad + " (form default resources)", [])
    if problems:
        parts = [f"{p} ({_pages_label(pages)})" if pages else p for p, pages in problems.items()]
        return Check("fonts", False, "; ".join(parts))
    return Check("fonts", True, f"{len(names)} fonts, all embedded and subset: {', '.join(sorted(names))}")


def check_metadata(ins: Inspection) -> Check:
    """Document title, author, subject and keywords; /Lang; /ViewerPreferences /DisplayDocTitle."""
    g = ins.guide
    info = ins.reader.metadata or {}
    want = {"/Title": g.title, "/Author": g.author.line, "/Subject": g.subtitle}
    if g.keywords:
        want["/Keywords"] = ", ".join(g.keywords)
    problems = [f"{k[1:].lower()} is {short(str(info.get(k)), 40)!r}, expected {short(v, 40)!r}"
                for k, v in want.items() if str(info.get(k) or "") != v]
    root = ins.reader.trailer["/Root"]
    lang = root.get("/Lang")
    if str(lang or "") != g.language:
        problems.append(f"/Lang is {str(lang) if lang is not None else 'missing'}, expected {g.language}")
    prefs = root.get("/ViewerPreferences")
    prefs = prefs.get_object() if prefs is not None else {}
    if getattr(prefs.get("/DisplayDocTitle"), "value", None) is not True:
        problems.append("/ViewerPreferences /DisplayDocTitle is not true")
    if problems:
        return Check("metadata", False, "; ".join(problems))
    return Check("metadata", True, f"title, author, subject{', keywords' if g.keywords else ''}, "
                                   f"/Lang {g.language}, DisplayDocTitle as in the content")


def form_fields(ins: Inspection) -> list[tuple[str, object]]:
    """(full name, field dictionary) for each terminal field of the AcroForm, in order."""
    form = ins.reader.trailer["/Root"].get("/AcroForm")
    if form is None:
        return []
    out: list[tuple[str, object]] = []

    def walk(refs, prefix: str):
        for ref in refs:
            f = ref.get_object()
            part = str(f.get("/T", ""))
            name = f"{prefix}.{part}" if prefix and part else (part or prefix)
            kids = [k for k in f.get("/Kids") or [] if "/T" in k.get_object()]
            if kids:
                walk(kids, name)
            else:
                out.append((name, f))

    walk(form.get_object().get("/Fields") or [], "")
    return out


def check_form(ins: Inspection) -> Check:
    """One checkbox per checklist item, named as the content says, unchecked, on its checklist's pages."""
    expected: list[tuple[str, m.Section]] = []
    for section, block in ins.guide.blocks():
        if isinstance(block, m.Checklist):
            expected += [(block.field_name(item), section) for item in block.items]
    fields = form_fields(ins)
    names = [n for n, _ in fields]
    problems: list[str] = []
    want = [n for n, _ in expected]
    missing = [n for n in want if n not in names]
    extra = [n for n in names if n not in want]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if missing:
        problems.append(f"missing {', '.join(missing[:4])}" + (" \u2026" if len(missing) > 4 else ""))
    if extra:
        problems.append(f"unexpected {', '.join(extra[:4])}" + (" \u2026" if len(extra) > 4 else ""))
    if dupes:
        problems.append(f"duplicated {', '.join(dupes[:4])}")
    widget_page = {}
    for i, page in enumerate(ins.pages):
        for ref in page.get("/Annots") or []:
            if hasattr(ref, "idnum"):
                widget_page[ref.idnum] = i
    home = dict(expected)
    for name, f in fields:
        if f.get("/FT") != "/Btn" or int(f.get("/Ff", 0)) & ((1 << 15) | (1 << 16)):
            problems.append(f"{name} is not a checkbox")
            continue
        if str(f.get("/V", "/Off")) != "/Off":
            problems.append(f"{name} is checked ({f.get('/V')})")
        widgets = [k for k in f.get("/Kids") or []] or [f.indirect_reference]
        for w in widgets:
            wo = w.get_object() if w is not None else f
            if str(wo.get("/AS", "/Off")) != "/Off":
                problems.append(f"{name} shows as checked")
            page = widget_page.get(getattr(w, "idnum", None))
            if page is None:
                problems.append(f"{name} is on no page")
            elif name in home:
                span = ins.span(home[name])
                if span is not None and page not in ins.span_pages(*span):
                    problems.append(f"{name} is on page {page + 1}, its checklist on "
                                    f"{_pages_label(ins.span_pages(*span))}")
    if problems:
        return Check("form", False, f"{len(names)} fields for {len(want)} checklist items: " + "; ".join(problems[:4]))
    return Check("form", True, f"{len(names)} checkboxes, one per checklist item, named as in the content, "
                               "all unchecked")


def check_footer(ins: Inspection) -> Check:
    """'Page N of M' in the footer of every body page (all but the cover and the back cover)."""
    wrong: list[str] = []
    for i in ins.body_pages:
        foot = "".join(r.key for r in ins.runs(i) if ins.zone(r) == "foot")
        if f"Page{i + 1}of{ins.n}" not in foot:
            said = re.search(r"Page(\d+)of(\d+)", foot)
            wrong.append(f"page {i + 1} says 'Page {said.group(1)} of {said.group(2)}'" if said
                         else f"page {i + 1} has no 'Page N of M' footer")
    if ins.n < 3:
        wrong.append(f"only {ins.n} pages: no body pages")
    if wrong:
        return Check("footer", False, f"expected 'Page N of {ins.n}': " + "; ".join(wrong[:3])
                     + (f" (+{len(wrong) - 3} more)" if len(wrong) > 3 else ""))
    return Check("footer", True, f"'Page N of {ins.n}' on pages 2\u2013{ins.n - 1}")


def check_rebuild(ins: Inspection) -> Check:
    """Building the same content and edition again gives the very same bytes."""
    from ..pdf import render_guide

    again, _ = render_guide(ins.full_guide, ins.options)
    if again == ins.pdf:
        return Check("rebuild", True, f"a fresh build is byte-identical ({len(again):,} bytes)")
    pairs = enumerate(zip(again, ins.pdf, strict=False))
    first = next((k for k, (a, b) in pairs if a != b), min(len(again), len(ins.pdf)))
    return Check("rebuild", False, f"a fresh build differs: {len(again):,} bytes against {len(ins.pdf):,}, "
                                   f"first difference at byte {first:,}")


def check_accessibility(ins: Inspection) -> Check:
    """The tagged-PDF checks of guide.tagging (structure tree, marked content, ParentTree, headings).

    Optional (``--accessibility``): it parses every content stream again and loads the layout
    modules, which roughly doubles the time of a verify.
    """
    from ..tagging import check_accessibility as tagged

    passed, detail = tagged(ins.reader)
    return Check("accessibility", passed, detail)


CheckFn = Callable[[Inspection], Check]

# Checks that need the file opened by pypdf, in report order.
CHECKS: dict[str, CheckFn] = {
    "page-size": check_page_size,
    "page-count": check_page_count,
    "covers": check_covers,
    "bookmarks": check_bookmarks,
    "contents": check_contents,
    "text": check_text,
    "checklists": check_checklists,
    "regimens": check_regimens,
    "glossary": check_glossary,
    "references": check_references,
    "links": check_links,
    "fonts": check_fonts,
    "metadata": check_metadata,
    "form": check_form,
    "footer": check_footer,
}

# An imposed booklet has no single pages: text, links, form and footers are not checkable on it.
BOOKLET_CHECKS = ("page-size", "page-count", "fonts")


def run_check(fn: CheckFn, ins: Inspection, name: str) -> Check:
    """One check; a damaged file that trips up the check itself is a failure, never a traceback."""
    try:
        return fn(ins)
    except Exception as exc:
        return Check(name, False, f"could not check: {type(exc).__name__}: {short(str(exc), 120)}")


def verify_pdf(pdf: bytes, guide: m.Guide, options: BuildOptions = DEFAULT_OPTIONS, *,
               rebuild: bool = False, accessibility: bool = False) -> Report:
    """Check a built PDF against the full guide it should come from and the edition options."""
    return verify_inspection(Inspection(pdf, guide, options), rebuild=rebuild, accessibility=accessibility)


def verify_inspection(ins: Inspection, *, rebuild: bool = False, accessibility: bool = False) -> Report:
    """Every check that applies to the edition, on an Inspection (whose readings later calls reuse)."""
    options = ins.options
    chosen = CHECKS
    checks = []
    if options.print_mode == "booklet":
        chosen = {name: CHECKS[name] for name in BOOKLET_CHECKS}
        checks.append(Check("edition", True, "imposed booklet: only the sheets' file structure, size, count and "
                                             "fonts are checked; verify the single-page PDF for the rest"))
    checks.append(run_check(check_file, ins, "file"))
    if ins.reader is None:
        checks += [Check(name, False, "not checked: the file cannot be opened") for name in chosen]
    else:
        with _captured_pypdf_log(ins.pdf_warnings):
            checks += [run_check(fn, ins, name) for name, fn in chosen.items()]
            if accessibility and options.print_mode != "booklet":  # the imposed booklet is exempt
                checks.append(run_check(check_accessibility, ins, "accessibility"))
    if rebuild:
        checks.append(run_check(check_rebuild, ins, "rebuild"))
    return Report(checks)
