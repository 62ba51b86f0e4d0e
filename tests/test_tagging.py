"""Tagged PDF (PDF/UA-1): the structure tree read back with pypdf, the accessibility check, pdfua.

The default guide is built once per session (conftest); the checks that must be able to fail
run on copies of it with one thing broken, edited in place at the same byte length so the
cross-reference table stays valid and no second build is needed.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import built

from guide.content import models as m
from guide.build import load, render_guide
from guide.layout import even_pages, render
from guide.content import BuildOptions
from guide.tagging import accessibility_problems, check_accessibility, read_tree
from guide.layout import make_theme

# editions other tests build too (conftest caches each set of options once per session):
# large print turns the regimen table into cards, a sections copy drops most of the tree
EDITIONS = [BuildOptions(large_print=True), BuildOptions(sections=("chemotherapy",))]


def squash(text: str) -> str:
    return "".join(text.split())


def reader_words(inline: m.Inline, numbers: dict[str, int]) -> str:
    """What the page says for an inline run: citations as [n, m] in number order."""
    out = []
    for span in inline:
        if isinstance(span, m.Cite):
            out.append("[" + ", ".join(str(n) for n in sorted(numbers[k] for k in span.keys)) + "]")
        else:
            out.append(span.text)
    return "".join(out)


@pytest.fixture(scope="module")
def tree(default_reader):
    t = read_tree(default_reader)
    assert t is not None, "the default guide has no structure tree"
    return t


def expected_headings(guide: m.Guide, notes_pages: int = 0) -> list[tuple[int, str]]:
    """Every heading a reader should meet, in order, from the content alone: the cover title,
    Contents, each section (H1 top level, H2 below), each checklist and callout title one level
    below its section, then the closing page, any Notes pages and the help panel."""
    out = [(1, guide.title), (1, "Contents")]

    def section(s: m.Section, level: int) -> None:
        out.append((level + 1, s.title))
        for block in s.blocks:
            if isinstance(block, (m.Checklist, m.Callout)):
                out.append((level + 2, block.title))
        for sub in s.subsections:
            section(sub, level + 1)

    for s in guide.sections:
        section(s, 0)
    out.append((1, "About this guide"))
    out += [(1, "Notes")] * notes_pages
    out.append((1, guide.brand.help_title))
    out += [(2, item.title) for item in guide.brand.help_items]
    return out


def test_heading_sequence_is_the_contents_titles(tree, guide_model):
    headings = [(int(n.role[1]), n.text) for n in tree.walk() if re.fullmatch(r"H[1-6]", n.role)]
    # the default guide lays out to an odd count, so a Notes page makes it even for printing on both sides
    options, _ = even_pages(guide_model, make_theme(guide_model.brand), BuildOptions())
    assert options.notes_pages == 1
    assert [(level, squash(text)) for level, text in headings] == \
        [(level, squash(text)) for level, text in expected_headings(guide_model, options.notes_pages)]


def test_document_root_and_reading_order_of_paragraphs(tree, guide_model):
    assert [k.role for k in tree.kids] == ["Document"]
    paragraphs = [squash(n.text) for n in tree.walk() if n.role == "P"]
    numbers = guide_model.reference_numbers
    expected = [squash(reader_words(b.text, numbers)) for _, b in guide_model.blocks() if isinstance(b, m.Paragraph)]
    # every content paragraph is one P element, in content order
    found = [p for p in paragraphs if p in set(expected)]
    assert found == expected


def test_regimen_table_has_a_header_cell_per_column_and_a_row_per_regimen(tree, guide_model):
    tables = tree.find("Table")
    assert len(tables) == 1
    table = tables[0]
    assert table.kids[0].role == "Caption"
    rows = [k for k in table.kids if k.role == "TR"]
    regimens = guide_model.regimens()
    assert len(rows) == len(regimens) + 1
    header, body = rows[0], rows[1:]
    assert [c.role for c in header.kids] == ["TH"] * 6
    assert all(c.obj["/A"]["/Scope"] == "/Column" for c in header.kids)
    assert [squash(c.text) for c in header.kids] == \
        ["Regimen", "Drugs", "Mediansurvival(months)", "Responserate", "Evidence", "Sources"]
    for row, regimen in zip(body, regimens, strict=True):
        cells = row.kids
        assert [c.role for c in cells] == ["TD"] * 6
        figure = "\u2014" if regimen.median_survival_months is None else f"{regimen.median_survival_months:g}"
        assert squash(cells[0].text) == squash(regimen.regimen)
        assert squash(cells[1].text) == squash(", ".join(regimen.drugs))
        assert squash(cells[2].text) == figure


def test_each_checkbox_is_a_form_element_with_its_tooltip(tree, guide_model):
    forms = tree.find("Form")
    widgets = {str(a["/T"]): (form, a) for form in forms for a in form.annots}
    expected = {cl.field_name(item): (cl, item) for cl in guide_model.checklists() for item in cl.items}
    assert set(widgets) == set(expected)
    for name, (form, annot) in widgets.items():
        checklist, item = expected[name]
        assert str(annot["/TU"]) == f"{m.plain(item.text)}: {checklist.title}"
        assert annot["/StructParent"] is not None
        # the box is the item's label; the item's words are its body
        li = form.parent.parent
        assert (form.parent.role, li.role) == ("Lbl", "LI")
        assert squash(next(k for k in li.kids if k.role == "LBody").text) == squash(m.plain(item.text))


def test_lists_have_labels_and_bodies_and_nest(tree, guide_model):
    nested = [li for li in tree.find("LI") if any(k.role == "L" for b in li.kids for k in b.kids)]
    assert nested, "the TNM criteria are a nested list"
    for li in tree.find("LI"):
        assert {k.role for k in li.kids} <= {"Lbl", "LBody"}
    bodies = [squash(n.text) for n in tree.find("LBody")]
    numbers = guide_model.reference_numbers
    items = [i for _, b in guide_model.blocks() if isinstance(b, m.BulletList) for i in _walk_items(b.items)]
    missing = [i for i in items if not any(b.startswith(squash(reader_words(i.text, numbers))) for b in bodies)]
    assert items and not missing
    terms = [squash(t.term) for t in guide_model.glossary]
    labels = [squash(li.kids[0].text) for li in tree.find("LI") if li.kids[0].role == "Lbl"]
    assert [t for t in labels if t in set(terms)] == terms


def _walk_items(items):
    for item in items:
        yield item
        yield from _walk_items(item.items)


def test_links_are_tagged_with_descriptions(tree, default_reader, guide_model):
    links = tree.find("Link")
    annots = [a.get_object() for p in default_reader.pages for a in (p.get("/Annots") or [])
              if a.get_object()["/Subtype"] == "/Link"]
    assert len(links) == len(annots) > 0
    for link in links:
        (annot,) = link.annots
        assert str(annot["/Contents"]).strip() and str(link.obj["/Alt"]) == str(annot["/Contents"])
    # a citation's Link holds its number; a glossary link holds the linked words (when the link is
    # the whole paragraph, ReportLab draws it in one piece and the words stay with the paragraph)
    in_text = [link for link in links if link.parent.role != "TOCI"]
    assert all(re.fullmatch(r"\d+", link.text) for link in in_text if link.parent.role == "Reference")
    glossary = {squash(t.term).lower() for t in guide_model.glossary}
    worded = [link for link in in_text if link.parent.role != "Reference"]
    assert all(squash(link.text or link.parent.text).lower() in glossary or link.text for link in worded)
    assert sum(bool(link.text) for link in worded) >= len(worded) - 1
    citations = [link for link in links if link.parent.role == "Reference"]
    assert citations and all(str(link.obj["/Alt"]).startswith("Reference: ") for link in citations)


def test_contents_entries_are_toc_items_linking_to_their_sections(tree, guide_model):
    (toc,) = tree.find("TOC")
    titles = [squash(s.title) for level, s in guide_model.all_sections() if level <= 1]
    assert len(toc.kids) == len(titles)
    assert all(squash(i.text).startswith(t) for i, t in zip(toc.kids, titles, strict=True))
    assert all(i.role == "TOCI" and len(i.find("Link")) == 1 for i in toc.kids)


def test_catalog_declares_a_tagged_pdf_ua_document(default_reader, guide_model):
    root = default_reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]) == guide_model.language
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp and guide_model.title in xmp
    assert all(p["/Tabs"] == "/S" for p in default_reader.pages)


def test_accessibility_check_passes_on_the_default_guide(default_pdf):
    ok, detail = check_accessibility(default_pdf)
    assert ok, detail


@pytest.mark.parametrize("options", EDITIONS, ids=["large-print", "sections"])
def test_every_edition_is_tagged(options):
    ok, detail = check_accessibility(built(options)[0])
    assert ok, detail


def test_a_paragraph_split_over_two_pages_is_one_element_with_a_piece_on_each():
    tree = read_tree(built(BuildOptions(large_print=True))[0])
    spanning = [n for n in tree.walk() if len({page for page, _ in n.mcids}) > 1]
    assert spanning, "large print splits some paragraphs across pages"
    for node in spanning:
        pieces = node.pieces()
        pages = [page for (page, _), _ in pieces]
        assert pages == sorted(pages) and pages[-1] == pages[0] + 1
        # it goes on at the top of the next page, and the words either side of the break stay apart
        at = pages.index(pages[-1])
        assert pieces[at][0][1] == 0
        assert pieces[at - 1][1].endswith((" ", " \n")), pieces[at - 1][1][-20:]


def _same_length(pdf: bytes, old: bytes, new: bytes, after: bytes = b"") -> bytes:
    """Replace the first ``old`` (after ``after``) with ``new`` of the same length."""
    assert len(old) == len(new)
    at = pdf.index(old, pdf.index(after) if after else 0)
    return pdf[:at] + new + pdf[at + len(old):]


def _nums_first_ref(pdf: bytes) -> bytes:
    return re.search(rb"/Nums \[ 0 \[ (\d+ 0 R)", pdf).group(1)


def _first_h1_on_object_1(pdf: bytes) -> bytes:
    """The first H1 element's /Pg pointed at object 1 (the catalog), padded to the same length."""
    def repoint(g: re.Match) -> bytes:
        return g.group(1) + b"/Pg 1" + b" " * (len(g.group(2)) - 1) + b" 0 R"
    return re.sub(rb"(/S/H1 /P \d+ 0 R )/Pg (\d+) 0 R", repoint, pdf, count=1)


