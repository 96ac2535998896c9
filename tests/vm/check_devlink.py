#!/usr/bin/env python3
"""Host-side checker for the `devlink` scenario (issue 14, real kernel).

    check_devlink.py RUN [-v] [--host-sriovctl BIN]

sriovctl's view of netdevsim's devlink instance (`pf netdevsim/netdevsim10
show --json`) against iproute2's `devlink -j` in the same guest: the eswitch
mode in legacy and switchdev, every pcivf port (index, VF number, PF number,
representor, port function hw_addr), every rate leaf and node (tx_share,
tx_max in bytes per second here, Mbit/s in sriovctl; parent), 300 ports read
through a multi-part dump; and `pf set` on the igb PF: mtu set, read back,
seen by `ip -j link`, journaled and restored; eswitch refused (no devlink
instance); the devlink VF settings (tx_share, tx_max, rate_group) set by vf
set and apply, read back by devlink, restored and reset, and the port
function keys netdevsim 6.1 refuses. Ends with "N passed, N failed".
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmrun  # noqa: E402

HANDLE = "netdevsim/netdevsim10"
MBIT = 125000  # bytes per second in one Mbit/s


def mbit_to_bytes(v):
    return None if v is None else round(v * MBIT)


def kernel_eswitch(r, name):
    doc = r.json(name)
    if not doc:
        return None
    return doc.get("dev", {}).get(HANDLE)


def kernel_vf_ports(doc):
    """index -> devlink's object for the pcivf ports of HANDLE."""
    out = {}
    for key, p in (doc or {}).get("port", {}).items():
        bus, dev, idx = key.rsplit("/", 2)
        if "%s/%s" % (bus, dev) == HANDLE and p.get("flavour") == "pcivf":
            out[int(idx)] = p
    return out


def kernel_rates(doc):
    """(leaves: index -> obj, nodes: name -> obj) of HANDLE."""
    leaves, nodes = {}, {}
    for key, rt in (doc or {}).get("rate", {}).items():
        handle, _, last = key.rpartition("/")
        if handle != HANDLE:
            continue
        if rt.get("type") == "leaf":
            leaves[int(last)] = rt
        else:
            nodes[last] = rt
    return leaves, nodes


def sriovctl_ports(doc):
    """index -> VF_PORT of `pf HANDLE show` (vf_ports) or `pf PF show` (vfs[])."""
    dl = (doc or {}).get("devlink") or {}
    if "vf_ports" in dl:
        return {p["port_index"]: p for p in dl["vf_ports"]}
    out = {}
    for v in (doc or {}).get("vfs", []):
        if v.get("devlink"):
            out[v["devlink"]["port_index"]] = dict(v["devlink"], vf=v["index"])
    return out


def check_eswitch(c, r, phase, want_mode):
    k = kernel_eswitch(r, phase + "/devlink-eswitch")
    doc = r.json(phase + "/pf-show")
    c.eq("%s: devlink reports eswitch %s" % (phase, want_mode), want_mode,
         k and k.get("mode"))
    dl = (doc or {}).get("devlink") or {}
    esw = dl.get("eswitch") or {}
    c.eq("%s: sriovctl's eswitch mode is devlink's" % phase, k and k.get("mode"),
         esw.get("mode"))
    c.eq("%s: inline mode as devlink reports it (or not)" % phase,
         k and k.get("inline-mode"), esw.get("inline_mode"))
    c.eq("%s: encap mode as devlink reports it (or not)" % phase,
         k and k.get("encap-mode"), esw.get("encap_mode"))
    return doc


def check_ports(c, r, phase, want_n, mine_section="pf-show"):
    kernel = kernel_vf_ports(r.json(phase + "/devlink-ports"))
    mine = sriovctl_ports(r.json(phase + "/" + mine_section))
    phase = "%s (%s)" % (phase, mine_section)
    c.eq("%s: devlink has %d pcivf ports" % (phase, want_n), want_n, len(kernel))
    c.eq("%s: sriovctl lists the same port indexes" % phase, sorted(kernel),
         sorted(mine))
    bad = []
    for idx, k in kernel.items():
        m = mine.get(idx)
        if not m:
            continue
        want = (k.get("vfnum"), k.get("pfnum"), k.get("netdev"),
                (k.get("function") or {}).get("hw_addr"))
        got = (m.get("vf"), m.get("pf_number", k.get("pfnum")), m.get("representor"),
               m.get("hw_addr"))
        if want != got:
            bad.append("port %d: devlink %r sriovctl %r" % (idx, want, got))
    c.true("%s: VF number, PF number, representor, hw_addr of every port" % phase,
           not bad, "; ".join(bad[:5]))
    return kernel, mine


