"""Mail stage: a recipients CSV and letter settings in; a cover letter and a packet PDF per person, rejects,
a manifest and a print file out.

Names are imported on first use (the packet run needs pypdf and the worker machinery).
"""

from .._lazy import lazy_exports

_LETTER = ("ADDRESS_FONT", "CLEAR_BELOW", "LetterMaker", "LetterRecipient", "LetterSpec", "Signer", "Window",
           "address_problem", "format_date", "letter_elements", "load_letter", "max_address_lines",
           "parse_window", "usps_text")
_PACKET = ("COMBINED", "DEFAULT_OUT", "FORMAT", "MANIFEST", "REJECTS", "Job", "RowChecker", "Summary", "cores",
           "file_slug", "make_packets", "map_header", "read_manifest", "read_rows")
_EXPORTS = {**dict.fromkeys(_LETTER, "._letter"), **dict.fromkeys(_PACKET, "._packet")}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
