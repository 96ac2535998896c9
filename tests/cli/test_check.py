#!/usr/bin/env python3
"""CLI tests of `sriovctl check`: the real binary against the recorded trees
in tests/fixtures/*.tar and doctored copies of one (IOMMU on and off with
each boot loader, CPU without virtualization, IOV BARs zeroed or reserved,
saved kernel logs with each known line, files that are not kernel logs, odd
and unreadable files). Golden outputs under tests/fixtures/check/ (paths of
the temporary tree and of tests/data/kmsg replaced by ROOT and KMSG);
rewrite them with --update after an intended change, then review the diff.
Ends with the line "N passed, N failed".
"""
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_cli as t  # noqa: E402

GOLDEN = os.path.join(t.FIXTURES, "check")
KMSG = os.path.join(t.SRC, "tests", "data", "kmsg")
BASE = "vm-igb-nvme-vf4"  # the tree the doctored copies start from
IGB = "0000:01:00.0"
NVME = "0000:02:00.0"
STATUSES = ("pass", "warn", "fail", "skip")
COUNT_LINE = re.compile(r"^(\d+) passed, (\d+) warnings?, (\d+) failed, (\d+) skipped$")

INTEL_CPU = ("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\n"
             "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic vmx ept\n\n")
AMD_CPU = ("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7313\n"
           "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic svm npt\n\n")
NOVIRT_CPU = ("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Atom\n"
              "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic\n\n")


# ---- helpers -----------------------------------------------------------------


def write(root, rel, data, mode=None):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path) and not os.path.isdir(path):
        os.unlink(path)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    if mode is not None:
        os.chmod(path, mode)


def symlink(root, rel, target):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.unlink(path)
    os.symlink(target, path)


def pf_dir(root, addr):
    return os.path.realpath(os.path.join(root, "sys/bus/pci/devices", addr))


def normalize(text, root):
    return text.replace(root, "ROOT").replace(KMSG, "KMSG")


def run_check(root, extra=(), json_out=True, unprivileged=False):
    """check on the tree at root; unprivileged: as uid 65534 when this is root,
    so that a file of mode 0 is unreadable to it (root reads it anyway)."""
    args = ["check", "--root", root] + list(extra) + (["--json"] if json_out else [])
    if unprivileged and os.geteuid() == 0:
        return t.run_as_nobody(args, open_to_others(root)) or (None, "", "")
    return t.run(args)


def open_to_others(path):
    """Opens path and the directories above it up to the temporary directory
    (the test's own, made 0700 by mkdtemp) for uid 65534; returns path."""
    top = os.path.realpath(tempfile.gettempdir())
    d = os.path.realpath(path)
    while d.startswith(top + os.sep):
        os.chmod(d, os.stat(d).st_mode | 0o755)
        d = os.path.dirname(d)
    for dirpath, dirnames, _ in os.walk(path):
        for n in dirnames:
            full = os.path.join(dirpath, n)
            if not os.path.islink(full):
                os.chmod(full, os.stat(full).st_mode | 0o755)
    return path


def parse(name, out):
    try:
        doc = json.loads(out)
    except ValueError as ex:
        t.check(f"{name}: valid JSON", False, f"{ex}: {out[:200]!r}")
        return None
    return doc


