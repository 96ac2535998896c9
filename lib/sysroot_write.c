// SPDX-License-Identifier: MIT
/*
 * Changing files inside the root. One pattern throughout: the path is split
 * into its parent directory and its last component; the parent is opened
 * with sriov_root_openat() (resolved inside the root, so no symlink or ".."
 * of the tree can lead outside it) and the change is made relative to that
 * directory on the last component alone, which must be a plain name
 * (sriov_name_is_safe()). Nothing follows a symlink in the last component.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "sriov/sysroot.h"

struct split_path {
	char parent[PATH_MAX];
	char name[NAME_MAX + 1];
};

/*
 * "/a/b/c" -> parent "/a/b", name "c" (trailing slashes ignored). -EINVAL
 * when the last component is not a plain name: empty (the root), ".", "..".
 */
static int split_path(const char *path, struct split_path *sp, struct sriov_err *e)
{
	size_t end = strlen(path), start;

	while (end > 0 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end >= sizeof(sp->parent))
		return sriov_err_set(e, -ENAMETOOLONG, "%s: path too long", path);
	snprintf(sp->name, sizeof(sp->name), "%.*s", (int)(end - start), path + start);
	if (end - start > NAME_MAX || !sriov_name_is_safe(sp->name))
		return sriov_err_set(e, -EINVAL,
				     "%s: the last component must be a plain file name "
				     "(not empty, \".\" or \"..\")",
				     path);
	snprintf(sp->parent, sizeof(sp->parent), "%.*s", (int)start, path);
	if (!sp->parent[0])
		snprintf(sp->parent, sizeof(sp->parent), "/");
	return 0;
}

/* Splits path and opens its parent inside r (flags: O_PATH or O_RDONLY). */
static int open_parent(struct sriov_root *r, const char *path, int flags,
		       struct split_path *sp, struct sriov_err *e)
{
	int ret = split_path(path, sp, e);

	if (ret < 0)
		return ret;
	return sriov_root_openat(r, sp->parent, flags | O_DIRECTORY, e);
}

static int fail(struct sriov_err *e, int err, const char *what, const char *path)
{
	return sriov_err_set(e, -err, "%s %s: %s", what, path, strerror(err));
}

/* ---- directories ------------------------------------------------------- */

/* Creates the last component of path (its parent exists), mode exact. */
static int mkdir_one(struct sriov_root *r, const char *path, unsigned int mode,
		     struct sriov_err *e)
{
	struct split_path sp;
	int dfd, fd, err = 0;

	dfd = open_parent(r, path, O_PATH, &sp, e);
	if (dfd < 0)
		return dfd;
	if (mkdirat(dfd, sp.name, mode) < 0)
		err = errno;
	if (!err) { /* the umask may have taken bits away */
		fd = openat(dfd, sp.name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fchmod(fd, mode) < 0)
			err = errno;
		if (fd >= 0)
			close(fd);
	}
	close(dfd);
	if (err && err != EEXIST)
		return fail(e, err, "creating directory", path);
	return 0;
}

