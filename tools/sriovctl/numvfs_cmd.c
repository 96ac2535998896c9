// SPDX-License-Identifier: MIT
/*
 * The runner of sriovctl enable DEV N and disable DEV (cmd_enable.c and
 * cmd_disable.c hold their help and table entries): set a PF's number of
 * VFs (the library's numvfs_set() does the work), then say what was done.
 * disable is "enable DEV 0" with its own arguments and wording.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "inventory_view.h"
#include "numvfs_cmd.h"
#include "usage_view.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))
#define TIMEOUT_MAX_S	   86400.0

enum { OPT_AUTOPROBE = 0x200, OPT_TIMEOUT, OPT_FORCE, OPT_DRY_RUN };

struct numvfs_opts {
	const char *cmd;
	int autoprobe; /* -1: not given */
	int timeout_ms;
	bool force, dry_run;
};

/* ---- arguments ------------------------------------------------------------ */

static int parse_timeout(struct cli *cli, struct numvfs_opts *o, const char *arg)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(arg, &end);
	if (errno || end == arg || *end || !(s > 0) || s > TIMEOUT_MAX_S)
		return cli_usage_error(
			cli, o->cmd,
			"--timeout: expected seconds, a number above 0 and "
			"at most %.0f, got '%s'",
			TIMEOUT_MAX_S, arg);
	o->timeout_ms = (int)(s * 1000 + 0.5);
	if (o->timeout_ms < 1)
		o->timeout_ms = 1;
	return 0;
}

static int handle_option(struct cli *cli, void *ctx, int opt, const char *arg)
{
	struct numvfs_opts *o = ctx;

	switch (opt) {
	case OPT_AUTOPROBE:
		if (strcmp(arg, "yes") && strcmp(arg, "no"))
			return cli_usage_error(
				cli, o->cmd, "--autoprobe: expected yes or no, got '%s'",
				arg);
		o->autoprobe = !strcmp(arg, "yes");
		return 0;
	case OPT_TIMEOUT:
		return parse_timeout(cli, o, arg);
	case OPT_FORCE:
		o->force = true;
		return 0;
	case OPT_DRY_RUN:
		o->dry_run = true;
		return 0;
	default:
		return cli_usage_error(cli, o->cmd, "unknown option");
	}
}

static const struct option enable_opts[] = {
	{"autoprobe", required_argument, NULL, OPT_AUTOPROBE},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"force", no_argument, NULL, OPT_FORCE},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{0},
};

static const struct option disable_opts[] = {
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"force", no_argument, NULL, OPT_FORCE},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{0},
};

/* N: decimal digits, at most 65535 (the SR-IOV capability's field is 16 bits). */
static int parse_count(struct cli *cli, const char *cmd, const char *arg, int *count)
{
	size_t len = strlen(arg);
	bool digits = len && len <= 5 && strspn(arg, "0123456789") == len;
	unsigned long v = digits ? strtoul(arg, NULL, 10) : ULONG_MAX;

	if (v > 0xffff)
		return cli_usage_error(cli, cmd,
				       "N must be a number of VFs from 0 to the PF's "
				       "limit (sriovctl show DEV), got '%s'",
				       arg);
	*count = (int)v;
	return 0;
}

