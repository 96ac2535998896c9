// SPDX-License-Identifier: MIT
/*
 * sriovctl vf DEV/INDEXES set KEY VALUE... | show | reset: the PF-side
 * settings of VFs over rtnetlink, all through one socket (reset:
 * vf_reset_cmd.c).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "devlink_view.h"
#include "inventory_view.h"
#include "plan_view.h"
#include "vf_reset_cmd.h"
#include "vf_view.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

/* "  vlan 0-4095          port VLAN (0: none)": one line per key of the table. */
static void keys_help(FILE *out)
{
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		const struct vf_setting *row = vf_setting_of((enum vf_key)k);
		char syntax[64], word[96];

		vf_key_syntax((enum vf_key)k, syntax, sizeof(syntax));
		snprintf(word, sizeof(word), "%s %s", row->name, syntax);
		if (strlen(word) > 22)
			fprintf(out, "  %s\n  %-22s %s\n", word, "", row->help);
		else
			fprintf(out, "  %-22s %s\n", word, row->help);
	}
}

static void vf_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl vf DEV/INDEXES set KEY VALUE [KEY VALUE...] [--pf-up]\n"
		"                   [--dry-run] [--json] [--root DIR]\n"
		"       sriovctl vf DEV[/INDEXES] show [--json] [--root DIR]\n"
		"       sriovctl vf DEV/INDEXES reset [--dry-run] [--config FILE]... "
		"[--no-config]\n"
		"                   [--lock-timeout S] [--json] [--root DIR]\n"
		"\n"
		"Set or show the settings a PF holds for its VFs (what 'ip link set DEV\n"
		"vf N ...' does), for one VF or many, through one rtnetlink socket: one\n"
		"request per kernel attribute per VF, so one refusal does not stop the\n"
		"others. Each setting is reported with the kernel's answer (errno and "
		"its\n"
		"extended-ack message) and read back afterwards: a value the driver\n"
		"accepted but did not apply is reported as failed.\n"
		"\n"
		"DEV is the PF: a network interface (enp7s0f0), a PCI address or a\n"
		"netdevsim device (netdevsim10); INDEXES is 3, 0-6, 0,2,4-5 or all,\n"
		"below the PF's current number of VFs.\n"
		"\n"
		"Keys:\n");
	keys_help(out);
	fprintf(out,
		"on|off may also be written yes/no, 1/0, true/false. mac auto derives "
		"a\n"
		"stable MAC (sriovctl(1)). vlan, qos and proto travel together, and so "
		"do\n"
		"the two rates: the parts not given keep the VF's current values.\n"
		"tx_share, tx_max, rate_group, hw_addr, fn_state, roce and migratable\n"
		"go to the VF's devlink port (devlink rate, port function), which\n"
		"exists only in switchdev mode (sriovctl pf DEV set eswitch switchdev);\n"
		"tx_share and tx_max travel together too.\n"
		"\n"
		"Options:\n"
		"  --pf-up           bring the PF link up first (and wait up to %d s "
		"for\n"
		"                    carrier): some drivers apply settings only then, "
		"igb\n"
		"                    refuses max_tx_rate while the link is down\n"
		"  --dry-run         print the requests that would be sent, send "
		"nothing\n"
		"%s"
		"\n",
		VF_SET_PF_UP_WAIT_MS / 1000, cli_common_help());
	vf_reset_help(out);
	fprintf(out,
		"\n"
		"Examples:\n"
		"  sriovctl vf enp7s0f0/all set mac auto vlan 100 spoofchk off trust on\n"
		"  sriovctl vf enp7s0f0/3 set max_tx_rate 1000 --pf-up\n"
		"  sriovctl vf enp7s0f0/0-3 show\n"
		"  sriovctl vf enp7s0f0/0-2,5 reset --dry-run\n"
		"\n"
		"Exit status: 0 every setting applied (reset: every step done), 1 a\n"
		"setting was refused or did not take (reset: a step failed, or a VF "
		"is\n"
		"in use), 2 bad input (nothing was sent), 3 needs root.\n");
}

