// SPDX-License-Identifier: MIT
/*
 * The table of VF settings (vfsetting.h) and the per-type parsing,
 * formatting and comparing every user of a setting goes through. A row
 * says what a setting is; nothing outside this file and the kernel's
 * reader and writer of its attribute spells a setting out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <linux/if_ether.h>

#include "sriov/vfsetting.h"
#include "hex.h"

#define FIELD(type, member)                                                              \
	{                                                                                \
		offsetof(type, member), sizeof(((type *)0)->member)                      \
	}
#define WANT(m)	 FIELD(struct vf_settings, m)
#define REQ(m)	 FIELD(struct rtnl_vf_set, m)
#define CUR(m)	 FIELD(struct vf_info, m)
#define KNOWN(m) offsetof(struct vf_info, m)
#define AUTO(m)	 FIELD(struct vf_settings, m)

static const struct vf_enum_name proto_names[] = {
	{"802.1Q", ETH_P_8021Q},
	{"802.1ad", ETH_P_8021AD},
	{NULL, 0},
};

static const struct vf_enum_name state_names[] = {
	{"auto", VF_LINK_STATE_AUTO},
	{"enable", VF_LINK_STATE_ENABLE},
	{"disable", VF_LINK_STATE_DISABLE},
	{NULL, 0},
};

static const struct vf_enum_name fn_state_names[] = {
	{"active", 1},
	{"inactive", 0},
	{NULL, 0},
};

/*
 * Modelled on systemd's netif-sriov.c and ethtool's argument tables: one row
 * says everything about a setting; the code below works for any row.
 */
