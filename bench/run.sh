#!/usr/bin/env bash
# Inventory benchmark: `sriovctl show --json --root TREE` and `sriovctl list
# --root TREE` against `lspci -vvv` (pciutils' linux-sysfs back end), side by
# side on generated sysfs trees of 1, 4 and 16 PFs x 256 VFs (+200 other
# functions).  See bench/README.md.
#
#   bench/run.sh [--build] [--sriovctl PATH] [--runs N] [--pfs "1 4 16"]
#                [--vfs N] [--others N] [--seed N] [--tmpdir DIR] [--keep]
#
# --build: configure and build an optimized, sanitizer-free sriovctl in
# build-bench/ (meson --buildtype=release -Db_sanitize=none) and measure it.
#
# A benchmark, not a test: it exits 0 whatever the numbers (non-zero only on
# bad usage or when a tree cannot be generated) and prints PASS/MISS per
# target (bench/README.md).
set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")

SRIOVCTL=$repo/build/tools/sriovctl/sriovctl
RUNS=7
WARMUP=2
PFS_LIST="1 4 16"
VFS=256
OTHERS=200
SEED=1
TMPBASE=
KEEP=0
BUILD=0

usage() {
	sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

while [ $# -gt 0 ]; do
	case $1 in
	--sriovctl) SRIOVCTL=${2:?}; shift ;;
	--sriovctl=*) SRIOVCTL=${1#*=} ;;
	--runs) RUNS=${2:?}; shift ;;
	--pfs) PFS_LIST=${2:?}; shift ;;
	--vfs) VFS=${2:?}; shift ;;
	--others) OTHERS=${2:?}; shift ;;
	--seed) SEED=${2:?}; shift ;;
	--tmpdir) TMPBASE=${2:?}; shift ;;
	--keep) KEEP=1 ;;
	--build) BUILD=1 ;;
	-h|--help) usage 0 ;;
	*) echo "run.sh: unknown argument: $1" >&2; usage 2 >&2 ;;
	esac
	shift
done

log() { printf '%s\n' "$*" >&2; }
WORK_LOG=$(mktemp "${TMPDIR:-/tmp}/sriovctl-bench-log.XXXXXX")
trap 'rm -f "$WORK_LOG"' EXIT

# ---------------------------------------------------------------- tools

