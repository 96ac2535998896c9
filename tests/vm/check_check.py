#!/usr/bin/env python3
"""Host-side checker for the `check` scenario (issue 4, real kernel).

    check_check.py RUN [--boot RUN2] [-v] [--host-sriovctl BIN]

RUN is boot 1 (intel-iommu device, intel_iommu=on): the IOMMU rules pass.
RUN2 is boot 2 (run-vm.sh --no-iommu): `check` fails the IOMMU with the
remedy for this CPU (from its /proc/cpuinfo): in a VM (flag hypervisor;
under TCG `-cpu max` the vendor reads AuthenticAMD) the virtual IOMMU
device and intel_iommu=on; on Intel hardware intel_iommu=on and VT-d; on
AMD hardware never intel_iommu. Both
boots: the JSON contract, the text table and its count line agree with the
JSON, DEV narrows the PF findings, --kmsg reads dmesg text and /dev/kmsg
records, a file that is not a kernel log makes the log unavailable (no
crash), a missing --kmsg file is exit 2. Ends with "N passed, N failed".
"""
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmrun  # noqa: E402

IGB = '0000:01:00.0'
NVME = '0000:02:00.0'
STATUSES = ('pass', 'warn', 'fail', 'skip')
COUNT_LINE = re.compile(r'^(\d+) passed, (\d+) warnings?, (\d+) failed, (\d+) skipped$')


class Run(vmrun.Run):
    def is_vm(self):
        m = re.search(r'^flags\s*:(.*)$', self.text('facts/cpu'), re.M)
        return m is not None and 'hypervisor' in m.group(1).split()

    def vendor(self):
        m = re.search(r'^vendor_id\s*:\s*(\S+)', self.text('facts/cpu'), re.M)
        return m.group(1) if m else None


def check_contract(c, r, name, doc):
    """The --json contract (docs/json.md) and the exit status."""
    where = '%s: %s' % (r.label, name)
    if not c.true(where + ' has findings and summary', isinstance(doc, dict) and
                  isinstance(doc.get('findings'), list) and isinstance(doc.get('summary'), dict),
                  str(doc)[:200]):
        return False
    counts = dict.fromkeys(STATUSES, 0)
    bad = []
    for f in doc['findings']:
        ok = (isinstance(f.get('id'), str) and re.match(r'^[a-z0-9_]+(\.[a-z0-9_]+)+$', f['id'])
              and f.get('status') in STATUSES and isinstance(f.get('subject'), str)
              and isinstance(f.get('summary'), str) and f['summary']
              and isinstance(f.get('evidence'), list) and isinstance(f.get('remedy'), list)
              and all(isinstance(x, str) for x in f['evidence'] + f['remedy']))
        if not ok:
            bad.append(f)
        else:
            counts[f['status']] += 1
    c.true(where + ' findings well formed', not bad, str(bad[:2])[:300])
    c.true(where + ' has findings', len(doc['findings']) > 0, 'none')
    s = doc['summary']
    c.eq(where + ' summary counts', counts, {k: s.get(k) for k in STATUSES})
    c.eq(where + ' summary ok', counts['fail'] == 0, s.get('ok'))
    c.eq(where + ' exit status', 0 if counts['fail'] == 0 else 1, r.rc(name))
    return True


def iommu_findings(doc):
    return [f for f in doc['findings'] if f['id'].startswith('platform.iommu')]


def by_id(doc, id_):
    return [f for f in doc['findings'] if f['id'] == id_]


def check_text(c, r, doc):
    text = r.text('check/text')
    lines = text.strip().splitlines()
    m = COUNT_LINE.match(lines[-1]) if lines else None
    if not c.true(r.label + ': text ends with the count line', m is not None,
                  repr(lines[-1:])):
        return
    got = dict(zip(STATUSES, (int(x) for x in m.groups())))
    c.eq(r.label + ': text counts = JSON counts', {k: doc['summary'][k] for k in STATUSES}, got)
    c.eq(r.label + ': text exit status = JSON exit status', r.rc('check/json'), r.rc('check/text'))
    heads = [ln.split() for ln in lines if re.match(r'^(PASS|WARN|FAIL|SKIP) ', ln)]
    c.eq(r.label + ': text has one block per finding',
         [(f['status'].upper(), f['id'], f['subject']) for f in doc['findings']],
         [tuple(h[:3]) for h in heads])
    c.true(r.label + ': no colour when not a tty', '\033[' not in text, 'escape codes')


