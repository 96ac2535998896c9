// SPDX-License-Identifier: MIT
/*
 * Root-aware file access: every path the library touches is resolved inside
 * a root directory with openat2(RESOLVE_IN_ROOT), so a captured tree given
 * with --root cannot lead reads out of it through ".." or absolute links.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>

#include "sriov/sysroot.h"
#include "sysroot_internal.h"

struct sriov_root {
	int fd;
	bool is_host;
	bool no_openat2;
	char dir[PATH_MAX];
	bool recording;
	struct sriov_record *recs;
	size_t n_recs, cap_recs;
};

bool sriov_name_is_safe(const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strlen(name);
	if (len == 0 || len > 255)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *p = name; *p; p++) {
		if (*p == '/' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	}
	return true;
}

int sriov_root_open(const char *dir, struct sriov_root **out, struct sriov_err *e)
{
	struct sriov_root *r;
	struct stat st;

	*out = NULL;
	if (dir && !*dir) /* an unset variable in "--root $DIR" must not mean the host */
		return sriov_err_set(
			e, -EINVAL,
			"'' is an empty path: name a directory, or leave the "
			"option out to use this host");
	if (!dir)
		dir = "/";
	r = calloc(1, sizeof(*r));
	if (!r)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	r->fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->fd < 0) {
		int err = -errno;

		free(r);
		return sriov_err_set(e, err, "%s: %s", dir, strerror(-err));
	}
	if (fstat(r->fd, &st) == 0 && !S_ISDIR(st.st_mode)) {
		close(r->fd);
		free(r);
		return sriov_err_set(e, -ENOTDIR, "%s: not a directory", dir);
	}
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	r->is_host = realpath(dir, r->dir) && !strcmp(r->dir, "/");
	*out = r;
	return 0;
}

void sriov_root_close(struct sriov_root *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_recs; i++)
		free(r->recs[i].path);
	free(r->recs);
	close(r->fd);
	free(r);
}

const char *sriov_root_dir(const struct sriov_root *r)
{
	return r->dir;
}

bool sriov_root_is_host(const struct sriov_root *r)
{
	return r->is_host;
}

void sriov_root_record(struct sriov_root *r, bool on)
{
	r->recording = on;
}

size_t sriov_root_recorded(const struct sriov_root *r, const struct sriov_record **recs)
{
	*recs = r->recs;
	return r->n_recs;
}

static void record(struct sriov_root *r, const char *path, enum sriov_access kind)
{
	struct sriov_record *grown;
	char *copy;

	if (!r->recording)
		return;
	if (r->n_recs == r->cap_recs) {
		size_t cap = r->cap_recs ? r->cap_recs * 2 : 256;

		grown = realloc(r->recs, cap * sizeof(*grown));
		if (!grown)
			return;
		r->recs = grown;
		r->cap_recs = cap;
	}
	copy = strdup(path);
	if (!copy)
		return;
	r->recs[r->n_recs].path = copy;
	r->recs[r->n_recs].kind = kind;
	r->n_recs++;
}

/* Strips leading slashes: paths inside the root are relative to its fd. */
static const char *rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

/*
 * RESOLVE_IN_ROOT done in user space, for kernels without openat2 (before
 * 5.6) and for valgrind (which does not know the syscall): one component at
 * a time from the root, each with O_NOFOLLOW; a symlink is read and its
 * target put in front of the rest of the path (an absolute one restarts at
 * the root); ".." never climbs above the root. Slower than openat2, not
 * race-free against a tree changed meanwhile, but it never leaves the root.
 */
#define IN_ROOT_MAX_DEPTH 64
#define IN_ROOT_MAX_LINKS 40

struct in_root_walk {
	int stack[IN_ROOT_MAX_DEPTH]; /* O_PATH fds of the directories walked */
	int depth;		      /* stack[0] is the root's fd (not owned) */
	char rest[2 * PATH_MAX];      /* the part of the path still to walk */
	char at[PATH_MAX];	      /* stack[depth]'s path inside the root, "" at it */
	const struct sriov_walk_visitor *visit; /* NULL: no look at the steps */
};

