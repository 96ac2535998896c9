// SPDX-License-Identifier: MIT
/* sriovctl show [DEV]: the full picture of one or every SR-IOV PF. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inventory_view.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

static void show_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl show [DEV] [--json] [--root DIR]\n"
		"\n"
		"Show SR-IOV physical functions in full: identity, driver and module,\n"
		"NUMA node, IOMMU group, netdevs, the decoded SR-IOV, ARI, ACS, PCIe "
		"and\n"
		"MSI-X capabilities, and every VF with its address, driver, netdev,\n"
		"IOMMU group and the settings the PF holds for it (MAC, VLAN, QoS,\n"
		"spoof check, trust, link state, rates).\n"
		"\n"
		"DEV narrows the output: a PF (0000:01:00.0, 01:00.0, enp1s0) shows "
		"that\n"
		"PF; a VF address or PF/INDEX (enp1s0/3, enp1s0/0-2, enp1s0/all) shows\n"
		"the PF with only those VFs.\n"
		"\n"
		"Options:\n%s"
		"\n"
		"Reading the full configuration space needs root; without it the SR-IOV\n"
		"values come from sysfs and ARI/ACS are not shown.\n",
		cli_common_help());
}

/* ---- selection ---------------------------------------------------------- */

struct selection {
	const struct pf *pf; /* NULL: every PF */
	bool *vf_sel;	     /* NULL: every VF of the selected PF(s) */
};

static const struct pf *pf_of_vf(const struct inventory *inv, const struct pci_addr *a,
				 unsigned int *index)
{
	for (size_t i = 0; i < inv->n_pfs; i++)
		for (size_t j = 0; j < inv->pfs[i].n_vfs; j++)
			if (!pci_addr_cmp(&inv->pfs[i].vfs[j].addr, a)) {
				*index = inv->pfs[i].vfs[j].index;
				return &inv->pfs[i];
			}
	return NULL;
}

static int select_vfs(struct cli *cli, const struct pf *pf, const char *spec,
		      struct selection *sel)
{
	struct sriov_err err;
	unsigned int count = 0;

	for (size_t j = 0; j < pf->n_vfs; j++)
		if (pf->vfs[j].index + 1 > count)
			count = pf->vfs[j].index + 1;
	sel->vf_sel = calloc(count ? count : 1, sizeof(bool));
	if (!sel->vf_sel)
		return EXIT_FAIL;
	sriov_err_clear(&err);
	if (vf_index_spec_parse(spec, count, sel->vf_sel, &err) < 0)
		return cli_report(cli, &err);
	return 0;
}

static int select_dev(struct cli *cli, const struct inventory *inv, const char *arg,
		      struct selection *sel)
{
	struct sriov_err err;
	struct dev_ref ref;
	unsigned int index;
	char spec[16];

	sriov_err_clear(&err);
	if (sriov_dev_resolve(cli->root, arg, &ref, &err) < 0)
		return cli_report(cli, &err);
	sel->pf = inventory_find_pf(inv, &ref.addr);
	if (sel->pf)
		return ref.has_vf_spec ? select_vfs(cli, sel->pf, ref.vf_spec, sel) : 0;
	sel->pf = pf_of_vf(inv, &ref.addr, &index);
	if (!sel->pf || ref.has_vf_spec) {
		sriov_err_set(&err, -ENODEV,
			      "%s (%s) is not an SR-IOV physical function%s", arg,
			      ref.addr_str, sel->pf ? "" : " nor one of its VFs");
		sriov_err_hint(&err, "run `sriovctl list` to see the SR-IOV devices");
		return cli_report(cli, &err);
	}
	snprintf(spec, sizeof(spec), "%u", index);
	return select_vfs(cli, sel->pf, spec, sel);
}

static bool vf_selected(const struct selection *sel, const struct vf *vf)
{
	return !sel->vf_sel || sel->vf_sel[vf->index];
}

/* ---- JSON --------------------------------------------------------------- */

static const char *link_state_name(int s)
{
	switch (s) {
	case VF_LINK_STATE_AUTO:
		return "auto";
	case VF_LINK_STATE_ENABLE:
		return "enable";
	case VF_LINK_STATE_DISABLE:
		return "disable";
	default:
		return NULL;
	}
}

