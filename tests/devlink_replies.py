#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Synthetic devlink replies, as `sriovctl capture` records them.

SYNTHETIC: nothing here was captured from hardware. The bytes are generic
netlink messages built after what the kernel's public documentation says
the drivers report (Documentation/networking/devlink/devlink-port.rst,
mlx5.rst, ice.rst, devlink-rate.rst and iproute2's devlink-port(8) and
devlink-rate(8) examples), with the attribute numbers of
include/uapi/linux/devlink.h:

- mlx5: a ConnectX PF in switchdev mode (inline-mode none, encap basic),
  its uplink port, one pcivf port per VF with a representor
  (enp3s0f0npf0vfN), port function hw_addr and the caps roce (on) and
  migratable (off) but no state/opstate (those are for SFs), a rate leaf
  per VF port and one rate node "group1" that VF 1 belongs to.
- ice: an E810 PF in legacy mode (no inline or encap mode), its physical
  port, pcivf ports without representors or port functions, no rates.
- netdevsim: what Linux 6.1's netdevsim answered in the VM (eswitch mode
  only, pcivf ports from 128 with representors, no port function, leaves).

Ports come as the kernel's port dump sends them: generic netlink command
DEVLINK_CMD_NEW (3), not DEVLINK_CMD_PORT_NEW (7), which only the answer to
a single port's DEVLINK_CMD_PORT_GET carries (seen on Linux 6.1 in the VM's
devlink scenario). The ice profile uses PORT_NEW for its VF ports so that
both are parsed.

A recording is a run of messages (each 4-byte aligned) stored at
/.sriovctl/devlink/BUS/DEV in a --root tree. Used by tests/cli/test_devlink.py
and fuzz/make-seeds.py; run directly to write one:

    python3 tests/devlink_replies.py ROOT mlx5|mlx5-flat|ice ADDRESS NUM_VFS
