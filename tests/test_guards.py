"""Never harm what is not ours (issue 14): one case per row, each with its exact message and exit code,
and a snapshot of everything in the test's folder (the inputs and a sentinel file) taken before and
after, so a refused run is seen to have changed nothing. FIFOs, symlinks to /dev/zero and sparse files
stand in for the hostile inputs; device nodes are made only where the tests run as root.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import deadline
from minimal_content import BRAND, write_content
from PIL import Image

from guide.cli import main
from guide.content import print_image, read_input
from guide.errors import InputError
from guide.pdf import TMP_SUFFIX, atomic_write
from guide.pdf import _write as output

ROOT = Path(__file__).resolve().parent.parent
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0
as_root = pytest.mark.skipif(not ROOT_USER, reason="device nodes (mknod) and /dev/null as --out need root")
SECRET = "api_key=sk-live-0123456789abcdef"


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_content(tmp_path)
    (tmp_path / "sentinel.txt").write_text("not ours\n")
    return tmp_path


def snapshot(root: Path) -> dict[str, str]:
    """Every path under ``root``: a regular file's hash, else its kind (never opened: FIFOs, devices)."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(dirpath) / name
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode) and st.st_size < 50_000_000:
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[str(p.relative_to(root))] = f"{stat.filemode(st.st_mode)} {st.st_size}"
    return out



def run(capsys, *argv: str) -> tuple[int, str, str]:
    with deadline(20, "still running (blocked on a FIFO or device?)"):
        code = main(list(argv), prog="guide")
    out, err = capsys.readouterr()
    return code, out, err


# -- outputs -------------------------------------------------------------------------------------
def _fifo(here):
    os.mkfifo(here / "out.pdf")
    return "out.pdf"


