#!/bin/bash
# Runs the main commands of a non-sanitized build under valgrind against a
# recorded tree and a dump; any error or leak fails. Ends with "N passed, N failed".
set -euo pipefail

top="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
build="$top/build-valgrind"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --buildtype=debug -Dtests=false >/dev/null
fi
ninja -C "$build" >/dev/null
bin="$build/tools/sriovctl/sriovctl"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/root"
tar -xf "$top"/tests/fixtures/generated-x710-2pf.tar -C "$tmp/root"

pass=0
fail=0
vg() {
	if valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect "$bin" "$@" >/dev/null 2>"$tmp/vg.log"; then
		pass=$((pass + 1))
	else
		rc=$?
		if [ "$rc" = 99 ]; then
			echo "valgrind FAIL: sriovctl $*"
			cat "$tmp/vg.log"
			fail=$((fail + 1))
		else
			pass=$((pass + 1)) # a non-valgrind exit code is the command's answer
		fi
	fi
}
dump="$top/tests/data/pci-dumps/intel-82576-10c9-pciutils-cap-pcie-2.txt"
vg list --root "$tmp/root"
vg list --json --root "$tmp/root"
vg show --root "$tmp/root"
vg show --json --root "$tmp/root"
vg show enp1s0f0/0-1 --json --root "$tmp/root"
vg show nosuch --root "$tmp/root"
vg decode "$dump"
vg decode --json "$dump"
vg decode "$top/tests/data/pci-dumps/intel-x710-1572-vpp-notes.txt"
vg capture "$tmp/c.tar" --root "$tmp/root"
vg list
vg --help
echo "valgrind: $pass passed, $fail failed"
[ "$fail" = 0 ]
