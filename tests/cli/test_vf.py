#!/usr/bin/env python3
"""CLI tests for `sriovctl vf ... set|show|reset` against recorded trees.

Under --root there is no kernel: `set` validates everything, `--dry-run`
prints the requests (with the parts of vlan/qos and of the rates taken from
the recorded settings), and a real `set` is refused; the tree never changes.
The "mac auto" values are checked against an independent implementation of
the derivation documented in sriovctl(1). `reset --dry-run` is compared with
golden files (tests/fixtures/vm-igb-nvme-vf4.golden/vf-reset.*; --update
rewrites them), a real reset under --root and a reset of a VF a process
holds are refused with the tree unchanged. Ends with "N passed, N failed".
"""
import hashlib
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import test_cli as t  # noqa: E402

IGB = os.path.join(t.FIXTURES, "vm-igb-nvme-vf4.tar")  # eth0, 4 VFs, rtnl recorded
X710 = os.path.join(t.FIXTURES, "generated-x710-2pf.tar")  # no rtnl recorded


def mac_auto(perm, index):
    """The documented derivation: FNV-1a 64, fmix64, LA unicast first octet."""
    mask = (1 << 64) - 1
    h = 0xcbf29ce484222325
    for b in b"sriovctl-vf-mac-v1" + bytes(perm) + index.to_bytes(4, "big"):
        h = ((h ^ b) * 0x100000001b3) & mask
    h ^= h >> 33
    h = (h * 0xff51afd7ed558ccd) & mask
    h ^= h >> 33
    h = (h * 0xc4ceb9fe1a85ec53) & mask
    h ^= h >> 33
    out = [(perm[0] | 2) & 0xfe] + [(h >> (64 - 8 * i)) & 0xff for i in range(1, 6)]
    return ":".join("%02x" % b for b in out)


def tree_digest(root):
    """Every path, link target and file content under root."""
    d = hashlib.sha256()
    for top, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(dirs + files):
            p = os.path.join(top, name)
            d.update(p.encode())
            if os.path.islink(p):
                d.update(os.readlink(p).encode())
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    d.update(f.read())
    return d.hexdigest()


def vf(root, *args):
    return t.run(["vf"] + list(args) + ["--root", root])


def load(out):
    try:
        return json.loads(out)
    except ValueError:
        return None


def test_help():
    rc, out, _ = t.run(["vf", "--help"])
    t.check("vf --help exits 0", rc == 0)
    for word in ("Usage: sriovctl vf", "--pf-up", "--dry-run", "mac auto", "Exit status",
                 "reset [--dry-run]", "vlan 0; qos 0;", "spoofchk on; trust off", "--no-config"):
        t.check(f"vf --help mentions {word!r}", word in out)
    rc, out, _ = t.run(["--help"])
    t.check("--help lists vf", "  vf " in out)


def test_dry_run(root):
    rc, out, err = vf(root, "eth0/0", "set", "vlan", "7", "--dry-run")
    t.check("dry run exits 0", rc == 0, err)
    # VF 0 was recorded with vlan 100 qos 3: qos is kept
    t.check("dry run: qos from the recorded settings",
            "vf 0 IFLA_VF_VLAN: vlan 7 qos 3 proto 802.1Q" in out, out)
    t.check("dry run says nothing is sent", "nothing is sent" in out, out)

    rc, out, err = vf(root, "eth0/1-2", "set", "max_tx_rate", "50", "proto", "802.1Q",
                      "--json", "--dry-run")
    doc = load(out)
    t.check("dry run --json parses", rc == 0 and doc is not None, err)
    if doc is None:
        return
    t.check("dry run --json: dry_run true, ok null",
            doc.get("dry_run") is True and doc.get("ok") is None)
    t.check("dry run --json: pf and netdev",
            doc.get("pf") == "0000:01:00.0" and doc.get("netdev") == "eth0", out[:200])
    reqs = doc.get("requests", [])
    t.check("dry run --json: one request per attribute per VF", len(reqs) == 4, reqs)
    attrs = [(r.get("vf"), r.get("attribute")) for r in reqs]
    t.check("dry run --json: request order",
            attrs == [(1, "IFLA_VF_VLAN_LIST"), (1, "IFLA_VF_RATE"),
                      (2, "IFLA_VF_VLAN_LIST"), (2, "IFLA_VF_RATE")], attrs)
    rate = [r for r in reqs if r.get("attribute") == "IFLA_VF_RATE"]
    t.check("dry run --json: min_tx_rate kept, max_tx_rate given",
            all(r.get("min_tx_rate") == 0 and r.get("max_tx_rate") == 50 for r in rate),
            rate)
    rows = doc.get("results", [])
    t.check("dry run --json: one result per VF and key", len(rows) == 4, rows)
    keys = {(r.get("vf"), r.get("key")): r for r in rows}
    r = keys.get((1, "max_tx_rate"), {})
    t.check("dry run --json: result fields",
            r.get("value") == 50 and r.get("ok") is None and r.get("error") is None
            and r.get("attribute") == "IFLA_VF_RATE", r)
    t.check("dry run --json: proto value",
            keys.get((2, "proto"), {}).get("value") == "802.1Q")
    t.check("dry run --json: no pf_up unless asked", doc.get("pf_up") is None)

    rc, out, _ = vf(root, "eth0/3", "set", "trust", "yes", "--pf-up", "--dry-run")
    t.check("dry run --pf-up: the PF is up in the recording", rc == 0
            and "up already" in out, out)


