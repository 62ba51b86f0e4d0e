"""A recipients file in (UTF-8 with or without BOM, UTF-16 with BOM, or a named encoding; comma, semicolon or
tab separated); a private copy with its SHA-256, and its rows streamed, out.

The run reads only its own copy (mode 0600, in the run's folder), taken before any output is
touched: feeding a run's own rejects.csv back is safe, and the file changing mid-run cannot
mix two versions.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import ContentError, Problem

DELIMITERS = (",", ";", "\t")
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


class Oversized(list):
    """The cells of a row the CSV reader could not read because a cell passed its limit."""

    reason = (f"a cell is longer than {csv.field_size_limit():,} characters (the reader's limit); "
              "the row could not be read")


def _problem(path: Path, message: str, line: int = 0) -> ContentError:
    return ContentError([Problem(str(path), line, "", message)])


def open_regular(path: Path) -> int:
    """An fd for reading a regular file; a clear ContentError for anything else (never blocks on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise _problem(path, "recipients file not found") from None
    except OSError as exc:
        raise _problem(path, f"cannot read: {exc.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise _problem(path, f"is {kind}, not a file; save the recipients as a CSV file and give its path")
    os.set_blocking(fd, True)
    return fd


def copy_input(path: Path, folder: Path) -> tuple[Path, str]:
    """Copy ``path`` into a private temp file in ``folder``; returns it and the SHA-256 of what was read."""
    fd = open_regular(path)
    digest = hashlib.sha256()
    out_fd, tmp = tempfile.mkstemp(prefix=".input.", suffix=".guide-tmp", dir=folder)   # mode 0600
    try:
        with os.fdopen(fd, "rb") as src, os.fdopen(out_fd, "wb") as dst:
            while block := src.read(1 << 20):
                digest.update(block)
                dst.write(block)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp), digest.hexdigest()


def detect(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """(encoding, delimiter): a BOM decides the encoding (it cannot be wrong), else ``encoding`` or UTF-8;
    the delimiter is whichever of comma, semicolon and tab the header line holds most of (outside quotes)."""
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    elif head.startswith(codecs.BOM_UTF8) or not encoding:
        enc = "utf-8-sig"   # drops a BOM when there is one
    else:
        enc = encoding
    try:
        text = codecs.getincrementaldecoder(enc)(errors="replace").decode(head)
    except LookupError:
        raise ContentError([Problem("--encoding", 0, "", f"unknown encoding {encoding!r} (e.g. cp1252, "
                                    "latin-1, utf-8)")]) from None
    counts, quoted = dict.fromkeys(DELIMITERS, 0), False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])   # ties (and none at all) keep the comma: listed first
    return enc, best


def read_rows(path: Path, encoding: str | None = None,
              shown: str | None = None) -> Iterator[tuple[int, list[str], list[str]]]:
    """Stream (row number as a spreadsheet shows it, cells, header) for every non-blank row.
    ``shown``: the name messages give the file (the user's, when reading the run's copy)."""
    fd = open_regular(path)
    os.close(fd)
    enc, delimiter = detect(path, encoding)
    try:
        with open(path, encoding=enc, newline="") as fh:
            yield from _rows(csv.reader(fh, delimiter=delimiter), shown or str(path))
    except UnicodeDecodeError:
        line = _first_bad_line(path) if enc.startswith("utf-8") else 0
        hint = ("not UTF-8 text; save the file as 'CSV UTF-8', or for Excel's 'CSV (Comma delimited)' "
                "run with --encoding cp1252") if enc.startswith("utf-8") else f"not readable as {enc} text"
        raise _problem(Path(shown or path), hint, line) from None
    except OSError as exc:
        raise _problem(Path(shown or path), f"cannot read: {exc.strerror}") from None


def header_only(path: Path, encoding: str | None = None) -> list[str]:
    enc, delimiter = detect(path, encoding)
    with open(path, encoding=enc, newline="") as fh:
        return next(csv.reader(fh, delimiter=delimiter), [])


def _first_bad_line(path: Path) -> int:
    """The line holding the first byte that is not UTF-8 (text is decoded in blocks, so the
    error itself does not say)."""
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return n
    return 0


def _rows(reader, shown: str) -> Iterator[tuple[int, list[str], list[str]]]:
    row = 1
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ContentError([Problem(shown, reader.line_num, "", f"not a readable CSV file: {exc}")]) from None
    if header is None:
        raise ContentError([Problem(shown, 1, "", "the file is empty; it needs a header row")])
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" not in str(exc):
                raise ContentError([Problem(shown, reader.line_num, "", f"not a readable CSV file: {exc}")]) from None
            row += 1   # the reader drops the rest of that line and goes on with the next
            yield row, Oversized(), header
            continue
        row += 1
        if any(c.strip() for c in cells):
            yield row, cells, header
