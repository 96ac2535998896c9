#!/usr/bin/env python3
"""CLI tests: the real sriovctl binary against recorded trees and dumps.

Recorded trees are `sriovctl capture` archives under tests/fixtures/NAME.tar;
their expected outputs are tests/fixtures/NAME.golden/*. Run with --update to
rewrite the golden files after an intended change (then review the diff).
Ends with the line "N passed, N failed".
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

SRC = os.environ.get("SRIOV_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("SRIOV_BUILD_ROOT", os.path.join(SRC, "build"))
SRIOVCTL = os.environ.get("SRIOVCTL", os.path.join(BUILD, "tools", "sriovctl", "sriovctl"))
FIXTURES = os.path.join(SRC, "tests", "fixtures")
DUMPS = os.path.join(SRC, "tests", "data", "pci-dumps")
BAD_DUMPS = os.path.join(SRC, "tests", "data", "bad-dumps")
MIXED_DUMPS = os.path.join(SRC, "tests", "data", "mixed-dumps")
UPDATE = "--update" in sys.argv

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))


def binary_missing():
    """True, with the summary line, when the sriovctl binary is not built."""
    if os.access(SRIOVCTL, os.X_OK):
        return False
    print(f"sriovctl binary not found at {SRIOVCTL}")
    print("0 passed, 1 failed")
    return True


def summary():
    """Prints the "N passed, N failed" line; returns the exit status."""
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def run(args, cwd=None):
    p = subprocess.run([SRIOVCTL] + args, capture_output=True, text=True, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def run_as_nobody(args, workdir):
    """Runs a copy of the binary as uid/gid 65534 (needs root), from workdir.

    The checkout may sit in a directory uid 65534 cannot enter (a clone in
    /root, mode 0700), so the binary is copied into workdir/bin first;
    workdir and every directory above it must be open to others. Returns
    (rc, stdout, stderr), or None after a FAIL saying why it could not run.
    """
    d = os.path.abspath(workdir)
    while True:
        if not os.stat(d).st_mode & 0o001:
            check("run as uid 65534", False, f"{d} is closed to others (mode "
                  f"{os.stat(d).st_mode & 0o777:o}): uid 65534 cannot reach {workdir}")
            return None
        if d == "/":
            break
        d = os.path.dirname(d)
    bindir = os.path.join(workdir, "bin")
    os.makedirs(bindir, exist_ok=True)
    os.chmod(bindir, 0o755)
    binary = os.path.join(bindir, "sriovctl")
    shutil.copyfile(SRIOVCTL, binary)
    os.chmod(binary, 0o755)

    def drop():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)

    p = subprocess.run([binary] + args, capture_output=True, text=True, cwd=workdir,
                       preexec_fn=drop)
    return p.returncode, p.stdout, p.stderr


def tree_digest(root):
    """Every file's content and every link's target: 'nothing changed' means equal."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        for n in sorted(filenames):
            p = os.path.join(dirpath, n)
            h.update(p.encode())
            if os.path.islink(p):
                h.update(os.readlink(p).encode())
            else:
                with open(p, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


def extract(archive, dest):
    with tarfile.open(archive) as t:
        t.extractall(dest, filter="tar") if hasattr(tarfile, "data_filter") else t.extractall(dest)


def golden(name, path, actual):
    if UPDATE:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(actual)
        return
    try:
        with open(path) as f:
            expected = f.read()
    except FileNotFoundError:
        check(name, False, f"missing golden file {path} (run with --update)")
        return
    if expected == actual:
        check(name, True)
        return
    exp, act = expected.splitlines(), actual.splitlines()
    for i, (a, b) in enumerate(zip(exp, act)):
        if a != b:
            check(name, False, f"line {i + 1}: expected {a!r}, got {b!r}")
            return
    check(name, False, f"expected {len(exp)} lines, got {len(act)}")


GOLDEN_COMMANDS = {
    "list.txt": ["list"],
    "list.json": ["list", "--json"],
    "show.txt": ["show"],
    "show.json": ["show", "--json"],
    "groups.txt": ["groups"],
    "groups.json": ["groups", "--json"],
}


def test_fixture(archive):
    base = os.path.basename(archive)[:-4]
    gdir = os.path.join(FIXTURES, base + ".golden")
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "root")
        os.mkdir(root)
        extract(archive, root)
        for fname, args in GOLDEN_COMMANDS.items():
            rc, out, err = run(args + ["--root", root])
            check(f"{base}: {' '.join(args)} exits 0", rc == 0, f"rc={rc} stderr={err}")
            if fname.endswith(".json"):
                try:
                    json.loads(out)
                    check(f"{base}: {' '.join(args)} is valid JSON", True)
                except ValueError as ex:
                    check(f"{base}: {' '.join(args)} is valid JSON", False, str(ex))
            golden(f"{base}: {fname}", os.path.join(gdir, fname), out)
        check_replay(base, root, tmp)
        check_selection(base, root)
        check_groups(base, root)


