/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_INVENTORY_VIEW_H
#define SRIOVCTL_INVENTORY_VIEW_H

/* Helpers shared by the commands that read the inventory (list, show, enable, vf...). */

#include "cli.h"

/* Opens the root, reads the inventory; prints the error; returns 0 or an exit code. */
int cli_load_inventory(struct cli *cli, unsigned int flags, struct inventory *inv);

/* Notes (e.g. "not root") go to stderr in text mode, once. */
void print_notes(struct cli *cli, const struct inventory *inv);
struct json_object *notes_json(const struct inventory *inv);

/* The PF whose VF has address a (*index its VF index), or NULL. */
const struct pf *pf_of_vf(const struct inventory *inv, const struct pci_addr *a,
			  unsigned int *index);

/* The addresses in IOMMU group id (iommu_group_members), or NULL without a group. */
struct json_object *group_members_json(const struct inventory *inv, int id);

/* pf->device_name without the leading vendor name. */
const char *pf_device_only(const struct pf *pf);
struct json_object *pf_netdev_names_json(const struct pf *pf);

#endif
