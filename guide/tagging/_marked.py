"""Bound flowables, table cells and bullets in; their drawing wrapped in marked content or artifacts out."""

from __future__ import annotations

import re
from contextlib import contextmanager

from ._structure import ARTIFACT, Node
from ._tagger import Tagger, _Frame

# text showing in a piece of a text object's code
_SHOWS = re.compile(r"(?<![^\s\]>)])(?:Tj|TJ|'|\")(?=\s|$)")


class TaggedPiece:
    """Mixin for a flowable bound to a structure element: it draws inside marked content.

    Mixed into the flowable's own class at declaration time (see ``_bind``); pieces that
    ReportLab makes by splitting inherit the element, so each page's piece gets its own MCID
    under the same element.
    """

    _tag_node: Node | str | None = None

    def drawOn(self, canvas, x, y, _sW=0):
        tagger = getattr(canvas, "tagger", None)
        if tagger is None:
            return super().drawOn(canvas, x, y, _sW)
        frame = tagger.begin(self, self._tag_node)
        start = len(canvas._code)
        try:
            return super().drawOn(canvas, x, y, _sW)
        finally:
            if frame.inline:
                tagger.mark_around_text(start, frame)
            tagger.end()

    def split(self, *args, **kwargs):
        pieces = super().split(*args, **kwargs)
        for i, piece in enumerate(pieces):
            if getattr(piece, "_tag_node", None) is None:
                _bind(piece, self._tag_node)
            if i < len(pieces) - 1:
                piece._tag_trailing_space = True  # the element's text goes on in the next piece
        return pieces

    def beginText(self, x, y):
        """(Paragraphs only) a text object that ends each wrapped line with a real space."""
        tx = super().beginText(x, y)
        tagger = getattr(self.canv, "tagger", None)
        if tagger is None:
            return tx
        frame = tagger.stack[-1] if tagger.stack else None
        if frame is not None and frame.inline and frame.piece is self and frame.text is None:
            tx.__class__ = _mixed(type(tx), MarkedText)  # sees each line's text after the space is added
            tx.tag_start(tagger, frame)
        lines = getattr(getattr(self, "blPara", None), "lines", None)
        spaces = len(lines or ()) - (0 if getattr(self, "_tag_trailing_space", False) else 1)
        if spaces > 0:
            tx.__class__ = _mixed(type(tx), SpacedLines)
            tx._spaces_left = spaces
        return tx


class SpacedLines:
    """Mixin for a paragraph's text object: a space before each line break but the last (and
    the last too when the paragraph goes on in another piece on the next page).

    ReportLab drops the space where it wraps a line, so text read from the structure
    (as ``pdfinfo -struct-text`` and some screen readers do) ran words together across
    lines: "distantorgans". The space is drawn after the line's last glyph, so it shows nothing.
    """

    _spaces_left = 0

    def _textOut(self, text, TStar=0):
        if TStar and self._spaces_left > 0:
            self._spaces_left -= 1
            text = text + " "
        return super()._textOut(text, TStar)


class MarkedText:
    """Mixin for a paragraph's text object: its marked content lives inside BT ... ET, so that
    a link's words can be their own sequence under a Link element.

    A sequence opens when words are written. ReportLab calls ``_linkRecord(link, "start")``
    just after writing a link's first words and ``_linkRecord(link, "end")`` before the words
    after it; these move the words into a new Link element's sequence and close it. (Marked
    content and text objects must nest separately, so a paragraph with inline structure cannot
    use one sequence around its whole drawing.)
    """

    def tag_start(self, tagger: Tagger, frame: _Frame) -> None:
        self._tagger, self._tag_frame = tagger, frame
        frame.text = self
        self._tag_open: tuple | None = None  # (index of its BDC in the code, content record, element)
        self._tag_next = frame.node  # the element the next words belong to
        self._linkRecord = self._tag_link

    def _open(self, node: Node) -> tuple:
        record = self._tagger.new_mcid(node)
        self._code.append(f"/{node.role} <</MCID {record[2]}>> BDC")
        return len(self._code) - 1, record, node

    def _textOut(self, text, TStar=0):
        if text and self._tag_open is None:
            self._tag_open = self._open(self._tag_next)
        return super()._textOut(text, TStar)

    def _tag_link(self, link, event) -> None:
        tagger, frame = self._tagger, self._tag_frame
        if event == "start":
            name = link[1] if isinstance(link, tuple) and len(link) > 1 else ""
            node = tagger.link_node(frame.node, str(name or "").lstrip("#"))
            frame.links.append(node)
            if self._tag_open is None:
                self._tag_open = self._open(node)
            at, record, owner = self._tag_open
            if not any(_SHOWS.search(e) for e in self._code[at + 1:-1]):
                # the open sequence holds nothing but the link's words: it becomes the Link's
                tagger.move_record(record, owner, node)
                self._code[at] = f"/{node.role} <</MCID {record[2]}>> BDC"
                self._tag_open = (at, record, node)
            else:  # close the paragraph's sequence before the link's words
                words = self._code.pop()
                self._code.append("EMC")
                self._tag_open = self._open(node)
                self._code.append(words)
            self._tag_next = node
        elif event == "end":
            if self._tag_open is not None:
                self._code.append("EMC")
                self._tag_open = None
            self._tag_next = frame.node

    def getCode(self):
        if self._tag_open is not None:
            self._code.append("EMC")
            self._tag_open = None
        code = super().getCode()
        self._tag_frame.code = code
        return code


