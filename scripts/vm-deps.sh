#!/bin/bash
# Install what the real-kernel testbed (tests/vm/) needs, from Debian packages.
# Idempotent; run as root. Enables <codename>-backports (QEMU >= 8.0 is needed
# for the emulated igb device; bookworm has 7.2) by writing
# /etc/apt/sources.list.d/sriovctl-backports.sources, a deb822 file whose
# URIs: (and Signed-By:, if any) come from the machine's own source of the
# main suite: the one-line /etc/apt/sources.list that the installer and
# debootstrap write, or the deb822 debian.sources of cloud images (any
# *.list or *.sources file is read). Nothing is written when a source for
# the backports suite exists already.
#   vm-deps.sh --print-mirror   print that mirror URI and exit (no root needed)
set -euo pipefail

# shellcheck disable=SC1091
. /etc/os-release
codename="${VERSION_CODENAME:-bookworm}"
suite="${codename}-backports"
dst=/etc/apt/sources.list.d/sriovctl-backports.sources

# The apt source files, in apt's order (sources.list first, then the
# directory's *.list and *.sources; other names, such as *.disabled, apt ignores).
source_files() {
	local f
	[ -f /etc/apt/sources.list ] && echo /etc/apt/sources.list
	for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && echo "$f"
	done
	return 0
}

# One line per enabled "deb" source: "URI SUITE... | SIGNED-BY" (SIGNED-BY
# "-" when absent), from both formats.
list_sources() {
	local f
	source_files | while read -r f; do
		case "$f" in
		*.sources) deb822_sources "$f" ;;
		*) oneline_sources "$f" ;;
		esac
	done
}

# deb URI SUITE COMPONENT... , maybe with [options] after "deb".
oneline_sources() {
	awk '
		{ sub(/#.*/, "") }
		$1 != "deb" { next }
		{
			line = $0; signed = "-"; opts = ""
			sub(/^[ \t]*deb[ \t]+/, "", line)
			if (line ~ /^\[/) {
				opts = line; sub(/\].*/, "", opts); sub(/^\[/, "", opts)
				sub(/^\[[^]]*\][ \t]*/, "", line)
				n = split(opts, o, /[ \t]+/)
				for (i = 1; i <= n; i++)
					if (o[i] ~ /^signed-by=/) { signed = o[i]; sub(/^signed-by=/, "", signed) }
			}
			split(line, w, /[ \t]+/)
			if (w[1] != "" && w[2] != "") print w[1], w[2], "|", signed
		}' "$1"
}

# Stanzas separated by blank lines; Types:, URIs:, Suites:, Signed-By:,
# Enabled:. A Signed-By: holding an inline key (several lines) is not a path:
# it is not copied (apt then uses its default keyrings).
deb822_sources() {
	awk '
		function flush() {
			if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no" && uris != "" && suites != "") {
				n = split(uris, u, /[ \t]+/)
				for (i = 1; i <= n; i++) if (u[i] != "") print u[i], suites, "|", (signed == "" ? "-" : signed)
			}
			types = uris = suites = signed = enabled = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		/^[ \t]/ { next }
		{
			key = tolower($0); sub(/:.*/, "", key)
			val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
			if (key == "types") types = val
			else if (key == "uris") uris = val
			else if (key == "suites") suites = val
			else if (key == "signed-by" && val ~ /^\//) signed = val
			else if (key == "enabled") enabled = tolower(val)
		}
		END { flush() }' "$1"
}

# "URI SIGNED-BY" of the first source that carries the main suite (not
# -security or -updates).
main_source() {
	list_sources | awk -v s="$codename" '
		{
			for (i = 2; i <= NF && $i != "|"; i++)
				if ($i == s) { print $1, $NF; exit }
		}'
}

have_backports() {
	list_sources | awk -v s="$suite" '
		{ for (i = 2; i <= NF && $i != "|"; i++) if ($i == s) found = 1 }
		END { exit !found }'
}

if [ "${1:-}" = --print-mirror ]; then
	read -r uri _ < <(main_source) || true
	if [ -z "${uri:-}" ]; then
		echo "vm-deps.sh: no apt source carries '$codename'" >&2
		exit 1
	fi
	echo "$uri"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "vm-deps.sh: must run as root" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive

if have_backports; then
	echo "vm-deps.sh: an apt source for $suite exists already"
else
	uri="" signed=""
	read -r uri signed < <(main_source) || true
	if [ -z "$uri" ]; then
		echo "vm-deps.sh: no apt source (/etc/apt/sources.list or" \
			"/etc/apt/sources.list.d/*) carries '$codename'; cannot derive the" \
			"mirror for $suite" >&2
		exit 1
	fi
	{
		echo "# Written by sriovctl's scripts/vm-deps.sh: QEMU >= 8.0 (igb) for tests/vm."
		echo "Types: deb"
		echo "URIs: $uri"
		echo "Suites: $suite"
		echo "Components: main"
		if [ "$signed" != "-" ]; then echo "Signed-By: $signed"; fi
	} >"$dst.tmp"
	mv "$dst.tmp" "$dst"
	echo "vm-deps.sh: wrote $dst (mirror $uri)"
fi

pkgs=(linux-image-amd64 busybox-static pciutils iproute2 cpio gzip xz-utils zstd kmod python3)
qemu_has_igb() {
	command -v qemu-system-x86_64 >/dev/null &&
		qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"'
}
all_installed() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			return 1
	done
}

if qemu_has_igb && all_installed "${pkgs[@]}"; then
	echo "vm-deps.sh: nothing to install"
else
	apt-get update -q
	apt-get install -y -q --no-install-recommends -t "$suite" qemu-system-x86
	apt-get install -y -q --no-install-recommends "${pkgs[@]}"
fi

# netdevsim.ko is built out of tree for the guest kernel
# (tests/vm/build-netdevsim.sh): that kernel's headers (they pull in gcc and
# kbuild), make and strip. The guest kernel is the newest 6.1 one installed
# (as tests/vm/build-guest.sh picks it).
kver="$(for d in /lib/modules/6.1.*; do
	[ -r "/boot/vmlinuz-${d##*/}" ] && echo "${d##*/}"
done | sort -V | tail -n1)"
if [ -z "$kver" ]; then
	echo "vm-deps.sh: no 6.1 kernel in /boot after installing linux-image-amd64" >&2
	exit 1
fi
if all_installed "linux-headers-$kver" make binutils; then
	echo "vm-deps.sh: linux-headers-$kver installed"
else
	apt-get install -y -q --no-install-recommends "linux-headers-$kver" make binutils
fi

v="$(qemu-system-x86_64 --version | head -n1)"
echo "vm-deps.sh: $v"
if ! qemu_has_igb; then
	echo "vm-deps.sh: this QEMU has no igb device (need >= 8.0 from $suite)" >&2
	exit 1
fi
