// SPDX-License-Identifier: MIT
/*
 * netdevsim devices as PFs in the inventory. netdevsim (drivers/net/netdevsim) is the
 * kernel's software device for devlink and SR-IOV tests: a device
 * /sys/bus/netdevsim/devices/netdevsimN has sriov_numvfs, its port netdevs
 * take rtnetlink VF settings, and its VFs are no PCI functions. Its VF limit
 * is max_vfs in debugfs. In switchdev mode the device's net/ directory also
 * holds the VF representors, which are not the PF's netdevs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory_internal.h"
#include "netdevsim_internal.h"
#include "sysfs_paths.h"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct netdev_info *)a)->name,
		      ((const struct netdev_info *)b)->name);
}

/* The device's netdevs other than VF representors, sorted by name. */
static int list_netdevs(struct sriov_root *r, const char *dev, struct netdev_info **out,
			size_t *n_out)
{
	struct sriov_dirent *ents;
	size_t n, k = 0;

	*out = NULL;
	*n_out = 0;
	if (sriov_list_dirf(r, &ents, &n, NULL, SYS_NETDEVSIM_DEVICES "/%s/net", dev) < 0)
		return 0;
	*out = calloc(n ? n : 1, sizeof(**out));
	if (!*out) {
		free(ents);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(ents[i].name);

		if (len >= sizeof((*out)[0].name) || !sriov_name_is_safe(ents[i].name) ||
		    netdevsim_is_representor(r, dev, ents[i].name))
			continue;
		memcpy((*out)[k++].name, ents[i].name, len + 1);
	}
	free(ents);
	qsort(*out, k, sizeof(**out), cmp_name);
	*n_out = k;
	return 0;
}

/* A count of VFs read from dir/dev/name, or -1. */
static int read_count(struct sriov_root *r, const char *dir, const char *dev,
		      const char *name)
{
	uint64_t v;

	if (sriov_readf_u64(r, 10, &v, NULL, "%s/%s/%s", dir, dev, name) < 0 ||
	    v > 0xffff)
		return -1;
	return (int)v;
}

/* VFs 0..num_vfs-1: indexes only, no PCI function. */
static int make_vfs(struct pf *pf)
{
	if (pf->num_vfs <= 0)
		return 0;
	pf->vfs = calloc((size_t)pf->num_vfs, sizeof(*pf->vfs));
	if (!pf->vfs)
		return -ENOMEM;
	for (int i = 0; i < pf->num_vfs; i++) {
		pf->vfs[i].index = (unsigned int)i;
		pf->vfs[i].iommu_group = -1;
	}
	pf->n_vfs = (size_t)pf->num_vfs;
	return 0;
}

int netdevsim_pf_read(struct sriov_root *r, const char *dev, unsigned int flags,
		      struct pf *pf)
{
	int ret;

	if (sriov_pathf_exists(r, SYS_NETDEVSIM_DEVICES "/%s/sriov_numvfs", dev) < 0)
		return 1;
	snprintf(pf->bus_name, sizeof(pf->bus_name), "%s", NETDEVSIM_BUS);
	snprintf(pf->dev_name, sizeof(pf->dev_name), "%s", dev);
	snprintf(pf->addr_str, sizeof(pf->addr_str), "%s", dev);
	snprintf(pf->device_name, sizeof(pf->device_name), "netdevsim");
	pf->numa_node = pf->iommu_group = -1;
	pf->drivers_autoprobe = -1;
	pf->sysfs_vf_offset = pf->sysfs_vf_stride = pf->sysfs_vf_device = -1;
	pf->num_vfs = read_count(r, SYS_NETDEVSIM_DEVICES, dev, "sriov_numvfs");
	pf->total_vfs = read_count(r, NETDEVSIM_DEBUGFS, dev, "max_vfs");
	if (sriov_readf_link_base(r, pf->driver, sizeof(pf->driver), NULL,
				  SYS_NETDEVSIM_DEVICES "/%s/driver", dev) < 0)
		pf->driver[0] = '\0';
	if (pf->driver[0] &&
	    sriov_readf_link_base(r, pf->module, sizeof(pf->module), NULL,
				  SYS_NETDEVSIM_DEVICES "/%s/driver/module", dev) < 0)
		pf->module[0] = '\0';
	ret = list_netdevs(r, dev, &pf->netdevs, &pf->n_netdevs);
	if (ret < 0 || (flags & INV_PFS_ONLY))
		return ret;
	return make_vfs(pf);
}