static int parse_args(struct cli *cli, const struct command *cmd, int argc, char **argv,
		      bool disable, struct numvfs_opts *o, int *count, const char **dev)
{
	struct cli_extra_opts extra = {
		.longopts = disable ? disable_opts : enable_opts,
		.handle = handle_option,
		.ctx = o,
	};
	int first, ret, want = disable ? 1 : 2;

	ret = cli_parse(cli, cmd, argc, argv, &extra, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	if (argc - first < want)
		return cli_usage_error(cli, cmd->name, "missing %s",
				       argc - first ? "N (the number of VFs)"
						    : "DEV (the PF: address or netdev)");
	if (argc - first > want)
		return cli_usage_error(cli, cmd->name, "unexpected argument '%s'",
				       argv[first + want]);
	*dev = argv[first];
	*count = 0;
	if (!disable && parse_count(cli, cmd->name, argv[first + 1], count))
		return EXIT_USAGE;
	return CLI_CONTINUE;
}

/* ---- the PF ---------------------------------------------------------------- */

static int find_pf(struct cli *cli, const char *cmd, const struct inventory *inv,
		   const char *arg, const struct pf **out)
{
	const struct pf *parent;
	struct sriov_err err;
	struct dev_ref ref;
	unsigned int index;

	sriov_err_clear(&err);
	if (sriov_dev_resolve(cli->root, arg, &ref, &err) < 0)
		return cli_report(cli, &err);
	*out = ref.has_vf_spec ? NULL
			       : inventory_find_pf_dev(inv, ref.bus_name, ref.dev_name);
	if (*out)
		return 0;
	parent = pf_of_vf(inv, &ref.addr, &index);
	if (ref.has_vf_spec)
		sriov_err_set(&err, -EINVAL, "%s takes a PF; \"%s\" names VFs (PF/INDEX)",
			      cmd, arg);
	else if (parent)
		sriov_err_set(&err, -EINVAL, "%s (%s) is VF %u of %s; %s takes the PF",
			      arg, ref.addr_str, index, parent->addr_str, cmd);
	else
		sriov_err_set(&err, -ENODEV,
			      "%s (%s) has no SR-IOV capability: only a physical "
			      "function can have VFs",
			      arg, ref.addr_str);
	sriov_err_hint(&err, "run `sriovctl list` to see the SR-IOV PFs");
	return cli_report(cli, &err);
}

/* ---- JSON -------------------------------------------------------------------- */

static struct json_object *steps_json(const struct numvfs_result *res)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < res->n_steps; i++) {
		const struct numvfs_step *st = &res->steps[i];
		struct json_object *o = json_object_new_object();

		ADD(o, "step", json_object_new_string(numvfs_step_name(st->kind)));
		ADD(o, "attribute", json_str_or_null(st->attr));
		ADD(o, "value", json_str_or_null(st->value));
		ADD(o, "status", json_object_new_string(numvfs_status_name(st->status)));
		ADD(o, "elapsed_ms", json_object_new_int64(st->elapsed_ms));
		ADD(o, "detail", json_str_or_null(st->detail));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *vfs_json(const struct pf *pf)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; pf && i < pf->n_vfs; i++) {
		const struct vf *vf = &pf->vfs[i];
		struct json_object *o = json_object_new_object();
		struct json_object *nds = json_object_new_array();

		ADD(o, "index", json_object_new_int((int)vf->index));
		ADD(o, "address", json_str_or_null(vf->addr_str));
		ADD(o, "driver", json_str_or_null(vf->driver));
		for (size_t j = 0; j < vf->n_netdevs; j++)
			json_object_array_add(
				nds, json_object_new_string(vf->netdevs[j].name));
		ADD(o, "netdevs", nds);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The VFs in use before the operation, each with show's used_by. */
static struct json_object *users_json(const struct pf *pf)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct vf *vf = &pf->vfs[i];
		struct json_object *o;

		if (!vf->users.n)
			continue;
		o = json_object_new_object();
		ADD(o, "index", json_object_new_int((int)vf->index));
		ADD(o, "address", json_str_or_null(vf->addr_str));
		ADD(o, "used_by", fn_users_json(&vf->users));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *kernel_log_json(const struct numvfs_result *res)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < res->kernel_log.n; i++) {
		const struct kmsg_record *rec = &res->kernel_log.v[i];
		struct json_object *o = json_object_new_object();

		ADD(o, "text", json_object_new_string(rec->text));
		ADD(o, "device", json_str_or_null(rec->device));
		ADD(o, "kind", json_object_new_string(kmsg_kind_name(rec->kind)));
		ADD(o, "remedy", json_str_or_null(kmsg_kind_remedy(rec->kind)));
		ADD(o, "explains_failure",
		    json_object_new_boolean((int)i == res->diagnosis));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *limit_json(const struct vf_limit *lim)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "total_vfs", json_int_or_null(lim->total_vfs));
	ADD(o, "capability_total_vfs", json_int_or_null(lim->cap_total));
	ADD(o, "source", json_object_new_string(vf_limit_source_name(lim->source)));
	return o;
}

