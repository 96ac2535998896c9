// SPDX-License-Identifier: MIT
/*
 * The device model. One pass over /sys/bus/pci/devices notes, for every
 * function, whether it is an SR-IOV PF, its driver and its IOMMU group; one
 * pass over /sys/class/net maps netdevs to functions. PFs are then read in
 * full, and their VFs are found through the virtfnN links. The cost grows
 * linearly with the number of functions, with a few syscalls each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sriov/inventory.h"
#include "sriov/names.h"
#include "inventory_internal.h"
#include "sriov/vfdev.h"
#include "sriov/devlink.h"
#include "inventory_scan.h"
#include "netdevsim_internal.h"
#include "sysfs_paths.h"
#include "recorded.h"

static void inventory_add_note(struct inventory *inv, const char *note)
{
	for (int i = 0; i < inv->n_notes; i++)
		if (!strcmp(inv->notes[i], note))
			return;
	if (inv->n_notes >= (int)(sizeof(inv->notes) / sizeof(inv->notes[0])))
		return;
	snprintf(inv->notes[inv->n_notes++], sizeof(inv->notes[0]), "%s", note);
}

/* Something read that makes no sense: noted, and the inventory marked. */
static void inventory_add_damage_note(struct inventory *inv, const char *note)
{
	inventory_add_note(inv, note);
	inv->damaged = true;
}

/* A sysfs file or link of a PF that makes no sense. */
static void add_damage(struct inventory *inv, const struct pf *pf, const char *what)
{
	char note[sizeof(inv->notes[0])];

	snprintf(note, sizeof(note), SYS_PCI_DEVICES "/%s/%s", pf->addr_str, what);
	inventory_add_damage_note(inv, note);
}

/* ---- PF attributes ---------------------------------------------------- */

static int read_small_int(struct sriov_dir *d, const char *name, int base)
{
	long long v;

	if (sriov_dir_read_int(d, name, base, &v, NULL) < 0)
		return -1;
	if (v < -1 || v > 0x7fffffff)
		return -1;
	return (int)v;
}

static void read_pf_ids_from_sysfs(struct sriov_dir *d, struct pf *pf)
{
	int v;

	v = read_small_int(d, "vendor", 16);
	pf->vendor_id = v < 0 ? 0xffff : (uint16_t)v;
	v = read_small_int(d, "device", 16);
	pf->device_id = v < 0 ? 0xffff : (uint16_t)v;
	v = read_small_int(d, "subsystem_vendor", 16);
	pf->subsys_vendor_id = v < 0 ? 0 : (uint16_t)v;
	v = read_small_int(d, "subsystem_device", 16);
	pf->subsys_device_id = v < 0 ? 0 : (uint16_t)v;
	v = read_small_int(d, "class", 16);
	pf->class_code = v < 0 ? 0 : (uint32_t)v;
	v = read_small_int(d, "revision", 16);
	pf->revision = v < 0 ? 0 : (uint8_t)v;
}

static uint16_t cfg16(const struct pcicfg *cfg, size_t off)
{
	return (uint16_t)(cfg->data[off] | cfg->data[off + 1] << 8);
}

static void read_pf_ids_from_config(const struct pcicfg *cfg, struct pf *pf)
{
	pf->vendor_id = cfg16(cfg, 0x00);
	pf->device_id = cfg16(cfg, 0x02);
	pf->revision = cfg->data[0x08];
	pf->class_code = (uint32_t)(cfg->data[0x09] | cfg->data[0x0a] << 8 |
				    cfg->data[0x0b] << 16);
	pf->subsys_vendor_id = cfg16(cfg, 0x2c);
	pf->subsys_device_id = cfg16(cfg, 0x2e);
}

