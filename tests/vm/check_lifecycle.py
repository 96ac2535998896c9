#!/usr/bin/env python3
"""Host-side checker for the `lifecycle` scenario (issue 3, real kernel).

    check_lifecycle.py RUN [--boot RUN2] [-v] [--host-sriovctl BIN]

RUN is the first boot's run directory, RUN2 the second boot's (sriov.boot=2,
for "mac auto is the same on every boot"). Every sriovctl command in the
scenario is judged by the kernel's own view recorded right after it: the
sysfs state (numvfs, virtfn links, drivers, IOMMU groups, /dev/vfio) and
`ip -j -d link show`. Ends with exactly "N passed, N failed".
"""
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmrun  # noqa: E402

IGB = '0000:01:00.0'
NVME = '0000:02:00.0'


def parse_state(text):
    """state lines -> {'pf': {addr: {numvfs, autoprobe}}, 'vf': {(pf, i): {...}}, 'vfio': set}"""
    st = {'pf': {}, 'vf': {}, 'vfio': set()}
    for line in text.splitlines():
        w = line.split()
        if not w:
            continue
        if w[0] == 'pf' and len(w) >= 6:
            st['pf'][w[1]] = {'numvfs': int(w[3]), 'autoprobe': int(w[5])}
        elif w[0] == 'vf' and len(w) >= 11:
            net = w[11:]
            st['vf'][(w[1], int(w[2]))] = {
                'address': w[3], 'driver': None if w[5] == '-' else w[5],
                'group': None if w[7] == '-' else int(w[7]),
                'override': None if w[9] == '(null)' else w[9], 'net': net}
        elif w[0] == 'vfio':
            st['vfio'].add(w[1])
    return st


class Run(vmrun.Run):
    def state(self, name):
        s = self.sec(name)
        if s is None:
            self.c.fail(name, 'section missing')
            return None
        return parse_state(s.text)

    def vfinfo(self, name):
        """ip -j -d link show -> {vf index: entry}"""
        s = self.sec(name)
        if s is None:
            self.c.fail(name, 'section missing')
            return {}
        try:
            links = json.loads(s.text)
        except ValueError:
            self.c.fail(name, 'ip output is not JSON')
            return {}
        for link in links:
            if 'vfinfo_list' in link:
                return {v.get('vf'): v for v in link['vfinfo_list']}
        return {}

    def perm_mac(self, name):
        s = self.sec(name)
        try:
            return json.loads(s.text)[0].get('permaddr') or json.loads(s.text)[0].get('address')
        except (ValueError, AttributeError, IndexError):
            return None


def vlan_of(vi):
    vl = (vi.get('vlan_list') or [{}])[0]
    return vl.get('vlan', vi.get('vlan', 0)), vl.get('qos', vi.get('qos', 0))


def check_rc(c, r, name, expected):
    got = r.rc(name)
    ok = c.eq('%s: exit status' % name, expected, got)
    if not ok and r.err(name):
        print('    stderr: ' + r.err(name).strip().replace('\n', '\n    stderr: '))
    return ok


def igb_vfs(st):
    return {i: v for (pf, i), v in st['vf'].items() if pf == IGB}


