#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpus fuzz/corpus/NAME/ of every fuzz target from the
tests' data (README.md says where each set comes from). Run it from
anywhere; it replaces fuzz/corpus/ whole:

    python3 fuzz/make-seeds.py
"""
import hashlib
import json
import os
import re
import shutil
import struct
import sys
import tarfile

FUZZ = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(FUZZ)
DATA = os.path.join(SRC, "tests", "data")
SHARED_DUMPS = os.path.join(os.path.dirname(SRC), "shared", "corpus", "pci-dumps")
CORPUS = os.path.join(FUZZ, "corpus")
MAX_SEED = 64 * 1024


class Corpus:
    """One target's seed directory; identical contents are written once."""

    def __init__(self, name):
        self.dir = os.path.join(CORPUS, name)
        os.makedirs(self.dir)
        self.seen = set()

    def add(self, name, data):
        if isinstance(data, str):
            data = data.encode()
        digest = hashlib.sha1(data).hexdigest()
        if digest in self.seen or len(data) > MAX_SEED:
            return
        self.seen.add(digest)
        name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)

    def add_files(self, folder, pattern=r".*", prefix=""):
        if not os.path.isdir(folder):
            return
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if os.path.isfile(path) and re.fullmatch(pattern, name):
                with open(path, "rb") as f:
                    self.add(prefix + name, f.read())


def read(path):
    with open(path, "rb") as f:
        return f.read()


# ---- dump and caps -------------------------------------------------------------

HEX_DUMPS = r"(?!.*\.vvv\.txt$).*\.txt|.*\.bin"
# dump seeds also take lspci -vvv text (the parser skips it before the rows)
# and the mixed -v...-vvv with -x...-xxxx dumps
DUMP_TEXT = r".*\.txt|.*\.bin"


def dump_configs(text):
    """The config space bytes of each function of an lspci -x dump."""
    funcs, cur = [], None
    for line in text.decode(errors="replace").splitlines():
        m = re.fullmatch(r"([0-9a-f]{2,3}): ((?:[0-9a-f]{2} ?){16})", line.strip())
        if m and cur is not None:
            cur += bytes.fromhex(m.group(2).replace(" ", ""))
        elif re.match(r"([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] ", line):
            cur = bytearray()
            funcs.append(cur)
    return [bytes(f) for f in funcs if f]


def seeds_dump_caps():
    dump, caps = Corpus("dump"), Corpus("caps")
    for folder, prefix in ((os.path.join(DATA, "pci-dumps"), ""),
                           (os.path.join(DATA, "bad-dumps"), "bad-"),
                           (os.path.join(DATA, "mixed-dumps"), "mixed-"),
                           (SHARED_DUMPS, "shared-")):
        dump.add_files(folder, DUMP_TEXT, prefix)
    for folder, prefix in (("pci-dumps", ""), ("mixed-dumps", "mixed-")):
        for name in sorted(os.listdir(os.path.join(DATA, folder))):
            if re.fullmatch(HEX_DUMPS, name):
                for i, cfg in enumerate(dump_configs(read(os.path.join(DATA, folder, name)))):
                    caps.add(f"{prefix}{name[:-4]}-{i}.bin", cfg)
    # config space read from the recorded trees' sysfs
    for tar in sorted(os.listdir(os.path.join(SRC, "tests", "fixtures"))):
        if tar.endswith(".tar"):
            with tarfile.open(os.path.join(SRC, "tests", "fixtures", tar)) as t:
                for m in t.getmembers():
                    if m.isfile() and m.name.endswith("/config"):
                        caps.add(f"{tar[:-4]}-{m.name.split('/')[-2]}.bin",
                                 t.extractfile(m).read()[:4096])
    # odd shapes: a capability list that loops, every byte 0xff, too short
    loop = bytearray(256)
    loop[0:4] = b"\x86\x80\xc9\x10"
    loop[6] = 0x10
    loop[0x34] = 0x40
    loop[0x40:0x42] = b"\x10\x40"
    caps.add("std-list-loop.bin", bytes(loop))
    ext = bytearray(4096)
    ext[:256] = loop
    ext[0x100:0x104] = struct.pack("<I", 0x10 | 1 << 16 | 0x100 << 20)
    caps.add("ext-list-loop.bin", bytes(ext))
    caps.add("all-ff.bin", b"\xff" * 4096)
    caps.add("short-63.bin", b"\x00" * 63)


# ---- netlink -------------------------------------------------------------------

