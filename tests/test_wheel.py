"""The wheel as a new user gets it: built from this checkout, installed into a fresh venv, run from elsewhere.

Slow (a venv and a dependency install), so it carries the `wheel` marker: `make test` leaves it out and
`.ci/run` runs it on its own (`make test-wheel`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.wheel

# what a source checkout holds that is not the project (and must not leak into the build)
NOT_SOURCE = shutil.ignore_patterns(".venv", ".git", "out", "build", "*.egg-info", "__pycache__", ".pytest_cache",
                                    ".hypothesis")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build from a copy of the checkout, so the build's own build/ and egg-info stay out of the repo."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=NOT_SOURCE)
    # --no-build-isolation: the build uses this environment's setuptools, so nothing is downloaded
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(base / "dist")], check=True)
    (found,) = (base / "dist").glob("guide-*.whl")
    return found


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _in_wheel(names: zipfile.ZipFile, prefix: str) -> dict[str, bytes]:
    return {n[len(prefix):]: names.read(n) for n in names.namelist() if n.startswith(prefix) and not n.endswith("/")}


def test_the_wheels_data_is_the_repos_folders(wheel):
    """The package data is made from fonts/, content/ and guide/scaffold/ at build time: nothing may drift."""
    with zipfile.ZipFile(wheel) as whl:
        assert _in_wheel(whl, "guide/fonts/") == _tree(ROOT / "fonts")
        assert _in_wheel(whl, "guide/default_content/") == _tree(ROOT / "content")
        assert _in_wheel(whl, "guide/scaffold/") == _tree(ROOT / "guide" / "scaffold")
        assert _in_wheel(whl, "guide/locales/") == _tree(ROOT / "guide" / "locales")   # the interface words
        assert "guide/default_content/es/guide.yaml" in whl.namelist()   # the Spanish edition
        info = f"guide-{wheel.name.split('-')[1]}.dist-info"
        licences = ["OFL.txt", "OFL-GuideSans.txt"]
        assert sorted(n for n in whl.namelist() if "/licenses/" in n) == sorted(
            f"{info}/licenses/fonts/{name}" for name in licences)
        for name in licences:
            assert whl.read(f"{info}/licenses/fonts/{name}") == (ROOT / "fonts" / name).read_bytes()
        assert "guide = guide.cli:entry" in whl.read(f"{info}/entry_points.txt").decode()


def test_installed_from_the_wheel_it_builds_verifies_and_starts_a_new_guide(wheel, tmp_path, default_pdf):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # the dependencies come from the package index, as for a user
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    str(wheel)], check=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def guide(*args: str) -> subprocess.CompletedProcess:
        said = subprocess.run(["guide", *args], cwd=work, env=env, capture_output=True, text=True)
        assert said.returncode == 0, (args, said.stdout, said.stderr)
        return said

    assert guide("--version").stdout.startswith("guide 0.1.0 (ReportLab ")
    assert guide("build").stdout.startswith("wrote out/stage-iv-mesothelioma.pdf (")
    built = work / "out" / "stage-iv-mesothelioma.pdf"
    assert built.read_bytes() == default_pdf  # the installed tool makes the checkout's bytes
    assert "FAIL" not in guide("verify", "out/stage-iv-mesothelioma.pdf").stdout
    guide("new", "x")
    guide("check", "--content", "x")
    assert guide("build", "--content", "x").stdout.startswith("wrote out/your-guide-s-title.pdf (")
    module = subprocess.run([str(venv / "bin" / "python"), "-m", "guide", "--version"], cwd=work, env=env,
                            capture_output=True, text=True)
    assert module.stdout.startswith("python -m guide 0.1.0 (")
    # the installed package runs from site-packages, not from this checkout
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import guide; print(guide.__file__)"], cwd=work,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert str(ROOT) not in where and "site-packages" in where