def check_replay(base, root, tmp):
    """capture of a --root tree, extracted again, shows the same."""
    arch = os.path.join(tmp, "again.tar")
    rc, _, err = run(["capture", arch, "--root", root])
    check(f"{base}: capture --root exits 0", rc == 0, err)
    again = os.path.join(tmp, "again")
    os.mkdir(again)
    extract(arch, again)
    a = run(["show", "--json", "--root", root])[1]
    b = run(["show", "--json", "--root", again])[1]
    check(f"{base}: capture replays identically", a == b and a != "")
    victim = os.path.join(tmp, "victim")
    with open(victim, "w") as f:
        f.write("keep\n")
    link = os.path.join(tmp, "planted.tar")
    os.symlink(victim, link)
    rc, _, err = run(["capture", link, "--root", root])
    with open(victim) as f:
        kept = f.read() == "keep\n"
    check(f"{base}: capture refuses a symlink at its output name",
          rc == 2 and "symbolic link" in err and kept, f"rc={rc} {err}")
    os.unlink(link)
    os.unlink(victim)


def check_selection(base, root):
    doc = json.loads(run(["show", "--json", "--root", root])[1])
    for pf in doc["pfs"]:
        rc, out, err = run(["show", pf["address"], "--json", "--root", root])
        sel = json.loads(out)["pfs"] if rc == 0 else []
        check(f"{base}: show {pf['address']}", rc == 0 and len(sel) == 1
              and sel[0]["address"] == pf["address"], err)
        for nd in pf["netdevs"]:
            rc, out, _ = run(["show", nd["name"], "--json", "--root", root])
            check(f"{base}: show {nd['name']} selects its PF",
                  rc == 0 and json.loads(out)["pfs"][0]["address"] == pf["address"])
        if pf["vfs"]:
            vf = pf["vfs"][-1]
            rc, out, _ = run(["show", f"{pf['address']}/{vf['index']}", "--json", "--root", root])
            vfs = json.loads(out)["pfs"][0]["vfs"] if rc == 0 else []
            check(f"{base}: show PF/INDEX selects one VF",
                  len(vfs) == 1 and vfs[0]["address"] == vf["address"])
            rc, out, _ = run(["show", vf["address"], "--json", "--root", root])
            vfs = json.loads(out)["pfs"][0]["vfs"] if rc == 0 else []
            check(f"{base}: show VF address selects that VF",
                  len(vfs) == 1 and vfs[0]["index"] == vf["index"])
        n = len(pf["vfs"])
        rc, out, err = run(["show", f"{pf['address']}/{n}", "--root", root])
        check(f"{base}: VF index {n} out of range is exit 2", rc == 2 and out == ""
              and f"{n}" in err and "out of range" in err or (n == 0 and rc == 2), err)


def tree_groups(root):
    """{group id: {address: driver or None}} from the tree's own links."""
    devs = os.path.join(root, "sys", "bus", "pci", "devices")
    groups = {}
    for addr in sorted(os.listdir(devs)):
        link = os.path.join(devs, addr, "iommu_group")
        if not os.path.islink(link):
            continue
        drv = os.path.join(devs, addr, "driver")
        driver = os.path.basename(os.readlink(drv)) if os.path.islink(drv) else None
        groups.setdefault(int(os.path.basename(os.readlink(link))), {})[addr] = driver
    return groups


