"""Packet results in; manifest.csv (appended as packets finish, read back on resume) and formula-safe CSV rows out."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import NamedTuple

from ..content import BuildOptions
from ..pdf import LetterParts, atomic_write

MANIFEST = "manifest.csv"
REJECTS = "rejects.csv"
MANIFEST_COLUMNS = ("row", "recipient", "file", "pages", "sha256", "inputs")
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
                    done[row] = Done(file, pages, sha, inputs, rec.get("recipient") or "")
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


class ManifestLog:
    """manifest.csv: rewritten clean at the start (valid earlier lines only), appended one line
    per packet as it is built (flushed, so a killed run keeps what it finished), and rewritten
    once more at the end: one line per packet of this run, in row order, no duplicates."""

    def __init__(self, path: Path, previous: dict[int, Done]):
        self.path = path
        self.rows = bytearray()   # one bit per row number: which rows this run has seen
        write_manifest(path, previous)
        self.fh = open(path, "a", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
        self.writer = csv.writer(self.fh)

    def record(self, r: Result) -> None:
        byte = r.row >> 3
        if byte >= len(self.rows):
            self.rows.extend(bytes(byte + 1 - len(self.rows) + 1024))
        self.rows[byte] |= 1 << (r.row & 7)
        if r.built:
            self.writer.writerow([r.row, safe_cell(r.recipient), r.file, r.pages, r.sha256, r.inputs])
            self.fh.flush()

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.close()

    def compact(self) -> None:
        done = read_manifest(self.path)   # a later line for a row replaces an earlier one
        write_manifest(self.path, {row: d for row, d in done.items() if self.seen(row)})

    def seen(self, row: int) -> bool:
        return (row >> 3) < len(self.rows) and bool(self.rows[row >> 3] & (1 << (row & 7)))


def write_manifest(path: Path, done: dict[int, Done]) -> None:
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(MANIFEST_COLUMNS)
    for row in sorted(done):
        d = done[row]
        w.writerow([row, d.recipient, d.file, d.pages, d.sha256, d.inputs])
    atomic_write(path, buf.getvalue().encode("utf-8"))


class CsvOut:
    """csv rows onto a binary file handle (what atomic_stream gives)."""

    def __init__(self, fh):
        import io

        self.fh = fh
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf)

    def writerow(self, row) -> None:
        self.writer.writerow(row)
        self.fh.write(self.buf.getvalue().encode("utf-8"))
        self.buf.seek(0)
        self.buf.truncate()
