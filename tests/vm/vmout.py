#!/usr/bin/env python3
"""Parse the guest's output channel (see scenarios/lib.sh for the protocol).

    vmout.py split OUTPUT.txt DESTDIR   write each section to DESTDIR/<name>
                                        (base64 sections decoded), plus
                                        DESTDIR/_index.txt "name rc"
    vmout.py show OUTPUT.txt NAME       print one section

As a module: parse(path) -> Output with .sections {name: Section},
.begin/.end (the SCENARIO-BEGIN/END lines or None), .notes [str].
"""
import base64
import os
import re
import sys

_BEGIN = re.compile(r'^=== BEGIN(-BASE64)? (\S+) ===$')
_END = re.compile(r'^=== END (\S+) rc=(-?\d+) ===$')
_NOTE = re.compile(r'^=== NOTE (.*) ===$')


class Section:
    def __init__(self, name, binary):
        self.name = name
        self.binary = binary
        self.lines = []
        self.rc = None          # None: section never ended (truncated output)

    @property
    def text(self):
        return ''.join(l + '\n' for l in self.lines)

    @property
    def data(self):
        if self.binary:
            return base64.b64decode(''.join(self.lines))
        return self.text.encode()


class Output:
    def __init__(self):
        self.sections = {}
        self.order = []
        self.begin = None
        self.end = None
        self.end_rc = None
        self.notes = []

    def get(self, name):
        return self.sections.get(name)


def parse(path):
    out = Output()
    with open(path, 'rb') as f:
        raw = f.read()
    cur = None
    for line in raw.decode('utf-8', 'replace').replace('\r', '').split('\n'):
        if cur is not None:
            m = _END.match(line)
            if m and m.group(1) == cur.name:
                cur.rc = int(m.group(2))
                cur = None
            else:
                cur.lines.append(line)
            continue
        m = _BEGIN.match(line)
        if m:
            cur = Section(m.group(2), bool(m.group(1)))
            out.sections[cur.name] = cur
            out.order.append(cur.name)
            continue
        if line.startswith('=== SCENARIO-BEGIN '):
            out.begin = line
        elif line.startswith('=== SCENARIO-END '):
            out.end = line
            m = re.search(r'rc=(-?\d+)', line)
            out.end_rc = int(m.group(1)) if m else None
        else:
            m = _NOTE.match(line)
            if m:
                out.notes.append(m.group(1))
    return out


def _free_path(dest, rel):
    """dest/rel, made writable: a name that is also another section's folder
    ("x" and "x/y") gets the file "x/_" (or "x_" when x is already a file)."""
    parts = rel.split('/')
    d = dest
    for i, part in enumerate(parts[:-1]):
        nd = os.path.join(d, part)
        if os.path.isfile(nd):
            nd = os.path.join(d, part + '_')
        os.makedirs(nd, exist_ok=True)
        d = nd
    p = os.path.join(d, parts[-1])
    return os.path.join(p, '_') if os.path.isdir(p) else p


def split(path, dest):
    out = parse(path)
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, '_index.txt'), 'w') as idx:
        for name in out.order:
            s = out.sections[name]
            safe = '/'.join(p for p in name.split('/') if p not in ('', '.', '..'))
            p = _free_path(dest, safe)
            try:
                data = s.data
            except ValueError:
                data = s.text.encode()
            with open(p, 'wb') as f:
                f.write(data)
            idx.write('%s rc=%s%s\n' % (name, s.rc, ' (truncated)' if s.rc is None else ''))
        if out.notes:
            idx.write(''.join('# %s\n' % n for n in out.notes))
    return out


def main(argv):
    if len(argv) == 4 and argv[1] == 'split':
        out = split(argv[2], argv[3])
        print('%d sections, end: %s' % (len(out.order), out.end))
        return 0 if out.end else 1
    if len(argv) == 4 and argv[1] == 'show':
        s = parse(argv[2]).get(argv[3])
        if s is None:
            print('no section %s' % argv[3], file=sys.stderr)
            return 1
        sys.stdout.buffer.write(s.data)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
