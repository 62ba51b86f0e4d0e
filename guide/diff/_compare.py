"""Two Docs in; a Diff out: sections added, removed and moved, sentences added, removed and changed (with the
words that changed), regimen-table cells, metadata and page count; each change with its page in each file."""

from __future__ import annotations

import difflib
import re

import msgspec

from ._read import Doc, Section, Table

SIMILAR = 0.55   # a removed and an added sentence this alike are one sentence changed


class Diff(msgspec.Struct):
    old_pages: int
    new_pages: int
    metadata: list[dict] = msgspec.field(default_factory=list)
    sections: list[dict] = msgspec.field(default_factory=list)

    @property
    def text_differs(self) -> bool:
        return bool(self.sections)

    def as_dict(self) -> dict:
        return {"same_text": not self.text_differs,
                "pages": {"old": self.old_pages, "new": self.new_pages},
                "metadata": self.metadata, "sections": self.sections}

    def lines(self, colour: bool = False) -> list[str]:
        red, green, dim, off = ("\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[0m") if colour else ("",) * 4
        out = []
        if self.old_pages != self.new_pages:
            out.append(f"pages: {self.old_pages} -> {self.new_pages}")
        for m in self.metadata:
            out.append(f"metadata {m['field']}: {m['old']} -> {m['new']}")
        for s in self.sections:
            where = f"(old {_p(s['old_page'])}, new {_p(s['new_page'])})"
            if s["change"] in ("added", "removed"):
                mark = green + "+" if s["change"] == "added" else red + "-"
                out.append(f"{mark} section {s['title']!r} {s['change']} {where}{off}")
                continue
            if s["change"] == "moved":
                out.append(f"~ section {s['title']!r} moved from position {s['old_position']} to "
                           f"{s['new_position']} {where}")
            else:
                out.append(f"section {s['title']!r} {where}:")
            for c in s.get("sentences", []):
                if c["change"] == "removed":
                    out.append(f"  {red}- (old {_p(c['old_page'])}) {c['old']}{off}")
                elif c["change"] == "added":
                    out.append(f"  {green}+ (new {_p(c['new_page'])}) {c['new']}{off}")
                else:
                    words = "".join(
                        f"{red}[-{w['text']}-]{off}" if w["op"] == "-" else f"{green}{{+{w['text']}+}}{off}"
                        if w["op"] == "+" else w["text"] for w in c["words"])
                    out.append(f"  ~ (old {_p(c['old_page'])}, new {_p(c['new_page'])}) {words}")
            for t in s.get("table", []):
                if t["change"] == "cell":
                    out.append(f"  table {t['row']!r} / {t['column']!r}: {red}{t['old']}{off} -> {green}{t['new']}"
                               f"{off} {dim}(old {_p(t['old_page'])}, new {_p(t['new_page'])}){off}")
                else:
                    out.append(f"  table row {t['row']!r} {t['change']} {dim}(old {_p(t.get('old_page'))}, "
                               f"new {_p(t.get('new_page'))}){off}")
        return out


def _p(page) -> str:
    return f"p. {page}" if page else "-"


def compare(old: Doc, new: Doc) -> Diff:
    diff = Diff(old.pages, new.pages)
    for key in sorted(set(old.metadata) | set(new.metadata)):
        a, b = old.metadata.get(key), new.metadata.get(key)
        if a != b:
            diff.metadata.append({"field": key, "old": a, "new": b})
    old_by, new_by = _keyed(old.sections), _keyed(new.sections)
    order_old = [k for k in old_by if k in new_by]
    order_new = [k for k in new_by if k in old_by]
    matcher = difflib.SequenceMatcher(a=order_old, b=order_new, autojunk=False)
    in_place = {order_old[b.a + i] for b in matcher.get_matching_blocks() for i in range(b.size)}
    for pos, (key, s) in enumerate(new_by.items(), 1):
        if key not in old_by:
            diff.sections.append(_section("added", s, None, s))
            continue
        o = old_by[key]
        entry = _section("moved" if key not in in_place else "changed", s, o, s)
        if key not in in_place:
            entry["old_position"] = list(old_by).index(key) + 1
            entry["new_position"] = pos
        entry["sentences"] = _sentences(o, s)
        entry["table"] = _tables(o.tables, s.tables)
        if entry["change"] == "moved" or entry["sentences"] or entry["table"]:
            diff.sections.append(entry)
    for key, o in old_by.items():
        if key not in new_by:
            diff.sections.append(_section("removed", o, o, None))
    return diff


