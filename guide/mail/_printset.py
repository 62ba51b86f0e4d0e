"""Built packets in ZIP order in; the print files (one per paper size and edition, or one file), presort.csv with
the tray breaks, and each piece's place in them out; all written beside their targets and renamed together.

Pieces reach the print files already sorted (pass 2 renders the jobs in print order, see
sort_key): stock by stock (Letter standard, Letter large print, A4 standard, A4 large print),
and within a stock by 5-digit ZIP, so the 3-digit prefixes come in order and each 5-digit
group lies together; ties keep the recipients file's order. With one explicit file
(``--combined FILE``) every stock shares one ZIP order, for a printer that picks the paper by
page size.

Trays: a simple sequential fill of each print file's stack in its order, a new tray at each
print file and when the tray is full: ``tray_size`` pieces, or by default as many as fill the
21 in inside length of a 2-foot letter tray (DMM 203.5.2) at the pieces' computed thickness.
This is not a USPS presort (5-digit, 3-digit and AADC trays with their labels need presort
software certified under PAVE, or the DMM's rules applied by hand).
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from pathlib import Path

from ..content import models as m
from ..errors import OutputError
from ..pdf import PrintFile, atomic_stream
from ._envelope import Piece

STOCKS = (("letter", False), ("letter", True), ("a4", False), ("a4", True))
PRESORT = "presort.csv"
PRESORT_COLUMNS = ("sequence", "zip", "zip3", "tray", "file", "first_page", "pages")
TRAY_LENGTH = 21.0      # inches inside a 2-foot letter tray (DMM 203.5.2)
PRINT_NAME = re.compile(r"print-(letter|a4)-(standard|large-print)\.pdf")


def print_name(paper: str, large_print: bool) -> str:
    return f"print-{paper}-{'large-print' if large_print else 'standard'}.pdf"


def zip_of(block: tuple[str, ...]) -> str:
    """The ZIP (12345 or 12345-6789) from a USPS block's last line."""
    return block[-1].rsplit(" ", 1)[-1]


def sort_key(paper: str, large_print: bool, zip_code: str, row: int, per_stock: bool) -> str:
    """The order pieces are rendered and printed in (compared as text)."""
    stock = STOCKS.index((paper, large_print)) if per_stock else 0
    return f"{stock}|{zip_code[:5]}|{row:09d}"


class _PrivateCsv:
    """presort.csv, written row by row beside its target (mode 0600, as the manifest) and renamed on commit."""

    def __init__(self, path: Path):
        self.path = path
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".guide-tmp", dir=path.parent)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.fh)

    def close(self, commit: bool) -> None:
        try:
            self.fh.close()
            if commit:
                os.replace(self.tmp, self.path)
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)


class PrintSet:
    """The run's print files and presort.csv while pass 2 feeds them pieces in print order."""

    def __init__(self, folder: Path, guide: m.Guide, single: Path | None = None, tray_size: int | None = None):
        self.folder, self.guide, self.single, self.tray_size = folder, guide, single, tray_size
        self.streams: list[atomic_stream] = []   # finished files wait here, written, until commit
        self.files: list[dict] = []              # per print file: name, pieces, pages
        self.trays: list[dict] = []              # per tray: tray, file, pieces, first/last ZIP, thickness
        self.current: tuple[str, PrintFile] | None = None
        self.sequence = 0
        self.presort = _PrivateCsv(folder / PRESORT)
        self.presort.writer.writerow(PRESORT_COLUMNS)

    @property
    def pages(self) -> int:
        return sum(f["pages"] for f in self.files)

    def _file_for(self, paper: str, large_print: bool) -> tuple[str, PrintFile]:
        name = self.single.name if self.single else print_name(paper, large_print)
        if self.current is not None and self.current[0] == name:
            return self.current
        self._finish_current()
        stream = atomic_stream(self.single or self.folder / name, mode=0o600)   # letters hold names, addresses
        fh = stream.__enter__()
        self.streams.append(stream)
        pf = PrintFile(fh, f"{self.guide.title}: mailing packets", self.guide.brand.name)
        self.current = (name, pf)
        self.files.append({"file": name, "pieces": 0, "pages": 0})
        self.trays.append({"tray": len(self.trays) + 1, "file": name, "pieces": 0, "thickness": 0.0,
                           "first_zip": None, "last_zip": None})
        return self.current

    def _finish_current(self) -> None:
        if self.current is not None:
            self.current[1].close()   # trailer written; the stream stays open until commit
            self.current = None

    def add(self, edition, letter, paper: str, large_print: bool, piece: Piece, zip_code: str,
            blank: tuple[float, float]) -> int:
        """Append one packet to its print file; return the pages it takes there (with a blank back)."""
        name, pf = self._file_for(paper, large_print)
        first = pf.pages + 1
        pages = pf.add(edition, letter, blank=blank)
        tray = self.trays[-1]
        full = (tray["pieces"] >= self.tray_size if self.tray_size
                else tray["thickness"] + piece.thickness > TRAY_LENGTH + 1e-9)
        if tray["pieces"] and full:
            tray = {"tray": len(self.trays) + 1, "file": name, "pieces": 0, "thickness": 0.0,
                    "first_zip": None, "last_zip": None}
            self.trays.append(tray)
        tray["pieces"] += 1
        tray["thickness"] += piece.thickness
        tray["first_zip"] = tray["first_zip"] or zip_code
        tray["last_zip"] = zip_code
        self.files[-1]["pieces"] += 1
        self.files[-1]["pages"] += pages
        self.sequence += 1
        self.presort.writer.writerow([self.sequence, zip_code, zip_code[:3], tray["tray"], name, first, pages])
        return pages

    def commit(self) -> None:
        """Rename every print file and presort.csv into place; remove print files of ours this run did not write."""
        self._finish_current()
        for stream in self.streams:
            stream.__exit__(None, None, None)
        self.presort.close(commit=True)
        written = {Path(s.path).resolve() for s in self.streams}
        for old in self.folder.glob("print-*.pdf"):
            if PRINT_NAME.fullmatch(old.name) and old.resolve() not in written:
                old.unlink(missing_ok=True)

    def abort(self, exc: BaseException) -> None:
        """Remove every temp file: nothing of a print set that failed is left."""
        for stream in self.streams:
            try:
                stream.__exit__(type(exc), exc, exc.__traceback__)
            except OutputError:
                pass
        self.presort.close(commit=False)
