"""Locale files: loaded and checked once, every key in every language; Babel's dates and numbers per tag;
--language selecting the paired folder; the translation record; `check --pair` catching drift."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pytest

from guide.content import _locale, edition_folder, load_guide, locale_for, pair_problems
from guide.errors import ContentError

from conftest import CONTENT, ROOT, locale_problems

DAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize("tag, date, months", [
    ("en-US", "November 27, 2026", "12.1 months"),
    ("es-US", "27 de noviembre de 2026", "12.1 meses"),   # US Spanish: a decimal point
    ("es-ES", "27 de noviembre de 2026", "12,1 meses"),   # Spain: a decimal comma
])
def test_dates_and_figures_follow_the_tag_exactly(tag, date, months):
    loc = locale_for(tag)
    assert loc.date(DAY) == date
    assert loc.figure(12.1, "months") == months
    assert loc.figure(None) == "\u2014"
    assert loc.figure(13, "%") == "13%"


def test_us_english_words():
    en = locale_for("en-US")
    assert en.evidence("randomised-phase-3", None) == "Randomized phase III trial"
    assert en.evidence("study", 2003) == "2003 study"
    assert en("page_n_of_m", n=3, m=20) == "Page 3 of 20"
    assert locale_for("es-US")("page_n_of_m", n=3, m=20) == "Página 3 de 20"


def test_every_locale_has_every_key_of_english():
    en = locale_for("en-US").words
    for lang in _locale.available():
        assert set(locale_for(lang).words) == set(en), lang


def test_a_missing_or_wrong_key_is_a_located_error(tmp_path, monkeypatch):
    es = (_locale.locales_folder() / "es.yaml").read_text(encoding="utf-8")
    es = es.replace('  notes: "Notas"\n', "").replace('"Página {n} de {m}"', '"Página {n}"')
    es = es.replace('  contents: "Contenido"\n', '  contents: "Contenido"\n  contenido: "Otro"\n')
    problems = locale_problems(tmp_path, monkeypatch, es)
    assert "guide/locales/es.yaml:6: words.contenido: not a key of en.yaml" in problems
    assert any(p.startswith("guide/locales/es.yaml:") and "words.page_n_of_m: must use the placeholders {m}, {n}"
               in p for p in problems)
    assert any(p.endswith("words.notes: missing (every locale needs each key of en.yaml)") for p in problems)


def test_a_language_without_a_locale_is_located_in_guide_yaml(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "c", ignore=shutil.ignore_patterns("es"))
    g = tmp_path / "c" / "guide.yaml"
    g.write_text(g.read_text(encoding="utf-8").replace("language: en-US", "language: fr-FR"), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_guide(tmp_path / "c")
    assert [p.message for p in err.value.problems] == ["has no interface words: guide/locales has en, es, not 'fr'"]
    assert err.value.problems[0].line == 3


def test_language_selects_the_paired_folder():
    assert edition_folder(CONTENT, None) == CONTENT
    assert edition_folder(CONTENT, "es") == CONTENT / "es"
    assert edition_folder(CONTENT, "es-US") == CONTENT / "es"
    assert edition_folder(CONTENT, "en") == CONTENT
    with pytest.raises(ContentError) as err:
        edition_folder(CONTENT, "fr")
    assert str(err.value).startswith("--language: no fr edition in ")


def test_the_translation_record_is_read():
    g = load_guide(CONTENT / "es")
    assert g.language == "es-US"
    assert g.translation is not None and g.translation.source == "en-US" and g.translation.reviewed_by is None
    assert load_guide(CONTENT).translation is None


def test_a_bad_translation_record_is_located(tmp_path):
    shutil.copytree(CONTENT / "es", tmp_path / "es")
    g = tmp_path / "es" / "guide.yaml"
    g.write_text(g.read_text(encoding="utf-8").replace("from: en-US", "from: es-US")
                 .replace("date: 2026-12-01", "date: soon"), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_guide(tmp_path / "es")
    got = [(p.line, p.path, p.message) for p in err.value.problems]
    assert got == [(7, "translation.from", "names the guide's own language 'es-US'; a translation comes from another"),
                   (10, "translation.date", "must be a date like 2026-11-27, not 'soon'")]


def _guide(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "guide", *args], capture_output=True, text=True, cwd=cwd or ROOT)


def test_check_warns_about_an_unreviewed_translation():
    r = _guide("check", "--language", "es")
    assert r.returncode == 0, r.stderr
    assert ("content/es/guide.yaml:9: warning: translation.reviewed_by: the translation has not yet been reviewed "
            "by a medical translator") in r.stderr


# ---- check --pair: defect tests on a copy ---------------------------------------------------

@pytest.fixture()
def pair_copy(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path / "content"


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_shipped_pair_matches():
    r = _guide("check", "--pair", "es")
    assert r.returncode == 0, r.stderr
    assert "pair OK: es/ matches the en-US edition section by section" in r.stdout


def test_pair_catches_a_dropped_figure(pair_copy):
    _edit(pair_copy / "es/sections/chemotherapy.yaml", "12.1 meses", "12 meses")
    r = _guide("check", "--content", str(pair_copy), "--pair", "es", cwd=pair_copy.parent)
    assert r.returncode == 2
    assert "content/es/sections/chemotherapy.yaml:4: blocks[0].paragraph: lacks the number 12.1 of the original block" in r.stderr


def test_pair_catches_a_missing_checklist_item(pair_copy):
    _edit(pair_copy / "es/sections/symptoms.yaml", "        - {id: night-sweats, text: Sudores nocturnos}\n", "")
    r = _guide("check", "--content", str(pair_copy), "--pair", "es", cwd=pair_copy.parent)
    assert r.returncode == 2
    assert ("content/es/sections/symptoms.yaml:11: blocks[2].checklist.items: lacks item 'night-sweats' of the "
            "original checklist") in r.stderr


def test_pair_catches_a_renamed_section(pair_copy):
    es = pair_copy / "es"
    (es / "sections/staging.yaml").rename(es / "sections/estadificacion.yaml")
    _edit(es / "sections/estadificacion.yaml", "id: staging", "id: estadificacion")
    _edit(es / "guide.yaml", "  - staging\n", "  - estadificacion\n")
    r = _guide("check", "--content", str(pair_copy), "--pair", "es", cwd=pair_copy.parent)
    assert r.returncode == 2
    assert "content/es/guide.yaml:23: sections: lacks section 'staging' of the original edition" in r.stderr
    assert "content/es/guide.yaml:31: sections[8]: section 'estadificacion' is not in the original edition" in r.stderr


def test_pair_catches_a_drug_left_in_english_a_citation_and_a_term(pair_copy):
    es = pair_copy / "es"
    _edit(es / "sections/chemotherapy.yaml", "Cisplatino y pemetrexed", "Cisplatin y pemetrexed")
    text = (es / "sections/chemotherapy.yaml").read_text(encoding="utf-8")
    (es / "sections/chemotherapy.yaml").write_text(text.replace("cisplatino", "cisplatin").replace(
        "Cisplatino", "Cisplatin"), encoding="utf-8")
    original, translated = load_guide(pair_copy), load_guide(es)
    problems = [str(p) for p in pair_problems(original, translated, es)]
    assert any("sections/chemotherapy.yaml:3: blocks: the original names cisplatin, but this section never says "
               "'cisplatino'" in p for p in problems), problems
