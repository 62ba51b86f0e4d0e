#!/usr/bin/env python3
"""Build the patient guide PDF from content/ (run with --help for the commands)."""

from guide.cli import entry

if __name__ == "__main__":
    entry()
