/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_VF_VIEW_H
#define SRIOVCTL_VF_VIEW_H

/*
 * The VF rows of `show` (text table and JSON objects), which `vf ... show`
 * prints too. sel selects VFs by index: NULL for all of them, else the
 * indexes below n whose entry is true.
 */

#include "cli.h"

/*
 * The header, one row per selected VF (with a warning line when its address
 * disagrees with offset/stride, and one "in use" line per user: inventory
 * read with INV_USERS), and a note when the kernel's VF list was truncated.
 */
void vf_view_table(FILE *out, const struct pf *pf, const bool *sel, unsigned int n);

/* The VF objects of `show --json` (docs/json.md), used_by included. */
struct json_object *vf_view_json_array(const struct inventory *inv, const struct pf *pf,
				       const bool *sel, unsigned int n);

/* A VF setting's value as JSON: number, boolean or string by its table row. */
struct json_object *vf_value_json(enum vf_key key, const struct vf_value *v);

#endif
