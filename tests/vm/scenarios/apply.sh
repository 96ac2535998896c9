#!/bin/sh
# Issue 5 on the real kernel: `apply` from a clean host, idempotence and
# --check, a changed file, concurrent runs, SIGKILL half-way, `restore`, and
# at the second boot the command the systemd unit runs (its ExecStart line,
# read from the unit sriovctl installs). check_apply.py judges the result.
#
# Boot 1 ends by saving /etc/sriovctl.conf and /var/lib/sriovctl on the
# scratch disk (/dev/vda, a tar archive); boot 2 unpacks them first, as a
# host's disk would keep them.
# vm-boots: 2
# vm-disk: yes
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh
S="$SRIOVCTL"

IGB="$(find_pf 8086 10c9)" || { note "no igb PF"; exit 1; }
NVME="$(find_pf 1b36 0010)" || { note "no NVMe PF"; exit 1; }
for n in "$IGB"/net/*; do PFDEV="${n##*/}"; done
UNIT=/usr/lib/systemd/system/sriovctl.service

boot=1
for a in $(cat /proc/cmdline); do
	case "$a" in sriov.boot=*) boot="${a#sriov.boot=}" ;; esac
done

# snap NAME: sysfs state, ip's view of the VFs, and the journal
snap() {
	section "$1.state" state
	section "$1.ip" "$IP" -j -d link show dev "$PFDEV"
}

# exec_start: the ExecStart= command of the installed unit
exec_start() {
	sed -n 's/^ExecStart=//p' "$UNIT" | head -n 1
}

if [ "$boot" = 2 ]; then
	section boot2/unpack tar -xf /dev/vda -C /
	section boot2/unit cat "$UNIT"
	snap boot2/pre
	cmd="$(exec_start)"
	note "running the unit's ExecStart: $cmd"
	# shellcheck disable=SC2086  # the unit's command line, split like systemd does
	section boot2/execstart $cmd
	snap boot2/after
	section boot2/check "$S" apply --check --json
	exit 0
fi

mkdir -p /etc/sriovctl.d
section unit cat "$UNIT"
snap clean

# --- 1. from a clean host -----------------------------------------------------
cat >/tmp/a.conf <<EOF
# four VFs: stable MACs, VLAN 100 and trust on 0-1, VF 3 for a VM
[pf $PFDEV]
num_vfs = 4
mac = auto
spoofchk = off

[vf $PFDEV 0-1]
vlan = 100
trust = on

[vf $PFDEV 3]
driver = vfio-pci
EOF
chmod 600 /tmp/a.conf
section a/dry "$S" apply /tmp/a.conf --dry-run --json
section a/check-before "$S" apply /tmp/a.conf --check --json
section a/apply "$S" apply /tmp/a.conf --json
snap a
section a/journal cat /var/lib/sriovctl/journal.json
section a/again "$S" apply /tmp/a.conf --json
section a/check "$S" apply /tmp/a.conf --check --json

# --- 2. a changed file changes only what differs -------------------------------
sed 's/^vlan = 100/vlan = 200/' /tmp/a.conf >/tmp/b.conf
chmod 600 /tmp/b.conf
section b/apply "$S" apply /tmp/b.conf --json
snap b

# --- 3. bad configuration: nothing changes ----------------------------------------
printf '[pf %s]\nnum_vfs = 2\n[vf %s 0]\nvlan = 5000\n' "$PFDEV" "$PFDEV" >/tmp/bad.conf
chmod 600 /tmp/bad.conf
section bad/apply "$S" apply /tmp/bad.conf
snap bad

# --- 4. two applies at once serialize -------------------------------------------------
sed 's/^spoofchk = off/spoofchk = on/' /tmp/b.conf >/tmp/c.conf
chmod 600 /tmp/c.conf
"$S" apply /tmp/c.conf --json >/tmp/c1.out 2>/tmp/c1.err &
p1=$!
"$S" apply /tmp/c.conf --json >/tmp/c2.out 2>/tmp/c2.err &
p2=$!
wait "$p1"
r1=$?
wait "$p2"
r2=$?
section conc/1 sh -c "cat /tmp/c1.out; exit $r1"
section conc/2 sh -c "cat /tmp/c2.out; exit $r2"
snap conc

