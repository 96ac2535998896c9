/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_DEVLINK_COMPAT_H
#define SRIOV_DEVLINK_COMPAT_H

/*
 * devlink numbers that older kernel headers (Debian 12's 6.1) lack. They are
 * the kernel's stable ABI (include/uapi/linux/devlink.h, Linux 6.3 and later):
 * the port function's capabilities, a bitfield32 whose selector says which
 * ones the driver reports. Internal to lib/ and its tests.
 */
#include <linux/devlink.h>

#define DL_PORT_FN_ATTR_CAPS	  4 /* DEVLINK_PORT_FN_ATTR_CAPS */
#define DL_PORT_FN_CAP_ROCE	  (1u << 0)
#define DL_PORT_FN_CAP_MIGRATABLE (1u << 1)
#define DL_GENL_VERSION		  1 /* DEVLINK_GENL_VERSION */

#endif
