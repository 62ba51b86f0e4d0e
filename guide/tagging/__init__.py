"""Tagging stage: a story of flowables with roles in; marked content and a PDF/UA structure tree out of the
same render; and a built PDF's structure read back and checked.

One mechanism for every block kind, in three steps:

1. ``declare(story)`` (_roles) walks the story once, before layout, and builds the logical structure
   (Document > H1.., P, L/LI/Lbl/LBody, Table/TR/TH/TD, TOC/TOCI, Div ...) of Nodes (_structure) from the
   roles the story gave its flowables. Each *drawable piece* -- a leaf flowable, a table text cell, a
   list bullet -- is bound to its structure element. Containers (lists, tables) only carry
   structure down to their pieces, because ReportLab dissolves or splits them during layout.
2. While ReportLab draws, each bound piece (_marked) opens a marked-content sequence with a fresh
   MCID on its page (``/P <</MCID 3>> BDC ... EMC``), recorded by the canvas's Tagger (_tagger); a
   paragraph opens its sequences inside its text object, so a link's words get their own sequence
   under a Link element. Pieces made by splitting inherit their parent's element, so a paragraph over
   two pages is one element with an MCID on each. Everything else -- page decoration, table
   backgrounds and rules, underlines, drawn checkbox squares, repeated header rows -- is drawn inside
   ``/Artifact BMC ... EMC``. Annotations created inside a piece (links, form widgets) join
   the structure as Link/Form elements.
3. When the canvas saves (_canvas), the structure tree (ordered by drawing order), ParentTree,
   MarkInfo, XMP metadata with ``pdfuaid:part 1``, and each page's /StructParents and /Tabs
   are written through ReportLab's own PDF object model, so output stays byte-reproducible.

``read_tree(pdf)`` (_read) and ``check_accessibility(pdf)`` (_check) read a built PDF back (pypdf) to check it;
``TextReader`` (_text) reads a page's text as positioned runs straight from its content stream (verify, diff).
Modules import one way: _structure <- _tagger <- _marked <- _roles, _tagger <- _canvas; _stream <- _text, _stream <- _read <- _check.

Names are imported on first use: the readers (_stream, _text, _read) need no ReportLab, so ``verify`` and ``diff``
load only them, not the canvas and story side (which imports reportlab.platypus).
"""

from .._lazy import lazy_exports

_MODULES = {
    "._canvas": ("canvas_maker", "xmp_packet"),
    "._check": ("accessibility_problems", "check_accessibility"),
    "._marked": ("artifact", "artifact_page"),
    "._read": ("PAINTING", "marking_operators", "mcid_texts", "read_tree"),
    "._roles": ("declare",),
    "._structure": ("Node",),
    "._tagger": ("Tagger",),
    "._text": ("TextReader",),
}
_EXPORTS = {name: module for module, names in _MODULES.items() for name in names}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
