#!/bin/bash
# The main job. Sets up (root, apt-get), builds sriovctl, then:
#  - on a host with SR-IOV hardware: shows it (sriovctl list, sriovctl show);
#  - otherwise (or with --vm): boots a QEMU guest with an emulated SR-IOV NIC
#    (Intel 82576, igb) and NVMe controller and runs the tour there.
#   SRIOV_SKIP_DEPS=1  do not run apt-get
set -euo pipefail

top="$(cd "$(dirname "$0")/.." && pwd)"
cd "$top"
mode=auto
case "${1:-}" in
--vm) mode=vm ;;
--host) mode=host ;;
"") ;;
*)
	echo "usage: $0 [--vm|--host]" >&2
	exit 2
	;;
esac

if [ "${SRIOV_SKIP_DEPS:-0}" != 1 ]; then
	"$top/scripts/deps.sh" --demo
fi
if [ ! -f build/build.ninja ]; then
	meson setup build --buildtype=debugoptimized -Dtests=false >/dev/null
fi
ninja -C build >/dev/null
bin="$top/build/tools/sriovctl/sriovctl"

if [ "$mode" = auto ]; then
	if [ -n "$("$bin" list --json | python3 -c 'import json,sys; print("y" if json.load(sys.stdin)["pfs"] else "")')" ]; then
		mode=host
	else
		mode=vm
	fi
fi

if [ "$mode" = host ]; then
	echo "== this host has SR-IOV devices: sriovctl list"
	"$bin" list
	echo
	echo "== sriovctl show"
	"$bin" show
	exit 0
fi
echo "== no SR-IOV hardware here: running the tour in a QEMU guest with emulated SR-IOV devices"
exec "$top/tests/vm/demo.sh"
