"""verify: every check passes on good builds of each edition and fails on a PDF with exactly its defect.

The defective PDFs are made with pypdf from one good build (or built from a changed copy of the
content), never by hand-editing bytes except where the defect is in the bytes themselves.
"""

from __future__ import annotations

import io
import json
import shutil

import pytest
from conftest import CONTENT, built
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    FloatObject,
    NameObject,
    RectangleObject,
    TextStringObject,
)

from guide import verify as v
from guide.build import load, render_guide
from guide.cli import main
from guide.content import BuildOptions

DEFAULT = BuildOptions()
# the same option values as the edition tests use, so the session's build cache serves both
EDITIONS = [
    BuildOptions(paper="a4"),
    BuildOptions(large_print=True),
    BuildOptions(sections=("chemotherapy",)),
    BuildOptions(paper="a4", large_print=True, sections=("symptoms", "chemotherapy", "next-steps"),
                 prepared_for="Ana María O'Neil"),
    BuildOptions(advocate="Karen Selby, 555-0100"),
    BuildOptions(print_mode="shop"),
]


# ---- helpers that make one defect each ---------------------------------------------------


def to_bytes(w: PdfWriter) -> bytes:
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def clone(pdf: bytes) -> PdfWriter:
    return PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))


def delete_text(pdf: bytes, needle: str) -> bytes:
    """Remove the one BT..ET text object (a paragraph) that draws ``needle`` from its page's content stream."""
    w = clone(pdf)
    key = v.squash(needle)
    for page in w.pages:
        # which text object (counted by BT) draws what: text is handed over before the next BT
        count: list[int] = [-1]
        drawn: dict[int, str] = {}

        def before(op, args, cm, tm, count=count):
            count[0] += 1 if op == b"BT" else 0

        def text(t, cm, tm, font, size, count=count, drawn=drawn):
            drawn[count[0]] = drawn.get(count[0], "") + v.squash(t)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        target = next((k for k, t in drawn.items() if key in t), None)
        if target is None:
            continue
        ops = list(ContentStream(page.get_contents(), w).operations)
        a = [i for i, (_, op) in enumerate(ops) if op == b"BT"][target]
        b = next(i for i in range(a, len(ops)) if ops[i][1] == b"ET")
        trial = ContentStream(None, w)
        trial.operations = ops[:a] + ops[b + 1:]
        page.replace_contents(trial)
        assert key not in v.squash(page.extract_text())
        return to_bytes(w)
    raise AssertionError(f"no single text object draws {needle!r}")


def first_link(w: PdfWriter, page: int) -> DictionaryObject:
    return next(a.get_object() for a in w.pages[page]["/Annots"] if a.get_object()["/Subtype"] == "/Link")


def page_of_text(pdf: bytes, needle: str) -> int:
    r = PdfReader(io.BytesIO(pdf))
    return next(i for i, p in enumerate(r.pages) if v.squash(needle) in v.squash(p.extract_text()))


def older(tmp_path_factory, file: str, old: str, new: str) -> bytes:
    """A PDF built from a copy of the content that differs from today's in one place."""
    root = tmp_path_factory.mktemp("older")
    shutil.copytree(CONTENT, root / "content")
    path = root / "content" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return render_guide(load(root / "content"), DEFAULT)[0]


# ---- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def good() -> bytes:
    return built(DEFAULT)[0]


@pytest.fixture(scope="session")
def guide(guide_model):
    return guide_model


def verify(pdf: bytes, guide, options: BuildOptions = DEFAULT, **kw) -> v.Report:
    return v.verify_pdf(pdf, guide, options, **kw)


def failing(report: v.Report) -> set[str]:
    return {c.name for c in report.failed}


# ---- good PDFs pass ----------------------------------------------------------------------


def test_default_build_passes_every_check_and_rebuilds_identically(good, guide):
    ins = v.Inspection(good, guide)
    report = v.verify_inspection(ins, rebuild=True)
    assert report.ok, report.lines()
    assert [c.name for c in report.checks] == ["file", *v.CHECKS, "rebuild"]
    # each check is its own function: called alone it gives the same verdict
    for name, fn in v.CHECKS.items():
        assert fn(ins) == report[name]


@pytest.mark.parametrize("options", EDITIONS, ids=lambda o: o.edition_slug or "advocate")
def test_every_edition_passes_with_its_own_options(options, guide):
    report = verify(built(options)[0], guide, options)
    assert report.ok, report.lines()


def test_an_imposed_booklet_is_checked_as_sheets(guide):
    options = BuildOptions(print_mode="booklet")
    report = verify(built(options)[0], guide, options)
    assert report.ok, report.lines()
    assert [c.name for c in report.checks] == ["edition", "file", *v.BOOKLET_CHECKS]
    assert "(letter sheets)" in report["page-size"].detail
    # the sheets are not the single pages the plain edition promises
    assert {"page-size", "footer", "bookmarks"} <= failing(verify(built(options)[0], guide, DEFAULT))