BROKEN = {
    # a heading two levels below the one before it
    "skipped heading level": (lambda pdf: _same_length(pdf, b"/S/H2 ", b"/S/H4 "), "skips from H1 to H4"),
    # a page's first MCID dropped from the ParentTree
    "MCID not in ParentTree": (lambda pdf: _same_length(pdf, _nums_first_ref(pdf), b"null".ljust(
        len(_nums_first_ref(pdf))), b"/Nums [ 0 ["), "MCID 0 is not in the ParentTree"),
    # a structure element pointing at an object that is not a page (the catalog, object 1)
    "element /Pg not a page": (lambda pdf: _first_h1_on_object_1(pdf), "/Pg is not a page"),
    # a checkbox that has lost its tooltip
    "field without tooltip": (lambda pdf: _same_length(pdf, b"/TU (", b"/XX ("), "has no tooltip"),
    # the document no longer claims to be tagged
    "not marked": (lambda pdf: _same_length(pdf, b"/Marked true", b"/Marked null"), "/Marked is not true"),
}


def test_accessibility_check_finds_each_kind_of_breakage(default_pdf):
    # one copy with every breakage (the check reads a PDF in about half a second)
    broken = default_pdf
    for name, (breaker, _) in BROKEN.items():
        before, broken = broken, breaker(broken)
        assert broken != before and len(broken) == len(default_pdf), name
    problems, _ = accessibility_problems(broken)
    missed = [name for name, (_, message) in BROKEN.items() if not any(message in p for p in problems)]
    assert not missed, problems
    assert not check_accessibility(broken)[0]


