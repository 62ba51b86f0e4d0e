"""Text in, markup-safe text out: what ReportLab's paragraph parser (and XMP) must never read as tags.

The same three replacements as ``xml.sax.saxutils.escape``, without importing that module,
which pulls in urllib and the email parser: about 20 ms of every build's start.
"""


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """Escape &, < and >, then any extra characters given (e.g. {'"': "&quot;"} for attributes)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char, entity in (entities or {}).items():
        text = text.replace(char, entity)
    return text
