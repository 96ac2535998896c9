// SPDX-License-Identifier: MIT
/*
 * sriovctl export DEV --format FORMAT: the snippet that hands a VF (or any
 * PCI function) to a VM, on standard output; where the MAC and VLAN came
 * from and the warnings on standard error (or all of it as JSON). Reads
 * only: the library gathers (export_target_read) and renders (export_render).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))
#define MAX_CONFIGS	   32

enum {
	OPT_FORMAT = 0x200,
	OPT_CONFIG,
	OPT_NO_CONFIG,
	OPT_UNMANAGED,
	OPT_NAME,
	OPT_VMID,
	OPT_HOSTPCI,
	OPT_MAPPING_NAME,
	OPT_NODE,
};

struct export_cmd {
	struct cli *cli;
	const char *format_arg;
	enum export_format format;
	const char *configs[MAX_CONFIGS];
	size_t n_configs;
	bool no_config;
	bool vmid_given, hostpci_given;
	struct export_options o;
	struct sriov_config *cfg;
	struct rtnl *nl;
	struct export_target t;
	struct export_targets ts; /* proxmox-mapping: every VF DEV names */
	char node[EXPORT_NODE_NAME_MAX + 1];
	char *snippet;
};

static void export_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl export DEV --format FORMAT [--config FILE]... "
		"[--no-config]\n"
		"                       [--unmanaged] [--name NETWORK] [--vmid N] "
		"[--hostpci N]\n"
		"                       [--mapping-name NAME] [--node NODE] [--json] "
		"[--root DIR]\n"
		"\n"
		"Print what hands DEV to a virtual machine. The snippet goes to "
		"standard\n"
		"output (so '> vf.xml' works); where the MAC and VLAN came from and "
		"the\n"
		"warnings go to standard error. Nothing is changed, root is not "
		"needed.\n"
		"\n"
		"DEV is a VF (PF/INDEX such as enp1s0/0, or its address), or any PCI\n"
		"function by address; for libvirt-network, a PF; for proxmox-mapping, "
		"a PF\n"
		"(all its VFs), PF/INDEXES (e.g. enp1s0/0-3) or one VF.\n"
		"\n"
		"Formats:\n"
		"  libvirt          <interface type='hostdev'> for a network VF, with "
		"its\n"
		"                   MAC and VLAN (libvirt sets them on the VF at VM "
		"start)\n"
		"  libvirt-hostdev  <hostdev mode='subsystem' type='pci'> for any "
		"function\n"
		"  libvirt-network  a <network> whose pool is the VFs of the PF DEV, "
		"with\n"
		"                   the virsh commands to define and start it\n"
		"  qemu             -device vfio-pci,host=..., with the notes on "
		"vfio-pci,\n"
		"                   MSI-X and the CPU model\n"
		"  proxmox          qm set VMID --hostpciN ...,pcie=1 and the line of\n"
		"                   /etc/pve/qemu-server/VMID.conf\n"
		"  proxmox-mapping  pvesh create /cluster/mapping/pci --id NAME with "
		"one\n"
		"                   --map node=,path=,id=,iommugroup=,subsystem-id= per "
		"VF,\n"
		"                   for 'hostpci0: mapping=NAME' in a VM\n"
		"\n"
		"The MAC and VLAN are the configured ones (the [vf]/[pf] sections of\n"
		"/etc/sriovctl.conf and /etc/sriovctl.d/*.conf, or --config) when set\n"
		"there, else the VF's current ones (rtnetlink). An all-zero MAC is "
		"none,\n"
		"VLAN 0 is none.\n"
		"\n"
		"Options:\n"
		"  --format FORMAT  one of the formats above (required)\n"
		"  --config FILE    read this configuration instead of the default "
		"files\n"
		"                   (repeatable; with --root, inside DIR)\n"
		"  --no-config      use the VF's current settings only\n"
		"  --unmanaged      managed='no': libvirt will not bind vfio-pci "
		"itself\n"
		"                   (libvirt formats only)\n"
		"  --name NETWORK   the libvirt network's name (default "
		"sriov-PFNETDEV)\n"
		"  --vmid N         the Proxmox VE VM ID, %d-%d (without it the output\n"
		"                   has the word VMID where the ID goes: replace it)\n"
		"  --hostpci N      the Proxmox hostpci index, 0-%d (default 0)\n"
		"  --mapping-name NAME  the Proxmox mapping ID: a letter, then letters,\n"
		"                   digits or '_' (default sriov_PFNETDEV)\n"
		"  --node NODE      the Proxmox VE node (default: the short name in\n"
		"                   /etc/hostname)\n"
		"%s"
		"\n"
		"Examples:\n"
		"  sriovctl export enp1s0/0 --format libvirt > vf0.xml\n"
		"  virsh attach-device guest vf0.xml --config\n"
		"  sriovctl export enp1s0 --format libvirt-network --name vfpool\n"
		"  sriovctl export 0000:01:10.0 --format proxmox --vmid 100 --hostpci 1\n"
		"  sriovctl export enp1s0 --format proxmox-mapping --node pve1\n"
		"\n"
		"Exit status: 0 printed, 1 reading the host failed, 2 bad argument, "
		"an\n"
		"unknown device, a format that does not fit DEV, or a bad "
		"configuration.\n",
		EXPORT_VMID_MIN, EXPORT_VMID_MAX, EXPORT_HOSTPCI_MAX, cli_common_help());
}

