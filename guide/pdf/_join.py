"""Rendered PDFs (one guide edition, many letters) in, packet PDFs and one streamed print file out.

pypdf parses each source once; this module then writes the objects itself, renumbered, so that
- a packet (letter + guide) costs a copy of the guide's pre-serialised objects plus the letter,
  instead of a pypdf clone-and-write of the whole guide for every person (about 20 ms), and
- the print file for a whole run is written as a stream: the guide's content streams, fonts and
  images go in once per edition, each packet adds small page objects that point at them, and
  identical letter objects (the font subsets) are written once. Memory holds only the xref
  offsets and the page list, never the pages.

The sources are our own ReportLab output; a packet keeps the guide's catalogue entries
(outline, form fields, language, viewer settings, MarkInfo, XMP metadata) and its document
info (title, author).

A packet is tagged like the guide (PDF/UA-1): the letter comes with its structure as a
LetterTags, and the packet has one structure tree whose Document holds the letter's elements
first, then the guide's. The guide's own StructParents keys and ParentTree entries stay as
they are; the letter's pages take the keys after them (from the guide's ParentTreeNextKey
on). Only three guide objects differ per packet -- the Document element, the StructTreeRoot
and the ParentTree -- so the template holds them in parts and a packet writes them whole.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from ..content import INFO_KEY, SCHEMA, record_json
from ..errors import OutputError
from ._write import TMP_PREFIX, TMP_SUFFIX

# A serialised object is a tuple of "pieces": bytes, or an int standing for a reference to
# another object (an index into the same source's object list), or PARENT for the page's
# /Parent, filled in when the object is written.
PARENT = -1
Pieces = tuple[bytes | int, ...]

# Page keys a copy of a guide page keeps in the print file. Links and form fields are
# dropped there: the print file is for the printer, and one widget cannot sit on many pages.
PRINT_PAGE_KEYS = ("/Type", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox",
                   "/Rotate", "/Resources", "/Contents", "/Group", "/UserUnit")


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
            self.value(ref.get_object(), out, page=self.kinds[i] == "page", keep=keep)
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


# ---- letters -------------------------------------------------------------------------

# A structure element of a letter: (standard type, index of its parent element or -1 for the
# packet's Document, kids in reading order: a child element's index or a
# (page within the letter, MCID) pair). Parents come before their children.
Element = tuple[str, int, tuple[int | tuple[int, int], ...]]


@dataclass(frozen=True)
class LetterTags:
    """What the letter renderer tells the merge about one letter: its pages and structure."""

    pages: int
    elements: tuple[Element, ...] = ()


@dataclass(frozen=True)
class LetterParts:
    """A letter's pages and what they use, as Pieces (picklable, small)."""

    objects: tuple[Pieces, ...]
    order: tuple[int, ...]   # the non-page objects, each after those it refers to
    pages: tuple[int, ...]   # local indices of the page objects, in order
    unique: frozenset[int] = frozenset()   # the pages' content streams: never shared, not deduplicated
    elements: tuple[Element, ...] = ()     # the letter's structure (LetterTags.elements)


def letter_parts(pdf: bytes, letters: list[LetterTags] | None = None) -> list[LetterParts]:
    """Split letters we rendered with ReportLab (``letters`` in order, as the renderer reported
    them; default: one untagged letter of all pages) into each letter's pages, the objects
    they use and their structure.

    Letters are parsed per person, so this reads ReportLab's plain layout directly (xref
    table, ``N 0 obj``, ``stream``/``/Length``) instead of going through pypdf's general
    parser, which spends about 5 ms on the fonts' width arrays. References are renumbered
    only outside streams; a letter object holding a text string (where ``1 0 R`` could be
    text) is refused rather than guessed at: letters carry no annotations or outlines.
    """
    try:
        objects = _raw_objects(pdf)
        root = _ref_of(objects[_trailer_ref(pdf, b"/Root")][0], b"/Pages")
        kids = [int(n) for n in _REF_RE.findall(_array_of(objects[root][0], b"/Kids"))]
    except (ValueError, KeyError, IndexError, AttributeError) as exc:
        raise OutputError(f"cannot read the rendered letter: {exc}") from None
    letters = [LetterTags(len(kids))] if letters is None else letters
    if sum(t.pages for t in letters) != len(kids):
        raise OutputError(f"the rendered letters have {len(kids)} pages, expected {sum(t.pages for t in letters)}")
    out, start = [], 0
    for t in letters:
        out.append(_one_letter(objects, kids[start:start + t.pages], t.elements))
        start += t.pages
    return out