def check_selection(c, r):
    for name, pf, other in (('check/pf-json', IGB, NVME), ('check/nvme-json', NVME, IGB)):
        doc = r.json(name)
        if not doc or not check_contract(c, r, name, doc):
            continue
        pf_subjects = {f['subject'] for f in doc['findings'] if f['id'].startswith('pf.')}
        c.true('%s: %s has findings about %s' % (r.label, name, pf), pf in pf_subjects,
               str(sorted(pf_subjects)))
        c.true('%s: %s has none about %s' % (r.label, name, other), other not in pf_subjects,
               str(sorted(pf_subjects)))


def check_kmsg_files(c, r):
    for name, kind in (('check/dmesg-json', 'dmesg text'), ('check/kmsg-json', '/dev/kmsg records')):
        doc = r.json(name)
        if not doc or not check_contract(c, r, name, doc):
            continue
        log = doc.get('sources', {}).get('kernel_log', {})
        c.true('%s: --kmsg with %s is read' % (r.label, kind),
               log.get('available') is True and (log.get('records') or 0) > 10, str(log))
    doc = r.json('check/notlog-json')
    if doc and check_contract(c, r, 'check/notlog-json', doc):
        log = doc.get('sources', {}).get('kernel_log', {})
        c.true(r.label + ': --kmsg /proc/cpuinfo is not a kernel log',
               log.get('available') is False and
               '/proc/cpuinfo: not a kernel log (line 1: ' in (log.get('unavailable') or ''),
               str(log))
    c.eq(r.label + ': missing --kmsg file: exit 2', 2, r.rc('check/missing'))
    c.eq(r.label + ': missing --kmsg file: no JSON', '', r.text('check/missing').strip())
    c.true(r.label + ': missing --kmsg file is named', 'none.txt' in r.text('check/missing.stderr'),
           r.text('check/missing.stderr'))


def check_vf_driver(c, r, doc):
    """The NVMe VFs' driver is nvme, the PF's own: never advise blacklisting it."""
    for f in by_id(doc, 'pf.vf_driver'):
        if f['subject'] != NVME or f['status'] == 'skip':
            continue
        text = f['summary'] + '\n' + '\n'.join(f['evidence'] + f['remedy'])
        c.true(r.label + ': pf.vf_driver of the NVMe PF names it as a user of nvme',
               'bound to nvme: ' + NVME + ' (nvme)' in text, text)
        c.true(r.label + ': no blacklist of nvme advised',
               "blacklist nvme" not in text and 'blacklist it' not in f['summary'], text)


def check_common(c, r):
    c.eq(r.label + ': scenario exit status', 0, r.out.end_rc)
    doc = r.json('check/json')
    if not doc or not check_contract(c, r, 'check/json', doc):
        return None
    log = doc.get('sources', {}).get('kernel_log', {})
    c.true(r.label + ': /dev/kmsg read as root', log.get('available') is True and
           log.get('source') == '/dev/kmsg' and (log.get('records') or 0) > 10, str(log))
    subjects = {f['subject'] for f in doc['findings'] if f['id'].startswith('pf.')}
    c.true(r.label + ': every PF is checked', {IGB, NVME} <= subjects, str(sorted(subjects)))
    c.true(r.label + ': platform findings come first',
           [f['id'].split('.')[0] for f in doc['findings']] ==
           sorted((f['id'].split('.')[0] for f in doc['findings']),
                  key=lambda p: 0 if p == 'platform' else 1), 'order')
    check_vf_driver(c, r, doc)
    check_text(c, r, doc)
    check_selection(c, r)
    check_kmsg_files(c, r)
    return doc


