#!/bin/sh
# Issue 14, real kernel: a netdevsim device as an sriovctl PF (list, show,
# enable, vf set/show, disable, apply; bind and export refused), with `ip -j` and
# `devlink -j` as oracles; then one PF with 300 VFs and one with 400 (the
# VF list's 16-bit netlink length wraps): every VF shown, VF 299/399 set and
# read back, the raw rtnetlink replies shipped to the host (capture).
# Checked on the host by tests/vm/check_netdevsim.py.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh

have_sriovctl || note "sriovctl is not in this guest: its sections will be empty"
DBG=/sys/kernel/debug/netdevsim/netdevsim10
DEV="$NSIM/devices/netdevsim10"
mount -t debugfs none /sys/kernel/debug || note "debugfs did not mount"
section load netdevsim_load
section new sh -c 'echo "10 1" > /sys/bus/netdevsim/new_device'
PFDEV=""
for n in "$DEV"/net/*; do
	[ -e "$n" ] && PFDEV="${n##*/}"
done
note "netdevsim10 port netdev '$PFDEV'"
section pfdev echo "$PFDEV"
section max-vfs cat "$DBG/max_vfs"

# ---- a PF with 4 VFs ---------------------------------------------------------
section list sriovctl_cmd list --json
section enable sriovctl_cmd enable netdevsim10 4 --json
section numvfs-enabled cat "$DEV/sriov_numvfs"
section set-2 sriovctl_cmd vf netdevsim10/2 set mac 02:00:00:00:02:02 vlan 42 qos 3 \
	spoofchk on trust on state disable
section set-3 sriovctl_cmd vf "netdevsim/netdevsim10/3" set mac 02:00:00:00:02:03 \
	max_tx_rate 100 min_tx_rate 10
section set-bad sriovctl_cmd vf netdevsim10/4 set vlan 5
section show sriovctl_cmd show --json netdevsim10
section show-text sriovctl_cmd show netdevsim10
section show-pfdev sriovctl_cmd show --json "$PFDEV"
section vf-show sriovctl_cmd vf "$PFDEV/2-3" show --json
section ip-link "$IP" -j -d link show dev "$PFDEV"
section devlink-dev "$DEVLINK" -j dev show
section devlink-eswitch "$DEVLINK" -j dev eswitch show netdevsim/netdevsim10
section bind-refused sriovctl_cmd bind netdevsim10/0 vfio-pci
section export-refused sriovctl_cmd export netdevsim10/0 --format qemu
section disable sriovctl_cmd disable netdevsim10 --json
section numvfs-disabled cat "$DEV/sriov_numvfs"
printf '[pf netdevsim10]\nnum_vfs = 2\n\n[vf netdevsim10 1]\nmac = 02:00:00:00:01:01\nvlan = 7\n' \
	>/tmp/nsim.conf
section apply sriovctl_cmd apply /tmp/nsim.conf
section apply-numvfs cat "$DEV/sriov_numvfs"
section apply-ip "$IP" -j link show dev "$PFDEV"
section apply-check sriovctl_cmd apply /tmp/nsim.conf --check
section restore sriovctl_cmd restore
section restore-numvfs cat "$DEV/sriov_numvfs"
section apply-disable sriovctl_cmd disable netdevsim10

# ---- many VFs -----------------------------------------------------------------
# many N: N VFs, VF N-1 set, what sriovctl and ip see, the raw reply
many() {
	_n="$1"
	_last=$((_n - 1))
	section "many$_n/max-vfs" sh -c "echo $_n > $DBG/max_vfs"
	section "many$_n/enable" sriovctl_cmd enable netdevsim10 "$_n"
	section "many$_n/set" sriovctl_cmd vf "netdevsim10/$_last" set \
		mac "02:00:00:00:$(printf '%02x:%02x' $((_last / 256)) $((_last % 256)))" \
		vlan "$_last"
	section "many$_n/show" sriovctl_cmd show --json netdevsim10
	section "many$_n/vf-show" sriovctl_cmd vf "netdevsim10/$_last" show --json
	section "many$_n/ip-json" "$IP" -j link show dev "$PFDEV"
	section "many$_n/ip-text" "$IP" link show dev "$PFDEV"
	if have_sriovctl; then
		rm -f /tmp/cap.tar
		sriovctl_cmd capture /tmp/cap.tar >/dev/null 2>&1
		blob "many$_n/capture.tar" /tmp/cap.tar
	fi
	section "many$_n/disable" sriovctl_cmd disable netdevsim10
}
many 300
many 400
exit 0
