"""USPS-ready mailings: envelope profiles, each piece's sheets and weight, print files per stock in ZIP order with tray
breaks in presort.csv, the job ticket, and the warnings and errors around them (issue 17)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from conftest import CONTENT
from pypdf import PdfReader
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics

from guide import verify as v
from guide.cli import main
from guide.content import INFO_KEY
from guide.errors import ContentError
from guide.mail import (ADDRESS_FONT, MANIFEST, PROFILES, LetterMaker, LetterRecipient, Ticket, Window, load_letter,
                        make_packets, measure, sheet_weight)

DAY = dt.date(2026, 12, 1)
HEADER = ["name", "address1", "city", "state", "zip", "edition", "paper"]
ROWS = {  # spreadsheet row -> cells (the header is row 1)
    2: ["Ann Smith", "1 Main St", "Springfield", "IL", "62704-1234", "", ""],
    3: ["Bob Jones", "2 Elm Rd", "Boston", "MA", "02134", "large print", ""],
    4: ["Cy Young", "3 Oak Ave", "Columbus", "OH", "43004", "", ""],
    5: ["Di Prince", "4 Pine St", "Boston", "MA", "02134", "", ""],
    6: ["Ed Norton", "5 Birch Ln", "Akron", "OH", "44308", "", "a4"],
    7: ["Fay Wray", "6 Cedar Ct", "Boston", "MA", "02110", "", ""],
    8: ["Gus Grand", "7 Ash St", "Akron", "OH", "44308", "", ""],
    9: ["Hal Moon", "8 Fir St", "Columbus", "OH", "43004", "large print", ""],
}
# by 5-digit ZIP, then row: per print file, and in one order when all share one file
PER_FILE = {"print-letter-standard.pdf": [7, 5, 4, 8, 2], "print-letter-large-print.pdf": [3, 9],
            "print-a4-standard.pdf": [6]}
ONE_ORDER = [7, 3, 5, 4, 9, 6, 8, 2]
LETTER_YAML = (CONTENT / "letter.yaml").read_text(encoding="utf-8")


def write_csv(path: Path, rows: dict[int, list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *rows.values()])
    return path


def letter_file(tmp_path: Path, **settings) -> Path:
    """content/letter.yaml with some top-level settings replaced or added."""
    text = LETTER_YAML
    for key, value in settings.items():
        line = f"{key}: {value}\n"
        text, n = re.subn(rf"^{key}:.*\n", line, text, flags=re.M)
        text += "" if n else line
    path = tmp_path / "letter.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def presort(folder: Path) -> list[dict]:
    with open(folder / "presort.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def manifest(folder: Path) -> dict[int, dict]:
    with open(folder / MANIFEST, encoding="utf-8", newline="") as fh:
        return {int(r["row"]): r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("mailing")
    people = write_csv(base / "people.csv", ROWS)
    summary = make_packets(CONTENT, people, base / "out", day=DAY, jobs=1, combined=True, tray_size=2)
    return people, summary.folder, summary


def test_print_files_are_sorted_by_zip_with_tray_breaks_every_tray_size(run):
    _, folder, summary = run
    rows = presort(folder)
    assert list(rows[0]) == ["sequence", "zip", "zip3", "tray", "file", "first_page", "pages"]
    assert [int(r["sequence"]) for r in rows] == list(range(1, 9))
    assert [r["file"] for r in rows] == [f for f, rs in PER_FILE.items() for _ in rs]
    expected = [row for rs in PER_FILE.values() for row in rs]
    assert [r["zip"] for r in rows] == [ROWS[row][4] for row in expected]
    assert [r["zip3"] for r in rows] == [ROWS[row][4][:3] for row in expected]
    # two pieces a tray, and a new tray with each print file
    assert [int(r["tray"]) for r in rows] == [1, 1, 2, 2, 3, 4, 4, 5]
    assert summary.trays == 5
    # each piece's first page in its file is its own letter; its pages end where the next piece starts
    packets = manifest(folder)
    readers = {f: PdfReader(folder / f) for f in PER_FILE}
    for r, row in zip(rows, expected, strict=True):
        first, pages = int(r["first_page"]), int(r["pages"])
        assert ROWS[row][0].upper() in readers[r["file"]].pages[first - 1].extract_text()
        assert pages == int(packets[row]["pages"]) + int(packets[row]["pages"]) % 2   # a blank back when odd
    for f, reader in readers.items():
        last = [r for r in rows if r["file"] == f][-1]
        assert int(last["first_page"]) + int(last["pages"]) - 1 == len(reader.pages)
    assert [(p.name, n) for p, n, _ in summary.print_files] == [(f, len(rs)) for f, rs in PER_FILE.items()]
    assert (folder / "presort.csv").stat().st_mode & 0o777 == 0o600   # as the manifest


def test_one_print_file_holds_every_piece_in_one_zip_order_and_auto_trays_fill_by_thickness(run, tmp_path,
                                                                                             monkeypatch):
    import guide.mail._printset as printset

    people, _, _ = run
    monkeypatch.setattr(printset, "TRAY_LENGTH", 0.3)   # inches: two standard pieces but one large print
    target = tmp_path / "all.pdf"
    summary = make_packets(CONTENT, people, tmp_path / "out", day=DAY, jobs=1, combined=target)
    rows = presort(summary.folder)
    assert {r["file"] for r in rows} == {"all.pdf"} and target.is_file()
    assert [r["zip"] for r in rows] == [ROWS[row][4] for row in ONE_ORDER]
    # thickness (standard and A4 about 0.13 in, large print about 0.24 in):
    # 7 | 3 | 5 + 4 | 9 | 6 + 8 | 2
    assert [int(r["tray"]) for r in rows] == [1, 2, 3, 3, 4, 5, 5, 6]
    reader = PdfReader(target)
    for r, row in zip(rows, ONE_ORDER, strict=True):
        assert ROWS[row][0].upper() in reader.pages[int(r["first_page"]) - 1].extract_text()
    assert not list(summary.folder.glob("print-*.pdf"))
    # the file's own record, read by `guide verify`, counts the blank backs with the letters
    record = json.loads(reader.metadata[INFO_KEY])
    assert sum(lp + gp for _, lp, gp in record["pieces"]) == len(reader.pages)
    # the print file may not land on the run's own files
    with pytest.raises(ContentError) as err:
        make_packets(CONTENT, people, tmp_path / "out", day=DAY, jobs=1, combined=summary.folder / "presort.csv")
    assert "one of this run's own files (presort.csv)" in str(err.value)


def packet_pages(folder: Path, row: int) -> tuple[int, int]:
    """(letter pages, guide pages) of a row's packet, from its PDF and its build record."""
    reader = PdfReader(folder / manifest(folder)[row]["file"])
    guide = json.loads(reader.metadata[INFO_KEY])["guide_pages"]
    return len(reader.pages) - guide, guide


