// SPDX-License-Identifier: MIT
/*
 * Undoing: --rollback-on-error (this run's done steps, newest first) and
 * `sriovctl restore` (the journal's originals: what the host had before
 * sriovctl first changed it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/vfattr.h"
#include "sriov/pf_attr.h"
#include "apply_internal.h"

/* ---- rollback ----------------------------------------------------------------- */

static void undo_failed(struct plan_step *s, const struct sriov_err *err)
{
	s->status = PLAN_DONE; /* it stays done: the undo failed */
	snprintf(s->detail, sizeof(s->detail), "undo failed: %.480s", err->msg);
}

/* The done VF_ATTR steps of one VF just before index i (inclusive), newest first. */
static size_t done_vf_group(struct plan *p, size_t i, struct plan_step **group)
{
	const struct plan_step *last = &p->steps[i];
	size_t n = 0;

	for (size_t k = i + 1; k-- > 0 && n < VF_KEY_COUNT;) {
		struct plan_step *s = &p->steps[k];

		if (s->kind != PLAN_VF_ATTR || s->vf != last->vf ||
		    strcmp(s->pf, last->pf))
			break;
		if (s->status == PLAN_DONE)
			group[n++] = s;
	}
	return n;
}

static size_t undo_vf_attrs(struct run *run, size_t i)
{
	struct plan_step *group[VF_KEY_COUNT];
	size_t n = done_vf_group(&run->res->plan, i, group), span = 0;
	const struct plan_step *last = &run->res->plan.steps[i];

	for (size_t k = i + 1; k-- > 0;) {
		const struct plan_step *s = &run->res->plan.steps[k];

		if (s->kind != PLAN_VF_ATTR || s->vf != last->vf ||
		    strcmp(s->pf, last->pf))
			break;
		span++;
	}
	if (n)
		run_vf_values(run, group, n, true);
	for (size_t k = 0; k < n; k++)
		if (group[k]->status == PLAN_FAILED) {
			struct sriov_err err = {.code = group[k]->error};

			snprintf(err.msg, sizeof(err.msg), "%s", group[k]->detail);
			undo_failed(group[k], &err);
		}
	return span;
}

static void undo_step(struct run *run, struct plan_step *s)
{
	struct sriov_err err;
	int ret;

	sriov_err_clear(&err);
	if (s->kind == PLAN_PF_UP) {
		run_note(run, "%s: the link stays up (rollback does not take it down)",
			 s->pf_ifname);
		return;
	}
	if (s->kind == PLAN_DRIVER)
		ret = run_driver(run, s, true, &err);
	else
		ret = run_one(run, s, s->old_value, &err);
	if (ret < 0)
		undo_failed(s, &err);
	else
		s->status = PLAN_UNDONE;
}

/* The journal's done steps that were undone: the newest matching one each. */
static void mark_journal_undone(struct run *run)
{
	const struct plan *p = &run->res->plan;

	for (size_t i = 0; i < p->n; i++) {
		const struct plan_step *s = &p->steps[i];

		if (s->status != PLAN_UNDONE)
			continue;
		for (size_t k = run->j.n_steps; k-- > 0;) {
			struct journal_change *c = &run->j.steps[k];

			if (c->status == JOURNAL_DONE && !strcmp(c->target, s->target) &&
			    !strcmp(c->key, plan_step_key(s))) {
				c->status = JOURNAL_UNDONE;
				break;
			}
		}
	}
}

void run_rollback(struct run *run)
{
	struct plan *p = &run->res->plan;

	for (size_t i = p->n; i-- > 0;) {
		struct plan_step *s = &p->steps[i];

		if (s->kind == PLAN_VF_ATTR) {
			size_t span = undo_vf_attrs(run, i);

			i -= span - 1;
			continue;
		}
		if (s->status == PLAN_DONE)
			undo_step(run, s);
	}
	mark_journal_undone(run);
}

