"""A validated guide (and its reading grades) in, a PEMAT-P evidence report out: the items software can judge, each
with what it found, and the items a person must rate.

PEMAT-P is AHRQ's Patient Education Materials Assessment Tool for printable materials
(Shoemaker, Wolf, Brach; AHRQ Publication No. 14-0002-EF, 2013, updated 2014): 17
understandability items (1-12, 15-19; 13 and 14 are for audiovisual material only) and 7
actionability items (20-26), each rated Agree (1), Disagree (0) or, for some, N/A. A score
is the points over the items that apply. Software here judges only what the content's
structure shows (glossary links, "you", sections and headings, a summary box, the numbers,
tables, checklists); whether the language is everyday, the voice active, the order logical
and so on is for a person, and the report says so rather than guess. Works on the model
only: nothing is rendered.
"""

from __future__ import annotations

import re
from collections import Counter

import msgspec

from . import models as m
from ._advice import FORMULAS, SectionGrade, _units

U, A = "understandability", "actionability"

# (number, domain, item as PEMAT-P words it, judged by software?)
ITEMS: tuple[tuple[int, str, str, bool], ...] = (
    (1, U, "The material makes its purpose completely evident.", False),
    (2, U, "The material does not include information or content that distracts from its purpose.", False),
    (3, U, "The material uses common, everyday language.", False),
    (4, U, "Medical terms are used only to familiarize audience with the terms. When used, medical terms are "
           "defined.", True),
    (5, U, "The material uses the active voice.", False),
    (6, U, "Numbers appearing in the material are clear and easy to understand.", True),
    (7, U, "The material does not expect the user to perform calculations.", False),
    (8, U, "The material breaks or \u201cchunks\u201d information into short sections.", True),
    (9, U, "The material\u2019s sections have informative headers.", True),
    (10, U, "The material presents information in a logical sequence.", False),
    (11, U, "The material provides a summary.", True),
    (12, U, "The material uses visual cues (e.g., arrows, boxes, bullets, bold, larger font, highlighting) to "
            "draw attention to key points.", True),
    (15, U, "The material uses visual aids whenever they could make content more easily understood.", False),
    (16, U, "The material\u2019s visual aids reinforce rather than distract from the content.", True),
    (17, U, "The material\u2019s visual aids have clear titles or captions.", True),
    (18, U, "The material uses illustrations and photographs that are clear and uncluttered.", True),
    (19, U, "The material uses simple tables with short and clear row and column headings.", True),
    (20, A, "The material clearly identifies at least one action the user can take.", True),
    (21, A, "The material addresses the user directly when describing actions.", True),
    (22, A, "The material breaks down any action into manageable, explicit steps.", True),
    (23, A, "The material provides a tangible tool (e.g., menu planners, checklists) whenever it could help "
            "the user take action.", True),
    (24, A, "The material provides simple instructions or examples of how to perform calculations.", False),
    (25, A, "The material explains how to use the charts, graphs, tables, or diagrams to take actions.", False),
    (26, A, "The material uses visual aids whenever they could make it easier to act on the instructions.", False),
)

SHORT_SECTION_WORDS = 300   # a section's own text, list sections (glossary, references) aside
SHORT_ROW_HEADING = 6       # words in a table's row heading
VERY_SHORT_WORDS = 200      # PEMAT: very short material makes items 8, 9 and 11 N/A
SUMMARY_TITLE = re.compile(r"summary|key points|at a glance|in brief|resumen|puntos clave|lo esencial", re.I)
YOU = re.compile(r"\b(you|your|yours|yourself|usted|ustedes)\b", re.I)
DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")
PERCENT = re.compile(r"\d\s*(%|percent|por ciento)", re.I)


class Rating(msgspec.Struct, frozen=True):
    number: int
    domain: str
    text: str
    score: int | None   # 1 agree, 0 disagree, None: N/A or for a person
    evidence: str
    automated: bool

    @property
    def verdict(self) -> str:
        if not self.automated:
            return "person"
        return {1: "agree", 0: "disagree", None: "N/A"}[self.score]


