// SPDX-License-Identifier: MIT
/*
 * The VF steps of apply, restore and rollback: a VF's settings (one
 * rtnetlink request per kernel attribute, read back) and its driver.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/bind.h"
#include "sriov/vfset.h"
#include "apply_internal.h"
#include "clock.h"
#include "sysfs_paths.h"

#define CARRIER_WAIT_MS 10000

static void fail_all(struct plan_step **steps, size_t n, const struct sriov_err *err)
{
	for (size_t i = 0; i < n; i++)
		run_step_failed(steps[i], err->code, err->msg, err->hint);
}

static bool mac_is_zero(const char *v)
{
	return !strcmp(v, "00:00:00:00:00:00");
}

/*
 * The settings to send. A zero MAC (what a VF had before one was set) is
 * not a value `vf set` accepts, but putting it back is legitimate: it goes
 * as its own request (*zero_mac).
 */
static int settings_of(struct plan_step **steps, size_t n, bool undo,
		       struct vf_settings *s, bool *zero_mac)
{
	struct sriov_err err;

	memset(s, 0, sizeof(*s));
	*zero_mac = false;
	for (size_t i = 0; i < n; i++) {
		const char *v = undo ? steps[i]->old_value : steps[i]->new_value;

		sriov_err_clear(&err);
		if (!v[0]) {
			run_step_failed(steps[i], -ENODATA,
					"the value to put back is unknown (the driver "
					"did not report it)",
					NULL);
			continue;
		}
		if (steps[i]->key == VF_KEY_MAC && mac_is_zero(v)) {
			*zero_mac = true;
			continue;
		}
		if (vf_settings_add(s, vf_key_name(steps[i]->key), v, &err) < 0)
			run_step_failed(steps[i], err.code, err.msg, err.hint);
	}
	return 0;
}

static void mark_outcomes(struct plan_step **steps, size_t n, const struct vf_set_op *op,
			  bool undo)
{
	struct sriov_err err;

	for (size_t i = 0; i < n; i++) {
		const struct vf_set_result *r;

		if (steps[i]->status == PLAN_FAILED)
			continue;
		r = vf_set_result_of(op, (unsigned int)steps[i]->vf, steps[i]->key);
		if (!r) {
			run_step_failed(steps[i], -EIO,
					"internal: no request for this key", NULL);
			continue;
		}
		if (vf_set_failed(r)) {
			vf_set_explain(r, steps[i]->pf_ifname, op->up.carrier, &err);
			run_step_failed(steps[i], err.code ? err.code : -EIO, err.msg,
					err.hint);
			continue;
		}
		steps[i]->status = undo ? PLAN_UNDONE : PLAN_DONE;
	}
}

static bool needs_carrier(struct plan_step **steps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (vf_setting_of(steps[i]->key)->needs_carrier)
			return true;
	return false;
}

/*
 * igb and others take a rate only while the PF has carrier, and creating
 * VFs resets the PF link: an up PF may be without carrier for a few
 * seconds. Waits (bounded) for it; a PF that is down stays down.
 */
static void wait_for_carrier(struct run *run, const struct plan_step *s)
{
	long start = mono_ms();
	struct link_summary sum;

	while (mono_ms() - start < CARRIER_WAIT_MS) {
		if (rtnl_get_link_summary(run->nl, s->pf_ifindex, &sum, NULL) < 0 ||
		    !sum.up || sum.carrier)
			return;
		sleep_ms(100);
	}
}

void run_vf_values(struct run *run, struct plan_step **steps, size_t n, bool undo)
{
	struct vf_settings s;
	struct vf_set_op op;
	struct sriov_err err;
	bool zero_mac;
	int ret;

	sriov_err_clear(&err);
	if (!run->nl) {
		sriov_err_set(&err, -EOPNOTSUPP,
			      "VF settings go to the kernel over rtnetlink: not under "
			      "--root");
		fail_all(steps, n, &err);
		return;
	}
	settings_of(steps, n, undo, &s, &zero_mac);
	if (!s.given && !zero_mac)
		return;
	if (needs_carrier(steps, n))
		wait_for_carrier(run, steps[0]);
	ret = vf_set_plan_one(run->r, run->nl, steps[0]->pf_ifname, steps[0]->pf_ifindex,
			      (unsigned int)steps[0]->vf, &s, zero_mac, &op, &err);
	if (ret == 0)
		ret = vf_set_apply(run->r, &op, false, &err);
	if (ret == 0 && !op.verified)
		ret = sriov_err_set(&err,
				    op.readback_err.code ? op.readback_err.code : -EIO,
				    "%s", op.readback_err.msg);
	if (ret < 0) {
		run_explain_removed(run, steps[0]->target, &err);
		fail_all(steps, n, &err);
	} else {
		mark_outcomes(steps, n, &op, undo);
	}
	vf_set_op_free(&op);
}

