#!/bin/bash
# Build sriovctl for the guest (no tests, no sanitizers) into OUTDIR/sriovctl-build,
# with the test-only fault hooks (-Dfault_hooks=true: faults.sh and apply.sh
# use SRIOVCTL_FAULT_*).
#   tests/vm/build-sriovctl.sh [OUTDIR]     (default <repo>/build-vm)
# Exit 0 with a clear message if it does not build (yet): the guest then runs
# without it and the checks that need it fail.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/build-vm}"
bdir="$out/sriovctl-build"
mkdir -p "$out"
log="$out/sriovctl-build.log"
{
	if [ ! -f "$bdir/build.ninja" ]; then
		meson setup "$bdir" "$repo" -Dtests=false -Db_sanitize=none --buildtype=debugoptimized \
			--prefix=/usr -Dfault_hooks=true
	else
		# a build configured before the option existed gets it too
		# (meson configure does not know options added since)
		meson setup --reconfigure "$bdir" "$repo" -Dfault_hooks=true
	fi
	ninja -C "$bdir"
} >"$log" 2>&1 && ok=1 || ok=0
if [ "$ok" = 1 ] && [ -x "$bdir/tools/sriovctl/sriovctl" ]; then
	echo "build-sriovctl: built $bdir/tools/sriovctl/sriovctl" >&2
else
	echo "build-sriovctl: WARNING: sriovctl did not build (see $log); the guest runs without it:" >&2
	tail -n 5 "$log" | sed 's/^/    /' >&2
fi
exit 0
