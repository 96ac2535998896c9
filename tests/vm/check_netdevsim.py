#!/usr/bin/env python3
"""Host-side checker for the `netdevsim` scenario (issue 14, real kernel).

    check_netdevsim.py RUN [-v] [--host-sriovctl BIN]

A netdevsim device as sriovctl's PF: list, enable and disable against
sysfs' sriov_numvfs, the VF settings of show and `vf show` against
`ip -j link` (the kernel's answer read by iproute2), apply of a [pf
netdevsim10] section against both, its devlink handle
against `devlink -j dev show`, bind and export refused. Then 300 and 400
VFs on the PF: sriovctl shows every VF and the settings it gave the last
one, while iproute2 stops with "Truncated VF list" (the list's 16-bit nest
length overflows for iproute2 at 300, for sriovctl's smaller request at
400); the raw reply the guest captured is walked again here, by a parser
of its own, as the second reading of the last VF. Ends with "N passed, N
failed".
"""
import io
import json
import os
import struct
import sys
import tarfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmrun  # noqa: E402

IFLA_NUM_VF, IFLA_VFINFO_LIST = 21, 22  # linux/if_link.h
IFLA_VF_INFO, IFLA_VF_MAC, IFLA_VF_VLAN = 1, 1, 2
# `vf set` in the scenario; key -> expected show --json value
SET = {2: {"mac": "02:00:00:00:02:02", "vlan": 42, "qos": 3, "spoofchk": True,
           "trust": True, "link_state": "disable"},
       3: {"mac": "02:00:00:00:02:03", "min_tx_rate": 10, "max_tx_rate": 100}}


def attrs(buf, off, end):
    """(type, payload offset, payload end, next offset) of a run of attributes."""
    while off + 4 <= end:
        length, typ = struct.unpack_from("<HH", buf, off)
        if length < 4 or off + length > end:
            return
        yield typ & 0x3fff, off + 4, off + length, off + ((length + 3) & ~3)
        off += (length + 3) & ~3


def walk_vf_list(msg):
    """Every VF of an RTM_NEWLINK as {index: (mac, vlan)}, past a wrapped nest length,
    and (declared nla_len, true list length)."""
    num_vf, vfs, declared, true_len = None, {}, None, None
    for typ, p, e, nxt in attrs(msg, 32, len(msg)):
        if typ == IFLA_NUM_VF:
            num_vf, = struct.unpack_from("<I", msg, p)
        if typ != IFLA_VFINFO_LIST:
            continue
        declared, = struct.unpack_from("<H", msg, p - 4)
        # the entries, from the payload on, through the end of the message
        off = p
        for t, q, qe, qn in attrs(msg, p, len(msg)):
            if t != IFLA_VF_INFO or (num_vf is not None and len(vfs) == num_vf):
                break
            mac = vlan = index = None
            for t2, r, re_, _ in attrs(msg, q, qe):
                if t2 == IFLA_VF_MAC:
                    index, = struct.unpack_from("<I", msg, r)
                    mac = ":".join("%02x" % b for b in msg[r + 4:r + 10])
                elif t2 == IFLA_VF_VLAN:
                    vlan = struct.unpack_from("<I", msg, r + 4)[0]
            vfs[index] = (mac, vlan)
            off = qn
        true_len = off - (p - 4)
        break
    return vfs, declared, true_len


def captured_reply(run, name, netdev):
    """The RTM_NEWLINK `capture` stored for netdev in the shipped archive, or None."""
    sec = run.sec(name)
    try:
        with tarfile.open(fileobj=io.BytesIO(sec.data)) as t:
            f = t.extractfile(".sriovctl/rtnl/" + netdev)
            return f.read() if f else None
    except (tarfile.TarError, KeyError, AttributeError, ValueError):
        return None


