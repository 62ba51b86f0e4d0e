"""brand.yaml in, a typed Brand out (name, colours checked for contrast, contact, help, logo)."""

from __future__ import annotations

import re
from typing import Any

from . import models as m
from ._checker import Checker, Loader, _content_path, _join
from ._image import image_problem
from ._yaml import quoted

HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def _colour(c: Checker, raw: Any, parent: Any, key: Any, path: str) -> m.Colour | None:
    body = c.mapping(raw, parent, key, path, ["rgb"], ["cmyk"])
    if body is None or "rgb" not in body:
        return None
    rgb = body["rgb"]
    if not isinstance(rgb, str) or not HEX_RE.match(rgb):
        c.add(body, "rgb", _join(path, "rgb"), f"must be a colour like \"#1f4e79\", not {quoted(rgb)}")
        return None
    cmyk = None
    if "cmyk" in body:
        v = body["cmyk"]
        if (not isinstance(v, list) or len(v) != 4
                or any(isinstance(x, bool) or not isinstance(x, (int, float)) or not 0 <= x <= 1 for x in v)):
            c.add(body, "cmyk", _join(path, "cmyk"), f"must be four numbers from 0 to 1 [c, m, y, k], not {quoted(v)}")
            return None
        cmyk = tuple(float(x) for x in v)
    return m.Colour(rgb.lower(), cmyk)


COLOUR_ROLES = ("primary", "accent", "text", "tint")
# Colours that text is printed in, and the backgrounds it stands on (accent is decoration only).
# WCAG 2 asks for a contrast of at least 4.5:1 for body text; white text on primary counts too.
TEXT_ON = {"text": ("white", "tint"), "primary": ("white", "tint")}
MIN_CONTRAST = 4.5


def _luminance(rgb: str) -> float:
    """WCAG 2 relative luminance of "#rrggbb"."""
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(rgb[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _check_contrast(c: Checker, cb: Any, colours: dict[str, m.Colour]) -> None:
    for role, grounds in TEXT_ON.items():
        if role not in colours:
            continue
        for ground in grounds:
            other = "#ffffff" if ground == "white" else colours.get(ground, None) and colours[ground].rgb
            if not other:
                continue
            ratio = contrast(colours[role].rgb, other)
            if ratio < MIN_CONTRAST:
                c.add(cb, role, f"colours.{role}",
                      f"text in this colour on {ground} has a contrast of {ratio:.1f}:1; "
                      f"readers need at least {MIN_CONTRAST:g}:1 (choose a darker colour)")


def _brand(ld: Loader) -> m.Brand | None:
    raw = ld.read("brand.yaml")
    if raw is None:
        return None
    c = ld.checker("brand.yaml")
    body = c.mapping(raw, raw, None, "", ["name", "tagline", "colours"], ["logo", "contact", "help"])
    if body is None:
        ld.finish(c)
        return None
    name = c.text(body.get("name"), body, "name", "name", 100) if "name" in body else None
    tagline = c.text(body.get("tagline"), body, "tagline", "tagline", 200) if "tagline" in body else None
    colours: dict[str, m.Colour] = {}
    if "colours" in body:
        cb = c.mapping(body["colours"], body, "colours", "colours", COLOUR_ROLES)
        for role in COLOUR_ROLES:
            if cb is not None and role in cb:
                col = _colour(c, cb[role], cb, role, f"colours.{role}")
                if col:
                    colours[role] = col
        if cb is not None:
            _check_contrast(c, cb, colours)
    contact: dict[str, str | None] = {"phone": None, "web": None, "address": None}
    if body.get("contact") is not None:
        cb = c.mapping(body["contact"], body, "contact", "contact", [], ["phone", "web", "address"])
        for k in contact:
            if cb is not None and cb.get(k) is not None:
                contact[k] = c.text(cb[k], cb, k, f"contact.{k}", 200)
    help_title, help_items = "How to get help", []
    if body.get("help") is not None:
        hb = c.mapping(body["help"], body, "help", "help", ["items"], ["title"])
        if hb is not None:
            if "title" in hb:
                help_title = c.text(hb["title"], hb, "title", "help.title", 100) or help_title
            items = c.seq(hb.get("items"), hb, "items", "help.items") if "items" in hb else None
            for i, it in enumerate(items or ()):
                p = f"help.items[{i}]"
                ib = c.mapping(it, items, i, p, ["title", "text"])
                if ib is not None and "title" in ib and "text" in ib:
                    t = c.text(ib["title"], ib, "title", p + ".title", 100)
                    x = c.text(ib["text"], ib, "text", p + ".text", 400)
                    if t and x:
                        help_items.append(m.HelpItem(t, x))
    logo = None
    if body.get("logo") is not None:
        logo = _content_path(c, ld.dir, body["logo"], body, "logo", "logo", (".png", ".jpg", ".jpeg"))
        problem = image_problem(logo) if logo else None  # decoded now, so a bad logo never reaches a run
        if problem:
            c.add(body, "logo", "logo", f"{quoted(body['logo'])} {problem}")
            logo = None
    ld.finish(c)
    if name and tagline and len(colours) == len(COLOUR_ROLES):
        return m.Brand(name, tagline, colours, help_title, tuple(help_items),
                       contact["phone"], contact["web"], contact["address"], logo)
    return None
