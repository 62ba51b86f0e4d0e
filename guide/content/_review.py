"""guide.yaml's review record in, a typed Review out (and whether it is due); the years the reference list spans."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from . import models as m
from ..errors import ContentError, Problem
from ._checker import Checker, shown_path
from ._yaml import YMap, line_of, load_file, quoted

REVIEW_SHAPE = "review: {reviewed_by: {name, credentials} or null, date, next}"
YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def _date(c: Checker, body: Any, key: str, path: str) -> dt.date | None:
    d = body[key]
    if isinstance(d, dt.date) and not isinstance(d, dt.datetime):
        return d
    c.add(body, key, path, f"must be a date like 2026-11-27, not {quoted(d)}")
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


TRANSLATION_SHAPE = "translation: {from: en-US, translated_by, reviewed_by: name or null, date}"


def translation(c: Checker, raw: Any, parent: Any, language: str | None) -> m.Translation | None:
    """``translation:`` says how a translated edition was made: from which language, by whom,
    when, and who reviewed it for accuracy (null until a medical translator has)."""
    body = c.mapping(raw, parent, "translation", "translation", ["from", "translated_by", "date"], ["reviewed_by"])
    if body is None:
        return None
    source = body.get("from")
    ok = True
    if not isinstance(source, str) or not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", source):
        c.add(body, "from", "translation.from", f"must be a language tag like 'en-US', not {quoted(source)}")
        ok = False
    elif language is not None and source.lower() == language.lower():
        c.add(body, "from", "translation.from", f"names the guide's own language {source!r}; a translation "
                                                "comes from another")
        ok = False
    by = c.text(body["translated_by"], body, "translated_by", "translation.translated_by", 200) \
        if "translated_by" in body else None
    who = body.get("reviewed_by")
    reviewer = None
    if who is not None:
        reviewer = c.text(who, body, "reviewed_by", "translation.reviewed_by", 200)
        ok = ok and reviewer is not None
    day = _date(c, body, "date", "translation.date") if "date" in body else None
    if not ok or by is None or day is None:
        return None
    return m.Translation(source, by, reviewer, day)


def replaced_key(c: Checker, body: Any) -> None:
    """``last_reviewed`` said a review happened whether or not one did: it is gone."""
    c.add(body, "last_reviewed", "last_reviewed",
          f"was replaced by the review record; write {REVIEW_SHAPE} (reviewed_by: null until a "
          "clinician has checked the facts)")


def source_years(references: tuple[m.Reference, ...]) -> tuple[int, int] | None:
    """The oldest and newest year named in the references' texts (1995–2015 for the default guide)."""
    years = [int(y) for r in references for y in YEAR_RE.findall(r.text)]
    return (min(years), max(years)) if years else None



def _guide_yaml(content_dir: Path | str) -> tuple[str, object]:
    """guide.yaml's name as shown in messages and its parsed mapping (None when it does not read: validation
    reports that)."""
    path = Path(content_dir) / "guide.yaml"
    shown = shown_path(path)
    try:
        return shown, load_file(path, shown)
    except ContentError:
        return shown, None


def translation_status(content_dir: Path | str) -> Problem | None:
    """That a translated edition has not been reviewed by a medical translator, located at
    guide.yaml's translation record; None for an original or a reviewed translation."""
    shown, raw = _guide_yaml(content_dir)
    if not isinstance(raw, YMap) or not isinstance(raw.get("translation"), YMap):
        return None
    body = raw["translation"]
    c = Checker(shown, None)
    record = translation(c, body, raw, raw.get("language") if isinstance(raw.get("language"), str) else None)
    if record is None or record.reviewed_by is not None:
        return None
    line = line_of(body, "reviewed_by") if "reviewed_by" in body else line_of(raw, "translation")
    return Problem(shown, line, "translation.reviewed_by",
                   "the translation has not yet been reviewed by a medical translator (translation.reviewed_by "
                   "names no one); the cover and the About block say so")


def review_status(content_dir: Path | str, today: dt.date) -> Problem | None:
    """Why the content should not go out as medically reviewed on ``today`` (unreviewed, or
    past review.next), located at guide.yaml's review record; None when it may. Reads only
    guide.yaml, so build and packet can say it without a second full load; a record that
    does not read cleanly is left to validation."""
    shown, raw = _guide_yaml(content_dir)
    if not isinstance(raw, YMap) or "review" not in raw:
        return None
    c = Checker(shown, None)
    record = review(c, raw["review"], raw)
    if record is None or c.problems:
        return None
    why = record.problem(today)
    if why is None:
        return None
    key = "reviewed_by" if record.reviewed_by is None else "next"
    body = raw["review"]
    line = line_of(body, key) if key in body else line_of(raw, "review")
    return Problem(shown, line, f"review.{key}", why)