def ip_vf(v):
    """An `ip -j` vfinfo_list entry in show --json's terms."""
    vl = (v.get("vlan_list") or [{}])[0]
    return {"mac": v.get("address"), "vlan": vl.get("vlan", 0), "qos": vl.get("qos", 0),
            "spoofchk": v.get("spoofchk"), "trust": v.get("trust"),
            "link_state": v.get("link_state"),
            "min_tx_rate": v.get("rate", {}).get("min_tx"),
            "max_tx_rate": v.get("rate", {}).get("max_tx")}


def nsim_pf(c, doc, where):
    pfs = [p for p in (doc or {}).get("pfs", []) if p.get("bus_name") == "netdevsim"]
    if not c.true(where + ": one netdevsim PF", len(pfs) == 1, doc):
        return None
    return pfs[0]


def check_small(c, r):
    pfdev = r.text("pfdev").strip()
    c.true("netdevsim loaded, device made", r.rc("load") == 0 and r.rc("new") == 0
           and pfdev, r.err("load") + r.err("new"))
    pf = nsim_pf(c, r.json("list"), "list")
    if pf:
        c.eq("list: the PF as sysfs and debugfs have it",
             ("netdevsim10", "netdevsim10", [pfdev], 0, int(r.text("max-vfs") or -1)),
             (pf["address"], pf["dev_name"], pf["netdevs"], pf["num_vfs"], pf["total_vfs"]))
    devlink = r.json("devlink-dev") or {}
    if pf:
        c.true("list: bus_name/dev_name is the devlink handle",
               "%s/%s" % (pf["bus_name"], pf["dev_name"]) in devlink.get("dev", {}), devlink)
    esw = r.json("devlink-eswitch") or {}
    c.eq("devlink eswitch show of that handle", "legacy",
         esw.get("dev", {}).get("netdevsim/netdevsim10", {}).get("mode"))
    en = r.json("enable") or {}
    c.eq("enable: done, 4 VFs, no wait step", ("done", 4, ["enable", "verify"]),
         (en.get("result"), en.get("enabled"), [s["step"] for s in en.get("steps", [])]))
    c.eq("enable: sysfs sriov_numvfs", "4", r.text("numvfs-enabled").strip())
    c.true("vf set on VFs 2 and 3", r.rc("set-2") == 0 and r.rc("set-3") == 0,
           r.err("set-2") + r.err("set-3"))
    c.true("vf set beyond the VFs: exit 2", r.rc("set-bad") == 2
           and "0-3" in r.err("set-bad"), r.err("set-bad"))
    show = nsim_pf(c, r.json("show"), "show")
    ip = r.json("ip-link") or [{}]
    ipvfs = {v["vf"]: ip_vf(v) for v in ip[0].get("vfinfo_list", [])}
    if show:
        vfs = show["vfs"]
        c.eq("show: VFs 0-3 without PCI functions", [[i, None, None, None] for i in range(4)],
             [[v["index"], v["address"], v["driver"], v["iommu_group"]] for v in vfs])
        for v in vfs:
            mine = {k: v[k] for k in ipvfs.get(v["index"], {})}
            c.eq("show: VF %d's settings as ip -j shows them" % v["index"],
                 ipvfs.get(v["index"]), mine)
            for k, want in SET.get(v["index"], {}).items():
                c.eq("show: VF %d %s as set" % (v["index"], k), want, v[k])
        other = nsim_pf(c, r.json("show-pfdev"), "show " + pfdev)
        c.true("show PFNETDEV: the same PF", other == show, "differs")
        vs = r.json("vf-show") or {}
        c.true("vf PFNETDEV/2-3 show: show's VF objects", vs.get("vfs") == vfs[2:4]
               and vs.get("pf") == "netdevsim10", vs)
    text = r.text("show-text")
    c.true("show text: the PF line", text.startswith(
        "netdevsim10: netdevsim/netdevsim10, VFs without PCI functions"), text[:200])
    for name, why in (("bind-refused", "no driver to bind"),
                      ("export-refused", "nothing to pass through")):
        c.true(name + ": exit 2 with the reason", r.rc(name) == 2 and why in r.err(name),
               "rc=%s %s" % (r.rc(name), r.err(name)))
    dis = r.json("disable") or {}
    c.eq("disable: done", ("done", 0), (dis.get("result"), dis.get("enabled")))
    c.eq("disable: sysfs sriov_numvfs", "0", r.text("numvfs-disabled").strip())
    c.true("apply [pf netdevsim10]", r.rc("apply") == 0, r.text("apply") + r.err("apply"))
    c.eq("apply: sysfs sriov_numvfs", "2", r.text("apply-numvfs").strip())
    ip = r.json("apply-ip") or [{}]
    vf1 = [ip_vf(v) for v in ip[0].get("vfinfo_list", []) if v.get("vf") == 1]
    c.eq("apply: VF 1 as ip -j shows it", [("02:00:00:00:01:01", 7)],
         [(v["mac"], v["vlan"]) for v in vf1])
    c.true("apply --check afterwards: the host matches", r.rc("apply-check") == 0,
           r.text("apply-check") + r.err("apply-check"))
    c.true("restore: the journal undone", r.rc("restore") == 0,
           r.text("restore") + r.err("restore"))
    c.eq("restore: sysfs sriov_numvfs as before apply", "0", r.text("restore-numvfs").strip())
    return pfdev


