"""A page of a PDF (pypdf objects) in; its text out, as positioned runs read straight from the content stream.

The runs are cut where pypdf's ``extract_text(visitor_text=...)`` cuts them, because verify's checks
and diff were written against those: at BT, ET, cm, a font change (Tf), a form XObject, and a move to
another line; a move along the line by more than a space's width, or a TJ gap as wide, adds a space.
The line and space tests are pypdf 7's (``crlf_space_check``), so a run is what pypdf would report:
its text (with a line's trailing newline), where it starts (the matrices when it began) and its font.
Strings are decoded through their font's ToUnicode map (_stream.Font). About six times faster than
pypdf's extraction on our guides, and the same runs on every page of the test suite's PDFs.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ._stream import _FAST, IDENTITY, Font, Unknown, _operands, mult, pypdf_operations, scanned

# visitor(text, cm, tm, font name, font size): pypdf's visitor_text, with the font's /BaseFont for its dictionary
Visitor = Callable[[str, tuple, tuple, str, float], None]


class _Extract:
    """pypdf 7's TextExtraction state machine, for the operators that place or show text.

    Written for speed (it runs for every text operator of every page verify reads): the state lives in
    slots, the line test is inlined where strings are shown and lines moved, and a run with no text is not
    handed to the visitor (pypdf calls it with an empty string at each flush; every reader here skips those).
    """

    __slots__ = ("fonts", "visit", "forms", "cm", "tm", "cm_prev", "tm_prev", "memo_cm", "memo_tm", "m_prev",
                 "scale_prev_x", "scale_prev_y", "stack", "char_spacing", "space_half", "previous_font_space",
                 "str_widths", "str_height", "leading", "size", "font", "line_span", "text", "last_out")

    def __init__(self, fonts: Callable[[str], Font | None], visit: Visitor, forms) -> None:
        self.fonts, self.visit, self.forms = fonts, visit, forms
        self.cm = self.tm = self.cm_prev = self.tm_prev = self.memo_cm = self.memo_tm = IDENTITY
        # the text-space matrix at the last line test (tm_prev times cm_prev) and its x and y scales
        self.m_prev, self.scale_prev_x, self.scale_prev_y = mult(IDENTITY, IDENTITY), 1.0, 1.0
        self.stack: list[tuple] = []
        self.char_spacing = 0.0
        self.space_half = 500.0          # half a space of the current font, in thousandths (pypdf's start)
        self.previous_font_space: float | None = None
        self.str_widths = 0.0
        self.str_height = 0.0
        self.leading = 0.0
        self.size = 12.0
        self.font: Font = Unknown()
        self.line_span: tuple[int, float, float] | None = None
        self.text = ""
        self.last_out = ""               # the last character pypdf's output holds

    # -- what pypdf hands to the visitor ------------------------------------------------
    def _emit(self, text: str) -> None:
        if text:
            self.visit(text, self.memo_cm, self.memo_tm, self.font.name, self.size)

    def _flush(self) -> None:
        """The run so far goes out (pypdf's output and the visitor); the next starts at the matrices now."""
        text = self.text
        if text:
            self.last_out = text[-1]
            self.visit(text, self.memo_cm, self.memo_tm, self.font.name, self.size)
            self.text = ""
        self.memo_cm, self.memo_tm = self.cm, self.tm

    def run(self, ops: list[tuple[bytes, list]]) -> None:
        """The operations as pypdf gives them (a stream the scanner cannot follow)."""
        handlers = _HANDLERS
        for op, args in ops:
            handler = handlers.get(op)
            if handler is not None:
                handler(self, args)
        self._end()

    def run_scanned(self, found: list[tuple[bytes, bytes]]) -> None:
        """The scanner's operations (_stream.scanned), each wanted one's operands read as it comes
        (_stream.operands, written out here: it runs for thousands of operators a page)."""
        handlers, fast, general = _HANDLERS, _FAST, _operands
        for raw, op in found:
            handler = handlers.get(op)
            if handler is not None:
                handler(self, fast.get(op, general)(raw) if raw and not raw.isspace() else [])
        self._end()

    def _end(self) -> None:
        text = self.text
        if text:
            self.last_out = text[-1]
            self.visit(text, self.memo_cm, self.memo_tm, self.font.name, self.size)

    # -- operators ----------------------------------------------------------------------
    def bt(self, args) -> None:
        self.tm = IDENTITY
        self._flush()

    def et(self, args) -> None:
        self._flush()

    def q(self, args) -> None:
        self.stack.append((self.cm, self.font, self.size, self.char_spacing, self.leading))

    def big_q(self, args) -> None:
        if self.stack:
            self.cm, self.font, self.size, self.char_spacing, self.leading = self.stack.pop()
        else:
            self.cm = IDENTITY

    def cm_op(self, args) -> None:
        text = self.text
        if text:
            self.last_out = text[-1]
            self.visit(text, self.memo_cm, self.memo_tm, self.font.name, self.size)
            self.text = ""
        try:
            self.cm = mult(tuple(map(float, args[:6])), self.cm) if len(args) >= 6 else IDENTITY
        except (TypeError, ValueError):
            self.cm = IDENTITY
        self.memo_cm, self.memo_tm = self.cm, self.tm

    def tc(self, args) -> None:
        self.char_spacing = _number(args, 0, 0.0)

    def tl(self, args) -> None:
        self.leading = float(args[0]) if args and isinstance(args[0], (int, float)) else 0.0

    def tf(self, args) -> None:
        text = self.text
        if text:
            self.previous_font_space = self.size * self.space_half
            self.last_out = text[-1]
            self.visit(text, self.memo_cm, self.memo_tm, self.font.name, self.size)
            self.text = ""
        self.memo_cm, self.memo_tm = self.cm, self.tm
        font = self.fonts(args[0]) if args and isinstance(args[0], str) else None
        self.font = font if font is not None else Unknown()
        self.space_half = self.font.space_width / 2
        if len(args) > 1 and isinstance(args[1], (int, float)):
            self.size = float(args[1])

    def td(self, args) -> None:
        tx, ty = _number(args, 0, 0.0), _number(args, 1, 0.0)
        a, b, c, d, e, f = self.tm
        self.tm = (a, b, c, d, e + tx * a + ty * c, f + tx * b + ty * d)
        self._moved()

    def big_td(self, args) -> None:
        if len(args) >= 2 and isinstance(args[1], (int, float)):
            self.leading = -args[1]
        self.td(args)

    def tm_op(self, args) -> None:
        try:
            tm = tuple(map(float, args[:6]))
        except (TypeError, ValueError):
            tm = ()
        self.tm = tm if len(tm) == 6 else IDENTITY
        self._moved()

    def t_star(self, args=None) -> None:
        a, b, c, d, e, f = self.tm
        leading = self.leading
        self.tm = (a, b, c, d, e - leading * c, f - leading * d)
        self._moved()

    def tj(self, args) -> None:
        if not args or not isinstance(args[0], bytes):
            self._post(0.0)
            return
        self._show(args[0])

    def quote(self, args) -> None:
        self.t_star()
        self.tj(args)

    def dquote(self, args) -> None:
        if len(args) >= 3:
            self.char_spacing = _number(args, 1, 0.0)
            self.t_star()
            self.tj(args[2:])

    def big_tj(self, args) -> None:
        confirm = self.space_half * 0.95
        if not args or not isinstance(args[0], list):
            return
        for item in args[0]:
            if isinstance(item, bytes):
                self._show(item)
            elif isinstance(item, (int, float)):
                widths = self.str_widths - item * self.size
                previous = self.text or self.last_out
                if -item >= confirm and previous and previous[-1] not in " \n":
                    self._show(None)
                self.str_widths = widths

    def do(self, args) -> None:
        text = self.text
        if text:
            self.last_out = text[-1]
            self._emit(text)
        if self.last_out and self.last_out != "\n":
            self.last_out = "\n"
            self._emit("\n")
        if args and isinstance(args[0], str):
            tail = self.forms(args[0])
            if tail:
                self.last_out = tail
        self.text = ""
        self.memo_cm, self.memo_tm = self.cm, self.tm

    # -- pypdf's placing of text ----------------------------------------------------------
    def _show(self, data: bytes | None) -> None:
        """Tj: the string's text joins the run (None: the space pypdf adds for a wide TJ gap)."""
        self.previous_font_space = None
        font, size = self.font, self.size
        if data is None:
            text, width, count = " ", font.space_width, 1
        else:
            (text, width), count = font.decode(data), len(data)
        self.text += text
        self.str_widths += width * size + 1000 * self.char_spacing * count
        self.str_height = size
        self._post(0.0)

    def _moved(self) -> None:
        """Td, Tm, T*: the widths shown since the last move count against the gap."""
        widths = self.str_widths / 1000
        self.str_widths = 0.0
        self._post(widths)

    def _post(self, str_widths: float) -> None:
        """pypdf's crlf_space_check after a string or a move: a new line, a space, or neither."""
        text = self.text
        was_empty = not text
        size = self.size
        space = size * self.space_half
        previous = self.previous_font_space   # min() written out (the same value, NaN included), here and below
        if previous is not None and previous < space:
            space = previous
        space_width = space / 1000
        m_prev = self.m_prev
        tm, cm = self.tm, self.cm
        if tm is self.tm_prev and cm is self.cm_prev:   # a string shown where the last one stood: no new matrix
            m, scale_y = m_prev, self.scale_prev_y
            scale_x = self.scale_prev_x
        else:
            m = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                 tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3],
                 tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
            scale_x = math.sqrt(m[0] ** 2 + m[1] ** 2)
            scale_y = math.sqrt(m[2] ** 2 + m[3] ** 2)
        if m[3] > 1e-6 or m[3] < -1e-6:   # pypdf's orientation 0 or 180
            moved_h, moved_w, axis_index = m[5] - m_prev[5], m[4] - m_prev[4], 5
        else:
            moved_h, moved_w, axis_index = m[4] - m_prev[4], m[5] - m_prev[5], 4
        axis = m[axis_index]
        span = self.line_span
        if span is None or span[0] != axis_index:
            distance = abs(moved_h)
        else:
            low, high = span[1], span[2]
            if low <= axis <= high:
                distance = 0.0
            else:
                a, b = abs(axis - low), abs(axis - high)
                distance = b if b < a else a
        last = text[-1:] or self.last_out
        a, b = self.str_height * self.scale_prev_y, size * scale_y
        threshold = 0.8 * (b if b < a else a)
        if distance > threshold:
            if last != "" and last != "\n":
                self.last_out = "\n"
                self.visit(text + "\n", self.memo_cm, self.memo_tm, self.font.name, size)
                text = self.text = ""
            self.line_span = (axis_index, axis, axis)
        else:
            if (abs(moved_h) > threshold or moved_w >= (space_width + str_widths) * self.scale_prev_x) \
                    and last != "" and last != " ":
                text = self.text = text + " "
            if last == "" or last == "\n" or span is None or span[0] != axis_index:
                self.line_span = (axis_index, axis, axis)
            else:
                low, high = span[1], span[2]
                self.line_span = (axis_index, axis if axis < low else low, axis if axis > high else high)
        self.tm_prev, self.cm_prev = tm, cm
        self.m_prev, self.scale_prev_x, self.scale_prev_y = m, scale_x, scale_y
        if was_empty or not text:
            self.memo_cm, self.memo_tm = cm, tm


