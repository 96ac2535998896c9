// SPDX-License-Identifier: MIT
/*
 * sriovctl pf DEV show | set KEY VALUE...: the PF's own settings, the
 * devlink eswitch of its instance and its netdev's MTU; set is journaled
 * like apply, so restore puts it back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "devlink_view.h"
#include "inventory_view.h"
#include "plan_view.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

#define PF_DEFAULT_LOCK_TIMEOUT_MS 10000

static void pf_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl pf DEV show [--json] [--root DIR]\n"
		"       sriovctl pf DEV set KEY VALUE [KEY VALUE...] [--dry-run]\n"
		"                   [--rollback-on-error] [--lock-timeout S] [--json] "
		"[--root DIR]\n"
		"\n"
		"Show or change the PF's own settings: the devlink eswitch of its\n"
		"instance (pci/ADDRESS) and the MTU of its netdev. DEV is the PF: a\n"
		"network interface (enp3s0f0np0) or a PCI address. show also takes a\n"
		"devlink handle BUS/NAME of an instance that is no SR-IOV PF sriovctl\n"
		"knows (netdevsim/netdevsim10): its eswitch and every VF port.\n"
		"\n"
		"Keys:\n");
	for (int k = 0; k < PF_KEY_COUNT; k++)
		fprintf(out, "  %-11s %-28s %s\n", pf_key_name((enum pf_key)k),
			pf_key_values((enum pf_key)k), pf_key_help((enum pf_key)k));
	fprintf(out,
		"\n"
		"Switchdev gives every VF a representor netdev on the host, the port\n"
		"that OVS or TC offload programs; legacy is the classic mode where the\n"
		"PF's VF settings (sriovctl vf) apply. The eswitch mode changes in the\n"
		"order the driver needs, checked before anything is changed: never\n"
		"while a VF is in use (a VM holds it, its netdev carries addresses);\n"
		"mlx5 only while its VFs have no driver: their drivers are unbound\n"
		"first and bound again after, as steps of the same run (a driver from\n"
		"driver_override is left to you); ice only before VFs exist (disable,\n"
		"set, enable). Each value is read back after it is set.\n"
		"\n"
		"Values that already match are left alone. Every change is journaled\n"
		"before it is made (%s): sriovctl restore puts it back.\n"
		"\n"
		"Options:\n"
		"  --dry-run            print what would change, change nothing\n"
		"  --rollback-on-error  undo the done changes when one fails\n"
		"  --lock-timeout S     wait at most S seconds for another run "
		"(default %d)\n"
		"%s"
		"\n"
		"Examples:\n"
		"  sriovctl pf enp3s0f0np0 show\n"
		"  # sriovctl pf 0000:03:00.0 set eswitch switchdev --dry-run\n"
		"  # sriovctl pf enp3s0f0np0 set eswitch switchdev encap basic mtu 9000\n"
		"\n"
		"Exit status: 0 done (or nothing to change), 1 a change failed or was\n"
		"refused (a VF in use, no devlink instance), 2 bad input (nothing was\n"
		"changed), 3 needs root.\n",
		JOURNAL_FILE, PF_DEFAULT_LOCK_TIMEOUT_MS / 1000, cli_common_help());
}

/* ---- arguments ------------------------------------------------------------- */

enum { OPT_DRY_RUN = 0x200, OPT_ROLLBACK, OPT_LOCK_TIMEOUT };

static int pf_option(struct cli *cli, void *ctx, int opt, const char *arg)
{
	struct apply_opts *o = ctx;

	switch (opt) {
	case OPT_DRY_RUN:
		o->dry_run = true;
		return 0;
	case OPT_ROLLBACK:
		o->rollback_on_error = true;
		return 0;
	case OPT_LOCK_TIMEOUT:
		return plan_parse_seconds(cli, "pf", "--lock-timeout", arg, 86400.0,
					  &o->lock_timeout_ms);
	default:
		return cli_usage_error(cli, "pf", "unknown option");
	}
}