def test_sheets_and_weights_of_the_default_and_large_print_packets(run):
    _, folder, _ = run
    (std_letter, std_guide), (lp_letter, lp_guide) = packet_pages(folder, 2), packet_pages(folder, 3)
    # the guide's page counts move with the layout (18 and 36 pages when the issue was filed, 17 and 34 now);
    # the letters are one page, and two in large print
    assert (std_letter, lp_letter) == (1, 2) and 16 <= std_guide <= 19 and 32 <= lp_guide <= 38
    ticket = json.loads((folder / "ticket.json").read_text(encoding="utf-8"))
    stocks = {s["stock"]: s for s in ticket["stocks"]}
    letter_sheet = 20 * 16 / 500 * (8.5 * 11) / (17 * 22)   # oz: 20 lb bond, a quarter of the basis sheet
    assert letter_sheet == pytest.approx(0.16)
    assert sheet_weight("letter") == pytest.approx(letter_sheet)
    std, large = stocks["letter-standard"], stocks["letter-large-print"]
    for s, pages, n in ((std, std_letter + std_guide, 5), (large, lp_letter + lp_guide, 2)):
        sheets = -(-pages // 2)   # printed on both sides, each piece on sheets of its own
        assert (s["pages_per_piece"], s["sheets_per_piece"]) == ({str(pages): n}, {str(sheets): n})
        assert s["weight_oz_per_piece"] == {f"{sheets * letter_sheet + 0.238:.2f}": n}
        assert s["thickness_in_max"] == pytest.approx(sheets * 3 * 0.004 + 0.015, abs=0.001)   # folded in thirds
    print(f"\nstandard: {std_letter} + {std_guide} pages, {std['sheets_per_piece']} sheets, "
          f"{std['weight_oz_per_piece']} oz, {std['thickness_in_max']} in; large print: {lp_letter} + {lp_guide} "
          f"pages, {large['sheets_per_piece']} sheets, {large['weight_oz_per_piece']} oz, {large['thickness_in_max']} in")
    # the large-print piece stays a letter, near the limits, and is a heavy letter (over 3 oz)
    assert 3.0 < next(float(w) for w in large["weight_oz_per_piece"]) <= 3.5
    assert 0.2 < large["thickness_in_max"] <= 0.25
    # the print files hold the same sheets: each piece takes whole sheets of its file
    sheets_of = {row: -(-(sum(packet_pages(folder, row))) // 2) for row in ROWS}
    for r, row in zip(presort(folder), [row for rs in PER_FILE.values() for row in rs], strict=True):
        assert int(r["pages"]) == 2 * sheets_of[row]
    assert ticket["totals"]["sheets"] == sum(sheets_of.values())
    assert ticket["over_limits"]["pieces"] == 0 and ticket["heavy_letters"] == 2   # over 3 oz: barcode in the block


def test_the_ticket_counts_pieces_trays_and_zips_and_names_no_one(run):
    _, folder, _ = run
    text = (folder / "ticket.txt").read_text(encoding="utf-8")
    raw = (folder / "ticket.json").read_text(encoding="utf-8")
    ticket = json.loads(raw)
    for cells in ROWS.values():   # no name, street or city of a recipient
        for cell in (cells[0], cells[1], cells[2], cells[0].upper(), cells[1].upper()):
            assert cell not in text and cell not in raw
    pages = {row: sum(packet_pages(folder, row)) for row in ROWS}
    assert ticket["print_files"] == [{"file": f, "pieces": len(rs), "pages": sum(pages[r] + pages[r] % 2 for r in rs)}
                                     for f, rs in PER_FILE.items()]
    assert ticket["zip5"] == {"02110": 1, "02134": 2, "43004": 2, "44308": 2, "62704": 1}
    assert ticket["zip3"] == {"021": 3, "430": 2, "443": 2, "627": 1}
    assert ticket["trays"]["count"] == 5 and ticket["trays"]["size"] == 2
    assert [t["pieces"] for t in ticket["trays"]["list"]] == [2, 2, 1, 2, 1]
    assert ticket["automation_minimum"] == {"pieces": 200, "reached": False}
    assert ticket["identical_weight"] is False and ticket["single_piece_weight_lb"] is None
    assert ticket["totals"]["pieces"] == 8
    assert ticket["envelope"]["processing_category"] == "letters"
    assert f"print-letter-large-print.pdf: 2 pieces, {2 * (pages[3] + pages[3] % 2)} pages" in text
    assert "Trays: 5 (tray size: 2)" in text and "021: 3, 430: 2, 443: 2, 627: 1" in text
    assert "automation minimum (200 pieces): not reached (8 pieces)" in text
    for name in ("ticket.txt", "ticket.json"):
        assert (folder / name).stat().st_mode & 0o777 == 0o600


def test_two_hundred_pieces_reach_the_automation_minimum_and_identical_weights_give_one_piece_weight():
    spec = load_letter(CONTENT / "letter.yaml")
    ticket = Ticket(spec, "run", "2026-12-01")
    piece = measure(19, "letter", spec.profile)
    for k in range(199):
        ticket.add("letter", False, piece, f"{44300 + k % 7}")
    assert ticket.record(None)["automation_minimum"]["reached"] is False
    ticket.add("letter", False, piece, "44308")
    rec = ticket.record(None)
    assert rec["automation_minimum"]["reached"] is True and rec["totals"]["pieces"] == 200
    assert rec["identical_weight"] is True and rec["single_piece_weight_lb"] == round(piece.weight / 16, 4) == 0.1149
    assert rec["trays"] is None   # no print files: no trays


def test_a_piece_over_the_letter_limits_is_warned_about_and_the_flat_profile_takes_it(tmp_path, capsys):
    people = write_csv(tmp_path / "p.csv", {2: ROWS[2], 3: ROWS[3]})
    heavy = letter_file(tmp_path, paper_weight=24)   # 24 lb bond: 0.192 oz a sheet, 0.0048 in
    code = main(["packet", "--recipients", str(people), "--out", str(tmp_path / "o"), "--date", DAY.isoformat(),
                 "--jobs", "1", "--letter", str(heavy)])
    out = capsys.readouterr().out
    assert code == 0
    folder = next(p for p in (tmp_path / "o").iterdir() if p.is_dir())
    sheets = -(-sum(packet_pages(folder, 3)) // 2)    # the large-print piece
    weight, thickness = sheets * 0.192 + 0.238, sheets * 3 * 0.0048 + 0.015
    assert weight > 3.5 and thickness > 0.25
    note = (f"over the USPS letter-size limits: {weight:.2f} oz (a USPS Marketing Mail letter weighs at most 3.5 oz) "
            f"and {thickness:.3f} in thick (a letter is at most 0.25 in); mail it flat with envelope: \"9x12\" in "
            "letter.yaml (a run of its own)")
    assert f"warning: 1 piece is {note}" in out
    packets = manifest(folder)
    assert packets[3]["notes"] == note and packets[2]["notes"] == ""   # the standard piece is within the limits
    ticket = json.loads((folder / "ticket.json").read_text(encoding="utf-8"))
    assert ticket["over_limits"]["pieces"] == 1 and ticket["over_limits"]["heaviest_oz"] == round(weight, 2)
    assert f"Over the letter-size limits (3.5 oz, 0.25 in): 1 piece (heaviest {round(weight, 2)} oz" in \
        (folder / "ticket.txt").read_text(encoding="utf-8")
    # the same pieces flat in a 9 x 12 envelope are well within the flat limits
    flat = letter_file(tmp_path, paper_weight=24, envelope='"9x12"')
    code = main(["packet", "--recipients", str(people), "--out", str(tmp_path / "f"), "--date", DAY.isoformat(),
                 "--jobs", "1", "--letter", str(flat)])
    assert code == 0 and "warning" not in capsys.readouterr().out
    folder = next(p for p in (tmp_path / "f").iterdir() if p.is_dir())
    ticket = json.loads((folder / "ticket.json").read_text(encoding="utf-8"))
    large = next(s for s in ticket["stocks"] if s["stock"] == "letter-large-print")
    assert large["weight_oz_per_piece"] == {f"{sheets * 0.192 + 0.66:.2f}": 1}
    assert large["thickness_in_max"] == pytest.approx(sheets * 0.0048 + 0.016, abs=0.001)   # not folded
    assert ticket["envelope"]["processing_category"] == "flats" and ticket["over_limits"]["pieces"] == 0


def _address_runs(page) -> list[tuple[str, float, float]]:
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip() and size == 10 and tm[4] * cm[0] + cm[4] < 2 * inch:
            runs.append((text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return runs


def test_a_flat_profile_letter_places_the_address_in_its_window_and_is_not_folded(tmp_path, guide_model):
    spec = load_letter(letter_file(tmp_path, envelope='"9x12"'))
    assert spec.envelope == "9x12" and spec.window == Window(1.0, 1.75, 3.25, 0.875)
    block = ("ANN SMITH", "1 MAIN ST", "SPRINGFIELD IL 62704")
    who = LetterRecipient("Ann Smith", block)
    pdf, _ = LetterMaker(spec, guide_model.brand, guide_model.title, DAY).render_batch([(who, "letter", False)])
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    height = float(page.mediabox.height)
    w = spec.window
    top, bottom = height - w.top * inch, height - (w.top + w.height) * inch
    inside = [(t, x, y) for t, x, y in _address_runs(page) if bottom <= y <= top]
    assert [t for t, _, _ in inside] == list(block)
    for text, x, y in inside:
        assert x == pytest.approx(w.left * inch)
        assert x + pdfmetrics.stringWidth(text, ADDRESS_FONT, 10) <= (w.left + w.width) * inch
        assert y + pdfmetrics.getAscent(ADDRESS_FONT, 10) <= top + 0.01
        assert y + pdfmetrics.getDescent(ADDRESS_FONT, 10) >= bottom
    # the first line sits at the flat window's top, above where the #10 window would begin
    assert inside[0][2] + pdfmetrics.getAscent(ADDRESS_FONT, 10) == pytest.approx(top, abs=0.01)
    assert inside[0][2] > height - 2.17 * inch
    fold_marks = re.compile(rb"18 \d+(\.\d+)? m 36 \d+(\.\d+)? l")
    assert not fold_marks.search(page.get_contents().get_data())
    folded, _ = LetterMaker(load_letter(CONTENT / "letter.yaml"), guide_model.brand, guide_model.title,
                            DAY).render_batch([(who, "letter", False)])
    assert len(fold_marks.findall(PdfReader(io.BytesIO(folded)).pages[0].get_contents().get_data())) == 2
    # a flat packet passes verify's letter check for the flat window, and fails it for the #10 window
    people = write_csv(tmp_path / "p.csv", {2: ROWS[2]})
    summary = make_packets(CONTENT, people, tmp_path / "o", letter=tmp_path / "letter.yaml", day=DAY, jobs=1)
    packet = (summary.folder / "000002-ann-smith.pdf").read_bytes()
    flat = v.LetterExpect((1.0, 1.75, 3.25, 0.875), spec.salutation, spec.signer.name, guide_model.title)
    assert "letter-address" not in [c.name for c in v.verify_file(packet, guide_model, letter=flat).failed]
    ten = v.LetterExpect((1.0, 2.17, 3.25, 0.875), spec.salutation, spec.signer.name, guide_model.title)
    report = v.verify_file(packet, guide_model, letter=ten)
    assert "letter-address" in [c.name for c in report.failed]


def test_envelope_and_weight_settings_errors_are_located(tmp_path):
    # unquoted #10: YAML reads a comment, the value is empty
    path = letter_file(tmp_path, envelope="#10", paper_weight=200, envelope_weight="heavy")
    lines = path.read_text(encoding="utf-8").splitlines()
    at = {key: next(i + 1 for i, line in enumerate(lines) if line.startswith(f"{key}:"))
          for key in ("envelope", "paper_weight", "envelope_weight")}
    with pytest.raises(ContentError) as err:
        load_letter(path)
    assert sorted(str(p) for p in err.value.problems) == sorted([
        f'{path}:{at["envelope"]}: envelope: is empty; write envelope: "#10" with the quotes (in YAML an unquoted # '
        'starts a comment) or envelope: "9x12"',
        f"{path}:{at['paper_weight']}: paper_weight: must be from 13 to 60 lb bond, not 200",
        f"{path}:{at['envelope_weight']}: envelope_weight: must be a number, not text 'heavy'",
    ])
    with pytest.raises(ContentError) as err:
        load_letter(letter_file(tmp_path, envelope='"6x9"'))
    assert [str(p).split(": ", 1)[1] for p in err.value.problems] == [
        'envelope: must be "#10" (letter folded in thirds) or "9x12" (flat, not folded), not \'6x9\'']
    assert load_letter(letter_file(tmp_path, envelope='"9 x 12"')).envelope == "9x12"
    assert load_letter(letter_file(tmp_path, envelope='"No. 10"')).envelope == "#10"


@pytest.mark.parametrize("value", ["0", "x", "-3", "1.5", "10001"])
def test_a_bad_tray_size_is_an_option_error(value, tmp_path, capsys):
    people = write_csv(tmp_path / "p.csv", {2: ROWS[2]})
    code = main(["packet", "--recipients", str(people), "--out", str(tmp_path / "o"), "--date", DAY.isoformat(),
                 "--combined", f"--tray-size={value}"])
    err = capsys.readouterr().err
    assert code == 2 and "--tray-size: must be a number of pieces from 1 to 10,000 (or auto)" in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_profiles_and_limits():
    ten, flat = PROFILES["#10"], PROFILES["9x12"]
    assert measure(38, "letter", ten).over == []                  # 19 sheets: 3.28 oz, 0.243 in
    assert measure(40, "letter", ten).over == ["0.255 in thick (a letter is at most 0.25 in)"]   # 3.44 oz
    assert measure(19, "letter", ten, paper_weight=24).over == []
    assert measure(60, "letter", flat).over == [] and measure(300, "letter", flat).over == [
        "24.66 oz (a USPS Marketing Mail flat weighs less than 16 oz)"]   # 150 sheets, 0.616 in
    assert measure(19, "letter", ten).heavy is False and measure(38, "letter", ten).heavy is True
