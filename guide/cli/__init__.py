"""Command line: argv in, an exit code out. Only this package prints errors or picks exit codes.

Exit codes: 0 success; 2 the content (or an option naming content) is wrong; 1 anything else.
Each command lives in its own module with add_arguments(parser) and run(args) -> int, imported only
when that command runs (keeps the build's start-up lean).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import os
import sys
import threading
import traceback
from pathlib import Path

from ._startup import import_msgspec

import_msgspec()  # before ..errors, the first module with a Struct

from ..errors import ContentError, GuideError  # noqa: E402

# name -> (module, one line of help)
COMMANDS = {
    "build": ("._build", "build the guide PDF (the default)"),
    "check": ("._check", "validate the content; write nothing"),
    "sections": ("._sections", "list the section ids and titles"),
    "verify": ("._verify", "check that a built PDF matches its content"),
    "packet": ("._packet", "build mailing packets: cover letter + guide each"),
    "new": ("._new", "start a content folder from a commented example"),
    "serve": ("._serve", "start the advocate desk, a local web page"),
    "desk-log": ("._desk_log", "count the desk's handouts per day and edition"),
    "diff": ("._diff", "show what changed between two built PDFs"),
    "mailings": ("._mailings", "the mailing history: runs, find, export"),
}


class _UsageError(Exception):
    """argparse refused the command line (its message is already on stderr)."""


class _Parser(argparse.ArgumentParser):
    # argparse prints the usage and exits; raising instead lets a command answer in its own format
    # (verify --json prints a JSON object even then)
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise _UsageError(message)


def _command(name: str):
    return importlib.import_module(COMMANDS[name][0], __name__)


def called_as(argv0: str | None = None) -> str:
    """The name the user typed: `guide`, `build_guide.py` or `python -m guide` (argparse would say __main__.py)."""
    path = Path(sys.argv[0] if argv0 is None else argv0)
    if path.name == "__main__.py":
        return "python -m guide"
    return path.name or "guide"


class _Version(argparse.Action):
    """-V/--version: looks the versions up only when asked (importlib.metadata is not free at start-up)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="print the version of guide, ReportLab and pypdf")

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_line(parser.prog))
        parser.exit()


def version_line(prog: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    def of(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    python = ".".join(str(n) for n in sys.version_info[:3])
    return f"{prog} {of('guide')} (ReportLab {of('reportlab')}, pypdf {of('pypdf')}, Python {python})"


class _Help(argparse.HelpFormatter):
    """Lists the commands one a line under "commands:", without argparse's {a,b,c} header line above them."""

    def __init__(self, prog: str):
        super().__init__(prog, max_help_position=28)

    def _format_action(self, action):
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(a) for a in action._get_subactions())
        return super()._format_action(action)


def parser(command: str | None = None, prog: str | None = None) -> argparse.ArgumentParser:
    prog = prog or called_as()
    top = _Parser(
        prog=prog, usage="%(prog)s [COMMAND] [OPTIONS]", formatter_class=_Help,
        description="Build the patient guide PDF from YAML content. With no command, builds it.",
        epilog=f"Run '{prog} COMMAND --help' for a command's own options.")
    top.add_argument("-V", "--version", action=_Version)
    top.set_defaults(prog=prog)  # for commands whose messages name the command line
    sub = top.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, prog=f"{prog} {name}")
        if name == command:
            _command(name).add_arguments(p)
    if command not in COMMANDS:  # the top-level help: building is the default, so show its options too
        _command("build").add_arguments(
            top.add_argument_group(f"build options (with no command, or after '{prog} build')"))
    return top


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "-V", "--version"):
        argv = ["build", *argv]
    try:
        args = parser(argv[0], prog).parse_args(argv)
    except SystemExit as exc:  # --help, or argparse already printed the reason
        return 0 if exc.code == 0 else 2
    except _UsageError as exc:
        answer = getattr(_command(argv[0]), "usage_error", None) if argv[0] in COMMANDS else None
        return answer(argv, str(exc)) if answer is not None else 2
    debug = getattr(args, "debug", False)
    try:
        code = _command(args.command).run(args)
        sys.stdout.flush()  # here, so a closed pipe (`check | head -0`) is caught below, not at exit
        return code
    except BrokenPipeError:  # the reader went away: stop quietly (the pattern the Python docs give)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
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


# Commands that end when their file or report is written. Their objects live to the end of the process
# and form few cycles, so the cyclic collector's passes over them are wasted work: a default build ran
# 103 young and 9 middle collections, 18-30 ms of a ~640 ms process. For these the first threshold is
# raised so that a build runs none, and collection still runs for a bigger job (a bounded heap, not an
# unbounded one). The long-running commands (serve, packet, mailings) keep their own settings.
ONE_SHOT = ("build", "check", "sections", "verify", "diff", "new", "desk-log")
ONE_SHOT_THRESHOLD = (200_000, 20, 20)


def entry() -> None:
    """The process's entry (the `guide` script, `python -m guide`, build_guide.py): main(), then exit."""
    argv = sys.argv[1:]
    command = argv[0] if argv and argv[0] in COMMANDS else "build"
    if command in ONE_SHOT:
        gc.set_threshold(*ONE_SHOT_THRESHOLD)
        from ._startup import defer_costly_patterns

        defer_costly_patterns()
    exit_now(main(argv))


def exit_now(code: int) -> None:
    """End the process with ``code`` without the interpreter's teardown.

    Teardown frees every object of the process one by one, about 40 ms after a build (an eighth of
    the whole process), while the system frees a process's memory at once. Everything a command
    writes is closed (and renamed into place) before it returns, so what is left is to flush the
    standard streams and run the exit handlers (temporary folders, worker pools, logging). A process
    that still runs other threads (a server stopping) ends the ordinary way, which joins them, and so
    does one run under a profiler or tracer (python -m cProfile prints its report after the script).
    """
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if (run_exit_handlers is None or threading.active_count() > 1
            or sys.getprofile() is not None or sys.gettrace() is not None):
        sys.exit(code)
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away since main's flush: as main answers it
        code = 1
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    run_exit_handlers()
    os._exit(code)
