// SPDX-License-Identifier: MIT
/*
 * The journaled run engine of apply, restore and rollback: the frame of a
 * run (rtnetlink, the lock, the journal read and its end state), the host
 * read again, and every change journaled before it is made. Below apply.c,
 * apply_vf.c, apply_pf.c and restore.c, which call it; it calls none of them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/plan.h"
#include "apply_internal.h"
#include "sysfs_paths.h"
#include "fault.h"

void run_progress(struct run *run, const char *fmt, ...)
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

void run_step_failed(struct plan_step *s, int err, const char *msg, const char *hint)
{
	s->status = PLAN_FAILED;
	s->error = err ? err : -EIO;
	snprintf(s->detail, sizeof(s->detail), "%s", msg);
	snprintf(s->hint, sizeof(s->hint), "%s", hint ? hint : "");
}

void run_explain_removed(struct run *run, const char *addr, struct sriov_err *e)
{
	char was[sizeof(e->msg)];
	int code = e->code;

	if (code != -ENODEV && code != -ENOENT)
		return;
	if (!sriov_name_is_safe(addr) ||
	    sriov_pathf_exists(run->r, SYS_PCI_DEVICES "/%s", addr) == 0)
		return;
	snprintf(was, sizeof(was), "%s", e->msg);
	sriov_err_set(e, code, "%s: device removed during the run (it left %s): %.300s",
		      addr, SYS_PCI_DEVICES, was);
	sriov_err_hint(e, "once it is back (hot-plug, or echo 1 > /sys/bus/pci/rescan), "
			  "run apply again: it finishes the job");
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

/* ---- the journal ------------------------------------------------------------- */

static void change_from_step(const struct plan_step *s, struct journal_change *c)
{
	static const enum journal_kind kinds[] = {
		[PLAN_AUTOPROBE] = JOURNAL_AUTOPROBE, [PLAN_NUM_VFS] = JOURNAL_NUM_VFS,
		[PLAN_PF_UP] = JOURNAL_PF_UP,	      [PLAN_VF_ATTR] = JOURNAL_VF_ATTR,
		[PLAN_DRIVER] = JOURNAL_DRIVER,	      [PLAN_PF_ATTR] = JOURNAL_PF_ATTR,
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
int run_read_journal(struct run *run, bool peek, struct sriov_err *e)
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
	return run_read_journal(run, run->o->dry_run, e);
}

void run_count_outcomes(struct apply_result *res)
{
	res->done = res->failed = res->undone = 0;
	for (size_t i = 0; i < res->plan.n; i++) {
		enum plan_status st = res->plan.steps[i].status;

		res->done += st == PLAN_DONE;
		res->failed += st == PLAN_FAILED;
		res->undone += st == PLAN_UNDONE;
	}
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

	run_count_outcomes(res);
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