/* ---- arguments ----------------------------------------------------------------- */

static int parse_number(struct cli *cli, const char *opt, const char *arg, long lo,
			long hi, const char *what, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '+' || arg[0] == '-' || v < lo ||
	    v > hi)
		return cli_usage_error(cli, "export", "invalid %s '%s': %s, %ld to %ld",
				       opt, arg, what, lo, hi);
	*out = (int)v;
	return 0;
}

static int add_config(struct export_cmd *x, const char *arg)
{
	if (x->n_configs >= MAX_CONFIGS)
		return cli_usage_error(x->cli, "export", "at most %d --config files",
				       MAX_CONFIGS);
	x->configs[x->n_configs++] = arg;
	return 0;
}

static int export_opt(struct cli *cli, void *ctx, int opt, const char *arg)
{
	struct export_cmd *x = ctx;

	switch (opt) {
	case OPT_FORMAT:
		if (x->format_arg)
			return cli_usage_error(cli, "export",
					       "--format given twice ('%s' and '%s'): "
					       "one snippet per run",
					       x->format_arg, arg);
		x->format_arg = arg;
		return 0;
	case OPT_CONFIG:
		return add_config(x, arg);
	case OPT_NO_CONFIG:
		x->no_config = true;
		return 0;
	case OPT_UNMANAGED:
		x->o.unmanaged = true;
		return 0;
	case OPT_NAME:
		x->o.network_name = arg;
		return 0;
	case OPT_MAPPING_NAME:
		x->o.mapping_name = arg;
		return 0;
	case OPT_NODE:
		x->o.node = arg;
		return 0;
	case OPT_VMID:
		x->vmid_given = true;
		return parse_number(cli, "--vmid", arg, EXPORT_VMID_MIN, EXPORT_VMID_MAX,
				    "a Proxmox VE VM ID is a number", &x->o.vmid);
	case OPT_HOSTPCI:
		x->hostpci_given = true;
		return parse_number(cli, "--hostpci", arg, 0, EXPORT_HOSTPCI_MAX,
				    "Proxmox VE has hostpci indexes", &x->o.hostpci);
	}
	return 0;
}

/* An option that belongs to other formats is a mistake worth saying. */
static int check_applies(struct export_cmd *x)
{
	enum export_format f = x->format;
	const char *wrong = NULL, *needs = NULL;

	if ((x->vmid_given || x->hostpci_given) && f != EXPORT_PROXMOX) {
		wrong = x->vmid_given ? "--vmid" : "--hostpci";
		needs = "--format proxmox";
	} else if ((x->o.mapping_name || x->o.node) && f != EXPORT_PROXMOX_MAPPING) {
		wrong = x->o.mapping_name ? "--mapping-name" : "--node";
		needs = "--format proxmox-mapping";
	} else if (x->o.network_name && f != EXPORT_LIBVIRT_NETWORK) {
		wrong = "--name";
		needs = "--format libvirt-network";
	} else if (x->o.unmanaged && f != EXPORT_LIBVIRT && f != EXPORT_LIBVIRT_HOSTDEV &&
		   f != EXPORT_LIBVIRT_NETWORK) {
		wrong = "--unmanaged";
		needs = "a libvirt format";
	} else if (x->no_config && x->n_configs) {
		wrong = "--no-config";
		needs = "no --config";
	}
	if (wrong)
		return cli_usage_error(x->cli, "export", "%s goes with %s", wrong, needs);
	return 0;
}

