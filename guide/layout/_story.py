"""Guide model + theme in, the whole ReportLab story out: cover, contents, sections, about, help and notes pages.

No rendering happens here; each flowable carries its role for later tagging.
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, FrameBreak, NextPageTemplate, PageBreak, Paragraph, Spacer

from ..content import BuildOptions, escape
from ..content import models as m
from ._blocks import Ctx, heading, markup, para, render_block, stack_height
from ._flowables import ContentsLine, PassState, WriteLine, with_role
from ._note import note_flowables
from ._theme import Theme, variant
from ._words import review_about, review_lines, sources_label

# ---- pages -------------------------------------------------------------------------


def section_key(section: m.Section) -> str:
    return f"sec-{section.id}"


def section_flowables(section: m.Section, ctx: Ctx, level: int) -> list:
    out: list = []
    t = ctx.theme
    if level == 0:
        out.append(CondPageBreak(t.frame_height * 0.35))
    out.append(heading(section.title, section_key(section), level, ctx))
    ctx.level = level
    for block in section.blocks:
        out.extend(render_block(block, ctx))
    if section.sources:
        out.extend(sources_line(section, ctx))
    for sub in section.subsections:
        out.extend(section_flowables(sub, ctx, level + 1))
    return out


def sources_line(section: m.Section, ctx: Ctx) -> list:
    """'Sources for this section: [2], [4], [13]' at the end of the section's own text, each
    number a citation link (the references cover the section as a whole, no one statement)."""
    spans: list[m.Span] = [m.Text(sources_label() + " ")]
    for i, key in enumerate(section.sources):
        if i:
            spans.append(m.Text(", "))
        spans.append(m.Cite((key,)))
    t = ctx.theme
    return [para(markup(tuple(spans), ctx), t.style("small"), "P"), Spacer(1, t.sizes.body * 0.8)]


def cover(ctx: Ctx) -> list:
    t, g = ctx.theme, ctx.guide
    brand = para(escape(g.brand.name), t.style("cover_sub"), "P")
    out: list = [brand, Spacer(1, t.sizes.body * 2),
                 para(escape(g.title), t.style("cover_title"), "Title"),
                 Spacer(1, t.sizes.body * 0.6),
                 para(escape(g.subtitle), t.style("cover_sub"), "P"),
                 FrameBreak()]
    body = t.style("cover_text")
    if ctx.options.prepared_for:
        out.append(para(f"<b>Prepared for {escape(ctx.options.prepared_for)}</b>", body))
    out += [para(escape(f"{g.edition} \u00b7 Version {g.version}"), body),
            *(para(escape(line), body) for line in review_lines(g)),
            Spacer(1, t.sizes.body),
            para(escape(g.brand.tagline), body)]
    return out


def contents(ctx: Ctx) -> list:
    t = ctx.theme
    out: list = [with_role(Paragraph("Contents", t.style("h1")), "H1")]
    for level, section in ctx.guide.all_sections():
        if level > 1:
            continue
        style = t.style("toc1" if level == 0 else "toc2")
        if level == 0:
            style = variant(style, fontName=t.bold)
        out.append(ContentsLine(escape(section.title), section_key(section), level, style, ctx.state,
                                indent=style.leftIndent))
    return out


def help_panel(ctx: Ctx) -> list:
    """'How to get help': the advocate (on a named copy), the brand's help items and contacts."""
    t, b = ctx.theme, ctx.guide.brand
    body = t.style("body")
    out: list = [para(escape(b.help_title), t.style("back_title"), "H1")]
    if ctx.options.advocate:
        out.append(para(f"<b>Your patient advocate:</b> {escape(ctx.options.advocate)}", body))
    for item in b.help_items:
        out.append(para(escape(item.title), t.style("help_item_title"), "H2"))
        out.append(para(escape(item.text), body))
    for label, value in (("Phone", b.phone), ("Web", b.web), ("Address", b.address)):
        if value:
            out.append(para(f"<b>{escape(label)}:</b> {escape(value)}", body))
    return out


def sign_off(ctx: Ctx) -> list:
    t, g = ctx.theme, ctx.guide
    body = t.style("body")
    return [Spacer(1, t.sizes.body),
            para(f"<b>Written by {escape(g.author.line)}</b>", body),
            para(escape(" \u00b7 ".join((g.brand.name, g.edition, *review_lines(g)))), body)]


def about(ctx: Ctx) -> list:
    """Who wrote the guide and when it was reviewed: closes the body, after the last section."""
    t, g = ctx.theme, ctx.guide
    body = t.style("body")
    return [CondPageBreak(t.leading * 6), Spacer(1, t.sizes.body),
            para("<b>About this guide</b>", t.style("h3"), "H1"),
            para(f"Written by {escape(g.author.line)}. {escape(g.author.bio)}", body),
            para(escape(f"{g.edition}, version {g.version}. {review_about(g)}"), body)]


def build_story(guide: m.Guide, theme: Theme, options: BuildOptions, state: PassState) -> list:
    """The whole guide as flowables: cover, contents, sections, back cover."""
    ctx = Ctx(guide, theme, options, state)
    story: list = [state, NextPageTemplate("contents"), *cover(ctx), NextPageTemplate("body"), PageBreak()]
    story += note_flowables(options.note, theme)  # the advocate's note, above the contents
    story += contents(ctx)
    story.append(PageBreak())
    for section in guide.sections:
        story += section_flowables(section, ctx, 0)
    story += about(ctx)
    panel, close = help_panel(ctx), sign_off(ctx)
    if stack_height(panel + close, theme.frame_width) > theme.frame_height:
        # too long for one page (large print): the panel gets a page of its own inside the back cover
        story += [PageBreak(), *panel]
        b = guide.brand
        panel = [para(escape(b.name), theme.style("back_title"), "P"),
                 para(escape(b.tagline), theme.style("body")),
                 para(escape(f"{b.help_title}: see the pages before this cover."), theme.style("body"))]
    for _ in range(options.notes_pages):
        story += [PageBreak(), *notes_page(ctx)]
    story += [NextPageTemplate("back"), PageBreak(), *panel, *close]
    return story


def notes_page(ctx: Ctx) -> list:
    """A page of write-in lines (pads a booklet to a multiple of four pages)."""
    t = ctx.theme
    title = with_role(Paragraph("Notes", t.style("h1")), "H1")
    gap = t.sizes.write_line_gap * 1.2
    room = t.frame_height - t.sizes.h1 * 2.5
    return [title] + [WriteLine(None, gap, t.rule) for _ in range(int(room // gap))]
