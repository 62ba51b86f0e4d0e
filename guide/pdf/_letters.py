"""Rendered letters (ReportLab PDF bytes and the renderer's LetterTags) in, each letter's LetterParts out."""

from __future__ import annotations

import msgspec

from ..errors import OutputError
from ._objects import (_CONTENTS_RE, _PARENT_RE, _REF_RE, PARENT, PLAIN_STREAM_HEAD, Pieces, _array_of, _post_order,
                       _raw_objects, _ref_of, _trailer_ref, stream_tail)

# A structure element of a letter: (standard type, index of its parent element or -1 for the
# packet's Document, kids in reading order: a child element's index or a
# (page within the letter, MCID) pair). Parents come before their children.
Element = tuple[str, int, tuple[int | tuple[int, int], ...]]


class LetterTags(msgspec.Struct, frozen=True):
    """What the letter renderer tells the merge about one letter: its pages and structure."""

    pages: int
    elements: tuple[Element, ...] = ()


class LetterParts(msgspec.Struct, frozen=True):
    """A letter's pages and what they use, as Pieces (picklable, small)."""

    objects: tuple[Pieces, ...]
    order: tuple[int, ...]   # the non-page objects, each after those it refers to
    pages: tuple[int, ...]   # local indices of the page objects, in order
    unique: frozenset[int] = frozenset()   # the pages' content streams: never shared, not deduplicated
    elements: tuple[Element, ...] = ()     # the letter's structure (LetterTags.elements)
    streams: frozenset[int] = frozenset()  # local indices of the stream objects
    plain: frozenset[int] = frozenset()    # streams that a packet may take from the guide (_objects.PLAIN_STREAM_HEAD)
    # objects[:fixed] are what the pages use besides their content (fonts, resources): they refer
    # only to each other, and letters of the same batch using the same ones share these very tuples,
    # so a packet writer can serialise them once for many letters (see _packet.packet_pieces)
    fixed: int = 0


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
    shared: dict = {}
    all_pages = frozenset(kids)
    for t in letters:
        out.append(_one_letter(objects, kids[start:start + t.pages], t.elements, shared, all_pages))
        start += t.pages
    return out


class _Fixed:
    """The objects a batch's pages use besides their content, parsed once for all its letters."""

    def __init__(self, objects: dict[int, tuple[bytes, bytes | None]], roots: tuple[int, ...],
                 content: frozenset[int], pages: frozenset[int]):
        index: dict[int, int] = {}
        nums: list[int] = []
        todo: list[int] = []

        def local(num: int) -> int:
            if num not in index:
                if num not in objects:
                    raise OutputError(f"cannot read the rendered letter: object {num} is missing")
                if num in pages:
                    raise OutputError("cannot merge the letter: an object refers to a page")
                if num in content:
                    raise OutputError("cannot merge the letter: an object refers to a page's content")
                index[num] = len(nums)
                nums.append(num)
                todo.append(num)
            return index[num]

        for num in roots:
            local(num)
        parts: dict[int, Pieces] = {}
        streams: set[int] = set()
        plain: set[int] = set()
        while todo:
            num = todo.pop()
            head, stream = objects[num]
            if b"(" in head:
                raise OutputError(f"cannot merge the rendered letter: object {num} holds a text string")
            i = index[num]
            pieces: list[bytes | int] = []
            for n, chunk in enumerate(_REF_RE.split(head)):
                if n % 2:
                    pieces.append(local(int(chunk)))
                elif chunk:
                    pieces.append(chunk)
            if stream is not None:
                pieces.append(stream_tail(stream))
                streams.add(i)
                if PLAIN_STREAM_HEAD.fullmatch(head.strip()):
                    plain.add(i)
            parts[i] = tuple(pieces)
        self.index = index
        self.objects = tuple(parts[i] for i in range(len(nums)))
        self.streams = frozenset(streams)
        self.plain = frozenset(plain)
        self.order = _post_order(list(self.objects), ["object"] * len(nums))


def _one_letter(objects: dict[int, tuple[bytes, bytes | None]], kids: list[int],
                elements: tuple[Element, ...] = (), shared: dict | None = None,
                all_pages: frozenset[int] | None = None) -> LetterParts:
    """One letter's parts: first what its pages use besides their content (shared with the batch's
    other letters that use the same, through ``shared``), then its pages, then their content streams."""
    heads = []
    roots: list[int] = []
    contents: list[int] = []
    for k in kids:
        head = _PARENT_RE.sub(b"", objects[k][0], count=1)
        head = head.replace(b"<<", b"<<\n/Parent \x00", 1)
        own = [int(n) for n in _CONTENTS_RE.findall(head)]
        contents.extend(n for n in own if n not in contents)
        heads.append(head)
        for n in _REF_RE.findall(head):
            n = int(n)
            if n not in own and n not in roots:
                roots.append(n)
    content = frozenset(contents)
    all_pages = frozenset(kids) if all_pages is None else all_pages
    if any(n in all_pages for n in roots) or any(n in all_pages for n in content):
        raise OutputError("cannot merge the letter: an object refers to a page")
    key = tuple(roots)
    fixed = shared.get(key) if shared is not None else None
    if fixed is None or fixed.index.keys() & content:
        fixed = _Fixed(objects, tuple(roots), content, all_pages)
        if shared is not None:
            shared[key] = fixed
    f = len(fixed.objects)
    pages = tuple(range(f, f + len(kids)))
    own_index = {n: f + len(kids) + k for k, n in enumerate(contents)}
    parts: list[Pieces] = list(fixed.objects)
    for head in heads:
        pieces: list[bytes | int] = []
        for n, chunk in enumerate(_REF_RE.split(head)):
            if n % 2:
                num = int(chunk)
                pieces.append(own_index[num] if num in own_index else fixed.index[num])
            elif b"\x00" in chunk:
                before, after = chunk.split(b"\x00", 1)
                pieces.extend([before, PARENT, after])
            elif chunk:
                pieces.append(chunk)
        parts.append(tuple(pieces))
    streams = set(fixed.streams)
    order = list(fixed.order)
    for num in contents:
        head, stream = objects[num]
        if stream is None or b"(" in head or _REF_RE.search(head):
            raise OutputError(f"cannot merge the rendered letter: object {num} is not a plain content stream")
        parts.append((head, stream_tail(stream)))
        streams.add(own_index[num])
        order.append(own_index[num])
    return LetterParts(tuple(parts), tuple(order), pages, frozenset(own_index.values()), elements,
                       frozenset(streams), fixed.plain, f)