/* ---- arguments ------------------------------------------------------------- */

struct vf_opts {
	bool pf_up;
	bool dry_run;
	struct vf_reset_args reset; /* its options: --config, --no-config, ... */
	const char *reset_only;	    /* the first of them given */
};

enum { OPT_PF_UP = 0x200, OPT_DRY_RUN, OPT_CONFIG, OPT_NO_CONFIG, OPT_LOCK_TIMEOUT };

static int reset_option(struct cli *cli, struct vf_opts *o, int opt, const char *arg)
{
	struct vf_reset_args *r = &o->reset;

	if (opt == OPT_NO_CONFIG) {
		r->no_config = true;
		o->reset_only = "--no-config";
		return 0;
	}
	if (opt == OPT_LOCK_TIMEOUT) {
		r->lock_timeout_given = true;
		o->reset_only = "--lock-timeout";
		return plan_parse_seconds(cli, "vf", "--lock-timeout", arg, 86400.0,
					  &r->lock_timeout_ms);
	}
	if (r->n_configs >= CLI_CONFIG_MAX)
		return cli_usage_error(cli, "vf", "at most %d --config files",
				       CLI_CONFIG_MAX);
	r->configs[r->n_configs++] = arg;
	o->reset_only = "--config";
	return 0;
}

static int vf_option(struct cli *cli, void *ctx, int opt, const char *arg)
{
	struct vf_opts *o = ctx;

	if (opt == OPT_PF_UP)
		o->pf_up = true;
	else if (opt == OPT_DRY_RUN)
		o->dry_run = true;
	else
		return reset_option(cli, o, opt, arg);
	return 0;
}

/*
 * Command-line words split into the ones getopt reads and the KEY VALUE
 * pairs after "set": a value is taken as given even when it starts with '-'
 * ("max_tx_rate -5" is a bad value, not an unknown option), but not with
 * "--" (an option: the key has no value).
 */
struct split_args {
	char **opt_argv;
	int opt_argc;
	char **kv;
	int n_kv;
};

/* The options whose value may be the next word. */
static bool takes_value(const char *a)
{
	return !strcmp(a, "--root") || !strcmp(a, "--config") ||
	       !strcmp(a, "--lock-timeout");
}

static void take_option(struct split_args *sa, int argc, char **argv, int *i)
{
	sa->opt_argv[sa->opt_argc++] = argv[*i];
	if (takes_value(argv[*i]) && *i + 1 < argc)
		sa->opt_argv[sa->opt_argc++] = argv[++*i];
}

static int split_args(int argc, char **argv, struct split_args *sa)
{
	bool in_set = false;
	int n_pos = 0;

	sa->opt_argv = calloc((size_t)argc + 1, sizeof(char *));
	sa->kv = calloc(2 * (size_t)argc + 2, sizeof(char *)); /* KEY, VALUE or NULL */
	if (!sa->opt_argv || !sa->kv)
		return -ENOMEM;
	sa->opt_argv[sa->opt_argc++] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && a[1]) {
			take_option(sa, argc, argv, &i);
			continue;
		}
		if (in_set) {
			sa->kv[sa->n_kv++] = argv[i];
			if (i + 1 < argc && strncmp(argv[i + 1], "--", 2))
				sa->kv[sa->n_kv++] = argv[++i];
			else
				sa->kv[sa->n_kv++] = NULL; /* "vlan --json": no value */
			continue;
		}
		sa->opt_argv[sa->opt_argc++] = argv[i];
		if (++n_pos == 2 && !strcmp(a, "set"))
			in_set = true;
	}
	return 0;
}

static void split_args_free(struct split_args *sa)
{
	free(sa->opt_argv);
	free(sa->kv);
}

/* ---- the PF and its selected VFs -------------------------------------------- */

