"""Command line: argv in, an exit code out. Only this module prints errors or picks exit codes.

Exit codes: 0 success; 2 the content (or an option naming content) is wrong; 1 anything else.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from pathlib import Path

from .errors import ContentError, GuideError
from .options import MAX_ADVOCATE, MAX_NAME, PAPERS, PRINT_MODES, BuildOptions

# Commands whose code lives in their own module: each module has add_arguments(parser) and
# run(args) -> int, and is imported only when its command runs (keeps the build start-up lean).
MODULE_COMMANDS = {
    "verify": ("guide.verify", "check that a built PDF matches its content"),
    "packet": ("guide.packet", "build mailing packets: cover letter + guide per recipient"),
}
COMMANDS = ("build", "check", "sections", *MODULE_COMMANDS)


def _add_content(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", metavar="DIR", default=None,
                   help="content folder (default: the content/ folder beside build_guide.py)")
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")


def _add_edition(p: argparse.ArgumentParser) -> None:
    p.add_argument("--paper", choices=PAPERS, default="letter", help="paper size (default: letter)")
    p.add_argument("--large-print", action="store_true", help="large-print edition (18 pt and up)")
    p.add_argument("--sections", metavar="ID[,ID...]", default=None,
                   help="only these sections (see 'build_guide.py sections')")
    p.add_argument("--for", dest="prepared_for", metavar="NAME", default=None,
                   help='print "Prepared for NAME" on the cover')
    p.add_argument("--advocate", metavar='"NAME, PHONE"', default=None,
                   help="the advocate's contact, shown in the help panel")
    p.add_argument("--print", dest="print_mode", choices=PRINT_MODES, default=None,
                   help="print-shop output: booklet (imposed 2-up) or shop (bleed and crop marks)")
    p.add_argument("--cmyk", action="store_true", help="all colours in CMYK")


def parser(command: str | None = None) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="build_guide.py",
        description="Build the patient guide PDF from YAML content. With no command, builds it.",
        epilog="Commands: build (default), check, sections, verify, packet. "
               "Run 'build_guide.py COMMAND --help' for each.")
    sub = top.add_subparsers(dest="command")
    b = sub.add_parser("build", help="build the guide PDF (the default)")
    _add_content(b)
    _add_edition(b)
    b.add_argument("--out", metavar="PATH", default=None,
                   help="output file (default: out/<title>[-edition].pdf)")
    c = sub.add_parser("check", help="validate the content; write nothing")
    _add_content(c)
    c.add_argument("--grade-target", type=float, default=8.0, metavar="GRADE",
                   help="warn about sections whose reading grade (Flesch-Kincaid) is above this (default 8)")
    s = sub.add_parser("sections", help="list the section ids and titles")
    _add_content(s)
    for name, (module, help_text) in MODULE_COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        if name == command:
            importlib.import_module(module).add_arguments(p)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS + ("-h", "--help"):
        argv = ["build", *argv]
    try:
        args = parser(argv[0]).parse_args(argv)
    except SystemExit as exc:  # argparse already printed the reason
        return 0 if exc.code == 0 else 2
    debug = getattr(args, "debug", False)
    try:
        if args.command in MODULE_COMMANDS:
            return importlib.import_module(MODULE_COMMANDS[args.command][0]).run(args)
        return HANDLERS[args.command](args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n = len(exc.problems)
        print(f"error: {n} problem{'s' if n != 1 else ''} in the content; nothing was written", file=sys.stderr)
        if debug:
            traceback.print_exc()
        return exc.exit_code
    except GuideError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if debug:
            traceback.print_exc()
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; nothing was left half-written", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not an input mistake: say so in one line
        if debug:
            traceback.print_exc()
        else:
            print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 1


def _content_dir(args) -> Path:
    from .build import DEFAULT_CONTENT

    return Path(args.content) if args.content else DEFAULT_CONTENT


def _options(args) -> BuildOptions:
    from .recipient import clean_person_text

    sections = None
    if args.sections is not None:
        sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
        if not sections:
            raise ContentError([_opt_problem("--sections", "give at least one section id")])
    prepared_for = clean_person_text(args.prepared_for, "--for", MAX_NAME) if args.prepared_for else None
    advocate = clean_person_text(args.advocate, "--advocate", MAX_ADVOCATE) if args.advocate else None
    return BuildOptions(paper=args.paper, large_print=args.large_print, sections=sections,
                        prepared_for=prepared_for, advocate=advocate, print_mode=args.print_mode,
                        cmyk=args.cmyk)


def _opt_problem(option: str, message: str):
    from .errors import Problem

    return Problem(option, 0, "", message)


def cmd_build(args) -> int:
    from .build import build

    result = build(_content_dir(args), args.out, _options(args))
    if args.print_mode == "booklet":  # the file's pages are sheet sides, two guide pages each
        what = f"{result.pages * 2} guide pages on {result.pages} sheet sides"
    else:
        what = f"{result.pages} pages"
    print(f"wrote {result.path} ({what}) in {result.seconds:.2f} s")
    return 0


def cmd_check(args) -> int:
    """Validate everything (errors: exit 2), then advise: reading grade and uncited references (exit 0)."""
    from .check import format_warning, grade, reading_warnings, section_grades, uncited_warnings
    from .theme import register_fonts
    from .validate import load_guide_with_usage

    target = args.grade_target
    if not 0 < target < 100:
        raise ContentError([_opt_problem("--grade-target", f"must be a reading grade above 0, like 8; not {target:g}")])
    content = _content_dir(args)
    guide, cited = load_guide_with_usage(content, register_fonts())
    grades = section_grades(guide, content)
    warnings = reading_warnings(grades, target) + uncited_warnings(guide, cited, content)
    for w in warnings:
        print(format_warning(w), file=sys.stderr)
    sys.stderr.flush()
    n = sum(1 for _ in guide.all_sections())
    whole = sum((g.grade for g in grades), grade([]))
    print(f"content OK: {n} sections, {len(guide.glossary)} glossary terms, {len(guide.references)} references")
    over = sum(1 for g in grades if g.grade.value > target)
    print(f"reading grade (Flesch–Kincaid) of the whole guide: {whole.value:.1f}; target {target:g}; "
          f"{over} of {len(grades)} sections above it")
    if warnings:
        print(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}; warnings do not stop a build")
    return 0


def cmd_sections(args) -> int:
    from .build import load

    guide = load(_content_dir(args))
    width = max(len(s.id) for s in guide.sections)
    for section in guide.sections:
        print(f"{section.id.ljust(width)}  {section.title}")
    return 0


HANDLERS = {"build": cmd_build, "check": cmd_check, "sections": cmd_sections}
