// SPDX-License-Identifier: MIT
/*
 * sysroot_write: atomic replacement (content, exact mode, no temporary file
 * left, cleanup on failure), mkdir -p, rename, unlink, symlink, stat, and
 * containment: symlinks in the tree (absolute, "..", pointing at the real
 * path outside) never let a change leave the root. Every test runs twice:
 * with openat2 and with the user-space walk (old kernels, valgrind).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "sriov/sysroot.h"
#include "sysroot_internal.h"
#include "tree_util.h"

static char base[TREE_PATH_MAX]; /* holds root/ and, outside it, victim/ */
static char rootdir[TREE_PATH_MAX];
static struct sriov_root *root;

#define CANARY "do not touch\n"

/*
 * base/victim/canary                     outside the root
 * base/root/var/f                        "old\n"
 * base/root/var/d/                       a directory
 * base/root/etc -> /                     absolute: the root itself
 * base/root/up -> ../../..               climbs: stays at the root
 * base/root/esc -> ../victim             the real sibling, outside
 * base/root/abs -> BASE/victim           the real absolute path, outside
 * base/root/var/canary -> BASE/victim/canary
 */
static int setup(void **state)
{
	char target[TREE_PATH_MAX];

	(void)state;
	tree_new(base);
	tree_writef(base, "victim/canary", CANARY);
	tree_path(base, "root", rootdir);
	tree_writef(rootdir, "var/f", "old\n");
	tree_mkdir(rootdir, "var/d");
	tree_symlink(rootdir, "etc", "/");
	tree_symlink(rootdir, "up", "../../..");
	tree_symlink(rootdir, "esc", "../victim");
	tree_path(base, "victim", target);
	tree_symlink(rootdir, "abs", target);
	tree_path(base, "victim/canary", target);
	tree_symlink(rootdir, "var/canary", target);
	return sriov_root_open(rootdir, &root, NULL) == 0 ? 0 : -1;
}

static int setup_walk(void **state)
{
	if (setup(state))
		return -1;
	sriov_root_force_walk(root);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sriov_root_close(root);
	root = NULL;
	tree_remove(base);
	return 0;
}

/* Contents of base-relative rel, or "" when it cannot be read. */
static const char *slurp(const char *dir, const char *rel)
{
	static char buf[4096];
	char path[TREE_PATH_MAX];
	FILE *f;
	size_t n;

	tree_path(dir, rel, path);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool exists(const char *dir, const char *rel)
{
	char path[TREE_PATH_MAX];
	struct stat st;

	tree_path(dir, rel, path);
	return lstat(path, &st) == 0;
}

static unsigned int mode_of(const char *dir, const char *rel)
{
	char path[TREE_PATH_MAX];
	struct stat st;

	tree_path(dir, rel, path);
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Names in dir/rel other than those listed, as one string ("" when none). */
static const char *extra_entries(const char *dir, const char *rel,
				 const char *const *known)
{
	static char found[1024];
	char path[TREE_PATH_MAX];
	struct dirent *de;
	DIR *d;

	tree_path(dir, rel, path);
	found[0] = '\0';
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d))) {
		bool listed = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");

		for (const char *const *k = known; *k && !listed; k++)
			listed = !strcmp(de->d_name, *k);
		if (!listed)
			snprintf(found + strlen(found), sizeof(found) - strlen(found),
				 "%s ", de->d_name);
	}
	closedir(d);
	return found;
}

static void assert_canary_untouched(void)
{
	static const char *const only_canary[] = {"canary", NULL};

	assert_string_equal(slurp(base, "victim/canary"), CANARY);
	assert_string_equal(extra_entries(base, "victim", only_canary), "");
	assert_string_equal(
		extra_entries(base, ".", (const char *const[]){"root", "victim", NULL}),
		"");
}

/* ---- atomic writes ------------------------------------------------------- */

