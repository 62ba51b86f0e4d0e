"""Every name prints, every address mails (issue 12): NFC at the boundary, per-word fallback to Guide Sans,
scripts neither font draws refused with a reason, and address lines by USPS Publication 28."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import CONTENT
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from guide.cli import main
from guide.content import script_of
from guide.errors import ContentError
from guide.layout import clean_person_text, fallback_paragraph, needs_fallback, runs
from guide.mail import MANIFEST, REJECTS, make_packets, usps_text

NAMES = {  # language: a name in NFC; the tests also feed its NFD form
    "vietnamese": "Đức Nguyễn",
    "vietnamese-2": "Nguyễn Văn Lê",
    "turkish": "İlkay Doğan Şahin",
    "polish": "Łucja Wróblewska-Żak",
    "czech": "Jiří Dvořák",
    "icelandic": "Þórdís Guðmundsdóttir",
    "greek": "Μαρία Παπαδοπούλου",
    "cyrillic": "Наталья Иванова",
}
CASES = [(lang, form) for lang in NAMES for form in ("NFC", "NFD")]


def _given(lang: str, form: str) -> str:
    return unicodedata.normalize(form, NAMES[lang])


def _chars_and_fonts(page) -> list[tuple[str, str]]:
    """Each character pypdf extracts from a page, with the base font (subset prefix dropped) it was drawn in."""
    out: list[tuple[str, str]] = []

    def visit(text, cm, tm, font, size):
        name = str(font.get("/BaseFont", "")).split("+")[-1] if font else ""
        out.extend((ch, name) for ch in text)

    page.extract_text(visitor_text=visit)
    return out


def _word_fonts(page, name: str) -> dict[str, set[str]]:
    """For each word of ``name``, the fonts its characters were drawn in, where the name stands on the page."""
    chars = _chars_and_fonts(page)
    text = "".join(c for c, _ in chars)
    at = text.find(name)
    assert at >= 0, f"{name!r} not on the page"
    words: dict[str, set[str]] = {}
    i = at
    for word in name.split(" "):
        words[word] = {f for _, f in chars[i:i + len(word)]}
        i += len(word) + 1
    return words


def _assert_per_word(page, name: str) -> None:
    for word, fonts in _word_fonts(page, name).items():
        assert len(fonts) == 1, f"{word!r} is set in {fonts}"
        (font,) = fonts
        family = "GuideSans" if needs_fallback(word) else "AtkinsonHyperlegible"
        assert font.startswith(family), f"{word!r} is set in {font}, expected {family}"


def _pdffonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


# ---- the cover ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, form", CASES)
def test_a_name_on_the_cover_reads_back_in_nfc_one_font_a_word(lang, form, tmp_path):
    target = tmp_path / "named.pdf"
    given = _given(lang, form)
    assert main(["--for", given, "--advocate", given, "--sections", "overview", "--out", str(target)]) == 0
    name = NAMES[lang]
    reader = PdfReader(target)
    cover = reader.pages[0]
    assert f"Prepared for {name}" in cover.extract_text()
    _assert_per_word(cover, name)
    helps = [p for p in reader.pages if "Your patient advocate" in p.extract_text()]
    assert helps and name in helps[0].extract_text()
    _assert_per_word(helps[0], name)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert f"Prepared for {name}" in text and f"Your patient advocate: {name}" in text
    fonts = _pdffonts(target)
    assert "AtkinsonHyperlegible-Bold" in fonts
    assert ("GuideSans-Bold" in fonts) == needs_fallback(name)   # the name is bold on the cover
    for line in fonts.splitlines()[2:]:
        assert line.split()[-5:-2] == ["yes", "yes", "yes"], line   # embedded, subset, ToUnicode


def test_an_ordinary_name_does_not_bring_guide_sans(tmp_path):
    target = tmp_path / "plain.pdf"
    assert main(["--for", "Ana María O'Neil", "--sections", "overview", "--out", str(target)]) == 0
    assert "GuideSans" not in _pdffonts(target)


# ---- the letter --------------------------------------------------------------------------------

def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Name", "Address1", "City", "State", "Zip", "Sections", "Advocate"])
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


REFUSED = {  # name: (character, script)
    "王小明": ("王", "Han script"),
    "محمد علي": ("م", "Arabic script"),
    "Ann 😀 Lee": ("😀", "emoji script"),
}


@pytest.fixture(scope="module")
def packets(tmp_path_factory):
    base = tmp_path_factory.mktemp("names")
    rows = [[_given(lang, form), "112-10 Bronx Rd.", "Queens", "NY", "11435", "overview", ""]
            for lang, form in CASES]
    rows += [[name, "1 Main St", "Akron", "OH", "44308", "overview", ""] for name in REFUSED]
    rows.append(["Ann Smith", "1 Main St", "Akron", "OH", "44308", "overview", "王小明, 555-010-0199"])
    people = _write_csv(base / "people.csv", rows)
    summary = make_packets(CONTENT, people, base / "out", day=dt.date(2026, 12, 1), jobs=1)
    with open(base / "out" / MANIFEST, encoding="utf-8", newline="") as fh:
        built = {int(r["row"]): r for r in csv.DictReader(fh)}
    with open(base / "out" / REJECTS, encoding="utf-8", newline="") as fh:
        rejects = {int(r["row"]): r["reason"] for r in csv.DictReader(fh)}
    return base / "out", summary, built, rejects


@pytest.mark.parametrize("lang, form", CASES)
def test_a_name_in_a_packet_letter_reads_back_in_nfc_one_font_a_word(packets, lang, form):
    out, _, built, _ = packets
    row = 2 + CASES.index((lang, form))
    name = NAMES[lang]
    path = out / built[row]["file"]
    letter = PdfReader(path).pages[0]
    text = letter.extract_text()
    assert f"Dear {name}," in text                                   # the salutation
    assert usps_text(name) in text and "112-10 BRONX RD" in text     # the address block
    _assert_per_word(letter, f"Dear {name},".split(" ", 1)[1].rstrip(","))
    fonts = _pdffonts(path)
    assert "AtkinsonHyperlegible-Regular" in fonts
    assert ("GuideSans-Regular" in fonts) == needs_fallback(name)


def test_scripts_neither_font_draws_are_rejected_and_the_other_rows_still_mail(packets):
    _, summary, built, rejects = packets
    assert summary.built == len(CASES) and sorted(built) == list(range(2, 2 + len(CASES)))
    first = 2 + len(CASES)
    for i, (name, (ch, script)) in enumerate(REFUSED.items()):
        reason = rejects[first + i]
        assert reason.startswith(f"name: character '{ch}' (U+{ord(ch):04X} ") and f", {script})" in reason
        assert reason.endswith("; give the name in Latin letters")
    assert "right-to-left" in rejects[first + 1]
    assert rejects[first + 3].startswith("advocate: character '王'")


@pytest.mark.parametrize("name, expect", [(n, c) for n, c in REFUSED.items()])
def test_the_command_line_refuses_them_naming_character_and_script(name, expect, tmp_path, capsys):
    ch, script = expect
    for option in ("--for", "--advocate"):
        target = tmp_path / "x.pdf"
        assert main([option, name, "--out", str(target)]) == 2
        err = capsys.readouterr().err
        assert f"{option}: character '{ch}' (U+{ord(ch):04X} " in err and script in err
        assert "give the name in Latin letters" in err
        assert not target.exists()


def test_check_refuses_content_text_neither_font_draws_and_accepts_vietnamese(tmp_path, capsys):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("es"))
    guide = content / "guide.yaml"
    nfd = unicodedata.normalize("NFD", "Nguyễn")
    guide.write_text(guide.read_text(encoding="utf-8").replace("title: ", f"title: {nfd} ", 1), encoding="utf-8")
    assert main(["check", "--content", str(content)]) == 0
    from guide.content import load_guide
    assert load_guide(content).title.startswith("Nguyễn ")   # NFC after loading
    guide.write_text(guide.read_text(encoding="utf-8").replace("title: ", "title: שלום ", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--content", str(content)]) == 2
    err = capsys.readouterr().err
    assert "character 'ש' (U+05E9 HEBREW LETTER SHIN, Hebrew script) cannot be drawn by Atkinson Hyperlegible " \
           "or Guide Sans (a right-to-left script, which the guide cannot print yet)" in err


# ---- the mechanism -----------------------------------------------------------------------------

def test_runs_split_a_string_by_word_never_inside_one():
    assert runs("Ann Smith", "Atkinson") == [("Atkinson", "Ann Smith")]
    assert runs("Dear Đức Nguyễn, hello", "Atkinson-Bold") == [
        ("Atkinson-Bold", "Dear "), ("GuideSans-Bold", "Đức"), ("Atkinson-Bold", " "),
        ("GuideSans-Bold", "Nguyễn,"), ("Atkinson-Bold", " hello")]
    assert runs("a → b", "Atkinson-Italic") == [("Atkinson-Italic", "a "), ("GuideSans-Italic", "→"),
                                                 ("Atkinson-Italic", " b")]


def test_a_paragraph_word_across_bold_and_plain_changes_face_whole_keeping_the_weight():
    style = ParagraphStyle("x", fontName="Atkinson")
    p = fallback_paragraph(Paragraph("Mr <b>Ngu</b>yễn and <i>Lê</i>", style))
    assert [(f.fontName, f.text) for f in p.frags] == [
        ("Atkinson", "Mr "), ("GuideSans-Bold", "Ngu"), ("GuideSans", "yễn"), ("Atkinson", " and "),
        ("Atkinson-Italic", "Lê")]
    plain = Paragraph("Mr <b>Smith</b>", style)
    frags = list(plain.frags)
    assert fallback_paragraph(plain).frags == frags   # the ordinary path leaves the fragments alone


def test_person_text_is_nfc_and_combining_marks_without_a_precomposed_form_stay():
    assert clean_person_text("Nguye\u0302\u0303n", "--for", 80) == "Nguyễn"
    assert clean_person_text("x\u0304\u0301", "--for", 80) == "x\u0304\u0301"   # no precomposed form
    with pytest.raises(ContentError) as err:
        clean_person_text("Ann \u0915", "--for", 80)
    assert "Devanagari script" in err.value.problems[0].message


def test_script_names():
    assert [script_of(c) for c in "aΩЖא中あア한ก😀"] == [
        "Latin", "Greek", "Cyrillic", "Hebrew", "Han", "Hiragana (Japanese)", "Katakana (Japanese)", "Hangul",
        "Thai", "emoji"]
    assert script_of("\u0531") == "Armenian" and script_of("\u1200") == "Ethiopic"
    assert script_of("\U00010330") == "Gothic"   # not in the table: the first word of its Unicode name


# ---- USPS Publication 28 -----------------------------------------------------------------------

@pytest.mark.parametrize("raw, expect", [
    ("112-10 Bronx Rd", "112-10 BRONX RD"),        # App. D: the hyphen of a house-number range stays
    ("123 1/2 Main St", "123 1/2 MAIN ST"),        # a fraction keeps its slash
    ("39.2 Rd", "39.2 RD"),                         # a decimal keeps its period
    ("Main St.", "MAIN ST"),                        # abbreviations print without periods
    ("102 Main St Apt 4-B", "102 MAIN ST APT 4-B"),
    ("P.O. Box 4", "PO BOX 4"),
    ("O'Brien", "OBRIEN"), ("D\u2019Angelo", "DANGELO"),
    ("Urb. Vía Angélica", "URB VÍA ANGÉLICA"),     # Pub 28's Puerto Rico examples keep the accents
    ("Calle 1, Apt. 2", "CALLE 1 APT 2"),
    ("Apt #4", "APT 4"),
    ("1 - 3 Elm", "1 3 ELM"),                       # a hyphen between words carries nothing
    ("N.W. 5th St", "NW 5TH ST"),
    (unicodedata.normalize("NFD", "Muñoz"), "MUÑOZ"),
])
def test_usps_publication_28(raw, expect):
    assert usps_text(raw) == expect
