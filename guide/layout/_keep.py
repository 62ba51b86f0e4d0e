"""Keep rules, one mechanism: at least two lines of a block on each side of a page break, and a heading with them.

- A heading (or a run of headings, a glossary term) is kept with the first lines of what follows it,
  not with the whole of it: ``keep_with_next`` turns ReportLab's keepWithNext (which moves the whole
  next block, leaving half a page empty before a long callout) into a conditional page break that
  asks for the heading plus the opening lines of the next block.
- A block that splits leaves at least two lines (table rows, list lines, panel lines) on the page it
  starts on and carries at least two to the next; otherwise it gives back lines or moves whole
  (``BalancedSplit``). Paragraphs have the same rule from their styles (allowWidows/allowOrphans 0).

The planning pass places flowables with the same code, so its page map stays the final one.
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, ListFlowable, Paragraph, Spacer, Table

MIN_LINES = 2  # lines of a block on each side of a page break
_MEASURING = None


def measure(f, width: float, height: float) -> tuple[float, float]:
    """wrap() on a canvas of its own, for flowables measured before any page exists (containers need one)."""
    global _MEASURING
    canv = getattr(f, "canv", None)
    if canv is not None:
        return f.wrap(width, height)
    if _MEASURING is None:
        import io

        from reportlab.pdfgen.canvas import Canvas

        _MEASURING = Canvas(io.BytesIO())
    return f.wrapOn(_MEASURING, width, height)


def piece_lines(piece, width: float, height: float, continued: bool = False) -> int:
    """Text lines of a split piece (wrapped first); a continued table's repeated header rows do not count."""
    from ._report import text_lines

    measure(piece, width, height)
    lines = text_lines(piece)
    if continued and isinstance(piece, Table):
        lines -= sum(text_lines_of_row(piece, r) for r in range(_repeat_rows(piece)))
    return lines


def _repeat_rows(table: Table) -> int:
    r = getattr(table, "repeatRows", 0)
    return len(r) if isinstance(r, (tuple, list)) else int(r or 0)


def text_lines_of_row(table: Table, row: int) -> int:
    from ._report import _cell_lines

    return max((_cell_lines(c) for c in table._cellvalues[row]), default=0)


class BalancedSplit:
    """Mixin for splittable blocks: a split that would leave fewer than MIN_LINES on either side of the
    break gives lines back to the next page (splitting again with less room) or moves the block whole."""

    split_step = 12.0  # points of room given back per try

    def split(self, availWidth, availHeight):
        base = getattr(self, "raw_split", None) or super().split
        first = base(availWidth, availHeight)
        if len(first) < 2:
            return first
        # at the top of a page there is nowhere better to go: the plain split stands if no balanced one exists
        at_top = bool(getattr(getattr(self, "_frame", None), "_atTop", False))
        room = availHeight
        parts = first
        for _ in range(40):
            if len(parts) < 2:
                return parts
            head = piece_lines(parts[0], availWidth, room)
            if head < MIN_LINES:
                break
            tail = sum(piece_lines(p, availWidth, 10 ** 6, continued=True) for p in parts[1:])
            if tail >= MIN_LINES:
                return parts
            room -= self.split_step
            if room <= 0:
                break
            parts = base(availWidth, room)
        return first if at_top else []


class KeptList(ListFlowable):
    """A bullet list whose break never leaves one line alone: ReportLab places a list item by item, so a
    one-line first item is kept with the next (no orphan at a page's foot) and a one-line last item
    with the one before (no widow at the top of the next page)."""

    def split(self, availWidth, availHeight):
        items = super().split(availWidth, availHeight)
        if len(items) >= 2:
            def one_line(item) -> bool:
                measure(item, availWidth, availHeight)
                inner = getattr(item, "_flowable", None)
                return isinstance(inner, Paragraph) and len(getattr(inner.blPara, "lines", ())) <= 1
            if one_line(items[0]):
                items[0].keepWithNext = 1
            if one_line(items[-1]):
                items[-2].keepWithNext = 1
        return items


