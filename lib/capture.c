// SPDX-License-Identifier: MIT
/*
 * capture: archive what the tool read, so that a bug report or a test
 * fixture replays with --root. Each recorded path is walked again with the
 * root-aware layer's own in-root walk (sriov_root_walk): every symlink met
 * on the way is stored as a symlink, then the entry the path names, and
 * nothing outside the root is ever opened.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "sriov/capture.h"
#include "sriov/devlink.h"
#include "archive_dl.h"
#include "recorded.h"
#include "sysroot_internal.h"

#define MAX_CAPTURED_FILE (1 << 20)

/* ---- a set of archived paths ------------------------------------------ */

struct path_set {
	char **slots;
	size_t cap, n;
};

static size_t hash_path(const char *s)
{
	size_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int set_grow(struct path_set *set)
{
	size_t cap = set->cap ? set->cap * 2 : 1024;
	char **slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < set->cap; i++) {
		size_t h;

		if (!set->slots[i])
			continue;
		h = hash_path(set->slots[i]) & (cap - 1);
		while (slots[h])
			h = (h + 1) & (cap - 1);
		slots[h] = set->slots[i];
	}
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
	return 0;
}

/* 1 when added, 0 when present, -ENOMEM */
static int set_add(struct path_set *set, const char *path)
{
	size_t h;

	if ((set->n + 1) * 2 > set->cap && set_grow(set) < 0)
		return -ENOMEM;
	h = hash_path(path) & (set->cap - 1);
	while (set->slots[h]) {
		if (!strcmp(set->slots[h], path))
			return 0;
		h = (h + 1) & (set->cap - 1);
	}
	set->slots[h] = strdup(path);
	if (!set->slots[h])
		return -ENOMEM;
	set->n++;
	return 1;
}

static void set_free(struct path_set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
}

/* ---- archive writing -------------------------------------------------- */

struct capture {
	struct sriov_root *root;
	const struct archive_api *api;
	struct archive *ar;
	int out_fd; /* the archive file, -1 for standard output */
	struct path_set done;
	struct sriov_err *e;
	char *buf;
};

static int ar_fail(struct capture *c, const char *what)
{
	return sriov_err_set(c->e, -EIO, "writing capture (%s): %s", what,
			     c->api->error_string(c->ar));
}

static int emit(struct capture *c, const char *rel, mode_t type, const char *link,
		const void *data, size_t size)
{
	struct archive_entry *ent;
	int ret = set_add(&c->done, rel);

	if (ret <= 0)
		return ret == 0 ? 0 : sriov_err_set(c->e, ret, "out of memory");
	ent = c->api->entry_new();
	if (!ent)
		return sriov_err_set(c->e, -ENOMEM, "out of memory");
	c->api->entry_set_pathname(ent, rel);
	c->api->entry_set_filetype(ent, type);
	c->api->entry_set_perm(ent, type == AE_IFDIR   ? 0755
				    : type == AE_IFLNK ? 0777
						       : 0644);
	c->api->entry_set_mtime(ent, time(NULL), 0);
	if (link)
		c->api->entry_set_symlink(ent, link);
	c->api->entry_set_size(ent, type == AE_IFREG ? (la_int64_t)size : 0);
	ret = c->api->write_header(c->ar, ent);
	if (ret == ARCHIVE_OK && type == AE_IFREG && size &&
	    c->api->write_data(c->ar, data, size) < 0)
		ret = ARCHIVE_FATAL;
	c->api->entry_free(ent);
	return ret == ARCHIVE_OK ? 0 : ar_fail(c, rel);
}

static int emit_parents(struct capture *c, const char *rel)
{
	char dir[4096];

	for (const char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/')) {
		int ret;

		if ((size_t)(p - rel) >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, rel, (size_t)(p - rel));
		dir[p - rel] = '\0';
		ret = emit(c, dir, AE_IFDIR, NULL, NULL, 0);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The regular file name in dirfd, archived at rel. */
static int emit_file(struct capture *c, const char *rel, int dirfd, const char *name)
{
	ssize_t n;
	size_t got = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return 0; /* vanished or unreadable since: leave it out */
	while (got < MAX_CAPTURED_FILE &&
	       (n = read(fd, c->buf + got, MAX_CAPTURED_FILE - got)) > 0)
		got += (size_t)n;
	close(fd);
	return emit(c, rel, AE_IFREG, NULL, c->buf, got);
}

/* The symlink name in dirfd, archived at rel (left out when unreadable). */
static int emit_link(struct capture *c, const char *rel, int dirfd, const char *name)
{
	char target[4096];
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);

	if (n <= 0)
		return 0;
	target[n] = '\0';
	return emit(c, rel, AE_IFLNK, target, NULL, 0);
}

/* The directory name in dirfd, archived at rel with its links and subdirectories. */
static int emit_dir_listing(struct capture *c, const char *rel, int dirfd,
			    const char *name)
{
	struct sriov_dirent *ents;
	char path[4352];
	size_t n;
	int ret, fd;

	ret = emit(c, rel, AE_IFDIR, NULL, NULL, 0);
	fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ret < 0 || fd < 0 ||
	    sriov_list_dirf(c->root, &ents, &n, NULL, "/%s", rel) < 0) {
		if (fd >= 0)
			close(fd);
		return ret;
	}
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", rel, ents[i].name) >=
		    (int)sizeof(path))
			continue;
		if (ents[i].type == DT_LNK)
			ret = emit_link(c, path, fd, ents[i].name);
		else if (ents[i].type == DT_DIR)
			ret = emit(c, path, AE_IFDIR, NULL, NULL, 0);
	}
	close(fd);
	free(ents);
	return ret;
}

