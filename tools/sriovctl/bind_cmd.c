// SPDX-License-Identifier: MIT
/*
 * The runner of sriovctl bind DEV DRIVER|default and sriovctl unbind DEV
 * (cmd_bind.c and cmd_unbind.c hold their help and table entries): resolve
 * DEV (a function, or PF/INDEXES for several VFs), plan every
 * function (all checks, nothing changed), then apply the plans in order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inventory_view.h"
#include "bind_cmd.h"
#include "usage_view.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

enum { OPT_FORCE = 0x200, OPT_DRY_RUN };

struct bind_cmd {
	struct cli *cli;
	const char *name; /* "bind" or "unbind" */
	struct bind_request req;
	bool dry_run;
	bool vf_list; /* DEV named VFs as a range or list: JSON "functions" */
	char (*addrs)[PCI_ADDR_STRLEN];
	size_t n_addrs;
	struct bind_plan *plans;
	size_t n_plans;
};

/* ---- arguments -------------------------------------------------------------- */

static int bind_opt(struct cli *cli, void *ctx, int opt, const char *arg)
{
	struct bind_cmd *bc = ctx;

	(void)cli;
	(void)arg;
	if (opt == OPT_FORCE)
		bc->req.force = true;
	else if (opt == OPT_DRY_RUN)
		bc->dry_run = true;
	return 0;
}

static int parse_args(struct bind_cmd *bc, const struct command *cmd, int argc,
		      char **argv, int *first)
{
	static const struct option longopts[] = {
		{"force", no_argument, NULL, OPT_FORCE},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{0},
	};
	struct cli_extra_opts extra = {
		.longopts = longopts, .handle = bind_opt, .ctx = bc};
	int want = bc->req.action == BIND_UNBIND ? 1 : 2;
	int ret = cli_parse(bc->cli, cmd, argc, argv, &extra, first);

	if (ret != CLI_CONTINUE)
		return ret;
	if (argc - *first < want)
		return cli_usage_error(bc->cli, bc->name, "missing %s",
				       argc - *first == 0 ? "DEV"
							  : "DRIVER (or 'default')");
	if (argc - *first > want)
		return cli_usage_error(bc->cli, bc->name, "unexpected argument '%s'",
				       argv[*first + want]);
	return CLI_CONTINUE;
}

static int parse_driver(struct bind_cmd *bc, const char *arg)
{
	struct sriov_err err;

	if (!strcmp(arg, "default")) {
		bc->req.action = BIND_DEFAULT;
		return 0;
	}
	sriov_err_clear(&err);
	if (bind_driver_name_check(arg, &err) < 0)
		return cli_usage_error(bc->cli, bc->name, "%s, or 'default'", err.msg);
	bc->req.driver = arg;
	return 0;
}

/* ---- the functions DEV names ------------------------------------------------ */

static int add_addr(struct bind_cmd *bc, const char *addr)
{
	char(*grown)[PCI_ADDR_STRLEN] =
		realloc(bc->addrs, (bc->n_addrs + 1) * sizeof(*grown));

	if (!grown)
		return EXIT_FAIL;
	bc->addrs = grown;
	snprintf(bc->addrs[bc->n_addrs++], PCI_ADDR_STRLEN, "%s", addr);
	return 0;
}

static int select_vf_addrs(struct bind_cmd *bc, const struct pf *pf, const char *spec)
{
	unsigned int count = 0;
	struct sriov_err err;
	bool *sel;
	int ret = 0;

	for (size_t j = 0; j < pf->n_vfs; j++)
		if (pf->vfs[j].index + 1 > count)
			count = pf->vfs[j].index + 1;
	sel = calloc(count ? count : 1, sizeof(*sel));
	if (!sel)
		return EXIT_FAIL;
	sriov_err_clear(&err);
	if (vf_index_spec_parse(spec, count, sel, &err) < 0)
		ret = cli_report(bc->cli, &err);
	for (unsigned int i = 0; ret == 0 && i < count; i++)
		if (sel[i] && !inventory_find_vf(pf, (int)i)) {
			sriov_err_set(&err, -ENODEV,
				      "VF %u of %s is not there: its virtfn%u link is "
				      "missing or names no PCI function",
				      i, pf->addr_str, i);
			ret = cli_report(bc->cli, &err);
		}
	for (size_t j = 0; ret == 0 && j < pf->n_vfs; j++)
		if (sel[pf->vfs[j].index])
			ret = add_addr(bc, pf->vfs[j].addr_str);
	free(sel);
	return ret;
}

