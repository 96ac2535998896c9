#!/bin/bash
# sriovctl on emulated SR-IOV hardware: boots the test guest (QEMU, Debian's
# kernel, an emulated Intel 82576 igb NIC and an NVMe controller, both with
# SR-IOV) with scenario "demo" and prints what sriovctl shows there, as it
# happens; a VF goes to a real VM started inside that guest.
#
#   tests/vm/demo.sh [--full]       --full: do not abbreviate JSON output
#
# Needs the packages of scripts/vm-deps.sh. Takes about 2 minutes (TCG), most of it the VM's boot.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${VM_OUT:-$repo/build-vm}"
full=0
[ "${1:-}" = --full ] && full=1

echo "Building sriovctl and the guest (first time: a few seconds) ..." >&2
"$here/build-sriovctl.sh" "$out"
"$here/build-guest.sh" "$out" 2>/dev/null
"$here/build-nested.sh" "$out" 2>/dev/null
echo "Booting the guest (QEMU, TCG; about 2 minutes in all) ..." >&2
run="$out/runs/demo"
rm -f "$run/output.txt"
"$here/run-vm.sh" demo --guest "$out" --out "$run" &
vm=$!

# the guest's output as it comes (tail stops when run-vm.sh has ended)
# (tail -F waits for the file, but then reports it missing at first: not an error)
{ tail -n +1 -F --pid="$vm" "$run/output.txt" 2>/dev/null || true; } | awk -v full="$full" -v dir="$run/sections" '
	function flush_json() {
		if (jn > 40 && !full) {
			for (i = 1; i <= 40; i++) print jl[i]
			printf "    ... (%d more lines; --full, or see %s/%s)\n", jn - 40, dir, cur
		} else {
			for (i = 1; i <= jn; i++) print jl[i]
		}
		jn = 0
	}
	/^=== HEADING .* ===$/ {
		t = substr($0, 13, length($0) - 16)
		u = t; gsub(/./, "=", u)
		printf "\n%s\n%s\n", t, u
		fflush(); next
	}
	/^=== CMD .* ===$/ { printf "\n$ %s\n", substr($0, 9, length($0) - 12); fflush(); next }
	/^=== NOTE .* ===$/ { printf "# %s\n", substr($0, 10, length($0) - 13); fflush(); next }
	/^=== BEGIN(-BASE64)? / { cur = $3; injson = (cur ~ /json$/); inerr = (cur ~ /stderr$/); insec = 1; fflush(); next }
	/^=== END .* rc=[0-9-]+ ===$/ {
		if (injson) flush_json()
		r = $0; sub(/.* rc=/, "", r); sub(/ ===$/, "", r)
		if (r != "0" && !inerr) printf "(exit status %s)\n", r
		insec = 0; injson = 0; inerr = 0; fflush(); next
	}
	/^=== SCENARIO-/ { fflush(); next }
	insec && injson { jl[++jn] = $0; fflush(); next }
	insec && inerr { print "stderr: " $0; fflush(); next }
	insec { print; fflush() }
'
rc=0
wait "$vm" || rc=$?

echo
echo "(raw output: $run/output.txt; kernel console: $run/console.log)"
exit "$rc"
