"""YAML text in, plain Python values out, with the line of every key and item kept.

Only YAML's core types are built (no Python objects); anchors and aliases are refused,
so an alias "bomb" cannot expand; file size and node count are bounded.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import ContentError, InputRefused, Problem
from ._files import read_input

MAX_BYTES = 2_000_000
MAX_NODES = 200_000
SHOWN = 40  # characters of a value quoted back in a message: enough to find the mistake, not to copy a file


def quoted(value: Any) -> str:
    """``repr(value)``, cut to about SHOWN characters."""
    text = repr(value)
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


class YMap(dict):
    """A mapping that knows its file, its own line and the line of each key."""

    file: str = ""
    line: int = 0
    key_lines: dict[str, int]


class YList(list):
    """A sequence that knows its file, its own line and the line of each item."""

    file: str = ""
    line: int = 0
    item_lines: list[int]


def line_of(container: Any, key: Any = None) -> int:
    """The 1-based line of ``container[key]`` (or of the container itself)."""
    if isinstance(container, YMap):
        if key is not None and key in container.key_lines:
            return container.key_lines[key]
        return container.line
    if isinstance(container, YList):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return 0


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, file: str):
        self.loader = loader
        self.file = file
        self.seen: set[int] = set()
        self.count = 0

    def fail(self, node: yaml.Node, message: str) -> ContentError:
        return ContentError([Problem(self.file, node.start_mark.line + 1, "", message)])

    def build(self, node: yaml.Node) -> Any:
        if id(node) in self.seen:
            raise self.fail(node, "YAML aliases (*name) are not allowed; write the value out")
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"too many YAML values (over {MAX_NODES})")
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            raise self.fail(node, _tag_refused(node.tag))
        if isinstance(node, yaml.MappingNode):
            out = YMap()
            out.file, out.line, out.key_lines = self.file, node.start_mark.line + 1, {}
            for key_node, value_node in node.value:
                key = self.build(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    raise self.fail(key_node, "a key must be plain text")
                key = str(key)
                if key in out:
                    raise self.fail(key_node, f"duplicate key {quoted(key)}")
                out[key] = self.build(value_node)
                out.key_lines[key] = key_node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            seq = YList()
            seq.file, seq.line, seq.item_lines = self.file, node.start_mark.line + 1, []
            for item in node.value:
                seq.append(self.build(item))
                seq.item_lines.append(item.start_mark.line + 1)
            return seq
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            raise self.fail(node, _tag_refused(node.tag)) from None
        except (ValueError, OverflowError):  # e.g. a date like 2026-13-45, a 5,000-digit number
            what = {"!!timestamp": "date", "!!int": "number", "!!float": "number"}.get(_shown_tag(node.tag), "value")
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            raise self.fail(node, f"{shown!r} is not a valid {what}") from None


def _tag_refused(tag: str) -> str:
    return f"YAML tag {quoted(_shown_tag(tag))} is not allowed; write plain text, numbers, lists and mappings"


def _shown_tag(tag: str) -> str:
    """A tag as it is written in YAML (``!!python/object``), not its expanded form."""
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


# PyYAML's libyaml binding when the wheel has it; errors are re-parsed with the Python parser
FAST_LOADER = getattr(yaml, "CSafeLoader", None)

# The characters YAML 1.1 does not allow in a stream: the complement of PyYAML's printable set
# (tab, line feed, carriage return, U+0020-U+007E, U+0085, U+00A0-U+D7FF, U+E000-U+FFFD and above
# U+FFFF), written as the few it leaves out. The same test as PyYAML's reader, and its pattern
# compiles in a seventh of the time of the reader's (0.7 ms against 5.5 ms, paid by every command).
NOT_YAML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _refuse_character(text: str, position: int, ch: str, file: str):
    line = text[:position].count("\n") + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    raise ContentError([Problem(file, line, "", f"character {ch!r} (U+{ord(ch):04X}) at column {col} "
                                                "is not allowed in YAML text; remove it")]) from None


def load_text(text: str, file: str) -> Any:
    """Parse one YAML document; raise ContentError with the parser's line and column."""
    if len(text) > MAX_BYTES:
        raise ContentError([Problem(file, 0, "", f"file is larger than {MAX_BYTES} bytes")])
    bad = NOT_YAML_TEXT.search(text)
    if bad:  # a control character YAML does not allow, anywhere in the file
        _refuse_character(text, bad.start(), bad.group(), file)
    if FAST_LOADER is not None:  # libyaml: about 5x faster on valid content
        fast = FAST_LOADER(text)
        try:
            node = fast.get_single_node()
            return None if node is None else _Builder(fast, file).build(node)
        except yaml.YAMLError:
            pass  # the pure-Python parser below reports where and why, in its own words
        except RecursionError:
            raise ContentError([Problem(file, 0, "", "YAML is nested too deeply")]) from None
        finally:
            fast.dispose()
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # (PyYAML's own test, should its set ever differ)
        ch = chr(exc.character) if isinstance(exc.character, int) else exc.character
        _refuse_character(text, exc.position, ch, file)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
            what = exc.problem or exc.context or "invalid YAML"
            start = exc.context_mark
            if exc.problem and exc.context and start and start.line + 1 != line:  # e.g. a quote never closed
                what += f" ({exc.context} at line {start.line + 1}, column {start.column + 1})"
            if "mapping values are not allowed" in what:
                what += "; if this is text with ': ' in it, put the whole text in quotes"
            raise ContentError([Problem(file, line, "", f"YAML syntax error at column {col}: {what}")]) from None
        except yaml.YAMLError as exc:
            raise ContentError([Problem(file, 0, "", f"YAML syntax error: {exc}")]) from None
        if node is None:
            return None
        return _Builder(loader, file).build(node)
    except RecursionError:
        raise ContentError([Problem(file, 0, "", "YAML is nested too deeply")]) from None
    finally:
        loader.dispose()


def load_file(path: Path, shown: str, root: Path | None = None) -> Any:
    """Read (through the input guard) and parse ``path``; ``shown`` is the name used in messages.

    With ``root``, the file (symlinks resolved) must lie inside that folder.
    """
    try:
        raw = read_input(path, "yaml", root)
    except InputRefused as exc:
        raise ContentError([Problem(shown, 0, "", exc.reason)]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError([Problem(shown, line, "", "file is not valid UTF-8 text")]) from None
    return load_text(text, shown)