static void test_atomic_replaces(void **state)
{
	static const char *const var_entries[] = {"f", "d", "canary", "new", NULL};
	struct sriov_err e;
	mode_t old_umask;

	(void)state;
	sriov_err_clear(&e);
	old_umask = umask(077);
	assert_int_equal(
		sriov_write_file_atomic(root, "/var/f", "new content\n", 12, 0644, &e),
		0);
	assert_int_equal(sriov_write_file_atomic(root, "var/new", "x", 1, 0640, &e), 0);
	umask(old_umask);
	assert_string_equal(slurp(rootdir, "var/f"), "new content\n");
	assert_int_equal(mode_of(rootdir, "var/f"), 0644); /* despite the umask */
	assert_string_equal(slurp(rootdir, "var/new"), "x");
	assert_int_equal(mode_of(rootdir, "var/new"), 0640);
	assert_string_equal(extra_entries(rootdir, "var", var_entries), "");

	/* empty content, and a second replacement of the same file */
	assert_int_equal(sriov_write_file_atomic(root, "/var/f", "", 0, 0600, &e), 0);
	assert_string_equal(slurp(rootdir, "var/f"), "");
	assert_int_equal(mode_of(rootdir, "var/f"), 0600);
	assert_int_equal(e.code, 0);
}

static void test_atomic_large(void **state)
{
	size_t len = 3 * 1024 * 1024;
	char *data = malloc(len), path[TREE_PATH_MAX];
	struct stat st;

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < len; i++)
		data[i] = (char)('a' + i % 26);
	assert_int_equal(sriov_write_file_atomic(root, "/var/big", data, len, 0600, NULL),
			 0);
	free(data);
	tree_path(rootdir, "var/big", path);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, (off_t)len);
}

static void test_atomic_stale_temp(void **state)
{
	static const char *const var_entries[] = {"f", "d", "canary", NULL};
	char tmp[64];

	(void)state;
	snprintf(tmp, sizeof(tmp), "var/.f.tmp.%ld", (long)getpid());
	tree_writef(rootdir, tmp, "left by a crash\n");
	assert_int_equal(sriov_write_file_atomic(root, "/var/f", "ok\n", 3, 0600, NULL),
			 0);
	assert_string_equal(slurp(rootdir, "var/f"), "ok\n");
	assert_string_equal(extra_entries(rootdir, "var", var_entries), "");
}

static void test_atomic_failure_cleans_up(void **state)
{
	static const char *const var_entries[] = {"f", "d", "canary", NULL};
	struct sriov_err e;
	int ret;

	(void)state;
	sriov_err_clear(&e);
	/* a directory is in the way: the rename fails after the temp was written */
	ret = sriov_write_file_atomic(root, "/var/d", "x", 1, 0600, &e);
	assert_true(ret == -EISDIR || ret == -ENOTEMPTY || ret == -EEXIST);
	assert_int_equal(e.code, ret);
	assert_non_null(strstr(e.msg, "/var/d"));
	assert_string_equal(extra_entries(rootdir, "var", var_entries), "");

	sriov_err_clear(&e);
	assert_int_equal(sriov_write_file_atomic(root, "/nodir/f", "x", 1, 0600, &e),
			 -ENOENT);
	assert_non_null(strstr(e.msg, "/nodir"));
	assert_false(exists(rootdir, "nodir"));
}

static void test_atomic_bad_last_component(void **state)
{
	static const char *const bad[] = {"/var/..", "/..",	  "/",		"",
					  "/var/.",  "var/../..", "/var/d/..//"};
	struct sriov_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sriov_err_clear(&e);
		assert_int_equal(sriov_write_file_atomic(root, bad[i], "x", 1, 0600, &e),
				 -EINVAL);
		assert_non_null(strstr(e.msg, "plain file name"));
		assert_int_equal(sriov_root_unlink(root, bad[i], NULL), -EINVAL);
		assert_int_equal(sriov_root_symlink(root, "x", bad[i], NULL), -EINVAL);
		assert_int_equal(sriov_root_rename(root, "/var/f", bad[i], NULL),
				 -EINVAL);
		assert_int_equal(sriov_root_open_create(root, bad[i], O_RDWR, 0600, NULL),
				 -EINVAL);
	}
	assert_string_equal(slurp(rootdir, "var/f"), "old\n");
	assert_canary_untouched();
}

/* ---- containment --------------------------------------------------------- */

