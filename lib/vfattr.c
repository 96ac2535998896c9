// SPDX-License-Identifier: MIT
/*
 * PF-side VF settings: the values users write, checked before anything is
 * sent; "mac auto"; and the kernel requests that carry one VF's settings,
 * sent, read back and explained.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/if_ether.h>

#include "sriov/vfattr.h"
#include "sriov/vfsetting.h"
#include "sriov/vfdev.h"
#include "sriov/devarg.h"
#include "netdevsim_internal.h"
#include "sysfs_paths.h"
#include "recorded.h"

/* Where `capture` stores each PF's RTM_NEWLINK (lib/capture.c, lib/inventory.c). */

#define FN_NAME_MAX 32 /* a PCI function's directory name, with room */

/* ---- settings ------------------------------------------------------------- */

int vf_settings_add(struct vf_settings *s, const char *key, const char *value,
		    struct sriov_err *e)
{
	enum vf_key k;
	int r;

	r = vf_key_lookup(key, &k, e);
	if (r < 0)
		return r;
	if (vf_settings_has(s, k))
		return sriov_err_set(e, -EINVAL, "%s: given twice", key);
	if (!value) {
		char values[64];

		vf_key_values(k, values, sizeof(values));
		return sriov_err_set(e, -EINVAL, "%s: missing value (%s)", key, values);
	}
	r = vf_key_parse(k, key, value, s, e);
	if (r < 0)
		return r;
	s->given |= 1u << k;
	return 0;
}

int vf_settings_check(const struct vf_settings *s, unsigned int n_vfs,
		      struct sriov_err *e)
{
	char keys[VF_KEY_LIST_SIZE];
	uint32_t lo, hi;

	vf_key_list(false, keys, sizeof(keys));
	if (!s->given)
		return sriov_err_set(e, -EINVAL,
				     "nothing to set: give KEY VALUE pairs (%s)", keys);
	for (int i = 0; i < VF_RATE_PAIRS; i++) {
		const struct vf_rate_pair *p = &vf_rate_pairs[i];

		if (vf_rate_pair_conflicts(p, s, &lo, &hi))
			return sriov_err_set(e, -EINVAL,
					     "%s %u is above %s %u (Mbit/s; %s 0 means "
					     "no limit)",
					     vf_key_name(p->low), lo,
					     vf_key_name(p->high), hi,
					     vf_key_name(p->high));
	}
	if (vf_settings_has(s, VF_KEY_MAC) && !s->mac_auto && n_vfs > 1) {
		sriov_err_set(e, -EINVAL,
			      "mac: one address for %u VFs would give them all the same "
			      "MAC",
			      n_vfs);
		sriov_err_hint(e, "use 'mac auto', or set one VF at a time");
		return -EINVAL;
	}
	return 0;
}

/* ---- mac auto --------------------------------------------------------------- */

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME  0x100000001b3ULL

static uint64_t fnv1a64(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= FNV64_PRIME;
	}
	return h;
}

/* MurmurHash3's 64-bit finaliser: every input bit reaches every output bit. */
static uint64_t fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

void vf_mac_auto(const uint8_t perm[6], unsigned int index, uint8_t out[6])
{
	const uint8_t idx[4] = {(uint8_t)(index >> 24), (uint8_t)(index >> 16),
				(uint8_t)(index >> 8), (uint8_t)index};
	uint64_t h = FNV64_OFFSET;

	h = fnv1a64(h, (const uint8_t *)VF_MAC_AUTO_TAG, strlen(VF_MAC_AUTO_TAG));
	h = fnv1a64(h, perm, 6);
	h = fmix64(fnv1a64(h, idx, sizeof(idx)));
	out[0] = (uint8_t)((perm[0] | 0x02) & 0xfe);
	for (int i = 1; i < 6; i++)
		out[i] = (uint8_t)(h >> (64 - 8 * i));
}

