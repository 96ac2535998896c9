// SPDX-License-Identifier: MIT
/* sriovctl bind DEV DRIVER|default: the runner is bind_cmd.c's, shared with unbind. */
#include <stdio.h>

#include "cli.h"
#include "bind_cmd.h"

static void bind_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl bind DEV DRIVER|default [--force] [--dry-run] [--json]\n"
		"                     [--root DIR]\n"
		"\n"
		"Bind a PCI function to DRIVER through its driver_override: the "
		"override\n"
		"is set, the function is unbound from its current driver, the kernel is\n"
		"asked to probe it (drivers_probe), and the driver it ends up with is\n"
		"checked. 'default' clears the override and lets the kernel pick the\n"
		"function's own driver again.\n"
		"\n"
		"For vfio-pci (passthrough to a VM) the function's IOMMU group must be\n"
		"viable: every other device in it on vfio-pci or on no driver (PCI\n"
		"bridges excepted). The devices that spoil it are named. The result\n"
		"names the /dev/vfio/GROUP node to hand to QEMU or libvirt.\n"
		"\n"
		"Refused unless --force: taking a function away from its driver while a\n"
		"process holds its /dev/vfio/GROUP (a running VM), while its netdev is "
		"up\n"
		"with addresses or the default route, or while it is a PF with VFs\n"
		"enabled.\n"
		"\n"
		"DEV is a PCI address (0000:01:10.0, 01:10.0), a netdev (enp1s0f0v0), "
		"or\n"
		"PF/INDEXES for VFs (enp1s0f0/0, enp1s0f0/0-3, enp1s0f0/all).\n"
		"\n"
		"Options:\n"
		"  --force         go on although the function is in use, its IOMMU\n"
		"                  group is not viable, or it is a PF with VFs enabled\n"
		"  --dry-run       print the steps, change nothing\n"
		"%s"
		"\n"
		"Examples:\n"
		"  sriovctl bind enp1s0f0/0 vfio-pci     # VF 0 to vfio-pci\n"
		"  sriovctl bind 0000:01:10.0 default    # back to its own driver "
		"(igbvf)\n"
		"  sriovctl bind enp1s0f0/0-3 vfio-pci --dry-run\n"
		"\n"
		"Exit status: 0 done or already so, 1 refused or failed (the message "
		"says\n"
		"why), 2 bad argument (nothing changed), 3 not root.\n",
		cli_common_help());
}

static int bind_run(struct cli *cli, int argc, char **argv)
{
	return bind_command_run(cli, &cmd_bind, argc, argv, false);
}

const struct command cmd_bind = {
	.name = "bind",
	.summary = "bind a function to a driver (vfio-pci, or back to its default)",
	.run = bind_run,
	.help = bind_help,
};
