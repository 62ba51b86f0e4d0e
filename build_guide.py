#!/usr/bin/env python3
"""Build the patient guide PDF from content/ (run with --help for the commands)."""

import sys

from guide.cli import main

if __name__ == "__main__":
    sys.exit(main())
