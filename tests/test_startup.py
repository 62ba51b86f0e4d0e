"""Lean start-up: a plain build loads only what it uses; the recorded version matches the installed one."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

from conftest import ROOT
from guide._version import _dist_info_version, tool_version


def test_the_quick_version_lookup_agrees_with_importlib_metadata():
    assert _dist_info_version() == version("guide") == tool_version()


def test_a_plain_build_imports_no_pdf_reader_and_no_metadata_parser(tmp_path):
    code = ("import sys; from guide.cli import main; main(['--out', sys.argv[1]]);"
            "print('LOADED:', *sorted(m for m in sys.modules"
            " if m.split('.')[0] in ('pypdf', 'email') or m == 'importlib.metadata'))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "g.pdf")], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    loaded = done.stdout.split("LOADED:")[-1].split()
    assert loaded == []


def test_the_booklet_build_imposes_without_reading_the_pdf_back(tmp_path):
    """The booklet's sheets are written with the one render (pdf._booklet): pypdf is never imported."""
    code = ("import sys; from guide.cli import main; main(['--print', 'booklet', '--out', sys.argv[1]]);"
            "print('LOADED:', *sorted(m for m in sys.modules if m.split('.')[0] == 'pypdf'))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "b.pdf")], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert done.stdout.split("LOADED:")[-1].split() == []
    assert (tmp_path / "b.pdf").stat().st_size > 0


def test_verifying_a_guide_loads_no_letter_settings_and_no_print_shop(tmp_path):
    """A guide has no letter: its checks read neither letter.yaml (guide.mail) nor the print shop."""
    pdf = tmp_path / "g.pdf"
    subprocess.run([sys.executable, "build_guide.py", "--out", str(pdf)], cwd=ROOT, capture_output=True, check=True)
    code = ("import sys; from guide.cli import main; code = main(['verify', sys.argv[1]]);"
            "print('LOADED:', *sorted(m for m in sys.modules if m.startswith(('guide.mail', "
            "'guide.pdf._printshop', 'guide.pdf._packet')))); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code, str(pdf)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split("LOADED:")[-1].split() == []


def test_verifying_a_guide_loads_only_the_content_modules_its_checks_use(tmp_path):
    """verify reads the content and the PDF: not the reading-grade advice, PEMAT, the letter checks, difflib's
    hints (only for a mistake) or importlib.resources (the package data is found beside the package)."""
    pdf = tmp_path / "g.pdf"
    subprocess.run([sys.executable, "build_guide.py", "--out", str(pdf)], cwd=ROOT, capture_output=True, check=True)
    unwanted = ("guide.content._advice", "guide.content._pemat", "guide.verify._checks_letter", "difflib",
                "importlib.resources",
                # the page geometry and what the fonts draw come without ReportLab's fonts, styles or canvas
                "reportlab.pdfbase.pdfmetrics", "reportlab.pdfbase.ttfonts", "reportlab.lib.styles",
                "reportlab.pdfgen.canvas")
    code = ("import sys; from guide.cli import main; code = main(['verify', sys.argv[1]]);"
            f"print('LOADED:', *sorted(m for m in sys.modules if m in {unwanted!r})); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code, str(pdf)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split("LOADED:")[-1].split() == []
