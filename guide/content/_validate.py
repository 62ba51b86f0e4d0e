"""Raw YAML (with line numbers) in, a typed Guide out; every problem is reported in one pass."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import models as m
from ..errors import ContentError, Problem
from ._yaml import YList, YMap, line_of, load_file

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
INLINE_RE = re.compile(
    r"\*\*(?P<strong>[^*]+?)\*\*"
    r"|\*(?P<emph>[^*]+?)\*"
    r"|\[@(?P<cite>[^\]]*)\]"
    r"|\[\[(?P<term>[^\]]*)\]\]"
)
MAX_TEXT = 5000
FONT_NAME = "Atkinson Hyperlegible"


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "item"


def _excerpt(text: str, i: int, room: int = 20) -> str:
    """The text around position ``i``, quoted, so a long paragraph's bad spot can be found."""
    start, end = max(0, i - room), min(len(text), i + room + 1)
    inner = "".join(repr(ch)[1:-1] if unicodedata.category(ch)[0] == "C" else ch for ch in text[start:end])
    return '"' + ("…" if start else "") + inner + ("…" if end < len(text) else "") + '"'


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


class Checker:
    """Collects problems while walking one file's YAML; ``where`` = (container, key, path)."""

    def __init__(self, file: str, drawable: frozenset[int] | None,
                 ref_keys: Iterable[str] = (), term_index: dict[str, str] | None = None):
        self.file = file
        self.drawable = drawable
        self.problems: list[Problem] = []
        self.ref_keys = set(ref_keys)
        self.term_index = term_index or {}
        self.cited: set[str] = set()
        # where the first citation and glossary link are: each needs its list printed somewhere
        self.first_use: dict[str, Problem] = {}

    # -- reporting ------------------------------------------------------------------
    def add(self, container: Any, key: Any, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, line_of(container, key), path, message))

    # -- shapes ---------------------------------------------------------------------
    def mapping(self, value: Any, parent: Any, key: Any, path: str,
                required: Iterable[str], optional: Iterable[str] = ()) -> YMap | None:
        if not isinstance(value, dict):
            self.add(parent, key, path, f"must be a mapping (key: value lines), not {_type_name(value)}")
            return None
        required, optional = list(required), list(optional)
        allowed = required + optional
        for k in value:
            if k not in allowed:
                hint = difflib.get_close_matches(k, allowed, n=1)
                msg = f"unknown key {k!r}"
                msg += f"; did you mean {hint[0]!r}?" if hint else f"; allowed keys: {', '.join(allowed)}"
                self.add(value, k, _join(path, k), msg)
        for k in required:
            if k not in value:
                self.add(value, None, _join(path, k), "required key is missing")
        return value

    def seq(self, value: Any, parent: Any, key: Any, path: str, allow_empty: bool = False) -> YList | None:
        if not isinstance(value, list):
            self.add(parent, key, path, f"must be a list, not {_type_name(value)}")
            return None
        if not value and not allow_empty:
            self.add(parent, key, path, "must not be empty")
            return None
        return value

    def text(self, value: Any, parent: Any, key: Any, path: str, max_len: int = MAX_TEXT) -> str | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.add(parent, key, path, f"must be text, not {_type_name(value)}")
            return None
        value = " ".join(value.split())
        if not value:
            self.add(parent, key, path, "must not be empty")
            return None
        if len(value) > max_len:
            self.add(parent, key, path, f"is {len(value)} characters long; at most {max_len} allowed")
            return None
        self.drawable_check(value, parent, key, path)
        return value

    def drawable_check(self, value: str, parent: Any, key: Any, path: str) -> None:
        if self.drawable is None:
            return
        reported: set[str] = set()
        for i, ch in enumerate(value):
            if ord(ch) not in self.drawable and ch not in reported:
                reported.add(ch)
                name = unicodedata.name(ch, "unnamed character")
                shown = repr(ch) if unicodedata.category(ch)[0] in "CZ" else f"'{ch}'"
                self.add(parent, key, path,
                         f"character {shown} (U+{ord(ch):04X} {name}) cannot be drawn by the font {FONT_NAME}"
                         + (f", in {_excerpt(value, i)}" if len(value) > 1 else ""))

    def ident(self, value: Any, parent: Any, key: Any, path: str) -> str | None:
        if not isinstance(value, str) or not ID_RE.match(value):
            self.add(parent, key, path,
                     f"must be an id of lowercase letters, digits and hyphens (like 'night-sweats'), not {value!r}")
            return None
        return value

    def number(self, value: Any, parent: Any, key: Any, path: str,
               maximum: float | None = None, nullable: bool = True) -> float | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(parent, key, path,
                     f"must be a number{' or null' if nullable else ''}, not {_type_name(value)} {value!r}")
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.add(parent, key, path, "must be a finite number")
            return None
        if value < 0:
            self.add(parent, key, path, f"must not be negative (got {value})")
            return None
        if maximum is not None and value > maximum:
            self.add(parent, key, path, f"must be at most {maximum:g} (got {value})")
            return None
        return value

    def enum(self, value: Any, parent: Any, key: Any, path: str, enum: type) -> Any:
        valid = [e.value for e in enum]
        if value in valid:
            return enum(value)
        hint = difflib.get_close_matches(str(value), valid, n=1)
        msg = f"must be one of: {', '.join(valid)} (got {value!r})"
        if hint:
            msg += f"; did you mean {hint[0]!r}?"
        self.add(parent, key, path, msg)
        return None

    # -- inline ---------------------------------------------------------------------
    def inline(self, value: Any, parent: Any, key: Any, path: str) -> m.Inline | None:
        raw = self.text(value, parent, key, path)
        if raw is None:
            return None
        spans: list[m.Span] = []
        pos = 0
        for match in INLINE_RE.finditer(raw):
            if match.start() > pos:
                spans.append(m.Text(raw[pos:match.start()]))
            pos = match.end()
            if match.group("strong") is not None:
                spans.append(m.Strong(match.group("strong")))
            elif match.group("emph") is not None:
                spans.append(m.Emph(match.group("emph")))
            elif match.group("cite") is not None:
                keys = tuple(k.strip().lstrip("@").strip() for k in match.group("cite").split(","))
                for k in keys:
                    if k not in self.ref_keys:
                        hint = difflib.get_close_matches(k, sorted(self.ref_keys), n=1)
                        self.add(parent, key, path, f"citation [@{k}] names no reference in references.yaml"
                                 + (f"; did you mean {hint[0]!r}?" if hint else ""))
                self.cited.update(keys)
                self.first_use.setdefault("cite", Problem(self.file, line_of(parent, key), path,
                                                          f"citation [@{keys[0]}]"))
                spans.append(m.Cite(keys))
            else:
                shown, _, target = match.group("term").partition("|")
                target = (target or shown).strip()
                if not shown.strip():
                    self.add(parent, key, path, f"glossary link [[{match.group('term')}]] shows no words; "
                                                "write it as [[words to show|term]]")
                term_id = self.term_index.get(target.lower())
                if term_id is None:
                    hint = difflib.get_close_matches(target.lower(), sorted(self.term_index), n=1)
                    self.add(parent, key, path,
                             f"glossary link [[{match.group('term')}]] names no term in glossary.yaml"
                             + (f"; did you mean {hint[0]!r}?" if hint else ""))
                    term_id = ""
                self.first_use.setdefault("term", Problem(self.file, line_of(parent, key), path,
                                                          f"glossary link [[{match.group('term')}]]"))
                spans.append(m.TermLink(shown.strip(), term_id))
        if pos < len(raw):
            spans.append(m.Text(raw[pos:]))
        return tuple(spans)


