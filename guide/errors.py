"""Error types: content problems carry file, line and key path and format themselves."""

from __future__ import annotations

import msgspec


class GuideError(Exception):
    """Base of every error the tool reports to a user (never a traceback)."""

    exit_code = 1


class Problem(msgspec.Struct, frozen=True, order=True):
    """One located content mistake: ``file:line: key.path: message``."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ContentError(GuideError):
    """The content is wrong; holds every problem found in one pass."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class LayoutError(GuideError):
    """A block cannot be laid out (e.g. too large for a page); names the block."""


class OutputError(GuideError):
    """The PDF could not be written where asked."""


class VerifyError(GuideError):
    """A built PDF does not match its content."""


class UsageError(GuideError):
    """An argument cannot be used as given (e.g. `new` into a folder that has files); one line says why."""

    exit_code = 2


class InputError(GuideError):
    """A PDF given to read (diff) is missing or cannot be opened."""

    exit_code = 2


class InputRefused(InputError):
    """A file we were asked to read is not a bounded regular file (or is not where it may be); names it."""

    def __init__(self, path, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{self.path}: {reason}")


class OutputRefused(OutputError):
    """The place asked for is not ours to write (a device, an input, a file that is not a PDF); one line."""

    exit_code = 2
