"""What every letter of a batch shares, made once: the fonts' subsets (the same in every batch), their
programs and compressed forms (once per process), and the drawing of paragraphs that are the same in
every letter (once per batch document and place on the page)."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFace
from reportlab.pdfgen.canvas import Canvas

from ..layout import Paragraph, atkinson_codepoints
from ..pdf import deflate


@lru_cache(maxsize=1)
def preseed() -> str:
    """Every character the font draws, in code-point order.

    ReportLab gives each document its own font subsets, filled in the order characters are
    first drawn, so letters with different names (or rendered in different batches) would
    embed different subsets. Telling the regular font about every character first
    (TTFont.splitString assigns codes without drawing anything) makes its subsets the same
    in every letter: a packet's bytes depend only on its own letter, and the print file
    stores the fonts once.
    """
    return "".join(chr(cp) for cp in sorted(atkinson_codepoints()) if cp >= 0x20)


_SUBSETS: dict[tuple[str, tuple[int, ...]], bytes] = {}   # (font file, subset) -> font program
_PACKED: dict[bytes | str, bytes] = {}                    # font program or ToUnicode map -> Flate-compressed


@contextmanager
def remembered_fonts(c: Canvas):
    """While ``c`` saves: make the letter fonts' subset programs, and compress them, once per
    process rather than once per batch.

    Every batch embeds the same subsets (see preseed), and cutting a subset out of the
    TrueType file and deflating it were most of saving a batch. The caches are put on the
    faces and on ReportLab's Flate filter for this save only (the guide's renders make their
    own); a program for a given font file and subset is the same bytes either way, and so is
    its compressed form (the ToUnicode maps likewise). Page streams go through pdf.deflate.
    """
    faces = []
    for name in c._doc.fontMapping:   # the fonts this document uses
        face = getattr(pdfmetrics.getFont(name), "face", None)
        if not isinstance(face, TTFontFace) or "makeSubset" in face.__dict__:
            continue
        make = face.makeSubset

        def remembered(subset, _make=make, _file=face.filename):
            key = (_file, tuple(subset))
            if key not in _SUBSETS:
                if len(_SUBSETS) >= 32:
                    _SUBSETS.clear()
                    _PACKED.clear()
                _SUBSETS[key] = _make(subset)
            return _SUBSETS[key]

        face.makeSubset = remembered
        faces.append(face)
    flate = pdfdoc.PDFZCompress
    encode = flate.encode

    def packed(text):
        data = _PACKED.get(text)
        if data is not None:
            return data
        raw = text.encode("utf8") if isinstance(text, str) else text
        if raw.startswith(b"/CIDInit") or any(text is p for p in _SUBSETS.values()):
            # a font program or ToUnicode map: the same in every batch, and compressed as the
            # guide compresses its own (a packet then writes the guide's copy, see pdf._packet)
            data = encode(text)
            if len(_PACKED) >= 64:
                _PACKED.clear()
            _PACKED[text] = data
            return data
        return deflate(raw)   # a page's content: a small compressor for a small stream

    flate.encode = packed
    try:
        yield
    finally:
        del flate.encode   # back to the class's own
        for face in faces:
            del face.makeSubset


class _KeptParagraph(Paragraph):
    """A paragraph that is the same in every letter: its lines are broken once per width and
    reused (the layout's Paragraph keeps them; line breaking is the largest part of laying out a
    letter), and its drawing is made once per batch document and place on the page (see drawOn)."""

    role = "P"

    def drawOn(self, canvas, x, y, _sW=0):
        """Draw as the first letter of this batch drew it at this place, if one did.

        The drawing of a tagged paragraph is its operators plus one MCID (its text object's
        marked content): a repeat takes the operators recorded the first time with a fresh MCID
        from the letter's tagger. Only a paragraph that drew exactly one marked sequence and
        nothing else the tagger records is repeated this way; any other is drawn afresh. The
        recording lives on the canvas, so it never outlives the document whose fonts it uses.
        """
        tagger = getattr(canvas, "tagger", None)
        frame = tagger.stack[-1] if tagger is not None and tagger.stack else None
        if frame is None or not frame.inline or frame.piece is not self or len(tagger.stack) != 1:
            return super().drawOn(canvas, x, y, _sW)
        drawn = canvas.__dict__.setdefault("_kept_drawings", {})
        key = (id(self), x, y, _sW)
        if key in drawn:
            code, at, old = drawn[key]
            new = tagger.new_mcid(frame.node)[2]
            code = list(code)
            code[at] = code[at].replace(f"<</MCID {old}>>", f"<</MCID {new}>>")
            canvas._code.extend(code)
            frame.code = code[at]
            return None
        start, page = len(canvas._code), tagger.page
        mcids, seq = tagger.mcids.get(page, 0), tagger.seq
        super().drawOn(canvas, x, y, _sW)
        code = canvas._code[start:]
        if (tagger.seq == seq + 1 and tagger.mcids.get(page) == mcids + 1 and not frame.links
                and tagger.page == page and any(e is frame.code for e in code)
                and frame.code.count("<</MCID ") == 1 and f"<</MCID {mcids}>>" in frame.code
                and sum("<</MCID " in e for e in code) == 1):
            drawn[key] = (tuple(code), next(i for i, e in enumerate(code) if e is frame.code), mcids)
        return None
