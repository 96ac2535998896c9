/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_PLAN_VIEW_H
#define SRIOVCTL_PLAN_VIEW_H

/* Rendering a plan and its outcome: shared by apply and restore. */

#include "cli.h"
#include "sriov/plan.h"

enum plan_view_mode {
	PLAN_VIEW_DRY_RUN, /* what would be done */
	PLAN_VIEW_CHECK,   /* what is pending */
	PLAN_VIEW_RUN,	   /* what was done */
};

/* Steps one per line (with the outcome for a run), then notes and a summary. */
void plan_print(FILE *out, const char *cmd, const struct apply_result *res,
		enum plan_view_mode mode);

/* The JSON document of apply/restore (docs/json.md). */
struct json_object *plan_json(const struct apply_result *res, enum plan_view_mode mode,
			      const char *const *files, size_t n_files);

/* Seconds option ("--lock-timeout 5", fractions allowed) into ms; 2 on bad input. */
int plan_parse_seconds(struct cli *cli, const char *cmd, const char *opt, const char *arg,
		       double max, int *ms);

#endif
