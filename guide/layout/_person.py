"""Untrusted person text (names, advocates, addresses) in, clean text out, or a clear error."""

from __future__ import annotations

import unicodedata

from ..errors import ContentError, Problem
from ._theme import register_fonts


def font_problem(text: str) -> str | None:
    """The first character the embedded font cannot draw, described, or None."""
    drawable = register_fonts()
    for ch in text:
        if ord(ch) not in drawable:
            name = unicodedata.name(ch, "unnamed character")
            return f"character '{ch}' (U+{ord(ch):04X} {name}) cannot be drawn by the font Atkinson Hyperlegible"
    return None


def clean_person_text(value: str, where: str, max_len: int) -> str:
    """Collapse whitespace, drop control characters, bound the length, check the font."""
    text = " ".join("".join(ch for ch in value if unicodedata.category(ch) != "Cc").split())
    if not text:
        raise ContentError([Problem(where, 0, "", "must not be empty")])
    if len(text) > max_len:
        raise ContentError([Problem(where, 0, "", f"is {len(text)} characters long; at most {max_len} allowed")])
    bad = font_problem(text)
    if bad:
        raise ContentError([Problem(where, 0, "", bad)])
    return text
