#!/bin/sh
# Developer probe: raw facts, no checker; also exercises the binary channel
# (a tar archive shipped as base64, decoded on the host into sections/).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /scenarios/lib.sh
section lspci-vvv "$LSPCI" -vvv -nn -D
section sysfs sysfs_dump
section ip "$IP" -j -d link show
tar -cf /tmp/etc.tar /etc 2>/dev/null
blob etc.tar /tmp/etc.tar
