// SPDX-License-Identifier: MIT
/* The devlink part of `show` and `pf DEV show`, text and JSON. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "devlink_view.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

#define PORT_ROW "    %-4s %-6s %-15s %-17s %-9s %-9s %-5s %-5s %-9s %-9s %s\n"

/* ---- loading ------------------------------------------------------------------ */

static int load_one(struct cli *cli, struct devlink_nl *dl, const struct pf *pf,
		    struct devlink_state *s)
{
	struct sriov_err err;

	sriov_err_clear(&err);
	if (!pf->bus_name[0] || !pf->dev_name[0]) {
		devlink_state_init(s, NULL, NULL);
		return -ENOENT;
	}
	return sriov_devlink_read(cli->root, dl, pf->bus_name, pf->dev_name, s, &err);
}

/* A recording of pf that cannot be parsed: a note, and the inventory damaged. */
static void note_bad_recording(struct inventory *inv, const struct pf *pf)
{
	if (inv->n_notes >= (int)(sizeof(inv->notes) / sizeof(inv->notes[0])))
		return;
	snprintf(inv->notes[inv->n_notes++], sizeof(inv->notes[0]),
		 DEVLINK_RECORDED_DIR "/%s/%s: not recorded devlink replies: the "
				      "devlink state of %s is unknown",
		 pf->bus_name, pf->dev_name, pf->addr_str);
	inv->damaged = true;
}

int devlink_views_load(struct cli *cli, struct inventory *inv, const struct pf *only,
		       struct devlink_views *out)
{
	struct devlink_nl *dl = NULL;
	int open_err = 0;

	memset(out, 0, sizeof(*out));
	out->states = calloc(inv->n_pfs ? inv->n_pfs : 1, sizeof(*out->states));
	out->errs = calloc(inv->n_pfs ? inv->n_pfs : 1, sizeof(*out->errs));
	if (!out->states || !out->errs) {
		devlink_views_free(out);
		return -ENOMEM;
	}
	out->n = inv->n_pfs;
	if (sriov_root_is_host(cli->root))
		open_err = devlink_open(&dl, NULL);
	for (size_t i = 0; i < inv->n_pfs; i++) {
		devlink_state_init(&out->states[i], NULL, NULL);
		if (only && only != &inv->pfs[i])
			out->errs[i] = -ENOENT;
		else if (open_err)
			out->errs[i] = open_err == -ENOENT ? -EPROTONOSUPPORT : open_err;
		else
			out->errs[i] = load_one(cli, dl, &inv->pfs[i], &out->states[i]);
		if (out->errs[i] == -EINVAL && !sriov_root_is_host(cli->root))
			note_bad_recording(inv, &inv->pfs[i]);
	}
	devlink_close(dl);
	return 0;
}

void devlink_views_free(struct devlink_views *v)
{
	for (size_t i = 0; v->states && i < v->n; i++)
		devlink_state_free(&v->states[i]);
	free(v->states);
	free(v->errs);
	memset(v, 0, sizeof(*v));
}

const struct devlink_state *devlink_views_of(const struct devlink_views *v,
					     const struct inventory *inv,
					     const struct pf *pf)
{
	size_t i = (size_t)(pf - inv->pfs);

	if (!v->states || i >= v->n || v->errs[i] || !v->states[i].present)
		return NULL;
	return &v->states[i];
}

/* ---- shared formatting ---------------------------------------------------------- */

static void format_hw_addr(char *buf, size_t size, const struct devlink_port *p)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->hw_addr_len && used + 3 < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%02x", i ? ":" : "",
					 p->hw_addr[i]);
}

/* Mbit/s as the user sets it: whole numbers without decimals. */
static void format_mbit(char *buf, size_t size, bool has, uint64_t bytes)
{
	if (!has)
		snprintf(buf, size, "-");
	else if (bytes % 125000 == 0)
		snprintf(buf, size, "%" PRIu64, bytes / 125000);
	else
		snprintf(buf, size, "%.3f", devlink_bytes_to_mbit(bytes));
}

static struct json_object *mbit_json(bool has, uint64_t bytes)
{
	if (!has)
		return NULL;
	if (bytes % 125000 == 0)
		return json_object_new_int64((int64_t)(bytes / 125000));
	return json_object_new_double(devlink_bytes_to_mbit(bytes));
}

static const char *tri(int v)
{
	return v < 0 ? "-" : v ? "on" : "off";
}

static int pf_number_of(const struct pf *pf)
{
	return strcmp(pf->bus_name, "pci") ? -1 : pf->addr.fn;
}

static const char *why_none(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENODEV:
		return "no instance";
	case -EPROTONOSUPPORT:
		return "this kernel has no devlink";
	case -EINVAL:
		return "the recording is not devlink replies";
	case -EPERM:
	case -EACCES:
		return "netlink denied";
	default:
		return strerror(-err);
	}
}