def test_mac_auto(root):
    rc, out, err = vf(root, "eth0/all", "set", "mac", "auto", "--dry-run", "--json")
    doc = load(out)
    t.check("mac auto dry run exits 0", rc == 0 and doc is not None, err)
    if doc is None:
        return
    perm = doc.get("perm_mac", "")
    t.check("mac auto: the recorded permanent MAC", perm == "52:54:00:12:34:56", perm)
    pbytes = bytes(int(x, 16) for x in perm.split(":"))
    macs = {r["vf"]: r["mac"] for r in doc.get("requests", [])}
    t.check("mac auto: one MAC per VF", sorted(macs) == [0, 1, 2, 3], macs)
    for i, m in macs.items():
        t.check(f"mac auto: VF {i} follows the documented derivation",
                m == mac_auto(pbytes, i), f"{m} != {mac_auto(pbytes, i)}")
        first = int(m[:2], 16)
        t.check(f"mac auto: VF {i} locally administered unicast",
                first & 2 and not first & 1, m)
    t.check("mac auto: all different", len(set(macs.values())) == 4, macs)
    again = load(vf(root, "eth0/all", "set", "mac", "auto", "--dry-run", "--json")[1])
    t.check("mac auto: the same on every run",
            again is not None and again.get("requests") == doc.get("requests"))
    # a single VF gets the MAC it gets in a range
    one = load(vf(root, "eth0/2", "set", "mac", "auto", "--dry-run", "--json")[1])
    t.check("mac auto: independent of the range",
            one is not None and one["requests"][0]["mac"] == macs.get(2))


def test_vf_address(root):
    rc, out, err = vf(root, "0000:01:10.4", "set", "spoofchk", "off", "--dry-run")
    t.check("a VF address stands for PF/index", rc == 0
            and "vf 2 IFLA_VF_SPOOFCHK: spoofchk off" in out, out + err)
    rc, out, err = vf(root, "01:10.6", "show", "--json")
    doc = load(out)
    t.check("show by VF address", rc == 0 and doc is not None
            and [v["index"] for v in doc["vfs"]] == [3], out[:300])


def test_show(root):
    full = load(t.run(["show", "--json", "--root", root])[1])
    pf = next((p for p in (full or {}).get("pfs", []) if p["address"] == "0000:01:00.0"), None)
    rc, out, err = vf(root, "eth0/1", "show", "--json")
    doc = load(out)
    t.check("vf show --json exits 0", rc == 0 and doc is not None, err)
    if doc is None or pf is None:
        return
    t.check("vf show --json: one VF", [v["index"] for v in doc["vfs"]] == [1])
    want = pf["vfs"][1]
    got = doc["vfs"][0]
    same = got == want
    t.check("vf show --json: the VF object of show --json", same, f"{got} != {want}")
    t.check("vf show --json: num_vfs", doc.get("num_vfs") == 4)
    rc, out, _ = vf(root, "eth0", "show")
    lines = out.splitlines()
    t.check("vf DEV show: every VF", rc == 0 and len(lines) == 6
            and lines[1].split()[:2] == ["IDX", "ADDRESS"], out)
    rc, out, _ = vf(root, "eth0/0,3", "show")
    rows = [line.split()[0] for line in out.splitlines()[2:]]
    t.check("vf show: an index list", rc == 0 and rows == ["0", "3"], out)