static int check_args(struct export_cmd *x, int argc, char **argv, int first)
{
	struct sriov_err err;

	if (argc - first < 1)
		return cli_usage_error(x->cli, "export", "missing DEV (e.g. enp1s0/0)");
	if (argc - first > 1)
		return cli_usage_error(x->cli, "export", "unexpected argument '%s'",
				       argv[first + 1]);
	if (!x->format_arg)
		return cli_usage_error(x->cli, "export",
				       "missing --format: use libvirt, libvirt-hostdev, "
				       "libvirt-network, qemu, proxmox or "
				       "proxmox-mapping");
	sriov_err_clear(&err);
	if (export_format_lookup(x->format_arg, &x->format, &err) < 0 ||
	    export_options_check(&x->o, &err) < 0)
		return cli_usage_error(x->cli, "export", "%s", err.msg);
	return check_applies(x);
}

static int parse_args(struct export_cmd *x, int argc, char **argv, int *first)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, OPT_FORMAT},
		{"config", required_argument, NULL, OPT_CONFIG},
		{"no-config", no_argument, NULL, OPT_NO_CONFIG},
		{"unmanaged", no_argument, NULL, OPT_UNMANAGED},
		{"name", required_argument, NULL, OPT_NAME},
		{"vmid", required_argument, NULL, OPT_VMID},
		{"hostpci", required_argument, NULL, OPT_HOSTPCI},
		{"mapping-name", required_argument, NULL, OPT_MAPPING_NAME},
		{"node", required_argument, NULL, OPT_NODE},
		{0},
	};
	struct cli_extra_opts extra = {
		.longopts = longopts, .handle = export_opt, .ctx = x};
	int ret = cli_parse(x->cli, &cmd_export, argc, argv, &extra, first);

	if (ret != CLI_CONTINUE)
		return ret;
	ret = check_args(x, argc, argv, *first);
	return ret ? ret : CLI_CONTINUE;
}

/* ---- the configuration ------------------------------------------------------------ */

/*
 * A --config path as the library takes it (inside the root): on the host a
 * relative path is taken from the working directory, under --root from DIR.
 */
static int config_path(struct export_cmd *x, const char *arg, char *buf, size_t size)
{
	char cwd[PATH_MAX];
	int n;

	if (arg[0] == '/')
		n = snprintf(buf, size, "%s", arg);
	else if (sriov_root_is_host(x->cli->root) && getcwd(cwd, sizeof(cwd)))
		n = snprintf(buf, size, "%s/%s", strcmp(cwd, "/") ? cwd : "", arg);
	else
		n = snprintf(buf, size, "/%s", arg);
	if (n < 0 || (size_t)n >= size)
		return cli_usage_error(x->cli, "export", "--config path too long: %s",
				       arg);
	return 0;
}

static int report_config(struct export_cmd *x, const struct cfg_diags *d,
			 const struct sriov_err *err)
{
	char line[sizeof(d->items[0].msg) + 300];

	if (!d->n)
		cli_error(x->cli, "export", EXIT_USAGE, "%s", err->msg);
	for (size_t i = 0; i < d->n; i++) {
		cfg_diag_format(&d->items[i], line, sizeof(line));
		cli_error(x->cli, "export", EXIT_USAGE, "%s", line);
	}
	cli_hint("fix the configuration, or pass --no-config to use the VF's current "
		 "settings");
	return EXIT_USAGE;
}

static int load_files(struct export_cmd *x, const char *const *files, size_t n)
{
	struct cfg_diags diags = {0};
	struct sriov_err err;
	int ret = 0;

	sriov_err_clear(&err);
	if (sriov_config_load(x->cli->root, files, n, &x->cfg, &diags, &err) < 0)
		ret = report_config(x, &diags, &err);
	cfg_diags_free(&diags);
	return ret;
}

static int load_default_config(struct export_cmd *x)
{
	const char *names[MAX_CONFIGS];
	char(*files)[256] = NULL;
	struct sriov_err err;
	size_t n = 0;
	int ret;

	sriov_err_clear(&err);
	if (cfg_default_files(x->cli->root, &files, &n, &err) < 0) {
		free(files);
		return cli_report(x->cli, &err);
	}
	if (n > MAX_CONFIGS)
		n = MAX_CONFIGS;
	for (size_t i = 0; i < n; i++)
		names[i] = files[i];
	ret = n ? load_files(x, names, n) : 0;
	free(files);
	return ret;
}

static int load_config(struct export_cmd *x)
{
	static char paths[MAX_CONFIGS][256];
	const char *names[MAX_CONFIGS];
	int ret;

	if (x->no_config)
		return 0;
	if (!x->n_configs)
		return load_default_config(x);
	for (size_t i = 0; i < x->n_configs; i++) {
		ret = config_path(x, x->configs[i], paths[i], sizeof(paths[i]));
		if (ret)
			return ret;
		names[i] = paths[i];
	}
	return load_files(x, names, x->n_configs);
}

