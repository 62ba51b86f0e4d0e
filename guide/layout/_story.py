"""Guide model + theme in, the whole ReportLab story out: cover, contents, sections, about, help and notes pages.

No rendering happens here; each flowable carries its role for later tagging.
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, FrameBreak, NextPageTemplate, PageBreak, Paragraph, Spacer

from ..content import BuildOptions, escape
from ..content import models as m
from ._blocks import Ctx, heading, keep_last_word, markup, para, render_block, stack_height
from ._flowables import ContentsLine, PassState, WriteLine, with_role
from ._keep import keep_with_next
from ._note import note_flowables
from ._theme import Theme, variant
from ._words import words, review_about, review_lines, sources_label, translation_about, translation_notice

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
    spans: list[m.Span] = [m.Text(sources_label(ctx.guide) + " ")]
    for i, key in enumerate(section.sources):
        if i:
            spans.append(m.Text(", "))
        spans.append(m.Cite((key,)))
    t = ctx.theme
    return [para(markup(tuple(spans), ctx), t.style("small"), "P"), Spacer(1, t.sizes.body * 0.8)]


def cover(ctx: Ctx) -> list:
    t, g = ctx.theme, ctx.guide
    brand = para(escape(g.brand.name), t.style("cover_sub"), "P")
    band: list = [brand, Spacer(1, t.sizes.body * 2),
                  para(escape(keep_last_word(g.title)), t.style("cover_title"), "Title"),
                  Spacer(1, t.sizes.body * 0.6),
                  para(escape(g.subtitle), t.style("cover_sub"), "P")]
    loc = ctx.loc
    notice = translation_notice(g)   # said plainly until a medical translator reviews it
    room = cover_low_height(t)

    def lines(body) -> list:
        out = []
        if ctx.options.prepared_for:
            out.append(para(f"<b>{escape(loc('prepared_for', name=ctx.options.prepared_for))}</b>", body))
        if notice:
            out.append(para(f"<b>{escape(notice)}</b>", body))
        return out + [para(escape(loc("edition_version", edition=g.edition, version=g.version)), body),
                      *(para(escape(line), body) for line in review_lines(g))]

    body = t.style("cover_text")
    low = lines(body)
    if stack_height(low, t.frame_width) > room:
        # large print with a name and a translation notice: the same type, less space between lines
        body = variant(body, spaceAfter=t.sizes.body * 0.2)
        low = lines(body)
    tagline = [Spacer(1, t.sizes.body), para(escape(g.brand.tagline), body)]
    # the tagline (also on the back cover) gives way when the lines below the band would overflow
    if stack_height(low + tagline, t.frame_width) <= room:
        low += tagline
    return band + [FrameBreak()] + low


def cover_low_height(t: Theme) -> float:
    """The height of the cover's frame below the band (GuideDoc's cover-low frame)."""
    return t.height - t.height * 0.52 - t.margin_bottom - t.sizes.body * 2


def contents(ctx: Ctx, above: float = 0.0) -> list:
    """The contents page: one entry per section and subsection, page numbers in a right-aligned column.

    ``above`` is the height already used on the page (the advocate's note). A contents that would
    spill over by a little is tightened (less space between entries, never below none); one that
    still spills keeps its last two entries together, so the next page never holds one line.
    """
    t = ctx.theme
    title = with_role(Paragraph(escape(ctx.loc("contents")), t.style("h1")), "H1")
    entries = []
    hang = t.sizes.body * 1.2  # a wrapped title's later lines stand in from its first
    for level, section in ctx.guide.all_sections():
        if level > 1:
            continue
        style = t.style("toc1" if level == 0 else "toc2")
        if level == 0:
            style = variant(style, fontName=t.bold)
        style = variant(style, leftIndent=style.leftIndent + hang, firstLineIndent=-hang)
        entries.append((level, section, style))

    def make(squeeze: float) -> list:
        return [ContentsLine(escape(section.title), section_key(section), level,
                             variant(style, spaceAfter=style.spaceAfter * squeeze), ctx.state,
                             indent=0) for level, section, style in entries]

    room = t.frame_height - above
    lines = make(1.0)
    used = stack_height([title, *lines], t.frame_width)
    if used > room:
        gaps = sum(line.getSpaceAfter() for line in lines)
        if gaps and used - room <= gaps:
            lines = make(max(0.0, 1 - (used - room) / gaps - 0.02))
        if stack_height([title, *lines], t.frame_width) > room and len(lines) >= 2:
            lines[-2].keepWithNext = 1  # at least two entries on the next page
    return [title, *lines]


def help_panel(ctx: Ctx) -> list:
    """'How to get help': the advocate (on a named copy), the brand's help items and contacts."""
    t, b = ctx.theme, ctx.guide.brand
    body = t.style("body")
    out: list = [para(escape(b.help_title), t.style("back_title"), "H1")]
    if ctx.options.advocate:
        out.append(para(f"<b>{escape(ctx.loc('your_advocate'))}</b> {escape(ctx.options.advocate)}", body))
    for item in b.help_items:
        out.append(para(escape(item.title), t.style("help_item_title"), "H2"))
        out.append(para(escape(item.text), body))
    for label, value in (("phone", b.phone), ("web", b.web), ("address", b.address)):
        if value:
            out.append(para(f"<b>{escape(ctx.loc(label))}:</b> {escape(value)}", body))
    return out


def sign_off(ctx: Ctx) -> list:
    t, g = ctx.theme, ctx.guide
    body = t.style("body")
    return [Spacer(1, t.sizes.body),
            para(f"<b>{escape(ctx.loc('written_by', author=g.author.line))}</b>", body),
            para(escape(" \u00b7 ".join((g.brand.name, g.edition, *review_lines(g)))), body)]


def about(ctx: Ctx) -> list:
    """Who wrote the guide and when it was reviewed: closes the body, after the last section."""
    t, g = ctx.theme, ctx.guide
    body = t.style("body")
    loc = ctx.loc
    out = [CondPageBreak(t.leading * 6), Spacer(1, t.sizes.body),
           para(f"<b>{escape(loc('about_title'))}</b>", t.style("h3"), "H1"),
           para(escape(f"{loc('written_by', author=g.author.line)}. {g.author.bio}"), body),
           para(escape(f"{loc('about_edition', edition=g.edition, version=g.version)} {review_about(g)}"), body)]
    translated = translation_about(g)
    if translated:
        out.append(para(escape(translated), body))
    return out


def build_story(guide: m.Guide, theme: Theme, options: BuildOptions, state: PassState) -> list:
    """The whole guide as flowables: cover, contents, sections, back cover."""
    ctx = Ctx(guide, theme, options, state)
    story: list = [state, NextPageTemplate("contents"), *cover(ctx), NextPageTemplate("body"), PageBreak()]
    note = note_flowables(options.note, theme, words(guide)("note_title"))  # the advocate's note, above the contents
    story += note
    story += contents(ctx, stack_height(note, theme.frame_width) if note else 0.0)
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
                 para(escape(words(guide)("help_see_before", title=b.help_title)), theme.style("body"))]
    for _ in range(options.notes_pages):
        story += [PageBreak(), *notes_page(ctx)]
    story += [NextPageTemplate("back"), PageBreak(), *panel, *close]
    return keep_with_next(story, theme.frame_width, theme.frame_height)


def notes_page(ctx: Ctx) -> list:
    """A page of write-in lines (pads a booklet to a multiple of four pages)."""
    t = ctx.theme
    title = with_role(Paragraph(escape(ctx.loc("notes")), t.style("h1")), "H1")
    gap = t.sizes.write_line_gap * 1.2
    room = t.frame_height - t.sizes.h1 * 2.5
    return [title] + [WriteLine(None, gap, t.rule) for _ in range(int(room // gap))]