def _keyed(sections: list[Section]) -> dict[tuple, Section]:
    """Sections by (title, how many of that title came before): a repeated title stays distinct."""
    seen: dict[str, int] = {}
    out = {}
    for s in sections:
        n = seen.get(s.title, 0)
        seen[s.title] = n + 1
        out[(s.title, n)] = s
    return out


def _section(change: str, s: Section, old: Section | None, new: Section | None) -> dict:
    return {"change": change, "title": s.title, "level": s.level,
            "old_page": old.page if old else None, "new_page": new.page if new else None}


def _sentences(old: Section, new: Section) -> list[dict]:
    a = [x.text for x in old.sentences]
    b = [x.text for x in new.sentences]
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        # pair each removed sentence with its most alike added one: a changed sentence
        pairs = []
        for i in olds:
            best = max(news, key=lambda j: difflib.SequenceMatcher(a=a[i], b=b[j]).ratio(), default=None)
            if best is not None and difflib.SequenceMatcher(a=a[i], b=b[best]).ratio() >= SIMILAR:
                pairs.append((i, best))
                news.remove(best)
        paired = {i for i, _ in pairs}
        for i in olds:
            if i not in paired:
                out.append({"change": "removed", "old": a[i], "old_page": old.sentences[i].page, "new_page": None})
        for i, j in pairs:
            out.append({"change": "changed", "old": a[i], "new": b[j], "old_page": old.sentences[i].page,
                        "new_page": new.sentences[j].page, "words": _words(a[i], b[j])})
        for j in news:
            out.append({"change": "added", "new": b[j], "old_page": None, "new_page": new.sentences[j].page})
    return out


def _words(a: str, b: str) -> list[dict]:
    """The sentence as words: kept, removed (-) and added (+), for highlighting."""
    wa, wb = re.findall(r"\S+|\s+", a), re.findall(r"\S+|\s+", b)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes():
        if op == "equal":
            out.append({"op": "=", "text": "".join(wa[i1:i2])})
            continue
        if i2 > i1:
            out.append({"op": "-", "text": "".join(wa[i1:i2])})
        if j2 > j1:
            out.append({"op": "+", "text": "".join(wb[j1:j2])})
    return out


def _tables(old: list[Table], new: list[Table]) -> list[dict]:
    out = []
    for t_old, t_new in zip(old, new, strict=False):
        rows_old = {r[0] if r else "": (r, p) for r, p in zip(t_old.rows, t_old.pages, strict=False)}
        rows_new = {r[0] if r else "": (r, p) for r, p in zip(t_new.rows, t_new.pages, strict=False)}
        for name, (r, p) in rows_new.items():
            if name not in rows_old:
                out.append({"change": "row added", "row": name, "new_page": p, "old_page": None, "cells": r})
                continue
            ro, po = rows_old[name]
            for c, value in enumerate(r):
                before = ro[c] if c < len(ro) else None
                if before != value:
                    column = t_new.header[c] if c < len(t_new.header) else str(c + 1)
                    out.append({"change": "cell", "row": name, "column": column, "old": before, "new": value,
                                "old_page": po, "new_page": p})
        for name, (r, p) in rows_old.items():
            if name not in rows_new:
                out.append({"change": "row removed", "row": name, "old_page": p, "new_page": None, "cells": r})
        if t_old.header != t_new.header:
            out.append({"change": "cell", "row": "(header)", "column": "", "old": " | ".join(t_old.header),
                        "new": " | ".join(t_new.header), "old_page": t_old.pages[0] if t_old.pages else None,
                        "new_page": t_new.pages[0] if t_new.pages else None})
    return out
