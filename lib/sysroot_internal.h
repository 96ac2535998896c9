/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_SYSROOT_INTERNAL_H
#define SRIOV_SYSROOT_INTERNAL_H

#include "sriov/sysroot.h"

/*
 * For tests: resolve paths of r in user space, as on a kernel without
 * openat2 (or under valgrind), so the same containment tests cover both.
 */
void sriov_root_force_walk(struct sriov_root *r);

/*
 * The in-root walk itself (RESOLVE_IN_ROOT done in user space), with a look
 * at each step, for capture: link() for every symlink met on the way (its
 * path inside the root, which holds no symlink, and its target), then
 * last() for the entry path names: the directory fd holding it and its name
 * ("." when the path ends at a directory), a symlink there not followed
 * unless follow_last. Paths have no leading slash ("" is the root). A
 * callback's negative return stops the walk and is returned; a missing
 * component ends it with -ENOENT (or the -errno met), a loop with -ELOOP.
 */
struct sriov_walk_visitor {
	int (*link)(void *ctx, const char *path, const char *target);
	int (*last)(void *ctx, const char *path, int dirfd, const char *name);
	void *ctx;
};

int sriov_root_walk(struct sriov_root *r, const char *path, bool follow_last,
		    const struct sriov_walk_visitor *v);

#endif
