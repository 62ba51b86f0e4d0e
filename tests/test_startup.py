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
