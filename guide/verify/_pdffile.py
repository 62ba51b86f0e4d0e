"""PDF bytes in; their reading out: pages, positioned text runs, link targets, bookmarks, form fields.

pypdf opens the file; the text is read from the content streams by the project's own reader (tagging._text).
"""

# Nothing here knows the content (``_inspect`` adds where the guide's sections stand). pypdf is imported
# only when a file is first read, so a plain build that imports guide.verify's names never loads it.
from __future__ import annotations

import io
import logging
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

import msgspec


class Run(msgspec.Struct, frozen=True):
    """One piece of text, cut where pypdf's text visitor cuts it (tagging._text): usually a line of a paragraph."""

    text: str
    key: str      # the text with every whitespace character removed (what comparisons use)
    x: float      # start of the run, relative to the page's trim box
    y: float      # baseline, relative to the page's trim box
    size: float   # rendered font size (Tf size times the text and graphics matrices)
    font: str


def squash(text: str) -> str:
    """Text with all whitespace removed: line breaks, spacing and no-break spaces do not matter."""
    return "".join(text.split())


class _PdfFile:
    """One PDF as pypdf reads it; every reading made once, on demand."""

    def __init__(self, pdf: bytes, *, first: int = 0, count: int | None = None, source: _PdfFile | None = None):
        """``first``/``count``: look only at those pages (the guide in a packet or a print file);
        ``source``: reuse that reading of the same bytes instead of parsing them again."""
        self.pdf = pdf
        self.first, self.count = first, count
        self.open_error: str | None = None
        self.pdf_warnings: list[str] = []
        self._source = source
        if source is not None:
            self.__dict__["reader"] = source.reader
            self.open_error, self.pdf_warnings = source.open_error, source.pdf_warnings

    # -- the file -----------------------------------------------------------------------
    @cached_property
    def reader(self):
        """A pypdf reader, or None (and ``open_error`` says why) when the file cannot be read."""
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError, WrongPasswordError

        try:
            with _captured_pypdf_log(self.pdf_warnings):
                reader = PdfReader(io.BytesIO(self.pdf))
                if reader.is_encrypted:  # else pypdf asks for the cryptography package, which is beside the point
                    self.open_error = "the PDF is encrypted; verify needs an unencrypted build"
                    return None
                if len(reader.pages) == 0:
                    self.open_error = "the document has no pages"
                    return None
        except (DependencyError, FileNotDecryptedError, WrongPasswordError):  # AES: pypdf decrypts on opening
            self.open_error = "the PDF is encrypted; verify needs an unencrypted build"
            return None
        except Exception as exc:  # pypdf raises many kinds on damaged files; all mean "cannot open"
            self.open_error = f"{type(exc).__name__}: {exc}"
            return None
        return reader

    @cached_property
    def pages(self) -> list:
        if self.reader is None:
            return []
        pages = list(self.reader.pages)
        end = len(pages) if self.count is None else self.first + self.count
        return pages[self.first:end]

    @property
    def n(self) -> int:
        return len(self.pages)

    @cached_property
    def page_ids(self) -> dict[int, int]:
        """Page object number -> 0-based page index."""
        return {p.indirect_reference.idnum: i for i, p in enumerate(self.pages) if p.indirect_reference is not None}

    def origin(self, i: int) -> tuple[float, float]:
        box = self.pages[i].trimbox
        return float(box.left), float(box.bottom)

    # -- text: one reading per page ------------------------------------------------------
    def runs(self, i: int) -> list[Run]:
        cache = self.__dict__.setdefault("_runs", {})
        if i not in cache:
            cache[i] = self._extract(i)
        return cache[i]

    @cached_property
    def text_reader(self):
        """The project's own content-stream reader (tagging._text), fonts decoded once for the file."""
        if self._source is not None:
            return self._source.text_reader
        from ..tagging._text import TextReader

        return TextReader(self.reader)

    def _extract(self, i: int) -> list[Run]:
        ox, oy = self.origin(i)
        out: list[Run] = []

        def visit(text, cm, tm, font, size):
            key = squash(text)
            if not key:
                return
            a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                          tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append(Run(text, key, x - ox, y - oy, round(size * math.sqrt(abs(a * d - b * c)), 2), font))

        with _captured_pypdf_log(self.pdf_warnings):
            self.text_reader.page(self.pages[i], visit)
        return out

    # -- links ---------------------------------------------------------------------------
    def resolve(self, annot) -> tuple[str, object]:
        """A link annotation's target: ('page', (index, top or None)), ('uri', text) or ('broken', why)."""
        from pypdf.generic import ArrayObject, NullObject

        dest = annot.get("/Dest")
        action = annot.get("/A")
        if dest is None and action is not None:
            action = action.get_object()
            kind = action.get("/S")
            if kind == "/URI":
                return "uri", str(action.get("/URI", ""))
            if kind != "/GoTo":
                return "broken", f"an action of kind {kind} instead of a link inside the document"
            dest = action.get("/D")
        if dest is None:
            return "broken", "no destination"
        dest = dest.get_object()
        if not isinstance(dest, ArrayObject):
            name = str(dest)
            named = self.named_destinations.get(name)
            if named is None:
                return "broken", f"the named destination {name!r}, which the document does not define"
            dest = named
        if len(dest) == 0:
            return "broken", "an empty destination"
        target = dest[0]
        if hasattr(target, "idnum"):
            index = self.page_ids.get(target.idnum)
            if index is None:
                return "broken", f"object {target.idnum}, which is not a page of this document"
        elif isinstance(target, int) and 0 <= target < self.n:
            index = int(target)
        elif isinstance(target, (NullObject, type(None))):
            return "broken", "a null page"
        else:
            return "broken", f"{target!r}, which is not a page of this document"
        top = None
        fit = str(dest[1]) if len(dest) > 1 else ""
        at = {"/XYZ": 3, "/FitH": 2, "/FitBH": 2, "/FitR": 5}.get(fit)
        if at is not None and len(dest) > at:
            try:
                top = float(dest[at]) - self.origin(index)[1]
            except (TypeError, ValueError):
                top = None
        return "page", (index, top)

    @cached_property
    def named_destinations(self) -> dict:
        """Name -> destination array, from /Dests and the /Names tree."""
        from pypdf.generic import ArrayObject

        out: dict = {}
        root = self.reader.trailer["/Root"]
        dests = root.get("/Dests")
        if dests is not None:
            for k, v in dests.get_object().items():
                v = v.get_object()
                out[str(k).lstrip("/")] = v.get("/D") if not isinstance(v, ArrayObject) else v
                out[str(k)] = out[str(k).lstrip("/")]
        names = root.get("/Names")
        tree = names.get_object().get("/Dests") if names is not None else None
        stack = [tree.get_object()] if tree is not None else []
        while stack:
            node = stack.pop()
            for kid in node.get("/Kids", []):
                stack.append(kid.get_object())
            items = node.get("/Names", [])
            for j in range(0, len(items) - 1, 2):
                v = items[j + 1].get_object()
                out[str(items[j])] = v.get("/D") if not isinstance(v, ArrayObject) else v
        return out

    def links(self) -> Iterator[tuple[int, object]]:
        for i, page in enumerate(self.pages):
            for ref in page.get("/Annots") or []:
                annot = ref.get_object()
                if annot.get("/Subtype") == "/Link":
                    yield i, annot


