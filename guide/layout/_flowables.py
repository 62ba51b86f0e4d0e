"""Custom ReportLab flowables: checkboxes, write-in lines, contents lines and the pass state.

Every flowable the story makes carries a ``role`` (H1, P, L, Table, TOCI, ...) so a
later stage can tag the PDF for screen readers without guessing.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth
from ._fallback import fallback_markup
from reportlab.platypus import Flowable
from reportlab.platypus.doctemplate import IndexingFlowable

from ._keep import BalancedSplit
from ._para import Paragraph


def with_role(flowable: Flowable, role: str, **info) -> Flowable:
    """Mark a flowable with its structural role (and extra facts such as a heading's key)."""
    flowable.role = role
    for k, v in info.items():
        setattr(flowable, k, v)
    return flowable


class PassState(IndexingFlowable):
    """Carries page numbers between layout passes: heading pages and the page total.

    ``pages`` and ``total`` hold the last complete pass; the build repeats until a pass
    ends with the same numbers it started with, so contents and "Page N of M" are right.
    """

    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, int] = {}
        self.total = 0
        self._pages: dict[str, int] = {}
        self._total = 0
        self._stable = False
        self.width = self.height = 0

    def record(self, key: str, page: int) -> None:
        self._pages.setdefault(key, page)

    def finish(self, total: int) -> None:
        self._total = total

    def isSatisfied(self) -> bool:
        return self._stable

    def beforeBuild(self) -> None:
        self._pages, self._total = {}, 0

    def afterBuild(self) -> None:
        self._stable = self._pages == self.pages and self._total == self.total
        self.pages, self.total = self._pages, self._total

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self) -> None:
        pass


class ContentsLine(Flowable):
    """One contents entry: the title, a dotted leader and the page number, all one link.

    The numbers stand right-aligned in a column as wide as the widest page number the guide can
    have; every leader ends a space before that column, so the dots never touch a number and end
    at one x. The title's own style sets its indents (a wrapped title hangs under its first word).
    """

    def __init__(self, text: str, key: str, level: int, style, state: PassState, indent: float = 0.0):
        super().__init__()
        self.key, self.level, self.style, self.state = key, level, style, state
        self.indent = indent
        self.text = text
        self.para = Paragraph(fallback_markup(text, style.fontName), style)
        self.role = "TOCI"

    @property
    def page_label(self) -> str:
        return str(self.state.pages.get(self.key, 0) or "")

    def _column(self) -> float:
        """The number column: as wide as the widest number of the guide's page count (at least two digits)."""
        digits = max(2, len(str(self.state.total or 0)))
        return stringWidth("0" * digits, self.style.fontName, self.style.fontSize)

    def wrap(self, availWidth, availHeight):
        self.avail = availWidth
        self.space = stringWidth(" ", self.style.fontName, self.style.fontSize) * 2
        self.num_w = self._column() + 2 * self.space  # the column and a gap each side of the leader's end
        self.para_w = availWidth - self.indent - self.num_w
        _, h = self.para.wrap(self.para_w, availHeight)
        self.height = h
        self.width = availWidth
        return availWidth, h

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def report_lines(self) -> int:
        return len(getattr(getattr(self.para, "blPara", None), "lines", ())) or 1

    def draw(self) -> None:
        c = self.canv
        self.para.drawOn(c, self.indent, 0)
        st = self.style
        # the number and the leader stand on the baseline of the title's last line
        lines = len(getattr(self.para.blPara, "lines", [])) or 1
        baseline = self.height - st.fontSize - (lines - 1) * st.leading
        label = self.page_label
        c.saveState()
        c.setFont(st.fontName, st.fontSize)
        c.setFillColor(st.textColor)
        # a leading space (invisible when right-aligned) keeps title and number apart for text readers
        c.drawRightString(self.avail, baseline, f" {label}")
        # dotted leader from a space after the title's last line to a space before the number column
        x0, x1 = self.leader()
        if x1 - x0 > self.space:
            c.setStrokeColor(st.textColor)
            c.setLineWidth(1)
            c.setDash(1, 4)
            c.line(x0, baseline + 1, x1, baseline + 1)
        c.restoreState()
        c.linkRect("", self.key, (0, 0, self.avail, self.height), relative=1, thickness=0)

    def leader(self) -> tuple[float, float]:
        """Where the dotted leader starts and ends (after wrap): a space after the title, a space before
        the number column."""
        return self.indent + self._last_line_end() + self.space, self.avail - self._column() - self.space

    def _last_line_end(self) -> float:
        """Where the title's last line ends, from the paragraph's left edge."""
        lines = getattr(self.para.blPara, "lines", [])
        if not lines:
            return 0
        last = lines[-1]
        extra = last.extraSpace if hasattr(last, "extraSpace") else last[0]
        return self.para_w - extra


class Checkbox(Flowable):
    """A drawn square (visible on paper) with a fillable AcroForm checkbox over it."""

    def __init__(self, size: float, name: str, tooltip: str, border, fill):
        super().__init__()
        self.size, self.name, self.tooltip = size, name, tooltip
        self.border, self.fill = border, fill
        self.role = "Form"

    def wrap(self, availWidth, availHeight):
        return self.size, self.size

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setStrokeColor(self.border)
        c.setLineWidth(1.5)
        c.rect(0, 0, self.size, self.size, stroke=1, fill=0)
        c.restoreState()
        _shared_appearances(c.acroForm).checkbox(name=self.name, tooltip=self.tooltip, x=0, y=0, size=self.size,
                            relative=True, buttonStyle="check", borderWidth=1.5,
                            borderColor=self.border, fillColor=self.fill, textColor=self.border,
                            forceBorder=True, checked=False)


