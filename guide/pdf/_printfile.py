"""Packets (an Edition and LetterParts each) in, one print file for the whole run streamed to disk out.

The guide's content streams, fonts and images go in once per edition, each packet adds small
page objects that point at them, and identical letter objects (the font subsets) are written
once. Memory holds only the xref offsets and the page list, never the pages.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from array import array
from pathlib import Path
from typing import BinaryIO

from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from ..content import INFO_KEY, SCHEMA, record_json
from ..errors import OutputError
from ._letters import LetterParts
from ._objects import Pieces, _fill, _leaf, _trailer
from ._packet import Edition
from ._write import TMP_PREFIX, TMP_SUFFIX

KIDS_PER_NODE = 256


class PrintFile:
    """A whole run's packets in mailing order, written as they arrive.

    Objects 1 (catalogue), 2 (page tree root) and 3 (info) are written last; page-tree
    nodes of up to KIDS_PER_NODE pages sit under the root, so no page list is huge.
    """

    def __init__(self, fh: BinaryIO, title: str, author: str):
        self.fh = fh
        self.offsets = array("Q", [0, 0, 0, 0])   # index = object number; 0 = not written yet
        self.page_ids = array("L")
        self.node_ids = array("L")
        self.shared: dict[bytes, int] = {}         # object digest -> id (letters' fonts etc.)
        self.editions: dict[bytes, list[int]] = {}  # edition digest -> ids of its print parts
        self.title, self.author = title, author
        # the build record: each edition once, and per packet (edition index, letter pages, guide pages)
        self.record_editions: dict[bytes, int] = {}
        self.records: list[dict] = []
        self.pieces = array("L")
        self.pos = 0
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    @property
    def pages(self) -> int:
        return len(self.page_ids)

    def _write(self, data: bytes) -> None:
        self.fh.write(data)
        self.pos += len(data)

    def _new_id(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def _put(self, num: int, body: bytes) -> None:
        self.offsets[num] = self.pos
        self._write(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    def _parent_for_next_page(self) -> int:
        n = len(self.page_ids)
        if n % KIDS_PER_NODE == 0:
            self.node_ids.append(self._new_id())
        return self.node_ids[n // KIDS_PER_NODE]

    def _add_page(self, pieces: Pieces, ids: list[int] | array) -> None:
        parent = self._parent_for_next_page()
        num = self._new_id()
        self._put(num, _fill(pieces, ids, parent))
        self.page_ids.append(num)

    def _add_blank(self, size: tuple[float, float]) -> None:
        parent = self._parent_for_next_page()
        num = self._new_id()
        self._put(num, b"<<\n/Type /Page\n/Parent %d 0 R\n/MediaBox [0 0 %s %s]\n/Resources << >>\n>>"
                  % (parent, _num(size[0]), _num(size[1])))
        self.page_ids.append(num)

    def add(self, edition: Edition, letter: LetterParts, blank: tuple[float, float] | None = None) -> int:
        """Append one packet (letter pages, then the guide's); return its page count in this file.

        ``blank``: the page size of a blank page to put after the letter when letter and guide
        together have an odd page count, so that, printed on both sides, every piece starts on
        a sheet of its own (the blank back of the letter counts among the letter's pages in the
        file's record: a page after the guide would be read as the guide's).
        """
        before = len(self.page_ids)
        ids = [0] * len(letter.objects)
        for i in letter.order:
            body = _fill(letter.objects[i], ids)
            if i in letter.unique:
                ids[i] = self._new_id()
                self._put(ids[i], body)
                continue
            key = hashlib.sha1(body, usedforsecurity=False).digest()
            num = self.shared.get(key)
            if num is None:
                num = self._new_id()
                self._put(num, body)
                self.shared[key] = num
            ids[i] = num
        for i in letter.pages:
            self._add_page(letter.objects[i], ids)
        if blank is not None and (len(letter.pages) + edition.pages) % 2:
            self._add_blank(blank)
        letter_pages = len(self.page_ids) - before
        parts = edition.print_parts()
        gids = self.editions.get(edition.digest)
        if gids is None:
            gids = [0 if kind == "page" else self._new_id() for kind in parts.kinds]
            for i, (pieces, kind) in enumerate(zip(parts.objects, parts.kinds, strict=True)):
                if kind != "page":
                    self._put(gids[i], _fill(pieces, gids))
            self.editions[edition.digest] = gids
        for i, kind in enumerate(parts.kinds):
            if kind == "page":
                self._add_page(parts.objects[i], gids)
        if edition.digest not in self.record_editions:
            self.record_editions[edition.digest] = len(self.records)
            self.records.append(edition.record or {})
        self.pieces.extend((self.record_editions[edition.digest], letter_pages, edition.pages))
        return len(self.page_ids) - before

    def record(self) -> dict:
        """The print file's build record (content._record): its editions and its pieces in order."""
        first = next((r for r in self.records if r), {})
        p = self.pieces
        return {"schema": SCHEMA, "kind": "print-file", "tool": first.get("tool"),
                "content_sha256": first.get("content_sha256"),
                "editions": [r.get("edition") for r in self.records],
                "pieces": [[p[k], p[k + 1], p[k + 2]] for k in range(0, len(p), 3)]}

    def close(self) -> None:
        """Write the page tree, catalogue, info and xref."""
        for n, node in enumerate(self.node_ids):
            kids = self.page_ids[n * KIDS_PER_NODE:(n + 1) * KIDS_PER_NODE]
            self._put(node, b"<<\n/Type /Pages\n/Parent 2 0 R\n/Count %d\n/Kids [%s ]\n>>"
                      % (len(kids), b"".join(b" %d 0 R" % k for k in kids)))
        self._put(2, b"<<\n/Type /Pages\n/Count %d\n/Kids [%s ]\n>>"
                  % (len(self.page_ids), b"".join(b" %d 0 R" % k for k in self.node_ids)))
        self._put(1, b"<<\n/Type /Catalog\n/Pages 2 0 R\n>>")
        info = DictionaryObject({NameObject("/Title"): TextStringObject(self.title),
                                 NameObject("/Author"): TextStringObject(self.author),
                                 NameObject("/Creator"): TextStringObject("guide packet"),
                                 NameObject(INFO_KEY): TextStringObject(record_json(self.record()))})
        self._put(3, _leaf(info))
        start = self.pos
        doc_id = hashlib.md5(b"%d:%d" % (len(self.page_ids), start), usedforsecurity=False).hexdigest().encode()
        size = len(self.offsets)
        self.fh.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for first in range(1, size, 4096):   # in slices: no 20-byte line per object held at once
            chunk = self.offsets[first:first + 4096]
            self.fh.write(b"".join(b"%010d 00000 n \n" % off if off else b"0000000000 65535 f \n" for off in chunk))
        self.fh.write(_trailer(size, doc_id, start))
        self.fh.flush()


def _num(x: float) -> bytes:
    return (b"%.4f" % x).rstrip(b"0").rstrip(b".")


class atomic_stream:
    """A file written piece by piece beside its target and renamed into place on success.

    Uses _write.py's temp-file naming, so a temp file that a killed run left behind is swept
    by the next atomic_write of the same name (and by this class). ``mode``: the finished
    file's permissions (0600 for a file holding names and addresses).
    """

    def __init__(self, path: Path, mode: int = 0o644):
        self.path = Path(path)
        self.mode = mode

    def __enter__(self) -> BinaryIO:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(f"{TMP_PREFIX}{self.path.name}.*{TMP_SUFFIX}"):
            stale.unlink(missing_ok=True)
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{self.path.name}.", suffix=TMP_SUFFIX, dir=folder)
        except OSError as exc:
            raise OutputError(f"cannot write in {folder}: {exc.strerror}") from None
        self.fh = os.fdopen(fd, "wb")
        return self.fh

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.fh.flush()
                os.fsync(self.fh.fileno())
            self.fh.close()
            if exc_type is None:
                os.chmod(self.tmp, self.mode)
                os.replace(self.tmp, self.path)
        except OSError as err:
            raise OutputError(f"cannot write {self.path}: {err.strerror}") from None
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)