/* KEY VALUE pairs into reqs: exit 2 naming the bad one, nothing changed. */
static int parse_pairs(struct cli *cli, char **kv, int n, struct pf_set_req *reqs)
{
	struct sriov_err err;

	if (n == 0 || n % 2)
		return cli_usage_error(
			cli, "pf", n ? "'%s' has no value" : "set: expected KEY VALUE...",
			n ? kv[n - 1] : "");
	for (int i = 0; i < n; i += 2) {
		struct pf_set_req *r = &reqs[i / 2];

		sriov_err_clear(&err);
		if (pf_key_lookup(kv[i], &r->key, &err) < 0 ||
		    pf_value_parse(r->key, kv[i + 1], r->value, sizeof(r->value), &err) <
			    0)
			return cli_usage_error(cli, "pf", "%s", err.msg);
		for (int k = 0; k < i / 2; k++)
			if (reqs[k].key == r->key)
				return cli_usage_error(cli, "pf", "%s given twice",
						       kv[i]);
	}
	return 0;
}

/* ---- show ------------------------------------------------------------------ */

static int read_mtu(struct cli *cli, const struct pf *pf)
{
	char buf[16];

	if (pf_attr_read(cli->root, pf, PF_KEY_MTU, buf, sizeof(buf), NULL) < 0)
		return -1;
	return atoi(buf);
}

static void show_text(struct cli *cli, const struct pf *pf, const struct devlink_state *s,
		      int err)
{
	int mtu = read_mtu(cli, pf);

	printf("%s %s%s%s\n", pf->addr_str, pf->device_name,
	       pf->driver[0] ? ", driver " : "", pf->driver);
	if (pf->n_netdevs && mtu > 0)
		printf("  netdev:    %s mtu %d\n", pf->netdevs[0].name, mtu);
	else if (pf->n_netdevs)
		printf("  netdev:    %s mtu unknown\n", pf->netdevs[0].name);
	else
		printf("  netdev:    none\n");
	devlink_view_text(stdout, pf, s, err, NULL, 0);
}

static void show_json(struct cli *cli, const struct inventory *inv, const struct pf *pf,
		      const struct devlink_state *s)
{
	struct json_object *root = json_object_new_object();
	struct json_object *vfs = json_object_new_array();
	int mtu = read_mtu(cli, pf);

	ADD(root, "pf", json_object_new_string(pf->addr_str));
	ADD(root, "driver", json_str_or_null(pf->driver));
	ADD(root, "netdev",
	    pf->n_netdevs ? json_object_new_string(pf->netdevs[0].name) : NULL);
	ADD(root, "mtu", json_int_or_null(mtu));
	ADD(root, "devlink", devlink_view_pf_json(s));
	for (size_t i = 0; i < pf->n_vfs; i++) {
		struct json_object *o = json_object_new_object();

		ADD(o, "index", json_object_new_int((int)pf->vfs[i].index));
		ADD(o, "address", json_object_new_string(pf->vfs[i].addr_str));
		ADD(o, "devlink", devlink_view_vf_json(pf, s, pf->vfs[i].index));
		json_object_array_add(vfs, o);
	}
	ADD(root, "vfs", vfs);
	ADD(root, "notes", notes_json(inv));
	json_print(root);
	json_object_put(root);
}

/* dev names a PF of inv (quietly: no message either way). */
static bool dev_is_pf(struct cli *cli, const struct inventory *inv, const char *dev)
{
	struct dev_ref ref;

	if (sriov_dev_resolve(cli->root, dev, &ref, NULL) < 0)
		return false;
	return inventory_find_pf_dev(inv, ref.bus_name, ref.dev_name) && !ref.has_vf_spec;
}

