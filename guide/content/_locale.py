"""A content language tag (en-US, es-US) in; its Locale out: the interface words from guide/locales and Babel's dates and numbers.

The words are YAML, like the content, because they are few and each needs a comment saying
where it prints; a gettext catalogue would add a compile step and a second file format for
forty strings. Each locale file is read and checked once (lru_cache): it must hold every key
of en.yaml, no other, with the same {placeholders}; a mistake is a located ContentError.
Dates and numbers come from Babel's CLDR data (offline), for the content's tag exactly:
es-US writes 12.1 and es-ES 12,1.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from functools import lru_cache
from pathlib import Path

import msgspec

from .._resources import data_folder
from ..errors import ContentError, Problem
from ._yaml import line_of, load_file, quoted

REFERENCE = "en"  # the locale whose keys every other one must have


def locales_folder() -> Path:
    return data_folder("locales")


def available() -> tuple[str, ...]:
    """Languages with a locale file: ('en', 'es')."""
    return _languages_in(locales_folder())


@lru_cache(maxsize=None)  # the layout asks for the guide's words dozens of times a build
def _languages_in(folder: Path) -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in folder.glob("*.yaml")))


locale_languages = available  # the package's public name for it


class Locale(msgspec.Struct, frozen=True):
    """Interface words and formats for one content language tag."""

    tag: str                      # as the content writes it: es-US
    language: str                 # its locale file: es
    words: dict[str, str]         # the three dicts are not hashed (see __hash__)
    drugs: dict[str, str] = msgspec.field(default_factory=dict)  # English name -> this language's form
    desk: dict[str, str] = msgspec.field(default_factory=dict)   # the advocate desk's page words

    def __hash__(self) -> int:
        """The tag and language only (a dict has no hash); equality compares the words too."""
        return hash((self.tag, self.language))

    @property
    def babel(self) -> str:
        """Babel's name for the tag: en-US -> en_US."""
        return self.tag.replace("-", "_")

    def __call__(self, key: str, **values) -> str:
        """The words for ``key`` with its placeholders filled: loc('page_n_of_m', n=2, m=20)."""
        return self.words[key].format(**values) if values else self.words[key]

    def desk_words(self, key: str, **values) -> str:
        """The advocate desk's words for ``key`` (the locale file's ``desk`` group)."""
        return self.desk[key].format(**values) if values else self.desk[key]

    def date(self, day: dt.date) -> str:
        """A date as the guide prints it: November 27, 2026 / 27 de noviembre de 2026."""
        from babel.dates import format_date

        return format_date(day, "long", locale=self.babel)

    def number(self, value: float) -> str:
        """A figure as the source gives it (12.1, 13), in the locale's decimal mark."""
        from babel.numbers import format_decimal

        return format_decimal(value, format="#,##0.###", locale=self.babel)

    def figure(self, value: float | None, unit: str = "") -> str:
        """A regimen figure: 12.1, 41.3% (unit "%"), "12.1 months" (unit "months"), or an em
        dash where the source gives none."""
        if value is None:
            return "\u2014"
        number = self.number(value)
        if unit == "months":
            return self("months", value=number)
        return number + unit

    def evidence(self, kind: str, year: int | None) -> str:
        """The label of an evidence kind (models.Evidence value: randomised-phase-3, phase-2, study)."""
        if kind == "study":
            return self("evidence_study_year", year=year) if year else self("evidence_study")
        return self("evidence_" + kind.replace("-", "_"))

    def language_name(self, tag: str) -> str:
        """'English' / 'inglés' for a tag such as en-US."""
        key = "language_" + primary(tag)
        return self.words.get(key, tag)


def primary(tag: str) -> str:
    """The language of a tag: es-US -> es."""
    return tag.split("-")[0].lower()


def locale_for(tag: str) -> Locale:
    """The Locale of a content language tag; ContentError when no locale file serves it."""
    lang = primary(tag)
    if lang not in available():
        raise ContentError([Problem(str(locales_folder() / f"{lang}.yaml"), 0, "",
                                    f"no interface words for language {tag!r}; the guide has "
                                    + ", ".join(available()))])
    words, drugs, desk = _read(lang)
    return Locale(tag, lang, words, drugs, desk)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


GROUPS = ("words", "desk")  # the guide's interface words; the advocate desk's page


@lru_cache(maxsize=None)
def _read(lang: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Read and check one locale file (once per process): its words, drugs and desk words."""
    path = locales_folder() / f"{lang}.yaml"
    shown = f"guide/locales/{lang}.yaml"
    raw = load_file(path, shown)
    problems: list[Problem] = []
    reference = _read(REFERENCE) if lang != REFERENCE else None
    if not isinstance(raw, dict):
        raise ContentError([Problem(shown, line_of(raw), "", "must be a mapping with 'words'")])
    for key in raw:
        if key not in (*GROUPS, "drugs"):
            problems.append(Problem(shown, line_of(raw, key), str(key), "unknown key; a locale file has "
                                                                         "'words', 'desk' and 'drugs'"))
    groups = [_group(raw, group, shown, None if reference is None else reference[i], problems)
              for i, group in zip((0, 2), GROUPS)]
    drugs: dict[str, str] = {}
    raw_drugs = raw.get("drugs", {})
    if not isinstance(raw_drugs, dict):
        problems.append(Problem(shown, line_of(raw, "drugs"), "drugs", "must be a mapping of English name: form"))
    else:
        for name, form in raw_drugs.items():
            if not isinstance(form, str) or not re.match(r"^\w[\w -]*$", form):
                problems.append(Problem(shown, line_of(raw_drugs, name), f"drugs.{name}",
                                        f"must be a drug name, not {quoted(form)}"))
            else:
                drugs[str(name).lower()] = form
    if problems:
        raise ContentError(problems)
    return groups[0], drugs, groups[1]


def _group(raw: dict, group: str, shown: str, reference: dict[str, str] | None,
           problems: list[Problem]) -> dict[str, str]:
    """One mapping of key: text, checked against the same group of en.yaml (keys and placeholders)."""
    words = raw.get(group)
    if not isinstance(words, dict):
        problems.append(Problem(shown, line_of(raw, group), group, "must be a mapping of key: text"))
        return {}
    out: dict[str, str] = {}
    for key, text in words.items():
        path_ = f"{group}.{key}"
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(shown, line_of(words, key), path_, f"must be text, not {quoted(text)}"))
            continue
        try:
            names = _fields(text)
        except ValueError as exc:
            problems.append(Problem(shown, line_of(words, key), path_, f"unbalanced braces: {exc}"))
            continue
        if reference is not None:
            if key not in reference:
                problems.append(Problem(shown, line_of(words, key), path_, f"not a key of {REFERENCE}.yaml"))
                continue
            want = _fields(reference[key])
            if names != want:
                problems.append(Problem(shown, line_of(words, key), path_,
                                        "must use the placeholders " + (", ".join(f"{{{n}}}" for n in sorted(want))
                                                                        or "(none)")
                                        + f" as {REFERENCE}.yaml does, not "
                                        + (", ".join(f"{{{n}}}" for n in sorted(names)) or "none")))
                continue
        out[str(key)] = text
    for key in reference or ():
        if key not in words:
            problems.append(Problem(shown, line_of(raw, group), f"{group}.{key}",
                                    f"missing (every locale needs each key of {REFERENCE}.yaml)"))
    return out
