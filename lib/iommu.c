// SPDX-License-Identifier: MIT
/*
 * Any PCI function with its IOMMU group and the ACS path above it: the
 * identity, driver and SR-IOV state of a function `show` finds no PF for,
 * the groups `groups` lists and whether vfio can take each of them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/iommu.h"
#include "sysfs_paths.h"

#define SYS_IOMMU_GROUPS "/sys/kernel/iommu_groups"
#define CLASS_PCI_BRIDGE 0x0604

/* ---- one function ------------------------------------------------------- */

struct cfg_read {
	struct pcicfg cfg;
	struct pci_caps caps;
	bool decoded;
};

/* The function's config space decoded as far as it was readable. */
static void read_config(struct sriov_root *r, const char *addr, struct cfg_read *c)
{
	static __thread char raw[PCI_CFG_EXT_SIZE + 1];
	size_t len = 0;

	memset(c, 0, sizeof(*c));
	if (sriov_readf_file(r, raw, sizeof(raw), &len, NULL,
			     SYS_PCI_DEVICES "/%s/config", addr) < 0 ||
	    len < 64)
		return;
	if (len > PCI_CFG_EXT_SIZE)
		len = PCI_CFG_EXT_SIZE;
	memcpy(c->cfg.data, raw, len);
	c->cfg.len = len;
	c->decoded = pci_caps_decode(&c->cfg, &c->caps, NULL) == 0;
}

bool acs_isolates(const struct acs_cap *acs)
{
	const struct acs_bits *b = &acs->control;

	return b->source_validation && b->request_redirect && b->completion_redirect &&
	       b->upstream_forwarding;
}

static int read_hex_attr(struct sriov_root *r, const char *addr, const char *name,
			 uint64_t *val)
{
	return sriov_readf_u64(r, 16, val, NULL, SYS_PCI_DEVICES "/%s/%s", addr, name);
}

/* Vendor, device, subsystem and class: sysfs first, then config space. */
static void read_ids(struct sriov_root *r, struct pci_function *f,
		     const struct cfg_read *c)
{
	uint64_t v = 0, d = 0, cls = 0, sv = 0, sd = 0;

	if (read_hex_attr(r, f->addr, "vendor", &v) == 0 &&
	    read_hex_attr(r, f->addr, "device", &d) == 0 &&
	    read_hex_attr(r, f->addr, "class", &cls) == 0) {
		read_hex_attr(r, f->addr, "subsystem_vendor", &sv);
		read_hex_attr(r, f->addr, "subsystem_device", &sd);
		f->vendor_id = (uint16_t)v;
		f->device_id = (uint16_t)d;
		f->class_code = (uint32_t)cls & 0xffffff;
		f->subsys_vendor_id = (uint16_t)sv;
		f->subsys_device_id = (uint16_t)sd;
		f->ids_known = true;
		return;
	}
	if (!c->decoded)
		return;
	f->vendor_id = c->caps.vendor_id;
	f->device_id = c->caps.device_id;
	f->class_code = c->caps.class_code;
	f->subsys_vendor_id = (uint16_t)(c->cfg.data[0x2c] | c->cfg.data[0x2d] << 8);
	f->subsys_device_id = (uint16_t)(c->cfg.data[0x2e] | c->cfg.data[0x2f] << 8);
	f->ids_known = true;
}

static enum sriov_absence sriov_state(const struct pci_function *f,
				      const struct cfg_read *c)
{
	if (f->is_pf || (c->decoded && c->caps.has_sriov))
		return SRIOV_PRESENT;
	if (!c->cfg.len)
		return SRIOV_CFG_UNREADABLE;
	/* 64 bytes: not root; 256 as root: a conventional PCI function, which
	 * has no extended space and so no SR-IOV */
	if (c->cfg.len < PCI_CFG_STD_SIZE)
		return SRIOV_EXT_CFG_UNREADABLE;
	return SRIOV_NO_CAPABILITY;
}

static void read_hop(struct sriov_root *r, const char *addr, struct acs_hop *h)
{
	struct cfg_read *c = malloc(sizeof(*c));

	memset(h, 0, sizeof(*h));
	snprintf(h->addr, sizeof(h->addr), "%s", addr);
	if (!c)
		return;
	read_config(r, addr, c);
	h->cfg_known = c->decoded && c->cfg.len >= PCI_CFG_STD_SIZE;
	h->has_acs = h->cfg_known && c->caps.has_acs;
	if (h->has_acs) {
		h->acs = c->caps.acs;
		h->isolates = acs_isolates(&h->acs);
	}
	free(c);
}

