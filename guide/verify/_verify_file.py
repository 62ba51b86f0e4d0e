"""PDF bytes, the content and the options given on the command line in; a Report that goes by the build record out.

The file says how it was built (content._record); options given override the record, and a given
option that contradicts it is one failed ``built-with`` check, the rest skipped (not a cascade of
failures from checking the wrong edition). Guides, packets (letter + guide) and print files are
recognised from the record's kind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from msgspec.structs import replace

from ..content import BuildOptions, edition_record, options_of
from ..content import models as m
from ._checks_content import check_checklists, check_glossary, check_references, check_regimens, check_text
from ._checks_document import check_contents, check_covers, check_file, check_footer, check_page_count, check_page_size
from ._checks_objects import check_fonts
from ._inspect import Inspection
from ._pdffile import _captured_pypdf_log, _PdfFile
from ._record import read_record
from ._report import Check, Report, _pages_label, short, skip
from ._verify import CHECKS, run_check, verify_inspection

if TYPE_CHECKING:  # the letter checks are imported for a packet or a print file only
    from ._checks_letter import LetterExpect

# Options as the CLI names them -> edition record keys
FLAGS = {"paper": "--paper", "large_print": "--large-print", "sections": "--sections", "for": "--for",
         "advocate": "--advocate", "print": "--print", "cmyk": "--cmyk"}
# The print file keeps only what printing needs (no links, form fields, outline or per-packet info)
PRINT_GUIDE_CHECKS = {"page-size": check_page_size, "page-count": check_page_count, "covers": check_covers,
                      "contents": check_contents, "text": check_text, "checklists": check_checklists,
                      "regimens": check_regimens, "glossary": check_glossary, "references": check_references,
                      "fonts": check_fonts, "footer": check_footer}


def verify_file(pdf: bytes, guide: m.Guide, given: dict | None = None, *, rebuild: bool = False,
                accessibility: bool = False, letter: LetterExpect | Callable[[], LetterExpect | None] | None = None,
                source: _PdfFile | None = None) -> Report:
    """Every check that applies to this file, going by its build record; ``given`` maps edition record keys
    (paper, large_print, sections, for, advocate, print, cmyk) to the values given on the command line.

    ``letter``: what the cover letters promise, or a function that reads it (called only for a packet or a
    print file); ``source``: a reading of these same bytes already made (its parse is reused)."""
    given = dict(given or {})
    f = _PdfFile(pdf, source=source) if source is not None else _PdfFile(pdf)
    start = time.perf_counter()
    if f.reader is None:
        return verify_inspection(Inspection(pdf, guide, source=f), rebuild=rebuild)._with_built_with(
            skip("built-with", "the file cannot be opened"))
    with _captured_pypdf_log(f.pdf_warnings):
        record, problem = read_record(f)
    kind = record["kind"] if record else "guide"
    seconds = time.perf_counter() - start
    if callable(letter) and kind in ("packet", "print-file"):
        letter = letter()
    if kind == "print-file":
        return _print_file(f, guide, record, problem, given, letter, seconds, rebuild)
    recorded = record["edition"] if record else None
    edition = {**(recorded or edition_record(BuildOptions(), guide.language)), **given}
    mismatch = [_mismatch(k, v, recorded.get(k)) for k, v in given.items()
                if recorded is not None and recorded.get(k) != v]
    built = _shown_record(record, given, kind)
    if problem or mismatch:
        first = Check("built-with", False, "; ".join([problem] if problem else mismatch), seconds=seconds)
        why = "the options given differ from the build record" if mismatch else "the build record is damaged"
        names = (["letter-address", "letter-salutation", "letter-signer", "letter-title"] if kind == "packet"
                 else []) + list(CHECKS)
        file = run_check(check_file, f, "file")
        return Report([file, first, *(skip(n, why) for n in names)], built_with=built)
    options = options_of(edition)
    head = Check("built-with", True, _describe(record, given, guide), seconds=seconds)
    if kind == "guide":
        report = verify_inspection(Inspection(pdf, guide, options, source=f), rebuild=rebuild,
                                   accessibility=accessibility)
        report.built_with = built
        return report._with_built_with(head)
    # a packet: the letter pages, then the guide as the edition it is
    if rebuild:
        return Report([head], built_with=built, input_error="--rebuild applies to a guide PDF; this file is a "
                                                              "packet (rebuild checks its guide edition alone)")
    letter_pages = f.n - record["guide_pages"]
    if letter_pages < 1:
        bad = Check("built-with", False, f"a packet whose record says {record['guide_pages']} guide pages, "
                                         f"but the file has {f.n} pages: no letter")
        return Report([run_check(check_file, f, "file"), bad], built_with=built)
    letters = _letter_checks(_PdfFile(pdf, count=letter_pages, source=f), letter, options.advocate)
    ins = Inspection(pdf, guide, options, first=letter_pages, source=f)
    report = verify_inspection(ins, accessibility=accessibility)
    report.checks[1:1] = [head, *letters]
    report.built_with = built
    return report


def _letter_checks(f: _PdfFile, letter: LetterExpect | None, advocate: str | None) -> list[Check]:
    names = ["letter-address", "letter-salutation", "letter-signer", "letter-title"]
    if letter is None:
        return [skip(n, "no letter settings given") for n in names]
    from ._checks_letter import check_letter

    start = time.perf_counter()
    with _captured_pypdf_log(f.pdf_warnings):
        checks = check_letter(f, letter, advocate)
    each = (time.perf_counter() - start) / len(checks)
    return [replace(c, seconds=each) for c in checks]


def _print_file(f: _PdfFile, guide: m.Guide, record: dict, problem: str | None, given: dict,
                letter: LetterExpect | None, seconds: float, rebuild: bool) -> Report:
    """A print file: its pieces add up, every letter shows an address, salutation, signer and title,
    each edition's guide pages are checked once and every other copy uses the very same page contents."""
    from ._checks_letter import letter_problems

    built = {k: record[k] for k in ("schema", "kind", "tool", "content_sha256", "editions")}
    built["pieces"] = len(record["pieces"])
    file = run_check(check_file, f, "file")
    if given or rebuild:
        flags = ", ".join(FLAGS[k] for k in given) or "--rebuild"
        return Report([file], built_with=built, input_error=f"{flags}: edition options do not apply to a print "
                                                            f"file; it records its {len(record['editions'])} "
                                                            "editions itself")
    if problem:
        return Report([file, Check("built-with", False, problem, seconds=seconds)], built_with=built)
    pieces, editions = record["pieces"], record["editions"]
    checks = [file]
    total = sum(p[1] + p[2] for p in pieces)
    head = Check("built-with", total == f.n,
                 f"print file of {len(pieces)} packets in {len(editions)} editions, built by {record['tool']}"
                 + ("" if total == f.n else f"; its pieces add up to {total} pages, the file has {f.n}"),
                 seconds=seconds)
    checks.append(head)
    if not head.passed:
        return Report(checks + [skip("letters", "the pieces do not match the pages"),
                                skip("pieces", "the pieces do not match the pages")], built_with=built)
    start = time.perf_counter()
    bad_letters: list[str] = []
    bad_copies: list[str] = []
    first_of: dict[int, int] = {}
    page = 0
    for k, (e, lp, gp) in enumerate(pieces):
        if letter is not None:
            window = _PdfFile(f.pdf, first=page, count=lp, source=f)
            wrong = [n for n, (ok, _) in letter_problems(window, letter, editions[e].get("advocate")).items() if not ok]
            if wrong:
                bad_letters.append(f"packet {k + 1} ({_pages_label(range(page, page + lp))}): {', '.join(wrong)}")
        if e not in first_of:
            first_of[e] = page + lp
        else:
            a, b = first_of[e], page + lp
            if [_contents(p) for p in f.pages[a:a + gp]] != [_contents(p) for p in f.pages[b:b + gp]]:
                bad_copies.append(f"packet {k + 1}'s guide ({_pages_label(range(b, b + gp))}) is not the same "
                                  f"as edition {e + 1}'s first copy")
        page += lp + gp
    if letter is None:
        checks.append(skip("letters", "no letter settings given"))
    else:
        checks.append(Check("letters", not bad_letters, _joined_or(bad_letters, f"{len(pieces)} letters, each with "
                                                                   "address, salutation, signer and guide title"),
                            seconds=time.perf_counter() - start))
    checks.append(Check("pieces", not bad_copies, _joined_or(bad_copies, f"{len(pieces)} packets; each edition's "
                                                             "copies share one set of page contents")))
    for e, first in sorted(first_of.items()):
        options = options_of(editions[e])
        ins = Inspection(f.pdf, guide, options, first=first, count=pieces[[p[0] for p in pieces].index(e)][2],
                         source=f)
        with _captured_pypdf_log(ins.pdf_warnings):
            for name, fn in PRINT_GUIDE_CHECKS.items():
                c = run_check(fn, ins, name)
                checks.append(replace(c, name=f"edition-{e + 1}/{name}"))
    return Report(checks, built_with=built)


