#!/bin/sh
# Issue 13, real kernel: the seed workflow ends in a real VM. enable, vf set
# (MAC, VLAN), bind to vfio-pci, export --format qemu; then a second-level
# QEMU started with exactly the exported arguments boots a kernel that
# prints what it sees (guest/nested-init). While it runs, show names it and
# disable refuses; after it stops, vf reset and disable go through.
# Checked on the host by tests/vm/check_vmguest.py against the kernel's
# views (sysfs, ip -j, /proc) and the second-level guest's own.
# vm-layers: nested
# vm-memory: 2048
# vm-timeout: 600
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh

MAC=02:00:00:5e:10:0a
VLAN=100
VM=vmguest-l2
IGB="$(find_pf 8086 10c9)" || { note "no igb PF"; exit 1; }
NVME="$(find_pf 1b36 0010)" || { note "no NVMe PF"; exit 1; }
for n in "$IGB"/net/*; do PFDEV="${n##*/}"; done
have_sriovctl || note "sriovctl is not in this guest: its sections will be empty"
have_nested || { note "no nested layer (QEMU, kernel) in this guest"; exit 1; }
"$IP" link set dev "$PFDEV" up
wait_operstate "$PFDEV" || note "$PFDEV did not come up"

section enable sriovctl_cmd enable "$PFDEV" 1
section vf-set sriovctl_cmd vf "$PFDEV/0" set mac "$MAC" vlan "$VLAN"
VF="$(basename "$(readlink "$IGB/virtfn0")")"
G="$(basename "$(readlink "$PCI/$VF/iommu_group")")"
section bind sriovctl_cmd bind "$PFDEV/0" vfio-pci
section bound/state state
section bound/ip "$IP" -j -d link show dev "$PFDEV"
section export sriovctl_cmd export "$PFDEV/0" --format qemu
cp /tmp/sec.out /tmp/export.txt # section's stdout file (lib.sh)

note "starting the VM with the exported arguments"
# the export's lines are QEMU arguments, word-split as a shell would
# shellcheck disable=SC2046
nested_start "$VM" /tmp/l2.log $(grep -v '^#' /tmp/export.txt)
section running/pid echo "$NESTED_PID"
nested_wait_vfio "$NESTED_PID" "$G" || note "QEMU did not open /dev/vfio/$G"
section running/cmdline tr '\0' '\n' <"/proc/$NESTED_PID/cmdline"
section running/fds sh -c "for f in /proc/$NESTED_PID/fd/*; do readlink \"\$f\"; done | grep '^/dev/vfio/'"
section running/show sriovctl_cmd show "$PFDEV"
section running/show-json sriovctl_cmd show "$PFDEV" --json
section running/disable sriovctl_cmd disable "$PFDEV"
section running/state state
section running/alive alive "$NESTED_PID"

nested_wait "$NESTED_PID" /tmp/l2.log 420
section guest/view guest_view /tmp/l2.log
section guest/console cat /tmp/l2.log
section guest/qemu cat /tmp/l2.log.qemu
section stopped/state state

section reset sriovctl_cmd vf "$PFDEV/0" reset
section reset/state state
section reset/ip "$IP" -j -d link show dev "$PFDEV"
section disable sriovctl_cmd disable "$PFDEV"
section disabled/state state
exit 0
