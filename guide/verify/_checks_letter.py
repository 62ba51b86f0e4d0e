"""The letter pages of a packet (a _PdfFile window) and what the letter settings promise in; letter checks out.

Details never repeat the recipient's name or address (they are personal data): only counts and shapes.
"""

from __future__ import annotations

import re

import msgspec

from ._pdffile import _PdfFile, squash
from ._report import Check

INCH = 72.0
LAST_LINE = re.compile(r"\b[A-Z]{2} \d{5}(-\d{4})?$")   # USPS: CITY ST ZIP or ZIP+4, last in the block


class LetterExpect(msgspec.Struct, frozen=True):
    """What every cover letter shows, from the letter settings (letter.yaml) and the guide."""

    window: tuple[float, float, float, float]   # inches from the page's top-left: left, top, width, height
    salutation: str                             # with {name}, e.g. "Dear {name},"
    signer: str                                 # the default signer's name
    title: str                                  # the guide's title, named in the body


def signer_names(expect: LetterExpect, advocate: str | None) -> list[str]:
    """Who may sign: the default signer, or the row's advocate ('NAME, PHONE' -> NAME, as the recipients
    file's advocate column is read)."""
    names = [expect.signer]
    if advocate:
        name, _, tail = advocate.rpartition(",")
        names.append(name.strip() if name.strip() and sum(ch.isdigit() for ch in tail) >= 7 else advocate)
    return names


def letter_problems(f: _PdfFile, expect: LetterExpect, advocate: str | None) -> dict[str, tuple[bool, str]]:
    """name -> (passed, detail) for the address block, salutation, signer and guide title."""
    out: dict[str, tuple[bool, str]] = {}
    if f.n == 0:
        return {k: (False, "no letter pages") for k in ("address", "salutation", "signer", "title")}
    left, top, width, height = (v * INCH for v in expect.window)
    page_h = float(f.pages[0].trimbox.height)
    lines: dict[float, list] = {}
    for run in f.runs(0):
        if left - 1 <= run.x <= left + width and page_h - top - height <= run.y <= page_h - top:
            lines.setdefault(round(run.y, 1), []).append(run)
    texts = [" ".join(r.text.strip() for r in sorted(rs, key=lambda r: r.x)) for _, rs in
             sorted(lines.items(), reverse=True)]
    if len(texts) < 2:
        out["address"] = (False, f"{len(texts)} lines of text in the address window "
                                 f"({expect.window[0]:g}, {expect.window[1]:g} in; {expect.window[2]:g}\u00d7"
                                 f"{expect.window[3]:g} in): the envelope would show no address")
    elif not LAST_LINE.search(texts[-1].strip()):
        out["address"] = (False, f"{len(texts)} lines in the address window, but the last is not "
                                 "'CITY ST ZIP' (USPS)")
    else:
        out["address"] = (True, f"{len(texts)} lines in the address window, the last 'CITY ST ZIP'")
    text = "".join(r.key for i in range(f.n) for r in f.runs(i))
    before, _, after = expect.salutation.partition("{name}")
    said = any(r.text.strip().startswith(before.strip()) for i in range(f.n) for r in f.runs(i)) \
        and squash(after) in text
    out["salutation"] = (said, f"opens {before.strip()!r}\u2026" if said
                         else f"no salutation {expect.salutation!r} on the letter pages")
    names = signer_names(expect, advocate)
    signed = next((n for n in names if squash(n) in text), None)
    if signed is None:
        out["signer"] = (False, f"signed by none of {', '.join(repr(n) for n in names)}")
    else:
        out["signer"] = (True, "signed by the default signer" if signed == expect.signer else "signed by the advocate")
    titled = squash(expect.title) in text
    out["title"] = (titled, "names the guide" if titled else f"does not name the guide {expect.title!r}")
    return out


def check_letter(f: _PdfFile, expect: LetterExpect, advocate: str | None) -> list[Check]:
    return [Check(f"letter-{k}", ok, detail) for k, (ok, detail) in letter_problems(f, expect, advocate).items()]
