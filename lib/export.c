// SPDX-License-Identifier: MIT
/*
 * `sriovctl export`, the reading half: which function DEV names (a VF, its PF
 * and index; a PF; any other function), its class, driver and IOMMU group,
 * and for a VF of a network PF the MAC and VLAN a VM should get: configured
 * (sriov_config) before current (rtnetlink, or what capture stored).
 * export_render.c turns the result into text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "sriov/devarg.h"
#include "sriov/export.h"
#include "sriov/vfattr.h"
#include "inventory_scan.h"
#include "sysfs_paths.h"

#define PCI_CLASS_NETWORK    0x02
#define PCI_CLASS_BRIDGE_PCI 0x0604
#define MAX_PF_NETDEVS	     8

static const char *const format_names[EXPORT_FORMAT_COUNT] = {
	[EXPORT_LIBVIRT] = "libvirt",
	[EXPORT_LIBVIRT_HOSTDEV] = "libvirt-hostdev",
	[EXPORT_LIBVIRT_NETWORK] = "libvirt-network",
	[EXPORT_QEMU] = "qemu",
	[EXPORT_PROXMOX] = "proxmox",
	[EXPORT_PROXMOX_MAPPING] = "proxmox-mapping",
};

const char *export_format_name(enum export_format f)
{
	if ((unsigned int)f >= EXPORT_FORMAT_COUNT)
		return "?";
	return format_names[f];
}

int export_format_lookup(const char *name, enum export_format *f, struct sriov_err *e)
{
	for (int i = 0; i < EXPORT_FORMAT_COUNT; i++) {
		if (name && !strcmp(name, format_names[i])) {
			*f = (enum export_format)i;
			return 0;
		}
	}
	return sriov_err_set(e, -EINVAL,
			     "unknown format '%s': use libvirt, libvirt-hostdev, "
			     "libvirt-network, qemu, proxmox or proxmox-mapping",
			     name ? name : "");
}

/* ---- which function ------------------------------------------------------------ */

/* What a scan of every function gives about one of them. */
static void read_scan_facts(const struct scan *sc, struct export_target *t)
{
	const struct scan_func *fn = scan_find(sc, t->addr_str);

	if (!fn)
		return;
	snprintf(t->driver, sizeof(t->driver), "%s", fn->driver);
	t->iommu_group = fn->iommu_group;
}

/* Vendor, device and class from the sysfs attributes, else from config space. */
static int read_ids(struct sriov_root *r, const char *addr, uint16_t *vendor,
		    uint16_t *device, uint32_t *class_code)
{
	struct sriov_dir d;
	long long v, dv, c;
	uint8_t cfg[65];
	size_t len = 0;
	int ret = 0;

	if (sriov_dir_openf(r, &d, NULL, SYS_PCI_DEVICES "/%s", addr) < 0)
		return -ENODEV;
	if (sriov_dir_read_int(&d, "vendor", 16, &v, NULL) == 0 &&
	    sriov_dir_read_int(&d, "device", 16, &dv, NULL) == 0 &&
	    sriov_dir_read_int(&d, "class", 16, &c, NULL) == 0) {
		*vendor = (uint16_t)v;
		*device = (uint16_t)dv;
		*class_code = (uint32_t)c & 0xffffff;
	} else if (sriov_dir_read_file(&d, "config", (char *)cfg, sizeof(cfg), &len,
				       NULL) == 0 &&
		   len >= 12) {
		*vendor = (uint16_t)(cfg[0] | cfg[1] << 8);
		*device = (uint16_t)(cfg[2] | cfg[3] << 8);
		*class_code = (uint32_t)(cfg[9] | cfg[10] << 8 | cfg[11] << 16);
	} else {
		ret = -ENOENT;
	}
	sriov_dir_close(&d);
	return ret;
}

