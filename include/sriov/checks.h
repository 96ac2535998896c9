/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_CHECKS_H
#define SRIOV_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "sysroot.h"
#include "inventory.h"
#include "kmsg.h"

/*
 * Pre-flight checks (`sriovctl check`): a table of rules, each producing
 * findings with an id, a status, what was read (evidence) and what to do
 * (remedy). Rules only read (through the root, so --root trees work) and
 * never change the host. A rule that cannot decide (a file unreadable or
 * odd, a tree without the data) reports SKIP with the reason, never a
 * wrong PASS.
 */

enum check_status {
	CHECK_PASS,
	CHECK_WARN,
	CHECK_FAIL,
	CHECK_SKIP,
};

const char *check_status_name(enum check_status s); /* "pass", "warn", ... */

#define FINDING_ID_MAX	     48
#define FINDING_SUBJECT_MAX  64
#define FINDING_SUMMARY_MAX  256
#define FINDING_EVIDENCE_MAX 1536
#define FINDING_REMEDY_MAX   1536

struct finding {
	char id[FINDING_ID_MAX]; /* "platform.iommu.kernel", "pf.bus_range" */
	enum check_status status;
	char subject[FINDING_SUBJECT_MAX]; /* "host", "0000:01:00.0", "0000:01:10.0" */
	char summary[FINDING_SUMMARY_MAX]; /* one line: what was found */
	/* what was read: lines "FILE: VALUE" or a kernel log line; '\n' between */
	char evidence[FINDING_EVIDENCE_MAX];
	/* the exact command or line to fix it; '\n' between steps; empty on pass */
	char remedy[FINDING_REMEDY_MAX];
};

struct findings {
	struct finding *v;
	size_t n, cap;
};

void findings_free(struct findings *f); /* frees f->v, zeroes f */

/*
 * Appends a finding with id, subject and status; summary from fmt. Returns
 * the new entry (for finding_evidence/finding_remedy), or NULL when out of
 * memory (the caller returns -ENOMEM).
 */
struct finding *findings_add(struct findings *f, const char *id, const char *subject,
			     enum check_status status, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Append one line to the evidence / the remedy (truncated when full). */
void finding_evidence(struct finding *fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void finding_remedy(struct finding *fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

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

/* true when a finding has status FAIL */
bool findings_failed(const struct findings *f);

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

/* Counts of each status (index: enum check_status). */
void findings_count(const struct findings *f, size_t counts[4]);

#endif
