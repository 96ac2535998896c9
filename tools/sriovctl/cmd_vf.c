// SPDX-License-Identifier: MIT
/*
 * sriovctl vf DEV/INDEXES set KEY VALUE... | show: the PF-side settings of
 * VFs over rtnetlink, all through one socket.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inventory_view.h"
#include "vf_view.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

/* how long --pf-up waits for carrier after setting the link up */
#define PF_UP_WAIT_MS 5000

static void vf_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl vf DEV/INDEXES set KEY VALUE [KEY VALUE...] [--pf-up]\n"
		"                   [--dry-run] [--json] [--root DIR]\n"
		"       sriovctl vf DEV[/INDEXES] show [--json] [--root DIR]\n"
		"\n"
		"Set or show the settings a PF holds for its VFs (what 'ip link set DEV\n"
		"vf N ...' does), for one VF or many, through one rtnetlink socket: one\n"
		"request per kernel attribute per VF, so one refusal does not stop the\n"
		"others. Each setting is reported with the kernel's answer (errno and "
		"its\n"
		"extended-ack message) and read back afterwards: a value the driver\n"
		"accepted but did not apply is reported as failed.\n"
		"\n"
		"DEV is the PF: a network interface (enp7s0f0) or a PCI address; "
		"INDEXES\n"
		"is 3, 0-6, 0,2,4-5 or all, below the PF's current number of VFs.\n"
		"\n"
		"Keys:\n"
		"  mac MAC|auto      unicast, non-zero aa:bb:cc:dd:ee:ff; auto derives "
		"a\n"
		"                    stable locally administered MAC from the PF's\n"
		"                    permanent MAC and the VF index (sriovctl(1))\n"
		"  vlan 0-4095       port VLAN (0: none)      qos 0-7   priority\n"
		"  proto 802.1Q|802.1ad                       VLAN protocol\n"
		"  min_tx_rate N, max_tx_rate N               Mbit/s (0: no limit)\n"
		"  spoofchk on|off, trust on|off, query_rss on|off\n"
		"                    (also yes/no, 1/0, true/false)\n"
		"  state auto|enable|disable                  the VF's link state\n"
		"vlan, qos and proto travel together, and so do the two rates: the "
		"parts\n"
		"not given keep the VF's current values.\n"
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
		"\n"
		"Examples:\n"
		"  sriovctl vf enp7s0f0/all set mac auto vlan 100 spoofchk off trust on\n"
		"  sriovctl vf enp7s0f0/3 set max_tx_rate 1000 --pf-up\n"
		"  sriovctl vf enp7s0f0/0-3 show\n"
		"\n"
		"Exit status: 0 every setting applied, 1 a setting was refused or did "
		"not\n"
		"take, 2 bad input (nothing was sent), 3 needs root.\n",
		PF_UP_WAIT_MS / 1000, cli_common_help());
}

/* ---- arguments ------------------------------------------------------------- */

struct vf_opts {
	bool pf_up;
	bool dry_run;
};

enum { OPT_PF_UP = 0x200, OPT_DRY_RUN };

