"""Mail stage: a recipients CSV and letter settings in; a cover letter and a packet PDF per person in a run folder,
rejects, skipped rows, a manifest, print files in ZIP order with presort.csv, a job ticket and a history database
out.

Names are imported on first use (the packet run needs pypdf and the worker machinery).
"""

from .._lazy import lazy_exports

_LETTER_SPEC = ("ADDRESS_FONT", "LetterRecipient", "LetterSpec", "Signer", "Window", "address_problem",
                "format_date", "load_letter", "max_address_lines", "parse_window", "usps_text")
_LETTER = ("CLEAR_BELOW", "LetterMaker")
_RECIPIENTS = ("FORMAT", "Job", "RowChecker", "file_slug", "map_header", "read_rows", "recipient_key", "zip3_state")
_MANIFEST = ("MANIFEST", "REJECTS", "SKIPPED", "read_manifest")
_HISTORY = ("HISTORY", "History")
_RUNFOLDER = ("INPUT", "RUN_JSON")
_RUN = ("DEFAULT_OUT", "REMAIL_AFTER", "Summary", "cores", "make_packets")
_PRINT = ("PRESORT", "PRESORT_COLUMNS", "PrintSet", "print_name", "sort_key")
_MEASURE = ("PROFILES", "Piece", "measure", "sheet_weight")
_TICKET = ("AUTOMATION_MINIMUM", "TICKET_JSON", "TICKET_TXT", "Ticket")
_EXPORTS = {**dict.fromkeys(_LETTER_SPEC, "._letter_spec"), **dict.fromkeys(_LETTER, "._letter"), "letter_elements": "._letter_tree",
            **dict.fromkeys(_RECIPIENTS, "._recipients"), **dict.fromkeys(_MANIFEST, "._manifest"),
            **dict.fromkeys(_RUN, "._run"), **dict.fromkeys(_HISTORY, "._history"),
            **dict.fromkeys(_RUNFOLDER, "._runfolder"), **dict.fromkeys(_PRINT, "._printset"),
            **dict.fromkeys(_MEASURE, "._envelope"), **dict.fromkeys(_TICKET, "._ticket")}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
