#!/usr/bin/env python3
"""CLI tests for devlink: `show` and `pf DEV show|set` with --root trees that
hold recorded devlink replies.

The replies are synthetic (tests/devlink_replies.py: built after the mlx5 and
ice drivers' documented output, not captured from hardware). They are stored
where `capture` puts them (.sriovctl/devlink/pci/ADDRESS) in copies of the
recorded igb and x710 trees, keyed by the PF's PCI address: what is tested is
the PCI -> devlink mapping, the parser on the real binary and the output.
Ends with "N passed, N failed".
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import test_cli as t  # noqa: E402
import devlink_replies as dr  # noqa: E402

IGB = os.path.join(t.FIXTURES, "vm-igb-nvme-vf4.tar")  # 0000:01:00.0 eth0, 4 VFs
X710 = os.path.join(t.FIXTURES, "generated-x710-2pf.tar")  # 0000:01:00.0, 0000:02:00.0


def show(root, *args):
    return t.run(["show"] + list(args) + ["--root", root])


def show_json(root, *args):
    rc, out, err = show(root, "--json", *args)
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err


def pf_of(doc, address):
    for pf in doc["pfs"] if doc else []:
        if pf["address"] == address:
            return pf
    return None


def test_mlx5_switchdev(root):
    name = "mlx5 switchdev"
    rc, out, err = show(root, "0000:01:00.0")
    t.check(f"{name}: show exits 0", rc == 0, err)
    t.check(f"{name}: text names the handle", "devlink:   pci/0000:01:00.0" in out, out)
    t.check(f"{name}: text has the eswitch modes",
            "eswitch:   switchdev, inline-mode none, encap basic" in out, out)
    t.check(f"{name}: text has the rate node",
            "rate node: group1 tx_share 0 tx_max 1000 Mbit/s" in out, out)
    row = [line.split() for line in out.splitlines() if "enp3s0f0npf0vf1" in line]
    t.check(f"{name}: VF 1's port row",
            row == [["1", "2", "enp3s0f0npf0vf1", "00:00:00:00:00:00", "-", "-", "on",
                     "off", "10", "100", "group1"]], row)

    rc, doc, err = show_json(root)
    pf = pf_of(doc, "0000:01:00.0")
    t.check(f"{name}: show --json exits 0", rc == 0 and pf is not None, err)
    if not pf:
        return
    dl = pf["devlink"]
    t.check(f"{name}: JSON handle and eswitch",
            dl and dl["handle"] == "pci/0000:01:00.0" and dl["eswitch"] ==
            {"mode": "switchdev", "inline_mode": "none", "encap_mode": "basic"} and
            dl["eswitch_error"] is None, dl)
    t.check(f"{name}: JSON rate nodes", dl and dl["rate_nodes"] == [
        {"name": "group1", "tx_share": 0, "tx_max": 1000, "parent": None}], dl)
    ports = [v["devlink"] for v in pf["vfs"]]
    t.check(f"{name}: one port per VF, in VF order",
            [p and p["port_index"] for p in ports] == [1, 2, 3, 4], ports)
    t.check(f"{name}: VF 0's port function", ports[0] == {
        "port_index": 1, "flavour": "pcivf", "representor": "enp3s0f0npf0vf0",
        "hw_addr": "02:25:d0:13:01:00", "state": None, "opstate": None, "roce": True,
        "migratable": False,
        "rate": {"tx_share": 0, "tx_max": 0, "parent": None}}, ports[0])
    t.check(f"{name}: VF 1's rate in Mbit/s with its parent",
            ports[1]["rate"] == {"tx_share": 10, "tx_max": 100, "parent": "group1"},
            ports[1])
    nvme = pf_of(doc, "0000:02:00.0")
    t.check(f"{name}: a PF without a recording has devlink null",
            nvme and nvme["devlink"] is None and
            all(v["devlink"] is None for v in nvme["vfs"]), nvme and nvme["devlink"])

    rc, out, _ = show(root, "0000:01:00.0/2")
    rows = [line.split()[0] for line in out.splitlines() if "enp3s0f0npf0vf" in line]
    t.check(f"{name}: show PF/2 lists VF 2's port only", rc == 0 and rows == ["2"], out)


def test_ice_legacy(root):
    name = "ice legacy"
    rc, doc, err = show_json(root)
    pf = pf_of(doc, "0000:01:00.0")
    t.check(f"{name}: show --json exits 0", rc == 0 and pf is not None, err)
    if not pf:
        return
    t.check(f"{name}: eswitch legacy without inline or encap mode",
            pf["devlink"] and pf["devlink"]["eswitch"] ==
            {"mode": "legacy", "inline_mode": None, "encap_mode": None}, pf["devlink"])
    t.check(f"{name}: no rate nodes", pf["devlink"]["rate_nodes"] == [])
    want = [{"port_index": 1 + i, "flavour": "pcivf", "representor": None,
             "hw_addr": None, "state": None, "opstate": None, "roce": None,
             "migratable": None, "rate": None} for i in range(4)]
    t.check(f"{name}: VF ports without representor, function or rate",
            [v["devlink"] for v in pf["vfs"]] == want, [v["devlink"] for v in pf["vfs"]])
    other = pf_of(doc, "0000:02:00.0")
    t.check(f"{name}: the second PF (no recording) has devlink null",
            other and other["devlink"] is None)
    rc, out, _ = show(root, "0000:01:00.0")
    t.check(f"{name}: text eswitch line", "  eswitch:   legacy\n" in out, out)
    rc, out, _ = show(root, "0000:02:00.0")
    t.check(f"{name}: text says briefly that there is none",
            "  devlink:   none (no instance)\n" in out and "eswitch" not in out, out)


def test_no_eswitch(root):
    name = "no eswitch control"
    dr.write_recording(root, "0000:02:00.0", dr.no_eswitch("0000:02:00.0"))
    rc, doc, err = show_json(root, "0000:02:00.0")
    pf = pf_of(doc, "0000:02:00.0")
    t.check(f"{name}: eswitch null with the kernel's reason",
            rc == 0 and pf and pf["devlink"]["eswitch"] is None and
            pf["devlink"]["eswitch_error"] == "Operation not supported", err)
    rc, out, _ = show(root, "0000:02:00.0")
    t.check(f"{name}: text", "eswitch:   none (the driver has no eswitch control)" in out,
            out)
    dr.write_recording(root, "0000:02:00.0", b"\x01\x02\x03 not netlink")
    rc, out, err = show(root, "0000:02:00.0")
    t.check(f"{name}: a damaged recording: no instance, a note naming it, exit 1",
            rc == 1 and "devlink:   none (the recording is not devlink replies)" in out
            and "/.sriovctl/devlink/pci/0000:02:00.0: not recorded devlink replies" in err,
            f"rc={rc} {out} {err}")
    os.unlink(os.path.join(root, ".sriovctl", "devlink", "pci", "0000:02:00.0"))


def test_capture_keeps_devlink(root, tmp):
    name = "capture"
    arch = os.path.join(tmp, "again.tar")
    rc, _, err = t.run(["capture", arch, "--root", root])
    again = os.path.join(tmp, "again")
    os.mkdir(again)
    t.extract(arch, again)
    a = show_json(root)[1]
    b = show_json(again)[1]
    t.check(f"{name}: the devlink recording replays identically",
            rc == 0 and a is not None and a == b and
            pf_of(b, "0000:01:00.0")["devlink"] is not None, err)
    rc, out, err = t.run(["pf", "eth0", "show", "--json", "--root", again])
    t.check(f"{name}: the PF's MTU is in the capture",
            rc == 0 and json.loads(out)["mtu"] == 1500, f"rc={rc} {out} {err}")


def pf(root, *args):
    return t.run(["pf"] + list(args) + ["--root", root])


def journal(root):
    try:
        with open(os.path.join(root, "var", "lib", "sriovctl", "journal.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def test_pf_show(root):
    name = "pf show"
    rc, out, err = pf(root, "eth0", "show")
    t.check(f"{name}: exits 0", rc == 0, err)
    t.check(f"{name}: netdev and MTU", "  netdev:    eth0 mtu 1500\n" in out, out)
    t.check(f"{name}: eswitch", "eswitch:   switchdev, inline-mode none, encap basic" in out,
            out)
    rc, out, err = pf(root, "0000:01:00.0", "show", "--json")
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    t.check(f"{name} --json: PF, netdev, MTU",
            doc and doc["pf"] == "0000:01:00.0" and doc["netdev"] == "eth0" and
            doc["mtu"] == 1500 and doc["driver"] == "igb", out)
    t.check(f"{name} --json: devlink and the VF ports as in show",
            doc and doc["devlink"]["eswitch"]["mode"] == "switchdev" and
            [v["devlink"]["representor"] for v in doc["vfs"]] ==
            [f"enp3s0f0npf0vf{i}" for i in range(4)], out)


def test_pf_set_rate_nodes(root):
    name = "pf set eswitch with a rate node"
    rc, out, err = pf(root, "eth0", "set", "eswitch", "legacy", "--dry-run")
    t.check(f"{name}: refused before any change (exit 1), naming the node",
            rc == 1 and "without devlink rate nodes" in err and "(group1)" in err and
            "rate_group none" in err, f"rc={rc} {out} {err}")
    t.check(f"{name}: nothing journaled", journal(root) is None)


def test_pf_set(root):
    name = "pf set"
    rc, out, err = pf(root, "eth0", "set", "eswitch", "legacy", "inline_mode", "link",
                      "mtu", "9000", "encap", "basic", "--dry-run")
    t.check(f"{name} --dry-run: exits 0", rc == 0, err)
    t.check(f"{name} --dry-run: the three changes, the current values read",
            "eswitch      switchdev -> legacy" in out and
            "inline_mode  none -> link" in out and "mtu          1500 -> 9000" in out
            and "3 change(s) would be made" in out, out)
    rc, out, _ = pf(root, "eth0", "set", "encap", "basic", "--dry-run", "--json")
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    t.check(f"{name} --dry-run --json: a value already set is a note, no step",
            rc == 0 and doc is not None and doc["steps"] == [] and
            any("encap is basic already" in n for n in doc["notes"]), out)
    t.check(f"{name} --dry-run: nothing journaled", journal(root) is None)

    rc, out, err = pf(root, "eth0", "set", "mtu", "9000")
    mtu = os.path.join(root, "sys", "class", "net", "eth0", "mtu")
    with open(mtu) as f:
        now = f.read().strip()
    t.check(f"{name} mtu: written and read back", rc == 0 and now == "9000" and
            "mtu          1500 -> 9000  done" in out, f"rc={rc} {out} {err}")
    j = journal(root)
    t.check(f"{name} mtu: journaled with the value it replaced",
            j and j["command"] == "pf" and j["originals"] == [{
                "kind": "pf_attr", "pf": "0000:01:00.0", "vf": -1,
                "target": "0000:01:00.0", "key": "mtu", "old": "1500",
                "old_extra": ""}], j)
    rc, out, err = t.run(["restore", "--root", root])
    with open(mtu) as f:
        now = f.read().strip()
    t.check(f"{name}: restore puts the MTU back", rc == 0 and now == "1500" and
            "mtu          9000 -> 1500  done" in out, f"rc={rc} {out} {err}")
    t.check(f"{name}: restore drops the original", journal(root)["originals"] == [])


def test_pf_order(root):
    """The eswitch mode changes only in the order the PF's driver needs."""
    name = "pf set eswitch order"
    link = os.path.join(root, "sys", "bus", "pci", "devices", "0000:01:00.0", "driver")
    target = os.readlink(link)
    def as_driver(driver):
        os.makedirs(os.path.join(os.path.dirname(os.path.join(os.path.dirname(link),
                                                              target)), driver),
                    exist_ok=True)
        os.unlink(link)
        os.symlink(os.path.join(os.path.dirname(target), driver), link)

    as_driver("ice")
    rc, out, err = pf(root, "eth0", "set", "eswitch", "legacy", "--dry-run")
    t.check(f"{name}: ice with VFs: refused before any change, with the remedy",
            rc == 1 and "ice changes the eswitch mode only while the PF has no VFs "
            "(4 enabled)" in err and "hint: sriovctl disable" in err and out == "",
            f"rc={rc} {out} {err}")
    as_driver("mlx5_core")
    rc, out, err = pf(root, "eth0", "set", "eswitch", "legacy", "mtu", "9000",
                      "--dry-run")
    lines = [" ".join(ln.split()[2:]) for ln in out.splitlines() if "->" in ln]
    want = ([f"vf {i} driver igbvf -> (none)" for i in range(4)] +
            ["eswitch switchdev -> legacy", "mtu 1500 -> 9000"] +
            [f"vf {i} driver (none) -> igbvf" for i in range(4)])
    t.check(f"{name}: mlx5: VF drivers unbound first, bound again after", rc == 0 and
            lines == want, f"rc={rc} {lines} {err}")
    override = os.path.join(root, "sys", "bus", "pci", "devices", "0000:01:10.2",
                            "driver_override")
    with open(override, "w") as f:
        f.write("igbvf\n")
    rc, out, err = pf(root, "eth0", "set", "eswitch", "legacy", "--dry-run")
    t.check(f"{name}: mlx5: a VF bound through driver_override is left to the user",
            rc == 1 and "VF 1 has igbvf through driver_override" in err and
            "hint: sriovctl unbind 0000:01:00.0/1" in err, f"rc={rc} {out} {err}")
    os.unlink(override)
    os.unlink(link)
    os.symlink(target, link)
    rc, out, err = pf(root, "eth0", "set", "eswitch", "legacy", "--dry-run")
    t.check(f"{name}: other drivers: planned", rc == 0 and "switchdev -> legacy" in out,
            f"rc={rc} {out} {err}")