BAD = [
    # (name, args after "vf", words the message must contain)
    ("vlan out of range", ["eth0/0", "set", "vlan", "5000"],
     ["vlan: '5000' is out of range 0-4095"]),
    ("qos out of range", ["eth0/0", "set", "vlan", "5", "qos", "8"], ["qos", "'8'", "0-7"]),
    ("negative rate", ["eth0/0", "set", "max_tx_rate", "-5"],
     ["max_tx_rate", "'-5'", "Mbit/s"]),
    ("bad proto", ["eth0/0", "set", "proto", "802.1x"], ["'802.1x'", "802.1Q", "802.1ad"]),
    ("bad state", ["eth0/0", "set", "state", "up"], ["'up'", "auto", "enable", "disable"]),
    ("bad bool", ["eth0/0", "set", "trust", "maybe"], ["trust", "'maybe'", "on", "off"]),
    ("multicast mac", ["eth0/0", "set", "mac", "01:00:5e:00:00:01"],
     ["01:00:5e:00:00:01", "multicast"]),
    ("zero mac", ["eth0/0", "set", "mac", "00:00:00:00:00:00"], ["zero"]),
    ("short mac", ["eth0/0", "set", "mac", "02:00:00:00:00"], ["'02:00:00:00:00'"]),
    ("unknown key", ["eth0/0", "set", "colour", "blue"],
     ["'colour'", "mac", "vlan", "qos", "proto", "min_tx_rate", "max_tx_rate",
      "spoofchk", "trust", "state", "query_rss"]),
    ("key twice", ["eth0/0", "set", "vlan", "1", "vlan", "2"], ["vlan", "twice"]),
    ("missing value", ["eth0/0", "set", "vlan"], ["vlan", "missing value"]),
    ("nothing to set", ["eth0/0", "set"], ["KEY VALUE"]),
    ("min above max", ["eth0/0", "set", "min_tx_rate", "500", "max_tx_rate", "100"],
     ["min_tx_rate 500", "max_tx_rate 100"]),
    ("one mac for many", ["eth0/all", "set", "mac", "02:00:00:00:00:01"],
     ["4 VFs", "mac auto"]),
    ("index out of range", ["eth0/4", "set", "vlan", "5"], ["4", "0-3"]),
    ("range out of range", ["eth0/0-6", "set", "vlan", "5"], ["6", "0-3"]),
    ("bad index list", ["eth0/x", "set", "vlan", "5"], ["x"]),
    ("no index", ["eth0", "set", "vlan", "5"], ["eth0/INDEX", "eth0/all"]),
    ("no netdev", ["0000:02:00.0/0", "set", "trust", "on"], ["0000:02:00.0",
                                                             "network interface"]),
    ("not SR-IOV", ["0000:00:02.0/0", "set", "trust", "on"], ["0000:00:02.0"]),
    ("no such device", ["nosuch0/0", "set", "trust", "on"], ["nosuch0"]),
    ("unknown action", ["eth0/0", "frob"], ["frob", "set", "show", "reset"]),
    ("no action", ["eth0/0"], ["set", "show"]),
    ("show with --pf-up", ["eth0/0", "show", "--pf-up"], ["--pf-up"]),
    ("show with extra", ["eth0/0", "show", "more"], ["more"]),
    ("real set under --root", ["eth0/0", "set", "trust", "on"],
     ["--root", "no kernel"]),
    ("real set under --root, JSON", ["eth0/0", "set", "trust", "on", "--json"],
     ["no kernel"]),
    ("real reset under --root", ["eth0/0", "reset"], ["--root", "no kernel", "--dry-run"]),
    ("reset without indexes", ["eth0", "reset", "--dry-run"], ["eth0/INDEX", "eth0/all"]),
    ("reset index out of range", ["eth0/4", "reset", "--dry-run"], ["4", "0-3"]),
    ("reset bad index list", ["eth0/1-x", "reset", "--dry-run"], ["1-x"]),
    ("reset of no such device", ["nosuch0/0", "reset", "--dry-run"], ["nosuch0"]),
    ("reset with KEY VALUE", ["eth0/0", "reset", "vlan", "0"], ["vlan"]),
    ("reset with --pf-up", ["eth0/0", "reset", "--dry-run", "--pf-up"], ["--pf-up"]),
    ("reset --config and --no-config", ["eth0/0", "reset", "--dry-run", "--no-config",
                                        "--config", "/x.conf"], ["--no-config", "--config"]),
    ("reset, a missing --config", ["eth0/0", "reset", "--dry-run", "--config", "/nope.conf"],
     ["/nope.conf"]),
    ("reset, a bad --lock-timeout", ["eth0/0", "reset", "--dry-run", "--lock-timeout", "x"],
     ["--lock-timeout", "'x'"]),
    ("set with --config", ["eth0/0", "set", "trust", "on", "--config", "/x.conf"],
     ["--config", "reset"]),
    ("show with --no-config", ["eth0/0", "show", "--no-config"], ["--no-config", "reset"]),
]


