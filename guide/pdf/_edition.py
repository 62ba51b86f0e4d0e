"""A content folder in, a validated guide out; a guide and build options in, the PDF bytes of that edition out."""

from __future__ import annotations

from pathlib import Path

from ..content import DEFAULT_CONTENT, BuildOptions, load_guide, select_sections
from ..content import models as m
from ..layout import make_theme, register_fonts, render


def load_content(content_dir: Path | str = DEFAULT_CONTENT) -> m.Guide:
    """Load and validate content, checking every character against the embedded font."""
    return load_guide(content_dir, register_fonts())


def render_guide(guide: m.Guide, options: BuildOptions) -> tuple[bytes, int]:
    """The PDF of one edition of a validated guide, in memory."""
    guide = select_sections(guide, options.sections)
    if options.print_mode:
        from ._printshop import render_print

        return render_print(guide, options)
    theme = make_theme(guide.brand, options.paper, options.large_print, cmyk=options.cmyk)
    return render(guide, theme, options)
