#!/bin/bash
# Check the README's promise on a fresh Debian 12, as a new user meets it:
# a `debootstrap bookworm` system in a chroot (a one-line
# /etc/apt/sources.list, or with --style deb822 a debian.sources as cloud
# images have), Debian's own python3, no sudo, the checkout cloned into /root
# (mode 0700), everything run as root. It runs the README's two commands
# (scripts/demo.sh, then scripts/test.sh), then both again (a machine where
# they already ran), and prints each one's exit code and time, split into the
# package install part (up to deps.sh's last line) and the rest.
# Exit status 0 only if every run passed. Run as root on a Debian/Ubuntu host
# with network access to the Debian mirror (taken from this host's apt
# sources, as vm-deps.sh does); installs debootstrap on the host if missing.
#
#   --style sources.list|deb822   apt sources of the chroot (default sources.list)
#   --repo PATH|URL               what to clone (default: this checkout's repository)
#   --commit REV                  what to check out (default: HEAD of this checkout)
#   --only demo|test              run only that command (twice)
#   --once                        run each command once, not twice
#   --keep                        keep the chroot (its path is printed); mounts are
#                                 always undone
#   --cache DIR                   debootstrap tarball and logs
#                                 (default /var/cache/sriovctl-fresh-check)
set -euo pipefail

# The whole script is one block, read before it runs: editing the file
# during a run (it takes half an hour) does not change the run.
# shellcheck disable=SC2317 # cleanup and end_chroot_processes run from traps
{

here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/.." && pwd)"
style=sources.list
repo="$top"
commit=""
only=""
rounds=2
keep=0
cache=/var/cache/sriovctl-fresh-check

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--style) style="${2:?}"; shift 2 ;;
	--repo) repo="${2:?}"; shift 2 ;;
	--commit) commit="${2:?}"; shift 2 ;;
	--only) only="${2:?}"; shift 2 ;;
	--once) rounds=1; shift ;;
	--keep) keep=1; shift ;;
	--cache) cache="${2:?}"; shift 2 ;;
	*) usage ;;
	esac
done
case "$style" in sources.list | deb822) ;; *) usage ;; esac
case "$only" in "" | demo | test) ;; *) usage ;; esac
if [ "$(id -u)" -ne 0 ]; then
	echo "fresh-check.sh: must run as root (debootstrap, chroot, mount)" >&2
	exit 3
fi
if [ -z "$commit" ]; then
	commit="$(git -C "$top" rev-parse HEAD)"
	if [ "$repo" = "$top" ] && [ -n "$(git -C "$top" status --porcelain --untracked-files=no)" ]; then
		echo "fresh-check.sh: note: uncommitted changes in $top are not checked (HEAD is cloned)"
	fi
fi

mirror="$("$here/vm-deps.sh" --print-mirror)"
arch="$(dpkg --print-architecture)"
base="$cache/debootstrap-bookworm-$arch.tar"
mkdir -p "$cache"

# ---- the debootstrap'd base system, made once ------------------------------------------

if [ ! -f "$base" ]; then
	if ! command -v debootstrap >/dev/null; then
		echo "== installing debootstrap on this host"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
	fi
	echo "== debootstrap bookworm from $mirror (cached as $base)"
	tmp="$(mktemp -d "$cache/debootstrap.XXXXXX")"
	debootstrap bookworm "$tmp" "$mirror"
	tar -C "$tmp" --numeric-owner -cf "$base.tmp" .
	mv "$base.tmp" "$base"
	rm -rf --one-file-system "$tmp"
fi

# ---- the chroot -------------------------------------------------------------------------

root="$(mktemp -d /var/tmp/sriovctl-fresh.XXXXXX)"
chmod 755 "$root"
mounted=()

# Every process whose root is the chroot (QEMU, the tests) was started by this
# script; end them by pid so the mounts can go.
end_chroot_processes() {
	local p r
	for p in /proc/[0-9]*; do
		r="$(readlink "$p/root" 2>/dev/null)" || continue
		if [ "$r" = "$root" ]; then kill -KILL "${p#/proc/}" 2>/dev/null || true; fi
	done
}

