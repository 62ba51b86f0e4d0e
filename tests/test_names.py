"""Names in many alphabets (NFC and NFD) print on the cover and in the letter, each word in one typeface;
scripts no embedded font draws are refused with the script named; addresses in Pub 28 form (test_packet)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from guide.build import render_guide
from guide.content import BuildOptions
from guide.errors import ContentError
from guide.layout import clean_person_text, fallback_markup, font_problem

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["Đức Nguyễn", "Nguyễn Văn Lê", "İlkay Gündoğan Şahin", "Łukasz Wróblewski", "Antonín Dvořák Šťastný",
         "Þórunn Guðmundsdóttir", "Ελένη Παπαδοπούλου", "Иван Петров", "José Muñoz"]


def _runs(page) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    page.extract_text(visitor_text=lambda text, cm, tm, fd, fs: out.append((text, str(fd.get("/BaseFont")) if fd else "")))
    return out


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


@pytest.mark.parametrize("form", ["NFC", "NFD"])
@pytest.mark.parametrize("name", NAMES)
def test_a_name_prints_on_the_cover_as_written_each_word_in_one_font(guide_model, name, form):
    given = clean_person_text(unicodedata.normalize(form, name), "--for", 80)
    assert given == unicodedata.normalize("NFC", name)
    pdf, _ = render_guide(guide_model, BuildOptions(prepared_for=given, sections=("symptoms",)))
    reader = PdfReader(io.BytesIO(pdf))
    assert f"Prepared for {name}" in reader.pages[0].extract_text()
    _one_font_per_word(reader.pages[0], set(name.split()))
    if fallback_markup(name) != name:   # a word Atkinson cannot draw: set in Guide Sans
        assert "GuideSans-Bold" in _fonts(reader) and "AtkinsonHyperlegible-Bold" in _fonts(reader)


@pytest.mark.parametrize("name, script", [("王芳", "Han (Chinese characters)"), ("محمد علي", "Arabic"),
                                          ("Ana 😀", "emoji"), ("דוד כהן", "Hebrew")])
def test_scripts_no_font_draws_are_refused_with_the_script_named(name, script):
    with pytest.raises(ContentError) as err:
        clean_person_text(name, "--for", 80)
    message = str(err.value.problems[0])
    assert f"{script} script" in message and "give the name in Latin letters" in message
    assert font_problem(name) is not None


def test_ordinary_text_is_left_as_it_is():
    text = 'Mesothelioma <b>is</b> rare <font name="Atkinson-Italic">here</font> [<a href="#ref-1">1</a>]'
    assert fallback_markup(text) is text


def test_a_word_split_by_tags_changes_typeface_whole():
    out = fallback_markup("Nguy<b>ễn</b> Lê", "Atkinson")
    assert out == '<font name="GuideSans">Nguy</font><b><font name="GuideSans-Bold">ễn</font></b> Lê'


REFUSED = [("王芳", "Han (Chinese characters)"), ("محمد علي", "Arabic"), ("Ana 😀", "emoji")]


def _word_fonts(page) -> dict[str, set[str]]:
    """Each word on the page and the typefaces its characters are set in (subset prefixes dropped: ReportLab
    spreads one font's characters over several subsets, so a word may span runs of the same typeface)."""
    chars: list[tuple[str, str]] = []
    for text, font in _runs(page):
        chars.extend((ch, font.split("+")[-1]) for ch in text)
    words: dict[str, set[str]] = {}
    word, faces = "", set()
    for ch, font in [*chars, (" ", "")]:
        if ch.isspace() or ch == ",":
            if word:
                words.setdefault(word, set()).update(faces)
            word, faces = "", set()
        else:
            word += ch
            faces.add(font)
    return words


def _one_font_per_word(page, words: set[str]) -> None:
    fonts_of = {w: f for w, f in _word_fonts(page).items() if w in words}
    assert set(fonts_of) == words and all(len(f) == 1 for f in fonts_of.values()), fonts_of


def test_packet_letters_print_every_name_in_nfc_and_nfd_and_refuse_the_scripts_no_font_draws(tmp_path):
    people = tmp_path / "people.csv"
    given = [unicodedata.normalize(form, name) for name in NAMES for form in ("NFC", "NFD")]
    rows = [[name, f"{n + 1} Main St", "Houston", "TX", "77001"] for n, name in enumerate(given)]
    rows[3:3] = [[name, "9 Oak Ave", "Austin", "TX", "73301"] for name, _ in REFUSED]   # among the others
    with open(people, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["name", "address1", "city", "state", "zip"], *rows])
    out = tmp_path / "out"
    code = subprocess.run([sys.executable, str(ROOT / "build_guide.py"), "packet", "--recipients", str(people),
                           "--out", str(out), "--date", dt.date.today().isoformat(), "--jobs", "2"],
                          capture_output=True, text=True)
    assert code.returncode == 0, code.stderr
    folder = next(p for p in out.iterdir() if p.is_dir())
    built = sorted(folder.glob("0*.pdf"))
    assert len(built) == len(given)
    for path, name in zip(built, [unicodedata.normalize("NFC", g) for g in given]):
        page = PdfReader(path).pages[0]
        text = page.extract_text()
        assert f"Dear {name}," in text and name.upper() in text, (name, text[:300])
        _one_font_per_word(page, set(name.split()))
        assert f"Dear {name}," in subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"],
                                                 capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(built[0])], capture_output=True, text=True, check=True).stdout
    assert "GuideSans-Regular" in fonts and "AtkinsonHyperlegible-Regular" in fonts, fonts
    with open(folder / "rejects.csv", encoding="utf-8") as fh:
        reasons = [r["reason"] for r in csv.DictReader(fh)]
    assert len(reasons) == len(REFUSED)
    for reason, (_, script) in zip(reasons, REFUSED):
        assert f"{script} script" in reason and "give the name in Latin letters" in reason, reason
