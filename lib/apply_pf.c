// SPDX-License-Identifier: MIT
/*
 * The PF-level steps of apply, restore and rollback: sriov_drivers_autoprobe,
 * the VF count, the PF link up, and the PF settings of `pf set`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/plan.h"
#include "sriov/ops.h"
#include "sriov/pf_attr.h"
#include "apply_internal.h"
#include "sysfs_paths.h"

/* ---- steps ----------------------------------------------------------------- */

static int set_autoprobe(struct run *run, const char *pf, const char *value,
			 struct sriov_err *e)
{
	return sriov_writef_attr(run->r, !strcmp(value, "yes") ? "1" : "0", e,
				 SYS_PCI_DEVICES "/%s/sriov_drivers_autoprobe", pf);
}

static int set_num_vfs(struct run *run, const char *addr, const char *value,
		       struct sriov_err *e)
{
	struct numvfs_request req;
	struct numvfs_result nres;
	const struct pf *pf;
	int ret;

	ret = run_read_host(run, e);
	if (ret < 0)
		return ret;
	pf = plan_find_pf(&run->inv, addr);
	if (!pf)
		return sriov_err_set(e, -ENODEV, "%s: the PF is no longer on this host",
				     addr);
	numvfs_request_init(&req, atoi(value));
	if (run->o->numvfs_timeout_ms > 0)
		req.timeout_ms = run->o->numvfs_timeout_ms;
	memset(&nres, 0, sizeof(nres));
	ret = numvfs_set(run->r, pf, &req, &nres, e);
	if (nres.pending_pid) {
		run->pending_pid = nres.pending_pid;
		run->numvfs_pending = true;
	}
	numvfs_result_free(&nres);
	return ret;
}

static int set_pf_up(struct run *run, const struct plan_step *s, struct sriov_err *e)
{
	if (!run->nl)
		return sriov_err_set(e, -EOPNOTSUPP,
				     "%s: bringing the link up needs the live host "
				     "(not --root)",
				     s->pf_ifname);
	return rtnl_link_up_wait(run->nl, s->pf_ifindex, 5000, NULL, NULL, NULL, e);
}

static int set_pf_attr(struct run *run, const struct plan_step *s, const char *value,
		       struct sriov_err *e)
{
	const struct pf *pf;
	int ret = run_read_host(run, e);

	if (ret < 0)
		return ret;
	pf = plan_find_pf(&run->inv, s->pf);
	if (!pf)
		return sriov_err_set(e, -ENODEV, "%s: the PF is no longer on this host",
				     s->pf);
	return pf_attr_write(run->r, pf, s->pf_key, value, e);
}

int run_one(struct run *run, struct plan_step *s, const char *value, struct sriov_err *e)
{
	switch (s->kind) {
	case PLAN_AUTOPROBE:
		return set_autoprobe(run, s->pf, value, e);
	case PLAN_NUM_VFS:
		return set_num_vfs(run, s->pf, value, e);
	case PLAN_PF_UP:
		return set_pf_up(run, s, e);
	case PLAN_PF_ATTR:
		return set_pf_attr(run, s, value, e);
	default:
		return sriov_err_set(e, -EINVAL, "internal: step kind %d", s->kind);
	}
}
