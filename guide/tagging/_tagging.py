"""A story of flowables with roles in; a tagged PDF (PDF/UA-1 structure) out of the same render.

One mechanism for every block kind, in three steps:

1. ``declare(story)`` walks the story once, before layout, and builds the logical structure
   (Document > H1.., P, L/LI/Lbl/LBody, Table/TR/TH/TD, TOC/TOCI, Div ...) from the roles the
   story gave its flowables. Each *drawable piece* -- a leaf flowable, a table text cell, a
   list bullet -- is bound to its structure element. Containers (lists, tables) only carry
   structure down to their pieces, because ReportLab dissolves or splits them during layout.
2. While ReportLab draws, each bound piece opens a marked-content sequence with a fresh
   MCID on its page (``/P <</MCID 3>> BDC ... EMC``); a paragraph opens its sequences inside
   its text object, so a link's words get their own sequence under a Link element. Pieces
   made by splitting inherit their parent's element, so a paragraph over two pages is one
   element with an MCID on each. Everything else -- page decoration, table backgrounds and
   rules, underlines, drawn checkbox squares, repeated header rows -- is drawn inside
   ``/Artifact BMC ... EMC``. Annotations created inside a piece (links, form widgets) join
   the structure as Link/Form elements.
3. When the canvas saves, the structure tree (ordered by drawing order), ParentTree,
   MarkInfo, XMP metadata with ``pdfuaid:part 1``, and each page's /StructParents and /Tabs
   are written through ReportLab's own PDF object model, so output stays byte-reproducible.

``check_accessibility(pdf)`` and ``read_tree(pdf)`` read a built PDF back (pypdf) to check it.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from ..content import escape

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFObject, PDFPage, PDFStream, PDFString
from reportlab.pdfbase.pdfdoc import format as format_pdf
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import ListFlowable, ListItem, Paragraph, Table
from reportlab.platypus.flowables import LIIndenter

# Story roles that are not PDF 1.7 standard structure types, and the standard type written.
STANDARD = {"Title": "H1", "Callout": "Div", "DT": "Lbl", "DD": "LBody"}
# Roles whose visible drawing is decoration: their meaning is carried by an annotation
# (a form field's widget with its tooltip), so the drawing is an artifact.
DRAWN_AS_ARTIFACT = {"Form"}
# Runs of sibling roles that read as one group: role -> (group key, group element).
RUNS = {"TOCI": ("toc", "TOC"), "DT": ("glossary", "L"), "DD": ("glossary", "L"), "BibEntry": ("bib", "L")}
ARTIFACT = "Artifact"
# Operators that put marks on the page (text showing, path painting, images, shadings).
PAINTING = {b"Tj", b"TJ", b"'", b'"', b"Do", b"sh", b"BI", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"S", b"s"}
LINK_DESCRIPTION_MAX = 100


class Node:
    """One structure element as declared: its standard type, attributes and children."""

    __slots__ = ("role", "attrs", "parent", "children")

    def __init__(self, role: str, parent: Node | None = None, attrs: dict | None = None):
        self.role, self.parent, self.attrs = role, parent, attrs or {}
        self.children: list[Node] = []

    def add(self, role: str, **attrs) -> Node:
        child = Node(role, self, attrs)
        self.children.append(child)
        return child

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Node {self.role} ({len(self.children)} children)>"


class Structure:
    """What the walk over the story found: the element tree, link targets and document facts."""

    def __init__(self, root: Node, targets: dict[str, str], meta: dict[str, str]):
        self.root, self.targets, self.meta = root, targets, meta


# ---- 1. declaring the structure ------------------------------------------------------


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


def _role(f) -> str | None:
    return getattr(f, "role", None)


def _std(role: str) -> str:
    return STANDARD.get(role, role)


def declare(story: list, meta: dict[str, str]) -> Structure:
    """Build the structure of a story and bind its drawable pieces (call once, before layout)."""
    walker = _Walker()
    walker.place(story, walker.root)
    for lf in walker.lists:  # outer lists first: ReportLab sets nested bullets from the outer
        for piece in lf._content:
            if isinstance(piece, LIIndenter) and piece._bullet is not None:
                label = getattr(piece._flowable, "_tag_label", None)
                if label is not None:
                    piece._bullet = TaggedBullet(piece._bullet, label)
    return Structure(walker.root, walker.targets, meta)


class _Walker:
    def __init__(self) -> None:
        self.root = Node("Document")
        self.targets: dict[str, str] = {}
        self.lists: list[ListFlowable] = []

    def place(self, flowables, parent: Node) -> None:
        """Place sibling flowables under ``parent``, grouping runs (TOCI -> TOC, DT/DD -> L ...)."""
        group_key, group, item = None, None, None
        caption: list = []
        for f in flowables:
            role = _role(f)
            if role is None:
                continue
            run = RUNS.get(role)
            if run is None:
                group_key, group, item = None, None, None
            elif run[0] != group_key:
                group_key, group, item = run[0], parent.add(run[1]), None
            where = group or parent
            self.note_target(f, role)
            if role == "Caption":
                caption.append(f)  # goes into the table or list that follows, if one does
                continue
            held, caption = caption, []
            if held and not (role in ("Table", "L") and isinstance(f, (Table, ListFlowable))):
                for c in held:
                    _bind(c, parent.add("P"))
                held = []
            if role == "TOCI":
                node = where.add("TOCI")
                _bind(f, node)
                inner = getattr(f, "para", None)  # a contents line draws its title as a paragraph
                if isinstance(inner, Paragraph):
                    _bind(inner, node)
            elif role == "DT":
                item = where.add("LI")
                _bind(f, item.add("Lbl"))
            elif role == "DD":
                _bind(f, (item or where.add("LI")).add("LBody"))
            elif role == "BibEntry":
                _bind(f, where.add("LI").add("LBody").add("BibEntry"))
            elif hasattr(f, "content") and role == "Callout":
                # a panel (guide.flowables.Panel) holds blocks: a Div around their elements
                for c in held:
                    _bind(c, parent.add("P"))
                self.place(f.content, where.add(_std(role)))
            elif isinstance(f, ListFlowable):
                self.list(f, where, held)
            elif isinstance(f, Table):
                self.table(f, where, role, held)
            elif role == ARTIFACT:
                _bind(f, ARTIFACT)
            else:
                _bind(f, where.add(_std(role)))
        for c in caption:
            _bind(c, parent.add("P"))

    def note_target(self, f, role: str) -> None:
        """Remember what each link destination is called, for the link's spoken description."""
        outline = getattr(f, "outline", None)
        if outline:
            self.targets[outline[2]] = f"Section: {outline[1]}"
        text = getattr(f, "text", None)
        if isinstance(text, str) and "<a name=" in text:
            plain = " ".join(f.getPlainText().split()) if hasattr(f, "getPlainText") else ""
            kind = {"DT": "Glossary", "BibEntry": "Reference"}.get(role, "Go to")
            for name in re.findall(r'<a name="([^"]+)"', text):
                self.targets[name] = _shorten(f"{kind}: {plain}")

    def list(self, lf: ListFlowable, parent: Node, caption: list) -> None:
        """ListFlowable -> L > LI > (Lbl for the bullet, LBody for the item's flowables)."""
        node = parent.add("L", ListNumbering="Disc")
        for c in caption:
            _bind(c, node.add("Caption"))
        self.lists.append(lf)
        lf._tag_container = True
        for entry in lf._flowables:
            contents = list(entry._flowables) if isinstance(entry, ListItem) else \
                list(entry) if isinstance(entry, (list, tuple)) else [entry]
            li = node.add("LI")
            label = li.add("Lbl")
            body = li.add("LBody")
            if contents:
                contents[0]._tag_label = label
            for c in contents:
                role = _role(c)
                if isinstance(c, ListFlowable):
                    self.list(c, body, [])
                elif role == "LBody":
                    self.note_target(c, role)
                    _bind(c, body)
                else:
                    self.place([c], body)

    def table(self, t: Table, parent: Node, role: str, caption: list) -> None:
        """Tables: data tables (TH/TD cells) -> Table > TR > TH/TD; list grids (role L) -> L > LI
        with the first column as Lbl and the rest as LBody; any other table is layout -> Div."""
        t.__class__ = _mixed(type(t), TaggedTable)
        rows = t._cellvalues
        cell_roles = {_role(x) for row in rows for cell in row for x in _items(cell)}
        if role == "Table" and cell_roles & {"TH", "TD"}:
            node = parent.add("Table")
            for c in caption:
                _bind(c, node.add("Caption"))
            for r, row in enumerate(rows):
                tr = node.add("TR")
                header = any(_role(x) == "TH" for cell in row for x in _items(cell))
                for c, cell in enumerate(row):
                    kind = "TH" if header else "TD"
                    attrs = {"Scope": "Column"} if header else {}
                    self.cell(t, r, c, cell, tr.add(kind, **attrs))
        elif role == "L":
            node = parent.add("L", ListNumbering="None")
            for r, row in enumerate(rows):
                roles = {_role(x) for cell in row for x in _items(cell)} - {None}
                if roles == {"Caption"}:
                    cap = node.add("Caption")
                    for c, cell in enumerate(row):
                        self.cell(t, r, c, cell, cap)
                    continue
                li = node.add("LI")
                body = None
                for c, cell in enumerate(row):
                    if c == 0:
                        self.cell(t, r, c, cell, li.add("Lbl"))
                    else:
                        body = body or li.add("LBody")
                        self.cell(t, r, c, cell, body)
            for c in caption:
                _bind(c, parent.add("P"))
        else:
            for c in caption:
                _bind(c, parent.add("P"))
            node = parent.add(_std(role) if role != "Table" else "Div")
            for row in rows:
                for cell in row:
                    self.place(_items(cell), node)

    def cell(self, t: Table, r: int, c: int, cell, node: Node) -> None:
        """Bind a cell's contents to its element; a flowable of the element's own kind *is* it."""
        if isinstance(cell, str):
            if cell.strip():
                t._cellvalues[r][c] = TaggedText(cell, node)
            return
        for x in _items(cell):
            role = _role(x)
            if role is None:
                continue
            self.note_target(x, role)
            if _std(role) == node.role:
                _bind(x, node)
            else:
                self.place([x], node)


