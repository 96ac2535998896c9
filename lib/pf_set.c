// SPDX-License-Identifier: MIT
/*
 * `sriovctl pf DEV set KEY VALUE...`: the PF settings (pf_setting.h) as
 * steps of the journaled run engine (lib/run.c), so that the lock, the
 * journal, --dry-run, rollback and `restore` work as for apply. Each value
 * that differs from the host is one step; every check (the current values
 * readable, the eswitch mode changeable now) comes before the first change.
 * A driver that switches the eswitch only while its VFs have no driver
 * (mlx5) gets the order it needs as steps of the same run: each VF's driver
 * unbound, the settings, the drivers bound again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov/pf_attr.h"
#include "sriov/pf_set.h"
#include "apply_internal.h"

static struct plan_step *new_step(struct run *run)
{
	struct plan *p = &run->res->plan;
	struct plan_step *s;

	if (p->n == p->cap && plan_grow(p) < 0)
		return NULL;
	s = &p->steps[p->n++];
	memset(s, 0, sizeof(*s));
	return s;
}

static int add_step(struct run *run, const struct pf *pf, const struct pf_set_req *req,
		    const char *now)
{
	struct plan_step *s = new_step(run);

	if (!s)
		return -ENOMEM;
	s->kind = PLAN_PF_ATTR;
	s->pf_key = req->key;
	s->vf = -1;
	snprintf(s->pf, sizeof(s->pf), "%s", pf->addr_str);
	snprintf(s->target, sizeof(s->target), "%s", pf->addr_str);
	if (pf->n_netdevs) {
		snprintf(s->pf_ifname, sizeof(s->pf_ifname), "%s", pf->netdevs[0].name);
		s->pf_ifindex = pf->netdevs[0].ifindex;
	}
	snprintf(s->old_value, sizeof(s->old_value), "%s", now);
	snprintf(s->new_value, sizeof(s->new_value), "%s", req->value);
	return 0;
}

/* A VF's driver: to none (unbind) or back to driver (rebind) around the switch. */
static int add_driver_step(struct run *run, const struct pf *pf, const struct vf *vf,
			   const char *from, const char *to)
{
	struct plan_step *s = new_step(run);

	if (!s)
		return -ENOMEM;
	s->kind = PLAN_DRIVER;
	s->vf = (int)vf->index;
	snprintf(s->pf, sizeof(s->pf), "%s", pf->addr_str);
	snprintf(s->target, sizeof(s->target), "%s", vf->addr_str);
	if (pf->n_netdevs)
		snprintf(s->pf_ifname, sizeof(s->pf_ifname), "%s", pf->netdevs[0].name);
	snprintf(s->old_value, sizeof(s->old_value), "%s", from);
	snprintf(s->new_value, sizeof(s->new_value), "%s", to);
	return 0;
}

/*
 * The VFs with a driver, unbound before the switch (mlx5). A driver that
 * came from a driver_override is left to the user: refused with the remedy.
 */
static int plan_unbind_vfs(struct run *run, const struct pf *pf, struct sriov_err *e)
{
	char override[PLAN_VALUE_MAX];

	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct vf *vf = &pf->vfs[i];

		if (!vf->driver[0])
			continue;
		plan_read_override(run->r, vf->addr_str, override, sizeof(override));
		if (override[0]) {
			sriov_err_set(
				e, -EBUSY,
				"%s: %s changes the eswitch mode only while its VFs "
				"have no driver; VF %u has %s through driver_override",
				pf->addr_str, pf->driver, vf->index, vf->driver);
			sriov_err_hint(e,
				       "sriovctl unbind %s/%u, then pf set, then bind it "
				       "again",
				       pf->addr_str, vf->index);
			return -EBUSY;
		}
		if (add_driver_step(run, pf, vf, vf->driver, "") < 0)
			return sriov_err_set(e, -ENOMEM, "out of memory");
	}
	return 0;
}

/* The drivers unbound by plan_unbind_vfs(), bound again after the settings. */
static int plan_rebind_vfs(struct run *run, const struct pf *pf, size_t first, size_t end)
{
	for (size_t i = first; i < end; i++) {
		const struct plan_step *s = &run->res->plan.steps[i];
		const struct vf *vf;

		if (s->kind != PLAN_DRIVER || s->new_value[0])
			continue;
		vf = inventory_find_vf(pf, s->vf);
		if (vf && add_driver_step(run, pf, vf, "", vf->driver) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* One step per value that differs; the checks that refuse before any change. */
static int plan_pf_set(struct run *run, const struct pf *pf,
		       const struct pf_set_req *reqs, size_t n, struct sriov_err *e)
{
	size_t unbind_from = 0, unbind_end = 0;
	char now[PLAN_VALUE_MAX];
	int ret;

	for (size_t i = 0; i < n; i++) {
		ret = pf_attr_read(run->r, pf, reqs[i].key, now, sizeof(now), e);
		if (ret < 0)
			return ret;
		if (!strcmp(now, reqs[i].value)) {
			run_note(run, "%s: %s is %s already", pf->addr_str,
				 pf_key_name(reqs[i].key), now);
			continue;
		}
		if (reqs[i].key == PF_KEY_ESWITCH && pf_eswitch_change_ok(pf, e) < 0)
			return e && e->code ? e->code : -EBUSY;
		if (reqs[i].key == PF_KEY_ESWITCH &&
		    pf_eswitch_rate_nodes_ok(run->r, pf, e) < 0)
			return -EBUSY;
		if (reqs[i].key == PF_KEY_ESWITCH && pf_eswitch_needs_unbound_vfs(pf)) {
			unbind_from = run->res->plan.n;
			ret = plan_unbind_vfs(run, pf, e);
			if (ret < 0)
				return ret;
			unbind_end = run->res->plan.n;
		}
		ret = add_step(run, pf, &reqs[i], now);
		if (ret < 0)
			return sriov_err_set(e, ret, "out of memory");
	}
	if (plan_rebind_vfs(run, pf, unbind_from, unbind_end) < 0)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	return 0;
}

static int make_change(struct run *run, struct plan_step *s, struct sriov_err *e)
{
	if (s->kind == PLAN_DRIVER) /* "" unbinds; a driver binds it by default */
		return run_driver_put_back(run, s->target, s->new_value, "", e);
	return run_one(run, s, s->new_value, e);
}

static void execute(struct run *run)
{
	struct plan *p = &run->res->plan;

	for (size_t i = 0; i < p->n; i++)
		run_journaled(run, &p->steps[i], make_change);
}

int sriov_pf_set(struct sriov_root *r, const char *addr, const struct pf_set_req *reqs,
		 size_t n, const struct apply_opts *o, struct apply_result *res,
		 struct sriov_err *e)
{
	struct run run = {.r = r, .o = o, .res = res, .lock_fd = -1};
	const struct pf *pf;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = run_open(&run, e);
	if (ret == 0)
		ret = run_begin(&run, "pf", e);
	if (ret == 0)
		ret = run_read_host(&run, e);
	pf = ret == 0 ? plan_find_pf(&run.inv, addr) : NULL;
	if (ret == 0 && !pf)
		ret = sriov_err_set(e, -ENODEV, "%s is not an SR-IOV PF on this host",
				    addr);
	if (ret == 0)
		ret = plan_pf_set(&run, pf, reqs, n, e);
	if (ret == 0 && !o->dry_run && res->plan.n)
		ret = run_journaled_plan(&run, "pf", NULL, 0, execute, e);
	run_end(&run);
	return ret;
}