static int find_pf(struct cli *cli, const struct inventory *inv, const char *arg,
		   const struct pf **out)
{
	struct sriov_err err;
	struct dev_ref ref;

	sriov_err_clear(&err);
	if (sriov_dev_resolve(cli->root, arg, &ref, &err) < 0)
		return cli_report(cli, &err);
	*out = inventory_find_pf_dev(inv, ref.bus_name, ref.dev_name);
	if (*out && !ref.has_vf_spec)
		return 0;
	sriov_err_set(&err, -ENODEV, "%s (%s) is not an SR-IOV physical function", arg,
		      ref.addr_str);
	sriov_err_hint(&err, "run `sriovctl list` to see the SR-IOV devices");
	return cli_report(cli, &err);
}

/*
 * DEV as a devlink handle BUS/NAME ("netdevsim/netdevsim10") that is no PF
 * of the inventory: the instance alone. 1 when dev is no such handle.
 */
static int show_handle(struct cli *cli, const char *dev)
{
	char bus[16], name[32];
	struct devlink_state s;
	const char *slash = strchr(dev, '/');

	if (!slash || strchr(slash + 1, '/') || (size_t)(slash - dev) >= sizeof(bus) ||
	    strlen(slash + 1) >= sizeof(name))
		return 1;
	snprintf(bus, sizeof(bus), "%.*s", (int)(slash - dev), dev);
	snprintf(name, sizeof(name), "%s", slash + 1);
	if (!sriov_name_is_safe(bus) || !sriov_name_is_safe(name) ||
	    sriov_devlink_read(cli->root, NULL, bus, name, &s, NULL) < 0) {
		devlink_state_free(&s);
		return 1;
	}
	if (cli->json) {
		struct json_object *root = json_object_new_object();

		ADD(root, "handle", json_object_new_string(dev));
		ADD(root, "devlink", devlink_view_instance_json(&s));
		json_print(root);
		json_object_put(root);
	} else {
		printf("%s (a devlink instance; not an SR-IOV PF sriovctl knows)\n", dev);
		devlink_view_instance_text(stdout, &s);
	}
	devlink_state_free(&s);
	return 0;
}

static int pf_show(struct cli *cli, const char *dev)
{
	struct devlink_views dv = {0};
	struct inventory inv;
	const struct pf *pf;
	int ret;

	ret = cli_load_inventory(cli, 0, &inv);
	if (ret)
		return ret;
	if (!dev_is_pf(cli, &inv, dev) && show_handle(cli, dev) == 0) {
		sriov_inventory_free(&inv);
		return EXIT_OK;
	}
	ret = find_pf(cli, &inv, dev, &pf);
	if (!ret && devlink_views_load(cli, &inv, pf, &dv) < 0)
		ret = EXIT_FAIL;
	if (!ret && cli->json)
		show_json(cli, &inv, pf, devlink_views_of(&dv, &inv, pf));
	else if (!ret)
		show_text(cli, pf, devlink_views_of(&dv, &inv, pf),
			  dv.errs[pf - inv.pfs]);
	if (!ret && !cli->json)
		print_notes(cli, &inv);
	if (!ret && inv.damaged)
		ret = EXIT_FAIL;
	devlink_views_free(&dv);
	sriov_inventory_free(&inv);
	return ret;
}

/* ---- set ------------------------------------------------------------------- */

static int resolve_addr(struct cli *cli, const char *dev, char addr[PCI_ADDR_STRLEN])
{
	struct inventory inv;
	const struct pf *pf;
	int ret;

	ret = cli_load_inventory(cli, INV_NO_NAMES | INV_PFS_ONLY, &inv);
	if (ret)
		return ret;
	ret = find_pf(cli, &inv, dev, &pf);
	if (!ret)
		snprintf(addr, PCI_ADDR_STRLEN, "%s", pf->addr_str);
	sriov_inventory_free(&inv);
	return ret;
}

