"""One rendered guide edition and a letter's parts in, one tagged packet PDF (letter, then guide) out.

A packet costs a copy of the guide's pre-serialised objects plus the letter, instead of a
pypdf clone-and-write of the whole guide for every person (about 20 ms). The sources are our
own ReportLab output; a packet keeps the guide's catalogue entries (outline, form fields,
language, viewer settings, MarkInfo, XMP metadata) and its document info (title, author).

A packet is tagged like the guide (PDF/UA-1): the letter comes with its structure as a
LetterTags, and the packet has one structure tree whose Document holds the letter's elements
first, then the guide's. The guide's own StructParents keys and ParentTree entries stay as
they are; the letter's pages take the keys after them (from the guide's ParentTreeNextKey
on). Only two guide objects differ per packet -- the Document element and the StructTreeRoot
-- so the template holds them in parts and a packet writes them whole; the packet's ParentTree
is a number tree of two leaves, the guide's (in the template) and the letter's.

A packet is PDF 1.5: the guide's objects other than streams sit in object streams compressed
once per edition; the letter's fonts and resources (the same in many letters) are written once
per edition and letter layout, their dictionaries in an object stream of their own; the packet's
own objects (its letter's pages, the structure) in one more, and a cross-reference stream ends
the file (see _packetfile). A letter stream that is byte for byte one of the guide's (a font
program or ToUnicode map of the same subset) is not written again: the letter's font refers to
the guide's copy.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import msgspec
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, TextStringObject

from ..content import INFO_KEY, record_json
from ..errors import OutputError
from ._objects import Pieces, _Serialiser, _compact, _fill, _leaf
from ._objstm import CHUNK, XrefPrefix, entry_at, entry_free, entry_in, object_stream

# Page keys a copy of a guide page keeps in the print file. Links and form fields are
# dropped there: the print file is for the printer, and one widget cannot sit on many pages.
PRINT_PAGE_KEYS = ("/Type", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox",
                   "/Rotate", "/Resources", "/Contents", "/Group", "/UserUnit")



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
            self._print = _PrintParts(tuple(s.objects), tuple(s.kinds), frozenset(s.streams))
        return self._print


class _PrintParts(msgspec.Struct, frozen=True):
    objects: tuple[Pieces, ...]
    kinds: tuple[str, ...]
    streams: frozenset[int] = frozenset()   # which objects are streams (the rest go in object streams)


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
        if tree is not None:   # the guide's ParentTree becomes the first leaf of the packet's
            s.objects[tree.nums] = tree.guide_leaf()
        # Numbers: 4... the guide's objects as written in the head, then the object streams
        # holding the non-stream ones (and the catalogue); then this packet's object stream
        # (struct_base) and, in it, the Document element, the StructTreeRoot, the ParentTree's
        # root and its letter leaf (written per packet); then the letter's objects.
        special = tree.locals if tree is not None else ()
        normal = [i for i in range(len(s.objects)) if i not in special]
        ids = [0] * len(s.objects)
        for n, i in enumerate(normal):
            ids[i] = 4 + n
        packed = [i for i in normal if i not in s.streams]
        first_stm = 4 + len(normal)
        self.struct_base = first_stm + -(-(1 + len(packed)) // CHUNK)
        for n, i in enumerate(special):
            ids[i] = self.struct_base + 1 + n
        self.next_id = self.struct_base + 1 + (4 if tree is not None else 0)
        self.ids = ids
        self.tree = tree.filled(ids, self.struct_base) if tree is not None else None
        members = [(1, _fill(_compact(catalogue), ids))] + [(ids[i], _fill(s.objects[i], ids, parent=2))
                                                           for i in packed]
        chunks = [members[k:k + CHUNK] for k in range(0, len(members), CHUNK)]
        version = reader.pdf_header.encode("ascii", "replace") or b"%PDF-1.4"
        if version < b"%PDF-1.5":   # object streams and cross-reference streams are PDF 1.5
            version = b"%PDF-1.5"
        buf = io.BytesIO()
        buf.write(version + b"\n%\xe2\xe3\xcf\xd3\n")
        entries = [entry_free()] * self.struct_base
        entries[2] = entry_in(self.struct_base, 0)   # the page tree: first in the packet's object stream
        entries[3] = entry_at(buf.tell())
        buf.write(b"3 0 obj\n" + _fill(_compact(info), ids) + b"\nendobj\n")
        for i in normal:
            if i in s.streams:
                entries[ids[i]] = entry_at(buf.tell())
                buf.write(b"%d 0 obj\n" % ids[i] + _fill(s.objects[i], ids) + b"\nendobj\n")
        for k, chunk in enumerate(chunks):
            entries[first_stm + k] = entry_at(buf.tell())
            buf.write(object_stream(first_stm + k, chunk))
            for j, (num, _) in enumerate(chunk):
                entries[num] = entry_in(first_stm + k, j)
        # cross-reference entries 0 .. struct_base-1 never change: compressed once
        self.xref = XrefPrefix(b"".join(entries))
        self.head = buf.getvalue()
        self.guide_page_ids = [ids[i] for i in self.guide_pages]
        # the guide's font programs and ToUnicode maps, by their bytes: a letter stream with the
        # same bytes (the same subset of the same font) is written as a reference to this one
        self.shared = {tail: ids[i] for i, tail in s.plain_tails.items() if i not in special}
        self.digest = edition.digest


class _GuideTree:
    """The guide's structure tree root, Document element and ParentTree, kept in parts so that
    a packet can write them again with the letter's structure added.

    Our guides write the tree as guide.tagging does: the StructTreeRoot's /K is one Document
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
                              "and a flat ParentTree, as guide.tagging writes them")
        self.next_key = int(tree.get("/ParentTreeNextKey", 0))
        self.locals = (s.ref(doc_ref), s.ref(tree_ref))   # Document, root: written per packet
        self.nums = s.ref(nums_ref)   # kept in the template, as the ParentTree's first leaf
        self.doc_head = self._dict(s, doc, ("/K",), b"<<")
        self.doc_kids: list[bytes | int] = []
        kids = doc.raw_get("/K")
        for kid in (kids.get_object() if isinstance(kids.get_object(), ArrayObject) else [kids]):
            self.doc_kids.append(b" ")
            s.value(kid, self.doc_kids)
        self.tree_head = self._dict(s, tree, ("/K", "/ParentTree", "/ParentTreeNextKey"), b"<<")
        self.nums_head = self._dict(s, nums, ("/Nums", "/Limits"), b"<<")
        self.nums_head.append(b"\n/Nums [")
        for item in nums["/Nums"]:
            self.nums_head.append(b" ")
            s.value(item, self.nums_head)
        keys = [int(k) for k in nums["/Nums"][0::2]]
        self.limits = (min(keys), max(keys)) if keys else None

    def guide_leaf(self) -> Pieces:
        """The guide's ParentTree entries as a leaf of a number tree (which needs its /Limits)."""
        limits = b"\n/Limits [%d %d]" % self.limits if self.limits else b""
        return _compact([*self.nums_head, b" ]" + limits + b"\n>>"])

    @staticmethod
    def _dict(s: _Serialiser, d: DictionaryObject, skip: tuple[str, ...], start: bytes) -> list[bytes | int]:
        out: list[bytes | int] = [start]
        for key, value in dict.items(d):
            if key not in skip:
                out.append(b"\n" + _leaf(key) + b" ")
                s.value(value, out)
        return out

    def filled(self, ids: list[int], stm: int) -> _FilledTree:
        doc_id, root_id = (ids[i] for i in self.locals)
        return _FilledTree(doc_id, root_id, stm + 3, stm + 4, ids[self.nums] if self.limits else 0, self.next_key,
                           *(_fill(_compact(p), ids) for p in (self.doc_head, self.doc_kids, self.tree_head)))


class _FilledTree(msgspec.Struct, frozen=True):
    doc_id: int
    root_id: int
    nums_id: int            # the packet's ParentTree: a number tree of two leaves (guide, letter)
    leaf_id: int            # its letter leaf
    guide_leaf: int         # its guide leaf (0 when the guide has no entries)
    next_key: int           # the guide's ParentTreeNextKey: the letter's pages' keys start here
    doc_head: bytes         # the Document element without /K and its closing >>
    doc_kids: bytes         # the guide's top-level element references
    tree_head: bytes        # the StructTreeRoot without /K, /ParentTree, /ParentTreeNextKey


def _guide_record(reader: PdfReader) -> dict | None:
    """The build record a guide PDF of ours carries in its document info (kind "guide"), or None."""
    import json

    try:
        record = json.loads(str((reader.metadata or {}).get(INFO_KEY)))
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("kind") == "guide" else None