def test_bad_input(root):
    before = tree_digest(root)
    for name, args, words in BAD:
        t.expect_usage(f"vf {name}", ["vf"] + args + ["--root", root], words)
    t.check("bad input: the tree is unchanged", tree_digest(root) == before)


RESET_GOLDEN = os.path.join(t.FIXTURES, "vm-igb-nvme-vf4.golden")


def steps_of(doc):
    return [(st.get("vf"), st.get("key"), st.get("old"), st.get("new"))
            for st in (doc or {}).get("steps", [])]


def test_reset(root):
    before = tree_digest(root)
    rc, out, err = vf(root, "eth0/all", "reset", "--dry-run")
    t.check("reset --dry-run exits 0", rc == 0, err)
    t.golden("reset --dry-run text", os.path.join(RESET_GOLDEN, "vf-reset.txt"), out)
    rc, out, err = vf(root, "eth0/all", "reset", "--dry-run", "--json")
    t.check("reset --dry-run --json exits 0", rc == 0, err)
    t.golden("reset --dry-run JSON", os.path.join(RESET_GOLDEN, "vf-reset.json"), out)
    doc = load(out) or {}
    t.check("reset JSON: mode, PF, VFs", doc.get("mode") == "dry-run"
            and doc.get("pf") == "0000:01:00.0" and doc.get("vfs") == "all"
            and doc.get("refused") is None, out[:300])
    steps = steps_of(doc)
    # the recording: VF 0 mac ..:00 vlan 100/3; VF 1 spoofchk off trust on;
    # VF 2 mac ..:02 vlan 42; VF 3 max_tx_rate 100
    t.check("reset: VF 0 MAC to zero", (0, "mac", "02:00:00:5e:10:00", "00:00:00:00:00:00")
            in steps, repr(steps))
    t.check("reset: VF 0 vlan and qos", (0, "vlan", "100", "0") in steps
            and (0, "qos", "3", "0") in steps, repr(steps))
    t.check("reset: VF 1 spoofchk on, trust off", (1, "spoofchk", "off", "on") in steps
            and (1, "trust", "on", "off") in steps, repr(steps))
    t.check("reset: VF 3 rate", (3, "max_tx_rate", "100", "0") in steps, repr(steps))
    t.check("reset: clean or unreported settings have no step",
            not [x for x in steps if x[1] in ("proto", "state", "query_rss", "min_tx_rate")],
            repr(steps))
    t.check("reset: query_rss unreported is noted",
            any("query_rss" in n for n in doc.get("notes", [])), repr(doc.get("notes")))
    rc, out, err = vf(root, "eth0/0-1,3", "reset", "--dry-run", "--json")
    t.check("reset of a range: only those VFs", rc == 0
            and sorted({x[0] for x in steps_of(load(out))}) == [0, 1, 3], out[:300])
    rc, out, err = vf(root, "0000:01:10.2", "reset", "--dry-run", "--json")
    t.check("reset of a VF by its address: VF 1 only", rc == 0
            and {x[0] for x in steps_of(load(out))} == {1}, out[:300])
    rc, out, err = vf(root, "0000:02:00.0/all", "reset", "--dry-run")
    t.check("reset of the NVMe VFs (no netdev): drivers only", rc == 0
            and "driver       (none) -> default" in out and "only drivers" in out, out)
    t.check("reset --dry-run: the tree is unchanged", tree_digest(root) == before)


