/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_BIND_H
#define SRIOV_BIND_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "sysroot.h"
#include "pcicfg.h"
#include "usage.h"
#include "devarg.h" /* bind_driver_name_check(), BIND_DRIVER_NAME_MAX */

/*
 * Driver binding of one PCI function through sysfs (any function, PF or VF):
 *
 *   BIND_DRIVER   driver_override <- DRIVER; unbind from the current driver
 *                 when it is another one; drivers_probe <- address; then the
 *                 driver link must name DRIVER (drivers_probe succeeds even
 *                 when nothing binds). For vfio-pci, /dev/vfio/GROUP is
 *                 reported once it exists.
 *   BIND_DEFAULT  driver_override cleared; unbind; drivers_probe; reports
 *                 whichever driver bound, or none (and why).
 *   BIND_UNBIND   unbind from the current driver; driver_override is kept.
 *
 * In two steps, so that every check runs before the first change for any
 * number of functions: bind_plan() reads the state, refuses what is unsafe
 * (the function is in use, its IOMMU group is not viable for vfio-pci, it is
 * a PF with VFs enabled) unless forced, and lists the steps; bind_apply()
 * carries them out and verifies. A plan is freed with bind_plan_free().
 */

enum bind_action {
	BIND_DRIVER,
	BIND_DEFAULT,
	BIND_UNBIND,
};

#define BIND_MAX_STEPS	  6
#define BIND_MAX_WARNINGS 4
/* Bound on each sysfs write that can block (unbind, drivers_probe). */
#define BIND_DEFAULT_TIMEOUT_MS 10000

enum bind_step_kind {
	BIND_STEP_LOAD_MODULE, /* load the driver's kernel module (libkmod, live host) */
	BIND_STEP_WRITE,       /* write value to the sysfs file path */
};

struct bind_step {
	enum bind_step_kind kind;
	char path[128]; /* BIND_STEP_WRITE: file inside the root */
	char value[72]; /* the value written ("\n" clears), or the module name */
	bool done;
};

struct bind_request {
	enum bind_action action;
	const char *driver; /* BIND_DRIVER: the driver to bind */
	/* go on although the function is in use, its group is not viable, or
	 * it is a PF with VFs enabled */
	bool force;
	/*
	 * Functions the same command binds to vfio-pci as well: they do not
	 * spoil the IOMMU group's viability.
	 */
	const char *const *companions;
	size_t n_companions;
	int timeout_ms; /* 0: BIND_DEFAULT_TIMEOUT_MS */
};

struct bind_plan {
	enum bind_action action;
	char address[PCI_ADDR_STRLEN];
	char driver[BIND_DRIVER_NAME_MAX + 1]; /* BIND_DRIVER: the target */
	int timeout_ms;
	/* the state found */
	char previous_driver[BIND_DRIVER_NAME_MAX + 8];	  /* "": none bound */
	char previous_override[BIND_DRIVER_NAME_MAX + 8]; /* "": none set */
	int iommu_group;				  /* -1: none */
	bool is_vf;
	bool nothing_to_do; /* already so: no steps */
	struct bind_step steps[BIND_MAX_STEPS];
	size_t n_steps;
	/* users found and overridden with force (empty otherwise: refused) */
	struct fn_users users;
	char warnings[BIND_MAX_WARNINGS][320];
	int n_warnings;
	/* after bind_apply() */
	bool applied;
	char driver_after[BIND_DRIVER_NAME_MAX + 8];   /* "": none bound */
	char override_after[BIND_DRIVER_NAME_MAX + 8]; /* "": none set */
	char vfio_device[32]; /* "/dev/vfio/GROUP" after binding vfio-pci */
	int pending_pid; /* a write that timed out, still running in the kernel; 0 none */
};

/*
 * Reads the function at address ("DDDD:BB:DD.F") and plans req. snap is
 * the host's usage snapshot (usage.h) for the in-use check, or NULL to read
 * one when needed. Nothing is changed. Returns 0, or -errno with a message:
 * -ENODEV no such function, -EINVAL unknown driver, -EBUSY refused (in use,
 * group not viable, VFs enabled; the message names what), -EOPNOTSUPP no
 * IOMMU group for vfio-pci or no driver_override, -ENOENT driver not loaded
 * (--root trees: nothing is loaded there).
 */
int bind_plan(struct sriov_root *r, const char *address, const struct bind_request *req,
	      const struct usage_snapshot *snap, struct bind_plan *p,
	      struct sriov_err *e);

/*
 * Carries out the plan's steps in order (each write that can block is bounded
 * by the plan's timeout), then verifies and fills the "after" fields.
 * Returns 0, or -errno naming the step that failed or what the kernel did
 * instead (the steps marked done tell how far it got).
 */
int bind_apply(struct sriov_root *r, struct bind_plan *p, struct sriov_err *e);

/*
 * The verification bind_apply() ends with: re-reads the driver link and
 * driver_override into the "after" fields and checks them against the plan
 * (for vfio-pci, waits briefly for /dev/vfio/GROUP). Returns 0 or -EIO
 * naming what the kernel did instead.
 */
int bind_verify(struct sriov_root *r, struct bind_plan *p, struct sriov_err *e);

void bind_plan_free(struct bind_plan *p);

#endif
