/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_APPLY_INTERNAL_H
#define SRIOV_APPLY_INTERNAL_H

/*
 * Shared by plan.c, run.c, apply_pf.c, apply_vf.c, restore.c and apply.c:
 * one run of apply or restore, with the host as last read, the lock and the
 * journal. The files call downwards only, in this order: run.c (the engine),
 * apply_pf.c and apply_vf.c (the steps), restore.c (rollback, restore),
 * apply.c.
 */
#include "sriov/plan.h"
#include "sriov/inventory.h"
#include "sriov/journal.h"

struct run {
	struct sriov_root *r;
	const struct apply_opts *o;
	struct apply_result *res;
	const struct sriov_config *cfg; /* NULL for restore */
	struct journal j;
	struct rtnl *nl; /* live host only */
	struct inventory inv;
	bool have_inv;
	int lock_fd;
	int journaled; /* changes journaled in this run */
	/*
	 * A sysfs write that timed out and still runs in the kernel (its
	 * child holds the lock: run_end() hands it over); 0 none. After one
	 * on sriov_numvfs, reading the PF blocks (the kernel holds its device
	 * lock): the run stops.
	 */
	int pending_pid;
	bool numvfs_pending;
};

int plan_grow(struct plan *p);
/* A new pending step of kind for pf (vf -1: the PF itself); NULL on ENOMEM. */
struct plan_step *plan_add(struct plan *p, enum plan_kind kind, const struct pf *pf,
			   int vf);
int plan_note(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define run_note(run, ...) plan_note(&(run)->res->plan, __VA_ARGS__)

/* ---- the run engine (lib/run.c): below apply, apply_vf, apply_pf, restore ---- */

/*
 * The frame of a run: run_open() (rtnetlink on the live host), run_begin()
 * (the lock unless dry_run, the journal read; an interrupted or corrupt one
 * noted), run_finish() (outcomes counted, the journal's end state saved;
 * -EIO when a step failed), run_end() (everything released). Rollback
 * (restore.c) comes before run_finish(), from the caller.
 */
int run_open(struct run *run, struct sriov_err *e);
int run_begin(struct run *run, const char *command, struct sriov_err *e);
int run_finish(struct run *run, struct sriov_err *e);

void run_end(struct run *run);

/*
 * Reads the journal (peek: a dry run or a run with nothing to do leaves a
 * corrupt one where it is) and notes an interrupted or corrupt previous run.
 */
int run_read_journal(struct run *run, bool peek, struct sriov_err *e);

/* Counts done, failed and undone steps into res. */
void run_count_outcomes(struct apply_result *res);

/* A progress message to the caller's callback (none: nothing). */
void run_progress(struct run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* plan.c: driver_override ("" none). */
void plan_read_override(struct sriov_root *r, const char *addr, char *buf, size_t size);

/* Reads the host again into run->inv (INV_USERS). */
int run_read_host(struct run *run, struct sriov_err *e);

/* Journals step s (STARTED, with its old value) and saves the journal. */
int run_journal_before(struct run *run, struct plan_step *s, int *index,
		       struct sriov_err *e);
/* The same for several steps (one VF's settings), saved once. */
int run_journal_before_n(struct run *run, struct plan_step **steps, size_t n, int *index,
			 struct sriov_err *e);
/* Copies s's outcome into journal step index (saved with the next save). */
void run_journal_after(struct run *run, int index, const struct plan_step *s);

/*
 * When e says ENODEV/ENOENT and the function addr has left
 * /sys/bus/pci/devices meanwhile (hot-unplug, `remove`): says so in e,
 * keeping the original message, with the remedy.
 */
void run_explain_removed(struct run *run, const char *addr, struct sriov_err *e);

/* Marks s failed with err (-EIO when 0), msg and hint (may be NULL). */
void run_step_failed(struct plan_step *s, int err, const char *msg, const char *hint);

/*
 * Journals s, makes the change with change(), records the outcome (done or
 * failed with the reason) and copies it into the journal.
 */
typedef int (*run_change_fn)(struct run *run, struct plan_step *s, struct sriov_err *e);
void run_journaled(struct run *run, struct plan_step *s, run_change_fn change);

/* The PF with address addr in inv, or NULL (VFs: inventory_find_vf()). */
const struct pf *plan_find_pf(const struct inventory *inv, const char *addr);

/* Some PF of inv matches sel. */
bool plan_selector_present(const struct cfg_selector *sel, const struct inventory *inv);

/* What identifies pf for selectors; names (8 entries) holds its netdev names. */
void plan_pf_id(const struct pf *pf, const char *names[8], struct cfg_pf_id *id);

/*
 * Runs the VF_ATTR steps of one VF starting at *i (consecutive, pending),
 * journaled in one save; advances *i past them.
 */
void run_vf_group(struct run *run, size_t *i);

/* apply_pf.c: sets a PF-level step (autoprobe, num_vfs, up) to value. */
int run_one(struct run *run, struct plan_step *s, const char *value, struct sriov_err *e);

/* apply_vf.c: the VF settings steps, VF by VF; the driver steps. */
void run_vf_attrs(struct run *run);
void run_drivers(struct run *run);

/*
 * Sets VF vf of PF s->pf to the values of steps[0..n-1] (all PLAN_VF_ATTR of
 * that VF; each step's value is new_value, or old_value when undo). Marks
 * each step done or failed (undo: undone or failed).
 */
void run_vf_values(struct run *run, struct plan_step **steps, size_t n, bool undo);

/* Binds s->target to value ("default", "" none, or a driver); undo: old. */
int run_driver(struct run *run, struct plan_step *s, bool undo, struct sriov_err *e);

/* Puts back a function's driver ("" none) and driver_override ("" none). */
int run_driver_put_back(struct run *run, const char *target, const char *driver,
			const char *override, struct sriov_err *e);

/* restore.c: undo this run's done steps, newest first. */
void run_rollback(struct run *run);

/* With rollback_on_error and a failed step: run_rollback(), noted in res. */
void run_rollback_on_error(struct run *run);

/*
 * Carries out a run's plan: journal_begin(command, files), the journal
 * saved, execute(run), rollback on error, run_finish(). Call only when not
 * a dry run and the plan has steps.
 */
int run_journaled_plan(struct run *run, const char *command, const char *const *files,
		       size_t n_files, void (*execute)(struct run *run),
		       struct sriov_err *e);

#endif