/* ---- output ------------------------------------------------------------------------ */

/* "is VF 2 of PF 0000:01:00.0 (enp1s0)", "is an SR-IOV PF with 4 VFs", ... */
static void describe_kind(const struct export_target *t, char *buf, size_t size)
{
	if (t->is_vf)
		snprintf(buf, size, "is VF %d of PF %s%s%s%s", t->vf_index, t->pf_addr,
			 t->pf_ifname[0] ? " (" : "", t->pf_ifname,
			 t->pf_ifname[0] ? ")" : "");
	else if (t->is_pf)
		snprintf(buf, size, "is an SR-IOV PF with %d VFs", t->num_vfs);
	else
		snprintf(buf, size, "is a PCI function (not SR-IOV)");
}

static void print_identity(const struct export_target *t)
{
	char kind[256], group[16];

	describe_kind(t, kind, sizeof(kind));
	if (t->iommu_group >= 0)
		snprintf(group, sizeof(group), "%d", t->iommu_group);
	else
		snprintf(group, sizeof(group), "none");
	cli_note("%s %s; driver %s; IOMMU group %s", t->addr_str, kind,
		 t->driver[0] ? t->driver : "none", group);
}

static void print_notes(const struct export_cmd *x, const struct export_target *t)
{
	char mac[VF_MAC_STRLEN];

	print_identity(t);
	if (t->is_vf && t->is_network && x->format != EXPORT_LIBVIRT_NETWORK) {
		vf_mac_format(t->mac, mac);
		cli_note("MAC %s: %s", t->has_mac ? mac : "none", t->mac_source);
		if (t->has_vlan)
			cli_note("VLAN %u, qos %u: %s", t->vlan, t->qos, t->vlan_source);
		else
			cli_note("VLAN none: %s", t->vlan_source);
	}
	for (int i = 0; i < t->n_warnings; i++)
		cli_warn("%s", t->warnings[i]);
}

static const char *kind_name(const struct export_target *t)
{
	return t->is_vf ? "vf" : t->is_pf ? "pf" : "function";
}

static struct json_object *warnings_json(const struct export_target *t)
{
	struct json_object *arr = json_object_new_array();

	for (int i = 0; i < t->n_warnings; i++)
		json_object_array_add(arr, json_object_new_string(t->warnings[i]));
	return arr;
}

static void add_vf_settings_json(struct json_object *o, const struct export_target *t)
{
	bool has = t->is_vf && t->is_network;
	char mac[VF_MAC_STRLEN];

	vf_mac_format(t->mac, mac);
	ADD(o, "mac", has && t->has_mac ? json_object_new_string(mac) : NULL);
	ADD(o, "mac_source", has ? json_object_new_string(t->mac_source) : NULL);
	ADD(o, "vlan", has && t->has_vlan ? json_object_new_int(t->vlan) : NULL);
	ADD(o, "qos", has && t->has_vlan ? json_object_new_int(t->qos) : NULL);
	ADD(o, "vlan_source", has ? json_object_new_string(t->vlan_source) : NULL);
}

/* "8086:10ca", or NULL when unknown */
static struct json_object *ids_json(bool known, uint16_t vendor, uint16_t device)
{
	char buf[16];

	if (!known)
		return NULL;
	snprintf(buf, sizeof(buf), "%04x:%04x", vendor, device);
	return json_object_new_string(buf);
}

/* proxmox-mapping: the node, the snippet, and each function without one. */
static void print_mapping_json(const struct export_cmd *x)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	ADD(o, "format", json_object_new_string(export_format_name(x->format)));
	ADD(o, "node", json_object_new_string(x->o.node));
	ADD(o, "snippet", json_object_new_string(x->snippet));
	for (size_t i = 0; i < x->ts.n; i++) {
		const struct export_target *t = &x->ts.items[i];
		struct json_object *f = json_object_new_object();

		ADD(f, "device", json_object_new_string(t->addr_str));
		ADD(f, "kind", json_object_new_string(kind_name(t)));
		ADD(f, "pf", t->is_vf ? json_object_new_string(t->pf_addr) : NULL);
		ADD(f, "vf_index", t->is_vf ? json_object_new_int(t->vf_index) : NULL);
		ADD(f, "driver", json_str_or_null(t->driver));
		ADD(f, "iommu_group", json_int_or_null(t->iommu_group));
		ADD(f, "id", ids_json(t->has_ids, t->vendor, t->device));
		ADD(f, "subsystem_id",
		    ids_json(t->has_subsystem, t->subsystem_vendor, t->subsystem_device));
		ADD(f, "warnings", warnings_json(t));
		json_object_array_add(arr, f);
	}
	ADD(o, "functions", arr);
	json_print(o);
	json_object_put(o);
}