def _device(here):
    os.mknod(here / "dev.pdf", 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a second /dev/null
    return "dev.pdf"


def _link_to_null(here):
    (here / "out.pdf").symlink_to("/dev/null")
    return "out.pdf"


def _hard_link_to_input(here):
    os.link(here / "content" / "guide.yaml", here / "copy.pdf")
    return "copy.pdf"


def _not_a_pdf(here):
    (here / "notes.txt").write_text("my notes\n")
    return "notes.txt"


OUT_CASES = {  # name -> (make the target, the one line on stderr)
    "fifo": (_fifo, "error: cannot write out.pdf: it is a named pipe (FIFO), not a regular file; "
                    "give the name of a file to create"),
    "device": (_device, "error: cannot write dev.pdf: it is a device, not a regular file; "
                        "give the name of a file to create"),
    "symlink to /dev/null": (_link_to_null, "error: cannot write out.pdf: it is a device, not a regular file; "
                                            "give the name of a file to create"),
    "a content file": (lambda h: "content/guide.yaml",
                       "error: cannot write content/guide.yaml: it is one of this run's inputs "
                       "(content/guide.yaml); give another output name"),
    "a hard link to a content file": (_hard_link_to_input,
                                      "error: cannot write copy.pdf: it is one of this run's inputs "
                                      "(content/guide.yaml); give another output name"),
    "not a PDF": (_not_a_pdf, "error: cannot write notes.txt: the file there is not a PDF; "
                              "use --force to replace it, or give another name"),
    "a folder": (lambda h: "content", "error: content is a folder; give a file name ending in .pdf"),
    "a 300-character name": (lambda h: "x" * 296 + ".pdf",
                             "error: cannot write " + "x" * 60 + "…" + "x" * 11 + ".pdf: the file name is "
                             "300 bytes long; at most 215 bytes here"),
}


@pytest.mark.parametrize("case", OUT_CASES)
def test_build_refuses_an_output_that_is_not_ours(here, capsys, case):
    make, message = OUT_CASES[case]
    if case == "device" and not ROOT_USER:
        pytest.skip("mknod needs root")
    target = make(here)
    before = snapshot(here)
    assert run(capsys, "build", "--content", "content", "--out", target) == (2, "", message + "\n")
    assert snapshot(here) == before


@as_root
def test_out_dev_null_as_root_leaves_the_device_alone(here, capsys):
    before = os.stat("/dev/null")
    code, _, err = run(capsys, "build", "--content", "content", "--out", "/dev/null")
    assert (code, err) == (2, "error: cannot write /dev/null: it is a device, not a regular file; "
                              "give the name of a file to create\n")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_force_replaces_a_file_that_is_not_a_pdf_but_never_an_input(here, capsys):
    _not_a_pdf(here)
    before = snapshot(here)
    code, out, err = run(capsys, "build", "--content", "content", "--out", "notes.txt", "--force")
    assert (code, err) == (0, "") and out.startswith("wrote notes.txt")
    assert (here / "notes.txt").read_bytes().startswith(b"%PDF-")
    assert {k: v for k, v in snapshot(here).items() if k != "notes.txt"} == \
        {k: v for k, v in before.items() if k != "notes.txt"}
    code, _, err = run(capsys, "build", "--content", "content", "--out", "content/guide.yaml", "--force")
    assert code == 2 and "one of this run's inputs" in err
    assert snapshot(here)["content/guide.yaml"] == before["content/guide.yaml"]


def test_an_existing_pdf_is_replaced_without_force(here, capsys):
    (here / "guide.pdf").write_bytes(b"%PDF-1.4 an older build")
    code, _, err = run(capsys, "build", "--content", "content", "--out", "guide.pdf")
    assert (code, err) == (0, "")


def test_out_under_a_file_is_a_clear_error(here, capsys):
    before = snapshot(here)
    assert run(capsys, "build", "--content", "content", "--out", "sentinel.txt/guide.pdf") == (
        1, "", "error: cannot write sentinel.txt/guide.pdf: sentinel.txt is a file, not a folder\n")
    assert snapshot(here) == before


def test_atomic_write_itself_refuses_a_fifo_and_an_input(here):
    os.mkfifo(here / "pipe.pdf")
    with pytest.raises(Exception) as info:
        atomic_write(here / "pipe.pdf", b"%PDF-1.4")
    assert info.value.exit_code == 2 and "named pipe" in str(info.value)
    guide_yaml = here / "content" / "guide.yaml"
    with pytest.raises(Exception) as info:
        atomic_write(guide_yaml, b"%PDF-1.4", protect=[guide_yaml], force=True)
    assert "one of this run's inputs" in str(info.value)
    assert not [p for p in here.iterdir() if p.name.endswith(TMP_SUFFIX)]


@pytest.mark.parametrize("step", ["fsync", "chmod"])
def test_ctrl_c_during_a_write_leaves_no_temp_file(here, monkeypatch, step):
    (here / "guide.pdf").write_bytes(b"%PDF-1.4 previous")

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, step, interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(here / "guide.pdf", b"%PDF-1.4 new")
    assert (here / "guide.pdf").read_bytes() == b"%PDF-1.4 previous"
    assert not [p for p in here.iterdir() if p.name.endswith(TMP_SUFFIX)]


# -- inputs --------------------------------------------------------------------------------------
def _outside(here, text=SECRET + "\n"):
    (here / "elsewhere").mkdir(exist_ok=True)
    (here / "elsewhere" / "secrets.env").write_text(text)
    return here / "elsewhere" / "secrets.env"


def _sparse_at(path: Path, size: int) -> None:
    with open(path, "wb") as fh:
        fh.truncate(size)  # sparse: no real data written


def _replace(here, rel, make):
    (here / "content" / rel).unlink()
    make(here / "content" / rel)


INPUT_CASES = {  # name -> (file in content/, make it, the located line)
    "section symlinked outside": ("sections/basics.yaml", lambda p: p.symlink_to(_outside(p.parents[2])),
                                  "content/sections/basics.yaml: points outside the content folder (a symlink?); "
                                  "put the file itself inside it"),
    "glossary symlinked to a secrets file": ("glossary.yaml", lambda p: p.symlink_to(_outside(p.parents[1])),
                                             "content/glossary.yaml: points outside the content folder "
                                             "(a symlink?); put the file itself inside it"),
    "symlink to /dev/zero": ("glossary.yaml", lambda p: p.symlink_to("/dev/zero"),
                             "content/glossary.yaml: points outside the content folder (a symlink?); "
                             "put the file itself inside it"),
    "fifo": ("references.yaml", os.mkfifo, "content/references.yaml: is a named pipe (FIFO), not a regular file"),
    "sparse 3 GB file": ("references.yaml", lambda p: _sparse_at(p, 3 << 30),
                         "content/references.yaml: file is larger than 2000000 bytes"),
    "device inside the folder": ("references.yaml",
                                 lambda p: os.mknod(p, 0o666 | stat.S_IFCHR, os.makedev(1, 5)),
                                 "content/references.yaml: is a device, not a regular file"),
    "folder": ("references.yaml", os.mkdir, "content/references.yaml: is a folder, not a file"),
}


@pytest.mark.parametrize("case", INPUT_CASES)
def test_check_reads_only_bounded_regular_files_inside_the_content_folder(here, capsys, case):
    rel, make, message = INPUT_CASES[case]
    if case == "device inside the folder" and not ROOT_USER:
        pytest.skip("mknod needs root")
    _replace(here, rel, make)
    before = snapshot(here)
    code, out, err = run(capsys, "check", "--content", "content")
    assert code == 2 and out == ""
    assert message in err.splitlines()
    assert "sk-live" not in err and "api_key" not in err
    assert snapshot(here) == before


def test_a_file_of_foreign_lines_is_not_echoed(here, capsys):
    shadow = "".join(f"user{i}:$6$salt$HASH{i:04d}abcdefghijklmnop:19000:0:99999:7:::\n" for i in range(12))
    (here / "content" / "glossary.yaml").write_text(shadow)
    code, _, err = run(capsys, "check", "--content", "content")
    assert code == 2
    assert "HASH" not in err and "$6$" not in err
    lines = [x for x in err.splitlines() if x.startswith("content/glossary.yaml")]
    assert lines[0] == ("content/glossary.yaml:1: a line that is not a key of this file (56 characters, not shown); "
                        "allowed keys: terms")
    assert "content/glossary.yaml:1: 7 more unknown keys not shown (is this the right file?)" in lines
    assert len(lines) == 7  # five shown, the count, the missing 'terms'


def test_an_unreadable_sections_folder_is_a_located_message(here, capsys, monkeypatch):
    real = Path.is_file

    def denied(self):
        if self.parent.name == "sections":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "is_file", denied)  # as root a chmod would not stop us reading
    code, _, err = run(capsys, "check", "--content", "content")
    assert code == 2
    assert "content/guide.yaml:12: sections[0]: cannot read content/sections/basics.yaml: Permission denied" in err
    assert "internal error" not in err


