"""A guide and its build options in; the build record every PDF carries (document info JSON and XMP fields) out.

The record says how a file was built, so ``verify`` can check it without being told the edition:

    {"schema": 1, "kind": "guide" | "packet" | "print-file", "tool": "guide 0.1.0",
     "content_sha256": "<hex>" or null, "edition": {...}}          # guide and packet
    packet: + "guide_pages": N (the letter is the pages before the guide's last N)
    print-file: "editions": [{...}, ...], "pieces": [[edition index, letter pages, guide pages], ...]

It is stored as JSON (ASCII only, fixed key order) in the document info under /GuideBuild, and the
edition of a guide also as XMP properties in the namespace XMP_NS (prefix ``guide``). Both are
deterministic, so a rebuild stays byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import models as m
from .options import BuildOptions

SCHEMA = 1
XMP_NS = "https://guide.invalid/ns/build/1.0/"   # .invalid never resolves: a name, not a web page
INFO_KEY = "/GuideBuild"
# edition key -> XMP property name (the XMP holds the guide's edition and where it came from)
XMP_FIELDS = {"paper": "paper", "large_print": "largePrint", "sections": "sections", "for": "preparedFor",
              "advocate": "advocate", "note": "note", "print": "printMode", "cmyk": "cmyk", "language": "language"}
EDITION_KEYS = tuple(XMP_FIELDS)


def content_hash(folder: Path | str) -> str:
    """SHA-256 over every content file (relative path and bytes, in path order); hidden files left out,
    and so is any sub-folder that is a guide of its own (content/es/ is not part of the English guide)."""
    root = Path(folder)
    others = [p.parent for p in root.glob("*/guide.yaml")]
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") or part == "__pycache__" for part in rel.split("/")):
            continue
        if any(other in path.parents for other in others):
            continue
        data = path.read_bytes()
        h.update(b"%s\0%d\0" % (rel.encode("utf-8"), len(data)))
        h.update(data)
    return h.hexdigest()


def edition_record(options: BuildOptions, language: str) -> dict:
    """The user-given build options (not internal ones such as the booklet's notes pages)."""
    return {"paper": options.paper, "large_print": options.large_print,
            "sections": list(options.sections) if options.sections is not None else None,
            "for": options.prepared_for, "advocate": options.advocate, "note": options.note,
            "print": options.print_mode,
            "cmyk": options.cmyk, "language": language}


def guide_record(guide: m.Guide, options: BuildOptions, tool: str) -> dict:
    return {"schema": SCHEMA, "kind": "guide", "tool": tool, "content_sha256": guide.content_sha256,
            "edition": edition_record(options, guide.language)}


def record_json(record: dict) -> str:
    return json.dumps(record, ensure_ascii=True, separators=(",", ":"))


def options_of(edition: dict) -> BuildOptions:
    """The BuildOptions an edition record stands for (raises KeyError/TypeError/ValueError when malformed)."""
    sections = edition.get("sections")
    options = BuildOptions(paper=str(edition["paper"]), large_print=bool(edition["large_print"]),
                           sections=tuple(str(s) for s in sections) if sections is not None else None,
                           prepared_for=edition.get("for"), advocate=edition.get("advocate"), note=edition.get("note"),
                           print_mode=edition.get("print"), cmyk=bool(edition.get("cmyk", False)))
    for text in (options.prepared_for, options.advocate, options.note, options.print_mode):
        if text is not None and not isinstance(text, str):
            raise TypeError("a text option is not text")
    return options


def xmp_fields(record: dict) -> dict[str, str]:
    """XMP property name -> text for a guide record (absent options left out)."""
    out = {"tool": record["tool"]}
    if record.get("content_sha256"):
        out["contentSHA256"] = record["content_sha256"]
    for key, name in XMP_FIELDS.items():
        value = record["edition"].get(key)
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = ",".join(value)
        out[name] = str(value)
    return out
