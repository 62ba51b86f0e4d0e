"""Two PDFs in; each page pair rendered with pypdfium2 and compared as pictures, a PNG per changed page
(old and new side by side, the changed areas boxed in red) written to a folder, out.

pypdfium2 (PDFium, the renderer in Chrome) and Pillow are the `diff` extra: pip install 'guide[diff]'.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from ..errors import InputError

DPI = 60          # enough to see what moved; a 21-page pair renders in well under a second
CELL = 12         # the difference grid, in pixels: changed cells are merged into boxes
THRESHOLD = 40    # a pixel differs when a channel differs by more than this (anti-aliasing noise below)


class PageChange(msgspec.Struct, frozen=True):
    page: int              # 1-based; a page only one file has counts as changed
    boxes: int             # changed areas marked
    png: str               # the picture written


def _render(pdf: bytes, name: str) -> list:
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise InputError("--pages needs pypdfium2 and Pillow: pip install 'guide[diff]'") from None
    try:
        doc = pdfium.PdfDocument(pdf)
    except Exception as exc:
        raise InputError(f"{name}: pypdfium2 cannot open it ({exc})") from None
    return [page.render(scale=DPI / 72).to_pil().convert("RGB") for page in doc]


def compare_pages(old: bytes, new: bytes, out: Path) -> list[PageChange]:
    from PIL import Image, ImageChops, ImageDraw

    from ..pdf import atomic_write

    a, b = _render(old, "OLD"), _render(new, "NEW")
    changes = []
    for i in range(max(len(a), len(b))):
        pa = a[i] if i < len(a) else None
        pb = b[i] if i < len(b) else None
        blank = (pa or pb).size
        pa = pa or Image.new("RGB", blank, "white")
        pb = pb or Image.new("RGB", blank, "white")
        size = (max(pa.width, pb.width), max(pa.height, pb.height))
        ca, cb = _pad(pa, size), _pad(pb, size)
        mask = ImageChops.difference(ca, cb).convert("L").point(lambda v: 255 if v > THRESHOLD else 0)
        if mask.getbbox() is None:
            continue
        boxes = _boxes(mask)
        sheet = Image.new("RGB", (size[0] * 2 + 10, size[1]), (128, 128, 128))
        sheet.paste(ca, (0, 0))
        sheet.paste(cb, (size[0] + 10, 0))
        draw = ImageDraw.Draw(sheet)
        for x0, y0, x1, y1 in boxes:
            for dx in (0, size[0] + 10):
                draw.rectangle((x0 + dx - 2, y0 - 2, x1 + dx + 2, y1 + 2), outline=(220, 0, 0), width=2)
        path = out / f"page-{i + 1:03d}.png"
        import io

        buf = io.BytesIO()
        sheet.save(buf, format="PNG", optimize=False)
        atomic_write(path, buf.getvalue())
        changes.append(PageChange(i + 1, len(boxes), str(path)))
    return changes


def _pad(img, size):
    from PIL import Image

    if img.size == size:
        return img
    canvas = Image.new("RGB", size, "white")
    canvas.paste(img, (0, 0))
    return canvas


def _boxes(mask) -> list[tuple[int, int, int, int]]:
    """Changed grid cells merged into boxes (cells that touch join the same box)."""
    w, h = mask.size
    small = mask.resize((max(1, w // CELL), max(1, h // CELL)), resample=4)  # BOX: any changed pixel counts
    gw, gh = small.size
    px = small.load()
    on = {(x, y) for y in range(gh) for x in range(gw) if px[x, y] > 0}
    boxes, seen = [], set()
    for cell in sorted(on):
        if cell in seen:
            continue
        stack, group = [cell], []
        seen.add(cell)
        while stack:
            x, y = stack.pop()
            group.append((x, y))
            for nx in (x - 1, x, x + 1):
                for ny in (y - 1, y, y + 1):
                    if (nx, ny) in on and (nx, ny) not in seen:
                        seen.add((nx, ny))
                        stack.append((nx, ny))
        xs, ys = [g[0] for g in group], [g[1] for g in group]
        sx, sy = w / gw, h / gh
        boxes.append((int(min(xs) * sx), int(min(ys) * sy), int((max(xs) + 1) * sx), int((max(ys) + 1) * sy)))
    return boxes
