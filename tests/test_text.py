"""The project's content-stream text reader (tagging._text) against pypdf's text extraction, run by run."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from conftest import built
from guide.content import BuildOptions
from guide.tagging._stream import operations, unescape
from guide.tagging._text import TextReader

EDITIONS = {
    "default": BuildOptions(),
    "large-a4-cmyk": BuildOptions(paper="a4", large_print=True, cmyk=True),
    "named-advocate-note": BuildOptions(prepared_for="Nguyễn Thị Minh Khai", advocate="Ann Lee, 555-222-3333",
                                        note="Call me on Tuesday (after 3 pm) \u2014 bring the list."),
    "sections": BuildOptions(sections=("symptoms", "chemotherapy")),
    "booklet": BuildOptions(print_mode="booklet"),
    "shop": BuildOptions(print_mode="shop"),
}


def pypdf_runs(page) -> list[tuple]:
    out: list[tuple] = []

    def visit(text, cm, tm, font, size):
        name = str(font.get("/BaseFont", "")) if font is not None else ""
        out.append((text, tuple(round(v, 4) for v in cm), tuple(round(v, 4) for v in tm), name, size))

    page.extract_text(visitor_text=visit)
    return [r for r in out if r[0].strip()]


def our_runs(reader: TextReader, page) -> list[tuple]:
    out: list[tuple] = []
    reader.page(page, lambda text, cm, tm, font, size: out.append(
        (text, tuple(round(v, 4) for v in cm), tuple(round(v, 4) for v in tm), font, size)))
    return [r for r in out if r[0].strip()]


@pytest.mark.parametrize("options", EDITIONS.values(), ids=EDITIONS.keys())
def test_every_page_reads_as_pypdf_reads_it(options):
    r = PdfReader(io.BytesIO(built(options)[0]))
    ours = TextReader(r)
    for i, page in enumerate(r.pages):
        theirs = pypdf_runs(page)
        assert theirs, f"page {i + 1} has no text"
        assert our_runs(ours, page) == theirs, f"page {i + 1}"


def _hand_made(code: list[str]) -> bytes:
    """A one-page PDF whose content is ``code`` (raw operators), with Helvetica as /F1."""
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=(400, 400), invariant=1, pageCompression=0)
    canv.setFont("Helvetica", 12)
    canv.drawString(10, 10, "x")   # registers the font as /F1
    canv._code.extend(code)
    canv.showPage()
    canv.save()
    return buf.getvalue()


HAND_MADE = {
    "moves along a line": ["BT /F1 12 Tf 20 300 Td (Left) Tj 60 0 Td (right) Tj 4 0 Td (tight) Tj ET"],
    "TJ gaps": ["BT /F1 10 Tf 20 280 Td [(Wide) -600 (gap) -100 (narrow) 200 (kern)] TJ ET"],
    "quote operators": ["BT /F1 10 Tf 14 TL 20 260 Td (one) Tj (two) ' 2 1 (three) \" ET"],
    "escapes and hex": [r"BT /F1 10 Tf 20 240 Td (a \(nested (pair)\) \101\102 \\ end) Tj <48656c6c6f> Tj ET"],
    "font changes": ["BT /F1 10 Tf 20 220 Td (ten) Tj /F1 14 Tf (fourteen) Tj /F9 10 Tf (unknown) Tj ET"],
    "matrices": ["q 2 0 0 2 10 10 cm BT /F1 8 Tf 1 0 0 1 5 60 Tm (scaled) Tj ET Q",
                 "q 0 1 -1 0 300 50 cm BT /F1 9 Tf (turned) Tj ET Q BT /F1 9 Tf 20 30 Td (after) Tj ET"],
    "lines with T*": ["BT /F1 10 Tf 12 TL 20 200 Td (first) Tj T* (second) Tj 0 -30 TD (third) Tj T* ET"],
}


@pytest.mark.parametrize("code", HAND_MADE.values(), ids=HAND_MADE.keys())
def test_hand_made_streams_read_as_pypdf_reads_them(code):
    r = PdfReader(io.BytesIO(_hand_made(code)))
    assert our_runs(TextReader(r), r.pages[0]) == pypdf_runs(r.pages[0])


def test_a_stream_the_scanner_cannot_follow_goes_through_pypdf():
    # an inline image's binary data could hold anything: the page is parsed by pypdf, with the same runs
    code = ["q 10 0 0 10 50 50 cm BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q",
            "BT /F1 10 Tf 20 100 Td (beside an image) Tj ET"]
    r = PdfReader(io.BytesIO(_hand_made(code)))
    runs = our_runs(TextReader(r), r.pages[0])
    assert runs == pypdf_runs(r.pages[0])
    assert any(t.strip() == "beside an image" for t, *_ in runs)


def test_operands_are_parsed_only_for_the_operators_asked_for():
    ops = operations(b"1 0 0 RG 0 0 10 10 re f BT /F1 12 Tf [(a) -250 (b)] TJ ET", {b"Tf", b"TJ"})
    assert ops == [(b"Tf", ["/F1", 12.0]), (b"TJ", [[b"a", -250.0, b"b"]])]
    assert operations(b"(unbalanced Tj", {b"Tj"}) == []   # nothing it can read, and no stream to hand pypdf


def test_literal_strings_unescape():
    assert unescape(rb"(a\(b\)c\\d\nx\101\0\
y)") == b"a(b)c\\d\nxA\x00y"
