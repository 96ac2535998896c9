#!/usr/bin/env python3
"""Host-side checker for the `faults` scenario (issue 6, real kernel).

    check_faults.py RUN [-v] [--host-sriovctl BIN]

Judges each fault of scenarios/faults.sh from what the guest recorded: exit
statuses, messages, the kernel's view after each command (sysfs state and
`ip -j -d link show`) and the journal. For every fault: the host ends in a
known state, the journal is consistent, the next run converges, and the
user is told. Prints one line per fault ("survived"/"failed"), writes
RUN/faults.tsv ("fault<TAB>result<TAB>detail") and ends with exactly
"N passed, N failed" (assertions); exit 1 if any fault failed.
"""
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmrun  # noqa: E402
from check_lifecycle import IGB, Run, igb_vfs, parse_state, vlan_of  # noqa: E402

STATES = {'running', 'complete', 'failed', 'rolled_back'}
STATUSES = {'started', 'done', 'failed', 'undone'}
CRASH = re.compile(r'AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|'
                   r'Segmentation fault|Aborted|core dumped|double free|stack smashing')


class Fault:
    """The assertions of one fault, counted apart; the first failure is its detail."""

    def __init__(self, total, name):
        self.name = name
        self.total = total
        self.first = None

    def _note(self, where, ok, msg):
        if ok:
            self.total.ok('%s: %s' % (self.name, where))
            return True
        self.total.fail('%s: %s' % (self.name, where), msg)
        if self.first is None:
            self.first = ('%s: %s' % (where, msg)).replace('\n', ' ')[:300]
        return False

    def true(self, where, cond, msg=''):
        return self._note(where, bool(cond), msg)

    def eq(self, where, expected, actual):
        return self._note(where, expected == actual,
                          'expected %r, got %r' % (expected, actual))

    def fail(self, where, msg):
        return self._note(where, False, msg)

    @property
    def survived(self):
        return self.first is None


# ---- reading the run ------------------------------------------------------------

def rc(f, r, name, expected):
    got = r.rc(name)
    ok = f.eq('%s: exit status' % name, expected, got)
    if not ok and r.err(name):
        print('    stderr: ' + r.err(name).strip()[:600].replace('\n', '\n    stderr: '))
    return ok


def say(r, name):
    """everything a command printed (stdout and stderr)"""
    return r.text(name) + r.err(name)


def no_crash(f, r, name):
    code = r.rc(name)
    out = say(r, name)
    f.true('%s: no crash' % name, code is not None and code < 128 and not CRASH.search(out),
           'exit %s: %s' % (code, out[:300]))


def doc(f, r, name):
    s = r.sec(name)
    if s is None:
        f.fail(name, 'section missing')
        return None
    try:
        return json.loads(s.text)
    except ValueError as e:
        f.fail(name, 'not JSON (%s): %r %r' % (e, s.text[:200], r.err(name)[:200]))
        return None


def steps(d):
    return d.get('steps', []) if isinstance(d, dict) else []


def state(f, r, name):
    s = r.sec(name + '.state')
    if s is None:
        f.fail(name, 'state section missing')
        return None
    return parse_state(s.text)


def numvfs(st):
    return None if st is None else st['pf'].get(IGB, {}).get('numvfs')


def legal(f, st, label, counts):
    """the kernel's state is one a user can reason about: the count is one of
    counts and every VF of it has its virtfn link, driver settled"""
    if st is None:
        return f.fail(label, 'no state')
    n = numvfs(st)
    vfs = igb_vfs(st)
    f.true('%s: sriov_numvfs %s is one of %s' % (label, n, counts), n in counts, '')
    return f.eq('%s: a virtfn link for each of the %s VFs' % (label, n), list(range(n or 0)),
                sorted(vfs))


def vf_ip(r, name):
    """VF index -> ip's entry"""
    return r.vfinfo(name + '.ip')


def vlans(r, name):
    return {i: vlan_of(v)[0] for i, v in vf_ip(r, name).items()}


def journal(f, r, name, running=False):
    """The journal parses, every step has a known status, its state says
    "running" only where a process was killed, and a finished run's state
    agrees with its steps. Returns the journal or None."""
    j = doc(f, r, name + '.journal')
    if j is None:
        return None
    where = name + '.journal'
    f.eq(where + ': version', 1, j.get('version'))
    st = [s.get('status') for s in j.get('steps', [])]
    f.true(where + ': every step has a known status', all(s in STATUSES for s in st), st)
    f.true(where + ': known state', j.get('state') in STATES, j.get('state'))
    if running:
        f.eq(where + ': left running (the process was killed)', 'running', j.get('state'))
        f.eq(where + ': the last step only started', 'started', st[-1] if st else None)
        return j
    f.true(where + ': the run finished (not left running)', j.get('state') != 'running'
           and j.get('finished'), (j.get('state'), j.get('finished')))
    f.true(where + ': no step left "started" in a finished run', 'started' not in st, st)
    failed = 'failed' in st
    f.eq(where + ': state agrees with the steps', 'failed' if failed else 'complete',
         j.get('state'))
    for o in j.get('originals', []):
        if not f.true(where + ': originals have a target and key',
                      o.get('target') and o.get('key'), o):
            break
    return j


