"""Pieces drawn on a canvas in; their MCIDs per page, annotations and pages, recorded per element, out."""

from __future__ import annotations

import re

from reportlab.pdfbase.pdfdoc import PDFName, PDFPage
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from ._structure import ARTIFACT, Node, Structure

# Roles whose visible drawing is decoration: their meaning is carried by an annotation
# (a form field's widget with its tooltip), so the drawing is an artifact.
DRAWN_AS_ARTIFACT = {"Form"}
# a painting operator in a piece of canvas code (ReportLab writes one drawing call per entry)
_PAINTS = re.compile(r"(?<![^\s\]>)])(?:S|s|f\*?|F|B\*?|b\*?|Tj|TJ|'|\"|Do|sh)(?=\s|$)")


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