static const char *vlan_proto_name(uint16_t proto)
{
	if (proto == 0x8100)
		return "802.1Q";
	if (proto == 0x88a8)
		return "802.1ad";
	return NULL;
}

static struct json_object *mac_json(const struct vf_info *vi)
{
	char buf[18];

	if (!vi->has_mac)
		return NULL;
	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", vi->mac[0],
		 vi->mac[1], vi->mac[2], vi->mac[3], vi->mac[4], vi->mac[5]);
	return json_object_new_string(buf);
}

static struct json_object *group_members_json(const struct inventory *inv, int id)
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

static void vf_settings_json(struct json_object *o, const struct vf *vf)
{
	const struct vf_info *vi = &vf->info;
	bool known = vf->has_info;

	ADD(o, "mac", known ? mac_json(vi) : NULL);
	ADD(o, "vlan", known && vi->has_vlan ? json_object_new_int(vi->vlan) : NULL);
	ADD(o, "qos", known && vi->has_vlan ? json_object_new_int(vi->qos) : NULL);
	ADD(o, "vlan_proto",
	    known ? json_str_or_null(vlan_proto_name(vi->vlan_proto)) : NULL);
	ADD(o, "spoofchk", known ? json_tristate(vi->spoofchk) : NULL);
	ADD(o, "trust", known ? json_tristate(vi->trust) : NULL);
	ADD(o, "link_state",
	    known ? json_str_or_null(link_state_name(vi->link_state)) : NULL);
	ADD(o, "min_tx_rate",
	    known && vi->has_rate ? json_object_new_int64(vi->min_tx_rate) : NULL);
	ADD(o, "max_tx_rate",
	    known && vi->has_rate ? json_object_new_int64(vi->max_tx_rate) : NULL);
	ADD(o, "query_rss", known ? json_tristate(vi->query_rss) : NULL);
}

static struct json_object *vf_json(const struct inventory *inv, const struct vf *vf)
{
	struct json_object *o = json_object_new_object();
	struct json_object *nds = json_object_new_array();

	ADD(o, "index", json_object_new_int((int)vf->index));
	ADD(o, "address", json_object_new_string(vf->addr_str));
	ADD(o, "device_id", json_hex16(vf->device_id));
	ADD(o, "driver", json_str_or_null(vf->driver));
	for (size_t i = 0; i < vf->n_netdevs; i++)
		json_object_array_add(nds, json_object_new_string(vf->netdevs[i].name));
	ADD(o, "netdevs", nds);
	ADD(o, "iommu_group", json_int_or_null(vf->iommu_group));
	ADD(o, "iommu_group_members", group_members_json(inv, vf->iommu_group));
	vf_settings_json(o, vf);
	if (vf->addr_mismatch) {
		char predicted[PCI_ADDR_STRLEN];

		pci_addr_format(&vf->predicted, predicted);
		ADD(o, "predicted_address", json_object_new_string(predicted));
	}
	return o;
}

static struct json_object *pf_netdevs_json(const struct pf *pf)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < pf->n_netdevs; i++) {
		struct json_object *o = json_object_new_object();

		ADD(o, "name", json_object_new_string(pf->netdevs[i].name));
		ADD(o, "mac", json_str_or_null(pf->netdevs[i].mac));
		ADD(o, "operstate", json_str_or_null(pf->netdevs[i].operstate));
		json_object_array_add(arr, o);
	}
	return arr;
}

static void pf_identity_json(struct json_object *o, const struct pf *pf)
{
	char class_hex[8];

	snprintf(class_hex, sizeof(class_hex), "%06x", pf->class_code);
	ADD(o, "address", json_object_new_string(pf->addr_str));
	ADD(o, "vendor_id", json_hex16(pf->vendor_id));
	ADD(o, "device_id", json_hex16(pf->device_id));
	ADD(o, "subsystem_vendor_id", json_hex16(pf->subsys_vendor_id));
	ADD(o, "subsystem_device_id", json_hex16(pf->subsys_device_id));
	ADD(o, "class", json_object_new_string(class_hex));
	ADD(o, "class_name", json_str_or_null(pf->class_name));
	ADD(o, "revision", json_object_new_int(pf->revision));
	ADD(o, "name", json_object_new_string(pf->device_name));
	ADD(o, "vendor_name", json_str_or_null(pf->vendor_name));
}

