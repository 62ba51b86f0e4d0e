"""Every bad input gets one clear, located message (issue 3): one test per case, exact text.

Each test writes the small valid content set of ``minimal_content`` into a temporary folder
(the working folder, so messages read ``content/...``), breaks one thing, and compares the
problems the loader reports with the exact lines a user sees.
"""

from __future__ import annotations

import io
import time

import pytest
from conftest import deadline
from minimal_content import BASICS, BRAND, GUIDE, REFERENCES, write_content
from pypdf import PdfReader

from guide.content import models as m
from guide.layout import _blocks as story
from guide.build import load, render_guide
from guide.cli import main
from guide.errors import ContentError, LayoutError
from guide.content import BuildOptions

HEAD = "id: basics\ntitle: The basics\nblocks:\n"
KINDS = "paragraph, bullets, checklist, callout, regimens, glossary, references"


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(root, **changes) -> list[str]:
    write_content(root, **changes)
    with pytest.raises(ContentError) as info:
        load("content")
    assert info.value.exit_code == 2
    return [str(p) for p in info.value.problems]


def test_the_minimal_content_is_valid(here):
    write_content(here)
    guide = load("content")
    assert [s.id for s in guide.sections] == ["basics", "words", "sources"]


# 1 ---------------------------------------------------------------------------------------------
def test_1_yaml_syntax_errors_keep_line_and_column(here):
    assert problems(here, sections__basics_yaml=HEAD + '  - paragraph: "never closed\n  - bullets: [a]\n') == [
        "content/sections/basics.yaml:6: YAML syntax error at column 1: found unexpected end of stream "
        "(while scanning a quoted scalar at line 4, column 16)"]
    assert problems(here, sections__basics_yaml=HEAD + "  - paragraph: Note: this breaks\n") == [
        "content/sections/basics.yaml:4: YAML syntax error at column 20: mapping values are not allowed here; "
        "if this is text with ': ' in it, put the whole text in quotes"]
    assert problems(here, sections__basics_yaml=HEAD + "\t- paragraph: hi\n") == [
        "content/sections/basics.yaml:4: YAML syntax error at column 1: "
        "found character '\\t' that cannot start any token"]
    assert problems(here, sections__basics_yaml=HEAD + "  - paragraph: bell\x07here\n") == [
        "content/sections/basics.yaml:4: character '\\x07' (U+0007) at column 20 is not allowed in YAML text; "
        "remove it"]
    assert problems(here, sections__basics_yaml=HEAD + "  - paragraph: caf\u00e9 \x85 ok \x9b no\n") == [
        "content/sections/basics.yaml:4: character '\\x9b' (U+009B) at column 26 is not allowed in YAML text; "
        "remove it"]


def test_1_the_refused_characters_are_pyyamls():
    """The loader's own character test refuses exactly what PyYAML's reader refuses, code point by code point."""
    import yaml

    from guide.content._yaml import NOT_YAML_TEXT

    def pyyaml_refuses(ch: str) -> bool:
        try:
            yaml.SafeLoader(ch).dispose()
        except yaml.reader.ReaderError:
            return True
        return False

    points = [*range(0x3000), *range(0xD700, 0xE100), *range(0xFF00, 0x10100), 0x1F600, 0x10FFFF]
    differ = [hex(cp) for cp in points if bool(NOT_YAML_TEXT.search(chr(cp))) != pyyaml_refuses(chr(cp))]
    assert differ == []
    # C0 controls but tab, LF and CR; DEL to U+0084; U+0086-U+009F; the surrogates; U+FFFE and U+FFFF
    assert sum(1 for cp in points if NOT_YAML_TEXT.search(chr(cp))) == 29 + 6 + 26 + 2048 + 2


# 2 ---------------------------------------------------------------------------------------------
def test_2_missing_key_wrong_type_and_empty_list(here):
    text = "id: basics\nblocks:\n  - paragraph: [a, b]\n  - bullets: []\nsubsections:\n  - id: more\n" \
           "    title: More\n    blocks: hello\n"
    assert problems(here, sections__basics_yaml=text) == [
        "content/sections/basics.yaml:1: title: required key is missing",
        "content/sections/basics.yaml:3: blocks[0].paragraph: must be text, not a list",
        "content/sections/basics.yaml:4: blocks[1].bullets: must not be empty",
        "content/sections/basics.yaml:8: subsections[0].blocks: must be a list, not text",
    ]


