"""A built PDF (bytes or a pypdf reader) in; its PDF/UA accessibility problems, or a summary, out."""

from __future__ import annotations

import re

from ._read import _reader, marking_operators, read_tree


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