static int is_dir_in_root(struct sriov_root *r, const char *path, struct sriov_err *e)
{
	int fd = sriov_root_openat(r, path, O_PATH | O_DIRECTORY, e);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int sriov_mkdir_p(struct sriov_root *r, const char *path, unsigned int mode,
		  struct sriov_err *e)
{
	char prefix[PATH_MAX];
	size_t len = strlen(path);
	int ret;

	if (len >= sizeof(prefix))
		return sriov_err_set(e, -ENAMETOOLONG, "%s: path too long", path);
	for (size_t end = 1; end <= len; end++) {
		if (end < len && (path[end] != '/' || path[end - 1] == '/'))
			continue;
		snprintf(prefix, sizeof(prefix), "%.*s", (int)end, path);
		if (prefix[end - 1] == '/')
			continue; /* "/" itself, or a trailing slash */
		if (is_dir_in_root(r, prefix, NULL) == 0)
			continue;
		ret = mkdir_one(r, prefix, mode, e);
		if (ret < 0)
			return ret;
		ret = is_dir_in_root(r, prefix, e); /* e.g. a file was in the way */
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* ---- atomic replacement ------------------------------------------------ */

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Creates tmp in dfd and fills it; the file is durable once this returns 0. */
static int write_temp(int dfd, const char *tmp, const void *data, size_t len,
		      unsigned int mode)
{
	int fd, err;

	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST) { /* left by a dead process with our pid */
		unlinkat(dfd, tmp, 0);
		fd = openat(dfd, tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	}
	if (fd < 0)
		return errno;
	err = fchmod(fd, mode) < 0 ? errno : 0;
	if (!err)
		err = write_all(fd, data, len);
	if (!err && fsync(fd) < 0)
		err = errno;
	if (close(fd) < 0 && !err)
		err = errno;
	return err;
}

int sriov_write_file_atomic(struct sriov_root *r, const char *path, const void *data,
			    size_t len, unsigned int mode, struct sriov_err *e)
{
	struct split_path sp;
	char tmp[NAME_MAX + 32];
	int dfd, err;

	dfd = open_parent(r, path, O_RDONLY, &sp, e); /* O_RDONLY: fsync needs it */
	if (dfd < 0)
		return dfd;
	snprintf(tmp, sizeof(tmp), ".%s.tmp.%ld", sp.name, (long)getpid());
	err = write_temp(dfd, tmp, data, len, mode);
	if (!err && renameat(dfd, tmp, dfd, sp.name) < 0)
		err = errno;
	if (err) {
		unlinkat(dfd, tmp, 0);
		close(dfd);
		return fail(e, err, "writing", path);
	}
	/* the rename is durable once the directory is; EINVAL: no fsync there */
	if (fsync(dfd) < 0 && errno != EINVAL)
		err = errno;
	close(dfd);
	if (err)
		return fail(e, err, "syncing the directory of", path);
	return 0;
}

/* ---- single operations ------------------------------------------------- */

int sriov_root_open_create(struct sriov_root *r, const char *path, int flags,
			   unsigned int mode, struct sriov_err *e)
{
	struct split_path sp;
	int dfd, fd, err;

	dfd = open_parent(r, path, O_PATH, &sp, e);
	if (dfd < 0)
		return dfd;
	fd = openat(dfd, sp.name, flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode);
	err = errno;
	close(dfd);
	if (fd < 0)
		return fail(e, err, "opening", path);
	return fd;
}

int sriov_root_rename(struct sriov_root *r, const char *from, const char *to,
		      struct sriov_err *e)
{
	struct split_path sfrom, sto;
	int dfrom, dto, err = 0;

	dfrom = open_parent(r, from, O_PATH, &sfrom, e);
	if (dfrom < 0)
		return dfrom;
	dto = open_parent(r, to, O_PATH, &sto, e);
	if (dto < 0) {
		close(dfrom);
		return dto;
	}
	if (renameat(dfrom, sfrom.name, dto, sto.name) < 0)
		err = errno;
	close(dfrom);
	close(dto);
	if (err)
		return sriov_err_set(e, -err, "renaming %s to %s: %s", from, to,
				     strerror(err));
	return 0;
}

int sriov_root_unlink(struct sriov_root *r, const char *path, struct sriov_err *e)
{
	struct split_path sp;
	int dfd, err = 0;

	dfd = open_parent(r, path, O_PATH, &sp, e);
	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, sp.name, 0) < 0)
		err = errno;
	close(dfd);
	return err ? fail(e, err, "removing", path) : 0;
}

int sriov_root_symlink(struct sriov_root *r, const char *target, const char *linkpath,
		       struct sriov_err *e)
{
	struct split_path sp;
	int dfd, err = 0;

	dfd = open_parent(r, linkpath, O_PATH, &sp, e);
	if (dfd < 0)
		return dfd;
	if (symlinkat(target, dfd, sp.name) < 0)
		err = errno;
	close(dfd);
	return err ? fail(e, err, "creating symlink", linkpath) : 0;
}

/* The root itself ("/", "") has no parent to split off: it is opened. */
static bool names_root(const char *path)
{
	return strspn(path, "/") == strlen(path);
}

int sriov_root_stat(struct sriov_root *r, const char *path, bool nofollow,
		    struct stat *st, struct sriov_err *e)
{
	struct split_path sp;
	int fd, err = 0;

	if (!nofollow || names_root(path)) {
		fd = sriov_root_openat(r, path, O_PATH, e);
		if (fd < 0)
			return fd;
		if (fstat(fd, st) < 0)
			err = errno;
	} else {
		fd = open_parent(r, path, O_PATH, &sp, e);
		if (fd < 0)
			return fd;
		if (fstatat(fd, sp.name, st, AT_SYMLINK_NOFOLLOW) < 0)
			err = errno;
	}
	close(fd);
	return err ? fail(e, err, "stat", path) : 0;
}