/* The subsystem ids of a function: sysfs, else a type 0 header's 0x2c. */
static bool read_subsystem(struct sriov_root *r, const char *addr, uint16_t *vendor,
			   uint16_t *device)
{
	struct sriov_dir d;
	long long sv, sd;
	uint8_t cfg[48];
	size_t len = 0;
	bool known = false;

	if (sriov_dir_openf(r, &d, NULL, SYS_PCI_DEVICES "/%s", addr) < 0)
		return false;
	if (sriov_dir_read_int(&d, "subsystem_vendor", 16, &sv, NULL) == 0 &&
	    sriov_dir_read_int(&d, "subsystem_device", 16, &sd, NULL) == 0) {
		*vendor = (uint16_t)sv;
		*device = (uint16_t)sd;
		known = true;
	} else if (sriov_dir_read_file(&d, "config", (char *)cfg, sizeof(cfg), &len,
				       NULL) == 0 &&
		   len >= sizeof(cfg) && (cfg[14] & 0x7f) == 0) {
		*vendor = (uint16_t)(cfg[44] | cfg[45] << 8);
		*device = (uint16_t)(cfg[46] | cfg[47] << 8);
		known = true;
	}
	sriov_dir_close(&d);
	return known;
}

/*
 * Vendor:device and subsystem ids for a mapping. A VF whose own are not
 * readable: its PF's vendor and the PF's sriov_vf_device (the VF Device ID
 * of the SR-IOV capability), as the kernel gives a VF. Its subsystem ids
 * are its own only (a VF's may differ from its PF's).
 */
static void read_identity(struct sriov_root *r, struct export_target *t)
{
	uint32_t class_code;
	uint64_t vf_device;
	uint16_t device;

	t->has_ids = read_ids(r, t->addr_str, &t->vendor, &t->device, &class_code) == 0;
	if (!t->has_ids && t->is_vf &&
	    read_ids(r, t->pf_addr, &t->vendor, &device, &class_code) == 0 &&
	    sriov_readf_u64(r, 16, &vf_device, NULL,
			    SYS_PCI_DEVICES "/%s/sriov_vf_device", t->pf_addr) == 0) {
		t->device = (uint16_t)vf_device;
		t->has_ids = true;
	}
	t->has_subsystem = read_subsystem(r, t->addr_str, &t->subsystem_vendor,
					  &t->subsystem_device);
}

/*
 * Whether the function is a network device: its class (a VF's own, else its
 * PF's: a VF has the class of its PF), or else a netdev on it.
 */
static void read_class(struct sriov_root *r, const struct scan *sc,
		       struct export_target *t)
{
	uint16_t vendor, device;
	uint32_t class_code = 0;
	bool known = read_ids(r, t->addr_str, &vendor, &device, &class_code) == 0;

	if (!known && t->is_vf)
		known = read_ids(r, t->pf_addr, &vendor, &device, &class_code) == 0;
	t->class_code = known ? class_code : 0;
	if (known)
		t->is_network = (class_code >> 16) == PCI_CLASS_NETWORK;
	else
		t->is_network = scan_netdev_first(sc, t->addr_str) ||
				(t->is_vf && scan_netdev_first(sc, t->pf_addr));
}

/* The one VF index that spec names among num_vfs. */
static int single_index(const char *dev, const struct vf_pf_ref *pf, int *index,
			struct sriov_err *e)
{
	unsigned int count = pf->num_vfs > 0 ? (unsigned int)pf->num_vfs : 0, n = 0;
	bool *sel;
	int ret;

	if (pf->dev_is_vf) {
		*index = atoi(pf->vf_spec);
		return 0;
	}
	sel = calloc(count ? count : 1, sizeof(*sel));
	if (!sel)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	ret = vf_index_spec_parse(pf->vf_spec, count, sel, e);
	for (unsigned int i = 0; ret == 0 && i < count; i++)
		if (sel[i] && n++ == 0)
			*index = (int)i;
	free(sel);
	if (ret == -ERANGE)
		sriov_err_hint(e, "run `sriovctl vf %s show` to see its VFs",
			       pf->addr_str);
	if (ret == 0 && n != 1) {
		sriov_err_set(e, -EINVAL, "%s names %u VFs: export takes one", dev, n);
		sriov_err_hint(e, "name one VF, e.g. %s/%d", pf->addr_str, *index);
		return -EINVAL;
	}
	return ret;
}

