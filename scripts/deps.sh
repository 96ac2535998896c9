#!/bin/bash
# Install everything sriovctl needs to build, test and run its demo, from
# Debian packages. Idempotent; run as root (apt-get).
#   deps.sh --demo   only what the demo needs (no test tools: cmocka,
#                    valgrind, strace, clang, libvirt-clients, xmllint)
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: must run as root (it uses apt-get)" >&2
	exit 3
fi
here="$(cd "$(dirname "$0")" && pwd)"
export DEBIAN_FRONTEND=noninteractive

build_pkgs=(
	gcc make pkg-config meson ninja-build scdoc python3
	libpci-dev pci.ids libmnl-dev libkmod-dev libjson-c-dev libarchive-dev
	libinih-dev
)
test_pkgs=(
	libcmocka-dev
	libvirt-clients libxml2-utils
	valgrind strace
	clang libclang-rt-14-dev
)
case "${1:-}" in
--demo) ;;
"") build_pkgs+=("${test_pkgs[@]}") ;;
*)
	echo "usage: $0 [--demo]" >&2
	exit 2
	;;
esac

# The real-kernel testbed first: QEMU with the igb device (from backports,
# whose apt source it adds), Debian's kernel, busybox.
"$here/vm-deps.sh"

missing=()
for p in "${build_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
echo "deps.sh: packages installed"
