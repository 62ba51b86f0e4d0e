"""A section's list of raw blocks in, typed blocks out (paragraphs, lists, checklists, callouts, regimens)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import models as m
from ._checker import Checker, close_matches, _also, _claim_id, _join, _type_name, slug
from ._yaml import line_of, quoted

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
            hint = close_matches(kind, BLOCK_KINDS, n=1)
            c.add(raw, kind, _join(p, kind), f"unknown block kind {quoted(kind)}"
                  + (f"; did you mean {hint[0]!r}?" if hint else f"; valid kinds: {', '.join(BLOCK_KINDS)}"))
            continue
        block = builder(c, body, raw, kind, _join(p, kind), seen_ids)
        if block is not None:
            out.append(block)
    return tuple(out)


def _paragraph(c, body, parent, key, path, seen_ids):
    text = c.inline(body, parent, key, path)
    return m.Paragraph(text) if text else None


def _item(c: Checker, raw: Any, items: Any, i: int, p: str,
          optional: list[str]) -> tuple[dict, m.Inline | None] | None:
    """A list entry: its text, or a mapping of "text" and the optional keys. (mapping or {}, text), None if bad."""
    if not isinstance(raw, dict):
        return {}, c.inline(raw, items, i, p)
    body = c.mapping(raw, items, i, p, ["text"], optional)
    if body is None:
        return None
    return body, c.inline(body.get("text"), body, "text", _join(p, "text")) if "text" in body else None


def _list_items(c: Checker, value: Any, parent: Any, key: Any, path: str, depth: int = 0) -> tuple[m.ListItem, ...]:
    items = c.seq(value, parent, key, path)
    if items is None:
        return ()
    out = []
    for i, raw in enumerate(items):
        p = _join(path, i)
        got = _item(c, raw, items, i, p, ["items"])
        if got is None:
            continue
        body, text = got
        children: tuple[m.ListItem, ...] = ()
        if "items" in body:
            if depth >= 2:
                c.add(body, "items", _join(p, "items"), "lists nest at most three levels deep")
            else:
                children = _list_items(c, body["items"], body, "items", _join(p, "items"), depth + 1)
        if text:
            out.append(m.ListItem(text, children))
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
        _claim_id(c, seen_ids, "checklist", cid, body, _join(path, "id"))
    title = c.text(body.get("title"), body, "title", _join(path, "title"), 200) if "title" in body else None
    intro = c.inline(body["intro"], body, "intro", _join(path, "intro")) if "intro" in body else ()
    notes = c.text(body["notes"], body, "notes", _join(path, "notes"), 60) if "notes" in body else None
    items_path = _join(path, "items")
    raw_items = c.seq(body.get("items"), body, "items", items_path) if "items" in body else None
    items: list[m.CheckItem] = []
    ids: dict[str, int] = {}
    for i, raw in enumerate(raw_items or ()):
        p = _join(items_path, i)
        got = _item(c, raw, raw_items, i, p, ["id"])
        if got is None:
            continue
        rb, text = got
        if "id" in rb:
            iid = c.ident(rb.get("id"), rb, "id", _join(p, "id"))
        else:
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
    caption = c.text(body["caption"], body, "caption", _join(path, "caption"), 400) if "caption" in body else ""
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
                c.add(r, "year", _join(p, "year"), f"must be a year like 2003, not {quoted(y)}")
            else:
                year = y
        refs = c.ref_list(r["refs"], r, "refs", _join(p, "refs"))
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
