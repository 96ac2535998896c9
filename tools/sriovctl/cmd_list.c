// SPDX-License-Identifier: MIT
/* sriovctl list: one line per SR-IOV physical function. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inventory_view.h"

static void list_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl list [--json] [--root DIR]\n"
		"\n"
		"List every SR-IOV capable physical function (PF): PCI address, network\n"
		"interface, driver, VFs enabled out of the total the driver allows, and\n"
		"the device name as lspci prints it.\n"
		"\n"
		"Options:\n%s"
		"\n"
		"Example:\n"
		"  $ sriovctl list\n"
		"  ADDRESS       NETDEV   DRIVER  VFS  NAME\n"
		"  0000:01:00.0  enp1s0   igb     4/7  Intel Corporation 82576 Gigabit "
		"...\n",
		cli_common_help());
}

static const char *pf_netdev(const struct pf *pf)
{
	return pf->n_netdevs ? pf->netdevs[0].name : "-";
}

static void print_vf_count(char *buf, size_t size, const struct pf *pf)
{
	if (pf->num_vfs < 0 || pf->total_vfs < 0)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "%d/%d", pf->num_vfs, pf->total_vfs);
}

static void list_text(const struct inventory *inv)
{
	char vfs[24];

	if (!inv->n_pfs) {
		printf("No SR-IOV capable devices found.\n");
		return;
	}
	printf("%-13s %-15s %-10s %-7s %s\n", "ADDRESS", "NETDEV", "DRIVER", "VFS",
	       "NAME");
	for (size_t i = 0; i < inv->n_pfs; i++) {
		const struct pf *pf = &inv->pfs[i];

		print_vf_count(vfs, sizeof(vfs), pf);
		printf("%-13s %-15s %-10s %-7s %s%s%s\n", pf->addr_str, pf_netdev(pf),
		       pf->driver[0] ? pf->driver : "-", vfs, pf->vendor_name,
		       pf->vendor_name[0] ? " " : "", pf_device_only(pf));
	}
}

static void list_json(const struct inventory *inv)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < inv->n_pfs; i++) {
		const struct pf *pf = &inv->pfs[i];
		struct json_object *o = json_object_new_object();

		bool pci = pf_vfs_are_pci(pf);

		json_object_object_add(o, "address",
				       json_object_new_string(pf->addr_str));
		json_object_object_add(o, "bus_name",
				       json_object_new_string(pf->bus_name));
		json_object_object_add(o, "dev_name",
				       json_object_new_string(pf->dev_name));
		json_object_object_add(o, "vendor_id",
				       pci ? json_hex16(pf->vendor_id) : NULL);
		json_object_object_add(o, "device_id",
				       pci ? json_hex16(pf->device_id) : NULL);
		json_object_object_add(o, "name",
				       json_object_new_string(pf->device_name));
		json_object_object_add(o, "netdevs", pf_netdev_names_json(pf));
		json_object_object_add(o, "driver", json_str_or_null(pf->driver));
		json_object_object_add(o, "total_vfs", json_int_or_null(pf->total_vfs));
		json_object_object_add(o, "num_vfs", json_int_or_null(pf->num_vfs));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "pfs", arr);
	json_object_object_add(root, "notes", notes_json(inv));
	json_print(root);
	json_object_put(root);
}

static int list_run(struct cli *cli, int argc, char **argv)
{
	struct inventory inv;
	int first, ret;

	ret = cli_parse(cli, &cmd_list, argc, argv, NULL, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	if (first < argc)
		return cli_usage_error(cli, "list", "unexpected argument '%s'",
				       argv[first]);
	ret = cli_load_inventory(cli, INV_PFS_ONLY, &inv);
	if (ret)
		return ret;
	if (cli->json)
		list_json(&inv);
	else
		list_text(&inv);
	print_notes(cli, &inv);
	/* the rows were printed; a damaged sysfs file is still a problem found */
	ret = inv.damaged ? EXIT_FAIL : EXIT_OK;
	sriov_inventory_free(&inv);
	return ret;
}

const struct command cmd_list = {
	.name = "list",
	.summary = "list SR-IOV capable devices",
	.run = list_run,
	.help = list_help,
};