def test_accessibility_check_fails_on_unmarked_content(default_pdf):
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ContentStream, NameObject, NumberObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(default_pdf)))
    page = writer.pages[3]
    ops = ContentStream(page.get_contents(), writer)
    font = next(iter(page["/Resources"]["/Font"]))
    ops.operations += [([], b"BT"), ([NameObject(font), NumberObject(12)], b"Tf"),
                       ([TextStringObject("stray")], b"Tj"), ([], b"ET")]
    page.replace_contents(ops)
    out = io.BytesIO()
    writer.write(out)
    ok, detail = check_accessibility(out.getvalue())
    assert not ok and "content outside marked content or artifacts on page 4 (1)" in detail, detail


_UNTAGGED: dict = {}


def untagged(guide: m.Guide) -> tuple[bytes, int]:
    """The default guide rendered with tagging switched off (once per module)."""
    if "pdf" not in _UNTAGGED:
        options = BuildOptions()
        theme = make_theme(guide.brand, options.paper, options.large_print, cmyk=options.cmyk)
        options, seed = even_pages(guide, theme, options)
        _UNTAGGED["pdf"] = render(guide, theme, options, tagged=False, seed=seed)
    return _UNTAGGED["pdf"]


def test_untagged_render_fails_the_check_with_the_same_pages(guide_model, default_pdf):
    plain, pages = untagged(guide_model)
    ok, detail = check_accessibility(plain)
    assert not ok and "no structure tree" in detail
    assert pages == built()[1]


