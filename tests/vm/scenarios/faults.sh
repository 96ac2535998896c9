#!/bin/sh
# Issue 6, faults on the real kernel: the driver refusing a VF setting
# (EINVAL), a VF held by a process during disable, three applies at once,
# SIGKILL in the middle of apply and of enable, a sysfs write that blocks
# (the test-only SRIOVCTL_FAULT_BLOCK_WRITE), and the PF removed from sysfs
# during an apply. The scenario only records: each command's output and exit
# status, the kernel's view after it (state, ip) and the journal.
# check_faults.py judges.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh
S="$SRIOVCTL"
J=/var/lib/sriovctl/journal.json

IGB="$(find_pf 8086 10c9)" || { note "no igb PF"; exit 1; }
# shellcheck disable=SC2034  # state() in lib.sh reads it
NVME="$(find_pf 1b36 0010)" || { note "no NVMe PF"; exit 1; }
ADDR="${IGB##*/}"
for n in "$IGB"/net/*; do PFDEV="${n##*/}"; done

# snap NAME: sysfs state and ip's view of the PF's VFs
snap() {
	section "$1.state" state
	section "$1.ip" "$IP" -j -d link show dev "$PFDEV"
}

# journal NAME: the journal as the last run left it
journal() { section "$1.journal" cat "$J"; }

# conf FILE: the configuration on stdin, mode 0600
conf() {
	cat >"$1"
	chmod 600 "$1"
}

# timed NAME CMD...: section NAME, and NAME.time "START END" (uptime
# seconds); the command's output stays in /tmp/timed.out and .err
timed() {
	_t0="$(cut -d' ' -f1 /proc/uptime)"
	section "$@"
	_trc=$?
	cp /tmp/sec.out /tmp/timed.out
	cp /tmp/sec.err /tmp/timed.err
	section "$1.time" echo "$_t0 $(cut -d' ' -f1 /proc/uptime)"
	return $_trc
}

# pid_in FILE: the first "pid N" or "process N" named in FILE
pid_in() {
	sed -n -e 's/.*(pid \([0-9][0-9]*\)).*/\1/p' \
		-e 's/.*process \([0-9][0-9]*\).*/\1/p' "$1" | head -n 1
}

# stop_writer NAME PID: record that the stuck writer PID still runs, end it
stop_writer() {
	section "$1" sh -c "[ -n '$2' ] && cat /proc/$2/comm"
	[ -n "$2" ] && kill "$2" 2>/dev/null
	sleep 0.2
}

# vf_addr I: the address of the igb PF's VF I
vf_addr() { basename "$(readlink "$IGB/virtfn$1")"; }

# hold_vf I: bind VF I to vfio-pci and keep its /dev/vfio group open from a
# background process; HOLDER = its pid
hold_vf() {
	section "$1/bind" "$S" bind "$PFDEV/$2" vfio-pci
	_g="$(basename "$(readlink "$PCI/$(vf_addr "$2")/iommu_group")")"
	sleep 600 <>"/dev/vfio/$_g" &
	HOLDER=$!
	sleep 0.3
	section "$1/holder" echo "$HOLDER $_g"
}

mkdir -p /etc/sriovctl.d
snap clean

# --- 1. the driver refuses a setting (igb: min_tx_rate -> EINVAL) ---------------
conf /tmp/e1.conf <<EOF
[pf $PFDEV]
num_vfs = 2

[vf $PFDEV 0]
vlan = 10
min_tx_rate = 10

[vf $PFDEV 1]
vlan = 11
EOF
grep -v '^min_tx_rate' /tmp/e1.conf >/tmp/e2.conf
chmod 600 /tmp/e2.conf
section einval/apply "$S" apply /tmp/e1.conf --json
snap einval/apply
journal einval/apply
section einval/text "$S" apply /tmp/e1.conf
journal einval/text
section einval/vfset "$S" vf "$PFDEV/1" set trust on min_tx_rate 10
snap einval/vfset
section einval/fixed "$S" apply /tmp/e2.conf --json
journal einval/fixed
section einval/check "$S" apply /tmp/e2.conf --check --json
snap einval/fixed

# --- 2. a VF held by a process (its vfio group open) during disable ---------------
hold_vf held 0
section held/disable "$S" disable "$PFDEV"
snap held/refused
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
section held/disable2 "$S" disable "$PFDEV"
snap held/released
# --force while it is held: what the kernel and sriovctl do
section held/reenable "$S" enable "$PFDEV" 2
hold_vf held/f 0
timed held/force "$S" disable "$PFDEV" --force --timeout 5 --json
snap held/forced
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
sleep 1
snap held/after-force

# --- 3. three applies at once ----------------------------------------------------------
conf /tmp/c.conf <<EOF
[pf $PFDEV]
num_vfs = 3

[vf $PFDEV 0-2]
vlan = 30
spoofchk = off
EOF
for k in 1 2 3; do
	(
		"$S" apply /tmp/c.conf --json >"/tmp/c$k.out" 2>"/tmp/c$k.err"
		echo $? >"/tmp/c$k.rc"
	) &