static int no_perm_mac(const char *ifname, const char *why, struct sriov_err *e)
{
	sriov_err_set(e, -ENODATA,
		      "mac auto: no permanent MAC for %s: the kernel sent no "
		      "IFLA_PERM_ADDRESS and %s",
		      ifname, why);
	sriov_err_hint(e, "give the VF MAC explicitly (mac aa:bb:cc:dd:ee:ff), one VF "
			  "at a time");
	return -ENODATA;
}

static int perm_from_sysfs(struct sriov_root *r, const char *ifname, uint8_t mac[6],
			   struct sriov_err *e)
{
	char text[80];
	uint64_t type;

	if (!sriov_name_is_safe(ifname))
		return sriov_err_set(e, -EINVAL, "invalid interface name '%s'", ifname);
	if (sriov_readf_u64(r, 10, &type, NULL, SYS_CLASS_NET "/%s/addr_assign_type",
			    ifname) < 0)
		return no_perm_mac(ifname, "its addr_assign_type is unreadable", e);
	if (type != 0) {
		snprintf(text, sizeof(text),
			 "its address is not the permanent one "
			 "(addr_assign_type %llu)",
			 (unsigned long long)type);
		return no_perm_mac(ifname, text, e);
	}
	if (sriov_readf_attr(r, text, sizeof(text), NULL, SYS_CLASS_NET "/%s/address",
			     ifname) < 0 ||
	    vf_mac_parse("address", text, mac, NULL) < 0)
		return no_perm_mac(ifname, "its sysfs address is not a unicast MAC", e);
	return 0;
}

int vf_pf_perm_mac(struct sriov_root *r, const char *ifname,
		   const struct link_summary *sum, uint8_t mac[6], const char **source,
		   struct sriov_err *e)
{
	int ret;

	if (sum && sum->has_perm_addr) {
		memcpy(mac, sum->perm_addr, 6);
		if (source)
			*source = "IFLA_PERM_ADDRESS";
		return 0;
	}
	ret = perm_from_sysfs(r, ifname, mac, e);
	if (ret == 0 && source)
		*source = "sysfs address";
	return ret;
}

int vf_auto_mac_init(struct sriov_root *r, struct rtnl *nl, const char *ifname,
		     int ifindex, const struct link_summary *sum, struct vf_auto_mac *am,
		     struct sriov_err *e)
{
	struct link_summary asked;

	memset(am, 0, sizeof(*am));
	if ((!sum || !sum->has_perm_addr) && nl && ifindex > 0 &&
	    rtnl_get_link_summary(nl, ifindex, &asked, NULL) == 0)
		sum = &asked;
	if (vf_pf_perm_mac(r, ifname, sum, am->perm, &am->source, e) < 0)
		return -ENODATA;
	am->known = true;
	return 0;
}

void vf_auto_mac_of(const struct vf_auto_mac *am, unsigned int index, uint8_t out[6])
{
	if (!am->known) {
		memset(out, 0, 6);
		return;
	}
	vf_mac_auto(am->perm, index, out);
}

/* ---- the PF ----------------------------------------------------------------- */

static int not_sriov(const char *arg, const char *addr, struct sriov_err *e)
{
	sriov_err_set(e, -ENODEV,
		      "%s (%s) is not an SR-IOV physical function nor one of its VFs",
		      arg, addr);
	sriov_err_hint(e, "run `sriovctl list` to see the SR-IOV devices");
	return -ENODEV;
}

/* The index N of the PF's virtfnN link that points to vf. */
static int virtfn_index(struct sriov_dir *pf, const char *vf, struct sriov_err *e)
{
	struct sriov_dirent *ents;
	char name[FN_NAME_MAX];
	size_t n;
	int ret = -ENODEV;

	if (sriov_list_dir(pf->root, pf->path, &ents, &n, e) < 0)
		return -ENODEV;
	for (size_t i = 0; i < n && ret < 0; i++) {
		char *end;
		long idx;

		if (strncmp(ents[i].name, "virtfn", 6))
			continue;
		idx = strtol(ents[i].name + 6, &end, 10);
		if (*end || idx < 0 ||
		    sriov_dir_read_link_base(pf, ents[i].name, name, sizeof(name), NULL) <
			    0)
			continue;
		if (!strcmp(name, vf))
			ret = (int)idx;
	}
	free(ents);
	return ret;
}

