#!/usr/bin/env python3
"""Host-side checker for the `mapping` scenario (issue 13, real kernel).

    check_mapping.py RUN [-v] [--host-sriovctl BIN]

Parses each `sriovctl export --format proxmox-mapping` the guest printed
back into its --map entries, checks every entry against Proxmox VE's syntax
(PVE::Mapping::PCI, pve-node, pve-configid) and its values against what the
guest's kernel showed for each VF in sysfs (vendor, device, subsystem ids,
the iommu_group link). Ends with "N passed, N failed".
"""
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmrun  # noqa: E402

MAP_SYNTAX = {
    "node": r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?",
    "path": r"[a-f0-9]{4,}:[a-f0-9]{2}:[a-f0-9]{2}(\.[a-f0-9])?",
    "id": r"[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}",
    "iommugroup": r"[0-9]+",
    "subsystem-id": r"[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}",
}
CONFIGID = r"[A-Za-z][A-Za-z0-9_]+"


def parse_mapping(text):
    """(id, [entry dicts]) of the printed pvesh command; ValueError if malformed."""
    cmd = " ".join(x.rstrip("\\").strip() for x in text.splitlines() if not x.startswith("#"))
    words = cmd.split()
    if words[:4] != ["pvesh", "create", "/cluster/mapping/pci", "--id"] or len(words) < 5:
        raise ValueError("not a pvesh mapping command: %r" % cmd)
    if not re.fullmatch(CONFIGID, words[4]):
        raise ValueError("id %r outside pve-configid" % words[4])
    maps, rest = [], words[5:]
    while rest:
        if rest[0] != "--map" or len(rest) < 2:
            raise ValueError("unexpected %r" % rest[0])
        entry = {}
        for part in rest[1].split(","):
            key, sep, val = part.partition("=")
            if not sep or key not in MAP_SYNTAX or key in entry:
                raise ValueError("bad key %r in %r" % (part, rest[1]))
            if not re.fullmatch(MAP_SYNTAX[key], val):
                raise ValueError("%s=%r outside Proxmox's syntax" % (key, val))
            entry[key] = val
        if any(k not in entry for k in ("node", "path", "id")):
            raise ValueError("%r lacks node, path or id" % rest[1])
        maps.append(entry)
        rest = rest[2:]
    return words[4], maps


def kernel_entry(fact, node):
    """The --map entry the kernel's view of one VF calls for."""
    vf, _pf, _idx, ven, dev, sven, sdev, group = fact
    e = {"node": node, "path": vf, "id": "%s:%s" % (ven[2:], dev[2:]),
         "subsystem-id": "%s:%s" % (sven[2:], sdev[2:])}
    if group != "-":
        e["iommugroup"] = group
    return e


def section(c, out, name, want_rc=0):
    s = out.get(name)
    err = out.get(name + ".stderr")
    errtext = err.text if err else ""
    if not c.true("%s: section present" % name, s is not None and s.rc is not None,
                  "missing or truncated"):
        return None, errtext
    c.true("%s: exit %d" % (name, want_rc), s.rc == want_rc, "rc=%s %s" % (s.rc, errtext))
    return s.text, errtext


def check_mapping(c, name, text, want_id, facts, node):
    try:
        mid, maps = parse_mapping(text)
    except ValueError as ex:
        c.true("%s: Proxmox's syntax" % name, False, "%s\n%s" % (ex, text))
        return
    c.true("%s: Proxmox's syntax" % name, True, "")
    c.true("%s: id %s" % (name, want_id), mid == want_id, mid)
    want = [kernel_entry(f, node) for f in facts]
    c.true("%s: one entry per VF, as the kernel shows it" % name, maps == want,
           "got %s\nkernel %s" % (maps, want))


def check(c, out):
    text, _ = section(c, out, "functions")
    facts = [line.split() for line in (text or "").splitlines() if line.strip()]
    c.true("functions: 6 VFs with 8 facts each", len(facts) == 6
           and all(len(f) == 8 for f in facts), facts)
    if len(facts) != 6:
        return
    igb = [f for f in facts if f[3] == "0x8086"]
    nvme = [f for f in facts if f[3] == "0x1b36"]
    igb.sort(key=lambda f: int(f[2]))
    nvme.sort(key=lambda f: int(f[2]))

    text, err = section(c, out, "igb-json")
    try:
        doc = json.loads(text or "")
    except ValueError:
        doc = {}
    c.true("igb-json: node", doc.get("node") == "vmnode", doc)
    fns = doc.get("functions", [])
    c.true("igb-json: functions are the VFs", [f.get("device") for f in fns]
           == [f[0] for f in igb], fns)
    if doc.get("snippet"):
        netdev = re.search(r"--id (\S+)", doc["snippet"])
        check_mapping(c, "igb", doc["snippet"], netdev.group(1) if netdev else "?", igb,
                      "vmnode")
        c.true("igb: default id sriov_NETDEV", bool(netdev)
               and netdev.group(1).startswith("sriov_"), doc["snippet"])
    text, err = section(c, out, "igb-range")
    if text:
        check_mapping(c, "igb 1-2", text, "pair", igb[1:3], "vmnode")
    text, err = section(c, out, "nvme")
    if text:
        pf = nvme[0][1]
        check_mapping(c, "nvme", text, "sriov_" + re.sub(r"[^A-Za-z0-9]", "_", pf), nvme,
                      "vmnode")

    host = out.get("hostname")
    hostname = host.text.strip().split(".")[0] if host and host.rc == 0 else ""
    if hostname and re.fullmatch(MAP_SYNTAX["node"], hostname):
        text, err = section(c, out, "default-node")
        if text:
            check_mapping(c, "default node", text,
                          re.search(r"--id (\S+)", text).group(1), igb[:1], hostname)
    else:
        text, err = section(c, out, "default-node", 2)
        c.true("default node: no usable /etc/hostname names --node", "--node" in err, err)
    text, _ = section(c, out, "hostname-set")
    node = (text or "").strip().split(".")[0]
    text, _ = section(c, out, "hostname-node")
    if text:
        check_mapping(c, "node from /etc/hostname", text,
                      re.search(r"--id (\S+)", text).group(1), igb[:1], node)
    text, err = section(c, out, "no-vfs", 2)
    c.true("no-vfs: refused naming the missing VFs, nothing printed",
           not text and "has no VFs enabled" in err, err)


if __name__ == "__main__":
    sys.exit(vmrun.main_one_boot(sys.argv, __doc__, lambda c, r: check(c, r.out)))
