"""A history database path in (SQLite, or none for a one-off run); runs and their pieces recorded and looked up out.

One file (default ``mailings.sqlite`` in the output folder) answers "did we send Mrs Smith the guide,
which edition, when?". It is created with mode 0600 before SQLite opens it (it holds names and
addresses; SQLite gives its -wal and -shm files the same mode), runs in WAL mode, and carries its
schema version in ``PRAGMA user_version``: MIGRATIONS[n] takes a version-n file to version n + 1.

A piece is recorded as built only after its file is in place, one transaction per batch, so a
run killed at any point leaves the database agreeing with the files (or behind them: a packet on
disk but not yet recorded is rebuilt, to the same bytes, by the rerun).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from ..errors import OutputError
from ._manifest import Done, Result

HISTORY = "mailings.sqlite"

# Each entry upgrades the file by one version. Add a new entry for a change; never edit one
# that has shipped. `serial`, `tracking` and `routing` are the piece's Intelligent Mail barcode.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id TEXT PRIMARY KEY, folder TEXT NOT NULL, started TEXT NOT NULL, ended TEXT,
        input_name TEXT NOT NULL, input_sha256 TEXT NOT NULL, run_key TEXT NOT NULL, options TEXT NOT NULL,
        guide_title TEXT NOT NULL, guide_version TEXT NOT NULL, content_hash TEXT NOT NULL,
        letter_date TEXT NOT NULL, built INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE pieces (
        run TEXT NOT NULL REFERENCES runs(id), row INTEGER NOT NULL, key TEXT, name TEXT, address TEXT,
        edition TEXT, paper TEXT, sections TEXT, file TEXT, pages INTEGER, sha256 TEXT, inputs TEXT,
        status TEXT NOT NULL, reason TEXT, notes TEXT, time TEXT NOT NULL, serial INTEGER,
        PRIMARY KEY (run, row));
    CREATE INDEX pieces_by_key ON pieces (key, run, row);
    """,
    """
    ALTER TABLE pieces ADD COLUMN tracking TEXT;
    ALTER TABLE pieces ADD COLUMN routing TEXT;
    CREATE INDEX pieces_by_serial ON pieces (serial);
    """,
)
SERIAL_DAYS = 45   # USPS Full-Service: a serial is not used again within 45 days
SCHEMA = len(MIGRATIONS)
STATUSES = ("pending", "built", "duplicate", "already_mailed", "rejected")


