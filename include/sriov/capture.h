/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_CAPTURE_H
#define SRIOV_CAPTURE_H

#include "error.h"
#include "sysroot.h"
#include "inventory.h"

/*
 * Writes a tar archive (libarchive, POSIX ustar/pax) of exactly what was
 * read through r while recording was on: each file with its contents, each
 * symlink on the way as a symlink, each listed directory with its symlink
 * and directory entries; plus each PF's raw rtnetlink reply (kept with
 * INV_KEEP_RTNL) as /.sriovctl/rtnl/<ifname>, each PF's devlink replies
 * (devlink.h) as /.sriovctl/devlink/<bus>/<dev>, and /.sriovctl/capture-info.
 * Extracted into a directory, the archive is a --root tree that the tool
 * reads as it read the host. out_path "-" writes to standard output.
 */
int sriov_capture_write(struct sriov_root *r, const struct inventory *inv,
			const char *out_path, struct sriov_err *e);

#endif
