"""End to end: the default guide built from content/, checked with the project's own verify checks."""

from __future__ import annotations

import re

import io

import pytest
from pypdf import PdfReader

from conftest import CONTENT
from guide import verify
from guide.build import build, load
from guide.cli import main
from guide.content import BuildOptions


@pytest.fixture(scope="module")
def inspection(default_pdf, guide_model):
    return verify.Inspection(default_pdf, guide_model, BuildOptions())


CHECKS = [verify.check_file, verify.check_page_size, verify.check_page_count, verify.check_covers,
          verify.check_bookmarks, verify.check_contents, verify.check_text, verify.check_checklists,
          verify.check_regimens, verify.check_glossary, verify.check_references, verify.check_links,
          verify.check_fonts, verify.check_metadata, verify.check_form, verify.check_footer]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_default_guide_passes(check, inspection):
    result = check(inspection)
    assert result.passed, result.detail


def test_the_guide_holds_every_symptom_term_regimen_and_reference(default_reader, guide_model):
    text = "\n".join(p.extract_text() for p in default_reader.pages)
    flat = " ".join(text.split())
    for checklist in guide_model.checklists():
        for item in checklist.items:
            assert item.text[0].text in flat
    for term in guide_model.glossary:
        assert term.term in flat
    for row in guide_model.regimens():
        assert " ".join(row.regimen.split()) in flat.replace("- ", "")
    for n in range(1, 15):
        assert re.search(rf"(^|\n){n}\.\s+\S", text), n  # each number opens its entry's first line
    assert len(guide_model.references) == 14


def test_page_count_is_in_the_expected_range(default_reader):
    assert 14 <= len(default_reader.pages) <= 24


def test_checkbox_fields_exist_unchecked(default_reader, guide_model):
    fields = default_reader.get_fields()
    expected = {c.field_name(i) for c in guide_model.checklists() for i in c.items}
    assert expected == {name for name, f in fields.items() if f.get("/FT") == "/Btn"}
    assert all(fields[name].get("/V") == "/Off" for name in expected)


def test_metadata_and_language(default_reader, guide_model):
    meta = default_reader.metadata
    assert meta.title == guide_model.title and meta.author == guide_model.author.line
    assert meta.subject == guide_model.subtitle and "mesothelioma" in meta["/Keywords"]
    root = default_reader.trailer["/Root"]
    assert root["/Lang"] == "en-US" and root["/ViewerPreferences"]["/DisplayDocTitle"]


def test_rebuild_is_byte_identical(default_pdf):
    from guide.build import render_guide

    again, _ = render_guide(load(CONTENT), BuildOptions())
    assert again == default_pdf


def test_build_writes_the_file_and_the_cli_reports_it(tmp_path, capsys):
    target = tmp_path / "nested" / "guide.pdf"
    assert main(["--out", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {target} (") and " pages) in " in out
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert f"({len(reader.pages)} pages)" in out


def test_build_api_returns_what_it_wrote(tmp_path):
    result = build(CONTENT, tmp_path / "g.pdf")
    assert result.path.read_bytes() == result.pdf and result.pages == len(PdfReader(result.path).pages)
