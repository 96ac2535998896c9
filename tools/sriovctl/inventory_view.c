// SPDX-License-Identifier: MIT
#include <string.h>

#include "inventory_view.h"

int cli_load_inventory(struct cli *cli, unsigned int flags, struct inventory *inv)
{
	struct sriov_err err;
	int ret;

	ret = cli_open_root(cli);
	if (ret)
		return ret;
	sriov_err_clear(&err);
	ret = sriov_inventory_read(cli->root, flags, inv, &err);
	if (ret < 0)
		return cli_report(cli, &err);
	return 0;
}

void print_notes(struct cli *cli, const struct inventory *inv)
{
	if (cli->json)
		return;
	for (int i = 0; i < inv->n_notes; i++)
		cli_note("%s", inv->notes[i]);
}

struct json_object *notes_json(const struct inventory *inv)
{
	struct json_object *arr = json_object_new_array();

	for (int i = 0; i < inv->n_notes; i++)
		json_object_array_add(arr, json_object_new_string(inv->notes[i]));
	return arr;
}

const struct pf *pf_of_vf(const struct inventory *inv, const struct pci_addr *a,
			  unsigned int *index)
{
	for (size_t i = 0; i < inv->n_pfs; i++)
		for (size_t j = 0; pf_vfs_are_pci(&inv->pfs[i]) && j < inv->pfs[i].n_vfs;
		     j++)
			if (!pci_addr_cmp(&inv->pfs[i].vfs[j].addr, a)) {
				*index = inv->pfs[i].vfs[j].index;
				return &inv->pfs[i];
			}
	return NULL;
}

struct json_object *group_members_json(const struct inventory *inv, int id)
{
	const struct iommu_group *g = inventory_group(inv, id);
	struct json_object *arr;

	if (!g)
		return NULL;
	arr = json_object_new_array();
	for (size_t i = 0; i < g->n_members; i++)
		json_object_array_add(arr, json_object_new_string(g->members[i]));
	return arr;
}

const char *pf_device_only(const struct pf *pf)
{
	size_t vlen = strlen(pf->vendor_name);

	if (vlen && !strncmp(pf->device_name, pf->vendor_name, vlen) &&
	    pf->device_name[vlen] == ' ')
		return pf->device_name + vlen + 1;
	return pf->device_name;
}

struct json_object *pf_netdev_names_json(const struct pf *pf)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < pf->n_netdevs; i++)
		json_object_array_add(arr, json_object_new_string(pf->netdevs[i].name));
	return arr;
}
