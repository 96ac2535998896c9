/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_FINDINGS_H
#define SRIOV_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The findings of `sriovctl check`: what each rule found, with an id, a
 * status, the evidence read and the remedy. The rules (checks_platform.c,
 * checks_pf.c) and the renderers use this; it uses nothing of them.
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

/* Replaces the summary of a finding whose verdict changed (truncated when long). */
void finding_set_summary(struct finding *fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* true when a finding has status FAIL */
bool findings_failed(const struct findings *f);

/* Counts of each status (index: enum check_status). */
void findings_count(const struct findings *f, size_t counts[4]);

#endif
