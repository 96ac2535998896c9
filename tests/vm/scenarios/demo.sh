#!/bin/sh
# User-facing demo (tests/vm/demo.sh prints it): what "$S" shows on a
# real kernel with an emulated Intel 82576 (igb) and an emulated NVMe
# controller, before and after enabling VFs, and a VF handed to a real VM
# (a second QEMU in this guest). Add new commands at the end (check comes
# first, right after the hardware listing).
# vm-layers: nested
# vm-memory: 2048
# vm-timeout: 600
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh
# busybox ash runs its own applets (ip!) before $PATH: call the real tools
# by full path ($IP, $LSPCI, $SRIOVCTL); demo_cmd shows them without it.
S="$SRIOVCTL"
VMMAC=02:00:00:5e:10:02 # VF 2's MAC, which the VM must see

IGB="$(find_pf 8086 10c9)" || { note "no igb PF"; exit 1; }
NVME="$(find_pf 1b36 0010)" || { note "no NVMe PF"; exit 1; }
PF="${IGB##*/}"
for n in "$IGB"/net/*; do PFDEV="${n##*/}"; done
# the PF's whole configuration space as hex, as a bug report carries it
# shellcheck disable=SC2317 # run through demo_cmd
dump_config() { "$LSPCI" -xxxx -s "$1" >/tmp/pf.txt; }
have_sriovctl || note "sriovctl is not in this guest: build it (tests/vm/build-sriovctl.sh) and rebuild the guest"

"$IP" link set dev "$PFDEV" up
wait_operstate "$PFDEV" || true

heading "The machine: SR-IOV devices as the kernel's own lspci sees them"
demo_cmd hw/lspci "$LSPCI" -nn -d ::0200
demo_cmd hw/lspci-nvme "$LSPCI" -nn -d ::0108

heading "Pre-flight: is this host ready for SR-IOV and VFIO?"
demo_cmd check/all "$S" check

heading "Before: no VFs enabled"
demo_cmd before/list "$S" list
demo_cmd before/show "$S" show
demo_cmd before/show-json "$S" show "$PF" --json
demo_cmd before/lspci-xxxx --as "lspci -xxxx -s $PF >/tmp/pf.txt" dump_config "$PF"
demo_cmd before/decode "$S" decode /tmp/pf.txt

heading "Enable 4 VFs on $PF ($PFDEV) and 2 on the NVMe (its VFs stay driverless)"
demo_cmd enable/igb "$S" enable "$PFDEV" 4
demo_cmd enable/nvme "$S" enable "${NVME##*/}" 2 --autoprobe no
demo_cmd enable/too-many "$S" enable "$PFDEV" 8

heading "Per-VF settings over rtnetlink: one process, one socket"
demo_cmd vf/set0 "$S" vf "$PFDEV/0" set mac 02:00:00:5e:10:00 vlan 100 qos 3
demo_cmd vf/set1 "$S" vf "$PFDEV/1" set mac auto spoofchk off trust on
demo_cmd vf/bad "$S" vf "$PFDEV/0" set vlan 4096
demo_cmd vf/show "$S" vf "$PFDEV/0-1" show
demo_cmd vf/ip "$IP" link show dev "$PFDEV"