# Installs what is missing (only as root; otherwise the measurement that
# needs it is skipped and the table says so).
ensure_tools() {
	local want=() updated=0
	command -v lspci >/dev/null || want+=(pciutils)
	command -v strace >/dev/null || want+=(strace)
	[ -x /usr/bin/time ] || want+=(time)
	command -v hyperfine >/dev/null || want+=(hyperfine)
	command -v python3 >/dev/null || want+=(python3)
	[ ${#want[@]} -eq 0 ] && return
	if [ "$(id -u)" -ne 0 ]; then
		log "run.sh: missing ${want[*]} (not root: not installing; the measurements that need them are skipped)"
		return
	fi
	log "run.sh: installing ${want[*]}"
	for pkg in "${want[@]}"; do
		if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pkg" >/dev/null 2>&1; then
			if [ $updated -eq 0 ]; then
				apt-get update -q >/dev/null 2>&1
				updated=1
			fi
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pkg" >/dev/null 2>&1 ||
				log "run.sh: could not install $pkg"
		fi
	done
}

ensure_tools
command -v python3 >/dev/null || { log "run.sh: python3 is required"; exit 1; }
HAVE_LSPCI=0; command -v lspci >/dev/null && HAVE_LSPCI=1
HAVE_STRACE=0; command -v strace >/dev/null && HAVE_STRACE=1
HAVE_TIME=0; [ -x /usr/bin/time ] && HAVE_TIME=1
HAVE_HYPERFINE=0; command -v hyperfine >/dev/null && HAVE_HYPERFINE=1

if [ $BUILD -eq 1 ]; then
	bdir=$repo/build-bench
	log "run.sh: building a release sriovctl in $bdir"
	if [ ! -f "$bdir/build.ninja" ]; then
		meson setup "$bdir" "$repo" --buildtype=release -Db_sanitize=none -Dtests=false >"$WORK_LOG" 2>&1 ||
			{ cat "$WORK_LOG" >&2; log "run.sh: meson setup failed"; exit 1; }
	fi
	ninja -C "$bdir" tools/sriovctl/sriovctl >"$WORK_LOG" 2>&1 ||
		{ tail -30 "$WORK_LOG" >&2; log "run.sh: build failed"; exit 1; }
	SRIOVCTL=$bdir/tools/sriovctl/sriovctl
fi

# build_info BINARY -> "buildtype=..., sanitize=..." from the meson build
# directory the binary lives in (if any).
build_info() {
	local d
	d=$(dirname "$1")
	while [ "$d" != / ] && [ ! -f "$d/meson-info/intro-buildoptions.json" ]; do d=$(dirname "$d"); done
	[ -f "$d/meson-info/intro-buildoptions.json" ] || { echo "unknown build"; return; }
	python3 - "$d/meson-info/intro-buildoptions.json" <<-'EOF'
		import json, sys
		o = {x['name']: x['value'] for x in json.load(open(sys.argv[1]))}
		print('buildtype=%s, optimization=%s, sanitize=%s' % (
		    o.get('buildtype'), o.get('optimization'), o.get('b_sanitize')))
	EOF
}

HAVE_SRIOVCTL=0
SANITIZED=0
BUILD_INFO=
if [ -x "$SRIOVCTL" ]; then
	HAVE_SRIOVCTL=1
	SRIOVCTL=$(cd "$(dirname "$SRIOVCTL")" && pwd)/$(basename "$SRIOVCTL")
	BUILD_INFO=$(build_info "$SRIOVCTL")
	if grep -qa '__asan_init' "$SRIOVCTL"; then SANITIZED=1; fi
	if [ $SANITIZED -eq 1 ]; then
		# LeakSanitizer aborts under ptrace (strace) and its exit-time scan
		# would be timed: switch it off.  ASan itself stays: say so.
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	fi
else
	log "run.sh: sriovctl not found at $SRIOVCTL"
	log "        (build it: meson setup build && ninja -C build, or pass --sriovctl PATH);"
	log "        timing lspci only"
fi

# ---------------------------------------------------------------- work dir

if [ -z "$TMPBASE" ]; then
	# sysfs lives in memory: prefer a tmpfs so file system costs compare.
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then TMPBASE=/dev/shm; else TMPBASE=${TMPDIR:-/tmp}; fi
fi
WORK=$(mktemp -d "$TMPBASE/sriovctl-bench.XXXXXX") || exit 1
cleanup() {
	rm -f "$WORK_LOG"
	if [ $KEEP -eq 1 ]; then log "run.sh: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- measuring

# median_ms CMD... -> median wall time in ms of RUNS runs (after WARMUP),
# stdout and stderr of CMD discarded.
median_ms() {
	if [ $HAVE_HYPERFINE -eq 1 ]; then
		local cmdline json=$WORK/hyperfine.json
		cmdline=$(printf '%q ' "$@")
		if hyperfine -N --style none --output null --warmup "$WARMUP" --runs "$RUNS" \
			--export-json "$json" -- "$cmdline" >/dev/null 2>&1; then
			python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$json"
			return
		fi
		# hyperfine refuses commands that fail: fall through, loop by hand.
	fi
	local i t0 t1 times=()
	for ((i = 0; i < WARMUP + RUNS; i++)); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		[ $i -ge $WARMUP ] && times+=($((t1 - t0)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 }
		END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f\n", m / 1e6 }'
}

# peak_rss_kb CMD... -> maximum resident set size in KiB
peak_rss_kb() {
	[ $HAVE_TIME -eq 1 ] || { echo -; return; }
	/usr/bin/time -v -o "$WORK/time.out" "$@" >/dev/null 2>&1
	awk -F': *' '/Maximum resident set size/ { print $2 }' "$WORK/time.out"
}

# syscalls CMD... -> total system calls made (strace -f -c)
syscalls() {
	[ $HAVE_STRACE -eq 1 ] || { echo -; return; }
	if ! strace -f -c -o "$WORK/strace.out" "$@" >/dev/null 2>&1 && [ ! -s "$WORK/strace.out" ]; then
		echo -
		return
	fi
	awk '$NF == "total" { print $4 }' "$WORK/strace.out"
}

div() { # div A B [FMT]
	case "$1$2" in *-*|'') echo -; return ;; esac
	awk -v a="$1" -v b="$2" -v f="${3:-%.1f}" 'BEGIN { if (b + 0 == 0) print "-"; else printf f "\n", a / b }'
}

mb() { case $1 in -) echo - ;; *) awk -v k="$1" 'BEGIN { printf "%.1f\n", k / 1024 }' ;; esac; }

# ---------------------------------------------------------------- run

log "run.sh: $(lspci --version 2>/dev/null || echo 'lspci missing'), $(uname -r), $(nproc) CPUs, work dir $WORK"
if [ $HAVE_SRIOVCTL -eq 1 ]; then
	log "run.sh: sriovctl: $SRIOVCTL ($BUILD_INFO)"
	if [ $SANITIZED -eq 1 ] || [[ $BUILD_INFO == *buildtype=debug* ]]; then
		log "run.sh: WARNING: this is a debug/sanitizer build: its time and RSS are not"
		log "        representative (run with --build for a release build)"
	fi
fi
log "run.sh: timer: $([ $HAVE_HYPERFINE -eq 1 ] && echo "hyperfine, median of $RUNS runs after $WARMUP warm-up" || echo "date loop, median of $RUNS runs after $WARMUP warm-up")"

declare -A R
rows=()
for pfs in $PFS_LIST; do
	tree=$WORK/t$pfs
	t0=$(date +%s%N)
	if ! python3 "$here/gen-tree.py" "$tree" --pfs "$pfs" --vfs-per-pf "$VFS" \
		--others "$OTHERS" --seed "$SEED" 2>"$WORK/gen.err"; then
		cat "$WORK/gen.err" >&2
		log "run.sh: generating the ${pfs}-PF tree failed"
		exit 1
	fi
	gen_ms=$((($(date +%s%N) - t0) / 1000000))
	nvf=$((pfs * VFS))
	nfn=$(ls "$tree/sys/bus/pci/devices" | wc -l)
	log "run.sh: tree ${pfs}x$VFS: $nfn functions, generated in ${gen_ms} ms"
	row="${pfs}x$VFS"
	rows+=("$row")
	R[$row,vfs]=$nvf
	R[$row,fns]=$nfn

	lspci_cmd=(lspci -vvv -A linux-sysfs -O "sysfs.path=$tree/sys/bus/pci")
	if [ $HAVE_LSPCI -eq 1 ]; then
		n=$("${lspci_cmd[@]}" 2>/dev/null | grep -c '^[0-9a-f]')
		[ "$n" -eq "$nfn" ] || log "run.sh: warning: lspci lists $n of $nfn functions"
		R[$row,l_ms]=$(median_ms "${lspci_cmd[@]}")
		R[$row,l_rss]=$(peak_rss_kb "${lspci_cmd[@]}")
		R[$row,l_sc]=$(syscalls "${lspci_cmd[@]}")
	else
		R[$row,l_ms]=-; R[$row,l_rss]=-; R[$row,l_sc]=-
	fi

	R[$row,s_ms]=-; R[$row,s_rss]=-; R[$row,s_sc]=-; R[$row,s_ok]=0
	R[$row,t_ms]=-; R[$row,t_sc]=-
	if [ $HAVE_SRIOVCTL -eq 1 ]; then
		s_cmd=("$SRIOVCTL" show --json --root "$tree")
		if "${s_cmd[@]}" >"$WORK/out.json" 2>"$WORK/out.err"; then
			R[$row,s_ok]=1
			# Sanity: valid JSON naming every VF (a fast run that skips
			# VFs would be no result).
			seen=$(python3 - "$WORK/out.json" "$tree" <<-'EOF'
				import json, os, re, sys
				text = open(sys.argv[1]).read()
				try:
				    json.loads(text)
				except ValueError as e:
				    print('invalid JSON: %s' % e); sys.exit()
				vfs = set()
				dev = os.path.join(sys.argv[2], 'sys/bus/pci/devices')
				for a in os.listdir(dev):
				    if os.path.lexists(os.path.join(dev, a, 'physfn')):
				        vfs.add(a)
				found = set(re.findall(r'[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]', text)) & vfs
				if len(found) != len(vfs):
				    print('output names %d of %d VFs' % (len(found), len(vfs)))
			EOF
			)
			[ -n "$seen" ] && log "run.sh: warning: sriovctl ${row}: $seen"
			R[$row,s_ms]=$(median_ms "${s_cmd[@]}")
			R[$row,s_rss]=$(peak_rss_kb "${s_cmd[@]}")
			R[$row,s_sc]=$(syscalls "${s_cmd[@]}")
		else
			log "run.sh: sriovctl failed on the ${row} tree (exit $?):"
			head -5 "$WORK/out.err" >&2
		fi
		# list: one line per PF (and the header), nothing about VFs.
		t_cmd=("$SRIOVCTL" list --root "$tree")
		if "${t_cmd[@]}" >"$WORK/list.out" 2>"$WORK/list.err"; then
			n=$(grep -c '^[0-9a-f]\{4\}:' "$WORK/list.out")
			[ "$n" -eq "$pfs" ] || log "run.sh: warning: sriovctl list ${row}: $n of $pfs PFs"
			R[$row,t_ms]=$(median_ms "${t_cmd[@]}")
			R[$row,t_sc]=$(syscalls "${t_cmd[@]}")
		else
			log "run.sh: sriovctl list failed on the ${row} tree (exit $?):"
			head -5 "$WORK/list.err" >&2
		fi
	fi
	[ $KEEP -eq 1 ] || rm -rf "$tree"
done

# ---------------------------------------------------------------- report

echo
printf '%-8s %5s %5s | %7s %7s %8s | %6s %6s | %6s %6s | %6s %6s %6s\n' \
	tree VFs fns "show" "list" "lspci" "show" "list" "RSS" "lspci" "sc/VF" "sc/VF" "sc/VF"
printf '%-8s %5s %5s | %7s %7s %8s | %6s %6s | %6s %6s | %6s %6s %6s\n' \
	'' '' '' 'ms' 'ms' 'ms' 'x' 'x' 'show' 'MiB' 'show' 'list' 'lspci'
printf -- '------------------------------------------------------------------------------------------------\n'
for row in "${rows[@]}"; do
	v=${R[$row,vfs]}
	printf '%-8s %5s %5s | %7s %7s %8s | %6s %6s | %6s %6s | %6s %6s %6s\n' "$row" "$v" "${R[$row,fns]}" \
		"${R[$row,s_ms]}" "${R[$row,t_ms]}" "${R[$row,l_ms]}" \
		"$(div "${R[$row,l_ms]}" "${R[$row,s_ms]}" '%.1f')" \
		"$(div "${R[$row,l_ms]}" "${R[$row,t_ms]}" '%.1f')" \
		"$(mb "${R[$row,s_rss]}")" "$(mb "${R[$row,l_rss]}")" \
		"$(div "${R[$row,s_sc]}" "$v")" "$(div "${R[$row,t_sc]}" "$v")" "$(div "${R[$row,l_sc]}" "$v")"
done
echo "show = sriovctl show --json, list = sriovctl list, x = lspci ms / sriovctl ms;"
echo "sc/VF = all system calls of the run (strace -f -c) / VFs in the tree"
[ $HAVE_SRIOVCTL -eq 1 ] && echo "sriovctl: $SRIOVCTL ($BUILD_INFO)"
if [ $SANITIZED -eq 1 ] || [[ ${BUILD_INFO:-} == *buildtype=debug* ]]; then
	echo "WARNING: debug/sanitizer build measured: not representative (use --build)"
fi
echo

# Targets (bench/README.md), judged on the largest tree (and the one before
# it for linearity).
n=${#rows[@]}
big=${rows[n - 1]}
prev=${rows[n > 1 ? n - 2 : 0]}
misses=0
target() { # target NAME VALUE OK(1/0/-) DETAIL
	local verdict
	case $3 in 1) verdict=PASS ;; 0) verdict=MISS; misses=$((misses + 1)) ;; *) verdict=n/a ;; esac
	printf '%-5s %-44s %s\n' "$verdict" "$1" "$2"
}
cmp() { # cmp VALUE OP LIMIT -> 1/0/-
	case $1 in -|'') echo -; return ;; esac
	awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { print (op == "<=" ? v <= l : v >= l) ? 1 : 0 }'
}

