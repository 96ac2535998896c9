// SPDX-License-Identifier: MIT
/*
 * The findings of `sriovctl check`: a growing array of findings, each with
 * an id, a status, the evidence read and the remedy.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/findings.h"

const char *check_status_name(enum check_status s)
{
	switch (s) {
	case CHECK_PASS:
		return "pass";
	case CHECK_WARN:
		return "warn";
	case CHECK_FAIL:
		return "fail";
	case CHECK_SKIP:
		return "skip";
	}
	return "unknown";
}

void findings_free(struct findings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

static int findings_grow(struct findings *f)
{
	size_t ncap = f->cap ? f->cap * 2 : 16;
	struct finding *grown;

	grown = realloc(f->v, ncap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	f->v = grown;
	f->cap = ncap;
	return 0;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

struct finding *findings_add(struct findings *f, const char *id, const char *subject,
			     enum check_status status, const char *fmt, ...)
{
	struct finding *fd;
	va_list ap;

	if (f->n == f->cap && findings_grow(f) < 0)
		return NULL;
	fd = &f->v[f->n++];
	memset(fd, 0, sizeof(*fd));
	copy_str(fd->id, sizeof(fd->id), id);
	copy_str(fd->subject, sizeof(fd->subject), subject);
	fd->status = status;
	va_start(ap, fmt);
	vsnprintf(fd->summary, sizeof(fd->summary), fmt, ap);
	va_end(ap);
	return fd;
}

/* Appends one line to buf ('\n' before it unless buf is empty); truncates when full. */
static void append_line(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t len = strnlen(buf, size);

	if (len + 1 >= size)
		return;
	if (len) {
		buf[len++] = '\n';
		buf[len] = '\0';
	}
	vsnprintf(buf + len, size - len, fmt, ap);
}

void finding_evidence(struct finding *fd, const char *fmt, ...)
{
	va_list ap;

	if (!fd)
		return;
	va_start(ap, fmt);
	append_line(fd->evidence, sizeof(fd->evidence), fmt, ap);
	va_end(ap);
}

void finding_remedy(struct finding *fd, const char *fmt, ...)
{
	va_list ap;

	if (!fd)
		return;
	va_start(ap, fmt);
	append_line(fd->remedy, sizeof(fd->remedy), fmt, ap);
	va_end(ap);
}

bool findings_failed(const struct findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].status == CHECK_FAIL)
			return true;
	return false;
}

void findings_count(const struct findings *f, size_t counts[4])
{
	memset(counts, 0, 4 * sizeof(counts[0]));
	for (size_t i = 0; i < f->n; i++)
		if ((unsigned int)f->v[i].status < 4)
			counts[f->v[i].status]++;
}

void finding_set_summary(struct finding *fd, const char *fmt, ...)
{
	va_list ap;

	if (!fd)
		return;
	va_start(ap, fmt);
	vsnprintf(fd->summary, sizeof(fd->summary), fmt, ap);
	va_end(ap);
}
