"""The advocate desk in process (Starlette's TestClient): page, form, API, bad requests, cache, 503, token, logs."""

from __future__ import annotations

import html
import io
import json
import logging
import os
import shutil
import sqlite3
import stat
import time

import pytest
from pypdf import PdfReader

from conftest import CONTENT
from guide.cli import main
from guide.content import BuildOptions
from guide.desk import DeskConfig, HandoutLog, create_app, download_name
from starlette.testclient import TestClient

NAME = "José Muñoz"
NOTE = "Bring this list to Monday's visit & ask about a second opinion <soon>."
TOKEN = "a-long-desk-token-for-tests"


@pytest.fixture(scope="module")
def log_path(tmp_path_factory):
    return tmp_path_factory.mktemp("desk") / "handouts.sqlite"


@pytest.fixture(scope="module")
def client(log_path):
    app = create_app(DeskConfig(content_dir=CONTENT, log_path=log_path, warm_counts=False))
    with TestClient(app) as c:
        yield c


@pytest.fixture
def desk(client):
    return client.app.state.desk


def pdf_text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    return "".join(text.split())


# ---- the page -------------------------------------------------------------------------------


def test_page_shows_the_form_with_labels_and_every_choosable_section(client, guide_model):
    r = client.get("/")
    assert r.status_code == 200
    html = r.text
    assert '<h1 lang="en-US">Stage IV Mesothelioma</h1>' in html
    for field in ("f-for", "f-advocate", "f-note"):
        assert f'<label for="{field}">' in html and f'id="{field}"' in html
    choosable = [s for s in guide_model.sections if s.id not in ("glossary", "references")]
    for s in choosable:
        assert f'name="sections" value="{s.id}" checked' in html
    assert 'value="glossary"' not in html  # back matter comes with the sections that need it
    assert 'formtarget="_blank"' in html and 'value="download"' in html


def test_every_answer_carries_the_security_headers(client):
    for r in (client.get("/"), client.get("/api/sections"), client.get("/healthz"), client.get("/static/desk.css")):
        assert r.headers["content-security-policy"].startswith("default-src 'self'")
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/").headers["cache-control"] == "no-store"


def test_healthz_and_sections(client, guide_model):
    assert client.get("/healthz").json()["ok"] is True
    assert client.get("/api/sections").json() == [{"id": s.id, "title": s.title} for s in guide_model.sections]


# ---- PDFs -------------------------------------------------------------------------------------


def test_api_builds_a_named_copy_with_every_field(client, guide_model):
    from guide.verify import verify_pdf

    body = {"paper": "a4", "large_print": True, "sections": ["symptoms", "chemotherapy"], "for": NAME,
            "advocate": "Maria Lopez, 555-0100", "note": NOTE}
    r = client.post("/api/guide", json=body)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["content-disposition"] == \
        'attachment; filename="stage-iv-mesothelioma-large-print-a4-selected-jose-munoz.pdf"'
    options = BuildOptions(paper="a4", large_print=True, sections=("symptoms", "chemotherapy"), prepared_for=NAME,
                           advocate="Maria Lopez, 555-0100", note=NOTE)
    report = verify_pdf(r.content, guide_model, options)
    assert report.ok, report.lines()
    pages = pdf_text(r.content)
    assert squash(f"Prepared for {NAME}") in squash(pages[0])
    assert squash(NOTE) in squash(pages[1])


def test_form_preview_is_inline_and_download_an_attachment(client):
    form = {"paper": "letter", "sections": ["symptoms", "next-steps"], "for": NAME, "action": "preview"}
    r = client.post("/guide.pdf", data=form)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'inline; filename="stage-iv-mesothelioma-selected-jose-munoz.pdf"'
    r2 = client.post("/guide.pdf", data={**form, "action": "download"})
    assert r2.headers["content-disposition"].startswith("attachment;")
    assert r2.content == r.content  # the same copy, from the cache


def test_download_name_is_the_edition_and_an_ascii_form_of_the_name():
    from guide.build import load

    guide = load(CONTENT)
    assert download_name(guide, BuildOptions(prepared_for="Đặng Thị Ánh")) == \
        "stage-iv-mesothelioma-dang-thi-anh.pdf"
    assert download_name(guide, BuildOptions()) == "stage-iv-mesothelioma.pdf"


def test_identical_requests_come_from_the_cache(client, desk):
    body = {"for": "Ann Cache", "paper": "a4"}
    first = client.post("/api/guide", json=body)
    hits = desk.cache.hits
    start = time.perf_counter()
    again = client.post("/api/guide", json=body)
    assert time.perf_counter() - start < 0.5
    assert desk.cache.hits == hits + 1 and again.content == first.content


def test_page_counts_come_from_a_real_layout(client):
    r = client.get("/api/pages", params={"paper": "a4", "large_print": "true", "sections": ["symptoms"]})
    assert r.status_code == 200
    built = client.post("/api/guide", json={"paper": "a4", "large_print": True, "sections": ["symptoms"]})
    assert r.json()["pages"] == int(built.headers["x-page-count"]) == len(PdfReader(io.BytesIO(built.content)).pages)
    page = client.post("/guide.pdf", data={"paper": "a4", "large_print": "on", "sections": ["symptoms"],
                                           "action": "count"})
    assert page.status_code == 200 and f"<strong>{r.json()['pages']} pages</strong>" in page.text