def check_groups(base, root):
    """groups --json against the tree's iommu_group and driver links; show of
    every function that is neither PF nor VF."""
    rc, out, err = run(["groups", "--json", "--root", root])
    check(f"{base}: groups --json exits 0", rc == 0, err)
    doc = json.loads(out) if rc == 0 else {"groups": []}
    got = {g["id"]: {m["address"]: m["driver"] for m in g["members"]} for g in doc["groups"]}
    check(f"{base}: groups match the iommu_group links", got == tree_groups(root),
          f"{got} != {tree_groups(root)}")
    for g in doc["groups"]:
        allowed = all(m["driver"] in (None, "vfio-pci", "pci-stub", "pcieport")
                      or m["role"] == "bridge" for m in g["members"])
        check(f"{base}: group {g['id']} viable iff every endpoint is free for vfio",
              g["viable"] == allowed, json.dumps(g))
        spoiler = next((m["address"] for m in g["members"] if m["spoils_vfio"]), None)
        check(f"{base}: group {g['id']} names its spoiler", g["spoiled_by"] == spoiler)
        check(f"{base}: group {g['id']} names an ACS gap iff it has several members",
              (g["acs_gap"] is not None) == (len(g["members"]) > 1))
    shown = json.loads(run(["show", "--json", "--root", root])[1])
    sriov = {pf["address"] for pf in shown["pfs"]}
    sriov |= {vf["address"] for pf in shown["pfs"] for vf in pf["vfs"]}
    pfs = {pf["address"] for pf in shown["pfs"]}
    roles = {m["address"]: m["role"] for g in doc["groups"] for m in g["members"]}
    check(f"{base}: groups gives show's PFs and VFs their roles",
          all(roles.get(a) == ("pf" if a in pfs else "vf") for a in sriov), str(roles))
    for g in doc["groups"]:
        for m in g["members"]:
            if m["address"] in sriov:
                continue
            rc, out, err = run(["show", m["address"], "--json", "--root", root])
            fn = json.loads(out).get("function") if rc == 0 else None
            check(f"{base}: show {m['address']} (no SR-IOV) exits 0 with the function",
                  fn is not None and fn["address"] == m["address"]
                  and fn["iommu_group"]["id"] == g["id"]
                  and not fn["sriov"]["present"], f"rc={rc} {err}")
            rc, out, err = run(["show", m["address"], "--root", root])
            check(f"{base}: show {m['address']} text names the group and SR-IOV",
                  rc == 0 and f"group {g['id']}" in out and "SR-IOV:" in out, out)
    rc, out, err = run(["show", "0000:3f:1f.7", "--root", root])
    check(f"{base}: show of an unknown function is exit 2 naming it",
          rc == 2 and out == "" and "0000:3f:1f.7" in err, f"rc={rc} {err}")


def expect_usage(name, args, must_mention, cwd=None):
    rc, out, err = run(args, cwd=cwd)
    check(f"{name}: exit 2", rc == 2, f"rc={rc}")
    check(f"{name}: nothing on stdout", out == "", out[:200])
    for m in must_mention:
        check(f"{name}: message names {m!r}", m in err, err.strip())


