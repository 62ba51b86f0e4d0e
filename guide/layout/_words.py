"""A guide in, the interface phrases the layout prints about it out: the review record, the translation notice, a section's sources, table notes.

The words come from the locale file of the guide's language (guide/locales, via content.locale_for);
verify asks these same functions, so it expects the words the layout printed. No ReportLab here.
"""

from __future__ import annotations

from ..content import Locale, locale_for
from ..content import models as m


def words(g: m.Guide) -> Locale:
    """The interface words, dates and numbers of the guide's language."""
    return locale_for(g.language)


def content_date(g: m.Guide) -> str:
    """``Content date: November 27, 2026; sources 1995–2015`` (the years from the reference texts)."""
    loc = words(g)
    day = loc.date(g.review.date)
    if g.source_years:
        first, last = g.source_years
        return loc("content_date_sources", date=day, first=first, last=last)
    return loc("content_date", date=day)


def review_lines(g: m.Guide) -> tuple[str, ...]:
    """What the cover and the back cover say about review: who and when, or the content's
    own date and that no one has reviewed it."""
    loc = words(g)
    who = g.review.reviewed_by
    if who is None:
        return content_date(g), loc("not_reviewed")
    return (loc("reviewed_by", name=who.name, credentials=who.credentials, date=loc.date(g.review.date)),)


def review_footer(g: m.Guide) -> str:
    """The running footer's short form, after the edition."""
    loc = words(g)
    if g.review.reviewed_by is None:
        return loc("not_reviewed")
    return loc("reviewed_short", date=loc.date(g.review.date))


def review_about(g: m.Guide) -> str:
    """The About block's sentence(s) on review, each ending with a full stop."""
    lines = list(review_lines(g))
    if g.review.reviewed_by is not None:
        lines.append(words(g)("next_review", date=words(g).date(g.review.next)))
    return " ".join(f"{line}." for line in lines)


def translation_notice(g: m.Guide) -> str | None:
    """The cover's plain warning while no medical translator has reviewed a translation."""
    t = g.translation
    if t is None or t.reviewed_by is not None:
        return None
    return words(g)("translation_unreviewed")


def translation_about(g: m.Guide) -> str | None:
    """The About block's account of a translation: from what, by whom, when, and its review."""
    t = g.translation
    if t is None:
        return None
    loc = words(g)
    made = loc("translation_made", source=loc.language_name(t.source), by=t.translated_by, date=loc.date(t.date))
    review = loc("translation_reviewed", name=t.reviewed_by) if t.reviewed_by else loc("translation_unreviewed")
    return f"{made} {review}"


def sources_label(g: m.Guide) -> str:
    return words(g)("section_sources")


def needs_not_reported(table: m.RegimenTable) -> bool:
    """Whether a regimen table prints an em dash (a figure the source does not give)."""
    return any(r.median_survival_months is None or r.response_rate_percent is None for r in table.rows)


def not_reported(g: m.Guide) -> str:
    return words(g)("not_reported")


def evidence_label(g: m.Guide, row: m.Regimen) -> str:
    """'Randomized phase III trial', '2003 study' (en-US); 'Estudio de 2003' (es)."""
    return words(g).evidence(row.evidence.value, row.year)
