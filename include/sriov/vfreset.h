/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_VFRESET_H
#define SRIOV_VFRESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "sysroot.h"
#include "config.h"
#include "inventory.h"
#include "netlink.h"
#include "plan.h"

/*
 * `sriovctl vf DEV/INDEXES reset`: VFs back to a clean state once a VM is
 * done with them. Each VF setting goes back to its row's clean value in the
 * settings table (vfsetting.h: .reset, .reset_to): the MAC the configuration
 * gives the VF, else the zero MAC (the driver's default: igb forgets an
 * administratively set MAC), VLAN 0, qos 0, 802.1Q, rates 0, spoofchk on,
 * trust off, link state auto, query_rss off. A setting the driver does not
 * report is left alone (its value to put back would be unknown). The VF's
 * driver goes back to the kernel's choice: driver_override cleared, the VF
 * unbound and probed again (bind.h's BIND_DEFAULT) when an override is set
 * or no driver is bound.
 *
 * The steps are a plan (plan.h: PLAN_VF_ATTR per setting that differs,
 * then PLAN_DRIVER per VF) run like apply's: under the lock, each change
 * journaled before it is made, so `sriovctl restore` puts back what the
 * VFs had before. Refused, before anything changes, while a selected VF is
 * in use (usage.h: a process holds its /dev/vfio group, or its netdev is
 * up with addresses).
 */

/*
 * The clean value of key for VF index: the row's rule with configured (the
 * VF's resolved configuration; NULL none) and auto_mac (its "mac auto"
 * MAC; NULL when unknown). false when the row is not reset.
 */
bool vf_reset_value(enum vf_key key, const struct vf_settings *configured,
		    const uint8_t *auto_mac, struct vf_value *v);

/*
 * The clean values, from the table, for help and man pages: "mac: the
 * configured MAC, else 00:00:00:00:00:00; vlan 0; qos 0; ...".
 */
void vf_reset_list(char *buf, size_t size);

/*
 * The reset plan for VFs indexes ("3", "0-2,5", "all") of PF pf_addr in inv
 * (read with INV_USERS), with cfg (NULL: no configuration) for the MACs;
 * nl (may be NULL) reads the PF's permanent MAC for "mac auto". Nothing is
 * changed. Appends to p (zeroed). Returns 0, or: -ENODEV (no such PF in
 * inv), -EINVAL / -ERANGE (bad indexes; configuration sections that
 * disagree), -EBUSY (a VF in use: the message names each VF and its
 * users), -ENODATA ("mac auto" configured without a permanent MAC), -ENOMEM.
 */
int vf_reset_plan(struct sriov_root *r, struct rtnl *nl, const struct sriov_config *cfg,
		  const struct inventory *inv, const char *pf_addr, const char *indexes,
		  struct plan *p, struct sriov_err *e);

/*
 * Plans (vf_reset_plan() on the host as read now) and, unless o->dry_run,
 * carries the plan out under the lock: journal run "reset", the VF settings
 * (one request per kernel attribute per VF, read back), then the drivers.
 * The plan is made again under the lock, in-use check included. Returns 0
 * when every step is done (or none was needed), -EIO when some failed (res
 * says which), or -errno before any change (as vf_reset_plan(),
 * -ETIMEDOUT for the lock).
 */
int sriov_vf_reset(struct sriov_root *r, const struct sriov_config *cfg,
		   const char *pf_addr, const char *indexes, const struct apply_opts *o,
		   struct apply_result *res, struct sriov_err *e);

#endif
