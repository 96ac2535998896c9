// SPDX-License-Identifier: MIT
/*
 * Configuration files: which files, and reading them through the root
 * (size, type and permission checks). The top of the configuration files:
 * parsing is lib/config_parse.c, validation lib/config_validate.c, the
 * diagnostics every pass reports into lib/config_diag.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config_internal.h"

/* ---- the configuration ------------------------------------------------------ */

void sriov_config_free(struct sriov_config *c)
{
	if (!c)
		return;
	free(c->pfs);
	free(c->vfs);
	free(c->files);
	free(c);
}

static struct sriov_config *config_new(const char *const *names, size_t n)
{
	struct sriov_config *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->files = calloc(n ? n : 1, sizeof(*c->files));
	if (!c->files) {
		free(c);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		snprintf(c->files[i], sizeof(c->files[i]), "%s", names[i]);
	c->n_files = n;
	return c;
}

/* e from the problem numbered seq (the first one when seq is -1). */
static void set_error(struct cfg_collector *c, int code, long seq, struct sriov_err *e)
{
	struct cfg_diag d;
	char line[sizeof(d.loc.file) + sizeof(d.msg) + 32];
	size_t i = 0;

	while (seq >= 0 && i < c->n && c->items[i].seq != (unsigned long)seq)
		i++;
	if (i == c->n) {
		sriov_err_set(e, code, "configuration: %s", strerror(-code));
		return;
	}
	cfg_pos_loc(c, &c->items[i].pos, &d.loc);
	memcpy(d.msg, c->items[i].msg, sizeof(d.msg));
	cfg_diag_format(&d, line, sizeof(line));
	sriov_err_set(e, code, "%s", line);
	if (code == -EINVAL)
		sriov_err_hint(e, "nothing was changed; the format is described in "
				  "sriovctl(1), CONFIGURATION FILES");
}

/*
 * Validates raw into a configuration, hands the problems to diags and
 * decides the outcome: read_code (a file could not be read; read_seq its
 * problem), else -EINVAL when there are problems.
 */
static int config_finish(struct cfg_collector *c, struct cfg_raw *raw,
			 struct sriov_config *cfg, int read_code, long read_seq,
			 struct sriov_config **out, struct cfg_diags *diags,
			 struct sriov_err *e)
{
	int ret = cfg_validate(raw, c, cfg);

	if (ret == 0 && (c->oom || cfg_collect_export(c, diags) < 0))
		ret = -ENOMEM;
	if (ret == 0 && read_code)
		ret = read_code;
	else if (ret == 0 && c->n)
		ret = -EINVAL;
	if (ret == -ENOMEM)
		sriov_err_set(e, ret, "configuration: out of memory");
	else if (ret < 0)
		set_error(c, ret, ret == read_code ? read_seq : -1, e);
	if (ret < 0) {
		sriov_config_free(cfg);
		cfg = NULL;
	}
	*out = cfg;
	return ret;
}

int sriov_config_parse_text(const char *name, const char *text, size_t len,
			    struct sriov_config **out, struct cfg_diags *diags,
			    struct sriov_err *e)
{
	struct sriov_config *cfg = config_new(&name, 1);
	struct cfg_collector c = {0};
	struct cfg_raw raw = {0};
	int ret;

