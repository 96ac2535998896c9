// SPDX-License-Identifier: MIT
/* sriovctl unbind DEV: take a function away from its driver (runner in bind_cmd.c). */
#include <stdio.h>

#include "cli.h"
#include "bind_cmd.h"

static void unbind_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl unbind DEV [--force] [--dry-run] [--json] [--root DIR]\n"
		"\n"
		"Unbind a PCI function from its current driver (the driver's unbind\n"
		"file in sysfs) and check that it is free afterwards. Its\n"
		"driver_override is kept as it is: the next probe binds that driver\n"
		"again ('sriovctl bind DEV default' clears it).\n"
		"\n"
		"Refused unless --force: a function a process holds through\n"
		"/dev/vfio/GROUP (a running VM; the kernel would wait until the VM lets\n"
		"go), whose netdev is up with addresses or the default route, or a PF\n"
		"with VFs enabled (unbinding its driver removes them).\n"
		"\n"
		"DEV is a PCI address (0000:01:10.0, 01:10.0), a netdev, or PF/INDEXES\n"
		"for VFs (enp1s0f0/2, enp1s0f0/0-3, enp1s0f0/all).\n"
		"\n"
		"Options:\n"
		"  --force         go on although the function is in use\n"
		"  --dry-run       print the steps, change nothing\n"
		"%s"
		"\n"
		"Examples:\n"
		"  sriovctl unbind enp1s0f0/2\n"
		"  sriovctl unbind 0000:01:10.4 --dry-run\n"
		"\n"
		"Exit status: 0 done or already unbound, 1 refused or failed, 2 bad\n"
		"argument (nothing changed), 3 not root.\n",
		cli_common_help());
}

static int unbind_run(struct cli *cli, int argc, char **argv)
{
	return bind_command_run(cli, &cmd_unbind, argc, argv, true);
}

const struct command cmd_unbind = {
	.name = "unbind",
	.summary = "unbind a function from its driver",
	.run = unbind_run,
	.help = unbind_help,
};
