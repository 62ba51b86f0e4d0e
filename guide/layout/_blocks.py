"""Typed blocks + a render context in, ReportLab flowables out: inline markup and one function per block kind.

No rendering happens here; each flowable carries its role for later tagging.
"""

from __future__ import annotations

import msgspec
from reportlab.lib.colors import CMYKColor, Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, ListFlowable, ListItem, Spacer, TableStyle

from ..content import BuildOptions, escape
from ..content import models as m
from ._fallback import fallback_markup
from ._flowables import Checkbox, Panel, PassState, with_role
from ._keep import KeptList, KeptTable, opening_height
from ._para import Paragraph
from ._theme import Theme, variant
from ._words import evidence_label, needs_not_reported, not_reported, words

# ---- inline markup -----------------------------------------------------------------


def _markup_colour(colour: Color) -> str:
    """A colour as paragraph markup accepts it; CMYK stays CMYK (the --cmyk edition has no RGB)."""
    if isinstance(colour, CMYKColor):
        return "cmyk({:g},{:g},{:g},{:g})".format(colour.cyan, colour.magenta, colour.yellow, colour.black)
    # as CSS rgb(): ReportLab reads it at once, where "#0b5394" is first tried as a named colour and as a
    # Python literal (38 us against 9 us a link, for 280 links a render); the same colour either way
    return "rgb({},{},{})".format(*(round(c * 255) for c in (colour.red, colour.green, colour.blue)))


class Ctx(msgspec.Struct):
    guide: m.Guide
    theme: Theme
    options: BuildOptions
    state: PassState
    level: int = 0  # level of the section being rendered (0 = top): block titles go one below it

    @property
    def loc(self):
        """The interface words, dates and numbers of the guide's language."""
        return words(self.guide)

    @property
    def numbers(self) -> dict[str, int]:
        return self.guide.reference_numbers

    def link_colour(self) -> str:
        return _markup_colour(self.theme.colour("primary"))


def markup(inline: m.Inline, ctx: Ctx) -> str:
    """Inline spans -> ReportLab paragraph markup; every piece of content text is escaped."""
    out: list[str] = []
    link = ctx.link_colour()
    for span in inline:
        if isinstance(span, m.Text):
            out.append(escape(span.text))
        elif isinstance(span, m.Strong):
            out.append(f"<b>{escape(span.text)}</b>")
        elif isinstance(span, m.Emph):
            out.append(f'<font name="{ctx.theme.emphasis_font}">{escape(span.text)}</font>')
        elif isinstance(span, m.Cite):
            nums = sorted(ctx.numbers[k] for k in span.keys)
            links = ", ".join(f'<a href="#ref-{n}" color="{link}">{n}</a>' for n in nums)
            out.append(f"[{links}]")
        elif isinstance(span, m.TermLink):
            out.append(f'<a href="#term-{span.term_id}" color="{link}"><u>{escape(span.text)}</u></a>')
    return "".join(out)


def para(text: str, style, role: str = "P") -> Paragraph:
    return with_role(Paragraph(fallback_markup(text, style.fontName), style), role)


# ---- blocks ------------------------------------------------------------------------


def block_heading(ctx: Ctx) -> str:
    """The heading role of a block's own title (checklist, callout, card): one below its section."""
    return f"H{min(ctx.level + 2, 6)}"


def keep_last_word(title: str) -> str:
    """A title with its last word bound to the one before when it is short, so "estadio IV" never
    breaks before "IV" (a no-break space; text extraction and verify read it as a space)."""
    head, sep, last = title.rpartition(" ")
    return f"{head}\u00a0{last}" if sep and len(last) <= 3 else title


def heading(title: str, key: str, level: int, ctx: Ctx) -> Paragraph:
    style = ctx.theme.style(("h1", "h2", "h3")[min(level, 2)])
    return with_role(Paragraph(fallback_markup(escape(keep_last_word(title)), style.fontName), style),
                     f"H{level + 1}", outline=(level, title, key))


