/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_VF_LIMIT_H
#define SRIOV_VF_LIMIT_H

#include <stddef.h>
#include "inventory.h"

/*
 * Where a PF's VF limit comes from, decided in one place so that `show`,
 * `check` and their JSON say the same. The kernel accepts up to
 * sriov_totalvfs, which is the SR-IOV capability's TotalVFs unless the PF
 * driver set a lower limit (igb: 7 of the 82576's 8).
 */
enum vf_limit_source {
	VF_LIMIT_UNKNOWN,    /* neither sriov_totalvfs nor the capability is readable */
	VF_LIMIT_CAPABILITY, /* the capability's TotalVFs (the device firmware's) */
	VF_LIMIT_DRIVER,     /* the PF driver set sriov_totalvfs below it */
	VF_LIMIT_SYSFS,	     /* only sriov_totalvfs is known (capability not read) */
};

struct vf_limit {
	int total_vfs;	 /* the effective limit; -1 unknown */
	int sysfs_total; /* sriov_totalvfs; -1 unreadable */
	int cap_total;	 /* the capability's TotalVFs; -1 not read */
	enum vf_limit_source source;
};

void vf_limit_of(const struct pf *pf, struct vf_limit *l);

/* "capability", "driver", "sysfs" or "unknown" (the JSON spelling). */
const char *vf_limit_source_name(enum vf_limit_source s);

/*
 * The source in words, the same for every command, e.g. "limited by the PF
 * driver igb; the capability's TotalVFs is 8" or "the capability's
 * TotalVFs, set by the device firmware".
 */
void vf_limit_describe(const struct pf *pf, const struct vf_limit *l, char *buf,
		       size_t size);

#endif
