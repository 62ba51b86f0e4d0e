"""Story tests: models -> flowables, without rendering a PDF."""

from __future__ import annotations

import pytest
from msgspec.structs import replace

from guide.content import models as m
from guide.build import select_sections
from guide.layout import Checkbox, PassState
from guide.content import BuildOptions
from guide.layout import Ctx, build_story, markup, render_block
from guide.layout import make_theme


@pytest.fixture(scope="module")
def ctx(guide_model):
    theme = make_theme(guide_model.brand)
    return Ctx(guide_model, theme, BuildOptions(), PassState())


def walk(flowables):
    """Every flowable, descending into tables, lists and list items."""
    for f in flowables:
        yield f
        cells = getattr(f, "_cellvalues", None)
        if cells:
            for row in cells:
                for cell in row:
                    yield from walk(cell if isinstance(cell, (list, tuple)) else [cell])
        if hasattr(f, "_flowables"):
            yield from walk(f._flowables)
        if hasattr(f, "_content"):
            yield from walk(f._content)


def test_markup_escapes_content_text_and_links_citations(ctx):
    inline = (m.Text("AT&T <b>temp <38</b> "), m.Cite(("acs-chemo", "pass-2005")), m.TermLink("PET", "pet-scan"))
    out = markup(inline, ctx)
    assert "AT&amp;T &lt;b&gt;temp &lt;38&lt;/b&gt; " in out
    assert '<a href="#ref-1"' in out and '<a href="#ref-8"' in out
    assert out.index("ref-1") < out.index("ref-8")  # numbers in order
    assert '<a href="#term-pet-scan"' in out


def test_large_print_emphasis_is_bold_not_italic(guide_model):
    theme = make_theme(guide_model.brand, large_print=True)
    c = Ctx(guide_model, theme, BuildOptions(large_print=True), PassState())
    assert "Italic" not in markup((m.Emph("now"),), c)
    assert "Atkinson-Bold" in markup((m.Emph("now"),), c)


def test_every_checklist_item_gets_one_named_checkbox(ctx, guide_model):
    for checklist in guide_model.checklists():
        boxes = [f for f in walk(render_block(checklist, ctx)) if isinstance(f, Checkbox)]
        assert [b.name for b in boxes] == [checklist.field_name(i) for i in checklist.items]
        assert all(b.tooltip.startswith(m.plain(i.text)) for b, i in zip(boxes, checklist.items))


def test_regimen_table_is_a_table_in_standard_print_and_cards_in_large_print(guide_model, ctx):
    table_block = next(b for _, b in guide_model.blocks() if isinstance(b, m.RegimenTable))
    standard = [f for f in render_block(table_block, ctx) if getattr(f, "role", "") == "Table"]
    assert len(standard) == 1 and len(standard[0]._cellvalues) == len(table_block.rows) + 1
    large_theme = make_theme(guide_model.brand, large_print=True)
    large = Ctx(guide_model, large_theme, BuildOptions(large_print=True), PassState())
    cards = [f for f in render_block(table_block, large) if getattr(f, "role", "") == "Table"]
    assert len(cards) == len(table_block.rows)


def test_headings_carry_outline_in_content_order(ctx, guide_model):
    story = build_story(guide_model, ctx.theme, ctx.options, PassState())
    outline = [f.outline for f in story if getattr(f, "outline", None)]
    expected = [(level, s.title, f"sec-{s.id}") for level, s in guide_model.all_sections()]
    assert outline == expected


def test_every_flowable_in_the_body_has_a_role(ctx, guide_model):
    story = build_story(guide_model, ctx.theme, ctx.options, PassState())
    from reportlab.platypus import Paragraph, Table

    content = [f for f in walk(story) if isinstance(f, (Paragraph, Table))]
    missing = [f for f in content if not getattr(f, "role", None)]
    assert content and not missing


def test_notes_pages_are_added_before_the_back_cover(ctx, guide_model):
    story = build_story(guide_model, ctx.theme, replace(ctx.options, notes_pages=2), PassState())
    texts = [getattr(f, "text", "") for f in story]
    notes = [i for i, t in enumerate(texts) if t == "Notes"]
    assert len(notes) == 2
    help_title = guide_model.brand.help_title
    assert all(i < max(j for j, t in enumerate(texts) if help_title in t or "Written by" in t) for i in notes)


def test_selecting_sections_keeps_source_numbers_of_cited_references(guide_model):
    copy = select_sections(guide_model, ("chemotherapy",))
    ids = [s.id for s in copy.sections]
    assert ids[0] == "chemotherapy" and "references" in ids and "symptoms" not in ids
    numbers = [r.number for r in copy.references]
    assert numbers == sorted(numbers) and 8 in numbers and 1 not in numbers
    full = {r.key: r.number for r in guide_model.references}
    assert all(full[r.key] == r.number for r in copy.references)


