"""Mailing packets: recipients CSV -> letters in the window, packets, rejects, manifest, resume, print file,
and each packet a tagged PDF (the letter's structure ahead of the guide's)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT, built
from pypdf import PdfReader
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from guide.errors import ContentError
from guide.mail import (
    ADDRESS_FONT,
    CLEAR_BELOW,
    LetterMaker,
    LetterRecipient,
    Window,
    load_letter,
    parse_window,
    usps_text,
)
from guide.mail import INPUT, MANIFEST, REJECTS, RUN_JSON, SKIPPED, RowChecker, make_packets, map_header, read_rows
from guide.pdf import Edition, letter_parts, packet_pdf
from guide.layout import font_problem
from guide.tagging import check_accessibility, read_tree

DAY = dt.date(2026, 12, 1)
HEADER = ["Name", "Address Line 1", "address 2", "City", "State", "Zip Code", "Edition", "Sections", "Advocate"]
ROWS = [  # spreadsheet row numbers start at 2 (the header is row 1)
    ["Ann Smith", "123 Main St.", "Apt #4", "Springfield", "IL", "62704-1234", "", "", ""],           # 2 good
    ["<b>Ann</b> & Co", "1 Elm Rd", "", "Boston", "ma", "02134", "large print", "",
     "Jane Roe, 555-010-0199"],                                                                     # 3 good, LP
    ["José Müller-Łukasz", "9 Oak Ave", "", "Columbus", "OH", "430041234", "", "overview", ""],      # 4 good
    ["王小明", "5 Pine St", "", "Seattle", "WA", "98101", "", "", ""],                                 # 5 font
    ["Bob NoZip", "7 Birch Ln", "", "Austin", "TX", "", "", "", ""],                                  # 6 no ZIP
    ["Carl BadState", "8 Cedar Ct", "", "Nowhere", "XX", "12345", "", "", ""],                        # 7 state
    ["Dee Lines", "L1\nL2\nL3\nL4", "", "Miami", "FL", "33101", "", "", ""],                          # 8 6 lines
    ["../../etc/passwd", "10 Path Rd", "", "Denver", "CO", "80202", "", "", ""],                      # 9 good
    ["", "", "", "", "", "", "", "", ""],                                                              # 10 blank
    ["Eve Ohio", "11 Elm St", "", "Dayton", "Ohio", "4540", "", "", ""],                              # 11 2 reasons
]
GOOD = {2: "ANN SMITH", 3: "B ANN B CO", 4: "JOSÉ MÜLLER ŁUKASZ", 9: "ETC PASSWD"}


def write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = True) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return path


def manifest(out: Path) -> list[dict]:
    with open(out / MANIFEST, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One uninterrupted run (one process, with the print file) shared by the tests below."""
    base = tmp_path_factory.mktemp("packets")
    people = write_csv(base / "people.csv", HEADER, ROWS)
    summary = make_packets(CONTENT, people, base / "out", day=DAY, jobs=1, combined=True)
    return people, summary.folder, summary   # the run's own folder, out/<run-id>/


def test_the_right_rows_are_built_and_rejected(run):
    _, out, summary = run
    assert (summary.built, summary.rejected, summary.skipped) == (4, 5, 0)
    rows = {int(r["row"]): r for r in manifest(out)}
    assert sorted(rows) == sorted(GOOD)
    with open(out / REJECTS, encoding="utf-8", newline="") as fh:
        rejects = {int(r["row"]): r["reason"] for r in csv.DictReader(fh)}
    assert sorted(rejects) == [5, 6, 7, 8, 11]
    assert "'王' (U+738B" in rejects[5] and "cannot be drawn" in rejects[5]
    assert rejects[6] == "ZIP code is missing"
    assert rejects[7].startswith("state 'XX' is not a two-letter US state")
    assert rejects[8] == "the address has 6 lines; the window holds at most 5 at 10 pt"
    assert "write the two-letter code 'OH'" in rejects[11] and "dropped leading zeros" in rejects[11]
    # the font check the rows rely on
    assert font_problem("José Müller-Łukasz") is None
    assert font_problem("王小明") is not None


