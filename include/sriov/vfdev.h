/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_VFDEV_H
#define SRIOV_VFDEV_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"
#include "sysroot.h"
#include "pcicfg.h"
#include "netlink.h"

/*
 * The VF function's own state beside the PF's rtnetlink view of it: its
 * driver, its netdev and that netdev's MTU, its MSI-X vector count; and the
 * PF's bounds for them (its netdev's MTU, sriov_vf_total_msix). All from
 * sysfs, through the root-aware layer, so that recorded trees (--root) have
 * them too. The VF settings mtu and msix (vfsetting.h) are read here.
 *
 * The kernel's sriov_vf_msix_count is write-only (every VF has it; writing
 * fails with EOPNOTSUPP unless the PF's driver can do it, EBUSY while the VF
 * has a driver), so the count is read where the VF's driver finds it: the
 * Table Size of the MSI-X capability in the VF's config space. The PF's
 * sriov_vf_total_msix reads 0 when its driver cannot set VFs' vectors (all
 * but mlx5 today); only then is a VF's config space read.
 */

/* One VF, found through its PF's virtfnN link. */
struct vf_fn {
	char addr[PCI_ADDR_STRLEN]; /* empty when virtfnN is missing */
	char driver[64];	    /* empty: no driver bound */
	char ifname[16];	    /* its first netdev; empty when it has none */
	int ifindex;		    /* 0 when unknown */
};

/* The PF's bounds. */
struct vf_fn_pf {
	bool has_mtu;
	uint32_t mtu; /* its first netdev's MTU */
	bool has_total_msix;
	uint32_t total_msix; /* sriov_vf_total_msix; 0: its driver cannot set them */
};

/*
 * VF index of PF pf_addr: its address, driver, netdev; and its MTU and (with
 * msix) MSI-X count into vi (has_mtu, has_msix; vi's other fields are left
 * as they are). -ENOENT when the PF has no virtfnN link (or an unsafe name).
 */
int vf_fn_read(struct sriov_root *r, const char *pf_addr, unsigned int index, bool msix,
	       struct vf_fn *fn, struct vf_info *vi);

/*
 * The MTU of netdev ifname (may be empty: no netdev) and, with msix, the
 * MSI-X Table Size of the VF at vf_addr, into vi (has_mtu, mtu, has_msix,
 * msix_count).
 */
void vf_fn_state_read(struct sriov_root *r, const char *vf_addr, const char *ifname,
		      bool msix, struct vf_info *vi);

/*
 * The first netdev (by name) of PCI function addr and its ifindex; "" and 0
 * when it has none (or they are unreadable).
 */
void vf_fn_first_netdev(struct sriov_root *r, const char *addr, char ifname[16],
			int *ifindex);

/* The PF's bounds: pf_ifname may be empty (no netdev). */
void vf_fn_pf_read(struct sriov_root *r, const char *pf_addr, const char *pf_ifname,
		   struct vf_fn_pf *out);

/* The PCI address of netdev ifname's device (its sysfs device link). 0 or -ENOENT. */
int vf_fn_netdev_pci(struct sriov_root *r, const char *ifname,
		     char addr[PCI_ADDR_STRLEN]);

/* Writes count to the VF's sriov_vf_msix_count. 0 or -errno with a message. */
int vf_fn_msix_write(struct sriov_root *r, const char *vf_addr, uint32_t count,
		     struct sriov_err *e);

#endif