static int resolve_vfs(struct bind_cmd *bc, const struct dev_ref *ref, const char *arg)
{
	struct inventory inv;
	struct sriov_err err;
	const struct pf *pf;
	int ret;

	ret = cli_load_inventory(bc->cli, INV_NO_NETLINK | INV_NO_NAMES, &inv);
	if (ret)
		return ret;
	pf = inventory_find_pf_dev(&inv, ref->bus_name, ref->dev_name);
	if (pf && !pf_vfs_are_pci(pf)) {
		sriov_err_clear(&err);
		sriov_err_set(&err, -EINVAL,
			      "%s: the VFs of %s (%s) are not PCI functions: there is no "
			      "driver to bind",
			      arg, pf->dev_name, pf->bus_name);
		ret = cli_report(bc->cli, &err);
	} else if (pf) {
		ret = select_vf_addrs(bc, pf, ref->vf_spec);
	} else {
		sriov_err_clear(&err);
		sriov_err_set(&err, -ENODEV,
			      "%s: %s is not an SR-IOV physical function, so it has no "
			      "VF indexes",
			      arg, ref->addr_str);
		sriov_err_hint(&err, "run `sriovctl list` to see the SR-IOV devices");
		ret = cli_report(bc->cli, &err);
	}
	sriov_inventory_free(&inv);
	/* a range, a list or "all" prints a list, even when it selects one VF */
	bc->vf_list = strpbrk(ref->vf_spec, ",-") || !strcmp(ref->vf_spec, "all");
	return ret;
}

static int resolve_dev(struct bind_cmd *bc, const char *arg)
{
	struct sriov_err err;
	struct dev_ref ref;
	int ret;

	ret = cli_open_root(bc->cli);
	if (ret)
		return ret;
	sriov_err_clear(&err);
	if (sriov_dev_resolve(bc->cli->root, arg, &ref, &err) < 0)
		return cli_report(bc->cli, &err);
	if (ref.has_vf_spec)
		return resolve_vfs(bc, &ref, arg);
	if (strcmp(ref.bus_name, "pci")) {
		sriov_err_set(
			&err, -EINVAL,
			"%s: %s/%s is not a PCI function: there is no driver to bind",
			arg, ref.bus_name, ref.dev_name);
		return cli_report(bc->cli, &err);
	}
	return add_addr(bc, ref.addr_str);
}

/* ---- plan and apply ----------------------------------------------------------- */

static int plan_all(struct bind_cmd *bc)
{
	const char *companions[256];
	struct usage_snapshot *snap;
	struct sriov_err err;
	int ret = 0;

	sriov_err_clear(&err);
	if (usage_snapshot_read(bc->cli->root, &snap, &err) < 0)
		return cli_report(bc->cli, &err);
	for (size_t i = 0; i < bc->n_addrs && i < 256; i++)
		companions[i] = bc->addrs[i];
	bc->req.companions = companions;
	bc->req.n_companions = bc->n_addrs < 256 ? bc->n_addrs : 256;
	bc->plans = calloc(bc->n_addrs ? bc->n_addrs : 1, sizeof(*bc->plans));
	if (!bc->plans)
		ret = EXIT_FAIL;
	for (size_t i = 0; ret == 0 && i < bc->n_addrs; i++) {
		if (bind_plan(bc->cli->root, bc->addrs[i], &bc->req, snap, &bc->plans[i],
			      &err) < 0)
			ret = cli_report(bc->cli, &err);
		else
			bc->n_plans++;
	}
	bc->req.companions = NULL;
	bc->req.n_companions = 0;
	usage_snapshot_free(snap);
	return ret;
}