/* The address of VF index of the PF, from its virtfnN link. */
static int vf_address(struct sriov_root *r, const struct vf_pf_ref *pf, int index,
		      struct export_target *t, struct sriov_err *e)
{
	char name[64];

	if (sriov_readf_link_base(r, name, sizeof(name), NULL,
				  SYS_PCI_DEVICES "/%s/virtfn%d", pf->addr_str,
				  index) < 0 ||
	    pci_addr_parse(name, &t->addr) < 0) {
		sriov_err_set(e, -ENODEV, "VF %d of %s: no virtfn%d link in %s/%s", index,
			      pf->addr_str, index, SYS_PCI_DEVICES, pf->addr_str);
		sriov_err_hint(e, "run `sriovctl show %s` to see its VFs", pf->addr_str);
		return -ENODEV;
	}
	pci_addr_format(&t->addr, t->addr_str);
	return 0;
}

static int locate_vf(struct sriov_root *r, const char *dev, const struct vf_pf_ref *pf,
		     struct export_target *t, struct sriov_err *e)
{
	int ret = single_index(dev, pf, &t->vf_index, e);

	if (ret == 0)
		ret = vf_address(r, pf, t->vf_index, t, e);
	if (ret < 0)
		return ret;
	t->is_vf = true;
	snprintf(t->pf_addr, sizeof(t->pf_addr), "%s", pf->addr_str);
	snprintf(t->pf_ifname, sizeof(t->pf_ifname), "%s", pf->ifname);
	return 0;
}

/* Export writes a PCI function into a VM's definition: a netdevsim device has none. */
static int refuse_not_pci(const char *dev, const struct dev_ref *ref, struct sriov_err *e)
{
	if (!strcmp(ref->bus_name, "pci"))
		return 0;
	sriov_err_set(e, -EINVAL,
		      "%s: %s/%s and its VFs are not PCI functions: there is nothing "
		      "to pass through",
		      dev, ref->bus_name, ref->dev_name);
	return -EINVAL;
}

/*
 * DEV as a function: with /INDEXES, or when the function is an SR-IOV PF or
 * one of its VFs, through vf_pf_locate(); any other function stands alone.
 */
static int locate(struct sriov_root *r, const char *dev, struct vf_pf_ref *pf,
		  struct export_target *t, struct sriov_err *e)
{
	struct dev_ref ref;
	int ret;

	ret = sriov_dev_resolve(r, dev, &ref, e);
	if (ret == 0)
		ret = refuse_not_pci(dev, &ref, e);
	if (ret < 0)
		return ret;
	ret = vf_pf_locate(r, dev, pf, e);
	if (ret == -ENODEV && !ref.has_vf_spec) {
		/* not SR-IOV: any PCI function can be passed through */
		sriov_err_clear(e);
		t->addr = ref.addr;
		memcpy(t->addr_str, ref.addr_str, sizeof(t->addr_str));
		return 0;
	}
	if (ret < 0)
		return ret;
	if (pf->has_vf_spec)
		return locate_vf(r, dev, pf, t, e);
	t->addr = pf->addr;
	memcpy(t->addr_str, pf->addr_str, sizeof(t->addr_str));
	t->is_pf = true;
	t->num_vfs = pf->num_vfs;
	snprintf(t->netdev, sizeof(t->netdev), "%s", pf->ifname);
	return 0;
}

/* ---- the IOMMU group ------------------------------------------------------------- */

static bool is_bridge(struct sriov_root *r, const char *addr)
{
	uint16_t vendor, device;
	uint32_t class_code;

	if (read_ids(r, addr, &vendor, &device, &class_code) < 0)
		return false;
	return (class_code >> 8) == PCI_CLASS_BRIDGE_PCI;
}

