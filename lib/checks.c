// SPDX-License-Identifier: MIT
/*
 * The runner of `sriovctl check` (the platform rules, then the rules of
 * each PF) and the context the rules read: the root, the inventory, the
 * kernel log and the module index.
 */
#include <errno.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/checks.h"

/* The PCI rules, on a PF whose VFs are PCI functions (not on netdevsim). */
static int check_one_pf(const struct check_context *c, const struct pf *pf,
			struct findings *out, struct sriov_err *e)
{
	if (pf_vfs_are_pci(pf))
		return check_pf(c, pf, out, e);
	if (!findings_add(out, "pf.pci", pf->addr_str, CHECK_SKIP,
			  "%s/%s is no PCI device and its VFs are no PCI functions: the "
			  "PCI checks do not apply",
			  pf->bus_name, pf->dev_name))
		return sriov_err_set(e, -ENOMEM, "check %s: out of memory", pf->addr_str);
	return 0;
}

int check_run(const struct check_context *c, struct findings *out, struct sriov_err *e)
{
	int ret = check_platform(c, out, e);

	if (ret < 0)
		return ret;
	if (c->only_pf)
		return check_one_pf(c, c->only_pf, out, e);
	for (size_t i = 0; i < c->inv->n_pfs; i++) {
		ret = check_one_pf(c, &c->inv->pfs[i], out, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* ---- the context ---------------------------------------------------------- */

void check_context_init(struct check_context *c, struct sriov_root *root,
			const struct inventory *inv)
{
	memset(c, 0, sizeof(*c));
	c->root = root;
	c->is_host = sriov_root_is_host(root);
	c->inv = inv;
	snprintf(c->log_unavailable, sizeof(c->log_unavailable), "not read");
	snprintf(c->kmod_unavailable, sizeof(c->kmod_unavailable), "not opened");
}

static void set_reason(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_reason(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

#define KMSG_FILE_MAX (64u << 20) /* a saved log larger than this is not read */
#define QUOTE_MAX     40	  /* bytes of an odd line quoted in the reason */

/* Says where text stops looking like a kernel log: its first non-blank line, quoted. */
static void describe_not_log(const char *text, size_t len, char *why, size_t size)
{
	const char *p = text, *end = text + len;
	char quote[QUOTE_MAX * 4 + 1];

	for (unsigned int lineno = 1; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *lend = nl ? nl : end;
		size_t n = 0;

		for (const char *q = p; q < lend && n < QUOTE_MAX; q++, n++)
			quote[n] = (*q >= 0x20 && *q < 0x7f) ? *q : '.';
		quote[n] = '\0';
		if (strspn(quote, " \t.") < n) {
			set_reason(why, size, "line %u: \"%s%s\"", lineno, quote,
				   (size_t)(lend - p) > n ? "..." : "");
			return;
		}
		p = lend < end ? lend + 1 : end;
	}
	set_reason(why, size, "%s", len ? "no text" : "empty file");
}

/* True when at least one line of text is a kernel log line. */
static bool text_is_log(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *lend = nl ? nl : end;

		if (kmsg_line_is_log(p, (size_t)(lend - p)))
			return true;
		p = lend < end ? lend + 1 : end;
	}
	return false;
}

static int load_log_file(struct check_context *c, struct kmsg_log *log, const char *file,
			 struct sriov_err *e)
{
	char *text, why[160];
	size_t len;
	int ret;

	set_reason(c->log_source, sizeof(c->log_source), "%s", file);
	ret = sriov_read_user_file(file, KMSG_FILE_MAX, &text, &len, e);
	if (ret < 0)
		return ret;
	if (!text_is_log(text, len)) {
		describe_not_log(text, len, why, sizeof(why));
		set_reason(c->log_unavailable, sizeof(c->log_unavailable),
			   "%s: not a kernel log (%s)", file, why);
		free(text);
		return 0;
	}
	ret = kmsg_parse_text(text, len, log);
	free(text);
	if (ret < 0)
		return sriov_err_set(e, ret, "%s: %s", file, strerror(-ret));
	c->log_available = true;
	return 0;
}

static int load_host_log(struct check_context *c, struct kmsg_log *log,
			 struct sriov_err *e)
{
	struct kmsg_reader *k;
	struct sriov_err why;
	int ret;

	set_reason(c->log_source, sizeof(c->log_source), "/dev/kmsg");
	sriov_err_clear(&why);
	ret = kmsg_open_all(c->root, &k, &why);
	if (ret == 0) {
		ret = kmsg_read_new(k, log, &why);
		kmsg_close(k);
	}
	if (ret == -ENOMEM)
		return sriov_err_set(e, ret, "/dev/kmsg: out of memory");
	if (ret < 0) {
		set_reason(c->log_unavailable, sizeof(c->log_unavailable), "%s%s",
			   why.msg[0] ? why.msg : strerror(-ret),
			   ret == -EPERM || ret == -EACCES
				   ? " (kernel.dmesg_restrict: run as root, or pass a "
				     "saved log with --kmsg FILE)"
				   : "");
		return 0;
	}
	c->log_available = true;
	return 0;
}

int check_context_load_log(struct check_context *c, struct kmsg_log *log,
			   const char *file, struct sriov_err *e)
{
	c->log = log;
	c->log_available = false;
	if (file)
		return load_log_file(c, log, file, e);
	if (c->is_host)
		return load_host_log(c, log, e);
	c->log_source[0] = '\0';
	set_reason(c->log_unavailable, sizeof(c->log_unavailable),
		   "a --root tree holds no kernel log: pass a saved one with --kmsg FILE "
		   "(dmesg > FILE on that host)");
	return 0;
}

/* libkmod prints its own errors to stderr; the rules report what they need. */
static void kmod_quiet(void *data, int priority, const char *file, int line,
		       const char *fn, const char *format, va_list args)
{
	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	(void)format;
	(void)args;
}

/* The tree's /lib/modules/<osrelease> as a path in the caller's file system. */
static int tree_modules_dir(struct check_context *c, char *dir, size_t size)
{
	char release[128], rel_path[192];
	struct sriov_err e;

	sriov_err_clear(&e);
	if (sriov_read_attr(c->root, "/proc/sys/kernel/osrelease", release,
			    sizeof(release), &e) < 0) {
		set_reason(c->kmod_unavailable, sizeof(c->kmod_unavailable),
			   "the tree's kernel release is unknown (%s)", e.msg);
		return -ENOENT;
	}
	if (!sriov_name_is_safe(release)) {
		set_reason(c->kmod_unavailable, sizeof(c->kmod_unavailable),
			   "/proc/sys/kernel/osrelease: not a kernel release name");
		return -EINVAL;
	}
	if (sriov_pathf(NULL, rel_path, sizeof(rel_path), "/lib/modules/%s", release) <
		    0 ||
	    sriov_path_exists(c->root, rel_path) < 0) {
		set_reason(c->kmod_unavailable, sizeof(c->kmod_unavailable),
			   "%s: not in the tree (the kernel's modules were not captured)",
			   rel_path);
		return -ENOENT;
	}
	if (sriov_pathf(NULL, dir, size, "%s%s", sriov_root_dir(c->root), rel_path) < 0) {
		set_reason(c->kmod_unavailable, sizeof(c->kmod_unavailable),
			   "%s: path too long", rel_path);
		return -ENAMETOOLONG;
	}
	return 0;
}

static struct kmod_ctx *open_tree_kmod(struct check_context *c)
{
	static const char *const conf_dirs[] = {"/etc/modprobe.d", "/run/modprobe.d",
						"/usr/local/lib/modprobe.d",
						"/lib/modprobe.d"};
	char dir[4096], conf[4][4096];
	const char *confs[5];

	if (tree_modules_dir(c, dir, sizeof(dir)) < 0)
		return NULL;
	for (size_t i = 0; i < 4; i++) {
		sriov_pathf(NULL, conf[i], sizeof(conf[i]), "%s%s",
			    sriov_root_dir(c->root), conf_dirs[i]);
		confs[i] = conf[i];
	}
	confs[4] = NULL;
	return kmod_new(dir, confs);
}

void check_context_open_kmod(struct check_context *c)
{
	c->kmod = c->is_host ? kmod_new(NULL, NULL) : open_tree_kmod(c);
	if (!c->kmod) {
		if (c->is_host)
			set_reason(c->kmod_unavailable, sizeof(c->kmod_unavailable),
				   "libkmod: cannot open the running kernel's module "
				   "index");
		return;
	}
	c->kmod_unavailable[0] = '\0';
	kmod_set_log_fn(c->kmod, kmod_quiet, NULL);
}

void check_context_release(struct check_context *c)
{
	if (c->kmod)
		kmod_unref(c->kmod);
	c->kmod = NULL;
}
