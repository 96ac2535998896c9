#!/usr/bin/env python3
"""Generate a synthetic Linux sysfs tree with SR-IOV NICs, for benchmarks.

    gen-tree.py OUT --pfs N --vfs-per-pf M --others K [--seed S]

writes OUT/sys/... laid out like the kernel's sysfs:

  OUT/sys/devices/pci0000:00/0000:00:NN.0/            root port of PF i
  OUT/sys/devices/pci0000:00/0000:00:NN.0/0000:BB:00.0 PF (i40e, X710 ids)
  OUT/sys/devices/pci0000:00/0000:00:NN.0/0000:BB:DD.F VFs (siblings of the PF)
  OUT/sys/devices/pci0000:00/...                       K other functions
  OUT/sys/devices/pci0000:fe/, pci0000:ff/             uncore functions (others)
  OUT/sys/bus/pci/{devices,drivers,slots}/, OUT/sys/module/,
  OUT/sys/kernel/iommu_groups/, OUT/sys/class/net/

Every device has a binary `config` (4096 bytes for PCI Express functions)
with a capability list that `lspci -vvv -A linux-sysfs -O
sysfs.path=OUT/sys/bus/pci` decodes, including the SR-IOV capability of each
PF, plus the text attributes the kernel exports.  Symlinks are relative and
spelled the way kernfs spells them.  Output is a function of the arguments
only (same seed, same tree).  Python 3 standard library only.
"""

import argparse
import os
import random
import shutil
import struct
import sys

# ---------------------------------------------------------------- constants

# Kernel resource flags (include/linux/ioport.h) as shown in `resource`.
RF_IO = 0x00040101          # IORESOURCE_IO | SIZEALIGN, PCI I/O bit
RF_MEM32 = 0x00040200       # IORESOURCE_MEM | SIZEALIGN
RF_MEM64 = 0x00140204       # ... | IORESOURCE_MEM_64, PCI 64-bit type
RF_PREF64 = 0x0014220c      # ... | IORESOURCE_PREFETCH, 64-bit prefetchable
RF_WIN_IO = 0x00000101
RF_WIN_MEM = 0x00000200
RF_WIN_PREF64 = 0x00102201

PCI_NUM_RES = 13            # 6 BARs + ROM + 6 IOV BARs (endpoints)
PCI_NUM_RES_BRIDGE = 17     # + 4 bridge windows

# PF / VF model: Intel X710 (i40e / iavf).
PF_VENDOR, PF_DEVICE, PF_SSVID, PF_SSID, PF_REV = 0x8086, 0x1572, 0x8086, 0x0001, 0x02
VF_DEVICE, VF_SSID = 0x154C, 0x0000
VF_OFFSET, VF_STRIDE = 16, 1
PF_BARS = [(0, 8 << 20), (3, 32 << 10)]         # (BAR index, size), 64-bit pref
VF_BARS = [(0, 64 << 10), (3, 16 << 10)]        # per-VF sizes, 64-bit pref

ROOT_PORT_IDS = [0x2030, 0x2031, 0x2032, 0x2033]   # Sky Lake-E root ports

MEM32_START = 0x90000000
IO_START = 0x3000
PREF64_START = 0x38000000000


# ---------------------------------------------------------------- config space

class Cfg:
    """A config space image with little-endian writers and cap-list builders."""

    def __init__(self, size):
        self.b = bytearray(size)

    def w8(self, off, v):
        self.b[off] = v & 0xff

    def w16(self, off, v):
        struct.pack_into('<H', self.b, off, v & 0xffff)

    def w32(self, off, v):
        struct.pack_into('<I', self.b, off, v & 0xffffffff)

    def header(self, vendor, device, cls, rev, htype, command, ssvid=0, ssid=0):
        self.w16(0x00, vendor)
        self.w16(0x02, device)
        self.w16(0x04, command)
        self.w16(0x06, 0x0010)                  # capabilities list
        self.w8(0x08, rev)
        self.w8(0x09, cls & 0xff)
        self.w8(0x0a, (cls >> 8) & 0xff)
        self.w8(0x0b, (cls >> 16) & 0xff)
        self.w8(0x0c, 0x10)                     # cache line size
        self.w8(0x0e, htype)
        if (htype & 0x7f) == 0:
            self.w16(0x2c, ssvid)
            self.w16(0x2e, ssid)

    def caps(self, lst):
        """lst: [(offset, cap id, filler(cfg, off))], chained in order."""
        self.w8(0x34, lst[0][0] if lst else 0)
        if not lst:
            self.w16(0x06, 0)
        for i, (off, cid, fill) in enumerate(lst):
            self.w8(off, cid)
            self.w8(off + 1, lst[i + 1][0] if i + 1 < len(lst) else 0)
            if fill:
                fill(self, off)

    def ecaps(self, lst):
        """lst: [(offset, ext cap id, version, filler(cfg, off))]."""
        for i, (off, cid, ver, fill) in enumerate(lst):
            nxt = lst[i + 1][0] if i + 1 < len(lst) else 0
            self.w32(off, cid | (ver << 16) | (nxt << 20))
            if fill:
                fill(self, off)

    def bars(self, bars):
        """bars: {index: (addr, size, kind)} with kind io/mem32/mem64/pref64."""
        for idx, (addr, _size, kind) in bars.items():
            off = 0x10 + 4 * idx
            if kind == 'io':
                self.w32(off, addr | 0x1)
            elif kind == 'mem32':
                self.w32(off, addr)
            else:
                lo = 0x4 | (0x8 if kind == 'pref64' else 0)
                self.w32(off, (addr & 0xfffffff0) | lo)
                self.w32(off + 4, addr >> 32)


def cap_pm(cfg, off):
    cfg.w16(off + 2, 0x0003)        # version 3, D1- D2-
    cfg.w16(off + 4, 0x0008)        # D0, NoSoftRst+


def cap_msi(count_log2=0, is64=True, mask=True):
    def fill(cfg, off):
        ctl = (count_log2 << 1) | (0x80 if is64 else 0) | (0x100 if mask else 0)
        cfg.w16(off + 2, ctl)
    return fill


