// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/devarg.h"
#include "inventory_scan.h"
#include "sysfs_paths.h"

/* ---- where each function's directory is ---------------------------------- */

/*
 * Functions sit in a few directories (a PCI bus's bridge, with a PF's VFs
 * beside it): each such parent is opened and listed once, and the
 * attributes of its functions are then read through it, one system call
 * each (sriov_dir_sub_*), instead of resolving every function's path.
 */
#define OPEN_PARENTS 8

struct parent_cache {
	struct sriov_dir dirs[OPEN_PARENTS];
	int which[OPEN_PARENTS]; /* index in sc->parents, -1: slot unused */
	unsigned int next;	 /* the slot reused next */
};

static void parents_init(struct parent_cache *pc)
{
	for (int i = 0; i < OPEN_PARENTS; i++) {
		pc->dirs[i].fd = -1;
		pc->dirs[i].ents = NULL;
		pc->dirs[i].n_ents = 0;
		pc->which[i] = -1;
	}
	pc->next = 0;
}

static void parents_close(struct parent_cache *pc)
{
	for (int i = 0; i < OPEN_PARENTS; i++)
		if (pc->which[i] >= 0)
			sriov_dir_close(&pc->dirs[i]);
}

/* The listed directory sc->parents[parent]; one that failed has no entries. */
static struct sriov_dir *parent_get(struct sriov_root *r, const struct scan *sc,
				    struct parent_cache *pc, int parent)
{
	struct sriov_dir *d;
	unsigned int slot;

	for (int i = 0; i < OPEN_PARENTS; i++)
		if (pc->which[i] == parent)
			return &pc->dirs[i];
	slot = pc->next++ % OPEN_PARENTS;
	d = &pc->dirs[slot];
	if (pc->which[slot] >= 0)
		sriov_dir_close(d);
	pc->which[slot] = parent;
	if (sriov_dir_open(r, sc->parents[parent], d, NULL) < 0 ||
	    sriov_dir_list(d, NULL) < 0)
		sriov_dir_close(d);
	return d;
}

