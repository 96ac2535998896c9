// SPDX-License-Identifier: MIT
/* sriovctl groups: every IOMMU group, its members and whether vfio can take it. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "function_view.h"

static void groups_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl groups [--json] [--root DIR]\n"
		"\n"
		"List every IOMMU group (/sys/kernel/iommu_groups) with its members:\n"
		"address, role (pf, vf, bridge or function), driver and name; and\n"
		"whether the group is viable for vfio: every endpoint on vfio-pci,\n"
		"pci-stub or no driver (bridges and ports do not count). A group that\n"
		"is not names the member that spoils it; a group of several functions\n"
		"names the port that merged them: the nearest upstream bridge or port\n"
		"all of them share whose ACS does not isolate (Source Validation,\n"
		"Request and Completion Redirect, Upstream Forwarding), or the member\n"
		"without ACS when they share none.\n"
		"\n"
		"Options:\n%s"
		"\n"
		"Reading the ACS capability needs root (the extended config space).\n",
		cli_common_help());
}

static void groups_text(const struct iommu_groups *gs, struct pci_names *names)
{
	if (!gs->n_groups) {
		printf("No IOMMU groups: the IOMMU is off or not in use.\n");
		return;
	}
	for (size_t i = 0; i < gs->n_groups; i++) {
		if (i)
			putchar('\n');
		group_view_text(stdout, &gs->groups[i], names);
	}
}

static void groups_json(const struct iommu_groups *gs, struct pci_names *names)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < gs->n_groups; i++)
		json_object_array_add(arr, group_view_json(&gs->groups[i], names));
	json_object_object_add(root, "groups", arr);
	json_object_object_add(root, "from_links",
			       json_object_new_boolean(gs->from_links));
	json_print(root);
	json_object_put(root);
}

static int groups_run(struct cli *cli, int argc, char **argv)
{
	struct iommu_groups gs;
	struct pci_names *names;
	struct sriov_err err;
	int first, ret;

	ret = cli_parse(cli, &cmd_groups, argc, argv, NULL, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	if (first < argc)
		return cli_usage_error(cli, "groups", "unexpected argument '%s'",
				       argv[first]);
	ret = cli_open_root(cli);
	if (ret)
		return ret;
	sriov_err_clear(&err);
	if (sriov_iommu_groups_read(cli->root, &gs, &err) < 0)
		return cli_report(cli, &err);
	names = pci_names_open();
	if (cli->json)
		groups_json(&gs, names);
	else
		groups_text(&gs, names);
	pci_names_close(names);
	sriov_iommu_groups_free(&gs);
	return EXIT_OK;
}

const struct command cmd_groups = {
	.name = "groups",
	.summary = "list IOMMU groups, their members and whether vfio can take them",
	.run = groups_run,
	.help = groups_help,
};