/* Under --root there is no kernel to change the eswitch of: refused up front. */
static int devlink_under_root(struct cli *cli, const struct apply_opts *o,
			      const struct pf_set_req *reqs, size_t n)
{
	for (size_t i = 0; !o->dry_run && !sriov_root_is_host(cli->root) && i < n; i++)
		if (pf_key_is_devlink(reqs[i].key))
			return cli_usage_error(cli, "pf",
					       "--root: no kernel to send the devlink "
					       "request for %s to; nothing was changed "
					       "(add --dry-run to see the plan)",
					       pf_key_name(reqs[i].key));
	return 0;
}

static int pf_set(struct cli *cli, struct apply_opts *o, const char *dev, char **kv,
		  int n_kv)
{
	struct pf_set_req *reqs = calloc((size_t)n_kv / 2 + 1, sizeof(*reqs));
	char addr[PCI_ADDR_STRLEN];
	struct cli_progress line = {0};
	struct apply_result res;
	struct sriov_err err;
	int code, ret;

	if (!reqs)
		return EXIT_FAIL;
	code = parse_pairs(cli, kv, n_kv, reqs);
	if (!code)
		code = devlink_under_root(cli, o, reqs, (size_t)n_kv / 2);
	if (!code)
		code = resolve_addr(cli, dev, addr);
	if (!code && !o->dry_run)
		code = cli_require_root(cli, "pf");
	if (code) {
		free(reqs);
		return code;
	}
	if (isatty(STDERR_FILENO) && !cli->json) {
		o->progress = cli_progress_print;
		o->progress_ctx = &line;
	}
	sriov_err_clear(&err);
	ret = sriov_pf_set(cli->root, addr, reqs, (size_t)n_kv / 2, o, &res, &err);
	cli_progress_end(&line);
	free(reqs);
	if (ret < 0 && ret != -EIO) {
		code = cli_report(cli, &err); /* refused before any change */
		apply_result_free(&res);
		return code;
	}
	if (cli->json) {
		struct json_object *j = plan_json(
			&res, o->dry_run ? PLAN_VIEW_DRY_RUN : PLAN_VIEW_RUN, NULL, 0);

		json_print(j);
		json_object_put(j);
	} else {
		plan_print(stdout, "pf set", &res,
			   o->dry_run ? PLAN_VIEW_DRY_RUN : PLAN_VIEW_RUN);
	}
	apply_result_free(&res);
	return ret < 0 ? EXIT_FAIL : EXIT_OK;
}

static int pf_run(struct cli *cli, int argc, char **argv)
{
	struct apply_opts o = {.lock_timeout_ms = PF_DEFAULT_LOCK_TIMEOUT_MS};
	static const struct option longopts[] = {
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"rollback-on-error", no_argument, NULL, OPT_ROLLBACK},
		{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
		{0},
	};
	struct cli_extra_opts extra = {
		.longopts = longopts, .handle = pf_option, .ctx = &o};
	int first, n, ret;

	ret = cli_parse(cli, &cmd_pf, argc, argv, &extra, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	n = argc - first;
	if (n < 2)
		return cli_usage_error(cli, "pf",
				       "expected DEV show or DEV set KEY VALUE...");
	ret = cli_open_root(cli);
	if (ret)
		return ret;
	if (!strcmp(argv[first + 1], "show")) {
		if (n > 2)
			return cli_usage_error(cli, "pf", "unexpected argument '%s'",
					       argv[first + 2]);
		if (o.dry_run || o.rollback_on_error)
			return cli_usage_error(cli, "pf",
					       "show takes no --dry-run or "
					       "--rollback-on-error");
		return pf_show(cli, argv[first]);
	}
	if (!strcmp(argv[first + 1], "set"))
		return pf_set(cli, &o, argv[first], argv + first + 2, n - 2);
	return cli_usage_error(cli, "pf", "unknown action '%s': use show or set",
			       argv[first + 1]);
}

const struct command cmd_pf = {
	.name = "pf",
	.summary = "show or set a PF's eswitch mode (devlink) and MTU",
	.run = pf_run,
	.help = pf_help,
};
