#!/bin/sh
# Benchmark (bench/vfset.sh runs it; not a test): set mac + vlan + spoofchk +
# trust on all 7 VFs of the igb PF with one `sriovctl vf PF/all set ...`
# against the 28 equivalent `ip link set PF vf N ...` commands, ITER times
# each. Times come from /proc/uptime (10 ms ticks), hence the repetitions.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh
S="$SRIOVCTL"
ITER=10

IGB="$(find_pf 8086 10c9)" || { note "no igb PF"; exit 1; }
for n in "$IGB"/net/*; do PFDEV="${n##*/}"; done
"$IP" link set dev "$PFDEV" up
wait_operstate "$PFDEV" || note "$PFDEV did not come up"
section enable "$S" enable "$PFDEV" 7

now() { cut -d' ' -f1 /proc/uptime; }

# the MACs "mac auto" gives, so that ip sets exactly the same values
"$S" vf "$PFDEV/all" set mac auto >/dev/null 2>&1
"$IP" -j link show dev "$PFDEV" | tr '{' '\n' | sed -n 's/.*"vf":\([0-9]*\),.*"address":"\([^"]*\)".*/\1 \2/p' >/tmp/macs
section macs cat /tmp/macs

t0=$(now)
i=0
while [ $i -lt $ITER ]; do
	"$S" vf "$PFDEV/all" set mac auto vlan $((100 + i)) spoofchk off trust on >/dev/null || note "sriovctl failed"
	i=$((i + 1))
done
t1=$(now)
section sriovctl-state "$IP" -j -d link show dev "$PFDEV"

i=0
while [ $i -lt $ITER ]; do
	while read -r vf mac; do
		"$IP" link set dev "$PFDEV" vf "$vf" mac "$mac"
		"$IP" link set dev "$PFDEV" vf "$vf" vlan $((100 + i))
		"$IP" link set dev "$PFDEV" vf "$vf" spoofchk off
		"$IP" link set dev "$PFDEV" vf "$vf" trust on
	done </tmp/macs
	i=$((i + 1))
done
t2=$(now)
section ip-state "$IP" -j -d link show dev "$PFDEV"

echo "iterations $ITER" >/tmp/result
echo "vfs $(wc -l </tmp/macs)" >>/tmp/result
echo "sriovctl_seconds $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" >>/tmp/result
echo "ip_seconds $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }')" >>/tmp/result
section result cat /tmp/result
