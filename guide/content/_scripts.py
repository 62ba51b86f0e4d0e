"""A character in; its script's name and the reason it cannot be printed out (NFC text helper too).

unicodedata has no script property, so the script comes from a short table of the block ranges of
the common scripts a name may be written in (the ones a CRM export brings: Han, Japanese, Korean,
Arabic, Hebrew, the Indic scripts, Thai, emoji ...), and otherwise from the first word of the
character's Unicode name ("ARMENIAN SMALL LETTER AYB" -> Armenian). That is a guess for rare
scripts, but it names the character and its code point in every case, which is what a person
needs to fix the row.
"""

from __future__ import annotations

import bisect
import unicodedata

# (first, last, script): sorted, not overlapping
_RANGES = (
    (0x0000, 0x024F, "Latin"), (0x0370, 0x03FF, "Greek"), (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"), (0x0590, 0x05FF, "Hebrew"), (0x0600, 0x06FF, "Arabic"),
    (0x0700, 0x074F, "Syriac"), (0x0750, 0x077F, "Arabic"), (0x0780, 0x07BF, "Thaana"),
    (0x08A0, 0x08FF, "Arabic"), (0x0900, 0x097F, "Devanagari"), (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0A7F, "Gurmukhi"), (0x0A80, 0x0AFF, "Gujarati"), (0x0B00, 0x0B7F, "Oriya"),
    (0x0B80, 0x0BFF, "Tamil"), (0x0C00, 0x0C7F, "Telugu"), (0x0C80, 0x0CFF, "Kannada"),
    (0x0D00, 0x0D7F, "Malayalam"), (0x0D80, 0x0DFF, "Sinhala"), (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Lao"), (0x0F00, 0x0FFF, "Tibetan"), (0x1000, 0x109F, "Myanmar"),
    (0x10A0, 0x10FF, "Georgian"), (0x1100, 0x11FF, "Hangul"), (0x1200, 0x139F, "Ethiopic"),
    (0x1780, 0x17FF, "Khmer"), (0x1E00, 0x1EFF, "Latin"), (0x1F00, 0x1FFF, "Greek"),
    (0x2600, 0x27BF, "emoji and symbols"), (0x2E80, 0x2FDF, "Han"), (0x3040, 0x309F, "Hiragana (Japanese)"),
    (0x30A0, 0x30FF, "Katakana (Japanese)"), (0x3130, 0x318F, "Hangul"), (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"), (0xAC00, 0xD7AF, "Hangul"), (0xF900, 0xFAFF, "Han"),
    (0xFB1D, 0xFB4F, "Hebrew"), (0xFB50, 0xFDFF, "Arabic"), (0xFE00, 0xFE0F, "variation selector"),
    (0xFE70, 0xFEFF, "Arabic"), (0xFF00, 0xFFEF, "fullwidth forms"), (0x1F000, 0x1FAFF, "emoji"),
    (0x20000, 0x3134F, "Han"),
)
_STARTS = [r[0] for r in _RANGES]
_RTL = {"R", "AL"}


def script_of(ch: str) -> str:
    """The script a character belongs to, from the table, else from its Unicode name."""
    cp = ord(ch)
    i = bisect.bisect_right(_STARTS, cp) - 1
    if i >= 0 and cp <= _RANGES[i][1]:
        return _RANGES[i][2]
    name = unicodedata.name(ch, "")
    return name.split()[0].capitalize() if name else "unknown"


def describe(ch: str) -> str:
    """'中' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D, Han script): the character as a person can find it."""
    shown = repr(ch) if unicodedata.category(ch)[0] in "CZ" else f"'{ch}'"
    return f"{shown} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}, {script_of(ch)} script)"


def undrawable_reason(ch: str, fonts: str) -> str:
    """Why a character cannot be printed; right-to-left and combining (shaping) scripts say so."""
    why = f"character {describe(ch)} cannot be drawn by {fonts}"
    if unicodedata.bidirectional(ch) in _RTL:
        why += " (a right-to-left script, which the guide cannot print yet)"
    return why


def nfc(text: str) -> str:
    """Text in Unicode NFC: decomposed accents (as macOS and some web forms send them) composed."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