/* ---- text --------------------------------------------------------------------- */

static void eswitch_text(FILE *out, const struct devlink_state *s)
{
	if (!s->has_eswitch) {
		fprintf(out, "  eswitch:   %s\n",
			s->eswitch_err == -EPERM ? "unknown (reading it needs root)"
			: s->eswitch_err == -EOPNOTSUPP
				? "none (the driver has no eswitch control)"
				: "unknown");
		return;
	}
	fprintf(out, "  eswitch:   %s", devlink_eswitch_mode_name(s->eswitch.mode));
	if (s->eswitch.inline_mode >= 0)
		fprintf(out, ", inline-mode %s",
			devlink_inline_mode_name(s->eswitch.inline_mode));
	if (s->eswitch.encap_mode >= 0)
		fprintf(out, ", encap %s",
			devlink_encap_mode_name(s->eswitch.encap_mode));
	fputc('\n', out);
}

static void rate_nodes_text(FILE *out, const struct devlink_state *s)
{
	char share[24], max[24];

	for (size_t i = 0; i < s->n_rates; i++) {
		const struct devlink_rate *r = &s->rates[i];

		if (!r->is_node)
			continue;
		format_mbit(share, sizeof(share), r->has_tx_share, r->tx_share);
		format_mbit(max, sizeof(max), r->has_tx_max, r->tx_max);
		fprintf(out, "  rate node: %s tx_share %s tx_max %s Mbit/s%s%s\n",
			r->name, share, max, r->parent[0] ? ", parent " : "", r->parent);
	}
}

static void port_header(FILE *out, const char *first)
{
	fprintf(out, "  VF ports (devlink):\n" PORT_ROW, first, "PORT", "REPRESENTOR",
		"HW_ADDR", "STATE", "OPSTATE", "ROCE", "MIGR", "TX_SHARE", "TX_MAX",
		"PARENT");
}

static void port_row(FILE *out, const struct devlink_state *s,
		     const struct devlink_port *p, unsigned int vf)
{
	const struct devlink_rate *r = devlink_port_rate(s, p->index);
	char idx[12], port[12], hw[100], share[24], max[24];

	snprintf(idx, sizeof(idx), "%u", vf);
	snprintf(port, sizeof(port), "%" PRIu32, p->index);
	format_hw_addr(hw, sizeof(hw), p);
	format_mbit(share, sizeof(share), r && r->has_tx_share, r ? r->tx_share : 0);
	format_mbit(max, sizeof(max), r && r->has_tx_max, r ? r->tx_max : 0);
	fprintf(out, PORT_ROW, idx, port, p->netdev[0] ? p->netdev : "-",
		hw[0] ? hw : "-", p->state < 0 ? "-" : devlink_fn_state_name(p->state),
		p->opstate < 0 ? "-" : devlink_fn_opstate_name(p->opstate), tri(p->roce),
		tri(p->migratable), share, max, r && r->parent[0] ? r->parent : "-");
}

static bool vf_selected(const struct vf *vf, const bool *sel, unsigned int n)
{
	return !sel || (vf->index < n && sel[vf->index]);
}

static void ports_text(FILE *out, const struct pf *pf, const struct devlink_state *s,
		       const bool *sel, unsigned int n)
{
	bool header = false;

	for (size_t j = 0; j < pf->n_vfs; j++) {
		const struct vf *vf = &pf->vfs[j];
		const struct devlink_port *p;

		if (!vf_selected(vf, sel, n))
			continue;
		p = devlink_vf_port(s, pf_number_of(pf), vf->index);
		if (!p)
			continue;
		if (!header)
			port_header(out, "IDX");
		header = true;
		port_row(out, s, p, vf->index);
	}
}

void devlink_view_text(FILE *out, const struct pf *pf, const struct devlink_state *s,
		       int err, const bool *sel, unsigned int n)
{
	if (!s || err || !s->present) {
		fprintf(out, "  devlink:   none (%s)\n", why_none(err ? err : -ENOENT));
		return;
	}
	fprintf(out, "  devlink:   %s/%s\n", s->bus, s->dev);
	eswitch_text(out, s);
	rate_nodes_text(out, s);
	ports_text(out, pf, s, sel, n);
}

/* ---- JSON --------------------------------------------------------------------- */

static struct json_object *eswitch_json(const struct devlink_state *s)
{
	struct json_object *o;

	if (!s->has_eswitch)
		return NULL;
	o = json_object_new_object();
	ADD(o, "mode",
	    s->eswitch.mode < 0
		    ? NULL
		    : json_object_new_string(devlink_eswitch_mode_name(s->eswitch.mode)));
	ADD(o, "inline_mode",
	    s->eswitch.inline_mode < 0 ? NULL
				       : json_object_new_string(devlink_inline_mode_name(
						 s->eswitch.inline_mode)));
	ADD(o, "encap_mode",
	    s->eswitch.encap_mode < 0 ? NULL
				      : json_object_new_string(devlink_encap_mode_name(
						s->eswitch.encap_mode)));
	return o;
}

