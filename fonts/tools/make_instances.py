"""Make Guide Sans: static TrueType (glyf) instances of Source Sans 3 from the variable
TTFs shipped in the PyPI package `fontpkg-source-sans-3`, renamed because the OFL reserves
the name "Source" for the original (a static instance is a Modified Version).

Run ONCE, offline, in a venv with fonttools + fontpkg-source-sans-3:
    python make_instances.py [OUT_DIR]
The outputs are committed/shipped; nothing here runs at PDF-build time.
"""
import shutil
import sys
from importlib.metadata import version
from pathlib import Path

import fontpkg_source_sans_3 as pkg          # ships files/*.ttf + LICENSE
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
SRC = pkg.ROOT / "files"
FAMILY, PS_FAMILY = "Guide Sans", "GuideSans"

# style -> (variable source file, wght, subfamily name)
STYLES = {
    "Regular":    ("SourceSans3[wght].ttf",        400, "Regular"),
    "Bold":       ("SourceSans3[wght].ttf",        700, "Bold"),
    "Italic":     ("SourceSans3-Italic[wght].ttf", 400, "Italic"),
    "BoldItalic": ("SourceSans3-Italic[wght].ttf", 700, "Bold Italic"),
}


def set_names(font, style, sub):
    name = font["name"]
    ver = f"{font['head'].fontRevision:.3f}"
    full, ps = f"{FAMILY} {sub}", f"{PS_FAMILY}-{style}"
    # 16/17 (typographic family/subfamily) and 25 (variations PS prefix)
    # would contradict the RIBBI names below; drop them on all platforms.
    for nid in (16, 17, 25):
        name.removeNames(nameID=nid)
    for nid, text in {1: FAMILY, 2: sub, 3: f"{ver};{ps};derived from Source Sans 3",
                      4: full, 6: ps}.items():
        name.removeNames(nameID=nid)             # drop localized leftovers
        name.setName(text, nid, 3, 1, 0x409)     # Windows, English (US)
        name.setName(text, nid, 1, 0, 0)         # Mac Roman, English


def set_style_bits(font, wght, italic):
    bold = wght >= 700
    os2 = font["OS/2"]
    os2.usWeightClass = wght
    sel = os2.fsSelection & ~0b1100001          # clear ITALIC(0) BOLD(5) REGULAR(6)
    if italic:
        sel |= 1 << 0
    if bold:
        sel |= 1 << 5
    if not (italic or bold):
        sel |= 1 << 6
    os2.fsSelection = sel                        # keeps USE_TYPO_METRICS (bit 7)
    font["head"].macStyle = (1 if bold else 0) | (2 if italic else 0)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for style, (src, wght, sub) in STYLES.items():
        vf = TTFont(SRC / src, recalcTimestamp=False)  # same bytes on every run
        # Pin wght; this drops fvar/gvar/avar/HVAR/MVAR and leaves glyf outlines.
        font = instantiateVariableFont(vf, {"wght": wght})
        assert "glyf" in font and "fvar" not in font and "CFF " not in font
        set_names(font, style, sub)
        set_style_bits(font, wght, italic="Italic" in style)
        font.save(OUT / f"GuideSans-{style}.ttf")
    shutil.copyfile(pkg.ROOT / "LICENSE", OUT / "OFL-GuideSans.txt")
    print("from fontpkg-source-sans-3", version("fontpkg-source-sans-3"),
          "->", OUT)


if __name__ == "__main__":
    main()