static struct json_object *error_json(int ret, const struct sriov_err *err)
{
	struct json_object *o;
	const char *name;

	if (!ret)
		return NULL;
	o = json_object_new_object();
	name = strerrorname_np(-ret);
	ADD(o, "errno", json_str_or_null(name));
	ADD(o, "message", json_str_or_null(err->msg));
	ADD(o, "hint", json_str_or_null(err->hint));
	return o;
}

struct outcome {
	bool disable;
	const struct numvfs_opts *opts;
	const struct numvfs_result *res;
	const struct pf *before; /* the PF as read before the change (users) */
	const struct pf *after;	 /* read again afterwards; NULL when unknown */
	int ret;
	const struct sriov_err *err;
};

static const char *result_name(const struct outcome *oc)
{
	if (oc->ret == -EBUSY && !oc->res->n_steps)
		return "refused";
	if (oc->ret == -ETIMEDOUT)
		return "timeout";
	if (oc->ret)
		return "failed";
	if (oc->res->already)
		return "already";
	return oc->opts->dry_run ? "planned" : "done";
}

static void print_json(const struct outcome *oc)
{
	const struct numvfs_result *res = oc->res;
	struct json_object *o = json_object_new_object();

	ADD(o, "operation", json_object_new_string(oc->disable ? "disable" : "enable"));
	ADD(o, "pf", json_object_new_string(res->pf));
	ADD(o, "result", json_object_new_string(result_name(oc)));
	ADD(o, "dry_run", json_object_new_boolean(oc->opts->dry_run));
	ADD(o, "requested", json_object_new_int(res->requested));
	ADD(o, "previous", json_int_or_null(res->previous));
	ADD(o, "enabled", json_int_or_null(res->enabled));
	ADD(o, "changed", json_object_new_boolean(res->changed));
	ADD(o, "forced", json_object_new_boolean(res->forced));
	ADD(o, "limit", limit_json(&res->limit));
	ADD(o, "autoprobe", json_tristate(res->autoprobe));
	ADD(o, "autoprobe_previous", json_tristate(res->autoprobe_previous));
	ADD(o, "autoprobe_requested", json_tristate(oc->opts->autoprobe));
	ADD(o, "timeout_ms", json_object_new_int(oc->opts->timeout_ms));
	ADD(o, "steps", steps_json(res));
	ADD(o, "vfs", vfs_json(oc->after));
	ADD(o, "users", users_json(oc->before));
	ADD(o, "kernel_log", kernel_log_json(res));
	ADD(o, "pending_pid",
	    res->pending_pid ? json_object_new_int(res->pending_pid) : NULL);
	ADD(o, "error", error_json(oc->ret, oc->err));
	json_print(o);
	json_object_put(o);
}

/* ---- text ---------------------------------------------------------------------- */

static const char *short_addr(const char *addr)
{
	return strncmp(addr, "0000:", 5) ? addr : addr + 5;
}

static void print_vf_list(const struct pf *pf)
{
	if (pf && !pf_vfs_are_pci(pf) && pf->n_vfs) {
		printf(": VFs %s/0-%zu (no PCI functions)\n", pf->dev_name,
		       pf->n_vfs - 1);
		return;
	}
	for (size_t i = 0; pf && i < pf->n_vfs; i++) {
		const struct vf *vf = &pf->vfs[i];

		printf("%s %s", i ? "," : ":", short_addr(vf->addr_str));
		if (vf->n_netdevs)
			printf(" %s", vf->netdevs[0].name);
		else if (vf->driver[0])
			printf(" (%s)", vf->driver);
		else
			printf(" (no driver)");
	}
	putchar('\n');
}

