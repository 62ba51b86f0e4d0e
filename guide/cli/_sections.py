"""`sections` arguments in; the guide's section ids and titles, one a line, out."""

from __future__ import annotations

from ._common import add_content, content_dir


def add_arguments(p) -> None:
    add_content(p)


def run(args) -> int:
    from ..build import load

    guide = load(content_dir(args))
    width = max(len(s.id) for s in guide.sections)
    for section in guide.sections:
        print(f"{section.id.ljust(width)}  {section.title}")
    return 0
