"""Every piece of a run (its stock, sheets, weight and ZIP) and the print set in; the job ticket, ticket.json and
ticket.txt, out: the counts a person copies into the postage statement and hands the printer.

No names or addresses: pieces are counted by stock, weight and ZIP. Both files are written
beside their targets and renamed, mode 0600 like the run's other files (ZIP counts of a small
mailing can point at a household).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from ..errors import OutputError
from ..layout import PAPERS
from ._envelope import Piece, caliper, measure, over_note, sheet_weight
from ._letter_spec import LetterSpec
from ._printset import STOCKS, TRAY_LENGTH, PrintSet, print_name

TICKET_JSON = "ticket.json"
TICKET_TXT = "ticket.txt"
AUTOMATION_MINIMUM = 200   # pieces: USPS Marketing Mail (nonprofit) automation prices


def _oz(x: float) -> str:
    return f"{x:.2f}"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class Ticket:
    """Counts pieces as pass 2 finishes them (bounded: one counter entry per stock, weight, ZIP)."""

    def __init__(self, spec: LetterSpec, run: str, letter_date: str):
        self.spec, self.run, self.letter_date = spec, run, letter_date
        self.stocks: dict[str, dict] = {}
        self.weights_lb: Counter = Counter()   # pieces by weight in pounds (4 decimals, as the statement asks)
        self.zip5: Counter = Counter()
        self.zip3: Counter = Counter()
        self.over = 0
        self.heavy = 0
        self.heaviest: Piece | None = None
        self.thickest: Piece | None = None

    def add(self, paper: str, large_print: bool, piece: Piece, zip_code: str) -> None:
        name = print_name(paper, large_print)[len("print-"):-len(".pdf")]
        s = self.stocks.get(name)
        if s is None:
            s = self.stocks[name] = {"paper": paper, "edition": "large print" if large_print else "standard",
                                     "pieces": 0, "pages": 0, "sheets": 0, "weight_oz": 0.0,
                                     "pages_per_piece": Counter(), "sheets_per_piece": Counter(),
                                     "weight_oz_per_piece": Counter(), "thickness_in_max": 0.0}
        s["pieces"] += 1
        s["pages"] += piece.pages
        s["sheets"] += piece.sheets
        s["weight_oz"] += piece.weight
        s["pages_per_piece"][piece.pages] += 1
        s["sheets_per_piece"][piece.sheets] += 1
        s["weight_oz_per_piece"][_oz(piece.weight)] += 1
        s["thickness_in_max"] = max(s["thickness_in_max"], piece.thickness)
        self.weights_lb[round(piece.weight / 16, 4)] += 1
        self.zip5[zip_code[:5]] += 1
        self.zip3[zip_code[:3]] += 1
        self.over += bool(piece.over)
        self.heavy += piece.heavy
        if self.heaviest is None or piece.weight > self.heaviest.weight:
            self.heaviest = piece
        if self.thickest is None or piece.thickness > self.thickest.thickness:
            self.thickest = piece

    @property
    def pieces(self) -> int:
        return sum(s["pieces"] for s in self.stocks.values())

    def record(self, prints: PrintSet | None) -> dict:
        spec, p = self.spec, self.spec.profile
        total_oz = sum(s["weight_oz"] for s in self.stocks.values())
        identical = len(self.weights_lb) == 1
        stocks = []
        order = [print_name(*k)[len("print-"):-len(".pdf")] for k in STOCKS]
        for name, s in sorted(self.stocks.items(), key=lambda kv: order.index(kv[0])):
            stocks.append({**s, "stock": name, "weight_oz": round(s["weight_oz"], 2),
                           "thickness_in_max": round(s["thickness_in_max"], 3),
                           **{k: {str(n): c for n, c in sorted(s[k].items())}
                              for k in ("pages_per_piece", "sheets_per_piece", "weight_oz_per_piece")}})
        trays = None
        if prints is not None:
            trays = {"count": len(prints.trays),
                     "size": self.tray_size_text(prints),
                     "list": [{k: (round(v, 3) if k == "thickness" else v) for k, v in t.items()}
                              for t in prints.trays]}
        return {
            "schema": 1, "kind": "job-ticket", "run": self.run, "letter_date": self.letter_date,
            "envelope": {"profile": p.name, "description": p.description, "folded": p.folded,
                         "processing_category": "letters" if p.letter_size else "flats",
                         "weight_oz": spec.envelope_weight if spec.envelope_weight is not None else p.weight},
            "paper": {"weight_lb_bond": spec.paper_weight,
                      "thickness_in": round(caliper(spec.paper_weight, spec.paper_thickness), 4),
                      "sheet_weight_oz": {k: round(sheet_weight(k, spec.paper_weight), 4) for k in ("letter", "a4")}},
            "printing": "both sides; every piece starts on a new sheet",
            "stocks": stocks,
            "print_files": [dict(f) for f in prints.files] if prints is not None else [],
            "totals": {"pieces": self.pieces, "pages": sum(s["pages"] for s in self.stocks.values()),
                       "sheets": sum(s["sheets"] for s in self.stocks.values()),
                       "weight_oz": round(total_oz, 2), "weight_lb": round(total_oz / 16, 2)},
            "identical_weight": identical,
            "single_piece_weight_lb": next(iter(self.weights_lb)) if identical else None,
            "zip5": dict(sorted(self.zip5.items())), "zip3": dict(sorted(self.zip3.items())),
            "trays": trays,
            "over_limits": {"pieces": self.over, "weight_oz_at_most": p.max_weight,
                            "thickness_in_at_most": p.max_thickness,
                            "heaviest_oz": round(self.heaviest.weight, 2) if self.heaviest else None,
                            "thickest_in": round(self.thickest.thickness, 3) if self.thickest else None},
            "heavy_letters": self.heavy,
            "intelligent_mail_barcode": spec.imb is not None,
            "automation_minimum": {"pieces": AUTOMATION_MINIMUM, "reached": self.pieces >= AUTOMATION_MINIMUM},
        }

    def tray_size_text(self, prints: PrintSet) -> str | int:
        return prints.tray_size or f"auto ({TRAY_LENGTH:g} in of pieces per 2-foot letter tray)"

    def write(self, folder: Path, prints: PrintSet | None) -> Path:
        rec = self.record(prints)
        _private_text(folder / TICKET_JSON, json.dumps(rec, indent=1, ensure_ascii=False) + "\n")
        _private_text(folder / TICKET_TXT, ticket_text(rec))
        return folder / TICKET_TXT


def ticket_text(r: dict) -> str:
    """The ticket for a person: what to print on which paper, the counts for the postage statement."""
    env, paper, tot = r["envelope"], r["paper"], r["totals"]
    lines = [f"Job ticket: run {r['run']} (letters dated {r['letter_date']})",
             f"Envelope: {env['description']}, {env['weight_oz']:g} oz empty",
             f"Paper: {paper['weight_lb_bond']:g} lb bond, {paper['sheet_weight_oz']['letter']:.3f} oz a Letter sheet, "
             f"{paper['sheet_weight_oz']['a4']:.3f} oz an A4 sheet, {paper['thickness_in']:.4f} in thick",
             f"Printing: {r['printing']}", ""]
    if r["print_files"]:
        lines.append("Print files:")
        lines += [f"  {f['file']}: {_n(f['pieces'], 'piece')}, {f['pages']} pages" for f in r["print_files"]]
        lines.append("")
    lines.append("Pieces by paper and edition:")
    for s in r["stocks"]:
        each = "; ".join(f"{c} of {p} pages" for p, c in s["pages_per_piece"].items())
        sheets = "; ".join(f"{c} of {n} sheets" for n, c in s["sheets_per_piece"].items())
        weight = "; ".join(f"{c} at {w} oz" for w, c in s["weight_oz_per_piece"].items())
        lines.append(f"  {s['paper']} {s['edition']}: {_n(s['pieces'], 'piece')}, {s['pages']} pages, {s['sheets']} sheets, "
                     f"{s['weight_oz']:.2f} oz ({each}; {sheets}; {weight}; at most {s['thickness_in_max']:.3f} in thick)")
    lines += ["", f"Mailing: {_n(tot['pieces'], 'piece')}, {tot['pages']} pages, {tot['sheets']} sheets, "
                  f"{tot['weight_lb']:.2f} lb ({tot['weight_oz']:.2f} oz)"]
    if r["identical_weight"]:
        lines.append(f"Weight of a single piece: {r['single_piece_weight_lb']:.4f} lb (identical-weight pieces)")
    else:
        lines.append("Pieces are not of identical weight (see the weights above)")
    auto = r["automation_minimum"]
    lines.append(f"USPS Marketing Mail automation minimum ({auto['pieces']} pieces): "
                 + ("reached" if auto["reached"] else f"not reached ({tot['pieces']} pieces)"))
    over = r["over_limits"]
    kind = "letter" if env["processing_category"] == "letters" else "flat"
    lines.append(f"Over the {kind}-size limits ({over['weight_oz_at_most']:g} oz, {over['thickness_in_at_most']:g} in): "
                 + (f"{_n(over['pieces'], 'piece')} (heaviest {over['heaviest_oz']} oz, thickest {over['thickest_in']} in)"
                    + ('; mail them flat: envelope: "9x12"' if kind == "letter" else "") if over["pieces"] else "none"))
    if r["heavy_letters"]:
        lines.append(f"Heavy letters (over 3 oz): {r['heavy_letters']}; they need a sealed envelope and the barcode "
                     "in the address block" + ("" if r["intelligent_mail_barcode"] else
                                               " (letter.yaml has no imb: settings)"))
    t = r["trays"]
    if t is None:
        lines += ["", "Trays: no print files in this run (run with --combined for print files, trays and presort.csv)"]
    else:
        lines += ["", f"Trays: {t['count']} (tray size: {t['size']})"]
        lines += [f"  tray {x['tray']}: {x['file']}, {_n(x['pieces'], 'piece')}, ZIP {x['first_zip']}"
                  + (f" to {x['last_zip']}" if x["last_zip"] != x["first_zip"] else "") + ", "
                  f"{x['thickness']:.2f} in of pieces" for x in t["list"]]
    lines += ["", f"Pieces per 3-digit ZIP ({len(r['zip3'])}):",
              "  " + ", ".join(f"{z}: {n}" for z, n in r["zip3"].items()),
              f"Pieces per 5-digit ZIP ({len(r['zip5'])}):",
              "  " + ", ".join(f"{z}: {n}" for z, n in r["zip5"].items()),
              "", "Postage statement (PS Form 3602-N): see the README, \"Mailing at USPS automation prices\"."]
    return "\n".join(lines) + "\n"


def _private_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".guide-tmp", dir=path.parent)   # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def measured(results: list, editions: dict, spec: LetterSpec, ticket: Ticket, prints: PrintSet | None,
             zips: dict[int, str], summary) -> tuple[list, list[tuple[str, int]]]:
    """Each piece measured and counted (and added to its print file); a piece over its envelope's USPS limits gets
    a note (counted in ``summary``). Returns the results (notes completed) and the (notes, row) pairs to record."""
    out, noted = [], []
    for r in results:
        e = r.edition
        piece = measure(r.pages, e.paper, spec.profile, spec.paper_weight, spec.paper_thickness,
                        spec.envelope_weight)
        if piece.over:
            note = over_note(piece)
            r = r._replace(notes="; ".join(n for n in (r.notes, note) if n))
            noted.append((r.notes, r.row))
            summary.over_limit += 1
            summary.over_example = summary.over_example or note
        zip_code = zips[r.row]
        ticket.add(e.paper, e.large_print, piece, zip_code)
        if prints is not None:
            edition = editions[e]
            added = prints.add(edition, r.letter, e.paper, e.large_print, piece, zip_code, PAPERS[e.paper])
            if added != r.pages + r.pages % 2:
                raise OutputError(f"row {r.row}: the print file got {added} pages, the packet has {r.pages}")
        out.append(r)
    return out, noted
