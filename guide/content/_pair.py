"""A content folder and a language in; its paired edition's folder, and every way the paired edition drifted from the original, out.

A paired edition is a folder <content>/<lang>/ with its own guide.yaml (content/es/). `check --pair es`
compares it with the folder it sits in: the same section, checklist item and glossary term ids, the
same reference keys (and texts: the list stays in its original language) and citations per section,
every number of an English section in its translation, and every drug the English text names in its
translated form (the locale file's drugs table). Each mismatch is located in the translated file.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from . import models as m
from ..errors import ContentError, Problem
from ._checker import shown_path
from ._locale import Locale, locale_for, primary
from ._yaml import line_of, load_file, quoted


def _language_of(folder: Path) -> str | None:
    try:
        raw = load_file(folder / "guide.yaml", shown_path(folder / "guide.yaml"))
    except ContentError:
        return None
    lang = raw.get("language") if isinstance(raw, dict) else None
    return lang if isinstance(lang, str) else None


def edition_folder(content: Path, language: str | None, option: str = "--language") -> Path:
    """The folder of the edition in ``language`` (es, es-US): <content>/<lang>/ when it holds a
    guide.yaml, the content folder itself when it is already in that language."""
    content = Path(content)
    if not language:
        return content
    lang = language.strip()
    if not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", lang):
        raise ContentError([Problem(option, 0, "", f"must be a language such as 'es' or 'es-US', not {quoted(lang)}")])
    for name in dict.fromkeys((lang, primary(lang))):
        if (content / name / "guide.yaml").is_file():
            return content / name
    own = _language_of(content)
    if own is not None and (own.lower() == lang.lower() or primary(own) == lang.lower()):
        return content
    have = sorted(p.parent.name for p in content.glob("*/guide.yaml"))
    raise ContentError([Problem(option, 0, "", f"no {lang} edition in {shown_path(content)}: it is "
                                f"{own or 'of unknown language'}" + (f" with {', '.join(have)}" if have else "")
                                + f" (a paired edition is a folder {shown_path(content / primary(lang))}/ "
                                  "with its own guide.yaml)")])


def languages(content: Path) -> list[tuple[str, Path]]:
    """The content folder's language and each paired edition's: [('en-US', content), ('es-US', content/es)]."""
    out = []
    own = _language_of(content)
    if own:
        out.append((own, Path(content)))
    for sub in sorted(Path(content).glob("*/guide.yaml")):
        lang = _language_of(sub.parent)
        if lang:
            out.append((lang, sub.parent))
    return out


# ---- where things are in the translated files ---------------------------------------------

class _Places:
    """File and line of each section, checklist, item and term in a content folder's raw YAML."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.at: dict[tuple, tuple[str, int, str]] = {}
        guide = self._read("guide.yaml")
        self.guide_file = shown_path(folder / "guide.yaml")
        self.guide_sections = guide.get("sections") if isinstance(guide, dict) else None
        if isinstance(guide, dict) and "translation" in guide:
            self.at[("translation",)] = (self.guide_file, line_of(guide, "translation"), "translation.from")
        for i, sid in enumerate(self.guide_sections or ()):
            if isinstance(sid, str):
                rel = f"sections/{sid}.yaml"
                self.at[("listed", sid)] = (self.guide_file, line_of(self.guide_sections, i), f"sections[{i}]")
                raw = self._read(rel)
                if isinstance(raw, dict):
                    self._section(shown_path(folder / rel), raw, "")
        gloss = self._read("glossary.yaml")
        self.glossary_file = shown_path(folder / "glossary.yaml")
        terms = gloss.get("terms") if isinstance(gloss, dict) else None
        self.terms_line = line_of(gloss, "terms")
        for i, t in enumerate(terms or ()):
            if isinstance(t, dict) and isinstance(t.get("id"), str):
                self.at[("term", t["id"])] = (self.glossary_file, line_of(t, "id"), f"terms[{i}].id")
        refs = self._read("references.yaml")
        self.references_file = shown_path(folder / "references.yaml")
        items = refs.get("references") if isinstance(refs, dict) else None
        self.references_line = line_of(refs, "references")
        for i, r in enumerate(items or ()):
            if isinstance(r, dict) and isinstance(r.get("key"), str):
                self.at[("ref", r["key"])] = (self.references_file, line_of(r, "key"), f"references[{i}]")

    def _read(self, rel: str) -> Any:
        try:
            return load_file(self.folder / rel, shown_path(self.folder / rel))
        except ContentError:
            return None

    def _section(self, file: str, raw: dict, path: str) -> None:
        sid = raw.get("id")
        if isinstance(sid, str):
            self.at[("section", sid)] = (file, line_of(raw, "id"), f"{path}id")
            self.at[("blocks", sid)] = (file, line_of(raw, "blocks"), f"{path}blocks")
            self.at[("subsections", sid)] = (file, line_of(raw, "subsections" if "subsections" in raw else "id"),
                                             f"{path}subsections")
        blocks = raw.get("blocks")
        for i, b in enumerate(blocks if isinstance(blocks, list) and isinstance(sid, str) else ()):
            kind = next(iter(b), "block") if isinstance(b, dict) else "block"
            self.at[("block", sid, i)] = (file, line_of(blocks, i), f"{path}blocks[{i}].{kind}")
        self._blocks(file, blocks, f"{path}blocks")
        for i, sub in enumerate(raw.get("subsections") or ()):
            if isinstance(sub, dict):
                self._section(file, sub, f"{path}subsections[{i}].")

    def _blocks(self, file: str, blocks: Any, path: str) -> None:
        for i, b in enumerate(blocks if isinstance(blocks, list) else ()):
            if not isinstance(b, dict):
                continue
            for kind, body in b.items():
                here = f"{path}[{i}].{kind}"
                if kind == "checklist" and isinstance(body, dict) and isinstance(body.get("id"), str):
                    cid = body["id"]
                    self.at[("checklist", cid)] = (file, line_of(body, "id"), f"{here}.id")
                    items = body.get("items")
                    self.at[("items", cid)] = (file, line_of(body, "items"), f"{here}.items")
                    for j, it in enumerate(items if isinstance(items, list) else ()):
                        if isinstance(it, dict) and isinstance(it.get("id"), str):
                            self.at[("item", cid, it["id"])] = (file, line_of(it, "id"), f"{here}.items[{j}].id")
                elif kind == "callout" and isinstance(body, dict):
                    self._blocks(file, body.get("blocks"), f"{here}.blocks")

    def problem(self, where: tuple, message: str, fallback: tuple | None = None) -> Problem:
        file, line, path = self.at.get(where) or (self.at.get(fallback) if fallback else None) \
            or (self.guide_file, 0, "")
        return Problem(file, line, path, message)


