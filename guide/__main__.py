"""`python -m guide ARGS` in, the command line's exit code out."""

from .cli import entry

entry()
