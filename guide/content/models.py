"""Typed content model: frozen structs (msgspec) that the validator builds and the layout reads.

Models do no I/O and know nothing of ReportLab.
"""

from __future__ import annotations

import calendar
import datetime as dt
from enum import Enum
from typing import Union

import msgspec


# ---- inline text -------------------------------------------------------------------

class Text(msgspec.Struct, frozen=True):
    text: str


class Emph(msgspec.Struct, frozen=True):
    text: str


class Strong(msgspec.Struct, frozen=True):
    text: str


class Cite(msgspec.Struct, frozen=True):
    keys: tuple[str, ...]


class TermLink(msgspec.Struct, frozen=True):
    text: str
    term_id: str


Span = Union[Text, Emph, Strong, Cite, TermLink]
Inline = tuple[Span, ...]


def plain(inline: Inline, numbers: dict[str, int] | None = None) -> str:
    """The words of an inline run as a reader sees them (citations as [n])."""
    out = []
    for span in inline:
        if isinstance(span, Cite):
            if numbers is not None:
                out.append("[" + ", ".join(str(numbers[k]) for k in span.keys) + "]")
        else:
            out.append(span.text)
    return "".join(out)


def long_date(day: dt.date) -> str:
    """A date in the tool's own (US English) messages: November 27, 2026. The guide prints its
    dates in its own language through its Locale (content/_locale.py)."""
    from babel.dates import format_date

    return format_date(day, "long", locale="en_US")


# ---- blocks ------------------------------------------------------------------------

class Paragraph(msgspec.Struct, frozen=True):
    text: Inline


class ListItem(msgspec.Struct, frozen=True):
    text: Inline
    items: tuple[ListItem, ...] = ()


class BulletList(msgspec.Struct, frozen=True):
    items: tuple[ListItem, ...]


class CheckItem(msgspec.Struct, frozen=True):
    id: str
    text: Inline


class Checklist(msgspec.Struct, frozen=True):
    id: str
    title: str
    items: tuple[CheckItem, ...]
    intro: Inline = ()
    notes: str | None = None

    def field_name(self, item: CheckItem) -> str:
        return f"{self.id}_{item.id}"


class Callout(msgspec.Struct, frozen=True):
    title: str
    blocks: tuple[Block, ...]


class Evidence(Enum):
    RANDOMISED_PHASE_3 = "randomised-phase-3"
    PHASE_2 = "phase-2"
    STUDY = "study"  # the printed labels are the locale's evidence_* words


class Regimen(msgspec.Struct, frozen=True):
    regimen: str
    drugs: tuple[str, ...]
    median_survival_months: float | None
    response_rate_percent: float | None
    evidence: Evidence
    year: int | None
    refs: tuple[str, ...]


class RegimenTable(msgspec.Struct, frozen=True):
    caption: str
    rows: tuple[Regimen, ...]


class GlossaryList(msgspec.Struct, frozen=True):
    """Prints the whole glossary here."""


class ReferenceList(msgspec.Struct, frozen=True):
    """Prints the numbered reference list here."""


Block = Union[Paragraph, BulletList, Checklist, Callout, RegimenTable, GlossaryList, ReferenceList]


def inline_runs(block: Block):
    """Every inline run in a block (a regimen table's citations as one run; callout contents
    are blocks of their own, see Guide.blocks)."""
    if isinstance(block, Paragraph):
        yield block.text
    elif isinstance(block, BulletList):
        stack = list(block.items)
        while stack:
            item = stack.pop()
            yield item.text
            stack.extend(item.items)
    elif isinstance(block, Checklist):
        yield block.intro
        for item in block.items:
            yield item.text
    elif isinstance(block, RegimenTable):
        yield tuple(Cite((k,)) for r in block.rows for k in r.refs)


# ---- document ----------------------------------------------------------------------