def test_selecting_an_unknown_section_is_a_content_error(guide_model):
    from guide.errors import ContentError

    with pytest.raises(ContentError) as err:
        select_sections(guide_model, ("symptons",))
    assert str(err.value).startswith("--sections: no section 'symptons'; choose from: overview, symptoms")


def test_a_long_callout_splits_across_pages_and_keeps_every_paragraph(guide_model):
    import io

    from reportlab.pdfgen.canvas import Canvas

    from guide.layout import Panel

    theme = make_theme(guide_model.brand, large_print=True)
    c = Ctx(guide_model, theme, BuildOptions(large_print=True), PassState())
    words = "Connect with other people facing mesothelioma and their caregivers. " * 4
    block = m.Callout("Consider the following", tuple(m.Paragraph((m.Text(f"{i}. {words}"),)) for i in range(12)))
    panel = render_block(block, c)[0]
    assert isinstance(panel, Panel)
    canvas = Canvas(io.BytesIO())
    pieces, rest = [], panel
    while rest is not None:
        rest.canv = canvas
        _, h = rest.wrap(theme.frame_width, theme.frame_height)
        if h <= theme.frame_height:
            pieces.append(rest)
            break
        parts = rest.split(theme.frame_width, theme.frame_height)
        assert len(parts) == 2, "a panel taller than the page splits in two"
        parts[0].canv = canvas
        assert parts[0].wrap(theme.frame_width, theme.frame_height)[1] <= theme.frame_height
        pieces.append(parts[0])
        rest = parts[1]
    assert len(pieces) >= 3
    texts = [_drawn_words(f, theme.frame_width) for p in pieces for f in p.content]
    joined = "".join("".join(texts).split())  # split pieces break lines; compare without spaces
    missing = [i for i in range(12) if f"{i}.Connect" not in joined]
    assert not missing
    assert joined.count("Connectwithotherpeople") == 12 * 4


def _drawn_words(paragraph, width: float) -> str:
    """The words a (possibly split) paragraph will draw, from its laid-out lines."""
    paragraph.wrap(width, 1e6)
    words = []
    for line in paragraph.blPara.lines:
        if isinstance(line, tuple):
            words += line[1]
        else:
            words += [w.text if hasattr(w, "text") else str(w) for w in getattr(line, "words", [])]
    return " ".join(words)


@pytest.mark.parametrize("text", ["AT&T", "temp <38", '<img src="/etc/passwd"/>', "&amp; already", '"q" \'s\''])
def test_escape_matches_the_standard_library(text):
    from xml.sax.saxutils import escape as standard

    from guide.content import escape

    assert escape(text) == standard(text)
    assert escape(text, {'"': "&quot;"}) == standard(text, {'"': "&quot;"})


def test_the_fragment_test_answers_as_reportlabs_c_function(guide_model, ctx, tmp_path):
    """same_fragment against _rl_accel.sameFrag over every pair of neighbouring fragments of the guide's
    paragraphs, and over made pairs: an image, a line break, a colour equal but not the same object, a
    size 10 against 10.0, an attribute set to None against one left out."""
    from _rl_accel import sameFrag
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, paragraph
    from reportlab.platypus.paraparser import ParaFrag

    from guide.layout._para import same_fragment

    assert paragraph.sameFrag is same_fragment  # what line breaking calls
    story = build_story(guide_model, ctx.theme, ctx.options, PassState())
    frags = [f for p in _paragraphs(story) for f in p.frags]
    from PIL import Image

    Image.new("RGB", (4, 4)).save(tmp_path / "x.png")
    style = ParagraphStyle("t", fontName="Helvetica", fontSize=10, backColor="yellow")
    frags += Paragraph(f'a<br/>b <img src="{tmp_path / "x.png"}" width="4" height="4"/> <b>c</b> <font backColor="red">d</font>'
                       ' <a href="#e" color="rgb(1,2,3)">e</a> <nobr>f g</nobr> <u>h</u> <super>i</super>', style).frags
    base = dict(fontName="Helvetica", fontSize=10, textColor=colors.Color(0.2, 0.2, 0.2), rise=0, link=None)
    frags += [ParaFrag(**base), ParaFrag(**{**base, "textColor": colors.Color(0.2, 0.2, 0.2)}),
              ParaFrag(**{**base, "fontSize": 10.0}), ParaFrag(**{**base, "backColor": None}),
              ParaFrag(**{k: v for k, v in base.items() if k != "link"}), ParaFrag(**{**base, "nobr": 1})]
    pairs = list(zip(frags, frags[1:])) + [(f, g) for f in frags[-16:] for g in frags[-16:]]
    assert len(pairs) > 500
    answers = [(same_fragment(f, g), sameFrag(f, g)) for f, g in pairs]
    assert [i for i, (ours, theirs) in enumerate(answers) if ours != bool(theirs)] == []
    assert {ours for ours, _ in answers} == {0, 1}