NAME_HIDDEN = "(a name: not shown)"


def _shown_record(record: dict | None, given: dict, kind: str) -> dict:
    """The build record as the report shows it: as the file records it, the options given beside it, and a
    patient's name never repeated (reports end up in CI logs)."""
    out = {k: v for k, v in (record or {"kind": kind, "recorded": False}).items() if k != "from"}
    if "edition" in out:
        out["edition"] = {**out["edition"], **({"for": NAME_HIDDEN} if out["edition"].get("for") else {})}
    if given:
        out["given"] = {**given, **({"for": NAME_HIDDEN} if given.get("for") else {})}
    return out


def _contents(page) -> object:
    ref = page.raw_get("/Contents") if "/Contents" in page else None
    return getattr(ref, "idnum", ref)


def _joined_or(problems: list[str], ok: str) -> str:
    if not problems:
        return ok
    more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
    return f"{len(problems)} wrong: " + "; ".join(problems[:3]) + more


def _mismatch(key: str, given, recorded) -> str:
    if key == "for" and recorded:
        return "--for gives another name than the one the file was built with"
    return f"{FLAGS[key]} {_shown(key, given)} given, but the file was built with {_shown(key, recorded)}"


def _shown(key: str, value) -> str:
    if key == "for":   # a patient's name is not repeated in logs
        return "a name" if value else "no name"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ",".join(value)
    return repr(value) if value is not None else "none"


