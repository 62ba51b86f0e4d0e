"""Shared fixtures: the real content loaded once, and PDFs built once per test session."""

from __future__ import annotations

import io
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from guide.build import load, render_guide  # noqa: E402
from guide.content import BuildOptions  # noqa: E402

CONTENT = ROOT / "content"


@lru_cache(maxsize=None)
def built(options: BuildOptions = BuildOptions()) -> tuple[bytes, int]:
    """Render an edition of the real guide once per session (options are hashable)."""
    return render_guide(load(CONTENT), options)


@pytest.fixture(scope="session")
def guide_model():
    return load(CONTENT)


@pytest.fixture(scope="session")
def default_pdf() -> bytes:
    return built()[0]


@pytest.fixture(scope="session")
def default_reader(default_pdf):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(default_pdf))
