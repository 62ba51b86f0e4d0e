"""`diff` arguments in; what changed between two built PDFs printed (terminal or JSON) and an exit code out.

Exit 0 the text is the same (metadata and page count may still differ: they are reported); 1 the text
differs; 2 a file cannot be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_arguments(p) -> None:
    p.description = ("Show what changed between two builds, by section: sentences added, removed and changed "
                     "(words highlighted), regimen-table cells, metadata and page count, each with its page "
                     "in each file. Exit 0 when the text is the same, 1 when it differs, 2 on unreadable input.")
    p.add_argument("old", metavar="OLD.pdf")
    p.add_argument("new", metavar="NEW.pdf")
    p.add_argument("--json", action="store_true", help="print the changes as one JSON object")
    p.add_argument("--pages", metavar="DIR", nargs="?", const="out/diff-pages", default=None,
                   help="also compare the pages as pictures and write a PNG per changed page, differences "
                        "boxed (default folder: out/diff-pages; needs pip install 'guide[diff]')")
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")


def _read(path: str) -> bytes:
    from ..errors import InputError

    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def run(args) -> int:
    from ..diff import compare, read_doc
    from ..errors import InputError

    try:
        old, new = _read(args.old), _read(args.new)
        diff = compare(read_doc(old, args.old), read_doc(new, args.new))
        pictures = None
        if args.pages is not None:
            from ..diff import compare_pages

            pictures = compare_pages(old, new, Path(args.pages))
    except InputError as exc:
        if args.json:
            print(json.dumps({"schema": 1, "old": args.old, "new": args.new, "error": str(exc)}))
        raise
    if args.json:
        data = {"schema": 1, "old": args.old, "new": args.new, **diff.as_dict()}
        if pictures is not None:
            data["changed_pages"] = [{"page": c.page, "areas": c.boxes, "png": c.png} for c in pictures]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        lines = diff.lines(colour=sys.stdout.isatty())
        print("\n".join(lines) if lines else "the same text")
        if pictures is not None:
            for c in pictures:
                print(f"page {c.page}: {c.boxes} changed area{'s' if c.boxes != 1 else ''} -> {c.png}")
            if not pictures:
                print("the pages look the same")
    return 1 if diff.text_differs else 0