def test_reset_config(root):
    before = tree_digest(root)
    os.makedirs(os.path.join(root, "cfg"), exist_ok=True)
    conf = os.path.join(root, "cfg", "r.conf")
    with open(conf, "w") as f:
        f.write("[vf eth0 2]\nmac = 02:44:44:44:44:02\nvlan = 7\n")
    os.chmod(conf, 0o600)
    rc, out, err = vf(root, "eth0/2", "reset", "--dry-run", "--json", "--config", "/cfg/r.conf")
    doc = load(out) or {}
    steps = steps_of(doc)
    t.check("reset --config: exits 0", rc == 0, err)
    t.check("reset --config: the configured MAC",
            (2, "mac", "02:00:00:5e:10:02", "02:44:44:44:44:02") in steps, repr(steps))
    t.check("reset --config: only the MAC comes from it", (2, "vlan", "42", "0") in steps,
            repr(steps))
    t.check("reset --config: the file is named", doc.get("files") == ["/cfg/r.conf"],
            repr(doc.get("files")))
    with open(conf, "w") as f:
        f.write("[vf eth0 1]\nmac = auto\n")
    rc, out, err = vf(root, "eth0/1", "reset", "--dry-run", "--json", "--config", "/cfg/r.conf")
    want = mac_auto(bytes.fromhex("525400123456"), 1)
    t.check("reset --config: mac auto, derived from the recorded permanent MAC",
            rc == 0 and (1, "mac", "00:00:00:00:00:00", want) in steps_of(load(out)), out[:400])
    rc, out, err = vf(root, "eth0/2", "reset", "--dry-run", "--no-config")
    t.check("reset --no-config: the MAC to zero", rc == 0
            and "02:00:00:5e:10:02 -> 00:00:00:00:00:00" in out, out)
    with open(conf, "w") as f:
        f.write("[vf eth0 2]\nmac = 02:44:44:44:44:0\n")
    rc, out, err = vf(root, "eth0/2", "reset", "--dry-run", "--config", "/cfg/r.conf")
    t.check("reset, a bad configuration: exit 2 naming the line",
            rc == 2 and out == "" and "r.conf:2" in err, err)
    os.remove(conf)
    os.rmdir(os.path.join(root, "cfg"))
    t.check("reset --config: the tree is unchanged", tree_digest(root) == before)


def test_reset_refused(root):
    """A process holds VF 1's /dev/vfio/8: refused, exit 1, nothing changed."""
    os.makedirs(os.path.join(root, "proc/4242/fd"))
    os.symlink("/dev/vfio/8", os.path.join(root, "proc/4242/fd/17"))
    with open(os.path.join(root, "proc/4242/comm"), "w") as f:
        f.write("qemu-system-x86\n")
    with open(os.path.join(root, "proc/4242/cmdline"), "wb") as f:
        f.write(b"qemu-system-x86_64\0-name\0guest=vm7\0")
    before = tree_digest(root)
    rc, out, err = vf(root, "eth0/all", "reset", "--dry-run")
    t.check("reset of a VF in use: exit 1", rc == 1, f"rc={rc} {err}")
    t.check("reset of a VF in use: names the VF, pid and VM",
            "VF 1 (0000:01:10.2)" in err and "4242" in err and "vm7" in err, err)
    t.check("reset of a VF in use: nothing on stdout", out == "", out)
    rc, out, err = vf(root, "eth0/1", "reset", "--dry-run", "--json")
    doc = load(out) or {}
    t.check("reset of a VF in use, JSON: refused names the holder",
            rc == 1 and "4242" in (doc.get("refused") or ""), out)
    rc, out, err = vf(root, "eth0/0", "reset", "--dry-run")
    t.check("reset of another VF: not refused", rc == 0 and "vf 0" in out, err)
    t.check("reset refused: the tree is unchanged", tree_digest(root) == before)


def test_no_recording(root):
    rc, out, err = vf(root, "enp1s0f0/all", "set", "mac", "auto", "--dry-run")
    t.check("mac auto without a permanent MAC: exit 1", rc == 1 and out == "", out)
    t.check("mac auto without a permanent MAC: explained",
            "permanent MAC" in err and "enp1s0f0" in err, err)
    rc, out, err = vf(root, "enp1s0f0/1", "set", "vlan", "9", "--dry-run")
    t.check("no recorded settings: qos 0", rc == 0
            and "vf 1 IFLA_VF_VLAN: vlan 9 qos 0 proto 802.1Q" in out, out)
    t.check("no recorded settings: noted", "no recorded rtnetlink state" in err, err)


# ---- mtu, msix, node_guid, port_guid on a tree with the VF functions' sysfs --

IGB_DEVS = "sys/devices/pci0000:00/0000:00:02.0"


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")