def contract(name, rc, doc):
    """The --json contract of docs/json.md and the exit status it implies."""
    ok = isinstance(doc, dict) and isinstance(doc.get("findings"), list) and \
        isinstance(doc.get("summary"), dict) and isinstance(doc.get("sources"), dict)
    t.check(f"{name}: findings, summary, sources", ok, str(doc)[:200])
    if not ok:
        return False
    counts = dict.fromkeys(STATUSES, 0)
    bad = []
    for f in doc["findings"]:
        good = (re.match(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$", f.get("id", "")) is not None
                and f.get("status") in STATUSES and f.get("subject")
                and f.get("summary") and isinstance(f.get("evidence"), list)
                and isinstance(f.get("remedy"), list)
                and all(isinstance(x, str) and "\n" not in x
                        for x in f["evidence"] + f["remedy"]))
        if good:
            counts[f["status"]] += 1
        else:
            bad.append(f)
    t.check(f"{name}: every finding well formed", not bad, str(bad[:1])[:300])
    t.check(f"{name}: summary counts", {k: doc["summary"].get(k) for k in STATUSES} == counts,
            f"{doc['summary']} vs {counts}")
    t.check(f"{name}: summary ok", doc["summary"].get("ok") == (counts["fail"] == 0))
    t.check(f"{name}: exit status", rc == (1 if counts["fail"] else 0), f"rc={rc}")
    return True


def findings(doc, id_, subject=None):
    return [f for f in doc["findings"]
            if f["id"] == id_ and (subject is None or f["subject"] == subject)]


def expect(name, doc, id_, status, subject="host", evidence=(), remedy=(), summary=()):
    """The finding id_ about subject has status; its texts contain the strings given."""
    fs = findings(doc, id_, subject) if doc else []
    ok = len(fs) == 1 and fs[0]["status"] == status
    t.check(f"{name}: {id_} {subject} is {status}", ok,
            str([(f["status"], f["summary"]) for f in fs])[:400])
    if not ok:
        return None
    f = fs[0]
    for what, want in (("evidence", evidence), ("remedy", remedy), ("summary", summary)):
        have = f[what] if what != "summary" else [f[what]]
        for s in want:
            t.check(f"{name}: {id_} {what} has {s!r}", any(s in x for x in have), str(have)[:400])
    return f


def golden_pair(name, root, extra=()):
    """Runs check (JSON and text) on root, compares both with the golden files."""
    rc, out, err = run_check(root, extra)
    doc = parse(name, out)
    if doc is None or not contract(name, rc, doc):
        return None
    t.check(f"{name}: nothing on stderr with --json", err == "", err[:300])
    rc2, text, err2 = run_check(root, extra, json_out=False)
    t.check(f"{name}: text exit status = JSON's", rc2 == rc, f"{rc2} vs {rc}")
    check_text(name, doc, text)
    t.golden(f"{name}: json golden", os.path.join(GOLDEN, name + ".json"), normalize(out, root))
    t.golden(f"{name}: text golden", os.path.join(GOLDEN, name + ".txt"), normalize(text, root))
    return doc


def check_text(name, doc, text):
    lines = text.rstrip("\n").splitlines()
    m = COUNT_LINE.match(lines[-1]) if lines else None
    if not t.check(f"{name}: text ends with the count line", m is not None, repr(lines[-1:])):
        return
    t.check(f"{name}: text counts = JSON counts",
            dict(zip(STATUSES, map(int, m.groups()))) == {k: doc["summary"][k] for k in STATUSES},
            lines[-1])
    heads = [tuple(ln.split()[:3]) for ln in lines if re.match(r"^(PASS|WARN|FAIL|SKIP) ", ln)]
    want = [(f["status"].upper(), f["id"], f["subject"]) for f in doc["findings"]]
    t.check(f"{name}: one text block per finding, in order", heads == want,
            f"{heads[:3]} vs {want[:3]}")
    for f in doc["findings"]:
        for line in f["evidence"][:1] + f["remedy"][:1]:
            if line.strip() and line.strip() not in text:
                t.check(f"{name}: text shows {f['id']} evidence/remedy", False, line)
                return
    t.check(f"{name}: no colour when stdout is not a tty", "\033[" not in text)


# ---- trees --------------------------------------------------------------------


class Tree:
    """A fresh copy of a recorded tree in a temporary directory."""

    def __init__(self, tmp, name, archive=BASE):
        self.root = os.path.join(tmp, name)
        os.mkdir(self.root)
        t.extract(os.path.join(t.FIXTURES, archive + ".tar"), self.root)

    def iommu_on(self, cpu=INTEL_CPU, table="DMAR"):
        write(self.root, "proc/cpuinfo", cpu)
        write(self.root, f"sys/firmware/acpi/tables/{table}", b"ACPI" + bytes(60))
        os.makedirs(os.path.join(self.root, "sys/class/iommu/dmar0"), exist_ok=True)
        for g in range(12):
            os.makedirs(os.path.join(self.root, f"sys/kernel/iommu_groups/{g}/devices"),
                        exist_ok=True)
        write(self.root, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on iommu=pt\n")
        return self

    def iommu_off(self, cpu=INTEL_CPU, table="DMAR"):
        """Firmware has the IOMMU (table), the kernel does not use it."""
        write(self.root, "proc/cpuinfo", cpu)
        write(self.root, f"sys/firmware/acpi/tables/{table}", b"ACPI" + bytes(60))
        os.makedirs(os.path.join(self.root, "sys/class/iommu"), exist_ok=True)
        os.makedirs(os.path.join(self.root, "sys/kernel/iommu_groups"), exist_ok=True)
        write(self.root, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n")
        return self

    def resource(self, addr, iov_zero):
        """A PF resource file: BAR 0 and 3 used; IOV lines 7-12 zeroed or reserved."""
        lines = ["0x0000000000000000 0x0000000000000000 0x0000000000000000"] * 13
        lines[0] = "0x00000000fe800000 0x00000000fe81ffff 0x0000000000040200"
        lines[3] = "0x00000000fe880000 0x00000000fe883fff 0x0000000000040200"
        if not iov_zero:
            lines[7] = "0x00000000fe884000 0x00000000fe8a3fff 0x0000000000040200"
            lines[10] = "0x00000000fe8a4000 0x00000000fe8c3fff 0x0000000000040200"
        write(pf_dir(self.root, addr), "resource", "\n".join(lines) + "\n")
        return self


# ---- the tests -----------------------------------------------------------------


def test_recorded_trees(tmp):
    archives = sorted(f[:-4] for f in os.listdir(t.FIXTURES) if f.endswith(".tar"))
    t.check("recorded trees exist", len(archives) >= 1)
    for a in archives:
        tree = Tree(tmp, "rec-" + a, a)
        doc = golden_pair("tree-" + a, tree.root)
        if not doc:
            continue
        # a recorded tree has no kernel log, no /proc: those rules skip, never pass
        log = doc["sources"]["kernel_log"]
        t.check(f"{a}: no kernel log under --root", log["available"] is False and
                "--kmsg FILE" in log["unavailable"] and log["source"] is None, str(log))
        for id_ in ("platform.cpu.virt", "platform.iommu.kernel"):
            fs = findings(doc, id_)
            t.check(f"{a}: {id_} skips without the files", fs and fs[0]["status"] == "skip",
                    str(fs)[:300])
        pfs = {f["subject"] for f in doc["findings"] if f["id"] == "pf.sriov"}
        shown = json.loads(t.run(["show", "--json", "--root", tree.root])[1])["pfs"]
        t.check(f"{a}: every PF gets pf.sriov", pfs == {p["address"] for p in shown}, str(pfs))
        limits_agree(a, tree.root, doc)


SHOW_VFS_LINE = re.compile(r"^(\S+) .*?\n  VFs: +-?\d+ enabled of (-?\d+) \((.*)\), autoprobe",
                           re.M | re.S)


def limits_agree(name, root, doc):
    """show and check name the same limit and the same source for every PF."""
    rc, out, _ = t.run(["show", "--root", root])
    shown = {}
    for block in out.split("\n\n"):
        m = SHOW_VFS_LINE.match(block)
        if m:
            shown[m.group(1)] = (m.group(2), m.group(3))
    t.check(f"{name}: show prints a VF limit for every PF", rc == 0 and shown, out[:300])
    for addr, (total, source) in shown.items():
        fs = findings(doc, "pf.sriov", addr)
        summary = fs[0]["summary"] if fs else ""
        t.check(f"{name}: {addr}: check says what show says about the VF limit",
                f"up to {total} VFs ({source}" in summary, f"show: {total} ({source}); "
                f"check: {summary}")


def test_iommu(tmp):
    doc = golden_pair("iommu-on-intel", Tree(tmp, "on").iommu_on().root)
    expect("iommu on", doc, "platform.iommu.kernel", "pass",
           evidence=["/sys/class/iommu: dmar0", "/sys/kernel/iommu_groups: 12 groups"])
    expect("iommu on", doc, "platform.iommu.firmware", "pass", evidence=["DMAR"])
    expect("iommu on", doc, "platform.cpu.virt", "pass", evidence=["vmx"])

    # no IOMMU at all: sys/class/iommu and the groups removed
    tree = Tree(tmp, "gone")
    write(tree.root, "proc/cpuinfo", INTEL_CPU)
    os.makedirs(os.path.join(tree.root, "sys/kernel"), exist_ok=True)
    rc, out, _ = run_check(tree.root)
    doc = parse("no iommu dirs", out)
    f = expect("no iommu dirs", doc, "platform.iommu.kernel", "fail",
               remedy=["intel_iommu=on", "iommu=pt", "reboot"])
    t.check("no iommu dirs: exit 1", rc == 1, f"rc={rc}")

    tree = Tree(tmp, "grub").iommu_off()
    write(tree.root, "etc/default/grub",
          'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\nGRUB_CMDLINE_LINUX=""\n')
    write(tree.root, "usr/sbin/update-grub", "#!/bin/sh\n", 0o755)
    doc = golden_pair("iommu-off-grub", tree.root)
    f = expect("grub", doc, "platform.iommu.kernel", "fail",
               evidence=["/sys/class/iommu: empty", "/sys/kernel/iommu_groups: 0 groups"],
               remedy=['/etc/default/grub: GRUB_CMDLINE_LINUX_DEFAULT="quiet splash intel_iommu=on iommu=pt"',
                       "update-grub", "reboot"])
    if f:
        t.check("grub: update-grub after the line", f["remedy"].index("update-grub") >
                [i for i, x in enumerate(f["remedy"]) if "/etc/default/grub" in x][0])

    tree = Tree(tmp, "grub-mkconfig").iommu_off()
    write(tree.root, "etc/default/grub", 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n')
    rc, out, _ = run_check(tree.root)
    expect("grub-mkconfig", parse("grub-mkconfig", out), "platform.iommu.kernel", "fail",
           remedy=["grub-mkconfig -o /boot/grub/grub.cfg"])

    tree = Tree(tmp, "pve").iommu_off()
    write(tree.root, "etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n")
    write(tree.root, "usr/sbin/proxmox-boot-tool", "#!/bin/sh\n", 0o755)
    doc = golden_pair("iommu-off-proxmox", tree.root)
    f = expect("proxmox", doc, "platform.iommu.kernel", "fail",
               remedy=["/etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on iommu=pt",
                       "proxmox-boot-tool refresh"])
    if f:
        t.check("proxmox: no GRUB advice without /etc/default/grub",
                not any("grub" in x for x in f["remedy"]), str(f["remedy"]))

    tree = Tree(tmp, "amd").iommu_off(cpu=AMD_CPU, table="IVRS")
    rc, out, _ = run_check(tree.root)
    doc = parse("amd", out)
    f = expect("amd", doc, "platform.iommu.kernel", "fail", remedy=["iommu=pt"])
    if f:
        t.check("amd: no intel_iommu remedy", not any("intel_iommu" in x for x in f["remedy"]),
                str(f["remedy"]))
    expect("amd", doc, "platform.iommu.firmware", "pass", evidence=["IVRS"])
    expect("amd", doc, "platform.cpu.virt", "pass", evidence=["svm"])

    # the firmware has no DMAR/IVRS: the BIOS setting
    tree = Tree(tmp, "nofw").iommu_off()
    os.unlink(os.path.join(tree.root, "sys/firmware/acpi/tables/DMAR"))
    write(tree.root, "sys/firmware/acpi/tables/APIC", b"APIC" + bytes(40))
    rc, out, _ = run_check(tree.root)
    expect("no DMAR", parse("no DMAR", out), "platform.iommu.firmware", "fail", remedy=["VT-d"])


def test_cpu(tmp):
    tree = Tree(tmp, "novirt")
    write(tree.root, "proc/cpuinfo", NOVIRT_CPU)
    rc, out, _ = run_check(tree.root)
    f = expect("no vmx", parse("no vmx", out), "platform.cpu.virt", "fail")
    t.check("no vmx: a remedy", f is not None and len(f["remedy"]) > 0, str(f)[:300])
    t.check("no vmx: exit 1", rc == 1)


def test_iov_bars(tmp):
    tree = Tree(tmp, "bars0").resource(IGB, iov_zero=True)
    doc = golden_pair("iov-bars-zero", tree.root)
    expect("IOV BARs zero", doc, "pf.iov_bars", "fail", subject=IGB,
           remedy=["SR-IOV", "pci=realloc"])
    tree = Tree(tmp, "bars1").resource(IGB, iov_zero=False)
    rc, out, _ = run_check(tree.root)
    expect("IOV BARs reserved", parse("IOV BARs reserved", out), "pf.iov_bars", "pass",
           subject=IGB)


KMSG_EXPECT = {
    # file: (finding id, status, a string the evidence shows)
    "bus-range.kmsg": ("platform.kmsg.bus_range", "fail", "bus 3c out of range"),
    "no-mmio.dmesg": ("platform.kmsg.no_mmio", "fail", "not enough MMIO resources"),
    "mlx5-mmio.dmesg": ("platform.kmsg.no_mmio", "fail", "not enough MMIO resources"),
    "bars.kmsg": ("platform.kmsg.iov_bars", "fail", "IOV BARS not allocated"),
    "ice-msix.dmesg": ("platform.kmsg.msix", None, "MSI-X"),
    "vf-reset.dmesg": ("platform.kmsg.vf_reset", None, "reset"),
    "iommu-off.dmesg": ("platform.kmsg.iommu", "fail", "IOMMU disabled"),
    "iommu-on.dmesg": ("platform.kmsg.iommu", "pass", "IOMMU enabled"),
    "amd-iommu.dmesg": ("platform.kmsg.iommu", "pass", "AMD-Vi"),
}


def test_kmsg_files(tmp):
    tree = Tree(tmp, "kmsg")
    for fname, (id_, status, shown) in sorted(KMSG_EXPECT.items()):
        path = os.path.join(KMSG, fname)
        rc, out, err = run_check(tree.root, ["--kmsg", path])
        doc = parse(f"--kmsg {fname}", out)
        if not doc or not contract(f"--kmsg {fname}", rc, doc):
            continue
        log = doc["sources"]["kernel_log"]
        t.check(f"--kmsg {fname}: read", log["available"] and log["records"] > 0
                and log["source"] == path, str(log))
        fs = findings(doc, id_)
        t.check(f"--kmsg {fname}: {id_} found", len(fs) >= 1, str([f["id"] for f in doc["findings"]]))
        if not fs:
            continue
        if status:
            t.check(f"--kmsg {fname}: {id_} is {status}", fs[0]["status"] == status, fs[0]["status"])
        else:
            t.check(f"--kmsg {fname}: {id_} not pass", fs[0]["status"] in ("warn", "fail"),
                    fs[0]["status"])
        t.check(f"--kmsg {fname}: evidence has the log line",
                any(shown in e for e in fs[0]["evidence"]), str(fs[0]["evidence"])[:300])
        if status != "pass":
            t.check(f"--kmsg {fname}: a remedy", len(fs[0]["remedy"]) > 0, str(fs[0])[:300])
    golden_pair("kmsg-bus-range", tree.root, ["--kmsg", os.path.join(KMSG, "bus-range.kmsg")])

    # a clean log: the log rules pass, none fails
    clean = os.path.join(tmp, "clean.dmesg")
    write(tmp, "clean.dmesg", "[    0.000000] Linux version 6.1.0-18-amd64\n"
          "[    0.100000] DMAR: IOMMU enabled\n[    1.000000] igb 0000:01:00.0: eth0\n")
    rc, out, _ = run_check(tree.root, ["--kmsg", clean])
    doc = parse("clean log", out)
    if doc:
        logf = [f for f in doc["findings"] if f["id"].startswith("platform.kmsg")]
        t.check("clean log: no log finding fails or skips",
                logf and all(f["status"] in ("pass", "warn") for f in logf),
                str([(f["id"], f["status"]) for f in logf]))


def expect_not_a_log(tree, tmp, name, data, why):
    write(tmp, name, data)
    path = os.path.join(tmp, name)
    rc, out, err = run_check(tree.root, ["--kmsg", path])
    doc = parse(f"not a log {name}", out)
    if not doc or not contract(f"not a log {name}", rc, doc):
        return
    log = doc["sources"]["kernel_log"]
    t.check(f"not a log {name}: unavailable with the reason",
            log["available"] is False and f"{path}: not a kernel log ({why}" in log["unavailable"],
            str(log))
    logf = [f for f in doc["findings"] if f["id"].startswith("platform.kmsg")]
    t.check(f"not a log {name}: log rules skip", logf and all(f["status"] == "skip" for f in logf),
            str([(f["id"], f["status"]) for f in logf]))
    t.check(f"not a log {name}: the reason is shown",
            any("not a kernel log" in f["summary"] + " ".join(f["evidence"]) for f in logf),
            str(logf)[:300])


def test_not_a_log(tmp):
    tree = Tree(tmp, "notlog")
    expect_not_a_log(tree, tmp, "config.ini", "[pf enp1s0]\nnum_vfs = 4\n", 'line 1: "[pf enp1s0]"')
    expect_not_a_log(tree, tmp, "empty.log", "", "empty file")
    expect_not_a_log(tree, tmp, "elf.bin", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)),
                     'line 1: ".ELF')
    expect_not_a_log(tree, tmp, "text.txt", "DMAR: IOMMU enabled\nno timestamps here\n",
                     'line 1: "DMAR: IOMMU enabled"')
    rc, out, _ = run_check(tree.root, ["--kmsg", os.path.join(t.DUMPS, sorted(os.listdir(t.DUMPS))[0])])
    t.check("not a log: a pci dump", rc in (0, 1) and "not a kernel log" in out, out[:200])


def odd(tree, rel, data=None, link=None, mode=None):
    path = os.path.join(tree.root, rel)
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    if link is not None:
        symlink(tree.root, rel, link)
    else:
        write(tree.root, rel, data, mode)


def test_odd_files(tmp):
    """Odd or unreadable files: the rule skips (or fails) with the reason, never crashes."""
    cases = [
        ("cpuinfo empty", "proc/cpuinfo", {"data": ""}, "platform.cpu.virt"),
        ("cpuinfo binary", "proc/cpuinfo", {"data": bytes(range(256)) * 8}, "platform.cpu.virt"),
        ("cpuinfo loop", "proc/cpuinfo", {"link": "cpuinfo"}, "platform.cpu.virt"),
        ("iommu class loop", "sys/class/iommu", {"link": "iommu"}, "platform.iommu.kernel"),
        ("iommu class a file", "sys/class/iommu", {"data": "x"}, "platform.iommu.kernel"),
        ("totalvfs not a number, config empty", None,
         {"data": "seven\n", "attr": "sriov_totalvfs", "also": ("config", b"")}, "pf.sriov"),
        ("totalvfs not a number, config binary", None,
         {"data": "", "attr": "sriov_totalvfs", "also": ("config", bytes(range(64)))}, "pf.sriov"),
        ("resource not numbers", None, {"data": "garbage\n" * 13, "attr": "resource"}, "pf.iov_bars"),
        ("resource short", None, {"data": "0x0 0x0 0x0\n", "attr": "resource"}, "pf.iov_bars"),
        ("resource binary", None, {"data": bytes(range(256)), "attr": "resource"}, "pf.iov_bars"),
        ("grub binary", "etc/default/grub", {"data": bytes(range(256))}, "platform.iommu.kernel"),
        ("osrelease loop", "proc/sys/kernel/osrelease", {"link": "osrelease"}, "platform.vfio"),
    ]
    # unreadable files: run as uid 65534 when the tests run as root
    cases += [
        ("cpuinfo unreadable", "proc/cpuinfo", {"data": INTEL_CPU, "mode": 0}, "platform.cpu.virt"),
        ("resource unreadable", None, {"data": "0x0 0x0 0x0\n" * 13, "mode": 0, "attr": "resource"},
         "pf.iov_bars"),
    ]
    for i, (name, rel, how, id_) in enumerate(cases):
        tree = Tree(tmp, f"odd{i}")
        if id_.startswith("platform.iommu"):
            tree.iommu_off()
        if rel is None:
            rel = os.path.relpath(os.path.join(pf_dir(tree.root, IGB), how.pop("attr")), tree.root)
        if "also" in how:
            attr, data = how.pop("also")
            write(pf_dir(tree.root, IGB), attr, data)
        unreadable = how.get("mode") == 0
        odd(tree, rel, **how)
        rc, out, err = run_check(tree.root, unprivileged=unreadable)
        t.check(f"{name}: no crash (exit 0 or 1)", rc in (0, 1), f"rc={rc} {err[-300:]}")
        doc = parse(name, out)
        if not doc or not contract(name, rc, doc):
            continue
        subject = "host" if id_.startswith("platform") else IGB
        fs = findings(doc, id_, subject)
        t.check(f"{name}: {id_} is not pass", len(fs) >= 1 and all(f["status"] != "pass" for f in fs),
                str([(f["status"], f["summary"]) for f in fs])[:300])
        rc2, text, err2 = run_check(tree.root, json_out=False, unprivileged=unreadable)
        t.check(f"{name}: text mode too", rc2 == rc and COUNT_LINE.match(text.splitlines()[-1] if text else ""),
                err2[-200:])


def test_dev(tmp):
    tree = Tree(tmp, "dev")
    for dev, pf in ((IGB, IGB), ("eth0", IGB), ("02:00.0", NVME)):
        rc, out, err = run_check(tree.root, [dev])
        doc = parse(f"check {dev}", out)
        if not doc or not contract(f"check {dev}", rc, doc):
            continue
        subjects = {f["subject"] for f in doc["findings"] if f["id"].startswith("pf.")}
        t.check(f"check {dev}: only PF {pf}", subjects == {pf}, str(subjects))
        t.check(f"check {dev}: platform rules too", any(f["id"].startswith("platform.")
                                                         for f in doc["findings"]))
    vf = os.path.basename(os.path.realpath(os.path.join(pf_dir(tree.root, IGB), "virtfn1")))
    for dev in (vf, "eth0/1"):
        rc, out, err = run_check(tree.root, [dev])
        doc = parse(f"check VF {dev}", out)
        if doc:
            subjects = {f["subject"] for f in doc["findings"] if f["id"].startswith("pf.")}
            t.check(f"check VF {dev}: checks its PF", subjects == {IGB}, str(subjects))
        t.check(f"check VF {dev}: says so", "checking the PF" in err and IGB in err, err)


def test_bad_input(tmp):
    tree = Tree(tmp, "bad")
    t.expect_usage("check: missing --kmsg file",
                   ["check", "--root", tree.root, "--kmsg", os.path.join(tmp, "none.log")],
                   ["--kmsg", "none.log"])
    t.expect_usage("check: --kmsg a directory", ["check", "--root", tree.root, "--kmsg", tmp],
                   ["--kmsg", "is a directory"])
    t.expect_usage("check: --kmsg without a value", ["check", "--root", tree.root, "--kmsg"],
                   ["--kmsg"])
    t.expect_usage("check: unknown device", ["check", "nosuch0", "--root", tree.root],
                   ["no such device: nosuch0"])
    t.expect_usage("check: not an SR-IOV device", ["check", "0000:00:1f.0", "--json", "--root", tree.root],
                   ["0000:00:1f.0", "not an SR-IOV physical function"])
    t.expect_usage("check: two devices", ["check", IGB, NVME, "--root", tree.root],
                   ["unexpected argument"])
    t.expect_usage("check: path in DEV", ["check", "../../etc", "--root", tree.root], ["../../etc"])
    t.expect_usage("check: unknown option", ["check", "--frobnicate"], ["--frobnicate"])
    # an unreadable --kmsg file (as uid 65534 when the tests run as root)
    write(tmp, "secret.log", "[ 0.0] x\n", 0)
    rc, out, err = run_check(open_to_others(tree.root), ["--kmsg", os.path.join(tmp, "secret.log")],
                             json_out=False, unprivileged=True)
    t.check("check: unreadable --kmsg: exit 2", rc == 2, f"rc={rc} {err[-200:]}")
    t.check("check: unreadable --kmsg: nothing on stdout", out == "", out[:200])
    t.check("check: unreadable --kmsg: message names secret.log", "secret.log" in err, err.strip())


def test_help():
    rc, out, _ = t.run(["check", "--help"])
    t.check("check --help exits 0", rc == 0)
    for s in ("Usage: sriovctl check", "--kmsg FILE", "--root", "--json", "IOMMU", "Exit status",
              "Example"):
        t.check(f"check --help mentions {s!r}", s in out)
    rc, out, _ = t.run(["--help"])
    t.check("--help lists check", "  check " in out)


def main():
    if t.binary_missing():
        return 1
    test_help()
    with tempfile.TemporaryDirectory() as tmp:
        for test in (test_recorded_trees, test_iommu, test_cpu, test_iov_bars, test_kmsg_files,
                     test_not_a_log, test_odd_files, test_dev, test_bad_input):
            sub = os.path.join(tmp, test.__name__)
            os.mkdir(sub)
            test(sub)
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
