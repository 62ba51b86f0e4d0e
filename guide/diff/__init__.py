"""Diff stage: two built PDFs in; what changed between them, by section, out (text, regimen cells, metadata,
pages; optionally the pages compared as pictures).

It sits beside verify (it reads PDFs through verify's PdfFile and its text runs) and needs no content:
a reviewer compares two builds as they are. ``read_doc`` reads one PDF into sections of sentences with
their pages and its tables by cell; ``compare`` gives a Diff (``as_dict`` for --json, ``lines`` for the
terminal); ``compare_pages`` renders both with pypdfium2 and writes a marked PNG per changed page.
"""

from .._lazy import lazy_exports

_EXPORTS = {"Doc": "._read", "Section": "._read", "Sentence": "._read", "read_doc": "._read",
            "Diff": "._compare", "compare": "._compare",
            "compare_pages": "._pages", "PageChange": "._pages"}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
