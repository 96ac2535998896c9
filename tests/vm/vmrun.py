"""Shared by the VM checkers (check_*.py): one guest run's output, and the
command line every checker takes:

    check_NAME.py RUN [--boot RUN2] [-v] [--host-sriovctl BIN]
"""
import json
import os
import sys

import vmout
from check_inventory import Checker


class Run:
    """The sections of one boot (RUN: a run directory or its output.txt)."""

    def __init__(self, c, path, label):
        self.c = c
        self.label = label
        self.out = None
        if os.path.isdir(path):
            path = os.path.join(path, 'output.txt')
        if not os.path.exists(path) or os.path.getsize(path) == 0:
            c.fail(label, 'no output at %s (the guest did not run the scenario)' % path)
            return
        self.out = vmout.parse(path)
        if c.true(label + ': scenario started', self.out.begin is not None, 'no SCENARIO-BEGIN'):
            c.true(label + ': scenario finished', self.out.end is not None,
                   'no SCENARIO-END line: output truncated (guest crashed or timed out)')

    def sec(self, name):
        return self.out.get(name) if self.out else None

    def rc(self, name):
        s = self.sec(name)
        return None if s is None else s.rc

    def text(self, name):
        s = self.sec(name)
        return s.text if s else ''

    def err(self, name):
        return self.text(name + '.stderr')

    def json(self, name):
        where = '%s: %s' % (self.label, name)
        s = self.sec(name)
        if s is None:
            self.c.fail(where, 'section missing')
            return None
        try:
            return json.loads(s.text)
        except ValueError as e:
            self.c.fail(where, 'not JSON (%s): %r %r' % (e, s.text[:200], self.err(name)[:200]))
            return None


def main_one_boot(argv, usage, check):
    """A checker of one boot: check(c, run) once the scenario ran to its end;
    prints the summary line, returns the exit status."""
    parsed = parse_args(argv, usage)
    if parsed is None:
        return 2
    c, path, _ = parsed
    r = Run(c, path, "guest")
    if r.out is not None and r.out.end is not None:
        c.true("scenario exit status", r.out.end_rc == 0, r.out.end_rc)
        check(c, r)
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed or c.passed == 0 else 0


def parse_args(argv, usage):
    """-> (Checker, RUN, RUN2 or None), or None after printing usage"""
    args = argv[1:]
    c = Checker('-v' in args)
    args = [a for a in args if a != '-v']
    boot2 = None
    if '--boot' in args:
        i = args.index('--boot')
        boot2 = args[i + 1] if i + 1 < len(args) else None
        del args[i:i + 2]
    if '--host-sriovctl' in args:
        i = args.index('--host-sriovctl')
        del args[i:i + 2]
    if len(args) != 1:
        print(usage, file=sys.stderr)
        return None
    return c, args[0], boot2


def checker_main(argv, usage, check, run_class=Run):
    """A checker's whole main(): parse the arguments, read the run, assert
    that the scenario ended with 0, call check(c, run), print the summary
    line ("N passed, N failed"); the exit status (2 usage, 1 any failure)."""
    parsed = parse_args(argv, usage)
    if parsed is None:
        return 2
    c, path, _ = parsed
    r = run_class(c, path, 'guest')
    if r.out is not None and r.out.end is not None:
        c.eq('scenario exit status', 0, r.out.end_rc)
        check(c, r)
    print('%d passed, %d failed' % (c.passed, c.failed))
    return 1 if c.failed or c.passed == 0 else 0