static const char *or_none(const char *s)
{
	return s[0] ? s : "(none)";
}

static void print_steps(FILE *out, const struct bind_plan *p, bool dry_run)
{
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct bind_step *s = &p->steps[i];
		const char *verb = dry_run ? "would " : s->done ? "" : "not done: ";

		if (s->kind == BIND_STEP_LOAD_MODULE)
			fprintf(out, "  %sload module %s\n", verb, s->value);
		else if (!strcmp(s->value, "\n"))
			fprintf(out, "  %s%s empty to %s\n", verb,
				dry_run ? "write" : "wrote", s->path);
		else
			fprintf(out, "  %s%s %s to %s\n", verb,
				dry_run ? "write" : "wrote", s->value, s->path);
	}
}

static void print_dry_run(const struct bind_plan *p)
{
	if (p->nothing_to_do) {
		printf("%s: nothing to do (driver %s, driver_override %s)\n", p->address,
		       or_none(p->previous_driver), or_none(p->previous_override));
		return;
	}
	printf("%s: %s -> %s (dry run, nothing changed):\n", p->address,
	       or_none(p->previous_driver),
	       p->action == BIND_DRIVER	   ? p->driver
	       : p->action == BIND_DEFAULT ? "its default driver"
					   : "(none)");
	print_steps(stdout, p, true);
	for (int i = 0; i < p->n_warnings; i++)
		cli_warn("%s", p->warnings[i]);
}

static void print_already(const struct bind_plan *p)
{
	if (p->action == BIND_DRIVER)
		printf("%s: already bound to %s%s%s%s\n", p->address, p->driver,
		       p->vfio_device[0] ? " (" : "", p->vfio_device,
		       p->vfio_device[0] ? ")" : "");
	else if (p->action == BIND_DEFAULT)
		printf("%s: no driver_override set; bound to %s\n", p->address,
		       or_none(p->driver_after));
	else
		printf("%s: not bound to any driver; nothing to unbind\n", p->address);
}

static void print_result(const struct cli *cli, const struct bind_plan *p)
{
	if (p->nothing_to_do) {
		print_already(p);
	} else {
		printf("%s: %s -> %s", p->address, or_none(p->previous_driver),
		       or_none(p->driver_after));
		if (p->vfio_device[0])
			printf(" (%s)", p->vfio_device);
		if (p->action == BIND_DEFAULT && p->previous_override[0])
			printf(" (driver_override %s cleared)", p->previous_override);
		if (p->action == BIND_UNBIND && p->override_after[0])
			printf(" (driver_override %s kept)", p->override_after);
		putchar('\n');
		if (cli->verbose)
			print_steps(stdout, p, false);
	}
	for (int i = 0; i < p->n_warnings; i++)
		cli_warn("%s", p->warnings[i]);
}

static int apply_all(struct bind_cmd *bc)
{
	struct sriov_err err;

	for (size_t i = 0; i < bc->n_plans; i++) {
		struct bind_plan *p = &bc->plans[i];

		sriov_err_clear(&err);
		if (bind_apply(bc->cli->root, p, &err) < 0) {
			if (p->n_steps) {
				cli_status("%s: the steps:", p->address);
				print_steps(stderr, p, false);
			}
			return cli_report(bc->cli, &err);
		}
		if (!bc->cli->json)
			print_result(bc->cli, p);
	}
	return EXIT_OK;
}

/* ---- JSON ------------------------------------------------------------------- */

static const char *action_name(enum bind_action a)
{
	return a == BIND_DRIVER ? "bind" : a == BIND_DEFAULT ? "default" : "unbind";
}

static struct json_object *steps_json(const struct bind_plan *p)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < p->n_steps; i++) {
		const struct bind_step *s = &p->steps[i];
		struct json_object *o = json_object_new_object();

