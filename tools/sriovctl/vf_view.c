// SPDX-License-Identifier: MIT
/* The VF rows of `show`, text and JSON, for `show` and `vf PF/INDEXES show`. */
#include <stdio.h>

#include <linux/if_ether.h>

#include "inventory_view.h"
#include "usage_view.h"
#include "vf_view.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

#define ROW_FORMAT "    %-4s %-13s %-9s %-15s %-5s %-17s %-9s %-5s %-5s %-7s %s\n"

static bool vf_in(const struct vf *vf, const bool *sel, unsigned int n)
{
	return !sel || (vf->index < n && sel[vf->index]);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* ---- JSON ------------------------------------------------------------------ */

struct json_object *vf_value_json(enum vf_key key, const struct vf_value *v)
{
	char text[VF_VALUE_STRLEN];

	switch (vf_setting_of(key)->json) {
	case VF_JSON_NUMBER:
		return json_object_new_int64(v->u);
	case VF_JSON_BOOL:
		return json_object_new_boolean(v->u != 0);
	default:
		vf_value_format(key, v, text, sizeof(text));
		return json_str_or_null(text);
	}
}

/* Every VF setting under its configuration name (vlan_proto, link_state); null unknown.
 */
static void settings_json(struct json_object *o, const struct vf *vf)
{
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		struct vf_value v;
		bool known = vf_key_readable((enum vf_key)k, vf->has_info) &&
			     vf_key_current((enum vf_key)k, &vf->info, 0, &v);

		ADD(o, vf_setting_of((enum vf_key)k)->conf_name,
		    known ? vf_value_json((enum vf_key)k, &v) : NULL);
	}
}

static struct json_object *vf_json(const struct inventory *inv, const struct vf *vf)
{
	struct json_object *o = json_object_new_object();
	struct json_object *nds = json_object_new_array();

	ADD(o, "index", json_object_new_int((int)vf->index));
	ADD(o, "address", json_str_or_null(vf->addr_str)); /* none on netdevsim */
	ADD(o, "device_id", vf->addr_str[0] ? json_hex16(vf->device_id) : NULL);
	ADD(o, "driver", json_str_or_null(vf->driver));
	for (size_t i = 0; i < vf->n_netdevs; i++)
		json_object_array_add(nds, json_object_new_string(vf->netdevs[i].name));
	ADD(o, "netdevs", nds);
	ADD(o, "iommu_group", json_int_or_null(vf->iommu_group));
	ADD(o, "iommu_group_members", group_members_json(inv, vf->iommu_group));
	settings_json(o, vf);
	ADD(o, "used_by", fn_users_json(&vf->users));
	if (vf->addr_mismatch) {
		char predicted[PCI_ADDR_STRLEN];

		pci_addr_format(&vf->predicted, predicted);
		ADD(o, "predicted_address", json_object_new_string(predicted));
	}
	return o;
}

struct json_object *vf_view_json_array(const struct inventory *inv, const struct pf *pf,
				       const bool *sel, unsigned int n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t j = 0; j < pf->n_vfs; j++)
		if (vf_in(&pf->vfs[j], sel, n))
			json_object_array_add(arr, vf_json(inv, &pf->vfs[j]));
	return arr;
}

/* ---- text ------------------------------------------------------------------ */

static const char *onoff(const struct vf *vf, int v)
{
	if (!vf->has_info || v < 0)
		return "-";
	return v ? "on" : "off";
}

static void format_mac(char buf[VF_MAC_STRLEN], const struct vf *vf)
{
	if (!vf->has_info || !vf->info.has_mac)
		snprintf(buf, VF_MAC_STRLEN, "-");
	else
		vf_mac_format(vf->info.mac, buf);
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
			 vi->vlan_proto == ETH_P_8021AD ? "ad" : "");
}

static void format_rate(char *buf, size_t size, const struct vf *vf)
{
	if (!vf->has_info || !vf->info.has_rate)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%u/%u", vf->info.min_tx_rate, vf->info.max_tx_rate);
}

/* The settings beyond the table's columns, when known: "mtu 1500, msix 4, node_guid ...".
 */
static void vf_extra_print(FILE *out, const struct vf *vf)
{
	static const enum vf_key keys[] = {
		VF_KEY_MTU,	 VF_KEY_MSIX,	VF_KEY_NODE_GUID,  VF_KEY_PORT_GUID,
		VF_KEY_TX_SHARE, VF_KEY_TX_MAX, VF_KEY_RATE_GROUP, VF_KEY_HW_ADDR,
		VF_KEY_FN_STATE, VF_KEY_ROCE,	VF_KEY_MIGRATABLE,
	};
	const char *sep = "         ";
	char text[VF_VALUE_STRLEN];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!vf_key_readable(keys[i], vf->has_info))
			continue;
		vf_key_format_current(keys[i], &vf->info, text, sizeof(text));
		if (!text[0])
			continue;
		fprintf(out, "%s%s %s", sep, vf_key_name(keys[i]), text);
		sep = ", ";
	}
	if (sep[0] == ',')
		fputc('\n', out);
}

static void vf_row(FILE *out, const struct vf *vf)
{
	char idx[12], mac[VF_MAC_STRLEN], vlan[24], rate[24], group[16];
	const char *link = vf->has_info ? vf_link_state_name(vf->info.link_state) : NULL;

	snprintf(idx, sizeof(idx), "%u", vf->index);
	format_mac(mac, vf);
	format_vlan(vlan, sizeof(vlan), vf);
	format_rate(rate, sizeof(rate), vf);
	snprintf(group, sizeof(group), "%d", vf->iommu_group);
	fprintf(out, ROW_FORMAT, idx, or_dash(vf->addr_str), or_dash(vf->driver),
		vf->n_netdevs ? vf->netdevs[0].name : "-",
		vf->iommu_group < 0 ? "-" : group, mac, vlan,
		onoff(vf, vf->info.spoofchk), onoff(vf, vf->info.trust), or_dash(link),
		rate);
	if (vf->addr_mismatch) {
		char predicted[PCI_ADDR_STRLEN];

		pci_addr_format(&vf->predicted, predicted);
		fprintf(out,
			"         warning: virtfn%u links to %s but offset/stride "
			"predict "
			"%s\n",
			vf->index, vf->addr_str, predicted);
	}
	vf_extra_print(out, vf);
	fn_users_print(out, &vf->users, "         in use: ");
}

void vf_view_table(FILE *out, const struct pf *pf, const bool *sel, unsigned int n)
{
	fprintf(out, ROW_FORMAT, "IDX", "ADDRESS", "DRIVER", "NETDEV", "IOMMU", "MAC",
		"VLAN/QOS", "SPOOF", "TRUST", "LINK", "RATE(min/max)");
	for (size_t j = 0; j < pf->n_vfs; j++)
		if (vf_in(&pf->vfs[j], sel, n))
			vf_row(out, &pf->vfs[j]);
	if (pf->vf_list_truncated)
		fprintf(out, "    (the kernel's VF list was truncated: '-' marks unknown "
			     "settings)\n");
}