def cap_msix(table_size, bir, pba_off, enabled=True):
    def fill(cfg, off):
        cfg.w16(off + 2, (table_size - 1) | (0x8000 if enabled else 0))
        cfg.w32(off + 4, bir)                 # table at offset 0 of BAR bir
        cfg.w32(off + 8, pba_off | bir)
    return fill


def cap_ssvid(ssvid, ssid):
    def fill(cfg, off):
        cfg.w16(off + 4, ssvid)
        cfg.w16(off + 6, ssid)
    return fill


def cap_pcie(port_type, speed=3, width=8, port=0, flr=True, ari_fwd=False,
             slot=None, mps=1, mps_cap=4):
    """PCI Express capability v2.  port_type: 0 endpoint, 4 root port,
    5 upstream switch port, 6 downstream switch port, 9 RC integrated EP."""
    def fill(cfg, off):
        cap = 0x0002 | (port_type << 4)
        if slot is not None:
            cap |= 0x0100                                  # slot implemented
        cfg.w16(off + 0x02, cap)
        devcap = mps_cap | (1 << 5) | (7 << 6) | (7 << 9) | (1 << 15)
        if flr and port_type in (0, 9):
            devcap |= 1 << 28
        cfg.w32(off + 0x04, devcap)
        # DevCtl: CorrErr+ NonFatal+ Fatal+ UnsupReq+ RlxdOrd+ ExtTag+
        # NoSnoop+, MaxPayload 128 << mps, MaxReadReq 512
        cfg.w16(off + 0x08, 0x000f | 0x0010 | 0x0100 | 0x0800 | (mps << 5) | (2 << 12))
        cfg.w16(off + 0x0a, 0x0000)
        if port_type != 9:
            lnkcap = speed | (width << 4) | (3 << 10) | (7 << 12) | (7 << 15) | (port << 24)
            if port_type in (4, 6):
                lnkcap |= (1 << 20) | (1 << 21)            # DLActive, BWNot
            cfg.w32(off + 0x0c, lnkcap)
            cfg.w16(off + 0x10, 0x0040 if port_type in (4, 6) else 0x0000)
            lnksta = speed | (width << 4)
            if port_type in (4, 6):
                lnksta |= 0x2000                           # DLActive+
            if port_type == 4:
                lnksta |= 0x1000                           # SlotClk+
            cfg.w16(off + 0x12, lnksta)
        if slot is not None:
            # SltCap: AttnBtn- PwrCtrl- ... Surprise- HotPlug- PhysSlot#
            cfg.w32(off + 0x14, (slot << 19) | (25 << 7) | (0 << 15))
            cfg.w16(off + 0x1a, 0x0040)                    # PresDet+
        if port_type == 4:
            cfg.w16(off + 0x1c, 0x0000)                    # RootCtl
        devcap2 = 0x1f                                     # timeouts A-D, dis
        if ari_fwd:
            devcap2 |= 1 << 5                              # ARIFwd+
        cfg.w32(off + 0x24, devcap2)
        cfg.w16(off + 0x28, (1 << 5) if ari_fwd else 0)    # DevCtl2 ARIFwd+
        if port_type != 9:
            cfg.w32(off + 0x2c, 0x0e if speed >= 3 else 0x06)  # LnkCap2 2.5-8GT/s
            cfg.w16(off + 0x30, speed)                     # LnkCtl2 target
            cfg.w16(off + 0x32, 0x001e if speed >= 3 else 0)   # EqualizationComplete+..
    return fill


def ecap_aer():
    def fill(cfg, off):
        cfg.w32(off + 0x0c, 0x00462030)     # UESvrt defaults
        cfg.w32(off + 0x14, 0x00002000)     # CEMsk: AdvNonFatalErr+
        cfg.w32(off + 0x18, 0x000000a0)     # ECRCGenCap+ ECRCChkCap+
    return fill


def ecap_dsn(serial):
    def fill(cfg, off):
        cfg.w32(off + 4, serial & 0xffffffff)
        cfg.w32(off + 8, serial >> 32)
    return fill


def ecap_ari(next_fn=0):
    def fill(cfg, off):
        cfg.w16(off + 4, next_fn << 8)
    return fill


def ecap_acs(cap=0x001f, ctl=0x001d):
    def fill(cfg, off):
        cfg.w16(off + 4, cap)
        cfg.w16(off + 6, ctl)
    return fill


def ecap_sriov(initial, total, num, offset, stride, vf_device, vf_bars, enabled):
    """vf_bars: {index: start address of the VF BAR region (kind pref64)}."""
    def fill(cfg, off):
        cfg.w32(off + 0x04, 0x00000000)             # no VF migration
        ctl = 0x0010                                # ARI Capable Hierarchy
        if enabled:
            ctl |= 0x0001 | 0x0008                  # VF Enable, VF MSE
        cfg.w16(off + 0x08, ctl)
        cfg.w16(off + 0x0c, initial)
        cfg.w16(off + 0x0e, total)
        cfg.w16(off + 0x10, num)
        cfg.w8(off + 0x12, 0)                       # function dependency link
        cfg.w16(off + 0x14, offset)
        cfg.w16(off + 0x16, stride)
        cfg.w16(off + 0x1a, vf_device)
        cfg.w32(off + 0x1c, 0x00000553)             # 4K 8K 64K 256K 1M 4M
        cfg.w32(off + 0x20, 0x00000001)             # system page size 4K
        for idx, addr in vf_bars.items():
            o = off + 0x24 + 4 * idx
            cfg.w32(o, (addr & 0xfffffff0) | 0xc)
            cfg.w32(o + 4, addr >> 32)
    return fill


# ---------------------------------------------------------------- model

