#!/usr/bin/env python3
"""Host-side checker for the `inventory` scenario (issue 2, real kernel).

    check_inventory.py RUN   (RUN = run directory with output.txt, or the file)
                       [-v]  also print passed checks
                       [--host-sriovctl BIN]  also run BIN decode --json on
                             the guest's lspci -xxxx dumps and require the
                             decoded capabilities to equal show --json's

For each state the guest recorded (vf0: no VFs; vf4: igb 4 VFs + NVMe 2 VFs),
asserts that `sriovctl show --json` agrees with the guest's own lspci -vvv,
lspci -vmm, sysfs (links and attributes) and `ip -j -d link show`.
Prints one line per failed check (expected vs actual) and ends with exactly
"N passed, N failed". Exit status 1 on any failure, also when the guest
output is missing or incomplete.
"""
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

sys.dont_write_bytecode = True  # keep tests/vm/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetar  # noqa: E402
import vmout  # noqa: E402

STATES = {
    # state: {PF vendor:device -> expected sriov_numvfs}, sanity of the scenario
    'vf0': {'8086:10c9': 0, '1b36:0010': 0},
    'vf4': {'8086:10c9': 4, '1b36:0010': 2},
}
REQUIRED = ['sysfs', 'sriovctl-show-json', 'sriovctl-list-json', 'lspci-vvv',
            'lspci-vmm', 'ip-link']
UNSET = object()


class Checker:
    def __init__(self, verbose=False, host_bin=None):
        self.host_bin = host_bin
        self.passed = 0
        self.failed = 0
        self.verbose = verbose

    def fail(self, where, msg):
        self.failed += 1
        print('FAIL %s: %s' % (where, msg))

    def ok(self, where, msg=''):
        self.passed += 1
        if self.verbose:
            print('ok   %s %s' % (where, msg))

    def eq(self, where, expected, actual):
        if _same(expected, actual):
            self.ok(where, '= %r' % (expected,))
            return True
        self.fail(where, 'expected %s, got %s' % (_show(expected), _show(actual)))
        return False

    def true(self, where, cond, msg):
        if cond:
            self.ok(where)
        else:
            self.fail(where, msg)
        return cond


def _show(v):
    if v is UNSET:
        return '(key missing)'
    return json.dumps(v)


def _same(a, b):
    if a is UNSET or b is UNSET:
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def num(v):
    """JSON number, or a hex/decimal string -> int; anything else unchanged."""
    if isinstance(v, bool) or v is None or v is UNSET:
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        try:
            return int(v, 0)
        except ValueError:
            try:
                return int(v, 16)
            except ValueError:
                return v
    return v


def get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return UNSET
        d = d[k]
    return d


# ---------------------------------------------------------------- parsers ---

def parse_sysfs(text):
    """lines "ADDR KEY VALUE" -> {addr: {'attr': {}, 'link': {}, 'net': {}}}"""
    devs = {}
    for line in text.splitlines():
        parts = line.split(' ', 2)
        if len(parts) < 2:
            continue
        addr, key = parts[0], parts[1]
        val = parts[2] if len(parts) > 2 else ''
        d = devs.setdefault(addr, {'attr': {}, 'link': {}, 'net': {}})
        if key.startswith('link:'):
            d['link'][key[5:]] = val
        elif key == 'net':
            name, mac, oper = (val.split(' ') + ['', ''])[:3]
            d['net'][name] = {'mac': mac, 'operstate': oper}
        else:
            d['attr'][key] = val
    return devs


def parse_lspci_vvv(text):
    """-> {addr: {'header': str, 'ids': (ven, dev), 'caps': {key: (offset, [lines])}}}"""
    devs = {}
    cur = None
    cap = None
    for line in text.splitlines():
        if line and not line[0].isspace():
            m = re.match(r'^(\S+) (.*)$', line)
            addr = m.group(1)
            ids = re.findall(r'\[([0-9a-f]{4}):([0-9a-f]{4})\]', line)
            cur = devs[addr] = {'header': m.group(2), 'ids': ids[-1] if ids else None,
                                'caps': {}, 'lines': []}
            cap = None
            continue
        if cur is None:
            continue
        cur['lines'].append(line)
        m = re.match(r'^\tCapabilities: \[([0-9a-f]+)(?: v\d+)?\] (.*)$', line)
        if m:
            title = m.group(2)
            key = None
            if 'Single Root I/O Virtualization' in title:
                key = 'sriov'
            elif 'Alternative Routing-ID Interpretation' in title:
                key = 'ari'
            elif title.startswith('Access Control Services'):
                key = 'acs'
            cap = None
            if key:
                cap = []
                cur['caps'][key] = (int(m.group(1), 16), cap)
            continue
        if line.startswith('\t') and not line.startswith('\t\t'):
            cap = None
        elif cap is not None:
            cap.append(line.strip())
    return devs