def check_boot1(c, r):
    doc = check_common(c, r)
    c.true('boot 1: intel_iommu=on on the command line', 'intel_iommu=on' in r.text('facts/cmdline'),
           r.text('facts/cmdline'))
    c.true('boot 1: the kernel has an IOMMU', r.text('facts/iommu-class').strip() != '',
           'empty /sys/class/iommu')
    if not doc:
        return
    found = iommu_findings(doc)
    c.true('boot 1: IOMMU findings exist', len(found) >= 2, str([f['id'] for f in found]))
    for f in found:
        c.eq('boot 1: %s passes' % f['id'], 'pass', f['status'])
    for f in by_id(doc, 'platform.iommu.kernel'):
        c.true('boot 1: platform.iommu.kernel evidence names sysfs',
               any('/sys/' in e for e in f['evidence']), str(f['evidence']))


def check_boot2(c, r):
    doc = check_common(c, r)
    vendor = r.vendor()
    c.true('boot 2: CPU vendor known', vendor in ('GenuineIntel', 'AuthenticAMD'), str(vendor))
    c.true('boot 2: no intel_iommu=on', 'intel_iommu=on' not in r.text('facts/cmdline'),
           r.text('facts/cmdline'))
    c.eq('boot 2: no IOMMU in the kernel', '', r.text('facts/iommu-class').strip())
    if not doc:
        return
    c.eq('boot 2: check fails', 1, r.rc('check/json'))
    fails = [f for f in iommu_findings(doc) if f['status'] == 'fail']
    c.true('boot 2: an IOMMU finding fails', len(fails) > 0,
           str([(f['id'], f['status']) for f in iommu_findings(doc)]))
    kernel = by_id(doc, 'platform.iommu.kernel')
    c.true('boot 2: platform.iommu.kernel fails', kernel and kernel[0]['status'] == 'fail',
           str(kernel)[:300])
    remedy = '\n'.join(x for f in fails for x in f['remedy'])
    if r.is_vm():
        # a guest (TCG -cpu max reports AuthenticAMD): the IOMMU it can get
        # is QEMU's virtual one, an Intel VT-d whatever the CPU vendor says
        c.true('boot 2: remedy in a VM: the virtual IOMMU device', 'intel-iommu' in remedy,
               remedy)
        c.true('boot 2: remedy in a VM: intel_iommu=on for that device',
               'intel_iommu=on' in remedy, remedy)
    elif vendor == 'GenuineIntel':
        c.true('boot 2: remedy for Intel: intel_iommu=on', 'intel_iommu=on' in remedy, remedy)
        c.true('boot 2: remedy names VT-d', 'VT-d' in remedy, remedy)
        c.true('boot 2: no AMD remedy on Intel', 'amd_iommu' not in remedy, remedy)
    elif vendor == 'AuthenticAMD':
        c.true('boot 2: remedy for AMD: AMD-Vi/IOMMU in firmware',
               'AMD-Vi' in remedy or 'IOMMU' in remedy, remedy)
        c.true('boot 2: no intel_iommu on AMD', 'intel_iommu' not in remedy, remedy)
    c.true('boot 2: remedy recommends iommu=pt', 'iommu=pt' in remedy, remedy)
    text = r.text('check/text')
    c.true('boot 2: text shows the IOMMU failure',
           re.search(r'^FAIL platform\.iommu', text, re.M) is not None, text[:300])


def main(argv):
    parsed = vmrun.parse_args(argv, __doc__)
    if parsed is None:
        return 2
    c, run1, boot2_path = parsed
    r = Run(c, run1, 'boot 1')
    if r.out is not None:
        check_boot1(c, r)
    if boot2_path:
        r2 = Run(c, boot2_path, 'boot 2')
        if r2.out is not None:
            check_boot2(c, r2)
    else:
        c.fail('boot 2', 'no --boot RUN2 (the boot without an IOMMU)')
    print('%d passed, %d failed' % (c.passed, c.failed))
    return 1 if c.failed or c.passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
