// SPDX-License-Identifier: MIT
/* sriovctl show [DEV]: the full picture of one or every SR-IOV PF. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "devlink_view.h"
#include "function_view.h"
#include "inventory_view.h"
#include "sriov/vf_limit.h"
#include "usage_view.h"
#include "vf_view.h"

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
		"spoof check, trust, link state, rates); and who uses the PF and each\n"
		"VF: a process holding its /dev/vfio/GROUP (pid, command, QEMU's VM\n"
		"name) or its netdev up on this host with addresses or the default\n"
		"route.\n"
		"\n"
		"DEV narrows the output: a PF (0000:01:00.0, 01:00.0, enp1s0) shows "
		"that\n"
		"PF; a VF address or PF/INDEX (enp1s0/3, enp1s0/0-2, enp1s0/all) shows\n"
		"the PF with only those VFs. Any other PCI function (a GPU or NIC\n"
		"passed through whole) shows its identity, driver and module, its\n"
		"IOMMU group with the members and whether vfio can take it, the ACS\n"
		"of each port above it, and why no SR-IOV is shown.\n"
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
	bool other;	     /* DEV is a function without SR-IOV: other_addr */
	char other_addr[PCI_ADDR_STRLEN];
	bool *vf_sel; /* NULL: every VF of the selected PF(s) */
	unsigned int n_vf_sel;
};

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
	sel->n_vf_sel = count;
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
	sel->pf = inventory_find_pf_dev(inv, ref.bus_name, ref.dev_name);
	if (sel->pf)
		return ref.has_vf_spec ? select_vfs(cli, sel->pf, ref.vf_spec, sel) : 0;
	sel->pf = pf_of_vf(inv, &ref.addr, &index);
	if (!sel->pf && !ref.has_vf_spec) {
		sel->other = true;
		snprintf(sel->other_addr, sizeof(sel->other_addr), "%s", ref.addr_str);
		return 0;
	}
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

/* ---- JSON --------------------------------------------------------------- */

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
	bool pci = pf_vfs_are_pci(pf); /* a netdevsim PF has no PCI identity */
	char class_hex[8];

	snprintf(class_hex, sizeof(class_hex), "%06x", pf->class_code);
	ADD(o, "address", json_object_new_string(pf->addr_str));
	ADD(o, "bus_name", json_object_new_string(pf->bus_name));
	ADD(o, "dev_name", json_object_new_string(pf->dev_name));
	ADD(o, "vendor_id", pci ? json_hex16(pf->vendor_id) : NULL);
	ADD(o, "device_id", pci ? json_hex16(pf->device_id) : NULL);
	ADD(o, "subsystem_vendor_id", pci ? json_hex16(pf->subsys_vendor_id) : NULL);
	ADD(o, "subsystem_device_id", pci ? json_hex16(pf->subsys_device_id) : NULL);
	ADD(o, "class", pci ? json_object_new_string(class_hex) : NULL);
	ADD(o, "class_name", json_str_or_null(pf->class_name));
	ADD(o, "revision", pci ? json_object_new_int(pf->revision) : NULL);
	ADD(o, "name", json_object_new_string(pf->device_name));
	ADD(o, "vendor_name", json_str_or_null(pf->vendor_name));
}

static struct json_object *pf_json(const struct inventory *inv, const struct pf *pf,
				   const struct selection *sel,
				   const struct devlink_views *dv)
{
	const struct devlink_state *dl = devlink_views_of(dv, inv, pf);
	struct json_object *o = json_object_new_object();
	struct json_object *vfs;

	pf_identity_json(o, pf);
	ADD(o, "capabilities", pf_vfs_are_pci(pf) ? caps_to_json(&pf->caps) : NULL);
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
	ADD(o, "sriov_vf_total_msix", json_int_or_null(pf->vf_total_msix));
	ADD(o, "vf_list_truncated", json_object_new_boolean(pf->vf_list_truncated));
	ADD(o, "used_by", fn_users_json(&pf->users));
	ADD(o, "devlink", devlink_view_pf_json(dl));
	vfs = vf_view_json_array(inv, pf, sel->vf_sel, sel->n_vf_sel);
	devlink_view_add_vfs(vfs, pf, dl);
	ADD(o, "vfs", vfs);
	return o;
}

#define JSON_FLAGS                                                                       \
	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |                             \
	 JSON_C_TO_STRING_NOSLASHESCAPE)

/* obj as json_print() prints it, every line indented by four spaces. */
static void print_indented(struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_FLAGS);
	size_t lines = 1, len = 0;
	char *out;

	for (const char *p = s; (p = strchr(p, '\n')); p++)
		lines++;
	out = malloc(strlen(s) + 4 * lines + 1);
	if (!out) {
		fputs(s, stdout); /* unindented: still JSON */
		return;
	}
	while (*s) {
		size_t n = strcspn(s, "\n");

		n += s[n] == '\n';
		memcpy(out + len, "    ", 4);
		memcpy(out + len + 4, s, n);
		len += 4 + n;
		s += n;
	}
	fwrite(out, 1, len, stdout);
	free(out);
}

static void show_json_whole(const struct inventory *inv, const struct selection *sel,
			    const struct devlink_views *dv)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < inv->n_pfs; i++)
		if (!sel->pf || sel->pf == &inv->pfs[i])
			json_object_array_add(arr, pf_json(inv, &inv->pfs[i], sel, dv));
	ADD(root, "pfs", arr);
	ADD(root, "notes", notes_json(inv));
	json_print(root);
	json_object_put(root);
}

/*
 * The same text as json_print() of {"pfs": [...], "notes": [...]}, built and
 * printed one PF at a time: with thousands of VFs the whole tree would cost
 * more to allocate and free than to print.
 */