def _one_letter(objects: dict[int, tuple[bytes, bytes | None]], kids: list[int],
                elements: tuple[Element, ...] = ()) -> LetterParts:
    index: dict[int, int] = {}
    parts: list[Pieces] = []
    kinds: list[str] = []
    todo: list[int] = []

    def local(num: int, kind: str = "object") -> int:
        if num not in index:
            if num not in objects:
                raise OutputError(f"cannot read the rendered letter: object {num} is missing")
            index[num] = len(parts)
            parts.append(())
            kinds.append(kind)
            todo.append(num)
        return index[num]

    pages = tuple(local(k, "page") for k in kids)
    unique = frozenset(local(int(n)) for k in kids for n in _CONTENTS_RE.findall(objects[k][0]))
    while todo:
        num = todo.pop()
        head, stream = objects[num]
        if b"(" in head:
            raise OutputError(f"cannot merge the rendered letter: object {num} holds a text string")
        i = index[num]
        pieces: list[bytes | int] = []
        if kinds[i] == "page":
            head = _PARENT_RE.sub(b"", head, count=1)
            head = head.replace(b"<<", b"<<\n/Parent \x00", 1)
        for n, chunk in enumerate(_REF_RE.split(head)):
            if n % 2:
                pieces.append(local(int(chunk)))
            elif b"\x00" in chunk:
                before, after = chunk.split(b"\x00", 1)
                pieces.extend([before, PARENT, after])
            elif chunk:
                pieces.append(chunk)
        if stream is not None:
            pieces.append(b"\nstream\n" + stream + b"\nendstream")
        parts[i] = tuple(pieces)
    return LetterParts(tuple(parts), _post_order(parts, kinds), pages, unique, elements)


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


# ---- one guide edition ---------------------------------------------------------------

class Edition:
    """One rendered guide edition, parsed once and reused for every packet of that edition.

    It pickles without its PdfReader, so the process that rendered it can prepare the
    templates (prepare()) and hand them over: no worker has to parse the guide again.
    """

    def __init__(self, pdf: bytes):
        self.pdf = pdf
        self.digest = hashlib.sha256(pdf).digest()
        self._reader: PdfReader | None = None
        self._packet: _PacketTemplate | None = None
        self._print: _PrintParts | None = None
        self.pages = len(self.reader.pages)
        self.record = _guide_record(self.reader)   # the guide's build record, or None

    @property
    def reader(self) -> PdfReader:
        if self._reader is None:
            self._reader = PdfReader(io.BytesIO(self.pdf))
        return self._reader

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_reader": None}

    def prepare(self, packet: bool = True, printing: bool = False) -> Edition:
        if packet:
            self.packet_template()
        if printing:
            self.print_parts()
        self._reader = None
        return self

    # The packet template: header, catalogue (1), info (3) and every guide object (4...)
    # serialised once; a packet adds its letter objects, the page tree (2) and the xref.
    def packet_template(self) -> _PacketTemplate:
        if self._packet is None:
            self._packet = _PacketTemplate(self)
        return self._packet

    def print_parts(self) -> _PrintParts:
        """The guide pages with only what printing needs (see PRINT_PAGE_KEYS)."""
        if self._print is None:
            s = _Serialiser(self.reader)
            for page in self.reader.pages:
                s.ref(page.indirect_reference, kind="page", keep=PRINT_PAGE_KEYS)
            s.run()
            self._print = _PrintParts(tuple(s.objects), tuple(s.kinds))
        return self._print


@dataclass(frozen=True)
class _PrintParts:
    objects: tuple[Pieces, ...]
    kinds: tuple[str, ...]


