"""Envelope profile, paper weight and a piece's pages in; its sheets, weight, thickness and whether it still mails
as a letter (USPS letter-size limits) out.

Two envelope profiles (``envelope:`` in letter.yaml):

- ``"#10"``: a #10 window envelope (4 1/8 x 9 1/2 in); the letter and the guide are folded in
  thirds together, so the piece is three layers of every sheet thick. The address block's
  default is the standard #10 window (1 1/8 x 4 1/2 in, 7/8 in from the left and 1/2 in from
  the bottom; businessenvelopes.com, "Window envelopes: the complete guide"), as seen on a
  letter folded in thirds (see _letter_spec.Window).
- ``"9x12"``: a 9 x 12 in window catalog envelope, nothing folded: a flat. We found no
  published standard for where a 9 x 12 envelope's window sits (they are made to order), so the
  default block is our choice: 1.0 in from the sheet's left edge like the #10 block, 1.75 in
  from its top (the lowest the large-print letterhead allows plus its 0.2 in gap, and well
  inside the top half of the piece, where USPS wants the address of a flat mailed at presorted
  or automation prices since March 2009), 3.25 x 0.875 in.

Sheets: the print files are printed on both sides and every piece starts on a new sheet (a
blank page follows the letter when letter and guide together have an odd page count; see
pdf.PrintFile.add), so a piece of P pages is ceil(P / 2) sheets: an 18-page guide and a
one-page letter are 10 sheets. A guide with an odd page count gets no blank page (one after the
guide would be read as the guide's): its cover is printed on the back of the letter.

Weight: paper is sold by the weight of 500 sheets of its basis size, 17 x 22 in (374 sq in)
for bond; a 20 lb bond Letter sheet (93.5 sq in, a quarter of the basis sheet) weighs
20 lb x 16 oz / 500 / 4 = 0.16 oz (4.5 g), an A4 sheet 0.165 oz. The #10 envelope weighs
0.238 oz measured (trythatch.com, "How much does an envelope weigh"); for the 9 x 12 we found
no measurement and estimate 0.66 oz (about 250 sq in of 28 lb stock is 0.60 oz; the same
estimate gives 0.215 oz for the #10 against the 0.238 measured, so scaled by 1.1). Weigh ten
finished pieces and set ``envelope_weight`` when it matters.

Thickness: 0.004 in a sheet of 20 lb bond (prepressure.com: 80 g/m2 writing paper has a
caliper of 4/1000 in; 20 lb bond is 75 g/m2, so this errs thick), scaled with the paper
weight unless ``paper_thickness`` is given; the envelope adds about three thicknesses of its
own paper where flap and seams overlap (0.015 in for the #10, 0.016 in for the 9 x 12).

USPS limits (DMM 201.1.1.1 and C810 2.3, archived at pe.usps.com): a letter is at most
11 1/2 x 6 1/8 in and 1/4 in thick; USPS Marketing Mail automation letters weigh at most
3.5 oz (0.2188 lb), and a letter over 3 oz is a "heavy letter" that must be in a sealed
envelope with its barcode in the address block. Flats at automation prices: at most 15 x 12
in and 3/4 in thick; USPS Marketing Mail pieces weigh less than 16 oz.
"""

from __future__ import annotations

import math

import msgspec
from reportlab.lib.pagesizes import A4, LETTER

BASIS_SQ_IN = 17 * 22          # bond paper's basis size
REAM = 500
BASE_CALIPER = 0.004           # inches, a sheet of 20 lb bond (errs thick; see above)
BASE_WEIGHT = 20.0             # lb bond
SHEET_SQ_IN = {paper: w * h / 72 / 72 for paper, (w, h) in (("letter", LETTER), ("a4", A4))}
HEAVY_LETTER = 3.0             # oz: over this a letter must carry its barcode in the address block


class Profile(msgspec.Struct, frozen=True):
    name: str
    folded: bool               # the letter and guide folded in thirds
    weight: float              # oz, the empty envelope
    thickness: float           # inches, the empty envelope
    letter_size: bool          # mails as a letter (else a flat)
    max_weight: float          # oz
    max_thickness: float       # inches, inclusive
    description: str
    weight_inclusive: bool = True   # "at most" (letters) or "less than" (USPS Marketing Mail: under 16 oz)


PROFILES = {
    "#10": Profile("#10", True, 0.238, 0.015, True, 3.5, 0.25,
                   "#10 window envelope, letter and guide folded in thirds (letter-size mail)"),
    "9x12": Profile("9x12", False, 0.66, 0.016, False, 16.0, 0.75,
                    "9 x 12 in window envelope, nothing folded (flat-size mail)", weight_inclusive=False),
}
DEFAULT_ENVELOPE = "#10"


def sheet_weight(paper: str, paper_weight: float = BASE_WEIGHT) -> float:
    """Ounces a sheet of this paper size weighs at this bond weight (lb per 500 basis sheets)."""
    return paper_weight * 16 / REAM * SHEET_SQ_IN[paper] / BASIS_SQ_IN


def caliper(paper_weight: float = BASE_WEIGHT, thickness: float | None = None) -> float:
    return thickness if thickness is not None else BASE_CALIPER * paper_weight / BASE_WEIGHT


class Piece(msgspec.Struct, frozen=True):
    """One mail piece as it goes to the post office."""

    pages: int                 # letter and guide pages (no blank pages)
    sheets: int
    weight: float              # oz
    thickness: float           # inches
    profile: Profile

    @property
    def over(self) -> list[str]:
        """What exceeds the profile's USPS limits ([] when nothing does)."""
        p = self.profile
        kind = "letter" if p.letter_size else "flat"
        out = []
        if self.weight > p.max_weight + 1e-9 or (not p.weight_inclusive and self.weight >= p.max_weight):
            limit = "at most" if p.weight_inclusive else "less than"
            out.append(f"{self.weight:.2f} oz (a USPS Marketing Mail {kind} weighs {limit} {p.max_weight:g} oz)")
        if self.thickness > p.max_thickness + 1e-9:
            out.append(f"{self.thickness:.3f} in thick (a {kind} is at most {p.max_thickness:g} in)")
        return out

    @property
    def heavy(self) -> bool:
        return self.profile.letter_size and self.weight > HEAVY_LETTER


def measure(pages: int, paper: str, profile: Profile, paper_weight: float = BASE_WEIGHT,
            paper_thickness: float | None = None, envelope_weight: float | None = None) -> Piece:
    """A piece of ``pages`` pages (letter and guide) printed on both sides, in this envelope."""
    sheets = math.ceil(pages / 2)
    weight = sheets * sheet_weight(paper, paper_weight) + (profile.weight if envelope_weight is None
                                                             else envelope_weight)
    layers = 3 if profile.folded else 1
    thickness = sheets * layers * caliper(paper_weight, paper_thickness) + profile.thickness
    return Piece(pages, sheets, weight, thickness, profile)


def over_note(piece: Piece) -> str:
    """The manifest note (and summary hint) for a piece over its profile's limits."""
    what = " and ".join(piece.over)
    if piece.profile.letter_size:
        return (f"over the USPS letter-size limits: {what}; mail it flat with envelope: \"9x12\" in "
                "letter.yaml (a run of its own)")
    return f"over the USPS flat-size limits: {what}"
