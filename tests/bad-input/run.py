#!/usr/bin/env python3
"""The bad-input corpus: every case runs the real sriovctl binary of a build.

Usage: run.py BUILD_DIR [--results FILE] [-v] [CASE...]

Cases are data: tests/bad-input/cases/CATEGORY.cases (format in README.md).
Each case gets a fresh temporary directory holding @TREE@ (a fixture tar
extracted, or empty) and @TMP@ (input files), is set up, and is run with the
sanitizers' exit codes set. It passes when the exit code, the message, the
finding (check --json) are as the case says, when the tree, the input files
and the case's shipped files are byte for byte as before, and when no
sanitizer spoke. Ends with "N cases, M handled"; exits 1 when a case failed.
"""
import codecs
import concurrent.futures
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(HERE, "cases")
FILES = os.path.join(HERE, "files")
FIXTURES = os.path.join(SRC, "tests", "fixtures")
DATA = os.path.join(SRC, "tests", "data")
TIMEOUT = 20
SAN_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:exitcode=99",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1:exitcode=98",
    "LSAN_OPTIONS": "exitcode=97",
}
SAN_CODES = {99: "AddressSanitizer", 98: "UndefinedBehaviorSanitizer", 97: "LeakSanitizer"}
SAN_TEXT = ("runtime error", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer")
REPEATABLE = {"setup"}
KEYS = {"tree", "argv", "setup", "exit", "stderr", "stdout", "finding", "why",
        "timeout", "stdin"}


class CaseError(Exception):
    pass


# ---- the manifests ----------------------------------------------------------

def parse_manifest(path):
    """[name] blocks of 'key = value' lines; '#' starts a comment line."""
    category = os.path.basename(path)[: -len(".cases")]
    cases, cur, last = [], None, None
    with open(path) as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            where = f"{path}:{no}"
            if line[0] in " \t" and cur is not None and last in ("why", "stderr", "stdout"):
                cur[last] += " " + line.strip()  # a continued value
                continue
            m = re.fullmatch(r"\[([a-z0-9][a-z0-9.-]*)\]", line.strip())
            if m:
                cur = {"name": f"{category}-{m.group(1)}", "category": category,
                       "where": where, "setup": []}
                cases.append(cur)
                continue
            key, sep, value = line.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or cur is None or key not in KEYS:
                raise CaseError(f"{where}: expected [name] or one of {sorted(KEYS)} = VALUE")
            last = key
            if key in REPEATABLE:
                cur[key].append((where, value))
            elif key in cur:
                raise CaseError(f"{where}: '{key}' given twice in [{cur['name']}]")
            else:
                cur[key] = value
    for c in cases:
        check_case(c)
    return cases


def check_case(c):
    for key in ("argv", "exit"):
        if key not in c:
            raise CaseError(f"{c['where']}: [{c['name']}] has no '{key}'")
    if c["exit"] not in ("0", "1", "2"):
        raise CaseError(f"{c['where']}: exit must be 0, 1 or 2")
    if not any(k in c for k in ("stderr", "stdout", "finding")):
        raise CaseError(f"{c['where']}: [{c['name']}] names no message (stderr, stdout or finding)")
    if (c["exit"] != "2" or "finding" in c) and "why" not in c:
        raise CaseError(f"{c['where']}: [{c['name']}] expects no exit 2: say why")


def load_cases(selected):
    cases = []
    for name in sorted(os.listdir(CASES)):
        if name.endswith(".cases"):
            cases += parse_manifest(os.path.join(CASES, name))
    names = [c["name"] for c in cases]
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        raise CaseError(f"cases named twice: {sorted(dups)}")
    if selected:
        unknown = set(selected) - set(names)
        if unknown:
            raise CaseError(f"no such case: {sorted(unknown)}")
        cases = [c for c in cases if c["name"] in selected]
    return cases


# ---- placeholders and set-up ------------------------------------------------

def expand(text, ctx):
    for key, val in ctx.items():
        text = text.replace(f"@{key}@", val)
    if re.search(r"@[A-Z]+@", text):
        raise CaseError(f"unknown placeholder in {text!r}")
    return text


def inside(path, ctx):
    """The path an operation acts on: its parent resolved (sysfs links), inside the case."""
    parent = os.path.realpath(os.path.dirname(path))
    if not (parent + "/").startswith(ctx["BASE"] + "/"):
        raise CaseError(f"{path}: outside the case's directory")
    return os.path.join(parent, os.path.basename(path))


def clear(p):
    if os.path.islink(p) or (os.path.lexists(p) and not os.path.isdir(p)):
        os.unlink(p)
    elif os.path.isdir(p):
        shutil.rmtree(p)


def write(p, data):
    clear(p)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)


