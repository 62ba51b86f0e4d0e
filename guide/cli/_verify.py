"""`verify` arguments in; the report of a built PDF's checks (lines, JSON, JUnit XML) printed and an exit code out.

Exit 0 every check passed; 1 a check failed; 2 the file cannot be read or an option is wrong. With
--json every outcome, usage errors included, prints one JSON object (schema 1, see the README).
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

from ._common import add_content, add_edition, content_dir

SCHEMA = 1


def add_arguments(parser) -> None:
    parser.add_argument("pdf", metavar="PDF", help="the built guide, packet or print file to check")
    add_content(parser)
    add_edition(parser)
    # not given = as the PDF records it; given = must match the record (one FAIL when it does not)
    parser.set_defaults(paper=None, large_print=None, cmyk=None)
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object (for CI)")
    parser.add_argument("--junit", metavar="FILE", default=None, help="also write the report as JUnit XML")
    parser.add_argument("--rebuild", action="store_true",
                        help="also rebuild from the content and require identical bytes (costs one build)")
    parser.add_argument("--accessibility", action="store_true",
                        help="also check the tagged-PDF structure (about doubles the time)")
    parser.description = ("Check a built PDF against its content. The PDF records how it was built; edition "
                          "options given here override that record, and one that contradicts it fails. "
                          "Exit 0 when every check passes, 1 when any fails, 2 when the file cannot be read "
                          "or an option is wrong.")


def given_options(args) -> dict:
    """The edition options given on the command line, as build-record keys, checked as untrusted input."""
    from ..content import MAX_ADVOCATE, MAX_NAME
    from ..errors import ContentError
    from ._common import option_problem

    def clean_person_text(*a):  # the font-coverage test behind it loads ReportLab: only when a name is given
        from ..layout import clean_person_text

        return clean_person_text(*a)

    given: dict = {}
    if args.paper is not None:
        given["paper"] = args.paper
    if args.large_print:
        given["large_print"] = True
    if args.sections is not None:
        sections = [s.strip() for s in args.sections.split(",") if s.strip()]
        if not sections:
            raise ContentError([option_problem("--sections", "give at least one section id")])
        given["sections"] = sections
    if args.prepared_for:
        given["for"] = clean_person_text(args.prepared_for, "--for", MAX_NAME)
    if args.advocate:
        given["advocate"] = clean_person_text(args.advocate, "--advocate", MAX_ADVOCATE)
    if args.print_mode is not None:
        given["print"] = args.print_mode
    if args.cmyk:
        given["cmyk"] = True
    return given


def run(args) -> int:
    from ..errors import ContentError, GuideError

    try:
        return _run(args)
    except ContentError as exc:
        if not args.json:
            raise
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        _emit_error(args, "options", "; ".join(str(p) for p in exc.problems))
        return 2
    except GuideError as exc:
        if not args.json:
            raise
        print(f"error: {exc}", file=sys.stderr)
        _emit_error(args, "options", str(exc))
        return exc.exit_code


def _run(args) -> int:
    from ..content import read_input, select_sections
    from ..errors import InputRefused
    from ..pdf import load_content
    from ..verify import Check, PdfFile, Report, verify_file

    given = given_options(args)
    path = Path(args.pdf)
    try:  # a bounded regular file only: a FIFO, /dev/zero or a 5 GB sparse file is refused at once
        pdf = read_input(path, "pdf")
    except InputRefused as exc:
        pdf, refused = None, exc
    reading = PdfFile(pdf) if pdf is not None else None   # parsed once, for the record and the checks
    if reading is not None and args.language is None:
        # not given: the edition in the language the PDF records (content/es/ for an es-US build)
        _pick_recorded_language(args, reading)
    guide = load_content(content_dir(args))
    # a command that ends when the report is printed: what is loaded so far (modules, the content) lives to
    # the end, so the collector need not walk it again (a full collection during the link check cost ~30 ms)
    gc.freeze()
    if "sections" in given:
        select_sections(guide, tuple(given["sections"]))   # an unknown id is an option error (exit 2)
    if pdf is None:
        report = Report([Check("file", False, f"cannot read {path}: {refused.reason}")], input_error=str(refused))
    else:
        # the letter settings are read only for a packet or a print file (a guide has no letter)
        report = verify_file(pdf, guide, given, rebuild=args.rebuild, accessibility=args.accessibility,
                             letter=lambda: _letter_expect(content_dir(args), guide), source=reading)
    if report.input_error:
        print(f"error: {report.input_error}", file=sys.stderr)
    _emit(args, report)
    if report.input_error:
        return 2
    return 0 if report.ok else 1


def _pick_recorded_language(args, pdf) -> None:
    """Set args.language from the PDF's build record when the content folder has that edition."""
    from ..content import languages
    from ..verify import recorded_language
    from ._common import content_dir

    lang = recorded_language(pdf)
    if not lang:
        return
    editions = languages(content_dir(args))   # each guide.yaml read once
    for tag, _ in editions:
        if tag.lower() == lang.lower():
            args.language = None if tag == editions[0][0] else tag
            return


