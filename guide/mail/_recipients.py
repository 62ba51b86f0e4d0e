"""A recipients CSV in (streamed, common header spellings); per row a Job to build or the reasons it cannot be, out."""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

import msgspec

from ..content import MAX_ADVOCATE, MAX_NAME, PAPERS, BuildOptions
from ..content import models as m
from ..errors import ContentError, Problem
from ..layout import font_problem
from ._csvin import Oversized, header_only, read_rows  # noqa: F401 (re-exported)
from ._letter_spec import LetterRecipient, LetterSpec, Signer, address_problem, usps_text

FORMAT = 3                 # bump when packet bytes change for the same inputs (forces rebuilds)
MAX_FIELD = 200            # characters in any one cell

# ---- the recipients file ------------------------------------------------------------------

# Each field and the header spellings a spreadsheet export uses for it (after lower-casing
# and turning every run of other characters into "_": "Address Line 1" -> address_line_1).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full_name", "fullname", "recipient", "recipient_name", "addressee",
             "contact_name", "mailing_name"),
    "first_name": ("first_name", "firstname", "first", "given_name"),
    "last_name": ("last_name", "lastname", "last", "surname", "family_name"),
    "address1": ("address1", "address_1", "address_line_1", "address_line1", "addressline1", "address",
                 "street", "street_address", "street1", "street_1", "line1", "line_1", "mailing_address"),
    "address2": ("address2", "address_2", "address_line_2", "address_line2", "addressline2",
                 "street2", "street_2", "line2", "line_2", "apt", "suite", "unit"),
    "address3": ("address3", "address_3", "address_line_3", "address_line3", "addressline3",
                 "street3", "street_3", "line3", "line_3"),
    "city": ("city", "town", "city_town", "locality"),
    "state": ("state", "st", "state_code", "state_province", "province", "region"),
    "zip": ("zip", "zip_code", "zipcode", "postal_code", "postalcode", "postcode", "zip_postal_code",
            "zip4", "zip_4", "zip_plus_4"),
    "edition": ("edition", "format", "guide_edition", "print_edition", "large_print"),
    "paper": ("paper", "paper_size", "page_size"),
    "sections": ("sections", "section_ids", "topics"),
    "advocate": ("advocate", "signer", "advocate_name", "signed_by"),
    "country": ("country", "country_code"),
    "language": ("language", "lang", "preferred_language", "idioma"),
}
REQUIRED = ("name", "address1", "city", "state", "zip")
ADDRESS_FIELDS = ("address1", "address2", "address3")

# USPS two-letter codes: the states, DC, the territories, the freely associated states and
# the military "states" (AA, AE, AP).
STATES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI", "FM", "MH", "PW", "AA", "AE", "AP",
))
STATE_NAMES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS",
    "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA",
    "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT",
    "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM",
    "NEW YORK": "NY", "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK",
    "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC",
    "SOUTH DAKOTA": "SD", "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT",
    "VIRGINIA": "VA", "WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
    "DISTRICT OF COLUMBIA": "DC", "PUERTO RICO": "PR", "GUAM": "GU", "AMERICAN SAMOA": "AS",
    "US VIRGIN ISLANDS": "VI", "VIRGIN ISLANDS": "VI", "NORTHERN MARIANA ISLANDS": "MP",
}
US_NAMES = frozenset({"US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA"})
LARGE = frozenset({"large print", "large-print", "large_print", "large", "lp", "yes", "y", "true", "1", "x"})
STANDARD = frozenset({"", "standard", "regular", "normal", "no", "n", "false", "0"})
ZIP5 = re.compile(r"\d{5}")
ZIP9 = re.compile(r"(\d{5})-?(\d{4})")