static void show_json(const struct inventory *inv, const struct selection *sel,
		      const struct devlink_views *dv)
{
	struct json_object *root = json_object_new_object();
	const char *frame, *pfs;
	bool first = true;

	ADD(root, "pfs", json_object_new_array());
	ADD(root, "notes", notes_json(inv));
	frame = json_object_to_json_string_ext(root, JSON_FLAGS);
	pfs = strstr(frame, "\"pfs\": [");
	if (!pfs) { /* not json-c's layout: the whole tree at once */
		json_object_put(root);
		show_json_whole(inv, sel, dv);
		return;
	}
	pfs += strlen("\"pfs\": [");
	printf("%.*s", (int)(pfs - frame), frame);
	for (size_t i = 0; i < inv->n_pfs; i++) {
		struct json_object *o;

		if (sel->pf && sel->pf != &inv->pfs[i])
			continue;
		o = pf_json(inv, &inv->pfs[i], sel, dv);
		printf("%s", first ? "\n" : ",\n");
		print_indented(o);
		json_object_put(o);
		first = false;
	}
	printf("%s\n", pfs);
	json_object_put(root);
}

/* ---- text --------------------------------------------------------------- */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void vfs_text(const struct pf *pf, const struct selection *sel)
{
	if (!pf->n_vfs) {
		printf("  VFs: none enabled (sysfs: sriov_numvfs of %s)\n", pf->addr_str);
		return;
	}
	printf("  VFs:\n");
	vf_view_table(stdout, pf, sel->vf_sel, sel->n_vf_sel);
}

static void pf_header_text(const struct inventory *inv, const struct pf *pf)
{
	const struct iommu_group *g = inventory_group(inv, pf->iommu_group);
	struct vf_limit limit;
	char source[160];

	if (pf_vfs_are_pci(pf)) {
		printf("%s %s: %s (rev %02x)\n", pf->addr_str, or_dash(pf->class_name),
		       pf->device_name, pf->revision);
		printf("  ids:       %04x:%04x, subsystem %04x:%04x\n", pf->vendor_id,
		       pf->device_id, pf->subsys_vendor_id, pf->subsys_device_id);
	} else {
		printf("%s: %s/%s, VFs without PCI functions\n", pf->addr_str,
		       pf->bus_name, pf->dev_name);
	}
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
	fn_users_print(stdout, &pf->users, "  in use:    ");
	vf_limit_of(pf, &limit);
	vf_limit_describe(pf, &limit, source, sizeof(source));
	printf("  VFs:       %d enabled of %d (%s), autoprobe %s\n", pf->num_vfs,
	       limit.total_vfs, source,
	       pf->drivers_autoprobe < 0 ? "?"
	       : pf->drivers_autoprobe	 ? "on"
					 : "off");
	if (pf->vf_total_msix > 0)
		printf("  VF MSI-X:  %d vectors to share out (sriov_vf_total_msix)\n",
		       pf->vf_total_msix);
}

static void show_text(const struct inventory *inv, const struct selection *sel,
		      const struct devlink_views *dv)
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
		if (pf_vfs_are_pci(pf)) /* netdevsim has no capabilities to show */
			caps_print_text(stdout, &pf->caps, "  ");
		vfs_text(pf, sel);
		devlink_view_text(stdout, pf, devlink_views_of(dv, inv, pf),
				  dv->errs ? dv->errs[i] : -ENOENT, sel->vf_sel,
				  sel->n_vf_sel);
	}
}

/* ---- a function without SR-IOV ------------------------------------------ */

static int show_function(struct cli *cli, const struct inventory *inv, const char *addr)
{
	const struct iommu_group_view *g = NULL;
	struct iommu_groups gs = {0};
	struct pci_function f;
	struct pci_names *names;
	struct sriov_err err;
	int ret;

	sriov_err_clear(&err);
	ret = sriov_pci_function_read(cli->root, addr, &f, &err);
	if (ret < 0)
		return cli_report(cli, &err);
	if (f.iommu_group >= 0 && sriov_iommu_groups_read(cli->root, &gs, &err) == 0)
		g = iommu_groups_find(&gs, f.iommu_group);
	else if (f.iommu_group >= 0)
		cli_warn("IOMMU group %d of %s not shown: %s", f.iommu_group, addr,
			 err.msg);
	names = pci_names_open();
	if (cli->json) {
		struct json_object *root = json_object_new_object();

		ADD(root, "function", function_view_json(&f, g, names));
		ADD(root, "notes", notes_json(inv));
		json_print(root);
		json_object_put(root);
	} else {
		function_view_text(stdout, &f, g, names);
	}
	pci_names_close(names);
	sriov_iommu_groups_free(&gs);
	sriov_pci_function_free(&f);
	return EXIT_OK;
}

static int show_run(struct cli *cli, int argc, char **argv)
{
	struct devlink_views dv = {0};
	struct selection sel = {0};
	struct inventory inv;
	int first, ret;

	ret = cli_parse(cli, &cmd_show, argc, argv, NULL, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	if (argc - first > 1)
		return cli_usage_error(cli, "show", "unexpected argument '%s'",
				       argv[first + 1]);
	ret = cli_load_inventory(cli, INV_USERS, &inv);
	if (ret)
		return ret;
	if (first < argc)
		ret = select_dev(cli, &inv, argv[first], &sel);
	if (!ret && sel.other) {
		ret = show_function(cli, &inv, sel.other_addr);
	} else if (!ret) {
		devlink_views_load(cli, &inv, sel.pf, &dv);
		if (cli->json)
			show_json(&inv, &sel, &dv);
		else
			show_text(&inv, &sel, &dv);
		print_notes(cli, &inv);
		ret = inv.damaged ? EXIT_FAIL : EXIT_OK;
	}
	devlink_views_free(&dv);
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