class Dev:
    __slots__ = ('dom', 'bus', 'slot', 'fn', 'parent', 'root', 'vendor', 'device',
                 'ssvid', 'ssid', 'cls', 'rev', 'cfg', 'res', 'irq', 'numa',
                 'driver', 'group', 'netdevs', 'attrs', 'links', 'pcie',
                 'bridge', 'children', 'bars', 'speed', 'width', 'kind', 'is_vf',
                 'slotnum')

    def __init__(self, bus, slot, fn, parent=None, root=None, dom=0):
        self.dom, self.bus, self.slot, self.fn = dom, bus, slot, fn
        self.parent = parent            # Dev or None (then root = 'pci0000:00')
        self.root = root if parent is None else parent.root
        self.res = [(0, 0, 0)] * PCI_NUM_RES
        self.irq = 0
        self.numa = -1
        self.driver = None
        self.group = None
        self.netdevs = []
        self.attrs = {}
        self.links = {}
        self.pcie = True
        self.bridge = None              # (secondary, subordinate) for bridges
        self.children = []
        self.bars = {}
        self.speed, self.width = 3, 8
        self.kind = 'ep'
        self.is_vf = False
        self.slotnum = None
        self.ssvid = self.ssid = 0
        self.rev = 0
        self.cfg = None
        if parent is not None:
            parent.children.append(self)

    @property
    def name(self):
        return '%04x:%02x:%02x.%x' % (self.dom, self.bus, self.slot, self.fn)

    @property
    def path(self):
        """Path relative to sys/devices."""
        if self.parent is None:
            return self.root + '/' + self.name
        return self.parent.path + '/' + self.name


# Driver name -> module name (pci_driver.name vs. KBUILD_MODNAME).
DRIVER_MODULES = {
    'i40e': 'i40e', 'iavf': 'iavf', 'vfio-pci': 'vfio_pci', 'pcieport': 'pcieport',
    'ahci': 'ahci', 'xhci_hcd': 'xhci_pci', 'nvme': 'nvme', 'i801_smbus': 'i2c_i801',
    'mei_me': 'mei_me', 'ioatdma': 'ioatdma', 'snd_hda_intel': 'snd_hda_intel',
    'nouveau': 'nouveau', 'intel_pch_thermal': 'intel_pch_thermal',
    'intel-spi': 'spi_intel_pci', 'skx_uncore': 'intel_uncore',
}

SPEED_STR = {1: '2.5 GT/s PCIe', 2: '5.0 GT/s PCIe', 3: '8.0 GT/s PCIe', 4: '16.0 GT/s PCIe'}


class Alloc:
    """Bump allocators for I/O, 32-bit memory and 64-bit prefetchable space."""
    GRAN = {'io': 0x1000, 'mem32': 1 << 20, 'pref64': 1 << 20}

    def __init__(self):
        self.cur = {'io': IO_START, 'mem32': MEM32_START, 'pref64': PREF64_START}

    def get(self, space, size, align=None):
        align = align or size
        a = (self.cur[space] + align - 1) & ~(align - 1)
        self.cur[space] = a + size
        return a

    def align(self, space):
        g = self.GRAN[space]
        self.cur[space] = (self.cur[space] + g - 1) & ~(g - 1)
        return self.cur[space]


SPACE_OF = {'io': 'io', 'mem32': 'mem32', 'mem64': 'mem32', 'pref64': 'pref64'}
RFLAGS = {'io': RF_IO, 'mem32': RF_MEM32, 'mem64': RF_MEM64, 'pref64': RF_PREF64}


