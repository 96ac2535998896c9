# shellcheck shell=sh
# Shared helpers for guest scenarios (sourced; busybox ash).
#
# Output protocol on stdout (the host splits it with tests/vm/vmout.py):
#   === BEGIN name ===            text section, then its lines
#   === BEGIN-BASE64 name ===     binary section, base64 lines
#   === END name rc=N ===         end, N = exit status of the command
#   === NOTE text ===             free-form progress note
# Section names may contain '/', which become directories on the host.

# shellcheck disable=SC2034  # used by the scenarios that source this
SRIOVCTL=/usr/bin/sriovctl
# shellcheck disable=SC2034
IP=/usr/bin/ip          # real iproute2, not the busybox applet
# shellcheck disable=SC2034
LSPCI=/usr/bin/lspci    # real pciutils
PCI=/sys/bus/pci/devices

note() { echo "=== NOTE [$(cut -d' ' -f1 /proc/uptime)] $* ==="; }

# section NAME CMD [ARGS...]: run CMD, its stdout becomes the section, its
# stderr the section NAME.stderr (only if non-empty).
section() {
	_sn="$1"; shift
	"$@" >/tmp/sec.out 2>/tmp/sec.err
	_rc=$?
	echo "=== BEGIN $_sn ==="
	cat /tmp/sec.out
	if [ -s /tmp/sec.out ] && [ "$(tail -c 1 /tmp/sec.out | wc -l)" -eq 0 ]; then echo; fi
	echo "=== END $_sn rc=$_rc ==="
	if [ -s /tmp/sec.err ]; then
		echo "=== BEGIN $_sn.stderr ==="
		cat /tmp/sec.err
		if [ "$(tail -c 1 /tmp/sec.err | wc -l)" -eq 0 ]; then echo; fi
		echo "=== END $_sn.stderr rc=0 ==="
	fi
	return $_rc
}

# blob NAME FILE: ship a binary file to the host (base64).
blob() {
	if [ -r "$2" ]; then
		echo "=== BEGIN-BASE64 $1 ==="
		base64 "$2"
		echo "=== END $1 rc=0 ==="
	else
		echo "=== BEGIN-BASE64 $1 ==="
		echo "=== END $1 rc=1 ==="
	fi
}

# run CMD...: run a mutating command, log it and its status as a note
run() {
	"$@" >/tmp/run.out 2>&1
	_rc=$?
	note "run rc=$_rc: $* $(tr '\n' ' ' </tmp/run.out)"
	return $_rc
}

have_sriovctl() { [ -x "$SRIOVCTL" ]; }

sriovctl_cmd() {
	if have_sriovctl; then
		"$SRIOVCTL" "$@"
	else
		echo "sriovctl is not in this guest (build it, then rebuild the guest)" >&2
		return 127
	fi
}

# find_pf VENDOR DEVICE: print the sysfs dir of the first SR-IOV PF with
# that id
find_pf() {
	for _d in "$PCI"/*; do
		[ -e "$_d/sriov_totalvfs" ] || continue
		if [ "$(cat "$_d/vendor")" = "0x$1" ] && [ "$(cat "$_d/device")" = "0x$2" ]; then
			echo "$_d"
			return 0
		fi
	done
	return 1
}

# sysfs_dump: one line per fact, "ADDR KEY VALUE", for every PCI function
sysfs_dump() {
	for _d in "$PCI"/*; do
		_a="${_d##*/}"
		for _f in vendor device class numa_node sriov_totalvfs sriov_numvfs \
			sriov_drivers_autoprobe sriov_offset sriov_stride sriov_vf_device \
			sriov_vf_total_msix driver_override; do
			[ -r "$_d/$_f" ] && echo "$_a $_f $(cat "$_d/$_f" 2>/dev/null)"
		done
		for _l in driver iommu_group physfn "$_d"/virtfn*; do
			_l="${_l##*/}"
			[ -L "$_d/$_l" ] && echo "$_a link:$_l $(readlink "$_d/$_l")"
		done
		if [ -d "$_d/net" ]; then
			for _nd in "$_d"/net/*; do
				[ -e "$_nd" ] || continue
				echo "$_a net ${_nd##*/} $(cat "$_nd/address") $(cat "$_nd/operstate")"
			done
		fi
	done
}

