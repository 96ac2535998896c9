#!/usr/bin/env python3
"""Host-side checker for the `vmguest` scenario (issue 13, real kernel).

    check_vmguest.py RUN [-v] [--host-sriovctl BIN]

The seed workflow ending in a real VM: after `enable`, `vf set` (MAC, VLAN),
`bind` to vfio-pci and `export --format qemu`, a second-level QEMU started
with the exported arguments unchanged. Judged by the kernel's views (sysfs
state, `ip -j -d link`, the QEMU process's /proc cmdline and fds) and the
second-level guest's own (its serial console): the VF's vendor:device, its
driver and its MAC in there. While the VM runs, `show` must name it (pid,
-name) and `disable` must refuse naming it, changing nothing; after it
stops, `vf reset` and `disable` must go through. Ends with
"N passed, N failed".
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmrun  # noqa: E402
from check_lifecycle import IGB, Run, check_rc, igb_vfs, vlan_of  # noqa: E402

MAC = '02:00:00:5e:10:0a'
VLAN = 100
VM = 'vmguest-l2'
VF_ID = '8086:10ca'


def exported_args(text):
    """The QEMU arguments `export --format qemu` printed (its non-comment lines)."""
    return [w for line in text.splitlines() if not line.startswith('#') for w in line.split()]


def contains_run(seq, sub):
    return any(seq[i:i + len(sub)] == sub for i in range(len(seq) - len(sub) + 1))


def parse_view(text):
    """guest/nested-init's block -> ([(addr, id, driver)], {netdev: mac})"""
    pci, net = [], {}
    for line in text.splitlines():
        w = line.split()
        if len(w) == 4 and w[0] == 'pci':
            pci.append((w[1], w[2], None if w[3] == '-' else w[3]))
        elif len(w) == 3 and w[0] == 'net':
            net[w[1]] = w[2]
    return pci, net


def check_setup(c, r):
    for name in ('enable', 'vf-set', 'bind', 'export'):
        check_rc(c, r, name, 0)
    st = r.state('bound/state')
    vf0 = igb_vfs(st).get(0, {}) if st else {}
    c.eq('bound: VF 0 on vfio-pci (sysfs)', 'vfio-pci', vf0.get('driver'))
    c.true('bound: /dev/vfio/GROUP exists', str(vf0.get('group')) in (st or {}).get('vfio', ()),
           repr(st))
    vi = r.vfinfo('bound/ip').get(0, {})
    c.eq('bound: VF 0 MAC on the PF (ip)', MAC, vi.get('address'))
    c.eq('bound: VF 0 VLAN on the PF (ip)', (VLAN, 0), vlan_of(vi))
    return vf0


def check_running(c, r, vf0):
    words = exported_args(r.text('export'))
    c.true('export: prints a -device vfio-pci,host=VF argument',
           len(words) == 2 and words[0] == '-device'
           and words[1].startswith('vfio-pci,host=%s' % vf0.get('address')), repr(words))
    argv = r.text('running/cmdline').splitlines()
    c.true('the VM runs with the exported arguments unchanged (/proc/PID/cmdline)',
           bool(words) and contains_run(argv, words), 'export %r\ncmdline %r' % (words, argv))
    c.true('the VM is named %s (/proc/PID/cmdline)' % VM,
           contains_run(argv, ['-name', 'guest=%s,debug-threads=on' % VM]), repr(argv))
    group = '/dev/vfio/%s' % vf0.get('group')
    c.true('the VM holds %s (/proc/PID/fd)' % group,
           group in r.text('running/fds').split(), r.text('running/fds'))
    check_rc(c, r, 'running/alive', 0)
    pid = r.text('running/pid').strip()

    show = r.text('running/show')
    c.true('show names the VM process (pid and -name)', pid in show and VM in show, show)
    doc = r.json('running/show-json')
    users = []
    for pf in (doc or {}).get('pfs', []):
        for vf in pf.get('vfs', []):
            if pf.get('address') == IGB and vf.get('index') == 0:
                users = vf.get('used_by') or []
    c.true('show --json: VF 0 used_by is the VM (pid, vm, device)',
           any(u.get('kind') == 'process' and str(u.get('pid')) == pid and u.get('vm') == VM
               and u.get('device') == group for u in users), repr(users))

    check_rc(c, r, 'running/disable', 1)
    err = r.err('running/disable')
    c.true('disable refuses naming the VM (pid and -name)', pid in err and VM in err, err)
    st = r.state('running/state')
    if st:
        c.eq('disable refused: sriov_numvfs unchanged', 1, st['pf'].get(IGB, {}).get('numvfs'))
        c.eq('disable refused: VF 0 still on vfio-pci', 'vfio-pci',
             igb_vfs(st).get(0, {}).get('driver'))


def check_guest(c, r):
    view = r.text('guest/view')
    c.true('the VM printed what it sees', 'GUEST-VIEW-END' in view,
           'no view in its console:\n%s\n%s' % (r.text('guest/console')[-2000:],
                                                 r.text('guest/qemu')[-1000:]))
    pci, net = parse_view(view)
    vfs = [p for p in pci if p[1] == VF_ID]
    c.true('in the VM: one PCI function %s (the VF)' % VF_ID, len(vfs) == 1, repr(pci))
    c.eq('in the VM: the VF is bound to igbvf', 'igbvf', vfs[0][2] if vfs else None)
    macs = [m for n, m in net.items() if n != 'lo']
    c.eq('in the VM: its one netdev has the MAC set on the host', [MAC], macs)


def check_after(c, r):
    st = r.state('stopped/state')
    c.true('the VM stopped: nobody holds /dev/vfio', st is not None, 'no state')
    check_rc(c, r, 'reset', 0)
    st = r.state('reset/state')
    vf0 = igb_vfs(st).get(0, {}) if st else {}
    c.eq('reset: VF 0 back on its default driver igbvf', 'igbvf', vf0.get('driver'))
    c.eq('reset: driver_override cleared', None, vf0.get('override'))
    vi = r.vfinfo('reset/ip').get(0, {})
    c.eq('reset: VLAN 0 qos 0 (ip)', (0, 0), vlan_of(vi))
    c.true('reset: the MAC set for the VM is gone (ip)', vi.get('address') not in (None, MAC),
           repr(vi.get('address')))
    c.eq('reset: spoofchk on (ip)', True, vi.get('spoofchk'))
    c.eq('reset: trust off (ip)', False, vi.get('trust'))
    check_rc(c, r, 'disable', 0)
    st = r.state('disabled/state')
    if st:
        c.eq('disable: sriov_numvfs 0 (sysfs)', 0, st['pf'].get(IGB, {}).get('numvfs'))


def check(c, r):
    vf0 = check_setup(c, r)
    check_running(c, r, vf0)
    check_guest(c, r)
    check_after(c, r)


if __name__ == '__main__':
    sys.exit(vmrun.checker_main(sys.argv, __doc__, check, Run))