def test_2_an_empty_file(here):
    assert problems(here, references_yaml="# nothing yet\n", glossary_yaml="")[:2] == [
        "content/glossary.yaml: the file is empty",
        "content/references.yaml: the file is empty",
    ]


def test_2_a_wrong_date_is_named_by_the_loader(here):
    assert problems(here, guide_yaml=GUIDE.replace("2026-11-27", "2026-13-45")) == [
        "content/guide.yaml:6: '2026-13-45' is not a valid date"]
    assert problems(here, guide_yaml=GUIDE.replace("2026-11-27", "next week")) == [
        "content/guide.yaml:6: review.date: must be a date like 2026-11-27, not 'next week'"]


REVIEW = "review: {reviewed_by: {name: Bea Checker, credentials: MD}, date: 2026-11-27, next: 2099-11-27}"


@pytest.mark.parametrize("review, expected", [
    ("last_reviewed: 2026-11-27",
     ["content/guide.yaml:1: review: required key is missing",
      "content/guide.yaml:6: last_reviewed: was replaced by the review record; write review: {reviewed_by: "
      "{name, credentials} or null, date, next} (reviewed_by: null until a clinician has checked the facts)"]),
    ("review: {reviewed_by: {name: Dr X}, date: 2026-11-27, next: 2026-01-01, when: soon}",
     ["content/guide.yaml:6: review.when: unknown key 'when'; allowed keys: date, reviewed_by, next",
      "content/guide.yaml:6: review.reviewed_by.credentials: required key is missing",
      "content/guide.yaml:6: review.next: must come after review.date (2026-11-27), not 2026-01-01"]),
    ("review: {reviewed_by: null}", ["content/guide.yaml:6: review.date: required key is missing"]),
])
def test_2_the_review_record_is_checked_in_one_pass(here, review, expected):
    assert problems(here, guide_yaml=GUIDE.replace(REVIEW, review)) == expected


# 3 ---------------------------------------------------------------------------------------------
def test_3_unknown_key_and_block_kind_say_did_you_mean(here):
    text = "id: basics\ntitel: The basics\nblocks:\n  - paragrahp: Hello.\n  - chart: {}\n  - Just words\n"
    assert problems(here, sections__basics_yaml=text) == [
        "content/sections/basics.yaml:1: title: required key is missing",
        "content/sections/basics.yaml:2: titel: unknown key 'titel'; did you mean 'title'?",
        "content/sections/basics.yaml:4: blocks[0].paragrahp: unknown block kind 'paragrahp'; "
        "did you mean 'paragraph'?",
        f"content/sections/basics.yaml:5: blocks[1].chart: unknown block kind 'chart'; valid kinds: {KINDS}",
        f"content/sections/basics.yaml:6: blocks[2]: a block is a mapping with one key, the block kind ({KINDS}); "
        "got text; for a paragraph write '- paragraph: <text>'",
    ]


def test_3_enum_lists_valid_values_and_section_files_suggest(here):
    assert problems(here, sections__basics_yaml=BASICS.replace("evidence: phase-2", "evidence: phase-4")) == [
        "content/sections/basics.yaml:26: blocks[4].regimens.rows[0].evidence: must be one of: "
        "randomised-phase-3, phase-2, study (got 'phase-4'); did you mean 'phase-2'?"]
    assert problems(here, guide_yaml=GUIDE.replace("  - words\n", "  - wrods\n")) == [
        "content/guide.yaml:13: sections[1]: no file content/sections/wrods.yaml for section 'wrods'; "
        "did you mean 'words'?"]


# 4 ---------------------------------------------------------------------------------------------
def test_4_duplicate_section_ids_and_reference_keys(here):
    refs = REFERENCES + '  - key: alpha\n    text: "Alpha again."\n'
    assert problems(here, sections__basics_yaml=BASICS.replace("id: more", "id: words"), references_yaml=refs) == [
        "content/references.yaml:6: references[2].key: duplicate reference key 'alpha' (also at line 2)",
        "content/sections/words.yaml:1: id: duplicate section id 'words' (also at content/sections/basics.yaml:29)",
    ]


