/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_CLI_CONFIG_H
#define SRIOVCTL_CLI_CONFIG_H

#include "cli.h"

#define CLI_CONFIG_MAX 32

/*
 * The configuration a command reads for the values it gives VFs: the files
 * named with --config (args[0..n-1]: absolute, or relative to the working
 * directory on the host and to DIR under --root; always read inside the
 * root), else the default files (config.h), else none. none (--no-config)
 * reads nothing. *out is NULL when nothing was read. Errors are printed
 * (each problem with its file and line); returns 0 or the exit code (2).
 */
int cli_config_load(struct cli *cli, const char *cmd, const char *const *args, size_t n,
		    bool none, struct sriov_config **out);

#endif
