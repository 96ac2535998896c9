/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_DEVARG_H
#define SRIOV_DEVARG_H

#include <stdbool.h>
#include "error.h"
#include "sysroot.h"
#include "pcicfg.h"

/*
 * A device argument (DEV): a PCI address ("0000:07:00.0", "07:00.0"), a
 * network interface name ("enp7s0f0"), a netdevsim device ("netdevsim10"),
 * each optionally with its devlink bus in front ("pci/0000:07:00.0",
 * "netdevsim/netdevsim10") and followed by "/INDEXES" to name VFs of that PF
 * ("enp7s0f0/3", "0000:07:00.0/0-3", "netdevsim10/all").
 *
 * bus_name/dev_name name the device as devlink does: "pci" and the address,
 * or "netdevsim" and "netdevsimN" (a netdevsim netdev resolves to its
 * device). On netdevsim, addr is all zero and addr_str holds dev_name.
 */
struct dev_ref {
	char bus_name[16];
	char dev_name[32];
	struct pci_addr addr;
	char addr_str[PCI_ADDR_STRLEN];
	char netdev[16];  /* set when DEV was given as a netdev name */
	bool has_vf_spec; /* "/INDEXES" was given */
	char vf_spec[64]; /* the text after '/' */
};

/*
 * Resolves arg against the root. -ENODEV ("no such device: X", with a hint to
 * run `sriovctl list`) when nothing matches; -EINVAL for a malformed argument.
 */
int sriov_dev_resolve(struct sriov_root *r, const char *arg, struct dev_ref *ref,
		      struct sriov_err *e);

/*
 * The PCI function of a netdev from its /sys/class/net/NAME link target
 * ("../../devices/pci0000:00/0000:00:02.0/0000:01:00.0/net/eth0"). -ENOENT
 * for a netdev that is not on PCI (lo, bridges, veth).
 */
int netdev_link_pci_addr(const char *target, struct pci_addr *a);

/*
 * Parses an index list ("3", "0-6", "all", "0,2,5-7") against count VFs into
 * sel[0..count-1]. -EINVAL for bad syntax, -ERANGE for an index >= count,
 * each with a message naming the index and the allowed range.
 */
int vf_index_spec_parse(const char *spec, unsigned int count, bool *sel,
			struct sriov_err *e);

/*
 * A driver name as a command-line argument or configuration value (bind,
 * vf_driver): 1 to 64 characters of [A-Za-z0-9_-] (so never a path).
 * -EINVAL with a message naming it.
 */
#define BIND_DRIVER_NAME_MAX 64
int bind_driver_name_check(const char *name, struct sriov_err *e);

#endif