def test_full_queue_answers_503_with_retry_after(client, desk):
    saved = desk.pool.max_pending
    desk.pool.max_pending = 0
    try:
        r = client.post("/api/guide", json={"for": "Never Built Before"})
        form = client.post("/guide.pdf", data={"for": "Never Built Either", "sections": ["symptoms"]})
    finally:
        desk.pool.max_pending = saved
    assert r.status_code == 503 and r.headers["retry-after"] == "2"
    assert r.json()["errors"][0]["message"].startswith("every build worker is busy")
    assert form.status_code == 503 and "press the button again" in form.text


# ---- bad requests ---------------------------------------------------------------------------------

BAD_JSON = [
    ({"paper": "b5"}, 422, "paper", "must be one of: letter, a4"),
    ({"large_print": "yes"}, 422, "large_print", "must be true or false"),
    ({"sections": "symptoms"}, 422, "sections", "must be a list of section ids"),
    ({"sections": ["symptoms", "nope"]}, 422, "sections", "no section 'nope'; see GET /api/sections"),
    ({"sections": []}, 422, "sections", "choose at least one section"),
    ({"for": "x" * 81}, 422, "for", "is 81 characters long; at most 80 allowed"),
    ({"for": 7}, 422, "for", "must be text"),
    ({"for": "王芳"}, 422, "for",
     "character '王' (U+738B CJK UNIFIED IDEOGRAPH-738B, Han (Chinese characters) script) cannot be drawn by the "
     "fonts Atkinson Hyperlegible and Guide Sans; give the name in Latin letters"),
    ({"advocate": "y" * 121}, 422, "advocate", "is 121 characters long; at most 120 allowed"),
    ({"note": "z" * 601}, 422, "note", "is 601 characters long; at most 600 allowed"),
    ({"colour": "red"}, 422, "colour", "unknown field; the fields are: paper, large_print, sections, for, "
                                       "advocate, note, language"),
    ([1, 2], 400, "body", "must be a JSON object with the fields: paper, large_print, sections, for, advocate, note, language"),
]


@pytest.mark.parametrize("body,status,field,message", BAD_JSON)
def test_bad_api_requests_name_the_field(client, body, status, field, message):
    r = client.post("/api/guide", json=body)
    assert r.status_code == status
    assert {"field": field, "message": message} in r.json()["errors"]


