"""A PDF's objects in (via pypdf, or ReportLab's plain layout read directly), renumberable Pieces out.

pypdf parses each source once; the packet and print-file writers then write the objects
themselves, renumbered, from these Pieces: no pypdf clone-and-write per person.
"""

from __future__ import annotations

import io
import re
from array import array
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from ..errors import OutputError

# A serialised object is a tuple of "pieces": bytes, or an int standing for a reference to
# another object (an index into the same source's object list), or PARENT for the page's
# /Parent, filled in when the object is written.
PARENT = -1
Pieces = tuple[bytes | int, ...]


class _Serialiser:
    """Turns the objects reachable from some roots of one PdfReader into Pieces.

    Every object gets a local index when first reached (so loops such as outline
    /Parent and /Next links are fine); pages are registered first, and only a page's
    /Parent becomes PARENT, filled with the page-tree node that holds it when written.
    """

    def __init__(self, reader: PdfReader):
        self.reader = reader
        self.index: dict[int, int] = {}      # source object number -> local index
        self.objects: list[Pieces] = []      # local index -> pieces
        self.kinds: list[str] = []           # "page" or "object"
        self.streams: set[int] = set()       # local indices of stream objects
        self.plain_tails: dict[int, bytes] = {}   # stream index -> its SHAREABLE tail (see shareable_tail)
        self._todo: list[tuple[int, IndirectObject, tuple[str, ...] | None]] = []

    def ref(self, ref: IndirectObject, kind: str = "object", keep: tuple[str, ...] | None = None) -> int:
        """The local index of ``ref`` (registered now if new; serialised by run())."""
        num = ref.idnum
        if num in self.index:
            return self.index[num]
        i = len(self.objects)
        self.index[num] = i
        self.objects.append(())
        self.kinds.append(kind)
        self._todo.append((i, ref, keep))
        return i

    def run(self) -> None:
        while self._todo:
            i, ref, keep = self._todo.pop()
            out: list[bytes | int] = []
            obj = ref.get_object()
            if isinstance(obj, StreamObject):
                self.streams.add(i)
                if set(obj) <= _PLAIN_STREAM_KEYS and obj.get("/Filter") in ("/FlateDecode", ["/FlateDecode"]):
                    self.plain_tails[i] = stream_tail(obj._data)
            self.value(obj, out, page=self.kinds[i] == "page", keep=keep)
            self.objects[i] = _compact(out)

    def value(self, obj: Any, out: list, page: bool = False, keep: tuple[str, ...] | None = None) -> None:
        if isinstance(obj, IndirectObject):
            out.append(self.ref(obj))
        elif isinstance(obj, StreamObject):
            out.append(b"<<")
            for key, value in dict.items(obj):
                if key != "/Length":
                    out.append(b"\n" + _leaf(key) + b" ")
                    self.value(value, out)
            # pypdf keeps a stream's bytes as read (still encoded) in _data
            data = obj._data
            out.append(b"\n/Length %d\n>>\nstream\n" % len(data))
            out.append(data)
            out.append(b"\nendstream")
        elif isinstance(obj, DictionaryObject):
            out.append(b"<<")
            if page:
                out.append(b"\n/Parent ")
                out.append(PARENT)
            for key, value in dict.items(obj):
                if page and (key == "/Parent" or (keep is not None and key not in keep)):
                    continue
                out.append(b"\n" + _leaf(key) + b" ")
                self.value(value, out)
            out.append(b"\n>>")
        elif isinstance(obj, ArrayObject):
            out.append(b"[")
            for item in obj:
                out.append(b" ")
                self.value(item, out)
            out.append(b" ]")
        else:
            out.append(_leaf(obj))


# A stream whose dictionary says no more than how it is compressed and how long it is (font
# programs, ToUnicode maps): two such streams with the same bytes are the same object, so a
# packet's letter can use the guide's copy (see _packet).
_PLAIN_STREAM_KEYS = {"/Filter", "/Length", "/Length1", "/Length2", "/Length3"}
PLAIN_STREAM_HEAD = re.compile(rb"<<\s*/Filter\s*(?:\[\s*/FlateDecode\s*\]|/FlateDecode)"
                               rb"(?:\s*/Length[123]?\s+\d+)*\s*>>")