static void test_write_stays_inside(void **state)
{
	struct sriov_err e;

	(void)state;
	/* links that lead outside on the host resolve inside the root, or nowhere */
	assert_int_equal(sriov_write_file_atomic(root, "/esc/canary", "x", 1, 0600, &e),
			 -ENOENT);
	assert_int_equal(sriov_write_file_atomic(root, "/abs/canary", "x", 1, 0600, &e),
			 -ENOENT);
	assert_int_equal(sriov_write_file_atomic(root, "/var/../../victim/canary", "x", 1,
						 0600, &e),
			 -ENOENT);
	/* "/" and "../../.." are the root itself */
	assert_int_equal(sriov_write_file_atomic(root, "/etc/w1", "1", 1, 0600, &e), 0);
	assert_int_equal(sriov_write_file_atomic(root, "/up/w2", "2", 1, 0600, &e), 0);
	assert_string_equal(slurp(rootdir, "w1"), "1");
	assert_string_equal(slurp(rootdir, "w2"), "2");
	/* a symlink as the last component is replaced, not written through */
	assert_int_equal(sriov_write_file_atomic(root, "/var/canary", "x", 1, 0600, &e),
			 0);
	assert_string_equal(slurp(rootdir, "var/canary"), "x");
	assert_canary_untouched();
}

static void test_ops_stay_inside(void **state)
{
	int fd;

	(void)state;
	assert_int_equal(sriov_mkdir_p(root, "/esc/sub/dir", 0755, NULL), -ENOENT);
	assert_int_equal(sriov_mkdir_p(root, "/abs/sub", 0755, NULL), -ENOENT);
	assert_int_equal(sriov_root_symlink(root, "/", "/esc/link", NULL), -ENOENT);
	assert_int_equal(sriov_root_rename(root, "/var/f", "/esc/canary", NULL), -ENOENT);
	assert_int_equal(sriov_root_rename(root, "/abs/canary", "/var/got", NULL),
			 -ENOENT);
	assert_int_equal(sriov_root_unlink(root, "/esc/canary", NULL), -ENOENT);
	assert_int_equal(sriov_root_unlink(root, "/abs/canary", NULL), -ENOENT);
	assert_int_equal(sriov_root_open_create(root, "/esc/canary", O_RDWR, 0600, NULL),
			 -ENOENT);
	/* the last component is not followed, even to a file inside */
	fd = sriov_root_open_create(root, "/var/canary", O_RDWR | O_TRUNC, 0600, NULL);
	assert_true(fd == -ELOOP || fd == -ENOENT);
	assert_string_equal(slurp(rootdir, "var/f"), "old\n");
	assert_canary_untouched();
}

/* ---- directories --------------------------------------------------------- */

static void test_mkdir_p(void **state)
{
	struct sriov_err e;
	mode_t old_umask;

	(void)state;
	sriov_err_clear(&e);
	old_umask = umask(077);
	assert_int_equal(sriov_mkdir_p(root, "/var/lib/sriovctl", 0750, &e), 0);
	umask(old_umask);
	assert_int_equal(mode_of(rootdir, "var/lib"), 0750);
	assert_int_equal(mode_of(rootdir, "var/lib/sriovctl"), 0750);
	/* existing: left as it is; trailing and doubled slashes; relative */
	assert_int_equal(sriov_mkdir_p(root, "/var/lib/sriovctl", 0700, &e), 0);
	assert_int_equal(sriov_mkdir_p(root, "//var//lib/sriovctl/", 0700, &e), 0);
	assert_int_equal(mode_of(rootdir, "var/lib/sriovctl"), 0750);
	assert_int_equal(sriov_mkdir_p(root, "/", 0700, &e), 0);
	assert_int_equal(sriov_mkdir_p(root, "run", 0755, &e), 0);
	assert_int_equal(mode_of(rootdir, "run"), 0755);
	/* through an in-root symlink: created where it resolves */
	assert_int_equal(sriov_mkdir_p(root, "/etc/a/b", 0700, &e), 0);
	assert_true(exists(rootdir, "a/b"));
	assert_int_equal(e.code, 0);

	/* a file in the way */
	assert_int_equal(sriov_mkdir_p(root, "/var/f/sub", 0700, &e), -ENOTDIR);
	assert_non_null(strstr(e.msg, "/var/f"));
	assert_int_equal(sriov_mkdir_p(root, "/var/f", 0700, &e), -ENOTDIR);
	assert_canary_untouched();
}

/* ---- rename, unlink, symlink, stat ------------------------------------------ */

