"""Build options: which edition to make (paper, large print, sections, named copy, print form)."""

from __future__ import annotations

import msgspec

PAPERS = ("letter", "a4")
PRINT_MODES = ("booklet", "shop")
MAX_NAME = 80
MAX_ADVOCATE = 120
MAX_NOTE = 600  # the advocate's note: a few sentences in a box, never a letter


class BuildOptions(msgspec.Struct, frozen=True):
    paper: str = "letter"
    large_print: bool = False
    sections: tuple[str, ...] | None = None  # None: every section
    prepared_for: str | None = None
    advocate: str | None = None
    print_mode: str | None = None
    cmyk: bool = False
    notes_pages: int = 0  # "Notes" pages before the back cover (booklet padding)
    note: str | None = None  # "A note from your advocate", on the page after the cover

    @property
    def edition_slug(self) -> str:
        """The part of the default file name that says the edition, e.g. 'large-print-a4'."""
        parts = []
        if self.large_print:
            parts.append("large-print")
        if self.paper != "letter":
            parts.append(self.paper)
        if self.sections is not None:
            parts.append("selected")
        if self.print_mode:
            parts.append(self.print_mode)
        if self.cmyk:
            parts.append("cmyk")
        return "-".join(parts)