/* clang-format off */
static const struct vf_setting table[VF_KEY_COUNT] = {
	[VF_KEY_MAC] = {
		.name = "mac", .conf_name = "mac",
		.help = "unicast, not zero; auto: derived from the PF's MAC",
		.doc = "The VF's MAC address, unicast and not zero; auto derives a "
		       "stable one from the PF's permanent MAC and the index (see vf). "
		       "An explicit address is only allowed in a [vf] section naming "
		       "one VF of one PF (one index; a netdev or address selector), "
		       "and only once in the configuration.",
		.type = VF_VAL_MAC, .json = VF_JSON_STRING,
		.reset = VF_RESET_CONFIG,
		.want = WANT(mac), .auto_flag = AUTO(mac_auto),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_MAC,
		.req = REQ(mac), .cur = CUR(mac), .cur_known = KNOWN(has_mac),
	},
	[VF_KEY_VLAN] = {
		.name = "vlan", .conf_name = "vlan",
		.help = "port VLAN (0: none)",
		.doc = "The VLAN the PF tags the VF's traffic with; 0: none.",
		.type = VF_VAL_UINT, .json = VF_JSON_NUMBER, .max = 4095,
		.reset = VF_RESET_VALUE, .reset_to = 0,
		.want = WANT(vlan),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_VLAN,
		.req = REQ(vlan), .cur = CUR(vlan), .cur_known = KNOWN(has_vlan),
	},
	[VF_KEY_QOS] = {
		.name = "qos", .conf_name = "qos",
		.help = "priority of the port VLAN tag",
		.doc = "The 802.1p priority of that VLAN tag.",
		.type = VF_VAL_UINT, .json = VF_JSON_NUMBER, .max = 7,
		.reset = VF_RESET_VALUE, .reset_to = 0,
		.want = WANT(qos),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_VLAN,
		.req = REQ(qos), .cur = CUR(qos), .cur_known = KNOWN(has_vlan),
	},
	[VF_KEY_PROTO] = {
		.name = "proto", .conf_name = "vlan_proto", .alias = "proto",
		.help = "VLAN protocol (802.1ad: QinQ)",
		.doc = "The VLAN protocol (802.1ad: QinQ).",
		.type = VF_VAL_ENUM, .json = VF_JSON_STRING,
		.what = "a VLAN protocol", .names = proto_names,
		.dflt = ETH_P_8021Q, .zero_unreported = true,
		.reset = VF_RESET_VALUE, .reset_to = ETH_P_8021Q,
		.want = WANT(vlan_proto),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_VLAN,
		.req = REQ(vlan_proto), .cur = CUR(vlan_proto),
		.cur_known = KNOWN(has_vlan),
	},
	[VF_KEY_MIN_TX_RATE] = {
		.name = "min_tx_rate", .conf_name = "min_tx_rate",
		.needs_carrier = true,
		.help = "minimum transmit rate, Mbit/s (0: none)",
		.doc = "The VF's guaranteed transmit rate, 0 to 4294967295 Mbit/s; "
		       "0: none. Not above max_tx_rate when that is given and not 0.",
		.type = VF_VAL_UINT, .json = VF_JSON_NUMBER, .max = UINT32_MAX,
		.unit = "Mbit/s",
		.reset = VF_RESET_VALUE, .reset_to = 0,
		.want = WANT(min_tx_rate),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_RATE,
		.req = REQ(min_tx_rate), .cur = CUR(min_tx_rate),
		.cur_known = KNOWN(has_rate),
	},
	[VF_KEY_MAX_TX_RATE] = {
		.name = "max_tx_rate", .conf_name = "max_tx_rate",
		.needs_carrier = true,
		.help = "maximum transmit rate, Mbit/s (0: no limit)",
		.doc = "The VF's transmit rate limit, 0 to 4294967295 Mbit/s; 0: no "
		       "limit.",
		.type = VF_VAL_UINT, .json = VF_JSON_NUMBER, .max = UINT32_MAX,
		.unit = "Mbit/s",
		.reset = VF_RESET_VALUE, .reset_to = 0,
		.want = WANT(max_tx_rate),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_RATE,
		.req = REQ(max_tx_rate), .cur = CUR(max_tx_rate),
		.cur_known = KNOWN(has_rate),
	},
	[VF_KEY_SPOOFCHK] = {
		.name = "spoofchk", .conf_name = "spoofchk",
		.help = "drop frames the VF sends with another source MAC",
		.doc = "Whether the PF drops frames the VF sends with another source "
		       "MAC.",
		.type = VF_VAL_BOOL, .json = VF_JSON_BOOL,
		.reset = VF_RESET_VALUE, .reset_to = 1,
		.want = WANT(spoofchk),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_SPOOFCHK,
		.req = REQ(value), .cur = CUR(spoofchk), .cur_known = VF_CUR_SIGNED,
	},
	[VF_KEY_TRUST] = {
		.name = "trust", .conf_name = "trust",
		.help = "the VF may change its MAC, go promiscuous",
		.doc = "Whether the VF may change its MAC and use promiscuous or "
		       "all-multicast modes.",
		.type = VF_VAL_BOOL, .json = VF_JSON_BOOL,
		.reset = VF_RESET_VALUE, .reset_to = 0,
		.want = WANT(trust),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_TRUST,
		.req = REQ(value), .cur = CUR(trust), .cur_known = VF_CUR_SIGNED,
	},
	[VF_KEY_STATE] = {
		.name = "state", .conf_name = "link_state", .alias = "state",
		.help = "the VF's link: the PF's, always up, always down",
		.doc = "The link the VF sees: the PF's, always up, or always down.",
		.type = VF_VAL_ENUM, .json = VF_JSON_STRING,
		.what = "a link state", .names = state_names,
		.reset = VF_RESET_VALUE, .reset_to = VF_LINK_STATE_AUTO,
		.want = WANT(state),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_LINK_STATE,
		.req = REQ(value), .cur = CUR(link_state), .cur_known = VF_CUR_SIGNED,
	},
	[VF_KEY_QUERY_RSS] = {
		.name = "query_rss", .conf_name = "query_rss",
		.help = "the VF may query the RSS configuration",
		.doc = "Whether the VF may query the RSS configuration shared with "
		       "the PF.",
		.type = VF_VAL_BOOL, .json = VF_JSON_BOOL,
		.reset = VF_RESET_VALUE, .reset_to = 0,
		.want = WANT(query_rss),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_RSS_QUERY_EN,
		.req = REQ(value), .cur = CUR(query_rss), .cur_known = VF_CUR_SIGNED,
	},
	[VF_KEY_NODE_GUID] = {
		.name = "node_guid", .conf_name = "node_guid",
		.help = "InfiniBand node GUID; auto: derived from mac auto",
		.doc = "The InfiniBand VF's node GUID, xx:xx:xx:xx:xx:xx:xx:xx; auto "
		       "widens the VF's mac auto address to 64 bits (ff:fe in the "
		       "middle), stable like mac auto. An InfiniBand VF whose GUIDs "
		       "are unset keeps its link down.",
		.type = VF_VAL_GUID, .json = VF_JSON_STRING,
		.want = WANT(node_guid), .auto_flag = AUTO(node_guid_auto),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_IB_NODE_GUID,
		.req = REQ(guid), .cur = CUR(node_guid),
		.cur_known = KNOWN(has_node_guid),
		.reset = VF_RESET_CONFIG_ONLY,
	},
	[VF_KEY_PORT_GUID] = {
		.name = "port_guid", .conf_name = "port_guid",
		.help = "InfiniBand port GUID; auto: as node_guid auto",
		.doc = "The InfiniBand VF's port GUID, in the form of node_guid; auto "
		       "gives the same GUID as node_guid auto.",
		.type = VF_VAL_GUID, .json = VF_JSON_STRING,
		.want = WANT(port_guid), .auto_flag = AUTO(port_guid_auto),
		.iface = VF_IFACE_RTNL, .attr = RTNL_VF_IB_PORT_GUID,
		.req = REQ(guid), .cur = CUR(port_guid),
		.cur_known = KNOWN(has_port_guid),
		.reset = VF_RESET_CONFIG_ONLY,
	},
	[VF_KEY_MTU] = {
		.name = "mtu", .conf_name = "mtu",
		.help = "MTU of the VF's own netdev, not above the PF's",
		.doc = "The MTU of the VF's own network interface (the VF bound to its "
		       "net driver, such as igbvf, iavf or mlx5_core), 68 to 65535, "
		       "not above the PF's MTU. Refused while the VF has no netdev "
		       "(no net driver bound, or bound to vfio-pci).",
		.type = VF_VAL_UINT, .json = VF_JSON_NUMBER, .min = 68, .max = 65535,
		.needs_vf_driver = true,
		.want = WANT(mtu),
		.iface = VF_IFACE_VF_NETDEV, .attr = VF_ATTR_MTU,
		.req = REQ(value), .cur = CUR(mtu), .cur_known = KNOWN(has_mtu),
		.reset = VF_RESET_VALUE, .reset_to = 1500,
	},
	[VF_KEY_MSIX] = {
		.name = "msix", .conf_name = "msix",
		.help = "MSI-X vectors (sriov_vf_msix_count); no driver bound",
		.doc = "The number of MSI-X vectors the VF gets (written to its sysfs "
		       "sriov_vf_msix_count, read back from the Table Size of its MSI-X "
		       "capability), 1 to 2048, within the PF's sriov_vf_total_msix "
		       "(0 there: the PF's driver cannot set them; mlx5 can). Only while "
		       "the VF has no driver bound: in a "
		       "configuration, give its [pf] section autoprobe = no, and apply "
		       "sets it before it binds the VF's driver (and sets mtu after).",
		.type = VF_VAL_UINT, .json = VF_JSON_NUMBER, .min = 1, .max = 2048,
		.want = WANT(msix),
		.iface = VF_IFACE_SYSFS, .attr = VF_ATTR_MSIX,
		.req = REQ(value), .cur = CUR(msix_count), .cur_known = KNOWN(has_msix),
		.reset = VF_RESET_KEEP,
	},
	[VF_KEY_TX_SHARE] = {
		.name = "tx_share", .conf_name = "tx_share",
		.help = "devlink rate: guaranteed Mbit/s (switchdev)",
		.doc = "The guaranteed transmit rate of the VF's devlink port (devlink "
		       "rate tx_share), in Mbit/s like min_tx_rate (the kernel counts "
		       "bytes per second: 1 Mbit/s is 125000); 0: none. Not above "
		       "tx_max when that is not 0. Needs the PF in switchdev mode.",
		.type = VF_VAL_UINT, .json = VF_JSON_NUMBER, .max = UINT32_MAX,
		.unit = "Mbit/s",
		.reset = VF_RESET_VALUE, .reset_to = 0,
		.want = WANT(tx_share),
		.iface = VF_IFACE_DEVLINK_RATE, .attr = VF_ATTR_DL_RATE,
		.req = REQ(tx_share), .cur = CUR(tx_share), .cur_known = KNOWN(has_dl_rate),
	},
	[VF_KEY_TX_MAX] = {
		.name = "tx_max", .conf_name = "tx_max",
		.help = "devlink rate: limit Mbit/s, 0: none (switchdev)",
		.doc = "The transmit rate limit of the VF's devlink port (devlink rate "
		       "tx_max), in Mbit/s; 0: no limit. Needs switchdev mode.",
		.type = VF_VAL_UINT, .json = VF_JSON_NUMBER, .max = UINT32_MAX,
		.unit = "Mbit/s",
		.reset = VF_RESET_VALUE, .reset_to = 0,
		.want = WANT(tx_max),
		.iface = VF_IFACE_DEVLINK_RATE, .attr = VF_ATTR_DL_RATE,
		.req = REQ(tx_max), .cur = CUR(tx_max), .cur_known = KNOWN(has_dl_rate),
	},
	[VF_KEY_RATE_GROUP] = {
		.name = "rate_group", .conf_name = "rate_group",
		.help = "devlink rate node (created); none: detach",
		.doc = "The devlink rate node (group) that is the parent of the VF's "
		       "rate, created on the PF's devlink instance when missing; a name "
		       "of letters, digits, _ . - (at most 63); none detaches the VF. "
		       "Needs switchdev mode.",
		.type = VF_VAL_NAME, .json = VF_JSON_STRING,
		.reset = VF_RESET_VALUE,
		.want = WANT(rate_group),
		.iface = VF_IFACE_DEVLINK_RATE, .attr = VF_ATTR_DL_GROUP,
		.req = REQ(group), .cur = CUR(rate_group), .cur_known = KNOWN(has_dl_rate),
	},
	[VF_KEY_HW_ADDR] = {
		.name = "hw_addr", .conf_name = "hw_addr",
		.help = "port function MAC, unicast (switchdev)",
		.doc = "The VF's MAC as the eswitch sets it (devlink port function "
		       "hw_addr), unicast and not zero; taken by the VF's driver when it "
		       "next binds. Needs switchdev mode.",
		.type = VF_VAL_MAC, .json = VF_JSON_STRING,
		.reset = VF_RESET_CONFIG_ONLY,
		.want = WANT(hw_addr),
		.iface = VF_IFACE_DEVLINK_FN, .attr = VF_ATTR_FN_HW_ADDR,
		.req = REQ(mac), .cur = CUR(fn_hw_addr), .cur_known = KNOWN(has_fn_hw_addr),
	},
	[VF_KEY_FN_STATE] = {
		.name = "fn_state", .conf_name = "fn_state",
		.help = "port function state (switchdev)",
		.doc = "The state of the VF's devlink port function: active or inactive "
		       "(the function is detached from its driver's use). Needs switchdev "
		       "mode; a VF's function is active by default.",
		.type = VF_VAL_ENUM, .json = VF_JSON_STRING,
		.what = "a port function state", .names = fn_state_names,
		.reset = VF_RESET_VALUE, .reset_to = 1,
		.want = WANT(fn_state),
		.iface = VF_IFACE_DEVLINK_FN, .attr = VF_ATTR_FN_STATE,
		.req = REQ(value), .cur = CUR(fn_state), .cur_known = KNOWN(has_fn_state),
	},
	[VF_KEY_ROCE] = {
		.name = "roce", .conf_name = "roce",
		.help = "port function RoCE capability (switchdev)",
		.doc = "Whether the VF may use RoCE (devlink port function capability "
		       "roce); on by default. mlx5 changes it only while the VF has no "
		       "driver. Needs switchdev mode.",
		.type = VF_VAL_BOOL, .json = VF_JSON_BOOL,
		.reset = VF_RESET_VALUE, .reset_to = 1,
		.want = WANT(roce),
		.iface = VF_IFACE_DEVLINK_FN, .attr = VF_ATTR_FN_ROCE,
		.req = REQ(value), .cur = CUR(fn_roce), .cur_known = KNOWN(has_fn_roce),
	},
	[VF_KEY_MIGRATABLE] = {
		.name = "migratable", .conf_name = "migratable",
		.help = "port function live-migration cap (switchdev)",
		.doc = "Whether the VF can be live-migrated (devlink port function "
		       "capability migratable, ConnectX-7 with mlx5_vfio_pci); off by "
		       "default. mlx5 changes it only while the VF has no driver. Needs "
		       "switchdev mode.",
		.type = VF_VAL_BOOL, .json = VF_JSON_BOOL,
		.reset = VF_RESET_VALUE, .reset_to = 0,
		.want = WANT(migratable),
		.iface = VF_IFACE_DEVLINK_FN, .attr = VF_ATTR_FN_MIGRATABLE,
		.req = REQ(value), .cur = CUR(fn_migratable),
		.cur_known = KNOWN(has_fn_migratable),
	},
};
/* clang-format on */