/*
 * The ports above addr, nearest first, from its device path
 * ("../../../devices/pci0000:00/0000:00:02.0/0000:01:00.0").
 */
static int read_acs_path(struct sriov_root *r, const char *addr, struct acs_path *p)
{
	char target[4096], *save = NULL, *tok;
	char ups[32][PCI_ADDR_STRLEN];
	size_t n = 0;

	p->hops = NULL;
	p->n_hops = 0;
	if (sriov_readf_link(r, target, sizeof(target), NULL, SYS_PCI_DEVICES "/%s",
			     addr) < 0)
		return 0;
	for (tok = strtok_r(target, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		struct pci_addr a;

		if (strchr(tok, ':') == strrchr(tok, ':') ||
		    pci_addr_parse(tok, &a) < 0 || !strcmp(tok, addr) || n == 32)
			continue;
		pci_addr_format(&a, ups[n++]);
	}
	if (!n)
		return 0;
	p->hops = calloc(n, sizeof(*p->hops));
	if (!p->hops)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		read_hop(r, ups[n - 1 - i], &p->hops[i]);
	p->n_hops = n;
	return 0;
}

static int parse_group_name(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 1000000)
		return -1;
	return (int)v;
}

static void read_driver(struct sriov_root *r, struct pci_function *f)
{
	char group[64];

	if (sriov_readf_link_base(r, f->driver, sizeof(f->driver), NULL,
				  SYS_PCI_DEVICES "/%s/driver", f->addr) < 0)
		f->driver[0] = '\0';
	if (!f->driver[0] ||
	    sriov_readf_link_base(r, f->module, sizeof(f->module), NULL,
				  SYS_PCI_DEVICES "/%s/driver/module", f->addr) < 0)
		f->module[0] = '\0';
	f->iommu_group = -1;
	if (sriov_readf_link_base(r, group, sizeof(group), NULL,
				  SYS_PCI_DEVICES "/%s/iommu_group", f->addr) == 0)
		f->iommu_group = parse_group_name(group);
}

int sriov_pci_function_read(struct sriov_root *r, const char *addr,
			    struct pci_function *f, struct sriov_err *e)
{
	struct cfg_read *c;
	int ret;

	memset(f, 0, sizeof(*f));
	if (!sriov_name_is_safe(addr) ||
	    sriov_pathf_exists(r, SYS_PCI_DEVICES "/%s", addr) < 0)
		return sriov_err_set(e, -ENODEV, "no such PCI function: %s", addr);
	c = malloc(sizeof(*c));
	if (!c)
		return sriov_err_set(e, -ENOMEM, "out of memory reading %s", addr);
	snprintf(f->addr, sizeof(f->addr), "%s", addr);
	read_config(r, addr, c);
	read_ids(r, f, c);
	read_driver(r, f);
	f->cfg_len = c->cfg.len;
	f->is_bridge = f->class_code >> 8 == CLASS_PCI_BRIDGE ||
		       (c->decoded && c->caps.header_type == 1) ||
		       !strcmp(f->driver, "pcieport");
	f->is_pf = sriov_pathf_exists(r, SYS_PCI_DEVICES "/%s/sriov_totalvfs", addr) == 0;
	f->is_vf = sriov_pathf_exists(r, SYS_PCI_DEVICES "/%s/physfn", addr) == 0;
	f->sriov = sriov_state(f, c);
	f->acs_known = c->decoded && c->cfg.len >= PCI_CFG_STD_SIZE;
	f->has_acs = f->acs_known && c->caps.has_acs;
	f->acs_isolates = f->has_acs && acs_isolates(&c->caps.acs);
	free(c);
	ret = read_acs_path(r, addr, &f->path);
	if (ret < 0)
		return sriov_err_set(e, ret, "out of memory reading the ports above %s",
				     addr);
	return 0;
}

void sriov_pci_function_free(struct pci_function *f)
{
	free(f->path.hops);
	f->path.hops = NULL;
	f->path.n_hops = 0;
}

bool pci_function_spoils_vfio(const struct pci_function *f)
{
	if (f->is_bridge || !f->driver[0])
		return false;
	return strcmp(f->driver, "vfio-pci") && strcmp(f->driver, "pci-stub") &&
	       strcmp(f->driver, "pcieport");
}

