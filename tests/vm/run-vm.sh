#!/bin/bash
# Boot the test guest under QEMU (TCG) and run one scenario in it.
#
#   tests/vm/run-vm.sh SCENARIO [--boot-args "..."] [--no-iommu] [--disk FILE]
#                      [--guest DIR] [--out DIR] [--timeout SECONDS]
#
# --disk FILE  a raw image the guest sees as /dev/vda (state kept between boots)
# --guest DIR  where build-guest.sh put vmlinuz + initramfs.img
#              (default <repo>/build-vm; built on demand if missing)
# --out DIR    results (default GUEST/runs/SCENARIO):
#                output.txt   the scenario's output channel (guest ttyS1)
#                console.log  kernel console + /init diagnostics (ttyS0)
#                sections/    output.txt split into one file per section
#                qemu.cmd     the exact QEMU command line
# Exit status: 0 if the guest ran the scenario to its end marker with rc=0,
# 1 if the scenario failed, 2 if the guest never finished (timeout, crash).
#
# Headers in the scenario file, for the scenarios that need more than others:
#   # vm-layers: NAME...  extra initramfs layers, each built (and cached) by
#                         tests/vm/build-NAME.sh into GUEST/cache/NAME.cpio.zst
#                         and appended to the guest's initramfs
#   # vm-memory: MIB      guest memory (default 1024)
#   # vm-timeout: S       the boot's timeout unless --timeout is given
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

usage() { sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }

scenario=""
boot_args=""
iommu=1
disk=""
guest="${VM_GUEST_DIR:-$repo/build-vm}"
out=""
tmo=""
while [ $# -gt 0 ]; do
	case "$1" in
	--boot-args) boot_args="${2?}"; shift 2 ;;
	--no-iommu) iommu=0; shift ;;
	--disk) disk="${2?}"; shift 2 ;;
	--guest) guest="${2?}"; shift 2 ;;
	--out) out="${2?}"; shift 2 ;;
	--timeout) tmo="${2?}"; shift 2 ;;
	-h | --help) usage ;;
	-*) echo "run-vm.sh: unknown option $1" >&2; usage ;;
	*) [ -z "$scenario" ] || usage; scenario="$1"; shift ;;
	esac
done
[ -n "$scenario" ] || usage
[ -r "$here/scenarios/$scenario.sh" ] || { echo "run-vm.sh: no scenario tests/vm/scenarios/$scenario.sh" >&2; exit 2; }
header() { sed -n "s/^# vm-$1: //p" "$here/scenarios/$scenario.sh" | tail -n1; }
layers="$(header layers)"
memory="$(header memory)"
memory="${memory:-1024}"
[ -n "$tmo" ] || tmo="$(header timeout)"
tmo="${tmo:-${VM_TIMEOUT:-300}}"

if [ ! -r "$guest/vmlinuz" ] || [ ! -r "$guest/initramfs.img" ]; then
	"$here/build-guest.sh" "$guest"
fi
initrd="$guest/initramfs.img"
if [ -n "$layers" ]; then
	# the guest's own layers, then the scenario's (the kernel unpacks each in turn)
	read -ra names <<<"$layers"
	initrd="$guest/initramfs+$(IFS=+; echo "${names[*]}").img"
	cp "$guest/initramfs.img" "$initrd.tmp"
	for l in "${names[@]}"; do
		case "$l" in
		*[!a-z0-9-]*) echo "run-vm.sh: bad layer name '$l' in $scenario.sh" >&2; exit 2 ;;
		esac
		[ -x "$here/build-$l.sh" ] || { echo "run-vm.sh: no tests/vm/build-$l.sh for layer '$l'" >&2; exit 2; }
		"$here/build-$l.sh" "$guest"
		cat "$guest/cache/$l.cpio.zst" >>"$initrd.tmp"
	done
	mv "$initrd.tmp" "$initrd"
fi
out="${out:-$guest/runs/$scenario}"
rm -rf "$out"
mkdir -p "$out"

qemu="${QEMU:-qemu-system-x86_64}"
cmdline="console=ttyS0 panic=-1 sriov.scenario=$scenario"
args=(
	-accel tcg -cpu max -smp 1 -m "$memory"
	-machine "q35,kernel-irqchip=split"
	-nographic -no-reboot -monitor none
	-serial "file:$out/console.log"
	-serial "file:$out/output.txt"
	-kernel "$guest/vmlinuz" -initrd "$initrd"
)
if [ "$iommu" = 1 ]; then
	args+=(-device "intel-iommu,intremap=on,caching-mode=on")
	cmdline="intel_iommu=on iommu=pt $cmdline"
fi
args+=(
	# igb (Intel 82576) with SR-IOV, behind its own root port
	-device "pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1"
	-netdev "user,id=n0,restrict=on"
	-device "igb,netdev=n0,bus=rp1"
	# NVMe with SR-IOV (needs a subsystem), behind its own root port
	-device "pcie-root-port,id=rp2,bus=pcie.0,chassis=2,slot=2"
	-drive "file=/dev/null,if=none,id=nv0,format=raw,read-only=on"
	-device "nvme-subsys,id=subsys0"
	-device "nvme,id=nvme0,serial=sriovctl0,bus=rp2,subsys=subsys0,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,max_ioqpairs=12,msix_qsize=16"
	-device "nvme-ns,drive=nv0,bus=nvme0,nsid=1"
)
# a scratch disk that outlives the boot (/dev/vda in the guest)
[ -z "$disk" ] || args+=(-drive "file=$disk,if=virtio,format=raw")
[ -z "$boot_args" ] || cmdline="$cmdline $boot_args"
args+=(-append "$cmdline")
printf '%q ' timeout "$tmo" "$qemu" "${args[@]}" >"$out/qemu.cmd"
echo >>"$out/qemu.cmd"

start=$(date +%s.%N)
qrc=0
timeout --kill-after=10 "$tmo" "$qemu" "${args[@]}" </dev/null >"$out/qemu.stdout" 2>&1 || qrc=$?
end=$(date +%s.%N)
secs="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')"

python3 "$here/vmout.py" split "$out/output.txt" "$out/sections" >/dev/null 2>&1 || true
endline="$(grep -a '^=== SCENARIO-END ' "$out/output.txt" 2>/dev/null | tail -n1 || true)"
guest_up="$(grep -a -o '\[init [0-9.]*\] reached /init' "$out/console.log" 2>/dev/null | head -n1 | sed 's/.*\[init \([0-9.]*\)\].*/\1/' || true)"
echo "$secs" >"$out/wall-seconds"

if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "run-vm.sh: $scenario: TIMEOUT after ${tmo}s (see $out/console.log)" >&2
	exit 2
fi
if [ -z "$endline" ]; then
	echo "run-vm.sh: $scenario: guest did not finish the scenario (qemu rc=$qrc; see $out/console.log, $out/qemu.stdout)" >&2
	exit 2
fi
src="${endline#*rc=}"; src="${src%% *}"
echo "run-vm.sh: $scenario: ${secs}s wall (guest reached /init at ${guest_up:-?}s guest time), scenario rc=$src; results in $out" >&2
[ "$src" = 0 ] || exit 1