# --- 5. SIGKILL half-way, then again --------------------------------------------------
# d: two VFs, other VLANs; the run is killed right after its 3rd change is
# journaled (test-only fault point), then by a timer in a second try.
sed -e 's/^num_vfs = 4/num_vfs = 2/' -e 's/^vlan = 200/vlan = 300/' \
	-e '/^\[vf .* 3\]/,$d' /tmp/c.conf >/tmp/d.conf
chmod 600 /tmp/d.conf
SRIOVCTL_FAULT_KILL_STEP=3 "$S" apply /tmp/d.conf --json >/tmp/k.out 2>&1
section kill/rc sh -c "echo killed-by-fault-point; exit $?"
snap kill
section kill/journal cat /var/lib/sriovctl/journal.json
section kill/again "$S" apply /tmp/d.conf --json
snap killed-again
section kill/check "$S" apply /tmp/d.conf --check --json
# a timer kill somewhere in a run that recreates the VFs
"$S" apply /tmp/c.conf --json >/tmp/t.out 2>&1 &
tp=$!
sleep 1
kill -9 "$tp" 2>/dev/null
wait "$tp"
note "timer kill: apply exit status $?"
section tkill/again "$S" apply /tmp/c.conf --json
section tkill/check "$S" apply /tmp/c.conf --check --json
snap tkill

# --- 6. restore: back to what was there before apply ----------------------------
section restore/all "$S" restore --json
snap restore-all
# a host set up by hand (4 VFs, VF 2 with its own MAC and VLAN), then apply,
# then restore: VF settings and drivers as they were by hand
"$S" enable "$PFDEV" 4 >/dev/null 2>&1
"$S" vf "$PFDEV/2" set mac 02:00:00:00:02:02 vlan 7 >/dev/null 2>&1
snap hand
section restore/apply "$S" apply /tmp/a.conf --json
snap hand-applied
section restore/dry "$S" restore --dry-run --json
section restore/run "$S" restore --json
snap restored
section restore/again "$S" restore --json

# --- 6b. mtu of the VFs' own netdevs (igbvf), msix refused (igb has none) ------------
for n in "$IGB"/virtfn0/net/*; do VF0NET="${n##*/}"; done
for n in "$IGB"/virtfn1/net/*; do VF1NET="${n##*/}"; done
section mtu/pf "$IP" -j link show dev "$PFDEV"
section mtu/set "$S" vf "$PFDEV/0" set mtu 1400 --json
section mtu/vf0 "$IP" -j link show dev "$VF0NET"
section mtu/above "$S" vf "$PFDEV/0" set mtu 9000
section mtu/vf0-above "$IP" -j link show dev "$VF0NET"
section mtu/show "$S" vf "$PFDEV/0-1" show --json
printf '[vf %s 1]\nmtu = 1300\n' "$PFDEV" >/tmp/m.conf
chmod 600 /tmp/m.conf
section mtu/apply "$S" apply /tmp/m.conf --json
section mtu/vf1 "$IP" -j link show dev "$VF1NET"
section mtu/check "$S" apply /tmp/m.conf --check --json
section mtu/restore "$S" restore --json
section mtu/vf1-restored "$IP" -j link show dev "$VF1NET"
section msix/total cat "$IGB/sriov_vf_total_msix"
section msix/set "$S" vf "$PFDEV/0" set msix 2

# --- 7. the host's configuration, kept for the second boot ------------------------------
cp /tmp/c.conf /etc/sriovctl.conf
chmod 600 /etc/sriovctl.conf
# from no VFs, so that what boot 1 ends with is the configuration alone
"$S" disable "$PFDEV" --force >/dev/null 2>&1
section final/apply "$S" apply --json
snap final
section final/save tar -cf /dev/vda -C / etc/sriovctl.conf etc/sriovctl.d var/lib/sriovctl
exit 0
