#!/usr/bin/env python3
"""CLI tests for the VF settings of the devlink port (issue 14): tx_share,
tx_max, rate_group, hw_addr, fn_state, roce, migratable.

Recorded trees with synthetic devlink replies (tests/devlink_replies.py:
built after the mlx5 and ice drivers' documented output, not captured from
hardware): the igb tree with an mlx5 instance in switchdev mode (VF 1 in
rate node group1 at 10/100 Mbit/s, VF 0 with hw_addr 02:25:d0:13:01:00, roce
on, migratable off), the x710 tree with an ice instance in legacy mode.
Under --root nothing is sent: what is tested is the current values read from
the recording (vf show, text and JSON), the plans (vf set --dry-run, apply
--dry-run and --check, vf reset --dry-run) and bad input (exit 2, the tree
unchanged). Ends with "N passed, N failed".
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
X710 = os.path.join(t.FIXTURES, "generated-x710-2pf.tar")  # 0000:01:00.0 enp1s0f0

DEVLINK_KEYS = ["tx_share", "tx_max", "rate_group", "hw_addr", "fn_state", "roce",
                "migratable"]


def vf(root, *args):
    return t.run(["vf"] + list(args) + ["--root", root])


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def test_show(root):
    name = "vf show"
    rc, out, err = vf(root, "0000:01:00.0/1", "show", "--json")
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    vfs = (doc or {}).get("vfs") or [{}]
    got = {k: vfs[0].get(k) for k in DEVLINK_KEYS}
    t.check(f"{name} --json: VF 1's devlink values from the recording",
            rc == 0 and got == {"tx_share": 10, "tx_max": 100, "rate_group": "group1",
                                "hw_addr": "00:00:00:00:00:00", "fn_state": None,
                                "roce": True, "migratable": False}, f"rc={rc} {got} {err}")
    rc, out, err = vf(root, "eth0/0", "show")
    t.check(f"{name} text: VF 0's devlink values under its row",
            rc == 0 and "tx_share 0, tx_max 0, rate_group none, hw_addr "
            "02:25:d0:13:01:00, roce on, migratable off" in out, out + err)


def test_show_legacy(root):
    name = "vf show, ice legacy"
    rc, out, err = vf(root, "0000:01:00.0/0", "show", "--json")
    try:
        v = json.loads(out)["vfs"][0]
    except (ValueError, KeyError, IndexError):
        v = {}
    t.check(f"{name}: the devlink keys are null (no port in legacy mode)",
            rc == 0 and all(k in v and v[k] is None for k in DEVLINK_KEYS), v)


def test_set_dry_run(root):
    name = "vf set --dry-run"
    rc, out, err = vf(root, "eth0/2-3", "set", "tx_max", "100", "tx_share", "10",
                      "rate_group", "grp1", "roce", "off", "--dry-run")
    t.check(f"{name}: exits 0", rc == 0, err)
    t.check(f"{name}: one rate request per VF with both rates, on its port",
            "pci/0000:01:00.0 port 3 (VF 2) devlink rate tx_share/tx_max: tx_share 10 "
            "tx_max 100" in out and "port 4 (VF 3) devlink rate tx_share/tx_max" in out,
            out)
    t.check(f"{name}: the parent request creates the missing node",
            "port 3 (VF 2) devlink rate parent: rate_group grp1, creating rate node "
            "grp1" in out, out)
    t.check(f"{name}: the port function request",
            "port 4 (VF 3) devlink port function roce: roce off" in out, out)
    rc, out, err = vf(root, "eth0/2", "set", "rate_group", "group1", "--dry-run")
    t.check(f"{name}: an existing node is not created again",
            rc == 0 and "rate_group group1\n" in out and "creating" not in out, out)
    rc, out, err = vf(root, "eth0/1", "set", "tx_max", "200", "--dry-run")
    t.check(f"{name}: tx_share not given keeps the VF's current 10",
            rc == 0 and "tx_share 10 tx_max 200" in out, out + err)
    rc, out, err = vf(root, "eth0/1", "set", "hw_addr", "02:00:00:00:01:01",
                      "fn_state", "inactive", "migratable", "on", "--dry-run", "--json")
    try:
        res = json.loads(out)
    except ValueError:
        res = None
    t.check(f"{name} --json: the port function requests",
            rc == 0 and res is not None and
            "devlink port function hw_addr" in out and
            "devlink port function state" in out and
            "devlink port function migratable" in out, out + err)
    rc, _, err = vf(root, "eth0/1", "set", "tx_max", "200")
    t.check(f"{name}: a real set under --root is refused (exit 2)", rc == 2, err)


def test_bad_input(root, legacy):
    name = "vf set bad input"
    before = t.tree_digest(root)
    cases = [
        (["tx_share", "200", "tx_max", "100"], "tx_share 200 is above tx_max 100"),
        (["rate_group", "a/b"], "rate_group: 'a/b' is not a rate node name"),
        (["rate_group", "-x"], "is not a rate node name"),
        (["hw_addr", "01:00:5e:00:00:01"], "hw_addr: '01:00:5e:00:00:01' is a multicast"),
        (["hw_addr", "auto"], "hw_addr: 'auto' is not a MAC address"),
        (["fn_state", "up"], "fn_state: 'up' is not a port function state"),
        (["roce", "maybe"], "roce: 'maybe' is not on or off"),
        (["tx_max", "4294967296"], "tx_max: '4294967296' is out of range"),
    ]
    for kv, want in cases:
        rc, _, err = vf(root, "eth0/1", "set", *kv, "--dry-run")
        t.check(f"{name}: {' '.join(kv)}: exit 2 naming it", rc == 2 and want in err,
                f"rc={rc} {err}")
    speed = write(os.path.join(root, "sys", "class", "net", "eth0", "speed"), "1000\n")
    rc, _, err = vf(root, "eth0/1", "set", "tx_max", "2000", "--dry-run")
    t.check(f"{name}: tx_max above the link speed: exit 2 naming both",
            rc == 2 and "tx_max 2000 Mbit/s for VF 1 is above the link speed of eth0, "
            "1000 Mbit/s" in err, f"rc={rc} {err}")
    rc, _, err = vf(root, "eth0/1", "set", "tx_share", "1000", "tx_max", "0",
                    "--dry-run")
    t.check(f"{name}: at the link speed: accepted", rc == 0, err)
    os.unlink(speed)
    rc, _, err = vf(legacy, "0000:01:00.0/1", "set", "tx_max", "100", "--dry-run")
    t.check(f"{name}: legacy mode: exit 2 naming the mode and the command",
            rc == 2 and "the eswitch of pci/0000:01:00.0 is legacy" in err and
            "sriovctl pf 0000:01:00.0 set eswitch switchdev" in err, f"rc={rc} {err}")
    t.check(f"{name}: the tree is unchanged", t.tree_digest(root) == before)


def test_apply(root, legacy, tmp):
    name = "apply"
    good = write(os.path.join(tmp, "dk.conf"),
                 "[vf eth0 2]\ntx_max = 100\ntx_share = 10\nrate_group = grp1\n"
                 "roce = off\nmigratable = on\n")
    rc, out, err = t.run(["apply", good, "--dry-run", "--root", root])
    t.check(f"{name} --dry-run: a step per devlink key, current values read",
            rc == 0 and "tx_share     0 -> 10" in out and "tx_max       0 -> 100" in out
            and "rate_group   none -> grp1" in out and "roce         on -> off" in out
            and "migratable   off -> on" in out and "5 change(s)" in out, out + err)
    rc, out, err = t.run(["apply", good, "--check", "--root", root])
    t.check(f"{name} --check: pending (exit 1)", rc == 1 and "5 change(s) pending" in out,
            f"rc={rc} {out} {err}")
    same = write(os.path.join(tmp, "same.conf"),
                 "[vf eth0 1]\ntx_max = 100\ntx_share = 10\nrate_group = group1\n")
    rc, out, err = t.run(["apply", same, "--check", "--root", root])
    t.check(f"{name} --check: values already set are no step (exit 0)", rc == 0,
            f"rc={rc} {out} {err}")
    bad = write(os.path.join(tmp, "bad.conf"),
                "[vf eth0 2]\ntx_max = 100\ntx_share = 200\nhw_addr = 03:00:00:00:00:01\n")
    rc, _, err = t.run(["apply", bad, "--dry-run", "--root", root])
    t.check(f"{name}: tx_share above tx_max and a multicast hw_addr: exit 2 at file:line",
            rc == 2 and "bad.conf:3:1: tx_share 200 is above tx_max 100" in err and
            "bad.conf:4:11: hw_addr: '03:00:00:00:00:01' is a multicast" in err, err)
    rc, _, err = t.run(["apply", write(os.path.join(tmp, "typo.conf"),
                                       "[vf eth0 2]\nfrobnicate = 100\n"),
                        "--dry-run", "--root", root])
    t.check(f"{name}: an unknown key lists the devlink keys", rc == 2 and
            "tx_share, tx_max, rate_group, hw_addr, fn_state, roce, migratable" in err,
            err)
    leg = write(os.path.join(tmp, "legacy.conf"), "[vf 0000:01:00.0 1]\ntx_max = 100\n")
    rc, _, err = t.run(["apply", leg, "--dry-run", "--root", legacy])
    t.check(f"{name}: legacy mode refused while planning, at file:line",
            rc == 2 and "legacy.conf:2:1: tx_max for VF 1 of 0000:01:00.0: the VF has no "
            "devlink port" in err and "set eswitch switchdev" in err, err)


def test_reset(root):
    name = "vf reset --dry-run"
    rc, out, err = vf(root, "eth0/0-1", "reset", "--dry-run", "--no-config")
    t.check(f"{name}: VF 1's rates and group go back to 0 and none",
            rc == 0 and "vf 1     tx_share     10 -> 0" in out and
            "vf 1     tx_max       100 -> 0" in out and
            "vf 1     rate_group   group1 -> none" in out, out + err)
    t.check(f"{name}: caps at their defaults and hw_addr are left alone",
            "roce " not in out and "migratable" not in out and "hw_addr" not in out, out)


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
        test_show(igb)
        test_show_legacy(x710)
        test_set_dry_run(igb)
        test_bad_input(igb, x710)
        test_apply(igb, x710, tmp)
        test_reset(igb)
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