const struct vf_setting *vf_setting_of(enum vf_key key)
{
	return (unsigned int)key < VF_KEY_COUNT ? &table[key] : NULL;
}

/* ---- fields ----------------------------------------------------------------- */

static uint32_t field_get(const void *base, struct vf_field f)
{
	const unsigned char *p = (const unsigned char *)base + f.off;
	uint16_t v16;
	uint32_t v32;

	switch (f.size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	default:
		memcpy(&v32, p, 4);
		return v32;
	}
}

static void field_put(void *base, struct vf_field f, uint32_t v)
{
	unsigned char *p = (unsigned char *)base + f.off;
	uint16_t v16 = (uint16_t)v;

	switch (f.size) {
	case 1:
		*p = (unsigned char)v;
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	default:
		memcpy(p, &v, 4);
		break;
	}
}

static void value_get(const struct vf_setting *row, const void *base, struct vf_field f,
		      struct vf_value *v)
{
	memset(v, 0, sizeof(*v));
	if (row->type == VF_VAL_MAC)
		memcpy(v->mac, (const unsigned char *)base + f.off, 6);
	else if (row->type == VF_VAL_GUID)
		memcpy(&v->guid, (const unsigned char *)base + f.off, sizeof(v->guid));
	else if (row->type == VF_VAL_NAME)
		snprintf(v->name, sizeof(v->name), "%.*s", (int)f.size - 1,
			 (const char *)base + f.off);
	else
		v->u = field_get(base, f);
}

