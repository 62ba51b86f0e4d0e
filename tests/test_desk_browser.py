"""The desk in a real browser (Playwright driving Debian's Chromium): an advocate's copy, screenshots, axe-core.

axe-core (tests/vendor/axe.min.js, MPL-2.0, from npm axe-core 4.14.1) is evaluated in the page through the
DevTools protocol, which the page's Content-Security-Policy does not govern, and must report 0 violations.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
import os  # noqa: E402

# screenshots go to a temporary folder; DESK_SCREENSHOTS=docs refreshes the README's copies
SHOTS = Path(os.environ["DESK_SCREENSHOTS"]) if os.environ.get("DESK_SCREENSHOTS") else None
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
NAME = "José Muñoz"
NOTE = "Bring this guide to Monday's visit. Ask Dr Lee about the clinical trial on page 12."

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)", allow_module_level=True)

from desk_server import DeskProcess  # noqa: E402


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = DeskProcess(tmp_path_factory.mktemp("desk") / "desk.sqlite")
    yield d
    d.stop()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = SHOTS or tmp_path_factory.mktemp("shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]]


def capturing(browser) -> tuple:
    """A desktop browser context that keeps the bytes of every PDF the form answers with (the viewer's
    HTML is not the PDF: the answer is fetched and passed on)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    captured: list[bytes] = []

    def keep_pdf(route):
        response = route.fetch()
        captured.append(response.body())
        route.fulfill(response=response)

    context.route("**/guide.pdf", keep_pdf)
    return context, captured


def test_an_advocate_fills_the_form_and_previews_a_named_copy(desk, browser, shots):
    from pypdf import PdfReader

    context, captured = capturing(browser)
    page = context.new_page()
    page.goto(desk.url + "/")
    page.get_by_label("A4").check()
    page.get_by_label("Large print (18 point type and up)").check()
    page.get_by_role("button", name="Select none").click()
    page.get_by_label("Symptoms of stage IV").check()
    page.get_by_label("Chemotherapy options for stage IV").check()
    page.get_by_label("Prepared for").fill(NAME)
    page.get_by_label("Your name and phone").fill("Maria Lopez, 555-0100")
    page.get_by_label("A note from you (optional)").fill(NOTE)
    count = page.locator("#pages")
    page.wait_for_selector('#pages[data-state="done"]', timeout=20_000)
    sync_api.expect(count).to_have_text(re.compile(r"This copy: \d+ pages\."), timeout=20_000)
    shown = int(re.search(r"(\d+) pages", count.inner_text()).group(1))
    page.get_by_label("Prepared for").focus()  # the screenshot shows the focus ring on a filled field
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "desk-desktop.png"))
    with context.expect_page() as popup:
        page.get_by_role("button", name="Preview").click()
    popup.value.wait_for_load_state()
    assert len(captured) == 1
    reader = PdfReader(io.BytesIO(captured[0]))
    assert len(reader.pages) == shown
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
    text = ["".join(p.extract_text().split()) for p in reader.pages]
    assert "".join(f"Prepared for {NAME}".split()) in text[0]
    assert "".join(NOTE.split()) in text[1]
    assert any("Symptomsofstage" in t for t in text) and not any("Clinicaltrials" in t for t in text[2:3])
    context.close()


def test_phone_width_and_axe_finds_no_violations(desk, browser, shots):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    page.goto(desk.url + "/")
    sync_api.expect(page.locator("#pages")).to_have_text(re.compile(r"This copy: \d+ pages\."), timeout=20_000)
    page.screenshot(path=str(shots / "desk-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    assert axe_violations(page) == []
    context.close()


def test_errors_are_announced_and_pass_axe(desk, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(desk.url + "/")
    page.get_by_label("Prepared for").fill("王芳")  # Chinese: no embedded font draws it
    page.get_by_role("button", name="Download").click()
    alert = page.get_by_role("alert")
    sync_api.expect(alert).to_contain_text("give the name in Latin letters")
    assert page.get_by_label("Prepared for").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    # keyboard: the first Tab reaches the skip link, and focus is drawn
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    context.close()


def test_a_spanish_speaking_advocate_switches_the_page_and_prints_the_spanish_guide(desk, browser, shots):
    from pypdf import PdfReader

    context, captured = capturing(browser)
    page = context.new_page()
    page.goto(desk.url + "/")
    page.get_by_role("link", name="Español").click()
    page.wait_for_url("**/?lang=es")
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.get_by_label("Español").is_checked()  # the guide in the page's language, to begin with
    sync_api.expect(page.locator("#pages")).to_have_text(re.compile(r"Esta copia: \d+ páginas\."), timeout=20_000)
    page.get_by_label("Preparado para").fill(NAME)
    page.get_by_label("Letra grande (18 puntos o más)").check()
    page.wait_for_selector('#pages[data-state="done"]', timeout=20_000)
    shown = int(re.search(r"(\d+) páginas", page.locator("#pages").inner_text()).group(1))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "desk-spanish.png"))
    assert axe_violations(page) == []
    with context.expect_page() as popup:
        page.get_by_role("button", name="Ver").click()
    popup.value.wait_for_load_state()
    reader = PdfReader(io.BytesIO(captured[0]))
    assert len(reader.pages) == shown
    assert "".join(f"Preparado para {NAME}".split()) in "".join(reader.pages[0].extract_text().split())
    assert reader.trailer["/Root"]["/Lang"] == "es-US"
    context.close()


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_text_is_at_least_18_px(desk, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(desk.url + "/")
    sizes = page.evaluate("""() => [...document.querySelectorAll(
        'label, legend, p, button, li, th, td, textarea, input[type=text]')]
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert min(sizes) >= 18
    page.close()
