"""A Structure in; a tagging canvas out, which writes the tree, ParentTree, MarkInfo and XMP when it saves."""

from __future__ import annotations

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfdoc import (LinkAnnotation, PDFArray, PDFDictionary, PDFName, PDFObject, PDFStream,
                                      PDFString)
from reportlab.pdfbase.pdfdoc import format as format_pdf
from reportlab.pdfgen.canvas import Canvas

from ..content import XMP_NS, escape
from ._structure import Node, Structure
from ._tagger import Tagger


class TaggedCanvas(Canvas):
    """A canvas that records marked content while drawing and writes the tree when it saves."""

    def __init__(self, *args, structure: Structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.tagger = Tagger(self, structure)

    def _addAnnotation(self, annotation, name=None, addtopage=1):
        if type(annotation) is LinkAnnotation:
            annotation.__class__ = Link
        super()._addAnnotation(annotation, name, addtopage)
        if addtopage:
            self.tagger.annotated(annotation, self._annotationrefs[-1])

    def _setAnnotations(self, page):
        super()._setAnnotations(page)
        self.tagger.page_done(page)

    def save(self):
        if len(self._code):
            self.showPage()
        _write_tree(self.tagger)
        super().save()


def canvas_maker(structure: Structure):
    """A canvasmaker for BaseDocTemplate.build that tags with this structure."""
    def make(*args, **kwargs):
        return TaggedCanvas(*args, structure=structure, **kwargs)
    return make


def _write_tree(tagger: Tagger) -> None:
    """Write what the tagger recorded into the canvas's document: the structure tree (ordered by
    drawing order), ParentTree, MarkInfo and XMP metadata, through ReportLab's own objects."""
    doc = tagger.canv._doc
    npages = len(tagger.pages)
    page_refs = [doc.Reference(p) for p in tagger.pages]
    first: dict[int, tuple] = {}  # id(node) -> (seq, page) of its first content in the subtree
    ordered: dict[int, list] = {}

    def visit(node: Node) -> bool:
        """Order the node's content and child elements by drawing order; drop empty ones."""
        items = [("c", item[0], item) for item in tagger.content.get(id(node), [])]
        for child in node.children + tagger.link_nodes.get(id(node), []):
            if visit(child):
                items.append(("n", first[id(child)][0], child))
        if not items:
            return False
        items.sort(key=lambda k: k[1])
        ordered[id(node)] = items
        head = items[0]
        first[id(node)] = (head[1], head[2][1] if head[0] == "c" else first[id(head[2])][1])
        return True

    if not visit(tagger.structure.root):
        return
    # register every element in pre-order, so object numbers follow reading order
    elems: dict[int, Compact] = {}
    refs: dict[int, object] = {}
    order: list[Node] = []

    # an object's number is fixed when it is registered, so the references are written as bytes here,
    # once, rather than looked up and encoded one by one when the file is formatted (618 elements)
    numbers = doc.idToObjectNumberAndVersion

    def ref(reference) -> bytes:
        return b"%d %d R" % numbers[reference.name]

    page_refs = [ref(r) for r in page_refs]

    def register(node: Node) -> None:
        elems[id(node)] = Compact()
        refs[id(node)] = ref(doc.Reference(elems[id(node)]))
        order.append(node)
        for kind, _, x in ordered[id(node)]:
            if kind == "n":
                register(x)

    register(tagger.structure.root)
    tree_root = PDFDictionary()
    root_ref = ref(doc.Reference(tree_root))
    parent_tree: dict[int, list] = {p: [b"null"] * tagger.mcids.get(p, 0) for p in range(npages)}
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
                kids += [b"<</Type/OBJR/Obj", ref(what), b"/Pg", page_refs[page], b">>"]
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
    for i, (annotation, node) in enumerate(tagger.annotations):
        key = npages + i
        nums += [b"%d" % key, refs[id(node)]]
        if isinstance(annotation, PDFDictionary):
            annotation["StructParent"] = key
        else:
            annotation.otherkw["StructParent"] = key
    tree_root["Type"] = PDFName("StructTreeRoot")
    tree_root["K"] = doc.Reference(elems[id(tagger.structure.root)])
    tree_root["ParentTree"] = doc.Reference(Compact([b"/Nums [", *nums, b"]"]))
    tree_root["ParentTreeNextKey"] = npages + len(tagger.annotations)
    catalog = doc.Catalog
    catalog.StructTreeRoot = tree_root
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    catalog.Metadata = PlainStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                                   xmp_packet(tagger.structure.meta).encode("utf-8"))


class Compact(PDFObject):
    """A dictionary written straight from byte pieces and PDF objects (references, strings).

    A tagged guide has hundreds of small structure elements; ReportLab's general dictionary
    formatting of each doubled the time spent writing the file.
    """

    def __init__(self, parts: list | None = None):
        self.parts = parts or []

    def format(self, document):
        try:  # most elements are bytes only (their references are written as bytes)
            return b"<<" + b" ".join(self.parts) + b">>"
        except TypeError:  # a PDFString (Alt, ActualText) or another PDF object among them
            return b"<<" + b" ".join(p if isinstance(p, bytes) else p.format(document) for p in self.parts) + b">>"


class Link(LinkAnnotation):
    """A link annotation written straight to bytes: the bytes ReportLab's general dictionary formatting
    writes for a link (sorted keys, a line break before the sixth entry), at a fifth of its cost
    (a guide has about 75 links: 11 ms a build). Any other kind of link is left to ReportLab."""

    def format(self, document):
        extra = self.otherkw
        if (set(extra) - {"StructParent"} or not isinstance(self.Border, PDFArray) or isinstance(self.Rect, str)
                or not isinstance(extra.get("StructParent", 0), int)):
            return super().format(document)
        border, rect = self.Border.sequence, self.Rect
        if not all(type(v) in (int, float) for v in (*border, *rect)) or len(border) > 10:
            return super().format(document)
        entries = [b"/Border [ " + fp_str(*border).encode("ascii") + b" ]",
                   b"/Contents " + PDFString(self.Contents).format(document),
                   b"/Dest " + format_pdf(self.Destination, document),
                   b"/Rect [ " + fp_str(*rect).encode("ascii") + b" ]"]
        if "StructParent" in extra:
            entries.append(b"/StructParent %d" % extra["StructParent"])
        entries += [b"/Subtype /Link", b"/Type /Annot"]
        for i in reversed(range(6, len(entries), 6)):
            entries.insert(i, b"\n ")
        return b"<<\n" + b" ".join(entries) + b"\n>>"


class PlainStream(PDFStream):
    """An unfiltered stream (XMP metadata stays readable to tools that do not parse PDF)."""

    def format(self, document):
        d = PDFDictionary(self.dictionary.dict.copy())
        d["Length"] = len(self.content)
        return format_pdf(d, document) + b"\nstream\n" + self.content + b"endstream\n"


def xmp_packet(meta: dict[str, str]) -> str:
    """XMP metadata: title, author, subject, keywords, tool, the PDF/UA identification, and the build
    record: each ``guide:NAME`` key of ``meta`` becomes a property in our namespace (content._record.XMP_NS)."""
    e = {k: escape(v or "", {'"': "&quot;"}) for k, v in meta.items()}
    lang = e.get("lang") or "x-default"
    build = "".join(f"<{k}>{v}</{k}>\n" for k, v in e.items() if k.startswith("guide:") and k[6:].isalnum())
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about=""\n'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"'
        + (f'\n xmlns:guide="{XMP_NS}"' if build else "") + '>\n'
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
        + build +
        '</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>\n'
    )
