"""A guide in, the interface phrases the layout prints about it out: the review record, a section's sources, table notes.

Every such phrase is here and nowhere else, so verify can expect the same words and the
locale work can move them into locale files in one step. No ReportLab here.
"""

from __future__ import annotations

from ..content import models as m

PHRASES = {
    "reviewed_by": "Medically reviewed by {name}, {credentials} on {date}",
    "reviewed_short": "Reviewed {date}",
    "next_review": "Next review due {date}",
    "not_reviewed": "Not yet medically reviewed",
    "content_date": "Content date: {date}",
    "content_date_sources": "Content date: {date}; sources {first}\u2013{last}",
    "section_sources": "Sources for this section:",
    "not_reported": "\u2014 not reported in the source",
}


def content_date(g: m.Guide) -> str:
    """``Content date: 27 November 2026; sources 1995–2015`` (the years from the reference texts)."""
    day = m.long_date(g.review.date)
    if g.source_years:
        first, last = g.source_years
        return PHRASES["content_date_sources"].format(date=day, first=first, last=last)
    return PHRASES["content_date"].format(date=day)


def review_lines(g: m.Guide) -> tuple[str, ...]:
    """What the cover and the back cover say about review: who and when, or the content's
    own date and that no one has reviewed it."""
    who = g.review.reviewed_by
    if who is None:
        return content_date(g), PHRASES["not_reviewed"]
    return (PHRASES["reviewed_by"].format(name=who.name, credentials=who.credentials,
                                          date=m.long_date(g.review.date)),)


def review_footer(g: m.Guide) -> str:
    """The running footer's short form, after the edition."""
    if g.review.reviewed_by is None:
        return PHRASES["not_reviewed"]
    return PHRASES["reviewed_short"].format(date=m.long_date(g.review.date))


def review_about(g: m.Guide) -> str:
    """The About block's sentence(s) on review, each ending with a full stop."""
    lines = list(review_lines(g))
    if g.review.reviewed_by is not None:
        lines.append(PHRASES["next_review"].format(date=m.long_date(g.review.next)))
    return " ".join(f"{line}." for line in lines)


def sources_label() -> str:
    return PHRASES["section_sources"]


def needs_not_reported(table: m.RegimenTable) -> bool:
    """Whether a regimen table prints an em dash (a figure the source does not give)."""
    return any(r.median_survival_months is None or r.response_rate_percent is None for r in table.rows)


def not_reported() -> str:
    return PHRASES["not_reported"]