/* The other devices of t's IOMMU group (bridges excepted), "ADDR (DRIVER)". */
static void read_group_others(struct sriov_root *r, const struct scan *sc,
			      struct export_target *t)
{
	size_t len = 0, size = sizeof(t->group_others);

	for (size_t i = 0; t->iommu_group >= 0 && i < sc->n_funcs; i++) {
		const struct scan_func *fn = &sc->funcs[i];

		if (fn->iommu_group != t->iommu_group || !strcmp(fn->name, t->addr_str) ||
		    is_bridge(r, fn->name))
			continue;
		if (len < size)
			len += (size_t)snprintf(t->group_others + len, size - len,
						"%s%s (%s)",
						t->n_group_others ? ", " : "", fn->name,
						fn->driver[0] ? fn->driver : "no driver");
		t->n_group_others++;
	}
}

/* ---- MAC and VLAN: configured, else current ---------------------------------------- */

/* The VF's current settings (rtnetlink, or the reply capture stored). */
struct current {
	bool known;
	struct vf_info info;
	struct link_summary sum;
	char source[64];
	char why[200]; /* when not known */
};

static void read_current(struct sriov_root *r, struct rtnl *nl,
			 const struct vf_pf_ref *pf, unsigned int index,
			 struct current *cur)
{
	const struct vf_info *info;
	struct sriov_err err;
	struct link_vfs vfs;
	int ifindex = pf->ifindex;

	snprintf(cur->source, sizeof(cur->source), "%s",
		 sriov_root_is_host(r) ? "current (rtnetlink)"
				       : "current (rtnetlink reply stored by capture)");
	if (!pf->ifname[0]) {
		snprintf(cur->why, sizeof(cur->why), "the PF has no netdev");
		return;
	}
	if (sriov_root_is_host(r) && !nl) {
		snprintf(cur->why, sizeof(cur->why), "no rtnetlink socket");
		return;
	}
	if (ifindex <= 0 && sriov_root_is_host(r))
		ifindex = (int)if_nametoindex(pf->ifname);
	sriov_err_clear(&err);
	if (vf_pf_link_read(r, nl, pf->ifname, ifindex, &vfs, &cur->sum, &err) < 0) {
		snprintf(cur->why, sizeof(cur->why), "%.180s", err.msg);
		return;
	}
	info = vf_info_find(&vfs, index);
	if (info) {
		cur->info = *info;
		cur->known = true;
	} else {
		snprintf(cur->why, sizeof(cur->why), "%s reports no VF %u", pf->ifname,
			 index);
	}
	link_vfs_free(&vfs);
}

/* What identifies the PF for matching [pf]/[vf] section selectors. */
struct pf_identity {
	struct cfg_pf_id id;
	const char *names[MAX_PF_NETDEVS];
};

static void read_pf_identity(struct sriov_root *r, const struct scan *sc,
			     const struct vf_pf_ref *pf, struct pf_identity *p)
{
	uint32_t class_code;

	memset(p, 0, sizeof(*p));
	p->id.addr = pf->addr;
	if (read_ids(r, pf->addr_str, &p->id.vendor, &p->id.device, &class_code) < 0)
		p->id.vendor = p->id.device = 0xffff;
	for (const struct scan_netdev *it = scan_netdev_first(sc, pf->addr_str);
	     it && p->id.n_ifnames < MAX_PF_NETDEVS;
	     it = scan_netdev_next(sc, it, pf->addr_str))
		p->names[p->id.n_ifnames++] = it->name;
	p->id.ifnames = p->names;
}

/* The configured settings of the VF: 0 (has says which keys), or -EINVAL. */
static int read_configured(const struct sriov_config *cfg, const struct pf_identity *p,
			   unsigned int index, struct cfg_vf_settings *out,
			   struct sriov_err *e)
{
	struct cfg_diags diags = {0};
	struct cfg_pf_section pfs;
	char msg[sizeof(diags.items[0].msg) + 300];
	bool matched = false;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = cfg_resolve_pf(cfg, &p->id, &pfs, &matched, &diags);
	if (ret == 0)
		ret = cfg_resolve_vf(cfg, &p->id, &pfs, index, out, &diags);
	if (ret < 0) {
		if (diags.n)
			cfg_diag_format(&diags.items[0], msg, sizeof(msg));
		else
			snprintf(msg, sizeof(msg),
				 "the configuration disagrees with itself");
		sriov_err_set(e, ret, "%s", msg);
		sriov_err_hint(e, "fix the configuration, or pass --no-config");
	}
	cfg_diags_free(&diags);
	return ret;
}

