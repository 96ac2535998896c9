#!/bin/sh
# SPDX-License-Identifier: MIT
# Remakes the mixed dumps (lspci's -v text and hex rows together, as users
# paste them) and their plain forms, all printed by lspci itself (pciutils):
#   NAME.vV.xX.txt  lspci -vV -xX, e.g. 82576.vvv.xxxx.txt = lspci -vvvxxxx
#   NAME.xX.txt     lspci -xX, the plain form the mixed ones must decode to
# 82576: lspci -F on tests/data/pci-dumps/intel-82576-10c9-pciutils-cap-pcie-2.txt
# (an SR-IOV PF). host: lspci -vvvxxxx of a test machine's own devices (as
# root), its plain forms made from that file with lspci -F.
# Usage: tests/data/mixed-dumps/make.sh [--host]   (--host also retakes host)
set -eu
cd "$(dirname "$0")"
src=../pci-dumps/intel-82576-10c9-pciutils-cap-pcie-2.txt
for x in x xxx xxxx; do
	lspci -"$x" -F "$src" > "82576.$x.txt"
	for v in v vv vvv; do
		lspci -"$v$x" -F "$src" > "82576.$v.$x.txt"
	done
done
if [ "${1:-}" = --host ]; then
	lspci -vvvxxxx > host.vvv.xxxx.txt
fi
lspci -xxxx -F host.vvv.xxxx.txt > host.xxxx.txt
lspci -vx -F host.vvv.xxxx.txt > host.v.x.txt
lspci -x -F host.vvv.xxxx.txt > host.x.txt