RTM_NEWLINK, NLMSG_ERROR = 16, 2
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
IFLA_ADDRESS, IFLA_IFNAME, IFLA_NUM_VF, IFLA_VFINFO_LIST = 1, 3, 21, 22
IFLA_PERM_ADDRESS = 54
IFLA_VF_INFO, IFLA_VF_MAC, IFLA_VF_VLAN, IFLA_VF_TX_RATE = 1, 1, 2, 3
IFLA_VF_SPOOFCHK, IFLA_VF_LINK_STATE, IFLA_VF_RATE, IFLA_VF_RSS_QUERY_EN = 4, 5, 6, 7
IFLA_VF_TRUST, IFLA_VF_VLAN_LIST, IFLA_VF_VLAN_INFO = 9, 12, 1
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000


def nla(kind, payload):
    data = struct.pack("<HH", 4 + len(payload), kind) + payload
    return data + b"\0" * (-len(data) % 4)


def nest(kind, *attrs):
    return nla(kind | NLA_F_NESTED, b"".join(attrs))


def nlmsg(kind, flags, seq, pid, payload):
    return struct.pack("<IHHII", 16 + len(payload), kind, flags, seq, pid) + payload


def vf_info(i, vlan=0, qos=0, proto=None, spoof=1, trust=0, state=0, rss=0,
            rate=(0, 0), tx=None):
    mac = struct.pack("<I", i) + bytes([0x02, 0, 0, 0, 0, i]) + b"\0" * 26
    attrs = [nla(IFLA_VF_MAC, mac),
             nla(IFLA_VF_VLAN, struct.pack("<III", i, vlan, qos)),
             nla(IFLA_VF_RATE, struct.pack("<III", i, *rate)),
             nla(IFLA_VF_SPOOFCHK, struct.pack("<II", i, spoof)),
             nla(IFLA_VF_LINK_STATE, struct.pack("<II", i, state)),
             nla(IFLA_VF_RSS_QUERY_EN, struct.pack("<II", i, rss)),
             nla(IFLA_VF_TRUST, struct.pack("<II", i, trust))]
    if tx is not None:
        attrs.append(nla(IFLA_VF_TX_RATE, struct.pack("<II", i, tx)))
    if proto is not None:
        attrs.append(nest(IFLA_VF_VLAN_LIST, nla(IFLA_VF_VLAN_INFO,
                                                 struct.pack("<IIIH2x", i, vlan, qos,
                                                             proto))))
    return nest(IFLA_VF_INFO, *attrs)


def newlink(ifname, vfs, num_vf=None, flags=0x11043, perm=True, seq=1):
    ifi = struct.pack("<BxHiII", 0, 1, 2, flags, 0)
    attrs = [nla(IFLA_IFNAME, ifname.encode() + b"\0"),
             nla(IFLA_ADDRESS, bytes([0x52, 0x54, 0, 0x12, 0x34, 0x56]))]
    if perm:
        attrs.append(nla(IFLA_PERM_ADDRESS, bytes([0x52, 0x54, 0, 0x12, 0x34, 0x56])))
    attrs.append(nla(IFLA_NUM_VF, struct.pack("<I", len(vfs) if num_vf is None else num_vf)))
    if vfs:
        attrs.append(nest(IFLA_VFINFO_LIST, *vfs))
    return nlmsg(RTM_NEWLINK, 0, seq, 0, ifi + b"".join(attrs))


def ack(error, seq, msg=None, capped=True, pid=4242):
    request = nlmsg(19, 5, seq, pid, struct.pack("<BxHiII", 0, 0, 2, 0, 0))
    flags = (NLM_F_CAPPED if capped else 0) | (NLM_F_ACK_TLVS if msg else 0)
    body = struct.pack("<i", error) + (request[:16] if capped else request)
    if msg:
        body += nla(NLMSGERR_ATTR_MSG, msg.encode() + b"\0")
    return nlmsg(NLMSG_ERROR, flags, seq, pid, body)


def seeds_netlink():
    c = Corpus("netlink")
    c.add("newlink-no-vfs", newlink("eth0", []))
    c.add("newlink-4-vfs", newlink("eth0", [vf_info(i) for i in range(4)]))
    c.add("newlink-settings", newlink("enp1s0f0", [
        vf_info(0, vlan=10, qos=3, spoof=0, trust=1, state=1, rss=1, rate=(10, 100)),
        vf_info(1, vlan=20, proto=0x88a8, state=2),
        vf_info(2, tx=500),
        vf_info(3, spoof=0xffffffff, trust=0xffffffff, rss=0xffffffff)]))
    c.add("newlink-fewer-than-num-vf", newlink("eth1", [vf_info(0)], num_vf=8))
    c.add("newlink-down-no-perm", newlink("eth2", [], flags=0x1002, perm=False))
    c.add("ack-ok", ack(0, 7))
    c.add("ack-einval-msg", ack(-22, 8, "VF index out of range"))
    c.add("ack-ebusy-uncapped", ack(-16, 9, "VF still in reset", capped=False))
    c.add("datagram-link-then-ack", newlink("eth0", [vf_info(0)], seq=3) + ack(-95, 3))
    for tar in sorted(os.listdir(os.path.join(SRC, "tests", "fixtures"))):
        if tar.endswith(".tar"):
            with tarfile.open(os.path.join(SRC, "tests", "fixtures", tar)) as t:
                for m in t.getmembers():
                    if m.isfile() and "/.sriovctl/rtnl/" in "/" + m.name:
                        c.add(f"recorded-{tar[:-4]}-{os.path.basename(m.name)}",
                              t.extractfile(m).read())