	*out = NULL;
	if (!cfg)
		return sriov_err_set(e, -ENOMEM, "configuration: out of memory");
	c.files = (const char(*)[256])cfg->files;
	ret = cfg_parse_file_text(&raw, 0, text ? text : "", text ? len : 0, &c);
	if (ret == 0)
		ret = config_finish(&c, &raw, cfg, 0, -1, out, diags, e);
	else
		sriov_config_free(cfg);
	if (ret == -ENOMEM)
		sriov_err_set(e, ret, "configuration: out of memory");
	cfg_raw_free(&raw);
	free(c.items);
	return ret;
}

/* ---- reading files through the root ----------------------------------------- */

static const char *file_type_name(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory, not a configuration file";
	if (S_ISFIFO(mode))
		return "a FIFO, not a configuration file";
	if (S_ISSOCK(mode))
		return "a socket, not a configuration file";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device, not a configuration file";
	return "not a regular file";
}

/* A root-run tool takes orders only from files root (or the caller) controls. */
static void check_permissions(struct cfg_collector *c, const struct cfg_pos *whole,
			      const char *path, const struct stat *st)
{
	unsigned int mode = (unsigned int)st->st_mode & 07777;

	if (st->st_mode & S_IWOTH)
		cfg_collect(c, whole,
			    "writable by other users (world-writable, mode %04o): chmod "
			    "go-w %s",
			    mode, path);
	else if (st->st_mode & S_IWGRP)
		cfg_collect(c, whole,
			    "writable by other users (group-writable, mode %04o): chmod "
			    "go-w %s",
			    mode, path);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		cfg_collect(c, whole,
			    "owned by uid %u, neither root nor you, who can change it: "
			    "chown root %s",
			    (unsigned int)st->st_uid, path);
}

/* Reads at most CFG_MAX_FILE_SIZE bytes of fd; -EFBIG beyond. */
static int read_text(int fd, char **text, size_t *len)
{
	char *buf = malloc(CFG_MAX_FILE_SIZE + 1);
	size_t got = 0;

	if (!buf)
		return -ENOMEM;
	while (got <= CFG_MAX_FILE_SIZE) {
		ssize_t n = read(fd, buf + got, CFG_MAX_FILE_SIZE + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? -errno : 0;

			if (err) {
				free(buf);
				return err;
			}
			break;
		}
		got += (size_t)n;
	}
	if (got > CFG_MAX_FILE_SIZE) {
		free(buf);
		return -EFBIG;
	}
	*text = buf;
	*len = got;
	return 0;
}

/* Opens path (a regular file: a FIFO must not block us) and reads it. */
static int open_and_read(struct sriov_root *r, const char *path, char **text, size_t *len)
{
	struct stat st;
	int fd, ret;

	fd = sriov_root_openat(r, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, NULL);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		ret = -EINVAL;
	else
		ret = read_text(fd, text, len);
	close(fd);
	return ret;
}

static int read_problem(struct cfg_collector *c, const struct cfg_pos *whole, int code,
			const char *msg)
{
	cfg_collect(c, whole, "%s", msg);
	return code;
}

/* Checks and reads file number idx; its problems go to c. */
static int read_config_file(struct sriov_root *r, unsigned int idx, const char *path,
			    struct cfg_collector *c, char **text, size_t *len)
{
	struct cfg_pos whole = {idx, 0, 0};
	struct stat st;
	int ret;

	*text = NULL;
	if (path[0] != '/')
		return read_problem(c, &whole, -EINVAL,
				    "not an absolute path (configuration files are named "
				    "by their path from the root directory, e.g. "
				    "/etc/sriovctl.conf)");
	ret = sriov_root_stat(r, path, false, &st, NULL);
	if (ret < 0)
		return read_problem(c, &whole, ret, strerror(-ret));
	if (!S_ISREG(st.st_mode))
		return read_problem(c, &whole, -EINVAL, file_type_name(st.st_mode));
	check_permissions(c, &whole, path, &st);
	if (st.st_size > CFG_MAX_FILE_SIZE)
		ret = -EFBIG;
	else
		ret = open_and_read(r, path, text, len);
	if (ret == -EFBIG)
		cfg_collect(c, &whole,
			    "larger than %d bytes; is this a configuration file?",
			    CFG_MAX_FILE_SIZE);
	else if (ret == -EINVAL)
		cfg_collect(c, &whole, "changed while being read: not a regular file");
	else if (ret < 0 && ret != -ENOMEM)
		cfg_collect(c, &whole, "%s", strerror(-ret));
	return ret;
}

/* Reads and parses each file in turn; the first that cannot be read is reported. */
static int load_files(struct sriov_root *r, struct sriov_config *cfg,
		      struct cfg_collector *c, struct cfg_raw *raw, int *read_code,
		      long *read_seq)
{
	for (size_t i = 0; i < cfg->n_files; i++) {
		size_t len = 0;
		char *text;
		int ret;

		cfg_collect_stream(c, false);
		ret = read_config_file(r, (unsigned int)i, cfg->files[i], c, &text, &len);
		if (ret == 0)
			ret = cfg_parse_file_text(raw, (unsigned int)i, text, len, c);
		free(text);
		if (ret == -ENOMEM)
			return ret;
		if (ret < 0 && !*read_code && ret != -EINVAL) {
			*read_code = ret;
			*read_seq = (long)c->seq - 1; /* the last problem reported */
		}
	}
	return 0;
}

int sriov_config_load(struct sriov_root *r, const char *const *files, size_t n_files,
		      struct sriov_config **out, struct cfg_diags *diags,
		      struct sriov_err *e)
{
	struct sriov_config *cfg = config_new(files, n_files);
	struct cfg_collector c = {0};
	struct cfg_raw raw = {0};
	int ret, read_code = 0;
	long read_seq = -1;

