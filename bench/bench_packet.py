#!/usr/bin/env python3
"""Mailing-packet benchmark: packets per second and peak memory of whole `build_guide.py packet` runs.

Generates a synthetic recipients CSV of each size (10% large print, a few advocates, some
accented names), runs the packet command in a fresh process, and prints the median over
--runs of: wall time, CPU time of all its processes (read this when the machine is shared:
wall time then depends on the neighbours), packets per second (built / wall time, start-up
included), the peak
memory of the whole process tree (main + workers, sampled every 20 ms from /proc) and of
the largest single process, and the output size. Then a rerun of the finished run (every
packet verified by hash and skipped).

--compare-history runs each size with the history database (the default) and with --no-history,
alternating, and prints both medians and their ratio (the history must stay within 1.1x).
Memory flat in rows: compare "max proc MB" for --sizes 10000,100000 --runs 1 (the 100,000 run
takes about half an hour on 2 cores, so it is not in the default sizes).

--marginal runs two sizes (the first two of --sizes) on one process (--jobs 1 unless given),
interleaved with whole-process `import reportlab.platypus` runs, and prints the medians of: the
average packet size, the marginal cost of one more packet (the difference between the two sizes,
in wall and CPU ms and in KB of output), and that marginal CPU time as a fraction of the import
time measured in the same run (the issue's goal: at most 1/100). Its outputs are kept until all
rounds are done (about 1.7 GB for 7 runs of 100 and 1,000 packets, two checkouts): deleting a
run's thousand packets just before the next run makes ext4 without a journal (as on the machine
these numbers come from) pass over every recently deleted inode each time it allocates one, a
kernel cost of 0.5-1 ms a packet that the benchmark, not the tool, causes. --remove-between
deletes them between runs, as before.

Usage: bench/bench_packet.py [--sizes 100,1000,10000] [--runs 3] [--jobs N] [--combined] [--advocates N]
                             [--compare-history] [--marginal [--baseline CHECKOUT] [--remove-between]]
                             [--root CHECKOUT]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKET_GLOB = "*/[0-9][0-9][0-9][0-9][0-9][0-9]-*.pdf"   # a run folder's packets (not its print files)
FIRST = ["Ann", "Bob", "Carla", "Dev", "Eun-ji", "José", "Zoë", "Ørjan", "Łucja", "Mary Ellen", "O'Neil", "Hüseyin"]
LAST = ["Smith", "García", "Nguyen", "Müller-Łukasz", "O'Brien", "Johnson", "Kowalski", "Lee", "Brown", "Dubois"]
STREETS = ["Main St", "Oak Ave", "Elm Rd", "Maple Dr", "Cedar Ct", "Pine St", "Lake Shore Blvd"]
PLACES = [("Springfield", "IL", "62704"), ("Boston", "MA", "02134"), ("Columbus", "OH", "43004"),
          ("Denver", "CO", "80202"), ("San Juan", "PR", "00901"), ("Washington", "DC", "20001")]
ADVOCATES = ["Jane Roe, 555-010-0199", "Sam Lee, 555-010-0123", "Ana Ruiz, 555-010-0144", "Kim Park, 555-010-0155"]


def make_csv(path: Path, n: int, advocates: int = 2, seed: int = 7) -> None:
    """Each advocate named in the file is one more pair of guide editions (standard, large print)."""
    rnd = random.Random(seed)
    signers = [""] * 3 + ADVOCATES[:advocates]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Name", "Address Line 1", "Address Line 2", "City", "State", "ZIP Code", "Edition", "Advocate"])
        for i in range(n):
            city, state, zip5 = rnd.choice(PLACES)
            w.writerow([f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", f"{rnd.randint(1, 9999)} {rnd.choice(STREETS)}",
                        f"Apt {rnd.randint(1, 40)}" if rnd.random() < 0.3 else "", city, state,
                        f"{zip5}-{rnd.randint(1000, 9999)}" if rnd.random() < 0.5 else zip5,
                        "large print" if i % 10 == 9 else "standard", rnd.choice(signers) if advocates else ""])


def tree_rss_kb(pid: int) -> tuple[int, int]:
    """Resident memory of a process and all its descendants, and of the largest one, in kB."""
    total, largest, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1])
                        total, largest = total + rss, max(largest, rss)
                        break
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total, largest


def run_once(cmd: list[str], cwd: Path | None = None) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd or ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = single = 0
    while proc.poll() is None:
        total, largest = tree_rss_kb(proc.pid)
        peak, single = max(peak, total), max(single, largest)
        time.sleep(0.02)
    wall = time.perf_counter() - start
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"packet run failed ({proc.returncode}):\n{err}")
    built = int(re.search(r"built (\d+)", out).group(1))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)   # includes the workers, once reaped
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "built": built, "cpu": cpu, "tree_mb": peak / 1024, "single_mb": single / 1024,
            "said": out.splitlines()[0]}


def folder_mb(path: Path) -> float:
    """The output folder: its run folders (packets, manifest, CSVs) and the history database."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000,10000", help="recipient counts, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="runs per size (the median is printed)")
    ap.add_argument("--jobs", type=int, default=None, help="passed to --jobs (default: the tool's, all cores)")
    ap.add_argument("--combined", action="store_true", help="also write the print files (one per paper and edition)")
    ap.add_argument("--advocates", type=int, default=2, choices=range(len(ADVOCATES) + 1),
                    help="advocates named in the CSV (default 2: with 'none', 6 guide editions; 0: 2 editions)")
    ap.add_argument("--compare-history", action="store_true",
                    help="also run each size with --no-history and print the ratio of the medians")
    ap.add_argument("--marginal", action="store_true",
                    help="marginal ms and KB per packet between the first two sizes, and the ratio to the import")
    ap.add_argument("--root", type=Path, default=None, help="run another checkout's build_guide.py")
    ap.add_argument("--baseline", type=Path, default=None,
                    help="with --marginal: also run this checkout, interleaved, and print both")
    ap.add_argument("--remove-between", action="store_true",
                    help="with --marginal: delete each run's output before the next run (see the module help)")
    ns = ap.parse_args()
    if ns.root is not None:
        global ROOT
        ROOT = ns.root.resolve()
    if ns.marginal:
        return marginal(ns)
    if ns.compare_history:
        return compare_history(ns)
    print(f"cores: {len(os.sched_getaffinity(0))}; runs per size: {ns.runs}; "
          f"jobs: {ns.jobs or 'default'}; combined: {ns.combined}; advocates: {ns.advocates}; "
          f"load average: {os.getloadavg()[0]:.1f}")
    print(f"{'recipients':>10} {'wall s':>8} {'cpu s':>7} {'packets/s':>10} {'tree MB':>8} {'max proc MB':>11} "
          f"{'output MB':>9} {'rerun s':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in ns.sizes.split(",")):
            people = Path(tmp) / f"people-{n}.csv"
            make_csv(people, n, ns.advocates)
            rows = []
            for k in range(ns.runs):
                out = Path(tmp) / f"out-{n}-{k}"
                cmd = [sys.executable, "build_guide.py", "packet", "--recipients", str(people), "--out", str(out),
                       "--date", "2026-12-01"]
                if ns.jobs:
                    cmd += ["--jobs", str(ns.jobs)]
                if ns.combined:
                    cmd += ["--combined"]
                first = run_once(cmd)
                rerun = run_once(cmd)
                first["rerun"] = rerun["wall"]
                first["mb"] = folder_mb(out)
                if ns.combined:
                    first["combined_mb"] = sum(p.stat().st_size for p in out.glob("*/print-*.pdf")) / 1e6
                rows.append(first)
                subprocess.run(["rm", "-rf", str(out)], check=True)

            med = {key: statistics.median(r[key] for r in rows) for key in rows[0] if key != "said"}
            rate = statistics.median(r["built"] / r["wall"] for r in rows)
            print(f"{n:>10} {med['wall']:>8.2f} {med['cpu']:>7.2f} {rate:>10.1f} {med['tree_mb']:>8.0f} "
                  f"{med['single_mb']:>11.0f} {med['mb']:>9.1f} {med['rerun']:>8.2f}"
                  + (f"   print files {med['combined_mb']:.1f} MB" if ns.combined else ""))
            print(f"{'':>10} tool said: {rows[len(rows) // 2]['said']}")


def import_time() -> dict:
    """One whole process that imports reportlab.platypus (the floor the goals are measured against)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import reportlab.platypus"], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)}


def marginal(ns) -> None:
    small, large = (int(x) for x in ns.sizes.split(",")[:2])
    jobs = ns.jobs or 1
    roots = [ROOT] + ([ns.baseline.resolve()] if ns.baseline else [])
    print(f"cores: {len(os.sched_getaffinity(0))}; runs: {ns.runs} (interleaved); sizes {small} and {large}; "
          f"jobs: {jobs}; combined: {ns.combined}; advocates: {ns.advocates}; "
          f"load average: {os.getloadavg()[0]:.1f}")
    keys = ("avg_kb", "ms", "cpu_ms", "kb", "ratio")
    got = {root: {key: [] for key in keys} for root in roots}
    imports: dict[str, list] = {"ms": [], "cpu_ms": []}
    with tempfile.TemporaryDirectory() as tmp:
        people = {n: Path(tmp) / f"people-{n}.csv" for n in (small, large)}
        for n, path in people.items():
            make_csv(path, n, ns.advocates)
        for k in range(ns.runs):
            imp = import_time()
            imports["ms"].append(imp["wall"] * 1e3)
            imports["cpu_ms"].append(imp["cpu"] * 1e3)
            for root in roots if k % 2 == 0 else roots[::-1]:
                runs = {}
                for n in (small, large) if k % 2 == 0 else (large, small):
                    # a folder per checkout: a second checkout writing into the first's finished run
                    # folder would resume it and build nothing
                    out = Path(tmp) / f"out-{roots.index(root)}-{n}-{k}"
                    cmd = [sys.executable, str(root / "build_guide.py"), "packet", "--recipients", str(people[n]),
                           "--out", str(out), "--date", "2026-12-01", "--jobs", str(jobs)]
                    r = run_once(cmd + (["--combined"] if ns.combined else []), cwd=root)
                    sizes = [p.stat().st_size for p in out.glob(PACKET_GLOB)]
                    if len(sizes) != r["built"]:
                        sys.exit(f"found {len(sizes)} packets, the tool built {r['built']}")
                    r["packet_bytes"] = sum(sizes)
                    r["out_bytes"] = folder_mb(out) * 1e6
                    runs[n] = r
                    if ns.remove_between:
                        subprocess.run(["rm", "-rf", str(out)], check=True)
                a, b = runs[small], runs[large]
                extra = b["built"] - a["built"]
                cpu_ms = (b["cpu"] - a["cpu"]) / extra * 1e3
                g = got[root]
                g["avg_kb"].append(b["packet_bytes"] / b["built"] / 1e3)
                g["ms"].append((b["wall"] - a["wall"]) / extra * 1e3)
                g["cpu_ms"].append(cpu_ms)
                g["kb"].append((b["out_bytes"] - a["out_bytes"]) / extra / 1e3)
                g["ratio"].append(cpu_ms / (imp["cpu"] * 1e3))
    imp_ms, imp_cpu = statistics.median(imports["ms"]), statistics.median(imports["cpu_ms"])
    print(f"import reportlab.platypus (whole process): {imp_ms:.0f} ms wall, {imp_cpu:.0f} ms CPU")
    print(f"{'checkout':<28} {'avg packet KB':>13} {'marginal ms':>11} {'CPU ms':>7} {'CPU ms range':>12} "
          f"{'KB/packet':>9} {'CPU / import':>12} {'range':>13}")
    for root in roots:
        med = {key: statistics.median(v) for key, v in got[root].items()}
        cpu, ratio = got[root]["cpu_ms"], got[root]["ratio"]
        print(f"{str(root)[-28:]:<28} {med['avg_kb']:>13.1f} {med['ms']:>11.2f} {med['cpu_ms']:>7.2f} "
              f"{f'{min(cpu):.2f}-{max(cpu):.2f}':>12} {med['kb']:>9.1f} {'1/%.0f' % (1 / med['ratio']):>12} "
              f"{f'1/{1 / max(ratio):.0f}-1/{1 / min(ratio):.0f}':>13}")
    print("(marginal: the difference between the two sizes per extra packet; CPU / import: median of "
          "per-round ratios, goal 1/100 or less; ranges: lowest to highest round)")


def compare_history(ns) -> None:
    print(f"cores: {len(os.sched_getaffinity(0))}; runs per size: {ns.runs} (alternating); "
          f"load average: {os.getloadavg()[0]:.1f}")
    print(f"{'recipients':>10} {'history s':>10} {'none s':>8} {'ratio':>6} {'history cpu':>11} {'none cpu':>9} "
          f"{'cpu ratio':>9} {'max proc MB':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in ns.sizes.split(",")):
            people = Path(tmp) / f"people-{n}.csv"
            make_csv(people, n, ns.advocates)
            got: dict[str, list[dict]] = {"history": [], "none": []}
            for k in range(ns.runs):
                for mode in ("history", "none") if k % 2 == 0 else ("none", "history"):
                    out = Path(tmp) / f"out-{n}-{k}-{mode}"
                    cmd = [sys.executable, "build_guide.py", "packet", "--recipients", str(people), "--out", str(out),
                           "--date", "2026-12-01"] + (["--no-history"] if mode == "none" else [])
                    if ns.jobs:
                        cmd += ["--jobs", str(ns.jobs)]
                    got[mode].append(run_once(cmd))
                    subprocess.run(["rm", "-rf", str(out)], check=True)
            med = {mode: {key: statistics.median(r[key] for r in rows) for key in ("wall", "cpu", "single_mb")}
                   for mode, rows in got.items()}
            h, z = med["history"], med["none"]
            print(f"{n:>10} {h['wall']:>10.2f} {z['wall']:>8.2f} {h['wall'] / z['wall']:>6.3f} {h['cpu']:>11.2f} "
                  f"{z['cpu']:>9.2f} {h['cpu'] / z['cpu']:>9.3f} {h['single_mb']:>11.0f}")


if __name__ == "__main__":
    main()
