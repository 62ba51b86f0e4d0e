"""The advocate's note: a tagged box above the contents, on the CLI and in verify; no note, no box."""

from __future__ import annotations

import io

from pypdf import PdfReader

from conftest import CONTENT, built
from guide.build import load
from guide.cli import main
from guide.content import BuildOptions
from guide.layout import NOTE_TITLE, Panel, PassState, build_story, make_theme, note_flowables
from guide.verify import verify_pdf

NOTE = "Call me after the scan & bring <your> questions."


def test_note_is_a_div_of_plain_paragraphs_above_the_contents():
    guide = load(CONTENT)
    theme = make_theme(guide.brand, "letter", False)
    panel = note_flowables(NOTE, theme)[0]
    assert isinstance(panel, Panel) and panel.role == "Callout"  # tagged as a Div
    assert [f.role for f in panel.content] == ["P", "P"]
    assert "&amp;" in panel.content[1].text and "&lt;your&gt;" in panel.content[1].text
    story = build_story(guide, theme, BuildOptions(note=NOTE), PassState())
    roles = [getattr(f, "role", None) for f in story]
    assert roles.index("Callout") < next(i for i, f in enumerate(story) if getattr(f, "text", "") == "Contents")
    plain = build_story(guide, theme, BuildOptions(), PassState())
    assert not any(isinstance(f, Panel) and f.content[0].text == NOTE_TITLE for f in plain)
    assert note_flowables(None, theme) == []


def test_note_on_page_two_and_verify_checks_it():
    guide = load(CONTENT)
    options = BuildOptions(large_print=True, note=NOTE)
    pdf, _ = built(options)
    page2 = "".join(PdfReader(io.BytesIO(pdf)).pages[1].extract_text().split())
    assert "".join(f"{NOTE_TITLE} {NOTE}".split()) in page2
    assert verify_pdf(pdf, guide, options).ok
    assert not verify_pdf(pdf, guide, BuildOptions(large_print=True))["covers"].passed
    assert not verify_pdf(built()[0], guide, BuildOptions(note=NOTE))["covers"].passed


def test_cli_note_is_checked_like_a_name(tmp_path, capsys):
    assert main(["--note", "x" * 601, "--out", str(tmp_path / "g.pdf")]) == 2
    assert "--note: is 601 characters long; at most 600 allowed" in capsys.readouterr().err
    assert not (tmp_path / "g.pdf").exists()