static void set_configured_source(char *buf, size_t size, const struct cfg_loc *loc,
				  const char *what)
{
	snprintf(buf, size, "configured (%.200s:%u%s)", loc->file, loc->line, what);
}

static bool mac_is_zero(const uint8_t mac[6])
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* "mac = auto": derived from the PF's permanent MAC, as apply sets it. */
static void configured_auto_mac(struct sriov_root *r, const struct vf_pf_ref *pf,
				const struct current *cur,
				const struct cfg_vf_settings *c, struct export_target *t)
{
	const struct link_summary *sum = cur->sum.has_perm_addr ? &cur->sum : NULL;
	struct vf_auto_mac am;

	if (!pf->ifname[0] ||
	    vf_auto_mac_init(r, NULL, pf->ifname, 0, sum, &am, NULL) < 0) {
		snprintf(t->mac_source, sizeof(t->mac_source),
			 "unknown (configured 'mac = auto' at %.200s:%u, but the PF's "
			 "permanent MAC is unknown)",
			 c->loc[VF_KEY_MAC].file, c->loc[VF_KEY_MAC].line);
		return;
	}
	vf_auto_mac_of(&am, (unsigned int)t->vf_index, t->mac);
	t->has_mac = true;
	set_configured_source(t->mac_source, sizeof(t->mac_source), &c->loc[VF_KEY_MAC],
			      ": mac auto");
}

static void choose_mac(struct sriov_root *r, const struct vf_pf_ref *pf,
		       const struct current *cur, const struct cfg_vf_settings *c,
		       struct export_target *t)
{
	if (vf_settings_has(&c->s, VF_KEY_MAC)) {
		if (c->s.mac_auto)
			return configured_auto_mac(r, pf, cur, c, t);
		memcpy(t->mac, c->s.mac, 6);
		t->has_mac = true;
		set_configured_source(t->mac_source, sizeof(t->mac_source),
				      &c->loc[VF_KEY_MAC], "");
		return;
	}
	if (!cur->known) {
		snprintf(t->mac_source, sizeof(t->mac_source), "unknown (%s)", cur->why);
		return;
	}
	snprintf(t->mac_source, sizeof(t->mac_source), "%s", cur->source);
	if (cur->info.has_mac && !mac_is_zero(cur->info.mac)) {
		memcpy(t->mac, cur->info.mac, 6);
		t->has_mac = true;
	}
}

/* VLAN, qos and protocol: each configured part, the rest as the VF has it now. */
static void choose_vlan(const struct current *cur, const struct cfg_vf_settings *c,
			struct export_target *t)
{
	const struct vf_settings *s = &c->s;
	bool now = cur->known && cur->info.has_vlan;

	t->vlan = now ? cur->info.vlan : 0;
	t->qos = now ? cur->info.qos : 0;
	t->vlan_proto = now ? cur->info.vlan_proto : 0;
	if (vf_settings_has(s, VF_KEY_VLAN))
		t->vlan = s->vlan;
	if (vf_settings_has(s, VF_KEY_QOS))
		t->qos = s->qos;
	if (vf_settings_has(s, VF_KEY_PROTO))
		t->vlan_proto = s->vlan_proto;
	t->has_vlan = t->vlan != 0;
	if (vf_settings_has(s, VF_KEY_VLAN))
		set_configured_source(t->vlan_source, sizeof(t->vlan_source),
				      &c->loc[VF_KEY_VLAN], "");
	else if (cur->known)
		snprintf(t->vlan_source, sizeof(t->vlan_source), "%s", cur->source);
	else
		snprintf(t->vlan_source, sizeof(t->vlan_source), "unknown (%s)",
			 cur->why);
}