@pytest.mark.parametrize("kind,limit", [("yaml", 2_000_000), ("logo", 20_000_000), ("pdf", 200_000_000)])
def test_read_input_stops_at_the_kind_limit_before_reading(tmp_path, kind, limit):
    big = tmp_path / "big"
    _sparse_at(big, 5 << 30)
    with deadline(5, "still running (blocked on a FIFO or device?)"), pytest.raises(InputError) as info:
        read_input(big, kind)
    assert info.value.reason == f"file is larger than {limit} bytes"
    (tmp_path / "ok").write_bytes(b"x" * 10)
    assert read_input(tmp_path / "ok", kind) == b"x" * 10


# -- the logo ------------------------------------------------------------------------------------
def _png(size=(40, 20), fmt="PNG", mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 0).save(out, fmt)
    return out.getvalue()


LOGO_CASES = {
    "corrupt": (b"not an image at all", "'logo.png' is not a PNG image (Pillow cannot read it)"),
    "truncated": (_png((400, 200))[:150], "'logo.png' is a damaged or truncated PNG file"),
    "mislabelled": (_png(fmt="JPEG"), "'logo.png' holds a JPEG image, not PNG as its name says; rename or convert it"),
    "huge": (_png((20000, 20000), mode="1"), "'logo.png' has too many pixels (over 178 million); "
                                             "at most 6000 x 6000 and 24 million"),
    "too wide": (_png((7000, 10), mode="1"), "'logo.png' is 7000 x 10 pixels; at most 6000 x 6000 and 24 million "
                                             "pixels (a logo printed 1 in tall needs 300)"),
}


@pytest.mark.parametrize("case", LOGO_CASES)
def test_a_bad_logo_is_a_located_content_error(here, capsys, case):
    data, message = LOGO_CASES[case]
    (here / "content" / "logo.png").write_bytes(data)
    (here / "content" / "brand.yaml").write_text(BRAND + "logo: logo.png\n")
    before = snapshot(here)
    code, _, err = run(capsys, "build", "--content", "content", "--out", "guide.pdf")
    assert code == 2
    assert err.splitlines()[0] == f"content/brand.yaml:12: logo: {message}"
    assert snapshot(here) == before and not (here / "guide.pdf").exists()


