// SPDX-License-Identifier: MIT
/*
 * Carrying out a plan (`sriovctl apply`): waiting for the configured PFs,
 * planning under the lock, the PF-level steps, a new plan for the VFs once
 * their count changed, then the VF settings and drivers (plan.h). The run
 * engine (lock, journal) is lib/run.c; the steps are apply_pf.c and
 * apply_vf.c; rollback is restore.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sriov/plan.h"
#include "sriov/vfattr.h"
#include "clock.h"
#include "apply_internal.h"

void apply_result_free(struct apply_result *res)
{
	plan_free(&res->plan);
	cfg_diags_free(&res->diags);
}

static size_t missing_pfs(struct run *run)
{
	struct apply_result *res = run->res;

	res->n_missing = 0;
	for (size_t i = 0; i < run->cfg->n_pfs; i++) {
		const struct cfg_selector *sel = &run->cfg->pfs[i].sel;

		if (sel->kind == CFG_SEL_ID || plan_selector_present(sel, &run->inv))
			continue;
		if (res->n_missing < sizeof(res->missing) / sizeof(res->missing[0]))
			snprintf(res->missing[res->n_missing++], sizeof(res->missing[0]),
				 "%s", sel->text);
	}
	return res->n_missing;
}

/* Boot: the configured PFs may not have appeared yet (drivers, udev renames). */
static int wait_for_devices(struct run *run, struct sriov_err *e)
{
	long start = mono_ms(), next_note = 0;
	int ret = run_read_host(run, e);

	while (ret == 0 && missing_pfs(run) && run->o->device_timeout_ms > 0) {
		long waited = mono_ms() - start;

		if (waited >= run->o->device_timeout_ms)
			break;
		if (waited >= next_note) {
			run_progress(run, "waiting for %s to appear (%lds of %ds)",
				     run->res->missing[0], waited / 1000,
				     run->o->device_timeout_ms / 1000);
			next_note = waited + 1000;
		}
		sleep_ms(250);
		ret = run_read_host(run, e);
	}
	return ret;
}

static int set_new_value(struct run *run, struct plan_step *s, struct sriov_err *e)
{
	return run_one(run, s, s->new_value, e);
}

static void run_pf_step(struct run *run, struct plan_step *s)
{
	run_progress(run, "%s: %s %s -> %s", s->pf, plan_step_key(s),
		     s->old_value[0] ? s->old_value : "?", s->new_value);
	run_journaled(run, s, set_new_value);
}

/* ---- the whole run ------------------------------------------------------------ */

static bool pf_count_failed(const struct plan *p, const char *pf)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->steps[i].kind == PLAN_NUM_VFS && !strcmp(p->steps[i].pf, pf) &&
		    p->steps[i].status == PLAN_FAILED)
			return true;
	return false;
}

static bool is_pf_level(const struct plan_step *s)
{
	return s->kind == PLAN_AUTOPROBE || s->kind == PLAN_NUM_VFS;
}

/*
 * After the counts changed: the VF steps again, from the host. The result
 * plan keeps the PF-level steps as run and takes the rest from the new plan.
 */
static int replan_vfs(struct run *run, struct sriov_err *e)
{
	struct plan fresh = {0}, *p = &run->res->plan;
	size_t keep = 0;
	int ret;

	ret = run_read_host(run, e);
	if (ret < 0)
		return ret;
	ret = plan_compute(run->r, run->nl, run->cfg, &run->inv, &fresh, &run->res->diags,
			   e);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < p->n; i++)
		if (is_pf_level(&p->steps[i]))
			p->steps[keep++] = p->steps[i];
	p->n = keep;
	for (size_t i = 0; i < fresh.n; i++) {
		struct plan_step *s = &fresh.steps[i];

		if (is_pf_level(s) || pf_count_failed(p, s->pf))
			continue;
		if (p->n == p->cap && plan_grow(p) < 0) {
			plan_free(&fresh);
			return sriov_err_set(e, -ENOMEM, "out of memory");
		}
		p->steps[p->n++] = *s;
	}
	plan_free(&fresh);
	return 0;
}

