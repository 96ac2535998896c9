// SPDX-License-Identifier: MIT
/* Rendering of any PCI function, its IOMMU group and ACS path. */
#include <stdio.h>
#include <string.h>

#include "function_view.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

struct fn_names {
	char vendor[128], device[192], class_name[96];
};

static void names_of(const struct pci_function *f, struct pci_names *names,
		     struct fn_names *out)
{
	memset(out, 0, sizeof(*out));
	if (!f->ids_known)
		return;
	pci_names_vendor(names, f->vendor_id, out->vendor, sizeof(out->vendor));
	pci_names_device(names, f->vendor_id, f->device_id, out->device,
			 sizeof(out->device));
	pci_names_class(names, (uint16_t)(f->class_code >> 8), out->class_name,
			sizeof(out->class_name));
}

static const char *role_of(const struct pci_function *f)
{
	if (f->is_pf)
		return "pf";
	if (f->is_vf)
		return "vf";
	return f->is_bridge ? "bridge" : "function";
}

static const char *sriov_reason_key(enum sriov_absence a)
{
	switch (a) {
	case SRIOV_PRESENT:
		return "present";
	case SRIOV_NO_CAPABILITY:
		return "no_capability";
	case SRIOV_EXT_CFG_UNREADABLE:
		return "extended_config_unreadable";
	case SRIOV_CFG_UNREADABLE:
		return "config_unreadable";
	}
	return "unknown";
}

static const char *sriov_reason_text(enum sriov_absence a)
{
	switch (a) {
	case SRIOV_PRESENT:
		return "present";
	case SRIOV_NO_CAPABILITY:
		return "none: its config space has no SR-IOV capability";
	case SRIOV_EXT_CFG_UNREADABLE:
		return "not known: the extended config space (where SR-IOV sits) is "
		       "readable only by root";
	case SRIOV_CFG_UNREADABLE:
		return "not known: its config space could not be read";
	}
	return "not known";
}

/* ---- JSON --------------------------------------------------------------- */

static struct json_object *member_json(const struct pci_function *f,
				       struct pci_names *names)
{
	struct json_object *o = json_object_new_object();
	struct fn_names n;
	char class_hex[8];

	names_of(f, names, &n);
	snprintf(class_hex, sizeof(class_hex), "%06x", f->class_code);
	ADD(o, "address", json_object_new_string(f->addr));
	ADD(o, "vendor_id", f->ids_known ? json_hex16(f->vendor_id) : NULL);
	ADD(o, "device_id", f->ids_known ? json_hex16(f->device_id) : NULL);
	ADD(o, "class", f->ids_known ? json_object_new_string(class_hex) : NULL);
	ADD(o, "class_name", json_str_or_null(n.class_name));
	ADD(o, "vendor_name", json_str_or_null(n.vendor));
	ADD(o, "name", json_str_or_null(n.device));
	ADD(o, "driver", json_str_or_null(f->driver));
	ADD(o, "role", json_object_new_string(role_of(f)));
	ADD(o, "spoils_vfio", json_object_new_boolean(pci_function_spoils_vfio(f)));
	return o;
}

static struct json_object *acs_path_json(const struct acs_path *p)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < p->n_hops; i++) {
		const struct acs_hop *h = &p->hops[i];
		struct json_object *o = json_object_new_object();
		const struct acs_bits *c = &h->acs.control;

		ADD(o, "address", json_object_new_string(h->addr));
		ADD(o, "config_read", json_object_new_boolean(h->cfg_known));
		ADD(o, "acs", h->cfg_known ? json_object_new_boolean(h->has_acs) : NULL);
		ADD(o, "isolates",
		    h->cfg_known ? json_object_new_boolean(h->isolates) : NULL);
		if (h->has_acs) {
			ADD(o, "source_validation",
			    json_object_new_boolean(c->source_validation));
			ADD(o, "request_redirect",
			    json_object_new_boolean(c->request_redirect));
			ADD(o, "completion_redirect",
			    json_object_new_boolean(c->completion_redirect));
			ADD(o, "upstream_forwarding",
			    json_object_new_boolean(c->upstream_forwarding));
		}
		json_object_array_add(arr, o);
	}
	return arr;
}

static void group_fields_json(struct json_object *o, const struct iommu_group_view *g,
			      struct pci_names *names)
{
	struct json_object *members = json_object_new_array();
	struct json_object *gap = NULL;

	for (size_t i = 0; i < g->n_members; i++)
		json_object_array_add(members, member_json(&g->members[i], names));
	if (g->acs_gap[0]) {
		gap = json_object_new_object();
		ADD(gap, "address", json_object_new_string(g->acs_gap));
		ADD(gap, "config_read", json_object_new_boolean(!g->acs_gap_unknown));
	}
	ADD(o, "viable", json_object_new_boolean(g->viable));
	ADD(o, "spoiled_by",
	    g->spoiler >= 0 ? json_object_new_string(g->members[g->spoiler].addr) : NULL);
	ADD(o, "acs_gap", gap);
	ADD(o, "members", members);
}

struct json_object *group_view_json(const struct iommu_group_view *g,
				    struct pci_names *names)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "id", json_object_new_int(g->id));
	group_fields_json(o, g, names);
	return o;
}

