#!/usr/bin/env python3
"""Print the hardening figures of the last test run as one table.

    scripts/figures.py [--markdown] [--top DIR] [--vm-out DIR]

Reads what the test scripts left behind (nothing is run here):
  build-fuzz/results.tsv          scripts/fuzz.sh: executions, crashes per target
  build-dev/bad-input.tsv         tests/bad-input/run.py: cases, handled
  VM_OUT/runs/faults/faults.tsv   tests/vm/check_faults.py: faults survived
  build-valgrind/results.tsv      tests/valgrind.sh: the main commands under valgrind
A missing file is a row saying so. Exit status 0 when every part was run and
nothing failed, 1 otherwise. --markdown prints a Markdown table (for
docs/figures.md) instead of aligned text.
"""
import argparse
import collections
import csv
import os
import sys


def read_tsv(path):
    """Rows of a TSV with a header line, or None when the file is missing."""
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f, delimiter="\t"))
    except OSError:
        return None


def missing(area, path, how):
    return [(area, "-", "not run", f"no {path}: {how}", False)]


def fuzz_rows(path):
    rows = read_tsv(path)
    if rows is None:
        return missing("fuzzing", path, "run scripts/fuzz.sh")
    out = []
    for r in rows:
        crashes = int(r.get("crashes") or 0)
        out.append(("fuzzing", r["target"], f"{int(r['execs']):,} execs in {r['seconds']} s",
                    f"{crashes} crashes, corpus {r.get('corpus', '?')}", crashes == 0))
    return out


def grouped(area, rows, key, good, what, word):
    """One row per value of key: how many rows, how many with result == good."""
    by = collections.OrderedDict()
    for r in rows:
        total, ok = by.get(r[key], (0, 0))
        by[r[key]] = (total + 1, ok + (r["result"] == good))
    return [(area, k, f"{total} {what}{'s' if total != 1 else ''}", f"{ok} {word}", ok == total)
            for k, (total, ok) in by.items()]


def bad_input_rows(path):
    rows = read_tsv(path)
    if rows is None:
        return missing("bad input", path, "run tests/bad-input/run.py build-dev --results FILE")
    return grouped("bad input", rows, "category", "pass", "case", "handled")


def fault_rows(path):
    rows = read_tsv(path)
    if rows is None:
        return missing("VM faults", path, "run tests/vm/run-tests.sh faults")
    return [("VM faults", r["fault"], "real kernel", r["result"], r["result"] == "survived")
            for r in rows]


def valgrind_rows(path):
    rows = read_tsv(path)
    if rows is None:
        return missing("valgrind", path, "run tests/valgrind.sh")
    return grouped("valgrind", rows, "command", "clean", "run", "clean")


def totals(rows):
    areas = collections.OrderedDict()
    for area, _, _, _, ok in rows:
        n, good = areas.get(area, (0, 0))
        areas[area] = (n + 1, good + ok)
    return areas


def print_text(rows):
    head = ("area", "item", "runs", "result", "")
    table = [head] + [(a, i, n, res, "ok" if ok else "FAIL") for a, i, n, res, ok in rows]
    widths = [max(len(r[k]) for r in table) for k in range(len(head))]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


def print_markdown(rows):
    print("| area | item | runs | result | |")
    print("|---|---|---|---|---|")
    for a, i, n, res, ok in rows:
        print(f"| {a} | {i} | {n} | {res} | {'ok' if ok else '**FAIL**'} |")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--top", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p.add_argument("--vm-out", default=os.environ.get("VM_OUT"))
    a = p.parse_args()
    vm_out = a.vm_out or os.path.join(a.top, "build-vm")
    rows = (fuzz_rows(os.path.join(a.top, "build-fuzz/results.tsv"))
            + bad_input_rows(os.path.join(a.top, "build-dev/bad-input.tsv"))
            + fault_rows(os.path.join(vm_out, "runs/faults/faults.tsv"))
            + valgrind_rows(os.path.join(a.top, "build-valgrind/results.tsv")))
    (print_markdown if a.markdown else print_text)(rows)
    print()
    summary = "; ".join(f"{area}: {good}/{n} ok" for area, (n, good) in totals(rows).items())
    print(summary if not a.markdown else f"Totals: {summary}.")
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
