/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_SYSROOT_INTERNAL_H
#define SRIOV_SYSROOT_INTERNAL_H

#include "sriov/sysroot.h"

/*
 * For tests: resolve paths of r in user space, as on a kernel without
 * openat2 (or under valgrind), so the same containment tests cover both.
 */
void sriov_root_force_walk(struct sriov_root *r);

#endif