def test_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        empty_root = os.path.join(tmp, "empty")
        os.makedirs(os.path.join(empty_root, "sys/bus/pci/devices"))
        expect_usage("unknown device", ["show", "nosuch0", "--root", empty_root],
                     ["no such device: nosuch0", "sriovctl list"])
        expect_usage("unknown PCI address", ["show", "0000:42:00.0", "--json", "--root", empty_root],
                     ["no such device: 0000:42:00.0"])
        expect_usage("missing --root", ["list", "--root", os.path.join(tmp, "nope")],
                     ["nope"])
        expect_usage("path in device name", ["show", "../../etc", "--root", empty_root],
                     ["../../etc"])
        expect_usage("unknown option", ["list", "--frobnicate"], ["--frobnicate"])
        expect_usage("unknown command", ["frobnicate"], ["frobnicate"])
        expect_usage("decode without file", ["decode"], ["missing FILE"])
        expect_usage("decode missing file", ["decode", os.path.join(tmp, "none.txt"), "--json"],
                     ["none.txt"])
        x710 = os.path.join(DUMPS, "intel-x710-1572-vpp-notes.txt")
        expect_usage("wrapped dump", ["decode", x710, "--json"],
                     ["intel-x710-1572-vpp-notes.txt:3:"])
        garbage = os.path.join(tmp, "garbage.txt")
        with open(garbage, "wb") as f:
            f.write(bytes(range(256)) * 4)
        expect_usage("garbage dump", ["decode", garbage, "--json"], ["garbage.txt:1:"])
        trunc = os.path.join(tmp, "trunc.txt")
        with open(os.path.join(DUMPS, "intel-82576-10c9-pciutils-cap-pcie-2.txt")) as f:
            text = f.read()
        with open(trunc, "w") as f:
            f.write(text[: len(text) // 2])
        expect_usage("truncated dump", ["decode", trunc, "--json"], ["trunc.txt:"])
    if os.path.isdir(BAD_DUMPS):
        for name in sorted(os.listdir(BAD_DUMPS)):
            expect_usage(f"bad dump {name}", ["decode", os.path.join(BAD_DUMPS, name), "--json"],
                         [name + ":"])


def test_decode_corpus():
    for name in sorted(os.listdir(DUMPS)):
        if not name.endswith(".txt") or name.endswith(".vvv.txt") or "x710" in name:
            continue
        rc, out, err = run(["decode", os.path.join(DUMPS, name), "--json"])
        check(f"decode {name} exits 0", rc == 0, err)
        if rc:
            continue
        funcs = json.loads(out)["functions"]
        check(f"decode {name} has functions", len(funcs) >= 1)
        for fn in funcs:
            ok = all(k in fn for k in ("address", "vendor_id", "device_id", "capabilities"))
            check(f"decode {name}: contract keys", ok, str(list(fn)))
        gpath = os.path.join(FIXTURES, "decode", name[:-4] + ".json")
        golden(f"decode {name} golden", gpath, out)


def test_decode_mixed():
    """lspci -v/-vv/-vvv text mixed with -x/-xxx/-xxxx rows (tests/data/mixed-dumps,
    printed by lspci itself) decodes exactly as the plain hex form does."""
    names = sorted(n for n in os.listdir(MIXED_DUMPS) if n.count(".") == 3)
    check("mixed dumps: -v, -vv and -vvv with -x, -xxx and -xxxx",
          {n.split(".", 1)[1] for n in names if n.startswith("82576.")} ==
          {f"{v}.{x}.txt" for v in ("v", "vv", "vvv") for x in ("x", "xxx", "xxxx")},
          str(names))
    for name in names:
        base, _, level, _ = name.split(".")
        plain = os.path.join(MIXED_DUMPS, f"{base}.{level}.txt")
        outs = {}
        for extra in ("--json", "-v"):
            rc, out, err = run(["decode", os.path.join(MIXED_DUMPS, name), extra])
            prc, pout, perr = run(["decode", plain, extra])
            check(f"decode {name} {extra}: exit 0", rc == 0 and prc == 0, err + perr)
            check(f"decode {name} {extra}: same as {base}.{level}.txt", out == pout and out,
                  f"{len(out)} vs {len(pout)} bytes")
            outs[extra] = out
        if level == "xxxx" and base == "82576" and outs["--json"]:
            fn = json.loads(outs["--json"])["functions"][0]
            check(f"decode {name}: SR-IOV decoded", "sriov" in fn["capabilities"], str(fn))


def test_decode_64_bytes():
    """lspci -x: the capability list starts past the 64 bytes; not damage."""
    dump = os.path.join(MIXED_DUMPS, "82576.vv.x.txt")
    rc, out, err = run(["decode", dump])
    check("64-byte dump: exit 0", rc == 0, err)
    check("64-byte dump: nothing on stderr", err == "", err)
    check("64-byte dump: note says the capabilities are not in the dump",
          "capabilities from [40] on are not in this dump" in out and "damaged" not in out, out)
    rc, out, err = run(["decode", dump, "--json"])
    fn = json.loads(out)["functions"][0] if rc == 0 else {}
    check("64-byte dump --json: capabilities_past_dump 64",
          fn.get("config_bytes") == 64 and fn.get("capabilities_past_dump") == 64, out)
    rc, out, err = run(["decode", os.path.join(MIXED_DUMPS, "82576.xxxx.txt"), "--json"])
    fn = json.loads(out)["functions"][0] if rc == 0 else {}
    check("4096-byte dump --json: capabilities_past_dump null",
          "capabilities_past_dump" in fn and fn["capabilities_past_dump"] is None, out)


def test_decode_mixed_damaged():
    """Verbose text is skipped only where lspci prints it."""
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(MIXED_DUMPS, "82576.vv.x.txt")) as f:
            lines = f.read().splitlines(keepends=True)
        rows = [i for i, l in enumerate(lines) if l[:3] == "00:"]
        cases = {
            # text after the rows of the function
            "after-rows.txt": (lines[:rows[0] + 2] + ["\tSubsystem: late\n"] + lines[rows[0] + 2:],
                               rows[0] + 3, "after the hex rows"),
            # the verbose text without the rows (lspci -vv alone)
            "no-rows.txt": (lines[:rows[0]] + ["\n"], 1, "no hex rows"),
            # a wrapped device line in a mixed dump
            "wrapped.txt": (lines[:1] + ["(rev 01)\n"] + lines[1:], 2, "wrapped"),
            # indented text before any device line
            "no-device.txt": (["\tSubsystem: orphan\n"] + lines, 1, "before any device line"),
        }
        for name, (text, line, words) in cases.items():
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write("".join(text))
            expect_usage(f"mixed dump {name}", ["decode", path], [f"{name}:{line}:", words])


COMMANDS = ("list", "show", "groups", "check", "decode", "enable", "disable", "vf", "bind", "unbind",
            "apply", "restore", "persist", "export", "capture")


def man_usage_options():
    """The long options on each command's heading lines in docs/sriovctl.1.scd."""
    opts = {}
    with open(os.path.join(SRC, "docs", "sriovctl.1.scd")) as f:
        text = f.read()
    section = text.split("\n# COMMANDS\n", 1)[1].split("\n# ", 1)[0]
    for line in section.splitlines():
        m = re.match(r"\*([a-z]+)\* ?", line)
        if m:
            opts.setdefault(m.group(1), set()).update(re.findall(r"--[a-z-]+", line))
    return opts


def test_usage_lines():
    """Every usage line lists the options the command takes: --help's usage and
    the man page's heading agree, and a command refuses an option neither lists."""
    man = man_usage_options()
    for cmd in COMMANDS:
        rc, out, _ = run([cmd, "--help"])
        usage = out.split("\n\n", 1)[0]
        listed = set(re.findall(r"--[a-z-]+", usage))
        check(f"{cmd}: man page has a heading", cmd in man, str(sorted(man)))
        check(f"{cmd}: --help usage and man page list the same options",
              listed == man.get(cmd), f"help {sorted(listed)} man {sorted(man.get(cmd, ()))}")
        for opt in re.findall(r"^  (--[a-z-]+)", out, re.M):
            if opt not in ("--json", "--root", "--verbose", "--help"):
                check(f"{cmd}: option {opt} of --help is on its usage line", opt in listed, usage)
        rc, _, err = run([cmd, "--no-such-option"])
        check(f"{cmd}: an unknown option is refused", rc == 2 and "unknown option" in err, err)


def test_capture_json_refused():
    with tempfile.TemporaryDirectory() as tmp:
        out_file = os.path.join(tmp, "host.tar")
        expect_usage("capture --json", ["capture", out_file, "--json"], ["--json", "archive"])
        check("capture --json: no archive written", not os.path.exists(out_file))


def test_help():
    rc, out, _ = run(["--help"])
    check("--help exits 0", rc == 0)
    for cmd in ("check", "list", "show", "groups", "enable", "disable", "vf", "bind", "unbind", "decode", "capture"):
        check(f"--help lists {cmd}", f"  {cmd} " in out)
        rc, out2, _ = run([cmd, "--help"])
        check(f"{cmd} --help exits 0 and shows usage", rc == 0 and "Usage: sriovctl " + cmd in out2)


def main():
    if binary_missing():
        return 1
    test_help()
    test_bad_input()
    test_decode_corpus()
    test_decode_mixed()
    test_decode_64_bytes()
    test_decode_mixed_damaged()
    test_usage_lines()
    test_capture_json_refused()
    archives = sorted(f for f in os.listdir(FIXTURES) if f.endswith(".tar")) if os.path.isdir(FIXTURES) else []
    check("at least one recorded tree under tests/fixtures", len(archives) > 0)
    for a in archives:
        test_fixture(os.path.join(FIXTURES, a))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
