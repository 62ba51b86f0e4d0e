"""The Intelligent Mail barcode: the encoder against USPS-B-3200, its place in the window, serials from the history."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import CONTENT
from msgspec.structs import replace
from pypdf import PdfReader
from reportlab.graphics.barcode.usps4s import USPS_4State
from reportlab.lib.units import inch

from guide.errors import ContentError
from guide.mail import History, LetterMaker, LetterRecipient, load_letter, make_packets, max_address_lines
from guide.mail._history import RunInfo
from guide.mail._letter_spec import Imb, address_problem, routing_code

DAY = dt.date(2026, 12, 1)
IMB = 'imb:\n  mailer_id: "123456"\n  service_type: "040"\n  barcode_id: "00"\n'
# USPS-B-3200's worked example (as printed in ReportLab's usps4s doctest): A ascender, D descender,
# F full bar, T tracker.
SPEC_BARS = "AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA"


def letter_with_imb(tmp_path: Path, extra: str = IMB) -> Path:
    path = tmp_path / "letter.yaml"
    path.write_text((CONTENT / "letter.yaml").read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def test_the_encoder_gives_the_usps_b_3200_example():
    assert USPS_4State("01234567094987654321", "01234567891").barcodes == SPEC_BARS
    assert len(SPEC_BARS) == 65


def test_tracking_code_and_routing_code():
    assert Imb("123456", "040", "00").tracking(7) == "00040123456000000007"
    assert Imb("123456789", "040", "00").tracking(7) == "00040123456789000007"
    assert routing_code(("A", "B", "AKRON OH 44308-1234")) == "443081234"
    assert routing_code(("A", "AKRON OH 44308")) == "44308"


def test_imb_settings_errors_are_located(tmp_path):
    bad = 'imb:\n  mailer_id: "12345"\n  service_type: "40"\n  barcode_id: "05"\n'
    with pytest.raises(ContentError) as err:
        load_letter(letter_with_imb(tmp_path, bad))
    text = sorted(str(p).split(": ", 1)[1] for p in err.value.problems)
    assert text == ["imb.barcode_id: must be 2 digits, the second 0 to 4 (quote it to keep leading zeros), not '05'",
                    "imb.mailer_id: must be 6 or 9 digits (quote it to keep leading zeros), not '12345'",
                    "imb.service_type: must be 3 digits (quote it to keep leading zeros), not '40'"]


def test_the_window_holds_one_address_line_fewer_with_a_barcode(tmp_path):
    plain = load_letter(CONTENT / "letter.yaml")
    spec = load_letter(letter_with_imb(tmp_path))
    assert max_address_lines(spec) == max_address_lines(plain) - 1
    block = tuple(f"LINE {k}" for k in range(max_address_lines(plain) - 1)) + ("AKRON OH 44308",)
    assert address_problem(block, plain) is None
    assert address_problem(block, spec) == (f"the address has {len(block)} lines; the window holds at most "
                                            f"{len(block) - 1} at 10 pt")


def _bar_rects(pdf: bytes) -> list[tuple[float, float, float, float]]:
    import io

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    data = page.get_contents().get_data().decode("latin-1")
    num = r"(-?[\d.]+)"
    bars = []
    for block in re.findall(r"q\n1 0 0 1 (.*?)\nQ", data, re.S):   # a translated drawing (ReportLab's drawOn)
        tx, ty = map(float, block.split(" ")[:2])
        for x, y, w, h in re.findall(rf"{num} {num} {num} {num} re", block):
            if abs(float(w) - 0.015 * inch) < 0.01:   # the bars' width at the narrowest pitch
                bars.append((tx + float(x), ty + float(y), float(w), float(h)))
    return bars


def test_the_barcode_lies_inside_the_window_above_the_address(tmp_path, guide_model):
    spec = load_letter(letter_with_imb(tmp_path))
    who = LetterRecipient("Ann Smith", ("ANN SMITH", "12 MAIN ST", "SPRINGFIELD IL 62704"),
                          imb=("00040123456000000007", "62704"))
    pdf, _ = LetterMaker(spec, guide_model.brand, guide_model.title, DAY).render_batch([(who, "letter", False)])
    bars = _bar_rects(pdf)
    assert len(bars) == 65
    ys = [y for _, y, _, h in bars] + [y + h for _, y, _, h in bars]
    xs = [x for x, *_ in bars] + [x + w for x, _, w, _ in bars]
    w, height = spec.window, 11 * inch
    assert min(xs) == pytest.approx(w.left * inch, abs=0.01)
    assert max(xs) <= (w.left + w.width) * inch
    assert max(ys) == pytest.approx(height - w.top * inch, abs=0.01)
    assert min(ys) >= height - (w.top + w.height) * inch
    assert max(ys) - min(ys) == pytest.approx(0.165 * inch, abs=0.01)
    # the bars drawn are the encoder's for this piece: tall ones where it says F
    expected = USPS_4State("00040123456000000007", "62704").barcodes
    full = [abs(h - 0.165 * inch) < 0.01 for *_, h in sorted(bars)]
    assert full == [c == "F" for c in expected]
    # and the same letter without the barcode draws none
    plain = replace(spec, imb=None)
    pdf, _ = LetterMaker(plain, guide_model.brand, guide_model.title, DAY).render_batch(
        [(replace(who, imb=None), "letter", False)])
    assert _bar_rects(pdf) == []


def _run(hist: History, run: str, day: dt.date, rows: int) -> None:
    hist.start_run(RunInfo(run, run, day.isoformat(), "x.csv", "0", run, "", "t", "1", "h", day.isoformat()))
    with hist.tx():
        for row in range(2, rows + 2):
            hist.put(run, row, "pending", key=f"k{row}", routing="44308")


def serials(db: Path, run: str) -> list[int]:
    import sqlite3

    with sqlite3.connect(db) as con:
        return [r[0] for r in con.execute("SELECT serial FROM pieces WHERE run = ? ORDER BY row", (run,))]


def test_serials_are_unique_across_runs_and_kept_on_resume(tmp_path):
    imb = Imb("123456789", "040", "00")   # 6-digit serials
    db = tmp_path / "h.sqlite"
    hist = History(db)
    _run(hist, "a", DAY, 30)
    assert hist.allocate_serials("a", DAY, imb) == 30
    _run(hist, "b", DAY + dt.timedelta(days=10), 30)
    assert hist.allocate_serials("b", DAY + dt.timedelta(days=10), imb) == 30
    assert hist.allocate_serials("b", DAY + dt.timedelta(days=10), imb) == 0   # a resumed run keeps its serials
    a, b = serials(db, "a"), serials(db, "b")
    assert len(set(a + b)) == 60
    tracking = dict(hist.imb_in("b", [2]))[2]
    assert tracking == (b[0], imb.tracking(b[0]), "44308")
    hist.close()


def test_serials_wrap_round_skipping_those_used_within_45_days(tmp_path):
    imb = Imb("123456789", "040", "00")
    db = tmp_path / "h.sqlite"
    hist = History(db)
    _run(hist, "old", DAY, 3)
    hist.allocate_serials("old", DAY, imb)
    with hist.tx():   # pretend the counter has reached the top
        hist.db.execute("UPDATE pieces SET serial = 999999 WHERE run = 'old' AND row = 4")
    _run(hist, "new", DAY + dt.timedelta(days=20), 3)
    hist.allocate_serials("new", DAY + dt.timedelta(days=20), imb)
    assert serials(db, "old") == [0, 1, 999999] and serials(db, "new") == [2, 3, 4]
    hist.close()


def test_a_run_with_imb_records_each_piece_in_the_manifest(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("name,address1,city,state,zip\nAnn Smith,12 Main St,Springfield,IL,62704\n"
                      "Bo Lee,1 Elm St,Akron,OH,44308-1234\n", encoding="utf-8")
    out = tmp_path / "out"
    first = make_packets(CONTENT, people, out, letter=letter_with_imb(tmp_path), day=DAY)
    with open(first.folder / "manifest.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["imb_serial"], r["imb_tracking"], r["imb_routing"]) for r in rows] == [
        ("0", "00040123456000000000", "62704"), ("1", "00040123456000000001", "443081234")]
    again = make_packets(CONTENT, people, out, letter=letter_with_imb(tmp_path), day=DAY)
    assert again.skipped == 2 and again.built == 0   # same serials, same bytes
