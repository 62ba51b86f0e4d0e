"""Untrusted person text (names, advocates, notes, addresses) in, clean NFC text out, or a clear error."""

from __future__ import annotations

import unicodedata

from ..content import nfc
from ..errors import ContentError, Problem
from ._fallback import undrawable



def font_problem(text: str, what: str = "name") -> str | None:
    """The first character neither Atkinson Hyperlegible nor Guide Sans can draw, described with its script and what to do, or None."""
    bad = undrawable(text)
    return f"{bad}; give the {what} in Latin letters" if bad else None


def clean_person_text(value: str, where: str, max_len: int) -> str:
    """NFC first (a decomposed "Nguyễn" must print as typed), then collapse whitespace, drop
    control characters, bound the length and check both fonts. The desk calls this too."""
    text = nfc(value)
    text = " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cc").split())
    if not text:
        raise ContentError([Problem(where, 0, "", "must not be empty")])
    if len(text) > max_len:
        raise ContentError([Problem(where, 0, "", f"is {len(text)} characters long; at most {max_len} allowed")])
    bad = font_problem(text)
    if bad:
        raise ContentError([Problem(where, 0, "", bad)])
    return text