def test_4_the_reference_list_and_glossary_print_once(here):
    sources = "id: sources\ntitle: Sources\nblocks:\n  - references: {}\n  - glossary: {}\n  - references:\n"
    assert problems(here, sections__sources_yaml=sources) == [
        "content/sections/sources.yaml:5: blocks[1].glossary: the glossary can be printed only once "
        "(also at content/sections/words.yaml:4)",
        "content/sections/sources.yaml:6: blocks[2].references: the reference list can be printed only once "
        "(also at line 4)",
    ]


# 5 ---------------------------------------------------------------------------------------------
def test_5_unknown_citation_and_glossary_link(here):
    text = HEAD + '  - paragraph: "See [@gamma], [[pleurae]], [[liver]] and [[|pleura]]."\n'
    assert problems(here, sections__basics_yaml=text) == [
        "content/sections/basics.yaml:4: blocks[0].paragraph: citation [@gamma] names no reference in references.yaml",
        "content/sections/basics.yaml:4: blocks[0].paragraph: glossary link [[pleurae]] names no term in "
        "glossary.yaml; did you mean 'pleura'?",
        "content/sections/basics.yaml:4: blocks[0].paragraph: glossary link [[liver]] names no term in glossary.yaml",
        "content/sections/basics.yaml:4: blocks[0].paragraph: glossary link [[|pleura]] shows no words; "
        "write it as [[words to show|term]]",
    ]
    assert problems(here, sections__basics_yaml=BASICS.replace("refs: [beta]", "refs: [betta, [beta]]")) == [
        "content/sections/basics.yaml:27: blocks[4].regimens.rows[0].refs[0]: 'betta' names no reference in "
        "references.yaml; did you mean 'beta'?",
        "content/sections/basics.yaml:27: blocks[4].regimens.rows[0].refs[1]: must be a reference key, not a list",
    ]


def test_5_citations_and_links_need_their_list_printed(here):
    """Found by test_property: without these, ReportLab failed at save on an undefined destination."""
    assert problems(here, guide_yaml=GUIDE.replace("  - words\n", "").replace("  - sources\n", "")) == [
        "content/sections/basics.yaml:4: blocks[0].paragraph: citation [@alpha] needs the reference list, but no "
        "section prints it; add '- references: {}' to a section listed in guide.yaml",
        "content/sections/basics.yaml:4: blocks[0].paragraph: glossary link [[pleura]] needs the glossary, but no "
        "section prints it; add '- glossary: {}' to a section listed in guide.yaml",
    ]


# 6 ---------------------------------------------------------------------------------------------
def test_6_regimen_figures(here):
    text = (BASICS.replace("median_survival_months: 12.1", 'median_survival_months: "twelve"')
            .replace("response_rate_percent: 41.3", "response_rate_percent: 120"))
    assert problems(here, sections__basics_yaml=text) == [
        "content/sections/basics.yaml:24: blocks[4].regimens.rows[0].median_survival_months: "
        "must be a number or null, not text 'twelve'",
        "content/sections/basics.yaml:25: blocks[4].regimens.rows[0].response_rate_percent: "
        "must be at most 100 (got 120)",
    ]
    assert problems(here, sections__basics_yaml=BASICS.replace("median_survival_months: 12.1",
                                                               "median_survival_months: -3")) == [
        "content/sections/basics.yaml:24: blocks[4].regimens.rows[0].median_survival_months: "
        "must not be negative (got -3)"]


# 7 ---------------------------------------------------------------------------------------------
def test_7_characters_the_font_cannot_draw(here):
    text = HEAD + '  - paragraph: "We hope you feel better soon \U0001F600 and rest."\n'
    title = GUIDE.replace("title: Test Guide", "title: Test 指南")
    assert problems(here, sections__basics_yaml=text, guide_yaml=title) == [
        "content/guide.yaml:1: title: character '指' (U+6307 CJK UNIFIED IDEOGRAPH-6307, Han (Chinese characters) "
        'script) cannot be drawn by the fonts Atkinson Hyperlegible and Guide Sans, in "Test 指南"; write it in '
        "Latin letters or leave it out",
        "content/guide.yaml:1: title: character '南' (U+5357 CJK UNIFIED IDEOGRAPH-5357, Han (Chinese characters) "
        'script) cannot be drawn by the fonts Atkinson Hyperlegible and Guide Sans, in "Test 指南"; write it in '
        "Latin letters or leave it out",
        "content/sections/basics.yaml:4: blocks[0].paragraph: character '\U0001F600' (U+1F600 GRINNING FACE, emoji "
        'script) cannot be drawn by the fonts Atkinson Hyperlegible and Guide Sans, in "…ou feel better soon '
        '\U0001F600 and rest."; write it in Latin letters or leave it out',
    ]