/* The index of vf among the virtfnN links of PF pf, or -ENODEV. */
static int index_under_pf(struct sriov_root *r, const char *pf, const char *vf)
{
	struct sriov_dir d;
	int idx;

	if (sriov_dir_openf(r, &d, NULL, SYS_PCI_DEVICES "/%s", pf) < 0)
		return -ENODEV;
	idx = virtfn_index(&d, vf, NULL);
	sriov_dir_close(&d);
	return idx;
}

/*
 * The PF of VF vf: its physfn link, or (trees captured without that link)
 * the PF whose virtfnN link points to vf. Returns the index, or -ENODEV.
 */
static int find_pf_of_vf(struct sriov_root *r, struct sriov_dir *vfdir, const char *vf,
			 char pf[FN_NAME_MAX])
{
	struct sriov_dirent *ents;
	int idx = -ENODEV;
	size_t n;

	if (sriov_dir_read_link_base(vfdir, "physfn", pf, FN_NAME_MAX, NULL) == 0)
		return index_under_pf(r, pf, vf);
	if (sriov_list_dir(r, SYS_PCI_DEVICES, &ents, &n, NULL) < 0)
		return -ENODEV;
	for (size_t i = 0; i < n && idx < 0; i++) {
		if (strlen(ents[i].name) >= FN_NAME_MAX || !strcmp(ents[i].name, vf))
			continue;
		idx = index_under_pf(r, ents[i].name, vf);
		if (idx >= 0)
			memcpy(pf, ents[i].name, strlen(ents[i].name) + 1);
	}
	free(ents);
	return idx;
}

/* DEV named a VF: its PF and index become the reference. */
static int locate_from_vf(struct sriov_root *r, const char *arg, struct sriov_dir *vf,
			  struct vf_pf_ref *out, struct sriov_err *e)
{
	char pf[FN_NAME_MAX];
	int idx;

	idx = find_pf_of_vf(r, vf, out->addr_str, pf);
	if (idx < 0 || pci_addr_parse(pf, &out->addr) < 0)
		return not_sriov(arg, out->addr_str, e);
	out->dev_is_vf = true;
	out->has_vf_spec = true;
	snprintf(out->vf_spec, sizeof(out->vf_spec), "%d", idx);
	pci_addr_format(&out->addr, out->addr_str);
	snprintf(out->dev_name, sizeof(out->dev_name), "%s", out->addr_str);
	return 0;
}

/* The PF's first netdev, by name, and its ifindex. */
static void locate_netdev(struct sriov_root *r, const char *pf, struct vf_pf_ref *out)
{
	vf_fn_first_netdev(r, pf, out->ifname, &out->ifindex);
}

/* DEV's function: a PF stays itself, a VF becomes its PF and index. */
static int locate_pf(struct sriov_root *r, const char *arg, const struct dev_ref *ref,
		     struct vf_pf_ref *out, struct sriov_err *e)
{
	struct sriov_dir d;
	int ret = 0;

	if (sriov_dir_openf(r, &d, e, SYS_PCI_DEVICES "/%s", ref->addr_str) < 0)
		return -ENODEV;
	if (sriov_dir_has(&d, "sriov_numvfs") < 0)
		ret = ref->has_vf_spec ? not_sriov(arg, ref->addr_str, e)
				       : locate_from_vf(r, arg, &d, out, e);
	sriov_dir_close(&d);
	return ret;
}