def _describe(record: dict | None, given: dict, guide: m.Guide) -> str:
    if record is None:
        return ("the file records no build options (built before they were recorded, or not by guide): "
                "checked as the edition the options give")
    e = record["edition"]
    parts = [e["paper"], "large print" if e["large_print"] else "standard print"]
    if e.get("sections") is not None:
        parts.append(f"sections {','.join(e['sections'])}")
    if e.get("for"):
        parts.append("named copy")
    if e.get("advocate"):
        parts.append("advocate shown")
    if e.get("print"):
        parts.append(f"print {e['print']}")
    if e.get("cmyk"):
        parts.append("CMYK")
    sha = record.get("content_sha256")
    same = "" if not sha or not guide.content_sha256 else (
        ", the same content as now" if sha == guide.content_sha256
        else f"; the content has changed since (was {sha[:12]}, now {guide.content_sha256[:12]}): the checks "
             "below tell whether the PDF still shows it")
    source = " (from the XMP; the document info has no record)" if record.get("from") else ""
    kind = "packet with the guide" if record["kind"] == "packet" else "guide"
    over = f"; given on the command line: {', '.join(FLAGS[k] for k in given)}" if given else ""
    return f"{kind} built by {short(str(record.get('tool')), 40)}{source}: {', '.join(parts)}{same}{over}"