static void value_put(const struct vf_setting *row, void *base, struct vf_field f,
		      const struct vf_value *v)
{
	if (row->type == VF_VAL_MAC)
		memcpy((unsigned char *)base + f.off, v->mac, 6);
	else if (row->type == VF_VAL_GUID)
		memcpy((unsigned char *)base + f.off, &v->guid, sizeof(v->guid));
	else if (row->type == VF_VAL_NAME)
		snprintf((char *)base + f.off, f.size, "%s", v->name);
	else
		field_put(base, f, v->u);
}

/* The row's "auto" flag in s (false for a key that takes no auto). */
static bool auto_get(const struct vf_setting *row, const struct vf_settings *s)
{
	bool v = false;

	if (row->auto_flag.size)
		memcpy(&v, (const unsigned char *)s + row->auto_flag.off, sizeof(v));
	return v;
}

static void auto_put(const struct vf_setting *row, struct vf_settings *s, bool v)
{
	if (row->auto_flag.size)
		memcpy((unsigned char *)s + row->auto_flag.off, &v, sizeof(v));
}

bool vf_key_readable(enum vf_key key, bool rtnl_known)
{
	return (unsigned int)key < VF_KEY_COUNT &&
	       (rtnl_known || table[key].iface != VF_IFACE_RTNL);
}

