/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_DEVLINK_INTERNAL_H
#define SRIOV_DEVLINK_INTERNAL_H

/* What lib/devlink.c shares with the socket side (lib/devlink_sock.c). Internal. */
#include <stdbool.h>
#include <linux/netlink.h>

/*
 * True when the devlink message nlh (whole, 4-byte aligned) names the
 * instance bus/dev in its DEVLINK_ATTR_BUS_NAME and DEVLINK_ATTR_DEV_NAME.
 */
bool devlink_msg_is_of(const struct nlmsghdr *nlh, const char *bus, const char *dev);

#endif