static void test_rename_unlink(void **state)
{
	struct sriov_err e;

	(void)state;
	assert_int_equal(sriov_root_rename(root, "/var/f", "/var/d/g", &e), 0);
	assert_false(exists(rootdir, "var/f"));
	assert_string_equal(slurp(rootdir, "var/d/g"), "old\n");
	assert_int_equal(sriov_root_rename(root, "/var/d/g", "/etc/top", &e), 0);
	assert_string_equal(slurp(rootdir, "top"), "old\n");

	sriov_err_clear(&e);
	assert_int_equal(sriov_root_rename(root, "/var/none", "/var/x", &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/var/none"));

	assert_int_equal(sriov_root_unlink(root, "/top", &e), 0);
	assert_false(exists(rootdir, "top"));
	sriov_err_clear(&e);
	assert_int_equal(sriov_root_unlink(root, "/top", &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/top"));
	/* a symlink is removed, not what it points at */
	assert_int_equal(sriov_root_unlink(root, "/var/canary", &e), 0);
	assert_false(exists(rootdir, "var/canary"));
	/* a directory is not unlinked */
	assert_int_equal(sriov_root_unlink(root, "/var/d", &e), -EISDIR);
	assert_canary_untouched();
}

static void test_symlink_stat(void **state)
{
	char path[TREE_PATH_MAX], target[256];
	struct stat st;
	ssize_t n;

	(void)state;
	assert_int_equal(sriov_root_symlink(root, "/var/f", "/var/lf", NULL), 0);
	assert_int_equal(sriov_root_symlink(root, "nowhere", "/var/dangling", NULL), 0);
	assert_int_equal(sriov_root_symlink(root, "x", "/var/lf", NULL), -EEXIST);
	tree_path(rootdir, "var/lf", path);
	n = readlink(path, target, sizeof(target) - 1);
	assert_int_equal(n, 6);
	target[n] = '\0';
	assert_string_equal(target, "/var/f"); /* stored as given */

	assert_int_equal(sriov_root_stat(root, "/var/lf", true, &st, NULL), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* followed inside the root: /var/f of the tree, 4 bytes */
	assert_int_equal(sriov_root_stat(root, "/var/lf", false, &st, NULL), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 4);
	assert_int_equal(sriov_root_stat(root, "/var/dangling", true, &st, NULL), 0);
	assert_int_equal(sriov_root_stat(root, "/var/dangling", false, &st, NULL),
			 -ENOENT);
	/* the link to the canary outside does not reach it */
	assert_int_equal(sriov_root_stat(root, "/var/canary", false, &st, NULL), -ENOENT);
	assert_int_equal(sriov_root_stat(root, "/", true, &st, NULL), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(sriov_root_stat(root, "/etc", false, &st, NULL), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(sriov_root_stat(root, "/nothing", true, &st, NULL), -ENOENT);
}

static void test_open_create(void **state)
{
	int fd;

	(void)state;
	fd = sriov_root_open_create(root, "/var/lockfile", O_RDWR, 0600, NULL);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "1", 1), 1);
	close(fd);
	/* existing: opened, not truncated */
	fd = sriov_root_open_create(root, "/var/lockfile", O_RDWR, 0600, NULL);
	assert_true(fd >= 0);
	close(fd);
	assert_string_equal(slurp(rootdir, "var/lockfile"), "1");
	assert_int_equal(sriov_root_open_create(root, "/none/x", O_RDWR, 0600, NULL),
			 -ENOENT);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define W(f) cmocka_unit_test_setup_teardown(f, setup_walk, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_atomic_replaces),
		T(test_atomic_large),
		T(test_atomic_stale_temp),
		T(test_atomic_failure_cleans_up),
		T(test_atomic_bad_last_component),
		T(test_write_stays_inside),
		T(test_ops_stay_inside),
		T(test_mkdir_p),
		T(test_rename_unlink),
		T(test_symlink_stat),
		T(test_open_create),
		/* again, with the user-space walk instead of openat2 */
		W(test_atomic_replaces),
		W(test_atomic_stale_temp),
		W(test_atomic_failure_cleans_up),
		W(test_atomic_bad_last_component),
		W(test_write_stays_inside),
		W(test_ops_stay_inside),
		W(test_mkdir_p),
		W(test_rename_unlink),
		W(test_symlink_stat),
		W(test_open_create),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