def _paragraphs(flowables):
    from reportlab.platypus import Paragraph

    for f in flowables:
        if isinstance(f, Paragraph):
            yield f
        for inner in getattr(f, "_content", None) or getattr(f, "_flowables", None) or ():
            yield from _paragraphs([inner])


def test_word_widths_are_kept_per_font_object_and_equal_reportlabs(monkeypatch):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import paragraph

    from guide.layout import _para
    from guide.layout._coverage import FONT_DIR
    from guide.layout._theme import register_fonts

    register_fonts()
    assert paragraph.stringWidth is _para.word_width
    words = ["the", "mesothelioma", "caf\u00e9", "\u2014", "", b"bytes", "stage\u00a0IV"]
    for font in ("Atkinson", "Atkinson-Bold", "Helvetica"):
        for size in (13, 13.0, 18.5):
            assert [_para.word_width(w, font, size) for w in words] == \
                   [pdfmetrics.stringWidth(w, font, size) for w in words]
    # a name registered again with other metrics is measured with the new font
    monkeypatch.setitem(pdfmetrics._fonts, "T-width", TTFont("T-width", str(FONT_DIR / "AtkinsonHyperlegible-Regular.ttf")))
    regular = _para.word_width("mesothelioma", "T-width", 13)
    monkeypatch.setitem(pdfmetrics._fonts, "T-width", TTFont("T-width", str(FONT_DIR / "AtkinsonHyperlegible-Bold.ttf")))
    assert _para.word_width("mesothelioma", "T-width", 13) == pdfmetrics.stringWidth("mesothelioma", "T-width", 13)
    assert _para.word_width("mesothelioma", "T-width", 13) != regular
    # the store is bounded
    monkeypatch.setattr(_para, "WIDTHS_KEPT", 10)
    for i in range(25):
        _para.word_width(f"w{i}", "Atkinson", 13)
    assert len(_para._widths) <= 10


PLAIN_TEXTS = ["Mesothelioma is a cancer of the lining of the lungs.", "  spaced   out\n\ttext  ", "a > b, \"quoted\"",
               "caf\u00e9 \u2014 stage\u00a0IV", "Zo\u00eb", "x", "line one\nline two"]
MARKED_TEXTS = ["<b>bold</b> text", "fish &amp; chips", "&lt;not a tag&gt;", "<a href='#x'>link</a>", ""]


def test_a_plain_paragraph_gets_the_fragments_reportlab_would_parse():
    """The story's Paragraph (one parse per style for text without markup) against ReportLab's own, over
    texts with and without markup and styles with colours, a transform, a bullet, and a style changed
    after its first use; fragments compared attribute by attribute."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as RLParagraph

    from guide.layout import _para

    styles = [ParagraphStyle("a", fontName="Helvetica", fontSize=13, leading=17),
              ParagraphStyle("b", fontName="Helvetica-Bold", fontSize=18, textColor=colors.Color(0.1, 0.2, 0.3),
                             backColor=colors.yellow, textTransform="uppercase"),
              ParagraphStyle("c", fontName="Times-Roman", fontSize=9, bulletText="\u2022", rise=2)]

    def made(cls, text, style, **kw):
        p = cls(text, style, **kw)
        return p.text, [vars(f) for f in p.frags], p.bulletText, p.style is style

    probes = _para._probes
    for style in styles:
        for text in PLAIN_TEXTS + MARKED_TEXTS:
            for kw in ({}, {"caseSensitive": 0}):
                assert made(_para.Paragraph, text, style, **kw) == made(RLParagraph, text, style, **kw), (text, kw)
    assert all(probes[id(s)][3] is not None for s in styles)  # the plain texts did take the probe's way
    _para.Paragraph(PLAIN_TEXTS[0], styles[0])
    styles[0].fontSize = 15  # a style changed after its first use is probed again
    assert made(_para.Paragraph, PLAIN_TEXTS[0], styles[0]) == made(RLParagraph, PLAIN_TEXTS[0], styles[0])
    assert _para.Paragraph(PLAIN_TEXTS[0], styles[0]).frags[0].fontSize == 15
