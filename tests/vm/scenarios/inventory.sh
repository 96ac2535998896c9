#!/bin/sh
# Issue 2, real kernel: `sriovctl show/list --json` against the guest's own
# lspci, sysfs and ip, with 0 VFs and with VFs enabled (igb 4, NVMe 2).
# Checked on the host by tests/vm/check_inventory.py.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh

IGB="$(find_pf 8086 10c9)" || { note "no igb PF"; exit 1; }
NVME="$(find_pf 1b36 0010)" || { note "no NVMe PF"; exit 1; }
have_sriovctl || note "sriovctl is not in this guest: its sections will be empty"
note "igb PF ${IGB##*/}, NVMe PF ${NVME##*/}"

# PF netdev up (rtnetlink VF settings need it)
for n in "$IGB"/net/*; do
	PFDEV="${n##*/}"
done
run "$IP" link set dev "$PFDEV" up
wait_operstate "$PFDEV" || note "$PFDEV operstate still $(cat "/sys/class/net/$PFDEV/operstate")"
# NVMe: VF controllers stay offline until virtualization management commands
# run, so nvme must not probe them (it hangs): autoprobe off before enabling.
run sh -c "echo 0 > '$NVME/sriov_drivers_autoprobe'"

dump_state vf0 "$IGB" "$NVME"

set_numvfs "$IGB" 4
set_numvfs "$NVME" 2
# non-default PF-side VF settings so that they are compared
run "$IP" link set dev "$PFDEV" vf 0 mac 02:00:00:5e:10:00 vlan 100 qos 3
run "$IP" link set dev "$PFDEV" vf 1 spoofchk off trust on
run "$IP" link set dev "$PFDEV" vf 2 mac 02:00:00:5e:10:02 vlan 42
run "$IP" link set dev "$PFDEV" vf 3 max_tx_rate 100 || true
# let the VF drivers finish probing before the snapshot
sleep 1

dump_state vf4 "$IGB" "$NVME"

# IOMMU groups and functions without SR-IOV (issue 13): the kernel's own
# groups with each member's driver, against `groups --json`; the q35 host
# bridge and the igb PF's root port against `show FUNCTION --json`
section vf4/iommu-groups sh -c 'for d in /sys/kernel/iommu_groups/*/devices/*; do
	[ -e "$d" ] || continue
	g="${d%/devices/*}"; drv=-
	[ -L "$d/driver" ] && drv="$(basename "$(readlink "$d/driver")")"
	echo "${g##*/} ${d##*/} $drv"
done'
section vf4/sriovctl-groups-json sriovctl_cmd groups --json
ROOTPORT="$(readlink -f "$IGB")"
ROOTPORT="$(basename "$(dirname "$ROOTPORT")")"
note "igb root port $ROOTPORT"
section vf4/show-fn-hostbridge sriovctl_cmd show 0000:00:00.0 --json
section vf4/show-fn-rootport sriovctl_cmd show "$ROOTPORT" --json
section vf4/rootport echo "$ROOTPORT"

set_numvfs "$IGB" 0
set_numvfs "$NVME" 0
exit 0
