/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_BIND_CMD_H
#define SRIOVCTL_BIND_CMD_H

#include <stdbool.h>

#include "cli.h"

/*
 * sriovctl bind / unbind (bind_cmd.c, below cmd_bind.c and cmd_unbind.c):
 * cmd names the command in messages and gives its help; unbind picks the
 * operation.
 */
int bind_command_run(struct cli *cli, const struct command *cmd, int argc, char **argv,
		     bool unbind);

#endif
