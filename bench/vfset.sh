#!/bin/bash
# VF configuration benchmark on the real kernel (issue 3): in the test guest,
# one `sriovctl vf PF/all set mac auto vlan V spoofchk off trust on` against
# the 28 `ip link set PF vf N ...` commands that do the same on 7 VFs.
# Prints both times, the ratio and whether both left the same VF state.
# Target: sriovctl at least 10x faster. A benchmark, not a test: exit 0
# whatever the numbers (2 when the guest could not run).
#
#   bench/vfset.sh            (needs scripts/vm-deps.sh; about a minute)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="${VM_OUT:-$repo/build-vm}"
vm="$repo/tests/vm"

"$vm/build-sriovctl.sh" "$out"
"$vm/build-guest.sh" "$out" >/dev/null 2>&1
run="$out/runs/bench-vfset"
"$vm/run-vm.sh" bench-vfset --guest "$out" --out "$run" || {
	echo "bench/vfset.sh: the guest run failed; see $run" >&2
	exit 2
}
python3 - "$run/sections" <<'PY'
import json, os, sys
d = sys.argv[1]
res = dict(l.split() for l in open(os.path.join(d, 'result')) if l.strip())
it, vfs = int(res['iterations']), int(res['vfs'])
s, i = float(res['sriovctl_seconds']), float(res['ip_seconds'])
def vfstate(name):
    links = json.load(open(os.path.join(d, name)))
    return [l.get('vfinfo_list') for l in links]
same = vfstate('sriovctl-state') == vfstate('ip-state')
print(f"VFs: {vfs}, settings per round: {4 * vfs}, rounds: {it} (guest under TCG)")
print(f"  sriovctl vf PF/all set ... (1 process per round):  {s / it * 1000:8.1f} ms/round")
print(f"  ip link set PF vf N ...   ({4 * vfs} processes per round): {i / it * 1000:8.1f} ms/round")
ratio = i / s if s > 0 else float('inf')
print(f"  ratio: {ratio:.1f}x  (target >= 10x: {'PASS' if ratio >= 10 else 'MISS'})")
print(f"  same VF state after both: {'yes' if same else 'NO'}")
PY
