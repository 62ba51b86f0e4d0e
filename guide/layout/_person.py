"""Untrusted person text (names, advocates, addresses) in, clean NFC text out, or a clear error."""

from __future__ import annotations

import unicodedata

from ..errors import ContentError, Problem
from ._fallback import unsupported


def font_problem(text: str) -> str | None:
    """The first character neither embedded font can draw, with its script and what to do, or None."""
    return unsupported(unicodedata.normalize("NFC", text))


def clean_person_text(value: str, where: str, max_len: int) -> str:
    """NFC (decomposed accents from macOS and web forms composed), whitespace collapsed, control characters
    dropped, the length bounded, every character drawable by the fonts."""
    value = unicodedata.normalize("NFC", value)
    text = " ".join("".join(ch for ch in value if unicodedata.category(ch) != "Cc").split())
    if not text:
        raise ContentError([Problem(where, 0, "", "must not be empty")])
    if len(text) > max_len:
        raise ContentError([Problem(where, 0, "", f"is {len(text)} characters long; at most {max_len} allowed")])
    bad = font_problem(text)
    if bad:
        raise ContentError([Problem(where, 0, "", bad)])
    return text
