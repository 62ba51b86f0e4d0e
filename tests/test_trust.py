"""Content you can trust (issue 22): citations only where supported, the review record, the regimen table's notes
and the PEMAT-P report."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from minimal_content import GUIDE, write_content
from pypdf import PdfReader

from guide.build import load, render_guide
from guide.cli import main
from guide.content import DEFAULT_CONTENT, BuildOptions, load_guide, pemat, review_status, section_grades
from guide.content import models as m
from guide.layout import review_lines

REVIEWED = "review: {reviewed_by: {name: Bea Checker, credentials: MD}, date: 2026-11-27, next: 2099-11-27}"

# the nine paragraphs the source ties to no reference (English openings; the Spanish mirror is paired by position)
AUDITED = [
    ("overview", "At stage IV, tumors have spread"),
    ("overview", "For people diagnosed at this stage"),
    ("symptoms", "Symptoms of stage IV affect the lungs"),
    ("symptoms", "Some patients suffer from"),
    ("staging", "Despite minor differences between these staging systems"),
    ("prognosis", "At stage IV the cancer is likely to continue to spread"),
    ("prognosis", "The median survival for stage IV mesothelioma is 12 months"),
    ("prognosis", "Mesothelioma is considered a"),
    ("prognosis", "Prognostic factors associated with better survival include"),
]
# statements a reference's title ties to them, and that reference
SUPPORTED = [
    ("chemotherapy", "Cisplatin and gemcitabine followed by", "pinto-2006"),
    ("chemotherapy", "Cisplatin and raltitrexed", "van-meerbeeck-2005"),
    ("chemotherapy", "Cisplatin and gemcitabine (median", "kalmadi-2007"),
    ("chemotherapy", "Vinorelbine and oxaliplatin", "fennell-2005"),
    ("palliative-procedures", "For these procedures, a doctor numbs", "acs-palliative"),
    ("treatment", "Stage IV tumors have spread to the degree", "acs-extent"),
    ("chemotherapy-overview", "Doctors often treat stage IV cases", "acs-diagnosis"),
]


@pytest.fixture()
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _runs(guide: m.Guide):
    """(section id, index in the section, inline run) for every paragraph and list item."""
    for _, section in guide.all_sections():
        i = 0
        for s, block in guide.blocks():
            if s is not section or isinstance(block, m.RegimenTable):
                continue
            for run in m.inline_runs(block):
                yield section.id, i, run
                i += 1


def _cites(run: m.Inline) -> set[str]:
    return {k for s in run if isinstance(s, m.Cite) for k in s.keys}


@pytest.fixture(scope="module")
def en() -> m.Guide:
    return load_guide(DEFAULT_CONTENT)


@pytest.fixture(scope="module")
def es() -> m.Guide:
    return load_guide(DEFAULT_CONTENT / "es")


def _find(guide: m.Guide, section: str, opening: str) -> m.Inline:
    found = [run for sid, _, run in _runs(guide) if sid == section and m.plain(run).startswith(opening)]
    assert len(found) == 1, (section, opening, len(found))
    return found[0]


@pytest.mark.parametrize("section, opening", AUDITED)
def test_the_audited_paragraphs_cite_nothing(en, section, opening):
    assert _cites(_find(en, section, opening)) == set()


@pytest.mark.parametrize("section, opening, key", SUPPORTED)
def test_statements_a_reference_supports_keep_their_citation(en, section, opening, key):
    assert key in _cites(_find(en, section, opening))


def test_spanish_cites_the_same_references_in_the_same_places(en, es):
    where = lambda g: [(sid, i, sorted(_cites(run))) for sid, i, run in _runs(g) if _cites(run)]  # noqa: E731
    assert where(en) == where(es)
    assert [[r.refs for r in t.rows] for _, t in en.blocks() if isinstance(t, m.RegimenTable)] == \
           [[r.refs for r in t.rows] for _, t in es.blocks() if isinstance(t, m.RegimenTable)]
    assert [s.sources for _, s in en.all_sections()] == [s.sources for _, s in es.all_sections()]


def test_staging_lists_its_sources_for_the_section_as_a_whole(en):
    staging = next(s for s in en.sections if s.id == "staging")
    assert staging.sources == ("acs-staging", "rice", "accp-1995")
    assert [s.id for _, s in en.all_sections() if s.sources] == ["staging"]


def test_the_regimen_caption_quotes_the_source(en):
    (table,) = [b for _, b in en.blocks() if isinstance(b, m.RegimenTable)]
    quote = re.search("\u201c(.+?)\u201d", table.caption).group(1)
    assert quote == ("no randomized studies directly compare cisplatin and pemetrexed with other "
                     "platinum-based chemotherapy regimens.")
    assert "studies this guide cites" not in table.caption


# ---- the review record ---------------------------------------------------------------------------

def test_next_defaults_to_24_months_and_keeps_the_day_where_it_can():
    assert m.add_months(dt.date(2026, 11, 27), 24) == dt.date(2028, 11, 27)
    assert m.add_months(dt.date(2024, 2, 29), 24) == dt.date(2026, 2, 28)
    assert m.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


NEXT = dt.date(2028, 11, 27)


@pytest.mark.parametrize("today, overdue", [
    (NEXT - dt.timedelta(days=365), False),
    (NEXT - dt.timedelta(days=1), False),
    (NEXT, False),                          # due on the day, not yet overdue
    (NEXT + dt.timedelta(days=1), True),
    (NEXT + dt.timedelta(days=900), True),
])
def test_a_review_is_overdue_only_after_next(tmp_path, today, overdue):
    review = "review: {reviewed_by: {name: Bea Checker, credentials: MD}, date: 2026-11-27}"
    content = write_content(tmp_path, guide_yaml=GUIDE.replace(REVIEWED, review))
    problem = review_status(content, today)
    if overdue:
        assert problem is not None and problem.path == "review.next" and problem.line == 6
        assert problem.message == ("the medical review of 27 November 2026 was due again on 27 November 2028 "
                                   "(review.next)")
    else:
        assert problem is None


def test_check_build_and_packet_warn_about_an_overdue_review(here, capsys):
    content = write_content(here, guide_yaml=GUIDE.replace(REVIEWED, REVIEWED.replace("2099-11-27", "2020-01-01")
                                                            .replace("2026-11-27", "2019-01-01")))
    line = ("content/guide.yaml:6: warning: review.next: the medical review of 1 January 2019 was due again on "
            "1 January 2020 (review.next)\n")
    assert main(["check", "--content", str(content)]) == 0
    assert capsys.readouterr().err == line
    assert main(["build", "--content", str(content), "--out", "g.pdf"]) == 0   # it still builds
    assert capsys.readouterr().err == line


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_guide_no_one_reviewed_never_says_reviewed_except_not_yet(en):
    assert en.review.reviewed_by is None
    text = " ".join(_pdf_text(render_guide(en, BuildOptions())[0]).split())
    assert text.count("Not yet medically reviewed") >= 3     # cover, About, back cover and every footer
    assert "Content date: 27 November 2026; sources 1995\u20132015" in text
    rest = text.replace("Not yet medically reviewed", "")
    assert "reviewed" not in rest.lower()


def test_a_named_reviewer_is_printed_with_credentials_and_date(here):
    guide = load(write_content(here))
    assert review_lines(guide) == ("Medically reviewed by Bea Checker, MD on 27 November 2026",)
    text = " ".join(_pdf_text(render_guide(guide, BuildOptions())[0]).split())
    assert text.count("Medically reviewed by Bea Checker, MD on 27 November 2026") == 3   # cover, About, back
    assert "Not yet" not in text and "Reviewed 27 November 2026" in text               # the footer's short form


def _packet(content, here) -> list[str]:
    csv = here / "r.csv"
    csv.write_text("name,address1,city,state,zip\nAnn Lee,1 Elm Rd,Boston,MA,02134\n", encoding="utf-8")
    return ["packet", "--content", str(content), "--recipients", str(csv), "--out", str(here / "out"),
            "--letter", str(DEFAULT_CONTENT / "letter.yaml"), "--jobs", "1", "--require-review"]


@pytest.mark.parametrize("review, why", [
    ("review: {reviewed_by: null, date: 2026-11-27}",
     "content/guide.yaml:6: review.reviewed_by: --require-review: not mailing: not yet medically reviewed "
     "(review.reviewed_by names no one)"),
    ("review: {reviewed_by: {name: Bea Checker, credentials: MD}, date: 2019-01-01}",
     "content/guide.yaml:6: review.next: --require-review: not mailing: the medical review of 1 January 2019 "
     "was due again on 1 January 2021 (review.next)"),
])
def test_require_review_refuses_and_names_why(here, capsys, review, why):
    content = write_content(here, guide_yaml=GUIDE.replace(REVIEWED, review))
    assert main(_packet(content, here)) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == why
    assert not (here / "out").exists()   # nothing was written


def test_require_review_mails_reviewed_content(here, capsys):
    content = write_content(here)
    assert main(_packet(content, here)) == 0
    out = capsys.readouterr()
    # stderr carries only the run's progress lines (no terminal here), no review warning
    assert all(line.startswith("packets: ") for line in out.err.splitlines()), out.err
    assert out.out.startswith("built 1, rejected 0")


# ---- PEMAT-P -------------------------------------------------------------------------------------

def _verdicts(report) -> dict[int, str]:
    return {r.number: r.verdict for r in report.ratings}


def test_pemat_lists_17_understandability_and_7_actionability_items(en):
    report = pemat(en, [])
    numbers = [r.number for r in report.ratings]
    assert numbers == [*range(1, 13), *range(15, 27)]
    assert sum(r.domain == "understandability" for r in report.ratings) == 17
    assert sum(r.domain == "actionability" for r in report.ratings) == 7


def test_pemat_on_the_default_guide(en):
    report = pemat(en, section_grades(en, DEFAULT_CONTENT))
    assert _verdicts(report) == {
        1: "person", 2: "person", 3: "person", 4: "agree", 5: "person", 6: "disagree", 7: "person",
        8: "disagree", 9: "agree", 10: "person", 11: "agree", 12: "agree", 15: "person", 16: "N/A",
        17: "N/A", 18: "N/A", 19: "disagree", 20: "agree", 21: "agree", 22: "agree", 23: "agree",
        24: "person", 25: "person", 26: "person"}
    assert report.score("understandability") == (4, 7) and report.score("actionability") == (4, 4)
    by = {r.number: r.evidence for r in report.ratings}
    assert by[6].startswith("18 numbers; 6 with decimals (8.8, 9.3, 11.4, 12.1, 16.7, 41.3)")
    assert by[11] == "summary box: 'Key points'"
    assert "longest 'staging'" in by[8]
    lines = report.lines()
    assert len(lines) <= 80 and lines[-1].split()[1] == "glossary"   # one page, grades per section


POOR = """\
id: basics
title: The basics
blocks:
  - paragraph: "Pleurodesis obliterates the pleural space. Response was 41.3 percent at 12.1 months."
  - paragraph: "Patients should discuss options with their physicians."
