"""Nothing is lost: the PDF goes to a temp file beside the target and is renamed into place.

A write killed with SIGKILL at any moment leaves the previous file byte-for-byte intact, and
the next write of the same file removes the temp file the killed one left.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from guide.pdf import _write as output
from guide.errors import OutputError
from guide.pdf import TMP_SUFFIX, atomic_write

ROOT = Path(__file__).resolve().parent.parent
OLD = b"%PDF-1.4 the previous guide\n" + bytes(range(256)) * 64


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TMP_SUFFIX))


def child(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
                             + textwrap.dedent(code)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=10)  # also closes the pipes
    assert proc.returncode == -signal.SIGKILL, err.decode()


def test_sigkill_mid_write_keeps_the_previous_pdf_and_the_next_write_cleans_up(tmp_path):
    target = tmp_path / "guide.pdf"
    atomic_write(target, OLD)
    # the child writes 64 MB through a writer slowed to 1 MB a step, so it is surely mid-write when killed
    proc = child(f"""
        import os, time
        from guide.pdf import _write as output
        real_fdopen = os.fdopen

        class Slow:
            def __init__(self, fh):
                self.fh = fh
            def __enter__(self):
                return self
            def __exit__(self, *exc):
                return self.fh.__exit__(*exc)
            def write(self, data):
                for i in range(0, len(data), 1 << 20):
                    self.fh.write(data[i:i + (1 << 20)])
                    self.fh.flush()
                    print("wrote", i, flush=True)
                    time.sleep(0.02)
            def __getattr__(self, name):
                return getattr(self.fh, name)

        output.os.fdopen = lambda fd, mode: Slow(real_fdopen(fd, mode))
        output.atomic_write({str(target)!r}, b"N" * (64 << 20))
        print("finished", flush=True)
    """)
    try:
        for _ in range(3):  # three megabytes are in the temp file, 61 to go
            assert proc.stdout.readline().startswith(b"wrote")
        leftover = temps(tmp_path)
        assert len(leftover) == 1 and (tmp_path / leftover[0]).stat().st_size >= 2 << 20
    finally:
        kill(proc)
    assert target.read_bytes() == OLD
    assert temps(tmp_path) == leftover  # a SIGKILL cannot clean up...
    atomic_write(target, b"%PDF-1.4 new")
    assert target.read_bytes() == b"%PDF-1.4 new"
    assert temps(tmp_path) == []  # ...so the next write of the same file does


def test_sigkill_at_random_moments_of_a_write_loop_never_leaves_a_partial_file(tmp_path):
    target = tmp_path / "guide.pdf"
    atomic_write(target, OLD)
    versions = {OLD, b"A" * (3 << 20), b"B" * (5 << 20)}
    rng = random.Random(3)
    for _ in range(6):
        proc = child(f"""
            from guide.pdf import atomic_write
            print("ready", flush=True)
            while True:
                atomic_write({str(target)!r}, b"A" * (3 << 20))
                atomic_write({str(target)!r}, b"B" * (5 << 20))
        """)
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.15))
        kill(proc)
        assert target.read_bytes() in versions
        assert len(temps(tmp_path)) <= 1
    atomic_write(target, b"%PDF-1.4 last", force=True)  # the loop's last write may have left a non-PDF
    assert target.read_bytes() == b"%PDF-1.4 last"
    assert temps(tmp_path) == []


class Failing:
    """A file object whose write fails part-way, like a full disk or a Ctrl-C."""

    def __init__(self, fh, exc: BaseException):
        self.fh, self.exc = fh, exc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.fh.__exit__(*exc)

    def write(self, data):
        self.fh.write(data[: len(data) // 2])
        raise self.exc


@pytest.mark.parametrize("exc", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_keeps_the_previous_pdf_and_no_temp_file(tmp_path, monkeypatch, exc):
    target = tmp_path / "guide.pdf"
    atomic_write(target, OLD)
    real = os.fdopen
    monkeypatch.setattr(output.os, "fdopen", lambda fd, mode: Failing(real(fd, mode), exc))
    if isinstance(exc, OSError):
        with pytest.raises(OutputError) as info:
            atomic_write(target, b"new" * 1000)
        assert str(info.value) == f"cannot write {target}: No space left on device"
    else:
        with pytest.raises(KeyboardInterrupt):
            atomic_write(target, b"new" * 1000)
    assert target.read_bytes() == OLD
    assert temps(tmp_path) == []


def test_only_leftovers_of_dead_writers_are_swept(tmp_path):
    target = tmp_path / "guide.pdf"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    live = tmp_path / f".guide.pdf.{os.getpid()}.abc{TMP_SUFFIX}"  # a write in progress in this process
    dead = tmp_path / f".guide.pdf.{dead_pid}.def{TMP_SUFFIX}"
    old_style = tmp_path / f".guide.pdf.xyz{TMP_SUFFIX}"
    other = tmp_path / f".other.pdf.{dead_pid}.ghi{TMP_SUFFIX}"  # another file's: not ours to touch
    for p in (live, dead, old_style, other):
        p.write_bytes(b"partial")
    atomic_write(target, b"%PDF-1.4")
    assert temps(tmp_path) == sorted([live.name, other.name])


def test_missing_folders_are_created(tmp_path):
    target = tmp_path / "a" / "b" / "guide.pdf"
    assert atomic_write(target, b"%PDF-1.4") == target
    assert target.read_bytes() == b"%PDF-1.4"
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_unwritable_places_give_clear_errors(tmp_path):
    (tmp_path / "notes.txt").write_text("a file")
    cases = {
        tmp_path / "notes.txt" / "guide.pdf": f"cannot write {tmp_path}/notes.txt/guide.pdf: "
                                              f"{tmp_path}/notes.txt is a file, not a folder",
        tmp_path / "notes.txt" / "deeper" / "guide.pdf": f"cannot write {tmp_path}/notes.txt/deeper/guide.pdf: "
                                                         f"{tmp_path}/notes.txt is a file, not a folder",
        tmp_path: f"{tmp_path} is a folder; give a file name ending in .pdf",
        Path("/proc/guide.pdf"): "cannot write in /proc: No such file or directory",
    }
    for path, message in cases.items():
        with pytest.raises(OutputError) as info:
            atomic_write(path, b"%PDF-1.4")
        assert str(info.value) == message