# 8 ---------------------------------------------------------------------------------------------
def test_8_a_5000_character_word_in_a_paragraph_is_wrapped(here):
    word = "x" * 5000
    write_content(here, sections__basics_yaml=HEAD + f"  - paragraph: {word}\n")
    pdf, pages = render_guide(load("content"), BuildOptions())
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert pages == len(PdfReader(io.BytesIO(pdf)).pages)
    assert text.count("x") >= 5000  # every character is on a page, broken over lines


def test_8_a_5000_character_word_in_a_checklist_item_names_the_item(here):
    text = HEAD + "  - checklist:\n      id: a\n      title: T\n      items:\n        - " + "x" * 5000 + "\n"
    assert problems(here, sections__basics_yaml=text) == [
        "content/sections/basics.yaml:8: blocks[0].checklist.items[0]: a checklist item is at most 300 "
        "characters; split it into several items"]


def test_8_a_huge_table_cell_is_wrapped(here):
    drugs = ", ".join(f"Drug{i:02d}" + "d" * 74 for i in range(40))
    text = BASICS.replace("drugs: [Drug A, Drug B]", f"drugs: [{drugs}]").replace(
        "regimen: Drug A and drug B", "regimen: " + "R" * 200)
    write_content(here, sections__basics_yaml=text)
    pdf, pages = render_guide(load("content"), BuildOptions())
    joined = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert all(f"Drug{i:02d}" in joined for i in range(40))



def test_8_a_block_that_cannot_fit_names_its_section_and_path(here, monkeypatch):
    """ReportLab's raw 'Flowable ... too large' never reaches the user: the block is named."""
    from reportlab.platypus import Spacer

    real = story.RENDERERS[m.Paragraph]

    def giant(block, ctx):  # stands in for any flowable taller than a page that cannot split
        return [Spacer(1, 5000)] if m.plain(block.text) == "Short and plain." else real(block, ctx)

    monkeypatch.setitem(story.RENDERERS, m.Paragraph, giant)
    write_content(here)
    with pytest.raises(LayoutError) as info:
        render_guide(load("content"), BuildOptions(large_print=True))
    assert str(info.value) == (
        "section 'more' (sections/basics.yaml), subsections[0].blocks[0].paragraph: cannot be laid out in the "
        "large-print edition: it is too large for a page and cannot be split; shorten it or split it into "
        "several blocks")


LONG_BULLET = '        - bullets: ["' + " ".join(["words"] * 170) + '"]\n'
SIX_PARAGRAPHS = "".join(f"        - paragraph: Paragraph {i} {'text ' * 60}\n" for i in range(6))


@pytest.mark.parametrize("inside", [LONG_BULLET, SIX_PARAGRAPHS], ids=["one-long-bullet", "six-paragraphs"])
def test_8_a_callout_over_a_page_ends_in_a_pdf_or_a_named_block(here, inside):
    """ReportLab 5.1 re-splits such a callout (a one-column table split inside rows) without end:
    page after page for the bullet, on one page for the paragraphs. The build stops and says where."""
    write_content(here, sections__basics_yaml=HEAD + "  - callout:\n      title: T\n      blocks:\n" + inside)
    guide = load("content")
    start = time.perf_counter()
    with deadline(60, "layout still running"):
        try:
            pdf, pages = render_guide(guide, BuildOptions(large_print=True))
        except LayoutError as exc:
            assert str(exc) == (
                "section 'basics' (sections/basics.yaml), blocks[0].callout: cannot be laid out in the large-print "
                "edition: ReportLab keeps splitting it without ever fitting it on a page; shorten it or split it "
                "into several blocks")
        else:
            assert len(PdfReader(io.BytesIO(pdf)).pages) == pages
    assert time.perf_counter() - start < 30


# 9 ---------------------------------------------------------------------------------------------
def test_9_python_object_tags_are_refused(here):
    text = HEAD + '  - paragraph: !!python/object/apply:os.system ["touch hacked"]\n'
    assert problems(here, sections__basics_yaml=text) == [
        "content/sections/basics.yaml:4: YAML tag '!!python/object/apply:os.system' is not allowed; "
        "write plain text, numbers, lists and mappings"]
    assert not (here / "hacked").exists()