def vf_config(vectors):
    """256 bytes of a VF's config space whose only capability is MSI-X with
    the given Table Size (what sriov_vf_msix_count changes, read back)."""
    cfg = bytearray(256)
    cfg[0:4] = bytes([0x86, 0x80, 0xca, 0x10])  # 8086:10ca
    cfg[6] = 0x10  # status: capability list
    cfg[0x0b] = 0x02  # class 02 (network)
    cfg[0x34] = 0x40
    cfg[0x40:0x44] = bytes([0x11, 0x00, (vectors - 1) & 0xff, (vectors - 1) >> 8])
    return bytes(cfg)


def vf_keys_tree(tmp):
    """The igb capture, plus what a host shows: the PF's and VF 0's netdev MTU
    (and the PF's addr_assign_type, for mac auto in apply's plan), the PF's
    sriov_vf_total_msix 64 (as if its driver could set VFs' vectors: igb
    cannot); VF 1 (bound to igbvf) and VF 3 (no driver, no netdev) with an
    MSI-X capability of 3 and 1 vectors in their config space."""
    root = os.path.join(tmp, "keys")
    os.mkdir(root)
    t.extract(IGB, root)
    write(root, IGB_DEVS + "/0000:01:00.0/net/eth0/mtu", "1500")
    write(root, IGB_DEVS + "/0000:01:00.0/net/eth0/addr_assign_type", "0")
    write(root, IGB_DEVS + "/0000:01:00.0/sriov_vf_total_msix", "64")
    write(root, IGB_DEVS + "/0000:01:10.0/net/eth1/mtu", "1500")
    write(root, IGB_DEVS + "/0000:01:10.0/net/eth1/ifindex", "3")
    for fn, vectors in (("0000:01:10.2", 3), ("0000:01:10.6", 1)):
        with open(os.path.join(root, IGB_DEVS, fn, "config"), "wb") as f:
            f.write(vf_config(vectors))
    os.unlink(os.path.join(root, IGB_DEVS, "0000:01:10.6/driver"))
    os.unlink(os.path.join(root, "sys/class/net/eth4"))
    return root


def guid_of_mac(mac):
    """The documented node_guid/port_guid auto: the MAC with ff:fe in the middle."""
    b = mac.split(":")
    return ":".join(b[:3] + ["ff", "fe"] + b[3:])


def test_vf_keys_show(root):
    doc = load(vf(root, "eth0/all", "show", "--json")[1])
    vfs = {v["index"]: v for v in (doc or {}).get("vfs", [])}
    t.check("show: VF 0's netdev MTU", vfs.get(0, {}).get("mtu") == 1500, vfs.get(0))
    t.check("show: no MTU without a VF netdev", vfs.get(3, {}).get("mtu", 0) is None, vfs.get(3))
    t.check("show: MSI-X Table Size as msix", [vfs.get(i, {}).get("msix") for i in range(4)]
            == [None, 3, None, 1], [vfs.get(i, {}).get("msix") for i in range(4)])
    t.check("show: GUIDs null where the kernel reports none",
            all(v.get("node_guid", 0) is None and v.get("port_guid", 0) is None
                for v in vfs.values()), vfs)
    full = load(t.run(["show", "--json", "--root", root])[1])
    pf = next((p for p in (full or {}).get("pfs", []) if p["address"] == "0000:01:00.0"), {})
    t.check("show: the PF's sriov_vf_total_msix", pf.get("sriov_vf_total_msix") == 64, pf.keys())
    rc, out, err = vf(root, "eth0/all", "show")
    t.check("show text: mtu and msix under the VF row",
            "mtu 1500" in out and "msix 3" in out and "msix 1" in out, out)
    out = t.run(["show", "eth0", "--root", root])[1]
    t.check("show text: the PF's sriov_vf_total_msix",
            "VF MSI-X:  64 vectors to share out (sriov_vf_total_msix)" in out, out)


