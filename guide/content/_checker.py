"""A content folder's YAML files in, typed values out (text, ids, numbers, inline markup), each problem located."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import models as m
from ..errors import ContentError, Problem
from ._scripts import script_of
from ._yaml import YList, YMap, line_of, load_file, quoted

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INLINE_RE = re.compile(
    r"\*\*(?P<strong>[^*]+?)\*\*"
    r"|\*(?P<emph>[^*]+?)\*"
    r"|\[@(?P<cite>[^\]]*)\]"
    r"|\[\[(?P<term>[^\]]*)\]\]"
)
MAX_TEXT = 5000
# A file that is not content (a secrets file, /etc/shadow linked in) must not be echoed into CI logs:
# a value quoted back is cut to _yaml.SHOWN characters, a key is quoted only if it looks like a key, and a
# file gets at most MAX_UNKNOWN "unknown key" messages (then one line saying how many more).
MAX_UNKNOWN = 5
KEY_LIKE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_ -]{0,39}$")
FONT_NAME = "the fonts Atkinson Hyperlegible and Guide Sans"


def close_matches(word: str, possibilities, n: int = 1) -> list[str]:
    """difflib's nearest spellings, for a "did you mean" hint (difflib is imported only for a mistake)."""
    import difflib

    return difflib.get_close_matches(word, possibilities, n=n)


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
        self.unknown_keys = 0  # in this file; only the first MAX_UNKNOWN are reported one by one

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
        unknown = [k for k in value if k not in allowed]
        for k in unknown:
            self.unknown_keys += 1
            if self.unknown_keys > MAX_UNKNOWN:
                continue
            if not KEY_LIKE_RE.match(k):  # a line of some other file, not a mistyped key: do not echo it
                self.add(value, k, path, f"a line that is not a key of this file ({len(k)} characters, not shown);"
                                         f" allowed keys: {', '.join(allowed)}")
                continue
            hint = close_matches(k, allowed, n=1)
            msg = f"unknown key {k!r}"
            msg += f"; did you mean {hint[0]!r}?" if hint else f"; allowed keys: {', '.join(allowed)}"
            self.add(value, k, _join(path, k), msg)
        if unknown and self.unknown_keys > MAX_UNKNOWN and self.unknown_keys - len(unknown) <= MAX_UNKNOWN:
            more = self.unknown_keys - MAX_UNKNOWN
            self.add(value, None, path, f"{more} more unknown key{'s' if more != 1 else ''} not shown "
                                        "(is this the right file?)")
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
        value = unicodedata.normalize("NFC", " ".join(value.split()))  # decomposed accents composed
        if not value:
            self.add(parent, key, path, "must not be empty")
            return None
        if not any(unicodedata.category(ch)[0] not in "CZ" for ch in value):
            # only invisible characters (a soft hyphen, a zero-width space): nothing would print
            self.add(parent, key, path, "has no visible characters (only "
                     + ", ".join(sorted({unicodedata.name(ch, f"U+{ord(ch):04X}") for ch in value})) + ")")
            return None
        if len(value) > max_len:
            self.add(parent, key, path, f"is {len(value)} characters long; at most {max_len} allowed")
            return None
        self.drawable_check(value, parent, key, path)
        return value

    def drawable_check(self, value: str, parent: Any, key: Any, path: str) -> None:
        if self.drawable is None:
            return
        covers = getattr(self.drawable, "covers", None)  # the usual answer in one set test
        if covers is not None and covers(value):
            return
        reported: set[str] = set()
        for i, ch in enumerate(value):
            if ord(ch) not in self.drawable and ch not in reported:
                reported.add(ch)
                name = unicodedata.name(ch, "unnamed character")
                shown = repr(ch) if unicodedata.category(ch)[0] in "CZ" else f"'{ch}'"
                self.add(parent, key, path,
                         f"character {shown} (U+{ord(ch):04X} {name}, {script_of(ch)} script) cannot be drawn by "
                         f"{FONT_NAME}" + (f", in {_excerpt(value, i)}" if len(value) > 1 else "")
                         + "; write it in Latin letters or leave it out")

    def ident(self, value: Any, parent: Any, key: Any, path: str) -> str | None:
        if not isinstance(value, str) or not ID_RE.match(value):
            self.add(parent, key, path,
                     "must be an id of lowercase letters, digits and hyphens (like 'night-sweats'), "
                     f"not {quoted(value)}")
            return None
        return value

    def number(self, value: Any, parent: Any, key: Any, path: str,
               maximum: float | None = None, nullable: bool = True) -> float | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(parent, key, path,
                     f"must be a number{' or null' if nullable else ''}, not {_type_name(value)} {quoted(value)}")
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
        hint = close_matches(str(value), valid, n=1)
        msg = f"must be one of: {', '.join(valid)} (got {quoted(value)})"
        if hint:
            msg += f"; did you mean {hint[0]!r}?"
        self.add(parent, key, path, msg)
        return None

    def ref_list(self, value: Any, parent: Any, key: Any, path: str) -> list[str]:
        """A list of reference keys (a regimen's refs, a section's sources): each must name a
        reference, and counts as citing it."""
        items = self.seq(value, parent, key, path)
        refs = []
        for j, k in enumerate(items or ()):
            if not isinstance(k, str):
                self.add(items, j, _join(path, j), f"must be a reference key, not {_type_name(k)}")
            elif k not in self.ref_keys:
                hint = close_matches(k, sorted(self.ref_keys), n=1)
                self.add(items, j, _join(path, j), f"{k!r} names no reference in references.yaml"
                         + (f"; did you mean {hint[0]!r}?" if hint else ""))
            else:
                refs.append(k)
                self.cited.add(k)
                self.first_use.setdefault("cite", Problem(self.file, line_of(items, j), _join(path, j),
                                                          f"source {k!r}"))
        return refs

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
                        hint = close_matches(k, sorted(self.ref_keys), n=1)
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
                    hint = close_matches(target.lower(), sorted(self.term_index), n=1)
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


