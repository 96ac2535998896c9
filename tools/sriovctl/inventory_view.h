/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_INVENTORY_VIEW_H
#define SRIOVCTL_INVENTORY_VIEW_H

/* Helpers shared by the commands that render the inventory (list, show, capture). */

#include "cli.h"

/* Opens the root, reads the inventory; prints the error; returns 0 or an exit code. */
int cli_load_inventory(struct cli *cli, unsigned int flags, struct inventory *inv);

/* Notes (e.g. "not root") go to stderr in text mode, once. */
void print_notes(struct cli *cli, const struct inventory *inv);
struct json_object *notes_json(const struct inventory *inv);

/* pf->device_name without the leading vendor name. */
const char *pf_device_only(const struct pf *pf);
struct json_object *pf_netdev_names_json(const struct pf *pf);

#endif