static int read_vf_settings(struct sriov_root *r, struct rtnl *nl, const struct scan *sc,
			    const struct vf_pf_ref *pf, const struct sriov_config *cfg,
			    struct export_target *t, struct sriov_err *e)
{
	struct cfg_vf_settings c;
	struct pf_identity p;
	struct current cur;
	int ret;

	memset(&c, 0, sizeof(c));
	memset(&cur, 0, sizeof(cur));
	if (cfg) {
		read_pf_identity(r, sc, pf, &p);
		ret = read_configured(cfg, &p, (unsigned int)t->vf_index, &c, e);
		if (ret < 0)
			return ret;
	}
	read_current(r, nl, pf, (unsigned int)t->vf_index, &cur);
	choose_mac(r, pf, &cur, &c, t);
	choose_vlan(&cur, &c, t);
	if (vf_settings_has(&c.s, VF_KEY_MTU))
		t->configured_mtu = c.s.mtu;
	return 0;
}

/* What the scan and sysfs give about t, once t names its function. */
static int read_target_facts(struct sriov_root *r, struct rtnl *nl, const struct scan *sc,
			     const struct vf_pf_ref *pf, const struct sriov_config *cfg,
			     struct export_target *t, struct sriov_err *e)
{
	read_scan_facts(sc, t);
	read_class(r, sc, t);
	read_identity(r, t);
	read_group_others(r, sc, t);
	if (t->is_vf && t->is_network)
		return read_vf_settings(r, nl, sc, pf, cfg, t, e);
	return 0;
}

static void target_init(struct export_target *t)
{
	memset(t, 0, sizeof(*t));
	t->vf_index = -1;
	t->iommu_group = -1;
}

int export_target_read(struct sriov_root *r, struct rtnl *nl, const char *dev,
		       const struct sriov_config *cfg, struct export_target *t,
		       struct sriov_err *e)
{
	struct vf_pf_ref pf;
	struct scan sc;
	int ret;

	target_init(t);
	memset(&pf, 0, sizeof(pf));
	ret = locate(r, dev, &pf, t, e);
	if (ret < 0)
		return ret;
	ret = scan_functions(r, &sc, e);
	if (ret < 0)
		return ret;
	ret = read_target_facts(r, nl, &sc, &pf, cfg, t, e);
	scan_free(&sc);
	return ret;
}

/* ---- several VFs ------------------------------------------------------------------ */

/* The VF indexes DEV names: all of a PF, PF/INDEXES, or a VF's own. */
static int select_indexes(const char *dev, const struct vf_pf_ref *pf, bool *sel,
			  struct sriov_err *e)
{
	unsigned int count = (unsigned int)pf->num_vfs;
	int ret;

	if (pf->dev_is_vf) {
		sel[atoi(pf->vf_spec)] = true;
		return 0;
	}
	if (!pf->has_vf_spec) {
		for (unsigned int i = 0; i < count; i++)
			sel[i] = true;
		return 0;
	}
	ret = vf_index_spec_parse(pf->vf_spec, count, sel, e);
	if (ret == -ERANGE)
		sriov_err_hint(e, "run `sriovctl vf %s show` to see its VFs", dev);
	return ret;
}

static int read_vf_items(struct sriov_root *r, struct rtnl *nl, const struct scan *sc,
			 const struct vf_pf_ref *pf, const bool *sel, size_t count,
			 const struct sriov_config *cfg, struct export_targets *ts,
			 struct sriov_err *e)
{
	int ret = 0;