def converged(f, r, name, check):
    rc(f, r, name, 0)
    d = doc(f, r, name)
    if d is not None:
        f.eq(name + ': no step failed', 0, (d.get('summary') or {}).get('failed'))
    rc(f, r, check, 0)
    f.eq(check + ': the host matches', True, (doc(f, r, check) or {}).get('matches'))
    return d


# ---- the faults --------------------------------------------------------------------

def fault_einval(f, r):
    """igb refuses min_tx_rate (EINVAL): apply and vf set report it, the rest applies"""
    rc(f, r, 'einval/apply', 1)
    d = doc(f, r, 'einval/apply')
    failed = [s for s in steps(d) if s.get('status') == 'failed']
    f.eq('einval/apply: exactly the min_tx_rate step failed', [(0, 'min_tx_rate')],
         [(s.get('vf'), s.get('key')) for s in failed])
    if failed:
        text = json.dumps(failed[0])
        f.true('einval/apply: the step names the kernel\'s reason',
               'Invalid argument' in text or 'EINVAL' in text, text)
    f.true('einval/apply: the other steps were done',
           all(s.get('status') == 'done' for s in steps(d) if s.get('key') != 'min_tx_rate')
           and len(steps(d)) >= 3, [(s.get('key'), s.get('status')) for s in steps(d)])
    f.eq('einval/apply: VLANs applied', {0: 10, 1: 11}, vlans(r, 'einval/apply'))
    legal(f, state(f, r, 'einval/apply'), 'einval/apply', [2])
    j = journal(f, r, 'einval/apply')
    if j:
        js = {(s.get('vf'), s.get('key')): s for s in j.get('steps', [])}
        f.eq('einval/apply.journal: min_tx_rate step failed', 'failed',
             js.get((0, 'min_tx_rate'), {}).get('status'))
        f.eq('einval/apply.journal: its errno', -22, js.get((0, 'min_tx_rate'), {}).get('error'))
    # the same in text: VF, attribute, reason
    rc(f, r, 'einval/text', 1)
    out = say(r, 'einval/text')
    f.true('einval/text: names VF 0, min_tx_rate and the reason',
           re.search(r'\b(VF|vf) 0\b', out) and 'min_tx_rate' in out and
           'Invalid argument' in out, out)
    journal(f, r, 'einval/text')
    rc(f, r, 'einval/vfset', 1)
    out = say(r, 'einval/vfset')
    f.true('einval/vfset: names VF 1, min_tx_rate and the reason',
           re.search(r'\bvf 1\b', out, re.I) and 'min_tx_rate' in out and
           'Invalid argument' in out, out)
    f.eq('einval/vfset: trust applied anyway', True,
         vf_ip(r, 'einval/vfset').get(1, {}).get('trust'))
    converged(f, r, 'einval/fixed', 'einval/check')
    journal(f, r, 'einval/fixed')
    f.eq('einval/fixed: VLANs kept', {0: 10, 1: 11}, vlans(r, 'einval/fixed'))


def holder_pid(r, name):
    w = r.text(name).split()
    return w[0] if w else None


def fault_held(f, r):
    """a process holds a VF's /dev/vfio group: disable refuses, naming it"""
    rc(f, r, 'held/bind', 0)
    pid = holder_pid(r, 'held/holder')
    rc(f, r, 'held/disable', 1)
    out = say(r, 'held/disable')
    f.true('held/disable: names the holder (pid %s, sleep)' % pid,
           pid and 'pid %s' % pid in out and 'sleep' in out, out)
    f.eq('held/refused: the VF count is unchanged', 2, numvfs(state(f, r, 'held/refused')))
    rc(f, r, 'held/disable2', 0)
    f.eq('held/released: disable succeeds once the holder is gone', 0,
         numvfs(state(f, r, 'held/released')))
    # --force: sriovctl warns and writes 0; the kernel removes the VF anyway
    rc(f, r, 'held/reenable', 0)
    rc(f, r, 'held/f/bind', 0)
    no_crash(f, r, 'held/force')
    code = r.rc('held/force')
    out = say(r, 'held/force')
    pid = holder_pid(r, 'held/f/holder')
    f.true('held/force: warns about the user it removes the VF from',
           pid and 'pid %s' % pid in out, out)
    after = state(f, r, 'held/forced')
    if code == 0:
        f.eq('held/force: done: no VFs', 0, numvfs(after))
    else:
        f.true('held/force: not done: says why', 'did not finish' in out or 'timeout' in out.lower(),
               out)
    legal(f, state(f, r, 'held/after-force'), 'held/after-force', [0])