bool vf_key_is_auto(enum vf_key key, const struct vf_settings *s)
{
	return (unsigned int)key < VF_KEY_COUNT && vf_settings_has(s, key) &&
	       auto_get(&table[key], s);
}

const struct vf_rate_pair vf_rate_pairs[VF_RATE_PAIRS] = {
	{VF_KEY_MIN_TX_RATE, VF_KEY_MAX_TX_RATE},
	{VF_KEY_TX_SHARE, VF_KEY_TX_MAX},
};

bool vf_rate_pair_conflicts(const struct vf_rate_pair *p, const struct vf_settings *s,
			    uint32_t *low, uint32_t *high)
{
	struct vf_value lo, hi;

	if (!vf_settings_has(s, p->low) || !vf_settings_has(s, p->high))
		return false;
	vf_key_want(p->low, s, NULL, &lo);
	vf_key_want(p->high, s, NULL, &hi);
	*low = lo.u;
	*high = hi.u;
	return hi.u && lo.u > hi.u;
}

bool vf_settings_use_iface(const struct vf_settings *s, enum vf_iface iface)
{
	for (int k = 0; k < VF_KEY_COUNT; k++)
		if (vf_settings_has(s, (enum vf_key)k) && table[k].iface == iface)
			return true;
	return false;
}

bool vf_settings_want_auto(const struct vf_settings *s)
{
	for (int k = 0; k < VF_KEY_COUNT; k++)
		if (vf_key_is_auto((enum vf_key)k, s))
			return true;
	return false;
}

/* ---- interfaces ------------------------------------------------------------- */

enum vf_iface vf_attr_iface(unsigned int attr)
{
	for (int k = 0; k < VF_KEY_COUNT; k++)
		if (table[k].attr == attr)
			return table[k].iface;
	return VF_IFACE_RTNL;
}

const char *vf_request_name(const struct rtnl_vf_set *s)
{
	if (s->attr == VF_ATTR_MTU)
		return "IFLA_MTU";
	if (s->attr == VF_ATTR_MSIX)
		return "sriov_vf_msix_count";
	if (s->attr == VF_ATTR_DL_RATE)
		return "devlink rate tx_share/tx_max";
	if (s->attr == VF_ATTR_DL_GROUP)
		return "devlink rate parent";
	if (s->attr == VF_ATTR_FN_HW_ADDR)
		return "devlink port function hw_addr";
	if (s->attr == VF_ATTR_FN_STATE)
		return "devlink port function state";
	if (s->attr == VF_ATTR_FN_ROCE)
		return "devlink port function roce";
	if (s->attr == VF_ATTR_FN_MIGRATABLE)
		return "devlink port function migratable";
	return rtnl_vf_attr_name(s);
}

/* ---- names -------------------------------------------------------------------- */

const char *vf_key_name(enum vf_key key)
{
	return (unsigned int)key < VF_KEY_COUNT ? table[key].name : "?";
}

void vf_key_list(bool conf, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int k = 0; k < VF_KEY_COUNT && len < size; k++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? ", " : "",
					conf ? table[k].conf_name : table[k].name);
}

int vf_key_lookup(const char *name, enum vf_key *key, struct sriov_err *e)
{
	char keys[VF_KEY_LIST_SIZE];

	for (int k = 0; k < VF_KEY_COUNT; k++) {
		if (!strcmp(name, table[k].name)) {
			*key = (enum vf_key)k;
			return 0;
		}
	}
	vf_key_list(false, keys, sizeof(keys));
	return sriov_err_set(e, -EINVAL, "unknown VF setting '%s': the settings are %s",
			     name, keys);
}

int vf_key_lookup_conf(const char *name, enum vf_key *key)
{
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		if (!strcmp(name, table[k].conf_name)) {
			*key = (enum vf_key)k;
			return 0;
		}
	}
	return -ENOENT;
}

const char *vf_key_alias_of(const char *name)
{
	for (int k = 0; k < VF_KEY_COUNT; k++)
		if (table[k].alias && !strcmp(name, table[k].alias))
			return table[k].conf_name;
	return NULL;
}

/* The names of an enum joined: "a or b" for two, "a, b, c" (sep ", ") or "a|b|c". */
static void names_join(const struct vf_enum_name *n, const char *sep, char *buf,
		       size_t size)
{
	size_t count = 0, len = 0;

	while (n[count].name)
		count++;
	buf[0] = '\0';
	for (size_t i = 0; i < count && len < size; i++) {
		const char *s = i == 0 ? "" : count == 2 && sep[0] == ',' ? " or " : sep;

		len += (size_t)snprintf(buf + len, size - len, "%s%s", s, n[i].name);
	}
}

