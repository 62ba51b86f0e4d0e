"""Each check's verdict in; the Check and Report records and the wording their details share out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.name}: {self.detail}"

    def as_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass
class Report:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def __getitem__(self, name: str) -> Check:
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def lines(self) -> list[str]:
        return [c.line() for c in self.checks]

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checks": [c.as_dict() for c in self.checks]}


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