def check_enable(c, r):
    for name, n in (('enable4', 4), ('enable7', 7), ('enable0', 0), ('enable-again', 4)):
        check_rc(c, r, name, 0)
        st = r.state(name + '.state')
        if st is None:
            continue
        c.eq(name + ': sriov_numvfs', n, st['pf'].get(IGB, {}).get('numvfs'))
        vfs = igb_vfs(st)
        c.eq(name + ': virtfn links', list(range(n)), sorted(vfs))
        for i, v in vfs.items():
            c.eq('%s: VF %d driver (autoprobe on)' % (name, i), 'igbvf', v['driver'])
            c.true('%s: VF %d netdev settled' % (name, i), len(v['net']) == 1,
                   'VF netdevs %r' % v['net'])
        doc = r.json(name) if name != 'enable-again' else None
        if doc is not None:
            c.true(name + ': JSON names the PF', IGB in json.dumps(doc), json.dumps(doc)[:200])
    # 8 > sriov_totalvfs 7: exit 2, the limit and its source, nothing changed
    check_rc(c, r, 'enable8', 2)
    e = r.err('enable8')
    c.true('enable8: message gives the limit 7', re.search(r'\b7\b', e) is not None, e)
    c.true('enable8: message names sriov_totalvfs', 'sriov_totalvfs' in e or 'driver' in e, e)
    st = r.state('enable8.state')
    if st:
        c.eq('enable8: sriov_numvfs unchanged', 7, st['pf'].get(IGB, {}).get('numvfs'))
    check_rc(c, r, 'enable-same', 0)
    c.true('enable-same: says nothing to do', 'already' in (r.text('enable-same') + r.err('enable-same')),
           r.text('enable-same') + r.err('enable-same'))


def check_vfset(c, r):
    check_rc(c, r, 'vfset', 0)
    vi = r.vfinfo('vfset.ip').get(1, {})
    c.eq('vfset: ip shows VF 1 mac', '02:11:22:33:44:55', vi.get('address'))
    c.eq('vfset: ip shows VF 1 vlan, qos', (100, 3), vlan_of(vi))
    c.eq('vfset: ip shows VF 1 spoofchk', False, vi.get('spoofchk'))
    c.eq('vfset: ip shows VF 1 trust', True, vi.get('trust'))
    # igb (Debian 6.1) has no ndo_set_vf_link_state: EOPNOTSUPP, reported per
    # attribute while the other attribute of the same command applies
    check_rc(c, r, 'vfstate', 1)
    vi = r.vfinfo('vfstate.ip').get(3, {})
    c.eq('vfstate: spoofchk applied anyway', False, vi.get('spoofchk'))
    c.eq('vfstate: link_state unchanged', 'auto', vi.get('link_state'))
    doc = r.json('vfstate')
    res = {x.get('key'): x for x in (doc or {}).get('results', [])}
    c.eq('vfstate: spoofchk reported ok', True, res.get('spoofchk', {}).get('ok'))
    c.eq('vfstate: state reported failed', False, res.get('state', {}).get('ok'))
    c.true('vfstate: the refusal says not supported',
           'support' in json.dumps(res.get('state', {})).lower(), json.dumps(res.get('state')))
    check_rc(c, r, 'vfshow', 0)
    doc = r.json('vfshow')
    if doc is not None:
        c.true('vf show: VF 1 mac in JSON', '02:11:22:33:44:55' in json.dumps(doc), json.dumps(doc)[:300])


def mac_auto_set(c, r, label, ipsec, permsec, n):
    vfi = r.vfinfo(ipsec)
    macs = [vfi.get(i, {}).get('address') for i in range(n)]
    for i, m in enumerate(macs):
        ok = isinstance(m, str) and re.fullmatch(r'[0-9a-f]{2}(:[0-9a-f]{2}){5}', m) is not None
        if not c.true('%s: VF %d has a MAC' % (label, i), ok, repr(m)):
            continue
        first = int(m[:2], 16)
        c.true('%s: VF %d MAC is locally administered unicast' % (label, i),
               first & 0x02 and not first & 0x01, m)
    c.true(label + ': VF MACs differ', len(set(macs)) == n, repr(macs))
    perm = r.perm_mac(permsec)
    if perm:
        c.true(label + ': VF MACs differ from the PF permanent MAC', perm not in macs, perm)
    return macs


def check_macauto(c, r, boot2):
    check_rc(c, r, 'macauto', 0)
    macs = mac_auto_set(c, r, 'mac auto', 'macauto.ip', 'macauto.perm', 4)
    if boot2 is None:
        c.fail('mac auto across boots', 'no second boot (--boot RUN2)')
        return
    check_rc(c, boot2, 'boot2/enable', 0)
    check_rc(c, boot2, 'boot2/macauto', 0)
    macs2 = mac_auto_set(c, boot2, 'mac auto (boot 2)', 'boot2/ip', 'boot2/perm', 4)
    c.eq('mac auto: the same MACs on the second boot', macs, macs2)