/* One recorded path being walked: what it was read as, the first failure. */
struct path_walk {
	struct capture *c;
	enum sriov_access kind;
	int err;
};

/* A symlink on the way: archived as a symlink, the walk goes on at its target. */
static int walk_link(void *ctx, const char *path, const char *target)
{
	struct path_walk *pw = ctx;
	int ret = emit_parents(pw->c, path);

	if (ret == 0)
		ret = emit(pw->c, path, AE_IFLNK, target, NULL, 0);
	pw->err = ret;
	return ret;
}

/* The entry the path names, as it was read: contents, link or listing. */
static int walk_last(void *ctx, const char *path, int dirfd, const char *name)
{
	struct path_walk *pw = ctx;
	struct stat st;
	int ret;

	if (!*path || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	ret = emit_parents(pw->c, path);
	if (ret < 0) {
		pw->err = ret;
		return ret;
	}
	if (S_ISLNK(st.st_mode))
		ret = emit_link(pw->c, path, dirfd, name);
	else if (S_ISREG(st.st_mode))
		ret = emit_file(pw->c, path, dirfd, name);
	else if (S_ISDIR(st.st_mode) && pw->kind == SRIOV_ACCESS_DIR)
		ret = emit_dir_listing(pw->c, path, dirfd, name);
	else if (S_ISDIR(st.st_mode))
		ret = emit(pw->c, path, AE_IFDIR, NULL, NULL, 0);
	pw->err = ret;
	return ret;
}

/*
 * Archives path (inside the root) as read with the given access kind. A path
 * that no longer resolves (gone, a loop) is archived as far as it went.
 */
static int emit_path(struct capture *c, const char *path, enum sriov_access kind)
{
	struct path_walk pw = {.c = c, .kind = kind};
	struct sriov_walk_visitor v = {.link = walk_link, .last = walk_last, .ctx = &pw};

	sriov_root_walk(c->root, path, kind != SRIOV_ACCESS_LINK, &v);
	return pw.err;
}

static int emit_recorded(struct capture *c)
{
	const struct sriov_record *recs;
	size_t n = sriov_root_recorded(c->root, &recs);

	for (size_t i = 0; i < n; i++) {
		const char *rel = recs[i].path;
		int ret;

		while (*rel == '/')
			rel++;
		if (!*rel)
			continue;
		ret = emit_path(c, rel, recs[i].kind);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The host's interface addresses (usage.h), for the "in use" view on replay. */
static int emit_addrs(struct capture *c)
{
	void *raw;
	size_t len;
	int ret;

	if (!sriov_root_is_host(c->root) || usage_addr_dump(&raw, &len, NULL) < 0)
		return 0; /* a tree's own file was archived as read; no netlink: none */
	ret = emit(c, USAGE_RECORDED_ADDR + 1, AE_IFREG, NULL, raw, len);
	free(raw);
	return ret;
}

/* One PF's devlink replies: asked of the kernel on the host, copied from a tree. */
static int emit_devlink_pf(struct capture *c, struct devlink_nl *dl, const struct pf *pf)
{
	struct devlink_state s;
	char path[128];
	size_t len = 0;
	void *raw = NULL;
	int ret;

	if (!sriov_name_is_safe(pf->bus_name) || !sriov_name_is_safe(pf->dev_name))
		return 0;
	if (dl) {
		devlink_state_init(&s, pf->bus_name, pf->dev_name);
		ret = devlink_read(dl, &s, &raw, &len, NULL);
		devlink_state_free(&s);
	} else {
		ret = devlink_recorded_read(c->root, pf->bus_name, pf->dev_name,
					    (char **)&raw, &len, NULL);
	}
	if (ret < 0)
		return ret == -ENOMEM ? sriov_err_set(c->e, ret, "out of memory") : 0;
	snprintf(path, sizeof(path), "%s/%s/%s", DEVLINK_RECORDED_DIR + 1, pf->bus_name,
		 pf->dev_name);
	ret = emit_parents(c, path);
	if (ret == 0)
		ret = emit(c, path, AE_IFREG, NULL, raw, len);
	free(raw);
	return ret;
}

/* Each PF's devlink instance (DEVLINK_RECORDED_DIR), replayed by `show --root`. */
static int emit_devlink(struct capture *c, const struct inventory *inv)
{
	struct devlink_nl *dl = NULL;
	int ret = 0;

	if (sriov_root_is_host(c->root) && devlink_open(&dl, NULL) < 0)
		return 0; /* no devlink here: nothing to record */
	for (size_t i = 0; ret == 0 && i < inv->n_pfs; i++)
		ret = emit_devlink_pf(c, dl, &inv->pfs[i]);
	devlink_close(dl);
	return ret;
}

static int emit_extras(struct capture *c, const struct inventory *inv)
{
	char path[128], info[512];
	struct utsname u;
	int ret;

	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	snprintf(info, sizeof(info),
		 "sriovctl %s capture\nroot: %s\nkernel: %s %s\nmachine: %s\n",
		 SRIOVCTL_VERSION, sriov_root_dir(c->root), u.sysname, u.release,
		 u.machine);
	ret = emit(c, ".sriovctl", AE_IFDIR, NULL, NULL, 0);
	if (ret == 0)
		ret = emit(c, ".sriovctl/capture-info", AE_IFREG, NULL, info,
			   strlen(info));
	if (ret == 0)
		ret = emit(c, RECORDED_RTNL_DIR + 1, AE_IFDIR, NULL, NULL, 0);
	for (size_t i = 0; ret == 0 && i < inv->n_pfs; i++) {
		const struct pf *pf = &inv->pfs[i];

		if (!pf->rtnl_raw || !pf->n_netdevs ||
		    !sriov_name_is_safe(pf->netdevs[0].name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", RECORDED_RTNL_DIR + 1,
			 pf->netdevs[0].name);
		ret = emit(c, path, AE_IFREG, NULL, pf->rtnl_raw, pf->rtnl_raw_len);
	}
	if (ret == 0)
		ret = emit_addrs(c);
	if (ret == 0)
		ret = emit_devlink(c, inv);
	return ret;
}

static int open_archive(struct capture *c, const char *out_path)
{
	c->ar = c->api->write_new();
	if (!c->ar)
		return sriov_err_set(c->e, -ENOMEM, "out of memory");
	if (c->api->write_set_format_pax_restricted(c->ar) != ARCHIVE_OK)
		return ar_fail(c, "format");
	if (!strcmp(out_path, "-")) {
		if (c->api->write_open_filename(c->ar, NULL) != ARCHIVE_OK)
			return ar_fail(c, "standard output");
		return 0;
	}
	/*
	 * The caller's file, not the --root tree's. Run as root in a directory
	 * others can write (/tmp), a symlink planted at the name must not turn
	 * this into a write to the file it points at.
	 */
	c->out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			 0644);
	if (c->out_fd < 0 && errno == ELOOP)
		return sriov_err_set(
			c->e, -EINVAL,
			"%s is a symbolic link: refusing to write the capture "
			"through it",
			out_path);
	if (c->out_fd < 0)
		return sriov_err_set(c->e, -errno, "%s: %s", out_path, strerror(errno));
	if (c->api->write_open_fd(c->ar, c->out_fd) != ARCHIVE_OK)
		return sriov_err_set(c->e, -EIO, "%s: %s", out_path,
				     c->api->error_string(c->ar));
	return 0;
}

int sriov_capture_write(struct sriov_root *r, const struct inventory *inv,
			const char *out_path, struct sriov_err *e)
{
	struct capture c = {.root = r, .out_fd = -1, .e = e};
	int ret;

	/*
	 * The archive's own directory listings must not be recorded: a record
	 * appended while emit_recorded() walks the array may move it.
	 */
	sriov_root_record(r, false);
	ret = archive_api_load(&c.api, e);
	if (ret < 0)
		return ret;
	c.buf = malloc(MAX_CAPTURED_FILE);
	if (!c.buf)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	ret = open_archive(&c, out_path);
	if (ret == 0)
		ret = emit_recorded(&c);
	if (ret == 0)
		ret = emit_extras(&c, inv);
	if (c.ar && c.api->write_close(c.ar) != ARCHIVE_OK && ret == 0)
		ret = ar_fail(&c, "close");
	if (c.ar)
		c.api->write_free(c.ar);
	if (c.out_fd >= 0 && close(c.out_fd) < 0 && ret == 0)
		ret = sriov_err_set(e, -errno, "%s: %s", out_path, strerror(errno));
	set_free(&c.done);
	free(c.buf);
	return ret;
}
