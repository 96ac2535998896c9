// SPDX-License-Identifier: MIT
/* sriovctl enable DEV N: the runner is numvfs_cmd.c's, shared with disable. */
#include <stdio.h>

#include "cli.h"
#include "numvfs_cmd.h"

static void enable_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl enable DEV N [--autoprobe yes|no] [--timeout S]\n"
		"                       [--force] [--dry-run] [--json] [--root DIR]\n"
		"\n"
		"Give the physical function DEV exactly N virtual functions (sysfs\n"
		"sriov_numvfs), safely:\n"
		"  - N is checked against the PF's limit before anything is\n"
		"    written; the message says where the limit comes from (the\n"
		"    device's TotalVFs or the driver's sriov_totalvfs);\n"
		"  - a different non-zero count goes through 0 (the kernel's rule),\n"
		"    but only when no VF is in use: a VM holding its /dev/vfio\n"
		"    group, or its netdev up with addresses on this host; otherwise\n"
		"    it refuses and names the users;\n"
		"  - every write is bounded by --timeout (some drivers block for\n"
		"    minutes); a failure is explained from the kernel log, with the\n"
		"    fix (BIOS setting, pci=realloc, pci=assign-busses, ...);\n"
		"  - the count is read back (a driver may enable fewer VFs and still\n"
		"    succeed), then it waits until the virtfnN links exist, the VF\n"
		"    drivers are bound (autoprobe on) and VF netdev names settled.\n"
		"N equal to the current count changes nothing.\n"
		"\n"
		"Options:\n"
		"  --autoprobe yes|no  set sriov_drivers_autoprobe before the VFs are\n"
		"                      created; 'no' leaves new VFs without a driver\n"
		"                      (for vfio-pci, or NVMe VFs that need setup)\n"
		"  --timeout SECONDS   bound of each write and of the wait (default\n"
		"                      %d; fractions allowed: 0.5)\n"
		"  --force             change the count even while VFs are in use\n"
		"                      (their users lose the device)\n"
		"  --dry-run           print what would be done, change nothing\n"
		"%s"
		"\n"
		"Examples:\n"
		"  # sriovctl enable enp1s0 4\n"
		"  0000:01:00.0: 4 VFs enabled (was 0): 01:10.0 eth1, 01:10.2 eth2, ...\n"
		"  # sriovctl enable 0000:02:00.0 2 --autoprobe no\n"
		"\n"
		"Exit status: 0 done (or nothing to do), 1 the operation failed or\n"
		"was refused (VFs in use), 2 bad input (nothing changed), 3 needs\n"
		"root.\n",
		NUMVFS_DEFAULT_TIMEOUT_MS / 1000, cli_common_help());
}

static int enable_run(struct cli *cli, int argc, char **argv)
{
	return numvfs_command_run(cli, &cmd_enable, argc, argv, false);
}

const struct command cmd_enable = {
	.name = "enable",
	.summary = "create N VFs on a PF (through 0, bounded, verified)",
	.run = enable_run,
	.help = enable_help,
};
