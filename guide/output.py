"""PDF bytes in, a file on disk out: written to a temp file beside the target, then renamed.

A failed or killed write never leaves the previous file half-written or a temp file behind
(the temp file is removed on any error; a SIGKILL leaves at most a ``.*.tmp`` that the next
write to the same folder cleans up).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError

TMP_PREFIX = "."
TMP_SUFFIX = ".guide-tmp"


def atomic_write(path: Path | str, data: bytes) -> Path:
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create folder {folder}: {exc.strerror}") from None
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name ending in .pdf")
    _sweep(folder, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{target.name}.", suffix=TMP_SUFFIX, dir=folder)
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
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {exc.strerror}") from None
        raise
    return target


def _sweep(folder: Path, name: str) -> None:
    """Remove temp files a killed earlier write of this same file left behind."""
    for stale in folder.glob(f"{TMP_PREFIX}{name}.*{TMP_SUFFIX}"):
        try:
            stale.unlink()
        except OSError:
            pass
