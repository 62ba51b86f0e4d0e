"""`build` arguments in; the guide PDF written and one line saying where, how many pages and how long, out."""

from __future__ import annotations

from ._common import add_content, add_edition, content_dir, edition_options, review_warning


def add_arguments(p) -> None:
    add_content(p)
    add_edition(p)
    p.add_argument("--out", metavar="PATH", default=None,
                   help="output file (default: out/<title>[-edition].pdf in the current folder)")
    p.add_argument("--force", action="store_true",
                   help="replace the --out file even if it is not a PDF (a device, folder or input never is)")


def run(args) -> int:
    from ..build import build

    options = edition_options(args)
    review_warning(content_dir(args))   # unreviewed or overdue content still builds, and says so
    result = build(content_dir(args), args.out, options, force=args.force)
    if args.print_mode == "booklet":  # the file's pages are sheet sides, two guide pages each
        what = f"{result.pages * 2} guide pages on {result.pages} sheet sides"
    else:
        what = f"{result.pages} pages"
    print(f"wrote {result.path} ({what}) in {result.seconds:.2f} s")
    return 0
