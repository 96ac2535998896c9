#!/bin/bash
# Install what the real-kernel testbed (tests/vm/) needs, from Debian packages.
# Idempotent; run as root. Enables <codename>-backports (QEMU >= 8.0 is needed
# for the emulated igb device; bookworm has 7.2) by writing a deb822 file that
# copies URIs: and Signed-By: from the machine's own debian.sources.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "vm-deps.sh: must run as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# shellcheck disable=SC1091
. /etc/os-release
codename="${VERSION_CODENAME:-bookworm}"
suite="${codename}-backports"
src=/etc/apt/sources.list.d/debian.sources
dst=/etc/apt/sources.list.d/sriovctl-backports.sources

have_backports() {
	# Any existing apt source (one-line or deb822) that already names the suite.
	grep -rqsE "(^|[[:space:]])${suite}([[:space:]]|$)" \
		/etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

if ! have_backports; then
	if [ ! -r "$src" ]; then
		echo "vm-deps.sh: $src not found; cannot derive the mirror for $suite" >&2
		exit 1
	fi
	# Take the stanza that carries the main suite (not -security), read its
	# URIs and Signed-By.
	read -r uris signed < <(awk -v s="$codename" '
		BEGIN { RS = ""; FS = "\n" }
		{
			u = ""; k = ""; main = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/)      { u = $i; sub(/^URIs:[ \t]*/, "", u) }
				if ($i ~ /^Signed-By:/) { k = $i; sub(/^Signed-By:[ \t]*/, "", k) }
				if ($i ~ /^Suites:/) {
					n = split($i, w, /[ \t]+/)
					for (j = 2; j <= n; j++) if (w[j] == s) main = 1
				}
			}
			if (main && u != "") { print u, (k == "" ? "-" : k); exit }
		}' "$src")
	if [ -z "${uris:-}" ]; then
		echo "vm-deps.sh: no '$codename' stanza with URIs: in $src" >&2
		exit 1
	fi
	{
		echo "Types: deb"
		echo "URIs: $uris"
		echo "Suites: $suite"
		echo "Components: main"
		if [ "$signed" != "-" ]; then echo "Signed-By: $signed"; fi
	} >"$dst.tmp"
	mv "$dst.tmp" "$dst"
	echo "vm-deps.sh: wrote $dst"
fi

apt-get update
apt-get install -y --no-install-recommends -t "$suite" qemu-system-x86
apt-get install -y --no-install-recommends \
	linux-image-amd64 busybox-static pciutils iproute2 cpio gzip \
	xz-utils zstd kmod python3

v="$(qemu-system-x86_64 --version | head -n1)"
echo "vm-deps.sh: $v"
if ! qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"'; then
	echo "vm-deps.sh: this QEMU has no igb device (need >= 8.0 from $suite)" >&2
	exit 1
fi
