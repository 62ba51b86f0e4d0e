"""Packet results in; manifest.csv (appended as packets finish), private CSV files and formula-safe cells out."""

from __future__ import annotations

import csv
import os
import re
import tempfile
from pathlib import Path
from typing import NamedTuple

from ..content import BuildOptions
from ..pdf import LetterParts

MANIFEST = "manifest.csv"
REJECTS = "rejects.csv"
MANIFEST_COLUMNS = ("row", "recipient", "file", "pages", "sha256", "inputs", "notes", "imb_serial", "imb_tracking",
                    "imb_routing")
SKIPPED = "skipped.csv"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Recipient text written back to CSV cannot start a spreadsheet formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


class Done(NamedTuple):
    file: str
    pages: int
    sha256: str
    inputs: str
    recipient: str = ""
    notes: str = ""


def read_manifest(path: Path) -> dict[int, Done]:
    """Rows recorded by earlier runs; a damaged line (a run killed mid-write) is ignored."""
    done: dict[int, Done] = {}
    if not path.is_file():
        return done
    with open(path, encoding="utf-8", newline="") as fh:
        try:
            for rec in csv.DictReader(fh):
                try:
                    row, pages = int(rec["row"]), int(rec["pages"])
                    sha, file, inputs = rec["sha256"], rec["file"], rec["inputs"]
                except (KeyError, TypeError, ValueError):
                    continue
                if re.fullmatch(r"[0-9a-f]{64}", sha or "") and file and inputs and "/" not in file:
                    done[row] = Done(file, pages, sha, inputs, rec.get("recipient") or "", rec.get("notes") or "")
        except (csv.Error, UnicodeDecodeError):
            pass
    return done


class Result(NamedTuple):
    row: int
    recipient: str
    file: str
    pages: int
    sha256: str
    inputs: str
    built: bool
    edition: BuildOptions
    letter: LetterParts | None   # only when a print file is being made
    notes: str = ""


class private_csv:
    """A CSV file written beside its target (mode 0600: it holds names and addresses) and renamed
    into place when complete; removed on any error. Gives a csv.writer."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".guide-tmp", dir=self.path.parent)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return csv.writer(self.fh)

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.fh.close()
            if exc_type is None:
                os.replace(self.tmp, self.path)
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)


def write_manifest(path: Path, rows) -> None:
    """The manifest from (row, recipient, file, pages, sha256, inputs, notes, serial, tracking, routing)
    tuples in row order (streamed)."""
    with private_csv(path) as w:
        w.writerow(MANIFEST_COLUMNS)
        for row, recipient, file, pages, sha, inputs, notes, *imb in rows:
            w.writerow([row, safe_cell(recipient or ""), file, pages, sha, inputs, safe_cell(notes or ""),
                        *("" if v is None else v for v in (imb + [None] * 3)[:3])])


class ManifestLog:
    """manifest.csv: written clean at the start from what the history says is built, appended one
    line per packet as its batch is recorded (flushed, so a killed run keeps what it finished), and
    written once more from the history at the end: one line per packet, in row order."""

    def __init__(self, path: Path, rows):
        self.path = path
        write_manifest(path, rows)
        self.fh = open(path, "a", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
        self.writer = csv.writer(self.fh)

    def record(self, results: list[Result], imb: dict[int, tuple[int, str, str]] | None = None) -> None:
        """Append the built results; ``imb``: row -> (serial, tracking, routing) for pieces with a barcode."""
        for r in results:
            if r.built:
                self.writer.writerow([r.row, safe_cell(r.recipient), r.file, r.pages, r.sha256, r.inputs,
                                      safe_cell(r.notes), *((imb or {}).get(r.row) or ("", "", ""))])
        self.fh.flush()

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.close()
