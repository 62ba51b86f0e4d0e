"""Nothing in; the tool's name and version as the PDFs record them ("guide 0.1.0") out."""

from __future__ import annotations

import os
import sys
from functools import lru_cache

UNKNOWN = "0+unknown"  # running from a checkout that was never installed
DIST = "guide"


@lru_cache(maxsize=1)
def tool_version() -> str:
    # Every PDF records the version, so this runs in every build. importlib.metadata costs 30-60 ms
    # of start-up here (it imports the email package to parse METADATA); the installed dist-info's
    # own METADATA gives the same answer for the price of a directory listing. importlib.metadata
    # stays the fallback for anything unusual (an egg, a zip import).
    found = _dist_info_version()
    if found:
        return found
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DIST)
    except PackageNotFoundError:
        return UNKNOWN


def _dist_info_version() -> str | None:
    """The Version: line of the first ``guide-*.dist-info`` on sys.path, as importlib.metadata finds it."""
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            # dist-info names are normalised (name_with_underscores-version), so "guide-" is this project only
            if name.startswith(DIST + "-") and name.endswith(".dist-info"):
                try:
                    with open(os.path.join(entry or ".", name, "METADATA"), encoding="utf-8") as f:
                        for line in f:
                            if line.startswith("Version:"):
                                return line.split(":", 1)[1].strip()
                            if not line.strip():
                                break  # the headers end at the first blank line
                except OSError:
                    pass
                return None
    return None


def tool_name() -> str:
    return f"guide {tool_version()}"