void vf_key_values(enum vf_key key, char *buf, size_t size)
{
	const struct vf_setting *row = &table[key];

	switch (row->type) {
	case VF_VAL_MAC:
		snprintf(buf, size, "aa:bb:cc:dd:ee:ff%s",
			 row->auto_flag.size ? " or auto" : "");
		break;
	case VF_VAL_NAME:
		snprintf(buf, size, "a rate node name or none");
		break;
	case VF_VAL_GUID:
		snprintf(buf, size, "xx:xx:xx:xx:xx:xx:xx:xx or auto");
		break;
	case VF_VAL_UINT:
		if (row->unit)
			snprintf(buf, size, "%s", row->unit);
		else
			snprintf(buf, size, "%u-%u", row->min, row->max);
		break;
	case VF_VAL_BOOL:
		snprintf(buf, size, "on or off");
		break;
	case VF_VAL_ENUM:
		names_join(row->names, ", ", buf, size);
		if (row->names[0].name && row->names[1].name && row->names[2].name) {
			/* "auto, enable or disable" */
			char *last = strrchr(buf, ',');

			if (last && strlen(buf) + 3 < size) {
				memmove(last + 3, last + 1, strlen(last + 1) + 1);
				memcpy(last, " or", 3);
			}
		}
		break;
	}
}

void vf_key_syntax(enum vf_key key, char *buf, size_t size)
{
	const struct vf_setting *row = &table[key];

	switch (row->type) {
	case VF_VAL_MAC:
		snprintf(buf, size, row->auto_flag.size ? "MAC|auto" : "MAC");
		break;
	case VF_VAL_NAME:
		snprintf(buf, size, "NAME|none");
		break;
	case VF_VAL_GUID:
		snprintf(buf, size, "GUID|auto");
		break;
	case VF_VAL_UINT:
		if (row->unit)
			snprintf(buf, size, "N");
		else
			snprintf(buf, size, "%u-%u", row->min, row->max);
		break;
	case VF_VAL_BOOL:
		snprintf(buf, size, "on|off");
		break;
	case VF_VAL_ENUM:
		names_join(row->names, "|", buf, size);
		break;
	}
}

/* ---- parsing ------------------------------------------------------------------ */

/* "aa:bb:cc:dd:ee:ff" exactly; false for anything else. */
static bool mac_text_parse(const char *text, uint8_t mac[6])
{
	if (strlen(text) != VF_MAC_STRLEN - 1)
		return false;
	for (int i = 0; i < 6; i++) {
		const char *p = text + 3 * i;
		int hi = hex_digit_value(p[0]), lo = hex_digit_value(p[1]);

		if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':'))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

int vf_mac_parse(const char *key, const char *text, uint8_t mac[6], struct sriov_err *e)
{
	static const uint8_t zero[6];

	if (!mac_text_parse(text, mac))
		return sriov_err_set(e, -EINVAL,
				     "%s: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff, "
				     "or auto)",
				     key, text);
	if (mac[0] & 0x01)
		return sriov_err_set(e, -EINVAL,
				     "%s: '%s' is a multicast address; a VF needs a "
				     "unicast MAC (first octet even)",
				     key, text);
	if (!memcmp(mac, zero, sizeof(zero)))
		return sriov_err_set(e, -EINVAL,
				     "%s: '%s' is the zero address; a VF needs a unicast "
				     "MAC (or auto)",
				     key, text);
	return 0;
}

int vf_bool_parse(const char *key, const char *text, bool *v, struct sriov_err *e)
{
	static const char *const yes[] = {"on", "yes", "1", "true"};
	static const char *const no[] = {"off", "no", "0", "false"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(text, yes[i])) {
			*v = true;
			return 0;
		}
		if (!strcasecmp(text, no[i])) {
			*v = false;
			return 0;
		}
	}
	return sriov_err_set(e, -EINVAL,
			     "%s: '%s' is not on or off (on, off, yes, no, 1, 0, true, "
			     "false)",
			     key, text);
}

int vf_uint_parse(const char *key, const char *text, uint32_t max, const char *unit,
		  uint32_t *v, struct sriov_err *e)
{
	const char *sep = unit ? " " : "";
	uint64_t n = 0;
	size_t len = strspn(text, "0123456789");

	if (len == 0 || text[len] != '\0')
		return sriov_err_set(e, -EINVAL, "%s: '%s' is not a number (0-%u%s%s)",
				     key, text, max, sep, unit ? unit : "");
	for (size_t i = 0; i < len && n <= max; i++)
		n = n * 10 + (uint64_t)(text[i] - '0');
	if (n > max)
		return sriov_err_set(e, -ERANGE, "%s: '%s' is out of range 0-%u%s%s", key,
				     text, max, sep, unit ? unit : "");
	*v = (uint32_t)n;
	return 0;
}

