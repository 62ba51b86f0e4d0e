"""Content streams and simple fonts read without pypdf's parser: operators with their operands, literal and hex
strings, ToUnicode maps, and each code's text and width.

pypdf opens the file and inflates the streams; the operators are found here with one regular expression,
and only the operands of the operators text reading needs are parsed (pypdf's parse of every operand into
objects took most of a page's reading). A stream this scanner cannot follow (an inline image, a string
nested deeper than it reads) is parsed by pypdf instead.
"""

from __future__ import annotations

import re

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

# the general operand reader's tokens (arrays, several operands): compiled by re on first use, as most pages
# never need it
_TOKEN = rb"""
    (?P<num>[+-]?(?:\d+\.?\d*|\.\d+))
  | (?P<op>[A-Za-z'"][A-Za-z0-9*'"]*)
  | /(?P<name>[^\s/\[\]()<>{}%]*)
  | (?P<str>\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\))
  | (?P<hex><[0-9A-Fa-f\s]*>)
  | (?P<open>\[)|(?P<close>\])
  | <<|>>|\{|\}
  | %[^\r\n]*
"""
# a literal string, one level of nested parentheses: a run of plain bytes is taken whole (possessive, so an
# unbalanced string fails at once), which the regular expression engine matches several times faster than
# byte by byte; the strings matched are the same
_STRING = rb"\((?:[^\\()]++|\\.|\((?:[^\\()]++|\\.)*+\))*+\)"
# operands (numbers, names, strings, arrays, dictionaries, comments) and then their operator
_OPERATION = re.compile(rb"""(?P<args>(?:[\d\s.+\-\[\]]+ | /[^\s/\[\]()<>{}%]* | """ + _STRING + rb"""
                                      | <[0-9A-Fa-f\s]*> | << | >> | %[^\r\n]*)*)
                             (?P<op>[A-Za-z'"][A-Za-z0-9*'"]*)""", re.X | re.S)
_PLAIN = re.compile(rb"[\d\s.+\-]+")
_ONE_STRING = re.compile(rb"\s*(" + _STRING + rb")\s*", re.S)
_NAME_NUMBER = re.compile(rb"\s*/([^\s/\[\]()<>{}%]*)\s+([+-]?(?:\d+\.?\d*|\.\d+))\s*")
_INLINE_IMAGE = re.compile(rb"(?<![A-Za-z])BI(?![A-Za-z0-9])")
_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.|\Z)", re.S)
_OCTAL_DIGITS = b"01234567"


def unescape(literal: bytes) -> bytes:
    """A PDF literal string's bytes (with its parentheses, escapes resolved)."""
    body = literal[1:-1]
    if b"\\" not in body:
        return body
    return _ESCAPE.sub(_unescaped, body)


def _unescaped(m: re.Match) -> bytes:
    """One escape: up to three octal digits (a byte), a line continuation (nothing), a named or any other
    character, or a backslash that ends the string (kept)."""
    code = m.group(1)
    if not code:
        return b"\\"
    if code[0] in _OCTAL_DIGITS:
        return bytes((int(code, 8) & 0xFF,))
    if code in b"\n\r":
        return b""
    return bytes((_ESCAPES.get(code[0], code[0]),))


def to_unicode(font) -> dict[int, str]:
    """A simple font's ToUnicode CMap as code -> text (bfchar and bfrange entries), every entry kept."""
    cmap = font.get("/ToUnicode") if font is not None else None
    if cmap is None:
        return {}
    data = cmap.get_object().get_data()
    out: dict[int, str] = {}

    def text(hexes: bytes) -> str:
        return bytes.fromhex(hexes.decode()).decode("utf-16-be", "replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(code, 16)] = text(uni)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int(uni, 16)
            for n, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(first + n)
    return out


class Font:
    """What reading text needs of a simple font: each code's text and width (thousandths of the size)."""

    __slots__ = ("name", "chars", "widths", "default", "space_code", "space_width", "_each")

    def __init__(self, font) -> None:
        font = font.get_object() if font is not None else None
        self.name = str(font.get("/BaseFont", "")) if font is not None else ""
        base = _encoding(font)
        mapped = to_unicode(font)
        self.chars = [mapped.get(code, base[code]) for code in range(256)]
        self.widths: dict[int, float] = {}
        if font is not None and "/Widths" in font:
            first = int(font.get("/FirstChar", 0))
            for code, w in enumerate(font["/Widths"].get_object(), start=first):
                self.widths[code] = float(w)
        self.space_code = next((c for c, t in mapped.items() if t == " "), 32)
        space = self.widths.get(self.space_code, 0.0)
        valid = [w for w in self.widths.values() if w > 0]
        if space:
            self.default = 2 * space
        else:
            self.default = sum(valid) // len(valid) if valid else 500.0
        self.space_width = space or self.default // 2
        self._each = self._code_widths()

    def _code_widths(self) -> list[float]:
        """Each code's width, the space's included (one lookup a byte, in C, when decoding)."""
        each = [self.widths.get(code, self.default) for code in range(256)]
        if 0 <= self.space_code < 256:
            each[self.space_code] = self.space_width
        return each

    def decode(self, data: bytes) -> tuple[str, float]:
        """The text of these codes and their width (thousandths of the font size), added up code by code."""
        return data.decode("latin-1").translate(self.chars), sum(map(self._each.__getitem__, data), 0.0)


class Unknown(Font):
    """A font name the page's resources do not define (pypdf reads its text as U+FFFD)."""

    def __init__(self) -> None:  # noqa: super-init-not-called - nothing to read
        self.name, self.chars, self.widths = "", ["\ufffd"] * 256, {}
        self.default, self.space_code, self.space_width = 500.0, 32, 250.0
        self._each = self._code_widths()


def _encoding(font) -> list[str]:
    """A simple font's base encoding as 256 characters (WinAnsi for ReportLab's standard fonts)."""
    enc = font.get("/Encoding") if font is not None else None
    if enc is not None and not isinstance(enc.get_object(), str):
        enc = enc.get_object().get("/BaseEncoding")
    if str(enc) == "/WinAnsiEncoding":
        return [bytes([b]).decode("cp1252", "replace") if 0x80 <= b < 0xA0 else chr(b) for b in range(256)]
    return [chr(b) for b in range(256)]


def mult(m, n) -> tuple:
    return (m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5])


