"""A sub-package's public names in, module-level __getattr__/__dir__ out that import each name's module on first use.

Sub-packages whose modules pull in pypdf re-export this way, so that `guide build` (which never reads a PDF)
does not pay for importing it at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """exports maps a public name to the private module (relative to package) that defines it."""

    def __getattr__(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