def test_pf_handle(root):
    """A devlink instance that is no PF of the inventory, by its handle."""
    name = "pf BUS/NAME show"
    dr.write_recording(root, "netdevsim10", dr.mlx5("netdevsim10", 3, bus="netdevsim"),
                       bus="netdevsim")
    rc, out, err = pf(root, "netdevsim/netdevsim10", "show", "--json")
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    ports = ((doc or {}).get("devlink") or {}).get("vf_ports") or []
    t.check(f"{name}: the instance with every VF port by VF number",
            rc == 0 and doc["handle"] == "netdevsim/netdevsim10" and
            [(p["vf"], p["pf_number"], p["port_index"]) for p in ports] ==
            [(0, 0, 1), (1, 0, 2), (2, 0, 3)], f"rc={rc} {out} {err}")
    rc, out, err = pf(root, "netdevsim/netdevsim10", "show")
    t.check(f"{name}: text", rc == 0 and "eswitch:   switchdev" in out and
            "not an SR-IOV PF sriovctl knows" in out, out + err)
    rc, _, err = pf(root, "netdevsim/netdevsim11", "show")
    t.check(f"{name}: an unknown handle is no such device (exit 2)",
            rc == 2 and "no such device: netdevsim/netdevsim11" in err, err)
    rc, _, err = pf(root, "netdevsim/netdevsim10", "set", "mtu", "1500")
    t.check(f"{name}: set needs a PF (exit 2)", rc == 2 and "no such device" in err, err)