def test_vf_keys_set(root):
    before = tree_digest(root)
    rc, out, err = vf(root, "eth0/0", "set", "mtu", "1400", "--dry-run")
    t.check("mtu dry run: RTM_SETLINK on the VF's netdev",
            rc == 0 and "RTM_SETLINK eth1 (VF 0's netdev) IFLA_MTU: mtu 1400" in out, out + err)
    rc, out, err = vf(root, "eth0/0", "set", "mtu", "9000", "--dry-run")
    t.check("mtu above the PF's: exit 2", rc == 2, f"rc={rc} {err}")
    t.check("mtu above the PF's: names both", "9000" in err and "1500" in err and "eth0" in err, err)
    rc, out, err = vf(root, "eth0/3", "set", "mtu", "1400", "--dry-run")
    t.check("mtu without a VF netdev: refused", rc == 1 and out == "", f"rc={rc} {out}")
    t.check("mtu without a VF netdev: says so", "has no network interface" in err
            and "no driver bound" in err, err)
    rc, out, err = vf(root, "eth0/3", "set", "msix", "8", "--dry-run")
    t.check("msix dry run: the sysfs write",
            rc == 0 and "write 0000:01:10.6/sriov_vf_msix_count (VF 3): msix 8" in out, out + err)
    rc, out, err = vf(root, "eth0/3", "set", "msix", "65", "--dry-run")
    t.check("msix above sriov_vf_total_msix: exit 2 naming it",
            rc == 2 and "65" in err and "sriov_vf_total_msix 64" in err, f"rc={rc} {err}")
    rc, out, err = vf(root, "eth0/1", "set", "msix", "8", "--dry-run")
    t.check("msix with a driver bound: refused naming it",
            rc == 1 and "igbvf" in err and "unbind" in err, f"rc={rc} {err}")
    write(root, IGB_DEVS + "/0000:01:00.0/sriov_vf_total_msix", "0")
    rc, out, err = vf(root, "eth0/3", "set", "msix", "8", "--dry-run")
    t.check("msix with sriov_vf_total_msix 0: refused",
            rc == 1 and "sriov_vf_total_msix is 0" in err, f"rc={rc} {err}")
    t.check("msix with sriov_vf_total_msix 0: not read", load(vf(root, "eth0/3", "show", "--json")[1])
            ["vfs"][0]["msix"] is None)
    write(root, IGB_DEVS + "/0000:01:00.0/sriov_vf_total_msix", "64")
    # GUIDs: explicit, and auto from the VF's mac auto
    rc, out, err = vf(root, "eth0/1", "set", "node_guid", "00:02:C9:03:00:21:6e:70",
                      "port_guid", "00:02:c9:03:00:21:6e:78", "--dry-run")
    t.check("GUIDs dry run", rc == 0
            and "vf 1 IFLA_VF_IB_NODE_GUID: node_guid 00:02:c9:03:00:21:6e:70" in out
            and "vf 1 IFLA_VF_IB_PORT_GUID: port_guid 00:02:c9:03:00:21:6e:78" in out, out + err)
    rc, out, err = vf(root, "eth0/all", "set", "node_guid", "auto", "port_guid", "auto",
                      "--dry-run", "--json")
    doc = load(out)
    t.check("GUID auto: exit 0", rc == 0 and doc is not None, err)
    if doc:
        perm = bytes(int(x, 16) for x in doc.get("perm_mac", "0:0:0:0:0:0").split(":"))
        reqs = doc.get("requests", [])
        node = {r["vf"]: r.get("node_guid") for r in reqs if "node_guid" in r}
        port = {r["vf"]: r.get("port_guid") for r in reqs if "port_guid" in r}
        want = {i: guid_of_mac(mac_auto(perm, i)) for i in range(4)}
        t.check("GUID auto: node_guid per the documented derivation", node == want, node)
        t.check("GUID auto: port_guid the same", port == want, port)
    for args, words in ((["node_guid", "00:02:c9:03:00:21:6e"], ["node_guid", "00:02:c9:03:00:21:6e", "GUID"]),
                        (["port_guid", "02:00:00:00:00:05"], ["port_guid", "02:00:00:00:00:05"]),
                        (["node_guid", "zz:02:c9:03:00:21:6e:70"], ["node_guid", "zz:02"]),
                        (["mtu", "67"], ["mtu", "67", "68-65535"]),
                        (["mtu", "70000"], ["mtu", "70000"]),
                        (["msix", "4096"], ["msix", "4096", "1-2048"]),
                        (["msix", "0"], ["msix", "'0'", "1-2048"])):
        t.expect_usage(f"vf set {' '.join(args)}", ["vf", "eth0/1", "set"] + args + ["--root", root],
                       words)
    t.check("vf keys: the tree is unchanged", tree_digest(root) == before)


