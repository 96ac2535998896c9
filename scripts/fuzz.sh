#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs the libFuzzer targets in fuzz/ one after the other.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 30 s, every target)
#
# Builds build-fuzz (clang, -Dfuzzing=true, ASan+UBSan), fuzzes each target
# for SECONDS from a working copy of its seed corpus (build-fuzz/work/NAME;
# the committed fuzz/corpus is never written) plus its past crashes
# (fuzz/regress/NAME), and writes build-fuzz/results.tsv:
#   target  seconds  execs  crashes  corpus
# Crash, leak, timeout and out-of-memory inputs land in
# build-fuzz/crashes/NAME/; the script then exits 1 and says how to
# reproduce. Installs nothing: it needs clang and libclang-rt-dev (libFuzzer)
# besides the project's own build dependencies.
set -euo pipefail

cd "$(dirname "$0")/.."
ALL=(dump caps netlink devlink config kmsg journal args)
SECONDS_EACH=${1:-30}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")
BUILD=build-fuzz
TOP=$PWD

case $SECONDS_EACH in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS] [TARGET...]  (targets: ${ALL[*]})" >&2
	exit 2
	;;
esac
for t in "${TARGETS[@]}"; do
	[ -f "fuzz/fuzz_$t.c" ] || {
		echo "$0: no fuzz target '$t' (targets: ${ALL[*]})" >&2
		exit 2
	}
done

if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" -Dfuzzing=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dtests=false --buildtype=debug
fi
ninja -C "$BUILD" -j2 $(printf "fuzz/fuzz_%s " "${TARGETS[@]}")

# UBSan findings end the run as crashes; leaks are reported (LSan)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# fuzz_args extracts its recorded host here (and removes it at exit)
rm -rf "$BUILD/tmp"
mkdir -p "$BUILD/tmp" "$BUILD/logs"
export TMPDIR=$TOP/$BUILD/tmp

results=$BUILD/results.tsv
printf "target\tseconds\texecs\tcrashes\tcorpus\n" >"$results"
failed=()
for t in "${TARGETS[@]}"; do
	work=$BUILD/work/$t
	crashes=$BUILD/crashes/$t
	log=$BUILD/logs/$t.log
	mkdir -p "$work"
	rm -rf "$crashes"
	mkdir -p "$crashes"
	cp -n fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
	dirs=("$work")
	[ -d "fuzz/regress/$t" ] && dirs+=("fuzz/regress/$t")
	opts=(-max_total_time="$SECONDS_EACH" -print_final_stats=1 -rss_limit_mb=2048
		-timeout=10 -artifact_prefix="$crashes/")
	[ "$t" = args ] && opts+=(-close_fd_mask=3)
	echo "== fuzz_$t: $SECONDS_EACH s" >&2
	start=$(date +%s)
	rc=0
	"$BUILD/fuzz/fuzz_$t" "${opts[@]}" "${dirs[@]}" >"$log" 2>&1 || rc=$?
	took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	found=$(find "$crashes" -type f \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	[ "$rc" -ne 0 ] && [ "$found" -eq 0 ] && found=1 # died without an artifact
	units=$(find "$work" -type f | wc -l)
	printf "%s\t%s\t%s\t%s\t%s\n" "$t" "$took" "${execs:-0}" "$found" "$units" >>"$results"
	[ "$found" -eq 0 ] || failed+=("$t")
done
rm -rf "$BUILD/tmp"

column -t -s $'\t' "$results" 2>/dev/null || cat "$results"
if [ ${#failed[@]} -gt 0 ]; then
	echo >&2
	for t in "${failed[@]}"; do
		echo "fuzz_$t found a problem (log: $BUILD/logs/$t.log):" >&2
		for f in "$BUILD/crashes/$t"/*; do
			[ -f "$f" ] || continue
			echo "  $f" >&2
			echo "    reproduce: $BUILD/fuzz/fuzz_$t $f" >&2
		done
		echo "  then: copy the input to fuzz/regress/$t/ (kept as a regression test)" >&2
	done
	exit 1
fi