/* The VFs that INDEXES selects. */
struct vf_selection {
	unsigned int count; /* the PF's sriov_numvfs */
	bool *sel;	    /* count entries */
	unsigned int n_sel;
};

static int select_indexes(struct cli *cli, const char *pf_addr, int num_vfs,
			  const char *spec, struct vf_selection *s)
{
	struct sriov_err err;

	s->count = num_vfs > 0 ? (unsigned int)num_vfs : 0;
	s->sel = calloc(s->count ? s->count : 1, sizeof(bool));
	if (!s->sel)
		return EXIT_FAIL;
	sriov_err_clear(&err);
	if (vf_index_spec_parse(spec, s->count, s->sel, &err) < 0) {
		if (s->count == 0)
			sriov_err_hint(&err, "enable VFs first: sriovctl enable %s N",
				       pf_addr);
		return cli_report(cli, &err);
	}
	for (unsigned int i = 0; i < s->count; i++)
		s->n_sel += s->sel[i];
	return 0;
}

/* For show: the inventory, the PF in it and the selected VFs. */
struct vf_target {
	struct inventory inv;
	bool loaded;
	const struct pf *pf;
	struct vf_selection vs;
};

static void target_free(struct vf_target *t)
{
	free(t->vs.sel);
	if (t->loaded)
		sriov_inventory_free(&t->inv);
}

static int target_resolve(struct cli *cli, const char *arg, struct vf_target *t)
{
	struct sriov_err err;
	struct vf_pf_ref ref;
	int ret, n;

	ret = cli_load_inventory(cli, INV_USERS, &t->inv);
	if (ret)
		return ret;
	t->loaded = true;
	sriov_err_clear(&err);
	if (vf_pf_locate(cli->root, arg, &ref, &err) < 0)
		return cli_report(cli, &err);
	t->pf = inventory_find_pf_dev(&t->inv, ref.bus_name, ref.dev_name);
	if (!t->pf) {
		sriov_err_set(&err, -ENODEV, "%s: %s is not in the inventory", arg,
			      ref.addr_str);
		return cli_report(cli, &err);
	}
	n = t->pf->num_vfs >= 0 ? t->pf->num_vfs : (int)t->pf->n_vfs;
	return select_indexes(cli, t->pf->addr_str, n,
			      ref.has_vf_spec ? ref.vf_spec : "all", &t->vs);
}

/* ---- show ------------------------------------------------------------------ */

static void show_text(const struct vf_target *t)
{
	const struct pf *pf = t->pf;

	printf("%s%s%s%s: %u VF%s\n", pf->addr_str, pf->n_netdevs ? " (" : "",
	       pf->n_netdevs ? pf->netdevs[0].name : "", pf->n_netdevs ? ")" : "",
	       t->vs.count, t->vs.count == 1 ? "" : "s");
	vf_view_table(stdout, pf, t->vs.sel, t->vs.count);
}

static void show_json(const struct vf_target *t, const struct devlink_state *dl)
{
	const struct pf *pf = t->pf;
	struct json_object *root = json_object_new_object();
	struct json_object *vfs = vf_view_json_array(&t->inv, pf, t->vs.sel, t->vs.count);

	ADD(root, "pf", json_object_new_string(pf->addr_str));
	ADD(root, "netdev",
	    pf->n_netdevs ? json_object_new_string(pf->netdevs[0].name) : NULL);
	ADD(root, "num_vfs", json_object_new_int((int)t->vs.count));
	devlink_view_add_vfs(vfs, pf, dl);
	ADD(root, "vfs", vfs);
	ADD(root, "vf_list_truncated", json_object_new_boolean(pf->vf_list_truncated));
	ADD(root, "notes", notes_json(&t->inv));
	json_print(root);
	json_object_put(root);
}