def check_partial(c, r):
    # PF link down: igb refuses max_tx_rate (EINVAL); mac and vlan still apply
    check_rc(c, r, 'ratedown', 1)
    vi = r.vfinfo('ratedown.ip').get(2, {})
    c.eq('ratedown: mac applied anyway', '02:22:22:22:22:22', vi.get('address'))
    c.eq('ratedown: vlan applied anyway', (200, 0), vlan_of(vi))
    c.eq('ratedown: max_tx_rate not applied', 0, (vi.get('rate') or {}).get('max_tx', vi.get('max_tx_rate')))
    doc = r.json('ratedown')
    if doc is None:
        return
    text = json.dumps(doc)
    results = doc.get('results') if isinstance(doc, dict) else None
    if not c.true('ratedown: JSON has results', isinstance(results, list), text[:300]):
        return
    by_key = {}
    for res in results:
        by_key[res.get('key')] = res
    c.eq('ratedown: mac reported ok', True, by_key.get('mac', {}).get('ok'))
    c.eq('ratedown: vlan reported ok', True, by_key.get('vlan', {}).get('ok'))
    rate = by_key.get('max_tx_rate', {})
    c.eq('ratedown: max_tx_rate reported failed', False, rate.get('ok'))
    c.true('ratedown: the refusal is explained', bool(rate.get('error') or rate.get('message')),
           json.dumps(rate))


BAD = {
    'bad/index': ['4', '0-3'],
    'bad/vlan': ['4096', '4095'],
    'bad/qos': ['8', '7'],
    'bad/mac-multicast': ['01:00:5e:00:00:01'],
    'bad/mac-zero': ['00:00:00:00:00:00'],
    'bad/mac-syntax': ['02:00:00:00:00'],
    'bad/state': ['up', 'auto'],
    'bad/rate': ['-5'],
    'bad/proto': ['802.1x', '802.1ad'],
    'bad/key': ['colour'],
    'bad/driver-dotdot': ['../../evil'],
    'bad/driver-slash': ['vfio/pci'],
    'bad/enable-n': ['four'],
    'bad/enable-vf': [],
}


def check_bad(c, r):
    for name, words in BAD.items():
        check_rc(c, r, name, 2)
        e = r.err(name)
        for w in words:
            c.true('%s: message names %r' % (name, w), w in e, e.strip())
        c.eq(name + ': nothing on stdout', '', r.text(name))
    c.eq('bad input: ip state unchanged', r.text('bad/before-ip'), r.text('bad/after-ip'))
    c.eq('bad input: sysfs state unchanged', r.text('bad/before-state'), r.text('bad/after-state'))