def stream_tail(data: bytes) -> bytes:
    """How a stream's data ends its Pieces (the letter's and the guide's alike)."""
    return b"\nstream\n" + data + b"\nendstream"


def _leaf(obj: Any) -> bytes:
    buf = io.BytesIO()
    obj.write_to_stream(buf)
    return buf.getvalue()


def _compact(pieces: list) -> Pieces:
    """Join neighbouring bytes pieces."""
    out: list[bytes | int] = []
    for p in pieces:
        if isinstance(p, bytes) and out and isinstance(out[-1], bytes):
            out[-1] += p
        else:
            out.append(p)
    return tuple(out)


def _fill(pieces: Pieces, ids: list[int] | array, parent: int = 0) -> bytes:
    return b"".join(p if isinstance(p, bytes) else
                    (b"%d 0 R" % (parent if p == PARENT else ids[p])) for p in pieces)


_REF_RE = re.compile(rb"(\d+) 0 R")
_PARENT_RE = re.compile(rb"/Parent\s+\d+ 0 R")
_CONTENTS_RE = re.compile(rb"/Contents\s+(\d+) 0 R")
_OBJ_RE = re.compile(rb"(\d+) 0 obj\s*")


def _raw_objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (dictionary or value text, stream bytes or None), read via the xref table."""
    start = int(pdf[pdf.rindex(b"startxref") + 9:].split()[0])
    if not pdf.startswith(b"xref", start):
        raise ValueError("no xref table")
    lines = pdf[start:pdf.index(b"trailer", start)].split(b"\n")
    first, count = (int(x) for x in lines[1].split())
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for k, entry in enumerate(lines[2:2 + count]):
        offset, _gen, use = entry.split()
        if use != b"n":
            continue
        num = first + k
        m = _OBJ_RE.match(pdf, int(offset))
        if m is None or int(m.group(1)) != num:
            raise ValueError(f"object {num} is not where the xref says")
        body_start = m.end()
        end = pdf.index(b"endobj", body_start)
        s = pdf.find(b"stream", body_start, end)
        if s < 0:
            objects[num] = (pdf[body_start:end].rstrip(), None)
            continue
        head = pdf[body_start:s].rstrip()
        length = int(_LENGTH_RE.search(head).group(1))
        data_start = s + 6 + (2 if pdf.startswith(b"\r\n", s + 6) else 1)
        data = pdf[data_start:data_start + length]
        head = _LENGTH_RE.sub(b"/Length %d" % length, head, count=1)
        objects[num] = (head, data)
    return objects


_LENGTH_RE = re.compile(rb"/Length\s+(\d+)")


def _trailer_ref(pdf: bytes, key: bytes) -> int:
    trailer = pdf[pdf.rindex(b"trailer"):]
    return _ref_of(trailer, key)


def _ref_of(text: bytes, key: bytes) -> int:
    m = re.search(re.escape(key) + rb"\s+(\d+) 0 R", text)
    if m is None:
        raise ValueError(f"no {key.decode()} reference")
    return int(m.group(1))


def _array_of(text: bytes, key: bytes) -> bytes:
    m = re.search(re.escape(key) + rb"\s*\[([^\]]*)\]", text)
    if m is None:
        raise ValueError(f"no {key.decode()} array")
    return m.group(1)


def _post_order(objects: list[Pieces], kinds: list[str]) -> tuple[int, ...]:
    """Non-page objects, each after every object it refers to (they must form a DAG)."""
    order: list[int] = []
    state = [0] * len(objects)   # 0 new, 1 open, 2 done

    def refs(i: int):
        return iter([p for p in objects[i] if isinstance(p, int) and p >= 0])

    for start in range(len(objects)):
        if state[start] or kinds[start] == "page":
            continue
        stack = [(start, refs(start))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[node] = 2
                order.append(node)
            elif kinds[child] == "page":
                raise OutputError("cannot merge the letter: an object refers to a page")
            elif state[child] == 1:
                raise OutputError("cannot merge the letter: objects refer to each other in a loop")
            elif state[child] == 0:
                state[child] = 1
                stack.append((child, refs(child)))
    return tuple(order)
