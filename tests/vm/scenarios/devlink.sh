#!/bin/sh
# Issue 14, real kernel: sriovctl's devlink reading and writing against
# iproute2's `devlink -j` on the netdevsim PF: eswitch legacy, then
# switchdev set by `sriovctl pf netdevsim10 set` (a pcivf port,
# representor and rate leaf per VF), a rate node and rates set with the
# devlink CLI, `restore` back to legacy, 300 VFs for a multi-part port dump;
# the same instance by its devlink handle; and `pf set` on the igb PF: mtu
# (journaled, read back, restored), eswitch (no devlink instance: refused);
# the devlink VF settings (tx_share, tx_max, rate_group; the port function
# keys netdevsim 6.1 refuses) by vf set, apply, restore and vf reset.
# Checked on the host by tests/vm/check_devlink.py.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh

IGB="$(find_pf 8086 10c9)" || { note "no igb PF"; exit 1; }
have_sriovctl || note "sriovctl is not in this guest: its sections will be empty"
for n in "$IGB"/net/*; do
	PFDEV="${n##*/}"
done
note "igb PF ${IGB##*/} ($PFDEV)"

# ---- pf set on the igb PF (no devlink instance; mtu) ----
section igb/mtu-before cat "/sys/class/net/$PFDEV/mtu"
section igb/pf-set-mtu sriovctl_cmd pf "$PFDEV" set mtu 9000
section igb/mtu-after cat "/sys/class/net/$PFDEV/mtu"
section igb/ip-link "$IP" -j link show dev "$PFDEV"
section igb/pf-show sriovctl_cmd pf "$PFDEV" show --json
section igb/pf-set-eswitch sriovctl_cmd pf "$PFDEV" set eswitch switchdev
section igb/restore sriovctl_cmd restore
section igb/mtu-restored cat "/sys/class/net/$PFDEV/mtu"
section igb/show-json sriovctl_cmd show "$PFDEV" --json

# ---- netdevsim ----
netdevsim_load || { note "netdevsim did not load"; exit 1; }
D=netdevsim/netdevsim10
NDEV="$NSIM/devices/netdevsim10"
run sh -c "echo '10 1' > $NSIM/new_device"
run sh -c "echo 4 > $NDEV/sriov_numvfs"
section legacy/devlink-eswitch "$DEVLINK" -j dev eswitch show "$D"
section legacy/pf-show sriovctl_cmd pf netdevsim10 show --json

section switchdev/pf-set sriovctl_cmd pf netdevsim10 set eswitch switchdev
section switchdev/devlink-eswitch "$DEVLINK" -j dev eswitch show "$D"
section switchdev/devlink-ports "$DEVLINK" -j port show
section switchdev/devlink-rates "$DEVLINK" -j port function rate show
section switchdev/pf-show sriovctl_cmd pf netdevsim10 show --json
section switchdev/handle-show sriovctl_cmd pf "$D" show --json
section switchdev/pf-show-text sriovctl_cmd pf netdevsim10 show
section switchdev/show-json sriovctl_cmd show netdevsim10 --json

run "$DEVLINK" port function rate add "$D/group1" tx_max 1000mbit
run "$DEVLINK" port function rate set "$D/129" tx_max 100mbit tx_share 10mbit parent group1
# netdevsim takes whole Mbit/s only ("not in link speed units of 1Mbps")
run "$DEVLINK" port function rate set "$D/130" tx_share 2gbit
section rates/devlink-rates "$DEVLINK" -j port function rate show
section rates/pf-show sriovctl_cmd pf netdevsim10 show --json

# the kernel refuses a mode change while rate nodes exist: gone first, then
# restore puts the journaled legacy mode back
run "$DEVLINK" port function rate set "$D/129" noparent
run "$DEVLINK" port function rate del "$D/group1"
section restore/restore sriovctl_cmd restore
section restore/devlink-eswitch "$DEVLINK" -j dev eswitch show "$D"

# ---- the devlink VF settings (vf set, apply, restore, vf reset) ----
# legacy now: refused before anything is sent
section devkeys/legacy-set sriovctl_cmd vf netdevsim10/1 set tx_max 100
run "$DEVLINK" dev eswitch set "$D" mode switchdev
section devkeys/vf-set sriovctl_cmd vf netdevsim10/1 set tx_max 100 tx_share 10 rate_group grp1
section devkeys/devlink-rates "$DEVLINK" -j port function rate show
section devkeys/vf-show sriovctl_cmd vf netdevsim10/0-1 show --json
section devkeys/vf-show-text sriovctl_cmd vf netdevsim10/1 show
section devkeys/bad-share sriovctl_cmd vf netdevsim10/1 set tx_share 200 tx_max 100
# what netdevsim 6.1 does with the port function (hw_addr, state, caps)
section devkeys/devlink-port "$DEVLINK" -j port show "$D/129"
section devkeys/fn-hw-addr sriovctl_cmd vf netdevsim10/1 set hw_addr 02:00:00:00:01:01
section devkeys/fn-state sriovctl_cmd vf netdevsim10/1 set fn_state inactive
section devkeys/fn-roce sriovctl_cmd vf netdevsim10/1 set roce off
section devkeys/fn-migratable sriovctl_cmd vf netdevsim10/1 set migratable on
section devkeys/reset sriovctl_cmd vf netdevsim10/1 reset
section devkeys/reset-rates "$DEVLINK" -j port function rate show
# apply's step keeps the tx_share it is not given (the two rates travel together)
section devkeys/set-share sriovctl_cmd vf netdevsim10/2 set tx_share 20
printf '[vf netdevsim10 2]\ntx_max = 200\nrate_group = grp2\n' > /tmp/devkeys.conf
section devkeys/apply-check sriovctl_cmd apply /tmp/devkeys.conf --check
section devkeys/apply sriovctl_cmd apply /tmp/devkeys.conf
section devkeys/apply-rates "$DEVLINK" -j port function rate show
section devkeys/restore sriovctl_cmd restore
section devkeys/restore-rates "$DEVLINK" -j port function rate show
# the kernel refuses a mode change while rate nodes exist
section devkeys/pf-set-legacy sriovctl_cmd pf netdevsim10 set eswitch legacy
section devkeys/detach sriovctl_cmd vf netdevsim10/all set rate_group none tx_max 0 tx_share 0
section devkeys/detach-rates "$DEVLINK" -j port function rate show
run "$DEVLINK" port function rate del "$D/grp1"
run "$DEVLINK" port function rate del "$D/grp2"
run "$DEVLINK" dev eswitch set "$D" mode legacy

# 300 VFs: netdevsim allows raising its VF limit through debugfs
run sh -c "echo 0 > $NDEV/sriov_numvfs"
mount -t debugfs none /sys/kernel/debug 2>/dev/null
run sh -c "echo 300 > /sys/kernel/debug/netdevsim/netdevsim10/max_vfs"
run sh -c "echo 300 > $NDEV/sriov_numvfs"
run "$DEVLINK" dev eswitch set "$D" mode switchdev
section scale/devlink-ports "$DEVLINK" -j port show
section scale/pf-show sriovctl_cmd pf "$D" show --json
section scale/pf-show-pf sriovctl_cmd pf netdevsim10 show --json
exit 0