/* Index of path in sc->parents, added when new; -1 when out of memory. */
static int parent_index(struct scan *sc, const char *path)
{
	char **grown;

	for (size_t i = sc->n_parents; i-- > 0;)
		if (!strcmp(sc->parents[i], path))
			return (int)i;
	grown = realloc(sc->parents, (sc->n_parents + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	sc->parents = grown;
	sc->parents[sc->n_parents] = strdup(path);
	if (!sc->parents[sc->n_parents])
		return -1;
	return (int)sc->n_parents++;
}

/*
 * dir + "/" + target with "." and ".." folded as text, ".." stopping at the
 * root (as RESOLVE_IN_ROOT does); an absolute target starts at the root.
 */
static int fold_path(const char *dir, const char *target, char *out, size_t size)
{
	char tmp[1024], *save, *tok;
	size_t len = 0;

	if (snprintf(tmp, sizeof(tmp), "%s/%s", target[0] == '/' ? "" : dir, target) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	out[0] = '\0';
	for (tok = strtok_r(tmp, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		size_t tlen = strlen(tok);

		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			char *slash = strrchr(out, '/');

			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			continue;
		}
		if (len + tlen + 2 > size)
			return -ENAMETOOLONG;
		out[len++] = '/';
		memcpy(out + len, tok, tlen + 1);
		len += tlen;
	}
	return 0;
}

/* The parent of fn's directory, from its link in /sys/bus/pci/devices; -1 if odd. */
static int locate(struct sriov_dir *devs, struct scan *sc, const struct scan_func *fn)
{
	char target[512], path[1024], *slash;

	if (sriov_dir_read_link(devs, fn->name, target, sizeof(target), NULL) < 0)
		return -1;
	if (fold_path(SYS_PCI_DEVICES, target, path, sizeof(path)) < 0)
		return -1;
	slash = strrchr(path, '/');
	if (!slash || slash == path || strcmp(slash + 1, fn->name))
		return -1;
	*slash = '\0';
	return parent_index(sc, path);
}

/* ---- what the scan reads of each function ---------------------------------- */

static int parse_group(const char *group)
{
	char *end;
	long v;

	v = strtol(group, &end, 10);
	if (!group[0] || *end || v < 0 || v > 0x7fffffff)
		return -1;
	return (int)v;
}

int scan_read_iommu_group(struct sriov_dir *d)
{
	char group[32];

	if (sriov_dir_read_link_base(d, "iommu_group", group, sizeof(group), NULL) < 0)
		return -1;
	return parse_group(group);
}

/* Through the function's own directory: for what is not where expected. */
static void scan_one_opened(struct sriov_root *r, struct scan_func *fn, unsigned int what)
{
	struct sriov_dir d;

	if (sriov_dir_openf(r, &d, NULL, SYS_PCI_DEVICES "/%s", fn->name) < 0)
		return;
	if (!fn->is_vf)
		fn->is_pf = sriov_dir_has(&d, "sriov_totalvfs") == 0;
	if (fn->is_pf || !(what & SCAN_PFS_ONLY)) {
		if (sriov_dir_read_link_base(&d, "driver", fn->driver, sizeof(fn->driver),
					     NULL) < 0)
			fn->driver[0] = '\0';
		fn->iommu_group = scan_read_iommu_group(&d);
	}
	sriov_dir_close(&d);
}

/* Through the listed parent directory d; false when fn is not listed in it. */
static bool scan_one_listed(struct sriov_dir *d, struct scan_func *fn, unsigned int what)
{
	char group[32];

	if (!sriov_dir_has_subdir(d, fn->name))
		return false;
	if (!fn->is_vf)
		fn->is_pf = sriov_dir_sub_has(d, fn->name, "sriov_totalvfs") == 0;
	if (!fn->is_pf && (what & SCAN_PFS_ONLY))
		return true;
	if (sriov_dir_sub_read_link_base(d, fn->name, "driver", fn->driver,
					 sizeof(fn->driver), NULL) < 0)
		fn->driver[0] = '\0';
	if (sriov_dir_sub_read_link_base(d, fn->name, "iommu_group", group, sizeof(group),
					 NULL) == 0)
		fn->iommu_group = parse_group(group);
	return true;
}

/*
 * A VF's link is "../ADDR": it sits beside its PF. Marked now, it is neither
 * located nor tested for being a PF when its turn comes (a VF never is).
 */
static void mark_vf(struct scan *sc, const struct scan_func *pf, const char *target)
{
	struct scan_func *vf;

	if (strncmp(target, "../", 3) || strchr(target + 3, '/'))
		return;
	vf = (struct scan_func *)scan_find(sc, target + 3);
	if (!vf || vf <= pf)
		return; /* scanned already (listed before its PF) */
	vf->is_vf = true;
	vf->parent = pf->parent;
}

/*
 * Without VF details (list), VFs are not read at all: the functions at the
 * addresses the PF's offset and stride give its VFs (where the kernel puts
 * them) are not tested for being PFs.
 */
static void mark_predicted_vfs(struct sriov_dir *d, struct scan *sc,
			       const struct scan_func *pf, long long n)
{
	long long offset, stride;
	char addr[PCI_ADDR_STRLEN];
	struct pci_addr a;

	if (sriov_dir_read_int(d, "sriov_offset", 10, &offset, NULL) < 0 ||
	    sriov_dir_read_int(d, "sriov_stride", 10, &stride, NULL) < 0 || offset <= 0 ||
	    offset > 0xffff || stride < 0 || stride > 0xffff)
		return;
	for (long long i = 0; i < n; i++) {
		long long rid = pci_addr_rid(&pf->addr) + offset + stride * i;
		struct scan_func *vf;

		if (rid > 0xffff)
			return;
		pci_addr_from_rid(pf->addr.domain, (uint16_t)rid, &a);
		pci_addr_format(&a, addr);
		vf = (struct scan_func *)scan_find(sc, addr);
		if (vf && vf > pf)
			vf->is_vf = true;
	}
}

/* The PF's sriov_numvfs and virtfn links, once for the scan and the inventory. */
static int read_virtfns(struct sriov_root *r, struct scan *sc, struct scan_func *pf,
			unsigned int what)
{
	struct sriov_dir d;
	char name[32];
	long long n;

	pf->num_vfs = -1;
	if (sriov_dir_openf(r, &d, NULL, SYS_PCI_DEVICES "/%s", pf->name) < 0)
		return 0;
	if (sriov_dir_read_int(&d, "sriov_numvfs", 10, &n, NULL) == 0 && n >= -1 &&
	    n <= 0x7fffffff)
		pf->num_vfs = (int)n;
	if (pf->num_vfs <= 0 || pf->num_vfs > 0xffff) {
		sriov_dir_close(&d);
		return 0;
	}
	if (what & SCAN_PFS_ONLY) {
		mark_predicted_vfs(&d, sc, pf, pf->num_vfs);
		sriov_dir_close(&d);
		return 0;
	}
	pf->virtfns = calloc((size_t)pf->num_vfs, sizeof(*pf->virtfns));
	if (!pf->virtfns) {
		sriov_dir_close(&d);
		return -ENOMEM;
	}
	pf->n_virtfns = (size_t)pf->num_vfs;
	for (size_t i = 0; i < pf->n_virtfns; i++) {
		struct scan_virtfn *v = &pf->virtfns[i];

		snprintf(name, sizeof(name), "virtfn%zu", i);
		if (sriov_dir_read_link(&d, name, v->target, sizeof(v->target), NULL) < 0)
			v->target[0] = '\0';
		else
			mark_vf(sc, pf, v->target);
	}
	sriov_dir_close(&d);
	return 0;
}

static int scan_one(struct sriov_root *r, struct scan *sc, struct parent_cache *pc,
		    struct sriov_dir *devs, struct scan_func *fn, unsigned int what)
{
	struct sriov_dir *d = NULL;

	if (fn->is_vf && (what & SCAN_PFS_ONLY))
		return 0;
	if (!fn->is_vf)
		fn->parent = locate(devs, sc, fn);
	if (fn->parent >= 0)
		d = parent_get(r, sc, pc, fn->parent);
	if (!d || !scan_one_listed(d, fn, what))
		scan_one_opened(r, fn, what);
	return fn->is_pf ? read_virtfns(r, sc, fn, what) : 0;
}

static int scan_pci(struct sriov_root *r, struct scan *sc, unsigned int what,
		    struct sriov_err *e)
{
	struct sriov_dirent *ents;
	struct parent_cache pc;
	struct sriov_dir devs;
	size_t n;
	int ret;

	ret = sriov_list_dir(r, SYS_PCI_DEVICES, &ents, &n, e);
	if (ret < 0) {
		sriov_err_hint(e, "is sysfs mounted, and does --root point at a tree "
				  "holding sys/bus/pci/devices?");
		return ret;
	}
	sc->funcs = calloc(n ? n : 1, sizeof(*sc->funcs));
	if (!sc->funcs) {
		free(ents);
		return sriov_err_set(e, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		struct scan_func *fn = &sc->funcs[sc->n_funcs];

		/* only names that are PCI addresses become paths */
		if (pci_addr_parse(ents[i].name, &fn->addr) < 0)
			continue;
		pci_addr_format(&fn->addr, fn->name);
		if (strcmp(fn->name, ents[i].name))
			continue;
		fn->iommu_group = -1;
		fn->parent = -1;
		fn->num_vfs = -1;
		sc->n_funcs++;
	}
	free(ents);
	ret = sriov_dir_open(r, SYS_PCI_DEVICES, &devs, e);
	if (ret < 0)
		return ret;
	parents_init(&pc);
	for (size_t i = 0; ret == 0 && i < sc->n_funcs; i++)
		ret = scan_one(r, sc, &pc, &devs, &sc->funcs[i], what);
	parents_close(&pc);
	sriov_dir_close(&devs);
	return ret < 0 ? sriov_err_set(e, ret, "out of memory") : 0;
}

static int cmp_netdev(const void *a, const void *b)
{
	const struct scan_netdev *x = a, *y = b;
	int c = strcmp(x->addr, y->addr);

	return c ? c : strcmp(x->name, y->name);
}

static int scan_net(struct sriov_root *r, struct scan *sc)
{
	struct sriov_dir d;
	struct sriov_dirent *ents;
	struct pci_addr addr;
	char target[512];
	size_t n;

	if (sriov_list_dir(r, SYS_CLASS_NET, &ents, &n, NULL) < 0)
		return 0; /* no network class: no netdevs */
	sc->netdevs = calloc(n ? n : 1, sizeof(*sc->netdevs));
	if (!sc->netdevs || sriov_dir_open(r, SYS_CLASS_NET, &d, NULL) < 0) {
		free(ents);
		return sc->netdevs ? 0 : -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct scan_netdev *nd = &sc->netdevs[sc->n_netdevs];

		if (strlen(ents[i].name) >= sizeof(nd->name))
			continue;
		if (sriov_dir_read_link(&d, ents[i].name, target, sizeof(target), NULL) <
		    0)
			continue;
		if (netdev_link_pci_addr(target, &addr) < 0)
			continue;
		pci_addr_format(&addr, nd->addr);
		memcpy(nd->name, ents[i].name, strlen(ents[i].name) + 1);
		sc->n_netdevs++;
	}
	sriov_dir_close(&d);
	free(ents);
	qsort(sc->netdevs, sc->n_netdevs, sizeof(*sc->netdevs), cmp_netdev);
	return 0;
}

static int cmp_group_ref(const void *a, const void *b)
{
	const struct scan_group_ref *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->func < y->func ? -1 : x->func > y->func;
}

static int index_groups(struct scan *sc)
{
	sc->by_group = calloc(sc->n_funcs ? sc->n_funcs : 1, sizeof(*sc->by_group));
	if (!sc->by_group)
		return -ENOMEM;
	for (size_t i = 0; i < sc->n_funcs; i++) {
		if (sc->funcs[i].iommu_group < 0)
			continue;
		sc->by_group[sc->n_by_group].group = sc->funcs[i].iommu_group;
		sc->by_group[sc->n_by_group].func = i;
		sc->n_by_group++;
	}
	qsort(sc->by_group, sc->n_by_group, sizeof(*sc->by_group), cmp_group_ref);
	return 0;
}

int scan_functions_what(struct sriov_root *r, unsigned int what, struct scan *sc,
			struct sriov_err *e)
{
	int ret;

	memset(sc, 0, sizeof(*sc));
	ret = scan_pci(r, sc, what, e);
	if (ret == 0 && !(what & SCAN_PFS_ONLY))
		ret = scan_net(r, sc);
	if (ret == 0)
		ret = index_groups(sc);
	if (ret < 0) {
		scan_free(sc);
		if (e && !e->code)
			sriov_err_set(e, ret, "scanning PCI functions: %s",
				      strerror(-ret));
	}
	return ret;
}

int scan_functions(struct sriov_root *r, struct scan *sc, struct sriov_err *e)
{
	return scan_functions_what(r, SCAN_ALL, sc, e);
}

void scan_free(struct scan *sc)
{
	for (size_t i = 0; i < sc->n_funcs; i++)
		free(sc->funcs[i].virtfns);
	for (size_t i = 0; i < sc->n_parents; i++)
		free(sc->parents[i]);
	free(sc->parents);
	free(sc->funcs);
	free(sc->netdevs);
	free(sc->by_group);
	memset(sc, 0, sizeof(*sc));
}

static int cmp_func_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct scan_func *)elem)->name);
}