def parse_lspci_vmm(text):
    devs = {}
    for block in text.split('\n\n'):
        d = {}
        for line in block.splitlines():
            if ':\t' in line:
                k, v = line.split(':\t', 1)
                d[k] = v
        if 'Slot' in d:
            devs[d['Slot']] = d
    return devs


def flag(lines, name):
    """value of 'Name+' / 'Name-' in the cap's lines"""
    for l in lines:
        m = re.search(r'(?:^|[\s:,])' + re.escape(name) + r'([+-])', l)
        if m:
            return m.group(1) == '+'
    return UNSET


def field(lines, regex, conv=int):
    for l in lines:
        m = re.search(regex, l)
        if m:
            return conv(m.group(1))
    return UNSET


def hex16(s):
    return int(s, 16)


def sriov_expect(offset, lines):
    """lspci's SR-IOV block -> expected values keyed like the JSON contract"""
    e = {
        'offset': offset,
        'initial_vfs': field(lines, r'Initial VFs: (\d+)'),
        'total_vfs': field(lines, r'Total VFs: (\d+)'),
        'num_vfs': field(lines, r'Number of VFs: (\d+)'),
        'function_dependency_link': field(lines, r'Function Dependency Link: ([0-9a-f]+)', hex16),
        'vf_offset': field(lines, r'VF offset: (\d+)'),
        'vf_stride': field(lines, r'stride: (\d+)'),
        'vf_device_id': field(lines, r'Device ID: ([0-9a-f]+)', str),
        'supported_page_sizes': field(lines, r'Supported Page Size: ([0-9a-f]+)', hex16),
        'system_page_size': field(lines, r'System Page Size: ([0-9a-f]+)', hex16),
    }
    capl = [l for l in lines if l.startswith('IOVCap:')]
    ctll = [l for l in lines if l.startswith('IOVCtl:')]
    stal = [l for l in lines if l.startswith('IOVSta:')]
    e['cap'] = {
        'migration': flag(capl, 'Migration'),
        'ten_bit_tag_requester': flag(capl, '10BitTagReq'),
        'interrupt_message_number': field(capl, r'Interrupt Message Number: ([0-9a-f]+)', hex16),
    }
    e['control'] = {
        'vf_enable': flag(ctll, 'Enable'),
        'vf_migration_enable': flag(ctll, 'Migration'),
        'vf_migration_interrupt_enable': flag(ctll, 'Interrupt'),
        'vf_mse': flag(ctll, 'MSE'),
        'ari_capable_hierarchy': flag(ctll, 'ARIHierarchy'),
        'ten_bit_tag_requester_enable': flag(ctll, '10BitTagReq'),
    }
    e['status'] = {'vf_migration': flag(stal, 'Migration')}
    bars = []
    for l in lines:
        m = re.match(r'Region (\d+): Memory at ([0-9a-f]+) \((64|32)-bit, (non-prefetchable|prefetchable)\)', l)
        if m:
            bars.append({'index': int(m.group(1)), 'address': int(m.group(2), 16),
                         'is_64bit': m.group(3) == '64',
                         'prefetchable': m.group(4) == 'prefetchable'})
    e['vf_bars'] = bars
    e['vf_migration_state'] = {
        'offset': field(lines, r'VF Migration: offset: ([0-9a-f]+)', hex16),
        'bir': field(lines, r'BIR: (\d+)'),
    }
    return e