class PematReport(msgspec.Struct, frozen=True):
    ratings: tuple[Rating, ...]
    grades: tuple[SectionGrade, ...]

    def score(self, domain: str) -> tuple[int, int]:
        """Points and applicable items among the software-judged items of a domain."""
        rated = [r for r in self.ratings if r.domain == domain and r.automated and r.score is not None]
        return sum(r.score for r in rated), len(rated)

    def lines(self) -> list[str]:
        out = ["PEMAT-P (AHRQ Patient Education Materials Assessment Tool, print): evidence for a reviewer"]
        for domain in (U, A):
            got, of = self.score(domain)
            pct = f" = {100 * got / of:.0f}%" if of else ""
            out.append(f"  {domain}: {got} of {of} software-judged items agree{pct}")
        out.append("  (a PEMAT score counts every item; a person rates those marked 'person' and confirms the rest)")
        for domain in (U, A):
            out.append(f"{domain.capitalize()}:")
            for r in self.ratings:
                if r.domain == domain:
                    out.append(f"  {r.number:>2} [{r.verdict}] {r.text}")
                    out.append(f"       {r.evidence}")
        formula = self.grades[0].grade.formula if self.grades else FORMULAS["en"]
        out.append(f"Reading grade ({formula}) by section:")
        for g in self.grades:
            out.append(f"  {g.grade.value:5.1f}  {g.section.id} ({g.grade.words} words)")
        return out


