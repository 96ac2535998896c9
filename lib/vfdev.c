// SPDX-License-Identifier: MIT
/*
 * The VF function's own state (vfdev.h): its driver, netdev, MTU and MSI-X
 * count, and the PF's bounds for them, read from sysfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/vfdev.h"
#include "sysfs_paths.h"

static bool read_u32(struct sriov_root *r, uint32_t *out, const char *dir,
		     const char *name, const char *attr)
{
	uint64_t v;

	if (sriov_readf_u64(r, 10, &v, NULL, "%s/%s/%s", dir, name, attr) < 0 ||
	    v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* The MSI-X Table Size in the function's config space (standard part). */
static bool read_msix_table_size(struct sriov_root *r, const char *addr, uint32_t *out)
{
	static __thread struct pcicfg cfg;
	static __thread struct pci_caps caps;

	memset(&cfg, 0, sizeof(cfg));
	if (sriov_readf_file(r, (char *)cfg.data, PCI_CFG_STD_SIZE, &cfg.len, NULL,
			     SYS_PCI_DEVICES "/%s/config", addr) < 0 ||
	    pci_caps_decode(&cfg, &caps, NULL) < 0 || !caps.has_msix)
		return false;
	*out = caps.msix.table_size;
	return true;
}

void vf_fn_state_read(struct sriov_root *r, const char *vf_addr, const char *ifname,
		      bool msix, struct vf_info *vi)
{
	vi->has_mtu = false;
	vi->has_msix = false;
	if (ifname[0] && sriov_name_is_safe(ifname))
		vi->has_mtu = read_u32(r, &vi->mtu, SYS_CLASS_NET, ifname, "mtu");
	if (msix && vf_addr[0] && sriov_name_is_safe(vf_addr))
		vi->has_msix = read_msix_table_size(r, vf_addr, &vi->msix_count);
}

void vf_fn_first_netdev(struct sriov_root *r, const char *addr, char ifname[16],
			int *ifindex)
{
	struct sriov_dirent *ents;
	uint64_t v;
	size_t n;

	ifname[0] = '\0';
	*ifindex = 0;
	if (sriov_list_dirf(r, &ents, &n, NULL, SYS_PCI_DEVICES "/%s/net", addr) < 0)
		return;
	if (n && sriov_name_is_safe(ents[0].name) && strlen(ents[0].name) < 16)
		memcpy(ifname, ents[0].name, strlen(ents[0].name) + 1);
	free(ents);
	if (ifname[0] &&
	    sriov_readf_u64(r, 10, &v, NULL, SYS_PCI_DEVICES "/%s/net/%s/ifindex", addr,
			    ifname) == 0 &&
	    v > 0 && v < INT32_MAX)
		*ifindex = (int)v;
}

int vf_fn_read(struct sriov_root *r, const char *pf_addr, unsigned int index, bool msix,
	       struct vf_fn *fn, struct vf_info *vi)
{
	memset(fn, 0, sizeof(*fn));
	if (!sriov_name_is_safe(pf_addr) ||
	    sriov_readf_link_base(r, fn->addr, sizeof(fn->addr), NULL,
				  SYS_PCI_DEVICES "/%s/virtfn%u", pf_addr, index) < 0 ||
	    !sriov_name_is_safe(fn->addr)) {
		fn->addr[0] = '\0';
		return -ENOENT;
	}
	if (sriov_readf_link_base(r, fn->driver, sizeof(fn->driver), NULL,
				  SYS_PCI_DEVICES "/%s/driver", fn->addr) < 0)
		fn->driver[0] = '\0';
	vf_fn_first_netdev(r, fn->addr, fn->ifname, &fn->ifindex);
	vf_fn_state_read(r, fn->addr, fn->ifname, msix, vi);
	return 0;
}

void vf_fn_pf_read(struct sriov_root *r, const char *pf_addr, const char *pf_ifname,
		   struct vf_fn_pf *out)
{
	memset(out, 0, sizeof(*out));
	if (pf_ifname[0] && sriov_name_is_safe(pf_ifname))
		out->has_mtu = read_u32(r, &out->mtu, SYS_CLASS_NET, pf_ifname, "mtu");
	if (pf_addr[0] && sriov_name_is_safe(pf_addr))
		out->has_total_msix = read_u32(r, &out->total_msix, SYS_PCI_DEVICES,
					       pf_addr, "sriov_vf_total_msix");
}

int vf_fn_netdev_pci(struct sriov_root *r, const char *ifname, char addr[PCI_ADDR_STRLEN])
{
	if (!sriov_name_is_safe(ifname) ||
	    sriov_readf_link_base(r, addr, PCI_ADDR_STRLEN, NULL,
				  SYS_CLASS_NET "/%s/device", ifname) < 0 ||
	    !sriov_name_is_safe(addr)) {
		addr[0] = '\0';
		return -ENOENT;
	}
	return 0;
}

int vf_fn_msix_write(struct sriov_root *r, const char *vf_addr, uint32_t count,
		     struct sriov_err *e)
{
	char val[16];

	if (!sriov_name_is_safe(vf_addr))
		return sriov_err_set(e, -EINVAL, "invalid PCI address '%s'", vf_addr);
	snprintf(val, sizeof(val), "%u", count);
	return sriov_writef_attr(r, val, e, SYS_PCI_DEVICES "/%s/sriov_vf_msix_count",
				 vf_addr);
}
