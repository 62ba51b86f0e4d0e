"""Command line: argv in, an exit code out. Only this package prints errors or picks exit codes.

Exit codes: 0 success; 2 the content (or an option naming content) is wrong; 1 anything else.
Each command lives in its own module with add_arguments(parser) and run(args) -> int, imported only
when that command runs (keeps the build's start-up lean).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from ..errors import ContentError, GuideError

# name -> (module, one line of help)
COMMANDS = {
    "build": ("._build", "build the guide PDF (the default)"),
    "check": ("._check", "validate the content; write nothing"),
    "sections": ("._sections", "list the section ids and titles"),
    "verify": ("._verify", "check that a built PDF matches its content"),
    "packet": ("._packet", "build mailing packets: cover letter + guide per recipient"),
    "mailings": ("._mailings", "the mailing history: runs, find a person, export as CSV"),
}


def _command(name: str):
    return importlib.import_module(COMMANDS[name][0], __name__)


def parser(command: str | None = None) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="build_guide.py",
        description="Build the patient guide PDF from YAML content. With no command, builds it.",
        epilog="Commands: build (default), check, sections, verify, packet, mailings. "
               "Run 'build_guide.py COMMAND --help' for each.")
    sub = top.add_subparsers(dest="command")
    for name, (_, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        if name == command:
            _command(name).add_arguments(p)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        argv = ["build", *argv]
    try:
        args = parser(argv[0]).parse_args(argv)
    except SystemExit as exc:  # argparse already printed the reason
        return 0 if exc.code == 0 else 2
    debug = getattr(args, "debug", False)
    try:
        return _command(args.command).run(args)
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
