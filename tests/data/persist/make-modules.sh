#!/bin/sh
# Rebuilds modules/: two stand-in modules (an object file with only a
# .modinfo section each) and the index depmod makes of them.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rel=6.1.0-test
mkdir -p "$tmp/lib/modules/$rel/kernel/drivers/net" "$tmp/lib/modules/$rel/kernel/drivers/nvme"
cc -c -g0 -fno-ident -o "$tmp/lib/modules/$rel/kernel/drivers/net/igb.ko" modinfo-igb.c
cc -c -g0 -fno-ident -o "$tmp/lib/modules/$rel/kernel/drivers/nvme/nvme.ko" modinfo-nvme.c
depmod -b "$tmp" "$rel" 2>/dev/null
rm -rf modules
mkdir -p "modules/$rel/kernel/drivers/net" "modules/$rel/kernel/drivers/nvme"
for f in modules.dep.bin kernel/drivers/net/igb.ko kernel/drivers/nvme/nvme.ko; do
	cp "$tmp/lib/modules/$rel/$f" "modules/$rel/$f"
done