# ---- what each edition says -----------------------------------------------------------------

NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


def _section_text(section: m.Section, loc: Locale) -> str:
    """Every word a reader sees in a section's own blocks (not its subsections)."""
    return "\n".join([section.title, *(_block_text(b, loc) for b in section.blocks)])


def _block_text(block: m.Block, loc: Locale) -> str:
    """Every word a reader sees in one block (a callout's own blocks included)."""
    parts: list[str] = []
    stack = [block]
    while stack:
        block = stack.pop()
        if isinstance(block, m.Callout):
            parts.append(block.title)
            stack.extend(block.blocks)
            continue
        if isinstance(block, m.Checklist):
            parts += [block.title, block.notes or ""]
        if isinstance(block, m.RegimenTable):
            parts.append(block.caption)
            for r in block.rows:
                parts += [r.regimen, " ".join(r.drugs), loc.figure(r.median_survival_months),
                          loc.figure(r.response_rate_percent), str(r.year or "")]
        parts += [m.plain(run) for run in m.inline_runs(block)]
    return "\n".join(parts)


def _numbers(text: str, loc: Locale) -> set[str]:
    """The numbers a text states, read in its locale (12.1 in es-US, 12,1 in es-ES both give 12.1)."""
    from babel.numbers import NumberFormatError, parse_decimal

    out: set[str] = set()
    for token in NUMBER_RE.findall(text):
        try:
            value = parse_decimal(token, locale=loc.babel)
        except NumberFormatError:
            value = token
        out.add(format(value.normalize(), "f") if hasattr(value, "normalize") else value)
    return out


def _cites(section: m.Section) -> Counter:
    keys: Counter = Counter(section.sources)
    stack = list(section.blocks)
    while stack:
        block = stack.pop()
        if isinstance(block, m.Callout):
            stack.extend(block.blocks)
        for run in m.inline_runs(block):
            for span in run:
                if isinstance(span, m.Cite):
                    keys.update(span.keys)
    return keys


def _sections(guide: m.Guide) -> dict[str, m.Section]:
    return {s.id: s for _, s in guide.all_sections()}


