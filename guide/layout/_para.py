"""The story's paragraph: ReportLab's Paragraph, breaking its lines once per width.

A layout wraps the same paragraph several times: the planning pass and the drawing pass each
wrap it, a frame wraps it again to split it, and a table wraps its cells to size them and then
to draw them. ReportLab breaks the lines afresh every time, and line breaking is the largest
part of a layout pass. The lines depend only on the paragraph's fragments (text, fonts and
style) and the widths, so they are kept per paragraph and reused while both are the same.
A split makes new paragraphs (of this class) with their own fragments, which break their own.
"""

from __future__ import annotations

from reportlab.platypus import Paragraph as _Paragraph


class Paragraph(_Paragraph):
    def breakLines(self, width):
        key = tuple(width) if isinstance(width, (list, tuple)) else width
        kept = self.__dict__.get("_lines_kept")
        if kept is not None and kept[0] == key and kept[1] is self.frags:
            return kept[2]
        lines = super().breakLines(width)
        self._lines_kept = (key, self.frags, lines)
        return lines


__all__ = ["Paragraph"]