/* ---- groups ------------------------------------------------------------- */

static bool path_has(const struct pci_function *f, const char *addr)
{
	if (!strcmp(f->addr, addr))
		return true;
	for (size_t i = 0; i < f->path.n_hops; i++)
		if (!strcmp(f->path.hops[i].addr, addr))
			return true;
	return false;
}

static bool shared_by_all(const struct iommu_group_view *g, const char *addr)
{
	for (size_t i = 0; i < g->n_members; i++)
		if (!path_has(&g->members[i], addr))
			return false;
	return true;
}

/*
 * What merged the members: the nearest port that all of them sit below (or
 * are) and that does not isolate; without one (functions side by side on a
 * root bus or in one multifunction device), the first member without
 * isolating ACS of its own.
 */
static void find_acs_gap(struct iommu_group_view *g)
{
	const struct pci_function *m0 = &g->members[0];

	if (g->n_members < 2)
		return;
	for (size_t i = 0; i < m0->path.n_hops; i++) {
		const struct acs_hop *h = &m0->path.hops[i];

		if (!shared_by_all(g, h->addr) || h->isolates)
			continue;
		snprintf(g->acs_gap, sizeof(g->acs_gap), "%s", h->addr);
		g->acs_gap_unknown = !h->cfg_known;
		return;
	}
	for (size_t i = 0; i < g->n_members; i++) {
		const struct pci_function *m = &g->members[i];

		if (m->acs_isolates)
			continue;
		snprintf(g->acs_gap, sizeof(g->acs_gap), "%s", m->addr);
		g->acs_gap_unknown = !m->acs_known;
		return;
	}
}

static void judge_group(struct iommu_group_view *g)
{
	g->viable = true;
	g->spoiler = -1;
	for (size_t i = 0; i < g->n_members; i++) {
		if (!pci_function_spoils_vfio(&g->members[i]))
			continue;
		g->viable = false;
		g->spoiler = (int)i;
		break;
	}
	find_acs_gap(g);
}

static int add_member(struct sriov_root *r, struct iommu_group_view *g, const char *addr,
		      struct sriov_err *e)
{
	struct pci_function *m;
	int ret;

	m = realloc(g->members, (g->n_members + 1) * sizeof(*m));
	if (!m)
		return sriov_err_set(e, -ENOMEM, "out of memory reading IOMMU group %d",
				     g->id);
	g->members = m;
	ret = sriov_pci_function_read(r, addr, &m[g->n_members], e);
	if (ret == -ENODEV)
		return 0; /* gone meanwhile, or not a PCI device */
	if (ret < 0)
		return ret;
	g->n_members++;
	return 0;
}

static struct iommu_group_view *group_get(struct iommu_groups *out, int id,
					  struct sriov_err *e)
{
	struct iommu_group_view *g;

	for (size_t i = 0; i < out->n_groups; i++)
		if (out->groups[i].id == id)
			return &out->groups[i];
	g = realloc(out->groups, (out->n_groups + 1) * sizeof(*g));
	if (!g) {
		sriov_err_set(e, -ENOMEM, "out of memory reading IOMMU groups");
		return NULL;
	}
	out->groups = g;
	g = &out->groups[out->n_groups++];
	memset(g, 0, sizeof(*g));
	g->id = id;
	g->viable = true; /* no PCI member (yet): nothing spoils it */
	g->spoiler = -1;
	return g;
}

static bool is_pci_name(const char *name)
{
	struct pci_addr a;

	return strchr(name, ':') != strrchr(name, ':') && pci_addr_parse(name, &a) == 0 &&
	       sriov_name_is_safe(name);
}

static int read_group_dir(struct sriov_root *r, struct iommu_groups *out,
			  const char *name, struct sriov_err *e)
{
	struct sriov_dirent *ents = NULL;
	struct iommu_group_view *g;
	size_t n = 0;
	int id = parse_group_name(name), ret;

	if (id < 0)
		return 0;
	ret = sriov_list_dirf(r, &ents, &n, e, SYS_IOMMU_GROUPS "/%s/devices", name);
	if (ret < 0)
		return ret;
	g = group_get(out, id, e);
	ret = g ? 0 : -ENOMEM;
	for (size_t i = 0; i < n && !ret; i++)
		if (is_pci_name(ents[i].name))
			ret = add_member(r, g, ents[i].name, e);
	free(ents);
	return ret;
}

