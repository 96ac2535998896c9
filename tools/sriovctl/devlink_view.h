/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_DEVLINK_VIEW_H
#define SRIOVCTL_DEVLINK_VIEW_H

/*
 * The devlink part of `show` and `pf DEV show`: each PF's instance (eswitch
 * modes, rate nodes) and per VF its port, representor, port function and
 * rate, in text and JSON (docs/json.md). No instance is not an error.
 */

#include "cli.h"

/* The devlink state of each PF of an inventory, read once per command. */
struct devlink_views {
	struct devlink_state *states; /* one per inv->pfs[i] */
	int *errs;		      /* 0, or why there is no state (-ENOENT: none) */
	size_t n;
};

/*
 * Reads the instance of every PF (only `only` when non-NULL) through the
 * root: the host's kernel (one socket) or a capture's recording. A PF
 * without one gets errs[i] and an empty state. A recording that is not
 * devlink replies adds a note to inv and sets inv->damaged (exit 1, as for
 * a damaged rtnetlink recording). Returns 0 or -ENOMEM.
 */
int devlink_views_load(struct cli *cli, struct inventory *inv, const struct pf *only,
		       struct devlink_views *out);
void devlink_views_free(struct devlink_views *v);
/* The state of pf (NULL when it has none). */
const struct devlink_state *devlink_views_of(const struct devlink_views *v,
					     const struct inventory *inv,
					     const struct pf *pf);

/* "  devlink:   ..." lines: the eswitch, the rate nodes, the VF port table. */
void devlink_view_text(FILE *out, const struct pf *pf, const struct devlink_state *s,
		       int err, const bool *sel, unsigned int n);

/* The PF's "devlink" object, or NULL (JSON null) without an instance. */
struct json_object *devlink_view_pf_json(const struct devlink_state *s);

/* A VF's "devlink" object (port, function, rate), or NULL without a port. */
struct json_object *devlink_view_vf_json(const struct pf *pf,
					 const struct devlink_state *s, unsigned int vf);

/*
 * A devlink instance named by its handle, without a PF in the inventory
 * (`pf BUS/DEV show`): the lines of devlink_view_text() with every pcivf
 * port of this host by VF number; the PF object with "vf_ports" (VF_PORT
 * plus "vf" and "pf_number").
 */
void devlink_view_instance_text(FILE *out, const struct devlink_state *s);
struct json_object *devlink_view_instance_json(const struct devlink_state *s);

/* Adds "devlink" to each VF object of arr (made by vf_view_json_array). */
void devlink_view_add_vfs(struct json_object *arr, const struct pf *pf,
			  const struct devlink_state *s);

#endif
