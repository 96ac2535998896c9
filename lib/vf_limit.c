// SPDX-License-Identifier: MIT
/* Where a PF's VF limit comes from: the PF driver, the capability or sysfs only. */
#include <stdio.h>

#include "sriov/vf_limit.h"

/* The capability as read from config space (not filled in from sysfs). */
static int cap_total(const struct pf *pf)
{
	if (!pf->has_caps || !pf->caps.has_sriov || pf->caps.sriov.offset == 0)
		return -1;
	return pf->caps.sriov.total_vfs;
}

void vf_limit_of(const struct pf *pf, struct vf_limit *l)
{
	l->sysfs_total = pf->total_vfs;
	l->cap_total = cap_total(pf);
	if (l->cap_total < 0) {
		l->total_vfs = l->sysfs_total;
		l->source = l->sysfs_total < 0 ? VF_LIMIT_UNKNOWN : VF_LIMIT_SYSFS;
		return;
	}
	if (l->sysfs_total >= 0 && l->sysfs_total < l->cap_total) {
		l->total_vfs = l->sysfs_total;
		l->source = VF_LIMIT_DRIVER;
		return;
	}
	l->total_vfs = l->cap_total;
	l->source = VF_LIMIT_CAPABILITY;
}

const char *vf_limit_source_name(enum vf_limit_source s)
{
	switch (s) {
	case VF_LIMIT_CAPABILITY:
		return "capability";
	case VF_LIMIT_DRIVER:
		return "driver";
	case VF_LIMIT_SYSFS:
		return "sysfs";
	case VF_LIMIT_UNKNOWN:
		break;
	}
	return "unknown";
}

void vf_limit_describe(const struct pf *pf, const struct vf_limit *l, char *buf,
		       size_t size)
{
	if (!pf_vfs_are_pci(pf)) {
		snprintf(buf, size, "%s",
			 l->total_vfs >= 0 ? "max_vfs of netdevsim, from debugfs"
					   : "unknown: netdevsim's max_vfs is in debugfs "
					     "(mounted, readable by root)");
		return;
	}
	switch (l->source) {
	case VF_LIMIT_DRIVER:
		snprintf(buf, size,
			 "limited by the PF driver %s; the capability's TotalVFs is %d",
			 pf->driver[0] ? pf->driver : "(unbound)", l->cap_total);
		return;
	case VF_LIMIT_CAPABILITY:
		snprintf(buf, size,
			 "the capability's TotalVFs, set by the device firmware");
		return;
	case VF_LIMIT_SYSFS:
		snprintf(buf, size,
			 "sriov_totalvfs; the capability was not read (config space "
			 "beyond 256 bytes needs root)");
		return;
	case VF_LIMIT_UNKNOWN:
		break;
	}
	snprintf(buf, size,
		 "unknown: neither sriov_totalvfs nor the capability is readable");
}