/* A recording without /sys/kernel/iommu_groups: each function's link. */
static int read_groups_from_links(struct sriov_root *r, struct iommu_groups *out,
				  struct sriov_err *e)
{
	struct sriov_dirent *ents = NULL;
	size_t n = 0;
	int ret;

	out->from_links = true;
	ret = sriov_list_dirf(r, &ents, &n, e, SYS_PCI_DEVICES);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n && !ret; i++) {
		struct iommu_group_view *g;
		char group[64];
		int id;

		if (!is_pci_name(ents[i].name) ||
		    sriov_readf_link_base(r, group, sizeof(group), NULL,
					  SYS_PCI_DEVICES "/%s/iommu_group",
					  ents[i].name) < 0 ||
		    (id = parse_group_name(group)) < 0)
			continue;
		g = group_get(out, id, e);
		ret = g ? add_member(r, g, ents[i].name, e) : -ENOMEM;
	}
	free(ents);
	return ret;
}

static int cmp_group(const void *a, const void *b)
{
	const struct iommu_group_view *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_member(const void *a, const void *b)
{
	const struct pci_function *x = a, *y = b;

	return strcmp(x->addr, y->addr);
}

static struct pci_function *groups_find_member(struct iommu_groups *gs, const char *addr)
{
	for (size_t i = 0; i < gs->n_groups; i++)
		for (size_t j = 0; j < gs->groups[i].n_members; j++)
			if (!strcmp(gs->groups[i].members[j].addr, addr))
				return &gs->groups[i].members[j];
	return NULL;
}

/*
 * VFs by their PF's virtfnN links too: a recording keeps those but not each
 * VF's physfn link.
 */
static void mark_vfs(struct sriov_root *r, struct iommu_groups *gs, const char *pf)
{
	struct sriov_dirent *ents = NULL;
	size_t n = 0;

	if (sriov_list_dirf(r, &ents, &n, NULL, SYS_PCI_DEVICES "/%s", pf) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct pci_function *vf;
		char vf_addr[64];

		if (strncmp(ents[i].name, "virtfn", 6) ||
		    sriov_readf_link_base(r, vf_addr, sizeof(vf_addr), NULL,
					  SYS_PCI_DEVICES "/%s/%s", pf, ents[i].name) < 0)
			continue;
		vf = groups_find_member(gs, vf_addr);
		if (vf)
			vf->is_vf = true;
	}
	free(ents);
}

int sriov_iommu_groups_read(struct sriov_root *r, struct iommu_groups *out,
			    struct sriov_err *e)
{
	struct sriov_dirent *ents = NULL;
	size_t n = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = sriov_list_dirf(r, &ents, &n, NULL, SYS_IOMMU_GROUPS);
	if (ret == -ENOENT)
		ret = read_groups_from_links(r, out, e);
	else if (ret < 0)
		ret = sriov_err_set(e, ret, "%s: %s", SYS_IOMMU_GROUPS, strerror(-ret));
	for (size_t i = 0; i < n && ret >= 0; i++)
		ret = read_group_dir(r, out, ents[i].name, e);
	free(ents);
	if (ret < 0) {
		sriov_iommu_groups_free(out);
		return ret;
	}
	if (out->n_groups)
		qsort(out->groups, out->n_groups, sizeof(*out->groups), cmp_group);
	for (size_t i = 0; i < out->n_groups; i++)
		for (size_t j = 0; j < out->groups[i].n_members; j++)
			if (out->groups[i].members[j].is_pf)
				mark_vfs(r, out, out->groups[i].members[j].addr);
	for (size_t i = 0; i < out->n_groups; i++) {
		struct iommu_group_view *g = &out->groups[i];

		if (!g->n_members)
			continue;
		qsort(g->members, g->n_members, sizeof(*g->members), cmp_member);
		judge_group(g);
	}
	return 0;
}

const struct iommu_group_view *iommu_groups_find(const struct iommu_groups *g, int id)
{
	for (size_t i = 0; i < g->n_groups; i++)
		if (g->groups[i].id == id)
			return &g->groups[i];
	return NULL;
}

void sriov_iommu_groups_free(struct iommu_groups *g)
{
	for (size_t i = 0; i < g->n_groups; i++) {
		for (size_t j = 0; j < g->groups[i].n_members; j++)
			sriov_pci_function_free(&g->groups[i].members[j]);
		free(g->groups[i].members);
	}
	free(g->groups);
	memset(g, 0, sizeof(*g));
}
