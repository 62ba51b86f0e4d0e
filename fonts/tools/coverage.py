#!/usr/bin/env python3
"""Write fonts/coverage.txt: the code points all four Atkinson Hyperlegible faces draw, as ReportLab
reads them, with each face's SHA-256 (guide/layout/_coverage.py reads it when checking content).

Run it from the project's root after changing a font: python fonts/tools/coverage.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from guide.layout._coverage import FONT_DIR, TABLE, digests, table_text  # noqa: E402
from guide.layout._theme import atkinson_codepoints  # noqa: E402


def main() -> None:
    path = FONT_DIR / TABLE
    path.write_text(table_text(atkinson_codepoints(), digests()), encoding="ascii")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
