"""The default build speaks US English; the Spanish edition (content/es) builds, reads back in Spanish
and verifies, in the standard, large-print and A4 editions."""

from __future__ import annotations

import io
import subprocess
import sys
import re

import pytest
from pypdf import PdfReader

from guide.build import load, render_guide
from guide.content import BuildOptions, locale_for
from guide.content import models as m
from guide.verify import verify_pdf

from conftest import CONTENT, built

ES = CONTENT / "es"
DMY = re.compile(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|"
                 r"December) \d{4}\b")


def _text(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [p.extract_text() for p in reader.pages]


def test_the_default_build_speaks_us_english(default_pdf):
    _, pages = _text(default_pdf)
    text = "\n".join(pages)
    assert "Randomised" not in text and "Tick" not in text
    assert not DMY.search(text), DMY.search(text)
    assert "Randomizedphase" in "".join(text.split())   # the evidence column (its words wrap in the cell)
    assert "Content date: November 27, 2026" in pages[0]
    assert "Check each symptom you have." in text


@pytest.fixture(scope="module")
def spanish():
    guide = load(ES)
    pdf, _ = render_guide(guide, BuildOptions())
    return guide, pdf


def test_the_spanish_edition_reads_back_in_spanish(spanish):
    guide, pdf = spanish
    reader, pages = _text(pdf)
    n = len(pages)
    for i in range(1, n - 1):
        assert f"Página {i + 1} de {n}" in pages[i]
    assert str(reader.trailer["/Root"]["/Lang"]) == "es-US"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<dc:language><rdf:Bag><rdf:li>es-US</rdf:li>" in xmp
    assert "Contenido" in pages[1]
    assert "27 de noviembre de 2026" in pages[0]
    # the translation says what it is: on the cover and in the About block
    notice = "Esta traducción todavía no ha sido revisada por un traductor médico."
    assert notice in " ".join(pages[0].split())
    flat = " ".join(" ".join(pages).split())
    assert ("Traducido de la edición en inglés por el equipo del proyecto guide (borrador hecho con ayuda de una "
            "máquina) el 1 de diciembre de 2026. " + notice) in flat
    # the full reference list, in its original language
    english = load(CONTENT)
    squashed = "".join(flat.split())
    for ref in english.references:
        assert "".join(ref.text.split()) in squashed, ref.key
    assert "¿Le diagnosticaron el estadio IV?" in flat and "ñ" in flat


def test_every_figure_of_the_english_edition_is_in_the_spanish_one(spanish):
    _, pdf = spanish
    english = load(CONTENT)
    number = re.compile(r"\d+(?:\.\d+)?")
    figures = set()
    for _, block in english.blocks():
        for run in m.inline_runs(block):
            figures |= set(number.findall(m.plain(run)))
    for row in english.regimens():
        figures |= {f"{v:g}" for v in (row.median_survival_months, row.response_rate_percent) if v is not None}
    assert {"12.1", "9.3", "41.3", "16.7", "11.4", "8.8"} <= figures
    _, es_pages = _text(pdf)
    es = "".join(" ".join(es_pages).split())
    spanish_numbers = set(number.findall(es))
    assert figures - spanish_numbers == set()   # US Spanish writes them with a point, as English does
    assert "12.1meses" in es


def test_the_spanish_edition_verifies(spanish):
    guide, pdf = spanish
    report = verify_pdf(pdf, guide, BuildOptions())
    assert report.ok, [str(c) for c in report.checks if not c.passed]


@pytest.mark.parametrize("options", [BuildOptions(large_print=True), BuildOptions(paper="a4")],
                         ids=["large-print", "a4"])
def test_large_print_and_a4_in_spanish_build_and_verify(options):
    guide = load(ES)
    pdf, pages = render_guide(guide, options)
    report = verify_pdf(pdf, guide, options)
    assert report.ok, [str(c) for c in report.checks if not c.passed]
    _, text = _text(pdf)
    assert f"Página 2 de {pages}" in text[1]
    if options.large_print:  # the regimens as cards, their labels in Spanish
        assert "Supervivencia media: 12.1 meses" in " ".join(" ".join(text).split())


def test_rebuilds_stay_byte_identical(spanish):
    guide, pdf = spanish
    assert render_guide(load(ES), BuildOptions())[0] == pdf
    assert built()[0] == render_guide(load(CONTENT), BuildOptions())[0]


def test_es_es_would_write_a_decimal_comma():
    assert locale_for("es-ES").figure(12.1, "months") == "12,1 meses"
    assert locale_for("es-US").figure(12.1, "months") == "12.1 meses"


def test_the_packet_csv_language_column_picks_rows_for_this_run(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    csv = tmp_path / "r.csv"
    csv.write_text("name,address1,city,state,zip,language\nAna María Núñez,12 Main St,Austin,TX,78701,es\n"
                   "Bob Smith,3 Oak Ave,Boston,MA,02110,English\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "guide", "packet", "--recipients", str(csv), "--language", "es",
                        "--out", str(tmp_path / "run"), "--date", "2026-12-01", "--no-history"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    folder = next((tmp_path / "run").glob("2026-*"))
    rejects = (folder / "rejects.csv").read_text(encoding="utf-8")
    assert ("3,language 'English': this run mails the es-US edition; mail these rows in a run of their own with "
            "--language en") in rejects
    packet = next(folder.glob("000002-*.pdf")).read_bytes()
    first = PdfReader(io.BytesIO(packet)).pages[0].extract_text()
    assert "1 de diciembre de 2026" in first and "Estimado/a Ana María Núñez:" in first


def test_the_language_cell_accepts_tags_and_names():
    from guide.mail._recipients import language_problem

    for value in ("", "es", "ES-us", "Spanish", "español"):
        assert language_problem(value, "es-US") is None, value
    assert language_problem("inglés", "es-US").endswith("--language en")
    assert language_problem("fr", "en-US").endswith("--language fr")


def test_the_desk_serves_the_spanish_edition(tmp_path):
    """`guide serve --language es` points the desk at content/es: its copies are Spanish and verify."""
    from starlette.testclient import TestClient

    from guide.desk import DeskConfig, create_app

    app = create_app(DeskConfig(content_dir=ES, log_path=tmp_path / "log.jsonl", warm_counts=False))
    with TestClient(app) as client:
        r = client.post("/api/guide", json={"for": "Ana María Núñez", "paper": "a4"})
        assert r.status_code == 200, r.text
    options = BuildOptions(paper="a4", prepared_for="Ana María Núñez")
    report = verify_pdf(r.content, load(ES), options)
    assert report.ok, [line for line in report.lines() if not line.startswith("PASS")]
    _, pages = _text(r.content)
    assert "Preparado para Ana María Núñez" in " ".join(pages[0].split())


def test_a_named_large_print_spanish_cover_keeps_every_line():
    """Name, translation notice, edition and review lines all fit below the band in large print."""
    guide = load(ES)
    options = BuildOptions(large_print=True, prepared_for="Ana María Núñez")
    pdf, _ = render_guide(guide, options)
    report = verify_pdf(pdf, guide, options)
    assert report["covers"].passed, report["covers"].detail
    cover = " ".join(_text(pdf)[1][0].split())
    assert "Preparado para Ana María Núñez" in cover and "Todavía sin revisión médica" in cover


def test_the_desk_takes_a_language_field(tmp_path):
    """A desk on the content folder builds its paired edition when asked: {"language": "es"}."""
    from starlette.testclient import TestClient

    from guide.desk import DeskConfig, create_app

    app = create_app(DeskConfig(content_dir=CONTENT, log_path=tmp_path / "log.jsonl", warm_counts=False))
    with TestClient(app) as client:
        r = client.post("/api/guide", json={"for": "Ana María Núñez", "language": "es"})
        assert r.status_code == 200, r.text
        bad = client.post("/api/guide", json={"language": "fr"})
        english = client.post("/api/guide", json={})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "language", "message": "no edition in 'fr'; this desk has en-US, es-US"}]
    report = verify_pdf(r.content, load(ES), BuildOptions(prepared_for="Ana María Núñez"))
    assert report.ok, [line for line in report.lines() if not line.startswith("PASS")]
    assert "Página 2 de" in _text(r.content)[1][1]
    assert "Page 2 of" in _text(english.content)[1][1]


@pytest.mark.parametrize("word,count", [
    ("amigo", 3), ("ahora", 3), ("cisplatino", 4), ("aeropuerto", 5), ("mesotelioma", 5), ("quimioterapia", 5),
    ("día", 2), ("país", 2), ("Raúl", 2), ("guerra", 2), ("pingüino", 3), ("leer", 2), ("muy", 1), ("y", 1),
    ("pleural", 2), ("ciudad", 2), ("oncólogo", 4),
])
def test_spanish_syllables_are_the_vowel_nuclei(word, count):
    from guide.content._advice import spanish_syllables

    assert spanish_syllables(word) == count


def test_spanish_is_graded_with_crawford_and_english_with_flesch_kincaid():
    from guide.content import grade

    text = ["El mesotelioma es un cáncer poco común.", "Los médicos pueden ofrecerle tratamientos."]
    es = grade(text, "es-US")
    assert (es.words, es.sentences, es.syllables, es.formula) == (12, 2, 28, "Crawford")
    assert es.value == pytest.approx(-0.205 * 100 * 2 / 12 + 0.049 * 100 * 28 / 12 - 3.407)
    en = grade(["The doctor can offer treatment."], "en-US")
    assert en.formula == "Flesch\u2013Kincaid" and (es + es).language == "es"


def test_check_names_the_formula_it_grades_with():
    r = subprocess.run([sys.executable, "-m", "guide", "check", "--language", "es"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "reading grade (Crawford) of the whole guide:" in r.stdout
