"""A content folder in, a validated guide out; a guide and build options in, the PDF bytes of that edition out."""

from __future__ import annotations

from pathlib import Path

from msgspec.structs import replace

from ..content import DEFAULT_CONTENT, BuildOptions, content_hash, load_guide, select_sections
from ..content import models as m


def load_content(content_dir: Path | str = DEFAULT_CONTENT) -> m.Guide:
    """Load and validate content, checking every character against the embedded font; the guide carries
    the content files' SHA-256 for the build record (hashed once here, about 1 ms)."""
    from ..layout import content_drawable   # what the fonts draw, without loading ReportLab's fonts

    guide = load_guide(content_dir, content_drawable())
    return replace(guide, content_sha256=content_hash(content_dir))


def render_guide(guide: m.Guide, options: BuildOptions) -> tuple[bytes, int]:
    """The PDF of one edition of a validated guide, in memory."""
    guide = select_sections(guide, options.sections)
    if options.print_mode:
        from ._printshop import render_print

        return render_print(guide, options)
    from ..layout import make_theme, render   # imported here: verify loads content without the layout machinery

    theme = make_theme(guide.brand, options.paper, options.large_print, cmyk=options.cmyk)
    return render(guide, theme, options, multiple=2)