# ---- devlink -------------------------------------------------------------------


def seeds_devlink():
    """The synthetic mlx5 and ice replies of the CLI tests, and variants."""
    sys.path.insert(0, os.path.join(SRC, "tests"))
    import devlink_replies as dr
    c = Corpus("devlink")
    addr = "0000:03:00.0"
    c.add("mlx5-switchdev-4vf", dr.mlx5(addr, 4))
    c.add("mlx5-switchdev-0vf", dr.mlx5(addr, 0))
    c.add("ice-legacy-4vf", dr.ice(addr, 4))
    c.add("no-eswitch", dr.no_eswitch(addr))
    c.add("other-instance", dr.mlx5("0000:03:00.1", 2))
    c.add("two-instances", dr.mlx5(addr, 2) + dr.ice("0000:03:00.1", 2))
    c.add("mlx5-cut-short", dr.mlx5(addr, 2)[:-7])
    c.add("netdevsim-as-mlx5", dr.mlx5("netdevsim10", 3, bus="netdevsim"))
    c.add("netdevsim-switchdev", dr.netdevsim("netdevsim10", 4))
    c.add("netdevsim-legacy", dr.netdevsim("netdevsim10", 4, switchdev=False))


# ---- config, kmsg ---------------------------------------------------------------


def seeds_config():
    c = Corpus("config")
    c.add_files(os.path.join(DATA, "config", "good"), r".*\.conf", "good-")
    c.add_files(os.path.join(DATA, "config", "bad"), r".*\.conf", "bad-")
    c.add("sriovctl.conf.example", read(os.path.join(SRC, "data", "sriovctl.conf.example")))


def seeds_kmsg():
    c = Corpus("kmsg")
    c.add_files(os.path.join(DATA, "kmsg"), r".*\.(kmsg|dmesg)")


# ---- journal -------------------------------------------------------------------


def change(kind, key, old, new=None, vf=-1, target=None, status=None, error=0, extra=""):
    pf = "0000:01:00.0"
    c = {"kind": kind, "pf": pf, "vf": vf, "target": target or pf, "key": key,
         "old": old, "old_extra": extra}
    if new is not None:
        c.update({"new": new, "status": status or "done", "error": error})
    return c


def journal(state, command="apply", finished="2026-11-21T10:00:05Z", steps=(), originals=(),
            files=("/etc/sriovctl.conf",)):
    return json.dumps({"version": 1, "command": command, "pid": 4242, "state": state,
                       "started": "2026-11-21T10:00:00Z", "finished": finished,
                       "files": list(files), "steps": list(steps),
                       "originals": list(originals)}, indent=1) + "\n"


def seeds_journal():
    c = Corpus("journal")
    vf1 = "0000:01:10.2"
    steps = [change("autoprobe", "autoprobe", "yes", "no"),
             change("num_vfs", "num_vfs", "0", "2"),
             change("up", "up", "down", "up"),
             change("vf_attr", "mac", "00:00:00:00:00:00", "02:00:00:00:00:01", 1, vf1),
             change("vf_attr", "vlan", "0", "10", 1, vf1),
             change("driver", "driver", "igbvf", "vfio-pci", 1, vf1, extra="igbvf")]
    originals = [{k: v for k, v in s.items() if k not in ("new", "status", "error")}
                 for s in steps]
    c.add("complete.json", journal("complete", steps=steps, originals=originals))
    c.add("running.json", journal("running", finished=None,
                                  steps=steps[:2] + [dict(steps[2], status="started")],
                                  originals=originals[:3]))
    c.add("failed.json", journal("failed", steps=steps[:3] + [
        dict(steps[3], status="failed", error=-22)], originals=originals[:4]))
    c.add("rolled-back.json", journal("rolled_back", steps=[
        dict(s, status="undone") for s in steps[:2]], originals=originals[:2]))
    c.add("restore.json", journal("complete", command="restore", files=(),
                                  steps=[dict(steps[1], old="2", new="0")]))
    c.add("empty.json", journal("none", finished=None, files=()))
    c.add("several-files.json", journal("complete", files=(
        "/etc/sriovctl.conf", "/etc/sriovctl.d/a.conf", "/etc/sriovctl.d/b c.conf")))


