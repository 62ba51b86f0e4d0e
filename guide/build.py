"""The pipeline in one place: load -> validate -> select -> theme -> story -> render -> write."""

from __future__ import annotations

import time
from pathlib import Path

import msgspec

from .content import DEFAULT_CONTENT, BuildOptions, content_inputs, select_sections, slug
from .pdf import atomic_write, check_output, load_content, render_guide

DEFAULT_OUT_DIR = Path("out")

load = load_content  # content folder -> validated guide (every character checked against the font)

__all__ = ["DEFAULT_CONTENT", "DEFAULT_OUT_DIR", "BuildResult", "build", "default_name", "load",
           "render_guide", "select_sections"]


class BuildResult(msgspec.Struct, frozen=True):
    path: Path | None
    pdf: bytes
    pages: int
    seconds: float


def default_name(guide_title: str, options: BuildOptions) -> str:
    base = slug(guide_title)
    return f"{base}-{options.edition_slug}.pdf" if options.edition_slug else f"{base}.pdf"


def build(content_dir: Path | str = DEFAULT_CONTENT, out: Path | str | None = None,
          options: BuildOptions = BuildOptions(), *, force: bool = False) -> BuildResult:
    """Build one guide PDF and write it atomically; return where, how many pages, how long.

    The output guard runs before rendering (a refused --out costs no build): never a device, FIFO or
    folder, never one of the content's own files, and a file that is not a PDF only with ``force``.
    """
    start = time.perf_counter()
    guide = load_content(content_dir)
    path = Path(out) if out is not None else DEFAULT_OUT_DIR / default_name(guide.title, options)
    inputs = content_inputs(content_dir, (guide.brand.logo if guide.brand else None,))
    check_output(path, protect=inputs, force=force)
    pdf, pages = render_guide(guide, options)
    atomic_write(path, pdf, protect=inputs, force=force)
    return BuildResult(path, pdf, pages, time.perf_counter() - start)