/* Fills the SR-IOV fields sysfs gives when config space is not fully readable. */
static void sriov_cap_from_sysfs(struct pf *pf)
{
	struct sriov_cap *s = &pf->caps.sriov;

	pf->caps.has_sriov = true;
	s->total_vfs = pf->total_vfs < 0 ? 0 : (uint16_t)pf->total_vfs;
	s->initial_vfs = s->total_vfs;
	s->num_vfs = pf->num_vfs < 0 ? 0 : (uint16_t)pf->num_vfs;
	s->vf_enable = s->num_vfs > 0;
	s->vf_offset = pf->sysfs_vf_offset < 0 ? 0 : (uint16_t)pf->sysfs_vf_offset;
	s->vf_stride = pf->sysfs_vf_stride < 0 ? 0 : (uint16_t)pf->sysfs_vf_stride;
	s->vf_device_id = pf->sysfs_vf_device < 0 ? 0 : (uint16_t)pf->sysfs_vf_device;
}

static void read_pf_config(struct sriov_root *r, struct sriov_dir *d, struct pf *pf,
			   struct inventory *inv)
{
	static __thread char raw[PCI_CFG_EXT_SIZE + 1];
	static __thread struct pcicfg cfg;
	size_t len = 0;

	if (sriov_dir_read_file(d, "config", raw, sizeof(raw), &len, NULL) < 0 ||
	    len < 64) {
		read_pf_ids_from_sysfs(d, pf);
		sriov_cap_from_sysfs(pf);
		pf->config_partial = true;
		inventory_add_note(
			inv, "config space unreadable: capabilities from sysfs sriov_* "
			     "attributes only");
		return;
	}
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.data, raw, len);
	cfg.len = len;
	read_pf_ids_from_config(&cfg, pf);
	if (pci_caps_decode(&cfg, &pf->caps, NULL) == 0)
		pf->has_caps = true;
	if (cfg.len < PCI_CFG_EXT_SIZE) {
		pf->config_partial = true;
		if (sriov_root_is_host(r) && geteuid() != 0)
			inventory_add_note(
				inv, "not root: config space is limited to its first 64 "
				     "bytes; SR-IOV values come from sysfs sriov_* "
				     "attributes, ARI and ACS are not shown");
	}
	if (!pf->caps.has_sriov)
		sriov_cap_from_sysfs(pf);
}

/* fn: the scan's view of the PF, which read sriov_numvfs already. */
static void read_pf_attrs(struct sriov_dir *d, const struct scan_func *fn, struct pf *pf)
{
	pf->numa_node = read_small_int(d, "numa_node", 10);
	pf->total_vfs = read_small_int(d, "sriov_totalvfs", 10);
	pf->num_vfs = fn->num_vfs;
	pf->drivers_autoprobe = read_small_int(d, "sriov_drivers_autoprobe", 10);
	pf->sysfs_vf_offset = read_small_int(d, "sriov_offset", 10);
	pf->sysfs_vf_stride = read_small_int(d, "sriov_stride", 10);
	pf->sysfs_vf_device = read_small_int(d, "sriov_vf_device", 16);
	pf->vf_total_msix = read_small_int(d, "sriov_vf_total_msix", 10);
	if (sriov_dir_read_link_base(d, "driver", pf->driver, sizeof(pf->driver), NULL) <
	    0)
		pf->driver[0] = '\0';
}

static void read_pf_module(struct sriov_root *r, struct pf *pf)
{
	pf->module[0] = '\0';
	if (!pf->driver[0])
		return;
	if (sriov_readf_link_base(r, pf->module, sizeof(pf->module), NULL,
				  SYS_PCI_DEVICES "/%s/driver/module", pf->addr_str) < 0)
		pf->module[0] = '\0';
}

static void read_pf_names(struct pci_names *names, struct pf *pf)
{
	char vendor[128], device[192];

	pci_names_vendor(names, pf->vendor_id, vendor, sizeof(vendor));
	pci_names_device(names, pf->vendor_id, pf->device_id, device, sizeof(device));
	snprintf(pf->vendor_name, sizeof(pf->vendor_name), "%s", vendor);
	snprintf(pf->device_name, sizeof(pf->device_name), "%s", device);
	pci_names_class(names, (uint16_t)(pf->class_code >> 8), pf->class_name,
			sizeof(pf->class_name));
}