/* The PF's VF count and netdev. */
static int read_pf(struct sriov_root *r, const char *arg, struct vf_pf_ref *out,
		   struct sriov_err *e)
{
	struct sriov_dir d;
	long long v;
	int ret;

	if (sriov_dir_openf(r, &d, e, SYS_PCI_DEVICES "/%s", out->addr_str) < 0)
		return -ENODEV;
	ret = sriov_dir_read_int(&d, "sriov_numvfs", 10, &v, e);
	sriov_dir_close(&d);
	if (ret < 0 || v < 0 || v > INT32_MAX)
		return not_sriov(arg, out->addr_str, e);
	out->num_vfs = (int)v;
	locate_netdev(r, out->addr_str, out);
	return 0;
}

/* A netdevsim device: its sriov_numvfs and PF netdev (DEV is never one of its VFs). */
static int read_netdevsim_pf(struct sriov_root *r, const char *arg, struct vf_pf_ref *out,
			     struct sriov_err *e)
{
	uint64_t v;

	if (sriov_readf_u64(r, 10, &v, NULL, SYS_NETDEVSIM_DEVICES "/%s/sriov_numvfs",
			    out->dev_name) < 0 ||
	    v > INT32_MAX)
		return not_sriov(arg, out->addr_str, e);
	out->num_vfs = (int)v;
	netdevsim_pf_netdev(r, out->dev_name, out->ifname, &out->ifindex);
	return 0;
}

int vf_pf_locate(struct sriov_root *r, const char *arg, struct vf_pf_ref *out,
		 struct sriov_err *e)
{
	struct dev_ref ref;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = sriov_dev_resolve(r, arg, &ref, e);
	if (ret < 0)
		return ret;
	out->addr = ref.addr;
	snprintf(out->addr_str, sizeof(out->addr_str), "%s", ref.addr_str);
	snprintf(out->bus_name, sizeof(out->bus_name), "%s", ref.bus_name);
	snprintf(out->dev_name, sizeof(out->dev_name), "%s", ref.dev_name);
	out->has_vf_spec = ref.has_vf_spec;
	snprintf(out->vf_spec, sizeof(out->vf_spec), "%s", ref.vf_spec);
	if (!strcmp(ref.bus_name, NETDEVSIM_BUS))
		return read_netdevsim_pf(r, arg, out, e);
	ret = locate_pf(r, arg, &ref, out, e);
	if (ret < 0)
		return ret;
	return read_pf(r, arg, out, e);
}

/* ---- the PF's current view ------------------------------------------------- */

static int link_read_recorded(struct sriov_root *r, const char *ifname,
			      struct link_vfs *vfs, struct link_summary *sum,
			      struct sriov_err *e)
{
	size_t len;
	char *buf;
	int ret;

	ret = recorded_rtnl_read(r, ifname, &buf, &len, e);
	if (ret == 0)
		ret = link_vfs_parse(buf, len, vfs, e);
	if (ret == 0)
		ret = link_summary_parse(buf, len, sum, e);
	free(buf);
	return ret;
}
static int link_read_host(struct rtnl *nl, int ifindex, struct link_vfs *vfs,
			  struct link_summary *sum, struct sriov_err *e)
{
	size_t raw_len = 0;
	void *raw = NULL;
	int ret;

	ret = rtnl_get_link_vfs(nl, ifindex, vfs, &raw, &raw_len, e);
	if (ret == 0)
		ret = link_summary_parse(raw, raw_len, sum, e);
	free(raw);
	return ret;
}

int vf_pf_link_read(struct sriov_root *r, struct rtnl *nl, const char *ifname,
		    int ifindex, struct link_vfs *vfs, struct link_summary *sum,
		    struct sriov_err *e)
{
	int ret;

