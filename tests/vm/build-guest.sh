#!/bin/bash
# Build the test guest: Debian's kernel + a busybox initramfs carrying the
# SR-IOV drivers, netdevsim (tests/vm/build-netdevsim.sh), real lspci/ip/devlink,
# the guest scripts and (if built) sriovctl.
#
#   tests/vm/build-guest.sh [OUTDIR]        (default: <repo>/build-vm)
#
# env SRIOVCTL_BIN  sriovctl binary for the guest
#                   (default OUTDIR/sriovctl-build/tools/sriovctl/sriovctl)
#     KVER          kernel version to use (default: newest 6.1 with igb)
#
# The initramfs is three concatenated gzip'ed cpio archives (the kernel
# unpacks them in turn):  base (kernel modules, busybox, lspci, ip; cached,
# rebuilt when the kernel, the packages or this script change), sriovctl
# (rebuilt when the binary changes) and scripts (init + scenarios, always).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/build-vm}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cache="$out/cache"
mkdir -p "$cache"
bin="${SRIOVCTL_BIN:-$out/sriovctl-build/tools/sriovctl/sriovctl}"

MODULES="igb igbvf nvme nvme-core vfio vfio-pci vfio-pci-core vfio_iommu_type1 virtio_pci virtio_blk"
# in the base layer but not loaded by /init: scenarios that want netdevsim
# load these (listed in load order in /etc/sriov-modules-netdevsim)
NETDEVSIM_DEPS="psample"

