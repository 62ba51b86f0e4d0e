"""The content shipped in the package: the Stage IV guide and its letter (guide/default_content)."""

from .._resources import data_folder

DEFAULT_CONTENT = data_folder("default_content")