def test_netdevsim_pf(tmp):
    """A netdevsim PF (test_netdevsim's tree) with its devlink recording."""
    import test_netdevsim as tn
    name = "netdevsim PF"
    root = os.path.join(tmp, "nsim")
    os.mkdir(root)
    t.extract(IGB, root)
    tn.add_netdevsim(root)
    dr.write_recording(root, "netdevsim10", dr.netdevsim("netdevsim10", 3),
                       bus="netdevsim")
    with open(os.path.join(root, "sys", "class", "net", "eth5", "mtu"), "w") as f:
        f.write("1500\n")
    rc, doc, err = show_json(root, "netdevsim10")
    nsim = pf_of(doc, "netdevsim10")
    t.check(f"{name}: show --json: the instance and each VF's port",
            rc == 0 and nsim and nsim["devlink"]["handle"] == "netdevsim/netdevsim10" and
            [(v["devlink"] or {}).get("representor") for v in nsim["vfs"]] ==
            ["eth6", "eth7", "eth8"], f"rc={rc} {err} {nsim and nsim.get('devlink')}")
    rc, out, err = pf(root, "netdevsim10", "set", "eswitch", "legacy", "--dry-run")
    t.check(f"{name}: pf set eswitch --dry-run plans the switch",
            rc == 0 and "netdevsim10 eth5" in out and "switchdev -> legacy" in out,
            f"rc={rc} {out} {err}")
    rc, out, err = pf(root, "netdevsim/netdevsim10", "set", "mtu", "9000")
    j = journal(root)
    t.check(f"{name}: pf set mtu journaled under the PF's name",
            rc == 0 and j and j["originals"][0]["pf"] == "netdevsim10" and
            j["originals"][0]["target"] == "netdevsim10", f"rc={rc} {out} {err} {j}")
    rc, out, err = t.run(["restore", "--root", root])
    with open(os.path.join(root, "sys", "class", "net", "eth5", "mtu")) as f:
        t.check(f"{name}: restore puts its MTU back", rc == 0 and
                f.read().strip() == "1500", f"rc={rc} {out} {err}")


def main():
    if t.binary_missing():
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        igb = os.path.join(tmp, "igb")
        x710 = os.path.join(tmp, "x710")
        os.mkdir(igb)
        os.mkdir(x710)
        t.extract(IGB, igb)
        t.extract(X710, x710)
        dr.write_recording(igb, "0000:01:00.0", dr.mlx5("0000:01:00.0", 4))
        with open(os.path.join(igb, "sys", "class", "net", "eth0", "mtu"), "w") as f:
            f.write("1500\n")
        dr.write_recording(x710, "0000:01:00.0", dr.ice("0000:01:00.0", 4))
        test_mlx5_switchdev(igb)
        test_ice_legacy(x710)
        test_no_eswitch(x710)
        test_capture_keeps_devlink(igb, tmp)
        test_pf_show(igb)
        test_pf_set_rate_nodes(igb)
        # the kernel changes the eswitch mode only without rate nodes
        dr.write_recording(igb, "0000:01:00.0", dr.mlx5("0000:01:00.0", 4, group=False))
        test_pf_set(igb)
        test_pf_order(igb)
        test_pf_handle(igb)
        test_netdevsim_pf(tmp)
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
