"""Each check's verdict in; the Check and Report records and the wording their details share out."""

from __future__ import annotations

import msgspec


class Check(msgspec.Struct, frozen=True):
    name: str
    passed: bool
    detail: str
    skipped: bool = False   # could not run because an earlier check failed (never passed)
    seconds: float = 0.0    # how long it took: not compared (see __eq__)

    def __eq__(self, other: object) -> bool:
        """The same check with the same outcome, however long each took."""
        if type(other) is not type(self):
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def _compared(self) -> tuple:
        return tuple(getattr(self, f) for f in self.__struct_fields__ if f != "seconds")

    @property
    def status(self) -> str:
        return "skip" if self.skipped else "pass" if self.passed else "fail"

    def line(self) -> str:
        return f"{self.status.upper()} {self.name}: {self.detail}"

    def as_dict(self) -> dict:
        return {"name": self.name, "status": self.status, "detail": self.detail, "seconds": round(self.seconds, 4)}


def skip(name: str, why: str) -> Check:
    return Check(name, False, f"not checked: {why}", skipped=True)


class Report(msgspec.Struct):
    checks: list[Check]
    built_with: dict | None = None   # the build record the checks went by (options as given or recorded)
    input_error: str | None = None   # the file could not be read at all (the CLI exits 2)

    @property
    def ok(self) -> bool:
        return self.input_error is None and bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        """The checks that ran and failed (skipped ones are not failures of their own)."""
        return [c for c in self.checks if not c.passed and not c.skipped]

    @property
    def counts(self) -> dict[str, int]:
        out = {"pass": 0, "fail": 0, "skip": 0}
        for c in self.checks:
            out[c.status] += 1
        return {**out, "total": len(self.checks)}

    def __getitem__(self, name: str) -> Check:
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def _with_built_with(self, check: Check) -> Report:
        """This report with the build-record check placed right after the file check."""
        at = next((k + 1 for k, c in enumerate(self.checks) if c.name == "file"), 0)
        self.checks.insert(at, check)
        return self

    def lines(self) -> list[str]:
        return [c.line() for c in self.checks]

    def as_dict(self) -> dict:
        return {"ok": self.ok, "built_with": self.built_with or {}, "checks": [c.as_dict() for c in self.checks],
                "counts": self.counts}


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _joined(problems: list[str], limit: int = 3) -> str:
    """The first few problems, and how many more there are."""
    more = f" (+{len(problems) - limit} more)" if len(problems) > limit else ""
    return "; ".join(problems[:limit]) + more


def _pages_label(pages: list[int] | range) -> str:
    """0-based page indexes as a reader's label: 'page 5', 'pages 3\u20134, 9'."""
    numbers = sorted({p + 1 for p in pages})
    if not numbers:
        return "no pages"
    groups: list[list[int]] = []
    for n in numbers:
        if groups and n == groups[-1][1] + 1:
            groups[-1][1] = n
        else:
            groups.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}\u2013{b}" for a, b in groups)
    return f"page {text}" if len(numbers) == 1 else f"pages {text}"
