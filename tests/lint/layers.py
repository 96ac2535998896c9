#!/usr/bin/env python3
"""No import circles: the file-level call graph of a static library is a DAG.

For each object file in the archives given, nm tells which global symbols it
defines and which it uses; file A depends on file B when A uses a symbol B
defines. A cycle (a strongly connected component of more than one file)
means the files cannot be read, tested or replaced one below the other; the
test fails naming every cycle and its edges. docs/design.md gives the layers.

With --design FILE (docs/design.md), the library's files must also keep
to the layer table of that page (section 2): every file of libsriov.a is
named in one row, and a file calls only files of its own row or of the
rows before it.

usage: layers.py [--design FILE] LIB.a [LIB.a...]
"""
import re
import subprocess
import sys
from collections import defaultdict


NM_LINE = re.compile(r"^(?P<where>.*\.o):\s*(?:[0-9a-fA-F]+\s+)?(?P<type>[A-Za-z])\s+(?P<sym>\S+)$")


def archive_symbols(lib):
    """{member: (defined, used)} from `nm -A` of one static library."""
    out = subprocess.run(["nm", "-A", lib], capture_output=True, text=True, check=True).stdout
    syms = defaultdict(lambda: (set(), set()))
    for line in out.splitlines():
        m = NM_LINE.match(line)
        if not m:
            continue
        member = m["where"].split(":")[-1].rsplit("/", 1)[-1].removesuffix(".c.o")
        if m["type"] in "TDBRVW":
            syms[member][0].add(m["sym"])
        elif m["type"] == "U":
            syms[member][1].add(m["sym"])
    return syms


def dependency_graph(syms):
    owner = {s: m for m, (defined, _) in syms.items() for s in defined}
    graph = {m: set() for m in syms}
    for m, (_, used) in syms.items():
        for s in used:
            o = owner.get(s)
            if o is not None and o != m:
                graph[m].add(o)
    return graph


def cycles(graph):
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


LAYER_ROW = re.compile(r"^\| (?P<layer>[a-z]+) \| (?P<files>(?:`[a-z0-9_]+\.c`(?:, )?)+) \|")


def design_layers(path):
    """{file stem: row number} from the layer table of docs/design.md."""
    rows = {}
    for line in open(path, encoding="utf-8"):
        m = LAYER_ROW.match(line)
        if not m:
            continue
        n = len({v for v in rows.values()})
        for name in re.findall(r"`([a-z0-9_]+)\.c`", m["files"]):
            rows[name] = n
    return rows


def layer_violations(graph, rows):
    """Files not in the table, and calls from a row to a later row."""
    bad = []
    for m in sorted(graph):
        if m not in rows:
            if not m.startswith("meson-generated"):
                bad.append(f"{m}: in no row of the layer table")
            continue
        for dep in sorted(graph[m]):
            if dep in rows and rows[dep] > rows[m]:
                bad.append(f"{m} (row {rows[m] + 1}) calls {dep} (row {rows[dep] + 1}), a later row")
    return bad


def main(argv):
    args = argv[1:]
    rows = None
    if args[:1] == ["--design"] and len(args) >= 2:
        rows = design_layers(args[1])
        args = args[2:]
    if not args:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    bad = 0
    for lib in args:
        graph = dependency_graph(archive_symbols(lib))
        found = cycles(graph)
        print(f"{lib}: {len(graph)} files, {len(found)} cycles")
        for comp in found:
            bad += 1
            print("  cycle: " + " ".join(comp))
            for m in comp:
                inside = sorted(graph[m] & set(comp))
                print(f"    {m} -> {' '.join(inside)}")
        if rows and lib.endswith("libsriov.a"):
            wrong = layer_violations(graph, rows)
            print(f"{lib}: {len(wrong)} calls against the layer table")
            bad += len(wrong)
            for w in wrong:
                print("  " + w)
    print(f"layers: {1 if not bad else 0} passed, {1 if bad else 0} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