# ---- args ----------------------------------------------------------------------

# fuzz_args.c's command list: the first byte of an input picks one
COMMANDS = ["list", "show", "check", "decode", "vf", "export", "help", None, "enable",
            "disable", "bind", "unbind", "apply", "restore", "persist"]

ARGS = {
    "list": [[], ["--json"], ["-v"]],
    "show": [[], ["eth0"], ["0000:01:00.0", "--json"], ["eth0/1"], ["02:00.0"],
             ["01:10.2", "--json"], ["nosuch0"], ["eth0/../x"]],
    "check": [[], ["eth0"], ["--kmsg", "@/fuzz/dmesg.kmsg"], ["--json", "0000:02:00.0"],
              ["eth0/1"]],
    "decode": [["@/fuzz/dump.txt"], ["@/fuzz/dump.txt", "--json"], ["-"],
               ["@/sys/bus/pci/devices/0000:01:00.0/config"]],
    "vf": [["eth0", "show"], ["eth0/0-1", "show", "--json"],
           ["eth0/0", "set", "mac", "02:00:00:00:00:01", "vlan", "10", "qos", "3"],
           ["eth0/all", "set", "trust", "on", "spoofchk", "off", "--json"],
           ["eth0/1", "set", "min_tx_rate", "10", "max_tx_rate", "100", "--pf-up"],
           ["eth0/2", "set", "vlan", "5", "proto", "802.1ad", "state", "enable"],
           ["0000:01:00.0/9", "set", "query_rss", "on"]],
    "export": [["eth0/0", "--format", "libvirt"], ["eth0/1", "--format", "qemu", "--json"],
               ["eth0", "--format", "libvirt-network", "--name", "sriov"],
               ["0000:01:10.0", "--format", "proxmox", "--vmid", "100", "--hostpci", "1"],
               ["eth0/0", "--format", "libvirt-hostdev", "--no-config"],
               ["eth0/0", "--format", "libvirt", "--config", "etc/sriovctl.conf"],
               ["eth0", "--format", "proxmox-mapping", "--node", "pve"],
               ["eth0/0-1", "--format", "proxmox-mapping", "--mapping-name", "vfs", "--json"]],
    "help": [[], ["vf"], ["apply"], ["nosuch"]],
    None: [["--version"], ["--help"], ["-V"], ["--bogus"], ["--json", "-v"]],
    "enable": [["eth0", "2"], ["0000:01:00.0", "8", "--force"], ["eth0", "0"],
               ["--autoprobe", "no", "eth0", "3", "--timeout", "5"], ["02:00.0", "2"]],
    "disable": [["eth0"], ["02:00.0", "--force", "--json"]],
    "bind": [["0000:01:10.0", "vfio-pci"], ["eth0/0", "default"], ["eth0/1", "igbvf",
                                                                   "--force"]],
    "unbind": [["0000:01:10.0"], ["eth0/3", "--json"]],
    "apply": [[], ["--json"], ["@/etc/sriovctl.conf"],
              ["--json", "@/etc/sriovctl.d/merged.conf"],
              ["--rollback-on-error", "--timeout", "5", "--lock-timeout", "0"]],
    "restore": [[], ["--json"], ["--lock-timeout", "1"]],
    "persist": [[], ["--method", "modprobe"], ["--remove"],
                ["--method", "systemd", "@/etc/sriovctl.conf", "--json"]],
}


# apply with --check in place of --dry-run: an odd multiple of the list's length
CHECK = len(COMMANDS)
ARGS_CHECK = {"apply": [[], ["--json"], ["@/etc/sriovctl.d/merged.conf"]]}


def seeds_args():
    c = Corpus("args")
    for table, base, suffix in ((ARGS, 0, ""), (ARGS_CHECK, CHECK, "-check")):
        for cmd, lines in table.items():
            for i, args in enumerate(lines):
                data = bytes([base + COMMANDS.index(cmd)]) + "\n".join(args).encode()
                c.add(f"{cmd or 'global'}{suffix}-{i}", data)


def main():
    if os.path.isdir(CORPUS):
        shutil.rmtree(CORPUS)
    seeds_dump_caps()
    seeds_netlink()
    seeds_devlink()
    seeds_config()
    seeds_kmsg()
    seeds_journal()
    seeds_args()
    for name in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, name))
        size = sum(os.path.getsize(os.path.join(CORPUS, name, f)) for f in files)
        print(f"{name}: {len(files)} seeds, {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