def test_tagged_build_is_byte_reproducible(default_pdf):
    assert render_guide(load(), BuildOptions())[0] == default_pdf


def test_pdfua_checker_reports_no_findings(default_pdf, guide_model, tmp_path):
    import pdfua  # the test extra installs it

    path = tmp_path / "guide.pdf"
    path.write_bytes(default_pdf)
    report = pdfua.validate(str(path))
    assert [(f.rule_id, f.message) for f in report.findings] == []
    # and it can fail: the same guide untagged is reported
    path.write_bytes(untagged(guide_model)[0])
    assert {f.rule_id for f in pdfua.validate(str(path)).findings} >= {"UA-01-005", "UA-01-002"}


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_pdfinfo_reads_the_tree_with_words_kept_apart(tmp_path, default_pdf, guide_model):
    path = tmp_path / "guide.pdf"
    path.write_bytes(default_pdf)
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    titles = [s.title for _, s in guide_model.all_sections()]
    start = out.find('"Contents"')  # the cover lists the main sections too: read from the contents on
    positions = [out.find(f'"{t}"', start) for t in titles]
    assert -1 not in positions and positions == sorted(positions)
    # a paragraph wrapped over several lines keeps the space at each line break
    first = next(b for _, b in guide_model.blocks()
                 if isinstance(b, m.Paragraph) and isinstance(b.text[-1], m.Cite))
    assert f'"{first.text[0].text.strip()} ["' in out
    # a citation's number is the text of its Link, inside a Reference
    assert re.search(r'Reference \(inline\)\n\s+Link \(inline\)\n\s+"\d+"\n', out)


def test_fast_operator_scan_matches_pypdf_parser():
    # the print-shop edition: our marked content plus the crop marks' artifact added by pypdf
    import io

    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    from guide.tagging import PAINTING, marking_operators

    reader = PdfReader(io.BytesIO(built(BuildOptions(print_mode="shop"))[0]))
    for page in reader.pages:
        slow = []
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op in (b"BDC", b"BMC", b"EMC"):
                props = operands[1] if op == b"BDC" else None
                mcid = props.get("/MCID") if hasattr(props, "get") else None
                slow.append((op, str(operands[0]) if operands else None, None if mcid is None else int(mcid)))
            elif op in PAINTING:
                slow.append((op, None, None))
        assert list(marking_operators(page, reader)) == slow


@pytest.mark.parametrize("contents, rect, struct_parent", [
    ("Section: Symptoms of stage IV", (61.2, 648.45, 550.8, 666.65), 19),
    ("Glossary: pleurodèse (ñ, 中文, (parens) and \\ back)", (0, 0.0000001, 123456789.123, 12), 0),
    ("No structure parent", (1, 2, 3, 4), None),
])
def test_a_link_is_written_as_reportlab_writes_it(contents, rect, struct_parent):
    """The tree's Link annotations write their own bytes (guide/tagging/_canvas.Link): the same as
    ReportLab's dictionary formatting of the same annotation, destination included."""
    import io

    from reportlab.pdfbase.pdfdoc import LinkAnnotation, PDFArray
    from reportlab.pdfgen.canvas import Canvas

    from guide.tagging._canvas import Link

    canv = Canvas(io.BytesIO())
    canv.bookmarkPage("there")
    doc = canv._doc
    made = []
    for cls in (LinkAnnotation, Link):
        kw = {} if struct_parent is None else {"StructParent": struct_parent}
        a = cls(Rect=rect, Contents=contents, Destination=canv._bookmarkReference("there"),
                Border=PDFArray([0, 0, 0]), **kw)
        if struct_parent is not None:
            a.permitted = tuple(a.permitted) + ("StructParent",)
        made.append(a)
    doc.Reference(made[0]), doc.Reference(made[1])
    canv.showPage()
    canv.save()  # binds the destination to its page
    plain, ours = (a.format(doc) for a in made)
    assert ours == plain
    assert b"/Dest [" in ours and b"/Type /Annot" in ours
