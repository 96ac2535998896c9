/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_ERROR_H
#define SRIOV_ERROR_H

/*
 * Error object. Every library function that can fail returns 0 or a negative
 * errno and, when the caller passes a non-NULL error object, fills it with
 * what failed (message, naming the file, line or attribute) and, where one is
 * known, the remedy. The caller owns the object; nothing to free.
 */
struct sriov_err {
	int code;	/* negative errno, 0 when unset */
	char msg[512];	/* what failed: "path: reason" or "file:line: reason" */
	char hint[512]; /* what to do about it; empty when nothing to say */
};

void sriov_err_clear(struct sriov_err *e);

/* Sets code and message; returns code so callers can "return sriov_err_set(...)". */
int sriov_err_set(struct sriov_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Adds a remedy to an error already set. */
void sriov_err_hint(struct sriov_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
