"""The command line as a user meets it: its name, --version, the top-level help, and `guide new`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from guide.cli import called_as, main, version_line
from guide.cli._new import scaffold
from guide.errors import UsageError


@pytest.mark.parametrize("argv0, name", [
    ("/venv/bin/guide", "guide"),
    ("build_guide.py", "build_guide.py"),
    ("/site-packages/guide/__main__.py", "python -m guide"),
])
def test_help_and_messages_use_the_name_it_was_called_by(argv0, name, capsys):
    assert called_as(argv0) == name
    assert main(["--help"], prog=name) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: {name} [COMMAND] [OPTIONS]")
    assert f"Run '{name} COMMAND --help'" in out
    assert main(["--paper", "b5"], prog=name) == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith(f"{name} build: error: argument --paper")


def test_top_level_help_lists_each_command_on_one_line_and_the_build_options(capsys):
    from guide.cli import COMMANDS

    assert main(["-h"], prog="guide") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    for name, (_, help_text) in COMMANDS.items():
        assert any(line.split() == [name, *help_text.split()] for line in lines), name
    for option in ("--content DIR", "--out PATH", "--paper {letter,a4}", "--large-print", "--sections",
                   "--for NAME", "--print {booklet,shop}", "--cmyk"):
        assert option in out
    assert "beside build_guide.py" not in out


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_names_guide_reportlab_and_pypdf(flag, capsys):
    from importlib.metadata import version

    assert main([flag], prog="guide") == 0
    out = capsys.readouterr().out.strip()
    assert out == version_line("guide")
    assert out.startswith(f"guide {version('guide')} (ReportLab {version('reportlab')}, pypdf {version('pypdf')}")


def test_version_is_the_one_in_pyproject():
    import tomllib
    from importlib.metadata import version

    assert version("guide") == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_python_dash_m_guide_runs_the_same_cli():
    said = subprocess.run([sys.executable, "-m", "guide", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert said.returncode == 0
    assert said.stdout.startswith("usage: python -m guide [COMMAND] [OPTIONS]")


def test_new_writes_a_folder_that_checks_and_builds(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "my guide"], prog="guide") == 0
    assert capsys.readouterr().out == ("wrote my guide/: replace its placeholder text, then run "
                                       "'guide check --content 'my guide'' and 'guide build --content 'my guide''\n")
    made = sorted(str(p.relative_to("my guide")) for p in Path("my guide").rglob("*"))
    assert made == ["brand.yaml", "glossary.yaml", "guide.yaml", "letter.yaml", "references.yaml", "sections",
                    "sections/glossary.yaml", "sections/references.yaml", "sections/start-here.yaml",
                    "sections/your-choices.yaml"]
    assert [p.name for p in tmp_path.iterdir()] == ["my guide"]  # no temp folder left beside it
    assert main(["check", "--content", "my guide"]) == 0
    # no grade warnings; the one warning says that no clinician has reviewed it yet
    assert capsys.readouterr().err == ("my guide/guide.yaml:9: warning: review.reviewed_by: not yet medically "
                                       "reviewed (review.reviewed_by names no one)\n")
    assert main(["build", "--content", "my guide"]) == 0
    assert Path("out/your-guide-s-title.pdf").is_file()


def test_the_scaffold_shows_every_block_kind_and_makes_no_medical_claims():
    import yaml

    kinds = set()
    for name in ("start-here", "your-choices", "glossary", "references"):
        data = yaml.safe_load((ROOT / "guide" / "scaffold" / "sections" / f"{name}.yaml").read_text())
        for block in [*data["blocks"], *(b for s in data.get("subsections", []) for b in s["blocks"])]:
            kinds |= set(block)
    assert kinds == {"paragraph", "bullets", "checklist", "callout", "regimens", "glossary", "references"}
    text = " ".join(p.read_text() for p in (ROOT / "guide" / "scaffold").rglob("*.yaml")).lower()
    for word in ("cancer", "mesothelioma", "chemotherapy", "survival of", "patients", "diagnos"):
        assert word not in text, word


def _refused(tmp_path, target, capsys) -> str:
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["new", str(target)], prog="guide") == 2
    err = capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing half-written beside it
    assert len(err.splitlines()) == 1
    return err.strip()


def test_new_refuses_a_folder_with_files(tmp_path, capsys):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    assert _refused(tmp_path, tmp_path / "taken", capsys) == (
        f"error: cannot create {tmp_path}/taken: the folder already has files in it; give a new or empty folder")
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_new_refuses_a_file(tmp_path, capsys):
    (tmp_path / "guide.txt").write_text("x")
    assert _refused(tmp_path, tmp_path / "guide.txt", capsys) == (
        f"error: cannot create {tmp_path}/guide.txt: it is a file, not a folder")


def test_new_refuses_a_missing_parent(tmp_path, capsys):
    assert _refused(tmp_path, tmp_path / "a" / "b", capsys) == (
        f"error: cannot create {tmp_path}/a/b: the folder {tmp_path}/a does not exist")


def test_new_without_write_permission_says_so(tmp_path, capsys, monkeypatch):
    import tempfile

    def denied(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", denied)  # root (as in CI) may write anywhere, so simulate it
    assert _refused(tmp_path, tmp_path / "x", capsys) == (
        f"error: cannot create {tmp_path}/x: no permission to write in {tmp_path}")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_new_into_a_read_only_folder(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert main(["new", str(locked / "x")], prog="guide") == 2
        assert capsys.readouterr().err.strip() == f"error: cannot create {locked}/x: no permission to write in {locked}"
    finally:
        locked.chmod(0o755)


def test_a_failed_copy_leaves_nothing(tmp_path, monkeypatch):
    import shutil

    calls, real = [], shutil.copyfile

    def failing(src, dst, **kwargs):
        calls.append(src)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(src, dst, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", failing)
    with pytest.raises(UsageError, match="No space left on device"):
        scaffold(ROOT / "guide" / "scaffold", tmp_path / "x")
    assert list(tmp_path.iterdir()) == []


def test_new_into_an_empty_folder_fills_it(tmp_path):
    (tmp_path / "empty").mkdir()
    scaffold(ROOT / "guide" / "scaffold", tmp_path / "empty")
    assert (tmp_path / "empty" / "guide.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


EXIT_SCRIPT = """
import atexit, sys, tempfile, threading, time
from pathlib import Path
from guide.cli import exit_now
mark, mode = Path(sys.argv[1]), sys.argv[2]
left = Path(tempfile.mkdtemp(dir=mark.parent))
def handler():
    mark.write_text("handlers ran")
    left.rmdir()
