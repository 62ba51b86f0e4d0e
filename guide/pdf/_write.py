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
import tempfile
from pathlib import Path

from ..errors import OutputError

TMP_PREFIX = "."
TMP_SUFFIX = ".guide-tmp"


def atomic_write(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` all at once (creating missing folders); raise OutputError."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    blocker = _file_in_the_way(folder)
    if blocker is not None:
        raise OutputError(f"cannot write {target}: {blocker} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder}: {exc.strerror}") from None
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name ending in .pdf")
    _sweep(folder, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{target.name}.{os.getpid()}.", suffix=TMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write in {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {exc.strerror}") from None
        raise
    _sync_folder(folder)
    return target


def _file_in_the_way(folder: Path) -> Path | None:
    """The nearest existing ancestor of ``folder`` (or itself) if it is not a folder."""
    for p in (folder, *folder.parents):
        try:
            if p.exists():
                return None if p.is_dir() else p
        except OSError:
            return None
    return None


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
