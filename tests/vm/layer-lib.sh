# shellcheck shell=bash
# Helpers for the scripts that build the test guest's initramfs layers
# (build-guest.sh: base, sriovctl, scripts; build-nested.sh: nested).
# Sourced; the caller defines log() and die().

# --- pick the kernel --------------------------------------------------------
pick_kver() {
	local d v best=""
	for d in /lib/modules/6.1.*; do
		[ -d "$d" ] || continue
		v="${d##*/}"
		[ -r "/boot/vmlinuz-$v" ] || continue
		modinfo -k "$v" -n igb >/dev/null 2>&1 || continue
		best="$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -n1)"
	done
	printf '%s' "$best"
}

pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo none; }

# --- helpers ----------------------------------------------------------------
# Copy the shared libraries of an ELF file (per ldd) into staging dir $1.
copy_libs() {
	local st="$1" f="$2" lib
	# lines: "libx.so => /path (0x..)" or "/lib64/ld-linux... (0x..)"
	while read -r lib; do
		[ -n "$lib" ] || continue
		dst="$(usr_path "$lib")"
		if [ ! -e "$st$dst" ]; then
			mkdir -p "$st$(dirname "$dst")"
			cp -L "$lib" "$st$dst"
		fi
	done < <(ldd "$f" 2>/dev/null | awk '
		$2 == "=>" && $3 ~ /^\// { print $3; next }
		$1 ~ /^\// { print $1 }')
}

# Merged /usr: /lib/x -> /usr/lib/x etc. Every layer must put files under
# /usr only; a layer with a real /lib directory would replace the base
# layer's /lib -> usr/lib symlink when the kernel unpacks it.
usr_path() {
	case "$1" in
	/lib/* | /lib64/* | /bin/* | /sbin/*) printf '/usr%s' "$1" ;;
	*) printf '%s' "$1" ;;
	esac
}

# Install a file at the same path inside the staging dir, never through an
# existing symlink (a busybox applet link would otherwise be overwritten).
install_file() {
	local st="$1" src="$2" dst
	dst="$(usr_path "${3:-$2}")"
	mkdir -p "$st$(dirname "$dst")"
	rm -f "$st$dst"
	cp -L "$src" "$st$dst"
}

make_cpio() { # staging dir -> zstd-compressed newc cpio on stdout (decompresses
	# much faster than gzip in a TCG guest; CONFIG_RD_ZSTD=y in Debian 6.1)
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --owner=0:0 --quiet --reproducible) | zstd -q -6 -T0 -c
}

# module_dest REL: where module REL (relative to /lib/modules/KVER) goes,
# decompressed: the name without its .xz/.zst/.gz
module_dest() {
	case "$1" in
	*.ko.xz) printf '%s' "${1%.xz}" ;;
	*.ko.zst) printf '%s' "${1%.zst}" ;;
	*.ko.gz) printf '%s' "${1%.gz}" ;;
	*) printf '%s' "$1" ;;
	esac
}

# copy_module SRC DST: a module file, decompressed (busybox insmod and the
# guest kernel get a plain .ko)
copy_module() {
	mkdir -p "$(dirname "$2")"
	case "$1" in
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*.ko.zst) zstd -qdc "$1" >"$2" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}
