/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_NUMVFS_CMD_H
#define SRIOVCTL_NUMVFS_CMD_H

#include "cli.h"

/*
 * enable and disable share one implementation (numvfs_cmd.c, below
 * cmd_enable.c and cmd_disable.c): disable is "set the count to 0" with its
 * own arguments and wording.
 */
int numvfs_command_run(struct cli *cli, const struct command *cmd, int argc, char **argv,
		       bool disable);

#endif