static bool same_vf(const struct plan_step *a, const struct plan_step *b)
{
	return a->kind == PLAN_VF_ATTR && a->status == PLAN_PENDING && a->vf == b->vf &&
	       !strcmp(a->pf, b->pf);
}

void run_vf_group(struct run *run, size_t *i)
{
	struct plan *p = &run->res->plan;
	struct plan_step *group[VF_KEY_COUNT];
	int jidx[VF_KEY_COUNT];
	struct sriov_err err;
	size_t n = 0;

	group[n++] = &p->steps[(*i)++];
	while (*i < p->n && n < VF_KEY_COUNT && same_vf(&p->steps[*i], group[0]))
		group[n++] = &p->steps[(*i)++];
	sriov_err_clear(&err);
	for (size_t k = 0; k < n; k++)
		jidx[k] = -1;
	if (run_journal_before_n(run, group, n, jidx, &err) < 0)
		fail_all(group, n, &err);
	else
		run_vf_values(run, group, n, false);
	for (size_t k = 0; k < n; k++)
		run_journal_after(run, jidx[k], group[k]);
}

/* Runs the pending VF_ATTR steps, one VF (a run of consecutive steps) at a time. */
void run_vf_attrs(struct run *run)
{
	struct plan *p = &run->res->plan;

	for (size_t i = 0; i < p->n;) {
		if (p->steps[i].kind == PLAN_VF_ATTR &&
		    p->steps[i].status == PLAN_PENDING)
			run_vf_group(run, &i);
		else
			i++;
	}
}

/* ---- drivers ------------------------------------------------------------------ */

static int bind_once(struct run *run, const char *target, enum bind_action action,
		     const char *driver, const char *const *companions,
		     size_t n_companions, char *after, size_t size, struct sriov_err *e)
{
	struct bind_request req = {
		.action = action,
		.driver = driver,
		.companions = companions,
		.n_companions = n_companions,
	};
	struct bind_plan bp;
	int ret;

	memset(&bp, 0, sizeof(bp));
	ret = bind_plan(run->r, target, &req, NULL, &bp, e);
	if (ret == 0 && !bp.nothing_to_do)
		ret = bind_apply(run->r, &bp, e);
	if (bp.pending_pid)
		run->pending_pid = bp.pending_pid;
	if (after)
		snprintf(after, size, "%s",
			 bp.nothing_to_do ? bp.previous_driver : bp.driver_after);
	bind_plan_free(&bp);
	return ret;
}

static size_t vfio_companions(const struct plan *p, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n && n < max; i++)
		if (p->steps[i].kind == PLAN_DRIVER &&
		    p->steps[i].status == PLAN_PENDING &&
		    !strcmp(p->steps[i].new_value, "vfio-pci"))
			out[n++] = p->steps[i].target;
	return n;
}

int run_driver(struct run *run, struct plan_step *s, bool undo, struct sriov_err *e)
{
	const char *companions[256];
	size_t n = 0;

	if (undo)
		return run_driver_put_back(run, s->target, s->old_value, s->old_extra, e);
	if (!strcmp(s->new_value, "default"))
		return bind_once(run, s->target, BIND_DEFAULT, NULL, NULL, 0, NULL, 0, e);
	if (!strcmp(s->new_value, "vfio-pci"))
		n = vfio_companions(&run->res->plan, companions, 256);
	return bind_once(run, s->target, BIND_DRIVER, s->new_value, companions, n, NULL,
			 0, e);
}

/*
 * Puts back a function's driver: driver ("" none bound) with override (""
 * none set). The override goes first (default clears it); a driver that
 * came from an override is bound again the same way.
 */
int run_driver_put_back(struct run *run, const char *target, const char *driver,
			const char *override, struct sriov_err *e)
{
	char after[80] = "";
	int ret;

	if (override[0])
		return bind_once(run, target, BIND_DRIVER, driver[0] ? driver : override,
				 NULL, 0, NULL, 0, e);
	ret = bind_once(run, target, BIND_DEFAULT, NULL, NULL, 0, after, sizeof(after),
			e);
	if (ret < 0)
		return ret;
	if (!driver[0])
		return after[0] ? bind_once(run, target, BIND_UNBIND, NULL, NULL, 0, NULL,
					    0, e)
				: 0;
	if (strcmp(after, driver))
		return sriov_err_set(e, -EIO, "%s: %s bound by default, not %s as before",
				     target, after[0] ? after : "no driver", driver);
	return 0;
}

static int bind_new_driver(struct run *run, struct plan_step *s, struct sriov_err *e)
{
	return run_driver(run, s, false, e);
}

void run_drivers(struct run *run)
{
	struct plan *p = &run->res->plan;

	for (size_t i = 0; i < p->n; i++)
		if (p->steps[i].kind == PLAN_DRIVER && p->steps[i].status == PLAN_PENDING)
			run_journaled(run, &p->steps[i], bind_new_driver);
}
