"""Pages a designer would sign: the layout report (lines and fill per page) and the keep rules behind it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from conftest import CONTENT
from guide.content import BuildOptions
from guide.layout import ContentsLine, PassState, edition_report, make_theme
from guide.layout import _keep, _story
from guide.layout._report import PageReport
from guide.pdf import load_content

ADVOCATE = ("symptoms", "chemotherapy", "next-steps")
EDITIONS = {
    "standard": BuildOptions(),
    "large print": BuildOptions(large_print=True),
    "large print A4": BuildOptions(large_print=True, paper="a4"),
    "advocate copy, large print A4": BuildOptions(large_print=True, paper="a4", sections=ADVOCATE,
                                                  prepared_for="Ana María O'Neil", note="Call me after your scan."),
    "sections copy, Letter": BuildOptions(sections=ADVOCATE),
}


@pytest.fixture(scope="module")
def guide():
    return load_content(CONTENT)


@pytest.mark.parametrize("name", EDITIONS)
def test_no_page_of_three_lines_and_at_most_one_under_half_full(guide, name):
    report = edition_report(guide, EDITIONS[name], name)
    assert report.few_lines == [], "\n".join(report.lines_out())
    assert len(report.under_half) <= 1, "\n".join(report.lines_out())


def test_the_report_counts_the_pages_the_build_makes(guide, tmp_path):
    from guide.build import render_guide

    options = EDITIONS["large print A4"]
    pdf, pages = render_guide(guide, options)
    report = edition_report(guide, options)
    assert len(report.pages) == pages
    assert report.pages[0].template == "cover" and report.pages[-1].template == "back"
    # the pages the report calls nearly empty are the ones with least text in the PDF
    out = tmp_path / "x.pdf"
    out.write_bytes(pdf)
    texts = [len(p.extract_text().split()) for p in PdfReader(out).pages]
    fullest = max(range(1, pages - 1), key=lambda i: report.pages[i].lines)
    emptiest = min(range(1, pages - 1), key=lambda i: report.pages[i].lines)
    assert texts[fullest] > texts[emptiest]


def test_without_the_keep_rules_the_report_flags_pages(guide, monkeypatch):
    """The report can fail: with ReportLab's own keep-with-next (a heading kept with the whole next
    block) both large-print editions have a page under half full again, and more pages."""
    editions = [EDITIONS["large print"], EDITIONS["large print A4"]]
    with_rules = [edition_report(guide, o) for o in editions]
    monkeypatch.setattr(_story, "keep_with_next", lambda story, width, height: story)
    without = [edition_report(guide, o) for o in editions]
    assert all(r.under_half for r in without), "\n".join(line for r in without for line in r.lines_out())
    assert all(len(b.pages) > len(a.pages) for a, b in zip(with_rules, without))


@pytest.mark.parametrize("page,flags", [
    (PageReport(5, "body", lines=3, fill=0.9), ["3 lines"]),
    (PageReport(5, "body", lines=1, fill=0.05), ["1 line", "5% full"]),
    (PageReport(5, "body", lines=12, fill=0.49), ["49% full"]),
    (PageReport(5, "body", lines=12, fill=0.49, last_before_back=True), []),
    (PageReport(5, "body", lines=4, fill=0.5), []),
    (PageReport(1, "cover", lines=0, fill=0.0), []),
])
def test_page_flags(page, flags):
    assert page.flags == flags


def test_a_table_splits_with_two_rows_on_each_side_or_moves_whole(guide):
    theme = make_theme(guide.brand)
    cell = theme.style("cell")
    rows = [[Paragraph(f"Row {i}", cell)] for i in range(6)]
    table = _keep.KeptTable(rows, colWidths=[200])
    _, height = table.wrap(200, 10_000)
    row = height / 6
    assert table.split(200, row * 1.5) == []                   # one row would stay behind: move whole
    first, rest = table.split(200, row * 5.5)                   # five fit, one would go on: give one back
    assert (len(first._cellvalues), len(rest._cellvalues)) == (4, 2)
    first, rest = table.split(200, row * 3.5)
    assert (len(first._cellvalues), len(rest._cellvalues)) == (3, 3)


def test_a_heading_asks_for_its_own_height_and_two_lines_of_the_next_block(guide):
    theme = make_theme(guide.brand, large_print=True)
    body = theme.style("body")
    head = Paragraph("A heading", theme.style("h2"))
    text = Paragraph(" ".join(["word"] * 200), body)
    story = _keep.keep_with_next([head, text], theme.frame_width, theme.frame_height)
    brk = story[0]
    _, h = head.wrap(theme.frame_width, theme.frame_height)
    assert story[1:] == [head, text] and head.keepWithNext == 0
    assert brk.height == pytest.approx(h + head.getSpaceAfter() + 2 * body.leading)


def test_contents_numbers_stand_in_one_column_and_leaders_stop_short_of_them(guide):
    theme = make_theme(guide.brand, large_print=True)
    state = PassState()
    state.total, state.pages = 36, {"a": 3, "b": 32}
    style = theme.style("toc1")
    lines = [ContentsLine(t, k, 0, style, state) for t, k in (("Short", "a"), ("A longer title here", "b"))]
    for line in lines:
        line.wrap(theme.frame_width, 1000)
    ends = {round(line.leader()[1], 3) for line in lines}
    assert len(ends) == 1  # every leader ends at one x
    widest = stringWidth("32", style.fontName, style.fontSize)
    space = stringWidth(" ", style.fontName, style.fontSize)
    assert ends.pop() + space <= theme.frame_width - widest


def test_check_layout_prints_the_report_and_exits_zero():
    r = subprocess.run([sys.executable, "-m", "guide", "check", "--layout"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "Letter, large print: " in r.stdout and "A4, large print: " in r.stdout
    assert r.stdout.rstrip().endswith("layout: 0 flagged pages in 4 editions")


def _pages_text(guide, options) -> list[str]:
    import io

    from guide.build import render_guide

    pdf, _ = render_guide(guide, options)
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("options", [BuildOptions(), BuildOptions(paper="a4"), BuildOptions(large_print=True),
                                     BuildOptions(large_print=True, paper="a4", prepared_for="Ana María O'Neil")],
                         ids=["letter", "a4", "large-print", "large-print-a4-named"])
def test_the_cover_says_what_the_guide_covers(guide, options):
    from guide.content import is_back_matter

    cover = _pages_text(guide, options)[0].replace(" · ", " ")
    assert "In this guide" in cover
    for s in guide.sections:
        assert (" ".join(s.title.split()) in cover) != is_back_matter(s), s.id


@pytest.mark.parametrize("name", ["standard", "large print", "large print A4"])
def test_the_about_block_stays_whole_and_with_the_last_reference(guide, name):
    pages = _pages_text(guide, EDITIONS[name])
    at = [i for i, t in enumerate(pages) if "About this guide" in t]
    assert len(at) == 1
    page = pages[at[0]]
    assert "version 1.0." in page and guide.references[-1].text.split(".")[0] in page


@pytest.mark.parametrize("section", ["symptoms", "clinical-trials", "next-steps"])
def test_a_short_contents_shares_its_page_with_the_first_section_and_verifies(guide, section):
    import io

    from guide.build import render_guide
    from guide.verify import verify_pdf

    options = BuildOptions(sections=(section,))
    pdf, _ = render_guide(guide, options)
    page2 = " ".join(PdfReader(io.BytesIO(pdf)).pages[1].extract_text().split())
    title = next(s.title for s in guide.sections if s.id == section)
    assert "Contents" in page2 and page2.count(" ".join(title.split())) >= 2  # its contents entry, then its heading
    report = verify_pdf(pdf, guide, options)
    assert report.ok, [str(c) for c in report.checks if not c.passed]
    assert edition_report(guide, options).few_lines == []


def test_every_one_section_copy_keeps_to_the_rules(guide):
    """Each section alone, standard and large print, Letter and A4: no page of three lines or fewer."""
    from guide.content import is_back_matter

    flagged = []
    for s in guide.sections:
        if is_back_matter(s):
            continue
        for options in (BuildOptions(sections=(s.id,)), BuildOptions(sections=(s.id,), large_print=True, paper="a4")):
            report = edition_report(guide, options)
            flagged += [(s.id, options.large_print, p.number, p.lines) for p in report.few_lines]
    assert flagged == []