	for (int i = 0; ret == 0 && (size_t)i < count; i++) {
		struct export_target *t = &ts->items[ts->n];

		if (!sel[i])
			continue;
		target_init(t);
		t->vf_index = i;
		ret = vf_address(r, pf, i, t, e);
		if (ret < 0)
			break;
		t->is_vf = true;
		snprintf(t->pf_addr, sizeof(t->pf_addr), "%s", pf->addr_str);
		snprintf(t->pf_ifname, sizeof(t->pf_ifname), "%s", pf->ifname);
		ret = read_target_facts(r, nl, sc, pf, cfg, t, e);
		ts->n++;
	}
	return ret;
}

static int read_vfs(struct sriov_root *r, struct rtnl *nl, const char *dev,
		    const struct vf_pf_ref *pf, const struct sriov_config *cfg,
		    struct export_targets *ts, struct sriov_err *e)
{
	size_t count = pf->num_vfs > 0 ? (size_t)pf->num_vfs : 0;
	bool *sel;
	struct scan sc;
	int ret;

	if (!count && !pf->dev_is_vf) {
		sriov_err_set(e, -EINVAL, "%s has no VFs enabled: nothing to map", dev);
		sriov_err_hint(e, "enable them first: sriovctl enable %s N",
			       pf->addr_str);
		return -EINVAL;
	}
	if (pf->dev_is_vf && (size_t)atoi(pf->vf_spec) >= count)
		count = (size_t)atoi(pf->vf_spec) + 1;
	sel = calloc(count, sizeof(*sel));
	ts->items = calloc(count, sizeof(*ts->items));
	if (!sel || !ts->items) {
		free(sel);
		return sriov_err_set(e, -ENOMEM, "out of memory");
	}
	ret = select_indexes(dev, pf, sel, e);
	if (ret == 0)
		ret = scan_functions(r, &sc, e);
	if (ret == 0) {
		ret = read_vf_items(r, nl, &sc, pf, sel, count, cfg, ts, e);
		scan_free(&sc);
	}
	free(sel);
	return ret;
}

int export_targets_read(struct sriov_root *r, struct rtnl *nl, const char *dev,
			const struct sriov_config *cfg, struct export_targets *ts,
			struct sriov_err *e)
{
	struct vf_pf_ref pf;
	struct dev_ref ref;
	int ret;

	memset(ts, 0, sizeof(*ts));
	memset(&pf, 0, sizeof(pf));
	ret = sriov_dev_resolve(r, dev, &ref, e);
	if (ret == 0)
		ret = refuse_not_pci(dev, &ref, e);
	if (ret < 0)
		return ret;
	ret = vf_pf_locate(r, dev, &pf, e);
	if (ret == -ENODEV && !ref.has_vf_spec) {
		/* not SR-IOV: the function itself */
		sriov_err_clear(e);
		ts->items = calloc(1, sizeof(*ts->items));
		if (!ts->items)
			return sriov_err_set(e, -ENOMEM, "out of memory");
		ts->n = 1;
		return export_target_read(r, nl, dev, cfg, ts->items, e);
	}
	if (ret == 0)
		ret = read_vfs(r, nl, dev, &pf, cfg, ts, e);
	return ret;
}

void export_targets_free(struct export_targets *ts)
{
	free(ts->items);
	ts->items = NULL;
	ts->n = 0;
}

/* ---- the Proxmox node name --------------------------------------------------------- */

int export_node_name_read(struct sriov_root *r, char *buf, size_t size,
			  struct sriov_err *e)
{
	char name[256];
	size_t len;

	if (sriov_read_attr(r, "/etc/hostname", name, sizeof(name), NULL) < 0) {
		sriov_err_set(e, -EINVAL,
			      "no node name: /etc/hostname is missing or unreadable");
		sriov_err_hint(e, "name the Proxmox VE node with --node NODE");
		return -EINVAL;
	}
	len = strcspn(name, ".\n \t");
	name[len] = '\0';
	if (export_node_name_check(name, e) < 0) {
		sriov_err_hint(
			e, "/etc/hostname holds no valid node name: pass --node NODE");
		return -EINVAL;
	}
	if (len >= size)
		return sriov_err_set(e, -ENAMETOOLONG, "node name '%s' too long", name);
	memcpy(buf, name, len + 1);
	return 0;
}