def operations(data: bytes, wanted, stream=None, reader=None) -> list[tuple[bytes, list]]:
    """(operator, operands) of a content stream for the operators in ``wanted``: numbers as floats, strings
    as bytes, names as str ('/F1'), arrays as lists.

    A stream the scanner cannot follow is parsed by pypdf when ``stream`` (its pypdf object) is given."""
    found = scanned(data)
    if found is not None:
        return [(op, operands(op, args)) for args, op in found if op in wanted]
    return pypdf_operations(stream, reader, wanted) if stream is not None else []


def pypdf_operations(stream, reader, wanted) -> list[tuple[bytes, list]]:
    """operations() of a stream the scanner cannot follow, as pypdf parses it."""
    from pypdf.generic import ArrayObject, ContentStream, NameObject

    def plain(v):
        if isinstance(v, ArrayObject):
            return [plain(x) for x in v]
        if isinstance(v, NameObject):
            return str(v)
        if isinstance(v, str):
            return v.encode("latin-1", "replace")
        return bytes(v) if isinstance(v, bytes) else v

    return [(op, [plain(v) for v in args]) for args, op in ContentStream(stream, reader, "bytes").operations
            if op in wanted]


def scanned(data: bytes) -> list[tuple[bytes, bytes]] | None:
    """Every operation of the stream as (its operands unparsed, operator), or None where the scanner cannot
    follow it (an inline image, or something that is neither an operand nor an operator). Only the operators
    a reader wants need their operands parsed (operands()): most of a page is path and colour operators."""
    if b"BI" in data and _INLINE_IMAGE.search(data):
        return None
    found = _OPERATION.findall(data)
    # the operations must tile the stream: a gap is something neither an operand nor an operator
    if found:
        args, ops = zip(*found)
        if sum(map(len, args)) + sum(map(len, ops)) != len(data.rstrip()):
            return None
    elif data.strip():
        return None
    return found


def operands(op: bytes, raw: bytes) -> list:
    """One operator's operands from their bytes, read in the operator's likely form first."""
    return _FAST.get(op, _operands)(raw) if raw and not raw.isspace() else []


def _numbers(raw: bytes) -> list:
    """cm, Tm, Td, TL, Tc: their operands are numbers. Every token a float means nothing but numbers (a name,
    string, array or comment has a token float() refuses), as _operands would find; else it reads them."""
    try:
        return [float(v) for v in raw.split()]
    except ValueError:
        return _operands(raw)


def _string(raw: bytes) -> list:
    """Tj and ': one string (the forms _operands tells apart exclude each other, so trying this one first
    gives what it gives)."""
    one = _ONE_STRING.fullmatch(raw)
    return [unescape(one.group(1))] if one else _operands(raw)


def _font(raw: bytes) -> list:
    """Tf: a name and a size."""
    font = _NAME_NUMBER.fullmatch(raw)
    return ["/" + font.group(1).decode("latin-1"), float(font.group(2))] if font else _operands(raw)


# the likely form of each operator's operands, read first
_FAST = {b"cm": _numbers, b"Tm": _numbers, b"Td": _numbers, b"TD": _numbers, b"TL": _numbers, b"Tc": _numbers,
         b"Tj": _string, b"'": _string, b"Tf": _font}


def _operands(raw: bytes) -> list:
    if _PLAIN.fullmatch(raw):  # numbers only (cm, Tm, Td, TL, Tc)
        return [float(v) for v in raw.split()]
    one = _ONE_STRING.fullmatch(raw)  # a string (Tj)
    if one:
        return [unescape(one.group(1))]
    font = _NAME_NUMBER.fullmatch(raw)  # a name and a size (Tf)
    if font:
        return ["/" + font.group(1).decode("latin-1"), float(font.group(2))]
    values: list = []
    array: list | None = None
    for m in re.finditer(_TOKEN, raw, re.X | re.S):
        kind = m.lastgroup
        if kind == "num":
            value: object = float(m.group(kind))
        elif kind == "str":
            value = unescape(m.group(kind))
        elif kind == "name":
            value = "/" + m.group(kind).decode("latin-1")
        elif kind == "hex":
            digits = re.sub(rb"\s", b"", m.group(kind)[1:-1])
            value = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())
        elif kind == "open":
            array = []
            continue
        elif kind == "close":
            if array is not None:
                values.append(array)
            array = None
            continue
        else:
            continue
        (array if array is not None else values).append(value)
    return values