void run_rollback_on_error(struct run *run)
{
	struct apply_result *res = run->res;

	run_count_outcomes(res);
	if (!res->failed || !run->o->rollback_on_error)
		return;
	run_rollback(run);
	res->rolled_back = true;
	run_count_outcomes(res);
}

int run_journaled_plan(struct run *run, const char *command, const char *const *files,
		       size_t n_files, void (*execute)(struct run *run),
		       struct sriov_err *e)
{
	int ret = journal_begin(&run->j, command, files, n_files);

	if (ret == 0)
		ret = journal_save(run->r, &run->j, e);
	if (ret < 0)
		return ret;
	execute(run);
	run_rollback_on_error(run);
	return run_finish(run, e);
}

/* ---- restore ------------------------------------------------------------------ */

static enum plan_kind kind_of(enum journal_kind k)
{
	switch (k) {
	case JOURNAL_NUM_VFS:
		return PLAN_NUM_VFS;
	case JOURNAL_AUTOPROBE:
		return PLAN_AUTOPROBE;
	case JOURNAL_PF_UP:
		return PLAN_PF_UP;
	case JOURNAL_VF_ATTR:
		return PLAN_VF_ATTR;
	case JOURNAL_PF_ATTR:
		return PLAN_PF_ATTR;
	default:
		return PLAN_DRIVER;
	}
}

/* The value the host has now for c, in the journal's syntax; "" unknown. */
static void value_now(struct run *run, const struct journal_change *c, char *buf,
		      size_t size, char *extra, size_t extra_size)
{
	const struct pf *pf = plan_find_pf(&run->inv, c->pf);
	const struct vf *vf = inventory_find_vf(pf, c->vf);

	buf[0] = extra[0] = '\0';
	if (!pf)
		return;
	switch (c->kind) {
	case JOURNAL_NUM_VFS:
		snprintf(buf, size, "%d", pf->num_vfs);
		return;
	case JOURNAL_AUTOPROBE:
		snprintf(buf, size, "%s", pf->drivers_autoprobe ? "yes" : "no");
		return;
	case JOURNAL_DRIVER:
		if (vf) {
			snprintf(buf, size, "%s", vf->driver);
			plan_read_override(run->r, vf->addr_str, extra, extra_size);
		}
		return;
	case JOURNAL_PF_ATTR: {
		enum pf_key key;

		if (pf_key_lookup(c->key, &key, NULL) == 0)
			pf_attr_read(run->r, pf, key, buf, size, NULL);
		return;
	}
	case JOURNAL_VF_ATTR:
		if (vf) {
			enum vf_key key;

			if (vf_key_lookup(c->key, &key, NULL) == 0 &&
			    vf_key_readable(key, vf->has_info))
				vf_key_format_current(key, &vf->info, buf, size);
		}
		return;
	default:
		return;
	}
}

static bool restore_order_ok(enum journal_kind k, int pass)
{
	static const enum journal_kind order[] = {JOURNAL_DRIVER, JOURNAL_VF_ATTR,
						  JOURNAL_NUM_VFS, JOURNAL_PF_ATTR,
						  JOURNAL_AUTOPROBE};

	return order[pass] == k;
}

