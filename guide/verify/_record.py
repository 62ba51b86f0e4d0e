"""A PDF's reading in; the build record it carries (document info /GuideBuild, XMP guide:... fields) out."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from ..content import EDITION_KEYS, INFO_KEY, XMP_FIELDS, XMP_NS
from ._pdffile import _PdfFile

KINDS = ("guide", "packet", "print-file")


def recorded_language(pdf: bytes | _PdfFile) -> str | None:
    """The content language a PDF (its bytes, or a reading of them to reuse) records it was built in
    (es-US), or None: verify picks the paired edition from it when --language is not given."""
    f = pdf if isinstance(pdf, _PdfFile) else _PdfFile(pdf)
    if f.reader is None:
        return None
    try:
        record, _ = read_record(f)
    except Exception:  # a damaged record is verify_file's to report
        return None
    lang = ((record or {}).get("edition") or {}).get("language")
    return lang if isinstance(lang, str) else None


def read_record(f: _PdfFile) -> tuple[dict | None, str | None]:
    """(record, problem): the build record from the document info, cross-checked against the XMP.

    No record at all is (None, None): a PDF from before records were written, or not ours. A record
    that cannot be read, or an info and XMP that disagree, is (None or the record, what is wrong).
    """
    info = f.reader.metadata or {}
    raw = info.get(INFO_KEY)
    xmp = _xmp_edition(f)
    if raw is None:
        if xmp is None:
            return None, None
        record = {"schema": 1, "kind": "guide", "tool": xmp.pop("tool", None),
                  "content_sha256": xmp.pop("content_sha256", None), "edition": xmp, "from": "XMP"}
        return record, None
    try:
        record = json.loads(str(raw))
    except ValueError:
        return None, f"the document info's {INFO_KEY} is not JSON"
    problem = _shape_problem(record)
    if problem:
        return None, f"the document info's {INFO_KEY} {problem}"
    if xmp is not None and record["kind"] != "print-file":
        mine = {k: record["edition"].get(k) for k in EDITION_KEYS}
        theirs = {k: xmp.get(k) for k in EDITION_KEYS}
        if mine != theirs:
            keys = ", ".join(k for k in EDITION_KEYS if mine[k] != theirs[k])
            return record, f"the document info and the XMP metadata record different editions ({keys})"
    return record, None


def _shape_problem(record) -> str | None:
    if not isinstance(record, dict):
        return "is not a JSON object"
    if record.get("schema") != 1:
        return f"has schema {record.get('schema')!r}, this verify reads schema 1"
    if record.get("kind") not in KINDS:
        return f"has kind {record.get('kind')!r}"
    editions = record.get("editions") if record["kind"] == "print-file" else [record.get("edition")]
    if not isinstance(editions, list) or not all(isinstance(e, dict) for e in editions):
        return "has no edition"
    for e in editions:
        if not all(k in e for k in ("paper", "large_print")):
            return "has an edition without paper or large_print"
    if record["kind"] == "packet" and not isinstance(record.get("guide_pages"), int):
        return "is a packet without guide_pages"
    if record["kind"] == "print-file":
        pieces = record.get("pieces")
        if not isinstance(pieces, list) or not all(
                isinstance(p, list) and len(p) == 3 and all(isinstance(x, int) for x in p)
                and 0 <= p[0] < len(editions) for p in pieces):
            return "has malformed pieces"
    return None


_BOOL = {"true": True, "false": False}


def _xmp_edition(f: _PdfFile) -> dict | None:
    """The guide:... properties of the XMP packet as an edition record (+ tool, content_sha256), or None."""
    meta = f.reader.trailer["/Root"].get("/Metadata")
    if meta is None:
        return None
    try:
        text = meta.get_object().get_data().decode("utf-8")
        root = ET.fromstring(re.sub(r"<\?xpacket[^>]*\?>", "", text).strip())
    except Exception:
        return None
    values = {el.tag.split("}", 1)[1]: el.text or "" for el in root.iter() if el.tag.startswith("{" + XMP_NS + "}")}
    if not values:
        return None
    out: dict = {}
    for key, name in XMP_FIELDS.items():
        value = values.get(name)
        if key in ("large_print", "cmyk"):
            out[key] = _BOOL.get(value or "false", value)
        elif key == "sections":
            out[key] = value.split(",") if value else None
        else:
            out[key] = value if value else None
    out["tool"] = values.get("tool")
    out["content_sha256"] = values.get("contentSHA256")
    return out