def _number(args: list, i: int, default: float) -> float:
    return float(args[i]) if i < len(args) and isinstance(args[i], (int, float)) else default


_HANDLERS = {
    b"BT": _Extract.bt, b"ET": _Extract.et, b"q": _Extract.q, b"Q": _Extract.big_q, b"cm": _Extract.cm_op,
    b"Tc": _Extract.tc, b"TL": _Extract.tl, b"Tf": _Extract.tf, b"Td": _Extract.td,
    b"TD": _Extract.big_td, b"Tm": _Extract.tm_op, b"T*": _Extract.t_star, b"Tj": _Extract.tj,
    b"'": _Extract.quote, b'"': _Extract.dquote, b"TJ": _Extract.big_tj, b"Do": _Extract.do,
}


class TextReader:
    """Reads the text of a document's pages; each font is decoded once for the whole document."""

    def __init__(self, reader=None) -> None:
        self.reader = reader
        self._fonts: dict[int, Font] = {}

    def font(self, ref) -> Font:
        key = ref.idnum if hasattr(ref, "idnum") else id(ref)
        font = self._fonts.get(key)
        if font is None:
            font = self._fonts[key] = Font(ref.get_object())
        return font

    def page(self, page, visit: Visitor) -> None:
        """Call ``visit`` for each run of the page's text, as pypdf's visitor_text is called."""
        contents = page.get_contents()
        if contents is None:
            return
        self._content(contents.get_data(), contents, page.get("/Resources"), visit, set())

    def _content(self, data: bytes, stream, resources, visit: Visitor, seen: set[int]) -> str:
        resources = resources.get_object() if resources is not None else None
        if not resources:
            return ""
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else {}
        cache: dict[str, Font | None] = {}

        def font(name: str) -> Font | None:
            if name not in cache:
                cache[name] = self.font(fonts.raw_get(name)) if name in fonts else None
            return cache[name]

        def form(name: str) -> str:
            xobjects = resources.get("/XObject")
            xobj = xobjects.get_object().get(name) if xobjects is not None else None
            if xobj is None or xobj.get("/Subtype") != "/Form" or id(xobj) in seen:
                return ""
            seen.add(id(xobj))
            try:
                return self._content(xobj.get_data(), xobj, xobj.get("/Resources"), visit, seen)
            finally:
                seen.discard(id(xobj))

        ex = _Extract(font, visit, form)
        found = scanned(data)
        if found is not None:
            ex.run_scanned(found)
        else:
            ex.run(pypdf_operations(stream, self.reader, _HANDLERS))
        return ex.text[-1:] or ex.last_out