def check_rates(c, r, phase, mine):
    leaves, nodes = kernel_rates(r.json(phase + "/devlink-rates"))
    doc = r.json(phase + "/pf-show")
    bad = []
    for idx, k in leaves.items():
        m = (mine.get(idx) or {}).get("rate")
        if m is None:
            bad.append("leaf %d: not in sriovctl" % idx)
            continue
        want = (k.get("tx_share", 0), k.get("tx_max", 0), k.get("parent"))
        got = (mbit_to_bytes(m["tx_share"]), mbit_to_bytes(m["tx_max"]), m["parent"])
        if want != got:
            bad.append("leaf %d: devlink %r sriovctl %r" % (idx, want, got))
    c.true("%s: every rate leaf as devlink reports it" % phase, leaves and not bad,
           "; ".join(bad[:5]) or "no leaves")
    got_nodes = {n["name"]: n for n in ((doc or {}).get("devlink") or {}).get(
        "rate_nodes", [])}
    c.eq("%s: the rate nodes" % phase, sorted(nodes), sorted(got_nodes))
    for name, k in nodes.items():
        m = got_nodes.get(name) or {}
        c.eq("%s: node %s tx_max" % (phase, name), k.get("tx_max", 0),
             mbit_to_bytes(m.get("tx_max")))
    return leaves, nodes


def check_igb(c, r):
    c.eq("igb: MTU before", "1500", r.text("igb/mtu-before").strip())
    c.eq("igb: pf set mtu 9000 exits 0", 0, r.rc("igb/pf-set-mtu"))
    c.true("igb: pf set reports the step done",
           "mtu          1500 -> 9000  done" in r.text("igb/pf-set-mtu"),
           r.text("igb/pf-set-mtu") + r.err("igb/pf-set-mtu"))
    c.eq("igb: the kernel's MTU after", "9000", r.text("igb/mtu-after").strip())
    link = r.json("igb/ip-link")
    c.eq("igb: ip -j link agrees", 9000, link and link[0].get("mtu"))
    show = r.json("igb/pf-show")
    c.eq("igb: pf show --json mtu", 9000, show and show.get("mtu"))
    c.eq("igb: pf show --json: no devlink instance", None, show and show.get("devlink"))
    c.eq("igb: pf set eswitch: refused (exit 1)", 1, r.rc("igb/pf-set-eswitch"))
    c.true("igb: ... saying there is no devlink instance",
           "has no devlink instance (pci/" in r.err("igb/pf-set-eswitch"),
           r.err("igb/pf-set-eswitch"))
    c.eq("igb: restore exits 0", 0, r.rc("igb/restore"))
    c.true("igb: restore puts the MTU back",
           "mtu          9000 -> 1500  done" in r.text("igb/restore"), r.text("igb/restore"))
    c.eq("igb: the kernel's MTU restored", "1500", r.text("igb/mtu-restored").strip())
    doc = r.json("igb/show-json")
    pf = (doc or {}).get("pfs", [{}])[0]
    c.true("igb: show --json: devlink null (igb has no instance)",
           "devlink" in pf and pf["devlink"] is None, pf.get("devlink"))


def leaf_of(r, name, index):
    """(tx_share, tx_max, parent) of port index's leaf in a `devlink -j` section."""
    leaves, _ = kernel_rates(r.json(name))
    k = leaves.get(index)
    return None if k is None else (k.get("tx_share", 0), k.get("tx_max", 0),
                                   k.get("parent"))