def _items(cell) -> list:
    if isinstance(cell, (list, tuple)):
        return list(cell)
    return [] if cell is None else [cell]


def _shorten(text: str) -> str:
    if len(text) <= LINK_DESCRIPTION_MAX:
        return text
    cut = text[:LINK_DESCRIPTION_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(",;:. ") + "\u2026"


# ---- 2. marking content while drawing --------------------------------------------------


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


class _Frame:
    """One piece being drawn: its element, whether it wrote marks, and inline marking state."""

    __slots__ = ("node", "emitted", "inline", "piece", "text", "code", "links")

    def __init__(self, node: Node | None, emitted: bool, inline: bool = False, piece=None):
        self.node, self.emitted, self.inline, self.piece = node, emitted, inline, piece
        self.text = None  # the marked text object, once the paragraph starts one
        self.code = None  # its finished code, as written to the canvas
        self.links: list[Node] = []  # Link elements begun in the text, waiting for their annotations


class Tagger:
    """Per-canvas (so per layout pass) record of marked content, annotations and pages."""

    def __init__(self, canv: Canvas, structure: Structure):
        self.canv, self.structure = canv, structure
        self.stack: list[_Frame] = []
        self.seq = 0
        self.content: dict[int, list] = {}  # id(node) -> [(seq, page, mcid) | (seq, page, annot ref)]
        self.nodes: dict[int, Node] = {}
        self.link_nodes: dict[int, list[Node]] = {}  # id(parent) -> Link/Reference elements made while drawing
        self.mcids: dict[int, int] = {}  # page index -> MCIDs used
        self.drawn: dict[int, object] = {}  # pieces already drawn this pass (repeats are artifacts)
        self.annotations: list = []  # (annotation object, node)
        self.pages: list = []

    @property
    def page(self) -> int:
        return self.canv.getPageNumber() - 1

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def begin(self, piece, node: Node | str | None) -> _Frame:
        """Start drawing a piece: open its marked content (or an artifact) unless already inside one.

        A paragraph marks its own text inside its text object (see MarkedText): its frame is
        *inline*, writes nothing here, and the rest of its drawing is made an artifact after.
        """
        code = self.canv._code
        if self.stack:
            # already inside marked content: the outer sequence owns this drawing
            frame = _Frame(self.stack[-1].node, False)
        else:
            repeated = piece is not None and id(piece) in self.drawn
            if piece is not None:
                self.drawn[id(piece)] = piece
            if node is None or node == ARTIFACT or repeated:
                code.append("/Artifact BMC")
                frame = _Frame(None, True)
            elif node.role in DRAWN_AS_ARTIFACT:
                code.append("/Artifact BMC")
                frame = _Frame(node, True)
            elif isinstance(piece, Paragraph):
                frame = _Frame(node, False, inline=True, piece=piece)
            else:
                code.append(f"/{node.role} <</MCID {self.new_mcid(node)[2]}>> BDC")
                frame = _Frame(node, True)
        self.stack.append(frame)
        return frame

    def end(self) -> None:
        if self.stack.pop().emitted:
            self.canv._code.append("EMC")

    def new_mcid(self, node: Node) -> tuple:
        """A fresh MCID on the current page, recorded as ``node``'s content: (seq, page, mcid)."""
        page = self.page
        mcid = self.mcids.get(page, 0)
        self.mcids[page] = mcid + 1
        record = (self._next_seq(), page, mcid)
        self._record(node, record)
        return record

    def move_record(self, record: tuple, old: Node, new: Node) -> None:
        self.content[id(old)].remove(record)
        self._record(new, record)

    def link_node(self, parent: Node, name: str) -> Node:
        """A Link element (inside a Reference for a citation) for a link to ``name``."""
        description = self.structure.targets.get(name, f"Go to {name}")
        if name.startswith("ref-"):
            parent = self._made(parent, "Reference")
        return self._made(parent, "Link", Alt=description)

    def mark_around_text(self, start: int, frame: _Frame) -> None:
        """After an inline piece drew: its drawing outside its text object (underlines, link
        rules, backgrounds) becomes artifacts; its text object carries its own marks."""
        code = self.canv._code
        for i in range(start, len(code)):
            entry = code[i]
            if entry is not frame.code and _PAINTS.search(entry):
                code[i] = f"/Artifact BMC {entry} EMC"

    def _record(self, node: Node, item) -> None:
        key = id(node)
        if key not in self.content:
            self.content[key] = []
            self.nodes[key] = node
        self.content[key].append(item)

    def annotated(self, annotation, ref) -> None:
        """An annotation was added to the page: make it part of the structure."""
        frame = next((f for f in reversed(self.stack) if f.node is not None), None)
        node = frame.node if frame is not None else None
        is_link = getattr(annotation, "Destination", None) is not None
        if is_link:
            name = getattr(annotation.Destination, "name", "")
            description = self.structure.targets.get(name, f"Go to {name}")
            annotation.Contents = description
            annotation.permitted = tuple(annotation.permitted) + ("StructParent",)
            if frame is not None and frame.links:  # the Link element its words were marked for
                node = frame.links.pop(0)
            else:
                node = self.link_node(node or self.structure.root, name)
        elif node is None:
            node = self._made(self.structure.root, "Annot")
        self._record(node, (self._next_seq(), self.page, ref))
        self.annotations.append((annotation, node))

    def _made(self, parent: Node, role: str, **attrs) -> Node:
        """An element made while drawing (links live inside the element that drew them)."""
        node = Node(role, parent, attrs)
        self.link_nodes.setdefault(id(parent), []).append(node)
        return node

    def page_done(self, page: PDFPage) -> None:
        page.__NoDefault__ = list(PDFPage.__NoDefault__) + ["StructParents", "Tabs"]
        page.StructParents = len(self.pages)
        page.Tabs = PDFName("S")
        self.pages.append(page)

    # ---- 3. writing the tree -------------------------------------------------------

    def write(self) -> None:
        doc = self.canv._doc
        npages = len(self.pages)
        page_refs = [doc.Reference(p) for p in self.pages]
        first: dict[int, tuple] = {}  # id(node) -> (seq, page) of its first content in the subtree
        ordered: dict[int, list] = {}

        def visit(node: Node) -> bool:
            """Order the node's content and child elements by drawing order; drop empty ones."""
            items = [("c", item[0], item) for item in self.content.get(id(node), [])]
            for child in node.children + self.link_nodes.get(id(node), []):
                if visit(child):
                    items.append(("n", first[id(child)][0], child))
            if not items:
                return False
            items.sort(key=lambda k: k[1])
            ordered[id(node)] = items
            head = items[0]
            first[id(node)] = (head[1], head[2][1] if head[0] == "c" else first[id(head[2])][1])
            return True

        if not visit(self.structure.root):
            return
        # register every element in pre-order, so object numbers follow reading order
        elems: dict[int, Compact] = {}
        refs: dict[int, object] = {}
        order: list[Node] = []

        def register(node: Node) -> None:
            elems[id(node)] = Compact()
            refs[id(node)] = doc.Reference(elems[id(node)])
            order.append(node)
            for kind, _, x in ordered[id(node)]:
                if kind == "n":
                    register(x)

        register(self.structure.root)
        tree_root = PDFDictionary()
        root_ref = doc.Reference(tree_root)
        parent_tree: dict[int, list] = {p: [b"null"] * self.mcids.get(p, 0) for p in range(npages)}
        for node in order:
            pg = first[id(node)][1]
            kids: list = []
            for kind, _, x in ordered[id(node)]:
                if kind == "n":
                    kids.append(refs[id(x)])
                    continue
                _, page, what = x
                if isinstance(what, int):
                    parent_tree[page][what] = refs[id(node)]
                    kids += [b"%d" % what] if page == pg else [b"<</Type/MCR/Pg", page_refs[page], b"/MCID %d>>" % what]
                else:
                    kids += [b"<</Type/OBJR/Obj", what, b"/Pg", page_refs[page], b">>"]
            parts = [b"/Type/StructElem/S/" + node.role.encode("ascii"), b"/P",
                     refs[id(node.parent)] if node.parent is not None else root_ref, b"/Pg", page_refs[pg],
                     b"/K", *(kids if len(kids) == 1 else [b"[", *kids, b"]"])]
            for key, value in node.attrs.items():
                if key in ("Alt", "ActualText"):
                    parts += [b"/" + key.encode("ascii"), PDFString(value)]
                elif key == "Scope":
                    parts.append(b"/A<</O/Table/Scope/" + value.encode("ascii") + b">>")
                elif key == "ListNumbering":
                    parts.append(b"/A<</O/List/ListNumbering/" + value.encode("ascii") + b">>")
            elems[id(node)].parts = parts
        nums: list = []
        for p in range(npages):
            nums += [b"%d [" % p, *parent_tree[p], b"]"]
        for i, (annotation, node) in enumerate(self.annotations):
            key = npages + i
            nums += [b"%d" % key, refs[id(node)]]
            if isinstance(annotation, PDFDictionary):
                annotation["StructParent"] = key
            else:
                annotation.otherkw["StructParent"] = key
        tree_root["Type"] = PDFName("StructTreeRoot")
        tree_root["K"] = refs[id(self.structure.root)]
        tree_root["ParentTree"] = doc.Reference(Compact([b"/Nums [", *nums, b"]"]))
        tree_root["ParentTreeNextKey"] = npages + len(self.annotations)
        catalog = doc.Catalog
        catalog.StructTreeRoot = tree_root
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        catalog.Metadata = PlainStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                                       xmp_packet(self.structure.meta).encode("utf-8"))