def paragraph(block: m.Paragraph, ctx: Ctx) -> list:
    return [para(markup(block.text, ctx), ctx.theme.style("body"))]


def _list(items: tuple[m.ListItem, ...], ctx: Ctx, depth: int) -> ListFlowable:
    t = ctx.theme
    style = t.style("bullet")
    flow_items = []
    for item in items:
        content = [para(markup(item.text, ctx), style, "LBody")]
        if item.items:
            content.append(_list(item.items, ctx, depth + 1))
        flow_items.append(ListItem(content if len(content) > 1 else content[0]))
    bullet = "\u2022" if depth % 2 == 0 else "\u2013"
    lf = KeptList(flow_items, bulletType="bullet", start=bullet, bulletFontName=t.font,
                      bulletFontSize=t.sizes.body, bulletColor=t.colour("primary"),
                      leftIndent=t.sizes.body * 1.5, bulletDedent=t.sizes.body * 1.1,
                      spaceAfter=t.sizes.body * 0.5 if depth == 0 else 0)
    return with_role(lf, "L")


def bullets(block: m.BulletList, ctx: Ctx) -> list:
    return [_list(block.items, ctx, 0)]


def stack_height(flowables: list, width: float) -> float:
    """Height a list of flowables needs in a frame of this width (spacing included)."""
    from ._keep import measure, space_before

    total = 0.0
    for f in flowables:
        _, h = measure(f, width, 1e6)
        total += h + space_before(f) + f.getSpaceAfter()
    return total


def checklist(block: m.Checklist, ctx: Ctx) -> list:
    t = ctx.theme
    s = t.sizes
    primary = t.colour("primary")
    box_col = s.checkbox + s.body * 0.9
    rows = []
    notes_w = t.frame_width * 0.38 if block.notes else 0
    text_w = t.frame_width - box_col - notes_w
    cell = t.style("cell")
    if block.notes:
        rows.append(["", para(escape(ctx.loc("checklist_item")), t.style("cell_head"), "Caption"),
                     para(escape(block.notes), t.style("cell_head"), "Caption")])
    for item in block.items:
        name = block.field_name(item)
        tooltip = f"{m.plain(item.text)}: {block.title}"
        box = Checkbox(s.checkbox, name, tooltip, primary, t.white)
        row = [box, para(markup(item.text, ctx), cell, "LBody")]
        if block.notes:
            row.append("")
        rows.append(row)
    widths = [box_col, text_w] + ([notes_w] if block.notes else [])
    table = KeptTable(rows, colWidths=widths, repeatRows=1 if block.notes else 0, splitInRow=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), t.font, s.body),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        # generous padding leaves room to write in the notes column
        ("TOPPADDING", (0, 0), (-1, -1), s.body * 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), s.body * 0.5),
        ("LEFTPADDING", (0, 0), (0, -1), 2),
        ("LINEBELOW", (0, 0 if not block.notes else 1), (-1, -1), 0.6, t.rule),
    ]
    if block.notes:
        style += [("BACKGROUND", (0, 0), (-1, 0), primary), ("LINEBELOW", (2, 1), (2, -1), 0.8, t.rule)]
    table.setStyle(TableStyle(style))
    # read as a list: each row an item, its checkbox the label (tagging reads role "L" that way)
    with_role(table, "L", checklist=block)
    title = with_role(Paragraph(fallback_markup(escape(block.title), t.style("h3").fontName), t.style("h3")), block_heading(ctx))
    head: list = [title]
    if block.intro:
        head.append(para(markup(block.intro, ctx), t.style("body")))
    # a checklist never splits from its heading: heading, intro and its opening rows start a page
    # together; the table then splits with two rows or more on each side (KeptTable), the header
    # row repeated
    heads = stack_height(head, t.frame_width)
    table.wrap(t.frame_width, t.frame_height * 100)
    rows = table._rowHeights
    if max(rows, default=0) <= t.frame_height / 3:
        # an item splits between pages only when it must: split, its words would run on under the
        # repeated header row of the next page (a long Spanish item in large print did)
        table.splitInRow = 0
    need = heads + opening_height(table, t.frame_width, t.frame_height)
    return [CondPageBreak(min(need, t.frame_height)), *head, table, Spacer(1, s.body)]