class Tree:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.devs = []
        self.alloc = Alloc()
        self.next_group = 0
        self.next_irq = 24
        self.next_ifindex = 2
        self.next_bus = 1
        self.open_bridges = []          # bridges whose windows are still growing

    # -- helpers
    def new_group(self):
        g = self.next_group
        self.next_group += 1
        return g

    def irq(self):
        i = self.next_irq
        self.next_irq += 1
        return i

    def add(self, d):
        self.devs.append(d)
        return d

    def place_bars(self, d, bars):
        """bars: [(index, size, kind)] -> allocate, set d.bars and d.res."""
        res = list(d.res)
        for idx, size, kind in bars:
            addr = self.alloc.get(SPACE_OF[kind], size)
            d.bars[idx] = (addr, size, kind)
            res[idx] = (addr, addr + size - 1, RFLAGS[kind])
        d.res = res

    def open_bridge(self, d):
        d.attrs['_win'] = {s: self.alloc.align(s) for s in ('io', 'mem32', 'pref64')}
        self.open_bridges.append(d)

    def context(self, parent):
        """About to create a device below parent (None: a root bus): close
        the bridges that will get no more devices, before any allocation."""
        while self.open_bridges:
            top = self.open_bridges[-1]
            p = parent
            while p is not None and p is not top:
                p = p.parent
            if p is top:
                break
            self.open_bridges.pop()
            self._close(top)

    def close_bridge(self, d, subordinate):
        start = d.attrs.pop('_win')
        win = {}
        for s in ('io', 'mem32', 'pref64'):
            end = self.alloc.align(s)
            win[s] = (start[s], end - 1) if end > start[s] else None
        d.bridge = (d.bridge[0], subordinate)
        self.finish_bridge_cfg(d, win)

    # -- device kinds
    def root_port(self, slot, idx, secondary, slotnum=None, root='pci0000:00'):
        self.context(None)
        d = Dev(0, slot, 0, root=root)
        d.kind = 'rp'
        d.vendor, d.device = 0x8086, ROOT_PORT_IDS[idx % 4]
        d.cls, d.rev = 0x060400, 0x04
        d.bridge = (secondary, secondary)
        d.res = [(0, 0, 0)] * PCI_NUM_RES_BRIDGE
        d.irq = self.irq()
        d.driver = 'pcieport'
        d.group = self.new_group()
        d.numa = 0
        d.slotnum = slotnum
        d.attrs['_port_type'] = 4
        self.open_bridge(d)
        return self.add(d)

    def switch_port(self, parent, bus, slot, secondary, upstream):
        self.context(parent)
        d = Dev(bus, slot, 0, parent=parent)
        d.kind = 'usp' if upstream else 'dsp'
        d.vendor, d.device = 0x10b5, 0x8747 if upstream else 0x8747
        d.cls, d.rev = 0x060400, 0xca
        d.bridge = (secondary, secondary)
        d.res = [(0, 0, 0)] * PCI_NUM_RES_BRIDGE
        d.irq = self.irq()
        d.driver = 'pcieport'
        d.group = self.new_group()
        d.numa = 0
        d.attrs['_port_type'] = 5 if upstream else 6
        if upstream:
            self.place_bars(d, [(0, 256 << 10, 'mem32')])
        self.open_bridge(d)
        return self.add(d)

    def finish_bridge_cfg(self, d, win):
        cfg = Cfg(4096)
        htype = 0x01
        cfg.header(d.vendor, d.device, d.cls, d.rev, htype, 0x0547)
        cfg.bars(d.bars)
        cfg.w8(0x18, d.bus)                     # primary bus
        cfg.w8(0x19, d.bridge[0])
        cfg.w8(0x1a, d.bridge[1])
        res = list(d.res)
        if win['io']:
            s, e = win['io']
            cfg.w8(0x1c, (s >> 8) & 0xf0 | 0x1)
            cfg.w8(0x1d, (e >> 8) & 0xf0 | 0x1)
            res[13] = (s, e, RF_WIN_IO)
        else:
            cfg.w8(0x1c, 0xf1)
            cfg.w8(0x1d, 0x01)
        if win['mem32']:
            s, e = win['mem32']
            cfg.w16(0x20, (s >> 16) & 0xfff0)
            cfg.w16(0x22, (e >> 16) & 0xfff0)
            res[14] = (s, e, RF_WIN_MEM)
        else:
            cfg.w16(0x20, 0xfff0)
            cfg.w16(0x22, 0x0000)
        if win['pref64']:
            s, e = win['pref64']
            cfg.w16(0x24, ((s >> 16) & 0xfff0) | 0x1)
            cfg.w16(0x26, ((e >> 16) & 0xfff0) | 0x1)
            cfg.w32(0x28, s >> 32)
            cfg.w32(0x2c, e >> 32)
            res[15] = (s, e, RF_WIN_PREF64)
        else:
            cfg.w16(0x24, 0xfff1)
            cfg.w16(0x26, 0x0001)
        d.res = res
        cfg.w8(0x3c, d.irq & 0xff)
        cfg.w8(0x3d, 0x01)
        cfg.w16(0x3e, 0x0003)                   # BridgeCtl: Parity+ SERR+
        pt = d.attrs.pop('_port_type')
        cfg.caps([
            (0x40, 0x0d, cap_ssvid(d.vendor, 0x0000)),
            (0x60, 0x05, cap_msi(0, True, False)),
            (0x90, 0x10, cap_pcie(pt, d.speed, d.width, d.slot,
                                  ari_fwd=(pt in (4, 6)), slot=d.slotnum, mps=1, mps_cap=1)),
            (0xe0, 0x01, cap_pm),
        ])
        ecaps = [(0x100, 0x0001, 2, ecap_aer())]
        if pt in (4, 6):
            ecaps.append((0x148, 0x000d, 1, ecap_acs()))
        cfg.ecaps(ecaps)
        d.cfg = bytes(cfg.b)
        d.attrs['secondary_bus_number'] = '%d' % d.bridge[0]
        d.attrs['subordinate_bus_number'] = '%d' % d.bridge[1]

    def endpoint(self, parent, bus, slot, fn, vendor, device, cls, rev, ssvid, ssid,
                 bars, driver=None, pcie=True, port_type=0, msix=None, msi=False,
                 group=None, irq=True, root='pci0000:00', numa=0, speed=3, width=4,
                 pin=1, multi=False):
        self.context(parent)
        d = Dev(bus, slot, fn, parent=parent, root=root)
        d.vendor, d.device, d.cls, d.rev = vendor, device, cls, rev
        d.ssvid, d.ssid = ssvid, ssid
        d.pcie = pcie
        d.driver = driver
        d.group = self.new_group() if group is None else group
        d.irq = self.irq() if irq else 0
        d.numa = numa
        d.speed, d.width = speed, width
        self.place_bars(d, bars)
        cfg = Cfg(4096 if pcie else 256)
        command = 0x0000
        if driver:
            command = 0x0406 | (0x0001 if any(k == 'io' for _, _, k in bars) else 0)
        cfg.header(vendor, device, cls, rev, 0x80 if multi else 0x00, command, ssvid, ssid)
        cfg.bars(d.bars)
        cfg.w8(0x3c, d.irq & 0xff)
        cfg.w8(0x3d, pin)
        caps = [(0x40, 0x01, cap_pm)]
        if msi:
            caps.append((0x50, 0x05, cap_msi(0, True, True)))
        if msix:
            caps.append((0x70, 0x11, cap_msix(msix[0], msix[1], msix[2])))
        if pcie:
            caps.append((0xa0, 0x10, cap_pcie(port_type, speed, width, flr=(port_type == 0))))
        cfg.caps(caps)
        if pcie and port_type == 0:
            cfg.ecaps([(0x100, 0x0001, 2, ecap_aer())])
        d.cfg = bytes(cfg.b)
        return self.add(d)

    # -- SR-IOV
    def pf_subtree(self, i, slot, numa):
        args = self.args
        m = args.vfs_per_pf
        total = m if m else 64
        b = self.next_bus
        last_rid = (b << 8) + VF_OFFSET + VF_STRIDE * (total - 1)
        sub = last_rid >> 8
        if sub > 0xfb:
            sys.exit('gen-tree: out of bus numbers (too many PFs/VFs)')
        self.next_bus = sub + 1
        rp = self.root_port(slot, i, b, slotnum=i + 1)
        self.open_bridges.pop()             # closed below, with the VF buses
        rp.numa = numa
        pf = Dev(b, 0, 0, parent=rp)
        pf.kind = 'pf'
        pf.vendor, pf.device, pf.cls, pf.rev = PF_VENDOR, PF_DEVICE, 0x020000, PF_REV
        pf.ssvid, pf.ssid = PF_SSVID, PF_SSID
        pf.driver = 'i40e'
        pf.group = self.new_group()
        pf.irq = self.irq()
        pf.numa = numa
        self.add(pf)
        # BARs: IOV regions first (largest), then PF BARs.
        iov = {}
        res = list(pf.res)
        for idx, per_vf in VF_BARS:
            addr = self.alloc.get('pref64', per_vf * total, per_vf)
            iov[idx] = (addr, per_vf)
            res[7 + idx] = (addr, addr + per_vf * total - 1, RF_PREF64)
        pf.res = res
        self.place_bars(pf, [(idx, size, 'pref64') for idx, size in PF_BARS])
        self.close_bridge(rp, sub)

        cfg = Cfg(4096)
        cfg.header(pf.vendor, pf.device, pf.cls, pf.rev, 0x00, 0x0546, pf.ssvid, pf.ssid)
        cfg.bars(pf.bars)
        cfg.w8(0x3c, pf.irq & 0xff)
        cfg.w8(0x3d, 0x01)
        cfg.caps([
            (0x40, 0x01, cap_pm),
            (0x50, 0x05, cap_msi(0, True, True)),
            (0x70, 0x11, cap_msix(129, 3, 0x1000)),
            (0xa0, 0x10, cap_pcie(0, 3, 8, flr=True)),
        ])
        mac = [0x3c, 0xfd, 0xfe] + [self.rng.randrange(256) for _ in range(3)]
        serial = int.from_bytes(bytes(mac[:3] + [0xff, 0xff] + mac[3:]), 'big')
        cfg.ecaps([
            (0x100, 0x0001, 2, ecap_aer()),
            (0x140, 0x0003, 1, ecap_dsn(serial)),
            (0x150, 0x000e, 1, ecap_ari(0)),
            (0x160, 0x0010, 1, ecap_sriov(total, total, m, VF_OFFSET, VF_STRIDE, VF_DEVICE,
                                          {idx: a for idx, (a, _) in iov.items()}, m > 0)),
        ])
        pf.cfg = bytes(cfg.b)
        pf.attrs.update({
            'sriov_totalvfs': '%d' % total,
            'sriov_numvfs': '%d' % m,
            'sriov_offset': '%d' % VF_OFFSET,
            'sriov_stride': '%d' % VF_STRIDE,
            'sriov_vf_device': '%x' % VF_DEVICE,
            'sriov_drivers_autoprobe': '1',
        })
        pfname = 'enp%ds0f0' % b
        self.netdev(pf, pfname, mac, assign=0, up=True)

        for k in range(m):
            rid = (b << 8) + VF_OFFSET + VF_STRIDE * k
            vf = Dev(rid >> 8, (rid >> 3) & 0x1f, rid & 7, parent=rp)
            vf.kind = 'vf'
            vf.is_vf = True
            vf.vendor, vf.device, vf.cls, vf.rev = PF_VENDOR, VF_DEVICE, 0x020000, PF_REV
            vf.ssvid, vf.ssid = PF_SSVID, VF_SSID
            vf.numa = numa
            vf.group = self.new_group()
            vf.irq = 0
            res = [(0, 0, 0)] * PCI_NUM_RES
            for idx, (base, per_vf) in iov.items():
                a = base + per_vf * k
                res[idx] = (a, a + per_vf - 1, RF_PREF64)
            vf.res = res
            net = self.rng.random() < 0.5
            vf.driver = 'iavf' if net else 'vfio-pci'
            cfg = Cfg(4096)
            # A VF reads ffff for vendor and device; no BARs, no INTx,
            # Memory Space is controlled by the PF's VF MSE bit.
            cfg.header(0xffff, 0xffff, vf.cls, vf.rev, 0x00, 0x0004 if net else 0x0000,
                       vf.ssvid, vf.ssid)
            cfg.caps([
                (0x70, 0x11, cap_msix(5, 3, 0x2000, enabled=net)),
                (0xa0, 0x10, cap_pcie(0, 3, 8, flr=True)),
            ])
            cfg.ecaps([
                (0x100, 0x0001, 2, ecap_aer()),
                (0x150, 0x000e, 1, ecap_ari(0)),
            ])
            vf.cfg = bytes(cfg.b)
            vf.links['physfn'] = pf
            pf.links['virtfn%d' % k] = vf
            self.add(vf)
            if net:
                admin = self.rng.random() < 0.5
                vmac = [0x02 | (self.rng.randrange(256) & 0xfc)] + \
                    [self.rng.randrange(256) for _ in range(5)]
                self.netdev(vf, '%sv%d' % (pfname, k), vmac, assign=0 if admin else 1,
                            up=self.rng.random() < 0.7)
        return rp

    def netdev(self, d, name, mac, assign, up):
        d.netdevs.append({
            'name': name,
            'address': ':'.join('%02x' % x for x in mac),
            'operstate': 'up' if up else 'down',
            'ifindex': self.next_ifindex,
            'addr_assign_type': assign,
        })
        self.next_ifindex += 1

    # -- the others
    def others(self, k, free_slots):
        """Yield builder closures in priority order; take the first k."""
        out = []
        state = {}

        def take_slot():
            if not free_slots:
                sys.exit('gen-tree: no bus-0 slot left for the root ports of the other '
                         'functions: use fewer PFs or fewer others')
            return free_slots.pop(0)

        def integrated():
            items = [
                (0x00, 0, 0x8086, 0x2020, 0x060000, None, [], False),
                (0x14, 0, 0x8086, 0xa1af, 0x0c0330, 'xhci_hcd', [(0, 64 << 10, 'mem64')], True),
                (0x14, 2, 0x8086, 0xa1b1, 0x118000, 'intel_pch_thermal', [(0, 4 << 10, 'mem64')], True),
                (0x16, 0, 0x8086, 0xa1ba, 0x078000, 'mei_me', [(0, 4 << 10, 'mem64')], True),
                (0x17, 0, 0x8086, 0xa182, 0x010601, 'ahci',
                 [(0, 8 << 10, 'mem32'), (1, 256, 'mem32'), (2, 8, 'io'), (3, 4, 'io'),
                  (4, 32, 'io'), (5, 2 << 10, 'mem32')], True),
                (0x1f, 0, 0x8086, 0xa1c1, 0x060100, None, [], False),
                (0x1f, 2, 0x8086, 0xa1a1, 0x058000, None, [(0, 16 << 10, 'mem32')], False),
                (0x1f, 4, 0x8086, 0xa1a3, 0x0c0500, 'i801_smbus',
                 [(0, 256, 'mem64'), (4, 32, 'io')], True),
                (0x1f, 5, 0x8086, 0xa1a4, 0x0c8000, 'intel-spi', [(0, 4 << 10, 'mem32')], False),
            ]
            groups = {}
            for slot, fn, ven, dev, cls, drv, bars, irq in items:
                def build(slot=slot, fn=fn, ven=ven, dev=dev, cls=cls, drv=drv, bars=bars,
                          irq=irq):
                    multi = slot in (0x14, 0x1f)
                    g = groups.get(slot)
                    if g is None:
                        g = groups[slot] = self.new_group()
                    self.endpoint(None, 0, slot, fn, ven, dev, cls, 0x04, 0x8086, 0x7270,
                                  bars, driver=drv, pcie=False, group=g, multi=multi,
                                  irq=irq, pin=1 if irq else 0)
                out.append(build)

        def cbdma():
            for fn in range(8):
                def build(fn=fn):
                    g = state.get('cbdma')
                    if g is None:
                        g = state['cbdma'] = self.new_group()
                    self.endpoint(None, 0, 0x04, fn, 0x8086, 0x2021 + 0, 0x088000, 0x04,
                                  0x8086, 0x0000, [(0, 16 << 10, 'mem64')], driver='ioatdma',
                                  pcie=True, port_type=9, msix=(1, 0, 0x2000), group=g,
                                  multi=True)
                out.append(build)

        def nvme_port(n):
            def build_rp():
                slot = take_slot()
                rp = self.root_port(slot, slot, self.next_bus, slotnum=100 + n)
                self.next_bus += 1
                state['rp%d' % n] = rp

            def build_ep():
                rp = state['rp%d' % n]
                self.endpoint(rp, rp.bridge[0], 0, 0, 0x144d, 0xa808, 0x010802, 0x00,
                              0x144d, 0xa801, [(0, 16 << 10, 'mem64')], driver='nvme',
                              msix=(33, 0, 0x3000), width=4)
            out.append(build_rp)
            out.append(build_ep)

        def gpu_port():
            def build_rp():
                slot = take_slot()
                rp = self.root_port(slot, slot, self.next_bus, slotnum=200)
                self.next_bus += 1
                state['gpu'] = rp

            def build_fn(fn):
                def build():
                    rp = state['gpu']
                    g = state.setdefault('gpu_group', self.new_group())
                    if fn == 0:
                        self.endpoint(rp, rp.bridge[0], 0, 0, 0x10de, 0x1eb8, 0x030200, 0xa1,
                                      0x10de, 0x12a2,
                                      [(0, 16 << 20, 'mem32'), (1, 256 << 20, 'pref64'),
                                       (3, 32 << 20, 'pref64'), (5, 128, 'io')],
                                      driver='nouveau', msi=True, group=g, width=16,
                                      multi=True)
                    else:
                        self.endpoint(rp, rp.bridge[0], 0, 1, 0x10de, 0x10f8, 0x040300, 0xa1,
                                      0x10de, 0x12a2, [(0, 16 << 10, 'mem32')],
                                      driver='snd_hda_intel', msi=True, group=g, width=16,
                                      pin=2, multi=True)
                return build
            out.append(build_rp)
            out.append(build_fn(0))
            out.append(build_fn(1))

        def switch():
            def build_rp():
                slot = take_slot()
                rp = self.root_port(slot, slot, self.next_bus, slotnum=300)
                self.next_bus += 1
                state['sw_rp'] = rp

            def build_usp():
                rp = state['sw_rp']
                usp = self.switch_port(rp, rp.bridge[0], 0, self.next_bus, True)
                self.next_bus += 1
                state['usp'] = usp

            def build_dsp(j):
                def build():
                    usp = state['usp']
                    dsp = self.switch_port(usp, usp.bridge[0], j, self.next_bus, False)
                    self.next_bus += 1
                    state['dsp%d' % j] = dsp
                return build

            def build_nvme(j):
                def build():
                    dsp = state['dsp%d' % j]
                    self.endpoint(dsp, dsp.bridge[0], 0, 0, 0x8086, 0x0a54, 0x010802, 0x00,
                                  0x8086, 0x4802, [(0, 16 << 10, 'mem64')], driver='nvme',
                                  msix=(129, 0, 0x3000), width=4)
                return build
            out.append(build_rp)
            out.append(build_usp)
            for j in range(4):
                out.append(build_dsp(j))
                out.append(build_nvme(j))

        def uncore():
            for root_bus in (0xfe, 0xff):
                for slot in range(8, 32):
                    for fn in range(8):
                        def build(root_bus=root_bus, slot=slot, fn=fn):
                            key = (root_bus, slot)
                            g = state.get(key)
                            if g is None:
                                g = state[key] = self.new_group()
                            dev = 0x2000 + ((root_bus & 1) << 7) + slot * 8 + fn
                            cls = 0x110100 if fn == 1 and slot % 4 == 2 else 0x088000
                            self.endpoint(None, root_bus, slot, fn, 0x8086, dev, cls, 0x04,
                                          0x8086, 0x0000, [], driver=None, pcie=True,
                                          port_type=9, group=g, irq=False, pin=0,
                                          root='pci0000:%02x' % root_bus,
                                          numa=0 if root_bus == 0xfe else 1, multi=True)
                        out.append(build)

        integrated()
        cbdma()
        nvme_port(0)
        nvme_port(1)
        gpu_port()
        switch()
        uncore()
        if k > len(out):
            sys.exit('gen-tree: at most %d other functions supported' % len(out))
        return out[:k]

    def build(self):
        args = self.args
        reserved = {0x00, 0x04, 0x14, 0x16, 0x17, 0x1f}
        free = [s for s in range(1, 0x1f) if s not in reserved]
        if args.pfs > len(free):
            sys.exit('gen-tree: at most %d PFs supported' % len(free))
        pf_slots, free = free[:args.pfs], free[args.pfs:]
        half = (args.pfs + 1) // 2
        for i, slot in enumerate(pf_slots):
            self.pf_subtree(i, slot, 0 if i < half else 1)
        for build in self.others(args.others, free):
            build()
        self.context(None)

    def _close(self, br):
        sub = br.bridge[0]
        stack = list(br.children)
        while stack:
            c = stack.pop()
            sub = max(sub, c.bus, c.bridge[1] if c.bridge else 0)
            stack.extend(c.children)
        self.close_bridge(br, sub)


