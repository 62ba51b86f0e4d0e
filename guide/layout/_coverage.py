"""What the embedded fonts draw, for checking content, without loading ReportLab.

Checking content asks of every character whether a font draws it. Atkinson Hyperlegible's answer
is kept in fonts/coverage.txt: the code points all four faces draw, as ranges, with the SHA-256 of
each face it was read from. fonts/tools/coverage.py writes it with ReportLab, and a test holds it
equal to what ReportLab reads from the fonts now. A face whose bytes differ from the table's (or a
missing table) is read with ReportLab instead, so a stale table can never pass a character that the
font cannot draw. Guide Sans, the fallback for other scripts, is loaded only when a character needs it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from .._resources import data_folder

FONT_DIR = data_folder("fonts")  # Atkinson Hyperlegible and its OFL licence, shipped in the package
FONT_FILES = {
    "Atkinson": "AtkinsonHyperlegible-Regular.ttf",
    "Atkinson-Bold": "AtkinsonHyperlegible-Bold.ttf",
    "Atkinson-Italic": "AtkinsonHyperlegible-Italic.ttf",
    "Atkinson-BoldItalic": "AtkinsonHyperlegible-BoldItalic.ttf",
}
TABLE = "coverage.txt"
SPACE = 0x20  # line breaks and tabs are layout, not glyphs: the validator normalises whitespace


class Drawable:
    """The code points some embedded font draws: Atkinson's, then (loaded only when asked) Guide Sans's."""

    def __init__(self, primary: frozenset[int]):
        self.primary = primary

    def covers(self, text: str) -> bool:
        """Atkinson draws every character of ``text`` (one set test; False sends a checker character by character)."""
        return self.primary.issuperset(map(ord, text))

    def __contains__(self, cp: object) -> bool:
        if cp in self.primary:
            return True
        from ._fallback import register_fallback

        return isinstance(cp, int) and chr(cp) in register_fallback()


@lru_cache(maxsize=1)
def content_drawable() -> Drawable:
    """What checking content needs to know of the fonts: from the table, else from the fonts."""
    return Drawable(_from_table() or _from_fonts())


def _from_fonts() -> frozenset[int]:
    from ._theme import atkinson_codepoints

    return atkinson_codepoints()


def digests() -> dict[str, str]:
    """Each Atkinson face's file name and the SHA-256 of its bytes."""
    return {file: hashlib.sha256((FONT_DIR / file).read_bytes()).hexdigest() for file in FONT_FILES.values()}


def table_text(codepoints: frozenset[int], faces: dict[str, str]) -> str:
    """The table file for these code points, read from faces of these digests."""
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    lines = ["# The code points all four Atkinson Hyperlegible faces draw (and the space), as ranges, and the",
             "# SHA-256 of each face they were read from. Written by fonts/tools/coverage.py; do not edit.",
             *(f"sha256 {file} {digest}" for file, digest in sorted(faces.items())),
             *(f"{a:04X}" if a == b else f"{a:04X}-{b:04X}" for a, b in ranges)]
    return "\n".join(lines) + "\n"


def _from_table() -> frozenset[int] | None:
    try:
        text = (FONT_DIR / TABLE).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    faces: dict[str, str] = {}
    codepoints: set[int] = set()
    try:
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            if line.startswith("sha256 "):
                _, file, digest = line.split()
                faces[file] = digest
                continue
            first, _, last = line.partition("-")
            codepoints.update(range(int(first, 16), int(last or first, 16) + 1))
    except ValueError:
        return None
    if faces != digests():
        return None
    return frozenset(codepoints)


__all__ = ["FONT_DIR", "FONT_FILES", "Drawable", "content_drawable", "digests", "table_text"]
