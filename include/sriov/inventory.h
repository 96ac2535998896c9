/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_INVENTORY_H
#define SRIOV_INVENTORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "error.h"
#include "sysroot.h"
#include "pcicfg.h"
#include "netlink.h"
#include "usage.h"

/*
 * The device model: every SR-IOV physical function on the host (or in a
 * --root tree) with its virtual functions. Built by sriov_inventory_read(),
 * freed with sriov_inventory_free().
 */

struct netdev_info {
	char name[16];
	char mac[18];	    /* "aa:bb:cc:dd:ee:ff", empty when unreadable */
	char operstate[16]; /* "up", "down", ...; empty when unreadable */
	int ifindex;	    /* 0 when unreadable */
};

/*
 * A VF. On a PF whose VFs are not PCI functions (pf_vfs_are_pci() false:
 * netdevsim), addr is all zero, addr_str empty, device_id 0, driver empty,
 * iommu_group -1 and there are no netdevs: only index and the rtnetlink
 * settings are known.
 */
struct vf {
	unsigned int index;
	struct pci_addr addr;
	char addr_str[PCI_ADDR_STRLEN];
	uint16_t device_id;
	char driver[64]; /* empty: no driver bound */
	struct netdev_info *netdevs;
	size_t n_netdevs;
	int iommu_group; /* -1: none */
	/*
	 * PF-side settings over rtnetlink; has_info false when unknown. The VF
	 * function's own MTU and MSI-X count (info.has_mtu, info.has_msix) are
	 * read from sysfs whether or not has_info is set.
	 */
	bool has_info;
	struct vf_info info;
	/* address predicted from offset/stride disagrees with the virtfn link */
	bool addr_mismatch;
	struct pci_addr predicted;
	/* with INV_USERS: who holds its vfio group, its netdevs in use */
	struct fn_users users;
};

/*
 * A PF: a PCI function with SR-IOV, or a netdevsim device (the kernel's
 * software device; /sys/bus/netdevsim/devices/netdevsimN with sriov_numvfs).
 * bus_name/dev_name name it as devlink does ("pci"/"0000:07:00.0",
 * "netdevsim"/"netdevsim10"), and its sysfs directory is
 * /sys/bus/BUS_NAME/devices/DEV_NAME. On netdevsim, addr is all zero and
 * addr_str holds dev_name (messages name the PF by addr_str); the ids,
 * names, config space, IOMMU group and NUMA node are unset, total_vfs is
 * debugfs' max_vfs (-1 when unreadable).
 */
struct pf {
	char bus_name[16];
	char dev_name[32];
	struct pci_addr addr;
	char addr_str[PCI_ADDR_STRLEN];
	uint16_t vendor_id, device_id;
	uint16_t subsys_vendor_id, subsys_device_id;
	uint32_t class_code;
	uint8_t revision;
	char vendor_name[128]; /* from pci.ids, as lspci prints it */
	char device_name[192];
	char class_name[96];
	char driver[64]; /* empty: none */
	char module[64]; /* empty: built in or none */
	int numa_node;	 /* -1: none */
	int iommu_group; /* -1: none */
	struct netdev_info *netdevs;
	size_t n_netdevs;
	/* sysfs sriov_* attributes; -1 when unreadable */
	int total_vfs;
	int num_vfs;
	int drivers_autoprobe;
	int sysfs_vf_offset, sysfs_vf_stride, sysfs_vf_device;
	int vf_total_msix; /* sriov_vf_total_msix; -1 when absent */
	/* config space */
	bool has_caps;
	bool config_partial; /* only the first 64 bytes were readable (not root) */
	struct pci_caps caps;
	struct vf *vfs;
	size_t n_vfs;
	/* rtnetlink view (when a PF netdev exists) */
	bool vf_list_truncated;
	void *rtnl_raw; /* the reply message, kept with INV_KEEP_RTNL (capture) */
	size_t rtnl_raw_len;
	/* with INV_USERS: who uses the PF itself (vfio holders, netdevs in use) */
	struct fn_users users;
};

/* The members of one IOMMU group, resolved for the groups of listed functions. */
struct iommu_group {
	int id;
	char (*members)[PCI_ADDR_STRLEN];
	size_t n_members;
};

struct inventory {
	struct pf *pfs;
	size_t n_pfs;
	struct iommu_group *groups;
	size_t n_groups;
	/* notes for the user, e.g. "config space limited to 64 bytes: not root" */
	char notes[8][256];
	int n_notes;
	/* a PF's sriov_numvfs/sriov_totalvfs or a virtfnN link made no sense (noted) */
	bool damaged;
};

enum inventory_flags {
	INV_NO_NETLINK = 1 << 0, /* do not query rtnetlink (tests, --root) */
	INV_NO_NAMES = 1 << 1,	 /* skip pci.ids lookups */
	INV_KEEP_RTNL = 1 << 2,	 /* keep each PF's raw rtnetlink reply (capture) */
	INV_USERS = 1 << 3,	 /* fill pf->users and vf->users (usage.h) */
	/* PFs only (sriovctl list): no VFs (pf->vfs empty, the counts from
	 * sysfs), PF netdev names without details, no inv->groups */
	INV_PFS_ONLY = 1 << 4,
};

/*
 * Reads every SR-IOV PF under r. On the live host, VF settings come from
 * rtnetlink; under a --root tree from the messages `capture` stored there
 * (/.sriovctl/rtnl/<ifname>). Returns 0 or -errno.
 */
int sriov_inventory_read(struct sriov_root *r, unsigned int flags, struct inventory *inv,
			 struct sriov_err *e);
void sriov_inventory_free(struct inventory *inv);

const struct iommu_group *inventory_group(const struct inventory *inv, int id);
/* The PCI PF at a (never a netdevsim PF), or NULL. */
const struct pf *inventory_find_pf(const struct inventory *inv, const struct pci_addr *a);
/* The PF bus_name/dev_name ("pci"/"0000:07:00.0", "netdevsim"/"netdevsim10"). */
const struct pf *inventory_find_pf_dev(const struct inventory *inv, const char *bus_name,
				       const char *dev_name);

/*
 * The one place that decides whether a PF's VFs are PCI functions (with an
 * address, a driver, an IOMMU group): true on PCI, false on netdevsim. Every
 * path that needs a VF's PCI function asks this first.
 */
bool pf_vfs_are_pci(const struct pf *pf);
/* VF index of pf as the inventory read it (pf may be NULL), or NULL. */
const struct vf *inventory_find_vf(const struct pf *pf, int index);

#endif
