"""Object bodies in; PDF 1.5 compressed object streams and a cross-reference stream out.

A packet's non-stream objects (structure elements, annotations, pages, font dictionaries) are
about half its bytes written plainly and a sixth of that Flate-compressed. PDF 1.5 lets them
live in object streams (/Type /ObjStm), which need a cross-reference stream in place of the
classic xref table. Entries are packed as /W [1 4 2]: type, offset or object-stream number,
generation or index within the object stream.
"""

from __future__ import annotations

import struct
import zlib

LEVEL = 6            # zlib level: the same level and input give the same bytes
CHUNK = 400          # objects per object stream (readers parse one stream to find one object)
W = b"[1 4 2]"
_ENTRY = struct.Struct(">BIH")


def entry_free() -> bytes:
    return _ENTRY.pack(0, 0, 65535)


def entry_at(offset: int) -> bytes:
    """A type-1 entry: an object written plainly at ``offset``."""
    return _ENTRY.pack(1, offset, 0)


def entry_in(stream: int, index: int) -> bytes:
    """A type-2 entry: the ``index``-th object of object stream number ``stream``."""
    return _ENTRY.pack(2, stream, index)


def object_stream(num: int, members: list[tuple[int, bytes]], level: int = LEVEL) -> bytes:
    """The object ``num`` (an object stream) holding ``members`` (object number, body), as written
    in the file with its ``N 0 obj`` ... ``endobj``."""
    offsets, pos = [], 0
    for n, body in members:
        offsets.append(b"%d %d" % (n, pos))
        pos += len(body) + 1
    header = b" ".join(offsets) + b"\n"
    data = zlib.compress(header + b"\n".join(body for _, body in members) + b"\n", level)
    return (b"%d 0 obj\n<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>\nstream\n"
            % (num, len(members), len(header), len(data)) + data + b"\nendstream\nendobj\n")


class XrefPrefix:
    """The cross-reference entries that every packet of an edition shares (objects 0 .. n - 1),
    deflated once; a packet's stream is that deflate state continued with its own entries.
    It pickles as the entries alone (a zlib state does not pickle) and deflates again on use."""

    def __init__(self, entries: bytes):
        self.entries = entries
        self._z = None
        self._head = b""

    def __getstate__(self) -> dict:
        return {"entries": self.entries, "_z": None, "_head": b""}

    def stream(self, num: int, tail: bytes, doc_id: bytes, start: int) -> bytes:
        """The cross-reference stream (object ``num``, the last: /Size num + 1) with the document's
        trailer keys, at byte ``start``, and the file's end. ``tail`` has the entries after the
        shared ones up to object num - 1; the stream's own entry is added here."""
        if self._z is None:
            self._z = zlib.compressobj(LEVEL)
            self._head = self._z.compress(self.entries)
        z = self._z.copy()
        data = self._head + z.compress(tail + entry_at(start)) + z.flush()
        return (b"%d 0 obj\n<</Type/XRef/Size %d/W %s/Root 1 0 R/Info 3 0 R/ID [<%s> <%s>]"
                b"/Filter/FlateDecode/Length %d>>\nstream\n" % (num, num + 1, W, doc_id, doc_id, len(data))
                + data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)
