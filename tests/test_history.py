"""Mailing runs keep a record: the recipient key, repairs, input formats, run folders that never
overwrite, the history database, crash safety, exit codes, the lock and `guide mailings`."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT

from guide.cli import main
from guide.errors import ContentError, OutputError
from guide.mail import (HISTORY, INPUT, MANIFEST, REJECTS, SKIPPED, History, RowChecker, load_letter,
                        make_packets, map_header, read_rows, recipient_key, zip3_state)

DAY = dt.date(2026, 12, 1)
HEADER = ["name", "address1", "address2", "city", "state", "zip"]


def people(n: int, start: int = 0) -> list[list[str]]:
    return [[f"Person {i}", f"{i} Main St", "", "Akron", "OH", "44308"] for i in range(start, start + n)]


def write(path: Path, rows: list[list[str]], header=HEADER, delimiter=",", encoding="utf-8") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def db_rows(history: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(history) as db:
        return db.execute(sql, args).fetchall()


# ---- the recipient key -------------------------------------------------------------------------

SAME = [  # (name, address line 1, ZIP) pairs that are one person
    (("Ann Smith", "1 Main St", "44308"), ("ANN SMITH", "1 Main St", "44308")),                  # case
    (("Ann Smith", "1 Main St", "44308"), ("  Ann   Smith ", "1  Main   St ", "44308")),         # spacing
    (("José Núñez", "1 Main St", "44308"), (unicodedata.normalize("NFD", "José Núñez"), "1 Main St", "44308")),    # NFD
    (("Ann Smith", "1 Main St.", "44308"), ("Ann Smith", "1 Main St", "44308")),                 # punctuation
    (("Ann Smith", "1 Main St", "44308-1234"), ("Ann Smith", "1 Main St", "44308")),             # ZIP+4
    (("Strauß", "1 Main St", "44308"), ("STRAUSS", "1 Main St", "44308")),                        # case folding
]
DIFFERENT = [
    (("Ann Smith", "1 Main St", "44308"), ("Ann Smyth", "1 Main St", "44308")),
    (("Ann Smith", "1 Main St", "44308"), ("Ann Smith", "2 Main St", "44308")),
    (("Ann Smith", "1 Main St", "44308"), ("Ann Smith", "1 Main St", "44309")),
    (("O'Brien", "1 Main St", "44308"), ("OBrien", "1 Main St", "44308")),   # a name keeps its punctuation
]


@pytest.mark.parametrize("a, b", SAME)
def test_recipient_key_same_person(a, b):
    assert recipient_key(*a) == recipient_key(*b)


@pytest.mark.parametrize("a, b", DIFFERENT)
def test_recipient_key_different_people(a, b):
    assert recipient_key(*a) != recipient_key(*b)


def test_recipient_key_ignores_the_apartment_line(guide_model):
    """The key is name + address line 1 + ZIP5: an apartment on line 2 does not make a second person."""
    checker = RowChecker(guide_model, load_letter(CONTENT / "letter.yaml"), "x")
    cols = map_header(HEADER, "p.csv")
    a = checker.check(2, ["Ann Smith", "1 Main St", "Apt 4", "Akron", "OH", "44308"], cols, 6).job
    b = checker.check(3, ["ann smith", "1 Main St.", "", "Akron", "OH", "44308-0001"], cols, 6).job
    c = checker.check(4, ["Ann Smith", "1 Main St Apt 4", "", "Akron", "OH", "44308"], cols, 6).job
    assert a.key == b.key == "ann smith|1 MAIN ST|44308"
    assert c.key != a.key   # the apartment on line 1 is part of the street line


# ---- repairs -------------------------------------------------------------------------------------

@pytest.mark.parametrize("state, zip_code, block_last, notes, reject", [
    ("Massachusetts", "02134", "BOSTON MA 02134", "state 'Massachusetts' -> MA", None),
    ("MA", "2134", "BOSTON MA 02134", "ZIP '2134' -> '02134'", None),
    ("massachusetts", "2134", "BOSTON MA 02134", "state 'massachusetts' -> MA; ZIP '2134' -> '02134'", None),
    ("New Jersey", "7102", "BOSTON NJ 07102", "state 'New Jersey' -> NJ; ZIP '7102' -> '07102'", None),
    ("PR", "901", None, None, "ZIP code '901' has 3 digits"),                 # two zeros: not guessed
    ("OH", "4430", None, None, "ZIP code '4430' has 4 digits"),               # 044 is Maine's, not Ohio's
    ("Ohio", "4430", None, None, "write the two-letter code 'OH'"),           # rejected: the repair is a hint
    ("Mass.", "02134", None, None, "state 'Mass.' is not a two-letter US state"),   # ambiguous: rejected
])
def test_repairs(guide_model, state, zip_code, block_last, notes, reject):
    checker = RowChecker(guide_model, load_letter(CONTENT / "letter.yaml"), "x")
    checked = checker.check(2, ["Ann Lee", "1 Main St", "", "Boston", state, zip_code], map_header(HEADER, "p"), 6)
    if reject:
        assert checked.job is None and any(reject in r for r in checked.reasons), checked.reasons
    else:
        assert checked.job.who.block[-1] == block_last
        assert checked.job.notes == notes


def test_zip3_table():
    assert [zip3_state(z) for z in ("02134", "05501", "05401", "00901", "00802", "09001", "04101", "06103")] == \
        ["MA", "MA", "VT", "PR", "VI", "AE", "ME", "CT"]
    assert zip3_state("00012") is None and zip3_state("44308") is None   # only prefixes starting with 0


# ---- input formats -----------------------------------------------------------------------------

ROWS = [["Zoë Lee", "1 Main St", "", "Akron", "OH", "44308"],
        ["Ann; Bob", "2 Main St, Rear", "", "Akron", "OH", "44308"]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_delimiters_and_encodings(tmp_path, delimiter, encoding):
    path = write(tmp_path / "p.csv", ROWS, delimiter=delimiter, encoding=encoding)
    got = list(read_rows(path, "cp1252" if encoding == "cp1252" else None))
    assert [cells for _, cells, _ in got] == ROWS
    assert got[0][2] == HEADER


def test_cp1252_without_the_option_says_which_option(tmp_path):
    path = write(tmp_path / "p.csv", ROWS, encoding="cp1252")
    with pytest.raises(ContentError) as err:
        list(read_rows(path))
    assert "--encoding cp1252" in str(err.value) and f"{path}:2:" in str(err.value)


def test_a_fifo_is_named_as_such(tmp_path):
    fifo = tmp_path / "people.csv"
    os.mkfifo(fifo)
    with pytest.raises(ContentError) as err:
        list(read_rows(fifo))   # returns at once: never blocks waiting for a writer
    assert str(err.value) == (f"{fifo}: is a pipe (FIFO), not a file; save the recipients as a CSV file "
                              "and give its path")
    with pytest.raises(ContentError) as err:
        list(read_rows(tmp_path))
    assert "is a folder, not a file" in str(err.value)


def test_an_oversized_cell_rejects_its_row_not_the_run(tmp_path):
    rows = [*people(2), ["Big", "x" * 200_000, "", "Akron", "OH", "44308"], *people(2, 10)]
    path = write(tmp_path / "p.csv", rows)
    summary = make_packets(CONTENT, path, tmp_path / "o", day=DAY, jobs=1)
    assert (summary.built, summary.rejected) == (4, 1)
    rejects = read_csv(summary.folder / REJECTS)
    assert [r["row"] for r in rejects] == ["4"] and "longer than 131,072 characters" in rejects[0]["reason"]


# ---- run folders and the history ---------------------------------------------------------------

def tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_two_runs_into_one_folder(tmp_path):
    out = tmp_path / "out"
    week1 = write(tmp_path / "week48.csv", people(6))
    first = make_packets(CONTENT, week1, out, day=DAY, jobs=1)
    before = tree(first.folder)
    week2 = write(tmp_path / "week49.csv", people(3) + people(2, 100))   # half of week 48's people, two new
    second = make_packets(CONTENT, week2, out, day=DAY + dt.timedelta(days=7), jobs=1)
    assert first.folder != second.folder and first.folder.parent == second.folder.parent == out
    assert (first.folder.name, second.folder.name) == ("2026-12-01-week48", "2026-12-08-week49")
    assert tree(first.folder) == before   # every file of the first run byte-identical
    assert (second.built, second.mailed_before, second.duplicates) == (2, 3, 0)
    skipped = read_csv(second.folder / SKIPPED)
    assert [(r["row"], r["reason"]) for r in skipped] == [
        (str(n), "already mailed on 2026-12-01 (run 2026-12-01-week48)") for n in (2, 3, 4)]
    history = out / HISTORY
    assert db_rows(history, "SELECT id, built, skipped FROM runs ORDER BY id") == [
        ("2026-12-01-week48", 6, 0), ("2026-12-08-week49", 2, 3)]
    assert db_rows(history, "SELECT run, status, count(*) FROM pieces GROUP BY run, status ORDER BY run, status") == [
        ("2026-12-01-week48", "built", 6), ("2026-12-08-week49", "already_mailed", 3),
        ("2026-12-08-week49", "built", 2)]
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    # --remail mails them anyway (a new input, so a new run)
    week2b = write(tmp_path / "week49b.csv", people(3))
    again = make_packets(CONTENT, week2b, out, day=DAY + dt.timedelta(days=7), jobs=1, remail=True)
    assert again.built == 3 and again.folder.name == "2026-12-08-week49b"
    # past --remail-after, not skipped either
    later = make_packets(CONTENT, write(tmp_path / "w.csv", people(1)), out, day=DAY + dt.timedelta(days=120),
                         jobs=1)
    assert later.built == 1


def test_same_input_resumes_and_duplicates_are_skipped(tmp_path):
    rows = [*people(2), ["PERSON  0", "0 Main St.", "Apt 9", "Akron", "OH", "44308-1111"]]
    path = write(tmp_path / "p.csv", rows)
    first = make_packets(CONTENT, path, tmp_path / "o", day=DAY, jobs=1)
    assert (first.built, first.duplicates) == (2, 1)
    assert read_csv(first.folder / SKIPPED)[0]["reason"] == "duplicate of row 2"
    again = make_packets(CONTENT, path, tmp_path / "o", day=DAY, jobs=1)
    assert again.folder == first.folder and again.resumed and (again.built, again.skipped) == (0, 2)
    assert sorted(p.name for p in (tmp_path / "o").iterdir() if not p.name.startswith(".")) == [
        first.folder.name, HISTORY]


def test_feeding_the_rejects_back(tmp_path):
    rows = [*people(2), ["Bad Zip", "1 Elm St", "", "Akron", "OH", "1"]]
    out = tmp_path / "o"
    first = make_packets(CONTENT, write(tmp_path / "p.csv", rows), out, day=DAY, jobs=1)
    rejects = first.folder / REJECTS
    before = rejects.read_bytes()
    fixed = before.replace(b",1\r\n", b",44308\r\n")   # the user's fix, in the run's own rejects.csv
    assert fixed != before
    rejects.write_bytes(fixed)
    second = make_packets(CONTENT, rejects, out, day=DAY, jobs=1)
    assert second.built == 1 and second.folder != first.folder
    assert rejects.read_bytes() == fixed   # the fixes were not overwritten
    assert (second.folder / INPUT).read_bytes() == fixed


def test_rejects_header_is_formula_escaped(tmp_path):
    path = write(tmp_path / "p.csv", [["Ann", "1 Main St", "Akron", "OH", "", "x"]],
                 header=["name", "address1", "city", "state", "zip", "=HYPERLINK(1)"])
    summary = make_packets(CONTENT, path, tmp_path / "o", day=DAY, jobs=1)
    header = (summary.folder / REJECTS).read_text(encoding="utf-8").splitlines()[0]
    assert header == "row,reason,name,address1,city,state,zip,'=HYPERLINK(1)"


def test_combined_cannot_land_on_inputs_or_the_run_files(tmp_path):
    path = write(tmp_path / "p.csv", people(1))
    out = tmp_path / "o"
    first = make_packets(CONTENT, path, out, day=DAY, jobs=1)
    before = tree(first.folder)
    for target, why in [(path, "is the recipients file"), (first.folder / MANIFEST, "own files (manifest.csv)"),
                        (first.folder / "000002-person-0.pdf", "own files (000002-person-0.pdf)"),
                        (out / HISTORY, "is the history database")]:
        code = main(["packet", "--recipients", str(path), "--out", str(out), "--date", DAY.isoformat(),
                     "--jobs", "1", "--combined", str(target)])
        assert code == 2, target
    assert tree(first.folder) == before and path.read_bytes() == write(tmp_path / "q.csv", people(1)).read_bytes()
    # a print file inside an earlier run's folder
    other = make_packets(CONTENT, write(tmp_path / "p2.csv", people(1, 5)), out, day=DAY, jobs=1)
    with pytest.raises(ContentError) as err:
        make_packets(CONTENT, write(tmp_path / "p3.csv", people(1, 9)), out, day=DAY, jobs=1,
                     combined=other.folder / "combined.pdf")
    assert "inside the folder of the earlier run 2026-12-01-p2" in str(err.value)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["2026-12-01-p", "2026-12-01-p2"]   # no p3


def test_schema_version_and_a_newer_file(tmp_path):
    h = History(tmp_path / "h.sqlite")
    h.close()
    assert db_rows(tmp_path / "h.sqlite", "PRAGMA user_version") == [(2,)]
    assert db_rows(tmp_path / "h.sqlite", "PRAGMA journal_mode") == [("wal",)]
    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        db.execute("PRAGMA user_version = 7")
    with pytest.raises(OutputError) as err:
        History(tmp_path / "h.sqlite")
    assert "schema version 7; this guide reads up to 2" in str(err.value)


def test_a_version_1_file_gains_the_barcode_columns(tmp_path):
    from guide.mail._history import MIGRATIONS

    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    History(tmp_path / "h.sqlite").close()
    cols = [r[1] for r in db_rows(tmp_path / "h.sqlite", "PRAGMA table_info(pieces)")]
    assert cols[-3:] == ["serial", "tracking", "routing"]
    assert db_rows(tmp_path / "h.sqlite", "PRAGMA user_version") == [(2,)]


# ---- exit codes and the command line -----------------------------------------------------------

def packet(*args: str) -> int:
    return main(["packet", "--date", DAY.isoformat(), "--jobs", "1", *args])


def test_exit_codes(tmp_path, capsys):
    bad = write(tmp_path / "bad.csv", [["Ann", "1 Main St", "", "Akron", "XX", "44308"]] * 2)
    assert packet("--recipients", str(bad), "--out", str(tmp_path / "o")) == 1
    assert "error: no packet was built from 2 rows (2 rejected, 0 skipped)" in capsys.readouterr().err
    mixed = write(tmp_path / "mixed.csv", [*people(3), ["Ann", "1 Main St", "", "Akron", "XX", "44308"]])
    assert packet("--recipients", str(mixed), "--out", str(tmp_path / "o"), "--max-rejects", "0") == 1
    said = capsys.readouterr()
    assert said.out.startswith("built 3, rejected 1") and "more than --max-rejects 0" in said.err
    assert packet("--recipients", str(mixed), "--out", str(tmp_path / "o"), "--max-rejects", "25%") == 0
    assert packet("--recipients", str(mixed), "--out", str(tmp_path / "o"), "--max-rejects", "24%") == 1
    assert packet("--recipients", str(mixed), "--out", str(tmp_path / "o"), "--max-rejects", "1") == 0
    capsys.readouterr()
    assert packet("--recipients", str(mixed), "--out", str(tmp_path / "o"), "--max-rejects", "lots") == 2
    assert "--max-rejects: must be a count like 10 or a share like 5%, not 'lots'" in capsys.readouterr().err
    assert main(["packet", "--recipients", str(mixed), "--out", str(tmp_path / "o"), "--date", "0001-01-01"]) == 2
    assert ("--date: 0001-01-01 is more than a year from today" in capsys.readouterr().err)
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    assert packet("--recipients", str(fifo), "--out", str(tmp_path / "o")) == 2
    assert "is a pipe (FIFO), not a file" in capsys.readouterr().err


def test_jobs_are_capped_with_a_note(tmp_path, capsys):
    from guide.mail import cores

    path = write(tmp_path / "p.csv", people(1))
    assert main(["packet", "--recipients", str(path), "--out", str(tmp_path / "o"), "--date", DAY.isoformat(),
                 "--jobs", "1000"]) == 0
    assert f"note: --jobs 1000 capped at {4 * cores()}" in capsys.readouterr().err


def test_progress_lines_without_a_terminal(tmp_path, capsys):
    path = write(tmp_path / "p.csv", people(20))
    assert packet("--recipients", str(path), "--out", str(tmp_path / "o")) == 0
    lines = [x for x in capsys.readouterr().err.splitlines() if x.startswith("packets: ")]
    assert [x.split(" (")[0] for x in lines] == [f"packets: {n}/20" for n in range(2, 21, 2)]
    assert lines[-1].endswith(", 0 rejected") and "\r" not in "".join(lines)


def test_mailings_runs_find_export(tmp_path, capsys):
    out = tmp_path / "o"
    make_packets(CONTENT, write(tmp_path / "a.csv", [["Mary Smith", "5 Oak Ave", "", "Akron", "OH", "44308"],
                                                      *people(2)]), out, day=DAY, jobs=1)
    make_packets(CONTENT, write(tmp_path / "b.csv", [["MARY SMITH", "5 Oak Ave.", "", "Akron", "OH", "44308"],
                                                      ["Tom Smithers", "6 Oak Ave", "", "Akron", "OH", "44308"]]),
                 out, day=DAY + dt.timedelta(days=7), jobs=1)
    capsys.readouterr()
    assert main(["mailings", "--out", str(out), "runs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["2026-12-01-a", "2026-12-01", "3", "0", "0", "finished"]
    assert lines[2].split() == ["2026-12-08-b", "2026-12-08", "1", "1", "0", "finished"]
    assert main(["mailings", "--out", str(out), "find", "smith"]) == 0
    found = capsys.readouterr().out.splitlines()
    assert found == [
        "2026-12-01-a  2026-12-01  row 2  Mary Smith  standard, letter, 000002-mary-smith.pdf",
        "2026-12-08-b  2026-12-08  row 2  MARY SMITH  already mailed: already mailed on 2026-12-01 (run 2026-12-01-a)",
        "2026-12-08-b  2026-12-08  row 3  Tom Smithers  standard, letter, 000003-tom-smithers.pdf",
        "3 pieces found"]
    assert main(["mailings", "--out", str(out), "find", "6 OAK"]) == 0
    assert "Tom Smithers" in capsys.readouterr().out
    export = tmp_path / "all.csv"
    assert main(["mailings", "--out", str(out), "export", "--run", "2026-12-08-b", "--csv", str(export)]) == 0
    recs = read_csv(export)
    assert [(r["run"], r["row"], r["status"]) for r in recs] == [("2026-12-08-b", "2", "already_mailed"),
                                                                  ("2026-12-08-b", "3", "built")]
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    assert main(["mailings", "--out", str(tmp_path / "none"), "runs"]) == 2


# ---- crash safety and the lock -----------------------------------------------------------------

def cmd(people_csv: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "build_guide.py"), "packet", "--recipients", str(people_csv),
            "--out", str(out), "--date", DAY.isoformat(), "--jobs", "2", *extra]


def test_sigkill_at_random_points_then_rerun(tmp_path):
    """Killed three times at random moments, then finished: database rows = files = manifest rows, hashes match."""
    n = 30
    path = write(tmp_path / "p.csv", people(n))
    out = tmp_path / "o"
    rnd = random.Random(int(os.environ.get("KILL_SEED", time.time_ns() % 1000)))
    for _ in range(3):
        proc = subprocess.Popen(cmd(path, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rnd.uniform(0.3, 2.5))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    summary = make_packets(CONTENT, path, out, day=DAY, jobs=2)
    folder = summary.folder
    assert summary.built + summary.skipped == n
    built = db_rows(out / HISTORY, "SELECT file, sha256 FROM pieces WHERE status = 'built' ORDER BY row")
    files = sorted(p.name for p in folder.glob("*.pdf"))
    manifest = [(r["file"], r["sha256"]) for r in read_csv(folder / MANIFEST)]
    assert len(built) == len(files) == len(manifest) == n and built == manifest
    assert sorted(f for f, _ in built) == files
    for file, sha in built:
        assert hashlib.sha256((folder / file).read_bytes()).hexdigest() == sha
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]   # no temp files left
    assert db_rows(out / HISTORY, "SELECT count(*) FROM runs") == [(1,)]


def test_two_concurrent_runs_one_waits_or_stops(tmp_path):
    """Another writer holds the folder (here this test process, so the timing cannot race): a run stops at
    once naming it, and a run given --wait starts as soon as the folder is free."""
    from guide.mail._lock import RunLock
    from guide.mail._run import LOCK

    path = write(tmp_path / "p.csv", people(30))
    other = write(tmp_path / "q.csv", people(2, 50))
    out = tmp_path / "o"
    out.mkdir()
    with RunLock(out / LOCK, str(out)):
        second = subprocess.run(cmd(other, out), capture_output=True, text=True)
        assert second.returncode == 1
        assert f"error: another run is writing {out} (pid {os.getpid()}, started " in second.stderr
        waiting = subprocess.Popen(cmd(path, out, "--wait", "120"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        time.sleep(1.0)
        assert waiting.poll() is None   # still waiting for the folder
    said, _ = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and said.startswith("built 30,")
    assert subprocess.run(cmd(other, out), capture_output=True, text=True).returncode == 0
    assert db_rows(out / HISTORY, "SELECT id, built FROM runs ORDER BY id") == [("2026-12-01-p", 30),
                                                                                ("2026-12-01-q", 2)]


def test_row_lookups_use_the_key_index(tmp_path):
    """Duplicate and earlier-mailing lookups search by key; a scan of the run's rows made pass 1 quadratic
    (100,000 rows took over 15 minutes)."""
    h = History(tmp_path / "h.sqlite")
    try:
        for sql, args in [(h.FIRST_WITH_KEY, ("k", "r", 5)), (h.MAILED_BEFORE, ("k", "r", "a", "b"))]:
            plan = " ".join(str(step[-1]) for step in h.db.execute("EXPLAIN QUERY PLAN " + sql, args))
            assert "USING INDEX pieces_by_key (key=?" in plan, plan
    finally:
        h.close()
