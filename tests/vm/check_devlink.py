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
instance). Ends with "N passed, N failed".
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
    _, scale = check_ports(c, r, "scale", 300)
    check_ports(c, r, "scale", 300, "pf-show-pf")
    c.true("scale: VF 299's port read", any(p.get("vf") == 299 for p in scale.values()),
           "no port of VF 299")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
