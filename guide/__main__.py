"""`python -m guide ARGS` in, the command line's exit code out."""

import sys

from .cli import main

sys.exit(main())