# wait_operstate IFNAME: give the link up to ~5 s to leave "down"/"unknown"
# so that the state is stable while the tools are compared
wait_operstate() {
	_i=0
	while [ "$_i" -lt 50 ]; do
		case "$(cat "/sys/class/net/$1/operstate" 2>/dev/null)" in
		up) return 0 ;;
		esac
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# set_numvfs PFDIR N: write sriov_numvfs through sysfs (via 0 if needed)
set_numvfs() {
	if [ "$(cat "$1/sriov_numvfs")" != 0 ] && [ "$2" != 0 ]; then
		run sh -c "echo 0 > '$1/sriov_numvfs'"
	fi
	run sh -c "echo '$2' > '$1/sriov_numvfs'"
}

# dump_state STATE PFDIR...: everything the host checker compares
dump_state() {
	_st="$1"; shift
	note "state $_st"
	section "$_st/sysfs" sysfs_dump
	section "$_st/sriovctl-show-json" sriovctl_cmd show --json
	section "$_st/sriovctl-list-json" sriovctl_cmd list --json
	section "$_st/lspci-vvv" "$LSPCI" -vvv -nn -D
	section "$_st/lspci-vmm" "$LSPCI" -vmm -nn -D
	section "$_st/ip-link" "$IP" -j -d link show
	for _pf in "$@"; do
		section "$_st/lspci-xxxx/${_pf##*/}" "$LSPCI" -xxxx -s "${_pf##*/}"
	done
	section "$_st/sysfs-after" sysfs_dump
	# what sriovctl reads, archived: replayed on the host with --root
	if have_sriovctl; then
		sriovctl_cmd capture "/tmp/capture-$_st.tar" >/dev/null 2>&1
		blob "$_st/capture.tar" "/tmp/capture-$_st.tar"
	fi
}

# heading TEXT: a heading for human-readable scenarios (demo)
heading() { echo "=== HEADING $* ==="; }

# demo_cmd NAME [--as TEXT] CMD...: like section, preceded by the command
# line for display (TEXT, or CMD with a leading /usr/bin/ dropped)
demo_cmd() {
	_dn="$1"; shift
	if [ "$1" = --as ]; then
		_dt="$2"; shift 2
	else
		_dt="$*"
		_dt="${_dt#/usr/bin/}"
	fi
	echo "=== CMD $_dt ==="
	section "$_dn" "$@"
}

# state: the kernel's view of the PFs $IGB and $NVME and their VFs, one
# fact a line (parsed by check_lifecycle.parse_state)
state() {
	for _p in "$IGB" "$NVME"; do
		echo "pf ${_p##*/} numvfs $(cat "$_p/sriov_numvfs") autoprobe $(cat "$_p/sriov_drivers_autoprobe")"
		for _l in "$_p"/virtfn*; do
			[ -L "$_l" ] || continue
			_v="$(readlink "$_l")"
			_v="${_v##*/}"
			_d=-
			[ -L "$PCI/$_v/driver" ] && _d="$(basename "$(readlink "$PCI/$_v/driver")")"
			_g=-
			[ -L "$PCI/$_v/iommu_group" ] && _g="$(basename "$(readlink "$PCI/$_v/iommu_group")")"
			_n=""
			for _nd in "$PCI/$_v"/net/*; do [ -e "$_nd" ] && _n="$_n ${_nd##*/}"; done
			echo "vf ${_p##*/} ${_l##*/virtfn} $_v driver $_d group $_g override $(cat "$PCI/$_v/driver_override") net$_n"
		done
	done
	for _f in /dev/vfio/*; do [ -e "$_f" ] && echo "vfio ${_f##*/}"; done
	return 0
}

# shellcheck disable=SC2034
DEVLINK=/usr/sbin/devlink  # iproute2's devlink
NSIM=/sys/bus/netdevsim

# netdevsim_load: load psample and the out-of-tree netdevsim.ko from the base
# layer (tests/vm/build-netdevsim.sh), which /init does not load
netdevsim_load() {
	[ -d "$NSIM" ] && return 0
	modprobe netdevsim
}

# ---- a VM of the guest's own: the one that gets the VF --------------------
# Scenarios with the header "# vm-layers: nested" (tests/vm/build-nested.sh)
# have QEMU, its firmware, a kernel and a tiny initramfs whose /init prints
# what that second-level guest sees (guest/nested-init) and powers off.
QEMU2=/usr/bin/qemu-system-x86_64
NESTED=/usr/share/sriov-nested

have_nested() { [ -x "$QEMU2" ] && [ -r "$NESTED/vmlinux" ]; }