static struct json_object *pf_json(const struct inventory *inv, const struct pf *pf,
				   const struct selection *sel)
{
	struct json_object *o = json_object_new_object();
	struct json_object *vfs = json_object_new_array();

	pf_identity_json(o, pf);
	ADD(o, "capabilities", caps_to_json(&pf->caps));
	ADD(o, "config_space_complete", json_object_new_boolean(!pf->config_partial));
	ADD(o, "driver", json_str_or_null(pf->driver));
	ADD(o, "module", json_str_or_null(pf->module));
	ADD(o, "netdevs", pf_netdevs_json(pf));
	ADD(o, "iommu_group", json_int_or_null(pf->iommu_group));
	ADD(o, "iommu_group_members", group_members_json(inv, pf->iommu_group));
	ADD(o, "numa_node", json_int_or_null(pf->numa_node));
	ADD(o, "total_vfs", json_int_or_null(pf->total_vfs));
	ADD(o, "num_vfs", json_int_or_null(pf->num_vfs));
	ADD(o, "drivers_autoprobe", json_tristate(pf->drivers_autoprobe));
	ADD(o, "vf_list_truncated", json_object_new_boolean(pf->vf_list_truncated));
	for (size_t j = 0; j < pf->n_vfs; j++)
		if (vf_selected(sel, &pf->vfs[j]))
			json_object_array_add(vfs, vf_json(inv, &pf->vfs[j]));
	ADD(o, "vfs", vfs);
	return o;
}

static void show_json(const struct inventory *inv, const struct selection *sel)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < inv->n_pfs; i++)
		if (!sel->pf || sel->pf == &inv->pfs[i])
			json_object_array_add(arr, pf_json(inv, &inv->pfs[i], sel));
	ADD(root, "pfs", arr);
	ADD(root, "notes", notes_json(inv));
	json_print(root);
	json_object_put(root);
}

/* ---- text --------------------------------------------------------------- */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void format_mac(char *buf, size_t size, const struct vf *vf)
{
	const uint8_t *m = vf->info.mac;

	if (!vf->has_info || !vf->info.has_mac)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			 m[3], m[4], m[5]);
}

static const char *onoff(const struct vf *vf, int v)
{
	if (!vf->has_info || v < 0)
		return "-";
	return v ? "on" : "off";
}

static void format_vlan(char *buf, size_t size, const struct vf *vf)
{
	const struct vf_info *vi = &vf->info;

	if (!vf->has_info || !vi->has_vlan)
		snprintf(buf, size, "-");
	else if (!vi->vlan && !vi->qos)
		snprintf(buf, size, "0");
	else
		snprintf(buf, size, "%u/%u%s", vi->vlan, vi->qos,
			 vi->vlan_proto == 0x88a8 ? "ad" : "");
}

static void format_rate(char *buf, size_t size, const struct vf *vf)
{
	if (!vf->has_info || !vf->info.has_rate)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%u/%u", vf->info.min_tx_rate, vf->info.max_tx_rate);
}

static void vf_line(const struct vf *vf)
{
	char mac[18], vlan[24], rate[24], group[16];
	const char *link = vf->has_info ? link_state_name(vf->info.link_state) : NULL;

	format_mac(mac, sizeof(mac), vf);
	format_vlan(vlan, sizeof(vlan), vf);
	format_rate(rate, sizeof(rate), vf);
	snprintf(group, sizeof(group), "%d", vf->iommu_group);
	printf("    %-4u %-13s %-9s %-15s %-5s %-17s %-9s %-5s %-5s %-7s %s\n", vf->index,
	       vf->addr_str, or_dash(vf->driver),
	       vf->n_netdevs ? vf->netdevs[0].name : "-",
	       vf->iommu_group < 0 ? "-" : group, mac, vlan, onoff(vf, vf->info.spoofchk),
	       onoff(vf, vf->info.trust), or_dash(link), rate);
	if (vf->addr_mismatch) {
		char predicted[PCI_ADDR_STRLEN];

		pci_addr_format(&vf->predicted, predicted);
		printf("         warning: virtfn%u links to %s but offset/stride predict "
		       "%s\n",
		       vf->index, vf->addr_str, predicted);
	}
}