class Compact(PDFObject):
    """A dictionary written straight from byte pieces and PDF objects (references, strings).

    A tagged guide has hundreds of small structure elements; ReportLab's general dictionary
    formatting of each doubled the time spent writing the file.
    """

    def __init__(self, parts: list | None = None):
        self.parts = parts or []

    def format(self, document):
        return b"<<" + b" ".join(p if isinstance(p, bytes) else p.format(document) for p in self.parts) + b">>"


class PlainStream(PDFStream):
    """An unfiltered stream (XMP metadata stays readable to tools that do not parse PDF)."""

    def format(self, document):
        d = PDFDictionary(self.dictionary.dict.copy())
        d["Length"] = len(self.content)
        return format_pdf(d, document) + b"\nstream\n" + self.content + b"endstream\n"


def xmp_packet(meta: dict[str, str]) -> str:
    """XMP metadata: title, author, subject, keywords, tool and the PDF/UA identification."""
    e = {k: escape(v or "", {'"': "&quot;"}) for k, v in meta.items()}
    lang = e.get("lang") or "x-default"
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about=""\n'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
        '<dc:format>application/pdf</dc:format>\n'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e.get("title", "")}</rdf:li>'
        f'<rdf:li xml:lang="{lang}">{e.get("title", "")}</rdf:li></rdf:Alt></dc:title>\n'
        f'<dc:creator><rdf:Seq><rdf:li>{e.get("author", "")}</rdf:li></rdf:Seq></dc:creator>\n'
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e.get("subject", "")}</rdf:li>'
        '</rdf:Alt></dc:description>\n'
        f'<dc:language><rdf:Bag><rdf:li>{e.get("lang", "")}</rdf:li></rdf:Bag></dc:language>\n'
        f'<pdf:Keywords>{e.get("keywords", "")}</pdf:Keywords>\n'
        f'<pdf:Producer>{e.get("producer", "")}</pdf:Producer>\n'
        f'<xmp:CreatorTool>{e.get("creator", "")}</xmp:CreatorTool>\n'
        '<pdfuaid:part>1</pdfuaid:part>\n'
        '</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>\n'
    )