def test_file_names_come_from_row_and_ascii_slug(run):
    _, out, _ = run
    names = {int(r["row"]): r["file"] for r in manifest(out)}
    assert names == {2: "000002-ann-smith.pdf", 3: "000003-b-ann-b-co.pdf",
                     4: "000004-jose-muller-ukasz.pdf", 9: "000009-etc-passwd.pdf"}
    assert sorted(p.name for p in out.iterdir()) == sorted([*names.values(), "print-letter-standard.pdf",
                                                            "print-letter-large-print.pdf", "presort.csv", "ticket.txt",
                                                            "ticket.json", MANIFEST, REJECTS, SKIPPED, INPUT, RUN_JSON])


def test_manifest_hashes_pages_and_metadata_match_the_files(run):
    _, out, _ = run
    for rec in manifest(out):
        data = (out / rec["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == rec["sha256"]
        r = PdfReader(io.BytesIO(data))
        assert len(r.pages) == int(rec["pages"])
        assert r.metadata.title == "Stage IV Mesothelioma"
        assert r.metadata.author and "Karen Selby" in r.metadata.author
        assert r.outline   # the guide's bookmarks survive, and its form fields (row 4 has no checklists)
        assert (r.get_fields() is not None) == (rec["row"] != "4")


def text_runs(page) -> list[tuple[str, float, float, float, str]]:
    """(text, x, y baseline, size, font) of every text run on a page, from a pypdf visitor."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = math.sqrt(abs((tm[0] * cm[0] + tm[1] * cm[2]) * (tm[2] * cm[1] + tm[3] * cm[3])
                                  - (tm[0] * cm[1] + tm[1] * cm[3]) * (tm[2] * cm[0] + tm[3] * cm[2])))
            runs.append((text.strip(), x, y, size * scale, str((font or {}).get("/BaseFont", ""))))

    page.extract_text(visitor_text=visit)
    return runs


def test_address_block_sits_inside_the_window_and_nothing_else_does(run):
    _, out, _ = run
    w = Window()   # content/letter.yaml uses the standard #10 window
    for rec in manifest(out):
        page = PdfReader(out / rec["file"]).pages[0]
        height = float(page.mediabox.height)
        left, right = w.left * inch, (w.left + w.width) * inch
        top, bottom = height - w.top * inch, height - (w.top + w.height) * inch
        runs = text_runs(page)
        block = [r for r in runs if left - 0.5 <= r[1] <= right and bottom - CLEAR_BELOW <= r[2] <= top]
        lines = [r[0] for r in block]
        assert lines[0] == GOOD[int(rec["row"])]
        assert lines[-1].split()[-1][:5].isdigit()           # city, state, ZIP last
        for text, x, y, size, font in block:
            assert size == 10 and font.endswith("AtkinsonHyperlegible-Regular"), (text, size, font)
            assert text == text.upper() and "." not in text and "," not in text
            assert x >= left - 0.01
            assert x + pdfmetrics.stringWidth(text, ADDRESS_FONT, size) <= right
            assert y + pdfmetrics.getAscent(ADDRESS_FONT, size) <= top + 0.01
            assert y + pdfmetrics.getDescent(ADDRESS_FONT, size) >= bottom
        others = [r for r in runs if r not in block]
        assert all(not (left - 1 <= x <= right and bottom - CLEAR_BELOW <= y <= top + 12) for _, x, y, _, _ in others)


def test_markup_in_a_name_is_printed_not_interpreted(run):
    _, out, _ = run
    text = PdfReader(out / "000003-b-ann-b-co.pdf").pages[0].extract_text()
    assert "Dear <b>Ann</b> & Co," in text


def test_large_print_letter_and_advocate_signature(run):
    _, out, _ = run
    r = PdfReader(out / "000003-b-ann-b-co.pdf")
    guide_pages = 0
    letter = []
    for i, page in enumerate(r.pages):
        if "Dear" in page.extract_text() or (letter and "page" in page.extract_text()[:40]):
            letter.append(page)
        else:
            guide_pages = len(r.pages) - i
            break
    assert letter, "no letter pages found"
    w = Window()
    for page in letter:
        for text, _x, y, size, _font in text_runs(page):
            in_window = float(page.mediabox.height) - (w.top + w.height) * inch <= y
            in_window &= y <= float(page.mediabox.height) - w.top * inch
            assert size >= 18 or (size == 10 and in_window), (text, size)   # the address stays USPS size
    whole = "".join(p.extract_text() for p in letter)
    assert "Jane Roe" in whole and "555-010-0199" in whole
    assert guide_pages > 17   # the large-print guide follows


def test_print_files_hold_every_packet_per_stock_in_zip_order(run):
    _, out, summary = run
    recs = {int(r["row"]): r for r in manifest(out)}
    # standard: rows 4 (43004), 2 (62704), 9 (80202); large print: row 3 (02134)
    for name, rows in [("print-letter-standard.pdf", [4, 2, 9]), ("print-letter-large-print.pdf", [3])]:
        pdf = PdfReader(out / name)
        first = 0
        for row in rows:   # each packet starts with its own letter; a blank back when its pages are odd
            assert GOOD[row] in pdf.pages[first].extract_text()
            pages = int(recs[row]["pages"])
            blank = [k for k in range(first, first + pages + pages % 2) if "/Contents" not in pdf.pages[k]]
            assert len(blank) == pages % 2 and all(pdf.pages[k].extract_text() == "" for k in blank)
            first += pages + pages % 2
        assert first == len(pdf.pages)
        assert subprocess.run(["qpdf", "--check", str(out / name)], capture_output=True).returncode == 0
        assert (out / name).stat().st_mode & 0o777 == 0o600   # the letters hold names and addresses
    assert summary.combined_pages == sum(int(r["pages"]) + int(r["pages"]) % 2 for r in recs.values())
    # the guide's pages share their content streams and fonts: far smaller than the packets
    std = [recs[r] for r in (4, 2, 9)]
    assert (out / "print-letter-standard.pdf").stat().st_size < sum((out / r["file"]).stat().st_size for r in std) / 2


def test_resumed_run_gives_the_same_files(run, tmp_path):
    """Interrupted: two packets gone, the manifest cut mid-line, a temp file left; resumed on 2 processes."""
    people, out, _ = run
    shutil.copytree(out.parent, tmp_path / "out")   # the output folder: its runs and the history
    resumed = tmp_path / "out" / out.name
    for printed in resumed.glob("print-*.pdf"):
        printed.unlink()
    (resumed / "000004-jose-muller-ukasz.pdf").unlink()
    (resumed / "000009-etc-passwd.pdf").unlink()
    text = (resumed / MANIFEST).read_text(encoding="utf-8")
    (resumed / MANIFEST).write_text(text[: text.index("000004")] + "0000", encoding="utf-8")
    (resumed / ".000009-etc-passwd.pdf.x1.guide-tmp").write_bytes(b"half a PDF")
    summary = make_packets(CONTENT, people, resumed.parent, day=DAY, jobs=2, combined=True)
    assert (summary.built, summary.skipped, summary.rejected) == (2, 2, 5)
    assert files(resumed) == files(out)   # packets, manifest (no duplicates), rejects, print file
    again = make_packets(CONTENT, people, resumed.parent, day=DAY, jobs=2)
    assert (again.built, again.skipped, again.editions) == (0, 4, 0)
    assert len(manifest(resumed)) == 4


def test_a_damaged_packet_is_rebuilt_not_skipped(run, tmp_path):
    people, out, _ = run
    shutil.copytree(out.parent, tmp_path / "out")
    copy = tmp_path / "out" / out.name
    with open(copy / "000002-ann-smith.pdf", "ab") as fh:
        fh.write(b"garbage")
    summary = make_packets(CONTENT, people, copy.parent, day=DAY, jobs=1)
    assert (summary.built, summary.skipped) == (1, 3)
    assert (copy / "000002-ann-smith.pdf").read_bytes() == (out / "000002-ann-smith.pdf").read_bytes()
    assert files(copy)[MANIFEST] == files(out)[MANIFEST]


def test_killed_run_resumes_to_the_same_files(tmp_path):
    """Kill a real run (SIGKILL) once it has written some packets; rerun; compare with an uninterrupted run."""
    rows = [[f"Person {i}", f"{i} Main St", "", "Akron", "OH", "44308", "", "", ""] for i in range(40)]
    people = write_csv(tmp_path / "people.csv", HEADER, rows)
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    whole = make_packets(CONTENT, people, whole, day=DAY, jobs=1).folder
    cmd = [sys.executable, str(ROOT / "build_guide.py"), "packet", "--recipients", str(people),
           "--out", str(killed), "--date", DAY.isoformat(), "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if (killed / whole.name / MANIFEST).exists() and len(manifest(killed / whole.name)) >= 3:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    done_before = len(manifest(killed / whole.name))
    assert 3 <= done_before < 40
    summary = make_packets(CONTENT, people, killed, day=DAY, jobs=2)
    assert summary.skipped >= done_before and summary.built + summary.skipped == 40
    assert files(summary.folder) == files(whole)


def test_one_letter_alone_or_in_a_batch_gives_the_same_packet(guide_model):
    spec = load_letter(CONTENT / "letter.yaml")
    maker = LetterMaker(spec, guide_model.brand, guide_model.title, DAY)
    edition = Edition(built()[0])

    def who(name: str) -> LetterRecipient:
        return LetterRecipient(name, (usps_text(name), "1 MAIN ST", "AKRON OH 44308"))

    items = [(who("Ann"), "letter", True), (who("Zoë Żak"), "letter", True), (who("Bo"), "letter", False),
             (who("Zoë Żak"), "letter", False)]
    pdf, tags = maker.render_batch(items)
    assert [t.pages for t in tags] == [2, 2, 1, 1]   # the large-print letters run to a second page
    batched = letter_parts(pdf, tags)
    for k in (1, 3):   # a letter after others (sharing fonts and laid-out paragraphs) = the letter alone
        alone = letter_parts(*LetterMaker(spec, guide_model.brand, guide_model.title, DAY).render_batch([items[k]]))
        assert alone[0].elements == batched[k].elements   # the same structure, MCIDs numbered per page
        assert packet_pdf(edition, alone[0])[0] == packet_pdf(edition, batched[k])[0]


@pytest.mark.parametrize("header, expect", [
    (["Name", "Address 1", "City", "State", "ZIP"], {"name": 0, "address1": 1, "city": 2, "state": 3, "zip": 4}),
    (["full_name", "address_line_1", "Address Line 2", "town", "st", "postal_code"],
     {"name": 0, "address1": 1, "address2": 2, "city": 3, "state": 4, "zip": 5}),
    (["First Name", "Last Name", "Street Address", "City", "State", "Zip_Code", "E-mail"],
     {"first_name": 0, "last_name": 1, "address1": 2, "city": 3, "state": 4, "zip": 5}),
])
def test_header_spellings(header, expect):
    assert map_header(header, "people.csv") == expect


def test_header_problems_are_located():
    with pytest.raises(ContentError) as err:
        map_header(["Name", "Zip", "Postal Code", "City"], "people.csv")
    assert [str(p) for p in err.value.problems] == [
        "people.csv:1: header: columns 'Zip' and 'Postal Code' both give the zip; keep one",
        "people.csv:1: header: missing columns address1, state (found 'Name', 'Zip', 'Postal Code', 'City'); "
        "see 'packet --help' for the names accepted",
    ]


def test_bom_and_first_last_name(tmp_path, guide_model):
    people = write_csv(tmp_path / "p.csv", ["First Name", "Last Name", "Address", "City", "State", "Zip"],
                       [["Ann", "O'Brien", "1 Main St", "St. Louis", "MO", "63101"]], bom=True)
    (row, cells, header), = read_rows(people)
    assert header[0] == "First Name"
    checker = RowChecker(guide_model, load_letter(CONTENT / "letter.yaml"), "x")
    job = checker.check(row, cells, map_header(header, "p.csv"), len(header)).job
    assert job.who.name == "Ann O'Brien"
    assert job.who.block == ("ANN OBRIEN", "1 MAIN ST", "ST LOUIS MO 63101")


@pytest.mark.parametrize("raw, expect", [
    ("O'Brien", "OBRIEN"), ("St. Louis", "ST LOUIS"), ("Müller-Łukasz", "MÜLLER ŁUKASZ"),
    ("Apt #4, Bldg 2", "APT 4 BLDG 2"), ("  1 Main   St. ", "1 MAIN ST"),
    # USPS Publication 28: the hyphen of a house-number range stays (Appendix D1), as do fractions,
    # decimals and hyphenated unit numbers; punctuation is "normally limited to periods, slashes, and
    # hyphens" (section 231); Puerto Rico examples keep their diacritics
    ("112-10 Bronx Rd", "112-10 BRONX RD"), ("123 1/2 Main St", "123 1/2 MAIN ST"), ("39.2 Rd", "39.2 RD"),
    ("Apt 4-B", "APT 4-B"), ("N6W23001 Bluemound Rd.", "N6W23001 BLUEMOUND RD"), ("Vía Angélica", "VÍA ANGÉLICA"),
    ("1/2 Mile Rd, Ste. 3", "1/2 MILE RD STE 3"), ("Main St./Elm", "MAIN ST ELM"),
])
def test_usps_text(raw, expect):
    assert usps_text(raw) == expect


def test_letter_settings_errors_are_located(tmp_path):
    bad = tmp_path / "letter.yaml"
    bad.write_text("date: tomorrow\n"
                   "salutation: Hello {person}\n"
                   "body:\n  - Fine text.\n"
                   "closing: Bye\n"
                   "signer: {name: Ann}\n"
                   "window: {top: 9}\n"
                   "address_size: 14\n"
                   "colour: red\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_letter(bad)
    f = str(bad)
    assert sorted(str(p) for p in err.value.problems) == sorted([
        f"{f}:1: date: must be 'today' or a date like 2026-12-01, not 'tomorrow'",
        f"{f}:2: salutation: unknown placeholder {{person}}; allowed here: {{name}}",
        f"{f}:2: salutation: must contain {{name}}",
        f"{f}:7: window.top: must be from 0.5 to 3 inches, not 9",
        f"{f}:8: address_size: must be from 10 to 12 pt (USPS), not 14",
        f"{f}:9: colour: unknown key 'colour'; allowed keys: salutation, body, closing, signer, date, window, "
        "address_size, imb, envelope, paper_weight, paper_thickness, envelope_weight",
    ])


def test_window_option():
    assert parse_window("0.9, 2.0, 3.5, 1.0") == Window(0.9, 2.0, 3.5, 1.0)
    with pytest.raises(ContentError) as err:
        parse_window("1,2,3")
    assert "LEFT,TOP,WIDTH,HEIGHT" in str(err.value)
    with pytest.raises(ContentError) as err:
        parse_window("1,2,3,0.2")
    assert str(err.value) == "--window: window.height: must be from 0.5 to 1.5 inches, not 0.2"


def test_cli_packet_summary(tmp_path, capsys):
    from guide.cli import main

    people = write_csv(tmp_path / "p.csv", ["name", "address1", "city", "state", "zip"],
                       [["Ann", "1 Main St", "Akron", "OH", "44308"], ["Bob", "2 Main St", "Akron", "OH", "4430"]])
    code = main(["packet", "--recipients", str(people), "--out", str(tmp_path / "o"), "--date", "2026-12-01",
                 "--jobs", "1"])
    assert code == 0
    said = capsys.readouterr()
    assert said.out.startswith("built 1, rejected 1, skipped 0 (already done) in ")
    assert "packets/s" in said.out
    assert "\r[" not in said.err   # no progress bar when stderr is not a terminal


def test_recipients_file_problems_are_located(tmp_path, guide_model):
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("name,address1,city,state,zip\nAnn,1 Main St,Akron,OH,44308\nJosé,2 Main St,Akron,OH,44308\n"
                       .encode("latin-1"))
    with pytest.raises(ContentError) as err:
        list(read_rows(latin1))
    assert str(err.value) == (f"{latin1}:3: not UTF-8 text; save the file as 'CSV UTF-8', or for Excel's "
                              "'CSV (Comma delimited)' run with --encoding cp1252")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ContentError) as err:
        list(read_rows(empty))
    assert str(err.value) == f"{empty}:1: the file is empty; it needs a header row"


def test_window_geometry_is_a_setting(tmp_path):
    people = write_csv(tmp_path / "p.csv", ["name", "address1", "city", "state", "zip"],
                       [["Ann Lee", "1 Main St", "Akron", "OH", "44308"]])
    folder = make_packets(CONTENT, people, tmp_path / "o", day=DAY, jobs=1, window="0.9,2.0,3.5,1.0").folder
    page = PdfReader(folder / "000002-ann-lee.pdf").pages[0]
    text, x, y, size, _ = next(r for r in text_runs(page) if r[0] == "ANN LEE")
    assert x == pytest.approx(0.9 * inch)
    assert float(page.mediabox.height) - y - pdfmetrics.getAscent(ADDRESS_FONT, size) == pytest.approx(2.0 * inch)


def test_each_packet_is_tagged_with_the_letter_ahead_of_the_guide(run, guide_model):
    """One structure tree per packet: the letter's elements first (on the letter's pages, with
    StructParents keys after the guide's), then the guide's, and the whole passes the check."""
    _, out, _ = run
    for rec in manifest(out):
        data = (out / rec["file"]).read_bytes()
        ok, detail = check_accessibility(data)
        assert ok, (rec["file"], detail)
    data = (out / "000003-b-ann-b-co.pdf").read_bytes()   # large print: a two-page letter
    reader = PdfReader(io.BytesIO(data))
    (doc,) = read_tree(reader).kids
    assert doc.role == "Document"
    kids = doc.kids
    brand = guide_model.brand
    assert [k.text for k in kids[:2]] == [brand.name, brand.tagline]
    assert kids[2].role == "Div" and [p.text for p in kids[2].kids] == ["B ANN B CO", "1 ELM RD", "BOSTON MA 02134"]
    letter = [k for k in kids if all(page < 2 for (page, _), _ in k.pieces())]
    assert kids[:len(letter)] == letter   # the letter's elements, all ahead of the guide's
    assert any(k.text == "Dear <b>Ann</b> & Co," for k in letter)
    assert "Jane Roe" in letter[-1].text and {page for k in letter for (page, _), _ in k.pieces()} == {0, 1}
    assert any(len({p for p, _ in k.mcids}) == 2 for k in letter)   # a paragraph goes on to page 2
    assert not any(re.fullmatch(r"H[1-6]", k.role) for k in letter)
    # the letter's pages take the ParentTree keys after the guide's
    keys = [int(p["/StructParents"]) for p in reader.pages]
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    assert keys[2:] == list(range(len(reader.pages) - 2))
    assert keys[:2] == [int(root["/ParentTreeNextKey"]) - 2, int(root["/ParentTreeNextKey"]) - 1]
    assert keys[0] > max(keys[2:])
    assert all(p["/Tabs"] == "/S" for p in reader.pages)
    assert str(reader.trailer["/Root"]["/Lang"]) == guide_model.language
    # behind the letter, the guide's tree is the edition's own: the same headings in the same order
    packet = read_tree((out / "000002-ann-smith.pdf").read_bytes())
    alone = read_tree(built()[0])

    def headings(tree) -> list[tuple[str, str]]:
        return [(k.role, k.text) for k in tree.walk() if re.fullmatch(r"H[1-6]", k.role)]

    assert headings(packet) == headings(alone) and headings(alone)[0] == ("H1", guide_model.title)


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_pdfinfo_reads_the_letter_then_the_guide(run, guide_model):
    _, out, _ = run
    text = subprocess.run(["pdfinfo", "-struct-text", str(out / "000002-ann-smith.pdf")],
                          capture_output=True, text=True, check=True).stdout
    order = ['"ANN SMITH"', '"SPRINGFIELD IL 62704-1234"', '"Dear Ann Smith,"', '"With warm regards,',
             f'"{guide_model.title}"', *(f'"{s.title}"' for s in guide_model.sections)]
    at = [text.find(s) for s in order]
    assert -1 not in at and at == sorted(at), dict(zip(order, at, strict=True))
    assert text.startswith("Document\n  P (block)\n")


def test_pdfua_checker_finds_nothing_in_a_packet_and_flags_an_untagged_letter(run, tmp_path):
    import pdfua  # the test extra installs it

    _, out, _ = run
    report = pdfua.validate(str(out / "000003-b-ann-b-co.pdf"))
    assert [(f.rule_id, f.message) for f in report.findings] == []
    # it can fail: the same guide behind a letter drawn without tags
    buf = io.BytesIO()
    c = Canvas(buf, invariant=1)
    c.setFont("Atkinson", 12)
    c.drawString(72, 700, "Dear Ann,")
    c.showPage()
    c.save()
    bad = tmp_path / "untagged-letter.pdf"
    bad.write_bytes(packet_pdf(Edition(built()[0]), letter_parts(buf.getvalue())[0])[0])
    assert "UA-01-003" in {f.rule_id for f in pdfua.validate(str(bad)).findings}
    assert not check_accessibility(bad.read_bytes())[0]


def test_a_packet_packs_its_objects_and_takes_the_guides_font_programs(guide_model):
    """Non-stream objects live in compressed object streams (one xref stream, no xref table), and a
    font program the letter embeds byte for byte like the guide is in the packet once; a name
    with letters the guide's subset lacks keeps the letter's own subset and reads as written."""
    spec = load_letter(CONTENT / "letter.yaml")
    guide_pdf = built()[0]
    edition = Edition(guide_pdf)
    maker = LetterMaker(spec, guide_model.brand, guide_model.title, DAY)
    name = "Zoë Żak-Ørjan"
    pdf, tags = maker.render_batch([(LetterRecipient(name, (usps_text(name), "1 MAIN ST", "AKRON OH 44308")),
                                     "letter", False)])
    data, pages = packet_pdf(edition, letter_parts(pdf, tags)[0])
    assert b"\nxref\n" not in data and b"/Type/XRef" in data and b"/Type/ObjStm" in data
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == pages and reader.xref_objStm   # objects found in object streams
    programs: dict[bytes, list] = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            ff = font["/FontDescriptor"]["/FontFile2"]
            programs.setdefault(ff.get_data(), []).append((font["/BaseFont"], ff.indirect_reference.idnum))
    # every distinct program is one object, whoever uses it; the letter's bold title is the guide's
    assert all(len({num for _, num in users}) == 1 for users in programs.values())
    guide_reader = PdfReader(io.BytesIO(guide_pdf))
    guide_programs = {f.get_object()["/FontDescriptor"]["/FontFile2"].get_data()
                      for p in guide_reader.pages for f in (p["/Resources"].get("/Font") or {}).values()}
    letter_fonts = {f.get_object()["/FontDescriptor"]["/FontFile2"].get_data()
                    for f in (reader.pages[0]["/Resources"].get("/Font") or {}).values()}
    assert letter_fonts & guide_programs and letter_fonts - guide_programs   # some shared, some the letter's own
    text = reader.pages[0].extract_text()
    assert name in text and usps_text(name) in text
    assert len(data) < len(guide_pdf) - 40_000   # structure and font dictionaries packed
    assert packet_pdf(edition, letter_parts(pdf, tags)[0])[0] == data


def test_repeated_body_drawing_gives_the_bytes_of_drawing_afresh(guide_model, monkeypatch):
    """A batch whose letters repeat the body paragraphs' recorded drawing (with fresh MCIDs) is
    byte for byte the batch drawn paragraph by paragraph: long names that wrap the salutation,
    three- and four-line addresses, large print running to a second page."""
    import guide.mail._letter as letter_module
    from reportlab.platypus import Paragraph

    spec = load_letter(CONTENT / "letter.yaml")
    names = ["Ann", "Zoë Żak-Ørjan", "Bartholomew Alexander Montgomery-Featherstonehaugh the Third of Wessex", "José"]
    items = [(LetterRecipient(n, ("MR B SMITH" if len(n) > 30 else usps_text(n), f"{i} MAIN ST")
                              + (("APT 4",) if i % 3 == 0 else ()) + ("AKRON OH 44308",)), "letter", i % 4 == 0)
             for i, n in enumerate(names * 4)]
    repeated = LetterMaker(spec, guide_model.brand, guide_model.title, DAY).render_batch(items)
    monkeypatch.setattr(letter_module._KeptParagraph, "drawOn", Paragraph.drawOn)
    afresh = LetterMaker(spec, guide_model.brand, guide_model.title, DAY).render_batch(items)
    assert repeated == afresh
    assert [t.pages for t in repeated[1]][:4] == [2, 1, 1, 1]


def test_the_letterhead_repeat_and_the_plain_salutation_give_the_bytes_of_drawing_afresh(guide_model, monkeypatch):
    """A batch whose letters repeat the first letter's letterhead and fold marks, and whose plain
    salutations skip ReportLab's parser, is byte for byte the batch with every letterhead drawn and
    every salutation parsed: names with entities, accents, letters from the fallback font, spaces
    and ones long enough to wrap; paper sizes and large print mixed."""
    import guide.mail._letter as letter_module

    spec = load_letter(CONTENT / "letter.yaml")
    names = ["Ann", "A & B <C>", "Zoë Żak-Ørjan", "Nguyễn Văn", "O'Neil", "Mary  Ellen",
             "Bartholomew Alexander Montgomery-Featherstonehaugh the Third of Wessex"]
    items = [(LetterRecipient(n, ("MR B SMITH" if len(n) > 30 else usps_text(n) or "A B", f"{i} MAIN ST",
                                  "AKRON OH 44308")), "a4" if i % 5 == 0 else "letter", i % 3 == 0)
             for i, n in enumerate(names * 3)]
    shortcut = LetterMaker(spec, guide_model.brand, guide_model.title, DAY).render_batch(items)
    drawn = letter_module.LetterMaker._page_head

    def afresh(self, c, lay, doc):
        c.__dict__.pop("_kept_heads", None)   # nothing recorded: every letterhead drawn
        return drawn(self, c, lay, doc)

    monkeypatch.setattr(letter_module.LetterMaker, "_page_head", afresh)
    monkeypatch.setattr(letter_module.LetterMaker, "_plain_paragraph", staticmethod(lambda lay, plain: None))
    assert LetterMaker(spec, guide_model.brand, guide_model.title, DAY).render_batch(items) == shortcut
