#!/usr/bin/env python3
"""CLI tests for `sriovctl export`, against the real-kernel capture
tests/fixtures/vm-igb-nvme-vf4.tar: igb PF 0000:01:00.0 = eth0 with VFs
01:10.0/.2/.4/.6 (VF 0: MAC 02:00:00:5e:10:00, VLAN 100 qos 3; VF 1: all-zero
MAC) on igbvf, IOMMU groups 7..10; NVMe PF 02:00.0 with VFs 02:00.1/.2 and no
driver.

Every libvirt snippet is validated with libvirt's own schemas
(virt-xml-validate from libvirt-clients): interfaces and hostdevs wrapped in a
minimal domain, networks as they are. A broken snippet must fail the same
check. The snippets are also compared with golden files in
tests/fixtures/export/ (--update rewrites them). Ends with "N passed, N failed".
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(__file__))
import test_cli as t  # noqa: E402

FIXTURE = os.path.join(t.FIXTURES, "vm-igb-nvme-vf4.tar")
GOLDEN = os.path.join(t.FIXTURES, "export")
PF_DIR = "sys/devices/pci0000:00/0000:00:02.0/0000:01:00.0"
VALIDATE = shutil.which("virt-xml-validate")
DOMAIN = ("<domain type='kvm'><name>t</name><memory>131072</memory>"
          "<os><type arch='x86_64'>hvm</type></os><devices>\n{}</devices></domain>\n")
JSON_KEYS = {"device", "format", "kind", "pf", "vf_index", "driver", "iommu_group", "mac",
             "mac_source", "vlan", "qos", "vlan_source", "snippet", "warnings"}


def make_tree(tmp, name="root"):
    root = os.path.join(tmp, name)
    os.mkdir(root)
    t.extract(FIXTURE, root)
    return root


def export(root, *args):
    return t.run(["export", *args, "--root", root])


def validate(tmp, xml, kind):
    """virt-xml-validate's exit status and output for xml as a domain or network."""
    path = os.path.join(tmp, f"check-{kind}.xml")
    with open(path, "w") as f:
        f.write(DOMAIN.format(xml) if kind == "domain" else xml)
    p = subprocess.run([VALIDATE, path, kind], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def check_valid(tmp, name, xml, kind):
    rc, out = validate(tmp, xml, kind)
    t.check(f"{name}: libvirt's {kind} schema accepts it", rc == 0, out)


def validator_present():
    """A missing validator is a failure (CI installs libvirt-clients), not a skip."""
    t.check("virt-xml-validate is installed (Debian: libvirt-clients)", VALIDATE is not None,
            "the libvirt schema checks cannot run: install libvirt-clients")
    return VALIDATE is not None


def test_validator_can_fail(tmp, root):
    """The schema check is real: broken snippets are refused."""
    _, xml, _ = export(root, "eth0/0", "--format", "libvirt")
    for what, broken in (("unknown interface type", xml.replace("'hostdev'", "'hostdevx'")),
                         ("VLAN tag out of range", xml.replace("id='100'", "id='5000'")),
                         ("unclosed element", xml.replace("</interface>", ""))):
        rc, _ = validate(tmp, broken, "domain")
        t.check(f"broken snippet ({what}) fails validation", rc != 0, f"rc={rc}")
    _, net, _ = export(root, "eth0", "--format", "libvirt-network")
    rc, _ = validate(tmp, net.replace("<name>sriov-eth0</name>", ""), "network")
    t.check("network without a name fails validation", rc != 0, f"rc={rc}")


def test_libvirt(tmp, root):
    rc, out, err = export(root, "eth0/0", "--format", "libvirt")
    t.check("libvirt VF: exit 0", rc == 0, err)
    t.check("libvirt VF: interface hostdev, managed",
            "<interface type='hostdev' managed='yes'>" in out, out)
    t.check("libvirt VF: current MAC", "<mac address='02:00:00:5e:10:00'/>" in out, out)
    t.check("libvirt VF: PCI address",
            "<address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x0'/>"
            in out, out)
    t.check("libvirt VF: VLAN", "<tag id='100'/>" in out, out)
    t.check("libvirt VF: sources on stderr",
            "note: MAC 02:00:00:5e:10:00: current (rtnetlink" in err
            and "note: VLAN 100, qos 3: current" in err, err)
    t.check("libvirt VF: qos warning", "qos is lost" in err, err)
    t.check("libvirt VF: managed binding note",
            "libvirt binds it to vfio-pci when the VM starts" in err, err)
    t.check("libvirt VF: nothing but the snippet on stdout", "warning" not in out, out)
    check_valid(tmp, "libvirt VF", out, "domain")
    t.golden("libvirt VF golden", os.path.join(GOLDEN, "vf0.libvirt.xml"), out)

    rc, out, err = export(root, "0000:01:10.2", "--format", "libvirt", "--unmanaged")
    t.check("libvirt VF 1: exit 0", rc == 0, err)
    t.check("libvirt VF 1: all-zero MAC is no MAC", "<mac" not in out and "<vlan" not in out,
            out)
    t.check("libvirt VF 1: unmanaged", "managed='no'" in out, out)
    t.check("libvirt VF 1: warnings", "no MAC for VF 1" in err and "set mac auto" in err
            and "will not bind it" in err, err)
    check_valid(tmp, "libvirt VF 1 unmanaged", out, "domain")

    rc, out, err = export(root, "eth0", "--format", "libvirt")
    t.check("libvirt PF: exit 2, not a VF",
            rc == 2 and "not an SR-IOV VF" in err and "libvirt-hostdev" in err and not out,
            f"rc={rc} {err}")
    rc, out, err = export(root, "0000:02:00.1", "--format", "libvirt")
    t.check("libvirt NVMe VF: exit 2, not a network function",
            rc == 2 and "not a network function" in err and "libvirt-hostdev" in err,
            f"rc={rc} {err}")


def test_hostdev(tmp, root):
    for dev, name in (("eth0/0", "vf0"), ("0000:02:00.1", "nvme-vf0"), ("eth0", "pf")):
        rc, out, err = export(root, dev, "--format", "libvirt-hostdev")
        t.check(f"hostdev {name}: exit 0", rc == 0, err)
        t.check(f"hostdev {name}: subsystem pci managed",
                "<hostdev mode='subsystem' type='pci' managed='yes'>" in out, out)
        check_valid(tmp, f"hostdev {name}", out, "domain")
        t.golden(f"hostdev {name} golden", os.path.join(GOLDEN, f"{name}.hostdev.xml"), out)
    _, out, err = export(root, "eth0", "--format", "libvirt-hostdev")
    t.check("hostdev PF: VFs warning", "PF with 4 VFs enabled" in err, err)
    _, out, err = export(root, "0000:02:00.1", "--format", "libvirt-hostdev")
    t.check("hostdev NVMe VF: no MAC talk", "MAC" not in err, err)


def test_network(tmp, root):
    rc, out, err = export(root, "eth0", "--format", "libvirt-network")
    t.check("network: exit 0", rc == 0, err)
    t.check("network: pool of eth0", "<name>sriov-eth0</name>" in out
            and "<forward mode='hostdev' managed='yes'>" in out and "<pf dev='eth0'/>" in out,
            out)
    t.check("network: virsh commands", "virsh net-start sriov-eth0" in out
            and "virsh net-autostart sriov-eth0" in out
            and "<source network='sriov-eth0'/>" in out, out)
    check_valid(tmp, "network", out, "network")
    t.golden("network golden", os.path.join(GOLDEN, "pf.network.xml"), out)

    rc, out, err = export(root, "0000:01:00.0", "--format", "libvirt-network", "--name",
                          "vf-pool", "--unmanaged")
    t.check("network --name --unmanaged", rc == 0 and "<name>vf-pool</name>" in out
            and "managed='no'" in out and "sriovctl bind 0000:01:00.0/all vfio-pci" in err,
            f"rc={rc} {err}")
    check_valid(tmp, "network --name", out, "network")

    rc, out, err = export(root, "eth0/0", "--format", "libvirt-network")
    t.check("network of a VF: exit 2, names the PF", rc == 2 and "is a VF" in err
            and "export 0000:01:00.0 --format libvirt-network" in err, f"rc={rc} {err}")
    rc, out, err = export(root, "0000:02:00.0", "--format", "libvirt-network")
    t.check("network of a PF without netdev: exit 2", rc == 2 and "no netdev" in err,
            f"rc={rc} {err}")


def rename_pf_netdev(tmp, new):
    """A tree whose PF netdev is called new (sysfs allows most bytes)."""
    root = make_tree(tmp, "odd")
    os.rename(os.path.join(root, PF_DIR, "net", "eth0"), os.path.join(root, PF_DIR, "net", new))
    os.unlink(os.path.join(root, "sys/class/net/eth0"))
    os.symlink(f"../../devices/pci0000:00/0000:00:02.0/0000:01:00.0/net/{new}",
               os.path.join(root, "sys/class/net", new))
    os.rename(os.path.join(root, ".sriovctl/rtnl/eth0"), os.path.join(root, ".sriovctl/rtnl", new))
    return root


def test_escaping(tmp):
    odd = "e&<'\">"
    root = rename_pf_netdev(tmp, odd)
    rc, out, err = export(root, "0000:01:00.0", "--format", "libvirt-network", "--name", "pool")
    t.check("odd netdev: exit 0", rc == 0, err)
    t.check("odd netdev: escaped in XML", "<pf dev='e&amp;&lt;&apos;&quot;&gt;'/>" in out, out)
    t.check("odd netdev: warned that libvirt's schema refuses it",
            "<pf dev>" in err and "rename the interface" in err, err)
    # well-formed XML (the escaping works) that the schema refuses, as warned
    rc, msg = validate(tmp, out, "network")
    t.check("odd netdev: parsed, refused by the schema only",
            rc != 0 and "parser error" not in msg and "Relax-NG" in msg, msg)
    rc, out, err = export(root, "0000:01:00.0", "--format", "libvirt-network")
    t.check("odd netdev: default network name refused, --name suggested",
            rc == 2 and "--name" in err and not out, f"rc={rc} {err}")


def test_qemu_proxmox(tmp, root):
    rc, out, err = export(root, "eth0/0", "--format", "qemu")
    lines = out.splitlines()
    t.check("qemu: exit 0", rc == 0, err)
    t.check("qemu: the -device argument last",
            lines and lines[-1] == "-device vfio-pci,host=0000:01:10.0,id=vfio-0000-01-10.0",
            out)
    t.check("qemu: every other line a comment", all(x.startswith("#") for x in lines[:-1]), out)
    t.check("qemu: CPU model and MSI-X notes", "-cpu host" in out and "MSI-X" in out
            and "intel-iommu,intremap=on,caching-mode=on" in out, out)
    t.check("qemu: not on vfio-pci warning", "QEMU does not bind it" in err, err)
    t.golden("qemu golden", os.path.join(GOLDEN, "vf0.qemu.txt"), out)

    rc, out, err = export(root, "eth0/0", "--format", "proxmox", "--vmid", "101",
                          "--hostpci", "2")
    t.check("proxmox: exit 0", rc == 0, err)
    t.check("proxmox: qm set", "\nqm set 101 --hostpci2 0000:01:10.0,pcie=1\n" in out, out)
    t.check("proxmox: config line", "/etc/pve/qemu-server/101.conf" in out
            and out.endswith("# hostpci2: 0000:01:10.0,pcie=1\n"), out)
    t.check("proxmox: q35 for pcie=1", "q35" in out, out)
    t.golden("proxmox golden", os.path.join(GOLDEN, "vf0.proxmox.txt"), out)
    rc, out, err = export(root, "0000:02:00.2", "--format", "proxmox")
    t.check("proxmox without --vmid: placeholder",
            rc == 0 and "qm set VMID --hostpci0 0000:02:00.2,pcie=1" in out, out)


# Proxmox VE's syntax for a PCI mapping entry (PVE::Mapping::PCI in
# pve-guest-common; pve-node and pve-configid in PVE::JSONSchema).
MAP_SYNTAX = {
    "node": r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?",
    "path": r"[a-f0-9]{4,}:[a-f0-9]{2}:[a-f0-9]{2}(\.[a-f0-9])?",
    "id": r"[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}",
    "iommugroup": r"[0-9]+",
    "subsystem-id": r"[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}",
}
MAP_REQUIRED = ("node", "path", "id")
CONFIGID = r"[A-Za-z][A-Za-z0-9_]+"


def parse_mapping(out):
    """(id, [dict per --map]) from the printed pvesh command, or raises ValueError."""
    cmd = " ".join(x.rstrip("\\").strip() for x in out.splitlines() if not x.startswith("#"))
    words = cmd.split()
    if words[:3] != ["pvesh", "create", "/cluster/mapping/pci"] or words[3] != "--id":
        raise ValueError(f"not a pvesh mapping command: {cmd!r}")
    mapping_id, maps, rest = words[4], [], words[5:]
    if not re.fullmatch(CONFIGID, mapping_id):
        raise ValueError(f"id {mapping_id!r} outside pve-configid")
    while rest:
        if rest[0] != "--map" or len(rest) < 2:
            raise ValueError(f"unexpected {rest[0]!r}")
        entry = {}
        for part in rest[1].split(","):
            key, sep, val = part.partition("=")
            if not sep or key not in MAP_SYNTAX or key in entry:
                raise ValueError(f"bad key in {rest[1]!r}: {part!r}")
            if not re.fullmatch(MAP_SYNTAX[key], val):
                raise ValueError(f"{key}={val!r} outside Proxmox's syntax")
            entry[key] = val
        missing = [k for k in MAP_REQUIRED if k not in entry]
        if missing:
            raise ValueError(f"{rest[1]!r} lacks {missing}")
        maps.append(entry)
        rest = rest[2:]
    return mapping_id, maps


def kernel_group(root, addr):
    """The IOMMU group number from the function's own iommu_group link."""
    link = os.readlink(os.path.join(root, "sys/bus/pci/devices", addr))
    dev = os.path.normpath(os.path.join(root, "sys/bus/pci/devices", link))
    return os.path.basename(os.readlink(os.path.join(dev, "iommu_group")))


def test_proxmox_mapping(tmp):
    root = make_tree(tmp, "mapping")
    rc, out, err = export(root, "eth0", "--format", "proxmox-mapping")
    t.check("mapping without /etc/hostname: exit 2, names --node",
            rc == 2 and not out and "/etc/hostname" in err and "--node" in err, err)
    os.makedirs(os.path.join(root, "etc"))
    with open(os.path.join(root, "etc/hostname"), "w") as f:
        f.write("pve-a.example.org\n")
    vf0 = os.path.join(root, PF_DIR.replace("01:00.0", "01:10.0"))
    for name, val in (("subsystem_vendor", "0x8086\n"), ("subsystem_device", "0xa03c\n")):
        with open(os.path.join(vf0, name), "w") as f:
            f.write(val)
    before = t.tree_digest(root)

    rc, out, err = export(root, "eth0", "--format", "proxmox-mapping")
    t.check("mapping of a PF: exit 0", rc == 0, err)
    try:
        mapping_id, maps = parse_mapping(out)
    except ValueError as ex:
        t.check("mapping: Proxmox's syntax", False, f"{ex}\n{out}")
        return
    vfs = ["0000:01:10.0", "0000:01:10.2", "0000:01:10.4", "0000:01:10.6"]
    t.check("mapping: default id from the PF netdev", mapping_id == "sriov_eth0", mapping_id)
    t.check("mapping: one --map per VF, in order", [m["path"] for m in maps] == vfs, maps)
    t.check("mapping: node from /etc/hostname", all(m["node"] == "pve-a" for m in maps), maps)
    t.check("mapping: igb VF ids", all(m["id"] == "8086:10ca" for m in maps), maps)
    t.check("mapping: IOMMU groups as the kernel links them",
            [m["iommugroup"] for m in maps] == [kernel_group(root, a) for a in vfs], maps)
    t.check("mapping: subsystem-id where sysfs has it",
            maps[0].get("subsystem-id") == "8086:a03c"
            and all("subsystem-id" not in m for m in maps[1:]), maps)
    t.check("mapping: warns where the subsystem ids are unknown",
            "0000:01:10.2: subsystem ids unknown" in err, err)
    t.check("mapping: how a VM uses it", "hostpci0: mapping=sriov_eth0" in out, out)
    t.golden("proxmox-mapping golden", os.path.join(GOLDEN, "pf.proxmox-mapping.txt"), out)

    rc, out, err = export(root, "eth0/1-2", "--format", "proxmox-mapping", "--node", "pve2",
                          "--mapping-name", "uplink")
    _, maps = parse_mapping(out) if rc == 0 else ("", [])
    t.check("mapping of PF/INDEXES with --node and --mapping-name",
            rc == 0 and "--id uplink " in out and [m["path"] for m in maps] == vfs[1:3]
            and all(m["node"] == "pve2" for m in maps), f"rc={rc} {err}")
    rc, out, err = export(root, "0000:02:00.2", "--format", "proxmox-mapping")
    _, maps = parse_mapping(out) if rc == 0 else ("", [])
    t.check("mapping of one NVMe VF by address (PF without netdev: id from its address)",
            rc == 0 and "--id sriov_0000_02_00_0 " in out and len(maps) == 1
            and maps[0]["path"] == "0000:02:00.2", f"rc={rc} {out} {err}")

    rc, out, err = export(root, "eth0/0,3", "--format", "proxmox-mapping", "--json")
    doc = json.loads(out) if rc == 0 else {}
    fns = doc.get("functions", [])
    t.check("mapping json: node, snippet and each function",
            rc == 0 and doc.get("node") == "pve-a" and doc.get("snippet", "").startswith("#")
            and [f.get("device") for f in fns] == [vfs[0], vfs[3]]
            and fns[0].get("id") == "8086:10ca" and fns[0].get("subsystem_id") == "8086:a03c"
            and fns[1].get("subsystem_id") is None, doc)

    for args, msg in (
            (["eth0", "--mapping-name", "sriov-eth0"], "invalid mapping name 'sriov-eth0'"),
            (["eth0", "--mapping-name", "x"], "invalid mapping name 'x'"),
            (["eth0", "--node", "pve.example.org"], "invalid node name 'pve.example.org'"),
            (["eth0", "--node", "a,b"], "invalid node name 'a,b'"),
            (["eth0/7", "--node", "pve"], "VF index 7"),
            (["0000:07:00.0", "--node", "pve"], "no such device: 0000:07:00.0")):
        rc, out, err = export(root, *args, "--format", "proxmox-mapping")
        t.check(f"mapping bad input {' '.join(args)}: exit 2, a clear message",
                rc == 2 and msg in err and not out, f"rc={rc} stderr={err!r}")
    rc, out, err = export(root, "eth0/0", "--format", "qemu", "--node", "pve")
    t.check("--node with another format: exit 2", rc == 2 and "--node goes with" in err, err)
    t.check("mapping changes nothing in the tree", t.tree_digest(root) == before)


def test_json(root):
    rc, out, err = export(root, "eth0/0", "--format", "libvirt", "--json")
    t.check("json: exit 0, nothing on stderr", rc == 0 and not err, f"rc={rc} {err}")
    try:
        doc = json.loads(out)
    except ValueError as ex:
        t.check("json: valid", False, str(ex))
        return
    t.check("json: keys", set(doc) == JSON_KEYS, sorted(doc))
    _, text, _ = export(root, "eth0/0", "--format", "libvirt")
    t.check("json: snippet is the text output", doc.get("snippet") == text)
    t.check("json: values", doc.get("device") == "0000:01:10.0" and doc.get("kind") == "vf"
            and doc.get("pf") == "0000:01:00.0" and doc.get("vf_index") == 0
            and doc.get("mac") == "02:00:00:5e:10:00" and doc.get("vlan") == 100
            and doc.get("qos") == 3 and doc.get("driver") == "igbvf"
            and doc.get("iommu_group") == 7
            and doc.get("mac_source", "").startswith("current"), doc)
    t.check("json: warnings", any("qos is lost" in w for w in doc.get("warnings", [])), doc)
    rc, out, _ = export(root, "0000:02:00.1", "--format", "qemu", "--json")
    doc = json.loads(out) if rc == 0 else {}
    t.check("json NVMe VF: no MAC or VLAN", rc == 0 and doc.get("mac") is None
            and doc.get("mac_source") is None and doc.get("vlan") is None
            and doc.get("driver") is None, doc)
    rc, out, _ = export(root, "eth0", "--format", "libvirt", "--json")
    t.check("json error: exit 2, no JSON", rc == 2 and not out, out)


def write_config(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o644)


def test_config(root):
    write_config(root, "etc/test-export.conf",
                 "[vf eth0 0]\nvlan = 55\n\n[vf 0000:01:00.0 1]\nmac = 02:aa:00:00:00:01\n")
    rc, out, err = export(root, "eth0/0", "--format", "libvirt", "--config",
                          "/etc/test-export.conf", "--json")
    doc = json.loads(out) if rc == 0 else {}
    t.check("config: configured VLAN beats current", rc == 0 and doc.get("vlan") == 55
            and doc.get("vlan_source") == "configured (/etc/test-export.conf:2)", f"{err} {doc}")
    t.check("config: MAC not configured stays current",
            doc.get("mac") == "02:00:00:5e:10:00" and doc.get("mac_source", "").startswith(
                "current"), doc)
    rc, out, err = export(root, "eth0/1", "--format", "libvirt", "--config",
                          "/etc/test-export.conf")
    t.check("config: configured MAC in the snippet",
            rc == 0 and "<mac address='02:aa:00:00:00:01'/>" in out
            and "note: MAC 02:aa:00:00:00:01: configured (/etc/test-export.conf:5)" in err,
            f"rc={rc} {err}")

    # the default files, unless --no-config
    write_config(root, "etc/sriovctl.conf", "[vf eth0 0]\nvlan = 66\n")
    rc, out, err = export(root, "eth0/0", "--format", "libvirt")
    t.check("config: /etc/sriovctl.conf read by default",
            rc == 0 and "<tag id='66'/>" in out and "configured (/etc/sriovctl.conf:2)" in err,
            f"rc={rc} {err}")
    rc, out, err = export(root, "eth0/0", "--format", "libvirt", "--no-config")
    t.check("config: --no-config uses the current VLAN", rc == 0 and "<tag id='100'/>" in out,
            f"rc={rc} {err}")

    write_config(root, "etc/mtu-export.conf", "[vf eth0 0]\nmtu = 1400\n")
    rc, out, err = export(root, "eth0/0", "--format", "libvirt", "--config",
                          "/etc/mtu-export.conf")
    t.check("config: a configured mtu is not in the XML, and the warning says so",
            rc == 0 and "mtu" not in out and "VF 0 has mtu 1400 configured" in err
            and "inside the guest" in err, f"rc={rc} {out} {err}")
    rc, out, err = export(root, "eth0/0", "--format", "qemu", "--config",
                          "/etc/mtu-export.conf")
    t.check("config: the mtu warning for qemu too", rc == 0 and "mtu 1400" in err, err)

    write_config(root, "etc/bad-export.conf", "[vf eth0 0]\nvlan = 5000\n")
    rc, out, err = export(root, "eth0/0", "--format", "libvirt", "--config",
                          "/etc/bad-export.conf")
    t.check("config: a bad file is exit 2 naming file:line",
            rc == 2 and "/etc/bad-export.conf:2" in err and not out, f"rc={rc} {err}")
    rc, out, err = export(root, "eth0/0", "--format", "libvirt", "--config",
                          "/etc/missing.conf")
    t.check("config: a missing file is exit 2", rc == 2 and "missing.conf" in err and not out,
            f"rc={rc} {err}")
    os.unlink(os.path.join(root, "etc/sriovctl.conf"))


def test_bad_input(root):
    cases = [
        (["eth0/0", "--format", "virsh"], "unknown format 'virsh'"),
        (["eth0/0"], "missing --format"),
        (["--format", "qemu"], "missing DEV"),
        (["eth0/0", "eth0/1", "--format", "qemu"], "unexpected argument 'eth0/1'"),
        (["eth0/9", "--format", "qemu"], "VF index 9"),
        (["eth0/0-1", "--format", "qemu"], "names 2 VFs"),
        (["eth0/0", "--format", "proxmox", "--vmid", "abc"], "invalid --vmid 'abc'"),
        (["eth0/0", "--format", "proxmox", "--vmid", "99"], "100 to 999999999"),
        (["eth0/0", "--format", "proxmox", "--hostpci", "16"], "invalid --hostpci '16'"),
        (["eth0/0", "--format", "proxmox", "--hostpci", "-1"], "0 to 15"),
        (["eth0/0", "--format", "qemu", "--vmid", "100"], "--vmid goes with --format proxmox"),
        (["eth0/0", "--format", "qemu", "--unmanaged"], "--unmanaged goes with"),
        (["eth0", "--format", "libvirt-network", "--name", "a/b"], "invalid network name"),
        (["eth0/0", "--format", "qemu", "--no-config", "--config", "/x"], "--no-config"),
        (["0000:07:00.0", "--format", "qemu"], "no such device: 0000:07:00.0"),
        (["enp9s0/1", "--format", "qemu"], "no such device"),
    ]
    for args, msg in cases:
        rc, out, err = export(root, *args)
        t.check(f"bad input {' '.join(args)}: exit 2 and a clear message",
                rc == 2 and msg in err and not out, f"rc={rc} stderr={err!r}")


def test_help_and_read_only(root):
    rc, out, _ = t.run(["export", "--help"])
    t.check("help: exit 0, every format and an example",
            rc == 0 and all(f in out for f in ("libvirt-hostdev", "libvirt-network", "qemu",
                                               "proxmox", "proxmox-mapping", "--mapping-name",
                                               "--node", "Examples:", "Exit status")), out)
    before = t.tree_digest(root)
    for fmt in ("libvirt", "libvirt-hostdev", "qemu", "proxmox"):
        export(root, "eth0/0", "--format", fmt)
    export(root, "eth0", "--format", "libvirt-network")
    t.check("export changes nothing in the tree", t.tree_digest(root) == before)


def main():
    if t.binary_missing():
        return 1
    tmp = tempfile.mkdtemp(prefix="sriov-export-")
    try:
        root = make_tree(tmp)
        if validator_present():
            test_validator_can_fail(tmp, root)
            test_libvirt(tmp, root)
            test_hostdev(tmp, root)
            test_network(tmp, root)
            test_escaping(tmp)
        test_qemu_proxmox(tmp, root)
        test_proxmox_mapping(tmp)
        test_json(root)
        test_config(root)
        test_bad_input(root)
        test_help_and_read_only(root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