	memset(vfs, 0, sizeof(*vfs));
	memset(sum, 0, sizeof(*sum));
	if (sriov_root_is_host(r))
		ret = link_read_host(nl, ifindex, vfs, sum, e);
	else
		ret = link_read_recorded(r, ifname, vfs, sum, e);
	if (ret < 0) {
		link_vfs_free(vfs);
		memset(sum, 0, sizeof(*sum));
	}
	return ret;
}

const struct vf_info *vf_info_find(const struct link_vfs *l, unsigned int index)
{
	for (size_t i = 0; l && i < l->n_vfs; i++)
		if (l->vfs[i].index == index)
			return &l->vfs[i];
	return NULL;
}

/* ---- requests --------------------------------------------------------------- */

unsigned int vf_key_attr(enum vf_key key)
{
	const struct vf_setting *row = vf_setting_of(key);

	return row ? row->attr : VF_ATTR_COUNT;
}

void vf_key_format(enum vf_key key, const struct rtnl_vf_set *s, char *buf, size_t size)
{
	struct vf_value v;

	buf[0] = '\0';
	if ((unsigned int)key >= VF_KEY_COUNT || vf_key_attr(key) != s->attr)
		return;
	vf_key_req_get(key, s, &v);
	vf_value_format(key, &v, buf, size);
	if (!buf[0])
		snprintf(buf, size, "?"); /* a number no name stands for */
}

/* Some key carried by attr is given. */
static bool plan_has(const struct vf_settings *s, unsigned int attr)
{
	for (int k = 0; k < VF_KEY_COUNT; k++)
		if (vf_settings_has(s, (enum vf_key)k) &&
		    vf_key_attr((enum vf_key)k) == attr)
			return true;
	return false;
}

/*
 * The request for attr: the keys given, and the other keys the attribute
 * carries (vlan, qos, proto; the two rates) from the VF's current values,
 * or their defaults when those are unknown.
 */
static void plan_one(const struct vf_settings *s, unsigned int attr,
		     const struct vf_info *cur, const uint8_t auto_mac[6],
		     struct rtnl_vf_set *rq)
{
	rq->attr = attr;
	for (int i = 0; i < VF_KEY_COUNT; i++) {
		enum vf_key k = (enum vf_key)i;
		const struct vf_setting *row = vf_setting_of(k);
		struct vf_value v = {.u = row->dflt};

		if (vf_key_attr(k) != attr)
			continue;
		if (vf_settings_has(s, k))
			vf_key_want(k, s, auto_mac, &v);
		else if (cur && !vf_key_current(k, cur, row->dflt, &v))
			v = (struct vf_value){.u = row->dflt};
		vf_key_req_put(k, rq, &v);
	}
	/* rtnetlink: 802.1ad needs IFLA_VF_VLAN_LIST; IFLA_VF_VLAN stays for 802.1Q */
	if (attr == RTNL_VF_VLAN)
		rq->vlan_list =
			vf_settings_has(s, VF_KEY_PROTO) || rq->vlan_proto != ETH_P_8021Q;
}

size_t vf_settings_plan(const struct vf_settings *s, unsigned int index,
			const struct vf_info *cur, const uint8_t auto_mac[6],
			struct rtnl_vf_set out[VF_ATTR_COUNT])
{
	size_t n = 0;

	for (unsigned int a = 0; a < VF_ATTR_COUNT; a++) {
		if (!plan_has(s, a))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].vf = index;
		plan_one(s, a, cur, auto_mac, &out[n]);
		n++;
	}
	return n;
}

/* ---- send, read back, explain ---------------------------------------------- */