def check_many(c, r, n, pfdev):
    last = n - 1
    mac = "02:00:00:00:%02x:%02x" % (last // 256, last % 256)
    where = "%d VFs" % n
    c.true(where + ": enabled, VF %d set" % last, r.rc("many%d/enable" % n) == 0
           and r.rc("many%d/set" % n) == 0, r.err("many%d/enable" % n) + r.err("many%d/set" % n))
    pf = nsim_pf(c, r.json("many%d/show" % n), where + ": show")
    if pf:
        idx = [v["index"] for v in pf["vfs"]]
        c.true(where + ": show lists every VF, whole", idx == list(range(n))
               and not pf["vf_list_truncated"],
               "%d VFs (%s...), truncated %s" % (len(idx), idx[:3], pf["vf_list_truncated"]))
        c.eq(where + ": show reports VF %d as set" % last, (mac, last),
             (pf["vfs"][-1]["mac"], pf["vfs"][-1]["vlan"]))
        c.true(where + ": every VF's settings known",
               all(v["mac"] is not None for v in pf["vfs"]), "some null")
    vs = r.json("many%d/vf-show" % n) or {}
    got = [(v["index"], v["mac"], v["vlan"]) for v in vs.get("vfs", [])]
    c.eq(where + ": vf PF/%d show" % last, [(last, mac, last)], got)
    ip = r.json("many%d/ip-json" % n) or [{}]
    ipvfs = ip[0].get("vfinfo_list", [])
    c.true(where + ": iproute2 stops short with 'Truncated VF list'",
           0 < len(ipvfs) < n and "Truncated VF list" in r.err("many%d/ip-text" % n),
           "%d VFs, %r" % (len(ipvfs), r.err("many%d/ip-text" % n)))
    if pf:
        c.true(where + ": the VFs iproute2 shows are sriovctl's",
               all(ip_vf(v)["mac"] == pf["vfs"][v["vf"]]["mac"] for v in ipvfs), "differ")
    msg = captured_reply(r, "many%d/capture.tar" % n, pfdev)
    if not c.true(where + ": the captured rtnetlink reply", msg is not None, "none"):
        return
    vfs, declared, true_len = walk_vf_list(msg)
    c.eq(where + ": the raw reply holds every VF, VF %d as set" % last,
         (n, (mac, last)), (len(vfs), vfs.get(last)))
    c.true(where + ": declared nest length = true length mod 64 KiB",
           declared is not None and true_len % 65536 == declared, (declared, true_len))
    if n == 400:  # without stats about 196 bytes a VF: past 64 KiB
        c.true(where + ": the nest length wrapped on the real kernel",
               true_len > 65535 and declared < true_len, (declared, true_len))


def check(c, r):
    pfdev = check_small(c, r)
    for n in (300, 400):
        check_many(c, r, n, pfdev)


if __name__ == "__main__":
    sys.exit(vmrun.main_one_boot(sys.argv, __doc__, check))