def header_key(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def map_header(header: list[str], file: str) -> dict[str, int]:
    """Field -> column index; ContentError (line 1) for missing or doubled fields."""
    by_key = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
    columns: dict[str, int] = {}
    problems = []
    for i, raw in enumerate(header):
        name = by_key.get(header_key(raw))
        if name is None:
            continue
        if name in columns:
            problems.append(Problem(file, 1, "header", f"columns {header[columns[name]]!r} and {raw!r} "
                                    f"both give the {name}; keep one"))
            continue
        columns[name] = i
    missing = [f for f in REQUIRED if f not in columns
               and not (f == "name" and "first_name" in columns and "last_name" in columns)]
    if missing:
        shown = ", ".join(repr(h) for h in header) or "nothing"
        problems.append(Problem(file, 1, "header", f"missing column{'s' if len(missing) > 1 else ''} "
                                f"{', '.join(missing)} (found {shown}); see 'packet --help' for the names accepted"))
    if problems:
        raise ContentError(problems)
    return columns


class Job(NamedTuple):
    """One good row, ready to build (small and picklable: it crosses to the workers)."""

    row: int
    who: LetterRecipient
    edition: BuildOptions
    file: str
    inputs: str
    key: str = ""      # who this is, for duplicates and earlier mailings (recipient_key)
    notes: str = ""    # repairs made to the row, for the manifest


class Checked(msgspec.Struct):
    row: int
    cells: list[str]
    job: Job | None = None
    reasons: list[str] = msgspec.field(default_factory=list)


class RowChecker:
    """Turns one CSV row into a Job, or the reasons it cannot be mailed."""

    def __init__(self, guide: m.Guide, spec: LetterSpec, fingerprint: str):
        self.sections = [s.id for s in guide.sections]
        self.language = guide.language
        self.spec = spec
        self.fingerprint = fingerprint

    def check(self, row: int, cells: list[str], columns: dict[str, int], width: int) -> Checked:
        out = Checked(row, cells)
        why = out.reasons
        if isinstance(cells, Oversized):
            why.append(cells.reason)
            return out
        notes: list[str] = []
        if any(c.strip() for c in cells[width:]):
            why.append(f"the row has {len(cells)} cells but the header has {width} columns")
            return out

        def cell(name: str) -> str:
            i = columns.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        for name, i in columns.items():
            if i < len(cells) and len(cells[i]) > MAX_FIELD:
                why.append(f"{name} is {len(cells[i])} characters long; at most {MAX_FIELD}")
        if why:
            return out
        name = _one_line(cell("name"))
        if not name and "name" not in columns:
            name = _one_line(f"{cell('first_name')} {cell('last_name')}")
        if not name:
            why.append("name is missing")
        elif len(name) > MAX_NAME:
            why.append(f"name is {len(name)} characters long; at most {MAX_NAME}")
        elif font_problem(name):
            why.append(f"name: {font_problem(name)}")
        lines: list[str] = []
        for f in ADDRESS_FIELDS:
            for part in _cell_lines(cell(f)):
                line = usps_text(part)
                if line:
                    lines.append(line)
        if not _cell_lines(cell("address1")):
            why.append("address1 (the street address) is missing")
        city = usps_text(_one_line(cell("city")))
        if not city:
            why.append("city is missing")
        state = self._state(cell("state"), why, notes)
        zip_code = self._zip(cell("zip"), state, why, notes)
        country = usps_text(cell("country"))
        if country and country not in US_NAMES:
            why.append(f"country {cell('country').strip()!r}: only US addresses can be mailed in this run")
        edition = self._edition(cell, why)
        wrong_language = language_problem(cell("language"), self.language)
        if wrong_language:
            why.append(wrong_language)
        signer = None
        advocate = _one_line(cell("advocate"))
        if advocate:
            if len(advocate) > MAX_ADVOCATE:
                why.append(f"advocate is {len(advocate)} characters long; at most {MAX_ADVOCATE}")
            elif font_problem(advocate):
                why.append(f"advocate: {font_problem(advocate)}")
            else:
                signer = _signer(advocate, self.spec.signer.role)
        if why:
            # a repair is only made on a row that is mailed; on a rejected one it is a hint
            why.extend(n.hint for n in notes if n.hint)
            return out
        name_line = usps_text(name)
        if not name_line:
            why.append("the name has no letters or digits to print on the envelope")
            return out
        block = (name_line, *lines, f"{city} {state} {zip_code}")
        for line in block:
            bad = font_problem(line)
            if bad:
                why.append(f"address line {line!r}: {bad}")
                return out
        fit = address_problem(block, self.spec)
        if fit:
            why.append(fit)
            return out
        edition = BuildOptions(paper=edition.paper, large_print=edition.large_print,
                               sections=edition.sections, advocate=advocate or None)
        who = LetterRecipient(name, block, signer)
        file = f"{row:06d}-{file_slug(name)}.pdf"
        inputs = hashlib.sha256(repr((FORMAT, self.fingerprint, who, edition, file)).encode()).hexdigest()[:32]
        key = recipient_key(name, lines[0], zip_code)
        out.job = Job(row, who, edition, file, inputs, key, "; ".join(n.note for n in notes))
        return out

    @staticmethod
    def _state(raw: str, why: list[str], notes: list[Repair]) -> str:
        state = usps_text(raw).replace(" ", "")
        if not state:
            why.append("state is missing")
        elif state not in STATES:
            full = STATE_NAMES.get(usps_text(raw))
            if full:   # the full name of exactly one state: cannot be wrong
                notes.append(Repair(f"state {raw.strip()!r} -> {full}",
                                    f"state {raw.strip()!r}: write the two-letter code {full!r}"))
                return full
            else:
                why.append(f"state {raw.strip()!r} is not a two-letter US state or territory code (e.g. OH, DC, PR)")
        return state

    @staticmethod
    def _zip(raw: str, state: str, why: list[str], notes: list[Repair]) -> str:
        z = "".join(raw.split())
        if not z:
            why.append("ZIP code is missing")
        elif ZIP5.fullmatch(z):
            return z
        elif ZIP9.fullmatch(z):
            a, b = ZIP9.fullmatch(z).groups()
            return f"{a}-{b}"
        elif z.isdigit() and len(z) == 4 and zip3_state(z.zfill(5)) == state:
            # the leading zero a spreadsheet drops; only where the padded ZIP lies in that state
            notes.append(Repair(f"ZIP {z!r} -> {z.zfill(5)!r}", ""))
            return z.zfill(5)
        elif z.isdigit() and len(z) in (3, 4):
            why.append(f"ZIP code {z!r} has {len(z)} digits; a spreadsheet may have dropped leading zeros "
                       f"(format the column as text, e.g. {z.zfill(5)!r})")
        else:
            why.append(f"ZIP code {raw.strip()!r} must be 5 digits or ZIP+4 (12345 or 12345-6789)")
        return z

    def _edition(self, cell, why: list[str]) -> BuildOptions:
        value = " ".join(cell("edition").lower().split())
        large = False
        if value in LARGE:
            large = True
        elif value not in STANDARD:
            why.append(f"edition {cell('edition').strip()!r} must be 'standard' or 'large print'")
        paper = cell("paper").strip().lower().replace("us letter", "letter") or "letter"
        if paper not in PAPERS:
            why.append(f"paper {cell('paper').strip()!r} must be one of: {', '.join(PAPERS)}")
            paper = "letter"
        sections = None
        ids = [s for s in re.split(r"[\s,;|]+", cell("sections").strip()) if s]
        if ids:
            unknown = [s for s in ids if s not in self.sections]
            if unknown:
                why.append(f"no section {', '.join(map(repr, unknown))}; choose from: {', '.join(self.sections)}")
            else:
                sections = tuple(s for s in self.sections if s in ids)   # content order: one edition per set
        return BuildOptions(paper=paper, large_print=large, sections=sections)


def language_problem(value: str, run_language: str) -> str | None:
    """Why a row's language cell (es, es-US, Spanish, español) does not match the edition this run
    mails: one run per language (`guide packet --language es` mails content/es with its own letter)."""
    from ..content import locale_for, locale_languages

    asked = " ".join(value.split()).lower()
    if not asked:
        return None
    names = {locale_for(shown_in).language_name(lang).lower(): lang
             for shown_in in locale_languages() for lang in locale_languages()}
    lang = names.get(asked) or asked.split("-")[0]
    if lang == locale_for(run_language).language:
        return None
    return (f"language {value.strip()!r}: this run mails the {run_language} edition; mail these rows in a run "
            f"of their own with --language {lang}")


class Repair(NamedTuple):
    note: str   # in the manifest's notes column when the row is mailed
    hint: str   # in the reasons when the row is rejected for something else ("" for none)


def recipient_key(name: str, address1: str, zip_code: str) -> str:
    """Who a row is: the name NFC-normalised, case-folded and whitespace-collapsed, the USPS form
    of the first address line (upper case, punctuation dropped) and the ZIP5. An apartment on a
    second line is not part of it: the same person at the same street address is one person."""
    who = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    return f"{who}|{usps_text(address1)}|{zip_code[:5]}"


@functools.cache
def _zip3_table() -> dict[str, str]:
    table: dict[str, str] = {}
    text = (Path(__file__).with_name("zip3.csv")).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    for rec in csv.DictReader(lines):
        for n in range(int(rec["zip3_from"]), int(rec["zip3_to"]) + 1):
            table[f"{n:03d}"] = rec["state"]
    return table


def zip3_state(zip5: str) -> str | None:
    """The state a ZIP's three-digit prefix is allocated to (only prefixes starting with 0 are listed)."""
    return _zip3_table().get(zip5[:3])


def _one_line(text: str) -> str:
    """A cell as one line: NFC (decomposed accents, as macOS and some web forms send them, composed),
    control characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text)
    if text.isprintable():   # no control characters (most cells)
        return " ".join(text.split())
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch in "\n\t").split())


def _cell_lines(text: str) -> list[str]:
    """A multi-line cell (Alt+Enter in a spreadsheet) gives several address lines."""
    return [line for line in (_one_line(part) for part in text.replace("\r", "\n").split("\n")) if line]


def _signer(advocate: str, role: str | None) -> Signer:
    """'NAME, PHONE' (as --advocate takes it) -> Signer; without a phone-like tail, all of it is the name."""
    name, _, tail = advocate.rpartition(",")
    if name.strip() and sum(ch.isdigit() for ch in tail) >= 7:
        return Signer(name.strip(), role, tail.strip())
    return Signer(advocate, role)


def file_slug(name: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-") or "recipient"