atexit.register(handler)
if mode == "thread":  # a thread still running: the ordinary exit waits for it
    threading.Thread(target=lambda: (time.sleep(0.3), (mark.parent / "thread").write_text("done"))).start()
print("x" * 100_000)  # more than one buffer of a redirected stdout
exit_now(3)
"""


@pytest.mark.parametrize("mode", ["alone", "thread"])
def test_the_fast_exit_keeps_output_exit_code_and_exit_handlers(tmp_path, mode):
    out = tmp_path / "stdout.txt"
    with out.open("w") as stdout:
        done = subprocess.run([sys.executable, "-c", EXIT_SCRIPT, str(tmp_path / "mark"), mode],
                              stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert done.returncode == 3, done.stderr
    assert out.read_text() == "x" * 100_000 + "\n"
    assert (tmp_path / "mark").read_text() == "handlers ran"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["mark", "stdout.txt", *(["thread"] if mode == "thread" else [])])


def test_the_script_entries_exit_with_the_command_code(tmp_path):
    for cmd in ([sys.executable, str(ROOT / "build_guide.py")], [sys.executable, "-m", "guide"]):
        done = subprocess.run([*cmd, "verify", str(tmp_path / "missing.pdf")], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 2 and "file not found" in done.stdout + done.stderr
        assert "Traceback" not in done.stderr


def test_a_profiled_run_still_prints_its_profile(tmp_path):
    """Under python -m cProfile the ordinary exit stays: the profiler prints its report after the script."""
    done = subprocess.run([sys.executable, "-m", "cProfile", "-s", "tottime", str(ROOT / "build_guide.py"),
                           "verify", str(tmp_path / "missing.pdf")], capture_output=True, text=True, cwd=ROOT)
    assert "file not found" in done.stderr   # (cProfile itself ends with 0 after a script's exit code)
    assert "Ordered by: internal time" in done.stdout


GC_SCRIPT = """
import atexit, gc, sys
atexit.register(lambda: print("threshold", gc.get_threshold()))
sys.argv = ["build_guide.py", *sys.argv[1:]]
from guide.cli import entry
entry()
"""


@pytest.mark.parametrize("argv, raised", [
    (["sections"], True),                 # a one-shot command: the collector's first threshold raised
    (["verify", "missing.pdf"], True),
    (["packet", "--help"], False),        # long runs keep the interpreter's (packets freeze their own)
    (["serve", "--help"], False),
])
def test_one_shot_commands_run_with_fewer_collections(argv, raised):
    done = subprocess.run([sys.executable, "-c", GC_SCRIPT, *argv], capture_output=True, text=True, cwd=ROOT)
    line = done.stdout.strip().splitlines()[-1]
    from guide.cli import ONE_SHOT_THRESHOLD
    import gc
    assert line == f"threshold {ONE_SHOT_THRESHOLD if raised else gc.get_threshold()}", done.stderr


# ---- start-up: ReportLab's costly patterns compiled on first use ----------------------------------

def test_a_wide_pattern_from_a_deferring_module_compiles_on_first_use(monkeypatch):
    import re

    from guide.cli import _startup

    monkeypatch.setattr(re, "compile", re.compile)  # put back after the test
    compiled = []
    monkeypatch.setattr(_startup.re, "compile", lambda p, f=0: compiled.append(p) or re._compile(p, f))
    _startup.defer_costly_patterns()
    made = {}
    for module in ("reportlab.lib.textsplit", "somewhere.else"):
        exec("wide = re.compile('([\\u2e80-\\uffff])'); narrow = re.compile('[a-z]+')",
             {"__name__": module, "re": re}, made.setdefault(module, {}))
    deferred = made["reportlab.lib.textsplit"]["wide"]
    assert isinstance(deferred, _startup.DeferredPattern) and deferred.compiled is None
    assert isinstance(made["reportlab.lib.textsplit"]["narrow"], re.Pattern)  # narrow ranges compile at once
    assert isinstance(made["somewhere.else"]["wide"], re.Pattern)             # other modules are untouched
    exec("printable = re.compile('[^\\x20-\\x7e\\U00010000-\\U0010ffff]')", {"__name__": "yaml.reader", "re": re},
         made.setdefault("yaml.reader", {}))
    assert isinstance(made["yaml.reader"]["printable"], _startup.DeferredPattern)  # beyond the BMP counts too
    assert compiled.count("([\u2e80-\uffff])") == 1
    assert deferred.sub(r"\1|", "a\u4e2db") == "a\u4e2d|b"                      # first use compiles it
    assert deferred.match("\u4e2d").group(1) == "\u4e2d" and deferred.flags == re.UNICODE
    assert compiled.count("([\u2e80-\uffff])") == 2                           # once, not at every use
    _startup.defer_costly_patterns()                                          # installing twice is harmless
    assert re.compile("x").pattern == "x"


STARTUP_SCRIPT = """
import atexit, sys
def report():
    import yaml.reader
    from reportlab.platypus import paragraph
    print("yaml's pattern compiled:", getattr(yaml.reader.Reader.NON_PRINTABLE, "compiled", "at import"))
    print("uri pattern", type(paragraph.uri_pat).__name__)
    print("typing_extensions imported:", "typing_extensions" in sys.modules)
