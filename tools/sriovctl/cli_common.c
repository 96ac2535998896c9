// SPDX-License-Identifier: MIT
/* What every command shares: the common options, --root, the root check. */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

const char *cli_common_help(void)
{
	return "  --json          machine-readable output (see docs/json.md)\n"
	       "  --root DIR      read DIR as the root file system instead of /\n"
	       "                  (a tree extracted from 'sriovctl capture')\n"
	       "  -v, --verbose   say more\n"
	       "  -h, --help      show help\n";
}

int cli_common_option(struct cli *cli, int opt, const char *arg)
{
	switch (opt) {
	case OPT_JSON:
		cli->json = true;
		return 1;
	case OPT_ROOT:
		cli->root_dir = arg;
		return 1;
	case 'v':
		cli->verbose++;
		return 1;
	case 'h':
		return 0;
	default:
		return -1;
	}
}

int cli_open_root(struct cli *cli)
{
	struct sriov_err err;
	int ret;

	if (cli->root)
		return 0;
	sriov_err_clear(&err);
	ret = sriov_root_open(cli->root_dir ? cli->root_dir : "/", &cli->root, &err);
	if (ret < 0)
		return cli_error(cli, NULL, EXIT_USAGE, "--root %s", err.msg);
	return 0;
}

int cli_require_root(struct cli *cli, const char *cmd)
{
	if (cli->root_dir || geteuid() == 0)
		return 0;
	return cli_error(cli, cmd, EXIT_NOPERM,
			 "changing SR-IOV settings needs root (run it with sudo)");
}
