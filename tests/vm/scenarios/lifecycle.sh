#!/bin/sh
# Issue 3 on the real kernel: enable/disable, per-VF settings, binding and
# "in use", each through sriovctl, with the kernel's own view (sysfs, ip -j)
# recorded next to it. check_lifecycle.py judges the result on the host.
#
# Boot 1 runs everything; boot 2 (kernel argument sriov.boot=2) only enables
# VFs and sets "mac auto", to show the derived MACs are the same every boot.
# vm-boots: 2
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh
S="$SRIOVCTL"

IGB="$(find_pf 8086 10c9)" || { note "no igb PF"; exit 1; }
NVME="$(find_pf 1b36 0010)" || { note "no NVMe PF"; exit 1; }
PF="${IGB##*/}"
NVPF="${NVME##*/}"
for n in "$IGB"/net/*; do PFDEV="${n##*/}"; done

# vf_netdev INDEX: the netdev of the igb PF's VF INDEX
vf_netdev() {
	for _nd in "$IGB/virtfn$1"/net/*; do
		[ -e "$_nd" ] && { echo "${_nd##*/}"; return 0; }
	done
	return 1
}

boot=1
for a in $(cat /proc/cmdline); do
	case "$a" in sriov.boot=*) boot="${a#sriov.boot=}" ;; esac
done

if [ "$boot" = 2 ]; then
	section boot2/enable "$S" enable "$PFDEV" 4 --json
	section boot2/macauto "$S" vf "$PFDEV/all" set mac auto --json
	section boot2/ip "$IP" -j -d link show dev "$PFDEV"
	section boot2/perm "$IP" -j link show dev "$PFDEV"
	exit 0
fi

section pre/state state
section pre/ip "$IP" -j -d link show dev "$PFDEV"

# --- enable / disable ------------------------------------------------------
section enable4 "$S" enable "$PFDEV" 4 --json
section enable4.state state
section enable7 "$S" enable "$PFDEV" 7 --json
section enable7.state state
section enable8 "$S" enable "$PFDEV" 8
section enable8.state state
section enable0 "$S" enable "$PFDEV" 0 --json
section enable0.state state
section enable-again "$S" enable "$PFDEV" 4
section enable-again.state state
section enable-same "$S" enable "$PFDEV" 4

# --- per-VF settings -------------------------------------------------------
"$IP" link set dev "$PFDEV" up
wait_operstate "$PFDEV" || note "$PFDEV did not come up"
section vfset "$S" vf "$PFDEV/1" set mac 02:11:22:33:44:55 vlan 100 qos 3 \
	spoofchk off trust on --json
section vfset.ip "$IP" -j -d link show dev "$PFDEV"
# igb has no ndo_set_vf_link_state: "state" is refused, spoofchk still applies
section vfstate "$S" vf "$PFDEV/3" set state disable spoofchk off --json
section vfstate.ip "$IP" -j -d link show dev "$PFDEV"
section vfshow "$S" vf "$PFDEV/1" show --json
section macauto "$S" vf "$PFDEV/all" set mac auto --json
section macauto.ip "$IP" -j -d link show dev "$PFDEV"
section macauto.perm "$IP" -j link show dev "$PFDEV"

"$IP" link set dev "$PFDEV" down
section ratedown "$S" vf "$PFDEV/2" set mac 02:22:22:22:22:22 vlan 200 \
	max_tx_rate 100 --json
section ratedown.ip "$IP" -j -d link show dev "$PFDEV"
"$IP" link set dev "$PFDEV" up
wait_operstate "$PFDEV" || note "$PFDEV did not come up"

# --- bad input: exit 2, nothing changed ------------------------------------
section bad/before-ip "$IP" -j -d link show dev "$PFDEV"
section bad/before-state state
section bad/index "$S" vf "$PFDEV/4" set vlan 5
section bad/vlan "$S" vf "$PFDEV/0" set mac 02:00:00:00:00:01 vlan 4096
section bad/qos "$S" vf "$PFDEV/0" set vlan 5 qos 8
section bad/mac-multicast "$S" vf "$PFDEV/0" set mac 01:00:5e:00:00:01
section bad/mac-zero "$S" vf "$PFDEV/0" set mac 00:00:00:00:00:00
section bad/mac-syntax "$S" vf "$PFDEV/0" set mac 02:00:00:00:00
section bad/state "$S" vf "$PFDEV/0" set state up
section bad/rate "$S" vf "$PFDEV/0" set max_tx_rate -5
section bad/proto "$S" vf "$PFDEV/0" set vlan 5 proto 802.1x
section bad/key "$S" vf "$PFDEV/0" set colour blue
section bad/driver-dotdot "$S" bind "$PFDEV/0" ../../evil
section bad/driver-slash "$S" bind "$PFDEV/0" vfio/pci
section bad/enable-n "$S" enable "$PFDEV" four
section bad/enable-vf "$S" enable "$PFDEV/0" 2
section bad/after-ip "$IP" -j -d link show dev "$PFDEV"
section bad/after-state state

