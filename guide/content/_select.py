"""A validated guide and a choice of section ids in; the guide with only those sections and the back matter they need out."""

from __future__ import annotations

from msgspec.structs import replace

from ..errors import ContentError, Problem
from . import models as m


def select_sections(guide: m.Guide, ids: tuple[str, ...] | None) -> m.Guide:
    """Keep only the chosen sections (in content order) plus the back matter they need.

    The glossary keeps the terms the chosen sections link to, the reference list the
    references they cite, each with its number from the full list so citations still match.
    """
    if ids is None:
        return guide
    known = [s.id for s in guide.sections]
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ContentError([Problem("--sections", 0, "", f"no section {u!r}; choose from: {', '.join(known)}")
                            for u in unknown])
    back = [s for s in guide.sections if _is_back_matter(s)]
    chosen = [s for s in guide.sections if s.id in ids and s not in back]
    cited, linked = _usage(chosen, guide)
    refs = tuple(r for r in guide.references if r.key in cited)
    terms = tuple(t for t in guide.glossary if t.id in linked)
    keep_back = [s for s in back if (_has(s, m.ReferenceList) and refs) or (_has(s, m.GlossaryList) and terms)]
    sections = tuple(s for s in guide.sections if s in chosen or s in keep_back)
    return replace(guide, sections=sections, references=refs, glossary=terms)


def _has(section: m.Section, kind: type) -> bool:
    return any(isinstance(b, kind) for b in section.blocks)


def is_back_matter(section: m.Section) -> bool:
    """A glossary or reference section: it comes with the chosen sections that need it, never chosen itself."""
    return _is_back_matter(section)


def _is_back_matter(section: m.Section) -> bool:
    return all(isinstance(b, (m.GlossaryList, m.ReferenceList)) for b in section.blocks) and not section.subsections


def _usage(sections: list[m.Section], guide: m.Guide) -> tuple[set[str], set[str]]:
    """Reference keys cited and glossary terms linked from these sections (and the linked terms' definitions)."""
    cited: set[str] = set()
    linked: set[str] = set()

    def scan(inline: m.Inline) -> None:
        for span in inline:
            if isinstance(span, m.Cite):
                cited.update(span.keys)
            elif isinstance(span, m.TermLink):
                linked.add(span.term_id)

    sub = replace(guide, sections=tuple(sections))
    for _, section in sub.all_sections():
        cited.update(section.sources)
    for _, block in sub.blocks():
        for inline in m.inline_runs(block):
            scan(inline)
    # a definition may link on to other terms or cite: follow until nothing new
    terms = {t.id: t for t in guide.glossary}
    pending = list(linked)
    while pending:
        term = terms.get(pending.pop())
        if term is None:
            continue
        before = set(linked)
        scan(term.definition)
        pending.extend(linked - before)
    return cited, linked
