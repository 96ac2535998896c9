/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_NETDEVSIM_INTERNAL_H
#define SRIOV_NETDEVSIM_INTERNAL_H

/*
 * netdevsim devices as PFs (lib/netdevsim.c). Internal: the inventory, DEV
 * arguments and the VF commands' PF lookup share these.
 */

#include <stdbool.h>
#include <stddef.h>
#include "sriov/error.h"
#include "sriov/sysroot.h"

#define NETDEVSIM_BUS "netdevsim"

/* "netdevsimN" (N decimal, no leading zero) that fits a struct pf's addr_str. */
bool netdevsim_name_ok(const char *name);

/*
 * What a journal or plan step names for a netdevsim PF or VF, in place of a
 * PCI address: "netdevsimN", or "netdevsimN/INDEX" (a DEV for its VF).
 */
bool netdevsim_target_ok(const char *s);

/*
 * The device of a netdevsim netdev from its /sys/class/net/NAME link target
 * ("../../devices/netdevsim10/net/eth1"): 0 with dev (32 bytes) set, or
 * -ENOENT.
 */
int netdev_link_netdevsim(const char *target, char dev[32]);

/* A netdev of device dev that is a VF representor (phys_port_name "pfNvfM"). */
bool netdevsim_is_representor(struct sriov_root *r, const char *dev, const char *name);

/*
 * The PF netdev of netdevsim device dev: the first (by name) of its net/
 * entries that is not a VF representor (phys_port_name "pfNvfM"), and its
 * ifindex (0 when unreadable). -ENOENT when it has none.
 */
int netdevsim_pf_netdev(struct sriov_root *r, const char *dev, char ifname[16],
			int *ifindex);

#endif