PdfFile = _PdfFile  # the public name (guide.diff reads PDFs through it)


@contextmanager
def _captured_pypdf_log(sink: list[str]):
    """Keep pypdf's repair notices for the report instead of letting them reach stderr."""
    logger = logging.getLogger("pypdf")

    class Collect(logging.Handler):
        def emit(self, record):
            sink.append(record.getMessage())

    handler = Collect(logging.WARNING)
    old = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        sink.extend(str(w.message) for w in caught)
    finally:
        logger.removeHandler(handler)
        logger.propagate = old


def flat_outline(ins: _PdfFile) -> list[tuple[int, str, int | None]]:
    """The bookmarks as (level, title, 0-based page index or None)."""
    reader = ins.reader
    out: list[tuple[int, str, int | None]] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(item) - ins.first
            except Exception:
                page = None
            out.append((level, str(item.title), page if page is not None and 0 <= page < ins.n else None))

    try:
        walk(reader.outline, 0)
    except Exception as exc:
        out.append((0, f"<unreadable outline: {exc}>", None))
    return out


def form_fields(ins: _PdfFile) -> list[tuple[str, object]]:
    """(full name, field dictionary) for each terminal field of the AcroForm, in order."""
    form = ins.reader.trailer["/Root"].get("/AcroForm")
    if form is None:
        return []
    out: list[tuple[str, object]] = []

    def walk(refs, prefix: str):
        for ref in refs:
            f = ref.get_object()
            part = str(f.get("/T", ""))
            name = f"{prefix}.{part}" if prefix and part else (part or prefix)
            kids = [k for k in f.get("/Kids") or [] if "/T" in k.get_object()]
            if kids:
                walk(kids, name)
            else:
                out.append((name, f))

    walk(form.get_object().get("/Fields") or [], "")
    return out
