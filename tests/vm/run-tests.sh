#!/bin/bash
# Real-kernel tests: build sriovctl for the guest and the guest itself, boot
# the guest once per scenario that has a checker (scenarios/NAME.sh +
# check_NAME.py), check the results on the host and print a summary.
#
#   tests/vm/run-tests.sh [SCENARIO...]     (default: all with a checker)
#
# env VM_OUT (default <repo>/build-vm), VM_TIMEOUT (seconds per boot, 300)
# Exit status non-zero if any check failed or any guest did not finish.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${VM_OUT:-$repo/build-vm}"

if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	scenarios=()
	for c in "$here"/check_*.py; do
		n="${c##*/check_}"
		n="${n%.py}"
		[ -r "$here/scenarios/$n.sh" ] && scenarios+=("$n")
	done
fi

t0=$(date +%s)
"$here/build-sriovctl.sh" "$out"
"$here/build-guest.sh" "$out"
host_bin="$out/sriovctl-build/tools/sriovctl/sriovctl"
hostarg=()
[ -x "$host_bin" ] && hostarg=(--host-sriovctl "$host_bin")

fail=0
summary=()
for s in "${scenarios[@]}"; do
	run="$out/runs/$s"
	diskarg=()
	if grep -q '^# vm-disk: yes$' "$here/scenarios/$s.sh"; then
		# a scratch disk kept across the scenario's boots
		mkdir -p "$out/runs"
		rm -f "$run.disk"
		truncate -s 8M "$run.disk"
		diskarg=(--disk "$run.disk")
	fi
	vrc=0
	"$here/run-vm.sh" "$s" --guest "$out" --out "$run" "${diskarg[@]}" || vrc=$?
	[ "$vrc" -le 1 ] || echo "run-tests: $s: the guest did not finish; the checker will fail" >&2
	# "# vm-disk: yes" in a scenario: every boot gets the same scratch disk
	# (run-vm.sh --disk), so state can outlive a boot.
	# "# vm-boots: N" in a scenario: boot it again N-1 times with
	# sriov.boot=K (K = 2..N); the checker gets each run as --boot DIR.
	# "# vm-boot-K-args: ARGS" adds run-vm.sh arguments for boot K
	# (e.g. --no-iommu: no intel-iommu device, no intel_iommu=on)
	boots="$(sed -n 's/^# vm-boots: \([0-9]*\)$/\1/p' "$here/scenarios/$s.sh")"
	bootargs=()
	for ((k = 2; k <= ${boots:-1}; k++)); do
		brc=0
		extra=()
		read -ra extra < <(sed -n "s/^# vm-boot-$k-args: //p" "$here/scenarios/$s.sh" |
			tail -n1) || true
		"$here/run-vm.sh" "$s" --guest "$out" --out "$run.boot$k" "${diskarg[@]}" \
			--boot-args "sriov.boot=$k" "${extra[@]}" || brc=$?
		[ "$brc" -eq 0 ] || vrc=$brc
		bootargs+=(--boot "$run.boot$k")
	done
	crc=0
	python3 "$here/check_$s.py" "$run" "${bootargs[@]}" "${hostarg[@]}" >"$run/check.txt" 2>&1 || crc=$?
	grep -v '^ok ' "$run/check.txt" | sed "s/^/[$s] /"
	line="$(tail -n1 "$run/check.txt")"
	summary+=("vm $s: $line ($(cat "$run/wall-seconds" 2>/dev/null || echo '?')s boot+run)")
	if [ "$crc" -ne 0 ] || [ "$vrc" -ne 0 ]; then fail=1; fi
done

echo "---- VM tests ($(($(date +%s) - t0))s total) ----"
printf '%s\n' "${summary[@]}"
# one plain summary line over every scenario's checker
total_pass=0
total_fail=0
for s in "${scenarios[@]}"; do
	read -r p f < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' \
		"$out/runs/$s/check.txt" | tail -n1) || true
	total_pass=$((total_pass + ${p:-0}))
	total_fail=$((total_fail + ${f:-1}))
done
echo "vm: $total_pass passed, $total_fail failed"
exit "$fail"
