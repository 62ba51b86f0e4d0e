"""Text is text, never markup: ReportLab's mini-HTML in content or recipient data prints literally.

A guide is built whose every kind of text holds ``<``, ``>``, ``&``, ``AT&T``, ``temp <38``,
an ``<img>`` tag naming a local file, a ``<font>`` tag and a ``javascript:`` link. Each must
come out as the same characters in the PDF's text, with no image, no URI and no script in it.
"""

from __future__ import annotations

import io
import re

import pytest
from minimal_content import BASICS, BRAND, GLOSSARY, GUIDE, REFERENCES, write_content
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from guide.build import load, render_guide
from guide.content import BuildOptions

IMG = '<img src="/etc/passwd"/>'
FONT = "<font size=40>big</font>"
LINK = '<a href="javascript:alert(1)">x</a>'
AMP = "AT&T and &amp; and &lt; stay as written"
TEMP = "Call if temp <38 or > 40 & rising"
BOLD = "<b>not bold</b> <br/> <para>"
ALL = [IMG, FONT, LINK, AMP, TEMP, BOLD]


def q(text: str) -> str:
    """A YAML double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hostile_content(root):
    basics = (BASICS
              .replace("title: The basics", f"title: {q('Basics <b>1</b> & ' + IMG)}")
              .replace('"The [[pleura]] is a lining.', q(TEMP + " " + IMG)[:-1] + " The [[pleura]] is a lining.")
              .replace("- Rest when you can.", f"- {q(FONT)}")
              .replace("Small meals help.", q(LINK))
              .replace("title: Before a visit", f"title: {q(AMP)}")
              .replace("- Write down questions", f"- {q(BOLD)}")
              .replace("title: Good to know", f"title: {q(LINK)}")
              .replace("paragraph: Ask for help.", f"paragraph: {q('*' + FONT + '* and [[' + BOLD + '|pleura]]')}")
              .replace("caption: Results", f"caption: {q(IMG)}")
              .replace("regimen: Drug A and drug B", f"regimen: {q(TEMP)}")
              .replace("drugs: [Drug A, Drug B]", f"drugs: [{q(AMP)}, {q(FONT)}]")
              .replace("title: More to read", f"title: {q(FONT)}")
              .replace("paragraph: Short and plain.", f"paragraph: {q('**' + LINK + '**')}"))
    brand = (BRAND.replace("name: Test Center", f"name: {q(AMP)}")
             .replace("tagline: Help for tests", f"tagline: {q(IMG)}")
             .replace("title: Call us", f"title: {q(BOLD)}")
             .replace("text: We answer the phone.", f"text: {q(LINK)}"))
    guide = (GUIDE.replace("subtitle: A guide for tests", f"subtitle: {q(TEMP)}")
             .replace("bio: Ann writes guides.", f"bio: {q(FONT + ' ' + IMG)}"))
    glossary = GLOSSARY.replace('"The thin lining around the lungs."', q(LINK + " " + AMP))
    refs = REFERENCES.replace('"Alpha, A. (2001). A first study."', q(IMG + " " + FONT))
    return write_content(root, guide_yaml=guide, brand_yaml=brand, glossary_yaml=glossary,
                         references_yaml=refs, sections__basics_yaml=basics)


@pytest.fixture(scope="module")
def hostile_pdf(tmp_path_factory):
    content = hostile_content(tmp_path_factory.mktemp("hostile"))
    options = BuildOptions(prepared_for="Ann <b>O'Neil</b> & " + FONT, advocate="Bo <i>AT&T</i>, " + TEMP)
    pdf, pages = render_guide(load(content), options)
    return pdf, pages


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_markup_characters_come_out_as_literal_text(hostile_pdf):
    pdf, pages = hostile_pdf
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == pages > 0
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    for literal in ALL + ["Basics<b>1</b>&", "Ann<b>O'Neil</b>&", "Bo<i>AT&T</i>,"]:
        assert squeeze(literal) in text, literal
    assert "AT&T;" not in text  # ReportLab's entity "repair" did not run
    assert text.count(squeeze(IMG)) >= 6 and text.count(squeeze(FONT)) >= 6 and text.count(squeeze(LINK)) >= 5


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def test_no_image_uri_or_script_reaches_the_pdf(hostile_pdf):
    pdf, _ = hostile_pdf
    reader = PdfReader(io.BytesIO(pdf))
    for number, page in enumerate(reader.pages, 1):
        xobjects = _resolve(_resolve(page.get("/Resources", {})).get("/XObject", {}))
        assert all(_resolve(x).get("/Subtype") != "/Image" for x in xobjects.values()), number
        for annot in page.get("/Annots", []) or []:
            annot = _resolve(annot)
            action = _resolve(annot.get("/A", {}))
            assert action.get("/S") in (None, "/GoTo"), (number, action)
            assert "/URI" not in action and "/JS" not in action
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/AA" not in catalog
    assert "/JavaScript" not in _resolve(catalog.get("/Names", {}))
    for key in (b"/URI", b"/JavaScript", b"/JS ", b"/Launch", b"/GoToR", b"/SubmitForm", b"/Subtype /Image"):
        assert key not in pdf, key  # dictionaries are not compressed by ReportLab, so a raw scan sees them