echo "targets (bench/README.md):"
if [ $HAVE_SRIOVCTL -eq 0 ]; then
	echo "n/a   sriovctl not built ($SRIOVCTL): nothing to judge"
elif [ "${R[$big,s_ok]}" != 1 ]; then
	echo "MISS  sriovctl failed on the $big tree"
	misses=1
else
	sp=$(div "${R[$big,l_ms]}" "${R[$big,s_ms]}" '%.2f')
	target "show: >= 10x faster than lspci -vvv ($big)" "${sp}x" "$(cmp "$sp" '>=' 10)"
	sp=$(div "${R[$big,l_ms]}" "${R[$big,t_ms]}" '%.2f')
	target "list: >= 25x faster than lspci -vvv ($big)" "${sp}x" "$(cmp "$sp" '>=' 25)"
	sc=$(div "${R[$big,s_sc]}" "${R[$big,vfs]}" '%.2f')
	target "show: <= 5 syscalls per VF ($big)" "$sc" "$(cmp "$sc" '<=' 5)"
	if [ "$big" != "$prev" ] && [ "${R[$prev,s_ms]}" != - ]; then
		pv_big=$(div "${R[$big,s_ms]}" "${R[$big,vfs]}" '%.5f')
		pv_prev=$(div "${R[$prev,s_ms]}" "${R[$prev,vfs]}" '%.5f')
		lin=$(div "$pv_big" "$pv_prev" '%.2f')
		target "show linear: per-VF time $big <= 1.5 x $prev" \
			"$(awk -v a="$pv_big" -v b="$pv_prev" 'BEGIN { printf "%.1f us vs %.1f us per VF (%.2fx)", a * 1000, b * 1000, a / b }')" \
			"$(cmp "$lin" '<=' 1.5)"
		pf_big=$(div "${R[$big,t_ms]}" "${R[$big,fns]}" '%.5f')
		pf_prev=$(div "${R[$prev,t_ms]}" "${R[$prev,fns]}" '%.5f')
		lin=$(div "$pf_big" "$pf_prev" '%.2f')
		target "list linear: per-function time $big <= 1.5 x $prev" \
			"$(awk -v a="$pf_big" -v b="$pf_prev" 'BEGIN { printf "%.1f us vs %.1f us per function (%.2fx)", a * 1000, b * 1000, a / b }')" \
			"$(cmp "$lin" '<=' 1.5)"
	else
		target "linear: per-VF time" "needs two tree sizes" -
	fi
fi
if [ $misses -gt 0 ]; then
	echo "=> $misses target(s) MISSED (benchmark only: exit status stays 0)"
elif [ $HAVE_SRIOVCTL -eq 1 ]; then
	echo "=> all targets met"
fi
exit 0