def _claim_id(c: Checker, seen_ids: dict[str, tuple[str, int]], kind: str, value: str, body: Any, path: str) -> None:
    """Note where a section or checklist id is first used; a later use is a problem naming that place."""
    first = seen_ids.get(f"{kind}:{value}")
    if first:
        c.add(body, "id", path, f"duplicate {kind} id {quoted(value)} {_also(c, first)}")
    else:
        seen_ids[f"{kind}:{value}"] = (c.file, line_of(body, "id"))


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _content_path(c: Checker, root: Path, value: Any, parent: Any, key: Any, path: str,
                  suffixes: tuple[str, ...]) -> str | None:
    """A file named in content must stay inside the content folder."""
    if not isinstance(value, str) or not value.strip():
        c.add(parent, key, path, f"must be a file name, not {_type_name(value)}")
        return None
    if "\x00" in value:
        c.add(parent, key, path, f"{quoted(value)} is not a file name (it holds a NUL character)")
        return None
    if Path(value).is_absolute() or value.startswith("~"):
        c.add(parent, key, path, f"{quoted(value)} is an absolute path; give a path inside the content folder, "
                                 "like 'images/logo.png'")
        return None
    base = root.resolve()
    try:
        target = (base / value).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        c.add(parent, key, path, f"{quoted(value)} cannot be resolved to a file")
        return None
    if not target.is_relative_to(base):
        c.add(parent, key, path, f"{quoted(value)} points outside the content folder; put the file inside it")
        return None
    if target.suffix.lower() not in suffixes:
        c.add(parent, key, path, f"{quoted(value)} must be one of: {', '.join(suffixes)}")
        return None
    if not target.is_file():
        c.add(parent, key, path, f"file {quoted(value)} not found in the content folder")
        return None
    return str(target)


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
            raw = load_file(self.dir / rel, self.shown(rel), root=self.dir)
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
