"""guide.yaml's review record in, a typed Review out; and the years the reference list spans."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import models as m
from ._checker import Checker

REVIEW_SHAPE = "review: {reviewed_by: {name, credentials} or null, date, next}"
YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def _date(c: Checker, body: Any, key: str, path: str) -> dt.date | None:
    d = body[key]
    if isinstance(d, dt.date) and not isinstance(d, dt.datetime):
        return d
    c.add(body, key, path, f"must be a date like 2026-11-27, not {d!r}")
    return None


def review(c: Checker, raw: Any, parent: Any) -> m.Review | None:
    """``review:`` with ``date`` (the review's, or the content's own when no one reviewed it),
    ``reviewed_by`` (a name and credentials, or null) and ``next`` (default: date + 24 months)."""
    body = c.mapping(raw, parent, "review", "review", ["date"], ["reviewed_by", "next"])
    if body is None:
        return None
    day = _date(c, body, "date", "review.date") if "date" in body else None
    reviewer = None
    who = body.get("reviewed_by")
    if who is not None:
        wb = c.mapping(who, body, "reviewed_by", "review.reviewed_by", ["name", "credentials"])
        if wb is not None and "name" in wb and "credentials" in wb:
            name = c.text(wb["name"], wb, "name", "review.reviewed_by.name", 120)
            cred = c.text(wb["credentials"], wb, "credentials", "review.reviewed_by.credentials", 60)
            if name and cred:
                reviewer = m.Reviewer(name, cred)
    due = _date(c, body, "next", "review.next") if "next" in body else None
    if day is None or ("next" in body and due is None) or (who is not None and reviewer is None):
        if day is not None and due is not None and due <= day:
            c.add(body, "next", "review.next", f"must come after review.date ({day.isoformat()}), not {due.isoformat()}")
        return None
    if due is None:
        due = m.add_months(day, m.REVIEW_CYCLE_MONTHS)
    elif due <= day:
        c.add(body, "next", "review.next", f"must come after review.date ({day.isoformat()}), not {due.isoformat()}")
        return None
    return m.Review(reviewer, day, due)


def replaced_key(c: Checker, body: Any) -> None:
    """``last_reviewed`` said a review happened whether or not one did: it is gone."""
    c.add(body, "last_reviewed", "last_reviewed",
          f"was replaced by the review record; write {REVIEW_SHAPE} (reviewed_by: null until a "
          "clinician has checked the facts)")


def source_years(references: tuple[m.Reference, ...]) -> tuple[int, int] | None:
    """The oldest and newest year named in the references' texts (1995–2015 for the default guide)."""
    years = [int(y) for r in references for y in YEAR_RE.findall(r.text)]
    return (min(years), max(years)) if years else None