class _PacketTemplate:
    def __init__(self, edition: Edition):
        reader = edition.reader
        root_ref = reader.trailer.raw_get("/Root")
        info_ref = reader.trailer.raw_get("/Info")
        s = _Serialiser(reader)
        self.guide_pages = [s.ref(p.indirect_reference, kind="page") for p in reader.pages]
        root = root_ref.get_object()
        tree = _GuideTree(s, root.raw_get("/StructTreeRoot")) if "/StructTreeRoot" in root else None
        catalogue: list[bytes | int] = [b"<<"]
        for key, value in dict.items(root):
            if key == "/Pages":
                continue
            catalogue.append(b"\n" + _leaf(key) + b" ")
            s.value(value, catalogue)
        catalogue.append(b"\n/Pages 2 0 R\n>>")
        info: list[bytes | int] = []
        if info_ref is not None:
            info_dict = DictionaryObject(dict.items(info_ref.get_object()))
            if edition.record is not None:   # the packet says it is one: letter first, then this guide
                packet = {**edition.record, "kind": "packet", "guide_pages": edition.pages}
                info_dict[NameObject(INFO_KEY)] = TextStringObject(record_json(packet))
            s.value(info_dict, info)
        else:
            info.append(b"<< >>")
        s.run()
        # Numbers: 4... the guide's objects as written in the head, then the three structure
        # objects written per packet (Document, StructTreeRoot, ParentTree), then the letter's.
        special = tree.locals if tree is not None else ()
        normal = [i for i in range(len(s.objects)) if i not in special]
        ids = [0] * len(s.objects)
        for n, i in enumerate(normal):
            ids[i] = 4 + n
        self.struct_base = 4 + len(normal)
        for n, i in enumerate(special):
            ids[i] = self.struct_base + n
        self.ids = ids
        self.next_id = self.struct_base + len(special)
        self.tree = tree.filled(ids) if tree is not None else None
        version = reader.pdf_header.encode("ascii", "replace") or b"%PDF-1.4"
        buf = io.BytesIO()
        buf.write(version + b"\n%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        offsets[1] = buf.tell()
        buf.write(b"1 0 obj\n" + _fill(_compact(catalogue), ids) + b"\nendobj\n")
        offsets[3] = buf.tell()
        buf.write(b"3 0 obj\n" + _fill(_compact(info), ids) + b"\nendobj\n")
        for i in normal:
            offsets[ids[i]] = buf.tell()
            buf.write(b"%d 0 obj\n" % ids[i] + _fill(s.objects[i], ids, parent=2) + b"\nendobj\n")
        self.head = buf.getvalue()
        self.guide_page_ids = [ids[i] for i in self.guide_pages]
        self.digest = edition.digest
        # xref lines of objects 1 and 3 .. struct_base-1 never change: made once
        self.xref_1 = b"%010d 00000 n \n" % offsets[1]
        self.xref_guide = b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(3, self.struct_base))


class _GuideTree:
    """The guide's structure tree root, Document element and ParentTree, kept in parts so that
    a packet can write them again with the letter's structure added.

    Our guides write the tree as tagging.py does: the StructTreeRoot's /K is one Document
    element, and the ParentTree is one flat /Nums array; anything else is refused.
    """

    def __init__(self, s: _Serialiser, tree_ref: Any):
        tree = tree_ref.get_object() if isinstance(tree_ref, IndirectObject) else None
        doc_ref = tree.raw_get("/K") if tree is not None else None
        nums_ref = tree.raw_get("/ParentTree") if tree is not None else None
        doc = doc_ref.get_object() if isinstance(doc_ref, IndirectObject) else None
        nums = nums_ref.get_object() if isinstance(nums_ref, IndirectObject) else None
        if doc is None or doc.get("/S") != "/Document" or nums is None or "/Kids" in nums or "/Nums" not in nums:
            raise OutputError("cannot merge the guide's structure tree: expected one Document element "
                              "and a flat ParentTree, as tagging.py writes them")
        self.next_key = int(tree.get("/ParentTreeNextKey", 0))
        self.locals = (s.ref(doc_ref), s.ref(tree_ref), s.ref(nums_ref))   # Document, root, ParentTree
        self.doc_head = self._dict(s, doc, ("/K",), b"<<")
        self.doc_kids: list[bytes | int] = []
        kids = doc.raw_get("/K")
        for kid in (kids.get_object() if isinstance(kids.get_object(), ArrayObject) else [kids]):
            self.doc_kids.append(b" ")
            s.value(kid, self.doc_kids)
        self.tree_head = self._dict(s, tree, ("/K", "/ParentTree", "/ParentTreeNextKey"), b"<<")
        self.nums_head = self._dict(s, nums, ("/Nums",), b"<<")
        self.nums_head.append(b"\n/Nums [")
        for item in nums["/Nums"]:
            self.nums_head.append(b" ")
            s.value(item, self.nums_head)

    @staticmethod
    def _dict(s: _Serialiser, d: DictionaryObject, skip: tuple[str, ...], start: bytes) -> list[bytes | int]:
        out: list[bytes | int] = [start]
        for key, value in dict.items(d):
            if key not in skip:
                out.append(b"\n" + _leaf(key) + b" ")
                s.value(value, out)
        return out

    def filled(self, ids: list[int]) -> _FilledTree:
        doc_id, root_id, nums_id = (ids[i] for i in self.locals)
        return _FilledTree(doc_id, root_id, nums_id, self.next_key,
                           *(_fill(_compact(p), ids) for p in (self.doc_head, self.doc_kids,
                                                               self.tree_head, self.nums_head)))


