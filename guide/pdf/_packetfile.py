"""One guide edition's packet template and a letter's parts in, one packet PDF as pieces to write out.

See _packet for what a packet holds. The edition's head (the guide's objects) and the letter's fixed
part (its fonts and resources, the same in many letters) are written as they are; this packet's own
bytes are its letter's pages and their content, the page tree and the structure tree, in one object
stream, and the cross-reference stream.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import msgspec

from ..errors import OutputError
from ._letters import Element, LetterParts
from ._objects import _fill
from ._objstm import entry_at, entry_in, object_stream
from ._packet import Edition, _FilledTree, _PacketTemplate


_ROLE_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_STRUCTURES: dict[tuple, tuple] = {}   # (tree, elements, page ids, first id) -> _structure's objects


def _structure(tree: _FilledTree, elements: tuple[Element, ...], page_ids: list[int],
               first: int) -> tuple[list[bytes], bytes, bytes, bytes, bytes]:
    """The letter's structure elements (numbered from ``first``) and the packet's Document,
    StructTreeRoot, ParentTree root and its letter leaf, as object bodies."""
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
    leaf = (b"<<\n/Limits [%d %d]\n/Nums [" % (key, key + len(marks) - 1) + b"".join(
        b" %d [%s]" % (key + k, b" ".join(b"%d 0 R" % e if e else b"null" for e in row))
        for k, row in enumerate(marks)) + b" ]\n>>")
    nums = b"<<\n/Kids [%s%d 0 R ]\n>>" % (b"%d 0 R " % tree.guide_leaf if tree.guide_leaf else b"", tree.leaf_id)
    return bodies, doc, root, nums, leaf


def packet_pdf(edition: Edition, letter: LetterParts) -> tuple[bytes, int]:
    """The letter's pages followed by the guide's, as one PDF; returns (bytes, pages)."""
    pieces, pages, _ = packet_pieces(edition, letter)
    return b"".join(pieces), pages


class _FixedPart(msgspec.Struct, frozen=True):
    """A letter's fixed objects (LetterParts.fixed: fonts and resources) as written after an
    edition's head, once for every packet that uses the same: their streams, then an object
    stream of the rest. The file's hashes are carried on from the end of this part."""

    ids: tuple[int, ...]   # object number of each fixed local object (the guide's own for one it shares)
    end: int               # the first object number after this part's
    data: bytes            # the part as written, right after the head
    entries: bytes         # cross-reference entries of objects t.next_id .. end - 1
    sha: Any               # SHA-256 of head + data (a hashlib object: copied per packet)
    md5: Any               # MD5 of the edition's digest + data (the document ID's start)


_FIXED: dict[tuple, _FixedPart] = {}
_FIXED_MAX = 32


def _fixed_part(t: _PacketTemplate, letter: LetterParts) -> _FixedPart:
    key = (t.digest, letter.objects[:letter.fixed], letter.plain)
    got = _FIXED.get(key)
    if got is not None:
        return got
    n = letter.fixed
    ids = [0] * n
    size = t.next_id
    for i in range(n):
        pieces = letter.objects[i]
        if i in letter.plain and pieces[-1] in t.shared:
            ids[i] = t.shared[pieces[-1]]
        else:
            ids[i] = size
            size += 1
    stm = size   # this part's object stream
    entries: dict[int, bytes] = {}
    out: list[bytes] = []
    pos = len(t.head)
    members: list[tuple[int, bytes]] = []
    for i in range(n):
        if ids[i] < t.next_id:
            continue   # the guide's copy
        body = _fill(letter.objects[i], ids)
        if i in letter.streams:
            data = b"%d 0 obj\n" % ids[i] + body + b"\nendobj\n"
            entries[ids[i]] = entry_at(pos)
            out.append(data)
            pos += len(data)
        else:
            members.append((ids[i], body))
    if members:
        for j, (num, _) in enumerate(members):
            entries[num] = entry_in(stm, j)
        entries[stm] = entry_at(pos)
        out.append(object_stream(stm, members))
        size += 1
    data = b"".join(out)
    sha = hashlib.sha256(t.head)
    sha.update(data)
    md5 = hashlib.md5(t.digest, usedforsecurity=False)
    md5.update(data)
    got = _FixedPart(tuple(ids), size, data, b"".join(entries[k] for k in range(t.next_id, size)), sha, md5)
    if len(_FIXED) >= _FIXED_MAX:
        _FIXED.pop(next(iter(_FIXED)))
    _FIXED[key] = got
    return got


