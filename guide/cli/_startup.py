"""Start-up work a command need not pay: msgspec without typing_extensions, and costly patterns compiled on first use.

msgspec (every record here is a Struct) reads type hints with typing_extensions when that is
installed (the desk's web stack brings it) and with the standard library's typing otherwise. The
records use only the standard library's typing, so both give the same Structs; typing_extensions
imports inspect, ast and dis with it, about 9 ms of a verify (a build imports inspect for ReportLab
anyway: 3 ms there). The command line imports msgspec first without it; a module imported later that
wants typing_extensions (the desk's) imports it as usual.

Patterns:

ReportLab and PyYAML compile their patterns as their modules are imported. Three of them are costly
to compile (character classes that reach the top of the Basic Multilingual Plane) and rarely used:
the pattern in reportlab.platypus.paragraph that recognises a URI (case-insensitive: about 34 ms to
compile, an eleventh of a whole build; used only to split a long URI across lines), the CJK pattern
of reportlab.lib.textsplit (about 5 ms; used only by its cjkwrap) and the printable-character test
of yaml.reader (about 5 ms; used by PyYAML's pure-Python reader, which content/_yaml.py runs only
to report a syntax error, since it makes the same character test with a cheaper pattern). While a
one-shot command runs, those modules' calls of re.compile for a pattern with such a wide class get
a pattern that compiles itself when it is first used. Every other call of re.compile, from any
module, is passed through unchanged.
"""

from __future__ import annotations

import re
import sys

# the modules whose wide-range patterns wait for their first use; each of them only calls
# methods on those patterns (match, sub), which is all a deferred pattern needs to stand in for
DEFERRING_MODULES = frozenset({"reportlab.platypus.paragraph", "reportlab.lib.textsplit", "yaml.reader"})
WIDE = "\ufffd"  # a pattern with a character this high has a class reaching the top of the BMP or beyond


class DeferredPattern:
    """A compiled pattern made on its first use (any attribute: match, sub, pattern, flags...)."""

    def __init__(self, source: str, flags: int, compile_now) -> None:
        self.source, self.compile_flags, self._compile = source, flags, compile_now
        self.compiled: re.Pattern | None = None

    def __getattr__(self, name: str):
        # only names the instance lacks come here: the pattern's own attributes, once each
        if self.compiled is None:
            self.compiled = self._compile(self.source, self.compile_flags)
        value = getattr(self.compiled, name)
        setattr(self, name, value)  # the next use finds the bound method directly
        return value

    def __repr__(self) -> str:
        state = "compiled" if self.compiled is not None else "not compiled yet"
        return f"<DeferredPattern {self.source[:40]!r}..., {state}>"


def import_msgspec() -> None:
    """Import msgspec with typing_extensions hidden from it (unless either is imported already)."""
    if "msgspec" in sys.modules or "typing_extensions" in sys.modules:
        return
    sys.modules["typing_extensions"] = None  # an import of it raises ImportError, which msgspec expects
    try:
        import msgspec  # noqa: F401
    finally:
        del sys.modules["typing_extensions"]


def defer_costly_patterns() -> None:
    """Install the deferring re.compile for the rest of this process (a one-shot command's)."""
    plain = re.compile
    if getattr(plain, "defers", False):
        return

    def compile(pattern, flags=0):
        if sys._getframe(1).f_globals.get("__name__") in DEFERRING_MODULES:
            if isinstance(pattern, str) and pattern and max(pattern) >= WIDE:
                return DeferredPattern(pattern, flags, plain)
        return plain(pattern, flags)

    compile.defers = True
    compile.__doc__ = plain.__doc__
    re.compile = compile