# ---------------------------------------------------------------- writer

def kernfs_link(link, target):
    """Relative symlink text as kernfs builds it: up to the first ancestor of
    the link's directory that is also an ancestor of the target's parent,
    then down to the target."""
    base = os.path.dirname(link)
    tparent = os.path.dirname(target)
    ups = 0
    while not (tparent == base or tparent.startswith(base + '/')):
        base = os.path.dirname(base)
        ups += 1
    return '../' * ups + target[len(base) + 1:]


class Writer:
    def __init__(self, out):
        self.out = out
        self.made = set()

    def mkdir(self, rel):
        if rel in self.made:
            return
        os.makedirs(os.path.join(self.out, rel), exist_ok=True)
        p = rel
        while p and p not in self.made:
            self.made.add(p)
            p = os.path.dirname(p)

    def file(self, rel, data, mode=0o644):
        if isinstance(data, str):
            data = data.encode()
        fd = os.open(os.path.join(self.out, rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            if data:
                os.write(fd, data)
        finally:
            os.close(fd)

    def link(self, rel, target_rel):
        os.symlink(kernfs_link(rel, target_rel), os.path.join(self.out, rel))


def modalias(d):
    return 'pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X' % (
        d.vendor, d.device, d.ssvid, d.ssid, d.cls >> 16, (d.cls >> 8) & 0xff, d.cls & 0xff)


def cpulist(numa):
    return '0-15' if numa <= 0 else '16-31'


def cpumask(numa):
    return '00000000,0000ffff' if numa <= 0 else '00000000,ffff0000'


def device_attrs(d):
    nres = PCI_NUM_RES_BRIDGE if d.bridge else PCI_NUM_RES
    res = (list(d.res) + [(0, 0, 0)] * nres)[:nres]
    attrs = {
        'vendor': '0x%04x' % d.vendor,
        'device': '0x%04x' % d.device,
        'subsystem_vendor': '0x%04x' % d.ssvid,
        'subsystem_device': '0x%04x' % d.ssid,
        'class': '0x%06x' % d.cls,
        'revision': '0x%02x' % d.rev,
        'irq': '%d' % d.irq,
        'numa_node': '%d' % d.numa,
        'local_cpulist': cpulist(d.numa),
        'local_cpus': cpumask(d.numa),
        'enable': '1' if d.driver else '0',
        'msi_bus': '1',
        'broken_parity_status': '0',
        'consistent_dma_mask_bits': '64',
        'dma_mask_bits': '64',
        'd3cold_allowed': '1',
        'power_state': 'D0',
        'driver_override': '(null)',
        'ari_enabled': '1' if d.kind in ('pf', 'vf') else '0',
        'modalias': modalias(d),
        'resource': ''.join('0x%016x 0x%016x 0x%016x\n' % r for r in res)[:-1],
    }
    if d.pcie and d.kind != 'vf' and not d.root.endswith(('fe', 'ff')):
        attrs.update({
            'current_link_speed': SPEED_STR[d.speed],
            'max_link_speed': SPEED_STR[d.speed],
            'current_link_width': '%d' % d.width,
            'max_link_width': '%d' % d.width,
        })
    attrs.update(d.attrs)
    ue = ['DRIVER=%s' % d.driver] if d.driver else []
    ue += ['PCI_CLASS=%X' % d.cls, 'PCI_ID=%04X:%04X' % (d.vendor, d.device),
           'PCI_SUBSYS_ID=%04X:%04X' % (d.ssvid, d.ssid), 'PCI_SLOT_NAME=%s' % d.name,
           'MODALIAS=%s' % modalias(d)]
    attrs['uevent'] = '\n'.join(ue)
    return attrs


def write_device(w, d, S):
    """Everything inside one device's directory (already created)."""
    dp = S + '/devices/' + d.path
    for k, v in device_attrs(d).items():
        w.file(dp + '/' + k, v + '\n')
    w.file(dp + '/config', d.cfg)
    for k in ('remove', 'rescan', 'reset'):
        w.file(dp + '/' + k, '', 0o200)
    w.link(dp + '/subsystem', S + '/bus/pci')
    if d.driver:
        w.link(dp + '/driver', S + '/bus/pci/drivers/' + d.driver)
    if d.group is not None:
        w.link(dp + '/iommu_group', '%s/kernel/iommu_groups/%d' % (S, d.group))
    for name, tgt in d.links.items():
        w.link(dp + '/' + name, S + '/devices/' + tgt.path)
    for nd in d.netdevs:
        np_ = dp + '/net/' + nd['name']
        w.mkdir(np_)
        for k in ('address', 'operstate', 'ifindex', 'addr_assign_type'):
            w.file(np_ + '/' + k, '%s\n' % nd[k])
        w.file(np_ + '/mtu', '1500\n')
        w.file(np_ + '/type', '1\n')
        w.file(np_ + '/uevent', 'INTERFACE=%s\nIFINDEX=%d\n' % (nd['name'], nd['ifindex']))
        w.link(np_ + '/device', dp)
        w.link(np_ + '/subsystem', S + '/class/net')


def write_devices_parallel(w, devs, S, jobs):
    """Fill device directories in `jobs` forked workers (tmpfs file creation
    is the bottleneck).  Only the insides of distinct, pre-created
    directories are written here, so the result does not depend on timing."""
    if jobs <= 1 or len(devs) < 256:
        for d in devs:
            write_device(w, d, S)
        return
    pids = []
    for j in range(jobs):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                for d in devs[j::jobs]:
                    write_device(w, d, S)
            except BaseException as e:      # report and fail the worker
                print('gen-tree: worker: %s' % e, file=sys.stderr)
                code = 1
            finally:
                os._exit(code)
        pids.append(pid)
    failed = False
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        failed |= status != 0
    if failed:
        sys.exit('gen-tree: writing device directories failed')


def write_tree(tree, out, jobs=1):
    w = Writer(out)
    S = 'sys'
    w.mkdir(S + '/bus/pci/devices')
    w.mkdir(S + '/bus/pci/drivers')
    w.mkdir(S + '/bus/pci/slots')
    w.mkdir(S + '/class/net')
    w.mkdir(S + '/kernel/iommu_groups')
    w.mkdir(S + '/module')
    for f, v in (('drivers_autoprobe', '1\n'), ('uevent', ''), ('resource_alignment', '\n')):
        w.file(S + '/bus/pci/' + f, v)
    for f in ('drivers_probe', 'rescan'):
        w.file(S + '/bus/pci/' + f, '', 0o200)

    roots = sorted({d.root for d in tree.devs})
    for r in roots:
        w.mkdir('%s/devices/%s' % (S, r))
        w.file('%s/devices/%s/uevent' % (S, r), '')

    # Directories first, in a fixed order (readdir order on tmpfs follows
    # creation order), then their contents in parallel.
    for d in tree.devs:
        w.mkdir(S + '/devices/' + d.path)
    write_devices_parallel(w, tree.devs, S, jobs)

    drivers = {}
    groups = {}
    for d in tree.devs:
        dp = S + '/devices/' + d.path
        w.link(S + '/bus/pci/devices/' + d.name, dp)
        if d.driver:
            drivers.setdefault(d.driver, []).append(dp)
        if d.group is not None:
            groups.setdefault(d.group, []).append(dp)
        for nd in d.netdevs:
            w.link(S + '/class/net/' + nd['name'], dp + '/net/' + nd['name'])
        if d.slotnum is not None:
            sp = '%s/bus/pci/slots/%d' % (S, d.slotnum)
            w.mkdir(sp)
            w.file(sp + '/address', '%04x:%02x:00\n' % (d.dom, d.bridge[0]))
            w.file(sp + '/cur_bus_speed', SPEED_STR[d.speed] + '\n')
            w.file(sp + '/max_bus_speed', SPEED_STR[d.speed] + '\n')

    # loopback, a virtual netdev
    lo = S + '/devices/virtual/net/lo'
    w.mkdir(lo)
    for k, v in (('address', '00:00:00:00:00:00'), ('operstate', 'unknown'), ('ifindex', '1'),
                 ('addr_assign_type', '0'), ('mtu', '65536'), ('type', '772')):
        w.file(lo + '/' + k, v + '\n')
    w.link(S + '/class/net/lo', lo)

    for drv in sorted(drivers):
        dd = S + '/bus/pci/drivers/' + drv
        mod = DRIVER_MODULES.get(drv, drv.replace('-', '_'))
        w.mkdir(dd)
        for f in ('bind', 'unbind', 'new_id', 'remove_id'):
            w.file(dd + '/' + f, '', 0o200)
        w.file(dd + '/uevent', '', 0o200)
        md = S + '/module/' + mod
        w.mkdir(md + '/drivers')
        w.file(md + '/refcnt', '0\n')
        w.file(md + '/initstate', 'live\n')
        w.link(dd + '/module', md)
        w.link(md + '/drivers/pci:' + drv, dd)
        for dp in drivers[drv]:
            w.link(dd + '/' + os.path.basename(dp), dp)

    for g in sorted(groups):
        gp = '%s/kernel/iommu_groups/%d' % (S, g)
        w.mkdir(gp + '/devices')
        w.file(gp + '/type', 'DMA\n')
        w.file(gp + '/reserved_regions', '0x00000000fee00000 0x00000000feefffff msi\n')
        for dp in groups[g]:
            w.link(gp + '/devices/' + os.path.basename(dp), dp)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('out', help='output directory; the tree goes to OUT/sys')
    ap.add_argument('--pfs', type=int, default=1, help='number of SR-IOV PFs (default 1)')
    ap.add_argument('--vfs-per-pf', type=int, default=8,
                    help='VFs enabled per PF; TotalVFs = NumVFs = this (default 8)')
    ap.add_argument('--others', type=int, default=0,
                    help='number of other PCI functions (default 0)')
    ap.add_argument('--seed', type=int, default=1, help='random seed (default 1)')
    ap.add_argument('--force', action='store_true', help='replace an existing OUT/sys')
    ap.add_argument('--jobs', type=int, default=min(os.cpu_count() or 1, 4),
                    help='writer processes (default: CPUs, at most 4); the tree is the same')
    args = ap.parse_args()
    if args.pfs < 0 or args.vfs_per_pf < 0 or args.others < 0:
        ap.error('counts must be >= 0')
    if args.vfs_per_pf > 0xffff:
        ap.error('--vfs-per-pf at most 65535')
    sysdir = os.path.join(args.out, 'sys')
    if os.path.lexists(sysdir):
        if not args.force:
            sys.exit('gen-tree: %s exists (use --force to replace it)' % sysdir)
        shutil.rmtree(sysdir)
    os.makedirs(args.out, exist_ok=True)
    tree = Tree(args)
    tree.build()
    write_tree(tree, args.out, args.jobs)
    nvf = sum(1 for d in tree.devs if d.is_vf)
    print('gen-tree: %s: %d functions (%d PFs, %d VFs, %d others), %d netdevs, %d iommu groups'
          % (sysdir, len(tree.devs), args.pfs, nvf,
             len(tree.devs) - nvf - args.pfs - args.pfs, sum(len(d.netdevs) for d in tree.devs),
             tree.next_group), file=sys.stderr)


if __name__ == '__main__':
    main()
