"""Extracting a tar archive that came from elsewhere (the guest's capture.tar).

tarfile's `filter=` argument needs Python 3.11.4; Debian 12 has 3.11.2. This
module checks every member itself, on any Python 3:
- names: relative, no ".." component, not through a symlink already extracted;
- types: regular files, directories, symlinks and hard links only (no device
  files, FIFOs or sockets);
- symlinks: a relative target of the form "../../a/b" (every ".." first),
  whose ".." steps stay inside the destination; so a link, followed from its
  real directory, cannot leave it, also through other links;
- hard links: to a member name that passes the name check;
- modes: no setuid, setgid or sticky bit, no write for group and others.
"""
import os
import tarfile


# The checks are done here; newer Pythons would warn (3.12, 3.13) or filter
# again (3.14: 'data') without an explicit filter.
_CHECKED_HERE = {'filter': 'fully_trusted'} if hasattr(tarfile, 'fully_trusted_filter') else {}


class UnsafeMember(ValueError):
    pass


def _check_name(name, what):
    parts = name.split('/')
    if name.startswith('/') or '..' in parts:
        raise UnsafeMember(f'{what} {name!r}: absolute or with ".."')
    return [p for p in parts if p not in ('', '.')]


def _check_symlink(parts, target):
    if target.startswith('/'):
        raise UnsafeMember(f'symlink {"/".join(parts)!r} -> {target!r}: absolute target')
    tparts = [p for p in target.split('/') if p not in ('', '.')]
    ups = 0
    while ups < len(tparts) and tparts[ups] == '..':
        ups += 1
    if '..' in tparts[ups:] or ups > len(parts) - 1:
        raise UnsafeMember(f'symlink {"/".join(parts)!r} -> {target!r}: leaves the tree')


def _check_parents(dest, parts):
    """No directory above the member may be a symlink (written by an earlier member)."""
    d = dest
    for p in parts[:-1]:
        d = os.path.join(d, p)
        if os.path.islink(d):
            raise UnsafeMember(f'{"/".join(parts)!r}: through the symlink {d!r}')


def extract(archive, dest):
    """Extracts archive into dest (which exists); raises UnsafeMember, naming
    the member, before writing anything that could land outside dest."""
    dest = os.path.realpath(dest)
    with tarfile.open(archive) as t:
        for m in t:
            parts = _check_name(m.name, 'member')
            if not parts:
                continue
            if m.issym():
                _check_symlink(parts, m.linkname)
            elif m.islnk():
                _check_parents(dest, _check_name(m.linkname, 'hard link target'))
            elif not (m.isreg() or m.isdir()):
                raise UnsafeMember(f'member {m.name!r}: not a file, directory or link')
            _check_parents(dest, parts)
            m.mode &= 0o755
            t.extract(m, dest, **_CHECKED_HERE)