atexit.register(report)
sys.argv = ["build_guide.py", *sys.argv[1:]]
from guide.cli import entry
entry()
"""


def test_a_build_with_deferred_patterns_writes_the_same_bytes(tmp_path):
    """The command line defers the URI pattern; an in-process build compiles it at import: same PDF."""
    out = tmp_path / "cli.pdf"
    done = subprocess.run([sys.executable, "-c", STARTUP_SCRIPT, "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-3:] == ["yaml's pattern compiled: None", "uri pattern DeferredPattern",
                                                     "typing_extensions imported: False"]
    assert main(["--out", str(tmp_path / "here.pdf")]) == 0
    assert out.read_bytes() == (tmp_path / "here.pdf").read_bytes()


def test_a_long_uri_splits_the_same_with_the_pattern_deferred(monkeypatch):
    """ReportLab's one use of the URI pattern: splitting a long address across lines."""
    import re

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, paragraph

    from guide.cli._startup import DeferredPattern

    uri = "https://www.example.org/a/very/long/path/to/a/guide/page/that/cannot/fit/on/one/line.html"
    style = ParagraphStyle("u", fontName="Helvetica", fontSize=10, leading=12, uriWasteReduce=0.3)

    def lines():
        p = Paragraph(uri, style)
        p.wrap(120, 500)
        return [tuple(getattr(w, "text", w) for w in line[1]) for line in p.blPara.lines]

    plain = lines()
    deferred = DeferredPattern(paragraph.uri_pat.pattern, paragraph.uri_pat.flags, re.compile)
    monkeypatch.setattr(paragraph, "uri_pat", deferred)
    assert len(plain) > 1 and lines() == plain
    assert deferred.compiled is not None  # the split did use it


def test_msgspec_comes_without_typing_extensions_which_stays_importable():
    script = ("import sys; import guide.cli; print('typing_extensions' in sys.modules);"
              "import typing_extensions, msgspec; print(typing_extensions.__name__);"
              "from guide.content import BuildOptions; print(msgspec.structs.replace(BuildOptions(), paper='a4').paper)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.split() == ["False", "typing_extensions", "a4"], done.stderr
