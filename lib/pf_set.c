// SPDX-License-Identifier: MIT
/*
 * `sriovctl pf DEV set KEY VALUE...`: the PF settings (pf_setting.h) as
 * steps of the journaled run engine (lib/run.c), so that the lock, the
 * journal, --dry-run, rollback and `restore` work as for apply. Each value
 * that differs from the host is one step; every check (the current values
 * readable, the eswitch mode changeable now) comes before the first change.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov/pf_attr.h"
#include "sriov/pf_set.h"
#include "apply_internal.h"

static int add_step(struct run *run, const struct pf *pf, const struct pf_set_req *req,
		    const char *now)
{
	struct plan *p = &run->res->plan;
	struct plan_step *s;

	if (p->n == p->cap && plan_grow(p) < 0)
		return -ENOMEM;
	s = &p->steps[p->n++];
	memset(s, 0, sizeof(*s));
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

/* One step per value that differs; the checks that refuse before any change. */
static int plan_pf_set(struct run *run, const struct pf *pf,
		       const struct pf_set_req *reqs, size_t n, struct sriov_err *e)
{
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
		ret = add_step(run, pf, &reqs[i], now);
		if (ret < 0)
			return sriov_err_set(e, ret, "out of memory");
	}
	return 0;
}

static int make_change(struct run *run, struct plan_step *s, struct sriov_err *e)
{
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
