"""guide diff: builds from edited copies of the content, each change reported by section with its pages."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import CONTENT, built

from guide.build import load, render_guide
from guide.cli import main
from guide.content import BuildOptions
from guide.diff import compare, read_doc

FIGURE = ("sections/chemotherapy.yaml", "median_survival_months: 11.4", "median_survival_months: 11.2")
SENTENCE = ("sections/clinical-trials.yaml",
            " Some clinical trials investigate the value of various treatment combinations for late-stage "
            "mesothelioma.", "")
REORDER = ("guide.yaml", "  - staging\n  - prognosis\n", "  - prognosis\n  - staging\n")


def edited(tmp_path_factory, *edits) -> bytes:
    root = tmp_path_factory.mktemp("content")
    shutil.copytree(CONTENT, root / "content")
    for file, old, new in edits:
        path = root / "content" / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (file, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return render_guide(load(root / "content"), BuildOptions())[0]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    old = built()[0]
    return old, edited(tmp_path_factory, FIGURE, SENTENCE, REORDER)


@pytest.fixture(scope="module")
def diff(pdfs):
    return compare(read_doc(pdfs[0]), read_doc(pdfs[1]))


def section(diff, title):
    return next(s for s in diff.sections if s["title"] == title)


def test_identical_builds_are_clean(tmp_path, capsys):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    a.write_bytes(built()[0])
    b.write_bytes(render_guide(load(CONTENT), BuildOptions())[0])
    assert main(["diff", str(a), str(b)]) == 0
    assert capsys.readouterr().out.strip() == "the same text"
    assert main(["diff", str(a), str(b), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["same_text"] is True and data["sections"] == [] and data["metadata"] == []


def test_one_figure_is_a_changed_table_cell_with_its_pages(diff):
    chemo = section(diff, "Chemotherapy options for stage IV")
    cells = [t for t in chemo["table"] if t["change"] == "cell"]
    assert cells == [{"change": "cell", "row": "Cisplatin and raltitrexed", "column": "Median survival (months)",
                      "old": "11.4", "new": "11.2", "old_page": cells[0]["old_page"],
                      "new_page": cells[0]["new_page"]}]
    assert cells[0]["old_page"] >= 7 and cells[0]["new_page"] >= 7


def test_one_removed_sentence_with_its_page(diff):
    trials = section(diff, "Clinical trials")
    removed = [c for c in trials["sentences"] if c["change"] == "removed"]
    assert [c["old"] for c in removed] == ["Some clinical trials investigate the value of various treatment "
                                           "combinations for late-stage mesothelioma."]
    assert removed[0]["old_page"] == trials["old_page"] and removed[0]["new_page"] is None
    assert [c for c in trials["sentences"] if c["change"] != "removed"] == []


def test_one_reordered_section_is_moved_with_its_pages(diff):
    moved = [s for s in diff.sections if s["change"] == "moved"]
    assert len(moved) == 1 and moved[0]["title"] in ("How stage IV is staged", "Prognosis and life expectancy")
    assert moved[0]["old_page"] and moved[0]["new_page"] and moved[0]["old_position"] != moved[0]["new_position"]
    assert not [s for s in diff.sections if s["change"] in ("added", "removed")]


def test_metadata_names_the_content_change(diff):
    assert [m["field"] for m in diff.metadata] == ["content_sha256"]


def test_cli_reports_each_change_and_exits_1(pdfs, tmp_path, capsys):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    a.write_bytes(pdfs[0])
    b.write_bytes(pdfs[1])
    assert main(["diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "\x1b[" not in out  # no colour when stdout is not a terminal
    assert "table 'Cisplatin and raltitrexed' / 'Median survival (months)': 11.4 -> 11.2" in out
    assert "- (old p. " in out and "late-stage mesothelioma." in out
    assert "moved from position" in out
    assert main(["diff", str(a), str(b), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["same_text"] is False and data["pages"]["old"] > 3


def test_word_level_highlighting_of_a_changed_sentence(tmp_path_factory):
    new = edited(tmp_path_factory, ("sections/clinical-trials.yaml",
                                    "Ask your doctor if you might qualify", "Ask your care team if you might qualify"))
    diff = compare(read_doc(built()[0]), read_doc(new))
    change = section(diff, "Clinical trials")["sentences"]
    assert [c["change"] for c in change] == ["changed"]
    assert [(w["op"], w["text"]) for w in change[0]["words"] if w["op"] != "="] == [("-", "doctor"),
                                                                                    ("+", "care team")]
    coloured = "\n".join(diff.lines(colour=True))
    assert "\x1b[31m[-doctor-]\x1b[0m\x1b[32m{+care team+}\x1b[0m" in coloured


@pytest.mark.parametrize("bad", [b"", b"not a pdf", None])
def test_unreadable_input_exits_2(bad, tmp_path, capsys):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    a.write_bytes(built()[0])
    if bad is not None:
        b.write_bytes(bad)
    assert main(["diff", str(a), str(b), "--json"]) == 2
    assert "error" in json.loads(capsys.readouterr().out)


def test_pages_compared_as_pictures(pdfs, tmp_path, capsys):
    pytest.importorskip("pypdfium2")
    from PIL import Image

    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    a.write_bytes(pdfs[0])
    b.write_bytes(pdfs[1])
    out = tmp_path / "pictures"
    assert main(["diff", str(a), str(b), "--pages", str(out), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    changed = data["changed_pages"]
    assert changed and all(c["areas"] >= 1 for c in changed)
    assert sorted(p.name for p in out.iterdir()) == [f"page-{c['page']:03d}.png" for c in changed]
    img = Image.open(changed[0]["png"])
    assert (220, 0, 0) in {img.getpixel((x, y)) for x in range(0, img.width, 2) for y in range(0, img.height, 2)}
    # the cover changes where it should: its "In this guide" list follows the reordered sections
    assert 1 in {c["page"] for c in changed}
    same = tmp_path / "same"
    assert main(["diff", str(a), str(a), "--pages", str(same)]) == 0
    assert "the pages look the same" in capsys.readouterr().out