class KeptTable(BalancedSplit, Table):
    """A table that splits with at least two rows on each side (its header row repeated after the break)."""

    split_step = 6.0


def opening_height(f, width: float, frame_height: float) -> float:
    """The height of a block's opening: enough of it that the break rules allow it to start a page's
    last lines (a short block: all of it)."""
    if isinstance(f, ListFlowable):
        # a list is placed item by item (ReportLab splits it into its items): its opening is the
        # opening of its first items until they give two lines, measured from the items themselves
        # (reading a ListFlowable's _content before the structure is declared consumes its items)
        indent = f.__dict__.get("_leftIndent") or getattr(f, "leftIndent", 0) or 0
        need, lines = 0.0, 0
        for entry in f.__dict__.get("_flowables") or f._content:
            parts = entry._flowables if hasattr(entry, "_flowables") else [entry]
            para = next((x for x in parts if isinstance(x, Paragraph)), None)
            if para is None:
                break
            need += opening_height(para, width - indent, frame_height) + para.getSpaceAfter()
            lines += len(getattr(para.blPara, "lines", ())) or 1
            if lines >= MIN_LINES:
                break
        return min(need, frame_height)
    opening = getattr(f, "opening_height", None)
    if opening is not None:  # a container measures its own opening (without reading all it holds)
        return min(opening(width, frame_height), frame_height)
    _, whole = measure(f, width, frame_height)
    if isinstance(f, Paragraph):
        lines = len(getattr(f.blPara, "lines", ())) or 1
        if lines <= 2 * MIN_LINES - 1:
            return whole
        return MIN_LINES * f.style.leading
    if isinstance(f, Table):
        heights = list(getattr(f, "_rowHeights", ()) or ())
        start = _repeat_rows(f)
        if len(heights) - start <= 2 * MIN_LINES - 1:
            return whole
        return sum(heights[: start + MIN_LINES])
    return min(whole, frame_height)


def keep_with_next(story: list, width: float, frame_height: float) -> list:
    """The story with each run of keep-with-next flowables (headings, glossary terms) preceded by a
    conditional break asking for the run plus the opening of the next block, and no longer grouped
    with the whole next block."""
    out: list = []
    i = 0
    while i < len(story):
        f = story[i]
        if not kept_with_next(f):
            out.append(f)
            i += 1
            continue
        run = []
        while i < len(story) and kept_with_next(story[i]):
            run.append(story[i])
            i += 1
        need = 0.0
        for j, g in enumerate(run):
            _, h = measure(g, width, frame_height)
            need += h + (g.getSpaceBefore() if j else 0) + g.getSpaceAfter()
            g.keepWithNext = 0
        k = i
        while k < len(story) and isinstance(story[k], Spacer):
            need += measure(story[k], width, frame_height)[1]
            k += 1
        if k < len(story) and not isinstance(story[k], CondPageBreak) and hasattr(story[k], "wrap"):
            need += space_before(story[k]) + opening_height(story[k], width, frame_height)
        out.append(keep_break(need, frame_height))
        out.extend(run)
    return out


def space_before(f) -> float:
    """A flowable's space before, without reading a list's items (a ListFlowable asks its first item,
    and reading its items before the structure is declared consumes them): lists here have none."""
    return 0.0 if isinstance(f, ListFlowable) else f.getSpaceBefore()


def keep_break(need: float, frame_height: float) -> CondPageBreak:
    """A conditional page break the keep rules add (marked: not one of a block's own flowables, see
    _document._where)."""
    brk = CondPageBreak(min(need, frame_height))
    brk.inserted_keep = True
    return brk


def kept_with_next(f) -> bool:
    """A paragraph whose style (or own attribute) keeps it with the next flowable: a heading, a term."""
    if not isinstance(f, Paragraph):
        return False
    own = f.__dict__.get("keepWithNext")
    return bool(own if own is not None else getattr(f.style, "keepWithNext", 0))


__all__ = ["BalancedSplit", "KeptList", "KeptTable", "keep_break", "keep_with_next", "kept_with_next",
           "opening_height", "MIN_LINES"]