def unescape(text):
    return codecs.escape_decode(text.encode())[0]


def op_size(text):
    m = re.fullmatch(r"(\d+)([KM]?)", text)
    if not m:
        raise CaseError(f"bad size {text!r}")
    return int(m.group(1)) * {"": 1, "K": 1024, "M": 1 << 20}[m.group(2)]


def setup_op(words, ctx):
    op, args = words[0], words[1:]
    need = {"empty": 1, "text": 2, "repeat": 3, "random": 2, "copy": 2, "symlink": 2,
            "remove": 1, "mkdir": 1, "fifo": 1, "chmod": 2, "chown": 2, "truncate": 2,
            "append": 2}
    if op not in need or len(args) != need[op]:
        raise CaseError(f"setup: expected one of {sorted(need)} with its arguments")
    if op == "copy":
        src, p = args[0], inside(args[1], ctx)
        write(p, open(src, "rb").read())
        return
    p = inside(args[0], ctx)
    if op == "empty":
        write(p, b"")
    elif op == "text":
        write(p, unescape(args[1]))
    elif op == "append":
        with open(p, "ab") as f:
            f.write(unescape(args[1]))
    elif op == "repeat":  # repeat PATH SIZE TEXT: TEXT repeated up to SIZE bytes
        size, unit = op_size(args[1]), unescape(args[2])
        write(p, (unit * (size // len(unit) + 1))[:size])
    elif op == "random":
        write(p, random.Random(p[len(ctx["BASE"]):]).randbytes(op_size(args[1])))
    elif op == "symlink":
        clear(p)
        os.symlink(args[1], p)
    elif op == "remove":
        clear(p)
    elif op == "mkdir":
        clear(p)
        os.makedirs(p)
    elif op == "fifo":
        clear(p)
        os.mkfifo(p)
    elif op == "chmod":
        os.chmod(p, int(args[1], 8), follow_symlinks=False)
    elif op == "chown":
        os.lchown(p, int(args[1]), -1)
    elif op == "truncate":
        os.truncate(p, op_size(args[1]))


def prepare(case, base):
    tree, tmp = os.path.join(base, "tree"), os.path.join(base, "tmp")
    os.makedirs(tmp)
    os.makedirs(tree)
    name = case.get("tree", "empty")
    if name != "empty":
        with tarfile.open(os.path.join(FIXTURES, name + ".tar")) as t:
            if hasattr(tarfile, "data_filter"):
                t.extractall(tree, filter="tar")
            else:
                t.extractall(tree)
    ctx = {"BASE": base, "TREE": tree, "TMP": tmp, "DATA": DATA, "SRC": SRC,
           "CASE": os.path.join(FILES, case["name"])}
    for where, line in case["setup"]:
        try:
            setup_op(shlex.split(expand(line, ctx)), ctx)
        except (CaseError, OSError) as ex:
            raise CaseError(f"{where}: {ex}")
    return ctx


# ---- "nothing changed" --------------------------------------------------------

def digest(top):
    """Paths, types, modes, sizes, contents and link targets of everything under top."""
    h = hashlib.sha256()
    if not os.path.lexists(top):
        return "absent"

    def visit(p, rel):
        st = os.lstat(p)
        h.update(f"{rel}\0{stat.S_IFMT(st.st_mode)}\0{stat.S_IMODE(st.st_mode)}\0"
                 f"{st.st_uid}\0".encode())
        if stat.S_ISLNK(st.st_mode):
            h.update(os.readlink(p).encode())
        elif stat.S_ISREG(st.st_mode):
            h.update(f"{st.st_size}\0".encode())
            with open(p, "rb") as f:
                h.update(f.read())
        elif stat.S_ISDIR(st.st_mode):
            for n in sorted(os.listdir(p)):
                visit(os.path.join(p, n), rel + "/" + n)

    visit(top, "")
    return h.hexdigest()


def digest_all(ctx):
    return digest(ctx["BASE"]) + digest(ctx["CASE"])


# ---- running and judging ------------------------------------------------------

def run_binary(binary, argv, stdin, timeout):
    env = dict(os.environ, **SAN_ENV)
    p = subprocess.Popen([binary] + argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                         start_new_session=True)
    try:
        out, err = p.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return None, "", ""
    return p.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def find_finding(case, out):
    status, _, pattern = case["finding"].partition(" ")
    try:
        doc = json.loads(out)
    except ValueError as ex:
        return f"stdout is not JSON ({ex})"
    for f in doc.get("findings", []):
        if f.get("status") == status and re.search(pattern, json.dumps(f)):
            return None
    return f"no {status} finding matching {pattern!r}"


def judge(case, rc, out, err):
    if rc is None:
        return f"no answer within {case.get('timeout', TIMEOUT)} s (a hang)"
    if rc in SAN_CODES:
        return f"{SAN_CODES[rc]} (exit {rc}): {err.strip()[-600:]}"
    for text in SAN_TEXT:
        if text in err:
            return f"sanitizer report '{text}': {err.strip()[-600:]}"
    if rc != int(case["exit"]):
        return f"exit {rc}, expected {case['exit']}: {err.strip()[-400:]}"
    if "stderr" in case and not re.search(case["stderr"], err, re.M):
        return f"stderr does not match {case['stderr']!r}: {err.strip()[-400:]}"
    if "stdout" in case and not re.search(case["stdout"], out, re.M):
        return f"stdout does not match {case['stdout']!r}: {out.strip()[-400:]}"
    if "finding" in case:
        return find_finding(case, out)
    return None


def run_case(binary, case):
    with tempfile.TemporaryDirectory(prefix="bad-input-") as base:
        base = os.path.realpath(base)
        try:
            ctx = prepare(case, base)
            argv = [expand(a, ctx) for a in shlex.split(case["argv"])]
            stdin = unescape(expand(case["stdin"], ctx)) if "stdin" in case else None
        except (CaseError, OSError) as ex:
            return f"set-up: {ex}"
        before = digest_all(ctx)
        rc, out, err = run_binary(binary, argv, stdin, int(case.get("timeout", TIMEOUT)))
        why = judge(case, rc, out, err)
        if why is None and digest_all(ctx) != before:
            why = "the tree or an input file changed"
        return why


def main(argv):
    args = [a for a in argv if not a.startswith("-")]
    verbose = "-v" in argv
    results = None
    if "--results" in argv:
        i = argv.index("--results")
        results = argv[i + 1] if i + 1 < len(argv) else None
        if results in args:
            args.remove(results)
    if not args or results == "":
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    binary = os.path.join(args[0], "tools", "sriovctl", "sriovctl")
    if not os.access(binary, os.X_OK):
        print(f"no sriovctl binary at {binary}")
        print("0 cases, 0 handled")
        return 1
    try:
        cases = load_cases(args[1:])
    except CaseError as ex:
        print(f"bad case file: {ex}")
        print("0 cases, 0 handled")
        return 1
    jobs = min(2, os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        outcomes = list(pool.map(lambda c: run_case(binary, c), cases))
    handled = 0
    rows = []
    for case, why in zip(cases, outcomes):
        handled += why is None
        rows.append((case["name"], case["category"], "pass" if why is None else "fail",
                     (why or "").replace("\t", " ").replace("\n", " | ")))
        if why is not None:
            print(f"FAIL {case['name']} ({case['where']}): {why}")
        elif verbose:
            print(f"pass {case['name']}")
    if results:
        with open(results, "w") as f:
            f.write("case\tcategory\tresult\tdetail\n")
            for row in rows:
                f.write("\t".join(row) + "\n")
    print(f"{len(cases)} cases, {handled} handled")
    return 0 if handled == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
