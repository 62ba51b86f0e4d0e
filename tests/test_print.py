"""Print-shop output read back with pypdf: booklet imposition, bleed/trim boxes and crop marks, CMYK."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NameObject, StreamObject
from reportlab.pdfbase.pdfmetrics import getAscent, getDescent, stringWidth

from conftest import CONTENT, built
from guide.build import default_name
from guide.cli import main
from guide.content import BuildOptions
from guide.pdf import MARK_ROOM, booklet_sides, crop_marks
from guide.layout import BLEED, PAPERS, SAFE_ZONE

BOOKLET = BuildOptions(print_mode="booklet")
BOOKLET_A4 = BuildOptions(print_mode="booklet", paper="a4", large_print=True, cmyk=True)
SHOP = BuildOptions(print_mode="shop")
SHOP_EDITIONS = [SHOP,
                 BuildOptions(print_mode="shop", paper="a4", cmyk=True),
                 BuildOptions(print_mode="shop", large_print=True, cmyk=True),
                 BuildOptions(print_mode="shop", paper="a4", large_print=True)]
EDITION_IDS = ["letter", "a4-cmyk", "large-cmyk", "large-a4"]
PAGE_N_OF_M = re.compile(r"Page (\d+) of (\d+)")
FONTS = {"AtkinsonHyperlegible-Regular": "Atkinson", "AtkinsonHyperlegible-Bold": "Atkinson-Bold",
         "AtkinsonHyperlegible-Italic": "Atkinson-Italic", "AtkinsonHyperlegible-BoldItalic": "Atkinson-BoldItalic"}


def reader(options: BuildOptions) -> PdfReader:
    return PdfReader(io.BytesIO(built(options)[0]))


def runs(page) -> list[tuple[float, float, str, str, float]]:
    """Each visible text run on a page as (x, y, text, ReportLab font name, size)."""
    out = []

    def visit(text, cm, tm, font, size):
        text = text.strip()
        if not text or not font:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = (tm[0] * cm[0] + tm[1] * cm[2]) or 1
        base = str(font.get("/BaseFont", "")).split("+")[-1]
        out.append((x, y, text, FONTS.get(base, "Atkinson"), size * scale))

    page.extract_text(visitor_text=visit)
    return out


def page_numbers_by_half(sheet, width: float) -> tuple[str | int, str | int]:
    """The guide page number standing on the left and right half of a sheet side.

    Body pages say "Page N of M" in their footer; the cover and the back cover have no
    footer and are told apart by their text."""
    halves: list[list[str]] = [[], []]
    for x, _, text, _, _ in runs(sheet):
        halves[0 if x < width else 1].append(text)
    found: list[str | int] = []
    for texts in halves:
        joined = " ".join(texts)
        number = PAGE_N_OF_M.search(joined)
        if number:
            found.append(int(number.group(1)))
        elif "Version" in joined and "medically reviewed" in joined:
            found.append("cover")
        elif "Written by" in joined:
            found.append("back")
        else:
            found.append("?")
    return found[0], found[1]


# ---- imposition order (pure) ------------------------------------------------------------


def test_printer_spreads_for_sixteen_pages():
    assert booklet_sides(16)[:4] == [(16, 1), (2, 15), (14, 3), (4, 13)]
    assert booklet_sides(16)[-1] == (8, 9)


@pytest.mark.parametrize("n", [4, 8, 12, 20, 36])
def test_every_page_once_and_facing_pages_sum(n):
    sides = booklet_sides(n)
    assert len(sides) == n // 2
    assert sorted(p for side in sides for p in side) == list(range(1, n + 1))
    assert all(a + b == n + 1 for a, b in sides)  # a folded sheet pairs page k with n + 1 - k
    # odd pages (rectos) always stand on the right
    assert all(right % 2 == 1 for _, right in sides)


@pytest.mark.parametrize("n", [0, 2, 17, 18])
def test_booklet_refuses_a_count_not_a_multiple_of_four(n):
    with pytest.raises(ValueError, match="multiple of 4"):
        booklet_sides(n)


# ---- booklet ----------------------------------------------------------------------------


@pytest.mark.parametrize("options, sheet", [(BOOKLET, (1224, 792)), (BOOKLET_A4, (1190.55, 841.89))],
                         ids=["letter-11x17", "a4-a3"])
def test_booklet_sheets_are_twice_the_page_width(options, sheet):
    r = reader(options)
    for page in r.pages:
        assert float(page.mediabox.width) == pytest.approx(sheet[0], abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(sheet[1], abs=0.01)
    assert built(options)[1] == len(r.pages)


@pytest.mark.parametrize("options", [BOOKLET, BOOKLET_A4], ids=["letter", "a4-large-cmyk"])
def test_booklet_pages_stand_in_printer_spreads(options):
    r = reader(options)
    width = float(r.pages[0].mediabox.width) / 2
    n = 2 * len(r.pages)
    assert n % 4 == 0
    seen = [page_numbers_by_half(sheet, width) for sheet in r.pages]
    expected = [tuple("cover" if p == 1 else "back" if p == n else p for p in side) for side in booklet_sides(n)]
    assert seen == expected
    # and each "of M" says the padded total
    totals = {int(mt.group(2)) for sheet in r.pages for mt in PAGE_N_OF_M.finditer(sheet.extract_text())}
    assert totals == {n}


def test_booklet_is_flattened_and_keeps_document_info():
    r = reader(BOOKLET)
    assert all("/Annots" not in page for page in r.pages)
    assert r.metadata.title == "Stage IV Mesothelioma"


# ---- padding ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop():
    return reader(SHOP)


def test_padding_adds_notes_pages_before_the_back_cover(shop):
    from guide.build import load
    from guide.layout import make_theme, plan_pages

    guide = load(CONTENT)
    text_pages = plan_pages(guide, make_theme(guide.brand), BuildOptions()).total  # before any padding
    pad = (-text_pages) % 4
    n = len(shop.pages)
    assert n % 4 == 0 and n == text_pages + pad
    assert pad > 0, "the default guide should need padding, or this test proves nothing"
    texts = [p.extract_text() for p in shop.pages]
    # a notes page says nothing but its running header and footer and the word "Notes"
    running = {"Stage IV Mesothelioma", "First edition \u00b7 Not yet medically reviewed"}
    notes = [i + 1 for i, t in enumerate(texts)
             if [line for line in t.splitlines() if line not in running and not PAGE_N_OF_M.match(line)] == ["Notes"]]
    assert notes == list(range(n - pad, n))
    assert "Written by" in texts[-1]
    # the plain build is padded to an even count only: one Notes page for an odd layout
    assert built(BuildOptions())[1] == text_pages + text_pages % 2


def test_padded_guide_counts_its_pages_right(shop):
    n = len(shop.pages)
    for i, page in enumerate(shop.pages[1:-1], start=2):  # cover and back cover have no footer
        assert f"Page {i} of {n}" in page.extract_text()


def test_padded_guide_bookmarks_and_contents_point_to_the_right_pages(shop):
    def flat(items):
        for item in items:
            if isinstance(item, list):
                yield from flat(item)
            else:
                yield item

    marks = {o.title: shop.get_destination_page_number(o) + 1 for o in flat(shop.outline)}
    assert len(marks) > 5
    contents = shop.pages[1].extract_text()
    checked = 0
    for title, page in marks.items():
        line = re.search("^" + re.escape(title) + r"\s+(\d+)$", contents, re.M)
        if line:
            assert int(line.group(1)) == page, title
            checked += 1
        # the heading really is on the page the bookmark names
        assert title.split()[0] in shop.pages[page - 1].extract_text()
    assert checked >= 5


# ---- shop: boxes, bleed, crop marks, safe zone ----------------------------------------------


@pytest.mark.parametrize("options", SHOP_EDITIONS, ids=EDITION_IDS)
def test_shop_boxes_on_every_page(options):
    r = reader(options)
    width, height = PAPERS[options.paper]
    assert len(r.pages) % 4 == 0
    for page in r.pages:
        assert tuple(map(float, page.trimbox)) == pytest.approx((0, 0, width, height))
        assert tuple(map(float, page.bleedbox)) == pytest.approx((-BLEED, -BLEED, width + BLEED, height + BLEED))
        assert BLEED == 9
        media = tuple(map(float, page.mediabox))
        assert media == pytest.approx((-MARK_ROOM, -MARK_ROOM, width + MARK_ROOM, height + MARK_ROOM))
        assert tuple(map(float, page.cropbox)) == pytest.approx(media)
        # the boxes are written, not inherited defaults
        assert "/TrimBox" in page and "/BleedBox" in page


def marks_drawn(page) -> list[tuple[float, float, float, float]]:
    """The line segments inside the page's /Artifact marked content (the crop marks)."""
    lines, inside, start = [], False, None
    for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
        if op == b"BDC" and operands and operands[0] == "/Artifact":
            inside = True
        elif op == b"EMC":
            inside = False
        elif inside and op == b"m":
            start = tuple(map(float, operands))
        elif inside and op == b"l":
            lines.append((*start, *map(float, operands)))
    return lines


