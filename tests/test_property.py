"""Random content, valid and broken: the builder makes a PDF the project's checks accept, or says
where the content is wrong. Any other outcome (a crash, a hang, a PDF that fails verify) fails.

Starting from the small valid content set, each example changes it: random text (markup
characters, emoji, CJK, control characters, combining marks) in random places, and random
structure edits (a key deleted, renamed or retyped, a list item duplicated, raw characters
inserted into the YAML text). Bounded: 25 examples a test, no example database written.
"""

from __future__ import annotations

import copy
import io
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from minimal_content import FILES
from pypdf import PdfReader

from guide.build import load, render_guide
from guide.errors import ContentError
from guide.content import BuildOptions
from guide.verify import verify_pdf

BASE = {rel: yaml.safe_load(text) for rel, text in FILES.items()}
# PROPERTY_EXAMPLES=400 runs a longer search (that is how the soft-hyphen-only title was found)
SETTINGS = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "25")), deadline=None, database=None, derandomize=False, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

MARKUP = list("<>&;\"'*[]@|:#{}!%-/=\\") + ["<b>", "</para>", "&amp;", "AT&T", "[@", "]]", "[[", "**", "\t", "\n"]
SAFE = st.one_of(st.sampled_from(MARKUP), st.characters(min_codepoint=32, max_codepoint=126),
                 st.sampled_from(list("éñüçøßÀ–—‘’“”…·°±")))
ANY = st.characters(blacklist_categories=("Cs",))  # every code point a str can hold (no lone surrogates)
TEXT = st.lists(st.one_of(SAFE, SAFE, SAFE, ANY), max_size=30).map("".join)  # pieces, some several characters


def nodes(value, path=()):
    """Every (path, value) below a parsed YAML value, the root included."""
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from nodes(v, (*path, i))


def parent_of(data, path):
    for step in path[:-1]:
        data = data[step]
    return data


def write(files: dict, root: Path, raw_edits: dict[str, tuple[int, str]] = {}) -> Path:  # noqa: B006
    content = root / "content"
    for rel, data in files.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
        if rel in raw_edits:
            at, chunk = raw_edits[rel]
            at %= len(text) + 1
            text = text[:at] + chunk + text[at:]
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(text, encoding="utf-8")
    return content


def outcome(content: Path) -> str:
    """Build; on success the PDF must open with its page count and pass verify."""
    try:
        guide = load(content)
    except ContentError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.file and p.message, p
            assert Path(p.file).resolve().is_relative_to(content.resolve()), p  # names a content file
        return "content error"
    options = BuildOptions()
    pdf, pages = render_guide(guide, options)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == pages > 0
    report = verify_pdf(pdf, guide, options)
    assert report.ok, "\n".join(report.lines())
    return "pdf"


NOT_PROSE = {"id", "key", "rgb", "language", "evidence"}  # fields with a fixed form; the structure test covers them
LISTS_OF_IDS = (("refs",), ("sections",))


@SETTINGS
@given(data=st.data())
def test_random_text_anywhere_builds_or_is_a_located_content_error(data):
    files = copy.deepcopy(BASE)
    strings = [(rel, path) for rel, value in files.items() for path, v in nodes(value)
               if isinstance(v, str) and path and path[-1] not in NOT_PROSE and path[-2:-1] not in LISTS_OF_IDS]
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        rel, path = data.draw(st.sampled_from(strings), label="where")
        parent_of(files[rel], path)[path[-1]] = data.draw(TEXT, label="text")
    with tempfile.TemporaryDirectory() as tmp:
        event(outcome(write(files, Path(tmp))))


EDITS = ["delete", "retype", "rename", "duplicate", "raw"]
OTHER_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                         st.floats(allow_nan=True, allow_infinity=True), TEXT,
                         st.lists(TEXT, max_size=3), st.dictionaries(TEXT, TEXT, max_size=2))


@SETTINGS
@given(data=st.data())
def test_random_structure_edits_build_or_are_a_located_content_error(data):
    files = copy.deepcopy(BASE)
    raw: dict[str, tuple[int, str]] = {}
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        edit = data.draw(st.sampled_from(EDITS), label="edit")
        rel = data.draw(st.sampled_from(sorted(files)), label="file")
        if edit == "raw":
            raw[rel] = (data.draw(st.integers(0, 5000), label="at"), data.draw(TEXT, label="chunk"))
            continue
        places = [path for path, _ in nodes(files[rel]) if path]
        if not places:  # an earlier edit emptied this file
            continue
        path = data.draw(st.sampled_from(places), label="where")
        parent, key = parent_of(files[rel], path), path[-1]
        if edit == "delete":
            del parent[key]
        elif edit == "retype":
            parent[key] = data.draw(OTHER_VALUES, label="value")
        elif edit == "rename" and isinstance(parent, dict):
            new = data.draw(st.one_of(TEXT, st.sampled_from([str(key)[:-1], str(key) + "s", str(key).upper()])),
                            label="name")
            parent[new] = parent.pop(key)
        elif edit == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
    with tempfile.TemporaryDirectory() as tmp:
        event(outcome(write(files, Path(tmp), raw)))


def test_the_unchanged_content_builds_and_verifies():
    with tempfile.TemporaryDirectory() as tmp:
        assert outcome(write(copy.deepcopy(BASE), Path(tmp))) == "pdf"