static void walk_pop(struct in_root_walk *w)
{
	char *slash = strrchr(w->at, '/');

	close(w->stack[w->depth--]);
	if (slash)
		*slash = '\0';
	else
		w->at[0] = '\0';
}

static void walk_pop_all(struct in_root_walk *w)
{
	while (w->depth > 0)
		walk_pop(w);
}

/* w->at joined with comp into out. */
static int walk_path(const struct in_root_walk *w, const char *comp, char *out,
		     size_t size)
{
	int n = snprintf(out, size, "%s%s%s", w->at, w->at[0] ? "/" : "", comp);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int walk_push(struct in_root_walk *w, const char *comp, int fd)
{
	char at[PATH_MAX];

	if (walk_path(w, comp, at, sizeof(at)) < 0) {
		close(fd);
		return -ENAMETOOLONG;
	}
	w->stack[++w->depth] = fd;
	memcpy(w->at, at, strlen(at) + 1);
	return 0;
}

/* Next component of w->rest into comp; returns false at the end. */
static bool walk_next(struct in_root_walk *w, char *comp, size_t size, bool *last)
{
	char *p = w->rest, *slash;
	size_t len;

	while (*p == '/')
		p++;
	if (!*p)
		return false;
	slash = strchr(p, '/');
	len = slash ? (size_t)(slash - p) : strlen(p);
	snprintf(comp, size, "%.*s", (int)len, p);
	memmove(w->rest, p + len, strlen(p + len) + 1);
	*last = strspn(w->rest, "/") == strlen(w->rest);
	return true;
}

/* comp is a symlink: walk its target, then what was left. */
static int walk_splice_link(struct in_root_walk *w, const char *comp, const char *target)
{
	size_t tlen = strlen(target), rlen = strlen(w->rest);
	char path[PATH_MAX];
	int ret;

	if (w->visit && w->visit->link) {
		ret = walk_path(w, comp, path, sizeof(path));
		if (ret == 0)
			ret = w->visit->link(w->visit->ctx, path, target);
		if (ret < 0)
			return ret;
	}
	if (tlen + rlen + 2 > sizeof(w->rest))
		return -ENAMETOOLONG;
	memmove(w->rest + tlen + 1, w->rest, rlen + 1);
	memcpy(w->rest, target, tlen);
	w->rest[tlen] = '/';
	if (target[0] == '/')
		walk_pop_all(w);
	return 0;
}

static int walk_step(struct in_root_walk *w, const char *comp, bool last, int flags,
		     int *links)
{
	int top = w->stack[w->depth], fd;
	char target[PATH_MAX];
	ssize_t n;

	if (!strcmp(comp, "."))
		return 0;
	if (!strcmp(comp, "..")) {
		if (w->depth > 0)
			walk_pop(w);
		return 0;
	}
	if (!(last && (flags & O_NOFOLLOW))) {
		n = readlinkat(top, comp, target, sizeof(target) - 1);
		if (n >= 0) {
			if (++*links > IN_ROOT_MAX_LINKS)
				return -ELOOP;
			target[n] = '\0';
			return walk_splice_link(w, comp, target);
		}
		if (errno != EINVAL)
			return -errno;
	}
	if (last)
		return 1; /* the caller opens it */
	if (w->depth + 1 >= IN_ROOT_MAX_DEPTH)
		return -ENAMETOOLONG;
	fd = openat(top, comp, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return walk_push(w, comp, fd);
}

/*
 * Walks path from w->stack[0]: 1 when it stopped at its last component comp
 * in w->stack[w->depth] (not opened; a symlink there followed unless
 * O_NOFOLLOW), 0 when the path ended at the directory w->stack[w->depth]
 * ("/", "a/.."), or -errno. The caller pops w.
 */
static int walk_to_last(struct in_root_walk *w, const char *path, int flags, char *comp,
			size_t size)
{
	int links = 0, ret = 0;
	bool last = true;

	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	snprintf(w->rest, sizeof(w->rest), "%s", path);
	while (ret >= 0 && walk_next(w, comp, size, &last)) {
		ret = walk_step(w, comp, last, flags, &links);
		if (ret == 1)
			return 1;
	}
	return ret < 0 ? ret : 0;
}

static int openat_in_root(int root_fd, const char *path, int flags)
{
	struct in_root_walk w = {.stack = {root_fd}};
	char comp[NAME_MAX + 1];
	int ret, fd;

	ret = walk_to_last(&w, path, flags, comp, sizeof(comp));
	if (ret == 1)
		fd = openat(w.stack[w.depth], comp, flags | O_NOFOLLOW | O_CLOEXEC);
	else if (ret == 0) /* the path ended at a directory: "/", "a/.." */
		fd = openat(w.stack[w.depth], ".", flags | O_CLOEXEC);
	else
		fd = -1;
	if (ret >= 0 && fd < 0)
		ret = -errno;
	walk_pop_all(&w);
	return ret < 0 ? ret : fd;
}

int sriov_root_walk(struct sriov_root *r, const char *path, bool follow_last,
		    const struct sriov_walk_visitor *v)
{
	struct in_root_walk w = {.stack = {r->fd}, .visit = v};
	char comp[NAME_MAX + 1];
	char at[PATH_MAX];
	int ret;

	ret = walk_to_last(&w, path, follow_last ? 0 : O_NOFOLLOW, comp, sizeof(comp));
	if (ret == 0)
		snprintf(comp, sizeof(comp), ".");
	if (ret >= 0 && v->last) {
		ret = ret == 1 ? walk_path(&w, comp, at, sizeof(at))
			       : (snprintf(at, sizeof(at), "%s", w.at), 0);
		if (ret == 0)
			ret = v->last(v->ctx, at, w.stack[w.depth], comp);
	}
	walk_pop_all(&w);
	return ret;
}

void sriov_root_force_walk(struct sriov_root *r)
{
	r->no_openat2 = true;
}

/*
 * A FIFO where a sysfs or procfs file should be (a damaged or crafted --root
 * tree) must not block the open for reading: files are opened for reading
 * with O_NONBLOCK (no effect on sysfs, procfs or regular files), which is
 * then dropped unless asked for. Reading a FIFO nobody writes to then ends
 * at once (an empty value); tests that answer through a FIFO still work.
 */
static int open_flags(int flags)
{
	if ((flags & O_PATH) || (flags & O_ACCMODE) != O_RDONLY)
		return flags;
	return flags | O_NONBLOCK;
}

static int restore_blocking(int fd, int flags)
{
	if (fd >= 0 && open_flags(flags) != flags) /* O_NONBLOCK added, not asked */
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int sriov_root_openat(struct sriov_root *r, const char *path, int flags,
		      struct sriov_err *e)
{
	struct open_how how = {
		.flags = (uint64_t)(open_flags(flags) | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = -1;

	if (!r->no_openat2) {
		fd = (int)syscall(SYS_openat2, r->fd, rel(path), &how, sizeof(how));
		if (fd < 0 && errno == ENOSYS)
			r->no_openat2 = true;
	}
	if (r->no_openat2 && r->is_host)
		fd = openat(r->fd, rel(path), open_flags(flags) | O_CLOEXEC);
	else if (r->no_openat2) {
		fd = openat_in_root(r->fd, path, open_flags(flags));
		if (fd < 0) {
			errno = -fd;
			fd = -1;
		}
	}
	if (fd < 0)
		return sriov_err_set(e, -errno, "%s: %s", path, strerror(errno));
	return restore_blocking(fd, flags);
}

static int read_fd(int fd, char *buf, size_t size, size_t *len)
{
	size_t got = 0;

	while (got + 1 < size) {
		ssize_t n = read(fd, buf + got, size - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	if (len)
		*len = got;
	return 0;
}

int sriov_read_file(struct sriov_root *r, const char *path, char *buf, size_t size,
		    size_t *len, struct sriov_err *e)
{
	int fd, ret;

	if (size == 0)
		return sriov_err_set(e, -EINVAL, "%s: no buffer", path);
	fd = sriov_root_openat(r, path, O_RDONLY, e);
	if (fd < 0)
		return fd;
	ret = read_fd(fd, buf, size, len);
	close(fd);
	if (ret < 0)
		return sriov_err_set(e, ret, "%s: %s", path, strerror(-ret));
	record(r, path, SRIOV_ACCESS_FILE);
	return 0;
}

static void strip_trailing_space(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' ||
		     s[n - 1] == '\r'))
		s[--n] = '\0';
}

int sriov_read_attr(struct sriov_root *r, const char *path, char *buf, size_t size,
		    struct sriov_err *e)
{
	int ret = sriov_read_file(r, path, buf, size, NULL, e);

	if (ret < 0)
		return ret;
	strip_trailing_space(buf);
	return 0;
}

static int parse_u64(const char *s, int base, uint64_t *val)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return -EINVAL;
	*val = v;
	return 0;
}

int sriov_read_u64(struct sriov_root *r, const char *path, int base, uint64_t *val,
		   struct sriov_err *e)
{
	char buf[64];
	int ret = sriov_read_attr(r, path, buf, sizeof(buf), e);

	if (ret < 0)
		return ret;
	if (parse_u64(buf, base, val) < 0)
		return sriov_err_set(e, -EINVAL, "%s: not a number: \"%.32s\"", path,
				     buf);
	return 0;
}

static int split_parent(const char *path, char *parent, size_t size, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(parent, size, "/");
		*base = path;
		return 0;
	}
	if ((size_t)(slash - path) + 1 > size)
		return -ENAMETOOLONG;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	if (!parent[0])
		snprintf(parent, size, "/");
	*base = slash + 1;
	return sriov_name_is_safe(*base) ? 0 : -EINVAL;
}

int sriov_read_link(struct sriov_root *r, const char *path, char *buf, size_t size,
		    struct sriov_err *e)
{
	struct sriov_dir d;
	char parent[4096];
	const char *base;
	int ret;

	ret = split_parent(path, parent, sizeof(parent), &base);
	if (ret < 0)
		return sriov_err_set(e, ret, "%s: bad path", path);
	ret = sriov_dir_open(r, parent, &d, e);
	if (ret < 0)
		return ret;
	ret = sriov_dir_read_link(&d, base, buf, size, e);
	sriov_dir_close(&d);
	return ret;
}

static void copy_base(const char *target, char *buf, size_t size)
{
	const char *slash = strrchr(target, '/');

	snprintf(buf, size, "%s", slash ? slash + 1 : target);
}

int sriov_read_link_base(struct sriov_root *r, const char *path, char *buf, size_t size,
			 struct sriov_err *e)
{
	char target[4096];
	int ret = sriov_read_link(r, path, target, sizeof(target), e);

	if (ret < 0)
		return ret;
	copy_base(target, buf, size);
	return 0;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int cmp_dirent(const void *a, const void *b)
{
	return strcmp(((const struct sriov_dirent *)a)->name,
		      ((const struct sriov_dirent *)b)->name);
}

static int append_dirent(struct sriov_dirent **ents, size_t *n, size_t *cap,
			 const struct linux_dirent64 *de)
{
	if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
		return 0;
	if (strlen(de->d_name) >= sizeof((*ents)->name))
		return 0;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct sriov_dirent *grown = realloc(*ents, ncap * sizeof(**ents));

		if (!grown)
			return -ENOMEM;
		*ents = grown;
		*cap = ncap;
	}
	strcpy((*ents)[*n].name, de->d_name);
	(*ents)[*n].type = de->d_type;
	(*n)++;
	return 0;
}

static int read_dirents(int fd, struct sriov_dirent **ents, size_t *n)
{
	static __thread char buf[65536] __attribute__((aligned(8)));
	size_t cap = 0;
	long got;

	*ents = NULL;
	*n = 0;
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < got;) {
			struct linux_dirent64 *de = (void *)(buf + off);
			int ret = append_dirent(ents, n, &cap, de);

			if (ret < 0)
				return ret;
			off += de->d_reclen;
		}
	}
	if (got < 0)
		return -errno;
	if (*n > 1)
		qsort(*ents, *n, sizeof(**ents), cmp_dirent);
	return 0;
}

int sriov_list_dir(struct sriov_root *r, const char *path, struct sriov_dirent **ents,
		   size_t *n, struct sriov_err *e)
{
	int fd, ret;

	*ents = NULL;
	*n = 0;
	fd = sriov_root_openat(r, path, O_RDONLY | O_DIRECTORY, e);
	if (fd < 0)
		return fd;
	ret = read_dirents(fd, ents, n);
	close(fd);
	if (ret < 0) {
		free(*ents);
		*ents = NULL;
		*n = 0;
		return sriov_err_set(e, ret, "%s: %s", path, strerror(-ret));
	}
	record(r, path, SRIOV_ACCESS_DIR);
	return 0;
}

int sriov_path_exists(struct sriov_root *r, const char *path)
{
	int fd = sriov_root_openat(r, path, O_PATH, NULL);

	if (fd < 0)
		return fd;
	close(fd);
	record(r, path, SRIOV_ACCESS_EXISTS);
	return 0;
}

int sriov_write_attr(struct sriov_root *r, const char *path, const char *val,
		     struct sriov_err *e)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd;

	fd = sriov_root_openat(r, path, O_WRONLY | O_TRUNC, e);
	if (fd < 0)
		return fd;
	do {
		n = write(fd, val, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return sriov_err_set(e, err, "writing \"%s\" to %s: %s", val, path,
				     strerror(-err));
	}
	close(fd);
	if ((size_t)n != len)
		return sriov_err_set(e, -EIO, "writing \"%s\" to %s: short write", val,
				     path);
	return 0;
}

/* ---- directory handles ------------------------------------------------ */

int sriov_dir_open(struct sriov_root *r, const char *path, struct sriov_dir *d,
		   struct sriov_err *e)
{
	int fd;

	d->root = r;
	d->fd = -1;
	d->ents = NULL;
	d->n_ents = 0;
	if (snprintf(d->path, sizeof(d->path), "%s", path) >= (int)sizeof(d->path))
		return sriov_err_set(e, -ENAMETOOLONG, "%s: path too long", path);
	fd = sriov_root_openat(r, path, O_PATH | O_DIRECTORY, e);
	if (fd < 0)
		return fd;
	d->fd = fd;
	return 0;
}

void sriov_dir_close(struct sriov_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	free(d->ents);
	d->ents = NULL;
	d->n_ents = 0;
}

static void dir_record(struct sriov_dir *d, const char *name, enum sriov_access kind)
{
	char full[sizeof(d->path) + 2 * NAME_MAX + 2];

	if (!d->root->recording)
		return;
	snprintf(full, sizeof(full), "%s/%s", d->path, name);
	record(d->root, full, kind);
}

static int check_name(struct sriov_dir *d, const char *name, struct sriov_err *e)
{
	if (sriov_name_is_safe(name))
		return 0;
	return sriov_err_set(e, -EINVAL, "%s: invalid name \"%s\"", d->path, name);
}

int sriov_dir_read_file(struct sriov_dir *d, const char *name, char *buf, size_t size,
			size_t *len, struct sriov_err *e)
{
	int fd, ret;

	ret = check_name(d, name, e);
	if (ret < 0)
		return ret;
	if (size == 0)
		return sriov_err_set(e, -EINVAL, "%s/%s: no buffer", d->path, name);
	fd = openat(d->fd, name, open_flags(O_RDONLY) | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sriov_err_set(e, -errno, "%s/%s: %s", d->path, name,
				     strerror(errno));
	restore_blocking(fd, O_RDONLY);
	ret = read_fd(fd, buf, size, len);
	close(fd);
	if (ret < 0)
		return sriov_err_set(e, ret, "%s/%s: %s", d->path, name, strerror(-ret));
	dir_record(d, name, SRIOV_ACCESS_FILE);
	return 0;
}

int sriov_dir_read_attr(struct sriov_dir *d, const char *name, char *buf, size_t size,
			struct sriov_err *e)
{
	int ret = sriov_dir_read_file(d, name, buf, size, NULL, e);

	if (ret < 0)
		return ret;
	strip_trailing_space(buf);
	return 0;
}

int sriov_dir_read_int(struct sriov_dir *d, const char *name, int base, long long *val,
		       struct sriov_err *e)
{
	char buf[64], *end;
	long long v;
	int ret;

	ret = sriov_dir_read_attr(d, name, buf, sizeof(buf), e);
	if (ret < 0)
		return ret;
	errno = 0;
	v = strtoll(buf, &end, base);
	if (!buf[0] || errno || *end)
		return sriov_err_set(e, -EINVAL, "%s/%s: not a number: \"%.32s\"",
				     d->path, name, buf);
	*val = v;
	return 0;
}

/* readlinkat of rel (a checked name, or SUB/NAME) below the directory handle. */
static int dir_readlink(struct sriov_dir *d, const char *rel, char *buf, size_t size,
			struct sriov_err *e)
{
	ssize_t n;

	if (size < 2)
		return sriov_err_set(e, -EINVAL, "%s/%s: no buffer", d->path, rel);
	n = readlinkat(d->fd, rel, buf, size - 1);
	if (n < 0)
		return sriov_err_set(e, -errno, "%s/%s: %s", d->path, rel,
				     strerror(errno));
	if ((size_t)n >= size - 1)
		return sriov_err_set(e, -ENAMETOOLONG, "%s/%s: link target too long",
				     d->path, rel);
	buf[n] = '\0';
	dir_record(d, rel, SRIOV_ACCESS_LINK);
	return 0;
}

int sriov_dir_read_link(struct sriov_dir *d, const char *name, char *buf, size_t size,
			struct sriov_err *e)
{
	int ret = check_name(d, name, e);

	if (ret < 0)
		return ret;
	return dir_readlink(d, name, buf, size, e);
}

int sriov_dir_read_link_base(struct sriov_dir *d, const char *name, char *buf,
			     size_t size, struct sriov_err *e)
{
	char target[4096];
	int ret = sriov_dir_read_link(d, name, target, sizeof(target), e);

	if (ret < 0)
		return ret;
	copy_base(target, buf, size);
	return 0;
}

int sriov_dir_has(struct sriov_dir *d, const char *name)
{
	if (!sriov_name_is_safe(name))
		return -EINVAL;
	if (faccessat(d->fd, name, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	dir_record(d, name, SRIOV_ACCESS_EXISTS);
	return 0;
}

int sriov_dir_list(struct sriov_dir *d, struct sriov_err *e)
{
	int fd, ret;

	free(d->ents);
	d->ents = NULL;
	d->n_ents = 0;
	fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sriov_err_set(e, -errno, "%s: %s", d->path, strerror(errno));
	ret = read_dirents(fd, &d->ents, &d->n_ents);
	close(fd);
	if (ret < 0) {
		free(d->ents);
		d->ents = NULL;
		d->n_ents = 0;
		return sriov_err_set(e, ret, "%s: %s", d->path, strerror(-ret));
	}
	record(d->root, d->path, SRIOV_ACCESS_DIR);
	return 0;
}

bool sriov_dir_has_subdir(const struct sriov_dir *d, const char *sub)
{
	const struct sriov_dirent *ent;
	struct sriov_dirent key;

	if (!d->n_ents || !sub || strlen(sub) >= sizeof(key.name))
		return false;
	strcpy(key.name, sub);
	ent = bsearch(&key, d->ents, d->n_ents, sizeof(key), cmp_dirent);
	return ent && ent->type == DT_DIR;
}

/* SUB/NAME into path when SUB is a directory (not a link) of d's listing. */
static int sub_path(struct sriov_dir *d, const char *sub, const char *name, char *path,
		    size_t size, struct sriov_err *e)
{
	size_t slen, nlen;

	if (!sriov_name_is_safe(sub) || !sriov_name_is_safe(name))
		return sriov_err_set(e, -EINVAL, "%s: invalid name \"%s/%s\"", d->path,
				     sub ? sub : "", name ? name : "");
	if (!sriov_dir_has_subdir(d, sub))
		return sriov_err_set(e, -ENOTDIR, "%s/%s: not a listed directory",
				     d->path, sub);
	slen = strlen(sub);
	nlen = strlen(name);
	if (slen + 1 + nlen + 1 > size)
		return sriov_err_set(e, -ENAMETOOLONG, "%s/%s/%s: path too long", d->path,
				     sub, name);
	memcpy(path, sub, slen);
	path[slen] = '/';
	memcpy(path + slen + 1, name, nlen + 1);
	return 0;
}

int sriov_dir_sub_read_link(struct sriov_dir *d, const char *sub, const char *name,
			    char *buf, size_t size, struct sriov_err *e)
{
	char path[2 * NAME_MAX + 2];
	int ret;

	ret = sub_path(d, sub, name, path, sizeof(path), e);
	if (ret < 0)
		return ret;
	return dir_readlink(d, path, buf, size, e);
}

int sriov_dir_sub_read_link_base(struct sriov_dir *d, const char *sub, const char *name,
				 char *buf, size_t size, struct sriov_err *e)
{
	char target[4096];
	int ret = sriov_dir_sub_read_link(d, sub, name, target, sizeof(target), e);

	if (ret < 0)
		return ret;
	copy_base(target, buf, size);
	return 0;
}

int sriov_dir_sub_has(struct sriov_dir *d, const char *sub, const char *name)
{
	char path[2 * NAME_MAX + 2];
	int ret = sub_path(d, sub, name, path, sizeof(path), NULL);

	if (ret < 0)
		return ret;
	if (faccessat(d->fd, path, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	dir_record(d, path, SRIOV_ACCESS_EXISTS);
	return 0;
}

/* ---- files named by the user ------------------------------------------ */

static int read_all(int fd, size_t max, char **data, size_t *len)
{
	size_t cap = 65536, got = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (got == cap) {
			char *grown;

			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			grown = realloc(buf, cap + 1);
			if (!grown) {
				free(buf);
				return -ENOMEM;
			}
			buf = grown;
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;

			free(buf);
			return err;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		free(buf);
		return -EFBIG;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int sriov_read_user_file(const char *path, size_t max, char **data, size_t *len,
			 struct sriov_err *e)
{
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int ret;

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return sriov_err_set(e, -errno, "%s: %s", path, strerror(errno));
	if (!is_stdin && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return sriov_err_set(e, -EISDIR, "%s: is a directory", path);
	}
	ret = read_all(fd, max, data, len);
	if (!is_stdin)
		close(fd);
	if (ret == -EFBIG)
		return sriov_err_set(e, ret, "%s: larger than %zu bytes", path, max);
	if (ret < 0)
		return sriov_err_set(e, ret, "%s: %s", path, strerror(-ret));
	return 0;
}