@dataclass(frozen=True)
class _FilledTree:
    doc_id: int
    root_id: int
    nums_id: int
    next_key: int           # the guide's ParentTreeNextKey: the letter's pages' keys start here
    doc_head: bytes         # the Document element without /K and its closing >>
    doc_kids: bytes         # the guide's top-level element references
    tree_head: bytes        # the StructTreeRoot without /K, /ParentTree, /ParentTreeNextKey
    nums_head: bytes        # the ParentTree up to and with the guide's /Nums entries


_ROLE_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def _structure(tree: _FilledTree, elements: tuple[Element, ...], page_ids: list[int],
               first: int) -> tuple[list[bytes], bytes, bytes, bytes]:
    """The letter's structure elements (numbered from ``first``) and the packet's Document,
    StructTreeRoot and ParentTree, as object bodies."""
    eids = [first + j for j in range(len(elements))]
    pg = [0] * len(elements)   # the page of each element's first content
    for j in range(len(elements) - 1, -1, -1):
        kids = elements[j][2]
        if not kids:
            raise OutputError("cannot merge the letter's structure: an element has no content")
        head = kids[0]
        pg[j] = head[0] if isinstance(head, tuple) else pg[head] if j < head < len(elements) else 0
    marks: list[list[int]] = [[] for _ in page_ids]   # per letter page: MCID -> element id
    bodies = []
    for j, (role, parent, kids) in enumerate(elements):
        if not _ROLE_RE.fullmatch(role) or not -1 <= parent < j:
            raise OutputError(f"cannot merge the letter's structure: bad element {role!r}")
        parts = []
        for kid in kids:
            if isinstance(kid, tuple):
                page, mcid = kid
                if not (0 <= page < len(page_ids) and mcid >= 0):
                    raise OutputError(f"cannot merge the letter's structure: no page {page + 1} or MCID {mcid}")
                row = marks[page]
                if len(row) <= mcid:
                    row.extend([0] * (mcid + 1 - len(row)))
                row[mcid] = eids[j]
                parts.append(b"%d" % mcid if page == pg[j] else
                             b"<</Type/MCR/Pg %d 0 R/MCID %d>>" % (page_ids[page], mcid))
            elif j < kid < len(elements) and elements[kid][1] == j:
                parts.append(b"%d 0 R" % eids[kid])
            else:
                raise OutputError(f"cannot merge the letter's structure: element {j} lists {kid} as its child")
        bodies.append(b"<</Type/StructElem/S/%s/P %d 0 R/Pg %d 0 R/K [%s]>>"
                      % (role.encode("ascii"), tree.doc_id if parent < 0 else eids[parent],
                         page_ids[pg[j]], b" ".join(parts)))
    top = b"".join(b" %d 0 R" % eids[j] for j, e in enumerate(elements) if e[1] < 0)
    doc = tree.doc_head + b"\n/K [" + top + tree.doc_kids + b" ]\n>>"
    key = tree.next_key
    root = tree.tree_head + (b"\n/K %d 0 R\n/ParentTree %d 0 R\n/ParentTreeNextKey %d\n>>"
                             % (tree.doc_id, tree.nums_id, key + len(page_ids)))
    nums = tree.nums_head + b"".join(
        b" %d [%s]" % (key + k, b" ".join(b"%d 0 R" % e if e else b"null" for e in row))
        for k, row in enumerate(marks)) + b" ]\n>>"
    return bodies, doc, root, nums


