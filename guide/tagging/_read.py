"""A built PDF in; its structure tree (ReadNode), each sequence's text and each page's marking operators out."""

from __future__ import annotations

import re

from ._stream import to_unicode, unescape

# Operators that put marks on the page (text showing, path painting, images, shadings).
PAINTING = {b"Tj", b"TJ", b"'", b'"', b"Do", b"sh", b"BI", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"S", b"s"}


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
                               for b in (unescape(v) if k == "str" else bytes.fromhex(v[1:-1].decode())))
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
def _to_unicode(font) -> dict[int, str]:
    """A simple font's ToUnicode map, without the codes it maps to U+0000 (those read as their code)."""
    if font is None:
        return {}
    return {k: v for k, v in to_unicode(font.get_object()).items() if v != "\x00"}


_TOKEN = re.compile(rb"""
    \((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)     # a string (parentheses nest one level)
  | /MCID\s+(?P<mcid>\d+)                              # a marked-content identifier
  | /(?P<name>[^\s/\[\]()<>{}%]*)                        # a name
  | <<|>>|<[0-9A-Fa-f\s]*>|[\[\]]|%[^\r\n]*            # delimiters, hex strings, comments
  | (?P<op>[A-Za-z'"][A-Za-z0-9*'"]*)                   # an operator
""", re.X | re.S)
_MARKING = {b"BDC", b"BMC", b"EMC"}


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