"""


def test_pemat_on_a_poor_guide(here):
    words = "id: words\ntitle: Words to know\nblocks:\n  - glossary: {}\n"
    guide = load(write_content(here, sections__basics_yaml=POOR, sections__words_yaml=words,
                               glossary_yaml="terms:\n  - {id: pleura, term: Pleura, definition: A lining.}\n"))
    report = pemat(guide, [])
    v = _verdicts(report)
    assert v[4] == "disagree"          # a glossary no text links to
    assert v[6] == "disagree"          # decimals and a percentage
    assert v[8] == v[9] == v[11] == "N/A"   # very short material
    assert v[19] == "N/A"              # no tables
    assert [v[n] for n in (20, 21, 22, 23)] == ["disagree"] * 4   # no action, no "you", no steps, no tool
    assert report.score("actionability") == (0, 4)


def test_check_pemat_prints_the_report(here, capsys):
    write_content(here)
    assert main(["check", "--content", "content", "--pemat"]) == 0
    out = capsys.readouterr().out
    assert "PEMAT-P (AHRQ Patient Education Materials Assessment Tool, print)" in out
    assert "Reading grade (Flesch\u2013Kincaid) by section:" in out
    assert "  23 [agree] " in out and "  5 [person] " in out   # the fixture's checklist; voice is for a person