log() { printf 'build-guest: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for t in cpio gzip modinfo depmod ldd sha256sum; do
	command -v "$t" >/dev/null || die "missing tool '$t' (run scripts/vm-deps.sh as root)"
done
[ -x /bin/busybox ] || die "missing /bin/busybox (package busybox-static)"
[ -x /usr/bin/lspci ] || die "missing /usr/bin/lspci (package pciutils)"
[ -x /bin/ip ] || die "missing /bin/ip (package iproute2)"

# shared with the other layers' scripts (build-nested.sh): pick_kver,
# copy_libs, usr_path, install_file, make_cpio, pkgver
# shellcheck source-path=SCRIPTDIR source=layer-lib.sh
. "$here/layer-lib.sh"
kver="${KVER:-$(pick_kver)}"
[ -n "$kver" ] || die "no 6.1 kernel with igb under /lib/modules with /boot/vmlinuz-* (install linux-image-amd64)"
[ -r "/boot/vmlinuz-$kver" ] || die "/boot/vmlinuz-$kver not readable"

# netdevsim.ko, built out of tree for $kver (cached outside the clone)
nsim_ko="$("$here/build-netdevsim.sh" "$kver")" || die "netdevsim.ko did not build for $kver"


new_root() { # merged-/usr skeleton like Debian 12
	local st="$1"
	rm -rf "$st"
	mkdir -p "$st"/{usr/bin,usr/sbin,usr/lib,usr/lib64,proc,sys,dev,tmp,run,etc,scenarios,root}
	ln -s usr/bin "$st/bin"
	ln -s usr/sbin "$st/sbin"
	ln -s usr/lib "$st/lib"
	ln -s usr/lib64 "$st/lib64"
}

# --- layer 1: base (cached) -------------------------------------------------
resolve_modules() { # MODULE...: print module names, dependencies first
	local -A seen=()
	local order=()
	visit() {
		local m="$1" d deps
		m="${m//-/_}"
		[ -z "${seen[$m]:-}" ] || return 0
		seen[$m]=1
		deps="$(modinfo -k "$kver" -F depends "$m")" || die "module $m not found for $kver"
		for d in ${deps//,/ }; do visit "$d"; done
		order+=("$m")
	}
	local m
	for m in "$@"; do visit "$m"; done
	printf '%s\n' "${order[@]}"
}

# stage_modules LIST MODULE...: copy the modules and their dependencies
# (decompressed) and append their paths to the guest's file LIST
stage_modules() {
	local list="$1" m f rel dst
	shift
	: >"$st$list"
	while read -r m; do
		f="$(modinfo -k "$kver" -n "$m")"
		rel="${f#"$mdir"/}"
		dst="$(module_dest "$rel")"
		copy_module "$f" "$st$mdir/$dst"
		echo "$dst" >>"$st$list"
	done < <(resolve_modules "$@")
}

base_key="$(
	{
		echo "kernel $kver $(sha256sum "/boot/vmlinuz-$kver" | cut -d' ' -f1)"
		echo "modules $MODULES $NETDEVSIM_DEPS"
		echo "netdevsim $(sha256sum "$nsim_ko" | cut -d' ' -f1)"
		for p in busybox-static pciutils iproute2 pci.ids libc6 libmnl0 libcap2; do echo "$p $(pkgver "$p")"; done
		sha256sum /usr/share/misc/pci.ids "${BASH_SOURCE[0]}" "$here/layer-lib.sh" | cut -d" " -f1
	} | sha256sum | cut -d' ' -f1
)"

if [ "$(cat "$cache/base.key" 2>/dev/null || true)" != "$base_key" ] || [ ! -s "$cache/base.cpio.zst" ]; then
	log "building base layer (kernel $kver)"
	st="$cache/base-root"
	new_root "$st"
	mdir="/lib/modules/$kver"   # host path; in the guest /usr/lib/modules (via /lib)
	# shellcheck disable=SC2086
	stage_modules /etc/sriov-modules $MODULES
	# shellcheck disable=SC2086
	stage_modules /etc/sriov-modules-netdevsim $NETDEVSIM_DEPS
	mkdir -p "$st$mdir/extra"
	cp "$nsim_ko" "$st$mdir/extra/netdevsim.ko"
	echo extra/netdevsim.ko >>"$st/etc/sriov-modules-netdevsim"
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[ -e "$mdir/$f" ] && cp "$mdir/$f" "$st$mdir/$f"
	done
	depmod -b "$st" "$kver" 2>/dev/null || log "warning: depmod failed (lspci shows no 'Kernel modules:')"
	log "modules: $(tr '\n' ' ' <"$st/etc/sriov-modules")"

	# real tools first, then busybox applets only where nothing exists yet
	install_file "$st" /usr/bin/lspci
	install_file "$st" /usr/share/misc/pci.ids
	install_file "$st" /bin/ip /usr/bin/ip
	copy_libs "$st" /usr/bin/lspci
	copy_libs "$st" /bin/ip
	install_file "$st" /sbin/devlink /usr/sbin/devlink
	copy_libs "$st" /sbin/devlink
	# util-linux's setpriv (busybox's cannot change uid): "not root" tests
	install_file "$st" /usr/bin/setpriv
	copy_libs "$st" /usr/bin/setpriv
	install_file "$st" /bin/busybox /usr/bin/busybox
	while read -r a; do
		name="${a##*/}"
		[ "$name" != busybox ] || continue
		case "$a" in
		sbin/* | usr/sbin/*) p="/usr/sbin/$name" ;;
		*) p="/usr/bin/$name" ;;
		esac
		[ -e "$st$p" ] || [ -L "$st$p" ] || ln -s /usr/bin/busybox "$st$p"
	done < <(/bin/busybox --list-full)
	"$st/usr/bin/busybox" true || die "busybox copy broken"
	echo "$kver" >"$st/etc/sriov-kver"
	make_cpio "$st" >"$cache/base.cpio.zst.tmp"
	mv "$cache/base.cpio.zst.tmp" "$cache/base.cpio.zst"
	cp "/boot/vmlinuz-$kver" "$out/vmlinuz"
	echo "$base_key" >"$cache/base.key"
else
	log "base layer up to date (kernel $kver)"
fi
[ -s "$out/vmlinuz" ] || cp "/boot/vmlinuz-$kver" "$out/vmlinuz"

# --- layer 2: sriovctl ------------------------------------------------------
if [ -x "$bin" ]; then
	# the systemd unit meson generated next to the binary (its ExecStart is
	# what the apply scenario runs at its second boot)
	unit="$(dirname "$bin")/../../data/sriovctl.service"
	example="$repo/data/sriovctl.conf.example"
	skey="$( (sha256sum "$bin" "${BASH_SOURCE[0]}"; [ -r "$unit" ] && sha256sum "$unit"
		[ -r "$example" ] && sha256sum "$example") | sha256sum | cut -d" " -f1)"
	if [ "$(cat "$cache/sriovctl.key" 2>/dev/null || true)" != "$skey" ] || [ ! -s "$cache/sriovctl.cpio.zst" ]; then
		log "adding sriovctl from $bin"
		st="$cache/sriovctl-root"
		rm -rf "$st"
		mkdir -p "$st/usr/bin"
		cp -L "$bin" "$st/usr/bin/sriovctl"
		if [ -r "$example" ]; then # what meson installs; the demo applies it
			mkdir -p "$st/usr/share/doc/sriovctl/examples"
			cp "$example" "$st/usr/share/doc/sriovctl/examples/sriovctl.conf"
		fi
		if [ -r "$unit" ]; then
			mkdir -p "$st/usr/lib/systemd/system"
			cp "$unit" "$st/usr/lib/systemd/system/sriovctl.service"
		else
			log "WARNING: no $unit: the guest has no sriovctl.service"
		fi
		copy_libs "$st" "$bin"
		# capture loads libarchive with dlopen (lib/archive_dl.c): not in ldd's list
		# awk reads to the end: an early exit would kill ldconfig with SIGPIPE,
		# which pipefail turns into a failure (seen in CI)
		la="$(/sbin/ldconfig -p | awk '$1 == "libarchive.so.13" && /x86-64/ && !p { p = $NF } END { print p }')"
		if [ -n "$la" ]; then
			mkdir -p "$st$(dirname "$(usr_path "$la")")"
			cp -L "$la" "$st$(usr_path "$la")"
			copy_libs "$st" "$la"
		else
			log "WARNING: libarchive.so.13 not found: capture will not work in the guest"
		fi
		# do not shadow libraries the base layer already has (identical anyway)
		make_cpio "$st" >"$cache/sriovctl.cpio.zst.tmp"
		mv "$cache/sriovctl.cpio.zst.tmp" "$cache/sriovctl.cpio.zst"
		echo "$skey" >"$cache/sriovctl.key"
	else
		log "sriovctl layer up to date"
	fi
	has_sriovctl=1
else
	log "NOTE: no sriovctl binary at $bin -- the guest runs without it"
	log "      (build it: tests/vm/build-sriovctl.sh $out)"
	rm -f "$cache/sriovctl.cpio.zst" "$cache/sriovctl.key"
	has_sriovctl=0
fi

# --- layer 3: scripts (always) ----------------------------------------------
st="$cache/scripts-root"
rm -rf "$st"
mkdir -p "$st/scenarios"
install -m 0755 "$here/guest/init" "$st/init"
cp "$here"/scenarios/*.sh "$st/scenarios/"
chmod 0755 "$st"/scenarios/*.sh
make_cpio "$st" >"$cache/scripts.cpio.zst"

{
	cat "$cache/base.cpio.zst"
	if [ "$has_sriovctl" = 1 ]; then cat "$cache/sriovctl.cpio.zst"; fi
	cat "$cache/scripts.cpio.zst"
} >"$out/initramfs.img.tmp"
mv "$out/initramfs.img.tmp" "$out/initramfs.img"
log "guest ready: $out/vmlinuz $out/initramfs.img ($(du -h "$out/initramfs.img" | cut -f1))"
