"""Nothing in; the tool's name and version as the PDFs record them ("guide 0.1.0") out."""

from __future__ import annotations

from functools import lru_cache

UNKNOWN = "0+unknown"  # running from a checkout that was never installed


@lru_cache(maxsize=1)
def tool_version() -> str:
    # imported here: importlib.metadata costs about 50 ms of start-up, paid only when a PDF is written or read
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("guide")
    except PackageNotFoundError:
        return UNKNOWN


def tool_name() -> str:
    return f"guide {tool_version()}"