def check_devkeys(c, r):
    """The devlink VF settings: vf set, show, apply, restore, vf reset."""
    c.eq("devkeys: vf set tx_max in legacy mode: exit 2", 2, r.rc("devkeys/legacy-set"))
    c.true("devkeys: ... naming the mode and the command",
           "eswitch of netdevsim/netdevsim10 is legacy" in r.err("devkeys/legacy-set")
           and "set eswitch switchdev" in r.err("devkeys/legacy-set"),
           r.err("devkeys/legacy-set"))
    c.eq("devkeys: vf PF/1 set tx_max 100 tx_share 10 rate_group grp1 exits 0", 0,
         r.rc("devkeys/vf-set"))
    c.eq("devkeys: devlink reads the leaf of port 129 back in bytes/s, parent grp1",
         (1250000, 12500000, "grp1"), leaf_of(r, "devkeys/devlink-rates", 129))
    _, nodes = kernel_rates(r.json("devkeys/devlink-rates"))
    c.true("devkeys: the rate node grp1 was created", "grp1" in nodes, sorted(nodes))
    doc = r.json("devkeys/vf-show")
    vfs = {v["index"]: v for v in (doc or {}).get("vfs", [])}
    got = {k: (vfs.get(1) or {}).get(k) for k in ("tx_share", "tx_max", "rate_group")}
    c.eq("devkeys: vf show --json has them as current values",
         {"tx_share": 10, "tx_max": 100, "rate_group": "grp1"}, got)
    c.eq("devkeys: VF 0 untouched", (0, 0, "none"),
         tuple((vfs.get(0) or {}).get(k) for k in ("tx_share", "tx_max", "rate_group")))
    c.true("devkeys: vf show text", "tx_share 10, tx_max 100, rate_group grp1" in
           r.text("devkeys/vf-show-text"), r.text("devkeys/vf-show-text"))
    c.eq("devkeys: tx_share above tx_max: exit 2", 2, r.rc("devkeys/bad-share"))
    # netdevsim 6.1: no port function attributes; caps are a 6.3 attribute
    port = ((r.json("devkeys/devlink-port") or {}).get("port") or {}).get(
        HANDLE + "/129") or {}
    c.eq("devkeys: devlink reports no port function on netdevsim 6.1", None,
         port.get("function"))
    for key in ("fn-hw-addr", "fn-state", "fn-roce", "fn-migratable"):
        c.eq("devkeys: %s: the kernel's refusal reported (exit 1)" % key, 1,
             r.rc("devkeys/" + key))
    c.true("devkeys: hw_addr refused by netdevsim with its message",
           "Port doesn't support function attributes" in r.text("devkeys/fn-hw-addr"),
           r.text("devkeys/fn-hw-addr"))
    reset = r.text("devkeys/reset")
    c.eq("devkeys: vf reset exits 0", 0, r.rc("devkeys/reset"))
    c.true("devkeys: vf reset puts the rates and the group back",
           "tx_share     10 -> 0  done" in reset and "tx_max       100 -> 0  done" in reset
           and "rate_group   grp1 -> none  done" in reset, reset + r.err("devkeys/reset"))
    c.eq("devkeys: devlink after the reset: no rates, no parent", (0, 0, None),
         leaf_of(r, "devkeys/reset-rates", 129))
    c.eq("devkeys: vf PF/2 set tx_share 20 exits 0", 0, r.rc("devkeys/set-share"))
    c.eq("devkeys: apply --check: 2 changes pending (exit 1)", 1,
         r.rc("devkeys/apply-check"))
    c.eq("devkeys: apply of [vf netdevsim10 2] tx_max 200, rate_group grp2 exits 0", 0,
         r.rc("devkeys/apply"))
    c.eq("devkeys: devlink after apply: port 130 at 20/200 Mbit/s in grp2 (its "
         "tx_share kept)", (2500000, 25000000, "grp2"),
         leaf_of(r, "devkeys/apply-rates", 130))
    c.eq("devkeys: restore exits 0", 0, r.rc("devkeys/restore"))
    c.eq("devkeys: restore puts port 130's tx_max and group back", (2500000, 0, None),
         leaf_of(r, "devkeys/restore-rates", 130))
    c.eq("devkeys: restore puts back what vf reset changed on port 129",
         (1250000, 12500000, "grp1"), leaf_of(r, "devkeys/restore-rates", 129))
    c.eq("devkeys: pf set eswitch with rate nodes: refused (exit 1)", 1,
         r.rc("devkeys/pf-set-legacy"))
    c.true("devkeys: ... naming the nodes", "without devlink rate nodes" in
           r.err("devkeys/pf-set-legacy") and "grp1" in r.err("devkeys/pf-set-legacy"),
           r.err("devkeys/pf-set-legacy"))
    c.eq("devkeys: vf PF/all set rate_group none tx_max 0 tx_share 0 exits 0", 0,
         r.rc("devkeys/detach"))
    leaves, _ = kernel_rates(r.json("devkeys/detach-rates"))
    c.true("devkeys: every leaf detached and unlimited", leaves and all(
        (k.get("tx_share", 0), k.get("tx_max", 0), k.get("parent")) == (0, 0, None)
        for k in leaves.values()), leaves)