def ari_expect(lines):
    capl = [l for l in lines if l.startswith('ARICap:')]
    ctll = [l for l in lines if l.startswith('ARICtl:')]
    return {
        'mfvc': flag(capl, 'MFVC'),
        'acs': flag(capl, 'ACS'),
        'next_function': field(capl, r'Next Function: (\d+)'),
        'control': {
            'mfvc_enable': flag(ctll, 'MFVC'),
            'acs_enable': flag(ctll, 'ACS'),
            'function_group': field(ctll, r'Function Group: (\d+)'),
        },
    }


ACS_BITS = ['SrcValid', 'TransBlk', 'ReqRedir', 'CmpltRedir', 'UpstreamFwd',
            'EgressCtrl', 'DirectTrans']


def acs_bits(lines, prefix):
    ll = [l for l in lines if l.startswith(prefix)]
    v = 0
    for i, n in enumerate(ACS_BITS):
        f = flag(ll, n)
        if f is UNSET:
            return UNSET
        if f:
            v |= 1 << i
    return v


def link_base(v):
    return None if v is None else v.rstrip('/').rsplit('/', 1)[-1]


# ----------------------------------------------------------------- checks ---

def check_state(c, out, st):
    secs = {}
    for name in REQUIRED:
        s = out.get('%s/%s' % (st, name))
        err = out.get('%s/%s.stderr' % (st, name))
        if s is None or s.rc is None:
            c.fail(st, 'section %s missing or truncated in the guest output' % name)
            return
        if s.rc != 0:
            c.fail('%s/%s' % (st, name), 'guest command failed rc=%d: %s'
                   % (s.rc, (err.text.strip() if err else '').replace('\n', ' | ')[:300]))
            return
        secs[name] = s.text
    c.ok('%s sections present' % st)
    try:
        show = json.loads(secs['sriovctl-show-json'])
    except ValueError as e:
        c.fail('%s/show --json' % st, 'not valid JSON: %s' % e)
        return
    c.ok('%s show --json parses' % st)
    try:
        lst = json.loads(secs['sriovctl-list-json'])
    except ValueError as e:
        c.fail('%s/list --json' % st, 'not valid JSON: %s' % e)
        lst = UNSET
    sysfs = parse_sysfs(secs['sysfs'])
    vvv = parse_lspci_vvv(secs['lspci-vvv'])
    vmm = parse_lspci_vmm(secs['lspci-vmm'])
    try:
        iplinks = json.loads(secs['ip-link'])
    except ValueError:
        iplinks = []
        c.fail('%s/ip-link' % st, 'ip -j output is not JSON')

    # scenario sanity: the state really is what it claims
    for addr, d in sysfs.items():
        vd = '%s:%s' % (d['attr'].get('vendor', '')[2:], d['attr'].get('device', '')[2:])
        if vd in STATES[st] and 'sriov_numvfs' in d['attr']:
            c.eq('%s %s scenario sriov_numvfs' % (st, addr), STATES[st][vd],
                 int(d['attr']['sriov_numvfs']))

    pfs = get(show, 'pfs')
    if not c.true('%s show.pfs' % st, isinstance(pfs, list), 'top-level "pfs" array missing'):
        return
    by_addr = {}
    for pf in pfs:
        a = get(pf, 'address')
        by_addr[a] = pf
    lspci_pfs = sorted(a for a, d in vvv.items() if 'sriov' in d['caps'])
    c.eq('%s set of PFs (lspci with SR-IOV capability)' % st, lspci_pfs,
         sorted(str(a) for a in by_addr))

    if lst is not UNSET:
        flat = json.dumps(lst)
        for a in lspci_pfs:
            c.true('%s list --json mentions %s' % (st, a), '"%s"' % a in flat,
                   'PF %s not in list --json output' % a)

    for addr in lspci_pfs:
        pf = by_addr.get(addr)
        if pf is None:
            continue
        check_pf(c, '%s %s' % (st, addr), addr, pf, vvv, vmm, sysfs, iplinks)
        if c.host_bin:
            check_decode(c, '%s %s host decode' % (st, addr), out,
                         '%s/lspci-xxxx/%s' % (st, addr), pf)
    if c.host_bin:
        check_capture_replay(c, st, out)