/* ---- netdevs ---------------------------------------------------------- */

/* The netdev's directory is resolved once; its attributes are read from it. */
static void inventory_read_netdev(struct sriov_root *r, struct netdev_info *nd)
{
	struct sriov_dir d;
	long long v;

	nd->mac[0] = '\0';
	nd->operstate[0] = '\0';
	nd->ifindex = 0;
	if (sriov_dir_openf(r, &d, NULL, SYS_CLASS_NET "/%s", nd->name) < 0)
		return;
	if (sriov_dir_read_attr(&d, "address", nd->mac, sizeof(nd->mac), NULL) < 0)
		nd->mac[0] = '\0';
	if (sriov_dir_read_attr(&d, "operstate", nd->operstate, sizeof(nd->operstate),
				NULL) < 0)
		nd->operstate[0] = '\0';
	if (sriov_dir_read_int(&d, "ifindex", 10, &v, NULL) == 0 && v > 0 &&
	    v < 0x7fffffff)
		nd->ifindex = (int)v;
	sriov_dir_close(&d);
}

static int copy_netdevs(const struct scan *sc, const char *addr, bool details,
			struct sriov_root *r, struct netdev_info **out, size_t *n)
{
	size_t count = scan_netdev_count(sc, addr);
	struct netdev_info *nds;
	size_t i = 0;

	*out = NULL;
	*n = 0;
	if (!count)
		return 0;
	nds = calloc(count, sizeof(*nds));
	if (!nds)
		return -ENOMEM;
	for (const struct scan_netdev *it = scan_netdev_first(sc, addr); it && i < count;
	     it = scan_netdev_next(sc, it, addr)) {
		snprintf(nds[i].name, sizeof(nds[i].name), "%s", it->name);
		if (details)
			inventory_read_netdev(r, &nds[i]);
		i++;
	}
	*out = nds;
	*n = i;
	return 0;
}

/*
 * Without a scan of /sys/class/net (INV_PFS_ONLY): the PF's netdevs are the
 * entries of its net/ directory, where every /sys/class/net link of its own
 * points. Names only.
 */
static int list_pf_netdevs(struct sriov_root *r, struct pf *pf)
{
	struct sriov_dirent *ents;
	size_t n, k = 0;

	if (sriov_list_dirf(r, &ents, &n, NULL, SYS_PCI_DEVICES "/%s/net", pf->addr_str) <
		    0 ||
	    !n)
		return 0;
	pf->netdevs = calloc(n, sizeof(*pf->netdevs));
	if (!pf->netdevs) {
		free(ents);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(ents[i].name);

		if (len >= sizeof(pf->netdevs[0].name))
			continue;
		memcpy(pf->netdevs[k++].name, ents[i].name, len + 1);
	}
	pf->n_netdevs = k;
	free(ents);
	return 0;
}

/* ---- VFs -------------------------------------------------------------- */

static void predict_vf_addr(const struct pf *pf, unsigned int index, struct pci_addr *out)
{
	uint32_t offset = pf->sysfs_vf_offset >= 0 ? (uint32_t)pf->sysfs_vf_offset
						   : pf->caps.sriov.vf_offset;
	uint32_t stride = pf->sysfs_vf_stride >= 0 ? (uint32_t)pf->sysfs_vf_stride
						   : pf->caps.sriov.vf_stride;
	uint32_t rid = pci_addr_rid(&pf->addr) + offset + stride * index;

	pci_addr_from_rid(pf->addr.domain, (uint16_t)rid, out);
}