def fault_concurrent(f, r):
    """three applies at once: one makes the changes, the others find them made"""
    n = []
    for k in (1, 2, 3):
        name = 'conc/%d' % k
        rc(f, r, name, 0)
        d = doc(f, r, name)
        n.append(len(steps(d)) if d else None)
    f.true('conc: one run made the changes, the others found nothing to do',
           None not in n and sorted(n)[:2] == [0, 0] and sorted(n)[2] > 0, n)
    legal(f, state(f, r, 'conc'), 'conc', [3])
    f.eq('conc: VLANs as configured', {0: 30, 1: 30, 2: 30}, vlans(r, 'conc'))
    f.eq('conc: spoofchk as configured', {0: False, 1: False, 2: False},
         {i: v.get('spoofchk') for i, v in vf_ip(r, 'conc').items()})
    j = journal(f, r, 'conc')
    if j:
        f.eq('conc.journal: complete', 'complete', j.get('state'))
    rc(f, r, 'conc/check', 0)


def fault_kill(f, r):
    """SIGKILL at a num_vfs step, at a VF step, and in enable"""
    for name, what, count in (('kill/numvfs', 'num_vfs', 3), ('kill/vf', 'vf_attr', 4)):
        f.eq('%s: apply died of SIGKILL' % name, 137, r.rc(name))
        j = journal(f, r, name, running=True)
        if j:
            last = (j.get('steps') or [{}])[-1]
            f.eq('%s.journal: the interrupted step is a %s step' % (name, what), what,
                 last.get('kind'))
        legal(f, state(f, r, name), name, [count])
        d = converged(f, r, name + '-again', name + '-check')
        if d:
            f.eq(name + '-again: reports the interrupted run', True,
                 (d.get('journal') or {}).get('interrupted'))
        legal(f, state(f, r, name + '-again'), name + '-again', [4])
    f.eq('kill/vf-again: VLANs as configured', {i: 40 for i in range(4)},
         vlans(r, 'kill/vf-again'))
    journal(f, r, 'kill/vf-again')
    rc(f, r, 'kill/enable-pre', 0)
    f.eq('kill/enable: enable died of SIGKILL', 137, r.rc('kill/enable'))
    legal(f, state(f, r, 'kill/enable'), 'kill/enable', [0, 4])
    rc(f, r, 'kill/enable-again', 0)
    legal(f, state(f, r, 'kill/enable-again'), 'kill/enable-again', [4])


def elapsed(r, name):
    w = r.text(name + '.time').split()
    try:
        return float(w[1]) - float(w[0])
    except (IndexError, ValueError):
        return None


def fault_block(f, r):
    """a sysfs write that does not return: bounded, reported, nothing else changed"""
    before = state(f, r, 'block/before')
    rc(f, r, 'block/enable', 1)
    t = elapsed(r, 'block/enable')
    f.true('block/enable: returns within 3 s + 5 s', t is not None and t < 8, t)
    out = say(r, 'block/enable')
    f.true('block/enable: says the write did not finish and the pid still running',
           'did not finish' in out and re.search(r'pid \d+', out), out)
    f.eq('block/enable: the writer was still running', 'sriovctl',
         r.text('block/enable-writer').strip())
    f.eq('block/enable: nothing else changed', before, state(f, r, 'block/enable'))
    f.eq('block/enable-released: nothing changed', before,
         state(f, r, 'block/enable-released'))
    rc(f, r, 'block/apply', 1)
    t = elapsed(r, 'block/apply')
    f.true('block/apply: returns within 3 s + 10 s', t is not None and t < 13, t)
    d = doc(f, r, 'block/apply')
    nv = [s for s in steps(d) if s.get('kind') == 'num_vfs']
    text = json.dumps(nv)
    f.true('block/apply: the num_vfs step failed, saying the write did not finish',
           nv and nv[0].get('status') == 'failed' and 'did not finish' in text, text)
    j = journal(f, r, 'block/apply')
    if j:
        js = [s for s in j.get('steps', []) if s.get('kind') == 'num_vfs']
        f.eq('block/apply.journal: the num_vfs step', ['failed'], [s.get('status') for s in js])
    f.eq('block/apply: the count is unchanged', numvfs(before), numvfs(state(f, r, 'block/apply')))
    f.eq('block/apply-writer: the writer was still running', 'sriovctl',
         r.text('block/apply-writer').strip())
    others = [s for s in steps(d) if s.get('kind') != 'num_vfs']
    f.true('block/apply: the VF steps are not run (reading the PF would wait on the write)',
           others and all(s.get('status') == 'failed' and 'not run' in (s.get('message') or '')
                          for s in others), json.dumps(others)[:400])
    m = re.search(r'\(pid (\d+)\)', text)
    rc(f, r, 'block/locked', 1)
    out = say(r, 'block/locked')
    f.true('block/locked: the next run waits for the stuck write (pid %s) and says so'
           % (m.group(1) if m else '?'),
           m and 'lock' in out and 'pid %s' % m.group(1) in out and 'write' in out, out)
    converged(f, r, 'block/again', 'block/check')
    journal(f, r, 'block/again')
    legal(f, state(f, r, 'block/again'), 'block/again', [2])
    f.eq('block/again: VLANs as configured', {0: 50, 1: 50}, vlans(r, 'block/again'))


