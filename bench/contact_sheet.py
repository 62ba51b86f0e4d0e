#!/usr/bin/env python3
"""Before/after contact sheet of two builds of an edition: every page of each, numbered, in one PNG (needs pdftoppm).

Usage: bench/contact_sheet.py BEFORE.pdf AFTER.pdf OUT.png "Title"   (docs/page-quality/ holds the README's)
"""

import subprocess, sys, tempfile
from pathlib import Path
from PIL import Image, ImageDraw

def pages(pdf, dpi):
    d = tempfile.mkdtemp()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", pdf, f"{d}/p"], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(Path(d).glob("p-*.png"))]

def sheet(before, after, out, title, dpi=22, cols=12):
    rows_img = []
    for label, pdf in (("before", before), ("after", after)):
        ims = pages(pdf, dpi)
        w, h = ims[0].width, ims[0].height
        rows = (len(ims) + cols - 1) // cols
        pad = 4
        S = Image.new("RGB", (cols * (w + pad) + pad, rows * (h + pad + 12) + pad + 16), "#6b7580")
        dr = ImageDraw.Draw(S)
        dr.text((pad, 2), f"{title}: {label}, {len(ims)} pages", fill="white")
        for k, im in enumerate(ims):
            x = pad + (k % cols) * (w + pad); y = 16 + (k // cols) * (h + pad + 12)
            dr.text((x, y), str(k + 1), fill="white"); S.paste(im, (x, y + 12))
        rows_img.append(S)
    W = max(i.width for i in rows_img); H = sum(i.height for i in rows_img)
    out_im = Image.new("RGB", (W, H), "#6b7580"); y = 0
    for i in rows_img: out_im.paste(i, (0, y)); y += i.height
    out_im.quantize(colors=24, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)

sheet(*sys.argv[1:5])