cleanup() {
	local i m
	end_chroot_processes
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		m="${mounted[$i]}"
		umount -R "$m" 2>/dev/null || umount -R -l "$m" || true
	done
	if grep -q " $root/" /proc/mounts; then
		echo "fresh-check.sh: still mounted under $root; not removing it:" >&2
		grep " $root/" /proc/mounts >&2
		return
	fi
	if [ "$keep" = 1 ]; then
		echo "== kept the chroot: $root"
	else
		rm -rf --one-file-system "$root"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount_in() { # mount_in TARGET mount-args...
	local t="$root/$1"
	shift
	mkdir -p "$t"
	mount "$@" "$t"
	mounted+=("$t")
}

echo "== chroot $root ($style)"
tar -C "$root" --numeric-owner -xpf "$base"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
rm -f "$root/etc/apt/sources.list" "$root/etc/apt/sources.list.d/"*
if [ "$style" = sources.list ]; then
	# as the installer writes it (the security suite is left out: the
	# checkout names no mirror host)
	cat >"$root/etc/apt/sources.list" <<-EOF
		deb $mirror bookworm main
		deb-src $mirror bookworm main

		deb $mirror bookworm-updates main
		deb-src $mirror bookworm-updates main
	EOF
else
	cat >"$root/etc/apt/sources.list.d/debian.sources" <<-EOF
		Types: deb
		URIs: $mirror
		Suites: bookworm bookworm-updates
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
fi
chmod 700 "$root/root"
git clone -q --no-hardlinks "$repo" "$root/root/sriovctl"
git -C "$root/root/sriovctl" -c advice.detachedHead=false checkout -q "$commit"

mount_in proc -t proc proc
mount_in sys -t sysfs sysfs
mount_in dev --rbind /dev
mount --make-rslave "$root/dev"
mount_in run -t tmpfs -o mode=755 tmpfs

in_chroot() {
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c "$1"
}

py="$(in_chroot 'command -v python3 && python3 --version' 2>&1 | tr '\n' ' ' || true)"
echo "== python3 in the chroot before the run: ${py:-none, deps.sh installs it}"
if in_chroot 'command -v sudo' >/dev/null; then
	echo "fresh-check.sh: the chroot has sudo; it should not" >&2
	exit 1
fi

# ---- the runs ---------------------------------------------------------------------------

logs="$cache/logs/$(date -u +%Y%m%dT%H%M%SZ)-$style"
mkdir -p "$logs"
summary=()
failed=0

# run NAME COMMAND: the README's command in the checkout; a log with the
# elapsed second on each line.
run() {
	local name="$1" cmd="$2" log="$logs/$1.log" start rc total deps
	echo "== [$name] $cmd (log: $log)"
	start=$SECONDS
	set +e
	in_chroot "cd /root/sriovctl && $cmd" 2>&1 | (
		s=$SECONDS
		while IFS= read -r line; do printf '%5d %s\n' $((SECONDS - s)) "$line"; done
	) | tee "$log" | grep --line-buffered -E '^ *[0-9]+ (== |(vm-)?deps.sh:|[0-9]+ passed|Ok:|Fail:|.*FAIL)'
	rc="${PIPESTATUS[0]}"
	set -e
	total=$((SECONDS - start))
	deps="$(awk '/^ *[0-9]+ (deps.sh: packages installed|vm-deps.sh: (QEMU|this QEMU))/ { t = $1 }
		/^ *[0-9]+ == / { exit } END { print t }' "$log")"
	if [ -n "$deps" ]; then
		summary+=("$(printf '%-12s exit %-3s %5d s   (install %d s, run %d s)' "$name" "$rc" \
			"$total" "$deps" $((total - deps)))")
	else
		summary+=("$(printf '%-12s exit %-3s %5d s   (install part did not finish)' \
			"$name" "$rc" "$total")")
	fi
	if [ "$rc" -ne 0 ]; then
		failed=1
		echo "== [$name] FAILED (exit $rc); the log's end:"
		tail -n 30 "$log"
	fi
}

for ((round = 1; round <= rounds; round++)); do
	suffix=""
	[ "$round" = 2 ] && suffix="-again"
	if [ "$only" != test ]; then run "demo$suffix" "scripts/demo.sh"; fi
	if [ "$only" != demo ]; then run "test$suffix" "scripts/test.sh"; fi
done

echo
echo "== fresh-check: Debian $(cat "$root/etc/debian_version"), $style, $(in_chroot 'python3 --version' 2>&1)," \
	"commit $(git -C "$root/root/sriovctl" rev-parse --short HEAD), $(nproc) cores, logs in $logs"
printf '   %s\n' "${summary[@]}"
if [ "$failed" = 1 ]; then
	echo "== fresh-check: FAILED"
	exit 1
fi
echo "== fresh-check: passed"
exit 0
}
