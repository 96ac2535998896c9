#!/usr/bin/env python3
"""CLI tests for `bind`, `unbind` and show's `used_by`, against scratch trees.

Each tree is the real-kernel capture tests/fixtures/vm-igb-nvme-vf4.tar
(igb PF 0000:01:00.0 = eth0 with VFs 01:10.0/.2/.4/.6 = eth1..eth4 on igbvf,
IOMMU groups 7..10; NVMe PF 02:00.0 with VFs 02:00.1/.2) plus the files the
kernel has for binding (driver_override, drivers/*/unbind, drivers_probe),
fake /proc entries (a QEMU-like process holding /dev/vfio/8), netdev flags and
a recorded RTM_GETADDR dump. A tree has no kernel: writes land in files and
the driver links do not move, so a bind "fails" its verification there; the
tests check the refusals, the files written, and that nothing is written when
nothing may be. Ends with "N passed, N failed".
"""
import json
import os
import shutil
import socket
import struct
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(__file__))
import test_cli as t  # noqa: E402

FIXTURE = os.path.join(t.FIXTURES, "vm-igb-nvme-vf4.tar")
IGB_DIR = "sys/devices/pci0000:00/0000:00:02.0"
VF0, VF1, VF2, VF3 = "0000:01:10.0", "0000:01:10.2", "0000:01:10.4", "0000:01:10.6"
HOLDER_PID = 4242


def path(root, rel):
    return os.path.join(root, rel)