# --- vfio-pci, a holder, and "in use" --------------------------------------
VF0="$(basename "$(readlink "$IGB/virtfn0")")"
section bind-vfio "$S" bind "$PFDEV/0" vfio-pci --json
section bind-vfio.state state
G="$(basename "$(readlink "$PCI/$VF0/iommu_group")")"
# a process like QEMU: holds /dev/vfio/G, carries "-name guest=NAME"
sh -c 'exec 3<>"/dev/vfio/$1"; while :; do sleep 1 3<&-; done' holder "$G" \
	-name guest=testvm,debug-threads=on &
HOLDER=$!
sleep 1
echo "$HOLDER" >/tmp/holder.pid
section held/pid cat /tmp/holder.pid
section held/show "$S" show "$PFDEV" --json
section held/disable "$S" disable "$PFDEV"
section held/enable "$S" enable "$PFDEV" 2
section held/unbind "$S" unbind "$VF0"
section held/state state
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
section bind-default "$S" bind "$VF0" default --json
section bind-default.state state

# --- vf reset: a clean VF, journaled, undone by restore --------------------
section reset/setup "$S" vf "$PFDEV/0" set mac 02:33:44:55:66:77 vlan 300 qos 2 \
	spoofchk off trust on --json
section reset/bind "$S" bind "$PFDEV/0" vfio-pci
section reset/before.ip "$IP" -j -d link show dev "$PFDEV"
section reset/before.state state
section reset/dry "$S" vf "$PFDEV/0" reset --dry-run --json
section reset/dry.ip "$IP" -j -d link show dev "$PFDEV"
section reset/dry.state state
sh -c 'exec 3<>"/dev/vfio/$1"; while :; do sleep 1 3<&-; done' holder "$G" \
	-name guest=resetvm &
HOLDER=$!
sleep 1
echo "$HOLDER" >/tmp/holder.pid
section reset/held.pid cat /tmp/holder.pid
section reset/held "$S" vf "$PFDEV/0" reset
section reset/held.ip "$IP" -j -d link show dev "$PFDEV"
section reset/held.state state
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
section reset/run "$S" vf "$PFDEV/0" reset --json
section reset/run.ip "$IP" -j -d link show dev "$PFDEV"
section reset/run.state state
# the VF's netdev: its address and how it was assigned (1: random)
vfnet() {
	for _n in "$IGB/virtfn$1"/net/*; do
		echo "$(cat "$_n/address") $(cat "$_n/addr_assign_type")"
	done
}
section reset/run.vfnet vfnet 0
section reset/journal cat /var/lib/sriovctl/journal.json
section reset/restore "$S" restore --json
section reset/restore.ip "$IP" -j -d link show dev "$PFDEV"
section reset/restore.state state
# every VF, VF 2's MAC from a configuration
printf '[vf %s 2]\nmac = 02:44:44:44:44:02\n' "$PFDEV" >/tmp/reset.conf
chmod 600 /tmp/reset.conf
section reset/range "$S" vf "$PFDEV/0-1,3" reset --dry-run --json
section reset/all "$S" vf "$PFDEV/all" reset --config /tmp/reset.conf --json
section reset/all.ip "$IP" -j -d link show dev "$PFDEV"
section reset/all.state state
section reset/all.vfnet1 vfnet 1
section reset/again "$S" vf "$PFDEV/all" reset --config /tmp/reset.conf

# --- a VF netdev with an address on the host -------------------------------
N1="$(vf_netdev 1)" || note "VF 1 has no netdev"
"$IP" link set dev "$N1" up
"$IP" addr add 192.0.2.10/24 dev "$N1"
section netuse/show "$S" show "$PFDEV/1" --json
section netuse/unbind "$S" unbind "$PFDEV/1"
section netuse/disable "$S" disable "$PFDEV"
section netuse/state state
"$IP" addr flush dev "$N1"
"$IP" link set dev "$N1" down

# --- not root: every command that changes the host refuses (exit 3) --------
printf '[pf %s]\nnum_vfs = 2\n' "$PFDEV" >/tmp/priv.conf
chmod 644 /tmp/priv.conf
# util-linux's setpriv by path: busybox ash runs its own applet for a bare
# name, and busybox's setpriv cannot change uids
nobody() { /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
section privilege/before state
section privilege/enable nobody "$S" enable "$PFDEV" 2
section privilege/disable nobody "$S" disable "$PFDEV"
section privilege/vfset nobody "$S" vf "$PFDEV/0" set trust on
section privilege/vfreset nobody "$S" vf "$PFDEV/0" reset
section privilege/bind nobody "$S" bind "$VF0" vfio-pci
section privilege/unbind nobody "$S" unbind "$VF0"
section privilege/apply nobody "$S" apply /tmp/priv.conf
section privilege/restore nobody "$S" restore
section privilege/persist nobody "$S" persist --remove
section privilege/show nobody "$S" show "$PFDEV" --json
section privilege/state state

section disable "$S" disable "$PFDEV" --json
section disable.state state

# --- NVMe: VFs without a driver (autoprobe off) ----------------------------
section nvme/enable "$S" enable "$NVPF" 2 --autoprobe no --json
section nvme/state state
section nvme/disable "$S" disable "$NVPF"
section nvme/after state
exit 0