/* The VF's address: its virtfnN link, read by the scan when it could. */
static int read_virtfn(struct sriov_dir *pfdir, const struct scan_func *pf_fn,
		       unsigned int index, char *target, size_t size)
{
	char name[32];
	const char *slash;

	if (pf_fn && index < pf_fn->n_virtfns) {
		slash = strrchr(pf_fn->virtfns[index].target, '/');
		snprintf(target, size, "%s",
			 slash ? slash + 1 : pf_fn->virtfns[index].target);
		return target[0] ? 0 : -ENOENT;
	}
	snprintf(name, sizeof(name), "virtfn%u", index);
	return sriov_dir_read_link_base(pfdir, name, target, size, NULL);
}

static int read_vf(struct sriov_dir *pfdir, const struct scan *sc,
		   const struct scan_func *pf_fn, struct pf *pf, unsigned int index,
		   struct vf *vf)
{
	char target[PCI_ADDR_STRLEN + 8];
	const struct scan_func *fn;

	vf->index = index;
	vf->iommu_group = -1;
	if (read_virtfn(pfdir, pf_fn, index, target, sizeof(target)) < 0)
		return -ENOENT;
	if (pci_addr_parse(target, &vf->addr) < 0)
		return -ENOENT;
	pci_addr_format(&vf->addr, vf->addr_str);
	vf->device_id = pf->sysfs_vf_device >= 0 ? (uint16_t)pf->sysfs_vf_device
						 : pf->caps.sriov.vf_device_id;
	predict_vf_addr(pf, index, &vf->predicted);
	vf->addr_mismatch = pci_addr_cmp(&vf->predicted, &vf->addr) != 0;
	fn = scan_find(sc, vf->addr_str);
	if (fn) {
		snprintf(vf->driver, sizeof(vf->driver), "%s", fn->driver);
		vf->iommu_group = fn->iommu_group;
	}
	return copy_netdevs(sc, vf->addr_str, false, NULL, &vf->netdevs, &vf->n_netdevs);
}

static void add_vf_damage(struct inventory *inv, const struct pf *pf, int index)
{
	char what[96];

	snprintf(what, sizeof(what),
		 "virtfn%d: missing, or not a link to a PCI function: VF %d is not shown",
		 index, index);
	add_damage(inv, pf, what);
}

static int read_vfs(struct sriov_dir *pfdir, const struct scan *sc, struct pf *pf,
		    struct inventory *inv)
{
	int count = pf->num_vfs >= 0 ? pf->num_vfs : pf->caps.sriov.num_vfs;
	const struct scan_func *pf_fn = scan_find(sc, pf->addr_str);
	size_t n = 0;

	if (count <= 0)
		return 0;
	pf->vfs = calloc((size_t)count, sizeof(*pf->vfs));
	if (!pf->vfs)
		return -ENOMEM;
	for (int i = 0; i < count; i++) {
		int ret = read_vf(pfdir, sc, pf_fn, pf, (unsigned int)i, &pf->vfs[n]);

		if (ret == -ENOMEM)
			return ret;
		if (ret == 0)
			n++;
		else
			add_vf_damage(inv, pf, i);
	}
	pf->n_vfs = n;
	return 0;
}

/* ---- rtnetlink VF settings -------------------------------------------- */

int recorded_rtnl_read(struct sriov_root *r, const char *ifname, char **msg, size_t *len,
		       struct sriov_err *e)
{
	int ret;

	*msg = NULL;
	if (!sriov_name_is_safe(ifname))
		return sriov_err_set(e, -EINVAL, "invalid interface name '%s'", ifname);
	*msg = malloc(RECORDED_RTNL_MAX);
	if (!*msg)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	ret = sriov_readf_file(r, *msg, RECORDED_RTNL_MAX, len, e,
			       RECORDED_RTNL_DIR "/%s", ifname);
	if (ret < 0) {
		free(*msg);
		*msg = NULL;
	}
	return ret;
}

static int load_recorded_vfs(struct sriov_root *r, const char *ifname, struct link_vfs *l)
{
	size_t len;
	char *msg;
	int ret;

	ret = recorded_rtnl_read(r, ifname, &msg, &len, NULL);
	if (ret < 0)
		return ret;
	ret = link_vfs_parse(msg, len, l, NULL);
	free(msg);
	return ret;
}