def main(argv):
    parsed = vmrun.parse_args(argv, __doc__)
    if parsed is None:
        return 2
    c, path, _ = parsed
    r = vmrun.Run(c, path, "guest")
    if r.out is not None and r.out.end is not None:
        c.true("scenario exit status", r.out.end_rc == 0, r.out.end_rc)
        check(c, r)
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed or c.passed == 0 else 0


def check(c, r):
    check_igb(c, r)
    check_eswitch(c, r, "legacy", "legacy")
    legacy = r.json("legacy/pf-show")
    c.true("legacy: the PF's VFs have no devlink port (legacy mode)",
           legacy and len(legacy.get("vfs", [])) == 4 and not sriovctl_ports(legacy),
           legacy and [v.get("devlink") for v in legacy.get("vfs", [])])
    c.eq("switchdev: pf netdevsim10 set eswitch switchdev exits 0", 0,
         r.rc("switchdev/pf-set"))
    c.true("switchdev: ... the step done, read back",
           "eswitch      legacy -> switchdev  done" in r.text("switchdev/pf-set"),
           r.text("switchdev/pf-set") + r.err("switchdev/pf-set"))
    check_eswitch(c, r, "switchdev", "switchdev")
    _, mine = check_ports(c, r, "switchdev", 4)
    check_ports(c, r, "switchdev", 4, "handle-show")
    check_rates(c, r, "switchdev", mine)
    show = r.json("switchdev/show-json")
    pf = ((show or {}).get("pfs") or [{}])[0]
    c.eq("switchdev: show --json: the PF's devlink handle", HANDLE,
         (pf.get("devlink") or {}).get("handle"))
    c.eq("switchdev: show --json: each VF's port", [128, 129, 130, 131],
         [(v.get("devlink") or {}).get("port_index") for v in pf.get("vfs", [])])
    text = r.text("switchdev/pf-show-text")
    c.true("switchdev: text lists the 4 VF ports",
           text.count("\n    ") >= 5 and "VF ports (devlink):" in text, text)
    rates_mine = sriovctl_ports(r.json("rates/pf-show"))
    leaves, nodes = check_rates(c, r, "rates", rates_mine)
    c.eq("rates: port 129 (set with devlink) in Mbit/s",
         {"tx_share": 10, "tx_max": 100, "parent": "group1"},
         (rates_mine.get(129) or {}).get("rate"))
    c.eq("rates: 2gbit is 2000 Mbit/s", 2000,
         ((rates_mine.get(130) or {}).get("rate") or {}).get("tx_share"))
    c.true("rates: group1 as devlink has it", "group1" in nodes, sorted(nodes))
    c.eq("restore exits 0", 0, r.rc("restore/restore"))
    c.true("restore: the eswitch mode put back",
           "eswitch      switchdev -> legacy  done" in r.text("restore/restore"),
           r.text("restore/restore") + r.err("restore/restore"))
    c.eq("restore: devlink reports legacy", "legacy",
         (kernel_eswitch(r, "restore/devlink-eswitch") or {}).get("mode"))
    check_devkeys(c, r)
    _, scale = check_ports(c, r, "scale", 300)
    check_ports(c, r, "scale", 300, "pf-show-pf")
    c.true("scale: VF 299's port read", any(p.get("vf") == 299 for p in scale.values()),
           "no port of VF 299")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