def test_9_billion_laughs_is_refused_quickly(here):
    names = [f"l{i}" for i in range(12)]
    lines = [f"{names[0]}: &{names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{b}: &{b} [" + ", ".join([f"*{a}"] * 10) + "]" for a, b in zip(names, names[1:], strict=False)]
    start = time.perf_counter()
    assert problems(here, sections__basics_yaml="\n".join(lines) + "\n") == [
        "content/sections/basics.yaml:1: YAML aliases (*name) are not allowed; write the value out"]
    assert time.perf_counter() - start < 2


# 10 --------------------------------------------------------------------------------------------
def test_10_paths_outside_the_content_folder_are_refused(here):
    assert problems(here, brand_yaml=BRAND + "logo: ../../etc/passwd\n") == [
        "content/brand.yaml:12: logo: '../../etc/passwd' points outside the content folder; put the file inside it"]
    assert problems(here, brand_yaml=BRAND + "logo: /etc/passwd\n") == [
        "content/brand.yaml:12: logo: '/etc/passwd' is an absolute path; give a path inside the content folder, "
        "like 'images/logo.png'"]
    (here / "outside.png").write_bytes(b"\x89PNG")
    write_content(here)
    (here / "content" / "logo.png").symlink_to(here / "outside.png")
    assert problems(here, brand_yaml=BRAND + "logo: logo.png\n") == [
        "content/brand.yaml:12: logo: 'logo.png' points outside the content folder; put the file inside it"]


# 11 --------------------------------------------------------------------------------------------
def test_11_an_output_folder_that_is_missing_is_created(here, capsys):
    write_content(here)
    assert main(["build", "--content", "content", "--out", "new/deeper/guide.pdf"]) == 0
    assert (here / "new" / "deeper" / "guide.pdf").read_bytes().startswith(b"%PDF-")
    assert "wrote new/deeper/guide.pdf" in capsys.readouterr().out


def test_11_an_unwritable_output_is_a_clear_error_with_exit_1(here, capsys):
    write_content(here)
    (here / "report.txt").write_text("a file, not a folder")
    assert main(["build", "--content", "content", "--out", "report.txt/guide.pdf"]) == 1
    assert capsys.readouterr().err == "error: cannot write report.txt/guide.pdf: report.txt is a file, not a folder\n"
    assert main(["build", "--content", "content", "--out", "/proc/guide.pdf"]) == 1
    assert capsys.readouterr().err == "error: cannot write in /proc: No such file or directory\n"


# the check command -----------------------------------------------------------------------------
def test_check_lists_every_problem_in_one_pass_with_exit_2(here, capsys):
    text = (BASICS.replace("title: The basics", "titel: The basics")
            .replace("evidence: phase-2", "evidence: phase-4").replace("[@alpha]", "[@alfa]"))
    write_content(here, sections__basics_yaml=text)
    assert main(["check", "--content", "content"]) == 2
    out = capsys.readouterr()
    assert out.err == (
        "content/sections/basics.yaml:1: title: required key is missing\n"
        "content/sections/basics.yaml:2: titel: unknown key 'titel'; did you mean 'title'?\n"
        "content/sections/basics.yaml:4: blocks[0].paragraph: citation [@alfa] names no reference in "
        "references.yaml; did you mean 'alpha'?\n"
        "content/sections/basics.yaml:26: blocks[4].regimens.rows[0].evidence: must be one of: "
        "randomised-phase-3, phase-2, study (got 'phase-4'); did you mean 'phase-2'?\n"
        "error: 4 problems in the content; nothing was written\n")
    assert "Traceback" not in out.err and out.out == ""


def test_check_debug_shows_a_traceback(here, capsys):
    write_content(here, sections__basics_yaml=BASICS.replace("title: The basics", "titel: The basics"))
    assert main(["check", "--content", "content", "--debug"]) == 2
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_check_clean_content_exits_0_and_notes_uncited_references(here, capsys):
    refs = REFERENCES + '  - key: gamma\n    text: "Gamma, C. (2003). Never cited."\n'
    write_content(here, references_yaml=refs)
    assert main(["check", "--content", "content"]) == 0
    out = capsys.readouterr()
    assert out.err == ""   # an uncited reference is information, not a push to cite it somewhere
    assert out.out.splitlines() == [
        "content OK: 4 sections, 2 glossary terms, 3 references",
        "reading grade (Flesch–Kincaid) of the whole guide: 0.3; target 8; 0 of 3 sections above it",
        "info: references listed but not cited: 3; that is fine for a reading list",
    ]