static int vf_option(struct cli *cli, void *ctx, int opt, const char *arg)
{
	struct vf_opts *o = ctx;

	(void)cli;
	(void)arg;
	if (opt == OPT_PF_UP)
		o->pf_up = true;
	else if (opt == OPT_DRY_RUN)
		o->dry_run = true;
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

static bool is_root_opt(const char *a)
{
	return !strcmp(a, "--root");
}

static void take_option(struct split_args *sa, int argc, char **argv, int *i)
{
	sa->opt_argv[sa->opt_argc++] = argv[*i];
	if (is_root_opt(argv[*i]) && *i + 1 < argc)
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
	t->pf = inventory_find_pf(&t->inv, &ref.addr);
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

static void show_json(const struct vf_target *t)
{
	const struct pf *pf = t->pf;
	struct json_object *root = json_object_new_object();

	ADD(root, "pf", json_object_new_string(pf->addr_str));
	ADD(root, "netdev",
	    pf->n_netdevs ? json_object_new_string(pf->netdevs[0].name) : NULL);
	ADD(root, "num_vfs", json_object_new_int((int)t->vs.count));
	ADD(root, "vfs", vf_view_json_array(&t->inv, pf, t->vs.sel, t->vs.count));
	ADD(root, "vf_list_truncated", json_object_new_boolean(pf->vf_list_truncated));
	ADD(root, "notes", notes_json(&t->inv));
	json_print(root);
	json_object_put(root);
}

static int vf_show(struct cli *cli, const struct vf_opts *o, const char *dev)
{
	struct vf_target t = {0};
	int ret;

	if (o->pf_up || o->dry_run)
		return cli_usage_error(cli, "vf", "--pf-up and --dry-run apply to 'set'");
	ret = target_resolve(cli, dev, &t);
	if (!ret) {
		if (cli->json)
			show_json(&t);
		else
			show_text(&t);
		print_notes(cli, &t.inv);
		/* shown; a damaged sysfs file or recording is still a problem found */
		ret = t.inv.damaged ? EXIT_FAIL : EXIT_OK;
	}
	target_free(&t);
	return ret;
}

/* ---- set: preparing ---------------------------------------------------------- */

struct pf_up_state {
	bool requested;
	bool known;   /* the PF's flags are known (host, or a recorded state) */
	bool was_up;  /* IFF_UP before */
	bool carrier; /* IFF_LOWER_UP (after --pf-up) */
	unsigned int waited_ms;
	int error; /* 0 or -errno */
	struct sriov_err err;
};

struct set_job {
	struct vf_opts opts;
	struct vf_settings s;
	struct vf_pf_ref pf;
	struct vf_selection vs;
	const char *ifname;
	int ifindex;
	struct rtnl *nl;
	bool have_cur; /* the VFs' current settings are known */
	struct link_vfs cur;
	struct link_summary sum;
	uint8_t perm[6];
	const char *perm_src;
	struct vf_set_result *res;
	size_t n_res;
	struct pf_up_state up;
	bool sent;     /* requests were sent (not a dry run) */
	bool verified; /* read back after sending */
};

static void job_free(struct set_job *j)
{
	free(j->res);
	link_vfs_free(&j->cur);
	rtnl_close(j->nl);
	free(j->vs.sel);
}

static int parse_pairs(struct cli *cli, struct set_job *j, char **kv, int n_kv)
{
	struct sriov_err err;

	sriov_err_clear(&err);
	if (n_kv == 0)
		return cli_usage_error(
			cli, "vf",
			"'set' needs KEY VALUE pairs (mac, vlan, qos, proto, "
			"min_tx_rate, max_tx_rate, spoofchk, trust, state, "
			"query_rss)");
	for (int i = 0; i < n_kv; i += 2)
		if (vf_settings_add(&j->s, kv[i], kv[i + 1], &err) < 0)
			return cli_report(cli, &err);
	return 0;
}

/* The PF (a few sysfs reads, not the inventory: `set` stays cheap) and the VFs. */
static int locate(struct cli *cli, struct set_job *j, const char *dev)
{
	struct sriov_err err;
	int ret;

	ret = cli_open_root(cli);
	if (ret)
		return ret;
	sriov_err_clear(&err);
	if (vf_pf_locate(cli->root, dev, &j->pf, &err) < 0)
		return cli_report(cli, &err);
	if (!j->pf.has_vf_spec)
		return cli_usage_error(cli, "vf",
				       "name the VFs of %s: %s/INDEX, %s/FIRST-LAST or "
				       "%s/all",
				       dev, dev, dev, dev);
	ret = select_indexes(cli, j->pf.addr_str, j->pf.num_vfs, j->pf.vf_spec, &j->vs);
	if (ret)
		return ret;
	if (!j->pf.ifname[0]) {
		sriov_err_set(
			&err, -EINVAL,
			"%s has no network interface: VF settings are made through "
			"the PF's netdev (rtnetlink), so only network PFs have them",
			j->pf.addr_str);
		return cli_report(cli, &err);
	}
	j->ifname = j->pf.ifname;
	j->ifindex = j->pf.ifindex;
	if (j->ifindex <= 0 && sriov_root_is_host(cli->root))
		j->ifindex = (int)if_nametoindex(j->ifname);
	return 0;
}

/* Some of vlan/qos/proto, or one of the rates: the rest comes from the VF. */
static bool needs_current(const struct vf_settings *s)
{
	unsigned int vlan =
		(1u << VF_KEY_VLAN) | (1u << VF_KEY_QOS) | (1u << VF_KEY_PROTO);
	unsigned int rate = (1u << VF_KEY_MIN_TX_RATE) | (1u << VF_KEY_MAX_TX_RATE);

	return ((s->given & vlan) && (s->given & vlan) != vlan) ||
	       ((s->given & rate) && (s->given & rate) != rate);
}

/* The VFs' current settings: rtnetlink on the host, the recorded reply under --root. */
static int read_current(struct cli *cli, struct set_job *j)
{
	struct sriov_err err;
	int ret;

	sriov_err_clear(&err);
	if (sriov_root_is_host(cli->root) && rtnl_open(&j->nl, &err) < 0)
		return cli_report(cli, &err);
	ret = vf_pf_link_read(cli->root, j->nl, j->ifname, j->ifindex, &j->cur, &j->sum,
			      &err);
	if (ret == 0) {
		j->have_cur = true;
		j->up.known = true;
		j->up.was_up = j->sum.up;
		j->up.carrier = j->sum.carrier;
		return 0;
	}
	if (sriov_root_is_host(cli->root))
		return cli_report(cli, &err);
	if (ret != -ENOENT) { /* a damaged capture: the plan would be a guess */
		fprintf(stderr,
			"%s vf: --root: /.sriovctl/rtnl/%s: not a recorded rtnetlink "
			"answer (%s): nothing was changed\n",
			cli->prog, j->ifname, err.msg[0] ? err.msg : strerror(-ret));
		return EXIT_USAGE;
	}
	if (!cli->json && needs_current(&j->s))
		fprintf(stderr,
			"note: no recorded rtnetlink state for %s under --root: the "
			"parts of vlan/qos/proto and of the rates not given are taken as "
			"0\n",
			j->ifname);
	return 0;
}

static int plan_requests(struct cli *cli, struct set_job *j)
{
	struct rtnl_vf_set reqs[RTNL_VF_ATTR_COUNT];
	struct sriov_err err;
	uint8_t auto_mac[6];

	sriov_err_clear(&err);
	if (j->s.mac_auto &&
	    vf_pf_perm_mac(cli->root, j->ifname, j->have_cur ? &j->sum : NULL, j->perm,
			   &j->perm_src, &err) < 0)
		return cli_report(cli, &err);
	j->res = calloc((size_t)j->vs.n_sel * RTNL_VF_ATTR_COUNT, sizeof(*j->res));
	if (!j->res)
		return EXIT_FAIL;
	for (unsigned int i = 0; i < j->vs.count; i++) {
		size_t n;

		if (!j->vs.sel[i])
			continue;
		vf_mac_auto(j->perm, i, auto_mac);
		n = vf_settings_plan(&j->s, i, vf_info_find(&j->cur, i), auto_mac, reqs);
		for (size_t k = 0; k < n; k++)
			j->res[j->n_res++].req = reqs[k];
	}
	return 0;
}

static int prepare(struct cli *cli, struct set_job *j, const char *dev)
{
	struct sriov_err err;
	int ret;

	ret = locate(cli, j, dev);
	if (ret)
		return ret;
	sriov_err_clear(&err);
	if (vf_settings_check(&j->s, j->vs.n_sel, &err) < 0)
		return cli_report(cli, &err);
	ret = read_current(cli, j);
	if (ret)
		return ret;
	return plan_requests(cli, j);
}

/* ---- set: sending ------------------------------------------------------------ */

static void pf_up(struct set_job *j)
{
	struct link_summary after;
	bool was_up = false;

	j->up.requested = true;
	sriov_err_clear(&j->up.err);
	j->up.error = rtnl_link_up_wait(j->nl, j->ifindex, PF_UP_WAIT_MS, &was_up, &after,
					&j->up.waited_ms, &j->up.err);
	if (j->up.error < 0)
		return;
	j->up.known = true;
	j->up.was_up = was_up;
	j->up.carrier = after.carrier;
}

static int send_all(struct cli *cli, struct set_job *j)
{
	struct link_summary sum;
	struct link_vfs after;
	struct sriov_err err;
	int ret;

	if (j->opts.pf_up)
		pf_up(j);
	sriov_err_clear(&err);
	j->sent = true;
	ret = vf_settings_send(j->nl, j->ifindex, j->res, j->n_res, &err);
	if (ret < 0) {
		cli_report(cli, &err);
		return ret;
	}
	if (vf_pf_link_read(cli->root, j->nl, j->ifname, j->ifindex, &after, &sum, &err) <
	    0) {
		fprintf(stderr, "%s vf: could not read the settings back: %s\n",
			cli->prog, err.msg);
		return 0;
	}
	vf_settings_verify(j->res, j->n_res, &after);
	j->verified = true;
	link_vfs_free(&after);
	return 0;
}

/* ---- set: rendering ---------------------------------------------------------- */

/* A key's value in s as JSON: number, boolean or string (docs/json.md). */
static struct json_object *key_json(enum vf_key k, const struct rtnl_vf_set *s)
{
	char buf[32];

	switch (k) {
	case VF_KEY_VLAN:
		return json_object_new_int(s->vlan);
	case VF_KEY_QOS:
		return json_object_new_int(s->qos);
	case VF_KEY_MIN_TX_RATE:
		return json_object_new_int64(s->min_tx_rate);
	case VF_KEY_MAX_TX_RATE:
		return json_object_new_int64(s->max_tx_rate);
	case VF_KEY_SPOOFCHK:
	case VF_KEY_TRUST:
	case VF_KEY_QUERY_RSS:
		return json_object_new_boolean(s->value != 0);
	default: /* mac, proto, state */
		vf_key_format(k, s, buf, sizeof(buf));
		return json_object_new_string(buf);
	}
}

/* One row of the output: a key the user gave, for one VF. */
struct row {
	const struct vf_set_result *r;
	enum vf_key key;
	bool failed;
	char value[32];
	char seen[32]; /* read back, when it differs */
	struct sriov_err err;
};

static void row_fill(const struct set_job *j, const struct vf_set_result *r,
		     enum vf_key k, struct row *row)
{
	memset(row, 0, sizeof(*row));
	row->r = r;
	row->key = k;
	vf_key_format(k, &r->req, row->value, sizeof(row->value));
	if (!j->sent)
		return;
	if (!r->sent) {
		row->failed = true;
		sriov_err_set(&row->err, -EIO, "not sent (the netlink socket failed)");
		return;
	}
	if (r->ack.error) {
		row->failed = true;
		vf_set_explain(r, j->ifname, j->up.carrier, &row->err);
		return;
	}
	if (r->readback != VF_READBACK_DIFFERS)
		return;
	vf_key_format(k, &r->seen, row->seen, sizeof(row->seen));
	if (!strcmp(row->seen, row->value))
		return;
	row->failed = true;
	vf_set_explain(r, j->ifname, j->up.carrier, &row->err);
	snprintf(row->err.msg, sizeof(row->err.msg),
		 "accepted, but the kernel reports %s %s afterwards", vf_key_name(k),
		 row->seen);
}

static const char *errno_name(int err)
{
	const char *n = strerrorname_np(err < 0 ? -err : err);

	return n ? n : "?";
}

static struct json_object *row_json(const struct set_job *j, const struct row *row)
{
	const struct vf_set_result *r = row->r;
	struct json_object *o = json_object_new_object();
	bool refused = j->sent && r->sent && r->ack.error;

	ADD(o, "vf", json_object_new_int((int)r->req.vf));
	ADD(o, "key", json_object_new_string(vf_key_name(row->key)));
	ADD(o, "value", key_json(row->key, &r->req));
	ADD(o, "attribute", json_object_new_string(rtnl_vf_attr_name(&r->req)));
	ADD(o, "ok", j->sent ? json_object_new_boolean(!row->failed) : NULL);
	ADD(o, "error",
	    row->failed ? json_object_new_string(refused ? strerror(-r->ack.error)
							 : row->err.msg)
			: NULL);
	ADD(o, "errno",
	    refused ? json_object_new_string(errno_name(r->ack.error)) : NULL);
	ADD(o, "message", refused ? json_str_or_null(r->ack.msg) : NULL);
	ADD(o, "hint", row->failed ? json_str_or_null(row->err.hint) : NULL);
	ADD(o, "verified",
	    j->verified ? json_object_new_boolean(r->readback == VF_READBACK_MATCH)
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
	size_t failed = 0;
	struct row row;

	for (size_t i = 0; i < j->n_res; i++) {
		for (int k = 0; k < VF_KEY_COUNT; k++) {
			if (!vf_settings_has(&j->s, (enum vf_key)k) ||
			    vf_key_attr((enum vf_key)k) != j->res[i].req.attr)
				continue;
			row_fill(j, &j->res[i], (enum vf_key)k, &row);
			failed += row.failed;
			fn(j, &row, ctx);
		}
	}
	return failed;
}

static void row_add_json(const struct set_job *j, const struct row *row, void *ctx)
{
	json_object_array_add(ctx, row_json(j, row));
}

static void row_print(const struct set_job *j, const struct row *row, void *ctx)
{
	const struct vf_set_result *r = row->r;

	(void)ctx;
	printf("vf %u %s %s", r->req.vf, vf_key_name(row->key), row->value);
	if (row->key == VF_KEY_MAC && j->s.mac_auto)
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
	char v[32];

	buf[0] = '\0';
	for (int k = 0; k < VF_KEY_COUNT && len < size; k++) {
		if (vf_key_attr((enum vf_key)k) != s->attr)
			continue;
		vf_key_format((enum vf_key)k, s, v, sizeof(v));
		len += (size_t)snprintf(buf + len, size - len, "%s%s %s", len ? " " : "",
					vf_key_name((enum vf_key)k), v);
	}
}

static struct json_object *requests_json(const struct set_job *j)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < j->n_res; i++) {
		const struct rtnl_vf_set *s = &j->res[i].req;
		struct json_object *o = json_object_new_object();

		ADD(o, "vf", json_object_new_int((int)s->vf));
		ADD(o, "attribute", json_object_new_string(rtnl_vf_attr_name(s)));
		for (int k = 0; k < VF_KEY_COUNT; k++)
			if (vf_key_attr((enum vf_key)k) == s->attr)
				ADD(o, vf_key_name((enum vf_key)k),
				    key_json((enum vf_key)k, s));
		ADD(o, "tries",
		    j->res[i].sent ? json_object_new_int((int)j->res[i].tries) : NULL);
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
	const struct pf_up_state *u = &j->up;
	struct json_object *o;
	bool done = j->sent && u->requested;

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
	struct json_object *root = json_object_new_object();
	struct json_object *rows = json_object_new_array();
	size_t failed = for_each_row(j, row_add_json, rows);
	char perm[VF_MAC_STRLEN];

	ADD(root, "pf", json_object_new_string(j->pf.addr_str));
	ADD(root, "netdev", json_object_new_string(j->ifname));
	ADD(root, "ifindex", json_object_new_int(j->ifindex));
	ADD(root, "dry_run", json_object_new_boolean(j->opts.dry_run));
	ADD(root, "pf_up", pf_up_json(j));
	if (j->s.mac_auto) {
		vf_mac_format(j->perm, perm);
		ADD(root, "perm_mac", json_object_new_string(perm));
	}
	ADD(root, "requests", requests_json(j));
	ADD(root, "results", rows);
	ADD(root, "ok",
	    j->sent ? json_object_new_boolean(!failed && !j->up.error) : NULL);
	json_print(root);
	json_object_put(root);
	return failed;
}

static void print_perm_source(const struct set_job *j)
{
	char perm[VF_MAC_STRLEN];

	if (!j->s.mac_auto)
		return;
	vf_mac_format(j->perm, perm);
	printf("mac auto: from %s's permanent MAC %s (%s) and the VF index\n", j->ifname,
	       perm, j->perm_src);
}

static void print_dry_run(const struct set_job *j)
{
	char text[128];

	printf("dry run: nothing is sent. %s (%s, ifindex %d) would get:\n", j->ifname,
	       j->pf.addr_str, j->ifindex);
	if (j->opts.pf_up && !(j->up.known && j->up.was_up))
		printf("  RTM_NEWLINK %s IFF_UP, then up to %d s for carrier\n",
		       j->ifname, PF_UP_WAIT_MS / 1000);
	else if (j->opts.pf_up)
		printf("  (%s is up already: no --pf-up request)\n", j->ifname);
	for (size_t i = 0; i < j->n_res; i++) {
		format_request(&j->res[i].req, text, sizeof(text));
		printf("  RTM_SETLINK vf %u %s: %s\n", j->res[i].req.vf,
		       rtnl_vf_attr_name(&j->res[i].req), text);
	}
	print_perm_source(j);
}

static void print_pf_up(const struct set_job *j)
{
	const struct pf_up_state *u = &j->up;

	if (!u->requested)
		return;
	if (u->error) {
		printf("%s up: failed: %s\n", j->ifname, u->err.msg);
		return;
	}
	printf("%s up: %s, %s\n", j->ifname, u->was_up ? "was up" : "brought up",
	       u->carrier ? "carrier" : "no carrier yet");
	if (!u->carrier)
		printf("    (waited %u ms; settings that need link may be refused)\n",
		       u->waited_ms);
}

static size_t output_text(const struct set_job *j)
{
	size_t failed;

	if (j->opts.dry_run) {
		print_dry_run(j);
		return 0;
	}
	print_pf_up(j);
	failed = for_each_row(j, row_print, NULL);
	if (failed)
		fprintf(stderr, "sriovctl vf: %zu setting%s failed\n", failed,
			failed == 1 ? "" : "s");
	return failed;
}

/* ---- set ------------------------------------------------------------------- */

static int no_kernel_under_root(struct cli *cli)
{
	fprintf(stderr,
		"%s vf: --root: no kernel to send rtnetlink requests to; nothing was "
		"changed\nhint: add --dry-run to see the requests\n",
		cli->prog);
	return EXIT_USAGE;
}

static int vf_set(struct cli *cli, const struct vf_opts *o, const char *dev, char **kv,
		  int n_kv)
{
	struct set_job j = {.opts = *o};
	size_t failed;
	int ret;

	ret = parse_pairs(cli, &j, kv, n_kv);
	if (!ret)
		ret = prepare(cli, &j, dev);
	if (!ret && !o->dry_run && !sriov_root_is_host(cli->root))
		ret = no_kernel_under_root(cli);
	if (!ret && !o->dry_run)
		ret = cli_require_root(cli, "vf");
	if (ret) {
		job_free(&j);
		return ret;
	}
	if (!o->dry_run && send_all(cli, &j) < 0)
		ret = EXIT_FAIL;
	failed = cli->json ? output_json(&j) : output_text(&j);
	if (failed || j.up.error)
		ret = EXIT_FAIL;
	job_free(&j);
	return ret;
}

static int vf_run(struct cli *cli, int argc, char **argv)
{
	struct vf_opts o = {0};
	static const struct option longopts[] = {
		{"pf-up", no_argument, NULL, OPT_PF_UP},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
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
				      "expected DEV/INDEXES set KEY VALUE... or "
				      "DEV/INDEXES show");
	else if (!strcmp(sa.opt_argv[first + 1], "show") && n == 2 && !sa.n_kv)
		ret = vf_show(cli, &o, sa.opt_argv[first]);
	else if (!strcmp(sa.opt_argv[first + 1], "set") && n == 2)
		ret = vf_set(cli, &o, sa.opt_argv[first], sa.kv, sa.n_kv);
	else if (n > 2)
		ret = cli_usage_error(cli, "vf", "unexpected argument '%s'",
				      sa.opt_argv[first + 2]);
	else
		ret = cli_usage_error(cli, "vf", "unknown action '%s': use set or show",
				      sa.opt_argv[first + 1]);
	split_args_free(&sa);
	return ret;
}

const struct command cmd_vf = {
	.name = "vf",
	.summary = "set or show per-VF settings (mac, vlan, rate, trust, ...)",
	.run = vf_run,
	.help = vf_help,
};