def check_capture_replay(c, st, out):
    """the guest's capture, replayed on the host with --root, shows what the guest showed"""
    w = '%s capture replay' % st
    live = out.get('%s/sriovctl-show-json' % st)
    cap = out.get('%s/capture.tar' % st)
    if cap is None or cap.rc != 0 or not cap.data:
        c.fail(w, 'no capture.tar from the guest')
        return
    with tempfile.TemporaryDirectory() as tmp:
        arch = os.path.join(tmp, 'capture.tar')
        with open(arch, 'wb') as f:
            f.write(cap.data)
        root = os.path.join(tmp, 'root')
        os.mkdir(root)
        try:
            safetar.extract(arch, root)
        except (safetar.UnsafeMember, tarfile.TarError) as e:
            c.fail(w, f'capture.tar: {e}')
            return
        r = subprocess.run([c.host_bin, 'show', '--json', '--root', root],
                           capture_output=True, text=True)
    if not c.true(w + ' rc', r.returncode == 0, r.stderr.strip()[:300]):
        return
    try:
        replay = json.loads(r.stdout)
        guest = json.loads(live.text)
    except (ValueError, AttributeError):
        c.fail(w, 'show --json output is not JSON')
        return
    c.eq(w + ': pfs equal', guest.get('pfs'), replay.get('pfs'))


def check_decode(c, w, out, secname, pf):
    """offline decode of the same config space must give show's capabilities"""
    s = out.get(secname)
    if s is None or s.rc != 0:
        c.fail(w, 'no lspci -xxxx dump %s in the guest output' % secname)
        return
    with tempfile.NamedTemporaryFile('w', suffix='.txt') as f:
        f.write(s.text)
        f.flush()
        r = subprocess.run([c.host_bin, 'decode', '--json', f.name],
                           capture_output=True, text=True)
    if not c.true(w + ' rc', r.returncode == 0,
                  'exit %d: %s' % (r.returncode, r.stderr.strip()[:300])):
        return
    try:
        fns = get(json.loads(r.stdout), 'functions')
        dec = fns[0]
    except (ValueError, TypeError, IndexError, KeyError):
        c.fail(w, 'decode --json output has no functions[0]')
        return
    caps = get(pf, 'capabilities')
    for key in ('sriov', 'ari', 'acs'):
        c.eq('%s capabilities.%s' % (w, key), get(caps, key) if isinstance(caps, dict) and key in caps else None,
             get(dec, 'capabilities', key) if key in (get(dec, 'capabilities') or {}) else None)


