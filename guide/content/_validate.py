"""A content folder in, a typed Guide out (references, glossary, brand, sections); every problem in one pass."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from . import models as m
from ..errors import ContentError, Problem
from ._blocks import _blocks
from ._brand import _brand
from ._checker import Checker, close_matches, Loader, _also, _claim_id, _join
from ._locale import available, primary
from ._review import replaced_key, review, source_years, translation
from ._yaml import line_of, quoted


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
                c.add(rb, "key", p + ".key", f"must be a short key of letters, digits and - _ . : (got {quoted(key)})")
                continue
            if key in seen:
                c.add(rb, "key", p + ".key", f"duplicate reference key {quoted(key)} {_also(c, (c.file, seen[key]))}")
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
    body = c.mapping(raw, parent, key, path, ["id", "title", "blocks"], ["subsections", "sources"])
    if body is None:
        return None
    sid = c.ident(body.get("id"), body, "id", _join(path, "id")) if "id" in body else None
    if sid is not None:
        if expect_id is not None and sid != expect_id:
            c.add(body, "id", _join(path, "id"), f"must equal the file name {expect_id!r} (got {quoted(sid)})")
        _claim_id(c, seen_ids, "section", sid, body, _join(path, "id"))
    title = c.text(body.get("title"), body, "title", _join(path, "title"), 120) if "title" in body else None
    blocks = _blocks(c, body["blocks"], body, "blocks", _join(path, "blocks"), seen_ids) if "blocks" in body else ()
    sources = c.ref_list(body["sources"], body, "sources", _join(path, "sources")) if "sources" in body else []
    subs: list[m.Section] = []
    if "subsections" in body:
        items = c.seq(body["subsections"], body, "subsections", _join(path, "subsections"))
        for i, s in enumerate(items or ()):
            sub = _section(ld, c, s, items, i, _join(_join(path, "subsections"), i), seen_ids)
            if sub:
                subs.append(sub)
    if sid and title and blocks:
        return m.Section(sid, title, blocks, tuple(subs), tuple(sources))
    return None



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
    try:
        found = ld.dir.is_dir()
    except OSError as exc:
        raise ContentError([Problem(str(ld.dir), 0, "", f"cannot read the content folder: {exc.strerror}")]) from None
    if not found:
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
                                               "review", "author", "sections"],
                         ["keywords", "last_reviewed", "translation"])
        if body is not None:
            for k, n in (("title", 120), ("subtitle", 200), ("edition", 60), ("version", 20)):
                if k in body:
                    meta[k] = c.text(body[k], body, k, k, n)
            if "language" in body:
                lang = body["language"]
                if not isinstance(lang, str) or not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", lang):
                    c.add(body, "language", "language", f"must be a language tag like 'en-US', not {quoted(lang)}")
                elif primary(lang) not in available():
                    c.add(body, "language", "language", f"has no interface words: guide/locales has "
                          f"{', '.join(available())}, not {primary(lang)!r}")
                else:
                    meta["language"] = lang
            if "translation" in body:
                meta["translation"] = translation(c, body["translation"], body, meta.get("language"))
            if "last_reviewed" in body:
                replaced_key(c, body)
            if "review" in body:
                meta["review"] = review(c, body["review"], body)
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
                        c.add(items, i, f"sections[{i}]", f"section {quoted(sid)} is listed twice")
                        continue
                    names.add(sid)
                    rel = f"sections/{sid}.yaml"
                    try:
                        found = (ld.dir / rel).is_file()
                    except OSError as exc:  # e.g. a sections folder this user may not read
                        c.add(items, i, f"sections[{i}]", f"cannot read {ld.shown(rel)}: {exc.strerror}")
                        continue
                    if not found:
                        present = sorted(f.stem for f in (ld.dir / "sections").glob("*.yaml"))
                        hint = close_matches(sid, present, n=1)
                        c.add(items, i, f"sections[{i}]", f"no file {ld.shown(rel)} for section {quoted(sid)}"
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
                    meta["review"], meta["keywords"], meta["author"], brand, tuple(sections),
                    glossary, references, source_years=source_years(references),
                    translation=meta.get("translation"))
    return guide, ld.cited