static void print_summary(const struct outcome *oc)
{
	const struct numvfs_result *res = oc->res;
	bool through_zero = res->previous > 0 && res->requested > 0;

	if (res->already && !res->previous) {
		printf("%s: no VFs, nothing to do\n", res->pf);
		return;
	}
	if (res->already) {
		printf("%s: already %d VF%s, nothing to do\n", res->pf, res->previous,
		       res->previous == 1 ? "" : "s");
		return;
	}
	if (!res->requested) {
		printf("%s: VFs disabled (was %d)%s\n", res->pf, res->previous,
		       res->forced ? ", VFs in use removed (--force)" : "");
		return;
	}
	printf("%s: %d VF%s enabled (was %d%s", res->pf, res->enabled,
	       res->enabled == 1 ? "" : "s", res->previous,
	       through_zero ? ", through 0" : "");
	if (oc->opts->autoprobe >= 0)
		printf(", autoprobe %s", res->autoprobe ? "on" : "off");
	if (res->forced)
		printf(", VFs in use removed with --force");
	putchar(')');
	print_vf_list(oc->after);
}

static void print_step_line(const char *dir, const struct numvfs_step *st, int count,
			    int timeout_ms)
{
	switch (st->kind) {
	case NUMVFS_STEP_VERIFY:
		printf("  read sriov_numvfs back (expect %d)\n", count);
		break;
	case NUMVFS_STEP_WAIT:
		printf("  wait up to %g s for the VF links, drivers and netdev names\n",
		       timeout_ms / 1000.0);
		break;
	default:
		printf("  write %s to %s/%s\n", st->value, dir, st->attr);
	}
}

static void print_plan(const struct outcome *oc)
{
	const struct numvfs_result *res = oc->res;
	char dir[80];

	if (res->already) {
		print_summary(oc);
		return;
	}
	snprintf(dir, sizeof(dir), "/sys/bus/%s/devices/%s", oc->before->bus_name,
		 oc->before->dev_name);
	printf("%s: has %d VFs; dry run, nothing changed. Would:\n", res->pf,
	       res->previous);
	for (size_t i = 0; i < res->n_steps; i++)
		print_step_line(dir, &res->steps[i], res->requested,
				oc->opts->timeout_ms);
}

static void print_steps_verbose(const struct numvfs_result *res)
{
	for (size_t i = 0; i < res->n_steps; i++) {
		const struct numvfs_step *st = &res->steps[i];

		cli_status("  %-9s %-7s %5ld ms  %s%s%s%s", numvfs_step_name(st->kind),
			   numvfs_status_name(st->status), st->elapsed_ms,
			   st->value[0] ? st->value : "", st->value[0] ? " -> " : "",
			   st->attr, st->detail[0] ? st->detail : "");
	}
}

static void print_failure_state(const struct outcome *oc)
{
	const struct numvfs_result *res = oc->res;

	if (res->pending_pid)
		cli_status("%s: the VF count is unknown until the kernel finishes",
			   res->pf);
	else if (res->changed && res->enabled >= 0)
		cli_status("%s: now %d VFs (was %d)", res->pf, res->enabled,
			   res->previous);
}

static void print_text(struct cli *cli, const struct outcome *oc)
{
	if (oc->ret) {
		print_failure_state(oc);
		if (cli->verbose)
			for (size_t i = 0; i < oc->res->kernel_log.n; i++)
				cli_status("kernel: %s", oc->res->kernel_log.v[i].text);
	} else if (oc->opts->dry_run) {
		print_plan(oc);
	} else {
		print_summary(oc);
	}
	if (cli->verbose && !oc->opts->dry_run)
		print_steps_verbose(oc->res);
}

/* ---- running it ------------------------------------------------------------------ */

static void warn_forced(const struct pf *pf, const struct numvfs_result *res)
{
	char users[512];

	if (!res->forced || !numvfs_users_describe(pf, users, sizeof(users)))
		return;
	cli_warn("removing VFs in use (--force): %s", users);
}

/* Exit code of a failure: input errors from the checks are 2, a refusal 1. */
static int check_exit_code(int ret)
{
	return ret == -EBUSY ? EXIT_FAIL : EXIT_USAGE;
}