# kernel arguments that skip boot work a CPU emulated twice makes slow:
# crypto self-tests, mitigation patching, timer and TSC checks (the boot to
# /init took ~75 s instead of ~100 s), IPv6, and the slowest initcalls
# (initcall_debug) this guest has no use for: self-tests of KDF, BLAKE2s,
# kprobe tracing, the X.509 and IMA setup, the RTC, the PS/2 controller
NESTED_BOOT="cryptomgr.notests mitigations=off nokaslr no_timer_check tsc=reliable ipv6.disable=1"
NESTED_BOOT="$NESTED_BOOT initcall_blacklist=crypto_kdf108_init,blake2s_mod_init,init_kprobe_trace"
NESTED_BOOT="$NESTED_BOOT,load_system_certificate_list,init_ima,init_encrypted,cmos_init,i8042_init"

# nested_start NAME LOG VMARGS...: start the second-level guest in the
# background (pid in $NESTED_PID), its serial console in LOG, QEMU's own
# messages in LOG.qemu. VMARGS (what `sriovctl export --format qemu`
# printed) are passed unchanged after this script's own lean arguments:
# TCG, one CPU, little memory, no default devices, no network but the VF.
nested_start() {
	_nn="$1"
	_nl="$2"
	shift 2
	"$QEMU2" -name "guest=$_nn,debug-threads=on" -accel tcg,tb-size=64 -cpu max -smp 1 \
		-m 128 -machine q35 -nodefaults -nographic -no-reboot -monitor none \
		-serial "file:$_nl" -L "$NESTED/rom" -kernel "$NESTED/vmlinux" \
		-initrd "$NESTED/initrd.img" -append "console=ttyS0 quiet panic=-1 $NESTED_BOOT" \
		"$@" </dev/null >"$_nl.qemu" 2>&1 &
	NESTED_PID=$!
}

# alive PID: the process exists and is no zombie
alive() {
	_st="$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)"
	[ -n "$_st" ] && [ "$_st" != Z ]
}

# holds_vfio PID GROUP: PID has /dev/vfio/GROUP open
holds_vfio() {
	for _fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$_fd" 2>/dev/null)" = "/dev/vfio/$2" ] && return 0
	done
	return 1
}

# nested_wait_vfio PID GROUP: wait up to 60 s for QEMU to open the VF's group
nested_wait_vfio() {
	_i=0
	while [ "$_i" -lt 120 ]; do
		holds_vfio "$1" "$2" && return 0
		alive "$1" || return 1
		sleep 0.5
		_i=$((_i + 1))
	done
	return 1
}

# nested_wait PID LOG LIMIT: wait up to LIMIT s for the guest to print its
# view (guest/nested-init) and for its QEMU to exit, with a progress note
# every 10 s; 1 when it did not (QEMU is then killed)
nested_wait() {
	_t0="$(cut -d. -f1 /proc/uptime)"
	_next=10
	while alive "$1"; do
		_el=$(($(cut -d. -f1 /proc/uptime) - _t0))
		if [ "$_el" -ge "$3" ]; then
			note "the VM did not finish in $3 s: stopping it"
			kill "$1"
			wait "$1" 2>/dev/null
			return 1
		fi
		if [ "$_el" -ge "$_next" ]; then
			if grep -q '=== GUEST-VIEW-END' "$2" 2>/dev/null; then
				note "the VM answered; it powers off (${_el} s)"
			else
				note "the VM is booting (${_el} s)"
			fi
			_next=$((_next + 10))
		fi
		sleep 1
	done
	wait "$1" 2>/dev/null
	note "the VM stopped after $(($(cut -d. -f1 /proc/uptime) - _t0)) s"
	grep -q '=== GUEST-VIEW-END' "$2"
}

# cmdline PID: the process's arguments, quoted where a shell needs it
cmdline() {
	tr '\0' '\n' <"/proc/$1/cmdline" | while IFS= read -r _a; do
		case "$_a" in
		*[!A-Za-z0-9_./:=,+-]*) printf "'%s' " "$_a" ;;
		*) printf '%s ' "$_a" ;;
		esac
	done
}

# guest_view LOG: the block the second-level guest printed
guest_view() {
	tr -d '\r' <"$1" | sed -n 's/.*\(=== GUEST-VIEW-BEGIN\)/\1/; /=== GUEST-VIEW-BEGIN/,/^=== GUEST-VIEW-END/p'
}
