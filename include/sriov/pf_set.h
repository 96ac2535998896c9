/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_PF_SET_H
#define SRIOV_PF_SET_H

#include <stddef.h>
#include "error.h"
#include "plan.h"
#include "pf_setting.h"
#include "sysroot.h"

/* One setting of `pf DEV set`: its key and canonical value (pf_value_parse()). */
struct pf_set_req {
	enum pf_key key;
	char value[PLAN_VALUE_MAX];
};

/*
 * `sriovctl pf DEV set`: takes the lock, reads the journal and the host,
 * plans one PLAN_PF_ATTR step per setting whose value differs (a note for
 * the others) and, unless o->dry_run, makes them in order, each journaled
 * before it is made (so `restore` puts it back) and read back after.
 * An eswitch mode change on a driver that needs its VFs without drivers
 * (mlx5) gets PLAN_DRIVER steps: each VF's driver unbound before it, bound
 * again after the settings. Refused before any change: the PF at addr
 * missing (-ENODEV), a value that cannot be read (no devlink instance
 * -ENOENT, no eswitch control -EOPNOTSUPP), an eswitch mode change its
 * driver cannot take now (-EBUSY: pf_eswitch_change_ok(), or a VF to unbind
 * whose driver came from driver_override). Returns 0, -EIO when a step failed (res says
 * which; o->rollback_on_error undoes the done ones), or that -errno.
 */
int sriov_pf_set(struct sriov_root *r, const char *addr, const struct pf_set_req *reqs,
		 size_t n, const struct apply_opts *o, struct apply_result *res,
		 struct sriov_err *e);

#endif
