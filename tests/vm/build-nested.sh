#!/bin/bash
# Build the "nested" initramfs layer of the test guest: what the guest needs
# to start a VM of its own and hand it a VF (scenarios with the header
# "# vm-layers: nested"; run-vm.sh appends the layer to the guest's
# initramfs).
#
#   tests/vm/build-nested.sh [OUTDIR]      (default: <repo>/build-vm)
#
# Writes OUTDIR/cache/nested.cpio.zst, rebuilt only when its inputs change
# (the QEMU binary, the kernel, the package versions, this script,
# layer-lib.sh, guest/nested-init). In the guest:
#   /usr/bin/qemu-system-x86_64 and its libraries
#   /usr/share/sriov-nested/rom/      the firmware for QEMU's -L: SeaBIOS
#                                     (bios-256k.bin), kvmvapic.bin,
#                                     linuxboot.bin, linuxboot_dma.bin, pvh.bin
#   /usr/share/sriov-nested/vmlinux   the second-level guest's kernel: the
#                                     test guest's own, uncompressed (booted
#                                     through its PVH entry point)
#   /usr/share/sriov-nested/initrd.img  its initramfs: busybox, igbvf.ko and
#                                     guest/nested-init as /init (prints the
#                                     PCI functions and netdevs it sees)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/build-vm}"
mkdir -p "$out/cache"
out="$(cd "$out" && pwd)"
cache="$out/cache"

log() { printf 'build-nested: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# shellcheck source-path=SCRIPTDIR source=layer-lib.sh
. "$here/layer-lib.sh"
kver="${KVER:-$(pick_kver)}"
[ -n "$kver" ] || die "no 6.1 kernel with igb under /lib/modules (install linux-image-amd64)"
qemu="$(command -v qemu-system-x86_64)" || die "no qemu-system-x86_64 (run scripts/vm-deps.sh as root)"
# what guest/nested-init calls
L2_APPLETS="sh mount insmod sleep readlink poweroff"
ROMS="bios-256k.bin kvmvapic.bin linuxboot.bin linuxboot_dma.bin pvh.bin"

# rom_path NAME: QEMU's own data directory first, SeaBIOS's package second
rom_path() {
	local d
	for d in /usr/share/qemu /usr/share/seabios; do
		[ -r "$d/$1" ] && { printf '%s' "$d/$1"; return 0; }
	done
	return 1
}

# extract_vmlinux BZIMAGE OUT: the kernel's uncompressed ELF image, which
# QEMU boots directly (PVH entry point): the second-level guest skips
# decompressing its kernel, which takes long on a CPU emulated twice
extract_vmlinux() {
	local off
	off="$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$1" | head -n1 | cut -d: -f1)"
	[ -n "$off" ] || die "$1: no xz-compressed payload found"
	tail -c +"$((off + 1))" "$1" | xz -dc --single-stream >"$2" 2>/dev/null || true
	[ "$(head -c 4 "$2" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || die "$1: the payload is no ELF"
}

key="$(
	{
		echo "kernel $kver $(sha256sum "/boot/vmlinuz-$kver" | cut -d' ' -f1)"
		for p in qemu-system-x86 qemu-system-data seabios busybox-static libc6; do
			echo "$p $(pkgver "$p")"
		done
		# contents only: the script may be called by a relative or absolute path
		sha256sum "$qemu" "${BASH_SOURCE[0]}" "$here/layer-lib.sh" "$here/guest/nested-init" | cut -d" " -f1
	} | sha256sum | cut -d' ' -f1
)"
if [ "$(cat "$cache/nested.key" 2>/dev/null || true)" = "$key" ] && [ -s "$cache/nested.cpio.zst" ]; then
	log "nested layer up to date"
	exit 0
fi

log "building the nested layer (QEMU $("$qemu" --version | head -n1 | awk '{ print $4 }'), kernel $kver)"
st="$cache/nested-root"
rm -rf "$st"
share="$st/usr/share/sriov-nested"
mkdir -p "$share/rom" "$st/usr/bin"

install_file "$st" "$qemu" /usr/bin/qemu-system-x86_64
copy_libs "$st" "$qemu"
for r in $ROMS; do
	src="$(rom_path "$r")" || die "no $r under /usr/share/qemu or /usr/share/seabios"
	cp -L "$src" "$share/rom/$r"
done
extract_vmlinux "/boot/vmlinuz-$kver" "$share/vmlinux"

# the second-level guest's initramfs: uncompressed (its kernel would spend
# nested-TCG seconds decompressing it) and as small as it gets
l2="$cache/nested-l2-root"
rm -rf "$l2"
mkdir -p "$l2/bin" "$l2/proc" "$l2/sys" "$l2/dev"
cp /bin/busybox "$l2/bin/busybox"
for a in $L2_APPLETS; do ln -s busybox "$l2/bin/$a"; done
install -m 0755 "$here/guest/nested-init" "$l2/init"
igbvf="$(modinfo -k "$kver" -n igbvf)" || die "no igbvf module for $kver"
[ -z "$(modinfo -k "$kver" -F depends igbvf)" ] || die "igbvf has dependencies now: load them too"
copy_module "$igbvf" "$l2/igbvf.ko"
(cd "$l2" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet --reproducible) >"$share/initrd.img"

make_cpio "$st" >"$cache/nested.cpio.zst.tmp"
mv "$cache/nested.cpio.zst.tmp" "$cache/nested.cpio.zst"
echo "$key" >"$cache/nested.key"
log "nested layer ready: $cache/nested.cpio.zst ($(du -h "$cache/nested.cpio.zst" | cut -f1))"