def callout(block: m.Callout, ctx: Ctx) -> list:
    t = ctx.theme
    inner: list = []
    for b in block.blocks:
        inner.extend(render_block(b, ctx))
    title = para(escape(block.title), t.style("callout_title"), block_heading(ctx))
    panel = Panel([title, *inner], t.colour("tint"), t.colour("primary"), bar_width=5,
                  padding=t.sizes.body * 0.9)
    return [panel, Spacer(1, t.sizes.body)]


def regimens(block: m.RegimenTable, ctx: Ctx) -> list:
    t = ctx.theme
    loc = ctx.loc
    headers = [loc(k) for k in ("regimen", "drugs", "median_survival_months", "response_rate", "evidence", "sources")]
    cell = t.style("cell")
    pad = 5
    widths = _column_widths(block, headers, t.frame_width, cell.fontSize, pad, ctx)
    if widths is None:
        return regimen_cards(block, ctx)
    head = t.style("cell_head")
    rows = [[para(escape(h), head, "TH") for h in headers]]
    for r in block.rows:
        refs = ", ".join(f'<a href="#ref-{ctx.numbers[k]}" color="{ctx.link_colour()}">{ctx.numbers[k]}</a>'
                         for k in r.refs)
        rows.append([
            para(escape(r.regimen), cell, "TD"),
            para(escape(", ".join(r.drugs)), cell, "TD"),
            loc.figure(r.median_survival_months),
            loc.figure(r.response_rate_percent, "%"),
            para(escape(evidence_label(ctx.guide, r)), cell, "TD"),
            para(f"[{refs}]", cell, "TD"),
        ])
    table = KeptTable(rows, colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), t.font, t.sizes.body),
        ("TEXTCOLOR", (0, 1), (-1, -1), t.colour("text")),
        ("BACKGROUND", (0, 0), (-1, 0), t.colour("primary")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        # numbers line up on the decimal point; the padding leaves room for ".1%"
        ("ALIGN", (2, 1), (3, -1), "DECIMAL"),
        ("RIGHTPADDING", (2, 1), (3, -1), pad + _decimal_room(cell)),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad + 2),
        ("LINEBELOW", (0, 1), (-1, -1), 0.6, t.rule),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [t.white, t.colour("tint")]),
    ]))
    out: list = []
    if block.caption:
        out.append(para(escape(block.caption), t.style("body"), "Caption"))
    out.append(with_role(table, "Table", regimens=block))
    out += _not_reported_note(block, ctx) + [Spacer(1, t.sizes.body)]
    return out


def _not_reported_note(block: m.RegimenTable, ctx: Ctx) -> list:
    """'— not reported in the source', under a table or cards that print an em dash."""
    if not needs_not_reported(block):
        return []
    t = ctx.theme
    return [Spacer(1, t.sizes.small * 0.5), para(escape(not_reported(ctx.guide)), t.style("small"), "P")]


def _decimal_room(style) -> float:
    return stringWidth(".0%", style.fontName, style.fontSize) + 1


def _column_widths(block: m.RegimenTable, headers: list[str], total: float, size: float,
                   pad: float, ctx: Ctx) -> list[float] | None:
    """Widths that fit every column's longest word at the body size, or None if none do."""
    loc = ctx.loc
    columns = list(zip(*[[r.regimen, ", ".join(r.drugs), loc.figure(r.median_survival_months),
                          loc.figure(r.response_rate_percent, "%"), evidence_label(ctx.guide, r),
                          "[" + ", ".join("00" for _ in r.refs) + "]"]
                         for r in block.rows]))
    minimum, natural = [], []
    for i, header in enumerate(headers):
        room = stringWidth(".0%", "Atkinson", size) + 1 if i in (2, 3) else 0  # decimal alignment
        head_words = max(stringWidth(w, "Atkinson-Bold", size) for w in header.split())
        cell_words = max(stringWidth(w, "Atkinson", size) + room for x in columns[i] for w in x.split())
        minimum.append(max(head_words, cell_words) + 2 * pad)
        natural.append(max([stringWidth(header, "Atkinson-Bold", size)]
                           + [stringWidth(x, "Atkinson", size) + room for x in columns[i]]) + 2 * pad)
    spare = total - sum(minimum)
    if spare < 0:
        return None
    # share the spare width by how much more each column would like
    wants = [n - mn for n, mn in zip(natural, minimum)]
    share = sum(wants) or 1
    return [mn + spare * w / share for mn, w in zip(minimum, wants)]


