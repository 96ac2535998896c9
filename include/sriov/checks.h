/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_CHECKS_H
#define SRIOV_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "sysroot.h"
#include "inventory.h"
#include "kmsg.h"
#include "findings.h"

/*
 * Pre-flight checks (`sriovctl check`): a table of rules, each producing
 * findings (findings.h) with an id, a status, what was read (evidence) and
 * what to do (remedy). Rules only read (through the root, so --root trees
 * work) and never change the host. A rule that cannot decide (a file
 * unreadable or odd, a tree without the data) reports SKIP with the reason,
 * never a wrong PASS.
 *
 * Layers, each using only those below it: findings.c (the findings type),
 * checks_platform.c and checks_pf.c (the rules: a read phase filling a
 * struct of facts, then judge functions over it), checks.c (the runner and
 * the context).
 */

struct kmod_ctx;

/* Everything a rule may look at; set up once per command (cmd_check.c). */
struct check_context {
	struct sriov_root *root;
	bool is_host;		     /* the live host, not a --root tree */
	const struct inventory *inv; /* read with INV_USERS */
	/* the kernel log: /dev/kmsg of the host, or --kmsg FILE */
	const struct kmsg_log *log;
	bool log_available;
	char log_source[256];	   /* "/dev/kmsg", or the file name */
	char log_unavailable[256]; /* why not, when !log_available */
	/*
	 * libkmod over the module index of the running kernel (host) or of
	 * the tree's /lib/modules/<its osrelease> (--root); NULL when there is
	 * none, then kmod_unavailable says why and module rules SKIP.
	 */
	struct kmod_ctx *kmod;
	char kmod_unavailable[256];
	/* only this PF (check DEV); NULL: every PF */
	const struct pf *only_pf;
};

/*
 * Platform rules (CPU virtualization, IOMMU in firmware and in the kernel
 * with the boot-loader-specific remedy, vfio-pci, kernel log lines) and
 * per-PF rules (capability, IOV BARs, bus range, ARI, ACS path, IOMMU groups,
 * drivers, zero MACs, migration). Each appends findings; returns 0 or
 * -ENOMEM. A rule that cannot read what it needs adds a SKIP finding.
 */
int check_platform(const struct check_context *c, struct findings *out,
		   struct sriov_err *e);
int check_pf(const struct check_context *c, const struct pf *pf, struct findings *out,
	     struct sriov_err *e);

/* Runs check_platform and check_pf for every PF (or only_pf). */
int check_run(const struct check_context *c, struct findings *out, struct sriov_err *e);

/* ---- setting up the context (sriovctl check) ----------------------------- */

/* Zeroes c and sets root, is_host and inv; the log and kmod stay unavailable. */
void check_context_init(struct check_context *c, struct sriov_root *root,
			const struct inventory *inv);

/*
 * Reads the kernel log into log (the caller frees it with kmsg_log_free())
 * and points c->log at it. file (the user's --kmsg FILE, outside the root):
 * a saved log, dmesg text or /dev/kmsg records; a file in which no line is
 * a kernel log line leaves the log unavailable ("FILE: not a kernel log
 * (line N: ...)"). file NULL: the host's /dev/kmsg from its first record;
 * under a --root tree there is none. Returns 0, also when the log is
 * unavailable (c->log_unavailable says why), or -errno when file cannot be
 * read (e names it).
 */
int check_context_load_log(struct check_context *c, struct kmsg_log *log,
			   const char *file, struct sriov_err *e);

/*
 * Sets c->kmod: libkmod over the running kernel's modules (host), or over
 * the tree's /lib/modules/<its /proc/sys/kernel/osrelease> with its
 * modprobe.d directories (--root). When there is none, c->kmod is NULL and
 * c->kmod_unavailable says why.
 */
void check_context_open_kmod(struct check_context *c);

/* Releases what check_context_open_kmod() took. */
void check_context_release(struct check_context *c);

#endif