def test_check_warns_per_section_above_the_grade_target(here, capsys):
    hard = ("Pleurodesis necessitates intrapleural administration of sclerosing pharmacological "
            "agents, consequently obliterating the pleural space and preventing recurrent effusions.")
    text = BASICS.replace("Short and plain.", hard)
    write_content(here, sections__basics_yaml=text)
    assert main(["check", "--content", "content"]) == 0
    err = capsys.readouterr().err
    # 17 words, 1 sentence, 50 syllables (CMU dictionary): 0.39 * 17 + 11.8 * 50 / 17 - 15.59 = 25.7
    assert err == ("content/sections/basics.yaml:29: warning: subsections[0]: section 'more' reads at grade 25.7 "
                   "(target 8): 17 words in 1 sentence, 2.94 syllables a word\n")
    assert main(["check", "--content", "content", "--grade-target", "26"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["check", "--content", "content", "--grade-target", "0"]) == 2
    assert capsys.readouterr().err.startswith("--grade-target: must be a reading grade above 0, like 8; not 0\n")


def test_reading_grade_is_flesch_kincaid_from_library_counts():
    from guide.content import Grade, grade

    g = grade(["The cat sat on the mat.", "Mesothelioma"])  # a list item is a sentence of its own
    assert (g.words, g.sentences, g.syllables) == (7, 2, 12)  # me-so-the-li-o-ma: 6 syllables
    assert g.value == pytest.approx(0.39 * 7 / 2 + 11.8 * 12 / 7 - 15.59)
    assert Grade(0, 0, 0).value == 0.0


def test_a_failed_build_leaves_the_previous_pdf_alone(here):
    write_content(here)
    out = here / "out" / "guide.pdf"
    assert main(["build", "--content", "content", "--out", str(out)]) == 0
    before = out.read_bytes()
    write_content(here, sections__basics_yaml=BASICS.replace("title: The basics", "titel: The basics"))
    assert main(["build", "--content", "content", "--out", str(out)]) == 2
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["guide.pdf"]


# brand colours ---------------------------------------------------------------------------------
def test_brand_colours_too_pale_for_text_are_refused_with_their_contrast(here):
    pale = BRAND.replace('primary: {rgb: "#1f4e79"}', 'primary: {rgb: "#f2b134"}').replace(
        'text: {rgb: "#1a1a1a"}', 'text: {rgb: "#999999"}')
    assert problems(here, brand_yaml=pale) == [
        "content/brand.yaml:4: colours.primary: text in this colour on white has a contrast of 1.9:1; "
        "readers need at least 4.5:1 (choose a darker colour)",
        "content/brand.yaml:4: colours.primary: text in this colour on tint has a contrast of 1.7:1; "
        "readers need at least 4.5:1 (choose a darker colour)",
        "content/brand.yaml:6: colours.text: text in this colour on white has a contrast of 2.8:1; "
        "readers need at least 4.5:1 (choose a darker colour)",
        "content/brand.yaml:6: colours.text: text in this colour on tint has a contrast of 2.6:1; "
        "readers need at least 4.5:1 (choose a darker colour)",
    ]


def test_the_shipped_brand_colours_have_readable_contrast():
    from conftest import CONTENT

    from guide.content import MIN_CONTRAST, contrast

    brand = load(CONTENT).brand
    for role in ("text", "primary"):
        for ground in ("#ffffff", brand.colours["tint"].rgb):
            assert contrast(brand.colours[role].rgb, ground) >= MIN_CONTRAST


def test_text_of_invisible_characters_only_is_a_located_error(here):
    """A title that is a soft hyphen alone passes a strip() test but prints nothing (the property test found it)."""
    write_content(here, guide_yaml=GUIDE.replace("title: Test Guide", "title: \"\\u00ad\\u200b\""))
    with pytest.raises(ContentError) as err:
        load("content")
    assert [str(p) for p in err.value.problems] == [
        "content/guide.yaml:1: title: has no visible characters (only SOFT HYPHEN, ZERO WIDTH SPACE)"]
