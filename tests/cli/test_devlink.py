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
    t.check(f"{name}: a damaged recording is no instance, not a crash",
            rc == 0 and "devlink:   none (the recording is not devlink replies)" in out,
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
        dr.write_recording(x710, "0000:01:00.0", dr.ice("0000:01:00.0", 4))
        test_mlx5_switchdev(igb)
        test_ice_legacy(x710)
        test_no_eswitch(x710)
        test_capture_keeps_devlink(igb, tmp)
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
