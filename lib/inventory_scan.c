// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/devarg.h"
#include "inventory_scan.h"
#include "sysfs_paths.h"

int scan_read_iommu_group(struct sriov_dir *d)
{
	char group[32], *end;
	long v;

	if (sriov_dir_read_link_base(d, "iommu_group", group, sizeof(group), NULL) < 0)
		return -1;
	v = strtol(group, &end, 10);
	if (!group[0] || *end || v < 0 || v > 0x7fffffff)
		return -1;
	return (int)v;
}

static void scan_one(struct sriov_root *r, struct scan_func *fn)
{
	struct sriov_dir d;
	char path[96];

	fn->iommu_group = -1;
	snprintf(path, sizeof(path), SYS_PCI_DEVICES "/%s", fn->name);
	if (sriov_dir_open(r, path, &d, NULL) < 0)
		return;
	fn->is_pf = sriov_dir_has(&d, "sriov_totalvfs") == 0;
	if (sriov_dir_read_link_base(&d, "driver", fn->driver, sizeof(fn->driver), NULL) <
	    0)
		fn->driver[0] = '\0';
	fn->iommu_group = scan_read_iommu_group(&d);
	sriov_dir_close(&d);
}

static int scan_pci(struct sriov_root *r, struct scan *sc, struct sriov_err *e)
{
	struct sriov_dirent *ents;
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
		scan_one(r, fn);
		sc->n_funcs++;
	}
	free(ents);
	return 0;
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

int scan_functions(struct sriov_root *r, struct scan *sc, struct sriov_err *e)
{
	int ret;

	memset(sc, 0, sizeof(*sc));
	ret = scan_pci(r, sc, e);
	if (ret == 0)
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

void scan_free(struct scan *sc)
{
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