static void attach_vf_info(struct pf *pf, const struct link_vfs *l)
{
	pf->vf_list_truncated = l->truncated;
	for (size_t i = 0; i < l->n_vfs; i++) {
		for (size_t j = 0; j < pf->n_vfs; j++) {
			if (pf->vfs[j].index != l->vfs[i].index)
				continue;
			pf->vfs[j].info = l->vfs[i];
			pf->vfs[j].has_info = true;
		}
	}
}

/* A capture's recorded rtnetlink answer that cannot be read or parsed. */
static void note_bad_recording(struct inventory *inv, const char *ifname, int err)
{
	char note[sizeof(inv->notes[0])];

	snprintf(note, sizeof(note),
		 RECORDED_RTNL_DIR "/%s: not a recorded rtnetlink answer (%s): the VF "
				   "settings of %s are unknown",
		 ifname, strerror(-err), ifname);
	inventory_add_damage_note(inv, note);
}

static void inventory_read_vf_settings(struct sriov_root *r, struct rtnl *nl,
				       struct pf *pf, struct inventory *inv,
				       unsigned int flags)
{
	struct link_vfs l = {0};
	void *raw = NULL;
	size_t raw_len = 0;
	int ret;

	if (!pf->n_netdevs || !pf->n_vfs)
		return;
	if (sriov_root_is_host(r) && !(flags & INV_NO_NETLINK)) {
		if (!nl || pf->netdevs[0].ifindex <= 0)
			return;
		ret = rtnl_get_link_vfs(nl, pf->netdevs[0].ifindex, &l,
					(flags & INV_KEEP_RTNL) ? &raw : NULL,
					(flags & INV_KEEP_RTNL) ? &raw_len : NULL, NULL);
	} else {
		ret = load_recorded_vfs(r, pf->netdevs[0].name, &l);
		if (ret < 0 && ret != -ENOENT && ret != -ENOMEM)
			note_bad_recording(inv, pf->netdevs[0].name, ret);
	}
	if (ret < 0) {
		free(raw);
		return;
	}
	attach_vf_info(pf, &l);
	if (l.truncated)
		inventory_add_note(
			inv, "the kernel's VF list did not fit one netlink message: "
			     "some VF settings are unknown");
	pf->rtnl_raw = raw;
	pf->rtnl_raw_len = raw_len;
	link_vfs_free(&l);
}

/* ---- netdevsim PFs ---------------------------------------------------- */