def fault_remove(f, r):
    """the PF removed from sysfs during apply, then a rescan"""
    no_crash(f, r, 'remove/apply')
    rc(f, r, 'remove/apply', 1)
    f.true('remove/apply: the PF was removed meanwhile', 'removed' in r.text('remove/gone')
           and '0000:01:00.0' not in r.text('remove/gone'), r.text('remove/gone'))
    d = doc(f, r, 'remove/apply')
    out = say(r, 'remove/apply')
    f.true('remove/apply: says the device was removed', 'removed' in out.lower(), out[:600])
    f.true('remove/apply: some step failed', any(s.get('status') == 'failed' for s in steps(d)),
           '')
    journal(f, r, 'remove/apply')
    for name in ('remove/show', 'remove/show-vf', 'remove/vfset', 'remove/enable'):
        no_crash(f, r, name)
        # the address (or netdev) names no device any more: bad input, exit 2
        rc(f, r, name, 2)
        f.true('%s: says which device is missing' % name,
               'no such device' in r.err(name), r.err(name) or 'no message')
    rc(f, r, 'remove/list', 0)
    lst = doc(f, r, 'remove/list')
    f.true('remove/list: the removed PF is not listed', lst is not None and IGB not in
           json.dumps(lst), json.dumps(lst)[:200])
    no_crash(f, r, 'remove/apply2')
    journal(f, r, 'remove/apply2')
    f.true('remove/rescan: the PF is back', r.text('remove/rescan').split()[:1] != [],
           r.text('remove/rescan'))
    converged(f, r, 'remove/again', 'remove/check')
    journal(f, r, 'remove/again')
    st = state(f, r, 'remove/again')
    legal(f, st, 'remove/again', [2])
    if st:
        f.eq('remove/again: VF drivers', {0: 'vfio-pci', 1: 'vfio-pci'},
             {i: v['driver'] for i, v in igb_vfs(st).items()})
    f.eq('remove/again: VLANs', {0: 60, 1: 60}, vlans(r, 'remove/again'))


FAULTS = (
    ('einval', fault_einval),
    ('held-vf', fault_held),
    ('concurrent-apply', fault_concurrent),
    ('sigkill', fault_kill),
    ('blocked-write', fault_block),
    ('pf-removed', fault_remove),
)


def main(argv):
    parsed = vmrun.parse_args(argv, __doc__.strip().splitlines()[2])
    if not parsed:
        return 2
    c, run, _ = parsed
    r = Run(c, run, 'faults')
    rows = []
    for name, fn in FAULTS:
        f = Fault(c, name)
        if r.out:
            fn(f, r)
        else:
            f.fail('run', 'no output')
        result = 'survived' if f.survived else 'failed'
        print('fault %-17s %s%s' % (name, result, '' if f.survived else ': ' + f.first))
        rows.append((name, result, (f.first or (fn.__doc__ or '').strip()).replace('\t', ' ')
                     .replace('\n', ' ')))
    rundir = run if os.path.isdir(run) else os.path.dirname(run)
    with open(os.path.join(rundir, 'faults.tsv'), 'w') as tsv:
        tsv.write('fault\tresult\tdetail\n')
        for row in rows:
            tsv.write('\t'.join(row) + '\n')
    print('%d passed, %d failed' % (c.passed, c.failed))
    return 1 if c.failed or any(row[1] != 'survived' for row in rows) else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
