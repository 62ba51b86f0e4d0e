"""letter.yaml (or --window) in; checked letter settings, USPS address lines and their fit in the window out.

The letter is laid out for a window envelope (``envelope:``, see _envelope): a #10 with the letter
folded in thirds, or a flat 9 x 12. The recipient block shows through the window, so it sits
exactly where the settings say (for the #10 by default 1.0 in from the left and 2.17 in from the
top, at most 3.25 x 0.875 in; for the 9 x 12 1.0 in and 1.75 in), follows USPS addressing
guidance (upper case, no punctuation but the ZIP+4 hyphen, city/state/ZIP last, plain
sans-serif 10-12 pt) and nothing else is printed in or just below it (see _letter).
The settings and the address rules live together because each needs the other: the
settings are refused when the window holds fewer than three address lines.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import msgspec
from msgspec.structs import replace
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics

from ..content import Checker, YMap, line_of, load_file
from ..errors import ContentError, Problem
from ..layout import register_fonts, text_width
from ._envelope import BASE_WEIGHT, DEFAULT_ENVELOPE, PROFILES, Profile

# ---- settings --------------------------------------------------------------------------

ADDRESS_FONT = "Atkinson"        # regular weight: USPS asks for plain, not bold or italic
ADDRESS_LEADING = 1.2            # line pitch as a multiple of the address size
ADDRESS_SIZES = (10.0, 12.0)     # USPS: 10 to 12 pt
MAX_BODY = 12                    # paragraphs
PLACEHOLDER_RE = re.compile(r"\{[^{}]*\}")


class Window(msgspec.Struct, frozen=True):
    """The address block's rectangle, in inches from the letter's top-left corner."""

    left: float = 1.0
    top: float = 2.17
    width: float = 3.25
    height: float = 0.875


# The default address block for each envelope profile (sources in _envelope).
WINDOWS = {"#10": Window(), "9x12": Window(1.0, 1.75, 3.25, 0.875)}

WINDOW_LIMITS = {  # inches: (min, max), so the block stays on the top third of the page
    "left": (0.25, 4.0), "top": (0.5, 3.0), "width": (2.0, 5.0), "height": (0.5, 1.5),
}


class Signer(msgspec.Struct, frozen=True):
    name: str
    role: str | None = None
    phone: str | None = None


class LetterSpec(msgspec.Struct, frozen=True):
    date: dt.date | None          # None: the day the run starts
    salutation: str               # contains {name}
    body: tuple[str, ...]         # may contain {title}
    closing: str
    signer: Signer
    window: Window = Window()
    address_size: float = 10.0
    imb: Imb | None = None        # None: no Intelligent Mail barcode
    envelope: str = DEFAULT_ENVELOPE   # a key of _envelope.PROFILES
    paper_weight: float = BASE_WEIGHT  # lb bond
    paper_thickness: float | None = None   # inches a sheet; None: from the paper weight
    envelope_weight: float | None = None   # oz; None: the profile's

    @property
    def profile(self) -> Profile:
        return PROFILES[self.envelope]


class Imb(msgspec.Struct, frozen=True):
    """The fixed fields of the Intelligent Mail barcode (USPS-B-3200); the serial comes per piece."""

    mailer_id: str                # 6 or 9 digits
    service_type: str             # 3 digits
    barcode_id: str               # 2 digits, the second 0-4

    @property
    def serial_digits(self) -> int:
        return 15 - len(self.mailer_id)   # Mailer ID + serial = 15 digits

    def tracking(self, serial: int) -> str:
        """The 20-digit tracking code of the piece with this serial."""
        return f"{self.barcode_id}{self.service_type}{self.mailer_id}{serial:0{self.serial_digits}d}"


def routing_code(block: tuple[str, ...]) -> str:
    """The IMb routing code from a USPS block's last line: the ZIP, 5 or 9 digits, no hyphen
    (11-digit delivery points need CASS-certified address data, which a run does not have)."""
    return block[-1].rsplit(" ", 1)[-1].replace("-", "")


# The IMb is drawn at ReportLab's narrowest bar pitch (widthSize=0: 65 bars, 2.68 in, 2.93 in with
# the 1/8 in clear zone each side); the band it takes at the top of the window is the full bar
# height (0.165 in) plus its 0.028 in clear zone above the address.
IMB_BAND = (0.165 + 0.028) * inch
IMB_WIDTH = 2.93 * inch


class LetterRecipient(msgspec.Struct, frozen=True):
    """One person as the letter needs them: the name as written and the USPS block."""

    name: str
    block: tuple[str, ...]        # name line, address lines, "CITY ST ZIP", already USPS-formatted
    signer: Signer | None = None  # None: the letter's default signer
    imb: tuple[str, str] | None = None   # (tracking code, routing code) when the letter carries an IMb


# ---- loading -----------------------------------------------------------------------------

def load_letter(path: Path | str, drawable: frozenset[int] | None = None) -> LetterSpec:
    """Read and validate letter.yaml; raise ContentError listing every located problem."""
    path = Path(path)
    shown = str(path)
    raw = load_file(path, shown)
    c = Checker(shown, register_fonts() if drawable is None else drawable)
    body = c.mapping(raw, raw, None, "", ["salutation", "body", "closing", "signer"],
                     ["date", "window", "address_size", "imb", "envelope", "paper_weight", "paper_thickness",
                      "envelope_weight"])
    if body is None:
        raise ContentError(c.problems)
    date = None
    if "date" in body:
        d = body["date"]
        if isinstance(d, dt.date) and not isinstance(d, dt.datetime):
            date = d
        elif d != "today":
            c.add(body, "date", "date", f"must be 'today' or a date like 2026-12-01, not {d!r}")
    salutation = c.text(body["salutation"], body, "salutation", "salutation", 200) if "salutation" in body else None
    if salutation is not None:
        _placeholders(c, salutation, body, "salutation", "salutation", required="{name}", allowed=("{name}",))
    paragraphs: list[str] = []
    if "body" in body:
        items = c.seq(body["body"], body, "body", "body")
        if items is not None and len(items) > MAX_BODY:
            c.add(body, "body", "body", f"has {len(items)} paragraphs; a cover letter has at most {MAX_BODY}")
        for i, item in enumerate(items or ()):
            text = c.text(item, items, i, f"body[{i}]", 1500)
            if text is not None:
                _placeholders(c, text, items, i, f"body[{i}]", allowed=("{title}",))
                paragraphs.append(text)
    closing = c.text(body["closing"], body, "closing", "closing", 80) if "closing" in body else None
    signer = None
    if "signer" in body:
        sb = c.mapping(body["signer"], body, "signer", "signer", ["name"], ["role", "phone"])
        if sb is not None and "name" in sb:
            name = c.text(sb["name"], sb, "name", "signer.name", 80)
            role = c.text(sb["role"], sb, "role", "signer.role", 80) if sb.get("role") is not None else None
            phone = c.text(sb["phone"], sb, "phone", "signer.phone", 40) if sb.get("phone") is not None else None
            if name:
                signer = Signer(name, role, phone)
    envelope = _envelope(c, body) if "envelope" in body else DEFAULT_ENVELOPE
    window = WINDOWS[envelope]
    if "window" in body:
        window = _window(c, body["window"], body, "window", "window", window) or window
    weights = {k: v for k in MEASURES if k in body and (v := _measure(c, body, k)) is not None}
    size = ADDRESS_SIZES[0]
    if "address_size" in body:
        v = c.number(body["address_size"], body, "address_size", "address_size", nullable=False)
        if v is not None and not ADDRESS_SIZES[0] <= v <= ADDRESS_SIZES[1]:
            c.add(body, "address_size", "address_size",
                  f"must be from {ADDRESS_SIZES[0]:g} to {ADDRESS_SIZES[1]:g} pt (USPS), not {v:g}")
        elif v is not None:
            size = float(v)
    imb = _imb(c, body["imb"], body, "imb", "imb") if "imb" in body else None
    if imb is not None and window.width * inch < IMB_WIDTH:
        c.add(body, "imb", "imb", f"the barcode is {IMB_WIDTH / inch:.2f} in wide; the window is "
              f"{window.width:g} in wide")
    if c.problems or not (salutation and paragraphs and closing and signer):
        raise ContentError(c.problems or [Problem(shown, 0, "", "incomplete letter settings")])
    spec = LetterSpec(date, salutation, tuple(paragraphs), closing, signer, window, size, imb, envelope, **weights)
    if max_address_lines(spec) < 3:
        raise ContentError([Problem(shown, line_of(body, "window"), "window.height",
                                    f"fits fewer than 3 address lines at {size:g} pt; make it taller")])
    return spec


def _placeholders(c: Checker, text: str, parent: Any, key: Any, path: str,
                  required: str | None = None, allowed: tuple[str, ...] = ()) -> None:
    for ph in PLACEHOLDER_RE.findall(text):
        if ph not in allowed:
            c.add(parent, key, path, f"unknown placeholder {ph}; allowed here: {', '.join(allowed)}")
    if required and required not in text:
        c.add(parent, key, path, f"must contain {required}")


IMB_FIELDS = {"mailer_id": r"\d{6}|\d{9}", "service_type": r"\d{3}", "barcode_id": r"\d[0-4]"}
IMB_RULES = {"mailer_id": "6 or 9 digits", "service_type": "3 digits",
             "barcode_id": "2 digits, the second 0 to 4"}


def _imb(c: Checker, raw: Any, parent: Any, key: Any, path: str) -> Imb | None:
    ib = c.mapping(raw, parent, key, path, list(IMB_FIELDS), [])
    if ib is None:
        return None
    values = {}
    for k, pattern in IMB_FIELDS.items():
        if k not in ib:
            continue
        v = ib[k]
        text = str(v) if isinstance(v, (str, int)) and not isinstance(v, bool) else None
        if text is None or not re.fullmatch(pattern, text):
            c.add(ib, k, f"{path}.{k}", f"must be {IMB_RULES[k]} (quote it to keep leading zeros), not {v!r}")
        else:
            values[k] = text
    return Imb(**values) if len(values) == len(IMB_FIELDS) else None


ENVELOPE_SPELLINGS = {"#10": "#10", "no10": "#10", "9x12": "9x12"}


def _envelope(c: Checker, body: Any) -> str:
    raw = body["envelope"]
    if raw is None:   # `envelope: #10` unquoted: YAML reads everything after # as a comment
        c.add(body, "envelope", "envelope", 'is empty; write envelope: "#10" with the quotes (in YAML an '
                                            'unquoted # starts a comment) or envelope: "9x12"')
        return DEFAULT_ENVELOPE
    key = "".join(str(raw).lower().replace("\u00d7", "x").replace(".", "").split())
    if isinstance(raw, bool) or key not in ENVELOPE_SPELLINGS:
        c.add(body, "envelope", "envelope", f'must be "#10" (letter folded in thirds) or "9x12" (flat, not '
                                            f"folded), not {raw!r}")
        return DEFAULT_ENVELOPE
    return ENVELOPE_SPELLINGS[key]


# letter.yaml key -> (LetterSpec field, unit, lowest, highest): ranges that catch a wrong unit
MEASURES = {"paper_weight": ("lb bond", 13, 60), "paper_thickness": ("inches", 0.002, 0.02),
            "envelope_weight": ("oz", 0.05, 3.0)}


def _measure(c: Checker, body: Any, key: str) -> float | None:
    unit, lo, hi = MEASURES[key]
    v = c.number(body[key], body, key, key, nullable=False)
    if v is not None and not lo <= v <= hi:
        c.add(body, key, key, f"must be from {lo:g} to {hi:g} {unit}, not {v:g}")
        return None
    return None if v is None else float(v)


def _window(c: Checker, raw: Any, parent: Any, key: Any, path: str, base: Window = Window()) -> Window | None:
    wb = c.mapping(raw, parent, key, path, [], list(WINDOW_LIMITS))
    if wb is None:
        return None
    values = {}
    for k, (lo, hi) in WINDOW_LIMITS.items():
        if k in wb:
            v = c.number(wb[k], wb, k, f"{path}.{k}", nullable=False)
            if v is not None and not lo <= v <= hi:
                c.add(wb, k, f"{path}.{k}", f"must be from {lo:g} to {hi:g} inches, not {v:g}")
            elif v is not None:
                values[k] = float(v)
    return replace(base, **values)


def parse_window(text: str) -> Window:
    """--window LEFT,TOP,WIDTH,HEIGHT (inches) -> Window, or ContentError naming the option."""
    parts = [p.strip() for p in text.split(",")]
    fake = YMap()
    fake.file, fake.line, fake.key_lines = "--window", 0, {}
    try:
        if len(parts) != 4:
            raise ValueError
        fake.update(zip(WINDOW_LIMITS, (float(p) for p in parts), strict=True))
    except ValueError:
        raise ContentError([Problem("--window", 0, "", "give four numbers in inches: LEFT,TOP,WIDTH,HEIGHT "
                                    "(the standard #10 window is 1.0,2.17,3.25,0.875; the 9x12 default "
                                    "1.0,1.75,3.25,0.875)")]) from None
    c = Checker("--window", None)
    window = _window(c, fake, fake, None, "window")
    if c.problems or window is None:
        raise ContentError(c.problems)
    return window


# ---- the address block ---------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9 ]*")


def usps_text(text: str) -> str:
    """USPS Publication 28 form: upper case; periods, slashes and hyphens kept where they carry meaning
    (a house-number range 112-10, a unit 4-B, a fraction 1/2, a decimal 39.2: next to a digit, and a
    slash or period between two digits); abbreviation periods and apostrophes dropped (ST, OBRIEN);
    other punctuation becomes a space (MULLER-LUKASZ -> MULLER LUKASZ); diacritics kept as written
    (Pub 28's own examples keep VÍA ANGÉLICA)."""
    if _PLAIN.fullmatch(text):   # letters, digits and spaces only (most lines): nothing to drop or keep
        return " ".join(text.upper().split())
    chars = unicodedata.normalize("NFC", text).upper()
    out = []
    for i, ch in enumerate(chars):
        before = chars[i - 1] if i else ""
        after = chars[i + 1] if i + 1 < len(chars) else ""
        if ch == "-" and before.isalnum() and after.isalnum() and (before.isdigit() or after.isdigit()):
            out.append(ch)
        elif ch in "/." and before.isdigit() and after.isdigit():
            out.append(ch)
        elif ch in ".'\u2019\u2018":
            continue
        else:
            out.append(" " if unicodedata.category(ch)[0] in "PSZC" else ch)
    return " ".join("".join(out).split())


def address_leading(spec: LetterSpec) -> float:
    return spec.address_size * ADDRESS_LEADING


def max_address_lines(spec: LetterSpec) -> int:
    """How many lines fit the window's height at the address size."""
    size = spec.address_size
    ascent = pdfmetrics.getAscent(ADDRESS_FONT, size)
    descent = -pdfmetrics.getDescent(ADDRESS_FONT, size)
    room = spec.window.height * inch - ascent - descent - (IMB_BAND if spec.imb else 0.0)
    return 1 + int(room // address_leading(spec)) if room >= 0 else 0


def address_problem(block: tuple[str, ...], spec: LetterSpec) -> str | None:
    """Why this USPS block would not show whole in the window, or None."""
    limit = max_address_lines(spec)
    if len(block) > limit:
        return (f"the address has {len(block)} lines; the window holds at most {limit} "
                f"at {spec.address_size:g} pt")
    room = spec.window.width * inch
    for line in block:
        width = text_width(line, ADDRESS_FONT, spec.address_size)
        if width > room:
            return (f"the address line '{line}' is {width / inch:.2f} in wide at {spec.address_size:g} pt; "
                    f"the window is {spec.window.width:g} in wide (abbreviate it, e.g. STREET -> ST)")
    return None


def format_date(day: dt.date, language: str = "en-US") -> str:
    """The letter's date in the guide's language: December 1, 2026 / 1 de diciembre de 2026 (Babel)."""
    from ..content import locale_for

    return locale_for(language).date(day)