static int run_exit_code(int ret)
{
	if (!ret)
		return EXIT_OK;
	return ret == -EPERM || ret == -EACCES ? EXIT_NOPERM : EXIT_FAIL;
}

/* Returns an exit code when it cannot start (not root), else 0 with *op_ret set. */
static int execute(struct cli *cli, const struct command *cmd, const struct pf *pf,
		   struct numvfs_request *req, struct numvfs_result *res, int *op_ret,
		   struct sriov_err *err)
{
	struct cli_progress line = {0};
	int code;

	code = cli_require_root(cli, cmd->name);
	if (code)
		return code;
	numvfs_result_free(res);
	req->dry_run = false;
	if (isatty(STDERR_FILENO)) {
		req->progress = cli_progress_print;
		req->progress_ctx = &line;
	}
	sriov_err_clear(err);
	warn_forced(pf, res);
	*op_ret = numvfs_set(cli->root, pf, req, res, err);
	cli_progress_end(&line);
	return 0;
}

/* The PF as it is now, for the VF list; NULL while a write is still running. */
static const struct pf *read_after(struct cli *cli, const struct numvfs_result *res,
				   const struct pf *before, struct inventory *inv)
{
	if (!res->changed)
		return before;
	if (res->pending_pid)
		return NULL;
	if (sriov_inventory_read(cli->root, INV_NO_NETLINK | INV_NO_NAMES, inv, NULL) < 0)
		return NULL;
	return inventory_find_pf_dev(inv, before->bus_name, before->dev_name);
}

static int finish(struct cli *cli, struct outcome *oc, struct inventory *after_inv)
{
	oc->after = oc->ret == -EBUSY && !oc->res->n_steps
			    ? oc->before
			    : read_after(cli, oc->res, oc->before, after_inv);
	if (cli->json) {
		print_json(oc);
		if (oc->ret)
			cli_report(cli, oc->err);
	} else {
		if (oc->ret)
			cli_report(cli, oc->err);
		print_text(cli, oc);
	}
	return oc->ret == -EBUSY && !oc->res->n_steps ? EXIT_FAIL
						      : run_exit_code(oc->ret);
}

int numvfs_command_run(struct cli *cli, const struct command *cmd, int argc, char **argv,
		       bool disable)
{
	struct numvfs_opts o = {.cmd = cmd->name,
				.autoprobe = -1,
				.timeout_ms = NUMVFS_DEFAULT_TIMEOUT_MS};
	struct inventory inv, after_inv = {0};
	struct numvfs_result res = {0};
	struct numvfs_request req;
	struct sriov_err err;
	const struct pf *pf;
	const char *dev;
	int count, ret;

	ret = parse_args(cli, cmd, argc, argv, disable, &o, &count, &dev);
	if (ret != CLI_CONTINUE)
		return ret;
	ret = cli_load_inventory(cli, INV_USERS | INV_NO_NETLINK | INV_NO_NAMES, &inv);
	if (ret)
		return ret;
	ret = find_pf(cli, cmd->name, &inv, dev, &pf);
	if (ret)
		goto out;
	numvfs_request_init(&req, count);
	req.autoprobe = o.autoprobe;
	req.force = o.force;
	req.timeout_ms = o.timeout_ms;
	req.dry_run = true;
	sriov_err_clear(&err);
	ret = numvfs_set(cli->root, pf, &req, &res, &err);
	if (ret < 0 && ret != -EBUSY) {
		cli_report(cli, &err);
		ret = check_exit_code(ret);
		goto out;
	}
	if (ret == 0 && !o.dry_run && !res.already) {
		int code = execute(cli, cmd, pf, &req, &res, &ret, &err);

		if (code) {
			ret = code;
			goto out;
		}
	}
	ret = finish(cli,
		     &(struct outcome){.disable = disable,
				       .opts = &o,
				       .res = &res,
				       .before = pf,
				       .ret = ret,
				       .err = &err},
		     &after_inv);
out:
	numvfs_result_free(&res);
	sriov_inventory_free(&after_inv);
	sriov_inventory_free(&inv);
	return ret;
}