def test_a_large_logo_is_downscaled_once_to_300_dpi_and_the_same_every_time(tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(_png((5000, 2500)))
    first = print_image(str(path), 36.0)  # half an inch tall: 150 pixels at 300 dpi
    with Image.open(first) as img:
        assert img.size == (300, 150)
    assert print_image(str(path), 36.0).getvalue() == first.getvalue()
    small = tmp_path / "small.png"
    small.write_bytes(_png((40, 20)))
    assert print_image(str(small), 36.0) == str(small)  # nothing to gain: drawn from its own file


# -- verify --------------------------------------------------------------------------------------
def _sparse(here):
    _sparse_at(here / "big.pdf", 5 << 30)
    return "big.pdf"


def _zero(here):
    (here / "zero.pdf").symlink_to("/dev/zero")
    return "zero.pdf"


def _rc4(here):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt("", "owner", algorithm="RC4-128")
    writer.write(here / "locked.pdf")
    return "locked.pdf"


def _aes(here):
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf makes the AES-256 file (pypdf needs cryptography to write one)")
    (here / "plain.pdf").write_bytes(_rc4_free_pdf())
    subprocess.run(["qpdf", "--encrypt", "", "owner", "256", "--", "plain.pdf", "aes.pdf"], check=True, cwd=here)
    (here / "plain.pdf").unlink()
    return "aes.pdf"


def _rc4_free_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(612, 792)
    writer.write(out)
    return out.getvalue()


ENCRYPTED = "the PDF is encrypted; verify needs an unencrypted build"
VERIFY_CASES = {  # name -> (make the file, the line on stderr, the report's first line)
    "fifo": (_fifo, "out.pdf: is a named pipe (FIFO), not a regular file",
             "FAIL file: cannot read out.pdf: is a named pipe (FIFO), not a regular file"),
    "symlink to /dev/zero": (_zero, "zero.pdf: is a device, not a regular file",
                             "FAIL file: cannot read zero.pdf: is a device, not a regular file"),
    "5 GB sparse file": (_sparse, "big.pdf: file is larger than 200000000 bytes",
                         "FAIL file: cannot read big.pdf: file is larger than 200000000 bytes"),
    "encrypted (RC4)": (_rc4, ENCRYPTED, f"FAIL file: pypdf cannot open it ({ENCRYPTED})"),
    "encrypted (AES-256)": (_aes, ENCRYPTED, f"FAIL file: pypdf cannot open it ({ENCRYPTED})"),
}


@pytest.mark.parametrize("case", VERIFY_CASES)
def test_verify_refuses_at_once_what_it_cannot_read(here, capsys, case):
    make, error, first_line = VERIFY_CASES[case]
    target = make(here)
    before = snapshot(here)
    code, out, err = run(capsys, "verify", target, "--content", "content")
    assert (code, err) == (2, f"error: {error}\n")
    assert out.splitlines()[0] == first_line
    assert snapshot(here) == before


def test_verify_junit_report_cannot_replace_the_pdf_or_a_device(here, capsys):
    (here / "guide.pdf").write_bytes(b"%PDF-1.4 not really a guide")
    os.mkfifo(here / "report.xml")
    before = snapshot(here)
    for junit, message in [("guide.pdf", "error: cannot write guide.pdf: it is one of this run's inputs (guide.pdf); "
                                         "give another output name"),
                           ("report.xml", "error: cannot write report.xml: it is a named pipe (FIFO), not a regular "
                                          "file; give the name of a file to create")]:
        code, _, err = run(capsys, "verify", "guide.pdf", "--content", "content", "--junit", junit)
        assert (code, err.splitlines()[-1]) == (2, message)
    assert snapshot(here) == before


# -- a closed pipe -------------------------------------------------------------------------------
def test_a_closed_stdout_pipe_ends_quietly(here):
    proc = subprocess.Popen([sys.executable, "-m", "guide", "sections", "--content", "content"], cwd=here,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    proc.stdout.close()  # like `| head -0`: the reader is gone before anything is written
    _, err = proc.communicate(timeout=30)
    assert (proc.returncode, err.decode()) == (1, "")