def check_vfio(c, r):
    check_rc(c, r, 'bind-vfio', 0)
    st = r.state('bind-vfio.state')
    if not st:
        return
    v0 = igb_vfs(st).get(0, {})
    c.eq('bind vfio-pci: VF 0 driver', 'vfio-pci', v0.get('driver'))
    g = v0.get('group')
    c.true('bind vfio-pci: /dev/vfio/GROUP exists', str(g) in st['vfio'], '%r not in %r' % (g, st['vfio']))
    doc = r.json('bind-vfio')
    if doc is not None:
        c.true('bind vfio-pci: JSON names /dev/vfio/GROUP', '/dev/vfio/%s' % g in json.dumps(doc),
               json.dumps(doc)[:300])
    pid = r.text('held/pid').strip()
    show = r.json('held/show')
    if show is not None:
        vf0 = None
        for pf in show.get('pfs', []):
            for vf in pf.get('vfs', []):
                if vf.get('index') == 0 and pf.get('address') == IGB:
                    vf0 = vf
        users = (vf0 or {}).get('used_by')
        if c.true('show: VF 0 used_by is a list', isinstance(users, list), repr(users)):
            procs = [u for u in users if u.get('kind') == 'process']
            c.true('show: used_by names the holder pid', any(str(u.get('pid')) == pid for u in procs),
                   '%r, holder %s' % (users, pid))
            c.true('show: used_by names the VM', any(u.get('vm') == 'testvm' for u in procs), repr(users))
            c.true('show: used_by names /dev/vfio/GROUP',
                   any(u.get('device') == '/dev/vfio/%s' % g for u in procs), repr(users))
        others = [vf.get('used_by') for pf in show.get('pfs', []) for vf in pf.get('vfs', [])
                  if not (pf.get('address') == IGB and vf.get('index') == 0)]
        c.true('show: the other VFs are not in use', all(u == [] for u in others), repr(others))
    for name in ('held/disable', 'held/enable', 'held/unbind'):
        check_rc(c, r, name, 1)
        e = r.err(name)
        c.true(name + ': refusal names the holder pid', pid in e, e)
        c.true(name + ': refusal names the VM', 'testvm' in e, e)
    st = r.state('held/state')
    if st:
        c.eq('held: VFs still enabled', 4, st['pf'].get(IGB, {}).get('numvfs'))
        c.eq('held: VF 0 still on vfio-pci', 'vfio-pci', igb_vfs(st).get(0, {}).get('driver'))
    check_rc(c, r, 'bind-default', 0)
    st = r.state('bind-default.state')
    if st:
        v0 = igb_vfs(st).get(0, {})
        c.eq('bind default: VF 0 back on igbvf', 'igbvf', v0.get('driver'))
        c.eq('bind default: override cleared', None, v0.get('override'))
        c.true('bind default: VF 0 has a netdev again', len(v0.get('net', [])) == 1, repr(v0))


def vf_settings(vi):
    """What reset and restore change, as ip -j -d shows it."""
    return {'mac': vi.get('address'), 'vlan': vlan_of(vi), 'spoofchk': vi.get('spoofchk'),
            'trust': vi.get('trust')}


def vf_driver(c, r, name, index):
    st = r.state(name)
    v = igb_vfs(st).get(index, {}) if st else {}
    return v.get('driver'), v.get('override')


def check_reset_refusals(c, r):
    """--dry-run and a reset of a VF a process holds change nothing."""
    before_ip, before_st = r.text('reset/before.ip'), r.text('reset/before.state')
    check_rc(c, r, 'reset/setup', 0)
    check_rc(c, r, 'reset/bind', 0)
    c.eq('reset setup: VF 0 on vfio-pci', ('vfio-pci', 'vfio-pci'),
         vf_driver(c, r, 'reset/before.state', 0))
    check_rc(c, r, 'reset/dry', 0)
    doc = r.json('reset/dry') or {}
    keys = sorted(st.get('key') for st in doc.get('steps', []))
    c.eq('reset --dry-run: the steps', sorted(['mac', 'vlan', 'qos', 'spoofchk', 'trust', 'driver']),
         keys)
    c.eq('reset --dry-run: ip unchanged', before_ip, r.text('reset/dry.ip'))
    c.eq('reset --dry-run: sysfs unchanged', before_st, r.text('reset/dry.state'))
    pid = r.text('reset/held.pid').strip()
    check_rc(c, r, 'reset/held', 1)
    e = r.err('reset/held')
    c.true('reset while held: refusal names the holder pid', pid in e, e)
    c.true('reset while held: refusal names the VM', 'resetvm' in e, e)
    c.eq('reset while held: ip unchanged', before_ip, r.text('reset/held.ip'))
    c.eq('reset while held: sysfs unchanged', before_st, r.text('reset/held.state'))