def packet_pdf(edition: Edition, letter: LetterParts) -> tuple[bytes, int]:
    """The letter's pages followed by the guide's, as one PDF; returns (bytes, pages).

    With a tagged guide, the letter's pages get /StructParents (after the guide's keys) and
    /Tabs /S, and its structure goes into the tree ahead of the guide's (see _structure).
    """
    t = edition.packet_template()
    tree = t.tree
    out = [t.head]
    pos = len(t.head)
    ids = [t.next_id + i for i in range(len(letter.objects))]
    page_no = {i: k for k, i in enumerate(letter.pages)}
    xref_letter = []
    for i, pieces in enumerate(letter.objects):
        body = _fill(pieces, ids, parent=2)
        if tree is not None and i in page_no:
            body = body.replace(b"<<", b"<<\n/StructParents %d\n/Tabs /S" % (tree.next_key + page_no[i]), 1)
        data = b"%d 0 obj\n" % ids[i] + body + b"\nendobj\n"
        xref_letter.append(b"%010d 00000 n \n" % pos)
        out.append(data)
        pos += len(data)
    page_ids = [ids[i] for i in letter.pages]
    xref_tree: list[bytes] = []
    xref_elements: list[bytes] = []
    size = t.next_id + len(letter.objects)
    if tree is not None:
        bodies, doc, root, nums = _structure(tree, letter.elements, page_ids, size)
        for num, body in ((tree.doc_id, doc), (tree.root_id, root), (tree.nums_id, nums)):
            data = b"%d 0 obj\n" % num + body + b"\nendobj\n"
            xref_tree.append(b"%010d 00000 n \n" % pos)
            out.append(data)
            pos += len(data)
        for j, body in enumerate(bodies):
            data = b"%d 0 obj\n" % (size + j) + body + b"\nendobj\n"
            xref_elements.append(b"%010d 00000 n \n" % pos)
            out.append(data)
            pos += len(data)
        size += len(bodies)
    kids = page_ids + t.guide_page_ids
    page_tree = (b"2 0 obj\n<<\n/Type /Pages\n/Count %d\n/Kids [" % len(kids)
                 + b" ".join(b"%d 0 R" % k for k in kids) + b" ]\n>>\nendobj\n")
    xref_2 = b"%010d 00000 n \n" % pos
    out.append(page_tree)
    pos += len(page_tree)
    doc_id = hashlib.md5(t.digest + b"".join(out[1:]), usedforsecurity=False).hexdigest().encode()
    out.append(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    out += [t.xref_1, xref_2, t.xref_guide, *xref_tree, *xref_letter, *xref_elements]
    out.append(_trailer(size, doc_id, pos))
    return b"".join(out), len(kids)


def _guide_record(reader: PdfReader) -> dict | None:
    """The build record a guide PDF of ours carries in its document info (kind "guide"), or None."""
    import json

    try:
        record = json.loads(str((reader.metadata or {}).get(INFO_KEY)))
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("kind") == "guide" else None


def _trailer(size: int, doc_id: bytes, start: int) -> bytes:
    return (b"trailer\n<<\n/Size %d\n/Root 1 0 R\n/Info 3 0 R\n/ID [<%s> <%s>]\n>>\nstartxref\n%d\n%%%%EOF\n"
            % (size, doc_id, doc_id, start))


# ---- the print file ------------------------------------------------------------------

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

    def add(self, edition: Edition, letter: LetterParts) -> int:
        """Append one packet (letter pages, then the guide's); return its page count."""
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
        self.pieces.extend((self.record_editions[edition.digest], len(letter.pages), edition.pages))
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


class atomic_stream:
    """A file written piece by piece beside its target and renamed into place on success.

    Uses output.py's temp-file naming, so a temp file that a killed run left behind is swept
    by the next atomic_write of the same name (and by this class).
    """

    def __init__(self, path: Path):
        self.path = Path(path)

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
                os.chmod(self.tmp, 0o644)
                os.replace(self.tmp, self.path)
        except OSError as err:
            raise OutputError(f"cannot write {self.path}: {err.strerror}") from None
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)
