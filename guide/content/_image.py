"""An image file (the logo) in; why it cannot be printed (None: it can) at check time, print-sized bytes at render.

Decoding at check time with Pillow catches what used to pass `check` and the build and then stop a
packet run: a file that is not an image, a PNG named .jpg, a truncated file (``load()`` decodes it
all), and a decompression bomb (the size in pixels is checked from the header before decoding).
At render time a logo with more pixels than print needs is downscaled once, to 300 dpi at the size
it is printed, and the bytes are kept in memory: a 12000-pixel logo made every packet 400 KB.
"""

from __future__ import annotations

import io
import math
import warnings
from functools import lru_cache
from pathlib import Path

from ..errors import InputRefused
from ._files import read_input

FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
MAX_SIDE = 6000            # pixels a side: 20 in at 300 dpi, far above any logo's printed size
MAX_PIXELS = 24_000_000    # 6000 x 4000; decoded RGBA that is about 96 MB, the most a logo may cost
PRINT_DPI = 300


def image_problem(path: Path | str) -> str | None:
    """Why the image at ``path`` cannot be printed, in words that follow its quoted name; None if it can."""
    from PIL import Image, UnidentifiedImageError

    want = FORMATS.get(Path(path).suffix.lower())
    try:
        data = read_input(path, "logo")
    except InputRefused as exc:
        return exc.reason
    with warnings.catch_warnings():
        # Pillow warns (on stderr, raw) above 89 million pixels and refuses above twice that; below the
        # refusal our own limit, with the real size, says it better
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError:
            return (f"has too many pixels (over {2 * Image.MAX_IMAGE_PIXELS // 1_000_000} million); "
                    f"at most {MAX_SIDE} x {MAX_SIDE} and {MAX_PIXELS // 1_000_000} million")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return f"is not a {want} image (Pillow cannot read it)"
        with img:
            if img.format != want:
                return f"holds a {img.format} image, not {want} as its name says; rename or convert it"
            w, h = img.size
            if w > MAX_SIDE or h > MAX_SIDE or w * h > MAX_PIXELS:
                return (f"is {w} x {h} pixels; at most {MAX_SIDE} x {MAX_SIDE} and {MAX_PIXELS // 1_000_000} "
                        f"million pixels (a logo printed 1 in tall needs {PRINT_DPI})")
            if w < 1 or h < 1:
                return "has no pixels"
            try:
                img.load()  # decodes every byte: a truncated or damaged file fails here, not in a packet run
            except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
                return f"is a damaged or truncated {want} file"
    return None


def print_image(path: str, height_pt: float) -> str | io.BytesIO:
    """The logo for drawing ``height_pt`` tall: its own file when it has no more pixels than 300 dpi
    needs, else the same image downscaled to that (made once per size and kept in memory)."""
    data = _downscaled(path, math.ceil(height_pt / 72 * PRINT_DPI))
    return path if data is None else io.BytesIO(data)


@lru_cache(maxsize=8)
def _downscaled(path: str, height_px: int) -> bytes | None:
    from PIL import Image

    with Image.open(io.BytesIO(read_input(path, "logo"))) as img:
        if img.height <= height_px:
            return None
        width_px = max(1, round(img.width * height_px / img.height))
        if img.mode not in ("RGB", "RGBA", "L", "LA"):  # palette or CMYK: resample in full colour
            img = img.convert("RGBA" if img.mode in ("P", "PA") or "transparency" in img.info else "RGB")
        small = img.resize((width_px, height_px), Image.LANCZOS)
        out = io.BytesIO()
        small.save(out, "PNG")  # PNG without metadata: the same bytes every time (and lossless)
        return out.getvalue()