def check_pf(c, w, addr, pf, vvv, vmm, sysfs, iplinks):
    L = vvv[addr]
    sd = sysfs.get(addr, {'attr': {}, 'link': {}, 'net': {}})
    ven, dev = L['ids']
    c.eq(w + ' vendor_id', ven, get(pf, 'vendor_id'))
    c.eq(w + ' device_id', dev, get(pf, 'device_id'))
    lname = re.sub(r'\s*\[[0-9a-f]{4}\]$', '', vmm.get(addr, {}).get('Device', ''))
    name = get(pf, 'name')
    c.true(w + ' name', isinstance(name, str) and lname != '' and lname in name,
           'expected a name containing lspci\'s %s, got %s' % (_show(lname), _show(name)))

    caps = get(pf, 'capabilities')
    # SR-IOV capability
    off, lines = L['caps']['sriov']
    e = sriov_expect(off, lines)
    s = get(caps, 'sriov')
    if c.true(w + ' capabilities.sriov', isinstance(s, dict), 'missing'):
        for k in ('offset', 'initial_vfs', 'total_vfs', 'num_vfs', 'function_dependency_link',
                  'vf_offset', 'vf_stride', 'supported_page_sizes', 'system_page_size'):
            c.eq('%s sriov.%s' % (w, k), e[k], num(get(s, k)))
        got = get(s, 'vf_device_id')
        c.eq(w + ' sriov.vf_device_id', e['vf_device_id'],
             got.lower() if isinstance(got, str) else got)
        for grp in ('cap', 'control', 'status'):
            for k, v in e[grp].items():
                g = get(s, grp, k)
                c.eq('%s sriov.%s.%s' % (w, grp, k), v,
                     num(g) if k == 'interrupt_message_number' else g)
        for k, v in e['vf_migration_state'].items():
            c.eq('%s sriov.vf_migration_state.%s' % (w, k), v, num(get(s, 'vf_migration_state', k)))
        bars = get(s, 'vf_bars')
        if c.true(w + ' sriov.vf_bars', isinstance(bars, list), 'expected an array, got %s' % _show(bars)):
            gb = {}
            for b in bars:
                if isinstance(b, dict):
                    gb[get(b, 'index')] = b
            for eb in e['vf_bars']:
                b = gb.get(eb['index'])
                if not c.true('%s sriov.vf_bars[index=%d]' % (w, eb['index']), b is not None,
                              'lspci shows VF BAR %d, JSON has none' % eb['index']):
                    continue
                for k in ('address', 'is_64bit', 'prefetchable'):
                    c.eq('%s sriov.vf_bars[%d].%s' % (w, eb['index'], k), eb[k],
                         num(get(b, k)))
            shown = {eb['index'] for eb in e['vf_bars']}
            extra = sorted(i for i, b in gb.items()
                           if i not in shown and num(get(b, 'address')) not in (0, None, UNSET))
            c.true(w + ' sriov.vf_bars no extra', not extra,
                   'JSON has VF BARs %s with an address that lspci does not show' % extra)
    # ARI / ACS: present exactly when lspci shows them
    for key in ('ari', 'acs'):
        present = key in L['caps']
        g = get(caps, key)
        c.true('%s capabilities.%s present=%s' % (w, key, present),
               (g not in (UNSET, None)) == present,
               'lspci %s it, JSON has %s' % ('shows' if present else 'does not show', _show(g)))
        if not present or not isinstance(g, dict):
            continue
        lines_k = L['caps'][key][1]
        if key == 'ari':
            ea = ari_expect(lines_k)
            for k in ('mfvc', 'acs', 'next_function'):
                c.eq('%s ari.%s' % (w, k), ea[k], num(get(g, k)))
            for k, v in ea['control'].items():
                c.eq('%s ari.control.%s' % (w, k), v, num(get(g, 'control', k)))
        else:
            for k, pre in (('cap', 'ACSCap:'), ('control', 'ACSCtl:')):
                v = num(get(g, k))
                c.eq('%s acs.%s (low 7 bits)' % (w, k), acs_bits(lines_k, pre),
                     v & 0x7f if isinstance(v, int) else v)

    # sysfs-derived PF fields
    a = sd['attr']
    c.eq(w + ' total_vfs', int(a.get('sriov_totalvfs', -1)), num(get(pf, 'total_vfs')))
    c.eq(w + ' num_vfs', int(a.get('sriov_numvfs', -1)), num(get(pf, 'num_vfs')))
    dap = get(pf, 'drivers_autoprobe')
    c.eq(w + ' drivers_autoprobe', a.get('sriov_drivers_autoprobe') == '1',
         bool(dap) if isinstance(dap, (int, bool)) else dap)
    c.eq(w + ' driver', link_base(sd['link'].get('driver')), get(pf, 'driver'))
    grp = link_base(sd['link'].get('iommu_group'))
    c.eq(w + ' iommu_group', int(grp) if grp is not None else None, get(pf, 'iommu_group'))
    numa = int(a.get('numa_node', '-1'))
    gn = get(pf, 'numa_node')
    if numa == -1 and gn is None:
        c.ok(w + ' numa_node', '-1 as null')
    else:
        c.eq(w + ' numa_node', numa, gn)
    nd = get(pf, 'netdevs')
    if c.true(w + ' netdevs', isinstance(nd, list), 'expected an array, got %s' % _show(nd)):
        c.eq(w + ' netdevs names', sorted(sd['net']),
             sorted(str(get(n, 'name')) for n in nd))
        for n in nd:
            sn = sd['net'].get(get(n, 'name'))
            if sn:
                c.eq('%s netdev %s mac' % (w, n['name']), sn['mac'], get(n, 'mac'))
                c.eq('%s netdev %s operstate' % (w, n['name']), sn['operstate'],
                     get(n, 'operstate'))

    # VFs
    vfs = get(pf, 'vfs')
    if not c.true(w + ' vfs', isinstance(vfs, list), 'expected an array, got %s' % _show(vfs)):
        return
    nvf = int(a.get('sriov_numvfs', 0))
    c.eq(w + ' vfs count = sriov_numvfs', nvf, len(vfs))
    ipl = None
    for link in iplinks:
        if link.get('ifname') in sd['net']:
            ipl = link
    vfinfo = {v.get('vf'): v for v in (ipl or {}).get('vfinfo_list', [])}
    if nvf and sd['net']:
        c.true(w + ' ip vfinfo_list', len(vfinfo) >= nvf,
               'ip -d link shows %d VFs for the PF netdev, sysfs %d' % (len(vfinfo), nvf))
    for i in range(nvf):
        vw = '%s vf%d' % (w, i)
        vf = None
        for v in vfs:
            if get(v, 'index') == i:
                vf = v
        if not c.true(vw, vf is not None, 'no VF with index %d in JSON' % i):
            continue
        vaddr = link_base(sd['link'].get('virtfn%d' % i))
        c.eq(vw + ' address (virtfn link)', vaddr, get(vf, 'address'))
        vs = sysfs.get(vaddr, {'attr': {}, 'link': {}, 'net': {}})
        c.eq(vw + ' device_id', vs['attr'].get('device', '')[2:], get(vf, 'device_id'))
        c.eq(vw + ' driver', link_base(vs['link'].get('driver')), get(vf, 'driver'))
        g = link_base(vs['link'].get('iommu_group'))
        c.eq(vw + ' iommu_group', int(g) if g is not None else None, get(vf, 'iommu_group'))
        c.eq(vw + ' physfn', addr, link_base(vs['link'].get('physfn')))
        vnd = get(vf, 'netdevs')
        c.eq(vw + ' netdevs', sorted(vs['net']),
             sorted(vnd) if isinstance(vnd, list) else vnd)
        # the VF's own netdev's MTU, as ip sees it (null without a netdev)
        ipl = [link for link in iplinks if sorted(vs['net'])[:1] == [link.get('ifname')]]
        c.eq(vw + ' mtu (ip -j link show)', ipl[0].get('mtu') if ipl else None, get(vf, 'mtu'))
        # igb and QEMU's NVMe cannot set VFs' MSI-X vectors: not read
        c.eq(vw + ' msix (PF cannot set it)', None, get(vf, 'msix'))
        vi = vfinfo.get(i)
        if vi is None:
            # no PF netdev (NVMe): the kernel gives no rtnetlink VF settings
            for k in ('mac', 'vlan', 'qos', 'vlan_proto', 'spoofchk', 'trust',
                      'link_state', 'min_tx_rate', 'max_tx_rate'):
                c.eq('%s %s (no PF netdev)' % (vw, k), None, get(vf, k))
            continue
        vl = (vi.get('vlan_list') or [{}])[0]
        c.eq(vw + ' mac', vi.get('address'), get(vf, 'mac'))
        c.eq(vw + ' vlan', vl.get('vlan', vi.get('vlan', 0)), get(vf, 'vlan'))
        c.eq(vw + ' qos', vl.get('qos', vi.get('qos', 0)), get(vf, 'qos'))
        if 'protocol' in vl:
            gp = get(vf, 'vlan_proto')
            c.true(vw + ' vlan_proto', gp in (vl['protocol'], 0x8100 if vl['protocol'] == '802.1Q'
                                              else 0x88a8, vl['protocol'].lower()),
                   'expected %s, got %s' % (_show(vl['protocol']), _show(gp)))
        c.eq(vw + ' spoofchk', vi.get('spoofchk'), get(vf, 'spoofchk'))
        c.eq(vw + ' trust', vi.get('trust'), get(vf, 'trust'))
        ls = get(vf, 'link_state')
        c.eq(vw + ' link_state', vi.get('link_state'), ls.lower() if isinstance(ls, str) else ls)
        rate = vi.get('rate', {})
        c.eq(vw + ' min_tx_rate', rate.get('min_tx', vi.get('min_tx_rate')), get(vf, 'min_tx_rate'))
        c.eq(vw + ' max_tx_rate', rate.get('max_tx', vi.get('max_tx_rate')), get(vf, 'max_tx_rate'))


