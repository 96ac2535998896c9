// SPDX-License-Identifier: MIT
/* sriovctl disable DEV: remove every VF of a PF (enable DEV 0, with its own wording). */
#include <stdio.h>

#include "cli.h"
#include "numvfs_cmd.h"

static void disable_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl disable DEV [--force] [--timeout S] [--dry-run]\n"
		"                        [--json] [--root DIR]\n"
		"\n"
		"Remove every virtual function of the physical function DEV (write\n"
		"0 to sriov_numvfs). Refuses while a VF is in use, naming the users:\n"
		"a process (a VM) holding the VF's /dev/vfio group, or the VF's\n"
		"netdev up with addresses on this host. Stop the VM or release the\n"
		"VF first.\n"
		"\n"
		"Options:\n"
		"  --force             remove the VFs even while they are in use\n"
		"                      (their users lose the device)\n"
		"  --timeout SECONDS   bound of the write (default %d)\n"
		"  --dry-run           print what would be done, change nothing\n"
		"%s"
		"\n"
		"Example:\n"
		"  # sriovctl disable enp1s0\n"
		"  0000:01:00.0: VFs disabled (was 4)\n"
		"\n"
		"Exit status: 0 done (or no VFs to remove), 1 the operation failed\n"
		"or was refused (VFs in use), 2 bad input (nothing changed), 3 needs\n"
		"root.\n",
		NUMVFS_DEFAULT_TIMEOUT_MS / 1000, cli_common_help());
}

static int disable_run(struct cli *cli, int argc, char **argv)
{
	return numvfs_command_run(cli, &cmd_disable, argc, argv, true);
}

const struct command cmd_disable = {
	.name = "disable",
	.summary = "remove every VF of a PF (refused while a VF is in use)",
	.run = disable_run,
	.help = disable_help,
};