static int add_restore_step(struct run *run, const struct journal_change *c)
{
	struct plan *p = &run->res->plan;
	const struct pf *pf = plan_find_pf(&run->inv, c->pf);
	char now[PLAN_VALUE_MAX], now_extra[PLAN_VALUE_MAX];
	struct plan_step *s;

	value_now(run, c, now, sizeof(now), now_extra, sizeof(now_extra));
	if (pf && !strcmp(now, c->old_value) &&
	    (c->kind != JOURNAL_DRIVER || !strcmp(now_extra, c->old_extra)))
		return 0; /* already as it was */
	if (p->n == p->cap && plan_grow(p) < 0)
		return -ENOMEM;
	s = &p->steps[p->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind_of(c->kind);
	snprintf(s->pf, sizeof(s->pf), "%s", c->pf);
	snprintf(s->target, sizeof(s->target), "%s", c->target);
	s->vf = c->vf;
	if (s->kind == PLAN_VF_ATTR)
		vf_key_lookup(c->key, &s->key, NULL);
	if (s->kind == PLAN_PF_ATTR)
		pf_key_lookup(c->key, &s->pf_key, NULL);
	if (pf && pf->n_netdevs) {
		snprintf(s->pf_ifname, sizeof(s->pf_ifname), "%s", pf->netdevs[0].name);
		s->pf_ifindex = pf->netdevs[0].ifindex;
	}
	snprintf(s->old_value, sizeof(s->old_value), "%s", now);
	snprintf(s->new_value, sizeof(s->new_value), "%s", c->old_value);
	snprintf(s->old_extra, sizeof(s->old_extra), "%s", c->old_extra);
	if (!pf)
		snprintf(s->detail, sizeof(s->detail), "%s is not on this host now",
			 c->pf);
	return 0;
}

/*
 * Drivers, then VF settings, then counts, then PF settings (the eswitch mode
 * is easiest to change back once the VFs are gone), then autoprobe; newest
 * first in each.
 */
static int plan_restore(struct run *run)
{
	for (int pass = 0; pass < 5; pass++) {
		for (size_t i = run->j.n_originals; i-- > 0;) {
			const struct journal_change *c = &run->j.originals[i];
			int ret;

			if (!restore_order_ok(c->kind, pass))
				continue;
			ret = add_restore_step(run, c);
			if (ret < 0)
				return ret;
		}
	}
	for (size_t i = 0; i < run->j.n_originals; i++)
		if (run->j.originals[i].kind == JOURNAL_PF_UP)
			run_note(run,
				 "%s: the PF link stays up (restore does not take "
				 "links down)",
				 run->j.originals[i].pf);
	return 0;
}

/* The original a restore step puts back (its new_value; a driver with its override). */
static int put_back(struct run *run, struct plan_step *s, struct sriov_err *e)
{
	if (s->kind == PLAN_DRIVER)
		return run_driver_put_back(run, s->target, s->new_value, s->old_extra, e);
	return run_one(run, s, s->new_value, e);
}

static void drop_restored(struct run *run)
{
	const struct plan *p = &run->res->plan;

	for (size_t i = 0; i < p->n; i++)
		if (p->steps[i].status == PLAN_DONE)
			journal_drop_original(&run->j, p->steps[i].target,
					      plan_step_key(&p->steps[i]));
}

static void restore_execute(struct run *run)
{
	struct plan *p = &run->res->plan;

	for (size_t i = 0; i < p->n;) {
		struct plan_step *s = &p->steps[i];

		if (s->detail[0]) { /* its PF is gone */
			s->status = PLAN_FAILED;
			s->error = -ENODEV;
			i++;
			continue;
		}
		if (s->kind == PLAN_VF_ATTR) {
			run_vf_group(run, &i);
			continue;
		}
		run_journaled(run, s, put_back);
		i++;
	}
	drop_restored(run);
}

int sriov_restore(struct sriov_root *r, const struct apply_opts *o,
		  struct apply_result *res, struct sriov_err *e)
{
	struct run run = {.r = r, .o = o, .res = res, .lock_fd = -1};
	int ret;

	memset(res, 0, sizeof(*res));
	ret = run_open(&run, e);
	if (ret == 0)
		ret = run_begin(&run, "restore", e);
	if (ret == 0)
		ret = run_read_host(&run, e);
	if (ret == 0)
		ret = plan_restore(&run);
	if (ret == 0 && !o->dry_run && res->plan.n)
		ret = run_journaled_plan(&run, "restore", NULL, 0, restore_execute, e);
	run_end(&run);
	return ret;
}
