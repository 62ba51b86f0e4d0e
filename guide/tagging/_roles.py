"""A story of flowables with roles in; its structure tree out, each drawable piece bound to its element."""

from __future__ import annotations

import re

from reportlab.platypus import ListFlowable, ListItem, Paragraph, Table
from reportlab.platypus.flowables import LIIndenter

from ._marked import TaggedBullet, TaggedTable, TaggedText, _bind, _mixed
from ._structure import ARTIFACT, Node, Structure

# Story roles that are not PDF 1.7 standard structure types, and the standard type written.
STANDARD = {"Title": "H1", "Callout": "Div", "DT": "Lbl", "DD": "LBody"}
# Runs of sibling roles that read as one group: role -> (group key, group element).
RUNS = {"TOCI": ("toc", "TOC"), "DT": ("glossary", "L"), "DD": ("glossary", "L"), "BibEntry": ("bib", "L")}
LINK_DESCRIPTION_MAX = 100


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
