"""An output path, this run's inputs and --force in; the path back if it is ours to write, else OutputRefused.

Ours to write means: the target is a regular file or does not exist yet (never a device, FIFO, socket
or folder: `--out /dev/null` run as root must not turn the device into a file); it is not one of the
run's inputs (content files, letter, recipients, logo), compared by resolved path and by (st_dev,
st_ino) so a hard link or another spelling of the path is caught too; and an existing file that is
not a PDF is only replaced with --force. Commands call ``check_output`` before any work (a refusal
costs nothing), and ``atomic_write`` calls it again, and checks the target's kind once more just
before its rename, so no writer can bypass it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from ..content import not_regular, same_file
from ..errors import OutputError, OutputRefused

PDF_MAGIC = b"%PDF-"
TMP_ROOM = 40  # what a temp file's name adds to the target's: ".", ".PID.", 8 random characters, ".guide-tmp"


def check_output(path: Path | str, *, protect: Iterable[Path | str] = (), force: bool = False,
                 pdf: bool = True) -> Path:
    """Refuse (OutputRefused, exit 2) a target that is not ours to write; see the module docstring.

    ``pdf``: what will be written is a PDF, so an existing file must be one too (unless ``force``).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    blocker = _file_in_the_way(folder)
    if blocker is not None:  # not a refusal of the target itself: exit 1 like any unwritable place
        raise OutputError(f"cannot write {target}: {blocker} is a file, not a folder")
    _name_fits(target, folder)
    st = target_stat(target)
    if st is not None:
        why = not_regular(st.st_mode)
        if stat.S_ISDIR(st.st_mode):
            raise OutputRefused(f"{target} is a folder; give a file name ending in .pdf")
        if why:
            raise OutputRefused(f"cannot write {target}: it {why}; give the name of a file to create")
    _not_an_input(target, st, protect)
    if st is not None and pdf and not force and not _starts_with(target, PDF_MAGIC):
        raise OutputRefused(f"cannot write {target}: the file there is not a PDF; "
                            "use --force to replace it, or give another name")
    return target


def target_stat(target: Path) -> os.stat_result | None:
    """What is at the target now (symlinks followed: a link to /dev/null is a device), or None."""
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None  # a file stands where a folder should: atomic_write names it
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise OutputRefused(f"cannot write {_short(target)}: the path is too long") from None
        if exc.errno == errno.ELOOP:
            raise OutputRefused(f"cannot write {target}: it is a symlink loop") from None
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None


def _file_in_the_way(folder: Path) -> Path | None:
    """The nearest existing ancestor of ``folder`` (or itself) if it is not a folder."""
    for p in (folder, *folder.parents):
        try:
            if p.exists():
                return None if p.is_dir() else p
        except OSError:
            return None
    return None


def _name_fits(target: Path, folder: Path) -> None:
    """A 300-character name fails deep inside the write with ENAMETOOLONG; say so first, plainly."""
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    n = len(os.fsencode(target.name))
    if n + TMP_ROOM > limit:
        raise OutputRefused(f"cannot write {_short(target)}: the file name is {n} bytes long; "
                            f"at most {limit - TMP_ROOM} bytes here")


def _short(target: Path) -> str:
    text = str(target)
    return text if len(text) <= 80 else text[:60] + "…" + text[-15:]


def _not_an_input(target: Path, st: os.stat_result | None, protect: Iterable[Path | str]) -> None:
    try:
        real = target.resolve()
    except (OSError, RuntimeError):
        real = target
    for p in protect:
        if p is None:
            continue
        try:
            pst = os.stat(p)
            preal = Path(p).resolve()
        except (OSError, RuntimeError):
            continue
        if preal == real or (st is not None and same_file(st, pst)):
            raise OutputRefused(f"cannot write {target}: it is one of this run's inputs ({p}); "
                                "give another output name")


def _starts_with(target: Path, magic: bytes) -> bool:
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return os.read(fd, len(magic)) == magic
    except OSError:
        return False
    finally:
        os.close(fd)
