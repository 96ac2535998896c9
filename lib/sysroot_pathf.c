// SPDX-License-Identifier: MIT
/*
 * printf-style variants of the root-aware calls (sysroot.h): the caller names
 * a path as a format, this file formats it once into a bounded buffer and
 * hands it to the plain call. One place that builds paths, one message when
 * a path does not fit.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

#include "sriov/sysroot.h"

static int vpathf(struct sriov_err *e, char *buf, size_t size, const char *fmt,
		  va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (n < 0 || (size_t)n >= size)
		return sriov_err_set(e, -ENAMETOOLONG, "%.64s...: path too long", buf);
	return 0;
}

int sriov_pathf(struct sriov_err *e, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vpathf(e, buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

/* Formats the variable arguments of the enclosing function into path. */
#define FORMAT_PATH(e, path, fmt)                                                        \
	do {                                                                             \
		va_list ap_;                                                             \
		int ret_;                                                                \
                                                                                         \
		va_start(ap_, fmt);                                                      \
		ret_ = vpathf(e, path, sizeof(path), fmt, ap_);                          \
		va_end(ap_);                                                             \
		if (ret_ < 0)                                                            \
			return ret_;                                                     \
	} while (0)

int sriov_readf_file(struct sriov_root *r, char *buf, size_t size, size_t *len,
		     struct sriov_err *e, const char *fmt, ...)
{
	char path[PATH_MAX];

	FORMAT_PATH(e, path, fmt);
	return sriov_read_file(r, path, buf, size, len, e);
}

int sriov_readf_attr(struct sriov_root *r, char *buf, size_t size, struct sriov_err *e,
		     const char *fmt, ...)
{
	char path[PATH_MAX];

	FORMAT_PATH(e, path, fmt);
	return sriov_read_attr(r, path, buf, size, e);
}

int sriov_readf_u64(struct sriov_root *r, int base, uint64_t *val, struct sriov_err *e,
		    const char *fmt, ...)
{
	char path[PATH_MAX];

	FORMAT_PATH(e, path, fmt);
	return sriov_read_u64(r, path, base, val, e);
}

int sriov_readf_link(struct sriov_root *r, char *buf, size_t size, struct sriov_err *e,
		     const char *fmt, ...)
{
	char path[PATH_MAX];

	FORMAT_PATH(e, path, fmt);
	return sriov_read_link(r, path, buf, size, e);
}

int sriov_readf_link_base(struct sriov_root *r, char *buf, size_t size,
			  struct sriov_err *e, const char *fmt, ...)
{
	char path[PATH_MAX];

	FORMAT_PATH(e, path, fmt);
	return sriov_read_link_base(r, path, buf, size, e);
}

int sriov_list_dirf(struct sriov_root *r, struct sriov_dirent **ents, size_t *n,
		    struct sriov_err *e, const char *fmt, ...)
{
	char path[PATH_MAX];

	FORMAT_PATH(e, path, fmt);
	return sriov_list_dir(r, path, ents, n, e);
}

int sriov_pathf_exists(struct sriov_root *r, const char *fmt, ...)
{
	char path[PATH_MAX];

	FORMAT_PATH(NULL, path, fmt);
	return sriov_path_exists(r, path);
}

int sriov_writef_attr(struct sriov_root *r, const char *val, struct sriov_err *e,
		      const char *fmt, ...)
{
	char path[PATH_MAX];

	FORMAT_PATH(e, path, fmt);
	return sriov_write_attr(r, path, val, e);
}

int sriov_dir_openf(struct sriov_root *r, struct sriov_dir *d, struct sriov_err *e,
		    const char *fmt, ...)
{
	char path[PATH_MAX];

	d->root = r;
	d->fd = -1;
	d->ents = NULL;
	d->n_ents = 0;
	FORMAT_PATH(e, path, fmt);
	return sriov_dir_open(r, path, d, e);
}