def check_reset_clean(c, r, name, index, before, mac=None):
    """VF index as reset leaves it; before: its settings (vf_settings()) before."""
    vi = r.vfinfo(name + '.ip').get(index, {})
    got = vf_settings(vi)
    c.eq('%s: VF %d vlan, qos' % (name, index), (0, 0), got['vlan'])
    c.eq('%s: VF %d spoofchk on' % (name, index), True, got['spoofchk'])
    c.eq('%s: VF %d trust off' % (name, index), False, got['trust'])
    if mac:
        c.eq('%s: VF %d MAC from the configuration' % (name, index), mac, got['mac'])
    else:
        # igb forgets the administratively set MAC on the zero MAC; igbvf,
        # probed again, then picks a random one of its own
        c.true('%s: VF %d MAC cleared (zero, or the VF driver\'s own)' % (name, index),
               got['mac'] == '00:00:00:00:00:00' or (isinstance(got['mac'], str)
                                                     and got['mac'] != before['mac']),
               'before %r, after %r' % (before['mac'], got['mac']))
    drv, override = vf_driver(c, r, name + '.state', index)
    c.eq('%s: VF %d driver igbvf (sysfs)' % (name, index), 'igbvf', drv)
    c.eq('%s: VF %d driver_override cleared' % (name, index), None, override)


def check_reset(c, r):
    check_reset_refusals(c, r)
    check_rc(c, r, 'reset/run', 0)
    before = vf_settings(r.vfinfo('reset/before.ip').get(0, {}))
    c.eq('reset setup: VF 0 as set', {'mac': '02:33:44:55:66:77', 'vlan': (300, 2),
                                      'spoofchk': False, 'trust': True}, before)
    check_reset_clean(c, r, 'reset/run', 0, before)
    # igb with the zero MAC: igbvf, probed again, picks a random MAC
    # (addr_assign_type 1) and igb reports it as the VF's; reset takes it as
    # the driver's default (see 'reset again')
    vfnet = r.text('reset/run.vfnet').split()
    mac = vf_settings(r.vfinfo('reset/run.ip').get(0, {}))['mac']
    c.true('reset: the PF reports zero or the VF netdev\'s own random MAC',
           mac == '00:00:00:00:00:00' or vfnet == [mac, '1'], '%r, netdev %r' % (mac, vfnet))
    doc = r.json('reset/run') or {}
    c.true('reset: every step done',
           doc.get('steps') and all(st.get('status') == 'done' for st in doc['steps']),
           json.dumps(doc)[:400])
    try:
        journal = json.loads(r.text('reset/journal'))
    except ValueError:
        journal = {}
    c.eq('reset: the journal names the run', 'reset', journal.get('command'))
    orig = {(o.get('target'), o.get('key')): o.get('old') for o in journal.get('originals', [])}
    vf0 = igb_vfs(r.state('reset/before.state') or {'vf': {}}).get(0, {}).get('address')
    c.eq('reset: journal keeps the MAC before', '02:33:44:55:66:77', orig.get((vf0, 'mac')))
    c.eq('reset: journal keeps the driver before', 'vfio-pci', orig.get((vf0, 'driver')))
    check_rc(c, r, 'reset/restore', 0)
    c.eq('restore after reset: VF 0 settings as before', before,
         vf_settings(r.vfinfo('reset/restore.ip').get(0, {})))
    c.eq('restore after reset: VF 0 back on vfio-pci', ('vfio-pci', 'vfio-pci'),
         vf_driver(c, r, 'reset/restore.state', 0))
    check_rc(c, r, 'reset/range', 0)
    doc = r.json('reset/range') or {}
    c.eq('reset 0-1,3 --dry-run: only those VFs', [0, 1, 3],
         sorted({st.get('vf') for st in doc.get('steps', [])}))
    check_rc(c, r, 'reset/all', 0)
    for i in range(4):
        check_reset_clean(c, r, 'reset/all', i, vf_settings(r.vfinfo('reset/restore.ip').get(i, {})),
                          '02:44:44:44:44:02' if i == 2 else None)
    check_rc(c, r, 'reset/again', 0)
    c.true('reset again: nothing to do', 'nothing to do' in r.text('reset/again'),
           r.text('reset/again'))


