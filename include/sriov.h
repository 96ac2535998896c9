/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_H
#define SRIOV_H

#include "sriov/error.h"
#include "sriov/sysroot.h"
#include "sriov/pcicfg.h"
#include "sriov/netlink.h"
#include "sriov/devlink.h"
#include "sriov/pf_setting.h"
#include "sriov/pf_attr.h"
#include "sriov/pf_set.h"
#include "sriov/inventory.h"
#include "sriov/devarg.h"
#include "sriov/names.h"
#include "sriov/capture.h"
#include "sriov/usage.h"
#include "sriov/bind.h"
#include "sriov/checks.h"
#include "sriov/kmsg.h"
#include "sriov/ops.h"
#include "sriov/vfsetting.h"
#include "sriov/vfdev.h"
#include "sriov/vfattr.h"
#include "sriov/vfset.h"
#include "sriov/vfreset.h"
#include "sriov/persist.h"
#include "sriov/config.h"
#include "sriov/journal.h"
#include "sriov/plan.h"
#include "sriov/export.h"
#include "sriov/iommu.h"

#endif
