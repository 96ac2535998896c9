#!/bin/bash
# Runs the main commands of a non-sanitized build under valgrind against a
# recorded tree and a dump; any error or leak fails. Ends with "N passed, N failed".
# Each run's result goes to build-valgrind/results.tsv (scripts/figures.sh).
set -euo pipefail

top="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
build="$top/build-valgrind"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --buildtype=debug -Dtests=false >/dev/null
fi
ninja -C "$build" >/dev/null
bin="$build/tools/sriovctl/sriovctl"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/root"
tar -xf "$top"/tests/fixtures/generated-x710-2pf.tar -C "$tmp/root"
# a tree captured in the test VM (igb with 4 VFs, the rtnetlink answer with the
# PF's permanent MAC); capture does not archive driver_override: add it
mkdir "$tmp/vm"
tar -xf "$top"/tests/fixtures/vm-igb-nvme-vf4.tar -C "$tmp/vm"
# (and no drivers that were not bound at capture time: add vfio-pci's)
for d in "$tmp"/vm/sys/bus/pci/devices/*; do echo '(null)' >"$d/driver_override"; done
mkdir -p "$tmp/vm/sys/bus/pci/drivers/vfio-pci"

pass=0
fail=0
results="$build/results.tsv"
printf 'command\targs\texpected\tresult\n' >"$results"
# vg RC ARGS...: run sriovctl ARGS under valgrind; a valgrind error or leak,
# or an exit status other than RC, fails
vg() {
	local want="$1" rc=0
	shift
	valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect "$bin" "$@" >/dev/null 2>"$tmp/vg.log" || rc=$?
	if [ "$rc" = 99 ]; then
		echo "valgrind FAIL: sriovctl $*"
		cat "$tmp/vg.log"
		fail=$((fail + 1))
		printf '%s\t%s\t%s\tvalgrind error\n' "$1" "$*" "$want" >>"$results"
	elif [ "$rc" != "$want" ]; then
		echo "valgrind FAIL: sriovctl $*: exit status $rc, expected $want"
		grep -v "unhandled amd64-linux syscall: 437\|You may be able to\|This could cause\|possible causes\|syscall table\|README_MISSING_SYSCALL\|Nevertheless we consider\|so we must" "$tmp/vg.log" | head -n 5
		fail=$((fail + 1))
		printf '%s\t%s\t%s\texit %s\n' "$1" "$*" "$want" "$rc" >>"$results"
	else
		pass=$((pass + 1))
		printf '%s\t%s\t%s\tclean\n' "$1" "$*" "$want" >>"$results"
	fi
}
dump="$top/tests/data/pci-dumps/intel-82576-10c9-pciutils-cap-pcie-2.txt"
r=(--root "$tmp/root")
v=(--root "$tmp/vm")
vg 0 list "${r[@]}"
vg 0 list --json "${r[@]}"
vg 0 show "${r[@]}"
vg 0 show --json "${r[@]}"
vg 0 show enp1s0f0/0-1 --json "${r[@]}"
vg 2 show nosuch "${r[@]}"
vg 0 show --json "${v[@]}"
vg 0 groups "${v[@]}"
vg 0 groups --json "${r[@]}"
vg 0 show 0000:00:1f.0 "${v[@]}"
vg 0 show 0000:00:1f.0 --json "${v[@]}"
vg 2 show 0000:3f:1f.7 "${v[@]}"
vg 0 decode "$dump"
vg 0 decode --json "$dump"
vg 2 decode "$top/tests/data/pci-dumps/intel-x710-1572-vpp-notes.txt"
vg 0 capture "$tmp/c.tar" "${r[@]}"
# the mutating commands: validation and plans on the trees (no kernel there)
vg 0 enable enp1s0f0 2 --dry-run --json "${r[@]}"
vg 2 enable enp1s0f0 999 "${r[@]}"
vg 0 enable eth0 2 --dry-run "${v[@]}"
vg 0 disable enp1s0f0 --dry-run "${r[@]}"
vg 0 vf eth0/all set mac auto vlan 100 spoofchk off trust on --dry-run --json "${v[@]}"
vg 2 vf eth0/all set mac auto vlan 100 "${v[@]}"
vg 2 vf enp1s0f0/0 set vlan 4096 "${r[@]}"
vg 0 vf eth0/0-1 show --json "${v[@]}"
vg 0 vf eth0/all reset --dry-run --json "${v[@]}"
vg 0 vf 0000:02:00.0/all reset --dry-run "${v[@]}"
vg 2 vf eth0/all reset "${v[@]}"
vg 2 vf eth0/9 reset --dry-run "${v[@]}"
vg 0 bind eth0/0 vfio-pci --dry-run --json "${v[@]}"
vg 0 bind eth0/0-3 vfio-pci --dry-run "${v[@]}"
vg 2 bind eth0/0 ../evil "${v[@]}"
vg 0 unbind eth0/1 --dry-run "${v[@]}"
vg 0 check "${v[@]}"
vg 1 check --json eth0 --kmsg "$top/tests/data/kmsg/bus-range.kmsg" "${v[@]}"
vg 0 check --kmsg "$top/tests/data/check/platform/not-a-log.txt" "${v[@]}"
vg 2 check --kmsg "$tmp/nosuch.log" "${v[@]}"
# devlink: synthetic mlx5 (switchdev) replies for the igb PF's address
# (tests/devlink_replies.py), on their own copy of the VM tree
mkdir "$tmp/dl"
tar -xf "$top"/tests/fixtures/vm-igb-nvme-vf4.tar -C "$tmp/dl"
python3 "$top/tests/devlink_replies.py" "$tmp/dl" mlx5 0000:01:00.0 4
echo 1500 >"$tmp/dl/sys/class/net/eth0/mtu"
dl=(--root "$tmp/dl")
vg 0 show eth0 "${dl[@]}"
vg 0 show --json "${dl[@]}"
vg 0 vf eth0/1 show --json "${dl[@]}"
vg 0 pf eth0 show "${dl[@]}"
vg 0 pf 0000:01:00.0 show --json "${dl[@]}"
vg 1 pf eth0 set eswitch legacy --dry-run "${dl[@]}" # a rate node: refused
vg 0 vf eth0/1-2 set tx_max 200 rate_group grp2 hw_addr 02:00:00:00:00:01 --dry-run "${dl[@]}"
vg 0 vf eth0/1 reset --dry-run --no-config --json "${dl[@]}"
python3 "$top/tests/devlink_replies.py" "$tmp/dl" mlx5-flat 0000:01:00.0 4
vg 0 pf eth0 set eswitch legacy inline_mode link mtu 9000 --dry-run --json "${dl[@]}"
vg 0 pf eth0 set mtu 9000 "${dl[@]}"
vg 0 restore "${dl[@]}"
vg 2 pf eth0 set eswitch switchdevv "${dl[@]}"
vg 0 capture "$tmp/dl.tar" "${dl[@]}"
# export: every format, the configuration (mac auto), refusals
vg 0 export eth0/0 --format libvirt "${v[@]}"
vg 0 export eth0/1 --format libvirt --json --unmanaged "${v[@]}"
vg 0 export eth0 --format libvirt-network "${v[@]}"
vg 0 export 0000:02:00.1 --format libvirt-hostdev "${v[@]}"
vg 0 export eth0/0 --format qemu --json "${v[@]}"
vg 0 export eth0/0 --format proxmox --vmid 100 --hostpci 3 "${v[@]}"
mkdir -p "$tmp/vm/etc"
printf '[vf eth0 1]\nmac = auto\nvlan = 9\n' >"$tmp/vm/etc/export-vg.conf"
chmod 644 "$tmp/vm/etc/export-vg.conf"
vg 0 export eth0/1 --format libvirt --config /etc/export-vg.conf "${v[@]}"
vg 0 vf eth0/1 reset --dry-run --json --config /etc/export-vg.conf "${v[@]}"
vg 2 export eth0 --format libvirt "${v[@]}"
vg 2 export eth0/9 --format qemu "${v[@]}"
# persist on its own copy of the VM tree (its configuration would change what
# export reads): both methods, --remove, refusals; systemctl --root is a child
# process (not traced), and only runs where systemctl exists
mkdir "$tmp/persist"
tar -xf "$top"/tests/fixtures/vm-igb-nvme-vf4.tar -C "$tmp/persist"
p=(--root "$tmp/persist")
vg 2 persist "${p[@]}"
mkdir -p "$tmp/persist/etc"
printf '[pf eth0]\nnum_vfs = 4\n' >"$tmp/persist/etc/sriovctl.conf"
chmod 644 "$tmp/persist/etc/sriovctl.conf"
vg 0 persist --dry-run --json "${p[@]}"
vg 2 persist --method initrd "${p[@]}"
if command -v systemctl >/dev/null; then
	vg 0 persist --json "${p[@]}"
	vg 0 persist --remove "${p[@]}"
fi
vg 1 persist --method modprobe "${p[@]}"
mkdir -p "$tmp/persist/proc/sys/kernel" "$tmp/persist/lib/modules"
echo 6.1.0-test >"$tmp/persist/proc/sys/kernel/osrelease"
cp -r "$top"/tests/data/persist/modules/6.1.0-test "$tmp/persist/lib/modules/"
vg 0 persist --method modprobe --json "${p[@]}"
vg 0 persist --method modprobe --remove "${p[@]}"
printf '[pf 0000:02:00.0]\nnum_vfs = 2\n' >"$tmp/persist/etc/sriovctl.conf"
vg 2 persist --method modprobe "${p[@]}"
# apply and restore on their own copy: a plan, the changes a tree can take
# (autoprobe, driver_override), the journal, --check, then restore
mkdir "$tmp/apply"
tar -xf "$top"/tests/fixtures/vm-igb-nvme-vf4.tar -C "$tmp/apply"
a=(--root "$tmp/apply")
printf '[pf eth0]\nautoprobe = no\n[pf 0000:02:00.0]\nautoprobe = no\n' >"$tmp/apply.conf"
chmod 600 "$tmp/apply.conf"
printf '[pf eth0]\nnum_vfs = 99\n' >"$tmp/apply-bad.conf"
chmod 600 "$tmp/apply-bad.conf"
vg 0 apply --dry-run --json "$tmp/apply.conf" "${a[@]}"
vg 1 apply --check "$tmp/apply.conf" "${a[@]}"
vg 0 apply --json "$tmp/apply.conf" "${a[@]}"
vg 0 apply --check "$tmp/apply.conf" "${a[@]}"
vg 2 apply "$tmp/apply-bad.conf" "${a[@]}"
vg 0 restore --dry-run --json "${a[@]}"
vg 0 restore "${a[@]}"
vg 0 list
vg 0 --help
echo "valgrind: $pass passed, $fail failed"
[ "$fail" = 0 ]