static int vf_show(struct cli *cli, const struct vf_opts *o, const char *dev)
{
	struct devlink_views dv = {0};
	struct vf_target t = {0};
	int ret;

	if (o->pf_up || o->dry_run || o->reset_only)
		return cli_usage_error(
			cli, "vf",
			"--pf-up and --dry-run apply to 'set' and 'reset', "
			"%s to 'reset'",
			o->reset_only ? o->reset_only : "--config");
	ret = target_resolve(cli, dev, &t);
	if (!ret) {
		if (cli->json && devlink_views_load(cli, &t.inv, t.pf, &dv) == 0)
			show_json(&t, devlink_views_of(&dv, &t.inv, t.pf));
		else if (cli->json)
			show_json(&t, NULL);
		else
			show_text(&t);
		print_notes(cli, &t.inv);
		/* shown; a damaged sysfs file or recording is still a problem found */
		ret = t.inv.damaged ? EXIT_FAIL : EXIT_OK;
	}
	devlink_views_free(&dv);
	target_free(&t);
	return ret;
}

/* ---- set: the library operation --------------------------------------------- */

struct set_job {
	struct vf_opts opts;
	struct vf_set_op op;
};

static int parse_pairs(struct cli *cli, struct vf_settings *s, char **kv, int n_kv)
{
	struct sriov_err err;
	char keys[VF_KEY_LIST_SIZE];

	sriov_err_clear(&err);
	vf_key_list(false, keys, sizeof(keys));
	if (n_kv == 0)
		return cli_usage_error(cli, "vf", "'set' needs KEY VALUE pairs (%s)",
				       keys);
	for (int i = 0; i < n_kv; i += 2)
		if (vf_settings_add(s, kv[i], kv[i + 1], &err) < 0)
			return cli_report(cli, &err);
	return 0;
}

/* The PF (a few sysfs reads, not the inventory: `set` stays cheap), then the plan. */
static int plan(struct cli *cli, struct set_job *j, const struct vf_settings *s,
		const char *dev)
{
	struct sriov_err err;
	struct vf_pf_ref pf;
	int ret;

	ret = cli_open_root(cli);
	if (ret)
		return ret;
	sriov_err_clear(&err);
	if (vf_pf_locate(cli->root, dev, &pf, &err) < 0)
		return cli_report(cli, &err);
	if (!pf.has_vf_spec)
		return cli_usage_error(cli, "vf",
				       "name the VFs of %s: %s/INDEX, %s/FIRST-LAST or "
				       "%s/all",
				       dev, dev, dev, dev);
	if (vf_set_plan(cli->root, NULL, &pf, s, &j->op, &err) < 0)
		return cli_report(cli, &err);
	if (!cli->json && j->op.cur_assumed)
		cli_note("no recorded rtnetlink state for %s under --root: the parts of "
			 "vlan/qos/proto and of the rates not given are taken as 0",
			 j->op.ifname);
	return 0;
}

static int apply(struct cli *cli, struct set_job *j)
{
	struct sriov_err err;

	sriov_err_clear(&err);
	if (vf_set_apply(cli->root, &j->op, j->opts.pf_up, &err) < 0) {
		cli_report(cli, &err);
		return -1;
	}
	if (!j->op.verified) {
		sriov_err_set(&err, -EIO, "vf: could not read the settings back: %s",
			      j->op.readback_err.msg);
		cli_report(cli, &err);
	}
	return 0;
}

/* ---- set: rendering ---------------------------------------------------------- */

/* A key's value in s as JSON: number, boolean or string (docs/json.md). */
static struct json_object *key_json(enum vf_key k, const struct rtnl_vf_set *s)
{
	struct vf_value v;

	vf_key_req_get(k, s, &v);
	return vf_value_json(k, &v);
}

/* One row of the output: a key the user gave, for one VF. */
struct row {
	const struct vf_set_result *r;
	enum vf_key key;
	bool failed;
	char value[VF_VALUE_STRLEN];
	char seen[VF_VALUE_STRLEN]; /* read back, when it differs */
	struct sriov_err err;
};

