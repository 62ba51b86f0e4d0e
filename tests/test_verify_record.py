"""verify, round two: the build record in the PDF, packets and print files, tampering, exit codes, JSON and JUnit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
from conftest import CONTENT, built
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from guide import verify as v
from guide.cli import main
from guide.content import BuildOptions

ADVOCATE_COPY = BuildOptions(paper="a4", large_print=True, sections=("symptoms", "chemotherapy", "next-steps"),
                             prepared_for="Ana María O'Neil")
LETTER = v.LetterExpect((1.0, 2.17, 3.25, 0.875), "Dear {name},", "Karen Selby, RN", "Stage IV Mesothelioma")


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run_json(capsys, *args) -> tuple[int, dict]:
    code = main(["verify", *map(str, args), "--json"])
    out = capsys.readouterr().out
    data = json.loads(out)  # exactly one JSON object, whatever the outcome
    assert set(data) >= {"schema", "tool", "pdf", "ok", "built_with", "checks", "counts"}
    assert data["schema"] == 1 and data["tool"].startswith("guide ")
    for c in data["checks"]:
        assert set(c) == {"name", "status", "detail", "seconds"} and c["status"] in ("pass", "fail", "skip")
    assert data["counts"]["total"] == len(data["checks"])
    assert data["ok"] is (code == 0)
    return code, data


def statuses(data: dict) -> dict[str, str]:
    return {c["name"]: c["status"] for c in data["checks"]}


# ---- the record ------------------------------------------------------------------------


def test_every_build_records_its_options_content_and_tool():
    pdf = built(ADVOCATE_COPY)[0]
    r = PdfReader(io.BytesIO(pdf))
    record = json.loads(r.metadata["/GuideBuild"])
    assert r.metadata["/Creator"] == record["tool"] and record["tool"].startswith("guide ")
    assert record["kind"] == "guide" and len(record["content_sha256"]) == 64
    assert record["edition"] == {"paper": "a4", "large_print": True, "sections": list(ADVOCATE_COPY.sections),
                                 "for": "Ana María O'Neil", "advocate": None, "note": None, "print": None, "cmyk": False,
                                 "language": "en-US"}
    xmp = r.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'xmlns:guide="https://guide.invalid/ns/build/1.0/"' in xmp
    assert "<guide:preparedFor>Ana María O'Neil</guide:preparedFor>" in xmp


def test_the_reader_finds_the_record(guide_model):
    pdf = built(ADVOCATE_COPY)[0]
    record, problem = v.read_record(v.Inspection(pdf, guide_model, ADVOCATE_COPY))
    assert problem is None and record == json.loads(PdfReader(io.BytesIO(pdf)).metadata["/GuideBuild"])


def test_the_record_is_escaped_in_the_xmp(guide_model):
    from guide.pdf import render_guide

    pdf = render_guide(guide_model, BuildOptions(prepared_for='A <b>&"x'))[0]
    xmp = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    ET.fromstring(xmp.split("?>", 1)[1].rsplit("<?xpacket", 1)[0])  # still well-formed XML
    assert "<guide:preparedFor>A &lt;b&gt;&amp;&quot;x</guide:preparedFor>" in xmp


# ---- verify goes by the record --------------------------------------------------------


def test_an_advocate_copy_verifies_with_no_flags(tmp_path, capsys):
    path = write(tmp_path, "copy.pdf", built(ADVOCATE_COPY)[0])
    assert main(["verify", str(path)]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "PASS built-with: guide built by guide" in out and "named copy" in out
    assert "Ana María" not in out  # the patient's name is not repeated in the report


def test_a_flag_that_contradicts_the_record_is_one_fail_the_rest_skipped(tmp_path, capsys):
    path = write(tmp_path, "copy.pdf", built(ADVOCATE_COPY)[0])
    code, data = run_json(capsys, path, "--paper", "letter")
    assert code == 1
    s = statuses(data)
    assert [n for n, st in s.items() if st == "fail"] == ["built-with"]
    assert s["file"] == "pass" and set(s.values()) == {"pass", "fail", "skip"}
    assert data["checks"][1]["detail"] == "--paper 'letter' given, but the file was built with 'a4'"
    assert data["built_with"]["given"] == {"paper": "letter"}
    assert data["built_with"]["edition"]["for"] == "(a name: not shown)"


def test_flags_that_agree_with_the_record_pass(tmp_path, capsys):
    path = write(tmp_path, "copy.pdf", built(ADVOCATE_COPY)[0])
    args = ["--paper", "a4", "--large-print", "--sections", ",".join(ADVOCATE_COPY.sections),
            "--for", ADVOCATE_COPY.prepared_for]
    assert run_json(capsys, path, *args)[0] == 0


def test_a_file_without_a_record_is_checked_as_the_flags_say(default_pdf, guide_model):
    w = PdfWriter()
    w.append(PdfReader(io.BytesIO(default_pdf)))  # drops the info dictionary and the XMP
    buf = io.BytesIO()
    w.write(buf)
    report = v.verify_file(buf.getvalue(), guide_model)
    assert report["built-with"].passed and "records no build options" in report["built-with"].detail
    assert {c.name for c in report.failed} == {"metadata"}


def test_info_and_xmp_that_disagree_fail_the_record(default_pdf, guide_model):
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(default_pdf)))
    record = json.loads(w.metadata["/GuideBuild"])
    record["edition"]["paper"] = "a4"
    w.add_metadata({"/GuideBuild": json.dumps(record)})
    buf = io.BytesIO()
    w.write(buf)
    report = v.verify_file(buf.getvalue(), guide_model)
    assert [c.name for c in report.failed] == ["built-with"]
    assert "record different editions (paper)" in report["built-with"].detail


def test_a_record_that_is_not_json_fails(default_pdf, guide_model):
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(default_pdf)))
    w.add_metadata({"/GuideBuild": "{oops"})
    buf = io.BytesIO()
    w.write(buf)
    report = v.verify_file(buf.getvalue(), guide_model)
    assert [c.name for c in report.failed] == ["built-with"] and "is not JSON" in report["built-with"].detail


# ---- changed after it was built ----------------------------------------------------------


def test_bytes_after_the_end_of_file_fail(default_pdf, tmp_path, capsys):
    path = write(tmp_path, "tail.pdf", default_pdf + b"\n% appended by someone\n")
    code, data = run_json(capsys, path)
    assert code == 1
    assert data["checks"][0]["status"] == "fail"
    assert data["checks"][0]["detail"].startswith("the file was changed after it was built: 21 bytes follow")


def test_an_incremental_update_fails(default_pdf, guide_model):
    w = PdfWriter(io.BytesIO(default_pdf), incremental=True)
    w.add_metadata({"/Title": "Signed and altered"})
    buf = io.BytesIO()
    w.write(buf)
    changed = buf.getvalue()
    assert changed.startswith(default_pdf)  # the original bytes, then an update appended
    check = v.check_file(v.Inspection(changed, guide_model))
    assert not check.passed and "the file was changed after it was built: an incremental update" in check.detail


# ---- exit codes and JSON on every outcome ----------------------------------------------


def test_json_on_a_pass(default_pdf, tmp_path, capsys):
    code, data = run_json(capsys, write(tmp_path, "g.pdf", default_pdf))
    assert code == 0 and data["counts"]["fail"] == 0 and data["built_with"]["kind"] == "guide"
    assert all(c["seconds"] >= 0 for c in data["checks"])


@pytest.mark.parametrize("content", [b"", b"not a pdf", None])
def test_unreadable_input_exits_2_and_skips_the_rest(content, tmp_path, capsys):
    path = tmp_path / "bad.pdf"
    if content is not None:
        path.write_bytes(content)
    code, data = run_json(capsys, path)
    assert code == 2 and "error" in data
    s = statuses(data)
    assert s["file"] == "fail" and [st for n, st in s.items() if n != "file"] == ["skip"] * (len(s) - 1)


@pytest.mark.parametrize("args", [[], ["--paper", "b5"], ["--no-such-flag"], ["--sections", "nope"],
                                  ["--sections", " , "], ["--for", "x" * 500]])
def test_option_errors_exit_2_with_one_json_object(args, default_pdf, tmp_path, capsys):
    pdf = [write(tmp_path, "g.pdf", default_pdf)] if args else []
    code, data = run_json(capsys, *pdf, *args)
    assert code == 2 and data["ok"] is False and data["counts"]["fail"] == 1 and data["error"]


def test_junit_xml_one_testcase_per_check(tmp_path, capsys):
    path = write(tmp_path, "copy.pdf", built(ADVOCATE_COPY)[0])
    junit = tmp_path / "report" / "verify.xml"
    assert main(["verify", str(path), "--paper", "letter", "--junit", str(junit)]) == 1
    lines = capsys.readouterr().out.splitlines()
    suite = ET.parse(junit).getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(lines) == int(suite.get("tests"))
    failures = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failures] == ["built-with"]
    assert "was built with 'a4'" in failures[0].find("failure").text
    assert int(suite.get("skipped")) == sum(c.find("skipped") is not None for c in cases) > 0
    assert int(suite.get("failures")) == 1


# ---- packets and the print file -----------------------------------------------------------


@pytest.fixture(scope="module")
def packets(tmp_path_factory):
    from guide.mail import make_packets

    root = tmp_path_factory.mktemp("packets")
    rows = [["Ann Smith", "123 Main St.", "Springfield", "IL", "62704", "", ""],
            ["Bob Jones", "1 Elm Rd", "Boston", "MA", "02134", "large print", "Jane Roe, 555-010-0199"]]
    with open(root / "r.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["name", "address1", "city", "state", "zip", "edition", "advocate"], *rows])
    out = root / "out"
    summary = make_packets(CONTENT, root / "r.csv", out, day=dt.date(2026, 12, 1), jobs=1,
                           combined=out / "combined.pdf")
    assert summary.built == 2
    return summary.folder   # the run's own folder, out/<run-id>/; the print file stays where it was asked for


def test_each_packet_verifies_with_its_letter_and_guide(packets, capsys):
    assert len(sorted(packets.glob("0*.pdf"))) == 2
    for path in sorted(packets.glob("0*.pdf")):
        code, data = run_json(capsys, path)
        assert code == 0, [c for c in data["checks"] if c["status"] != "pass"]
        s = statuses(data)
        assert {"letter-address", "letter-salutation", "letter-signer", "letter-title", "footer", "links"} <= set(s)
        assert data["built_with"]["kind"] == "packet"


def test_a_packet_letter_whose_address_is_not_in_the_window_fails(packets, guide_model):
    pdf = next(iter(sorted(packets.glob("0*.pdf")))).read_bytes()
    elsewhere = v.LetterExpect((4.5, 6.0, 3.0, 0.875), LETTER.salutation, LETTER.signer, LETTER.title)
    report = v.verify_file(pdf, guide_model, letter=elsewhere)
    assert [c.name for c in report.failed] == ["letter-address"]
    assert "0 lines of text in the address window" in report["letter-address"].detail
    other = v.LetterExpect(LETTER.window, "Hello {name}!", "Someone Else", "Another Guide")
    report = v.verify_file(pdf, guide_model, letter=other)
    assert [c.name for c in report.failed] == ["letter-salutation", "letter-signer", "letter-title"]


def test_a_packet_checked_as_another_edition_is_one_fail(packets, capsys):
    path = sorted(packets.glob("0*.pdf"))[1]   # the large-print one
    code, data = run_json(capsys, path, "--paper", "a4")
    assert code == 1 and [c["name"] for c in data["checks"] if c["status"] == "fail"] == ["built-with"]


def test_the_print_file_verifies_piece_by_piece(packets, capsys):
    code, data = run_json(capsys, packets.parent / "combined.pdf")
    assert code == 0, [c for c in data["checks"] if c["status"] != "pass"]
    names = [c["name"] for c in data["checks"]]
    assert {"letters", "pieces", "edition-1/text", "edition-2/regimens", "edition-2/footer"} <= set(names)
    assert data["built_with"]["kind"] == "print-file" and data["built_with"]["pieces"] == 2
    # edition options make no sense for a file of many editions: an option error
    assert run_json(capsys, packets.parent / "combined.pdf", "--large-print")[0] == 2