static void vfs_text(const struct pf *pf, const struct selection *sel)
{
	if (!pf->n_vfs) {
		printf("  VFs: none enabled (sysfs: sriov_numvfs of %s)\n", pf->addr_str);
		return;
	}
	printf("  VFs:\n    %-4s %-13s %-9s %-15s %-5s %-17s %-9s %-5s %-5s %-7s %s\n",
	       "IDX", "ADDRESS", "DRIVER", "NETDEV", "IOMMU", "MAC", "VLAN/QOS", "SPOOF",
	       "TRUST", "LINK", "RATE(min/max)");
	for (size_t j = 0; j < pf->n_vfs; j++)
		if (vf_selected(sel, &pf->vfs[j]))
			vf_line(&pf->vfs[j]);
	if (pf->vf_list_truncated)
		printf("    (the kernel's VF list was truncated: '-' marks unknown "
		       "settings)\n");
}

static void pf_header_text(const struct inventory *inv, const struct pf *pf)
{
	const struct iommu_group *g = inventory_group(inv, pf->iommu_group);

	printf("%s %s: %s (rev %02x)\n", pf->addr_str, or_dash(pf->class_name),
	       pf->device_name, pf->revision);
	printf("  ids:       %04x:%04x, subsystem %04x:%04x\n", pf->vendor_id,
	       pf->device_id, pf->subsys_vendor_id, pf->subsys_device_id);
	printf("  driver:    %s%s%s%s\n", or_dash(pf->driver),
	       pf->module[0] ? " (module " : "", pf->module, pf->module[0] ? ")" : "");
	if (pf->numa_node < 0)
		printf("  numa node: none\n");
	else
		printf("  numa node: %d\n", pf->numa_node);
	if (g)
		printf("  iommu:     group %d (%zu device%s)\n", g->id, g->n_members,
		       g->n_members == 1 ? "" : "s");
	else
		printf("  iommu:     no group (IOMMU off or not in use)\n");
	for (size_t i = 0; i < pf->n_netdevs; i++)
		printf("  netdev:    %s %s %s\n", pf->netdevs[i].name,
		       or_dash(pf->netdevs[i].mac), or_dash(pf->netdevs[i].operstate));
	printf("  VFs:       %d enabled of %d (driver limit", pf->num_vfs, pf->total_vfs);
	if (pf->caps.has_sriov && pf->total_vfs >= 0 &&
	    pf->caps.sriov.total_vfs != pf->total_vfs)
		printf("; the capability allows %u", pf->caps.sriov.total_vfs);
	printf("), autoprobe %s\n", pf->drivers_autoprobe < 0 ? "?"
				    : pf->drivers_autoprobe   ? "on"
							      : "off");
}

static void show_text(const struct inventory *inv, const struct selection *sel)
{
	bool first = true;

	if (!inv->n_pfs)
		printf("No SR-IOV capable devices found.\n");
	for (size_t i = 0; i < inv->n_pfs; i++) {
		const struct pf *pf = &inv->pfs[i];

		if (sel->pf && sel->pf != pf)
			continue;
		if (!first)
			putchar('\n');
		first = false;
		pf_header_text(inv, pf);
		caps_print_text(stdout, &pf->caps, "  ");
		vfs_text(pf, sel);
	}
}

static int show_run(struct cli *cli, int argc, char **argv)
{
	struct selection sel = {0};
	struct inventory inv;
	int first, ret;

	ret = cli_parse(cli, &cmd_show, argc, argv, NULL, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	if (argc - first > 1)
		return cli_usage_error(cli, "show", "unexpected argument '%s'",
				       argv[first + 1]);
	ret = cli_load_inventory(cli, 0, &inv);
	if (ret)
		return ret;
	if (first < argc)
		ret = select_dev(cli, &inv, argv[first], &sel);
	if (!ret) {
		if (cli->json)
			show_json(&inv, &sel);
		else
			show_text(&inv, &sel);
		print_notes(cli, &inv);
	}
	free(sel.vf_sel);
	sriov_inventory_free(&inv);
	return ret;
}

const struct command cmd_show = {
	.name = "show",
	.summary = "show SR-IOV devices, their capabilities and VFs in full",
	.run = show_run,
	.help = show_help,
};