def test_crop_marks_sit_outside_the_bleed_inside_the_media(shop):
    width, height = PAPERS["letter"]
    for page in shop.pages:
        lines = marks_drawn(page)
        assert sorted(lines) == sorted(crop_marks(width, height))
        assert len(lines) == 8
        left, bottom, right, top = map(float, page.mediabox)
        for x0, y0, x1, y1 in lines:
            for x, y in ((x0, y0), (x1, y1)):
                assert left <= x <= right and bottom <= y <= top
                outside_bleed = x < -BLEED or x > width + BLEED or y < -BLEED or y > height + BLEED
                assert outside_bleed
            # each mark lines up with a trim edge
            assert (y0 == y1 and y0 in (0, height)) or (x0 == x1 and x0 in (0, width))


def test_cover_band_extends_into_the_bleed(shop):
    """The cover band is painted from -9 pt (bleed), not scaled: its fill rect starts outside the trim."""
    ops = ContentStream(shop.pages[0].get_contents(), shop).operations
    rects = [tuple(map(float, o)) for o, op in ops if op == b"re"]
    width = PAPERS["letter"][0]
    assert any(x == -BLEED and w == width + 2 * BLEED for x, _, w, _ in rects)
    back = [tuple(map(float, o)) for o, op in ContentStream(shop.pages[-1].get_contents(), shop).operations
            if op == b"re"]
    assert any(x == -BLEED and y == -BLEED for x, y, _, _ in back)