"""
import os
import struct
import sys

FAMILY = 0x14  # any id the kernel might assign; the parser does not care
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_MULTI = 2
NLA_F_NESTED = 0x8000

CMD_NEW, CMD_PORT_NEW, CMD_ESWITCH_GET, CMD_RATE_NEW = 3, 7, 29, 76
A_BUS, A_DEV, A_PORT_INDEX, A_PORT_TYPE = 1, 2, 3, 4
A_NETDEV_IFINDEX, A_NETDEV_NAME = 6, 7
A_ESWITCH_MODE, A_ESWITCH_INLINE, A_ESWITCH_ENCAP = 25, 26, 62
A_FLAVOUR, A_PORT_NUMBER = 77, 78
A_PCI_PF, A_PCI_VF = 127, 128
A_FUNCTION, A_SPLITTABLE, A_EXTERNAL, A_CONTROLLER = 145, 148, 149, 150
A_RATE_TYPE, A_TX_SHARE, A_TX_MAX, A_NODE_NAME, A_PARENT = 165, 166, 167, 168, 169
FN_HW_ADDR, FN_STATE, FN_OPSTATE, FN_CAPS = 1, 2, 3, 4
CAP_ROCE, CAP_MIGRATABLE = 1, 2
FLAVOUR_PHYSICAL, FLAVOUR_PCI_PF, FLAVOUR_PCI_VF = 0, 3, 4
PORT_TYPE_ETH = 2
RATE_LEAF, RATE_NODE = 0, 1
MBIT = 125000  # bytes per second in one Mbit/s


def nla(kind, payload):
    data = struct.pack("<HH", 4 + len(payload), kind) + payload
    return data + b"\0" * (-len(data) % 4)


def nest(kind, *attrs):
    return nla(kind | NLA_F_NESTED, b"".join(attrs))


def u8(kind, v):
    return nla(kind, struct.pack("<B", v))


def u16(kind, v):
    return nla(kind, struct.pack("<H", v))


def u32(kind, v):
    return nla(kind, struct.pack("<I", v))


def u64(kind, v):
    return nla(kind, struct.pack("<Q", v))


def strz(kind, s):
    return nla(kind, s.encode() + b"\0")


def genl(cmd, attrs, flags=0, seq=1):
    payload = struct.pack("<BBH", cmd, 1, 0) + b"".join(attrs)
    msg = struct.pack("<IHHII", 16 + len(payload), FAMILY, flags, seq, 0) + payload
    return msg + b"\0" * (-len(msg) % 4)


def done(seq=1):
    return struct.pack("<IHHIIi", 20, NLMSG_DONE, NLM_F_MULTI, seq, 0, 0)


def refusal(error, seq=1):
    """NLMSG_ERROR as the kernel answers a refused ESWITCH_GET (capped)."""
    request = struct.pack("<IHHII", 36, FAMILY, 1, seq, 0)
    return struct.pack("<IHHIIi", 36, NLMSG_ERROR, 0x100, seq, 0, error) + request


def handle(bus, dev):
    return [strz(A_BUS, bus), strz(A_DEV, dev)]


def instance(bus, dev):
    return genl(CMD_NEW, handle(bus, dev))


def eswitch(bus, dev, mode, inline=None, encap=None):
    attrs = handle(bus, dev) + [u16(A_ESWITCH_MODE, mode)]
    if inline is not None:
        attrs.append(u8(A_ESWITCH_INLINE, inline))
    if encap is not None:
        attrs.append(u8(A_ESWITCH_ENCAP, encap))
    return genl(CMD_ESWITCH_GET, attrs)


def physical_port(bus, dev, index, netdev, ifindex):
    return genl(CMD_NEW, handle(bus, dev) + [
        u32(A_PORT_INDEX, index), u16(A_PORT_TYPE, PORT_TYPE_ETH),
        u32(A_NETDEV_IFINDEX, ifindex), strz(A_NETDEV_NAME, netdev),
        u16(A_FLAVOUR, FLAVOUR_PHYSICAL), u32(A_PORT_NUMBER, 0),
        u8(A_SPLITTABLE, 0)], flags=NLM_F_MULTI)


def vf_port(bus, dev, index, vf, pf=0, rep=None, ifindex=0, function=None, cmd=CMD_NEW):
    attrs = handle(bus, dev) + [u32(A_PORT_INDEX, index), u16(A_PORT_TYPE, PORT_TYPE_ETH)]
    if rep:
        attrs += [u32(A_NETDEV_IFINDEX, ifindex), strz(A_NETDEV_NAME, rep)]
    attrs += [u16(A_FLAVOUR, FLAVOUR_PCI_VF), u32(A_CONTROLLER, 0), u16(A_PCI_PF, pf),
              u16(A_PCI_VF, vf), u8(A_EXTERNAL, 0), u8(A_SPLITTABLE, 0)]
    if function is not None:
        attrs.append(nest(A_FUNCTION, *function))
    return genl(cmd, attrs, flags=NLM_F_MULTI)


def fn_attrs(mac, roce=None, migratable=None, state=None, opstate=None):
    attrs = [nla(FN_HW_ADDR, bytes(mac))]
    if state is not None:
        attrs += [u8(FN_STATE, state), u8(FN_OPSTATE, opstate)]
    sel = val = 0
    for bit, v in ((CAP_ROCE, roce), (CAP_MIGRATABLE, migratable)):
        if v is not None:
            sel |= bit
            val |= bit if v else 0
    if sel:
        attrs.append(nla(FN_CAPS, struct.pack("<II", val, sel)))
    return attrs


def rate_leaf(bus, dev, index, share=0, tx_max=0, parent=None):
    attrs = handle(bus, dev) + [u32(A_PORT_INDEX, index), u16(A_RATE_TYPE, RATE_LEAF),
                                u64(A_TX_SHARE, share), u64(A_TX_MAX, tx_max)]
    if parent:
        attrs.append(strz(A_PARENT, parent))
    return genl(CMD_RATE_NEW, attrs, flags=NLM_F_MULTI)


def rate_node(bus, dev, name, share=0, tx_max=0):
    return genl(CMD_RATE_NEW, handle(bus, dev) + [
        u16(A_RATE_TYPE, RATE_NODE), strz(A_NODE_NAME, name),
        u64(A_TX_SHARE, share), u64(A_TX_MAX, tx_max)], flags=NLM_F_MULTI)


def mlx5(address, num_vfs, bus="pci", group=True):
    """A ConnectX PF in switchdev mode (see the module's docstring); group
    False: no rate node, VF 1's leaf without parent (the kernel changes the
    eswitch mode only without rate nodes)."""
    run = [instance(bus, address), eswitch(bus, address, 1, inline=0, encap=1),
           physical_port(bus, address, 65535, "enp3s0f0np0", 4)]
    for vf in range(num_vfs):
        mac = [0, 0, 0, 0, 0, 0] if vf % 2 else [0x02, 0x25, 0xd0, 0x13, 0x01, vf]
        run.append(vf_port(bus, address, 1 + vf, vf, rep=f"enp3s0f0npf0vf{vf}",
                           ifindex=20 + vf,
                           function=fn_attrs(mac, roce=True, migratable=False)))
    run.append(done())
    if group:
        run.append(rate_node(bus, address, "group1", tx_max=1000 * MBIT))
    for vf in range(num_vfs):
        if vf == 1:
            run.append(rate_leaf(bus, address, 1 + vf, 10 * MBIT, 100 * MBIT,
                                 "group1" if group else None))
        else:
            run.append(rate_leaf(bus, address, 1 + vf))
    run.append(done())
    return b"".join(run)


def ice(address, num_vfs, bus="pci", netdev="ens1f0"):
    """An E810 PF in legacy mode (see the module's docstring)."""
    run = [instance(bus, address), eswitch(bus, address, 0),
           physical_port(bus, address, 0, netdev, 3)]
    for vf in range(num_vfs):
        run.append(vf_port(bus, address, 1 + vf, vf, cmd=CMD_PORT_NEW))
    return b"".join(run + [done(), done()])


def netdevsim(dev, num_vfs, bus="netdevsim", switchdev=True, first_ifindex=6):
    """netdevsim as Linux 6.1 reports it (the VM's devlink scenario): eswitch
    mode only, port 0 physical, in switchdev one pcivf port per VF from 128
    with a representor, no port function attributes, a rate leaf per VF."""
    run = [instance(bus, dev), eswitch(bus, dev, 1 if switchdev else 0),
           physical_port(bus, dev, 0, "eth5", 15)]
    if switchdev:
        run += [vf_port(bus, dev, 128 + vf, vf, rep="eth%d" % (first_ifindex + vf),
                        ifindex=16 + vf) for vf in range(num_vfs)]
    run.append(done())
    if switchdev:
        run += [rate_leaf(bus, dev, 128 + vf) for vf in range(num_vfs)]
    return b"".join(run + [done()])


def no_eswitch(address, bus="pci"):
    """An instance whose driver has no eswitch control (-EOPNOTSUPP)."""
    return b"".join([instance(bus, address), refusal(-95), done(), done()])


def mlx5_flat(address, num_vfs, bus="pci"):
    """mlx5 without the rate node (an eswitch mode change is allowed)."""
    return mlx5(address, num_vfs, bus, group=False)


PROFILES = {"mlx5": mlx5, "mlx5-flat": mlx5_flat, "ice": ice, "netdevsim": netdevsim}


def write_recording(root, address, data, bus="pci"):
    """Stores data where capture puts the replies of bus/address under root."""
    folder = os.path.join(root, ".sriovctl", "devlink", bus)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, address), "wb") as f:
        f.write(data)


def main(argv):
    if len(argv) != 5 or argv[2] not in PROFILES:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    write_recording(argv[1], argv[3], PROFILES[argv[2]](argv[3], int(argv[4])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