def shown_path(path: Path) -> str:
    """A path as a user should see it: ``content/guide.yaml`` when under the working folder."""
    try:
        return str(Path(path).absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _also(c: Checker, first: tuple[str, int]) -> str:
    """Where the first of two duplicates is: ``line 12`` in the same file, else ``file:line``."""
    file, line = first
    return f"(also at line {line})" if file == c.file else f"(also at {file}:{line})"


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


# ---- blocks ------------------------------------------------------------------------

BLOCK_KINDS = ("paragraph", "bullets", "checklist", "callout", "regimens", "glossary", "references")


def _blocks(c: Checker, value: Any, parent: Any, key: Any, path: str,
            seen_ids: dict[str, tuple[str, int]]) -> tuple[m.Block, ...]:
    items = c.seq(value, parent, key, path)
    if items is None:
        return ()
    out: list[m.Block] = []
    for i, raw in enumerate(items):
        p = _join(path, i)
        if not isinstance(raw, dict) or len(raw) != 1:
            got = f"a mapping with keys {', '.join(raw)}" if isinstance(raw, dict) else _type_name(raw)
            hint = "; for a paragraph write '- paragraph: <text>'" if isinstance(raw, str) else ""
            c.add(items, i, p,
                  f"a block is a mapping with one key, the block kind ({', '.join(BLOCK_KINDS)}); got {got}{hint}")
            continue
        kind, body = next(iter(raw.items()))
        builder = _BLOCK_BUILDERS.get(kind)
        if builder is None:
            hint = difflib.get_close_matches(kind, BLOCK_KINDS, n=1)
            c.add(raw, kind, _join(p, kind), f"unknown block kind {kind!r}"
                  + (f"; did you mean {hint[0]!r}?" if hint else f"; valid kinds: {', '.join(BLOCK_KINDS)}"))
            continue
        block = builder(c, body, raw, kind, _join(p, kind), seen_ids)
        if block is not None:
            out.append(block)
    return tuple(out)


def _paragraph(c, body, parent, key, path, seen_ids):
    text = c.inline(body, parent, key, path)
    return m.Paragraph(text) if text else None


def _list_items(c: Checker, value: Any, parent: Any, key: Any, path: str, depth: int = 0) -> tuple[m.ListItem, ...]:
    items = c.seq(value, parent, key, path)
    if items is None:
        return ()
    out = []
    for i, raw in enumerate(items):
        p = _join(path, i)
        if isinstance(raw, dict):
            body = c.mapping(raw, items, i, p, ["text"], ["items"])
            if body is None:
                continue
            text = c.inline(body.get("text"), body, "text", _join(p, "text")) if "text" in body else None
            children: tuple[m.ListItem, ...] = ()
            if "items" in body:
                if depth >= 2:
                    c.add(body, "items", _join(p, "items"), "lists nest at most three levels deep")
                else:
                    children = _list_items(c, body["items"], body, "items", _join(p, "items"), depth + 1)
            if text:
                out.append(m.ListItem(text, children))
        else:
            text = c.inline(raw, items, i, p)
            if text:
                out.append(m.ListItem(text))
    return tuple(out)


def _bullets(c, body, parent, key, path, seen_ids):
    items = _list_items(c, body, parent, key, path)
    return m.BulletList(items) if items else None


def _checklist(c, body, parent, key, path, seen_ids):
    body = c.mapping(body, parent, key, path, ["id", "title", "items"], ["intro", "notes"])
    if body is None:
        return None
    cid = c.ident(body.get("id"), body, "id", _join(path, "id")) if "id" in body else None
    if cid is not None:
        first = seen_ids.get(f"checklist:{cid}")
        if first:
            c.add(body, "id", _join(path, "id"), f"duplicate checklist id {cid!r} {_also(c, first)}")
        else:
            seen_ids[f"checklist:{cid}"] = (c.file, line_of(body, "id"))
    title = c.text(body.get("title"), body, "title", _join(path, "title"), 200) if "title" in body else None
    intro = c.inline(body["intro"], body, "intro", _join(path, "intro")) if "intro" in body else ()
    notes = c.text(body["notes"], body, "notes", _join(path, "notes"), 60) if "notes" in body else None
    items_path = _join(path, "items")
    raw_items = c.seq(body.get("items"), body, "items", items_path) if "items" in body else None
    items: list[m.CheckItem] = []
    ids: dict[str, int] = {}
    for i, raw in enumerate(raw_items or ()):
        p = _join(items_path, i)
        if isinstance(raw, dict):
            rb = c.mapping(raw, raw_items, i, p, ["text"], ["id"])
            if rb is None:
                continue
            text = c.inline(rb.get("text"), rb, "text", _join(p, "text")) if "text" in rb else None
            if "id" in rb:
                iid = c.ident(rb.get("id"), rb, "id", _join(p, "id"))
            else:
                iid = slug(m.plain(text)) if text else None
        else:
            text = c.inline(raw, raw_items, i, p)
            iid = slug(m.plain(text)) if text else None
        if text and len(m.plain(text)) > 300:
            c.add(raw_items, i, p, "a checklist item is at most 300 characters; split it into several items")
            continue
        if iid is not None and iid in ids:
            c.add(raw_items, i, p, f"duplicate checklist item id {iid!r} (same as item {ids[iid]}); give it an id")
            continue
        if text and iid:
            ids[iid] = i
            items.append(m.CheckItem(iid, text))
    if cid and title and items:
        return m.Checklist(cid, title, tuple(items), intro or (), notes)
    return None


def _callout(c, body, parent, key, path, seen_ids):
    body = c.mapping(body, parent, key, path, ["title", "blocks"])
    if body is None:
        return None
    title = c.text(body.get("title"), body, "title", _join(path, "title"), 200) if "title" in body else None
    blocks = _blocks(c, body["blocks"], body, "blocks", _join(path, "blocks"), seen_ids) if "blocks" in body else ()
    for b in blocks:
        if isinstance(b, (m.Callout, m.RegimenTable, m.GlossaryList, m.ReferenceList)):
            c.add(body, "blocks", _join(path, "blocks"), "a callout holds paragraphs, bullets and checklists only")
            return None
    return m.Callout(title, blocks) if title and blocks else None


REGIMEN_KEYS = ["regimen", "drugs", "median_survival_months", "response_rate_percent", "evidence", "refs"]


def _regimens(c, body, parent, key, path, seen_ids):
    body = c.mapping(body, parent, key, path, ["rows"], ["caption"])
    if body is None:
        return None
    caption = c.text(body["caption"], body, "caption", _join(path, "caption"), 300) if "caption" in body else ""
    rows_path = _join(path, "rows")
    raw_rows = c.seq(body.get("rows"), body, "rows", rows_path) if "rows" in body else None
    rows = []
    ok = raw_rows is not None
    for i, raw in enumerate(raw_rows or ()):
        p = _join(rows_path, i)
        r = c.mapping(raw, raw_rows, i, p, REGIMEN_KEYS, ["year"])
        if r is None or any(k not in r for k in REGIMEN_KEYS):
            ok = False
            continue
        before = len(c.problems)
        name = c.text(r["regimen"], r, "regimen", _join(p, "regimen"), 200)
        drugs_raw = c.seq(r["drugs"], r, "drugs", _join(p, "drugs"))
        drugs = tuple(c.text(d, drugs_raw, j, _join(_join(p, "drugs"), j), 80) for j, d in enumerate(drugs_raw or ()))
        survival = c.number(r["median_survival_months"], r, "median_survival_months",
                            _join(p, "median_survival_months"))
        response = c.number(r["response_rate_percent"], r, "response_rate_percent",
                            _join(p, "response_rate_percent"), maximum=100)
        evidence = c.enum(r["evidence"], r, "evidence", _join(p, "evidence"), m.Evidence)
        year = None
        if "year" in r:
            y = r["year"]
            if isinstance(y, bool) or not isinstance(y, int) or not 1900 <= y <= 2100:
                c.add(r, "year", _join(p, "year"), f"must be a year like 2003, not {y!r}")
            else:
                year = y
        refs_raw = c.seq(r["refs"], r, "refs", _join(p, "refs"))
        refs = []
        for j, k in enumerate(refs_raw or ()):
            if not isinstance(k, str):
                c.add(refs_raw, j, _join(_join(p, "refs"), j), f"must be a reference key, not {_type_name(k)}")
            elif k not in c.ref_keys:
                hint = difflib.get_close_matches(k, sorted(c.ref_keys), n=1)
                c.add(refs_raw, j, _join(_join(p, "refs"), j), f"{k!r} names no reference in references.yaml"
                      + (f"; did you mean {hint[0]!r}?" if hint else ""))
            else:
                refs.append(k)
                c.cited.add(k)
                c.first_use.setdefault("cite", Problem(c.file, line_of(refs_raw, j), _join(_join(p, "refs"), j),
                                                       f"source {k!r}"))
        if len(c.problems) > before:
            ok = False
            continue
        rows.append(m.Regimen(name, drugs, survival, response, evidence, year, tuple(refs)))
    return m.RegimenTable(caption, tuple(rows)) if ok and rows else None


def _marker(cls, what: str):
    """A block that prints a list kept elsewhere; once only, as its entries are link targets."""
    def build(c, body, parent, key, path, seen_ids):
        if body not in (None, {}):
            c.add(parent, key, path, f"takes no settings; write it as '- {key}: {{}}'")
            return None
        first = seen_ids.get(f"block:{key}")
        if first:
            c.add(parent, key, path, f"the {what} can be printed only once {_also(c, first)}")
            return None
        seen_ids[f"block:{key}"] = (c.file, line_of(parent, key))
        return cls()
    return build


_BLOCK_BUILDERS: dict[str, Callable[..., m.Block | None]] = {
    "paragraph": _paragraph,
    "bullets": _bullets,
    "checklist": _checklist,
    "callout": _callout,
    "regimens": _regimens,
    "glossary": _marker(m.GlossaryList, "glossary"),
    "references": _marker(m.ReferenceList, "reference list"),
}


# ---- files -------------------------------------------------------------------------

class Loader:
    """Reads the content folder; each file is parsed once and all problems are collected."""

    def __init__(self, content_dir: Path, drawable: frozenset[int] | None):
        self.dir = Path(content_dir)
        self.drawable = drawable
        self.problems: list[Problem] = []
        self.cited: set[str] = set()
        self.first_use: dict[str, Problem] = {}  # in sections; the glossary's own under "glossary:cite"

    def shown(self, rel: str) -> str:
        return shown_path(self.dir / rel)

    def read(self, rel: str) -> Any:
        try:
            raw = load_file(self.dir / rel, self.shown(rel))
        except ContentError as exc:
            self.problems.extend(exc.problems)
            return None
        if raw is None:
            self.problems.append(Problem(self.shown(rel), 0, "", "the file is empty"))
        return raw

    def checker(self, rel: str, **kw) -> Checker:
        return Checker(self.shown(rel), self.drawable, **kw)

    def finish(self, c: Checker, prefix: str = "") -> None:
        self.problems.extend(c.problems)
        self.cited |= c.cited
        for kind, where in c.first_use.items():
            self.first_use.setdefault(prefix + kind, where)


def _references(ld: Loader) -> tuple[m.Reference, ...]:
    raw = ld.read("references.yaml")
    if raw is None:
        return ()
    c = ld.checker("references.yaml")
    body = c.mapping(raw, raw, None, "", ["references"])
    out = []
    if body is not None and "references" in body:
        items = c.seq(body["references"], body, "references", "references")
        seen: dict[str, int] = {}
        for i, r in enumerate(items or ()):
            p = f"references[{i}]"
            rb = c.mapping(r, items, i, p, ["key", "text"])
            if rb is None or "key" not in rb or "text" not in rb:
                continue
            key = rb["key"]
            if not isinstance(key, str) or not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", key):
                c.add(rb, "key", p + ".key", f"must be a short key of letters, digits and - _ . : (got {key!r})")
                continue
            if key in seen:
                c.add(rb, "key", p + ".key", f"duplicate reference key {key!r} {_also(c, (c.file, seen[key]))}")
                continue
            seen[key] = line_of(rb, "key")
            text = c.text(rb["text"], rb, "text", p + ".text", 1000)
            if text:
                out.append(m.Reference(key, text, len(out) + 1))
    ld.finish(c)
    return tuple(out)


def _glossary_index(raw: Any) -> dict[str, str]:
    """Term ids and names (lowercased) -> id, read leniently before full validation."""
    index: dict[str, str] = {}
    terms = raw.get("terms") if isinstance(raw, dict) else None
    for t in terms if isinstance(terms, list) else ():
        if isinstance(t, dict) and isinstance(t.get("id"), str):
            index[t["id"].lower()] = t["id"]
            if isinstance(t.get("term"), str):
                index.setdefault(t["term"].lower(), t["id"])
    return index


def _glossary(ld: Loader, raw: Any, refs: set[str], index: dict[str, str]) -> tuple[m.Term, ...]:
    if raw is None:
        return ()
    c = ld.checker("glossary.yaml", ref_keys=refs, term_index=index)
    body = c.mapping(raw, raw, None, "", ["terms"])
    out = []
    if body is not None and "terms" in body:
        items = c.seq(body["terms"], body, "terms", "terms")
        seen: dict[str, int] = {}
        for i, t in enumerate(items or ()):
            p = f"terms[{i}]"
            tb = c.mapping(t, items, i, p, ["id", "term", "definition"])
            if tb is None or any(k not in tb for k in ("id", "term", "definition")):
                continue
            tid = c.ident(tb["id"], tb, "id", p + ".id")
            if tid and tid in seen:
                c.add(tb, "id", p + ".id", f"duplicate glossary term id {tid!r} {_also(c, (c.file, seen[tid]))}")
                continue
            term = c.text(tb["term"], tb, "term", p + ".term", 100)
            definition = c.inline(tb["definition"], tb, "definition", p + ".definition")
            if tid and term and definition:
                seen[tid] = line_of(tb, "id")
                out.append(m.Term(tid, term, definition))
    ld.finish(c, prefix="glossary:")
    return tuple(sorted(out, key=lambda t: t.term.lower()))


def _section(ld: Loader, c: Checker, raw: Any, parent: Any, key: Any, path: str,
             seen_ids: dict[str, tuple[str, int]], expect_id: str | None = None) -> m.Section | None:
    body = c.mapping(raw, parent, key, path, ["id", "title", "blocks"], ["subsections"])
    if body is None:
        return None
    sid = c.ident(body.get("id"), body, "id", _join(path, "id")) if "id" in body else None
    if sid is not None:
        if expect_id is not None and sid != expect_id:
            c.add(body, "id", _join(path, "id"), f"must equal the file name {expect_id!r} (got {sid!r})")
        first = seen_ids.get(f"section:{sid}")
        if first:
            c.add(body, "id", _join(path, "id"), f"duplicate section id {sid!r} {_also(c, first)}")
        else:
            seen_ids[f"section:{sid}"] = (c.file, line_of(body, "id"))
    title = c.text(body.get("title"), body, "title", _join(path, "title"), 120) if "title" in body else None
    blocks = _blocks(c, body["blocks"], body, "blocks", _join(path, "blocks"), seen_ids) if "blocks" in body else ()
    subs: list[m.Section] = []
    if "subsections" in body:
        items = c.seq(body["subsections"], body, "subsections", _join(path, "subsections"))
        for i, s in enumerate(items or ()):
            sub = _section(ld, c, s, items, i, _join(_join(path, "subsections"), i), seen_ids)
            if sub:
                subs.append(sub)
    if sid and title and blocks:
        return m.Section(sid, title, blocks, tuple(subs))
    return None


def _colour(c: Checker, raw: Any, parent: Any, key: Any, path: str) -> m.Colour | None:
    body = c.mapping(raw, parent, key, path, ["rgb"], ["cmyk"])
    if body is None or "rgb" not in body:
        return None
    rgb = body["rgb"]
    if not isinstance(rgb, str) or not HEX_RE.match(rgb):
        c.add(body, "rgb", _join(path, "rgb"), f"must be a colour like \"#1f4e79\", not {rgb!r}")
        return None
    cmyk = None
    if "cmyk" in body:
        v = body["cmyk"]
        if (not isinstance(v, list) or len(v) != 4
                or any(isinstance(x, bool) or not isinstance(x, (int, float)) or not 0 <= x <= 1 for x in v)):
            c.add(body, "cmyk", _join(path, "cmyk"), f"must be four numbers from 0 to 1 [c, m, y, k], not {v!r}")
            return None
        cmyk = tuple(float(x) for x in v)
    return m.Colour(rgb.lower(), cmyk)


COLOUR_ROLES = ("primary", "accent", "text", "tint")
# Colours that text is printed in, and the backgrounds it stands on (accent is decoration only).
# WCAG 2 asks for a contrast of at least 4.5:1 for body text; white text on primary counts too.
TEXT_ON = {"text": ("white", "tint"), "primary": ("white", "tint")}
MIN_CONTRAST = 4.5


def _luminance(rgb: str) -> float:
    """WCAG 2 relative luminance of "#rrggbb"."""
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(rgb[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _check_contrast(c: Checker, cb: Any, colours: dict[str, m.Colour]) -> None:
    for role, grounds in TEXT_ON.items():
        if role not in colours:
            continue
        for ground in grounds:
            other = "#ffffff" if ground == "white" else colours.get(ground, None) and colours[ground].rgb
            if not other:
                continue
            ratio = contrast(colours[role].rgb, other)
            if ratio < MIN_CONTRAST:
                c.add(cb, role, f"colours.{role}",
                      f"text in this colour on {ground} has a contrast of {ratio:.1f}:1; "
                      f"readers need at least {MIN_CONTRAST:g}:1 (choose a darker colour)")


def _brand(ld: Loader) -> m.Brand | None:
    raw = ld.read("brand.yaml")
    if raw is None:
        return None
    c = ld.checker("brand.yaml")
    body = c.mapping(raw, raw, None, "", ["name", "tagline", "colours"], ["logo", "contact", "help"])
    if body is None:
        ld.finish(c)
        return None
    name = c.text(body.get("name"), body, "name", "name", 100) if "name" in body else None
    tagline = c.text(body.get("tagline"), body, "tagline", "tagline", 200) if "tagline" in body else None
    colours: dict[str, m.Colour] = {}
    if "colours" in body:
        cb = c.mapping(body["colours"], body, "colours", "colours", COLOUR_ROLES)
        for role in COLOUR_ROLES:
            if cb is not None and role in cb:
                col = _colour(c, cb[role], cb, role, f"colours.{role}")
                if col:
                    colours[role] = col
        if cb is not None:
            _check_contrast(c, cb, colours)
    contact: dict[str, str | None] = {"phone": None, "web": None, "address": None}
    if body.get("contact") is not None:
        cb = c.mapping(body["contact"], body, "contact", "contact", [], ["phone", "web", "address"])
        for k in contact:
            if cb is not None and cb.get(k) is not None:
                contact[k] = c.text(cb[k], cb, k, f"contact.{k}", 200)
    help_title, help_items = "How to get help", []
    if body.get("help") is not None:
        hb = c.mapping(body["help"], body, "help", "help", ["items"], ["title"])
        if hb is not None:
            if "title" in hb:
                help_title = c.text(hb["title"], hb, "title", "help.title", 100) or help_title
            items = c.seq(hb.get("items"), hb, "items", "help.items") if "items" in hb else None
            for i, it in enumerate(items or ()):
                p = f"help.items[{i}]"
                ib = c.mapping(it, items, i, p, ["title", "text"])
                if ib is not None and "title" in ib and "text" in ib:
                    t = c.text(ib["title"], ib, "title", p + ".title", 100)
                    x = c.text(ib["text"], ib, "text", p + ".text", 400)
                    if t and x:
                        help_items.append(m.HelpItem(t, x))
    logo = None
    if body.get("logo") is not None:
        logo = _content_path(c, ld.dir, body["logo"], body, "logo", "logo", (".png", ".jpg", ".jpeg"))
    ld.finish(c)
    if name and tagline and len(colours) == len(COLOUR_ROLES):
        return m.Brand(name, tagline, colours, help_title, tuple(help_items),
                       contact["phone"], contact["web"], contact["address"], logo)
    return None


def _content_path(c: Checker, root: Path, value: Any, parent: Any, key: Any, path: str,
                  suffixes: tuple[str, ...]) -> str | None:
    """A file named in content must stay inside the content folder."""
    if not isinstance(value, str) or not value.strip():
        c.add(parent, key, path, f"must be a file name, not {_type_name(value)}")
        return None
    if "\x00" in value:
        c.add(parent, key, path, f"{value!r} is not a file name (it holds a NUL character)")
        return None
    if Path(value).is_absolute() or value.startswith("~"):
        c.add(parent, key, path, f"{value!r} is an absolute path; give a path inside the content folder, "
                                 "like 'images/logo.png'")
        return None
    base = root.resolve()
    try:
        target = (base / value).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        c.add(parent, key, path, f"{value!r} cannot be resolved to a file")
        return None
    if not target.is_relative_to(base):
        c.add(parent, key, path, f"{value!r} points outside the content folder; put the file inside it")
        return None
    if target.suffix.lower() not in suffixes:
        c.add(parent, key, path, f"{value!r} must be one of: {', '.join(suffixes)}")
        return None
    if not target.is_file():
        c.add(parent, key, path, f"file {value!r} not found in the content folder")
        return None
    return str(target)


def _lists_printed(ld: Loader, seen_ids: dict[str, tuple[str, int]]) -> None:
    """Citations link to the reference list and glossary links to the glossary: each must be printed."""
    glossary = "block:glossary" in seen_ids
    cite = ld.first_use.get("cite") or (ld.first_use.get("glossary:cite") if glossary else None)
    if cite and "block:references" not in seen_ids:
        ld.problems.append(replace(cite, message=f"{cite.message} needs the reference list, but no section prints "
                                                 "it; add '- references: {}' to a section listed in guide.yaml"))
    term = ld.first_use.get("term")
    if term and not glossary:
        ld.problems.append(replace(term, message=f"{term.message} needs the glossary, but no section prints it; "
                                                 "add '- glossary: {}' to a section listed in guide.yaml"))


def load_guide(content_dir: Path | str, drawable: frozenset[int] | None = None) -> m.Guide:
    """Load and validate a content folder; raise ContentError listing every problem."""
    guide, _ = load_guide_with_usage(content_dir, drawable)
    return guide


def load_guide_with_usage(content_dir: Path | str, drawable: frozenset[int] | None = None) -> tuple[m.Guide, set[str]]:
    """As load_guide, also returning the set of cited reference keys."""
    ld = Loader(Path(content_dir), drawable)
    if not ld.dir.is_dir():
        raise ContentError([Problem(str(ld.dir), 0, "", "content folder not found")])
    references = _references(ld)
    ref_keys = {r.key for r in references}
    glossary_raw = ld.read("glossary.yaml")
    index = _glossary_index(glossary_raw)
    glossary = _glossary(ld, glossary_raw, ref_keys, index)
    brand = _brand(ld)

    raw = ld.read("guide.yaml")
    meta: dict[str, Any] = {}
    sections: list[m.Section] = []
    seen_ids: dict[str, tuple[str, int]] = {}
    if raw is not None:
        c = ld.checker("guide.yaml")
        body = c.mapping(raw, raw, None, "", ["title", "subtitle", "language", "edition", "version",
                                               "last_reviewed", "author", "sections"], ["keywords"])
        if body is not None:
            for k, n in (("title", 120), ("subtitle", 200), ("edition", 60), ("version", 20)):
                if k in body:
                    meta[k] = c.text(body[k], body, k, k, n)
            if "language" in body:
                lang = body["language"]
                if not isinstance(lang, str) or not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", lang):
                    c.add(body, "language", "language", f"must be a language tag like 'en-US', not {lang!r}")
                else:
                    meta["language"] = lang
            if "last_reviewed" in body:
                d = body["last_reviewed"]
                if isinstance(d, dt.date) and not isinstance(d, dt.datetime):
                    meta["last_reviewed"] = d
                else:
                    c.add(body, "last_reviewed", "last_reviewed", f"must be a date like 2026-11-27, not {d!r}")
            kws = c.seq(body.get("keywords", []), body, "keywords", "keywords", allow_empty=True)
            meta["keywords"] = tuple(k for k in (c.text(k, kws, i, f"keywords[{i}]", 60)
                                                 for i, k in enumerate(kws or ())) if k)
            if "author" in body:
                ab = c.mapping(body["author"], body, "author", "author", ["name", "role", "bio"], ["credentials"])
                if ab is not None and all(k in ab for k in ("name", "role", "bio")):
                    vals = [c.text(ab[k], ab, k, f"author.{k}", 1000) for k in ("name", "role", "bio")]
                    cred = (c.text(ab["credentials"], ab, "credentials", "author.credentials", 40)
                            if "credentials" in ab else "")
                    if all(vals):
                        meta["author"] = m.Author(vals[0], cred or "", vals[1], vals[2])
            if "sections" in body:
                items = c.seq(body["sections"], body, "sections", "sections")
                names: set[str] = set()
                for i, name in enumerate(items or ()):
                    sid = c.ident(name, items, i, f"sections[{i}]")
                    if sid is None:
                        continue
                    if sid in names:
                        c.add(items, i, f"sections[{i}]", f"section {sid!r} is listed twice")
                        continue
                    names.add(sid)
                    rel = f"sections/{sid}.yaml"
                    if not (ld.dir / rel).is_file():
                        present = sorted(f.stem for f in (ld.dir / "sections").glob("*.yaml"))
                        hint = difflib.get_close_matches(sid, present, n=1)
                        c.add(items, i, f"sections[{i}]", f"no file {ld.shown(rel)} for section {sid!r}"
                              + (f"; did you mean {hint[0]!r}?" if hint else ""))
                        continue
                    sraw = ld.read(rel)
                    if sraw is None:
                        continue
                    sc = ld.checker(rel, ref_keys=ref_keys, term_index=index)
                    section = _section(ld, sc, sraw, sraw, None, "", seen_ids, expect_id=sid)
                    ld.finish(sc)
                    if section:
                        sections.append(section)
        ld.finish(c)
    if not ld.problems:  # a whole-guide check, only meaningful once every file reads cleanly
        _lists_printed(ld, seen_ids)

    if ld.problems:
        # by file and line; problems at one place keep the order they were found (text order)
        raise ContentError(sorted(dict.fromkeys(ld.problems), key=lambda p: (p.file, p.line)))
    guide = m.Guide(meta["title"], meta["subtitle"], meta["language"], meta["edition"], meta["version"],
                    meta["last_reviewed"], meta["keywords"], meta["author"], brand, tuple(sections),
                    glossary, references)
    return guide, ld.cited