const struct scan_func *scan_find(const struct scan *sc, const char *addr)
{
	if (!sc->n_funcs)
		return NULL;
	return bsearch(addr, sc->funcs, sc->n_funcs, sizeof(*sc->funcs), cmp_func_name);
}

size_t scan_pf_count(const struct scan *sc)
{
	size_t n = 0;

	for (size_t i = 0; i < sc->n_funcs; i++)
		n += sc->funcs[i].is_pf;
	return n;
}

const struct scan_netdev *scan_netdev_first(const struct scan *sc, const char *addr)
{
	size_t lo = 0, hi = sc->n_netdevs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(sc->netdevs[mid].addr, addr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sc->n_netdevs && !strcmp(sc->netdevs[lo].addr, addr))
		return &sc->netdevs[lo];
	return NULL;
}

const struct scan_netdev *scan_netdev_next(const struct scan *sc,
					   const struct scan_netdev *it, const char *addr)
{
	it++;
	if (it >= sc->netdevs + sc->n_netdevs || strcmp(it->addr, addr))
		return NULL;
	return it;
}

size_t scan_netdev_count(const struct scan *sc, const char *addr)
{
	size_t n = 0;

	for (const struct scan_netdev *it = scan_netdev_first(sc, addr); it;
	     it = scan_netdev_next(sc, it, addr))
		n++;
	return n;
}

static size_t group_lower_bound(const struct scan *sc, int id)
{
	size_t lo = 0, hi = sc->n_by_group;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sc->by_group[mid].group < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int scan_add_group(const struct scan *sc, struct inventory *inv, int id)
{
	struct iommu_group *groups, *g;
	size_t first, count = 0;

	if (id < 0)
		return 0;
	first = group_lower_bound(sc, id);
	while (first + count < sc->n_by_group && sc->by_group[first + count].group == id)
		count++;
	groups = realloc(inv->groups, (inv->n_groups + 1) * sizeof(*groups));
	if (!groups)
		return -ENOMEM;
	inv->groups = groups;
	g = &groups[inv->n_groups];
	g->id = id;
	g->n_members = 0;
	g->members = calloc(count ? count : 1, sizeof(*g->members));
	if (!g->members)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++)
		snprintf(g->members[i], sizeof(g->members[i]), "%s",
			 sc->funcs[sc->by_group[first + i].func].name);
	g->n_members = count;
	inv->n_groups++;
	return 0;
}