def regimen_cards(block: m.RegimenTable, ctx: Ctx) -> list:
    """Large print: one card per regimen instead of a table with squeezed columns."""
    t = ctx.theme
    body = t.style("body")
    out: list = []
    if block.caption:
        out.append(para(escape(block.caption), body, "Caption"))
    for r in block.rows:
        refs = ", ".join(f'<a href="#ref-{ctx.numbers[k]}" color="{ctx.link_colour()}">{ctx.numbers[k]}</a>'
                         for k in r.refs)
        loc = ctx.loc
        lines = [
            ("drugs", escape(", ".join(r.drugs))),
            ("median_survival", escape(loc.figure(r.median_survival_months, "months"))),
            ("response_rate", escape(loc.figure(r.response_rate_percent, "%"))),
            ("evidence", escape(evidence_label(ctx.guide, r))),
            ("sources", f"[{refs}]"),
        ]
        card = [[para(escape(r.regimen), t.style("callout_title"), block_heading(ctx))]]
        card += [[para(f"<b>{escape(loc(k))}:</b> {v}", variant(body, spaceAfter=0), "P")] for k, v in lines]
        table = KeptTable(card, colWidths=[t.frame_width], hAlign="LEFT", splitInRow=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), t.font, t.sizes.body),
            ("BOX", (0, 0), (-1, -1), 1.5, t.colour("primary")),
            ("BACKGROUND", (0, 0), (-1, 0), t.colour("tint")),
            ("LEFTPADDING", (0, 0), (-1, -1), t.sizes.body * 0.6),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]))
        out += [with_role(table, "Table", regimen=r), Spacer(1, t.sizes.body * 0.8)]
    return out + _not_reported_note(block, ctx)


def glossary(block: m.GlossaryList, ctx: Ctx) -> list:
    t = ctx.theme
    out: list = []
    for term in ctx.guide.glossary:
        name = para(f'<a name="term-{term.id}"/>{escape(term.term)}', t.style("glossary_term"), "DT")
        out.append(name)
        out.append(para(markup(term.definition, ctx), t.style("body"), "DD"))
    return out


def references(block: m.ReferenceList, ctx: Ctx) -> list:
    """The numbered list: each number in a column as wide as the widest one, so every entry's text,
    first line and wrapped lines alike, starts at one x whether its number is 9. or 10."""
    t = ctx.theme
    base = t.style("reference")
    refs = ctx.guide.references
    widest = max((stringWidth(f"{r.number}.", base.fontName, base.fontSize) for r in refs), default=0)
    style = variant(base, leftIndent=widest + base.fontSize * 0.6, firstLineIndent=0, bulletIndent=0,
                    bulletFontName=base.fontName, bulletFontSize=base.fontSize)
    return [para(f'<a name="ref-{r.number}"/><bullet>{r.number}.</bullet>{escape(r.text)}', style, "BibEntry")
            for r in refs]


RENDERERS = {
    m.Paragraph: paragraph,
    m.BulletList: bullets,
    m.Checklist: checklist,
    m.Callout: callout,
    m.RegimenTable: regimens,
    m.GlossaryList: glossary,
    m.ReferenceList: references,
}


def render_block(block: m.Block, ctx: Ctx) -> list:
    return RENDERERS[type(block)](block, ctx)
