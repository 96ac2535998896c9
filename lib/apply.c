// SPDX-License-Identifier: MIT
/*
 * Carrying out a plan (`sriovctl apply`) and putting back the originals
 * (`sriovctl restore`): under the lock, every change journaled before it is
 * made (plan.h, journal.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sriov/plan.h"
#include "sriov/ops.h"
#include "sriov/bind.h"
#include "sriov/vfattr.h"
#include "clock.h"
#include "apply_internal.h"
#include "fault.h"

void apply_result_free(struct apply_result *res)
{
	plan_free(&res->plan);
	cfg_diags_free(&res->diags);
}

static void progress(struct run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(struct run *run, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (!run->o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	run->o->progress(run->o->progress_ctx, msg);
}

/* ---- the host ---------------------------------------------------------------- */

int run_read_host(struct run *run, struct sriov_err *e)
{
	unsigned int flags = INV_USERS | INV_NO_NAMES;

	if (run->have_inv)
		sriov_inventory_free(&run->inv);
	run->have_inv = false;
	if (!run->nl)
		flags |= INV_NO_NETLINK;
	if (sriov_inventory_read(run->r, flags, &run->inv, e) < 0)
		return e->code ? e->code : -EIO;
	run->have_inv = true;
	return 0;
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
			progress(run, "waiting for %s to appear (%lds of %ds)",
				 run->res->missing[0], waited / 1000,
				 run->o->device_timeout_ms / 1000);
			next_note = waited + 1000;
		}
		sleep_ms(250);
		ret = run_read_host(run, e);
	}
	return ret;
}

/* ---- the journal ------------------------------------------------------------- */

static void change_from_step(const struct plan_step *s, struct journal_change *c)
{
	static const enum journal_kind kinds[] = {
		[PLAN_AUTOPROBE] = JOURNAL_AUTOPROBE, [PLAN_NUM_VFS] = JOURNAL_NUM_VFS,
		[PLAN_PF_UP] = JOURNAL_PF_UP,	      [PLAN_VF_ATTR] = JOURNAL_VF_ATTR,
		[PLAN_DRIVER] = JOURNAL_DRIVER,
	};

	memset(c, 0, sizeof(*c));
	c->kind = kinds[s->kind];
	snprintf(c->pf, sizeof(c->pf), "%s", s->pf);
	c->vf = s->vf;
	snprintf(c->target, sizeof(c->target), "%s", s->target);
	snprintf(c->key, sizeof(c->key), "%s", plan_step_key(s));
	snprintf(c->old_value, sizeof(c->old_value), "%s", s->old_value);
	snprintf(c->old_extra, sizeof(c->old_extra), "%s", s->old_extra);
	snprintf(c->new_value, sizeof(c->new_value), "%s", s->new_value);
	c->status = JOURNAL_STARTED;
}

/*
 * The N-th change of the run is journaled and not yet made: where the
 * test-only SRIOVCTL_FAULT_KILL_STEP=N crashes the run (fault.h).
 */
static void fault_point(struct run *run)
{
	run->journaled++;
	fault_kill_at_step(run->journaled);
}

/*
 * Records steps[0..n-1] before they are made, then saves once (the changes
 * may happen next). index[k] gets each step's place in the journal.
 */
int run_journal_before_n(struct run *run, struct plan_step **steps, size_t n, int *index,
			 struct sriov_err *e)
{
	struct journal_change c;
	int ret;

	for (size_t k = 0; k < n; k++) {
		change_from_step(steps[k], &c);
		index[k] = journal_add_step(&run->j, &c);
		if (index[k] == -ENOMEM)
			return sriov_err_set(e, -ENOMEM, "journal: out of memory");
		if (index[k] < 0)
			return sriov_err_set(e, index[k],
					     "internal: %s %s of %s cannot be journaled",
					     plan_step_key(steps[k]), steps[k]->new_value,
					     steps[k]->target);
	}
	ret = journal_save(run->r, &run->j, e);
	for (size_t k = 0; ret == 0 && k < n; k++)
		fault_point(run);
	return ret;
}

int run_journal_before(struct run *run, struct plan_step *s, int *index,
		       struct sriov_err *e)
{
	return run_journal_before_n(run, &s, 1, index, e);
}

void run_journal_after(struct run *run, int index, const struct plan_step *s)
{
	if (index < 0 || (size_t)index >= run->j.n_steps)
		return;
	run->j.steps[index].status = s->status == PLAN_DONE	? JOURNAL_DONE
				     : s->status == PLAN_UNDONE ? JOURNAL_UNDONE
								: JOURNAL_FAILED;
	run->j.steps[index].error = s->error;
}

/* ---- steps ----------------------------------------------------------------- */

static int set_autoprobe(struct run *run, const char *pf, const char *value,
			 struct sriov_err *e)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/sriov_drivers_autoprobe",
		 pf);
	return sriov_write_attr(run->r, path, !strcmp(value, "yes") ? "1" : "0", e);
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