def test_accessibility_is_checked_on_request(good, appended, guide):
    assert "accessibility" not in {c.name for c in verify(good, guide).checks}
    ins = v.Inspection(good, guide)
    assert v.check_accessibility(ins).passed, v.check_accessibility(ins).detail
    assert not v.check_accessibility(v.Inspection(appended, guide)).passed


def test_a_pypdf_round_trip_changes_the_bytes_and_nothing_else(good, guide):
    """The control for the defects below: a clone rewritten by pypdf passes every check but 'rebuild'."""
    report = verify(to_bytes(clone(good)), guide, rebuild=True)
    assert failing(report) == {"rebuild"}
    assert "a fresh build differs" in report["rebuild"].detail


# ---- each defect fails its check ----------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"hello, this is not a PDF", b"%PDF-1.4\n%%EOF\n"])
def test_a_file_that_cannot_be_opened_is_a_failed_check(data, guide):
    report = verify(data, guide)
    assert not report.ok
    assert not report["file"].passed
    assert all(not c.passed for c in report.checks)


def test_truncated_file_fails_the_file_check(good, guide):
    report = verify(good[: len(good) * 2 // 3], guide)
    assert not report["file"].passed


def test_shifted_objects_fail_the_cross_reference_check(good, guide):
    # one byte inserted into the middle of the file: every later object is one byte from where the table says
    # (startxref still finds the table, so only the table's entries are wrong)
    cut = good.index(b"\nendobj\n", len(good) // 2) + len(b"\nendobj\n")
    bad = good[:cut] + b"\n" + good[cut:]
    old_start = int(bad.rsplit(b"startxref", 1)[1].split()[0])
    bad = bad.replace(b"startxref\n%d" % old_start, b"startxref\n%d" % (old_start + 1))
    check = v.check_file(v.Inspection(bad, guide))
    assert not check.passed and "is not at byte" in check.detail


def test_page_removed(good, guide):
    w = clone(good)
    total = len(w.pages)
    w.remove_page(6)
    report = verify(to_bytes(w), guide)
    assert {"footer", "contents", "bookmarks"} <= failing(report)
    assert f"expected 'Page N of {total - 1}'" in report["footer"].detail


def test_two_pages_swapped(good, guide):
    w = clone(good)
    kids = w._root_object["/Pages"]["/Kids"]
    kids[4], kids[5] = kids[5], kids[4]
    report = verify(to_bytes(w), guide)
    assert {"footer", "contents"} <= failing(report)
    assert f"page 5 says 'Page 6 of {len(w.pages)}'" in report["footer"].detail
    assert {"fonts", "metadata", "form", "page-size"}.isdisjoint(failing(report))


def test_section_text_deleted_from_content_stream(good, guide):
    sentence = "Certain people in stage IV may qualify for mesothelioma clinical trials."
    report = verify(delete_text(good, sentence), guide)
    assert failing(report) == {"text"}
    assert "Certain people in stage IV" in report["text"].detail and "Clinical trials" in report["text"].detail


def test_checklist_item_deleted(good, guide):
    report = verify(delete_text(good, "Shortness of breath"), guide)
    assert failing(report) == {"checklists"}
    assert "Shortness of breath" in report["checklists"].detail


def test_glossary_definition_deleted(good, guide):
    report = verify(delete_text(good, "A generalized feeling of illness."), guide)
    assert failing(report) == {"glossary"}


def test_reference_entry_deleted(good, guide):
    report = verify(delete_text(good, "Rice, D. (n.d.). Staging of Malignant"), guide)
    assert "references" in failing(report)
    assert "expected 1..14" in report["references"].detail
    # the citations of reference 4 now land where no entry stands
    assert "links" in failing(report)


def test_font_dict_swapped_for_unembedded_helvetica(good, guide):
    w = clone(good)
    page = w.pages[4]
    resources = DictionaryObject(page["/Resources"].get_object())
    fonts = DictionaryObject(resources["/Font"].get_object())
    name = next(iter(fonts))
    fonts[NameObject(name)] = w._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
    check = v.check_fonts(v.Inspection(to_bytes(w), guide))
    assert not check.passed
    assert check.detail == "Helvetica (Type1) is not embedded (page 5)"


def test_text_drawn_in_helvetica_by_a_merged_overlay(good, guide):
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(612, 792))
    c.setFont("Helvetica", 9)
    c.drawString(72, 20, "stamped")
    c.save()
    w = clone(good)
    w.pages[6].merge_page(PdfReader(buf).pages[0])
    report = verify(to_bytes(w), guide)
    assert "fonts" in failing(report)
    assert "Helvetica (Type1) is not embedded" in report["fonts"].detail


@pytest.fixture(scope="session")
def appended(good) -> bytes:
    w = PdfWriter()
    w.append(PdfReader(io.BytesIO(good)))
    return to_bytes(w)


def test_metadata_stripped_by_append(appended, guide):
    report = verify(appended, guide)
    assert "metadata" in failing(report)
    assert "title is 'None'" in report["metadata"].detail


def test_checkbox_removed(good, guide):
    w = clone(good)
    fields = w._root_object["/AcroForm"]["/Fields"]
    for page in w.pages:
        annots = page.get("/Annots") or []
        for ref in list(annots):
            if ref.get_object().get("/T") == "symptoms_fever":
                annots.remove(ref)
                fields.remove(next(f for f in fields if f.idnum == ref.idnum))
    report = verify(to_bytes(w), guide)
    assert failing(report) == {"form"}
    assert "missing symptoms_fever" in report["form"].detail


def test_checkbox_left_checked(good, guide):
    w = clone(good)
    field = next(f.get_object() for f in w._root_object["/AcroForm"]["/Fields"]
                 if f.get_object()["/T"] == "next-appointment_counseling")
    field[NameObject("/V")] = NameObject("/Yes")
    field[NameObject("/AS")] = NameObject("/Yes")
    report = verify(to_bytes(w), guide)
    assert failing(report) == {"form"}
    assert "next-appointment_counseling is checked" in report["form"].detail


def test_link_to_a_page_that_is_not_in_the_document(good, guide):
    w = clone(good)
    stray = w._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Page")}))
    first_link(w, 6)[NameObject("/Dest")] = ArrayObject([stray, NameObject("/XYZ"), FloatObject(0),
                                                         FloatObject(700), FloatObject(0)])
    report = verify(to_bytes(w), guide)
    assert failing(report) == {"links"}
    assert "link on page 7" in report["links"].detail and "points nowhere" in report["links"].detail


def test_link_to_an_undefined_named_destination(good, guide):
    w = clone(good)
    first_link(w, 6)[NameObject("/Dest")] = TextStringObject("ref-99")
    report = verify(to_bytes(w), guide)
    assert failing(report) == {"links"}
    assert "'ref-99', which the document does not define" in report["links"].detail


def test_links_through_named_destinations_resolve(good, guide):
    """A citation that names its target (``ref-8`` in the /Names tree) counts like a direct one."""
    w = clone(good)
    link = first_link(w, 6)
    w.add_named_destination_array(TextStringObject("ref-8"), ArrayObject(link["/Dest"]))
    link[NameObject("/Dest")] = TextStringObject("ref-8")
    report = verify(to_bytes(w), guide)
    assert report.ok, report.lines()


def test_citation_linked_to_the_wrong_reference(good, guide):
    # a citation of reference 8 on page 7 retargeted at the top of reference 9's entry
    w = clone(good)
    links = [a.get_object() for a in w.pages[6]["/Annots"] if a.get_object()["/Subtype"] == "/Link"]
    dests = {tuple(float(x) for x in link["/Dest"][2:4]) for link in links}
    assert len(dests) > 1, "page 7 should cite two references"
    a, b = links[0], next(link for link in links if link["/Dest"][3] != links[0]["/Dest"][3])
    a[NameObject("/Dest")] = b["/Dest"]
    report = verify(to_bytes(w), guide)
    assert failing(report) == {"links"}
    assert "citation links" in report["links"].detail


def test_bookmark_retitled(good, guide):
    w = clone(good)
    first = w._root_object["/Outlines"]["/First"].get_object()
    first[NameObject("/Title")] = TextStringObject("Overview")
    report = verify(to_bytes(w), guide)
    assert failing(report) == {"bookmarks"}
    assert "bookmark 1 is 'Overview'" in report["bookmarks"].detail


def test_page_of_the_wrong_size(good, guide):
    w = clone(good)
    w.pages[3].mediabox = RectangleObject([0, 0, 595.28, 841.89])
    check = v.check_page_size(v.Inspection(to_bytes(w), guide))
    assert not check.passed
    assert check.detail == "expected 612×792 pt (letter): page 4 is 595.28×841.89 pt"


def test_edition_options_must_match_the_build(good, guide):
    check = v.check_page_size(v.Inspection(good, guide, BuildOptions(paper="a4")))
    assert not check.passed and "expected 595.276×841.89 pt (a4)" in check.detail


def test_page_count_out_of_range(good, guide):
    w = clone(good)
    w.append(PdfReader(io.BytesIO(good)))  # the whole guide twice
    check = v.check_page_count(v.Inspection(to_bytes(w), guide))
    assert not check.passed
    pages = len(PdfReader(io.BytesIO(good)).pages)
    low, high = v.expected_page_range(guide, v.Inspection(good, guide).theme, DEFAULT)
    assert low <= pages <= high < 2 * pages
    assert check.detail == f"{2 * pages} pages, expected {low}–{high} for this content and edition"


def test_named_copy_verified_as_the_generic_edition(guide):
    named = EDITIONS[3]
    plain = BuildOptions(paper=named.paper, large_print=named.large_print, sections=named.sections)
    report = verify(built(named)[0], guide, plain)
    assert failing(report) == {"covers"}
    assert "names nobody" in report["covers"].detail


def test_generic_copy_verified_as_a_copy_with_an_advocate(good, guide):
    report = verify(good, guide, BuildOptions(advocate="Karen Selby, 555-0100"))
    assert failing(report) == {"covers"}
    assert "lacks the advocate" in report["covers"].detail


def test_built_from_older_wording(good, guide, tmp_path_factory):
    pdf = older(tmp_path_factory, "sections/overview.yaml", "tumors have spread throughout the chest cavity",
                "tumors have spread through the chest cavity")
    report = verify(pdf, guide)
    assert failing(report) == {"text"}
    assert "Stage IV mesothelioma at a glance" in report["text"].detail


def test_built_from_an_older_regimen_figure(good, guide, tmp_path_factory):
    pdf = older(tmp_path_factory, "sections/chemotherapy.yaml", "median_survival_months: 11.4",
                "median_survival_months: 11.2")
    report = verify(pdf, guide)
    assert failing(report) == {"regimens"}
    assert "'Cisplatin and raltitrexed' with 11.4 months" in report["regimens"].detail


def test_contents_page_number_wrong(good, guide):
    # the heading 'Clinical trials' moves one page on: contents and bookmarks no longer match it
    w = clone(good)
    at = page_of_text(good, "Certain people in stage IV may qualify")
    w.insert_blank_page(index=at)
    report = verify(to_bytes(w), guide)
    assert "contents" in failing(report)
    assert "'Clinical trials' listed on page 9, heading on page 10" in report["contents"].detail


# ---- expected values come from the content --------------------------------------------


def test_figures_formatted_as_the_layout_prints_them():
    assert [v.fmt_figure(12.1), v.fmt_figure(13.0), v.fmt_figure(41.3, "%"), v.fmt_figure(None, "%")] == \
        ["12.1", "13", "41.3%", "\u2014"]


def test_citations_print_sorted():
    assert v.cite_text(("b", "a"), {"a": 2, "b": 13}) == "[2, 13]"


def test_expected_links_count_every_citation(guide):
    cites, terms = v.expected_links(guide)
    # references 1, 3 and 14 are a reading list: the source ties no statement to them
    reading_list = {"pass-2005", "vumc-2013", "moore-2008"}
    assert set(cites) == {str(r.number) for r in guide.references if r.key not in reading_list}
    assert sum(terms.values()) >= len(terms) > 0


# ---- command line -------------------------------------------------------------------


@pytest.fixture()
def good_file(good, tmp_path):
    path = tmp_path / "guide.pdf"
    path.write_bytes(good)
    return path


def test_cli_prints_one_line_per_check_and_exits_0(good_file, capsys):
    assert main(["verify", str(good_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 + len(v.CHECKS)  # file, built-with (the build record the file carries), the checks
    assert all(line.startswith("PASS ") for line in lines)


def test_cli_json_report(good_file, capsys):
    assert main(["verify", str(good_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True
    assert {tuple(sorted(c)) for c in data["checks"]} == {("detail", "name", "seconds", "status")}  # schema 1


def test_cli_fails_on_a_defect_and_names_it(appended, tmp_path, capsys):
    path = tmp_path / "appended.pdf"
    path.write_bytes(appended)
    assert main(["verify", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL metadata: title is 'None'" in out


@pytest.mark.parametrize("content", [b"not a pdf at all", None])
def test_cli_unreadable_file_is_a_failed_check_not_a_traceback(content, tmp_path, capsys):
    path = tmp_path / "broken.pdf"
    if content is not None:
        path.write_bytes(content)
    assert main(["verify", str(path), "--json"]) == 2  # unreadable input: 2, not a failed check (1)
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["ok"] is False and data["checks"][0]["name"] == "file"
    assert "Traceback" not in captured.err


def test_cli_takes_the_edition_options(tmp_path, capsys):
    options = EDITIONS[3]
    path = tmp_path / "edition.pdf"
    path.write_bytes(built(options)[0])
    args = ["verify", str(path), "--paper", "a4", "--large-print", "--sections", ",".join(options.sections),
            "--for", options.prepared_for]
    assert main(args) == 0, capsys.readouterr().out


def test_cli_unknown_section_is_a_content_error(good_file, capsys):
    assert main(["verify", str(good_file), "--sections", "nope"]) == 2