def _letter_expect(folder: Path, guide):
    """What the cover letters promise, from letter.yaml; None when the content has no letter settings."""
    from ..errors import GuideError
    from ..verify import LetterExpect

    path = folder / "letter.yaml"
    if not path.is_file():
        return None
    from ..mail import load_letter

    try:
        spec = load_letter(path)
    except GuideError:
        return None   # `check` reports a broken letter.yaml; the letter checks are then skipped
    w = spec.window
    return LetterExpect((w.left, w.top, w.width, w.height), spec.salutation, spec.signer.name, guide.title)


def document(args, report) -> dict:
    from .._version import tool_name

    return {"schema": SCHEMA, "tool": tool_name(), "pdf": getattr(args, "pdf", None), **report.as_dict(),
            **({"error": report.input_error} if report.input_error else {})}


def _emit(args, report) -> None:
    if args.junit:
        write_junit(Path(args.junit), report, str(args.pdf), protect=_inputs(args))
    if args.json:
        print(json.dumps(document(args, report), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            print(line)
    sys.stdout.flush()


def _emit_error(args, name: str, detail: str) -> None:
    from ..verify import Check, Report

    _emit(args, Report([Check(name, False, detail)], input_error=detail))


def usage_error(argv: list[str], message: str) -> int:
    """argparse refused the command line: with --json, still one JSON object on stdout. Exit 2."""
    from .._version import tool_name

    if "--json" in argv:
        takes_value = {"--content", "--paper", "--sections", "--for", "--advocate", "--print", "--junit"}
        pdf = next((a for k, a in enumerate(argv[1:], 1) if not a.startswith("-") and argv[k - 1] not in takes_value),
                   None)
        detail = f"usage: {message}"
        print(json.dumps({"schema": SCHEMA, "tool": tool_name(), "pdf": pdf, "ok": False, "built_with": {},
                          "checks": [{"name": "usage", "status": "fail", "detail": detail, "seconds": 0.0}],
                          "counts": {"pass": 0, "fail": 1, "skip": 0, "total": 1}, "error": detail},
                         ensure_ascii=False, indent=2))
    return 2


def _inputs(args) -> list:
    """What the report may not be written over: the PDF checked and the content's files."""
    from ..content import content_inputs

    return content_inputs(content_dir(args), (args.pdf,))


def write_junit(path: Path, report, pdf: str, protect=()) -> None:
    """JUnit XML: one testsuite, one testcase per check; <failure> with its detail, <skipped> for skips."""
    import xml.etree.ElementTree as ET

    from ..pdf import atomic_write

    counts = report.counts
    suite = ET.Element("testsuite", name=f"guide verify {Path(pdf).name}", tests=str(counts["total"]),
                       failures=str(counts["fail"]), errors="0", skipped=str(counts["skip"]),
                       time=f"{sum(c.seconds for c in report.checks):.4f}")
    for c in report.checks:
        case = ET.SubElement(suite, "testcase", classname="guide.verify", name=c.name, time=f"{c.seconds:.4f}")
        if c.status == "fail":
            ET.SubElement(case, "failure", message=c.detail[:200], type="check").text = c.detail
        elif c.status == "skip":
            ET.SubElement(case, "skipped", message=c.detail)
        else:
            ET.SubElement(case, "system-out").text = c.detail
    root = ET.Element("testsuites", name="guide verify", tests=suite.get("tests"), failures=suite.get("failures"),
                      skipped=suite.get("skipped"))
    root.append(suite)
    ET.indent(root)
    atomic_write(path, ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n", protect=protect)
