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


def deflate(data: bytes, level: int = LEVEL) -> bytes:
    """``data`` Flate-compressed (a zlib stream) with a window and hash table no larger than it needs.

    Setting up zlib's full-size compressor (a 32 KB window and a 64K-entry hash table, about
    260 KB allocated and cleared) costs several times more than compressing the 2-3 KB of a
    letter page or a packet's own object stream; from 16 KB of data on, this is zlib's default
    compressor and gives zlib.compress's bytes. The same data and level always give the same bytes.
    """
    bits = min(15, max(9, (len(data) - 1).bit_length()))
    z = zlib.compressobj(level, zlib.DEFLATED, bits, min(8, bits - 6))
    return z.compress(data) + z.flush()


def object_stream(num: int, members: list[tuple[int, bytes]], level: int = LEVEL) -> bytes:
    """The object ``num`` (an object stream) holding ``members`` (object number, body), as written
    in the file with its ``N 0 obj`` ... ``endobj``."""
    offsets, pos = [], 0
    for n, body in members:
        offsets.append(b"%d %d" % (n, pos))
        pos += len(body) + 1
    header = b" ".join(offsets) + b"\n"
    data = deflate(header + b"\n".join(body for _, body in members) + b"\n", level)
    return (b"%d 0 obj\n<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>\nstream\n"
            % (num, len(members), len(header), len(data)) + data + b"\nendstream\nendobj\n")


class XrefPrefix:
    """The cross-reference entries that every packet of an edition shares (objects 0 .. n - 1),
    deflated once; a packet's stream is those deflate blocks followed by blocks of its own entries.

    A deflate stream may be cut after a sync flush (a byte boundary) and continued by another
    compressor: the blocks that follow refer back only to their own bytes. The zlib header is the
    shared part's, the Adler-32 checksum the whole stream's (carried on from the shared part's).
    It pickles as the entries alone and deflates them again on use.
    """

    def __init__(self, entries: bytes):
        self.entries = entries
        self._head = b""
        self._adler = 1

    def __getstate__(self) -> dict:
        return {"entries": self.entries, "_head": b"", "_adler": 1}

    def stream(self, num: int, tail: bytes, doc_id: bytes, start: int) -> bytes:
        """The cross-reference stream (object ``num``, the last: /Size num + 1) with the document's
        trailer keys, at byte ``start``, and the file's end. ``tail`` has the entries after the
        shared ones up to object num - 1; the stream's own entry is added here."""
        if not self._head:
            z = zlib.compressobj(LEVEL)
            self._head = z.compress(self.entries) + z.flush(zlib.Z_SYNC_FLUSH)
            self._adler = zlib.adler32(self.entries)
        tail += entry_at(start)
        bits = min(15, max(9, (len(tail) - 1).bit_length()))
        z = zlib.compressobj(LEVEL, zlib.DEFLATED, -bits, min(8, bits - 6))   # raw deflate: no header
        data = self._head + z.compress(tail) + z.flush() + struct.pack(">I", zlib.adler32(tail, self._adler))
        return (b"%d 0 obj\n<</Type/XRef/Size %d/W %s/Root 1 0 R/Info 3 0 R/ID [<%s> <%s>]"
                b"/Filter/FlateDecode/Length %d>>\nstream\n" % (num, num + 1, W, doc_id, doc_id, len(data))
                + data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)
