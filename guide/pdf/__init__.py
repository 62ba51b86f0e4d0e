"""PDF stage: rendered bytes in; files written atomically, print-shop files, and packets joined at the object level out.

Names are imported on first use: most of this stage needs pypdf, which a plain build never loads.
"""

from .._lazy import lazy_exports

_EXPORTS = {
    "TMP_PREFIX": "._write", "TMP_SUFFIX": "._write", "atomic_write": "._write", "check_output": "._guard",
    "load_content": "._edition", "render_guide": "._edition",
    "add_bleed_and_marks": "._printshop", "booklet_sides": "._booklet", "BookletSheets": "._booklet", "crop_marks": "._printshop",
    "impose_booklet": "._printshop", "render_print": "._printshop", "MARK_ROOM": "._printshop",
    "LetterParts": "._letters", "LetterTags": "._letters", "letter_parts": "._letters",
    "Edition": "._packet", "packet_pdf": "._packetfile", "packet_pieces": "._packetfile", "deflate": "._objstm",
    "PrintFile": "._printfile", "atomic_stream": "._printfile",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
