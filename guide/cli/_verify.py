"""`verify` arguments in; the report of a built PDF's checks printed (lines or JSON) and exit 0 or 1 out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ._common import add_content, add_edition, content_dir, edition_options


def add_arguments(parser) -> None:
    parser.add_argument("pdf", metavar="PDF", help="the built guide PDF to check")
    add_content(parser)
    add_edition(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON (for CI dashboards)")
    parser.add_argument("--rebuild", action="store_true",
                        help="also rebuild from the content and require identical bytes (costs one build)")
    parser.add_argument("--accessibility", action="store_true",
                        help="also check the tagged-PDF structure (about doubles the time)")
    parser.description = ("Check a built PDF against its content: give the same edition options "
                          "it was built with. Exit 0 when every check passes, 1 when any fails.")


def run(args) -> int:
    from ..pdf import load_content
    from ..verify import Check, Report, verify_pdf

    options = edition_options(args)
    guide = load_content(content_dir(args))
    path = Path(args.pdf)
    try:
        pdf = path.read_bytes()
    except OSError as exc:
        report = Report([Check("file", False, f"cannot read {path}: {exc.strerror or exc}")])
    else:
        report = verify_pdf(pdf, guide, options, rebuild=args.rebuild, accessibility=args.accessibility)
    if args.json:
        print(json.dumps({**report.as_dict(), "pdf": str(path)}, ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            print(line)
    sys.stdout.flush()
    return 0 if report.ok else 1