/* The VFs' steps stay predicted (their targets unknown): none can run. */
static void fail_predicted(struct run *run, const struct sriov_err *err)
{
	struct plan *p = &run->res->plan;

	for (size_t i = 0; i < p->n; i++) {
		struct plan_step *s = &p->steps[i];

		char msg[512];

		if (!s->predicted || s->status != PLAN_PENDING)
			continue;
		snprintf(msg, sizeof(msg),
			 "not run: the VF steps could not be planned once the count "
			 "changed: %.400s",
			 err->msg);
		run_step_failed(s, err->code, msg, NULL);
	}
}

/*
 * A sriov_numvfs write still runs in the kernel: it holds the PF's device
 * lock, and reading the PF (sriov_numvfs, driver_override) would wait for
 * it, without a bound. The steps left are not run.
 */
static void stop_after_pending_write(struct run *run)
{
	struct plan *p = &run->res->plan;
	char msg[200];

	snprintf(msg, sizeof(msg),
		 "not run: a write to sriov_numvfs is still running in the kernel "
		 "(pid %d)",
		 run->pending_pid);
	for (size_t i = 0; i < p->n; i++)
		if (p->steps[i].status == PLAN_PENDING)
			run_step_failed(&p->steps[i], -ETIMEDOUT, msg,
					"run apply again once that write has finished "
					"(the lock is held until then)");
}

static void execute(struct run *run)
{
	struct plan *p = &run->res->plan;
	bool counts_changed = false;
	struct sriov_err err;

	for (size_t i = 0; i < p->n; i++) {
		if (!is_pf_level(&p->steps[i]))
			continue;
		run_pf_step(run, &p->steps[i]);
		counts_changed |= p->steps[i].kind == PLAN_NUM_VFS;
		if (run->numvfs_pending) {
			stop_after_pending_write(run);
			return;
		}
	}
	sriov_err_clear(&err);
	if (counts_changed && replan_vfs(run, &err) < 0)
		fail_predicted(run, &err);
	for (size_t i = 0; i < p->n; i++)
		if (p->steps[i].kind == PLAN_PF_UP)
			run_pf_step(run, &p->steps[i]);
	run_vf_attrs(run);
	run_drivers(run);
}

/*
 * Under the lock, from the host as it is now: another run may have changed
 * it while this one waited.
 */
static int replan_locked(struct run *run, struct sriov_err *e)
{
	struct apply_result *res = run->res;
	int ret;

	res->plan.n = 0;
	res->plan.n_notes = 0;
	res->plan.pfs_matched = 0;
	ret = run_begin(run, "apply", e);
	if (ret == 0)
		ret = run_read_host(run, e);
	if (ret < 0)
		return ret;
	return plan_compute(run->r, run->nl, run->cfg, &run->inv, &res->plan, &res->diags,
			    e);
}

int sriov_apply(struct sriov_root *r, const struct sriov_config *cfg,
		const struct apply_opts *o, struct apply_result *res, struct sriov_err *e)
{
	struct run run = {.r = r, .o = o, .res = res, .cfg = cfg, .lock_fd = -1};
	int ret;

	memset(res, 0, sizeof(*res));
	ret = run_open(&run, e);
	if (ret == 0)
		ret = wait_for_devices(&run, e);
	/* every input error shows here, before the lock or the journal is touched */
	if (ret == 0)
		ret = plan_compute(r, run.nl, cfg, &run.inv, &res->plan, &res->diags, e);
	/* a dry run, --check or nothing to do: what the journal says, unchanged */
	if (ret == 0 && (o->dry_run || !res->plan.n))
		ret = run_read_journal(&run, true, e);
	if (ret == 0 && !o->dry_run && res->plan.n)
		ret = replan_locked(&run, e);
	if (ret == 0 && !o->dry_run && res->plan.n)
		ret = run_journaled_plan(&run, "apply", o->files, o->n_files, execute, e);
	run_end(&run);
	return ret;
}