class RunInfo(msgspec.Struct, frozen=True):
    id: str
    folder: str
    started: str
    input_name: str
    input_sha256: str
    run_key: str
    options: str
    guide_title: str
    guide_version: str
    content_hash: str
    letter_date: str


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def fold(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").casefold()


class History:
    """The database (``path=None``: an in-memory one that lasts for this run only)."""

    def __init__(self, path: Path | None):
        self.path = path
        try:
            if path is not None:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)   # before SQLite makes it 0644
                os.close(fd)
            self.db = sqlite3.connect(":memory:" if path is None else str(path), timeout=30,
                                      isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")   # WAL: a crash loses at most the last commits
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.create_function("fold", 1, fold, deterministic=True)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise OutputError(f"history {path}: not a history database ({exc})") from None
        except OSError as exc:
            raise OutputError(f"cannot open the history {path}: {exc.strerror}") from None
        self.in_tx = False

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA:
            raise OutputError(f"history {self.path} has schema version {version}; this guide reads up to "
                              f"{SCHEMA}: update the tool")
        for n in range(version, SCHEMA):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for stmt in MIGRATIONS[n].split(";"):
                    if stmt.strip():
                        self.db.execute(stmt)
                self.db.execute(f"PRAGMA user_version = {n + 1}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self.commit()
        self.db.close()

    # ---- transactions: pass 1 writes in chunks, pass 2 one transaction per batch -------------

    def begin(self) -> None:
        if not self.in_tx:
            self.db.execute("BEGIN IMMEDIATE")
            self.in_tx = True

    def commit(self) -> None:
        if self.in_tx:
            self.db.execute("COMMIT")
            self.in_tx = False

    # ---- runs ---------------------------------------------------------------------------------

    def run_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT id FROM runs")}

    def start_run(self, info: RunInfo) -> None:
        with self.tx():
            self.db.execute(
                "INSERT INTO runs (id, folder, started, input_name, input_sha256, run_key, options, guide_title, "
                "guide_version, content_hash, letter_date) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET ended = NULL",
                (info.id, info.folder, info.started, info.input_name, info.input_sha256, info.run_key,
                 info.options, info.guide_title, info.guide_version, info.content_hash, info.letter_date))

    def finish_run(self, run: str, built: int, skipped: int, rejected: int) -> None:
        with self.tx():
            self.db.execute("UPDATE runs SET ended = ?, built = ?, skipped = ?, rejected = ? WHERE id = ?",
                            (_now(), built, skipped, rejected, run))

    @contextlib.contextmanager
    def tx(self):
        self.begin()
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            self.in_tx = False
            raise
        self.commit()

    # ---- pieces -------------------------------------------------------------------------------

    # INDEXED BY: left to itself SQLite scans the run's rows by primary key (quadratic in the rows)
    FIRST_WITH_KEY = ("SELECT min(row) FROM pieces INDEXED BY pieces_by_key WHERE key = ? AND run = ? AND row < ? "
                      "AND status IN ('pending', 'built', 'already_mailed')")
    MAILED_BEFORE = ("SELECT r.letter_date, r.id FROM pieces p INDEXED BY pieces_by_key JOIN runs r ON r.id = p.run "
                     "WHERE p.key = ? AND p.status = 'built' AND p.run != ? AND r.letter_date > ? "
                     "AND r.letter_date < ? ORDER BY r.letter_date DESC, r.started DESC LIMIT 1")

    def state(self, run: str, row: int) -> tuple[str, str | None] | None:
        """(status, inputs) of a row in this run, or None."""
        return self.db.execute("SELECT status, inputs FROM pieces WHERE run = ? AND row = ?", (run, row)).fetchone()

    def first_with_key(self, run: str, key: str, before: int) -> int | None:
        got = self.db.execute(self.FIRST_WITH_KEY, (key, run, before)).fetchone()
        return got[0] if got else None

    def mailed_before(self, key: str, run: str, day: dt.date, days: int) -> tuple[str, str] | None:
        """(date, run id) of the latest other run that mailed this key within ``days`` of ``day``."""
        lo, hi = (day - dt.timedelta(days=days)).isoformat(), (day + dt.timedelta(days=days)).isoformat()
        return self.db.execute(self.MAILED_BEFORE, (key, run, lo, hi)).fetchone()

    def put(self, run: str, row: int, status: str, *, key: str | None = None, name: str = "", address: str = "",
            edition: str = "", paper: str = "", sections: str = "", file: str = "", inputs: str = "",
            reason: str = "", notes: str = "", routing: str | None = None) -> None:
        """Record a row that is not (or not yet) built; a row built with the same inputs stays built."""
        self.db.execute(
            "INSERT INTO pieces (run, row, key, name, address, edition, paper, sections, file, inputs, status, "
            "reason, notes, time, routing) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(run, row) DO UPDATE SET "
            "routing = excluded.routing, key = excluded.key, name = excluded.name, address = excluded.address, edition = excluded.edition, "
            "paper = excluded.paper, sections = excluded.sections, reason = excluded.reason, notes = excluded.notes, "
            "status = CASE WHEN status = 'built' AND inputs = excluded.inputs AND excluded.status = 'pending' "
            "THEN 'built' ELSE excluded.status END, "
            "file = CASE WHEN status = 'built' AND inputs = excluded.inputs THEN file ELSE excluded.file END, "
            "inputs = excluded.inputs, time = CASE WHEN status = 'built' THEN time ELSE excluded.time END",
            (run, row, key, name, address, edition, paper, sections, file, inputs, status, reason, notes, _now(),
             routing))

    def allocate_serials(self, run: str, day: dt.date, imb) -> int:
        """Give every piece of this run still to mail that has none a serial number and its tracking code,
        in one transaction; return how many were given.

        Serials go on from the highest ever given, wrapping round at the serial's width, and skip any
        held by this run or by a run whose letter date is within SERIAL_DAYS of ``day`` (either side:
        a run may be dated ahead). A piece keeps its serial when the run is resumed, so its letter
        rebuilds to the same bytes.
        """
        cap = 10 ** imb.serial_digits
        lo, hi = (day - dt.timedelta(days=SERIAL_DAYS)).isoformat(), (day + dt.timedelta(days=SERIAL_DAYS)).isoformat()
        with self.tx():
            need = [r[0] for r in self.db.execute(
                "SELECT row FROM pieces WHERE run = ? AND status IN ('pending', 'built') AND serial IS NULL "
                "ORDER BY row", (run,))]
            if not need:
                return 0
            used = {r[0] for r in self.db.execute(
                "SELECT p.serial FROM pieces p JOIN runs r ON r.id = p.run WHERE p.serial IS NOT NULL AND "
                "(p.run = ? OR (r.letter_date > ? AND r.letter_date < ?))", (run, lo, hi))}
            if len(used) + len(need) > cap:
                raise OutputError(f"{len(need)} pieces need Intelligent Mail serial numbers but only "
                                  f"{cap - len(used)} of {cap} are free within {SERIAL_DAYS} days")
            top = self.db.execute("SELECT max(serial) FROM pieces").fetchone()[0]
            serial = 0 if top is None else (top + 1) % cap
            given = []
            for row in need:
                while serial in used:
                    serial = (serial + 1) % cap
                used.add(serial)
                given.append((serial, imb.tracking(serial), run, row))
            self.db.executemany("UPDATE pieces SET serial = ?, tracking = ? WHERE run = ? AND row = ?", given)
        return len(given)

    def imb_in(self, run: str, rows: list[int]) -> dict[int, tuple[int, str, str]]:
        """row -> (serial, tracking, routing) of the pieces among these rows that carry a barcode."""
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        cur = self.db.execute(f"SELECT row, serial, tracking, routing FROM pieces WHERE run = ? AND tracking IS NOT "
                              f"NULL AND row IN ({marks})", (run, *rows))
        return {r[0]: r[1:] for r in cur}

    # ---- print order: pass 1 files each good row under its sort key, pass 2 reads them back in order --------
    # A TEMP table: this connection's only, kept in SQLite's temp store (a deleted file, not memory), gone
    # when the run closes the database; the rows' cells are held there, not in this process.

    def order_begin(self) -> None:
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS print_order (key TEXT PRIMARY KEY, row INTEGER NOT NULL, "
                        "cells TEXT NOT NULL)")
        self.db.execute("DELETE FROM print_order")

    def order_put(self, key: str, row: int, cells: list[str]) -> None:
        self.db.execute("INSERT OR REPLACE INTO print_order VALUES (?,?,?)", (key, row, json.dumps(cells)))

    def in_order(self, chunk: int = 500) -> Iterator[tuple[int, list[str]]]:
        """(row, cells) in key order, read a chunk at a time (no statement stays open while pass 2 writes)."""
        last = ""
        while True:
            got = self.db.execute("SELECT key, row, cells FROM print_order WHERE key > ? ORDER BY key LIMIT ?",
                                  (last, chunk)).fetchall()
            for _key, row, cells in got:
                yield row, json.loads(cells)
            if len(got) < chunk:
                return
            last = got[-1][0]

    def set_notes(self, run: str, notes: list[tuple[str, int]]) -> None:
        """(notes, row) pairs: a piece's notes as pass 2 completes them (a weight warning added)."""
        if notes:
            with self.tx():
                self.db.executemany("UPDATE pieces SET notes = ? WHERE run = ? AND row = ?",
                                    [(n, run, row) for n, row in notes])

    def reset_built(self, run: str) -> None:
        """--force: every packet of this run is built again (recorded again as each lands)."""
        with self.tx():
            self.db.execute("UPDATE pieces SET status = 'pending' WHERE run = ? AND status = 'built'", (run,))

    def load_manifest(self, run: str, done: dict[int, Done]) -> None:
        """Without a history file: what the run's manifest lists is the resume index."""
        with self.tx():
            self.db.executemany(
                "INSERT OR REPLACE INTO pieces (run, row, name, file, pages, sha256, inputs, status, notes, time) "
                "VALUES (?,?,?,?,?,?,?,'built',?,?)",
                [(run, row, d.recipient, d.file, d.pages, d.sha256, d.inputs, d.notes, _now())
                 for row, d in done.items()])

    def forget_run(self, run: str) -> None:
        """A new run that failed before it began (the input could not be read) leaves no trace."""
        with self.tx():
            self.db.execute("DELETE FROM pieces WHERE run = ?", (run,))
            self.db.execute("DELETE FROM runs WHERE id = ?", (run,))

    def states_in(self, run: str, rows: list[int]) -> dict[int, tuple]:
        """row -> (status, file, pages, sha256, inputs, name) for these rows (a batch's worth: the
        resume index is never held whole)."""
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        cur = self.db.execute(f"SELECT row, status, file, pages, sha256, inputs, name FROM pieces WHERE run = ? "
                              f"AND row IN ({marks})", (run, *rows))
        return {r[0]: r[1:] for r in cur}

    def done_in(self, run: str, rows: list[int]) -> dict[int, Done]:
        """The built pieces among these rows (a batch's worth: the resume index is never held whole)."""
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        cur = self.db.execute(f"SELECT row, file, pages, sha256, inputs, name FROM pieces WHERE run = ? AND "
                              f"status = 'built' AND row IN ({marks})", (run, *rows))
        return {r[0]: Done(r[1], r[2], r[3], r[4], r[5] or "") for r in cur}

    def built(self, run: str, results: Iterable[Result]) -> None:
        """Record a batch whose files are in place, in one transaction."""
        now = _now()
        with self.tx():
            self.db.executemany(
                "UPDATE pieces SET status = 'built', file = ?, pages = ?, sha256 = ?, inputs = ?, "
                "time = CASE WHEN status = 'built' AND sha256 = ? THEN time ELSE ? END WHERE run = ? AND row = ?",
                [(r.file, r.pages, r.sha256, r.inputs, r.sha256, now, run, r.row) for r in results])

    def built_rows(self, run: str) -> Iterator[tuple]:
        """(row, name, file, pages, sha256, inputs, notes, serial, tracking, routing) of every built piece,
        in row order (streamed)."""
        yield from self.db.execute("SELECT row, name, file, pages, sha256, inputs, notes, serial, tracking, "
                                   "CASE WHEN tracking IS NULL THEN NULL ELSE routing END FROM pieces "
                                   "WHERE run = ? AND status = 'built' ORDER BY row", (run,))

    def count(self, run: str, status: str) -> int:
        return self.db.execute("SELECT count(*) FROM pieces WHERE run = ? AND status = ?", (run, status)).fetchone()[0]

    # ---- reading it back (guide mailings) -----------------------------------------------------

    def runs(self) -> list[tuple]:
        return self.db.execute("SELECT id, letter_date, started, ended, built, skipped, rejected, input_name "
                               "FROM runs ORDER BY started, id").fetchall()

    def find(self, text: str) -> list[tuple]:
        needle = fold(" ".join(text.split()))
        return self.db.execute(
            "SELECT p.run, r.letter_date, p.row, p.name, p.address, p.edition, p.paper, p.file, p.status, p.reason "
            "FROM pieces p JOIN runs r ON r.id = p.run WHERE instr(fold(p.name), ?) OR instr(fold(p.address), ?) "
            "ORDER BY r.started, p.run, p.row", (needle, needle)).fetchall()

    EXPORT_COLUMNS = ("run", "date", "row", "status", "reason", "name", "address", "edition", "paper",
                      "sections", "file", "pages", "sha256", "notes", "time")

    def export(self, run: str | None) -> Iterator[tuple]:
        where, args = ("WHERE p.run = ?", (run,)) if run else ("", ())
        yield from self.db.execute(
            "SELECT p.run, r.letter_date, p.row, p.status, p.reason, p.name, p.address, p.edition, p.paper, "
            f"p.sections, p.file, p.pages, p.sha256, p.notes, p.time FROM pieces p JOIN runs r ON r.id = p.run "
            f"{where} ORDER BY r.started, p.run, p.row", args)