static void row_fill(const struct vf_set_op *op, const struct vf_set_result *r,
		     enum vf_key k, struct row *row)
{
	memset(row, 0, sizeof(*row));
	row->r = r;
	row->key = k;
	vf_key_format(k, &r->req, row->value, sizeof(row->value));
	if (!op->sent)
		return;
	if (!r->sent) {
		row->failed = true;
		sriov_err_set(&row->err, -EIO, "not sent (the netlink socket failed)");
		return;
	}
	if (r->ack.error) {
		row->failed = true;
		vf_set_explain(r, op->ifname, op->up.carrier, &row->err);
		return;
	}
	if (r->readback != VF_READBACK_DIFFERS)
		return;
	vf_key_format(k, &r->seen, row->seen, sizeof(row->seen));
	if (!strcmp(row->seen, row->value))
		return;
	row->failed = true;
	vf_set_explain(r, op->ifname, op->up.carrier, &row->err);
	snprintf(row->err.msg, sizeof(row->err.msg),
		 "accepted, but the kernel reports %s %s afterwards", vf_key_name(k),
		 row->seen);
}

static const char *errno_name(int err)
{
	const char *n = strerrorname_np(err < 0 ? -err : err);

	return n ? n : "?";
}

static struct json_object *row_json(const struct vf_set_op *op, const struct row *row)
{
	const struct vf_set_result *r = row->r;
	struct json_object *o = json_object_new_object();
	bool refused = op->sent && r->sent && r->ack.error;

	ADD(o, "vf", json_object_new_int((int)r->req.vf));
	ADD(o, "key", json_object_new_string(vf_key_name(row->key)));
	ADD(o, "value", key_json(row->key, &r->req));
	ADD(o, "attribute", json_object_new_string(vf_request_name(&r->req)));
	ADD(o, "ok", op->sent ? json_object_new_boolean(!row->failed) : NULL);
	ADD(o, "error",
	    row->failed ? json_object_new_string(refused ? strerror(-r->ack.error)
							 : row->err.msg)
			: NULL);
	ADD(o, "errno",
	    refused ? json_object_new_string(errno_name(r->ack.error)) : NULL);
	ADD(o, "message", refused ? json_str_or_null(r->ack.msg) : NULL);
	ADD(o, "hint", row->failed ? json_str_or_null(row->err.hint) : NULL);
	ADD(o, "verified",
	    op->verified ? json_object_new_boolean(r->readback == VF_READBACK_MATCH)
			 : NULL);
	ADD(o, "read_back",
	    row->seen[0] && row->failed ? key_json(row->key, &r->seen) : NULL);
	return o;
}

/* Calls fn for every (VF, key given) row, in request order. */
static size_t for_each_row(const struct set_job *j,
			   void (*fn)(const struct set_job *, const struct row *, void *),
			   void *ctx)
{
	const struct vf_set_op *op = &j->op;
	size_t failed = 0;
	struct row row;

	for (size_t i = 0; i < op->n_res; i++) {
		for (int k = 0; k < VF_KEY_COUNT; k++) {
			if (!vf_settings_has(&op->s, (enum vf_key)k) ||
			    vf_key_attr((enum vf_key)k) != op->res[i].req.attr)
				continue;
			row_fill(op, &op->res[i], (enum vf_key)k, &row);
			failed += row.failed;
			fn(j, &row, ctx);
		}
	}
	return failed;
}

static void row_add_json(const struct set_job *j, const struct row *row, void *ctx)
{
	json_object_array_add(ctx, row_json(&j->op, row));
}

static void row_print(const struct set_job *j, const struct row *row, void *ctx)
{
	const struct vf_set_result *r = row->r;

	(void)ctx;
	printf("vf %u %s %s", r->req.vf, vf_key_name(row->key), row->value);
	if (vf_key_is_auto(row->key, &j->op.s))
		printf(" (auto)");
	if (!row->failed) {
		printf(": ok\n");
		return;
	}
	printf(": failed: %s\n", row->err.msg);
	if (row->err.hint[0])
		printf("    hint: %s\n", row->err.hint);
}