def test_vf_keys_check(root):
    """check's vf.mtu: a VF netdev's MTU above the PF's is a warning."""
    def mtu_findings():
        doc = load(t.run(["check", "--json", "--root", root])[1])
        found = doc.get("findings", []) if isinstance(doc, dict) else []
        return [f for f in found if f.get("id") == "vf.mtu"]
    ok = [f for f in mtu_findings() if f["subject"] == "0000:01:00.0"]
    t.check("check vf.mtu: pass when no VF is above the PF",
            [f["status"] for f in ok] == ["pass"] and "1500" in ok[0]["summary"], ok)
    write(root, IGB_DEVS + "/0000:01:10.0/net/eth1/mtu", "9000")
    warn = [f for f in mtu_findings() if f["subject"] == "0000:01:10.0"]
    t.check("check vf.mtu: a VF above the PF warns, naming both",
            [f["status"] for f in warn] == ["warn"] and "9000" in warn[0]["summary"]
            and "1500" in warn[0]["summary"], warn)
    t.check("check vf.mtu: the remedy sets the PF's MTU",
            bool(warn) and any("set mtu 1500" in r for r in warn[0]["remedy"]), warn)
    write(root, IGB_DEVS + "/0000:01:10.0/net/eth1/mtu", "1500")


def test_vf_keys_apply(root, tmp):
    before = tree_digest(root)
    path = os.path.join(tmp, "keys.conf")
    with open(path, "w") as f:
        f.write("[vf eth0 0]\nmtu = 1400\n[vf eth0 3]\nmsix = 8\n"
                "[vf eth0 2]\nnode_guid = auto\nport_guid = 00:02:c9:03:00:21:6e:78\n")
    os.chmod(path, 0o600)
    rc, out, err = t.run(["apply", "--root", root, path, "--dry-run", "--json"])
    doc = load(out)
    t.check("apply --dry-run with the new keys: exit 0", rc == 0 and doc is not None, out + err)
    steps = {(s["key"], s.get("target")): (s.get("old"), s.get("new")) for s in (doc or {}).get("steps", [])}
    t.check("apply plan: mtu from 1500", steps.get(("mtu", "0000:01:10.0")) == ("1500", "1400"), steps)
    t.check("apply plan: msix from 1", steps.get(("msix", "0000:01:10.6")) == ("1", "8"), steps)
    perm = bytes.fromhex("525400123456")
    t.check("apply plan: node_guid auto resolved",
            steps.get(("node_guid", "0000:01:10.4"), (None, ""))[1] == guid_of_mac(mac_auto(perm, 2)),
            steps)
    with open(path, "w") as f:
        f.write("[pf eth0]\nspoofchk = on\n[vf eth0 0]\nmtu = 9000\n")
    rc, out, err = t.run(["apply", "--root", root, path, "--dry-run"])
    t.check("apply: a configured mtu above the PF's is exit 2 at its place, naming both",
            rc == 2 and "keys.conf:4:" in err and "9000" in err and "1500" in err,
            f"rc={rc} {err}")
    rc, out, err = t.run(["apply", "--root", root, path, "--check"])
    t.check("apply --check: the same refusal", rc == 2 and "9000" in err, f"rc={rc} {err}")
    with open(path, "w") as f:
        f.write("[vf eth0 1]\nnode_guid = 1:2:3\n")
    rc, out, err = t.run(["apply", "--root", root, path, "--dry-run"])
    t.check("apply: a GUID of the wrong form is exit 2 at its place",
            rc == 2 and "node_guid" in err and "1:2:3" in err and ":2:" in err, f"rc={rc} {err}")
    t.check("apply with the new keys: the tree is unchanged", tree_digest(root) == before)


def main():
    if t.binary_missing():
        return 1
    test_help()
    with tempfile.TemporaryDirectory() as tmp:
        igb = os.path.join(tmp, "igb")
        x710 = os.path.join(tmp, "x710")
        os.mkdir(igb)
        os.mkdir(x710)
        t.extract(IGB, igb)
        t.extract(X710, x710)
        test_dry_run(igb)
        test_mac_auto(igb)
        test_vf_address(igb)
        test_show(igb)
        test_bad_input(igb)
        test_reset(igb)
        for name, fn in (("reset-config", test_reset_config), ("reset-held", test_reset_refused)):
            d = os.path.join(tmp, name)
            os.mkdir(d)
            t.extract(IGB, d)
            fn(d)
        test_no_recording(x710)
        keys = vf_keys_tree(tmp)
        test_vf_keys_show(keys)
        test_vf_keys_set(keys)
        test_vf_keys_apply(keys, tmp)
        test_vf_keys_check(keys)
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
