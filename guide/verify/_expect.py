"""The content and edition in; what the PDF should hold out: its texts, regimen rows, link counts, page range."""

from __future__ import annotations

import math
from collections import Counter

from ..content import BuildOptions
from ..content import models as m
from ._pdffile import squash


def cite_text(keys: tuple[str, ...], numbers: dict[str, int]) -> str:
    """A citation as the layout prints it: its numbers sorted, e.g. '[2, 13]'."""
    return "[" + ", ".join(str(n) for n in sorted(numbers[k] for k in keys)) + "]"


def reader_text(inline: m.Inline, numbers: dict[str, int]) -> str:
    out = []
    for span in inline:
        out.append(cite_text(span.keys, numbers) if isinstance(span, m.Cite) else span.text)
    return "".join(out)


reviewed = m.long_date  # the same wording functions the layout prints with


def review_texts(guide: m.Guide) -> tuple[str, ...]:
    """What the covers say about review (the layout's own phrases): reviewer and date, or
    the content's date and 'Not yet medically reviewed'."""
    from ..layout import review_lines

    return review_lines(guide)
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

    for _, section in guide.all_sections():
        count(tuple(m.Cite((k,)) for k in section.sources))   # "Sources for this section"
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
