/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_OPS_H
#define SRIOV_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "sysroot.h"
#include "inventory.h"
#include "kmsg.h"
#include "vf_limit.h"

/*
 * Changing the number of VFs of a PF (sysfs sriov_numvfs), with the kernel's
 * semantics (drivers/pci/iov.c):
 *  - a count above sriov_totalvfs is refused (ERANGE): checked here first;
 *  - a non-zero count cannot change to another non-zero count (EBUSY): the
 *    change goes through 0, but only when no VF is in use (or with force);
 *  - no PF driver, or a driver without SR-IOV support: ENOENT;
 *  - resources (MMIO space, bus numbers, MSI-X vectors): ENOMEM, ENOSPC,
 *    EIO, EINVAL, explained from the kernel log lines the write produced;
 *  - the driver may enable fewer VFs than asked while the write succeeds:
 *    the count is read back;
 *  - a write can block for minutes (i40e; NVMe VFs with autoprobe on): every
 *    write runs in a child process and is waited for with a bound.
 * After enabling, waits (bounded) until the virtfnN links exist, VF drivers
 * are bound (autoprobe on) and VF netdev names have settled (udev renames).
 */

#define NUMVFS_DEFAULT_TIMEOUT_MS 30000

/*
 * Writes val to path (inside r) from a child process and waits at most
 * timeout_ms for it. Returns 0, the write's -errno (message names the value
 * and path), or -ETIMEDOUT: the write is still running in the kernel,
 * *pending_pid is the child doing it (left alone: killing it would not stop
 * the kernel and would hide when it ends). progress, when not NULL, is
 * called about once a second while waiting, with the seconds waited.
 */
int sriov_write_attr_bounded(struct sriov_root *r, const char *path, const char *val,
			     int timeout_ms, int *pending_pid,
			     void (*progress)(void *ctx, const char *msg), void *ctx,
			     struct sriov_err *e);

enum numvfs_step_kind {
	NUMVFS_STEP_DISABLE,   /* write 0 to sriov_numvfs */
	NUMVFS_STEP_AUTOPROBE, /* write sriov_drivers_autoprobe (while the count is 0) */
	NUMVFS_STEP_ENABLE,    /* write N to sriov_numvfs */
	NUMVFS_STEP_VERIFY,    /* read sriov_numvfs back */
	NUMVFS_STEP_WAIT,      /* virtfn links, VF drivers, netdev names settled */
};

enum numvfs_step_status {
	NUMVFS_PLANNED, /* --dry-run, or not reached */
	NUMVFS_DONE,
	NUMVFS_FAILED,
	NUMVFS_TIMEOUT,
};

struct numvfs_step {
	enum numvfs_step_kind kind;
	char attr[32];	/* "sriov_numvfs", ...; empty for verify and wait */
	char value[16]; /* what is written; empty for verify/wait */
	enum numvfs_step_status status;
	long elapsed_ms;
	int error;	  /* -errno when failed or timed out */
	char detail[512]; /* what the step found or why it failed */
};

#define NUMVFS_MAX_STEPS 6

struct numvfs_request {
	int count;	/* N */
	int autoprobe;	/* -1: leave as it is; 0 or 1: set before VFs are created */
	bool force;	/* go through 0 even while VFs are in use */
	bool dry_run;	/* plan only, write nothing */
	int timeout_ms; /* bound of each write and of the wait; <= 0: default */
	bool wait;	/* wait for links/drivers/netdevs after enabling (default on) */
	/* progress lines for a terminal; may be NULL */
	void (*progress)(void *ctx, const char *msg);
	void *progress_ctx;
};

/* Initialises a request: autoprobe -1, default timeout, wait on. */
void numvfs_request_init(struct numvfs_request *req, int count);

struct numvfs_result {
	char pf[PCI_ADDR_STRLEN];
	int previous;		/* sriov_numvfs before */
	int requested;		/* N */
	int enabled;		/* sriov_numvfs at the end; -1 when unreadable */
	bool changed;		/* something was written */
	bool already;		/* the count was already N (and autoprobe as asked) */
	bool forced;		/* VFs in use were removed because of force */
	int autoprobe_previous; /* -1 unknown */
	int autoprobe;		/* in effect when VFs were created; -1 unknown */
	struct vf_limit limit;	/* where the PF's VF limit comes from (vf_limit.h) */
	struct numvfs_step steps[NUMVFS_MAX_STEPS];
	size_t n_steps;
	int pending_pid; /* a write still running in the kernel after the timeout; 0 none
			  */
	/* on a failed write or a short count: the kernel's lines about this PF */
	struct kmsg_log kernel_log;
	int diagnosis; /* index into kernel_log of the line that explains it; -1 none */
};

void numvfs_result_free(struct numvfs_result *res);

/*
 * The VFs of pf that are in use (pf->vfs[].users), in words: "VF 1
 * 0000:01:10.2: pid 42 (qemu-system-x86) VM "web" holds /dev/vfio/12; VF 0
 * 0000:01:10.0: eth1 is up with 192.0.2.1/24". Returns how many VFs are in use.
 */
size_t numvfs_users_describe(const struct pf *pf, char *buf, size_t size);

/*
 * Checks a request against pf before anything is written. Input errors
 * (nothing changed; the CLI exits 2): -ERANGE above the limit (the message
 * says the limit and where it comes from), -EINVAL for a count below 0, or
 * --autoprobe that cannot take effect, -EOPNOTSUPP when the kernel has no
 * sriov_drivers_autoprobe, -ENODEV when sriov_totalvfs is unreadable.
 * Refusal: -EBUSY when the count must go through 0 and a VF is in use
 * (pf->vfs[].users, read with INV_USERS), naming the users, unless force.
 */
int numvfs_check(const struct pf *pf, const struct numvfs_request *req,
		 struct sriov_err *e);

/*
 * Sets the VF count of pf (from sriov_inventory_read(..., INV_USERS, ...)):
 * numvfs_check(), then the steps, each recorded in res (planned only with
 * dry_run). Returns 0 when the PF has exactly N VFs (and, with wait, they
 * have settled); otherwise -errno with the diagnosis in e (the kernel's log
 * line and the remedy where known) and what was done in res.
 * -ETIMEDOUT: a write or the wait did not finish in time (res->pending_pid).
 * -EIO with res->enabled < N: the driver enabled fewer VFs than asked.
 */
int numvfs_set(struct sriov_root *r, const struct pf *pf,
	       const struct numvfs_request *req, struct numvfs_result *res,
	       struct sriov_err *e);

/*
 * The diagnosis of a failed write of count to pf's sriov_numvfs, from the
 * errno and the kernel's lines since the write (may be empty). Fills e
 * (message naming the errno and the kernel line; hint with the remedy) and
 * returns the index of the explaining record in log, or -1. Pure: for tests.
 */
int numvfs_diagnose(int err, const struct pf *pf, int count, const struct kmsg_log *log,
		    struct sriov_err *e);

/*
 * The diagnosis when sriov_numvfs reads got after writing want (the write
 * succeeded: a driver may enable fewer VFs and the kernel only warns).
 * Fills e (-EIO) and returns the index of the explaining record, or -1. Pure.
 */
int numvfs_diagnose_short(const struct pf *pf, int want, int got,
			  const struct kmsg_log *log, struct sriov_err *e);

const char *numvfs_step_name(enum numvfs_step_kind kind); /* "disable", "enable", ... */
const char *
numvfs_status_name(enum numvfs_step_status status); /* "done", "planned", ... */

#endif
