/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_IOMMU_H
#define SRIOV_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "pcicfg.h"
#include "sysroot.h"

/*
 * Any PCI function, its IOMMU group and the ACS path above it: what `show`
 * prints for a function without SR-IOV, what `groups` lists and what `bind`
 * needs to know before handing a group to vfio. Reads only, through the root.
 */

/* Why a function shows no SR-IOV. */
enum sriov_absence {
	SRIOV_PRESENT = 0, /* the capability is there (or sysfs sriov_* says so) */
	/* the full config space has no SR-IOV capability (or, 256 bytes read
	 * as root, no extended space at all: conventional PCI) */
	SRIOV_NO_CAPABILITY,
	SRIOV_EXT_CFG_UNREADABLE, /* only the first 64 bytes were readable: not root */
	SRIOV_CFG_UNREADABLE,	  /* no config space at all (a recording without it) */
};

/* One bridge or port above a function, from the nearest up to the root port. */
struct acs_hop {
	char addr[PCI_ADDR_STRLEN];
	bool cfg_known; /* its whole config space was read (256 or 4096 bytes: root) */
	bool has_acs;	/* it has the ACS capability */
	struct acs_cap acs;
	/* Source Validation, Request and Completion Redirect and Upstream
	 * Forwarding all enabled: the kernel treats the port as isolating */
	bool isolates;
};

struct acs_path {
	struct acs_hop *hops; /* hops[0] is the nearest upstream port */
	size_t n_hops;
};

struct pci_function {
	char addr[PCI_ADDR_STRLEN];
	uint16_t vendor_id, device_id; /* 0: unknown */
	uint16_t subsys_vendor_id, subsys_device_id;
	uint32_t class_code; /* 24 bits; 0 with ids_known false */
	bool ids_known;	     /* from sysfs attributes or config space */
	char driver[64];     /* empty: none */
	char module[64];     /* empty: built in or none */
	int iommu_group;     /* -1: none */
	bool is_bridge;	     /* class 0604 (PCI bridge, PCIe port) */
	bool is_pf, is_vf;   /* sriov_totalvfs / a physfn link */
	size_t cfg_len;	     /* bytes of config space read (0, 64, 256, 4096) */
	enum sriov_absence sriov;
	bool acs_known, has_acs, acs_isolates; /* its own ACS capability */
	struct acs_path path;
};

/* A function that keeps its group from vfio: an endpoint on another driver. */
bool pci_function_spoils_vfio(const struct pci_function *f);
/* A port's ACS control gives isolation (SV, RR, CR, UF enabled). */
bool acs_isolates(const struct acs_cap *acs);

/* Reads one function (addr "dddd:bb:dd.f"). -ENODEV when it does not exist. */
int sriov_pci_function_read(struct sriov_root *r, const char *addr,
			    struct pci_function *f, struct sriov_err *e);
void sriov_pci_function_free(struct pci_function *f);

struct iommu_group_view {
	int id;
	struct pci_function *members; /* sorted by address */
	size_t n_members;
	bool viable; /* every endpoint on vfio-pci, pci-stub or no driver */
	int spoiler; /* index of the first member that spoils it, -1: none */
	/* the nearest upstream port that every member shares and that does
	 * not isolate (no ACS, or ACS not enabled): what merged the members.
	 * Empty with a single member or when no shared port lacks ACS. */
	char acs_gap[PCI_ADDR_STRLEN];
	bool acs_gap_unknown; /* a shared port's config space was unreadable */
};

struct iommu_groups {
	struct iommu_group_view *groups; /* sorted by id */
	size_t n_groups;
	bool from_links; /* no /sys/kernel/iommu_groups: built from iommu_group links */
};

/*
 * Reads every IOMMU group (/sys/kernel/iommu_groups/N/devices/...); a tree
 * without that directory (a recording) is grouped by each PCI function's
 * iommu_group link. No group at all (IOMMU off) is 0 with n_groups 0.
 */
int sriov_iommu_groups_read(struct sriov_root *r, struct iommu_groups *out,
			    struct sriov_err *e);
/* One group by id, or NULL. */
const struct iommu_group_view *iommu_groups_find(const struct iommu_groups *g, int id);
void sriov_iommu_groups_free(struct iommu_groups *g);

#endif
