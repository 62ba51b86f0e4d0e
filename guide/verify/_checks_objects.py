"""An Inspection in; checks of the PDF's objects out: fonts, document metadata, form fields, tagged structure."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..content import models as m
from ._inspect import Inspection
from ._pdffile import form_fields
from ._report import Check, _pages_label, short


def _font_problem(font) -> str | None:
    name = str(font.get("/BaseFont", "?")).lstrip("/")
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return None
    descriptor_holder = font
    if subtype == "/Type0":
        kids = font.get("/DescendantFonts") or []
        if not kids:
            return f"{name} (Type0) has no descendant font"
        descriptor_holder = kids[0].get_object()
    fd = descriptor_holder.get("/FontDescriptor")
    fd = fd.get_object() if fd is not None else None
    if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
        return f"{name} ({str(subtype).lstrip('/')}) is not embedded"
    if not re.match(r"[A-Z]{6}\+", name):
        return f"{name} is embedded whole, not subset"
    return None


def _resource_fonts(resources, seen: set[int]) -> Iterator[tuple[str, object]]:
    """Every font in a resource dictionary, following form XObjects and their own resources."""
    if resources is None:
        return
    resources = resources.get_object()
    fonts = resources.get("/Font")
    if fonts is not None:
        for name, ref in fonts.get_object().items():
            font = ref.get_object()
            key = getattr(ref, "idnum", None)
            if key is not None:
                if key in seen:
                    continue
                seen.add(key)
            yield str(name), font
    xobjects = resources.get("/XObject")
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            key = getattr(ref, "idnum", None)
            if key is not None and -key in seen:
                continue
            if key is not None:
                seen.add(-key)
            xo = ref.get_object()
            if xo.get("/Subtype") == "/Form":
                yield from _resource_fonts(xo.get("/Resources"), seen)


def _appearance_streams(annot) -> Iterator[object]:
    ap = annot.get("/AP")
    if ap is None:
        return
    for state in ap.get_object().values():
        state = state.get_object()
        if hasattr(state, "get_data"):
            yield state
        else:
            for stream in state.values():
                yield stream.get_object()


def _page_resources(page):
    node = page
    while node is not None:
        res = node.get("/Resources")
        if res is not None:
            return res
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def check_fonts(ins: Inspection) -> Check:
    """Every font on every page (and in form XObjects, annotation appearances and the form's
    default resources) is embedded and subset; no unembedded standard font anywhere."""
    problems: dict[str, list[int]] = {}
    names: set[str] = set()
    for i, page in enumerate(ins.pages):
        seen: set[int] = set()
        sources = [_page_resources(page)]
        for ref in page.get("/Annots") or []:
            sources += [s.get("/Resources") for s in _appearance_streams(ref.get_object())]
        for res in sources:
            for _, font in _resource_fonts(res, seen):
                names.add(re.sub(r"^[A-Z]{6}\+", "", str(font.get("/BaseFont", "?")).lstrip("/")))
                bad = _font_problem(font)
                if bad:
                    problems.setdefault(bad, []).append(i)
    form = ins.reader.trailer["/Root"].get("/AcroForm")
    if form is not None:
        for _, font in _resource_fonts(form.get_object().get("/DR"), set()):
            bad = _font_problem(font)
            if bad:
                problems.setdefault(bad + " (form default resources)", [])
    if problems:
        parts = [f"{p} ({_pages_label(pages)})" if pages else p for p, pages in problems.items()]
        return Check("fonts", False, "; ".join(parts))
    return Check("fonts", True, f"{len(names)} fonts, all embedded and subset: {', '.join(sorted(names))}")


def check_metadata(ins: Inspection) -> Check:
    """Document title, author, subject and keywords; /Lang; /ViewerPreferences /DisplayDocTitle."""
    g = ins.guide
    info = ins.reader.metadata or {}
    want = {"/Title": g.title, "/Author": g.author.line, "/Subject": g.subtitle}
    if g.keywords:
        want["/Keywords"] = ", ".join(g.keywords)
    problems = [f"{k[1:].lower()} is {short(str(info.get(k)), 40)!r}, expected {short(v, 40)!r}"
                for k, v in want.items() if str(info.get(k) or "") != v]
    root = ins.reader.trailer["/Root"]
    lang = root.get("/Lang")
    if str(lang or "") != g.language:
        problems.append(f"/Lang is {str(lang) if lang is not None else 'missing'}, expected {g.language}")
    prefs = root.get("/ViewerPreferences")
    prefs = prefs.get_object() if prefs is not None else {}
    if getattr(prefs.get("/DisplayDocTitle"), "value", None) is not True:
        problems.append("/ViewerPreferences /DisplayDocTitle is not true")
    if problems:
        return Check("metadata", False, "; ".join(problems))
    return Check("metadata", True, f"title, author, subject{', keywords' if g.keywords else ''}, "
                                   f"/Lang {g.language}, DisplayDocTitle as in the content")


def check_form(ins: Inspection) -> Check:
    """One checkbox per checklist item, named as the content says, unchecked, on its checklist's pages."""
    expected: list[tuple[str, m.Section]] = []
    for section, block in ins.guide.blocks():
        if isinstance(block, m.Checklist):
            expected += [(block.field_name(item), section) for item in block.items]
    fields = form_fields(ins)
    names = [n for n, _ in fields]
    problems: list[str] = []
    want = [n for n, _ in expected]
    missing = [n for n in want if n not in names]
    extra = [n for n in names if n not in want]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if missing:
        problems.append(f"missing {', '.join(missing[:4])}" + (" \u2026" if len(missing) > 4 else ""))
    if extra:
        problems.append(f"unexpected {', '.join(extra[:4])}" + (" \u2026" if len(extra) > 4 else ""))
    if dupes:
        problems.append(f"duplicated {', '.join(dupes[:4])}")
    widget_page = {}
    for i, page in enumerate(ins.pages):
        for ref in page.get("/Annots") or []:
            if hasattr(ref, "idnum"):
                widget_page[ref.idnum] = i
    home = dict(expected)
    for name, f in fields:
        if f.get("/FT") != "/Btn" or int(f.get("/Ff", 0)) & ((1 << 15) | (1 << 16)):
            problems.append(f"{name} is not a checkbox")
            continue
        if str(f.get("/V", "/Off")) != "/Off":
            problems.append(f"{name} is checked ({f.get('/V')})")
        widgets = [k for k in f.get("/Kids") or []] or [f.indirect_reference]
        for w in widgets:
            wo = w.get_object() if w is not None else f
            if str(wo.get("/AS", "/Off")) != "/Off":
                problems.append(f"{name} shows as checked")
            page = widget_page.get(getattr(w, "idnum", None))
            if page is None:
                problems.append(f"{name} is on no page")
            elif name in home:
                span = ins.span(home[name])
                if span is not None and page not in ins.span_pages(*span):
                    problems.append(f"{name} is on page {page + 1}, its checklist on "
                                    f"{_pages_label(ins.span_pages(*span))}")
    if problems:
        return Check("form", False, f"{len(names)} fields for {len(want)} checklist items: " + "; ".join(problems[:4]))
    return Check("form", True, f"{len(names)} checkboxes, one per checklist item, named as in the content, "
                               "all unchecked")


def check_accessibility(ins: Inspection) -> Check:
    """The tagged-PDF checks of guide.tagging (structure tree, marked content, ParentTree, headings).

    Optional (``--accessibility``): it parses every content stream again and loads the layout
    modules, which roughly doubles the time of a verify.
    """
    from ..tagging import check_accessibility as tagged

    passed, detail = tagged(ins.reader)
    return Check("accessibility", passed, detail)