static struct json_object *rate_json(const struct devlink_rate *r)
{
	struct json_object *o = json_object_new_object();

	if (r->is_node)
		ADD(o, "name", json_object_new_string(r->name));
	ADD(o, "tx_share", mbit_json(r->has_tx_share, r->tx_share));
	ADD(o, "tx_max", mbit_json(r->has_tx_max, r->tx_max));
	ADD(o, "parent", json_str_or_null(r->parent));
	return o;
}

struct json_object *devlink_view_pf_json(const struct devlink_state *s)
{
	struct json_object *o, *nodes;
	char handle[64];

	if (!s || !s->present)
		return NULL;
	o = json_object_new_object();
	nodes = json_object_new_array();
	snprintf(handle, sizeof(handle), "%s/%s", s->bus, s->dev);
	ADD(o, "handle", json_object_new_string(handle));
	ADD(o, "eswitch", eswitch_json(s));
	ADD(o, "eswitch_error",
	    s->eswitch_err ? json_object_new_string(strerror(-s->eswitch_err)) : NULL);
	for (size_t i = 0; i < s->n_rates; i++)
		if (s->rates[i].is_node)
			json_object_array_add(nodes, rate_json(&s->rates[i]));
	ADD(o, "rate_nodes", nodes);
	return o;
}

static struct json_object *port_json(const struct devlink_state *s,
				     const struct devlink_port *p)
{
	const struct devlink_rate *r = devlink_port_rate(s, p->index);
	struct json_object *o = json_object_new_object();
	char hw[100];

	format_hw_addr(hw, sizeof(hw), p);
	ADD(o, "port_index", json_object_new_int64(p->index));
	ADD(o, "flavour", json_object_new_string(devlink_flavour_name(p->flavour)));
	ADD(o, "representor", json_str_or_null(p->netdev));
	ADD(o, "hw_addr", json_str_or_null(hw));
	ADD(o, "state",
	    p->state < 0 ? NULL
			 : json_object_new_string(devlink_fn_state_name(p->state)));
	ADD(o, "opstate",
	    p->opstate < 0 ? NULL
			   : json_object_new_string(devlink_fn_opstate_name(p->opstate)));
	ADD(o, "roce", json_tristate(p->roce));
	ADD(o, "migratable", json_tristate(p->migratable));
	ADD(o, "rate", r ? rate_json(r) : NULL);
	return o;
}

struct json_object *devlink_view_vf_json(const struct pf *pf,
					 const struct devlink_state *s, unsigned int vf)
{
	const struct devlink_port *p =
		s ? devlink_vf_port(s, pf_number_of(pf), vf) : NULL;

	return p ? port_json(s, p) : NULL;
}

/* ---- an instance without a PF ------------------------------------------------------ */

void devlink_view_instance_text(FILE *out, const struct devlink_state *s)
{
	bool header = false;

	fprintf(out, "  devlink:   %s/%s\n", s->bus, s->dev);
	eswitch_text(out, s);
	rate_nodes_text(out, s);
	for (size_t i = 0; i < s->n_ports; i++) {
		if (!devlink_port_is_local_vf(&s->ports[i]))
			continue;
		if (!header)
			port_header(out, "VF");
		header = true;
		port_row(out, s, &s->ports[i], (unsigned int)s->ports[i].vf_number);
	}
}

struct json_object *devlink_view_instance_json(const struct devlink_state *s)
{
	struct json_object *o = devlink_view_pf_json(s);
	struct json_object *ports = json_object_new_array();

	for (size_t i = 0; o && i < s->n_ports; i++) {
		struct json_object *p;

		if (!devlink_port_is_local_vf(&s->ports[i]))
			continue;
		p = port_json(s, &s->ports[i]);
		ADD(p, "vf", json_object_new_int(s->ports[i].vf_number));
		ADD(p, "pf_number", json_int_or_null(s->ports[i].pf_number));
		json_object_array_add(ports, p);
	}
	if (o)
		ADD(o, "vf_ports", ports);
	else
		json_object_put(ports);
	return o;
}

void devlink_view_add_vfs(struct json_object *arr, const struct pf *pf,
			  const struct devlink_state *s)
{
	size_t n = json_object_array_length(arr);

	for (size_t i = 0; i < n; i++) {
		struct json_object *vf = json_object_array_get_idx(arr, i), *idx;

		if (!json_object_object_get_ex(vf, "index", &idx))
			continue;
		ADD(vf, "devlink",
		    devlink_view_vf_json(pf, s, (unsigned int)json_object_get_int(idx)));
	}
}
