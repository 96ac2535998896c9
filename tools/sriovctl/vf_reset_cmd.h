/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_VF_RESET_CMD_H
#define SRIOVCTL_VF_RESET_CMD_H

#include "cli.h"
#include "cli_config.h"

/* `sriovctl vf DEV/INDEXES reset`'s options (cmd_vf.c parses them). */
struct vf_reset_args {
	bool dry_run;
	const char *configs[CLI_CONFIG_MAX]; /* --config FILE... */
	size_t n_configs;
	bool no_config;
	bool lock_timeout_given;
	int lock_timeout_ms;
};

#define VF_RESET_DEFAULT_LOCK_TIMEOUT_MS 60000

/* The help text's part about reset. */
void vf_reset_help(FILE *out);

/* Resets the VFs dev names (sriov_vf_reset()); returns the exit code. */
int vf_reset(struct cli *cli, const char *dev, const struct vf_reset_args *a);

#endif
