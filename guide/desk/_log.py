"""One handed-out copy's edition facts in; a row of the handout log (SQLite) out, and counts per day and edition.

The log keeps what Krames and Healthwise keep: when, which edition, paper, sections and the advocate.
It never holds the patient's name or the advocate's note; the file is created readable by its owner only.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import msgspec

DEFAULT_LOG = Path("out") / "desk.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS handouts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,           -- local date and time, ISO 8601, to the second
    edition TEXT NOT NULL,      -- the file name's edition part, e.g. stage-iv-mesothelioma-large-print-a4
    paper TEXT NOT NULL,
    large_print INTEGER NOT NULL,
    sections TEXT NOT NULL,     -- 'all' or the chosen section ids, comma-separated
    advocate TEXT,              -- the advocate's contact as typed (never the patient's name)
    pages INTEGER NOT NULL,
    how TEXT NOT NULL           -- preview, download or api
)
"""


class Handout(msgspec.Struct, frozen=True):
    edition: str
    paper: str
    large_print: bool
    sections: tuple[str, ...] | None
    advocate: str | None
    pages: int
    how: str


def _create_private(path: Path) -> None:
    """Create the file with mode 0600 before SQLite opens it (SQLite would use the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class HandoutLog:
    def __init__(self, path: Path | str = DEFAULT_LOG):
        self.path = Path(path)
        if not self.path.exists():
            _create_private(self.path)
        with self._connect() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=5)
        try:
            with db:  # commits, or rolls back on an error
                yield db
        finally:
            db.close()

    def record(self, h: Handout, at: datetime | None = None) -> None:
        when = (at or datetime.now()).isoformat(timespec="seconds")
        sections = ",".join(h.sections) if h.sections is not None else "all"
        with self._connect() as db:
            db.execute("INSERT INTO handouts (at, edition, paper, large_print, sections, advocate, pages, how) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (when, h.edition, h.paper, int(h.large_print), sections, h.advocate, h.pages, h.how))

    def counts(self, since: str | None = None) -> list[tuple[str, str, int]]:
        """(day, edition, copies) per day and edition, oldest day first; ``since`` is an ISO date."""
        query = "SELECT substr(at, 1, 10) AS day, edition, count(*) FROM handouts"
        args: tuple = ()
        if since:
            query += " WHERE substr(at, 1, 10) >= ?"
            args = (since,)
        with self._connect() as db:
            return [tuple(r) for r in db.execute(query + " GROUP BY day, edition ORDER BY day, edition", args)]
