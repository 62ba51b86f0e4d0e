"""Issue 12 through the command line: --for and --advocate in NFD print in NFC on the cover and the help
panel, one font a word; scripts no font draws exit 2 naming the character and script; `check` reads content
text in NFC and refuses a character neither font draws."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest
from conftest import CONTENT
from pypdf import PdfReader

from guide.cli import main
from guide.content import load_guide


def _word_fonts(page, name: str) -> dict[str, set[str]]:
    chars: list[tuple[str, str]] = []
    page.extract_text(visitor_text=lambda text, cm, tm, fd, fs: chars.extend(
        (ch, str(fd.get("/BaseFont", "")).split("+")[-1] if fd else "") for ch in text))
    text = "".join(c for c, _ in chars)
    at = text.find(name)
    assert at >= 0, f"{name!r} not on the page"
    out = {}
    for word in name.split(" "):
        out[word] = {f for _, f in chars[at:at + len(word)]}
        at += len(word) + 1
    return out


@pytest.mark.parametrize("name", ["Đức Nguyễn", "İlkay Doğan", "Μαρία Παπαδοπούλου", "Наталья Иванова"])
def test_for_and_advocate_in_nfd_print_in_nfc_on_cover_and_help_panel(name, tmp_path):
    target = tmp_path / "named.pdf"
    nfd = unicodedata.normalize("NFD", name)
    assert main(["--for", nfd, "--advocate", nfd, "--sections", "overview", "--out", str(target)]) == 0
    reader = PdfReader(target)
    helps = [p for p in reader.pages if "Your patient advocate" in p.extract_text()]
    assert helps
    for page in (reader.pages[0], helps[0]):
        assert name in page.extract_text()
        assert all(len(fonts) == 1 for fonts in _word_fonts(page, name).values())
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert f"Prepared for {name}" in text and f"Your patient advocate: {name}" in text
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    guide_sans = [line for line in fonts.splitlines() if "GuideSans" in line]
    assert guide_sans and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in guide_sans)  # emb sub uni


@pytest.mark.parametrize("name, ch, script", [("王芳", "王", "Han (Chinese characters)"),
                                              ("محمد علي", "م", "Arabic"), ("Ana 😀", "😀", "emoji")])
@pytest.mark.parametrize("option", ["--for", "--advocate"])
def test_the_command_line_refuses_what_no_font_draws(option, name, ch, script, tmp_path, capsys):
    target = tmp_path / "x.pdf"
    assert main([option, name, "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"{option}: character '{ch}' (U+{ord(ch):04X} " in err and f"{script} script" in err
    assert "give the name in Latin letters" in err and "Traceback" not in err
    assert not target.exists()


def test_check_reads_content_in_nfc_and_refuses_what_no_font_draws(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("es"))
    guide = content / "guide.yaml"
    original = guide.read_text(encoding="utf-8")
    guide.write_text(original.replace("title: ", "title: " + unicodedata.normalize("NFD", "Nguyễn") + " ", 1),
                     encoding="utf-8")
    assert main(["check", "--content", str(content)]) == 0
    assert load_guide(content).title.startswith("Nguyễn ")
    guide.write_text(original.replace("title: ", "title: שלום ", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--content", str(content)]) == 2
    err = capsys.readouterr().err
    assert "guide.yaml:" in err and "character 'ש' (U+05E9 HEBREW LETTER SHIN, Hebrew script)" in err