# ---------------------------------------------- groups, any function (13) ---

GROUP_SECTIONS = ['iommu-groups', 'sriovctl-groups-json', 'show-fn-hostbridge',
                  'show-fn-rootport', 'rootport']


def group_sections(c, out):
    secs = {}
    for name in GROUP_SECTIONS:
        s = out.get('vf4/%s' % name)
        if s is None or s.rc != 0:
            err = out.get('vf4/%s.stderr' % name)
            c.fail('vf4/%s' % name, 'section missing or failed: %s'
                   % ((err.text.strip() if err else '')[:300]))
            return None
        secs[name] = s.text
    return secs


def kernel_groups(text):
    """lines "GROUP ADDR DRIVER" -> {group: {addr: driver or None}}"""
    groups = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3:
            groups.setdefault(int(parts[0]), {})[parts[1]] = None if parts[2] == '-' else parts[2]
    return groups


def check_groups(c, out):
    """groups --json and show of functions without SR-IOV against the guest's
    /sys/kernel/iommu_groups, sysfs and lspci -vvv"""
    secs = group_sections(c, out)
    if secs is None:
        return
    kernel = kernel_groups(secs['iommu-groups'])
    c.true('vf4 kernel has IOMMU groups', len(kernel) > 0, 'no /sys/kernel/iommu_groups')
    try:
        doc = json.loads(secs['sriovctl-groups-json'])
    except ValueError as e:
        c.fail('vf4 groups --json', 'not valid JSON: %s' % e)
        return
    c.eq('vf4 groups --json from /sys/kernel/iommu_groups', False, get(doc, 'from_links'))
    got = {g['id']: {m['address']: m['driver'] for m in g['members']}
           for g in get(doc, 'groups') or []}
    c.eq('vf4 groups: ids, members and drivers', kernel, got)
    sysfs = parse_sysfs(out.get('vf4/sysfs').text)
    for g in get(doc, 'groups') or []:
        w = 'vf4 group %d' % g['id']
        spoilers = []
        for m in g['members']:
            attr = sysfs.get(m['address'], {}).get('attr', {})
            links = sysfs.get(m['address'], {}).get('link', {})
            bridge = attr.get('class', '').startswith('0x0604')
            role = ('pf' if 'sriov_totalvfs' in attr else 'vf' if 'physfn' in links
                    else 'bridge' if bridge else 'function')
            c.eq('%s %s role' % (w, m['address']), role, m['role'])
            if not bridge and m['driver'] not in (None, 'vfio-pci', 'pci-stub', 'pcieport'):
                spoilers.append(m['address'])
        c.eq('%s viable' % w, not spoilers, g['viable'])
        c.eq('%s spoiled_by' % w, spoilers[0] if spoilers else None, g['spoiled_by'])
        check_acs_gap(c, w, g, parse_lspci_vvv(out.get('vf4/lspci-vvv').text))
    vvv = parse_lspci_vvv(out.get('vf4/lspci-vvv').text)
    check_show_fn(c, 'vf4 show host bridge', '0000:00:00.0', secs['show-fn-hostbridge'],
                  sysfs, vvv, kernel)
    check_show_fn(c, 'vf4 show root port', secs['rootport'].strip(),
                  secs['show-fn-rootport'], sysfs, vvv, kernel)