class TaggedCanvas(Canvas):
    """A canvas that records marked content while drawing and writes the tree when it saves."""

    def __init__(self, *args, structure: Structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.tagger = Tagger(self, structure)

    def _addAnnotation(self, annotation, name=None, addtopage=1):
        super()._addAnnotation(annotation, name, addtopage)
        if addtopage:
            self.tagger.annotated(annotation, self._annotationrefs[-1])

    def _setAnnotations(self, page):
        super()._setAnnotations(page)
        self.tagger.page_done(page)

    def save(self):
        if len(self._code):
            self.showPage()
        self.tagger.write()
        super().save()


def canvas_maker(structure: Structure):
    """A canvasmaker for BaseDocTemplate.build that tags with this structure."""
    def make(*args, **kwargs):
        return TaggedCanvas(*args, structure=structure, **kwargs)
    return make


# ---- reading a tagged PDF back (checks and tests) -------------------------------------


class ReadNode:
    """A structure element read back from a PDF: its type, attributes, text and children."""

    def __init__(self, role: str, obj, parent: ReadNode | None):
        self.role, self.obj, self.parent = role, obj, parent
        self.kids: list[ReadNode] = []
        self.mcids: list[tuple[int, int]] = []  # (page index, MCID), in order
        self.annots: list = []  # annotation dictionaries (OBJR)
        self.order: list = []  # marked content (page, MCID) and child elements, in structure order
        self.texts: dict[tuple[int, int], str] = {}

    @property
    def own_text(self) -> str:
        return "".join(self.texts.get(k, "") for k in self.mcids)

    def pieces(self) -> list[tuple[tuple[int, int], str]]:
        """Every piece of marked content in this element and below, in reading order, with its text."""
        out = []
        for item in self.order:
            if isinstance(item, ReadNode):
                out += item.pieces()
            else:
                out.append((item, self.texts.get(item, "")))
        return out

    @property
    def text(self) -> str:
        """The element's words as a reader following the tree meets them (whitespace normalised)."""
        return " ".join("".join(t for _, t in self.pieces()).split())

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()

    def find(self, role: str) -> list[ReadNode]:
        return [n for n in self.walk() if n.role == role]


def _reader(pdf):
    import io

    from pypdf import PdfReader

    return pdf if isinstance(pdf, PdfReader) else PdfReader(io.BytesIO(pdf))


def read_tree(pdf, with_text: bool = True) -> ReadNode | None:
    """The structure tree of a PDF (bytes or a pypdf reader), or None when it has none.

    With ``with_text``, each element's marked content is extracted (pypdf decodes the fonts),
    so ``node.text`` is what a screen reader following the tree would read.
    """
    from pypdf.generic import ArrayObject, DictionaryObject

    reader = _reader(pdf)
    root = reader.trailer["/Root"]
    tree = root.get("/StructTreeRoot")
    if tree is None:
        return None
    tree = tree.get_object()
    page_index = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    top = ReadNode("StructTreeRoot", tree, None)

    def page_of(d, inherited):
        pg = d.get("/Pg")
        return page_index.get(pg.idnum, -1) if pg is not None else inherited

    def visit(obj, parent: ReadNode, page: int | None) -> None:
        elem = obj.get_object()
        if isinstance(elem, ArrayObject):
            for k in elem:
                visit(k, parent, page)
            return
        if not isinstance(elem, DictionaryObject):  # a bare MCID
            parent.mcids.append((page, int(elem)))
            parent.order.append(parent.mcids[-1])
            return
        kind = elem.get("/Type")
        if kind == "/MCR":
            parent.mcids.append((page_of(elem, page), int(elem["/MCID"])))
            parent.order.append(parent.mcids[-1])
            return
        if kind == "/OBJR":
            parent.annots.append(elem["/Obj"].get_object())
            return
        node = ReadNode(str(elem.get("/S", "")).lstrip("/"), elem, parent)
        parent.kids.append(node)
        parent.order.append(node)
        kids = elem.get("/K")
        if kids is not None:
            visit(kids, node, page_of(elem, page))

    visit(tree["/K"], top, None)
    if with_text:
        texts = mcid_texts(reader)
        for node in top.walk():
            node.texts = texts
    return top


def mcid_texts(pdf) -> dict[tuple[int, int], str]:
    """The text inside each marked-content sequence: (page index, MCID) -> text.

    Read straight from the content streams: each string a text operator shows, decoded with its
    font's ToUnicode map, goes to the innermost open MCID. (pypdf's text extraction collects
    text until a line ends, so text on one line belonged to whichever sequence was open then.)
    """
    reader = _reader(pdf)
    out: dict[tuple[int, int], str] = {}
    for i, page in enumerate(reader.pages):
        contents = page.get_contents()
        if contents is None:
            continue
        fonts = page.get("/Resources", {}).get("/Font", {})
        maps: dict[str, dict[int, str]] = {}
        stack: list[int | None] = []
        operands: list = []
        font: dict[int, str] = {}
        for m in _OPERAND.finditer(contents.get_data()):
            kind = m.lastgroup
            if kind != "op":
                if kind in ("str", "hex", "name", "mcid"):
                    operands.append((kind, m.group(kind)))
                continue
            op = m.group("op")
            if op == b"BDC":
                mcid = next((int(v) for k, v in operands if k == "mcid"), None)
                stack.append(mcid)
            elif op == b"BMC":
                stack.append(None)
            elif op == b"EMC" and stack:
                stack.pop()
            elif op == b"Tf":
                name = next((v.decode("latin-1") for k, v in operands if k == "name"), "")
                if name not in maps:
                    maps[name] = _to_unicode(fonts.get("/" + name))
                font = maps[name]
            elif op in (b"Tj", b"TJ", b"'", b'"') and stack and stack[-1] is not None:
                text = "".join(font.get(b, chr(b)) for k, v in operands if k in ("str", "hex")
                               for b in (_unescape(v) if k == "str" else bytes.fromhex(v[1:-1].decode())))
                key = (i, stack[-1])
                out[key] = out.get(key, "") + text
            operands = []
    return out


_OPERAND = re.compile(rb"""
    (?P<str>\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\))
  | <<|>>|[\[\]]
  | (?P<hex><[0-9A-Fa-f\s]*>)
  | /MCID\s+(?P<mcid>\d+)
  | /(?P<name>[^\s/\[\]()<>{}%]*)
  | %[^\r\n]*
  | (?P<op>[A-Za-z'"][A-Za-z0-9*'"]*)
""", re.X | re.S)
_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


def _unescape(literal: bytes) -> bytes:
    """A PDF literal string's bytes (without its parentheses, escapes resolved)."""
    body, out, i = literal[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != 0x5C:  # backslash
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1:i + 2]
        octal = re.match(rb"[0-7]{1,3}", body[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        elif nxt in (b"\n", b"\r"):
            i += 2  # a line continuation
        else:
            out.append(_ESCAPES.get(nxt[0], nxt[0]) if nxt else 0x5C)
            i += 2
    return bytes(out)


def _to_unicode(font) -> dict[int, str]:
    """A simple font's ToUnicode CMap as code -> text (bfchar and bfrange entries)."""
    if font is None:
        return {}
    cmap = font.get_object().get("/ToUnicode")
    if cmap is None:
        return {}
    data = cmap.get_object().get_data()
    out: dict[int, str] = {}

    def text(hexes: bytes) -> str:
        return bytes.fromhex(hexes.decode()).decode("utf-16-be", "replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(code, 16)] = text(uni)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int(uni, 16)
            for n, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(first + n)
    return {k: v for k, v in out.items() if v != "\x00"}


_TOKEN = re.compile(rb"""
    \((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)     # a string (parentheses nest one level)
  | /MCID\s+(?P<mcid>\d+)                              # a marked-content identifier
  | /(?P<name>[^\s/\[\]()<>{}%]*)                        # a name
  | <<|>>|<[0-9A-Fa-f\s]*>|[\[\]]|%[^\r\n]*            # delimiters, hex strings, comments
  | (?P<op>[A-Za-z'"][A-Za-z0-9*'"]*)                   # an operator
""", re.X | re.S)
_MARKING = {b"BDC", b"BMC", b"EMC"}
# text showing in a piece of a text object's code
_SHOWS = re.compile(r"(?<![^\s\]>)])(?:Tj|TJ|'|\")(?=\s|$)")
# a painting operator in a piece of canvas code (ReportLab writes one drawing call per entry)
_PAINTS = re.compile(r"(?<![^\s\]>)])(?:S|s|f\*?|F|B\*?|b\*?|Tj|TJ|'|\"|Do|sh)(?=\s|$)")


def marking_operators(page, reader=None):
    """The marked-content and painting operators of a page, in order: (op, tag, MCID or None).

    A direct scan of the decoded content stream (pypdf's full parse of every operand took
    half of a check's time); a page with an inline image falls back to pypdf's parser.
    """
    contents = page.get_contents()
    if contents is None:
        return
    data = contents.get_data()
    if re.search(rb"(?<![A-Za-z])BI(?![A-Za-z0-9])", data):
        from pypdf.generic import ContentStream

        for operands, op in ContentStream(contents, reader).operations:
            if op in _MARKING:
                props = operands[1] if op == b"BDC" and len(operands) > 1 else None
                mcid = props.get("/MCID") if hasattr(props, "get") else None
                yield op, str(operands[0]) if operands else None, None if mcid is None else int(mcid)
            elif op in PAINTING or op == b"INLINE IMAGE":
                yield op, None, None
        return
    tag: str | None = None
    mcid: int | None = None
    for m in _TOKEN.finditer(data):
        op = m.group("op")
        if op is None:
            if m.group("name") is not None and tag is None:
                tag = "/" + m.group("name").decode("latin-1")
            elif m.group("mcid") is not None:
                mcid = int(m.group("mcid"))
            continue
        if op in _MARKING:
            yield op, tag, mcid
        elif op in PAINTING:
            yield op, None, None
        tag, mcid = None, None


def _true(value) -> bool:
    return value is not None and str(value.get_object()).lower() == "true"


def check_accessibility(pdf) -> tuple[bool, str]:
    """Is this a tagged PDF a screen reader can follow? Returns (passed, detail); see below."""
    problems, summary = accessibility_problems(pdf)
    if problems:
        more = f" (+{len(problems) - 4} more)" if len(problems) > 4 else ""
        return False, "; ".join(problems[:4]) + more
    return True, summary


def accessibility_problems(pdf) -> tuple[list[str], str]:
    """Every accessibility problem of a PDF (bytes or a pypdf reader), and a summary when none.

    Checks: the catalog (MarkInfo, Lang, DisplayDocTitle, XMP with pdfuaid:part); every page's
    painting operators inside marked content or an artifact, sequences balanced, no tagged
    content nested in other marked content; every MCID in the ParentTree and back-referenced
    by its element; every element's /Pg a page of the document; every link and form widget
    in the tree through /StructParent, widgets with a tooltip; heading levels never skip.
    """
    reader = _reader(pdf)
    problems: list[str] = []
    root = reader.trailer["/Root"]
    mark = root.get("/MarkInfo")
    if not (mark is not None and _true(mark.get_object().get("/Marked"))):
        problems.append("catalog /MarkInfo /Marked is not true")
    if not str(root.get("/Lang") or "").strip():
        problems.append("no /Lang on the catalog")
    prefs = root.get("/ViewerPreferences")
    if not (prefs is not None and _true(prefs.get_object().get("/DisplayDocTitle"))):
        problems.append("DisplayDocTitle is not true")
    meta = root.get("/Metadata")
    xmp = meta.get_object().get_data() if meta is not None else b""
    if b"<pdfuaid:part>1</pdfuaid:part>" not in xmp or b"<dc:title>" not in xmp:
        problems.append("XMP metadata lacks pdfuaid:part 1 or dc:title")
    tree = read_tree(reader, with_text=False)
    if tree is None:
        return ["no structure tree (untagged)"] + problems, ""
    # the ParentTree: a number tree from StructParent(s) keys to elements
    nums: dict[int, object] = {}

    def number_tree(node) -> None:
        node = node.get_object()
        pairs = node.get("/Nums") or []
        for j in range(0, len(pairs) - 1, 2):
            nums[int(pairs[j])] = pairs[j + 1]
        for kid in node.get("/Kids") or []:
            number_tree(kid)

    parent_tree = tree.obj.get("/ParentTree")
    if parent_tree is None:
        problems.append("no ParentTree")
    else:
        number_tree(parent_tree)
    elements = list(tree.walk())[1:]
    owner = {}  # (page, mcid) -> element object id
    for e in elements:
        for key in e.mcids:
            owner[key] = e.obj.indirect_reference.idnum if e.obj.indirect_reference else id(e.obj)
    n_pages = len(reader.pages)
    unmarked: list[str] = []
    sequences = 0
    for i, page in enumerate(reader.pages):
        stack: list[str] = []
        painted_outside = 0
        mcids: list[int] = []
        for op, tag, mcid in marking_operators(page, reader):
            if op == b"BDC" or op == b"BMC":
                if tag == "/Artifact":
                    kind = "artifact"
                elif mcid is not None:
                    kind = "tagged"
                    if any(k in ("tagged", "artifact") for k in stack):
                        problems.append(f"page {i + 1}: MCID {mcid} nested inside other marked content")
                    mcids.append(int(mcid))
                    sequences += 1
                else:
                    kind = "other"
                stack.append(kind)
            elif op == b"EMC":
                if not stack:
                    problems.append(f"page {i + 1}: EMC without a marked-content sequence")
                else:
                    stack.pop()
            elif not any(k in ("tagged", "artifact") for k in stack):  # a painting operator
                painted_outside += 1
        if stack:
            problems.append(f"page {i + 1}: {len(stack)} marked-content sequence(s) never closed")
        if painted_outside:
            unmarked.append(f"page {i + 1} ({painted_outside})")
        if len(set(mcids)) != len(mcids):
            problems.append(f"page {i + 1}: an MCID is used twice")
        if mcids:
            key = page.get("/StructParents")
            entry = nums.get(int(key)) if key is not None else None
            array = entry.get_object() if entry is not None else None
            if array is None:
                problems.append(f"page {i + 1}: no ParentTree entry for its /StructParents")
                continue
            for mcid in mcids:
                elem = array[mcid] if mcid < len(array) else None
                target = elem.idnum if hasattr(elem, "idnum") else None
                if target is None:
                    problems.append(f"page {i + 1}: MCID {mcid} is not in the ParentTree")
                elif owner.get((i, mcid)) != target:
                    problems.append(f"page {i + 1}: MCID {mcid}'s ParentTree element does not contain it")
        if page.get("/Annots") and page.get("/Tabs") != "/S":
            problems.append(f"page {i + 1}: tab order does not follow the structure (/Tabs /S)")
    if unmarked:
        problems.append("content outside marked content or artifacts on " + ", ".join(unmarked[:5]))
    # every element's page reference is a page of this document
    for e in elements:
        pg = e.obj.get("/Pg")
        if pg is not None and not any(pg.idnum == p.indirect_reference.idnum for p in reader.pages):
            problems.append(f"{e.role} element's /Pg is not a page of the document")
        if any(p < 0 or p >= n_pages for p, _ in e.mcids):
            problems.append(f"{e.role} element refers to marked content on a page that does not exist")
    # annotations: links and form fields are in the tree
    annots = 0
    for i, page in enumerate(reader.pages):
        for a in page.get("/Annots") or []:
            annot = a.get_object()
            if annot.get("/Subtype") not in ("/Link", "/Widget"):
                continue
            annots += 1
            key = annot.get("/StructParent")
            elem = nums.get(int(key)) if key is not None else None
            holder = next((e for e in elements if elem is not None and e.obj.indirect_reference is not None
                           and e.obj.indirect_reference.idnum == elem.idnum), None)
            if holder is None or not any(x.indirect_reference == a.indirect_reference or x is annot
                                         for x in holder.annots):
                problems.append(f"page {i + 1}: a {annot['/Subtype'][1:]} annotation is not in the structure tree")
            if annot.get("/Subtype") == "/Widget" and not str(annot.get("/TU") or "").strip():
                problems.append(f"page {i + 1}: form field {annot.get('/T')} has no tooltip (/TU)")
            if annot.get("/Subtype") == "/Link" and not str(annot.get("/Contents") or "").strip():
                problems.append(f"page {i + 1}: a link has no description (/Contents)")
    # headings in reading order never skip a level
    levels = [(int(e.role[1]), e) for e in elements if re.fullmatch(r"H[1-6]", e.role)]
    last = 0
    for level, _e in levels:
        if level > last + 1:
            problems.append(f"heading level skips from H{last} to H{level}" if last else f"first heading is H{level}")
        last = level
    if not levels:
        problems.append("no headings in the structure tree")
    return problems, (f"{len(elements)} structure elements, {sequences} marked-content sequences in the ParentTree, "
                  f"{annots} links and fields tagged, {len(levels)} headings without skipped levels")
