/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_FUNCTION_VIEW_H
#define SRIOVCTL_FUNCTION_VIEW_H

#include <stdio.h>
#include "cli.h"

/*
 * Any PCI function and IOMMU groups (sriov/iommu.h), for `show` of a function
 * without SR-IOV and for `groups`. names may be NULL (numbers only).
 */
struct json_object *function_view_json(const struct pci_function *f,
				       const struct iommu_group_view *g,
				       struct pci_names *names);
void function_view_text(FILE *out, const struct pci_function *f,
			const struct iommu_group_view *g, struct pci_names *names);

struct json_object *group_view_json(const struct iommu_group_view *g,
				    struct pci_names *names);
void group_view_text(FILE *out, const struct iommu_group_view *g,
		     struct pci_names *names);

#endif
