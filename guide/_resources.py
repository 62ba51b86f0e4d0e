"""A name of data shipped inside the guide package (fonts, default content, scaffold) in; its folder on disk out.

Found through importlib.resources, so it is the same whether guide runs from a checkout, an editable
install or a wheel. In the repo, guide/fonts and guide/default_content are symlinks to the top-level fonts/
and content/ (the project's shape); a wheel carries real copies made from them when it is built.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path


@lru_cache(maxsize=None)  # where the package lies does not change in a process; the layout asks often
def data_folder(name: str) -> Path:
    folder = files(__package__) / name
    # ReportLab opens fonts by file name, so the data must be plain files: a zipped install (where files()
    # gives a zipfile.Path) is not supported. resolve() follows the repo's symlinks, so messages name
    # content/guide.yaml rather than guide/default_content/guide.yaml in a checkout.
    if not isinstance(folder, Path):
        raise RuntimeError(f"guide's package data must be installed as files, not inside {folder}")
    return folder.resolve()
