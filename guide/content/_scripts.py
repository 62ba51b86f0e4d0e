"""A character in; the name of the script it belongs to out (for messages refusing what no font draws)."""

from __future__ import annotations

import unicodedata

# Scripts text may come in that neither font draws (first and last code point, name): for the message.
_SCRIPTS = (
    (0x0590, 0x05FF, "Hebrew"), (0x0600, 0x06FF, "Arabic"), (0x0700, 0x074F, "Syriac"),
    (0x0750, 0x077F, "Arabic"), (0x0900, 0x097F, "Devanagari"), (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0A7F, "Gurmukhi"), (0x0A80, 0x0AFF, "Gujarati"), (0x0B80, 0x0BFF, "Tamil"),
    (0x0C00, 0x0C7F, "Telugu"), (0x0D00, 0x0D7F, "Malayalam"), (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Lao"), (0x10A0, 0x10FF, "Georgian"), (0x1100, 0x11FF, "Hangul"),
    (0x1200, 0x137F, "Ethiopic"), (0x1780, 0x17FF, "Khmer"), (0x3040, 0x309F, "Hiragana"),
    (0x30A0, 0x30FF, "Katakana"), (0x3100, 0x312F, "Bopomofo"), (0x3400, 0x4DBF, "Han (Chinese characters)"),
    (0x4E00, 0x9FFF, "Han (Chinese characters)"), (0xAC00, 0xD7AF, "Hangul"), (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"), (0xFE70, 0xFEFF, "Arabic"), (0x1F300, 0x1FAFF, "emoji"),
    (0x2600, 0x27BF, "symbols and emoji"), (0x20000, 0x2FA1F, "Han (Chinese characters)"),
)


def script_of(ch: str) -> str:
    """The script of ch by Unicode block (the table above), else the first word of its Unicode name."""
    cp = ord(ch)
    for first, last, name in _SCRIPTS:
        if first <= cp <= last:
            return name
    return unicodedata.name(ch, "unnamed character").split(" ")[0].title()