/* "vlan 100 qos 3 proto 802.1Q": every key a request carries. */
static void format_request(const struct rtnl_vf_set *s, char *buf, size_t size)
{
	size_t len = 0;
	char v[VF_VALUE_STRLEN];

	buf[0] = '\0';
	for (int k = 0; k < VF_KEY_COUNT && len < size; k++) {
		if (vf_key_attr((enum vf_key)k) != s->attr)
			continue;
		vf_key_format((enum vf_key)k, s, v, sizeof(v));
		len += (size_t)snprintf(buf + len, size - len, "%s%s %s", len ? " " : "",
					vf_key_name((enum vf_key)k), v);
	}
}

static struct json_object *requests_json(const struct vf_set_op *op)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < op->n_res; i++) {
		const struct rtnl_vf_set *s = &op->res[i].req;
		struct json_object *o = json_object_new_object();

		ADD(o, "vf", json_object_new_int((int)s->vf));
		ADD(o, "attribute", json_object_new_string(vf_request_name(s)));
		for (int k = 0; k < VF_KEY_COUNT; k++)
			if (vf_key_attr((enum vf_key)k) == s->attr)
				ADD(o, vf_key_name((enum vf_key)k),
				    key_json((enum vf_key)k, s));
		ADD(o, "tries",
		    op->res[i].sent ? json_object_new_int((int)op->res[i].tries) : NULL);
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *tristate_known(bool known, bool v)
{
	return known ? json_object_new_boolean(v) : NULL;
}

static struct json_object *pf_up_json(const struct set_job *j)
{
	const struct vf_set_link *u = &j->op.up;
	struct json_object *o;
	bool done = j->op.sent && u->requested;