@pytest.mark.parametrize("options", SHOP_EDITIONS, ids=EDITION_IDS)
def test_text_stays_inside_the_safe_zone(options):
    r = reader(options)
    width, height = PAPERS[options.paper]
    worst = min(
        (min(x, width - (x + stringWidth(text, font, size)),
             y + getDescent(font, size), height - (y + getAscent(font, size))), i, text)
        for i, page in enumerate(r.pages, start=1)
        for x, y, text, font, size in runs(page))
    assert worst[0] >= SAFE_ZONE - 0.01, f"page {worst[1]}: {worst[2]!r} is {worst[0]:.1f} pt from the trim"


# ---- CMYK -------------------------------------------------------------------------------

RGB_OPS = {b"rg", b"RG"}


def colour_problems(r: PdfReader) -> list[str]:
    """RGB colour operators in any content or appearance stream, and /DeviceRGB anywhere."""
    problems: list[str] = []
    seen: set[int] = set()

    def content(stream, where: str) -> None:
        for operands, op in ContentStream(stream, r).operations:
            if op in RGB_OPS:
                problems.append(f"{where}: {op.decode()}")
            elif op in (b"cs", b"CS") and operands and operands[0] == "/DeviceRGB":
                problems.append(f"{where}: {op.decode()} /DeviceRGB")

    def walk(obj, where: str) -> None:
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                return
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, NameObject) and obj == "/DeviceRGB":
            problems.append(f"{where}: /DeviceRGB")
        elif isinstance(obj, DictionaryObject):
            if isinstance(obj, StreamObject) and obj.get("/Subtype") == "/Form":
                content(obj, where + " form")
            for key, value in obj.items():
                if key not in ("/Parent", "/P"):
                    walk(value, where)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                walk(value, where)

    for i, page in enumerate(r.pages, start=1):
        content(page.get_contents(), f"page {i}")
        walk(page.get("/Resources"), f"page {i} resources")
        for annot in page.get("/Annots", []) or []:
            walk(annot, f"page {i} annotation")
    walk(r.trailer["/Root"], "catalog")
    return problems