def check_netuse(c, r):
    show = r.json('netuse/show')
    if show is not None:
        users = [vf.get('used_by') for pf in show.get('pfs', []) for vf in pf.get('vfs', [])
                 if vf.get('index') == 1]
        flat = [u for us in users if isinstance(us, list) for u in us]
        c.true('netuse: show names the VF netdev with its address',
               any(u.get('kind') == 'netdev' and '192.0.2.10/24' in (u.get('addresses') or [])
                   for u in flat), repr(users))
    for name in ('netuse/unbind', 'netuse/disable'):
        check_rc(c, r, name, 1)
        c.true(name + ': refusal names the address', '192.0.2.10' in r.err(name), r.err(name))
    st = r.state('netuse/state')
    if st:
        c.eq('netuse: VFs still enabled', 4, st['pf'].get(IGB, {}).get('numvfs'))
        c.eq('netuse: VF 1 still on igbvf', 'igbvf', igb_vfs(st).get(1, {}).get('driver'))
    check_rc(c, r, 'disable', 0)
    st = r.state('disable.state')
    if st:
        c.eq('disable: sriov_numvfs', 0, st['pf'].get(IGB, {}).get('numvfs'))
        c.eq('disable: no virtfn links', {}, igb_vfs(st))


def check_privilege(c, r):
    """Not root: each changing command exits 3 before touching the host."""
    for cmd in ('enable', 'disable', 'vfset', 'vfreset', 'bind', 'unbind', 'apply', 'restore',
                'persist'):
        name = 'privilege/' + cmd
        check_rc(c, r, name, 3)
        c.true(name + ': says it needs root', 'needs root' in r.err(name), r.err(name))
    check_rc(c, r, 'privilege/show', 0)
    before, after = r.state('privilege/before'), r.state('privilege/state')
    if before and after:
        c.eq('privilege: the host is unchanged', before, after)


def check_nvme(c, r):
    check_rc(c, r, 'nvme/enable', 0)
    st = r.state('nvme/state')
    if st:
        c.eq('nvme: sriov_numvfs', 2, st['pf'].get(NVME, {}).get('numvfs'))
        c.eq('nvme: autoprobe off', 0, st['pf'].get(NVME, {}).get('autoprobe'))
        vfs = {i: v for (pf, i), v in st['vf'].items() if pf == NVME}
        c.eq('nvme: virtfn links', [0, 1], sorted(vfs))
        for i, v in vfs.items():
            c.eq('nvme: VF %d has no driver' % i, None, v['driver'])
    check_rc(c, r, 'nvme/disable', 0)
    st = r.state('nvme/after')
    if st:
        c.eq('nvme: disabled', 0, st['pf'].get(NVME, {}).get('numvfs'))


def main(argv):
    parsed = vmrun.parse_args(argv, __doc__)
    if parsed is None:
        return 2
    c, run1, boot2_path = parsed
    r = Run(c, run1, 'boot 1')
    boot2 = Run(c, boot2_path, 'boot 2') if boot2_path else None
    if r.out is not None:
        c.eq('scenario exit status', 0, r.out.end_rc)
        st = r.state('pre/state')
        if st:
            c.eq('starts with no VFs', 0, st['pf'].get(IGB, {}).get('numvfs'))
        check_enable(c, r)
        check_vfset(c, r)
        check_macauto(c, r, boot2 if boot2 and boot2.out else None)
        check_partial(c, r)
        check_bad(c, r)
        check_vfio(c, r)
        check_reset(c, r)
        check_netuse(c, r)
        check_privilege(c, r)
        check_nvme(c, r)
    print('%d passed, %d failed' % (c.passed, c.failed))
    return 1 if c.failed or c.passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