int vf_guid_parse(const char *key, const char *text, uint64_t *guid, struct sriov_err *e)
{
	uint64_t g = 0;

	if (strlen(text) != VF_GUID_STRLEN - 1)
		goto bad;
	for (int i = 0; i < 8; i++) {
		const char *p = text + 3 * i;
		int hi = hex_digit_value(p[0]), lo = hex_digit_value(p[1]);

		if (hi < 0 || lo < 0 || (i < 7 && p[2] != ':'))
			goto bad;
		g = g << 8 | (uint64_t)(hi << 4 | lo);
	}
	*guid = g;
	return 0;
bad:
	return sriov_err_set(e, -EINVAL,
			     "%s: '%s' is not a GUID (xx:xx:xx:xx:xx:xx:xx:xx, eight "
			     "hex bytes, or auto)",
			     key, text);
}

int vf_name_parse(const char *key, const char *text, char name[64], struct sriov_err *e)
{
	size_t len = strlen(text);

	name[0] = '\0';
	if (len == 0 || !strcmp(text, "none"))
		return 0;
	if (len > 63 ||
	    strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-") != len ||
	    text[0] == '.' || text[0] == '-')
		return sriov_err_set(e, -EINVAL,
				     "%s: '%s' is not a rate node name (1-63 letters, "
				     "digits, _ . -, not starting with . or -; or none)",
				     key, text);
	memcpy(name, text, len + 1);
	return 0;
}

/* A number of a row with a lower bound: "mtu: '10' is out of range 68-65535". */
static int uint_parse(const struct vf_setting *row, const char *key, const char *text,
		      uint32_t *v, struct sriov_err *e)
{
	int ret = vf_uint_parse(key, text, row->max, row->unit, v, e);

	if (ret == 0 && *v < row->min)
		return sriov_err_set(e, -ERANGE, "%s: '%s' is out of range %u-%u", key,
				     text, row->min, row->max);
	if (ret == -ERANGE && row->min)
		return sriov_err_set(e, -ERANGE, "%s: '%s' is out of range %u-%u", key,
				     text, row->min, row->max);
	return ret;
}

static int enum_parse(const struct vf_setting *row, const char *key, const char *text,
		      uint32_t *v, struct sriov_err *e)
{
	char names[96];

	for (const struct vf_enum_name *n = row->names; n->name; n++) {
		if (!strcasecmp(text, n->name)) {
			*v = n->value;
			return 0;
		}
	}
	names_join(row->names, ", ", names, sizeof(names));
	return sriov_err_set(e, -EINVAL, "%s: '%s' is not %s (%s)", key, text, row->what,
			     names);
}

static int value_parse(const struct vf_setting *row, const char *key, const char *text,
		       struct vf_value *v, bool *is_auto, struct sriov_err *e)
{
	bool b = false;
	int ret;

	memset(v, 0, sizeof(*v));
	*is_auto = row->auto_flag.size && !strcmp(text, "auto");
	if (*is_auto)
		return 0;
	switch (row->type) {
	case VF_VAL_MAC:
		return vf_mac_parse(key, text, v->mac, e);
	case VF_VAL_GUID:
		return vf_guid_parse(key, text, &v->guid, e);
	case VF_VAL_NAME:
		return vf_name_parse(key, text, v->name, e);
	case VF_VAL_UINT:
		return uint_parse(row, key, text, &v->u, e);
	case VF_VAL_BOOL:
		ret = vf_bool_parse(key, text, &b, e);
		v->u = b;
		return ret;
	default:
		return enum_parse(row, key, text, &v->u, e);
	}
}

int vf_key_parse(enum vf_key key, const char *name, const char *text,
		 struct vf_settings *s, struct sriov_err *e)
{
	const struct vf_setting *row = vf_setting_of(key);
	bool is_auto = false;
	struct vf_value v;
	int ret;

	if (!row)
		return sriov_err_set(e, -EINVAL, "unknown VF setting %d", (int)key);
	ret = value_parse(row, name, text, &v, &is_auto, e);
	if (ret < 0)
		return ret;
	auto_put(row, s, is_auto);
	value_put(row, s, row->want, &v);
	return 0;
}

/* ---- wanted, current, requested ------------------------------------------------- */

bool vf_key_equal(enum vf_key key, const struct vf_settings *a,
		  const struct vf_settings *b)
{
	const struct vf_setting *row = vf_setting_of(key);
	struct vf_value va, vb;

	if (!row)
		return false;
	if (auto_get(row, a) || auto_get(row, b))
		return auto_get(row, a) == auto_get(row, b);
	value_get(row, a, row->want, &va);
	value_get(row, b, row->want, &vb);
	return vf_value_equal(key, &va, &vb);
}

void vf_key_copy(enum vf_key key, struct vf_settings *dst, const struct vf_settings *src)
{
	const struct vf_setting *row = vf_setting_of(key);
	struct vf_value v;

	if (!row)
		return;
	auto_put(row, dst, auto_get(row, src));
	value_get(row, src, row->want, &v);
	value_put(row, dst, row->want, &v);
	dst->given |= 1u << key;
}