heading "Hand VF 2 to a real VM: its MAC, vfio-pci, the QEMU arguments"
demo_cmd vm/mac "$S" vf "$PFDEV/2" set mac "$VMMAC"
demo_cmd bind/vfio "$S" bind "$PFDEV/2" vfio-pci
VF2="$(basename "$(readlink "$IGB/virtfn2")")"
demo_cmd vm/export "$S" export "$PFDEV/2" --format qemu
cp /tmp/sec.out /tmp/export.txt # section's stdout file (lib.sh)
if have_nested; then
	# the export's lines are QEMU arguments, word-split as a shell would
	# shellcheck disable=SC2046
	set -- $(grep -v '^#' /tmp/export.txt)
	nested_start demo-vm /tmp/vm.log "$@"
	G="$(basename "$(readlink "$PCI/$VF2/iommu_group")")"
	nested_wait_vfio "$NESTED_PID" "$G" || note "QEMU did not open /dev/vfio/$G"
	# the command line as the kernel has it; the exported arguments come last
	echo "=== CMD $(cmdline "$NESTED_PID" | sed 's|^/usr/bin/||')& ==="
	note "the VM (QEMU pid $NESTED_PID) boots; meanwhile sriovctl sees who holds the VF"
	demo_cmd held/show "$S" show "$PFDEV/2"
	demo_cmd held/disable "$S" disable "$PFDEV"
	note "the VM boots a kernel on an emulated CPU (no KVM): one to two minutes"
	nested_wait "$NESTED_PID" /tmp/vm.log 300 || note "the VM did not answer; its console: $(tail -n 5 /tmp/vm.log | tr '\n' ' ')"
	heading "What the VM sees: the VF (8086:10ca) on igbvf, with the MAC set on the host"
	note "the VM's own sysfs, printed on its serial console: PCI functions, then netdevs"
	demo_cmd vm/view --as "(in the VM) /sys/bus/pci/devices/*, /sys/class/net/*" guest_view /tmp/vm.log
	note "$(guest_view /tmp/vm.log | awk -v want="$VMMAC" '
		$1 == "pci" && $3 == "8086:10ca" { vf = $2 " (8086:10ca) on " $4 }
		$1 == "net" && $2 != "lo" {
			net = $2 " has MAC " $3 ($3 == want ? ", the one set on the host" : ", not " want)
		}
		END { printf "in the VM: the VF is %s; its netdev %s", vf ? vf : "missing", net ? net : "missing" }')"
else
	note "no nested layer in this guest (tests/vm/build-nested.sh): no VM started"
fi

heading "After: 4 + 2 VFs"
demo_cmd after/list "$S" list
demo_cmd after/show "$S" show
demo_cmd after/show-json "$S" show "$PF" --json
demo_cmd after/lspci-xxxx --as "lspci -xxxx -s $PF >/tmp/pf.txt" dump_config "$PF"
demo_cmd after/decode "$S" decode /tmp/pf.txt

heading "The VM is gone: reset VF 2 (clean settings, its own driver), then turn SR-IOV off"
demo_cmd end/reset "$S" vf "$PFDEV/2" reset
demo_cmd end/disable "$S" disable "$PFDEV"
demo_cmd end/disable-nvme "$S" disable "${NVME##*/}"
heading "Declarative: the shipped example configuration, applied"
note "the example (/usr/share/doc/sriovctl/examples/sriovctl.conf) names enp1s0f0; this guest's PF is $PFDEV. igb cannot set a VF's link_state (the kernel answers EOPNOTSUPP), so that line goes too"
sed -e "s/enp1s0f0/$PFDEV/g" -e '/^link_state/d' \
	/usr/share/doc/sriovctl/examples/sriovctl.conf >/etc/sriovctl.conf
chmod 600 /etc/sriovctl.conf
demo_cmd apply/config grep -v -e '^#' -e '^$' /etc/sriovctl.conf
note "[pf 8086:10c9] and [pf $PFDEV] both name this PF: the interface name section wins key by key (num_vfs 7), the other adds what it alone sets (spoofchk on)"
demo_cmd apply/dry-run "$S" apply --dry-run
demo_cmd apply/run "$S" apply
demo_cmd apply/check "$S" apply --check
demo_cmd apply/show "$S" vf "$PFDEV/0-2" show

heading "Hand VF 2 to a VM: the libvirt <interface>, and the QEMU argument"
demo_cmd export/libvirt "$S" export "$PFDEV/2" --format libvirt
demo_cmd export/qemu "$S" export "$PFDEV/2" --format qemu
exit 0