struct json_object *function_view_json(const struct pci_function *f,
				       const struct iommu_group_view *g,
				       struct pci_names *names)
{
	struct json_object *o = member_json(f, names);
	struct json_object *sriov = json_object_new_object();
	struct json_object *group = NULL;

	ADD(o, "subsystem_vendor_id",
	    f->ids_known ? json_hex16(f->subsys_vendor_id) : NULL);
	ADD(o, "subsystem_device_id",
	    f->ids_known ? json_hex16(f->subsys_device_id) : NULL);
	ADD(o, "module", json_str_or_null(f->module));
	ADD(o, "config_bytes", json_object_new_int((int)f->cfg_len));
	if (g) {
		group = json_object_new_object();
		ADD(group, "id", json_object_new_int(g->id));
		group_fields_json(group, g, names);
	}
	ADD(o, "iommu_group", group);
	ADD(o, "acs", f->acs_known ? json_object_new_boolean(f->has_acs) : NULL);
	ADD(o, "acs_isolates",
	    f->acs_known ? json_object_new_boolean(f->acs_isolates) : NULL);
	ADD(o, "acs_path", acs_path_json(&f->path));
	ADD(sriov, "present", json_object_new_boolean(f->sriov == SRIOV_PRESENT));
	ADD(sriov, "reason", json_object_new_string(sriov_reason_key(f->sriov)));
	ADD(o, "sriov", sriov);
	return o;
}

/* ---- text --------------------------------------------------------------- */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void member_text(FILE *out, const struct pci_function *f, struct pci_names *names,
			const char *indent)
{
	struct fn_names n;

	names_of(f, names, &n);
	fprintf(out, "%s%-13s %-8s %-12s %s\n", indent, f->addr, role_of(f),
		or_dash(f->driver), f->ids_known ? n.device : "?");
}

static void verdict_text(FILE *out, const struct iommu_group_view *g, const char *indent)
{
	if (g->viable)
		fprintf(out,
			"%sviable for vfio: every endpoint is on vfio-pci, pci-stub "
			"or no driver\n",
			indent);
	else
		fprintf(out, "%snot viable for vfio: %s is on %s\n", indent,
			g->members[g->spoiler].addr, g->members[g->spoiler].driver);
	if (g->acs_gap[0])
		fprintf(out, "%smerged by: %s%s\n", indent, g->acs_gap,
			g->acs_gap_unknown ? " (its config space was not readable: ACS "
					     "not known)"
					   : " (no ACS isolation)");
}

void group_view_text(FILE *out, const struct iommu_group_view *g, struct pci_names *names)
{
	fprintf(out, "group %d: %zu device%s\n", g->id, g->n_members,
		g->n_members == 1 ? "" : "s");
	for (size_t i = 0; i < g->n_members; i++)
		member_text(out, &g->members[i], names, "  ");
	verdict_text(out, g, "  ");
}

static void acs_hop_text(FILE *out, const struct acs_hop *h)
{
	const struct acs_bits *c = &h->acs.control;

	if (!h->cfg_known) {
		fprintf(out,
			"  upstream:  %s: ACS not known (config space readable only "
			"by root)\n",
			h->addr);
		return;
	}
	if (!h->has_acs) {
		fprintf(out, "  upstream:  %s: no ACS capability: no isolation\n",
			h->addr);
		return;
	}
	fprintf(out,
		"  upstream:  %s: ACS SrcValid%c ReqRedir%c CmpltRedir%c UpstreamFwd%c: "
		"%s\n",
		h->addr, c->source_validation ? '+' : '-',
		c->request_redirect ? '+' : '-', c->completion_redirect ? '+' : '-',
		c->upstream_forwarding ? '+' : '-',
		h->isolates ? "isolates" : "no isolation");
}

void function_view_text(FILE *out, const struct pci_function *f,
			const struct iommu_group_view *g, struct pci_names *names)
{
	struct fn_names n;

	names_of(f, names, &n);
	if (f->ids_known) {
		fprintf(out, "%s %s: %s\n", f->addr, or_dash(n.class_name), n.device);
		fprintf(out, "  ids:       %04x:%04x, subsystem %04x:%04x, class %06x\n",
			f->vendor_id, f->device_id, f->subsys_vendor_id,
			f->subsys_device_id, f->class_code);
	} else {
		fprintf(out,
			"%s: identity not known (no vendor, device or config space)\n",
			f->addr);
	}
	fprintf(out, "  role:      %s\n", role_of(f));
	fprintf(out, "  driver:    %s%s%s%s\n", or_dash(f->driver),
		f->module[0] ? " (module " : "", f->module, f->module[0] ? ")" : "");
	if (g) {
		fprintf(out, "  iommu:     group %d (%zu device%s)\n", g->id,
			g->n_members, g->n_members == 1 ? "" : "s");
		for (size_t i = 0; i < g->n_members; i++)
			member_text(out, &g->members[i], names, "             ");
		verdict_text(out, g, "             ");
	} else {
		fprintf(out, "  iommu:     no group (IOMMU off or not in use)\n");
	}
	if (!f->path.n_hops)
		fprintf(out, "  upstream:  none (on a root bus)\n");
	for (size_t i = 0; i < f->path.n_hops; i++)
		acs_hop_text(out, &f->path.hops[i]);
	fprintf(out, "  SR-IOV:    %s\n", sriov_reason_text(f->sriov));
}
