"""The desk in the advocate's language (?lang=, the form's ui field, Accept-Language) and the guide in the family's."""

from __future__ import annotations

import html
import io
import re
import string

import pytest
from pypdf import PdfReader

from conftest import CONTENT, locale_problems
from guide.content import _locale, locale_for
from guide.desk import DeskConfig, create_app
from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    log = tmp_path_factory.mktemp("desk") / "handouts.sqlite"
    with TestClient(create_app(DeskConfig(content_dir=CONTENT, log_path=log, warm_counts=False))) as c:
        yield c


def visible(page: str) -> str:
    """The page's text and attribute values, unescaped, without the markup."""
    attrs = " ".join(re.findall(r'(?:data-[a-z-]+|aria-label|title|placeholder)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attrs)


def fixed_parts(text: str) -> list[str]:
    """A locale text's literal pieces between placeholders: 'Página {n} de {m}' -> ['Página ', ' de ']."""
    return [lit for lit, *_ in string.Formatter().parse(text) if lit and lit.strip()]


def test_the_spanish_page_has_every_desk_word_in_spanish_and_none_in_english(client):
    page = client.get("/?lang=es")
    assert page.status_code == 200
    assert '<html lang="es">' in page.text
    shown = visible(page.text)
    en, es = locale_for("en").desk, locale_for("es").desk
    # words that only show in other states (errors, busy, sign-in) are left out of this page
    elsewhere = {"content_errors", "content_errors_hint", "check_one", "check_many", "busy", "expired", "too_large",
                 "sign_in", "token", "token_hint", "token_wrong", "choose_a_section", "not_counted", "counting_pages",
                 "n_pages", "counting", "note_label", "language_self", "and", "not_counted_yet"}
    for key, text in es.items():
        if key in elsewhere:
            continue
        for part in fixed_parts(text):
            assert part.strip() in shown, (key, part)
    for key, text in en.items():
        if en[key] == es[key] or key in ("language_self",):
            continue
        for part in fixed_parts(text):
            if len(part.strip()) > 3:
                assert part.strip() not in shown, (key, part)


def test_the_page_language_comes_from_the_link_then_the_browser_then_english(client):
    assert '<html lang="es">' in client.get("/", headers={"accept-language": "es-MX,es;q=0.9,en;q=0.8"}).text
    assert '<html lang="es">' in client.get("/", headers={"accept-language": "fr;q=1, es;q=0.5, en;q=0.2"}).text
    assert '<html lang="en">' in client.get("/", headers={"accept-language": "de-DE, fr"}).text
    assert '<html lang="en">' in client.get("/?lang=en", headers={"accept-language": "es"}).text
    # a language the desk has no words for is not an error on a link: the browser's or English
    assert '<html lang="en">' in client.get("/?lang=fr").text
    assert '<html lang="en">' in client.get("/?lang=%3Cscript%3E").text


def test_the_picker_links_to_each_page_language_named_in_itself(client):
    page = client.get("/").text
    assert '<a href="/?lang=es" lang="es" hreflang="es">Español</a>' in page
    assert '<span aria-current="true" lang="en">English</span>' in page
    spanish = client.get("/?lang=es").text
    assert '<a href="/?lang=en" lang="en" hreflang="en">English</a>' in spanish


def test_the_guide_language_defaults_to_the_page_language_and_shows_that_editions_sections(client):
    en_page, es_page = client.get("/").text, client.get("/?lang=es").text
    assert 'name="language" value="en-US" checked' in en_page and 'value="es-US" checked' not in en_page
    assert 'name="language" value="es-US" checked' in es_page
    es_titles = [s["title"] for s in client.get("/api/sections").json()]  # the desk's own (English) edition
    assert es_titles[0] in en_page
    spanish = __import__("guide.pdf", fromlist=["load_content"]).load_content(CONTENT / "es")
    for s in spanish.sections[:3]:
        assert html.escape(s.title, quote=False) in es_page or html.escape(s.title) in es_page


def test_a_spanish_form_builds_the_spanish_guide_and_answers_mistakes_in_spanish(client):
    ok = client.post("/guide.pdf", data={"ui": "es", "language": "es-US", "paper": "letter",
                                         "sections": ["symptoms"], "action": "download"})
    assert ok.status_code == 200 and ok.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(ok.content))
    assert "Página 2 de" in reader.pages[1].extract_text()
    bad = client.post("/guide.pdf", data={"ui": "es", "language": "es-US", "paper": "legal",
                                          "sections": ["symptoms"], "action": "preview"})
    assert bad.status_code == 422
    assert '<html lang="es">' in bad.text and "Revise esto, por favor" in bad.text
    assert '<a href="#f-paper">Papel: must be one of: letter, a4</a>' in bad.text
    assert 'name="language" value="es-US" checked' in bad.text  # the choice is kept
    unknown = client.post("/guide.pdf", data={"ui": "es", "language": "fr", "action": "preview"})
    assert unknown.status_code == 422 and "Idioma de la guía: no edition in &#39;fr&#39;" in unknown.text


def test_the_page_count_api_counts_the_chosen_language(client):
    en = client.get("/api/pages", params={"paper": "letter"}).json()["pages"]
    es = client.get("/api/pages", params={"paper": "letter", "language": "es"}).json()["pages"]
    assert en > 10 and es > 10
    bad = client.get("/api/pages", params={"language": "fr"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "language"


def test_a_desk_word_missing_from_a_locale_file_is_a_located_error(tmp_path, monkeypatch):
    es = (_locale.locales_folder() / "es.yaml").read_text(encoding="utf-8")
    es = es.replace('  preview: "Ver"\n', "").replace('"{n} páginas"', '"{m} páginas"')
    problems = locale_problems(tmp_path, monkeypatch, es)
    assert any(p.endswith("desk.preview: missing (every locale needs each key of en.yaml)") for p in problems)
    assert any("desk.n_pages: must use the placeholders {n} as en.yaml does, not {m}" in p for p in problems)
