"""Advocate desk: a content folder and a DeskConfig in; a small local web app that builds named copies out.

It is a thin layer over the functions the CLI calls (load_content, render_guide, BuildOptions,
select_sections, clean_person_text): builds run in a pool of worker processes, PDFs are cached in
memory, and a handout log records what was printed (never for whom).
"""

from ._app import create_app
from ._desk import Desk, DeskConfig, download_name
from ._log import DEFAULT_LOG, HandoutLog

__all__ = ["DEFAULT_LOG", "Desk", "DeskConfig", "HandoutLog", "create_app", "download_name"]