def lspci_isolates(dev):
    """lspci's view of a function's own ACS isolation (False without ACS)"""
    if 'acs' not in dev['caps']:
        return False
    ctl = acs_bits(dev['caps']['acs'][1], 'ACSCtl')
    return ctl is not UNSET and all(ctl & (1 << i) for i in (0, 2, 3, 4))


def check_acs_gap(c, w, g, vvv):
    """a group of several members names what merged them; when that is one of
    them (functions side by side on the root bus), lspci agrees it does not
    isolate"""
    gap = g.get('acs_gap')
    if len(g['members']) < 2:
        c.eq('%s acs_gap (one member)' % w, None, gap)
        return
    if not c.true('%s acs_gap named' % w, isinstance(gap, dict), repr(gap)):
        return
    members = [m['address'] for m in g['members']]
    if gap.get('address') in members:
        c.eq('%s acs_gap %s isolates (lspci)' % (w, gap['address']), False,
             lspci_isolates(vvv.get(gap['address'], {'caps': {}})))


def check_show_fn(c, w, addr, text, sysfs, vvv, kernel):
    try:
        fn = json.loads(text)['function']
    except (ValueError, KeyError) as e:
        c.fail(w, 'no "function" object in show --json: %s' % e)
        return
    attr = sysfs.get(addr, {}).get('attr', {})
    links = sysfs.get(addr, {}).get('link', {})
    c.eq('%s address' % w, addr, fn.get('address'))
    c.eq('%s vendor_id' % w, attr.get('vendor', '')[2:], fn.get('vendor_id'))
    c.eq('%s device_id' % w, attr.get('device', '')[2:], fn.get('device_id'))
    c.eq('%s class' % w, attr.get('class', '')[2:], fn.get('class'))
    c.eq('%s driver' % w, link_base(links.get('driver')), fn.get('driver'))
    group = int(link_base(links['iommu_group'])) if 'iommu_group' in links else None
    c.eq('%s iommu group' % w, group, get(fn, 'iommu_group', 'id'))
    if group is not None:
        members = sorted(m['address'] for m in get(fn, 'iommu_group', 'members') or [])
        c.eq('%s group members' % w, sorted(kernel.get(group, {})), members)
    lspci = vvv.get(addr, {'caps': {}})
    c.eq('%s sriov.present (lspci has no SR-IOV capability)' % w,
         'sriov' in lspci['caps'], get(fn, 'sriov', 'present'))
    c.eq('%s sriov.reason' % w, 'no_capability', get(fn, 'sriov', 'reason'))
    c.eq('%s own ACS (lspci)' % w, 'acs' in lspci['caps'], fn.get('acs'))
    if 'acs' in lspci['caps']:
        lines = lspci['caps']['acs'][1]
        ctl = acs_bits(lines, 'ACSCtl')
        iso = ctl is not UNSET and all(ctl & (1 << i) for i in (0, 2, 3, 4))
        c.eq('%s ACS isolates (lspci ACSCtl SrcValid ReqRedir CmpltRedir UpstreamFwd)' % w,
             iso, fn.get('acs_isolates'))
    # on q35 the host bridge and the root ports sit on the root bus: no port above
    if addr.split(':')[1] == '00':
        c.eq('%s acs_path (on the root bus)' % w, [],
             [h.get('address') for h in fn.get('acs_path') or []])


