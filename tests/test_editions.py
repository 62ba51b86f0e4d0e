"""Editions for advocates: paper, large print, chosen sections, a named copy (read back with pypdf)."""

from __future__ import annotations

import io
import math

import pytest
from pypdf import PdfReader

from conftest import built
from guide.build import default_name
from guide.cli import main
from guide.content import BuildOptions
from guide.layout import PAPERS

LARGE_A4_THREE = BuildOptions(paper="a4", large_print=True, sections=("symptoms", "chemotherapy", "next-steps"),
                              prepared_for="Ana María O'Neil")


def reader(options: BuildOptions) -> PdfReader:
    return PdfReader(io.BytesIO(built(options)[0]))


def smallest_text_size(r: PdfReader) -> float:
    """The smallest rendered font size of any visible text on any page (Tf size x text matrix x CTM)."""
    sizes: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                          tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            sizes.append(size * math.sqrt(abs(a * d - b * c)))

    for page in r.pages:
        page.extract_text(visitor_text=visit)
    return min(sizes)


def outline_titles(r: PdfReader) -> list[str]:
    out: list[str] = []

    def flatten(items):
        for item in items:
            if isinstance(item, list):
                flatten(item)
            else:
                out.append(item.title)

    flatten(r.outline)
    return out


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_page_size_follows_the_paper(paper):
    r = reader(BuildOptions(paper=paper))
    w, h = PAPERS[paper]
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in r.pages} == {(round(w), round(h))}


def test_standard_edition_text_is_at_least_12pt_and_the_footer_at_least_10pt():
    r = reader(BuildOptions())
    assert smallest_text_size(r) >= 10
    body_sizes: list[float] = []
    r.pages[4].extract_text(visitor_text=lambda t, cm, tm, f, s: body_sizes.append(s) if t.strip() else None)
    assert max(body_sizes) >= 12


def test_large_print_has_no_text_under_18pt_and_more_pages():
    large = reader(BuildOptions(large_print=True))
    assert smallest_text_size(large) >= 18
    assert len(large.pages) > len(reader(BuildOptions()).pages)


def test_large_print_uses_no_italic_font():
    r = reader(BuildOptions(large_print=True))
    fonts = {str(f.get_object()["/BaseFont"]) for p in r.pages for f in p["/Resources"]["/Font"].values()}
    assert fonts and not any("Italic" in f for f in fonts)


def test_combination_large_print_a4_three_sections_named_copy():
    r = reader(LARGE_A4_THREE)
    assert smallest_text_size(r) >= 18
    w, h = PAPERS["a4"]
    assert round(float(r.pages[0].mediabox.width)) == round(w)
    titles = outline_titles(r)
    top = [t for t in titles if t in ("Symptoms of stage IV", "Chemotherapy options for stage IV",
                                       "Diagnosed with stage IV? Consider the following", "Words to know", "References")]
    assert top == ["Symptoms of stage IV", "Chemotherapy options for stage IV",
                   "Diagnosed with stage IV? Consider the following", "Words to know", "References"]
    assert "Treatment options" not in titles and "Stage IV mesothelioma at a glance" not in titles
    cover = r.pages[0].extract_text()
    assert "Prepared for Ana María O'Neil" in cover


def test_sections_copy_lists_only_cited_references_with_source_numbers():
    r = reader(BuildOptions(sections=("chemotherapy",)))
    text = "\n".join(p.extract_text() for p in r.pages)
    assert "\n8. American Cancer Society. (2015, May 18). Chemotherapy" in text
    assert "Pass, H., Vogelzang" not in text  # reference 1 is not cited by this section
    assert "9." in text and "12." in text


def test_advocate_contact_is_in_the_help_panel():
    r = reader(BuildOptions(advocate="Karen Selby, 555-0100"))
    tail = "\n".join(p.extract_text() for p in r.pages[-2:])
    assert "Your patient advocate: Karen Selby, 555-0100" in tail


def test_default_file_names_say_the_edition():
    title = "Stage IV Mesothelioma"
    assert default_name(title, BuildOptions()) == "stage-iv-mesothelioma.pdf"
    assert default_name(title, BuildOptions(paper="a4", large_print=True)) == "stage-iv-mesothelioma-large-print-a4.pdf"


def test_cli_sections_lists_ids_and_titles(capsys):
    assert main(["sections"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[0] == "overview" and "Stage IV mesothelioma at a glance" in out[0]


def test_cli_refuses_a_name_the_font_cannot_draw(tmp_path, capsys):
    target = tmp_path / "x.pdf"
    assert main(["--for", "王小明", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert ("--for: character '王' (U+738B CJK UNIFIED IDEOGRAPH-738B, Han (Chinese characters) script) cannot be "
            "drawn by the fonts Atkinson Hyperlegible and Guide Sans; give the name in Latin letters") in err
    assert not target.exists()


def test_markup_in_a_name_is_printed_as_text():
    r = reader(BuildOptions(prepared_for='<b>Ann</b> & <img src="/etc/passwd"/>'))
    assert 'Prepared for <b>Ann</b> & <img src="/etc/passwd"/>' in r.pages[0].extract_text()