done
wait
for k in 1 2 3; do
	section "conc/$k" sh -c "cat /tmp/c$k.out; cat /tmp/c$k.err >&2; exit $(cat /tmp/c$k.rc)"
done
journal conc
snap conc
section conc/check "$S" apply /tmp/c.conf --check --json

# --- 4. SIGKILL in the middle of apply and of enable ------------------------------
# at the num_vfs step (3 -> 4: journaled, killed before the write)
sed 's/^num_vfs = 3/num_vfs = 4/; s/^\[vf \(.*\) 0-2\]/[vf \1 0-3]/' /tmp/c.conf >/tmp/k1.conf
chmod 600 /tmp/k1.conf
SRIOVCTL_FAULT_KILL_STEP=1 "$S" apply /tmp/k1.conf --json >/tmp/k.out 2>&1
section kill/numvfs sh -c "exit $?"
journal kill/numvfs
snap kill/numvfs
section kill/numvfs-again "$S" apply /tmp/k1.conf --json
section kill/numvfs-check "$S" apply /tmp/k1.conf --check --json
snap kill/numvfs-again
# at a VF step (the count stays: the first change is a VF's)
sed 's/^vlan = 30/vlan = 40/' /tmp/k1.conf >/tmp/k2.conf
chmod 600 /tmp/k2.conf
SRIOVCTL_FAULT_KILL_STEP=2 "$S" apply /tmp/k2.conf --json >/tmp/k.out 2>&1
section kill/vf sh -c "exit $?"
journal kill/vf
snap kill/vf
section kill/vf-again "$S" apply /tmp/k2.conf --json
section kill/vf-check "$S" apply /tmp/k2.conf --check --json
journal kill/vf-again
snap kill/vf-again
# enable killed while the kernel creates the VFs (the first virtfn link seen)
section kill/enable-pre "$S" disable "$PFDEV"
"$S" enable "$PFDEV" 4 >/tmp/ke.out 2>&1 &
kp=$!
i=0
while [ ! -e "$IGB/virtfn0" ] && [ "$i" -lt 400 ]; do
	sleep 0.01
	i=$((i + 1))
done
kill -9 "$kp"
wait "$kp"
section kill/enable sh -c "echo polls $i; exit $?"
snap kill/enable
section kill/enable-again "$S" enable "$PFDEV" 4
snap kill/enable-again

# --- 5. a sysfs write that blocks (test-only fault injection) ---------------------
snap block/before
timed block/enable env SRIOVCTL_FAULT_BLOCK_WRITE=sriov_numvfs \
	"$S" enable "$PFDEV" 2 --timeout 3
stuck="$(pid_in /tmp/timed.err)"
snap block/enable
stop_writer block/enable-writer "$stuck"
snap block/enable-released
conf /tmp/b.conf <<EOF
[pf $PFDEV]
num_vfs = 2

[vf $PFDEV 0-1]
vlan = 50
EOF
timed block/apply env SRIOVCTL_FAULT_BLOCK_WRITE=sriov_numvfs \
	"$S" apply /tmp/b.conf --timeout 3 --json
stuck="$(pid_in /tmp/timed.out)"
journal block/apply
snap block/apply
# the next run while the writer is still stuck
timed block/locked "$S" apply /tmp/b.conf --lock-timeout 2 --json
stop_writer block/apply-writer "$stuck"
section block/again "$S" apply /tmp/b.conf --json
section block/check "$S" apply /tmp/b.conf --check --json
journal block/again
snap block/again

# --- 6. the PF removed from sysfs during an apply ---------------------------------
# VF 0's unbind blocks (fault injection, 10 s bound) while the PF is removed
conf /tmp/r.conf <<EOF
[pf $ADDR]
num_vfs = 2

[vf $ADDR 0-1]
vlan = 60
driver = vfio-pci
EOF
(
	sleep 3
	echo 1 >"$IGB/remove"
	echo removed >/tmp/removed
) &
rp=$!
timed remove/apply env SRIOVCTL_FAULT_BLOCK_WRITE=unbind "$S" apply /tmp/r.conf --json
stuck="$(pid_in /tmp/timed.out)"
wait "$rp"
journal remove/apply
section remove/gone sh -c "cat /tmp/removed; ls $PCI"
stop_writer remove/apply-writer "$stuck"
section remove/show "$S" show "$ADDR"
section remove/show-vf "$S" show "$ADDR/0"
section remove/list "$S" list --json
section remove/vfset "$S" vf "$PFDEV/0" set vlan 5
section remove/enable "$S" enable "$ADDR" 2
section remove/apply2 "$S" apply /tmp/r.conf --json
journal remove/apply2
echo 1 >/sys/bus/pci/rescan
i=0
while ! ls "$IGB"/net/* >/dev/null 2>&1 && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
for n in "$IGB"/net/*; do PFDEV="${n##*/}"; done
section remove/rescan sh -c "echo $PFDEV; cat $IGB/sriov_numvfs"
section remove/again "$S" apply /tmp/r.conf --json
section remove/check "$S" apply /tmp/r.conf --check --json
journal remove/again
snap remove/again
exit 0
