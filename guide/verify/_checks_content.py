"""An Inspection in; checks that the content's words stand in their sections out: text, lists, regimens, links."""

from __future__ import annotations

from collections import Counter

from ..content import models as m
from ._expect import block_texts, expected_links, fmt_figure, reader_text, regimen_forms
from ._inspect import Anchor, Inspection
from ._pdffile import squash
from ._report import Check, _joined, _pages_label, short


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
            if any(form in text for form in regimen_forms(row, numbers, ins.guide)):
                found += 1
            else:
                figures = (f"{fmt_figure(row.median_survival_months, 'months', ins.guide.language)}, "
                           f"{fmt_figure(row.response_rate_percent, '%', ins.guide.language)}")
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
        # a contents page's first links are its entries (drawn first); a short contents shares its page
        # with the first section, whose citation and term links follow
        if i in ins.contents_pages and toc_links < len(contents):
            h = contents[toc_links]
            toc_links += 1
            if page != h.page:
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
