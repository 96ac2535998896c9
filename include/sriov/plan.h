/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_PLAN_H
#define SRIOV_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "sysroot.h"
#include "config.h"
#include "inventory.h"
#include "netlink.h"
#include "journal.h"
#include "pf_setting.h"

/*
 * `sriovctl apply`: what must change for the host to match a configuration
 * (the plan), and carrying it out with the lock and the journal (apply.c).
 *
 * A plan is a list of steps in the order they run:
 *   1. per PF: sriov_drivers_autoprobe, then the VF count (through 0 when a
 *      non-zero count changes, refused while VFs are in use);
 *   2. the VFs settle (the count step waits for links, drivers, names);
 *   3. per PF: link up, when a VF rate is configured (pf_up auto) or pf_up yes;
 *   4. per VF: each setting that differs (mac, vlan, ... in vf_key order);
 *   5. per VF: its driver.
 * Steps 3-5 of a PF whose VF count changes cannot be known before the VFs
 * exist: they are computed for the VFs the count will create ("predicted":
 * the old value is unknown) and computed again from the host once the count
 * has changed. A plan with no step means the host matches.
 */

enum plan_kind {
	PLAN_AUTOPROBE,
	PLAN_NUM_VFS,
	PLAN_PF_UP,
	PLAN_VF_ATTR,
	PLAN_DRIVER,
	PLAN_PF_ATTR, /* a PF setting of `pf set` (pf_setting.h): pf_key */
};

enum plan_status {
	PLAN_PENDING, /* not run (dry run, --check, or not reached) */
	PLAN_DONE,
	PLAN_FAILED,
	PLAN_UNDONE, /* done, then rolled back */
};

#define PLAN_VALUE_MAX 96

struct plan_step {
	enum plan_kind kind;
	char pf[PCI_ADDR_STRLEN];
	char pf_ifname[16]; /* "" when the PF has no netdev */
	int pf_ifindex;
	int vf;				/* VF index; -1 for a PF step */
	char target[PCI_ADDR_STRLEN];	/* the function changed */
	enum vf_key key;		/* PLAN_VF_ATTR */
	enum pf_key pf_key;		/* PLAN_PF_ATTR */
	char old_value[PLAN_VALUE_MAX]; /* "" unknown (predicted) or none */
	char old_extra[PLAN_VALUE_MAX]; /* PLAN_DRIVER: driver_override before */
	char new_value[PLAN_VALUE_MAX];
	bool predicted;
	struct cfg_loc loc; /* where the wanted value was configured */
	/* what happened */
	enum plan_status status;
	int error;
	char detail[512];
	char hint[512];
};

struct plan {
	struct plan_step *steps;
	size_t n, cap;
	/* things the user should know: sections matching no PF, ... */
	char (*notes)[400];
	size_t n_notes;
	size_t pfs_matched;
};

void plan_free(struct plan *p);

/* "autoprobe", "num_vfs", "up", "mac" ... (the step's key as the journal names it) */
const char *plan_step_key(const struct plan_step *s);
const char *plan_kind_name(enum plan_kind k);	  /* "autoprobe", "num_vfs", ... */
const char *plan_status_name(enum plan_status s); /* "pending", "done", ... */

/*
 * The plan for cfg against inv (read with INV_USERS; VF settings from
 * rtnetlink, or a tree's recorded replies). nl (may be NULL) is used to read
 * PF permanent MACs for "mac auto". Input errors, all before any change:
 * -EINVAL (sections that disagree for one PF: diags in d; a [vf] index the PF
 * will not have), -ERANGE (num_vfs above the PF's limit), -ENODATA ("mac
 * auto" without a permanent MAC). Returns 0 (an empty plan: the host matches).
 * p must be zeroed (or hold only notes, which are kept); on error it is freed.
 */
int plan_compute(struct sriov_root *r, struct rtnl *nl, const struct sriov_config *cfg,
		 const struct inventory *inv, struct plan *p, struct cfg_diags *d,
		 struct sriov_err *e);

/* ---- carrying it out (lib/apply.c) --------------------------------------- */

struct apply_opts {
	bool dry_run;		  /* plan only */
	bool rollback_on_error;	  /* undo this run's done steps when one fails */
	int lock_timeout_ms;	  /* waiting for another run; < 0 forever */
	int device_timeout_ms;	  /* waiting for configured PFs to appear; 0 none */
	int numvfs_timeout_ms;	  /* bound of each sriov_numvfs write; 0 default */
	const char *const *files; /* for the journal */
	size_t n_files;
	void (*progress)(void *ctx, const char *msg);
	void *progress_ctx;
};

struct apply_result {
	struct plan plan; /* every step planned, with its outcome */
	struct journal_load_info journal;
	size_t done, failed, undone;
	bool rolled_back;
	char missing[8][64]; /* PFs named in the config that never appeared */
	size_t n_missing;
	struct cfg_diags diags; /* sections that disagree about one PF */
};

void apply_result_free(struct apply_result *res);

/*
 * Takes the lock, reads the journal (reporting an interrupted or corrupt
 * one), reads the host, plans, and (not dry_run) carries the plan out:
 * every change journaled before it is made, a failed step reported and the
 * others still tried (a PF's VF steps are skipped when its count failed),
 * with rollback_on_error the done steps undone in reverse order. Returns 0
 * when every step is done (or none was needed), -EIO when some failed
 * (res says which), or -errno before any change (input errors as
 * plan_compute(), -ETIMEDOUT for the lock).
 */
int sriov_apply(struct sriov_root *r, const struct sriov_config *cfg,
		const struct apply_opts *o, struct apply_result *res,
		struct sriov_err *e);

/*
 * `sriovctl restore`: puts back the originals in the journal (drivers, then
 * VF settings, then VF counts and autoprobe), each as a step in res->plan,
 * and removes the originals put back from the journal. dry_run: plan only.
 */
int sriov_restore(struct sriov_root *r, const struct apply_opts *o,
		  struct apply_result *res, struct sriov_err *e);

#endif
