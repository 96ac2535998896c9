#!/bin/sh
# Issue 13, real kernel: `export --format proxmox-mapping` against the
# kernel's own view of each VF (vendor, device, subsystem_vendor,
# subsystem_device, the iommu_group link), for the igb PF (4 VFs), a range
# of it and the NVMe PF (2 VFs); then a PF without VFs (refused).
# Checked on the host by tests/vm/check_mapping.py.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh

IGB="$(find_pf 8086 10c9)" || { note "no igb PF"; exit 1; }
NVME="$(find_pf 1b36 0010)" || { note "no NVMe PF"; exit 1; }
have_sriovctl || note "sriovctl is not in this guest: its sections will be empty"
for n in "$IGB"/net/*; do
	PFDEV="${n##*/}"
done
note "igb PF ${IGB##*/} ($PFDEV), NVMe PF ${NVME##*/}"
# NVMe VF controllers must not be probed (they stay offline and hang nvme)
run sh -c "echo 0 > '$NVME/sriov_drivers_autoprobe'"

# vf_facts: "VF PF INDEX VENDOR DEVICE SUBVENDOR SUBDEVICE GROUP" per VF,
# read straight from sysfs
# shellcheck disable=SC2317  # called through section
vf_facts() {
	for _p in "$IGB" "$NVME"; do
		for _l in "$_p"/virtfn*; do
			[ -L "$_l" ] || continue
			_v="$(basename "$(readlink "$_l")")"
			_d="$PCI/$_v"
			_g=-
			[ -L "$_d/iommu_group" ] && _g="$(basename "$(readlink "$_d/iommu_group")")"
			echo "$_v ${_p##*/} ${_l##*/virtfn} $(cat "$_d/vendor") $(cat "$_d/device")" \
				"$(cat "$_d/subsystem_vendor") $(cat "$_d/subsystem_device") $_g"
		done
	done
}

set_numvfs "$IGB" 4
set_numvfs "$NVME" 2
sleep 1
section functions vf_facts
section hostname cat /etc/hostname
section igb-json sriovctl_cmd export "$PFDEV" --format proxmox-mapping --node vmnode --json
section igb-range sriovctl_cmd export "$PFDEV/1-2" --format proxmox-mapping --node vmnode \
	--mapping-name pair
section nvme sriovctl_cmd export "${NVME##*/}" --format proxmox-mapping --node vmnode
section default-node sriovctl_cmd export "$PFDEV/0" --format proxmox-mapping
# the guest's initramfs has no /etc/hostname: give it one (it is thrown away)
[ -e /etc/hostname ] || echo "vm-node.example.org" > /etc/hostname
section hostname-set cat /etc/hostname
section hostname-node sriovctl_cmd export "$PFDEV/0" --format proxmox-mapping

set_numvfs "$IGB" 0
set_numvfs "$NVME" 0
section no-vfs sriovctl_cmd export "$PFDEV" --format proxmox-mapping --node vmnode
exit 0