def _shared_appearances(form):
    """The canvas's AcroForm, drawing each distinct checkbox look once.

    ReportLab writes one appearance stream per look (its reference map shares equal streams) but
    builds all six of them (normal, down, rollover; on and off) again for every checkbox before it
    finds them shared; every checkbox of a guide looks the same, so the six are built once."""
    if "_appearances" not in vars(form):
        made: dict[str, object] = {}
        build = form.checkboxAP

        def checkbox_appearance(key, value, **style):
            look = repr((key, value, sorted(style.items())))
            if look not in made:
                made[look] = build(key, value, **style)
            return made[look]

        form._appearances = made
        form.checkboxAP = checkbox_appearance
    return form


class WriteLine(Flowable):
    """An empty line to write on."""

    def __init__(self, width: float | None, height: float, colour):
        super().__init__()
        self.w, self.height, self.colour = width, height, colour
        self.role = "Artifact"

    def wrap(self, availWidth, availHeight):
        self.width = self.w if self.w is not None else availWidth
        return self.width, self.height

    def report_lines(self) -> int:
        return 1  # a line to write on fills a line of the page

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setStrokeColor(self.colour)
        c.setLineWidth(0.8)
        c.line(0, 2, self.width, 2)
        c.restoreState()


def _between(above: Flowable, below: Flowable) -> float:
    return max(above.getSpaceAfter(), below.getSpaceBefore())


class Panel(BalancedSplit, Flowable):
    """Flowables on a tinted panel with a coloured bar at the left (callouts).

    Unlike a one-column Table it splits inside its contents, page after page, so a long
    callout flows like the text around it; the panel and bar are drawn as decoration.
    """

    def __init__(self, content: list, tint, bar, bar_width: float, padding: float, role: str = "Callout"):
        super().__init__()
        self.content = list(content)
        self.tint, self.bar, self.bar_width, self.padding = tint, bar, bar_width, padding
        self.role = role
        self._sizes: list[tuple[float, float]] = []

    def _inner(self, availWidth: float) -> float:
        return availWidth - 2 * self.padding - self.bar_width

    def _gap(self, i: int) -> float:
        """Space above child i: the larger of its space before and the last one's space after."""
        return _between(self.content[i - 1], self.content[i]) if i else 0.0

    def wrap(self, availWidth, availHeight):
        inner = self._inner(availWidth)
        self._sizes = [f.wrapOn(self.canv, inner, availHeight) for f in self.content]
        body = sum(h for _, h in self._sizes) + sum(self._gap(i) for i in range(len(self.content)))
        self.width, self.height = availWidth, body + 2 * self.padding
        return self.width, self.height

    def opening_height(self, width: float, frame_height: float) -> float:
        """The panel's padding, its first child (the title) and the opening of the second."""
        from ._keep import measure, opening_height, space_before

        inner = self._inner(width)
        need = 2 * self.padding
        for i, f in enumerate(self.content[:2]):
            gap = max(self.content[i - 1].getSpaceAfter(), space_before(f)) if i else 0.0
            need += gap + (measure(f, inner, frame_height)[1] if i == 0 else opening_height(f, inner, frame_height))
        return need

    def raw_split(self, availWidth, availHeight):
        """Fill this page with whole children, then with the part of the next one that fits."""
        inner = self._inner(availWidth)
        room = availHeight - 2 * self.padding
        queue, first, used = list(self.content), [], 0.0

        def fits(f) -> float | None:
            gap = _between(first[-1], f) if first else 0.0
            _, h = f.wrapOn(self.canv, inner, availHeight)
            return gap + h if used + gap + h <= room else None

        while queue:
            step = fits(queue[0])
            if step is None:
                gap = _between(first[-1], queue[0]) if first else 0.0
                parts = queue[0].splitOn(self.canv, inner, room - used - gap) if room - used - gap > 0 else []
                if not parts or parts == [queue[0]]:
                    break
                queue[0:1] = parts  # a container may split into many pieces: take those that fit
                step = fits(queue[0])
                if step is None:
                    break
            first.append(queue.pop(0))
            used += step
        if not first:
            return []
        return [self._copy(first), self._copy(queue)] if queue else [self]

    def _copy(self, content: list) -> Panel:
        return Panel(content, self.tint, self.bar, self.bar_width, self.padding, self.role)

    def draw(self) -> None:
        from ..tagging import artifact

        c = self.canv
        with artifact(c):
            c.saveState()
            c.setFillColor(self.tint)
            c.rect(0, 0, self.width, self.height, stroke=0, fill=1)
            c.setFillColor(self.bar)
            c.rect(0, 0, self.bar_width, self.height, stroke=0, fill=1)
            c.restoreState()
        y = self.height - self.padding
        x = self.bar_width + self.padding
        for i, (f, (_, h)) in enumerate(zip(self.content, self._sizes)):
            y -= self._gap(i) + h
            f.drawOn(c, x, y)
