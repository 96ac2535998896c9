#!/bin/sh
# Issue 4, real kernel: `sriovctl check` (text and --json) in the guest.
# Boot 1: intel-iommu device and intel_iommu=on: the IOMMU rules pass.
# Boot 2 (run-vm.sh --no-iommu: neither): check reports the IOMMU failure
# with the kernel arguments for this CPU's vendor. Each boot also records
# what the rules read (CPU vendor and flags, the command line, the IOMMU
# in sysfs, ACPI tables) so that tests/vm/check_check.py can judge them.
# vm-boots: 2
# vm-boot-2-args: --no-iommu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh

IGB="$(find_pf 8086 10c9)" || { note "no igb PF"; exit 1; }
NVME="$(find_pf 1b36 0010)" || { note "no NVMe PF"; exit 1; }
have_sriovctl || note "sriovctl is not in this guest: its sections will be empty"
S="$SRIOVCTL"

boot=1
for a in $(cat /proc/cmdline); do
	case "$a" in sriov.boot=*) boot="${a#sriov.boot=}" ;; esac
done
note "boot $boot"

# what the rules read, as the kernel shows it
section facts/cmdline cat /proc/cmdline
section facts/cpu sh -c "grep -m1 '^vendor_id' /proc/cpuinfo; grep -m1 '^flags' /proc/cpuinfo"
section facts/iommu-class ls /sys/class/iommu
section facts/iommu-groups ls /sys/kernel/iommu_groups
section facts/acpi-tables ls /sys/firmware/acpi/tables
section facts/vfio ls /sys/module/vfio_pci /sys/bus/pci/drivers/vfio-pci

# the whole kernel log, as --kmsg reads it from a saved file
cat /dev/kmsg >/tmp/kmsg.txt 2>/dev/null &
KPID=$!
sleep 1
kill "$KPID" 2>/dev/null
dmesg >/tmp/dmesg.txt

section check/json "$S" check --json
section check/text "$S" check
section check/pf-json "$S" check "${IGB##*/}" --json
section check/nvme-json "$S" check "${NVME##*/}" --json
section check/dmesg-json "$S" check --kmsg /tmp/dmesg.txt --json
section check/kmsg-json "$S" check --kmsg /tmp/kmsg.txt --json
section check/notlog-json "$S" check --kmsg /proc/cpuinfo --json
section check/missing "$S" check --kmsg /tmp/none.txt --json
exit 0
