"""A small valid content folder written from a dict, for tests that break one thing at a time.

``write_content(root, **changes)`` writes ``root/content/<file>`` for every file, where a change
replaces a file's whole text (``None`` removes the file). File keys use ``/``; keyword
arguments spell it ``__`` (``sections__basics_yaml``) or pass a dict as ``files=``.
"""

from __future__ import annotations

from pathlib import Path

GUIDE = """\
title: Test Guide
subtitle: A guide for tests
language: en-US
edition: First edition
version: "1.0"
review: {reviewed_by: {name: Bea Checker, credentials: MD}, date: 2026-11-27, next: 2099-11-27}
author:
  name: Ann Writer
  role: Nurse
  bio: Ann writes guides.
sections:
  - basics
  - words
  - sources
"""

BRAND = """\
name: Test Center
tagline: Help for tests
colours:
  primary: {rgb: "#1f4e79"}
  accent: {rgb: "#f2b134"}
  text: {rgb: "#1a1a1a"}
  tint: {rgb: "#eef3f8"}
help:
  items:
    - title: Call us
      text: We answer the phone.
"""

REFERENCES = """\
references:
  - key: alpha
    text: "Alpha, A. (2001). A first study."
  - key: beta
    text: "Beta, B. (2002). A second study."
"""

GLOSSARY = """\
terms:
  - id: pleura
    term: Pleura
    definition: "The thin lining around the lungs."
  - id: stage
    term: Stage
    definition: "How far a cancer has spread. [@alpha]"
"""

BASICS = """\
id: basics
title: The basics
blocks:
  - paragraph: "The [[pleura]] is a lining. Doctors name a [[stage]]. [@alpha]"
  - bullets:
      - Rest when you can.
      - text: Eat well.
        items: [Small meals help.]
  - checklist:
      id: visit
      title: Before a visit
      items:
        - Write down questions
        - {id: bring-list, text: Bring a list of medicines}
  - callout:
      title: Good to know
      blocks:
        - paragraph: Ask for help.
  - regimens:
      caption: Results
      rows:
        - regimen: Drug A and drug B
          drugs: [Drug A, Drug B]
          median_survival_months: 12.1
          response_rate_percent: 41.3
          evidence: phase-2
          refs: [beta]
subsections:
  - id: more
    title: More to read
    blocks:
      - paragraph: Short and plain.
"""

WORDS = """\
id: words
title: Words to know
blocks:
  - glossary: {}
"""

SOURCES = """\
id: sources
title: Sources
blocks:
  - references: {}
"""

FILES = {
    "guide.yaml": GUIDE,
    "brand.yaml": BRAND,
    "references.yaml": REFERENCES,
    "glossary.yaml": GLOSSARY,
    "sections/basics.yaml": BASICS,
    "sections/words.yaml": WORDS,
    "sections/sources.yaml": SOURCES,
}


def write_content(root: Path, files: dict[str, str | None] | None = None, **changes: str | None) -> Path:
    """Write the content folder under ``root`` with some files replaced; return its path."""
    content = Path(root) / "content"
    merged: dict[str, str | None] = dict(FILES)
    merged.update(files or {})
    merged.update({k.replace("__", "/").replace("_yaml", ".yaml"): v for k, v in changes.items()})
    for rel, text in merged.items():
        path = content / rel
        if text is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return content
