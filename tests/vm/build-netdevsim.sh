#!/bin/bash
# Build netdevsim.ko (the kernel's software device for devlink and SR-IOV
# tests, which Debian's kernel does not build) out of tree for the guest
# kernel and print the path of the module on stdout.
#
#   tests/vm/build-netdevsim.sh KVER
#
# Sources: drivers/net/netdevsim/ of Debian's linux-source-6.1 (apt-get
# download, the version of the linux-headers-KVER package when the archive
# still has it, else the newest one), built with
# linux-headers-KVER (scripts/vm-deps.sh installs it). The module is cached
# outside the clone, keyed by KVER and the source package version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/sriovctl/netdevsim/KVER/SRCVERSION/netdevsim.ko
# so a fresh clone neither downloads nor builds it again. About 20 s when
# not cached (most of it unpacking the source tarball).
set -euo pipefail

log() { printf 'build-netdevsim: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -eq 1 ] || die "usage: build-netdevsim.sh KVER"
kver="$1"
case "$kver" in
'' | */* | .*) die "bad kernel version '$kver'" ;;
esac
kbuild="/lib/modules/$kver/build"
[ -r "$kbuild/Makefile" ] ||
	die "no $kbuild (install linux-headers-$kver: scripts/vm-deps.sh as root)"

series="${kver%%.*}.$(echo "$kver" | cut -d. -f2)" # 6.1.0-57-amd64 -> 6.1
srcpkg="linux-source-$series"
hdrver="$(dpkg-query -W -f='${Version}' "linux-headers-$kver" 2>/dev/null || true)"
available() { apt-cache madison "$srcpkg" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }'; }
if [ -n "$hdrver" ] && available | grep -qxF "$hdrver"; then
	srcver="$hdrver"
else
	srcver="$(available | head -n1)"
	[ -n "$srcver" ] || die "apt knows no $srcpkg (apt-get update?)"
	log "warning: $srcpkg $hdrver is not in the archive; using $srcver"
fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/sriovctl/netdevsim/$kver/$srcver"
ko="$cache/netdevsim.ko"
if [ -s "$ko" ]; then
	log "cached: $ko"
	echo "$ko"
	exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log "downloading $srcpkg=$srcver"
# apt-get download as root drops to _apt, which must be able to write here
chmod 0777 "$work"
(cd "$work" && apt-get download -q "$srcpkg=$srcver" >/dev/null) ||
	die "apt-get download $srcpkg=$srcver failed"
deb="$(ls "$work"/*.deb)"

log "unpacking drivers/net/netdevsim/"
tarball="./usr/src/$srcpkg.tar.xz"
dpkg-deb --fsys-tarfile "$deb" | tar -xO -f - "$tarball" |
	tar -xJ -f - -C "$work" "$srcpkg/drivers/net/netdevsim"
src="$work/$srcpkg/drivers/net/netdevsim"
[ -r "$src/Makefile" ] || die "$tarball has no drivers/net/netdevsim"

log "building against $kbuild"
make -s -C "$kbuild" M="$src" CONFIG_NETDEVSIM=m modules >"$work/make.log" 2>&1 || {
	tail -n 20 "$work/make.log" >&2
	die "make failed"
}
[ -s "$src/netdevsim.ko" ] || die "make made no netdevsim.ko"
[ "$(modinfo -F vermagic "$src/netdevsim.ko" | cut -d' ' -f1)" = "$kver" ] ||
	die "netdevsim.ko is not for $kver"

mkdir -p "$cache"
# without debug info: 5 MB -> 200 KB in every guest boot's initramfs
strip --strip-debug -o "$ko.tmp" "$src/netdevsim.ko"
mv "$ko.tmp" "$ko"
log "built $ko"
echo "$ko"
