"""A content folder in; its validated guide (or its located problems) and a digest of its files out.

The state is reloaded when a file changes.

Each request asks for the current state: the files' times and sizes are compared (a few stat calls),
and only when they differ are the files read, hashed and validated again, so edits show without a restart.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import msgspec

from ..content import models as m
from ..errors import ContentError, GuideError


def _stamp(root: Path) -> tuple:
    """Every file's relative path, modification time and size: changes when any file does."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            out.append((os.path.relpath(path, root), st.st_mtime_ns, st.st_size))
    return tuple(out)


def content_digest(root: Path | str) -> str:
    """SHA-256 over every file's relative path and bytes: the content part of a cache key."""
    root = Path(root)
    h = hashlib.sha256()
    for rel, _, _ in _stamp(root):
        h.update(rel.encode() + b"\0")
        try:
            h.update((root / rel).read_bytes())
        except OSError:
            continue
        h.update(b"\0")
    return h.hexdigest()


class Loaded(msgspec.Struct, frozen=True):
    """One reading of the content folder: a guide, or the problems that stop it."""

    digest: str
    guide: m.Guide | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.guide is not None


def load(root: Path) -> Loaded:
    from ..pdf import load_content

    digest = content_digest(root)
    try:
        return Loaded(digest, load_content(root), ())
    except ContentError as exc:
        return Loaded(digest, None, tuple(str(p) for p in exc.problems))
    except GuideError as exc:
        return Loaded(digest, None, (str(exc),))


class ContentWatch:
    """The current Loaded state of one folder, re-read only after a file changes."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._loaded: Loaded | None = None

    def current(self) -> Loaded:
        stamp = _stamp(self.root)
        with self._lock:
            if stamp != self._stamp or self._loaded is None:
                self._loaded = load(self.root)
                self._stamp = stamp
            return self._loaded