def packet_pieces(edition: Edition, letter: LetterParts) -> tuple[list[bytes], int, str]:
    """The packet PDF as pieces to write one after the other, its page count and its SHA-256 (hex).

    The edition's head and the letter's fixed part (see _FixedPart) are the same bytes for many
    packets: they are not joined or hashed again. With a tagged guide, the letter's pages get
    /StructParents (after the guide's keys) and /Tabs /S, and its structure goes into the tree
    ahead of the guide's (see _structure). The letter's own streams (its pages' content) are
    written plainly; its pages, the page tree and the structure go into one object stream of
    this packet's own.
    """
    t = edition.packet_template()
    tree = t.tree
    fixed = _fixed_part(t, letter)
    pos = len(t.head) + len(fixed.data)
    stm = t.struct_base   # this packet's object stream
    n = letter.fixed
    ids = list(fixed.ids) + [0] * (len(letter.objects) - n)
    size = fixed.end
    for i in range(n, len(letter.objects)):
        ids[i] = size
        size += 1
    page_no = {i: k for k, i in enumerate(letter.pages)}
    entries: list[bytes] = []
    members: list[tuple[int, bytes]] = []
    out: list[bytes] = []
    for i in range(n, len(letter.objects)):
        body = _fill(letter.objects[i], ids, parent=2)
        if i in letter.streams:
            data = b"%d 0 obj\n" % ids[i] + body + b"\nendobj\n"
            entries.append(entry_at(pos))
            out.append(data)
            pos += len(data)
            continue
        if tree is not None and i in page_no:
            body = body.replace(b"<<", b"<<\n/StructParents %d\n/Tabs /S" % (tree.next_key + page_no[i]), 1)
        entries.append(b"")   # filled below, once the object stream's order is known
        members.append((ids[i], body))
    page_ids = [ids[i] for i in letter.pages]
    kids = page_ids + t.guide_page_ids
    head = [(2, b"<<\n/Type /Pages\n/Count %d\n/Kids [" % len(kids)
             + b" ".join(b"%d 0 R" % k for k in kids) + b" ]\n>>")]
    first = size
    if tree is not None:   # numbered stm + 1 .. stm + 4 (the template counts on it)
        key = (tree, letter.elements, tuple(page_ids), size)   # letters of one shape: the same objects
        made = _STRUCTURES.get(key)
        if made is None:
            if len(_STRUCTURES) >= 256:
                _STRUCTURES.clear()
            made = _STRUCTURES[key] = _structure(tree, letter.elements, page_ids, size)
        bodies, doc, root, nums, leaf = made
        head += [(tree.doc_id, doc), (tree.root_id, root), (tree.nums_id, nums), (tree.leaf_id, leaf)]
        members += [(size + j, body) for j, body in enumerate(bodies)]
        size += len(bodies)
    members = head + members
    index = {num: entry_in(stm, j) for j, (num, _) in enumerate(members)}
    own = [e or index[fixed.end + k] for k, e in enumerate(entries)]
    data = object_stream(stm, members)
    out.append(data)
    xref = (entry_at(pos) + b"".join(index[num] for num in range(stm + 1, t.next_id)) + fixed.entries
            + b"".join(own) + b"".join(index[num] for num in range(first, size)))
    md5 = fixed.md5.copy()
    for piece in out:
        md5.update(piece)
    pos += len(data)
    out.append(t.xref.stream(size, xref, md5.hexdigest().encode(), pos))
    sha = fixed.sha.copy()
    for piece in out:
        sha.update(piece)
    return [t.head, fixed.data, *out], len(kids), sha.hexdigest()