def _short(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[:n - 1].rstrip() + "\u2026"


def _reader_texts(guide: m.Guide) -> list[tuple[m.Section, str]]:
    """Every reader-visible unit of text with its section (glossary definitions included)."""
    out = []
    for _, section in guide.all_sections():
        out += [(section, u) for u in _units(section.blocks, guide.glossary)]
    return out


def _links(guide: m.Guide) -> Counter:
    linked: Counter = Counter()
    for _, block in guide.blocks():
        for run in m.inline_runs(block):
            linked.update(s.term_id for s in run if isinstance(s, m.TermLink))
    return linked


def pemat(guide: m.Guide, grades: list[SectionGrade]) -> PematReport:
    """Rate what software can see; leave the rest, named, for a person."""
    texts = _reader_texts(guide)
    words = sum(len(t.split()) for _, t in texts)
    very_short = words < VERY_SHORT_WORDS
    blocks = [b for _, b in guide.blocks()]
    tables = [b for b in blocks if isinstance(b, m.RegimenTable)]
    checklists = [b for b in blocks if isinstance(b, m.Checklist)]
    callouts = [b for b in blocks if isinstance(b, m.Callout)]
    bullets = [b for b in blocks if isinstance(b, m.BulletList)]
    judged: dict[int, tuple[int | None, str]] = {}

    # 4: medical terms defined -- the glossary and the text's links to it
    linked = _links(guide)
    unlinked = [t.term for t in guide.glossary if t.id not in linked]
    if not guide.glossary:
        judged[4] = (0, "no glossary: no term in the text is defined or linked")
    else:
        judged[4] = (0 if unlinked else 1,
                     f"{len(guide.glossary)} glossary terms, {sum(linked.values())} links to them from the text"
                     + (f"; never linked: {', '.join(unlinked)}" if unlinked else "; every term linked")
                     + " (a person judges whether other medical words need defining)")

    # 6: numbers -- whole numbers read best; decimals and percentages are named
    figures = [f"{x:g}" for t in tables for r in t.rows
               for x in (r.median_survival_months, r.response_rate_percent) if x is not None]
    prose = " ".join(t for _, t in texts)
    numbers = NUMBER.findall(prose) + figures
    decimals = sorted(set(DECIMAL.findall(prose) + [f for f in figures if "." in f]), key=float)
    percents = len(PERCENT.findall(prose)) + sum(1 for t in tables for r in t.rows if r.response_rate_percent)
    if not numbers:
        judged[6] = (None, "no numbers")
    else:
        judged[6] = (0 if decimals else 1,
                     f"{len(numbers)} numbers; {len(decimals)} with decimals"
                     + (f" ({', '.join(decimals[:8])}{', ...' if len(decimals) > 8 else ''})" if decimals else "")
                     + f"; {percents} percentages")

    # 8, 9: short sections with their own headings
    own = [(s, len(" ".join(_units(s.blocks, ())).split())) for _, s in guide.all_sections()
           if not all(isinstance(b, (m.GlossaryList, m.ReferenceList)) for b in s.blocks)]
    longest = max(own, key=lambda x: x[1], default=None)
    if very_short:
        judged[8] = judged[9] = (None, f"very short material ({words} words)")
    else:
        long_ones = [s.id for s, n in own if n > SHORT_SECTION_WORDS]
        judged[8] = (0 if long_ones else 1,
                     f"{len(own)} sections of text; longest {longest[0].id!r} at {longest[1]} words "
                     f"(short: at most {SHORT_SECTION_WORDS})" + (f"; too long: {', '.join(long_ones)}" if long_ones else ""))
        titles = [s.title for _, s in guide.all_sections()]
        repeated = sorted(t for t, n in Counter(titles).items() if n > 1)
        judged[9] = (0 if repeated or len(titles) < 2 else 1,
                     f"{len(titles)} headings, one per section and subsection"
                     + (f"; repeated: {', '.join(repeated)}" if repeated else ", none repeated")
                     + " (a person judges whether they inform)")

    # 11: a summary -- a boxed list of key points
    summaries = [c.title for c in callouts if SUMMARY_TITLE.search(c.title)
                 and any(isinstance(b, m.BulletList) for b in c.blocks)]
    if very_short:
        judged[11] = (None, f"very short material ({words} words)")
    else:
        judged[11] = (1 if summaries else 0,
                      f"summary box: {', '.join(repr(t) for t in summaries)}" if summaries
                      else "no callout of key points or summary")

    # 12: visual cues
    strong = sum(1 for _, b in guide.blocks() for run in m.inline_runs(b) for s in run if isinstance(s, m.Strong))
    cues = [f"{len(bullets)} bulleted lists", f"{len(callouts)} boxed callouts", f"{strong} bold phrases"]
    judged[12] = (1 if bullets or callouts or strong else 0, ", ".join(cues))

    # 16-18: the content has no illustrations or photographs (the brand logo aside)
    for n in (16, 17, 18):
        judged[n] = (None, "no visual aids: the content holds no illustrations or photographs")

    # 19: simple tables
    if not tables:
        judged[19] = (None, "no tables")
    else:
        heads = [r.regimen for t in tables for r in t.rows]
        long_heads = [h for h in heads if len(h.split()) > SHORT_ROW_HEADING]
        judged[19] = (0 if long_heads else 1,
                      f"{len(tables)} table(s), {len(heads)} rows, a header row of column headings on every page; "
                      + (f"{len(long_heads)} row heading(s) longer than {SHORT_ROW_HEADING} words "
                         f"(longest {max(len(h.split()) for h in heads)})" if long_heads else "row headings short"))

    # 20-23: actions, addressed to "you", in steps, with a tool
    items = sum(len(c.items) for c in checklists)
    you = sum(1 for _, t in texts if YOU.search(t))
    judged[20] = (1 if checklists or you else 0,
                  f"{len(checklists)} checklists of actions ({items} items)" if checklists else
                  ("actions only in running text" if you else "no action named"))
    judged[21] = (1 if you else 0, f"{you} of {len(texts)} paragraphs and list items address the reader as you")
    judged[22] = (1 if any(len(c.items) > 1 for c in checklists) else 0,
                  "actions listed one per checklist item: "
                  + ", ".join(f"{c.title!r} ({len(c.items)})" for c in checklists) if checklists
                  else "no list of steps")
    judged[23] = (1 if checklists else 0,
                  f"tick-box checklists with write-in notes: {', '.join(repr(c.title) for c in checklists)}"
                  if checklists else "no checklist or other tool")

    person = {
        1: f"title {guide.title!r}, subtitle {guide.subtitle!r}",
        2: "read it whole as a patient would",
        3: "the reading grades below are a measure, not the rating",
        5: "not measured",
        7: f"{len(tables)} table(s) of figures from different studies" if tables else "no tables of figures",
        10: "sections in guide.yaml order: " + ", ".join(s.id for s in guide.sections),
        15: "the content holds no illustrations",
        24: "N/A unless item 7 finds a calculation",
        25: (f"table caption: {_short(tables[0].caption)!r}" if tables[0].caption else "a table without caption")
            if tables else "no charts, graphs, tables or diagrams",
        26: "the content holds no illustrations",
    }
    ratings = []
    for number, domain, text, auto in ITEMS:
        score, evidence = judged[number] if auto else (None, person[number])
        ratings.append(Rating(number, domain, text, score, evidence, auto))
    return PematReport(tuple(ratings), tuple(grades))
