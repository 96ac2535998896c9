/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_INVENTORY_SCAN_H
#define SRIOV_INVENTORY_SCAN_H

/* Internal to the inventory: the one pass over all functions and netdevs. */

#include "sriov/inventory.h"

/* A PF's virtfnN link as the scan read it (target empty: unreadable). */
struct scan_virtfn {
	char target[PCI_ADDR_STRLEN + 8];
};

struct scan_func {
	char name[PCI_ADDR_STRLEN];
	struct pci_addr addr;
	bool is_pf;
	bool is_vf; /* named by a virtfn link of a PF scanned before it */
	char driver[64];
	int iommu_group;
	int parent; /* its directory's parent in scan.parents, -1: not located */
	/* PFs: sriov_numvfs (-1: unreadable or not a number) and virtfn0..
	 * n_virtfns-1, read once here for the inventory (a file read twice
	 * could answer twice differently) */
	int num_vfs;
	struct scan_virtfn *virtfns;
	size_t n_virtfns;
};

struct scan_netdev {
	char name[16];
	char addr[PCI_ADDR_STRLEN]; /* the PCI function the netdev belongs to */
};

struct scan_group_ref {
	int group;
	size_t func;
};

struct scan {
	struct scan_func *funcs; /* sorted by name */
	size_t n_funcs;
	struct scan_netdev *netdevs; /* sorted by addr, then name */
	size_t n_netdevs;
	struct scan_group_ref *by_group; /* sorted by group */
	size_t n_by_group;
	char **parents; /* directories holding functions, paths inside the root */
	size_t n_parents;
};

enum scan_what {
	SCAN_ALL = 0,
	/* PFs only (sriovctl list): no VF is read, no other function's driver
	 * or IOMMU group, no netdev (scan.netdevs stays empty) */
	SCAN_PFS_ONLY = 1 << 0,
};

/* The function's IOMMU group (its iommu_group link, d its directory), or -1. */
int scan_read_iommu_group(struct sriov_dir *d);

int scan_functions(struct sriov_root *r, struct scan *sc, struct sriov_err *e);
int scan_functions_what(struct sriov_root *r, unsigned int what, struct scan *sc,
			struct sriov_err *e);
void scan_free(struct scan *sc);

const struct scan_func *scan_find(const struct scan *sc, const char *addr);
size_t scan_pf_count(const struct scan *sc);

size_t scan_netdev_count(const struct scan *sc, const char *addr);
const struct scan_netdev *scan_netdev_first(const struct scan *sc, const char *addr);
const struct scan_netdev *
scan_netdev_next(const struct scan *sc, const struct scan_netdev *it, const char *addr);

/* Appends IOMMU group id with its members; callers add ids in ascending order. */
int scan_add_group(const struct scan *sc, struct inventory *inv, int id);

#endif