def write(root, rel, data):
    p = path(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def read(root, rel):
    with open(path(root, rel)) as f:
        return f.read()


def symlink(root, rel, target):
    p = path(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    if os.path.lexists(p):
        os.unlink(p)
    os.symlink(target, p)


def nl_addr(ifindex, family, addr, plen):
    """One RTM_NEWADDR message as the kernel lays it out."""
    raw = socket.inet_pton(family, addr)
    attr = struct.pack("=HH", 4 + len(raw), 1) + raw  # IFA_ADDRESS
    attr += b"\0" * (-len(attr) % 4)
    body = struct.pack("=BBBBI", family, plen, 0, 0, ifindex) + attr
    return struct.pack("=IHHII", 16 + len(body), 20, 2, 1, 0) + body  # RTM_NEWADDR


def make_tree(tmp, name="root"):
    root = os.path.join(tmp, name)
    os.mkdir(root)
    t.extract(FIXTURE, root)
    for fn in (VF0, VF1, VF2, VF3, "0000:01:00.0", "0000:02:00.1", "0000:00:1f.0"):
        write(root, f"sys/bus/pci/devices/{fn}/driver_override", "(null)\n")
    for drv in ("igb", "igbvf", "vfio-pci", "nvme"):
        write(root, f"sys/bus/pci/drivers/{drv}/unbind", "")
    write(root, "sys/bus/pci/drivers_probe", "")
    # eth3 (VF 2): up, ifindex 7, 192.0.2.10/24 in the recorded address dump
    write(root, f"{IGB_DIR}/0000:01:10.4/net/eth3/flags", "0x1003\n")
    write(root, f"{IGB_DIR}/0000:01:10.4/net/eth3/ifindex", "7\n")
    write(root, ".sriovctl/rtnl/addr",
          nl_addr(7, socket.AF_INET, "192.0.2.10", 24)
          + nl_addr(7, socket.AF_INET6, "fe80::2", 64))
    # VF 1 on vfio-pci (by its override), a QEMU-like process holding its group (8)
    symlink(root, f"{IGB_DIR}/0000:01:10.2/driver", "../../../../bus/pci/drivers/vfio-pci")
    write(root, f"sys/bus/pci/devices/{VF1}/driver_override", "vfio-pci\n")
    symlink(root, f"proc/{HOLDER_PID}/fd/0", "/dev/null")
    symlink(root, f"proc/{HOLDER_PID}/fd/17", "/dev/vfio/8")
    write(root, f"proc/{HOLDER_PID}/comm", "qemu-system-x86\n")
    write(root, f"proc/{HOLDER_PID}/cmdline",
          "qemu-system-x86_64\0-name\0guest=testvm,debug-threads=on\0-m\0512\0")
    return root


def run_root(args, root):
    return t.run(args + ["--root", root])


def vf_json(doc, index, pf="0000:01:00.0"):
    for p in doc["pfs"]:
        if p["address"] == pf:
            for v in p["vfs"]:
                if v["index"] == index:
                    return v
    return None


# ---- show: used_by -------------------------------------------------------------


def test_show_used_by(root):
    rc, out, err = run_root(["show", "--json"], root)
    t.check("show --json exits 0", rc == 0, err)
    doc = json.loads(out)
    users = vf_json(doc, 1)["used_by"]
    t.check("show: VF 1 used by the holder",
            users == [{"kind": "process", "pid": HOLDER_PID, "command": "qemu-system-x86",
                       "vm": "testvm", "device": "/dev/vfio/8"}], repr(users))
    users = vf_json(doc, 2)["used_by"]
    t.check("show: VF 2 used by its netdev with its address (link-local left out)",
            users == [{"kind": "netdev", "netdev": "eth3", "addresses": ["192.0.2.10/24"],
                       "default_route": False}], repr(users))
    t.check("show: VF 0 and 3 unused", vf_json(doc, 0)["used_by"] == []
            and vf_json(doc, 3)["used_by"] == [])
    t.check("show: NVMe VFs unused", vf_json(doc, 0, "0000:02:00.0")["used_by"] == [])
    rc, out, _ = run_root(["show"], root)
    t.check("show text names the holder",
            'in use: pid 4242 qemu-system-x86 (VM "testvm") holds /dev/vfio/8' in out, out)
    t.check("show text names the netdev", "in use: eth3 is up with 192.0.2.10/24" in out, out)
    rc, out, _ = run_root(["show", "eth0/1", "--json"], root)
    vfs = json.loads(out)["pfs"][0]["vfs"] if rc == 0 else []
    t.check("show eth0/1 keeps used_by", len(vfs) == 1 and len(vfs[0]["used_by"]) == 1)


def test_show_pf_used_by(tmp):
    root = make_tree(tmp, "pf-users")
    # the PF's eth0 (ifindex 2) up with an address, and a process holding its group (5)
    write(root, f"{IGB_DIR}/0000:01:00.0/net/eth0/flags", "0x1003\n")
    write(root, ".sriovctl/rtnl/addr", nl_addr(2, socket.AF_INET, "198.51.100.1", 24))
    symlink(root, "proc/4343/fd/5", "/dev/vfio/5")
    write(root, "proc/4343/comm", "dpdk-testpmd\n")
    rc, out, err = run_root(["show", "--json"], root)
    pfs = {p["address"]: p for p in json.loads(out)["pfs"]} if rc == 0 else {}
    users = pfs.get("0000:01:00.0", {}).get("used_by")
    t.check("show: the PF's used_by names the holder and its netdev",
            users == [{"kind": "process", "pid": 4343, "command": "dpdk-testpmd", "vm": None,
                       "device": "/dev/vfio/5"},
                      {"kind": "netdev", "netdev": "eth0", "addresses": ["198.51.100.1/24"],
                       "default_route": False}], repr(users) + err)
    t.check("show: the NVMe PF is unused", pfs.get("0000:02:00.0", {}).get("used_by") == [])
    rc, out, _ = run_root(["show", "eth0"], root)
    t.check("show text: the PF's users under its netdev",
            "  netdev:    eth0 " in out and "\n  in use:    pid 4343 dpdk-testpmd holds /dev/vfio/5\n"
            "  in use:    eth0 is up with 198.51.100.1/24\n  VFs:  " in out, out)


def test_show_default_route(tmp):
    root = make_tree(tmp, "route")
    write(root, "proc/net/route",
          "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
          "eth3\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n")
    doc = json.loads(run_root(["show", "--json"], root)[1])
    users = vf_json(doc, 2)["used_by"]
    t.check("show: default route on eth3", len(users) == 1 and users[0]["default_route"] is True,
            repr(users))
    # down: not in use, addresses or not
    write(root, f"{IGB_DIR}/0000:01:10.4/net/eth3/flags", "0x1002\n")
    doc = json.loads(run_root(["show", "--json"], root)[1])
    t.check("show: eth3 down is not in use", vf_json(doc, 2)["used_by"] == [])


def test_capture_replays_users(tmp, root):
    arch = os.path.join(tmp, "users.tar")
    rc, _, err = run_root(["capture", arch], root)
    t.check("capture of a tree with users exits 0", rc == 0, err)
    again = os.path.join(tmp, "again")
    os.mkdir(again)
    t.extract(arch, again)
    a = run_root(["show", "--json"], root)[1]
    b = run_root(["show", "--json"], again)[1]
    t.check("capture replays used_by identically", a == b and '"pid": 4242' in b)
    t.check("capture keeps the vfio fd, not the others",
            os.path.islink(path(again, f"proc/{HOLDER_PID}/fd/17"))
            and not os.path.lexists(path(again, f"proc/{HOLDER_PID}/fd/0")))


# ---- bad input: exit 2, nothing changed ------------------------------------------


def test_bad_input(root):
    before = t.tree_digest(root)
    cases = [
        ("driver with ..", ["bind", "eth0/0", "../../evil"], ["../../evil"]),
        ("driver with /", ["bind", "eth0/0", "vfio/pci"], ["vfio/pci"]),
        ("driver with a dot", ["bind", "eth0/0", "vfio.pci"], ["vfio.pci"]),
        ("driver too long", ["bind", "eth0/0", "x" * 65], ["x" * 65, "64"]),
        ("empty driver", ["bind", "eth0/0", ""], ["invalid driver name"]),
        ("missing driver", ["bind", "eth0/0"], ["missing DRIVER"]),
        ("missing DEV", ["unbind"], ["missing DEV"]),
        ("extra argument", ["unbind", "eth0/0", "extra"], ["extra"]),
        ("unknown device", ["bind", "nosuch0", "vfio-pci"], ["no such device: nosuch0"]),
        ("index out of range", ["bind", "eth0/4", "vfio-pci"], ["4", "0-3"]),
        ("index list out of range", ["unbind", "eth0/2-7"], ["7", "out of range"]),
        ("VF index of a VF", ["bind", f"{VF0}/0", "vfio-pci"], ["not an SR-IOV physical function"]),
        ("unknown option", ["bind", "eth0/0", "vfio-pci", "--frobnicate"], ["--frobnicate"]),
    ]
    for name, args, words in cases:
        t.expect_usage(f"bind: {name}", args + ["--root", root], words)
    t.check("bad input: the tree is unchanged", t.tree_digest(root) == before)


def test_help():
    for cmd in ("bind", "unbind"):
        rc, out, _ = t.run([cmd, "--help"])
        t.check(f"{cmd} --help exits 0", rc == 0 and out.startswith(f"Usage: sriovctl {cmd} "))
        for word in ("--force", "--dry-run", "Exit status", "Example"):
            t.check(f"{cmd} --help mentions {word}", word in out)
    rc, out, _ = t.run(["--help"])
    t.check("--help lists bind and unbind", "  bind " in out and "  unbind " in out)


# ---- dry run -----------------------------------------------------------------------


def test_dry_run(root):
    before = t.tree_digest(root)
    rc, out, err = run_root(["bind", "eth0/0", "vfio-pci", "--dry-run"], root)
    t.check("dry run exits 0", rc == 0, err)
    t.check("dry run says what would change",
            f"{VF0}: igbvf -> vfio-pci (dry run" in out
            and f"would write vfio-pci to /sys/bus/pci/devices/{VF0}/driver_override" in out
            and f"would write {VF0} to /sys/bus/pci/drivers/igbvf/unbind" in out
            and f"would write {VF0} to /sys/bus/pci/drivers_probe" in out, out)
    rc, out, err = run_root(["bind", "eth0/0-1", "vfio-pci", "--dry-run", "--json"], root)
    t.check("dry run of a range exits 0", rc == 0, err)
    doc = json.loads(out) if rc == 0 else {}
    fns = doc.get("functions", [])
    t.check("range: one object per VF", [f["address"] for f in fns] == [VF0, VF1], out[:300])
    if len(fns) == 2:
        f = fns[0]
        t.check("JSON keys", all(k in f for k in (
            "address", "action", "requested_driver", "previous_driver", "previous_override",
            "driver", "override", "vfio_device", "iommu_group", "dry_run", "changed", "steps",
            "used_by", "warnings")), repr(list(f)))
        t.check("JSON dry run: nothing done", f["dry_run"] is True and f["changed"] is False
                and all(s["done"] is False for s in f["steps"]), repr(f))
        t.check("JSON steps", [s["path"] for s in f["steps"]] == [
            f"/sys/bus/pci/devices/{VF0}/driver_override", "/sys/bus/pci/drivers/igbvf/unbind",
            "/sys/bus/pci/drivers_probe"], repr(f["steps"]))
        t.check("JSON: VF 1 is on vfio-pci already", fns[1]["steps"] == []
                and fns[1]["previous_driver"] == "vfio-pci", repr(fns[1]))
    rc, out, err = run_root(["unbind", "eth0/1", "--dry-run", "--json", "--force"], root)
    doc = json.loads(out) if rc == 0 else {}
    t.check("forced dry run names the holder it goes past",
            rc == 0 and doc.get("used_by", [{}])[0].get("pid") == HOLDER_PID
            and "in use (forced)" in " ".join(doc.get("warnings", [])), out + err)
    t.check("forced dry run warns on stderr too", "warning:" not in err or "testvm" in err, err)
    t.check("dry run changed nothing", t.tree_digest(root) == before)


# ---- refusals ----------------------------------------------------------------------


def test_refusals(root):
    before = t.tree_digest(root)
    rc, out, err = run_root(["unbind", VF1], root)
    t.check("unbind of a held VF: exit 1", rc == 1, f"rc={rc}")
    t.check("refusal names pid, command, VM and device",
            all(w in err for w in ("4242", "qemu-system-x86", "testvm", "/dev/vfio/8")), err)
    rc, _, err = run_root(["bind", "eth0/1", "default"], root)
    t.check("bind default of a held VF: exit 1", rc == 1 and "testvm" in err, err)
    rc, _, err = run_root(["unbind", "eth3"], root)
    t.check("unbind of a VF whose netdev has an address: exit 1",
            rc == 1 and "192.0.2.10/24" in err, err)
    rc, _, err = run_root(["bind", "eth0/2", "vfio-pci"], root)
    t.check("bind vfio-pci away from a netdev in use: exit 1", rc == 1 and "eth3" in err, err)
    rc, _, err = run_root(["unbind", "eth0"], root)
    t.check("unbind of a PF with VFs: exit 1", rc == 1 and "4 VFs enabled" in err, err)
    rc, _, err = run_root(["bind", "eth0/0", "mlx5_core"], root)
    t.check("driver not loaded in the tree: exit 1 with modprobe",
            rc == 1 and "modprobe mlx5_core" in err, err)
    t.check("refusals changed nothing", t.tree_digest(root) == before)


def test_group_checks(tmp):
    root = make_tree(tmp, "groups")
    # group 4: 00:1f.0, 00:1f.2, 00:1f.3; give 00:1f.2 a driver
    symlink(root, "sys/devices/pci0000:00/0000:00:1f.2/driver", "../../../bus/pci/drivers/ahci")
    before = t.tree_digest(root)
    rc, _, err = run_root(["bind", "0000:00:1f.0", "vfio-pci"], root)
    t.check("group not viable: exit 1 naming the member and its driver",
            rc == 1 and "0000:00:1f.2 (ahci)" in err and "IOMMU group 4" in err, err)
    os.unlink(path(root, f"{IGB_DIR}/0000:01:10.6/iommu_group"))
    before = t.tree_digest(root)
    rc, _, err = run_root(["bind", VF3, "vfio-pci"], root)
    t.check("no IOMMU group: exit 1 explaining the IOMMU",
            rc == 1 and "no IOMMU group" in err and "intel_iommu=on" in err, err)
    t.check("group refusals changed nothing", t.tree_digest(root) == before)
    rc, out, err = run_root(["bind", "0000:00:1f.0", "vfio-pci", "--force", "--dry-run"], root)
    t.check("--force goes past a non-viable group, with a warning",
            rc == 0 and "not viable (forced)" in err, err)


# ---- changes in a tree ---------------------------------------------------------------


def test_bind_writes(tmp):
    root = make_tree(tmp, "writes")
    rc, out, err = run_root(["bind", "eth0/0", "vfio-pci"], root)
    # no kernel in a tree: the probe "succeeds" and the VF stays on igbvf
    t.check("bind in a tree: verification catches that nothing bound",
            rc == 1 and "drivers_probe returned" in err and "igbvf" in err, err)
    t.check("bind wrote the override", read(root, f"sys/bus/pci/devices/{VF0}/driver_override")
            .startswith("vfio-pci"))
    t.check("bind unbound from igbvf", read(root, "sys/bus/pci/drivers/igbvf/unbind") == VF0)
    t.check("bind asked for a probe", read(root, "sys/bus/pci/drivers_probe") == VF0)
    t.check("bind: the failed steps are listed", "wrote vfio-pci to" in err, err)
    # already so: VF 3 on vfio-pci with its group's node present
    symlink(root, f"{IGB_DIR}/0000:01:10.6/driver", "../../../../bus/pci/drivers/vfio-pci")
    write(root, "dev/vfio/10", "")
    before = t.tree_digest(root)
    rc, out, err = run_root(["bind", VF3, "vfio-pci"], root)
    t.check("already bound: exit 0", rc == 0, err)
    t.check("already bound: says so with the node",
            f"{VF3}: already bound to vfio-pci (/dev/vfio/10)" in out, out)
    rc, out, err = run_root(["bind", VF3, "vfio-pci", "--json"], root)
    doc = json.loads(out) if rc == 0 else {}
    t.check("already bound JSON", doc.get("changed") is False and doc.get("steps") == []
            and doc.get("driver") == "vfio-pci" and doc.get("vfio_device") == "/dev/vfio/10"
            and doc.get("previous_driver") == "vfio-pci", out)
    rc, out, _ = run_root(["unbind", "0000:02:00.1"], root)
    t.check("unbind of an unbound VF: exit 0, nothing to do",
            rc == 0 and "nothing to unbind" in out, out)
    t.check("nothing-to-do commands changed nothing", t.tree_digest(root) == before)
    rc, _, err = run_root(["unbind", VF1, "--force"], root)
    t.check("--force unbinds a held VF (the tree's link stays: exit 1)",
            rc == 1 and read(root, "sys/bus/pci/drivers/vfio-pci/unbind") == VF1
            and "still bound to vfio-pci" in err, err)


def test_not_root(tmp):
    """On the live host without root: exit 3 before anything is read or written.

    As root, a copy of the binary runs as uid 65534 from a directory it can
    reach, so the check runs from any checkout (also one in /root, mode 0700).
    """
    pci = "/sys/bus/pci/devices"
    devs = sorted(os.listdir(pci)) if os.path.isdir(pci) else []
    if not devs:
        t.check("not root: the live host has a PCI device to name", False,
                f"{pci} is empty or missing: the check cannot run")
        return
    args = ["bind", devs[0], "vfio-pci"]
    if os.geteuid() == 0:
        workdir = os.path.join(tmp, "nobody")
        os.mkdir(workdir)
        os.chmod(tmp, 0o755)
        os.chmod(workdir, 0o755)
        ran = t.run_as_nobody(args, workdir)
        if ran is None:
            return
        rc, _, err = ran
    else:
        rc, _, err = t.run(args)
    t.check("not root on the live host: exit 3", rc == 3 and "needs root" in err, f"rc={rc} {err}")


def main():
    if t.binary_missing():
        return 1
    tmp = tempfile.mkdtemp(prefix="sriov-bind-")
    try:
        root = make_tree(tmp)
        test_help()
        test_show_used_by(root)
        test_show_pf_used_by(tmp)
        test_show_default_route(tmp)
        test_capture_replays_users(tmp, root)
        test_bad_input(root)
        test_dry_run(root)
        test_refusals(root)
        test_group_checks(tmp)
        test_bind_writes(tmp)
        test_not_root(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
