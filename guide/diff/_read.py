"""PDF bytes in; a Doc out: its sections (from the bookmarks) as sentences with their pages, tables by cell, metadata.

A tagged PDF (every guide and packet) is read through its structure tree: paragraphs, list items and
table cells in reading order, each piece of text with its page, and no running header or footer (those
are artifacts). Sections start at the headings whose text is a bookmark's title. An untagged PDF (the
imposed booklet, the print file) falls back to verify's PdfFile text runs, with the running header and
footer recognised as the lines at the same height on most pages (digits aside); it has no table cells.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import msgspec

from ..errors import InputError

FRONT = "(cover and contents)"
SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d\u2019)\]]*\s+(?=[\"\u201c(A-Z0-9\u2022])")
HIDDEN = "(a name: not shown)"


class Sentence(msgspec.Struct, frozen=True):
    text: str
    page: int       # 1-based page where it starts


class Table(msgspec.Struct):
    header: list[str]
    rows: list[list[str]] = msgspec.field(default_factory=list)
    pages: list[int] = msgspec.field(default_factory=list)   # 1-based page of each row


class Section(msgspec.Struct):
    level: int
    title: str
    page: int | None                       # 1-based page of its heading
    sentences: list[Sentence] = msgspec.field(default_factory=list)
    tables: list[Table] = msgspec.field(default_factory=list)


class Doc(msgspec.Struct):
    pages: int
    metadata: dict[str, str]
    sections: list[Section]


class _Line(msgspec.Struct):
    page: int
    y: float
    runs: list

    @property
    def text(self) -> str:
        out = ""
        for r in self.runs:
            t = r.text
            if out and not out[-1].isspace() and not t[:1].isspace() and not re.match(r"[,.;:!?)\]%]", t):
                out += " "
            out += t
        return " ".join(out.split())


def read_doc(pdf: bytes, name: str = "PDF") -> Doc:
    from ..verify import PdfFile, flat_outline, squash

    f = PdfFile(pdf)
    if f.reader is None:
        raise InputError(f"{name}: cannot be read as a PDF ({f.open_error})")
    outline = [(lv, t, p) for lv, t, p in flat_outline(f) if not t.startswith("<unreadable")]
    if "/StructTreeRoot" in f.reader.trailer["/Root"]:
        from ..tagging import read_tree

        root = read_tree(f.reader)
        if root is not None:
            return Doc(f.n, _metadata(f), _from_tree(root, outline))
    lines = _lines(f)
    sections = [Section(0, FRONT, 1)]
    body: list[list[_Line]] = [[]]
    k = 0
    for lv, title, page in outline:
        key = squash(title)
        at = _find_heading(lines, k, key, page)
        if at is None:
            continue
        start, end = at
        sections.append(Section(lv, title, lines[start].page + 1))
        body[-1].extend(lines[k:start])
        body.append([])
        k = end
    body[-1].extend(lines[k:])
    for section, section_lines in zip(sections, body, strict=True):
        _fill(section, section_lines)
    return Doc(f.n, _metadata(f), sections)


# elements whose text is one block of sentences (not looked into further)
BLOCKS = {"P", "LBody", "Caption", "BibEntry", "TOCI", "Note", "Quote", "BlockQuote"}
SKIP = {"Lbl", "Form", "Figure", "Artifact"}   # bullets and checkboxes: no words


def _from_tree(root, outline) -> list[Section]:
    from ..verify import squash

    titles = [(lv, squash(t), t) for lv, t, _ in outline]
    sections = [Section(0, FRONT, 1)]
    k = 0

    def pages_of(node) -> list[tuple[int, str]]:
        return [(page + 1 if page is not None and page >= 0 else 0, text) for (page, _), text in node.pieces()]

    def visit(node) -> None:
        nonlocal k
        role = node.role
        if role in SKIP:
            return
        if role[:1] == "H" and role[1:].isdigit():
            key = squash(node.text)
            at = next((j for j in range(k, len(titles)) if titles[j][1] == key), None)
            if at is not None:
                k = at + 1
                pieces = pages_of(node)
                sections.append(Section(titles[at][0], titles[at][2], pieces[0][0] if pieces else None))
                return
        if role == "Table":
            table = None
            for tr in (n for n in node.walk() if n.role == "TR"):
                cells = [c for c in tr.kids if c.role in ("TH", "TD")]
                texts = [c.text for c in cells]
                if table is None:
                    table = Table(texts)
                    continue
                if all(c.role == "TH" for c in cells) and texts == table.header:
                    continue   # the header repeated on the next page
                table.rows.append(texts)
                pieces = pages_of(tr)
                table.pages.append(pieces[0][0] if pieces else 0)
            if table is not None:
                sections[-1].tables.append(table)
            return
        if role in BLOCKS:
            _add_block(sections[-1], pages_of(node))
            return
        for kid in node.kids:
            visit(kid)

    visit(root)
    return sections


def _add_block(section: Section, pieces: list[tuple[int, str]]) -> None:
    text, starts = "", []
    for page, piece in pieces:
        starts.append((len(text), page))
        text += piece
    for start, sentence in _sentences(text):
        page = next((p for off, p in reversed(starts) if off <= start), 0)
        section.sentences.append(Sentence(sentence, page))


def _lines(f) -> list[_Line]:
    per_page: list[list[_Line]] = []
    for i in range(f.n):
        rows: dict[float, list] = {}
        for run in f.runs(i):
            rows.setdefault(round(run.y, 1), []).append(run)
        per_page.append([_Line(i, y, sorted(rs, key=lambda r: r.x)) for y, rs in sorted(rows.items(), reverse=True)])
    # running header and footer: the same line (digits aside) at the same height on most pages
    seen = Counter()
    for page in per_page:
        for key in {(round(ln.y), re.sub(r"\d+", "#", ln.text)) for ln in page}:
            seen[key] += 1
    running = {k for k, c in seen.items() if f.n >= 4 and c >= f.n / 2}
    return [ln for page in per_page for ln in page if (round(ln.y), re.sub(r"\d+", "#", ln.text)) not in running]


def _find_heading(lines: list[_Line], k: int, key: str, page: int | None) -> tuple[int, int] | None:
    """The lines (start, end) from k on that spell the heading ``key`` (on its bookmark's page when known)."""
    from ..verify import squash

    for i in range(k, len(lines)):
        if page is not None and lines[i].page < page:
            continue
        acc = ""
        for j in range(i, min(i + 4, len(lines))):
            acc += squash(lines[j].text)
            if acc == key:
                return i, j + 1
            if not key.startswith(acc):
                break
    return None


def _fill(section: Section, lines: list[_Line]) -> None:
    """Sentences of the section's text and its tables (lines in a table are cells, not sentences)."""
    text, starts = "", []   # starts: (offset, page)
    i = 0
    while i < len(lines):
        ln = lines[i]
        piece = ln.text
        if text and not text.endswith("-"):
            text += " "
        starts.append((len(text), ln.page + 1))
        text += piece
        i += 1
    for m in _sentences(text):
        start = m[0]
        page = next((p for off, p in reversed(starts) if off <= start), starts[0][1] if starts else 1)
        section.sentences.append(Sentence(m[1], page))


def _sentences(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for m in SENTENCE_END.finditer(text):
        out.append((pos, text[pos:m.start()].strip() + text[m.start():m.end()].strip()))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, text[pos:].strip()))
    return [(p, " ".join(s.split())) for p, s in out if s.strip()]


def _metadata(f) -> dict[str, str]:
    info = f.reader.metadata or {}
    out = {k.lstrip("/").lower(): str(info.get(k)) for k in ("/Title", "/Author", "/Subject", "/Keywords",
                                                              "/Creator") if info.get(k) is not None}
    try:
        record = json.loads(str(info.get("/GuideBuild")))
    except ValueError:
        record = None
    if isinstance(record, dict):
        out["kind"] = str(record.get("kind"))
        out["content_sha256"] = str(record.get("content_sha256"))
        for k, v in (record.get("edition") or {}).items():
            out[f"edition.{k}"] = HIDDEN if k == "for" and v else json.dumps(v, ensure_ascii=False)
    return out