@pytest.mark.parametrize("options", [BuildOptions(cmyk=True), BOOKLET_A4, SHOP_EDITIONS[1], SHOP_EDITIONS[2]],
                         ids=["cmyk", "booklet-a4-large-cmyk", "shop-a4-cmyk", "shop-large-cmyk"])
def test_cmyk_leaves_no_rgb(options):
    r = reader(options)
    assert colour_problems(r) == []
    # and the colours really are CMYK: the cover band is filled with the brand primary's CMYK
    fills = [tuple(map(float, o)) for o, op in ContentStream(r.pages[0].get_contents(), r).operations if op == b"k"]
    assert (0.9, 0.55, 0.1, 0.35) in fills


def test_rgb_check_finds_rgb_in_the_ordinary_guide(shop):
    assert any("rg" in p for p in colour_problems(shop))


def test_cmyk_markup_link_colour_is_cmyk():
    from guide.layout._blocks import _markup_colour
    from guide.layout import make_theme
    from guide.build import load

    brand = load(CONTENT).brand
    assert _markup_colour(make_theme(brand, cmyk=True).colour("primary")) == "cmyk(0.9,0.55,0.1,0.35)"
    assert _markup_colour(make_theme(brand).colour("primary")) == "rgb(31,78,121)"  # #1f4e79


# ---- end to end -------------------------------------------------------------------------


def test_cli_writes_the_booklet_under_a_name_that_says_so(tmp_path, guide_model, capsys):
    options = BuildOptions(print_mode="booklet", cmyk=True)
    name = default_name(guide_model.title, options)
    assert name.endswith("-booklet-cmyk.pdf")
    out = tmp_path / name
    assert main(["--print", "booklet", "--cmyk", "--out", str(out)]) == 0
    r = PdfReader(out)
    assert f"({len(r.pages) * 2} guide pages on {len(r.pages)} sheet sides)" in capsys.readouterr().out
    assert len(r.pages) * 2 % 4 == 0
    assert float(r.pages[0].mediabox.width) == 2 * PAPERS["letter"][0]
    assert colour_problems(r) == []


def test_imposition_falls_back_to_merging_when_pages_share_a_resource_name():
    """Pages from two documents both call their font /F1 (different fonts): the sheets still show both."""
    from reportlab.pdfgen.canvas import Canvas

    from guide.pdf import impose_booklet

    writer = PdfWriter()
    for font, pages in (("Helvetica", (1, 2)), ("Courier", (3, 4))):
        buf = io.BytesIO()
        canv = Canvas(buf, pagesize=(200, 300), invariant=1)
        for n in pages:
            canv.setFont(font, 12)
            canv.drawString(20, 20, f"Page {n} of 4")
            canv.showPage()
        canv.save()
        writer.append(PdfReader(buf))
    joined = io.BytesIO()
    writer.write(joined)
    sheets = PdfReader(io.BytesIO(impose_booklet(joined.getvalue())))
    assert [page_numbers_by_half(s, 200) for s in sheets.pages] == [(4, 1), (2, 3)]
    fonts = {str(f.get_object()["/BaseFont"]) for s in sheets.pages for f in s["/Resources"]["/Font"].values()}
    assert fonts == {"/Helvetica", "/Courier"}


def test_a_booklet_whose_padding_misses_a_multiple_of_four_is_refused(guide_model):
    """A remembered padding decision that is wrong (one spare Notes page too many): the sheets are
    not written, the build says why."""
    from guide.errors import LayoutError
    from guide.layout import _document
    from guide.pdf import render_print

    from guide.layout import make_theme
    from guide.layout._passes import seed_key

    render_print(guide_model, BOOKLET)  # this process now remembers the page map and the padding
    theme = make_theme(guide_model.brand, BOOKLET.paper, BOOKLET.large_print, cmyk=BOOKLET.cmyk, bleed=0.0)
    key = seed_key(guide_model, theme, BOOKLET, True) + ":4"
    assert key in _document.SPARE
    right = _document.SPARE[key]
    try:
        _document.SPARE[key] = (right + 1) % 4
        with pytest.raises(LayoutError, match="multiple of 4"):
            render_print(guide_model, BOOKLET)
    finally:
        _document.SPARE[key] = right