static void print_json(const struct export_cmd *x)
{
	const struct export_target *t = &x->t;
	struct json_object *o = json_object_new_object();

	ADD(o, "device", json_object_new_string(t->addr_str));
	ADD(o, "format", json_object_new_string(export_format_name(x->format)));
	ADD(o, "kind", json_object_new_string(kind_name(t)));
	ADD(o, "pf", t->is_vf ? json_object_new_string(t->pf_addr) : NULL);
	ADD(o, "vf_index", t->is_vf ? json_object_new_int(t->vf_index) : NULL);
	ADD(o, "driver", json_str_or_null(t->driver));
	ADD(o, "iommu_group", json_int_or_null(t->iommu_group));
	add_vf_settings_json(o, t);
	ADD(o, "snippet", json_object_new_string(x->snippet));
	ADD(o, "warnings", warnings_json(t));
	json_print(o);
	json_object_put(o);
}

/* ---- the command ---------------------------------------------------------------------
 */

static void open_netlink(struct export_cmd *x)
{
	struct sriov_err err;

	sriov_err_clear(&err);
	if (sriov_root_is_host(x->cli->root) && rtnl_open(&x->nl, &err) < 0 &&
	    !x->cli->json)
		cli_note("%s: the VF's current settings are unknown", err.msg);
}

static int export_target(struct export_cmd *x, const char *dev)
{
	struct sriov_err err;

	sriov_err_clear(&err);
	if (export_target_read(x->cli->root, x->nl, dev, x->cfg, &x->t, &err) < 0)
		return cli_report(x->cli, &err);
	export_target_warn(&x->t, x->format, &x->o);
	if (export_render(x->format, &x->t, &x->o, &x->snippet, &err) < 0)
		return cli_report(x->cli, &err);
	if (x->cli->json) {
		print_json(x);
		return EXIT_OK;
	}
	fputs(x->snippet, stdout);
	print_notes(x, &x->t);
	return EXIT_OK;
}

/* The node: --node, else the root's /etc/hostname. */
static int mapping_node(struct export_cmd *x)
{
	struct sriov_err err;

	if (x->o.node)
		return 0;
	sriov_err_clear(&err);
	if (export_node_name_read(x->cli->root, x->node, sizeof(x->node), &err) < 0)
		return cli_report(x->cli, &err);
	x->o.node = x->node;
	return 0;
}

/* proxmox-mapping: every VF that DEV names, in one command. */
static int export_mapping(struct export_cmd *x, const char *dev)
{
	struct sriov_err err;
	int ret = mapping_node(x);

	if (ret)
		return ret;
	sriov_err_clear(&err);
	if (export_targets_read(x->cli->root, x->nl, dev, x->cfg, &x->ts, &err) < 0)
		return cli_report(x->cli, &err);
	for (size_t i = 0; i < x->ts.n; i++)
		export_target_warn(&x->ts.items[i], x->format, &x->o);
	if (export_render_mapping(&x->ts, &x->o, &x->snippet, &err) < 0)
		return cli_report(x->cli, &err);
	if (x->cli->json) {
		print_mapping_json(x);
		return EXIT_OK;
	}
	fputs(x->snippet, stdout);
	for (size_t i = 0; i < x->ts.n; i++)
		print_notes(x, &x->ts.items[i]);
	return EXIT_OK;
}

static int export_run(struct cli *cli, int argc, char **argv)
{
	struct export_cmd x = {.cli = cli};
	int first, ret;

	ret = parse_args(&x, argc, argv, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	ret = cli_open_root(cli);
	if (ret == 0)
		ret = load_config(&x);
	if (ret == 0) {
		open_netlink(&x);
		if (x.format == EXPORT_PROXMOX_MAPPING)
			ret = export_mapping(&x, argv[first]);
		else
			ret = export_target(&x, argv[first]);
	}
	export_targets_free(&x.ts);
	free(x.snippet);
	sriov_config_free(x.cfg);
	rtnl_close(x.nl);
	return ret;
}

const struct command cmd_export = {
	.name = "export",
	.summary = "print the libvirt, QEMU or Proxmox snippet that hands a VF to a VM",
	.run = export_run,
	.help = export_help,
};