def test_broken_and_oversized_bodies(client):
    r = client.post("/api/guide", content=b'{"for": ', headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "body"
    assert r.json()["errors"][0]["message"].startswith("is not valid JSON")
    big = client.post("/api/guide", json={"note": "x" * 70_000})
    assert big.status_code == 413 and big.json() == {"errors": [{"field": "body", "message": "is larger than 64 KB"}]}
    form = client.post("/guide.pdf", data={"note": "x" * 70_000})
    assert form.status_code == 413 and "larger than 64 KB" in form.text


def test_every_api_problem_in_one_answer(client):
    r = client.post("/api/guide", json={"paper": "b5", "for": "", "sections": ["nope"], "note": 3})
    assert [e["field"] for e in r.json()["errors"]] == ["paper", "sections", "note"]


def test_bad_form_is_shown_again_with_messages_beside_the_fields(client):
    evil = "<script>alert(1)</script> 王芳"
    r = client.post("/guide.pdf", data={"for": evil, "paper": "letter", "sections": ["symptoms"], "action": "preview"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'aria-invalid="true"' in html and 'id="e-for"' in html
    assert "cannot be drawn by the fonts Atkinson Hyperlegible and Guide Sans" in html
    assert 'role="alert"' in html
    # the choices made are kept: symptoms ticked, the others not
    assert 'value="symptoms" checked' in html and 'value="treatment" checked' not in html


def test_form_with_no_section_ticked(client):
    r = client.post("/guide.pdf", data={"paper": "a4", "action": "download"})
    assert r.status_code == 422 and "choose at least one section" in r.text


# ---- personal data --------------------------------------------------------------------------------


def test_no_name_or_note_in_any_log_line_or_the_handout_log(client, log_path, caplog):
    caplog.set_level(logging.DEBUG)
    name, note = "Zelda Privacy-Test", "A private note about Zelda's scan"
    r = client.post("/guide.pdf", data={"for": name, "note": note, "advocate": "Sam Desk, 555-0199",
                                        "sections": ["symptoms"], "action": "download"})
    assert r.status_code == 200
    client.post("/api/guide", json={"for": name, "note": note})
    client.get("/api/pages", params={"sections": ["symptoms"]})
    # every line the server side wrote (the test's own HTTP client logs its URLs: not the desk's)
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records if not r.name.startswith("httpx"))
    assert "POST /guide.pdf 200" in text and "POST /api/guide 200" in text and "GET /api/pages 200" in text
    assert "Zelda" not in text and "private" not in text and "sections=" not in text
    assert stat.S_IMODE(os.stat(log_path).st_mode) == 0o600
    rows = sqlite3.connect(log_path).execute("SELECT * FROM handouts").fetchall()
    assert rows and "Zelda" not in repr(rows) and "private" not in repr(rows)
    assert any(r[2] == "stage-iv-mesothelioma-selected" and r[5] == "symptoms" and r[6] == "Sam Desk, 555-0199"
               and r[8] == "download" for r in rows)


def test_desk_log_counts_per_day_and_edition(tmp_path, capsys):
    from datetime import datetime

    from guide.desk._log import Handout

    log = HandoutLog(tmp_path / "log.sqlite")
    for day, edition in (("2026-11-30", "stage-iv-mesothelioma"), ("2026-12-01", "stage-iv-mesothelioma"),
                         ("2026-12-01", "stage-iv-mesothelioma"), ("2026-12-01", "stage-iv-mesothelioma-a4")):
        log.record(Handout(edition, "letter", False, None, None, 20, "download"),
                   at=datetime.fromisoformat(day + "T10:00:00"))
    assert main(["desk-log", "--log", str(tmp_path / "log.sqlite"), "--since", "2026-12-01", "--csv"]) == 0
    assert capsys.readouterr().out == ("day,edition,copies\n2026-12-01,stage-iv-mesothelioma,2\n"
                                       "2026-12-01,stage-iv-mesothelioma-a4,1\n")
    assert main(["desk-log", "--log", str(tmp_path / "log.sqlite")]) == 0
    assert capsys.readouterr().out.splitlines()[-1].split() == ["total", "4"]
    assert main(["desk-log", "--log", str(tmp_path / "log.sqlite"), "--since", "yesterday"]) == 2
    assert "is not a date" in capsys.readouterr().err


def test_serve_refuses_another_host_without_a_token(capsys, monkeypatch):
    monkeypatch.delenv("GUIDE_DESK_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "--host 0.0.0.0 would let other machines reach patients" in err and "--token-file" in err


# ---- token mode, and content that changes under a running desk -----------------------------------------


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    content = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(CONTENT, content)
    app = create_app(DeskConfig(content_dir=content, token=TOKEN, log_path=None, workers=1, warm_counts=False))
    with TestClient(app) as c:
        yield c, content


def test_token_mode_needs_the_token_everywhere(shared):
    c, _ = shared
    c.cookies.clear()
    assert c.get("/", follow_redirects=False).status_code == 303
    r = c.get("/api/sections")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert c.get("/api/sections", headers={"authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/api/sections", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
    pdf = c.post("/api/guide", json={"sections": ["symptoms"]}, headers={"authorization": f"Bearer {TOKEN}"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert c.get("/signin").status_code == 200


def test_sign_in_sets_a_strict_cookie_and_forms_need_the_csrf_token(shared):
    c, _ = shared
    c.cookies.clear()
    assert c.post("/signin", data={"token": "nope"}).status_code == 401
    r = c.post("/signin", data={"token": TOKEN}, follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and TOKEN not in cookie
    page = c.get("/")
    assert page.status_code == 200 and 'name="csrf"' in page.text
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    form = {"sections": ["symptoms"], "action": "download"}
    assert c.post("/guide.pdf", data=form).status_code == 403
    ok = c.post("/guide.pdf", data={**form, "csrf": csrf})
    assert ok.status_code == 200 and ok.headers["content-type"] == "application/pdf"
    assert c.post("/api/guide", json={}).status_code == 403  # a cookie alone does not reach the API
    c.cookies.clear()


def test_content_errors_show_on_the_page_and_edits_show_without_a_restart(shared):
    c, content = shared
    auth = {"authorization": f"Bearer {TOKEN}"}
    guide_yaml = content / "guide.yaml"
    good = guide_yaml.read_text(encoding="utf-8")
    try:
        guide_yaml.write_text(good.replace("title: Stage IV Mesothelioma", "title: [broken"), encoding="utf-8")
        page = c.get("/", headers=auth)
        assert page.status_code == 503 and "The guide's content has errors" in html.unescape(page.text)
        assert "guide.yaml:2: YAML syntax error at column 9" in page.text and "<form" not in page.text
        assert c.get("/healthz", headers=auth).status_code == 503
        assert c.post("/api/guide", json={}, headers=auth).json()["errors"][0]["field"] == "content"
        guide_yaml.write_text(good.replace("title: Stage IV Mesothelioma", "title: Stage IV Mesothelioma Today"),
                              encoding="utf-8")
        page = c.get("/", headers=auth)
        assert page.status_code == 200 and '<h1 lang="en-US">Stage IV Mesothelioma Today</h1>' in page.text
        pdf = c.post("/api/guide", json={"sections": ["symptoms"]}, headers=auth)
        assert squash("Stage IV Mesothelioma Today") in squash(pdf_text(pdf.content)[0])
    finally:
        guide_yaml.write_text(good, encoding="utf-8")


def test_page_count_api_rejects_unknown_fields(client):
    r = client.get("/api/pages", params={"for": "Someone"})
    assert r.status_code == 422 and json.loads(r.text)["errors"][0]["field"] == "for"
