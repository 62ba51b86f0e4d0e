"""A name of data shipped inside the guide package (fonts, default content, scaffold) in; its folder on disk out.

The folder beside this module, so it is the same whether guide runs from a checkout, an editable install or a
wheel (what importlib.resources.files gives for a package installed as files, without importing it: that
costs a few milliseconds of every command's start-up). In the repo, guide/fonts and guide/default_content are
symlinks to the top-level fonts/ and content/ (the project's shape); a wheel carries real copies made from them
when it is built.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).parent


@lru_cache(maxsize=None)  # where the package lies does not change in a process; the layout asks often
def data_folder(name: str) -> Path:
    # ReportLab opens fonts by file name, so the data must be plain files: a zipped install (where
    # importlib.resources gives a zipfile.Path) is not supported. resolve() follows the repo's symlinks, so
    # messages name content/guide.yaml rather than guide/default_content/guide.yaml in a checkout.
    if not _PACKAGE.is_dir():
        from importlib.resources import files

        raise RuntimeError(f"guide's package data must be installed as files, not inside {files(__package__)}")
    return (_PACKAGE / name).resolve()