static int append_pf(struct inventory *inv)
{
	struct pf *grown = realloc(inv->pfs, (inv->n_pfs + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	inv->pfs = grown;
	memset(&inv->pfs[inv->n_pfs], 0, sizeof(inv->pfs[0]));
	return 0;
}

/*
 * The VFs' devlink ports (switchdev mode): their rates and port functions,
 * the current values of the devlink VF settings. Nothing when the PF has no
 * devlink instance, or on the host without netlink.
 */
static void read_vf_devlink(struct sriov_root *r, struct pf *pf, unsigned int flags)
{
	struct devlink_state s;

	if (!pf->n_vfs || ((flags & INV_NO_NETLINK) && sriov_root_is_host(r)))
		return;
	if (sriov_devlink_read(r, NULL, pf->bus_name, pf->dev_name, &s, NULL) == 0)
		for (size_t j = 0; j < pf->n_vfs; j++)
			vf_info_devlink_fill(&s, pf->vfs[j].index, &pf->vfs[j].info);
	devlink_state_free(&s);
}

/* One device; 1 when it is no PF. */
static int read_netdevsim_pf(struct sriov_root *r, struct rtnl *nl, const char *dev,
			     unsigned int flags, struct inventory *inv)
{
	char note[sizeof(inv->notes[0])];
	struct pf *pf;
	int ret;

	ret = append_pf(inv);
	if (ret < 0)
		return ret;
	pf = &inv->pfs[inv->n_pfs++]; /* freed with the inventory, even half read */
	ret = netdevsim_pf_read(r, dev, flags, pf);
	if (ret > 0)
		inv->n_pfs--;
	if (ret != 0)
		return ret;
	if (pf->num_vfs < 0) {
		snprintf(note, sizeof(note),
			 SYS_NETDEVSIM_DEVICES
			 "/%s/sriov_numvfs: unreadable or not a number",
			 dev);
		inventory_add_damage_note(inv, note);
	}
	for (size_t i = 0; !(flags & INV_PFS_ONLY) && i < pf->n_netdevs; i++)
		inventory_read_netdev(r, &pf->netdevs[i]);
	inventory_read_vf_settings(r, nl, pf, inv, flags);
	read_vf_devlink(r, pf, flags);
	return 0;
}

/* Every netdevsim device with sriov_numvfs, after the PCI PFs; none when not loaded. */
static int read_netdevsim_pfs(struct sriov_root *r, struct rtnl *nl, unsigned int flags,
			      struct inventory *inv)
{
	struct sriov_dirent *ents;
	size_t n;
	int ret = 0;

	if (sriov_list_dirf(r, &ents, &n, NULL, SYS_NETDEVSIM_DEVICES) < 0)
		return 0;
	for (size_t i = 0; ret >= 0 && i < n; i++)
		if (netdevsim_name_ok(ents[i].name))
			ret = read_netdevsim_pf(r, nl, ents[i].name, flags, inv);
	free(ents);
	return ret < 0 ? ret : 0;
}

/*
 * The VF functions' own state (vfdev.h), after the rtnetlink view replaced
 * info; their MSI-X counts only where the PF can change them.
 */
static void read_vf_functions(struct sriov_root *r, struct pf *pf)
{
	for (size_t j = 0; j < pf->n_vfs; j++) {
		struct vf *vf = &pf->vfs[j];

		vf_fn_state_read(r, vf->addr_str,
				 vf->n_netdevs ? vf->netdevs[0].name : "",
				 pf->vf_total_msix > 0, &vf->info);
	}
}

/* ---- PFs -------------------------------------------------------------- */

static int read_pf(struct sriov_root *r, const struct scan *sc,
		   const struct scan_func *fn, struct pci_names *names, struct pf *pf,
		   struct inventory *inv, unsigned int flags)
{
	struct sriov_dir d;
	int ret;

	pf->addr = fn->addr;
	pci_addr_format(&pf->addr, pf->addr_str);
	snprintf(pf->bus_name, sizeof(pf->bus_name), "pci");
	snprintf(pf->dev_name, sizeof(pf->dev_name), "%s", pf->addr_str);
	pf->iommu_group = fn->iommu_group;
	ret = sriov_dir_openf(r, &d, NULL, SYS_PCI_DEVICES "/%s", pf->addr_str);
	if (ret < 0)
		return ret == -ENOMEM ? ret : 0;
	read_pf_attrs(&d, fn, pf);
	if (pf->total_vfs < 0)
		add_damage(inv, pf, "sriov_totalvfs: unreadable or not a number");
	if (pf->num_vfs < 0)
		add_damage(inv, pf, "sriov_numvfs: unreadable or not a number");
	read_pf_config(r, &d, pf, inv);
	ret = (flags & INV_PFS_ONLY) ? 0 : read_vfs(&d, sc, pf, inv);
	sriov_dir_close(&d);
	if (ret < 0)
		return ret;
	read_pf_module(r, pf);
	read_pf_names(names, pf);
	if (flags & INV_PFS_ONLY)
		return list_pf_netdevs(r, pf);
	return copy_netdevs(sc, pf->addr_str, true, r, &pf->netdevs, &pf->n_netdevs);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

static size_t gather_group_ids(const struct inventory *inv, int *ids)
{
	size_t n = 0;

	for (size_t i = 0; i < inv->n_pfs; i++) {
		const struct pf *pf = &inv->pfs[i];

		if (pf->iommu_group >= 0)
			ids[n++] = pf->iommu_group;
		for (size_t j = 0; j < pf->n_vfs; j++)
			if (pf->vfs[j].iommu_group >= 0)
				ids[n++] = pf->vfs[j].iommu_group;
	}
	return n;
}

/* Groups of every listed PF and VF, sorted by id (inventory_group() bisects). */
static int collect_groups(const struct scan *sc, struct inventory *inv)
{
	size_t total = 0, n;
	int *ids, ret = 0;

	for (size_t i = 0; i < inv->n_pfs; i++)
		total += 1 + inv->pfs[i].n_vfs;
	ids = calloc(total ? total : 1, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	n = gather_group_ids(inv, ids);
	qsort(ids, n, sizeof(*ids), cmp_int);
	for (size_t i = 0; ret == 0 && i < n; i++)
		if (i == 0 || ids[i] != ids[i - 1])
			ret = scan_add_group(sc, inv, ids[i]);
	free(ids);
	return ret;
}

static int read_pfs(struct sriov_root *r, const struct scan *sc, unsigned int flags,
		    struct inventory *inv, struct sriov_err *e)
{
	struct pci_names *names = (flags & INV_NO_NAMES) ? NULL : pci_names_open();
	struct rtnl *nl = NULL;
	size_t n_pf = scan_pf_count(sc);
	int ret = 0;

	if (sriov_root_is_host(r) && !(flags & INV_NO_NETLINK))
		rtnl_open(&nl, NULL);
	inv->pfs = calloc(n_pf ? n_pf : 1, sizeof(*inv->pfs));
	if (!inv->pfs) {
		ret = sriov_err_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < sc->n_funcs; i++) {
		struct pf *pf;

		if (!sc->funcs[i].is_pf)
			continue;
		pf = &inv->pfs[inv->n_pfs++];
		ret = read_pf(r, sc, &sc->funcs[i], names, pf, inv, flags);
		if (ret < 0) {
			sriov_err_set(e, ret, "reading %s: %s", sc->funcs[i].name,
				      strerror(-ret));
			goto out;
		}
		inventory_read_vf_settings(r, nl, pf, inv, flags);
		if (!(flags & INV_PFS_ONLY))
			read_vf_functions(r, pf);
		read_vf_devlink(r, pf, flags);
	}
	ret = read_netdevsim_pfs(r, nl, flags, inv);
	if (ret < 0)
		sriov_err_set(e, ret, "reading netdevsim devices: %s", strerror(-ret));
out:
	rtnl_close(nl);
	pci_names_close(names);
	return ret;
}

/* ---- users (INV_USERS) ------------------------------------------------- */

static int function_users(const struct usage_snapshot *snap, int group,
			  const struct netdev_info *nds, size_t n_nds,
			  struct fn_users *out)
{
	const char *names[8];
	size_t n = 0;

	for (size_t i = 0; i < n_nds && n < sizeof(names) / sizeof(names[0]); i++)
		names[n++] = nds[i].name;
	return usage_of_function(snap, group, names, n, out, NULL);
}

static bool any_group(const struct inventory *inv)
{
	for (size_t i = 0; i < inv->n_pfs; i++) {
		if (inv->pfs[i].iommu_group >= 0)
			return true;
		for (size_t j = 0; j < inv->pfs[i].n_vfs; j++)
			if (inv->pfs[i].vfs[j].iommu_group >= 0)
				return true;
	}
	return false;
}

static int read_users(struct sriov_root *r, struct inventory *inv, struct sriov_err *e)
{
	struct usage_snapshot *snap;
	int ret;

	if (!inv->n_pfs)
		return 0;
	ret = usage_snapshot_read(r, &snap, e);
	if (ret < 0)
		return ret;
	for (size_t i = 0; ret == 0 && i < inv->n_pfs; i++) {
		struct pf *pf = &inv->pfs[i];

		ret = function_users(snap, pf->iommu_group, pf->netdevs, pf->n_netdevs,
				     &pf->users);
		for (size_t j = 0; ret == 0 && j < pf->n_vfs; j++) {
			struct vf *vf = &pf->vfs[j];

			ret = function_users(snap, vf->iommu_group, vf->netdevs,
					     vf->n_netdevs, &vf->users);
		}
	}
	if (usage_snapshot_partial(snap) && any_group(inv))
		inventory_add_note(
			inv, "not root: processes of other users were not checked for "
			     "open /dev/vfio files");
	usage_snapshot_free(snap);
	if (ret < 0)
		return sriov_err_set(e, ret, "out of memory");
	return 0;
}

int sriov_inventory_read(struct sriov_root *r, unsigned int flags, struct inventory *inv,
			 struct sriov_err *e)
{
	struct scan sc;
	int ret;

	memset(inv, 0, sizeof(*inv));
	ret = scan_functions_what(r, (flags & INV_PFS_ONLY) ? SCAN_PFS_ONLY : SCAN_ALL,
				  &sc, e);
	if (ret < 0)
		return ret;
	ret = read_pfs(r, &sc, flags, inv, e);
	if (ret == 0 && !(flags & INV_PFS_ONLY))
		ret = collect_groups(&sc, inv);
	if (ret == 0 && (flags & INV_USERS))
		ret = read_users(r, inv, e);
	scan_free(&sc);
	if (ret < 0) {
		sriov_inventory_free(inv);
		if (e && !e->code)
			sriov_err_set(e, ret, "inventory: %s", strerror(-ret));
	}
	return ret;
}

static void free_vf(struct vf *vf)
{
	free(vf->netdevs);
	fn_users_free(&vf->users);
}

static void free_pf(struct pf *pf)
{
	for (size_t j = 0; j < pf->n_vfs; j++)
		free_vf(&pf->vfs[j]);
	free(pf->vfs);
	free(pf->netdevs);
	free(pf->rtnl_raw);
	fn_users_free(&pf->users);
}

void sriov_inventory_free(struct inventory *inv)
{
	for (size_t i = 0; i < inv->n_pfs; i++)
		free_pf(&inv->pfs[i]);
	free(inv->pfs);
	for (size_t i = 0; i < inv->n_groups; i++)
		free(inv->groups[i].members);
	free(inv->groups);
	memset(inv, 0, sizeof(*inv));
}

const struct iommu_group *inventory_group(const struct inventory *inv, int id)
{
	size_t lo = 0, hi = inv->n_groups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (inv->groups[mid].id == id)
			return &inv->groups[mid];
		if (inv->groups[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct pf *inventory_find_pf(const struct inventory *inv, const struct pci_addr *a)
{
	for (size_t i = 0; i < inv->n_pfs; i++)
		if (pf_vfs_are_pci(&inv->pfs[i]) && !pci_addr_cmp(&inv->pfs[i].addr, a))
			return &inv->pfs[i];
	return NULL;
}

const struct pf *inventory_find_pf_dev(const struct inventory *inv, const char *bus_name,
				       const char *dev_name)
{
	for (size_t i = 0; i < inv->n_pfs; i++)
		if (!strcmp(inv->pfs[i].bus_name, bus_name) &&
		    !strcmp(inv->pfs[i].dev_name, dev_name))
			return &inv->pfs[i];
	return NULL;
}

bool pf_vfs_are_pci(const struct pf *pf)
{
	/* every bus but netdevsim; a PF built without bus_name (tests) is PCI */
	return strcmp(pf->bus_name, NETDEVSIM_BUS) != 0;
}

const struct vf *inventory_find_vf(const struct pf *pf, int index)
{
	for (size_t i = 0; pf && i < pf->n_vfs; i++)
		if ((int)pf->vfs[i].index == index)
			return &pf->vfs[i];
	return NULL;
}
