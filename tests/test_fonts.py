"""What the fonts draw: the shipped coverage table is what ReportLab reads from the fonts, and a table
that no longer matches the fonts is never trusted."""

from __future__ import annotations

import shutil

import pytest

from guide.layout import _coverage, _theme
from guide.layout._coverage import FONT_DIR, TABLE, content_drawable, digests, table_text


def test_the_table_is_what_reportlab_reads_from_the_fonts_now():
    expected = table_text(_theme.atkinson_codepoints(), digests())
    assert (FONT_DIR / TABLE).read_text(encoding="ascii") == expected, "run: python fonts/tools/coverage.py"


def test_checking_content_uses_the_table_and_agrees_with_the_fonts():
    from_table = _coverage._from_table()
    assert from_table is not None and from_table == _theme.atkinson_codepoints()
    drawable = content_drawable()
    assert ord("é") in drawable and ord(" ") in drawable
    assert ord("Ж") in drawable          # Cyrillic: Guide Sans, loaded on first need
    assert ord("\u4e00") not in drawable  # no embedded font draws CJK


@pytest.mark.parametrize("damage", ["stale digest", "missing table", "garbled range"])
def test_a_table_that_does_not_match_the_fonts_is_not_used(tmp_path, monkeypatch, damage):
    fonts = tmp_path / "fonts"
    shutil.copytree(FONT_DIR, fonts)
    table = fonts / TABLE
    text = table.read_text(encoding="ascii")
    if damage == "stale digest":
        # a face changed since the table was written: the same file name, other bytes
        face = fonts / "AtkinsonHyperlegible-Regular.ttf"
        face.write_bytes(face.read_bytes() + b"\0")
    elif damage == "missing table":
        table.unlink()
    else:
        table.write_text(text.replace("0020-007E", "0020-zz"), encoding="ascii")
    monkeypatch.setattr(_coverage, "FONT_DIR", fonts)
    assert _coverage._from_table() is None
    monkeypatch.setattr(_coverage, "_from_fonts", lambda: frozenset({0x20}))
    content_drawable.cache_clear()
    try:
        assert content_drawable().primary == frozenset({0x20})  # read from the fonts, not the table
    finally:
        content_drawable.cache_clear()


def test_the_guide_font_splits_text_into_the_same_subset_bytes_as_reportlab():
    """GuideTTFont's table path and ReportLab's loop, fed the same runs in the same order on two documents:
    the same pieces at every step and the same codes assigned, through the first subset into the next."""
    import random

    from reportlab.pdfbase.pdfdoc import PDFDocument
    from reportlab.pdfbase.ttfonts import TTFont

    from guide.layout._ttfont import GuideTTFont

    path = str(FONT_DIR / "GuideSans-Regular.ttf")  # many glyphs: enough characters to need a second subset
    ours, theirs = GuideTTFont("T-ours", path), TTFont("T-theirs", path)
    doc_ours, doc_theirs = PDFDocument(), PDFDocument()
    latin = "Mesothelioma is a cancer of the pleura \u2014 \u201cstage IV\u201d, caf\u00e9, a\u00f1o\u00a0"
    greek_cyrillic = [chr(c) for c in (*range(0x100, 0x180), *range(0x391, 0x3CA), *range(0x410, 0x450))]
    rnd = random.Random(7)
    runs = ["", latin, latin.upper(), "\u4e00 not in the font", "\u00a0\u00a0"]
    runs += ["".join(rnd.choice(latin + "".join(greek_cyrillic)) for _ in range(rnd.randrange(1, 40)))
             for _ in range(600)]
    fast_path_used = 0
    for run in runs:
        before = len(ours.state[doc_ours].assignments) if doc_ours in ours.state else -1
        assert ours.splitString(run, doc_ours) == theirs.splitString(run, doc_theirs), run
        fast_path_used += before == len(ours.state[doc_ours].assignments) and run != ""
        assert ours.state[doc_ours].assignments == theirs.state[doc_theirs].assignments
        assert ours.state[doc_ours].subsets == theirs.state[doc_theirs].subsets
    assert len(ours.state[doc_ours].subsets) > 1  # the runs went beyond the first 256 codes
    assert fast_path_used > 100
