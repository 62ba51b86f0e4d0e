"""The output folder, the input's hash and the run's options in; the run's own folder out: the one an
unfinished or finished run of the same input and options already has (resumed), or a new one.

A run folder is never reused for another input, and nothing a run wrote is changed by another:
each holds run.json (what it is), input.csv (the private copy of the recipients it read), its
packets, manifest.csv, rejects.csv, skipped.csv, ticket.txt and ticket.json, and with print files
print-PAPER-EDITION.pdf and presort.csv.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

from ..errors import ContentError, OutputError, Problem
from ._manifest import MANIFEST, REJECTS, SKIPPED
from ._printset import PRESORT, PRINT_NAME
from ._recipients import file_slug

RUN_JSON = "run.json"
INPUT = "input.csv"
PACKET_NAME = re.compile(r"\d{6}-[a-z0-9-]+\.pdf")
OWN_FILES = frozenset({RUN_JSON, INPUT, MANIFEST, REJECTS, SKIPPED, PRESORT, "ticket.txt", "ticket.json"})


def read_run(folder: Path) -> dict | None:
    try:
        with open(folder / RUN_JSON, encoding="utf-8") as fh:
            info = json.load(fh)
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and isinstance(info.get("id"), str) else None


def find_run(out: Path, input_sha: str, run_key: str) -> tuple[Path, dict] | None:
    """The folder of an earlier run of the same input with the same options, if any."""
    try:
        entries = sorted(p for p in out.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return None
    for folder in entries:
        info = read_run(folder)
        if info and info.get("input_sha256") == input_sha and info.get("run_key") == run_key:
            return folder, info
    return None


def new_run(out: Path, input_name: str, input_sha: str, run_key: str, day: dt.date,
            taken: set[str]) -> tuple[Path, dict]:
    """A new folder named from the letter date and the CSV's name, made unique (-2, -3 …)."""
    base = f"{day.isoformat()}-{file_slug(Path(input_name).stem)}"[:60].rstrip("-")
    n = 1
    while True:
        run_id = base if n == 1 else f"{base}-{n}"
        folder = out / run_id
        if run_id not in taken:
            try:
                folder.mkdir()
                break
            except FileExistsError:
                pass
            except OSError as exc:
                raise OutputError(f"cannot create folder {folder}: {exc.strerror}") from None
        n += 1
    info = {"id": run_id, "input": input_name, "input_sha256": input_sha, "run_key": run_key,
            "letter_date": day.isoformat()}   # no clock time: the same run gives the same bytes
    tmp = folder / f".{RUN_JSON}.tmp"
    tmp.write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, folder / RUN_JSON)
    return folder, info


def check_combined(combined: Path, recipients: Path, folder: Path, out: Path, history: Path | None) -> None:
    """The print file may not land on the recipients, the history, or anything a run wrote."""
    target = combined.resolve()

    def same(other: Path | None) -> bool:
        if other is None:
            return False
        try:
            return target == other.resolve() or (target.exists() and target.samefile(other))
        except OSError:
            return False

    why = None
    if same(recipients):
        why = "is the recipients file"
    elif same(history):
        why = "is the history database"
    elif target.parent == folder.resolve() and (target.name in OWN_FILES or PACKET_NAME.fullmatch(target.name)
                                                 or PRINT_NAME.fullmatch(target.name)):
        why = f"is one of this run's own files ({target.name})"
    elif target.parent.parent == out.resolve() and read_run(target.parent) and target.parent != folder.resolve():
        why = f"is inside the folder of the earlier run {target.parent.name}, which is never changed"
    if why:
        raise ContentError([Problem("--combined", 0, "", f"{combined} {why}; give another file name")])
