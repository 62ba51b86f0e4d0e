"""Guide model + theme in, the whole ReportLab story out: cover, contents, sections, about, help and notes pages.

No rendering happens here; each flowable carries its role for later tagging.
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, FrameBreak, ListFlowable, ListItem, NextPageTemplate, PageBreak, Spacer

from ..content import BuildOptions, escape, is_back_matter
from ..content import models as m
from ._blocks import Ctx, heading, keep_last_word, markup, para, render_block, stack_height
from ._flowables import ContentsLine, PassState, WriteLine, with_role
from ._keep import keep_break, keep_with_next, kept_with_next
from ._para import Paragraph
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


COVER_BAND = 0.44  # the coloured band's share of the cover's height


def cover(ctx: Ctx) -> list:
    """The cover: brand, title and subtitle on the band; below it, who the copy is for, "In this guide"
    (the main sections, from the content), the edition and review lines and the brand's tagline.

    What does not fit below the band gives way in this order: the space between the lines, the
    tagline (it is on the back cover too), then the list set as one run-in paragraph, then the list."""
    t, g = ctx.theme, ctx.guide
    band = band_flowables(g, t)
    loc = ctx.loc
    notice = translation_notice(g)   # said plainly until a medical translator reviews it
    room = cover_low_height(t, cover_band_height(g, t))
    main = [s.title for s in g.sections if not is_back_matter(s)]

    def listing(body, run_in: bool) -> list:
        if not main:
            return []
        head = para(f"<b>{escape(loc('in_this_guide'))}</b>", variant(body, textColor=t.colour("primary"),
                                                                     spaceAfter=t.sizes.body * 0.3))
        if run_in:  # one paragraph, the heading run in: "In this guide: Symptoms · Treatment options · ..."
            return [para(f"<b>{escape(loc('in_this_guide'))}:</b> " + escape(" \u00b7 ".join(main)),
                         variant(body, spaceAfter=t.sizes.body * 0.6)), ]
        item = variant(body, spaceAfter=t.sizes.body * 0.15)
        items = [ListItem(para(escape(title), item, "LBody")) for title in main]
        lf = ListFlowable(items, bulletType="bullet", start="\u2022", bulletFontName=t.font,
                          bulletFontSize=t.sizes.body, bulletColor=t.colour("primary"),
                          leftIndent=t.sizes.body * 1.3, bulletDedent=t.sizes.body * 1.0,
                          spaceAfter=t.sizes.body * 0.6)
        return [head, with_role(lf, "L"), Spacer(1, t.sizes.body * 0.4)]

    def lines(body, run_in: bool | None) -> list:
        out = []
        if ctx.options.prepared_for:
            out.append(para(f"<b>{escape(loc('prepared_for', name=ctx.options.prepared_for))}</b>", body))
        if notice:
            out.append(para(f"<b>{escape(notice)}</b>", body))
        if run_in is not None:
            out += listing(body, run_in)
        return out + [para(escape(loc("edition_version", edition=g.edition, version=g.version)), body),
                      *(para(escape(line), body) for line in review_lines(g))]

    tight = variant(t.style("cover_text"), spaceAfter=t.sizes.body * 0.2)
    tagline = [Spacer(1, t.sizes.body), para(escape(g.brand.tagline), t.style("cover_text"))]
    tries = [(t.style("cover_text"), False, True), (tight, False, True), (tight, False, False),
             (tight, True, True), (tight, True, False), (t.style("cover_text"), None, True), (tight, None, False)]
    for body, run_in, with_tagline in tries:
        # measured on lines made for measuring: wrapping a list rewrites its items, and the structure
        # is declared from the kept ones later (made again: cheaper than a deep copy of the list)
        if stack_height(lines(body, run_in) + (tagline if with_tagline else []), t.frame_width) <= room:
            break
    return band + [FrameBreak()] + lines(body, run_in) + (tagline if with_tagline else [])


def band_flowables(g: m.Guide, t: Theme) -> list:
    """What the cover's band holds: the brand's name, the title and the subtitle."""
    return [para(escape(g.brand.name), t.style("cover_sub"), "P"), Spacer(1, t.sizes.body * 2),
            para(escape(keep_last_word(g.title)), t.style("cover_title"), "Title"),
            Spacer(1, t.sizes.body * 0.6),
            para(escape(g.subtitle), t.style("cover_sub"), "P")]


def cover_band_height(g: m.Guide, t: Theme) -> float:
    """The band's height: COVER_BAND of the page, or more when a long title or subtitle needs it
    (GuideDoc's cover-band frame stands inside it: margin_top * 0.6 from the top, a body size from the foot)."""
    need = stack_height(band_flowables(g, t), t.frame_width) + t.margin_top * 0.6 + t.sizes.body + 2
    return max(t.height * COVER_BAND, need)


def cover_low_height(t: Theme, band_h: float) -> float:
    """The height of the cover's frame below the band (GuideDoc's cover-low frame)."""
    return t.height - band_h - t.margin_bottom - t.sizes.body * 2


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
    out = [Spacer(1, t.sizes.body),
           para(f"<b>{escape(loc('about_title'))}</b>", t.style("h3"), "H1"),
           para(escape(f"{loc('written_by', author=g.author.line)}. {g.author.bio}"), body),
           para(escape(f"{loc('about_edition', edition=g.edition, version=g.version)} {review_about(g)}"), body)]
    translated = translation_about(g)
    if translated:
        out.append(para(escape(translated), body))
    return out


def closing(story: list, block: list, theme: Theme) -> list:
    """The About block, whole, with the last entry before it: one break before that entry (and the
    heading or term it is kept with) asks for room for all of them, so the block never stands alone
    on a page nor splits over two. When they cannot share one page, the block alone is kept whole."""
    start = len(story)
    if story and isinstance(story[-1], Paragraph):
        start -= 1
        while start > 0 and kept_with_next(story[start - 1]):
            start -= 1
    tail = story[start:]
    need = stack_height(tail + block, theme.frame_width)
    if not tail or need > theme.frame_height:
        start, need = len(story), stack_height(block, theme.frame_width)
    story.insert(start, keep_break(need, theme.frame_height))
    return block


def build_story(guide: m.Guide, theme: Theme, options: BuildOptions, state: PassState,
                spare_notes: int = 0) -> list:
    """The whole guide as flowables: cover, contents, sections, back cover."""
    ctx = Ctx(guide, theme, options, state)
    story: list = [state, NextPageTemplate("contents"), *cover(ctx), NextPageTemplate("body"), PageBreak()]
    note = note_flowables(options.note, theme, words(guide)("note_title"))  # the advocate's note, above the contents
    story += note
    listing = contents(ctx, stack_height(note, theme.frame_width) if note else 0.0)
    story += listing
    # a short contents (a copy of a section or two) is not a page alone: the first section follows it
    # when the contents and the note fill less than a third of the page; otherwise a page of its own
    short = stack_height(note + listing, theme.frame_width) < theme.frame_height / 3
    story.append(Spacer(1, theme.sizes.body * 1.5) if short else PageBreak())
    for section in guide.sections:
        story += section_flowables(section, ctx, 0)
    story += closing(story, about(ctx), theme)
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
    for n in range(1, spare_notes + 1):  # spare Notes pages: render_counted keeps as many as the count needs
        spare = [PageBreak(), *notes_page(ctx)]
        for f in spare:
            f.spare_notes = n
        story += spare
    story += [NextPageTemplate("back"), PageBreak(), *panel, *close]
    story = keep_with_next(story, theme.frame_width, theme.frame_height)
    for before, f in zip(story, story[1:]):  # a break the keep rules put before a spare flowable is spare too
        if getattr(f, "spare_notes", 0) and getattr(before, "inserted_keep", False):
            before.spare_notes = f.spare_notes
    return story


def notes_page(ctx: Ctx) -> list:
    """A page of write-in lines (pads a booklet to a multiple of four pages)."""
    t = ctx.theme
    title = with_role(Paragraph(escape(ctx.loc("notes")), t.style("h1")), "H1")
    gap = t.sizes.write_line_gap * 1.2
    room = t.frame_height - t.sizes.h1 * 2.5
    return [title] + [WriteLine(None, gap, t.rule) for _ in range(int(room // gap))]