class TaggedTable:
    """Mixin for tables: backgrounds and rules are artifacts; cells tag themselves."""

    _tag_container = True

    def _drawBkgrnd(self):
        with artifact(self.canv):
            super()._drawBkgrnd()

    def _drawLines(self):
        with artifact(self.canv):
            super()._drawLines()

    def _drawCell(self, cellval, cellstyle, pos, size):
        tagger = getattr(self.canv, "tagger", None)
        items = cellval if isinstance(cellval, (list, tuple)) else [cellval]
        if tagger is None or any(_self_tagging(v) for v in items):
            return super()._drawCell(cellval, cellstyle, pos, size)
        # a text cell bound to TH/TD, or anything unbound (drawn as an artifact)
        tagger.begin(cellval, getattr(cellval, "_tag_node", None))
        try:
            return super()._drawCell(cellval, cellstyle, pos, size)
        finally:
            tagger.end()


class TaggedText(str):
    """A table's text cell that knows its structure element (tables draw text cells themselves)."""

    _tag_node: Node | None

    def __new__(cls, text: str, node: Node):
        obj = super().__new__(cls, text)
        obj._tag_node = node
        return obj


class TaggedBullet:
    """A list bullet drawn as the item's Lbl."""

    def __init__(self, bullet, node: Node):
        self._bullet, self._tag_node = bullet, node

    def drawOn(self, indenter, canv, x, y, _sW=0):
        tagger = getattr(canv, "tagger", None)
        if tagger is not None:
            tagger.begin(self, self._tag_node)
        try:
            self._bullet.drawOn(indenter, canv, x, y, _sW)
        finally:
            if tagger is not None:
                tagger.end()

    def __getattr__(self, name):
        return getattr(self._bullet, name)


_MIXED: dict[type, type] = {}


def _mixed(cls: type, mixin: type) -> type:
    if issubclass(cls, mixin):
        return cls
    key = (cls, mixin)
    if key not in _MIXED:
        _MIXED[key] = type(cls.__name__, (mixin, cls), {"__module__": cls.__module__})
    return _MIXED[key]


def _bind(flowable, node: Node | str | None) -> None:
    flowable.__class__ = _mixed(type(flowable), TaggedPiece)
    flowable._tag_node = node


def _self_tagging(value) -> bool:
    """Does this cell value mark its own drawing (a bound flowable, a tagged table or list)?"""
    if isinstance(value, str):
        return False
    return getattr(value, "_tag_node", None) is not None or getattr(value, "_tag_container", False)


@contextmanager
def artifact(canv):
    """Draw the body of the ``with`` as an artifact (no-op on an untagged canvas)."""
    tagger = getattr(canv, "tagger", None)
    if tagger is None:
        yield
        return
    tagger.begin(None, ARTIFACT)
    try:
        yield
    finally:
        tagger.end()


def artifact_page(draw):
    """Wrap an onPage callback so all its page decoration is an artifact."""
    def run(canv, doc):
        with artifact(canv):
            draw(canv, doc)
    return run