	*out = NULL;
	if (!cfg)
		return sriov_err_set(e, -ENOMEM, "configuration: out of memory");
	c.files = (const char(*)[256])cfg->files;
	ret = load_files(r, cfg, &c, &raw, &read_code, &read_seq);
	if (ret == 0)
		ret = config_finish(&c, &raw, cfg, read_code, read_seq, out, diags, e);
	else
		sriov_config_free(cfg);
	if (ret == -ENOMEM)
		sriov_err_set(e, ret, "configuration: out of memory");
	cfg_raw_free(&raw);
	free(c.items);
	return ret;
}

/* ---- which files ------------------------------------------------------------ */

static int add_file(char (**files)[256], size_t *n, const char *path, struct sriov_err *e)
{
	char(*p)[256];

	if (strlen(path) >= sizeof(p[0]))
		return sriov_err_set(e, -ENAMETOOLONG, "%s: path too long", path);
	p = realloc(*files, (*n + 1) * sizeof(p[0]));
	if (!p)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	snprintf(p[*n], sizeof(p[0]), "%s", path);
	*files = p;
	(*n)++;
	return 0;
}

/* "10-site.conf": a visible file ending in ".conf" (not "x.conf~", "x.conf.dpkg-old"). */
static bool is_conf_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && !strcmp(name + len - 5, ".conf");
}

static int add_dir_files(struct sriov_root *r, char (**files)[256], size_t *n,
			 struct sriov_err *e)
{
	struct sriov_dirent *ents;
	size_t n_ents;
	int ret;

	ret = sriov_list_dir(r, CFG_DEFAULT_DIR, &ents, &n_ents, e);
	if (ret == -ENOENT || ret == -ENOTDIR) {
		sriov_err_clear(e);
		return 0;
	}
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n_ents && ret == 0; i++) {
		char path[sizeof(CFG_DEFAULT_DIR) + sizeof(ents[i].name) + 1];
		struct stat st;

		if (!is_conf_name(ents[i].name))
			continue;
		snprintf(path, sizeof(path), CFG_DEFAULT_DIR "/%s", ents[i].name);
		if (sriov_root_stat(r, path, false, &st, NULL) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		ret = add_file(files, n, path, e);
	}
	free(ents);
	return ret;
}

int cfg_default_files(struct sriov_root *r, char (**files)[256], size_t *n,
		      struct sriov_err *e)
{
	int ret;

	*files = NULL;
	*n = 0;
	ret = sriov_path_exists(r, CFG_DEFAULT_FILE);
	if (ret == 0 || (ret != -ENOENT && ret != -ENOTDIR))
		ret = add_file(files, n, CFG_DEFAULT_FILE, e);
	else
		ret = 0;
	if (ret == 0)
		ret = add_dir_files(r, files, n, e);
	if (ret < 0) {
		free(*files);
		*files = NULL;
		*n = 0;
	}
	return ret;
}
