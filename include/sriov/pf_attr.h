/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_PF_ATTR_H
#define SRIOV_PF_ATTR_H

#include <stddef.h>
#include "error.h"
#include "inventory.h"
#include "pf_setting.h"
#include "sysroot.h"

/*
 * A PF setting (pf_setting.h) on the host, through the root: the eswitch
 * keys over devlink (the PF's instance bus_name/dev_name; under --root the
 * recording, read only), mtu in /sys/class/net/NETDEV/mtu (lib/pf_attr.c).
 */

/*
 * The current value in the setting's syntax ("switchdev", "1500").
 * -ENOENT: no devlink instance; -EOPNOTSUPP: the driver has no eswitch
 * control or does not report that mode; -ENODEV: no PF netdev.
 */
int pf_attr_read(struct sriov_root *r, const struct pf *pf, enum pf_key key, char *buf,
		 size_t size, struct sriov_err *e);

/*
 * Whether the eswitch mode of pf (read with INV_USERS) may change now, in
 * the order its driver needs: -EBUSY with the reason and the remedy while
 * a VF is in use, and for ice while VFs exist (switchdev comes before VFs).
 */
int pf_eswitch_change_ok(const struct pf *pf, struct sriov_err *e);

/*
 * The kernel refuses an eswitch mode change while the instance has devlink
 * rate nodes (groups): -EBUSY naming them and how to remove them, else 0
 * (also when the instance cannot be read: the change itself will say).
 */
int pf_eswitch_rate_nodes_ok(struct sriov_root *r, const struct pf *pf,
			     struct sriov_err *e);

/* The driver changes the mode only while its VFs have no driver (mlx5). */
bool pf_eswitch_needs_unbound_vfs(const struct pf *pf);

/*
 * Sets the setting to value (canonical text from pf_value_parse()), then
 * reads it back: -EIO when it reads differently. The eswitch keys need the
 * live host (-EOPNOTSUPP under --root). The kernel's refusal is its -errno
 * with the extended-ack text.
 */
int pf_attr_write(struct sriov_root *r, const struct pf *pf, enum pf_key key,
		  const char *value, struct sriov_err *e);

#endif