int run_one(struct run *run, struct plan_step *s, const char *value, struct sriov_err *e)
{
	switch (s->kind) {
	case PLAN_AUTOPROBE:
		return set_autoprobe(run, s->pf, value, e);
	case PLAN_NUM_VFS:
		return set_num_vfs(run, s->pf, value, e);
	case PLAN_PF_UP:
		return set_pf_up(run, s, e);
	default:
		return sriov_err_set(e, -EINVAL, "internal: step kind %d", s->kind);
	}
}

/* Runs steps [from, to) of kind PF-level (autoprobe, count, link up). */
void run_journaled(struct run *run, struct plan_step *s, run_change_fn change)
{
	struct sriov_err err;
	int jidx = -1;

	sriov_err_clear(&err);
	if (run_journal_before(run, s, &jidx, &err) < 0 || change(run, s, &err) < 0) {
		run_explain_removed(run, s->target, &err);
		run_step_failed(s, err.code, err.msg, err.hint);
	} else {
		s->status = PLAN_DONE;
	}
	run_journal_after(run, jidx, s);
}

static int set_new_value(struct run *run, struct plan_step *s, struct sriov_err *e)
{
	return run_one(run, s, s->new_value, e);
}

static void run_pf_step(struct run *run, struct plan_step *s)
{
	progress(run, "%s: %s %s -> %s", s->pf, plan_step_key(s),
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

static void count_outcomes(struct apply_result *res)
{
	res->done = res->failed = res->undone = 0;
	for (size_t i = 0; i < res->plan.n; i++) {
		enum plan_status st = res->plan.steps[i].status;

		res->done += st == PLAN_DONE;
		res->failed += st == PLAN_FAILED;
		res->undone += st == PLAN_UNDONE;
	}
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

int run_open(struct run *run, struct sriov_err *e)
{
	if (sriov_root_is_host(run->r))
		return rtnl_open(&run->nl, e);
	return 0;
}

void run_end(struct run *run)
{
	if (run->nl)
		rtnl_close(run->nl);
	if (run->have_inv)
		sriov_inventory_free(&run->inv);
	journal_free(&run->j);
	if (run->pending_pid)
		sriov_lock_hand_over(run->lock_fd, run->pending_pid);
	else
		sriov_lock_release(run->lock_fd);
}

/*
 * Reads the journal (a dry run or a run with nothing to do only peeks: a
 * corrupt journal stays where it is) and notes what the last run left: an
 * interruption or a corrupt file. An unsafe journal is an error.
 */
static int read_journal(struct run *run, bool peek, struct sriov_err *e)
{
	struct journal_load_info *info = &run->res->journal;
	int ret;

	ret = peek ? journal_peek(run->r, &run->j, info, e)
		   : journal_load(run->r, &run->j, info, e);
	if (ret < 0)
		return ret;
	if (info->interrupted)
		run_note(run,
			 "the previous run (pid %ld) was interrupted after %zu "
			 "change(s); %s",
			 info->previous_pid, info->previous_steps,
			 peek ? "the next run finishes it" : "this run finishes it");
	if (info->corrupt && !info->set_aside[0])
		run_note(run,
			 "the journal is corrupt (%s): left as it is; a run that "
			 "changes something sets it aside",
			 info->reason);
	else if (info->corrupt)
		run_note(run, "the journal was corrupt (%s): set aside as %s",
			 info->reason, info->set_aside);
	return 0;
}

int run_begin(struct run *run, const char *command, struct sriov_err *e)
{
	if (!run->o->dry_run)
		run->lock_fd =
			sriov_lock_acquire(run->r, command, run->o->lock_timeout_ms,
					   run->o->progress, run->o->progress_ctx, e);
	if (run->lock_fd < 0 && !run->o->dry_run)
		return run->lock_fd;
	return read_journal(run, run->o->dry_run, e);
}

static enum journal_state final_state(const struct apply_result *res)
{
	if (res->rolled_back)
		return JOURNAL_ROLLED_BACK;
	return res->failed ? JOURNAL_FAILED_RUN : JOURNAL_COMPLETE;
}

int run_finish(struct run *run, struct sriov_err *e)
{
	struct apply_result *res = run->res;
	struct sriov_err err;

	count_outcomes(res);
	if (res->failed && run->o->rollback_on_error) {
		run_rollback(run);
		res->rolled_back = true;
		count_outcomes(res);
	}
	journal_end(&run->j, final_state(res));
	sriov_err_clear(&err);
	if (journal_save(run->r, &run->j, &err) < 0)
		run_note(run, "the journal could not be saved at the end: %s", err.msg);
	if (!res->failed)
		return 0;
	return sriov_err_set(e, -EIO, "%zu of %zu step(s) failed%s", res->failed,
			     res->plan.n,
			     res->rolled_back ? "; the done steps were undone" : "");
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
		ret = read_journal(&run, true, e);
	if (ret == 0 && !o->dry_run && res->plan.n)
		ret = replan_locked(&run, e);
	if (ret == 0 && !o->dry_run && res->plan.n) {
		ret = journal_begin(&run.j, "apply", o->files, o->n_files);
		if (ret == 0)
			ret = journal_save(r, &run.j, e);
		if (ret == 0) {
			execute(&run);
			ret = run_finish(&run, e);
		}
	}
	run_end(&run);
	return ret;
}
