"""Rendered letters (ReportLab PDF bytes and the renderer's LetterTags) in, each letter's LetterParts out."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import OutputError
from ._objects import (_CONTENTS_RE, _PARENT_RE, _REF_RE, PARENT, PLAIN_STREAM_HEAD, Pieces, _array_of, _post_order,
                       _raw_objects, _ref_of, _trailer_ref, stream_tail)

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
    streams: frozenset[int] = frozenset()  # local indices of the stream objects
    plain: frozenset[int] = frozenset()    # streams that a packet may take from the guide (_objects.PLAIN_STREAM_HEAD)


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
    streams: set[int] = set()
    plain: set[int] = set()

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
            pieces.append(stream_tail(stream))
            streams.add(i)
            if i not in unique and PLAIN_STREAM_HEAD.fullmatch(head.strip()):
                plain.add(i)
        parts[i] = tuple(pieces)
    return LetterParts(tuple(parts), _post_order(parts, kinds), pages, unique, elements, frozenset(streams),
                       frozenset(plain))