enum vf_readback vf_set_readback(const struct rtnl_vf_set *sent,
				 const struct vf_info *now, struct rtnl_vf_set *seen)
{
	enum vf_readback rb = VF_READBACK_MATCH;

	*seen = *sent;
	if (!now || sent->attr >= VF_ATTR_COUNT)
		return VF_READBACK_UNKNOWN;
	for (int i = 0; i < VF_KEY_COUNT; i++) {
		enum vf_key k = (enum vf_key)i;
		struct vf_value want, got;

		if (vf_key_attr(k) != sent->attr)
			continue;
		vf_key_req_get(k, sent, &want);
		/* a protocol the kernel does not report: taken as sent */
		if (!vf_key_current(k, now, want.u, &got))
			return VF_READBACK_UNKNOWN;
		vf_key_req_put(k, seen, &got);
		if (!vf_value_equal(k, &want, &got))
			rb = VF_READBACK_DIFFERS;
	}
	return rb;
}

void vf_settings_verify(struct vf_set_result *res, size_t n, const struct link_vfs *after)
{
	for (size_t i = 0; i < n; i++) {
		if (!res[i].sent || res[i].ack.error)
			continue;
		res[i].readback = vf_set_readback(
			&res[i].req, vf_info_find(after, res[i].req.vf), &res[i].seen);
	}
}

bool vf_set_failed(const struct vf_set_result *r)
{
	return r->sent && (r->ack.error || r->readback == VF_READBACK_DIFFERS);
}

static void explain_hint(const struct vf_set_result *r, const char *ifname,
			 bool pf_carrier, struct sriov_err *e)
{
	int err = r->ack.error;

	if (r->req.attr == RTNL_VF_RATE && err == -EINVAL && !pf_carrier)
		sriov_err_hint(e,
			       "the PF link %s is down, and drivers such as igb accept "
			       "a rate only with link: rerun with --pf-up (or 'ip link "
			       "set %s up' and wait for carrier)",
			       ifname, ifname);
	else if (r->req.attr == RTNL_VF_RATE && err == -EINVAL)
		sriov_err_hint(e, "the rate must not exceed the link speed; some drivers "
				  "(igb) take no min_tx_rate");
	else if (r->req.attr == VF_ATTR_MTU && err == -EINVAL)
		sriov_err_hint(e,
			       "the VF's driver takes MTUs within its range: ip -d link "
			       "show the VF's netdev (minmtu, maxmtu)");
	else if ((r->req.attr == RTNL_VF_IB_NODE_GUID ||
		  r->req.attr == RTNL_VF_IB_PORT_GUID) &&
		 err == -EOPNOTSUPP)
		sriov_err_hint(e,
			       "only InfiniBand VFs take GUIDs (mlx5 in IPoIB mode); "
			       "%s is not one",
			       ifname);
	else if (err == -EOPNOTSUPP)
		sriov_err_hint(e, "the driver of %s does not support this VF setting",
			       ifname);
	else if (err == -EPROTONOSUPPORT && r->req.attr == RTNL_VF_VLAN)
		sriov_err_hint(e, "the driver of %s supports only 802.1Q VLANs for VFs",
			       ifname);
	else if (err == -EPERM || err == -EACCES)
		sriov_err_hint(e, "changing VF settings needs CAP_NET_ADMIN (root)");
	else if (rtnl_error_is_transient(err))
		sriov_err_hint(e,
			       "the VF was still busy (resetting) after %u tries over "
			       "%u ms: try again",
			       r->tries, RTNL_RETRY_TOTAL_MS);
}

void vf_set_explain(const struct vf_set_result *r, const char *ifname, bool pf_carrier,
		    struct sriov_err *e)
{
	sriov_err_clear(e);
	if (r->sent && r->ack.error) {
		sriov_err_set(e, r->ack.error, "%s%s%s", strerror(-r->ack.error),
			      r->ack.msg[0] ? ": " : "", r->ack.msg);
		explain_hint(r, ifname, pf_carrier, e);
		return;
	}
	if (r->readback == VF_READBACK_DIFFERS) {
		sriov_err_set(e, -EIO,
			      "the driver accepted the setting, but the kernel reports a "
			      "different value afterwards");
		sriov_err_hint(e,
			       "the driver of %s may have adjusted or ignored it; see "
			       "the kernel log (dmesg)",
			       ifname);
	}
}