def pair_problems(original: m.Guide, translated: m.Guide, folder: Path) -> list[Problem]:
    """Every way ``translated`` (loaded from ``folder``) is not a faithful pair of ``original``."""
    places = _Places(folder)
    src, loc = locale_for(original.language), locale_for(translated.language)
    out: list[Problem] = []
    if translated.translation is None:
        out.append(Problem(places.guide_file, 1, "translation", "a paired edition needs its translation record: "
                           "translation: {from: " + original.language + ", translated_by, reviewed_by, date}"))
    elif translated.translation.source.lower() != original.language.lower():
        out.append(places.problem(("translation",), f"says it was translated from {translated.translation.source!r}, "
                                  f"but the edition it is paired with is {original.language!r}"))
    # sections, in order
    listed_en = [s.id for s in original.sections]
    listed_es = [s.id for s in translated.sections]
    theirs, ours = _sections(original), _sections(translated)
    for sid in listed_en:
        if sid not in listed_es:
            out.append(Problem(places.guide_file, line_of(places.guide_sections) if places.guide_sections else 0,
                               "sections", f"lacks section {sid!r} of the original edition"))
    for sid in listed_es:
        if sid not in listed_en:
            out.append(places.problem(("listed", sid), f"section {sid!r} is not in the original edition"))
    if [s for s in listed_en if s in listed_es] != [s for s in listed_es if s in listed_en]:
        out.append(Problem(places.guide_file, line_of(places.guide_sections) if places.guide_sections else 0,
                           "sections", "lists the sections in another order than the original edition: "
                           + ", ".join(listed_en)))
    for parent_id, section in theirs.items():
        for sub in section.subsections:
            if sub.id not in ours and parent_id in ours:
                out.append(places.problem(("subsections", parent_id), f"lacks subsection {sub.id!r} of the "
                                          "original edition"))
    for sid, section in ours.items():
        if sid not in theirs and sid in [s.id for p in ours.values() for s in p.subsections]:
            out.append(places.problem(("section", sid), f"subsection {sid!r} is not in the original edition"))
    # checklists and their items
    lists_en = {c.id: c for c in original.checklists()}
    lists_es = {c.id: c for c in translated.checklists()}
    for cid, cl in lists_en.items():
        if cid not in lists_es:
            out.append(places.problem(("blocks", _home(original, cl)), f"lacks checklist {cid!r} of the original edition"))
            continue
        mine = [i.id for i in lists_es[cid].items]
        for item in cl.items:
            if item.id not in mine:
                out.append(places.problem(("items", cid), f"lacks item {item.id!r} of the original checklist"))
        for iid in mine:
            if iid not in [i.id for i in cl.items]:
                out.append(places.problem(("item", cid, iid), f"item {iid!r} is not in the original checklist"))
    for cid in lists_es:
        if cid not in lists_en:
            out.append(places.problem(("checklist", cid), f"checklist {cid!r} is not in the original edition"))
    # glossary terms
    terms_en = {t.id for t in original.glossary}
    terms_es = {t.id for t in translated.glossary}
    for tid in sorted(terms_en - terms_es):
        out.append(Problem(places.glossary_file, places.terms_line, "terms", f"lacks term {tid!r} of the original glossary"))
    for tid in sorted(terms_es - terms_en):
        out.append(places.problem(("term", tid), f"term {tid!r} is not in the original glossary"))
    # references: same keys, same texts (the list stays in its original language)
    refs_en = {r.key: r.text for r in original.references}
    refs_es = {r.key: r.text for r in translated.references}
    for key, text in refs_en.items():
        if key not in refs_es:
            out.append(Problem(places.references_file, places.references_line, "references",
                               f"lacks reference {key!r} of the original list"))
        elif refs_es[key] != text:
            out.append(places.problem(("ref", key), "text differs from the original reference (the reference "
                                      "list stays in its original language)"))
    for key in refs_es:
        if key not in refs_en:
            out.append(places.problem(("ref", key), f"reference {key!r} is not in the original list"))
    # per section: citations, numbers, drugs
    for sid, section in theirs.items():
        if sid not in ours:
            continue
        mine = ours[sid]
        want, got = _cites(section), _cites(mine)
        if want != got:
            lost = sorted((want - got).keys())
            extra = sorted((got - want).keys())
            what = "; ".join(x for x in (("cites " + ", ".join(lost) + " fewer times than the original") if lost
                                         else "", ("cites " + ", ".join(extra) + " more times than the original")
                                         if extra else "") if x)
            out.append(places.problem(("blocks", sid), what, ("section", sid)))
        en_text, es_text = _section_text(section, src), _section_text(mine, loc)
        out += _number_problems(section, mine, src, loc, places)
        lower = es_text.lower()
        for drug, form in loc.drugs.items():
            if re.search(rf"\b{re.escape(drug)}\b", en_text, re.I) and not re.search(
                    rf"\b{re.escape(form.lower())}\b", lower):
                out.append(places.problem(("blocks", sid), f"the original names {drug}, but this section never "
                                          f"says {form!r} (the drugs table of guide/locales/{loc.language}.yaml)",
                                          ("section", sid)))
    return out


def _number_problems(section: m.Section, mine: m.Section, src: Locale, loc: Locale, places: _Places) -> list[Problem]:
    """Every number of the original section in the translation: block by block where the blocks
    pair up one to one (same kinds in the same order), else over the whole section."""
    def lacks(want: set[str], where: tuple, what: str) -> list[Problem]:
        if not want:
            return []
        return [places.problem(where, "lacks the number" + ("s " if len(want) > 1 else " ") + ", ".join(sorted(want))
                               + f" of the original {what}", ("blocks", section.id))]

    if [type(b) for b in section.blocks] == [type(b) for b in mine.blocks]:
        out: list[Problem] = []
        for i, (a, b) in enumerate(zip(section.blocks, mine.blocks)):
            out += lacks(_numbers(_block_text(a, src), src) - _numbers(_block_text(b, loc), loc),
                         ("block", section.id, i), "block")
        return out + lacks(_numbers(section.title, src) - _numbers(mine.title, loc), ("section", section.id), "title")
    return lacks(_numbers(_section_text(section, src), src) - _numbers(_section_text(mine, loc), loc),
                 ("blocks", section.id), "section")


def _home(guide: m.Guide, block: m.Block) -> str:
    for section, b in guide.blocks():
        if b is block:
            return section.id
    return ""