class Section(msgspec.Struct, frozen=True):
    id: str
    title: str
    blocks: tuple[Block, ...]
    subsections: tuple[Section, ...] = ()
    # references that cover the section as a whole ("Sources for this section"), where the
    # source ties no single statement to them
    sources: tuple[str, ...] = ()

    def walk(self, level: int = 0):
        """Yield (level, section) for this section and every subsection, in order."""
        yield level, self
        for sub in self.subsections:
            yield from sub.walk(level + 1)


class Term(msgspec.Struct, frozen=True):
    id: str
    term: str
    definition: Inline


class Reference(msgspec.Struct, frozen=True):
    key: str
    text: str
    number: int  # its number in the full list, kept when a copy prints only some


class Author(msgspec.Struct, frozen=True):
    name: str
    credentials: str
    role: str
    bio: str

    @property
    def line(self) -> str:
        return f"{self.name}, {self.credentials}, {self.role}" if self.credentials else f"{self.name}, {self.role}"


class Reviewer(msgspec.Struct, frozen=True):
    name: str
    credentials: str


REVIEW_CYCLE_MONTHS = 24  # the cycle Krames/StayWell publish for patient materials


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day where it is shorter: 31 Jan -> 28 Feb)."""
    y, mo = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, mo + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Review(msgspec.Struct, frozen=True):
    """Who checked the facts and when. With no reviewer, ``date`` is the content's own date."""

    reviewed_by: Reviewer | None
    date: dt.date
    next: dt.date

    def problem(self, today: dt.date) -> str | None:
        """Why this content should not go out as reviewed today, or None."""
        if self.reviewed_by is None:
            return "not yet medically reviewed (review.reviewed_by names no one)"
        if today > self.next:
            return (f"the medical review of {long_date(self.date)} was due again on {long_date(self.next)} "
                    "(review.next)")
        return None


class Translation(msgspec.Struct, frozen=True):
    """How a translated edition was made: ``source`` is the tag of the language it was
    translated from; ``reviewed_by`` is None until a medical translator has checked it."""

    source: str
    translated_by: str
    reviewed_by: str | None
    date: dt.date


class Colour(msgspec.Struct, frozen=True):
    rgb: str  # "#rrggbb"
    cmyk: tuple[float, float, float, float] | None = None


class HelpItem(msgspec.Struct, frozen=True):
    title: str
    text: str


class Brand(msgspec.Struct, frozen=True):
    name: str
    tagline: str
    colours: dict[str, Colour]   # not hashed (see __hash__)
    help_title: str = "How to get help"
    help_items: tuple[HelpItem, ...] = ()
    phone: str | None = None
    web: str | None = None
    address: str | None = None
    logo: str | None = None  # absolute path inside the content folder

    def __hash__(self) -> int:
        """Every field but the colours (a dict has no hash); equality compares them all."""
        return hash(tuple(getattr(self, f) for f in self.__struct_fields__ if f != "colours"))


class Guide(msgspec.Struct, frozen=True):
    title: str
    subtitle: str
    language: str
    edition: str
    version: str
    review: Review
    keywords: tuple[str, ...]
    author: Author
    brand: Brand
    sections: tuple[Section, ...]
    glossary: tuple[Term, ...]
    references: tuple[Reference, ...]
    content_sha256: str | None = None  # of the content files, set when loaded from a folder (the build record)
    # the oldest and newest year in the whole reference list (kept when a copy prints only some)
    source_years: tuple[int, int] | None = None
    translation: Translation | None = None  # a translated edition's record (None: an original)

    @property
    def reference_numbers(self) -> dict[str, int]:
        return {r.key: r.number for r in self.references}

    def all_sections(self):
        for section in self.sections:
            yield from section.walk()

    def blocks(self):
        """Yield (section, block) for every block, callout contents included, in order."""
        for _, section in self.all_sections():
            stack = list(reversed(section.blocks))
            while stack:
                block = stack.pop()
                yield section, block
                if isinstance(block, Callout):
                    stack.extend(reversed(block.blocks))

    def checklists(self) -> list[Checklist]:
        return [b for _, b in self.blocks() if isinstance(b, Checklist)]

    def regimens(self) -> list[Regimen]:
        return [r for _, b in self.blocks() if isinstance(b, RegimenTable) for r in b.rows]
