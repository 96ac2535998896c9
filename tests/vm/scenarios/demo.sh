#!/bin/sh
# User-facing demo (tests/vm/demo.sh prints it): what "$S" shows on a
# real kernel with an emulated Intel 82576 (igb) and an emulated NVMe
# controller, before and after enabling VFs. Add new commands at the end.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh
# busybox ash runs its own applets (ip!) before $PATH: call the real tools
# by full path ($IP, $LSPCI, $SRIOVCTL); demo_cmd shows them without it.
S="$SRIOVCTL"

IGB="$(find_pf 8086 10c9)" || { note "no igb PF"; exit 1; }
NVME="$(find_pf 1b36 0010)" || { note "no NVMe PF"; exit 1; }
PF="${IGB##*/}"
for n in "$IGB"/net/*; do PFDEV="${n##*/}"; done
have_sriovctl || note "sriovctl is not in this guest: build it (tests/vm/build-sriovctl.sh) and rebuild the guest"

"$IP" link set dev "$PFDEV" up
wait_operstate "$PFDEV" || true
echo 0 >"$NVME/sriov_drivers_autoprobe"   # NVMe VFs need management commands first

heading "The machine: SR-IOV devices as the kernel's own lspci sees them"
demo_cmd hw/lspci "$LSPCI" -nn -d ::0200
demo_cmd hw/lspci-nvme "$LSPCI" -nn -d ::0108

heading "Before: no VFs enabled"
demo_cmd before/list "$S" list
demo_cmd before/show "$S" show
demo_cmd before/show-json "$S" show "$PF" --json
"$LSPCI" -xxxx -s "$PF" >/tmp/pf.txt
demo_cmd before/decode "$S" decode /tmp/pf.txt

heading "Enable 4 VFs on $PF ($PFDEV) and 2 on the NVMe, through sysfs"
f="/sys/bus/pci/devices/$PF/sriov_numvfs"
demo_cmd enable/igb --as "echo 4 > $f" sh -c "echo 4 > $f"
f="/sys/bus/pci/devices/${NVME##*/}/sriov_numvfs"
demo_cmd enable/nvme --as "echo 2 > $f" sh -c "echo 2 > $f"
demo_cmd enable/vf0 "$IP" link set dev "$PFDEV" vf 0 mac 02:00:00:5e:10:00 vlan 100 qos 3
demo_cmd enable/vf1 "$IP" link set dev "$PFDEV" vf 1 spoofchk off trust on
sleep 1

heading "After: 4 + 2 VFs"
demo_cmd after/list "$S" list
demo_cmd after/show "$S" show
demo_cmd after/show-json "$S" show "$PF" --json
"$LSPCI" -xxxx -s "$PF" >/tmp/pf.txt
demo_cmd after/decode "$S" decode /tmp/pf.txt
demo_cmd after/ip "$IP" link show dev "$PFDEV"
exit 0
