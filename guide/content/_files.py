"""A path and what kind of input it is in; its bytes out, read only if it is a bounded regular file.

Every reader goes through ``read_input``: content YAML, letter.yaml, the logo, the PDF given to
``verify`` (and the recipients CSV through ``open_input``). The rules, in order:

- the path is resolved (symlinks followed); with ``root`` given the resolved file must lie inside it,
  so a content file linked to /etc/shadow or an API key file elsewhere is never opened;
- ``stat`` before ``open``: a folder, FIFO, socket or device is refused without being opened (opening
  a FIFO blocks, reading /dev/zero never ends, and some devices act when opened);
- the file is opened O_NONBLOCK (a FIFO swapped in after the stat still cannot block) and O_NOFOLLOW
  on the resolved name, then ``fstat`` again: what was checked is what is read;
- the size is checked against the kind's limit before any byte is read, and the read itself stops at
  the limit, so a file that grows (or a 5 GB sparse file) costs no more memory than the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputRefused

# Per-kind limits, in bytes. YAML: the guide's largest file is ~40 KB; 2 MB was the limit before.
# A logo is decoded and bounded in pixels at check time; 20 MB is far above any sane PNG/JPEG logo.
# A built guide is ~0.2-2 MB, a print file of many packets can be large: verify reads up to 200 MB.
LIMITS = {"yaml": 2_000_000, "logo": 20_000_000, "pdf": 200_000_000, "csv": 2_000_000_000}
KIND_NAMES = {"yaml": "a content file", "logo": "a logo", "pdf": "a PDF to verify", "csv": "a recipients file"}

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def not_regular(mode: int) -> str | None:
    """Why a file of this mode is not something we read or replace (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    return "is not a regular file"


def _why(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file not found"
    if isinstance(exc, NotADirectoryError):
        return "file not found (a part of the path is a file, not a folder)"
    return f"cannot read file: {exc.strerror or exc}"


def resolve_input(path: Path | str, root: Path | str | None = None) -> Path:
    """The real file behind ``path``; raise InputRefused if it escapes ``root`` or cannot be resolved."""
    try:
        real = Path(path).resolve(strict=True)
    except FileNotFoundError:
        if os.path.lexists(path):
            raise InputRefused(path, "is a symlink to a file that does not exist") from None
        raise InputRefused(path, "file not found") from None
    except RuntimeError:  # a symlink loop (Python 3.11 raises RuntimeError here)
        raise InputRefused(path, "is a symlink loop") from None
    except OSError as exc:
        raise InputRefused(path, _why(exc)) from None
    if root is not None:
        base = Path(root).resolve()
        if not real.is_relative_to(base):
            raise InputRefused(path, "points outside the content folder (a symlink?); put the file itself inside it")
    return real


def open_input(path: Path | str, kind: str, root: Path | str | None = None) -> tuple[int, int]:
    """A read-only descriptor of the checked regular file and its size; raise InputRefused.

    The caller owns the descriptor (``os.fdopen(fd, "rb")`` wraps it; the mail code reads its CSV so).
    """
    limit = LIMITS[kind]
    real = resolve_input(path, root)
    try:
        why = not_regular(os.stat(real).st_mode)
    except OSError as exc:
        raise InputRefused(path, _why(exc)) from None
    if why:
        raise InputRefused(path, why)
    try:
        fd = os.open(real, os.O_RDONLY | _NONBLOCK | _NOFOLLOW | getattr(os, "O_NOCTTY", 0) | os.O_CLOEXEC)
    except OSError as exc:
        raise InputRefused(path, _why(exc)) from None
    try:
        st = os.fstat(fd)
        why = not_regular(st.st_mode)
        if why:
            raise InputRefused(path, why)
        if st.st_size > limit:
            raise InputRefused(path, too_large(kind))
        if _NONBLOCK:  # a regular file reads the same either way; clear it so nothing downstream is surprised
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def too_large(kind: str) -> str:
    return f"file is larger than {LIMITS[kind]} bytes"


def read_input(path: Path | str, kind: str, root: Path | str | None = None) -> bytes:
    """The bytes of a bounded regular file (see the module docstring); raise InputRefused."""
    limit = LIMITS[kind]
    fd, size = open_input(path, kind, root)
    chunks, got = [], 0
    try:
        while got <= limit:
            chunk = os.read(fd, min(max(size - got, 0) + 1, limit + 1 - got, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as exc:
        raise InputRefused(path, _why(exc)) from None
    finally:
        os.close(fd)
    if got > limit:  # it grew after the fstat
        raise InputRefused(path, too_large(kind))
    return b"".join(chunks)


def same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def content_inputs(content_dir: Path | str, extra: tuple[Path | str | None, ...] = ()) -> list[Path]:
    """The files a run reads from a content folder (its top level and sections/) plus ``extra``
    (the logo, a letter or recipients file given apart): what no output of that run may replace."""
    found: list[Path] = []
    for folder in (Path(content_dir), Path(content_dir) / "sections"):
        try:
            with os.scandir(folder) as entries:
                found.extend(Path(e.path) for e in entries if e.is_file())
        except OSError:
            continue
    return found + [Path(p) for p in extra if p]