		if (s->kind == BIND_STEP_LOAD_MODULE) {
			ADD(o, "action", json_object_new_string("load_module"));
			ADD(o, "module", json_object_new_string(s->value));
		} else {
			ADD(o, "action", json_object_new_string("write"));
			ADD(o, "path", json_object_new_string(s->path));
			ADD(o, "value",
			    json_object_new_string(!strcmp(s->value, "\n") ? ""
									   : s->value));
		}
		ADD(o, "done", json_object_new_boolean(s->done));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *warnings_json(const struct bind_plan *p)
{
	struct json_object *arr = json_object_new_array();

	for (int i = 0; i < p->n_warnings; i++)
		json_object_array_add(arr, json_object_new_string(p->warnings[i]));
	return arr;
}

static struct json_object *plan_json(const struct bind_plan *p, bool dry_run)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "address", json_object_new_string(p->address));
	ADD(o, "action", json_object_new_string(action_name(p->action)));
	ADD(o, "requested_driver",
	    p->action == BIND_DRIVER ? json_object_new_string(p->driver) : NULL);
	ADD(o, "previous_driver", json_str_or_null(p->previous_driver));
	ADD(o, "previous_override", json_str_or_null(p->previous_override));
	ADD(o, "driver", p->applied ? json_str_or_null(p->driver_after) : NULL);
	ADD(o, "override", p->applied ? json_str_or_null(p->override_after) : NULL);
	ADD(o, "vfio_device", json_str_or_null(p->vfio_device));
	ADD(o, "iommu_group", json_int_or_null(p->iommu_group));
	ADD(o, "dry_run", json_object_new_boolean(dry_run));
	ADD(o, "changed", json_object_new_boolean(!dry_run && !p->nothing_to_do));
	ADD(o, "steps", steps_json(p));
	ADD(o, "used_by", fn_users_json(&p->users));
	ADD(o, "warnings", warnings_json(p));
	return o;
}

static void print_json(const struct bind_cmd *bc)
{
	struct json_object *root, *arr;

	if (!bc->vf_list) {
		root = plan_json(&bc->plans[0], bc->dry_run);
	} else {
		root = json_object_new_object();
		arr = json_object_new_array();
		for (size_t i = 0; i < bc->n_plans; i++)
			json_object_array_add(arr, plan_json(&bc->plans[i], bc->dry_run));
		ADD(root, "functions", arr);
	}
	json_print(root);
	json_object_put(root);
}

/* ---- the command ------------------------------------------------------------- */

static int run_planned(struct bind_cmd *bc)
{
	int ret;

	if (!bc->n_plans)
		return EXIT_OK;
	if (bc->dry_run) {
		if (bc->cli->json)
			print_json(bc);
		else
			for (size_t i = 0; i < bc->n_plans; i++)
				print_dry_run(&bc->plans[i]);
		return EXIT_OK;
	}
	ret = apply_all(bc);
	if (ret == EXIT_OK && bc->cli->json)
		print_json(bc);
	return ret;
}

int bind_command_run(struct cli *cli, const struct command *cmd, int argc, char **argv,
		     bool unbind)
{
	struct bind_cmd bc = {.cli = cli, .name = cmd->name};
	int first, ret;

	bc.req.action = unbind ? BIND_UNBIND : BIND_DRIVER;
	ret = parse_args(&bc, cmd, argc, argv, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	if (bc.req.action != BIND_UNBIND) {
		ret = parse_driver(&bc, argv[first + 1]);
		if (ret)
			return ret;
	}
	ret = resolve_dev(&bc, argv[first]);
	if (ret == 0 && !bc.dry_run)
		ret = cli_require_root(cli, bc.name);
	if (ret == 0)
		ret = plan_all(&bc);
	if (ret == 0)
		ret = run_planned(&bc);
	for (size_t i = 0; i < bc.n_plans; i++)
		bind_plan_free(&bc.plans[i]);
	free(bc.plans);
	free(bc.addrs);
	return ret;
}
