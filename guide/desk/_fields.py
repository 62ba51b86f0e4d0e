"""Untrusted request fields (a JSON object or a posted form) in; BuildOptions, or every field's problem, out.

The fields have the CLI's names and pass through the CLI's checks (clean_person_text: NFC, whitespace,
length, a font that can draw every character), so the desk accepts exactly what the command line does.
"""

from __future__ import annotations

import unicodedata

import msgspec

from ..content import MAX_ADVOCATE, MAX_NAME, MAX_NOTE, PAPERS, BuildOptions, is_back_matter
from ..content import models as m
from ..errors import ContentError

FIELDS = ("paper", "large_print", "sections", "for", "advocate", "note", "language")  # language: Desk.edition
TEXT_LIMITS = {"for": MAX_NAME, "advocate": MAX_ADVOCATE, "note": MAX_NOTE}
TRUE_WORDS = ("on", "1", "true", "yes")


class FieldError(msgspec.Struct, frozen=True):
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def choosable(guide: m.Guide) -> list[m.Section]:
    """Sections an advocate can tick: the glossary and reference list come with the sections that need them."""
    return [s for s in guide.sections if not is_back_matter(s)]


def _text(field: str, value: object, errors: list[FieldError]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append(FieldError(field, "must be text"))
        return None
    value = unicodedata.normalize("NFC", value)
    if not value.strip():
        return None  # an empty box means "none"
    from ..layout import clean_person_text

    try:
        return clean_person_text(value, field, TEXT_LIMITS[field])
    except ContentError as exc:
        errors.extend(FieldError(field, p.message) for p in exc.problems)
        return None


def parse_fields(raw: dict[str, object], guide: m.Guide,
                 form: bool = False) -> tuple[BuildOptions | None, list[FieldError]]:
    """Check every field and report every problem at once; unknown fields are problems too.

    A form sends large_print as text ("on" when ticked); JSON must send true or false.
    """
    errors = [FieldError(k, f"unknown field; the fields are: {', '.join(FIELDS)}") for k in raw if k not in FIELDS]
    paper = raw.get("paper", "letter")
    if paper not in PAPERS:
        errors.append(FieldError("paper", f"must be one of: {', '.join(PAPERS)}"))
    large = raw.get("large_print", False)
    if form and isinstance(large, str):
        large = large.lower() in TRUE_WORDS
    elif not isinstance(large, bool):
        errors.append(FieldError("large_print", "must be true or false"))
    sections = _sections(raw.get("sections"), guide, errors)
    texts = {f: _text(f, raw.get(f), errors) for f in TEXT_LIMITS}
    if errors:
        return None, errors
    return BuildOptions(paper=str(paper), large_print=bool(large), sections=sections, prepared_for=texts["for"],
                        advocate=texts["advocate"], note=texts["note"]), []


def _sections(value: object, guide: m.Guide, errors: list[FieldError]) -> tuple[str, ...] | None:
    """None (the whole guide) when absent or when every choosable section is chosen."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(FieldError("sections", "must be a list of section ids"))
        return None
    known = {s.id for s in guide.sections}
    unknown = [v for v in value if v not in known]
    for v in unknown:
        errors.append(FieldError("sections", f"no section {v!r}; see GET /api/sections"))
    chosen = {s.id for s in choosable(guide) if s.id in value}
    if not unknown and not chosen:
        errors.append(FieldError("sections", "choose at least one section"))
    if unknown or not chosen:
        return None
    if chosen == {s.id for s in choosable(guide)}:
        return None
    return tuple(s.id for s in guide.sections if s.id in chosen)
