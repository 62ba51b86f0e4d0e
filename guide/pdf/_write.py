"""PDF bytes in, a file on disk out: written to a temp file beside the target, then renamed.

A failed or killed write never leaves the previous file half-written or a temp file behind:
the temp file is removed on any error, and one left by a write that was killed outright
(SIGKILL, power cut) is removed by the next write of the same file. Temp files are named
``.<name>.<pid>.<random>.guide-tmp``; only those whose process is gone are removed, so two
builds writing the same file at once do not delete each other's work.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import OutputError
from ._guard import PDF_MAGIC, check_output, target_stat

TMP_PREFIX = "."
TMP_SUFFIX = ".guide-tmp"


def atomic_write(path: Path | str, data: bytes, *, protect: Iterable[Path | str] = (), force: bool = False) -> Path:
    """Write ``data`` to ``path`` all at once (creating missing folders); raise OutputError.

    The output guard (``check_output``) runs first and its kind check once more just before the
    rename: a device, FIFO, folder or one of ``protect`` (this run's inputs) is never replaced, nor
    an existing file that is not a PDF when ``data`` is one, unless ``force``.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    check_output(target, protect=protect, force=force, pdf=data.startswith(PDF_MAGIC))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder}: {exc.strerror}") from None
    _sweep(folder, target.name)
    tmp: str | None = None
    try:
        with _interrupts_held():  # a Ctrl-C lands after `tmp` is known, so the finally removes the file
            fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{target.name}.{os.getpid()}.", suffix=TMP_SUFFIX,
                                       dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        st = target_stat(target)  # again: something may have been put there while we wrote
        if st is not None and not stat.S_ISREG(st.st_mode):
            check_output(target, protect=protect, force=force, pdf=False)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        where = f"{target}" if tmp is not None else f"in {folder}"  # no temp file yet: the folder refused it
        raise OutputError(f"cannot write {where}: {exc.strerror}") from None
    finally:
        if tmp is not None:
            with _interrupts_held(), contextlib.suppress(OSError):
                os.unlink(tmp)
    _sync_folder(folder)
    return target


@contextlib.contextmanager
def _interrupts_held():
    """SIGINT waits (is blocked, then delivered) for the few steps that must not be cut in two."""
    held = {signal.SIGINT}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, OSError, ValueError):  # not on every platform
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (the data already is); not every system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sweep(folder: Path, name: str) -> None:
    """Remove temp files that killed earlier writes of this same file left behind."""
    for stale in folder.glob(f"{TMP_PREFIX}{name}.*{TMP_SUFFIX}"):
        pid = stale.name[len(TMP_PREFIX) + len(name) + 1:].split(".", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            stale.unlink()


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (our own id: another thread may be writing)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True
