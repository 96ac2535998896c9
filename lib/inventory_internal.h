/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_INVENTORY_INTERNAL_H
#define SRIOV_INVENTORY_INTERNAL_H

/* Internal to the inventory: a netdevsim device as a PF (inventory_netdevsim.c). */

#include "sriov/inventory.h"

/*
 * Reads netdevsim device dev (netdevsim_name_ok()) into pf (zeroed): its
 * sriov_numvfs (num_vfs -1 when unreadable), debugfs max_vfs, driver and
 * module, its netdevs but the VF representors (names only), and unless
 * INV_PFS_ONLY its VFs (indexes only). 1 when dev has no sriov_numvfs (no
 * PF), 0, or -ENOMEM.
 */
int netdevsim_pf_read(struct sriov_root *r, const char *dev, unsigned int flags,
		      struct pf *pf);

#endif
