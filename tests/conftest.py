"""Shared fixtures: the real content loaded once, and PDFs built once per test session."""

from __future__ import annotations

import io
import signal
import sys
from contextlib import contextmanager
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


@contextmanager
def deadline(seconds: int, what: str = "still running"):
    """Fail the test (instead of hanging the suite) when the block runs past ``seconds``."""
    def fail(*_):
        raise AssertionError(f"{what} after {seconds} s")
    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def locale_problems(tmp_path, monkeypatch, es_text: str) -> list[str]:
    """The located problems of a Spanish locale file with this text (beside the shipped en.yaml)."""
    import shutil

    from guide.content import _locale, locale_for
    from guide.errors import ContentError

    folder = tmp_path / "locales"
    folder.mkdir()
    shutil.copy(_locale.locales_folder() / "en.yaml", folder / "en.yaml")
    (folder / "es.yaml").write_text(es_text, encoding="utf-8")
    monkeypatch.setattr(_locale, "locales_folder", lambda: folder)
    _locale._read.cache_clear()
    try:
        with pytest.raises(ContentError) as err:
            locale_for("es-US")
    finally:
        _locale._read.cache_clear()
    return [str(p) for p in err.value.problems]
