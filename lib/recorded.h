/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_RECORDED_H
#define SRIOV_RECORDED_H

#include <stddef.h>
#include "sriov/error.h"
#include "sriov/sysroot.h"

/*
 * What capture stores beside the files it archives: each PF netdev's
 * RTM_NEWLINK reply, replayed under --root in place of rtnetlink. Internal.
 */
#define RECORDED_RTNL_DIR "/.sriovctl/rtnl"
#define RECORDED_RTNL_MAX (1u << 20)

/*
 * Reads the stored reply of netdev ifname from the tree. *msg is malloc'd
 * (free it) on success. -EINVAL for a name that is no path component,
 * -ENOENT when the tree has none.
 */
int recorded_rtnl_read(struct sriov_root *r, const char *ifname, char **msg, size_t *len,
		       struct sriov_err *e);

#endif