void vf_key_want(enum vf_key key, const struct vf_settings *s, const uint8_t *auto_mac,
		 struct vf_value *v)
{
	const struct vf_setting *row = &table[key];

	value_get(row, s, row->want, v);
	if (!auto_get(row, s) || !auto_mac)
		return;
	if (row->type == VF_VAL_MAC)
		memcpy(v->mac, auto_mac, 6);
	else if (row->type == VF_VAL_GUID)
		v->guid = vf_guid_auto(auto_mac);
}

bool vf_key_current(enum vf_key key, const struct vf_info *vi, uint32_t fallback,
		    struct vf_value *v)
{
	const struct vf_setting *row = &table[key];
	bool known;

	value_get(row, vi, row->cur, v);
	if (row->cur_known == VF_CUR_SIGNED)
		known = (int32_t)v->u >= 0;
	else
		memcpy(&known, (const unsigned char *)vi + row->cur_known, sizeof(known));
	if (known && row->zero_unreported && v->u == 0)
		v->u = fallback;
	return known;
}

void vf_key_req_get(enum vf_key key, const struct rtnl_vf_set *rq, struct vf_value *v)
{
	value_get(&table[key], rq, table[key].req, v);
}

void vf_key_req_put(enum vf_key key, struct rtnl_vf_set *rq, const struct vf_value *v)
{
	value_put(&table[key], rq, table[key].req, v);
}

bool vf_value_equal(enum vf_key key, const struct vf_value *a, const struct vf_value *b)
{
	if (table[key].type == VF_VAL_MAC)
		return !memcmp(a->mac, b->mac, 6);
	if (table[key].type == VF_VAL_GUID)
		return a->guid == b->guid;
	if (table[key].type == VF_VAL_NAME)
		return !strcmp(a->name, b->name);
	return a->u == b->u;
}

/* ---- as text -------------------------------------------------------------------- */

void vf_mac_format(const uint8_t mac[6], char buf[VF_MAC_STRLEN])
{
	snprintf(buf, VF_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

void vf_guid_format(uint64_t guid, char buf[VF_GUID_STRLEN])
{
	size_t len = 0;

	for (int i = 0; i < 8; i++)
		len += (size_t)snprintf(buf + len, VF_GUID_STRLEN - len, "%s%02x",
					i ? ":" : "",
					(unsigned int)(guid >> (56 - 8 * i)) & 0xffu);
}

uint64_t vf_guid_auto(const uint8_t *auto_mac)
{
	uint64_t g = 0;

	if (!auto_mac)
		return 0;
	for (int i = 0; i < 3; i++)
		g = g << 8 | auto_mac[i];
	g = g << 16 | 0xfffe;
	for (int i = 3; i < 6; i++)
		g = g << 8 | auto_mac[i];
	return g;
}

static const char *enum_name(const struct vf_enum_name *n, uint32_t value)
{
	for (; n->name; n++)
		if (n->value == value)
			return n->name;
	return NULL;
}

const char *vf_link_state_name(int state)
{
	return state < 0 ? NULL : enum_name(state_names, (uint32_t)state);
}

const char *vf_vlan_proto_name(uint16_t proto)
{
	return enum_name(proto_names, proto);
}

void vf_value_format(enum vf_key key, const struct vf_value *v, char *buf, size_t size)
{
	const struct vf_setting *row = &table[key];
	char mac[VF_GUID_STRLEN];
	const char *name;

	switch (row->type) {
	case VF_VAL_MAC:
		vf_mac_format(v->mac, mac);
		snprintf(buf, size, "%s", mac);
		break;
	case VF_VAL_GUID:
		vf_guid_format(v->guid, mac);
		snprintf(buf, size, "%s", mac);
		break;
	case VF_VAL_NAME:
		snprintf(buf, size, "%s", v->name[0] ? v->name : "none");
		break;
	case VF_VAL_UINT:
		snprintf(buf, size, "%u", v->u);
		break;
	case VF_VAL_BOOL:
		snprintf(buf, size, "%s", v->u ? "on" : "off");
		break;
	default:
		name = enum_name(row->names, v->u);
		snprintf(buf, size, "%s", name ? name : "");
		break;
	}
}

void vf_key_format_want(enum vf_key key, const struct vf_settings *s,
			const uint8_t *auto_mac, char *buf, size_t size)
{
	struct vf_value v;

	if (auto_get(&table[key], s) && !auto_mac) {
		snprintf(buf, size, "auto");
		return;
	}
	vf_key_want(key, s, auto_mac, &v);
	vf_value_format(key, &v, buf, size);
}

void vf_key_format_current(enum vf_key key, const struct vf_info *vi, char *buf,
			   size_t size)
{
	struct vf_value v;

	buf[0] = '\0';
	if (vf_key_current(key, vi, table[key].dflt, &v))
		vf_value_format(key, &v, buf, size);
}
