#!/usr/bin/env python3
"""CLI tests for a netdevsim device as a PF, on a recorded tree.

The igb tree (tests/fixtures/vm-igb-nvme-vf4.tar) gets a netdevsim device
laid out as the kernel does (sys/devices/netdevsim10 with sriov_numvfs 3,
netdevs eth5, the PF port, and eth6, a VF representor; debugfs max_vfs 8)
and a recorded rtnetlink reply for eth5 (eth0's, 4 VFs). Its VFs have no
PCI function: show and vf show say so with nulls and dashes, bind, export
and apply's vf_driver refuse with exit 2, enable and apply ([pf netdevsim10])
plan writes to its own sriov_numvfs. Nothing changes the tree. Ends with "N passed, N failed".
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import test_cli as t  # noqa: E402
from test_vf import tree_digest  # noqa: E402

IGB = os.path.join(t.FIXTURES, "vm-igb-nvme-vf4.tar")


def add_netdevsim(root):
    dev = os.path.join(root, "sys/devices/netdevsim10")
    bus = os.path.join(root, "sys/bus/netdevsim")
    os.makedirs(os.path.join(bus, "devices"))
    os.makedirs(os.path.join(bus, "drivers/netdevsim"))
    os.makedirs(os.path.join(root, "sys/module/netdevsim"))
    os.makedirs(os.path.join(root, "sys/kernel/debug/netdevsim/netdevsim10"))
    write(os.path.join(root, "sys/kernel/debug/netdevsim/netdevsim10/max_vfs"), "8")
    write(os.path.join(dev, "sriov_numvfs"), "3")
    os.symlink("../../bus/netdevsim/drivers/netdevsim", os.path.join(dev, "driver"))
    os.symlink("../../../../module/netdevsim", os.path.join(bus, "drivers/netdevsim/module"))
    os.symlink("../../../devices/netdevsim10", os.path.join(bus, "devices/netdevsim10"))
    for name, ifindex, port in (("eth5", 15, "p0"), ("eth6", 16, "pf0vf0")):
        nd = os.path.join(dev, "net", name)
        write(os.path.join(nd, "phys_port_name"), port)
        write(os.path.join(nd, "ifindex"), str(ifindex))
        write(os.path.join(nd, "address"), "02:00:00:00:00:%02x" % ifindex)
        write(os.path.join(nd, "operstate"), "down")
        os.symlink("../../devices/netdevsim10/net/" + name,
                   os.path.join(root, "sys/class/net", name))
    rtnl = os.path.join(root, ".sriovctl/rtnl")
    shutil.copyfile(os.path.join(rtnl, "eth0"), os.path.join(rtnl, "eth5"))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")


def sriovctl(root, *args):
    return t.run(list(args) + ["--root", root])


def load(out):
    try:
        return json.loads(out)
    except ValueError:
        return None


def pf_of(doc, address):
    return next((p for p in (doc or {}).get("pfs", []) if p["address"] == address), None)


def test_list(root):
    rc, out, err = sriovctl(root, "list", "--json")
    nsim = pf_of(load(out), "netdevsim10")
    t.check("list: the netdevsim PF", rc == 0 and nsim is not None, out + err)
    if nsim:
        t.check("list: its bus, name, counts and PF netdev (no representor)",
                (nsim["bus_name"], nsim["dev_name"], nsim["num_vfs"], nsim["total_vfs"],
                 nsim["netdevs"], nsim["driver"], nsim["vendor_id"])
                == ("netdevsim", "netdevsim10", 3, 8, ["eth5"], "netdevsim", None), nsim)
    igb = pf_of(load(out), "0000:01:00.0")
    t.check("list: a PCI PF's bus and name", igb is not None
            and (igb["bus_name"], igb["dev_name"]) == ("pci", "0000:01:00.0"))


def test_show(root):
    rc, out, err = sriovctl(root, "show", "--json")
    full = load(out)
    nsim, igb = pf_of(full, "netdevsim10"), pf_of(full, "0000:01:00.0")
    t.check("show --json: both PFs", rc == 0 and nsim and igb, err)
    if not nsim or not igb:
        return
    vfs = nsim["vfs"]
    t.check("show --json: 3 VFs without PCI functions",
            [v["index"] for v in vfs] == [0, 1, 2]
            and all(v["address"] is None and v["driver"] is None and v["iommu_group"] is None
                    and v["device_id"] is None and v["netdevs"] == [] for v in vfs), vfs)
    keys = ("mac", "vlan", "qos", "spoofchk", "trust", "link_state")
    t.check("show --json: the recorded settings, as eth0's VFs 0-2",
            [[v[k] for k in keys] for v in vfs]
            == [[v[k] for k in keys] for v in igb["vfs"][:3]], vfs)
    t.check("show --json: no PCI identity", nsim["vendor_id"] is None
            and nsim["capabilities"] is None and nsim["iommu_group"] is None)
    for name in ("netdevsim10", "netdevsim/netdevsim10", "eth5", "eth6"):
        rc, out, err = sriovctl(root, "show", "--json", name)
        doc = load(out)
        t.check(f"show {name}: the same PF", rc == 0 and doc is not None
                and doc["pfs"] == [nsim], out[:200] + err)
    rc, out, err = sriovctl(root, "show", "netdevsim10")
    t.check("show text: the PF line and dashes for the VF's PCI columns", rc == 0
            and out.startswith("netdevsim10: netdevsim/netdevsim10, VFs without PCI functions")
            and "max_vfs of netdevsim" in out
            and any(line.split()[:5] == ["1", "-", "-", "-", "-"] for line in out.splitlines()),
            out)


def test_vf(root):
    rc, out, err = sriovctl(root, "vf", "netdevsim/netdevsim10/2", "show", "--json")
    doc = load(out)
    t.check("vf PF/2 show --json", rc == 0 and doc is not None
            and doc["pf"] == "netdevsim10" and doc["netdev"] == "eth5"
            and [v["index"] for v in doc["vfs"]] == [2] and doc["vfs"][0]["address"] is None,
            out + err)
    rc, out, err = sriovctl(root, "vf", "netdevsim10/1", "set", "vlan", "5", "mac",
                            "02:00:00:00:01:01", "--dry-run")
    t.check("vf PF/1 set --dry-run: requests on eth5", rc == 0
            and "eth5 (netdevsim10, ifindex 15)" in out and "vf 1 IFLA_VF_VLAN: vlan 5" in out
            and "vf 1 IFLA_VF_MAC: mac 02:00:00:00:01:01" in out, out + err)
    rc, out, err = sriovctl(root, "vf", "netdevsim10/3", "show")
    t.check("vf PF/3 show: out of range, exit 2", rc == 2 and "0-2" in err, err)


def test_enable(root):
    rc, out, err = sriovctl(root, "enable", "netdevsim10", "5", "--dry-run")
    t.check("enable --dry-run: its own sriov_numvfs, no wait for drivers", rc == 0
            and "write 5 to /sys/bus/netdevsim/devices/netdevsim10/sriov_numvfs" in out
            and "wait" not in out, out + err)
    rc, out, err = sriovctl(root, "enable", "netdevsim10", "9", "--dry-run")
    t.check("enable above max_vfs: exit 2", rc == 2 and "8" in err, err)
    rc, out, err = sriovctl(root, "enable", "netdevsim10", "2", "--autoprobe", "no",
                            "--dry-run")
    t.check("enable --autoprobe: does not apply, exit 2", rc == 2
            and "not PCI functions" in err, err)


def test_apply(root, tmp):
    conf = os.path.join(tmp, "nsim.conf")
    write(conf, "[pf netdevsim10]\nnum_vfs = 2\n\n[vf netdevsim10 1]\n"
          "mac = 02:00:00:00:00:aa\nvlan = 7")
    rc, out, err = sriovctl(root, "apply", conf, "--dry-run")
    t.check("apply [pf netdevsim10] --dry-run: its count and VF 1", rc == 0
            and "num_vfs      3 -> 2" in out and "vf 1      mac" in out
            and "vf 1      vlan" in out, out + err)
    write(conf, "[pf netdevsim10]\nvf_driver = vfio-pci")
    rc, out, err = sriovctl(root, "apply", conf, "--dry-run")
    t.check("apply vf_driver on netdevsim: exit 2 naming the line", rc == 2
            and "nsim.conf:2" in err and "not PCI functions" in err, out + err)


def test_check(root):
    rc, out, err = sriovctl(root, "check", "--json")
    doc = load(out) or {}
    mine = [(f["id"], f["status"]) for f in doc.get("findings", [])
            if f.get("subject") == "netdevsim10"]
    t.check("check: the PCI rules skip the netdevsim PF, in one finding",
            mine == [("pf.pci", "skip")], mine)
    igb = [f["id"] for f in doc.get("findings", []) if f.get("subject") == "0000:01:00.0"]
    t.check("check: the PCI PF still gets them", "pf.driver" in igb, igb)


def test_refusals(root):
    for args, what in ((["bind", "netdevsim10/0", "vfio-pci"], "no driver to bind"),
                       (["bind", "netdevsim10", "vfio-pci"], "no driver to bind"),
                       (["export", "netdevsim10/0", "--format", "qemu"], "nothing to pass through"),
                       (["export", "netdevsim10", "--format", "libvirt"], "nothing to pass through"),
                       (["show", "netdevsim/eth5"], "netdevsimN"),
                       (["show", "pci/netdevsim10"], "PCI address"),
                       (["show", "netdevsim/netdevsim11"], "no such device")):
        rc, out, err = sriovctl(root, *args)
        t.check(f"{' '.join(args)}: exit 2 with the reason", rc == 2 and what in err,
                f"rc={rc} {err}")


def main():
    if t.binary_missing():
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "root")
        t.extract(IGB, root)
        add_netdevsim(root)
        before = tree_digest(root)
        test_list(root)
        test_show(root)
        test_vf(root)
        test_enable(root)
        test_refusals(root)
        test_apply(root, tmp)
        test_check(root)
        t.check("the tree did not change", tree_digest(root) == before)
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