def scenario_sanity(c, out):
    """the scenario's own settings must be visible in ip (else the run is not useful)"""
    s = out.get('vf4/ip-link')
    if s is None or s.rc != 0:
        return
    try:
        links = json.loads(s.text)
    except ValueError:
        return
    for link in links:
        vfs = {v.get('vf'): v for v in link.get('vfinfo_list', [])}
        if 0 in vfs and link.get('parentdev', '').endswith(':01:00.0'):
            v0 = vfs[0]
            vl = (v0.get('vlan_list') or [{}])[0]
            c.eq('vf4 scenario: ip shows vf 0 mac', '02:00:00:5e:10:00', v0.get('address'))
            c.eq('vf4 scenario: ip shows vf 0 vlan', 100, vl.get('vlan'))
            c.eq('vf4 scenario: ip shows vf 1 trust', True, vfs.get(1, {}).get('trust'))
            return
    c.fail('vf4 scenario', 'no igb PF netdev with a vfinfo_list in ip -j -d link show')


def main(argv):
    verbose = '-v' in argv
    args = [a for a in argv[1:] if a != '-v']
    host_bin = None
    if '--host-sriovctl' in args:
        i = args.index('--host-sriovctl')
        host_bin = args[i + 1] if i + 1 < len(args) else None
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    path = args[0]
    if os.path.isdir(path):
        path = os.path.join(path, 'output.txt')
    c = Checker(verbose, host_bin)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        c.fail('guest', 'no output at %s (the guest did not run the scenario)' % path)
    else:
        out = vmout.parse(path)
        if not c.true('guest', out.begin is not None, 'no SCENARIO-BEGIN line: the scenario never started'):
            pass
        elif not c.true('guest', out.end is not None,
                        'no SCENARIO-END line: output truncated (guest crashed or timed out)'):
            pass
        else:
            c.eq('scenario exit status', 0, out.end_rc)
        for st in STATES:
            check_state(c, out, st)
        check_groups(c, out)
        scenario_sanity(c, out)
    print('%d passed, %d failed' % (c.passed, c.failed))
    return 1 if c.failed or c.passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