	if (!j->opts.pf_up)
		return NULL;
	o = json_object_new_object();
	ADD(o, "was_up", tristate_known(u->known, u->was_up));
	ADD(o, "ok", done ? json_object_new_boolean(!u->error) : NULL);
	ADD(o, "carrier", tristate_known(u->known && !u->error, u->carrier));
	ADD(o, "waited_ms",
	    done && !u->error ? json_object_new_int((int)u->waited_ms) : NULL);
	ADD(o, "error", done && u->error ? json_object_new_string(u->err.msg) : NULL);
	return o;
}

static size_t output_json(const struct set_job *j)
{
	const struct vf_set_op *op = &j->op;
	struct json_object *root = json_object_new_object();
	struct json_object *rows = json_object_new_array();
	size_t failed = for_each_row(j, row_add_json, rows);
	char perm[VF_MAC_STRLEN];

	ADD(root, "pf", json_object_new_string(op->pf_addr));
	ADD(root, "netdev", json_object_new_string(op->ifname));
	ADD(root, "ifindex", json_object_new_int(op->ifindex));
	ADD(root, "dry_run", json_object_new_boolean(j->opts.dry_run));
	ADD(root, "pf_up", pf_up_json(j));
	if (op->auto_mac.known) {
		vf_mac_format(op->auto_mac.perm, perm);
		ADD(root, "perm_mac", json_object_new_string(perm));
	}
	ADD(root, "requests", requests_json(op));
	ADD(root, "results", rows);
	ADD(root, "ok",
	    op->sent ? json_object_new_boolean(!failed && !op->up.error) : NULL);
	json_print(root);
	json_object_put(root);
	return failed;
}

static void print_perm_source(const struct vf_set_op *op)
{
	char perm[VF_MAC_STRLEN];

	if (!op->auto_mac.known)
		return;
	vf_mac_format(op->auto_mac.perm, perm);
	printf("%s auto: from %s's permanent MAC %s (%s) and the VF index\n",
	       vf_settings_has(&op->s, VF_KEY_MAC) && op->s.mac_auto ? "mac" : "guid",
	       op->ifname, perm, op->auto_mac.source);
}

/* A devlink request: the instance, the VF's port, a rate node it creates. */
static void print_devlink_request(const struct vf_set_op *op, const struct rtnl_vf_set *s,
				  const char *text)
{
	const struct devlink_port *p = devlink_vf_port(&op->dl, -1, s->vf);
	bool creates = s->attr == VF_ATTR_DL_GROUP && s->group[0] &&
		       !devlink_rate_node(&op->dl, s->group);

	printf("  %s/%s port %u (VF %u) %s: %s%s%s\n", op->dl_bus, op->dl_dev,
	       p ? p->index : 0, s->vf, vf_request_name(s), text,
	       creates ? ", creating rate node " : "", creates ? s->group : "");
}

/* One request as the dry run shows it: where it goes, and what it carries. */
static void print_request(const struct vf_set_op *op, const struct rtnl_vf_set *s)
{
	const struct vf_fn *fn = s->vf < op->n_fns ? &op->fns[s->vf] : NULL;
	char text[128];

	format_request(s, text, sizeof(text));
	switch (vf_attr_iface(s->attr)) {
	case VF_IFACE_VF_NETDEV:
		printf("  RTM_SETLINK %s (VF %u's netdev) %s: %s\n",
		       fn && fn->ifname[0] ? fn->ifname : "?", s->vf, vf_request_name(s),
		       text);
		break;
	case VF_IFACE_SYSFS:
		printf("  write %s/%s (VF %u): %s\n", fn && fn->addr[0] ? fn->addr : "?",
		       vf_request_name(s), s->vf, text);
		break;
	case VF_IFACE_DEVLINK_RATE:
	case VF_IFACE_DEVLINK_FN:
		print_devlink_request(op, s, text);
		break;
	default:
		printf("  RTM_SETLINK vf %u %s: %s\n", s->vf, vf_request_name(s), text);
		break;
	}
}

static void print_dry_run(const struct set_job *j)
{
	const struct vf_set_op *op = &j->op;

	printf("dry run: nothing is sent. %s (%s, ifindex %d) would get:\n", op->ifname,
	       op->pf_addr, op->ifindex);
	if (j->opts.pf_up && !(op->up.known && op->up.was_up))
		printf("  RTM_NEWLINK %s IFF_UP, then up to %d s for carrier\n",
		       op->ifname, VF_SET_PF_UP_WAIT_MS / 1000);
	else if (j->opts.pf_up)
		printf("  (%s is up already: no --pf-up request)\n", op->ifname);
	for (size_t i = 0; i < op->n_res; i++)
		print_request(op, &op->res[i].req);
	print_perm_source(op);
}

static void print_pf_up(const struct vf_set_op *op)
{
	const struct vf_set_link *u = &op->up;

	if (!u->requested)
		return;
	if (u->error) {
		printf("%s up: failed: %s\n", op->ifname, u->err.msg);
		return;
	}
	printf("%s up: %s, %s\n", op->ifname, u->was_up ? "was up" : "brought up",
	       u->carrier ? "carrier" : "no carrier yet");
	if (!u->carrier)
		printf("    (waited %u ms; settings that need link may be refused)\n",
		       u->waited_ms);
}

static size_t output_text(struct cli *cli, const struct set_job *j)
{
	struct sriov_err err;
	size_t failed;

	if (j->opts.dry_run) {
		print_dry_run(j);
		return 0;
	}
	print_pf_up(&j->op);
	failed = for_each_row(j, row_print, NULL);
	if (failed) {
		sriov_err_set(&err, -EIO, "vf: %zu setting%s failed", failed,
			      failed == 1 ? "" : "s");
		cli_report(cli, &err);
	}
	return failed;
}

/* ---- set ------------------------------------------------------------------- */

static int no_kernel_under_root(struct cli *cli)
{
	struct sriov_err err;

	sriov_err_set(&err, -EINVAL,
		      "vf: --root: no kernel to send rtnetlink requests to; nothing was "
		      "changed");
	sriov_err_hint(&err, "add --dry-run to see the requests");
	return cli_report(cli, &err);
}

static int vf_set(struct cli *cli, const struct vf_opts *o, const char *dev, char **kv,
		  int n_kv)
{
	struct set_job j = {.opts = *o};
	struct vf_settings s = {0};
	size_t failed;
	int ret;

	if (o->reset_only)
		return cli_usage_error(cli, "vf", "%s applies to 'reset'", o->reset_only);
	ret = parse_pairs(cli, &s, kv, n_kv);
	if (!ret)
		ret = plan(cli, &j, &s, dev);
	if (!ret && !o->dry_run && !sriov_root_is_host(cli->root))
		ret = no_kernel_under_root(cli);
	if (!ret && !o->dry_run)
		ret = cli_require_root(cli, "vf");
	if (ret) {
		vf_set_op_free(&j.op);
		return ret;
	}
	if (!o->dry_run && apply(cli, &j) < 0)
		ret = EXIT_FAIL;
	failed = cli->json ? output_json(&j) : output_text(cli, &j);
	if (failed || j.op.up.error)
		ret = EXIT_FAIL;
	vf_set_op_free(&j.op);
	return ret;
}

static int vf_reset_dispatch(struct cli *cli, const struct vf_opts *o, const char *dev)
{
	struct vf_reset_args a = o->reset;

	if (o->pf_up)
		return cli_usage_error(cli, "vf", "--pf-up applies to 'set'");
	if (a.no_config && a.n_configs)
		return cli_usage_error(cli, "vf",
				       "--no-config and --config exclude "
				       "each other");
	a.dry_run = o->dry_run;
	return vf_reset(cli, dev, &a);
}

static int vf_run(struct cli *cli, int argc, char **argv)
{
	struct vf_opts o = {0};
	static const struct option longopts[] = {
		{"pf-up", no_argument, NULL, OPT_PF_UP},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"config", required_argument, NULL, OPT_CONFIG},
		{"no-config", no_argument, NULL, OPT_NO_CONFIG},
		{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
		{0},
	};
	struct cli_extra_opts extra = {
		.longopts = longopts, .handle = vf_option, .ctx = &o};
	struct split_args sa = {0};
	int first, n, ret;

	if (split_args(argc, argv, &sa) < 0) {
		split_args_free(&sa);
		return EXIT_FAIL;
	}
	ret = cli_parse(cli, &cmd_vf, sa.opt_argc, sa.opt_argv, &extra, &first);
	n = sa.opt_argc - first;
	if (ret != CLI_CONTINUE)
		;
	else if (n < 2)
		ret = cli_usage_error(cli, "vf",
				      "expected DEV/INDEXES set KEY VALUE..., "
				      "DEV/INDEXES show or DEV/INDEXES reset");
	else if (!strcmp(sa.opt_argv[first + 1], "show") && n == 2 && !sa.n_kv)
		ret = vf_show(cli, &o, sa.opt_argv[first]);
	else if (!strcmp(sa.opt_argv[first + 1], "set") && n == 2)
		ret = vf_set(cli, &o, sa.opt_argv[first], sa.kv, sa.n_kv);
	else if (!strcmp(sa.opt_argv[first + 1], "reset") && n == 2 && !sa.n_kv)
		ret = vf_reset_dispatch(cli, &o, sa.opt_argv[first]);
	else if (n > 2)
		ret = cli_usage_error(cli, "vf", "unexpected argument '%s'",
				      sa.opt_argv[first + 2]);
	else
		ret = cli_usage_error(cli, "vf",
				      "unknown action '%s': use set, show or reset",
				      sa.opt_argv[first + 1]);
	split_args_free(&sa);
	return ret;
}

const struct command cmd_vf = {
	.name = "vf",
	.summary = "set, show or reset per-VF settings (mac, vlan, rate, trust, ...)",
	.run = vf_run,
	.help = vf_help,
};
