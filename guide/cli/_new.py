"""`new DIR` in; a new content folder copied from the commented scaffold (all of it, or nothing) out."""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from pathlib import Path

from ..errors import UsageError


def add_arguments(p) -> None:
    p.description = ("Start a new guide: write a content folder with guide.yaml, brand.yaml, letter.yaml, a "
                     "glossary, a reference list and two example sections that show every block kind, with "
                     "comments. Replace the placeholder text, then check and build it.")
    p.add_argument("dir", metavar="DIR", help="the folder to create (it must not exist, or be empty)")


def run(args) -> int:
    from .._resources import data_folder

    target = Path(args.dir)
    scaffold(data_folder("scaffold"), target)
    prog, folder = getattr(args, "prog", "guide"), shlex.quote(str(target))
    print(f"wrote {target}{os.sep}: replace its placeholder text, then run "
          f"'{prog} check --content {folder}' and '{prog} build --content {folder}'")
    return 0


def scaffold(source: Path, target: Path) -> None:
    """Copy source to target through a temp folder beside it and one rename, so a failure leaves nothing."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise UsageError(f"cannot create {target}: it is a file, not a folder")
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(f"cannot create {target}: the folder already has files in it; give a new or empty folder")
    parent = target.absolute().parent
    if not parent.is_dir():
        raise UsageError(f"cannot create {target}: the folder {parent} does not exist")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.absolute().name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise UsageError(f"cannot create {target}: {_reason(exc, parent)}") from None
    try:
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if path.is_dir():
                (tmp / rel).mkdir()
            elif path.suffix == ".yaml":
                shutil.copyfile(path, tmp / rel)
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the user's folder gets their usual mode
        os.rename(tmp, target)  # replaces an empty folder; fails if files appeared meanwhile
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UsageError(f"cannot create {target}: {_reason(exc, parent)}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _reason(exc: OSError, parent: Path) -> str:
    if isinstance(exc, PermissionError):
        return f"no permission to write in {parent}"
    return exc.strerror or str(exc)
