// SPDX-License-Identifier: MIT
/*
 * sysroot: reads, links, listings and directory handles inside a root built
 * in a temporary directory; containment of absolute and ".." symlinks
 * (RESOLVE_IN_ROOT); O_NOFOLLOW on directory-handle reads; the record of
 * what was read; files named by the user; attribute writes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sriov/sysroot.h"
#include "sysroot_internal.h"
#include "tree_util.h"

static char tree[TREE_PATH_MAX];
static struct sriov_root *root;

/*
 * root/
 *   sys/class/net/eth0 -> ../../devices/pci/0000:01:00.0/net/eth0
 *   sys/devices/pci/0000:01:00.0/{vendor,numvfs,hex,empty,neg,junk,spaced}
 *   sys/devices/pci/0000:01:00.0/driver -> ../../../bus/pci/drivers/igb
 *   sys/devices/pci/0000:01:00.0/net/eth0/{address,device ->}
 *   sys/bus/pci/drivers/igb/
 *   sys/list/{b,a,c/,d ->}
 *   sys/dangling -> nowhere
 */
static int setup(void **state)
{
	const char *dev = "sys/devices/pci/0000:01:00.0";
	char rel[256];

	(void)state;
	tree_new(tree);
	snprintf(rel, sizeof(rel), "%s/vendor", dev);
	tree_writef(tree, rel, "0x8086\n");
	snprintf(rel, sizeof(rel), "%s/numvfs", dev);
	tree_writef(tree, rel, "42\n");
	snprintf(rel, sizeof(rel), "%s/hex", dev);
	tree_writef(tree, rel, "0x1f\n");
	snprintf(rel, sizeof(rel), "%s/empty", dev);
	tree_write(tree, rel, "", 0);
	snprintf(rel, sizeof(rel), "%s/neg", dev);
	tree_writef(tree, rel, "-1\n");
	snprintf(rel, sizeof(rel), "%s/junk", dev);
	tree_writef(tree, rel, "12x\n");
	snprintf(rel, sizeof(rel), "%s/spaced", dev);
	tree_writef(tree, rel, "a b \t\r\n\n");
	snprintf(rel, sizeof(rel), "%s/driver", dev);
	tree_symlink(tree, rel, "../../../bus/pci/drivers/igb");
	snprintf(rel, sizeof(rel), "%s/net/eth0/address", dev);
	tree_writef(tree, rel, "a0:36:9f:00:00:01\n");
	snprintf(rel, sizeof(rel), "%s/net/eth0/device", dev);
	tree_symlink(tree, rel, "../../../0000:01:00.0");
	tree_symlink(tree, "sys/class/net/eth0",
		     "../../devices/pci/0000:01:00.0/net/eth0");
	tree_mkdir(tree, "sys/bus/pci/drivers/igb");
	tree_writef(tree, "sys/list/b", "b\n");
	tree_writef(tree, "sys/list/a", "a\n");
	tree_mkdir(tree, "sys/list/c");
	tree_symlink(tree, "sys/list/d", "a");
	tree_symlink(tree, "sys/dangling", "nowhere");
	tree_mkdir(tree, "sys/emptydir");
	return sriov_root_open(tree, &root, NULL) == 0 ? 0 : -1;
}

/* the same tree, resolved without openat2 (old kernels, valgrind) */
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
	tree_remove(tree);
	return 0;
}

/* ---- root ----------------------------------------------------------------- */

static void test_root_open(void **state)
{
	struct sriov_root *r;
	struct sriov_err e;
	char path[TREE_PATH_MAX], real[TREE_PATH_MAX];

	(void)state;
	assert_non_null(realpath(tree, real));
	assert_string_equal(sriov_root_dir(root), real);
	assert_false(sriov_root_is_host(root));

	assert_int_equal(sriov_root_open("/", &r, NULL), 0);
	assert_true(sriov_root_is_host(r));
	sriov_root_close(r);
	assert_int_equal(sriov_root_open(NULL, &r, NULL), 0);
	assert_true(sriov_root_is_host(r));
	assert_string_equal(sriov_root_dir(r), "/");
	sriov_root_close(r);

	sriov_err_clear(&e);
	tree_path(tree, "nosuch", path);
	assert_int_equal(sriov_root_open(path, &r, &e), -ENOENT);
	assert_null(r);
	assert_int_equal(e.code, -ENOENT);
	assert_non_null(strstr(e.msg, path));

	sriov_err_clear(&e);
	tree_path(tree, "sys/list/a", path);
	assert_int_equal(sriov_root_open(path, &r, &e), -ENOTDIR);
	assert_null(r);
	sriov_root_close(NULL);
}

/* ---- names ---------------------------------------------------------------- */

static void test_name_is_safe(void **state)
{
	char name[300];

	(void)state;
	assert_true(sriov_name_is_safe("eth0"));
	assert_true(sriov_name_is_safe("0000:01:00.0"));
	assert_true(sriov_name_is_safe("..."));
	assert_true(sriov_name_is_safe(".hidden"));
	assert_true(sriov_name_is_safe("vfio-pci"));
	assert_false(sriov_name_is_safe(NULL));
	assert_false(sriov_name_is_safe(""));
	assert_false(sriov_name_is_safe("."));
	assert_false(sriov_name_is_safe(".."));
	assert_false(sriov_name_is_safe("a/b"));
	assert_false(sriov_name_is_safe("/"));
	assert_false(sriov_name_is_safe("a\nb"));
	assert_false(sriov_name_is_safe("a\tb"));
	assert_false(sriov_name_is_safe("\x01"));
	assert_false(sriov_name_is_safe("a\x1f"));
	assert_false(sriov_name_is_safe("del\x7f"));

	memset(name, 'n', sizeof(name));
	name[255] = '\0';
	assert_true(sriov_name_is_safe(name)); /* 255 bytes */
	name[255] = 'n';
	name[256] = '\0';
	assert_false(sriov_name_is_safe(name)); /* 256 bytes */
}

/* ---- files ---------------------------------------------------------------- */

static void test_read_file(void **state)
{
	char buf[64];
	size_t len = 99;
	struct sriov_err e;

	(void)state;
	assert_int_equal(sriov_read_file(root, "/sys/devices/pci/0000:01:00.0/vendor",
					 buf, sizeof(buf), &len, NULL),
			 0);
	assert_string_equal(buf, "0x8086\n");
	assert_int_equal(len, 7);

	/* truncated to size - 1 bytes and NUL-terminated */
	assert_int_equal(sriov_read_file(root, "/sys/devices/pci/0000:01:00.0/vendor",
					 buf, 4, &len, NULL),
			 0);
	assert_string_equal(buf, "0x8");
	assert_int_equal(len, 3);

	assert_int_equal(sriov_read_file(root, "/sys/devices/pci/0000:01:00.0/empty", buf,
					 sizeof(buf), &len, NULL),
			 0);
	assert_string_equal(buf, "");
	assert_int_equal(len, 0);

	sriov_err_clear(&e);
	assert_int_equal(sriov_read_file(root, "/sys/devices/pci/0000:01:00.0/vendor",
					 buf, 0, NULL, &e),
			 -EINVAL);

	sriov_err_clear(&e);
	assert_int_equal(sriov_read_file(root, "/sys/nosuch", buf, sizeof(buf), NULL, &e),
			 -ENOENT);
	assert_int_equal(e.code, -ENOENT);
	assert_non_null(strstr(e.msg, "/sys/nosuch"));

	sriov_err_clear(&e);
	assert_int_equal(sriov_read_file(root, "/sys/list", buf, sizeof(buf), NULL, &e),
			 -EISDIR);

	/* relative paths and extra slashes are taken from the root too */
	assert_int_equal(
		sriov_read_file(root, "sys//list/a", buf, sizeof(buf), NULL, NULL), 0);
	assert_string_equal(buf, "a\n");
}

static void test_read_attr_strips(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(sriov_read_attr(root, "/sys/devices/pci/0000:01:00.0/vendor",
					 buf, sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "0x8086");
	assert_int_equal(sriov_read_attr(root, "/sys/devices/pci/0000:01:00.0/spaced",
					 buf, sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "a b");
	assert_int_equal(sriov_read_attr(root, "/sys/devices/pci/0000:01:00.0/empty", buf,
					 sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "");
	/* through a symlinked directory */
	assert_int_equal(sriov_read_attr(root, "/sys/class/net/eth0/address", buf,
					 sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "a0:36:9f:00:00:01");
}

static void test_read_u64(void **state)
{
	const char *dev = "/sys/devices/pci/0000:01:00.0/";
	char path[128];
	uint64_t v;
	struct sriov_err e;

	(void)state;
	snprintf(path, sizeof(path), "%snumvfs", dev);
	assert_int_equal(sriov_read_u64(root, path, 10, &v, NULL), 0);
	assert_int_equal(v, 42);
	snprintf(path, sizeof(path), "%shex", dev);
	assert_int_equal(sriov_read_u64(root, path, 0, &v, NULL), 0);
	assert_int_equal(v, 31);
	assert_int_equal(sriov_read_u64(root, path, 16, &v, NULL), 0);
	assert_int_equal(v, 31);

	v = 1234;
	snprintf(path, sizeof(path), "%sjunk", dev);
	sriov_err_clear(&e);
	assert_int_equal(sriov_read_u64(root, path, 10, &v, &e), -EINVAL);
	assert_int_equal(e.code, -EINVAL);
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, "12x"));
	assert_int_equal(v, 1234);

	snprintf(path, sizeof(path), "%sempty", dev);
	assert_int_equal(sriov_read_u64(root, path, 10, &v, NULL), -EINVAL);
	snprintf(path, sizeof(path), "%sneg", dev);
	assert_int_equal(sriov_read_u64(root, path, 10, &v, NULL), -EINVAL);
	snprintf(path, sizeof(path), "%sspaced", dev);
	assert_int_equal(sriov_read_u64(root, path, 10, &v, NULL), -EINVAL);
	assert_int_equal(v, 1234);

	tree_writef(tree, "sys/big", "18446744073709551615\n");
	assert_int_equal(sriov_read_u64(root, "/sys/big", 10, &v, NULL), 0);
	assert_true(v == UINT64_MAX);
	tree_writef(tree, "sys/big", "18446744073709551616\n");
	assert_int_equal(sriov_read_u64(root, "/sys/big", 10, &v, NULL), -EINVAL);
	tree_writef(tree, "sys/big", " 5\n");
	assert_int_equal(sriov_read_u64(root, "/sys/big", 10, &v, NULL), -EINVAL);

	assert_int_equal(sriov_read_u64(root, "/sys/nosuch", 10, &v, NULL), -ENOENT);
}

/* ---- links ---------------------------------------------------------------- */

static void test_read_link(void **state)
{
	char buf[256];
	struct sriov_err e;

	(void)state;
	assert_int_equal(sriov_read_link(root, "/sys/devices/pci/0000:01:00.0/driver",
					 buf, sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "../../../bus/pci/drivers/igb");
	assert_int_equal(sriov_read_link_base(root,
					      "/sys/devices/pci/0000:01:00.0/driver", buf,
					      sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "igb");

	/* the last component is read, not followed; parents are followed */
	assert_int_equal(
		sriov_read_link(root, "/sys/class/net/eth0", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "../../devices/pci/0000:01:00.0/net/eth0");
	assert_int_equal(sriov_read_link_base(root, "/sys/class/net/eth0/device", buf,
					      sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "0000:01:00.0");
	assert_int_equal(sriov_read_link(root, "/sys/dangling", buf, sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "nowhere");
	/* a target without a slash is its own base */
	assert_int_equal(
		sriov_read_link_base(root, "/sys/list/d", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "a");

	sriov_err_clear(&e);
	assert_int_equal(sriov_read_link(root, "/sys/list/a", buf, sizeof(buf), &e),
			 -EINVAL); /* not a symlink */
	assert_non_null(strstr(e.msg, "/sys/list/a"));
	sriov_err_clear(&e);
	assert_int_equal(sriov_read_link(root, "/sys/list/nosuch", buf, sizeof(buf), &e),
			 -ENOENT);
	assert_non_null(strstr(e.msg, "/sys/list/nosuch"));
	assert_int_equal(sriov_read_link(root, "/sys/nodir/x", buf, sizeof(buf), NULL),
			 -ENOENT);
	assert_int_equal(sriov_read_link(root, "/sys/list/", buf, sizeof(buf), NULL),
			 -EINVAL);
	assert_int_equal(sriov_read_link(root, "/sys/list/..", buf, sizeof(buf), NULL),
			 -EINVAL);
	/* a target that does not fit */
	sriov_err_clear(&e);
	assert_int_equal(
		sriov_read_link(root, "/sys/devices/pci/0000:01:00.0/driver", buf, 8, &e),
		-ENAMETOOLONG);
	assert_int_equal(e.code, -ENAMETOOLONG);
}

/* ---- listings ------------------------------------------------------------- */

static void test_list_dir(void **state)
{
	struct sriov_dirent *ents;
	size_t n;
	struct sriov_err e;

	(void)state;
	assert_int_equal(sriov_list_dir(root, "/sys/list", &ents, &n, NULL), 0);
	assert_int_equal(n, 4);
	assert_string_equal(ents[0].name, "a");
	assert_string_equal(ents[1].name, "b");
	assert_string_equal(ents[2].name, "c");
	assert_string_equal(ents[3].name, "d");
	/* file systems may leave d_type unknown; when given it must be right */
	assert_true(ents[0].type == DT_REG || ents[0].type == DT_UNKNOWN);
	assert_true(ents[2].type == DT_DIR || ents[2].type == DT_UNKNOWN);
	assert_true(ents[3].type == DT_LNK || ents[3].type == DT_UNKNOWN);
	free(ents);

	/* the root itself: "/" and "" both name it */
	assert_int_equal(sriov_list_dir(root, "/", &ents, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ents[0].name, "sys");
	free(ents);

	assert_int_equal(sriov_list_dir(root, "/sys/emptydir", &ents, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(ents);

	/* through a symlinked directory */
	assert_int_equal(sriov_list_dir(root, "/sys/class/net/eth0", &ents, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ents[0].name, "address");
	assert_string_equal(ents[1].name, "device");
	free(ents);

	sriov_err_clear(&e);
	assert_int_equal(sriov_list_dir(root, "/sys/nosuch", &ents, &n, &e), -ENOENT);
	assert_null(ents);
	assert_int_equal(n, 0);
	assert_non_null(strstr(e.msg, "/sys/nosuch"));
	assert_int_equal(sriov_list_dir(root, "/sys/list/a", &ents, &n, NULL), -ENOTDIR);
	assert_null(ents);
}

static void test_list_dir_many(void **state)
{
	struct sriov_dirent *ents;
	char rel[256];
	size_t n;

	(void)state;
	/* more entries than one getdents64 buffer and the initial array hold */
	for (int i = 2999; i >= 0; i--) {
		snprintf(rel, sizeof(rel), "sys/many/virtfn%04d-%0100d", i, 0);
		tree_write(tree, rel, "", 0);
	}
	assert_int_equal(sriov_list_dir(root, "/sys/many", &ents, &n, NULL), 0);
	assert_int_equal(n, 3000);
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "virtfn%04zu-", i);
		assert_memory_equal(ents[i].name, rel, strlen(rel));
	}
	free(ents);
}

static void test_path_exists(void **state)
{
	(void)state;
	assert_int_equal(sriov_path_exists(root, "/sys/list/a"), 0);
	assert_int_equal(sriov_path_exists(root, "/sys/list"), 0);
	assert_int_equal(sriov_path_exists(root, "/"), 0);
	assert_int_equal(sriov_path_exists(root, "/sys/class/net/eth0"), 0);
	assert_int_equal(sriov_path_exists(root, "/sys/class/net/eth0/device/vendor"), 0);
	assert_int_equal(sriov_path_exists(root, "/sys/nosuch"), -ENOENT);
	/* symlinks are followed: a dangling one does not exist */
	assert_int_equal(sriov_path_exists(root, "/sys/dangling"), -ENOENT);
	assert_int_equal(sriov_path_exists(root, "/sys/list/a/x"), -ENOTDIR);
}

/* ---- directory handles ---------------------------------------------------- */

static void test_dir_handle(void **state)
{
	struct sriov_dir d;
	struct sriov_err e;
	char buf[64];
	long long v;
	size_t len;

	(void)state;
	assert_int_equal(sriov_dir_open(root, "/sys/class/net/eth0/device", &d, NULL), 0);
	assert_string_equal(d.path, "/sys/class/net/eth0/device");
	assert_int_equal(sriov_dir_read_attr(&d, "vendor", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "0x8086");
	assert_int_equal(sriov_dir_read_file(&d, "vendor", buf, sizeof(buf), &len, NULL),
			 0);
	assert_string_equal(buf, "0x8086\n");
	assert_int_equal(len, 7);

	assert_int_equal(sriov_dir_read_int(&d, "numvfs", 10, &v, NULL), 0);
	assert_int_equal(v, 42);
	assert_int_equal(sriov_dir_read_int(&d, "neg", 10, &v, NULL), 0);
	assert_int_equal(v, -1);
	assert_int_equal(sriov_dir_read_int(&d, "vendor", 16, &v, NULL), 0);
	assert_int_equal(v, 0x8086);
	assert_int_equal(sriov_dir_read_int(&d, "hex", 0, &v, NULL), 0);
	assert_int_equal(v, 31);
	v = 5;
	sriov_err_clear(&e);
	assert_int_equal(sriov_dir_read_int(&d, "junk", 10, &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "/sys/class/net/eth0/device/junk"));
	assert_int_equal(sriov_dir_read_int(&d, "empty", 10, &v, NULL), -EINVAL);
	assert_int_equal(sriov_dir_read_int(&d, "nosuch", 10, &v, NULL), -ENOENT);
	assert_int_equal(v, 5);

	assert_int_equal(sriov_dir_read_link(&d, "driver", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "../../../bus/pci/drivers/igb");
	assert_int_equal(sriov_dir_read_link_base(&d, "driver", buf, sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "igb");
	assert_int_equal(sriov_dir_read_link(&d, "vendor", buf, sizeof(buf), NULL),
			 -EINVAL);
	assert_int_equal(sriov_dir_read_link(&d, "driver", buf, 1, NULL), -EINVAL);

	assert_int_equal(sriov_dir_has(&d, "vendor"), 0);
	assert_int_equal(sriov_dir_has(&d, "driver"), 0);
	assert_int_equal(sriov_dir_has(&d, "net"), 0);
	assert_int_equal(sriov_dir_has(&d, "nosuch"), -ENOENT);

	/* names are single components */
	sriov_err_clear(&e);
	assert_int_equal(sriov_dir_read_file(&d, "..", buf, sizeof(buf), NULL, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "invalid name"));
	assert_int_equal(
		sriov_dir_read_file(&d, "net/eth0/address", buf, sizeof(buf), NULL, NULL),
		-EINVAL);
	assert_int_equal(sriov_dir_read_file(&d, "", buf, sizeof(buf), NULL, NULL),
			 -EINVAL);
	assert_int_equal(sriov_dir_read_link(&d, "../x", buf, sizeof(buf), NULL),
			 -EINVAL);
	assert_int_equal(sriov_dir_has(&d, ".."), -EINVAL);
	assert_int_equal(sriov_dir_has(&d, "a/b"), -EINVAL);
	assert_int_equal(sriov_dir_read_file(&d, "vendor", buf, 0, NULL, NULL), -EINVAL);
	sriov_dir_close(&d);
	assert_int_equal(d.fd, -1);
	sriov_dir_close(&d); /* twice is harmless */

	sriov_err_clear(&e);
	assert_int_equal(sriov_dir_open(root, "/sys/nosuch", &d, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/sys/nosuch"));
	sriov_dir_close(&d);
	assert_int_equal(sriov_dir_open(root, "/sys/list/a", &d, NULL), -ENOTDIR);
	sriov_dir_close(&d);
}

static void test_dir_read_file_nofollow(void **state)
{
	struct sriov_dir d;
	struct sriov_err e;
	char buf[64];

	(void)state;
	assert_int_equal(sriov_dir_open(root, "/sys/list", &d, NULL), 0);
	/* "d" is a symlink to the regular file "a": not followed */
	sriov_err_clear(&e);
	assert_int_equal(sriov_dir_read_file(&d, "d", buf, sizeof(buf), NULL, &e),
			 -ELOOP);
	assert_int_equal(e.code, -ELOOP);
	assert_non_null(strstr(e.msg, "/sys/list/d"));
	assert_int_equal(sriov_dir_read_attr(&d, "d", buf, sizeof(buf), NULL), -ELOOP);
	/* but it can be read as a link, and exists as one */
	assert_int_equal(sriov_dir_read_link(&d, "d", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "a");
	assert_int_equal(sriov_dir_has(&d, "d"), 0);
	sriov_dir_close(&d);

	/* a dangling link exists for dir_has (not followed) */
	assert_int_equal(sriov_dir_open(root, "/sys", &d, NULL), 0);
	assert_int_equal(sriov_dir_has(&d, "dangling"), 0);
	assert_int_equal(
		sriov_dir_read_file(&d, "dangling", buf, sizeof(buf), NULL, NULL),
		-ELOOP);
	sriov_dir_close(&d);
}

/* ---- containment ---------------------------------------------------------- */

static void make_escape_links(void)
{
	tree_symlink(tree, "sys/abs", "/etc/passwd");
	tree_symlink(tree, "sys/devices/pci/0000:01:00.0/rel",
		     "../../../../../../../../../../etc/passwd");
	tree_symlink(tree, "sys/absdir", "/etc");
	tree_symlink(tree, "sys/reldir", "../../../../../../../../etc");
	tree_symlink(tree, "sys/rootlink", "/");
	tree_symlink(tree, "sys/uplink", "../../../../../../../..");
}

static void test_escape_absent(void **state)
{
	char buf[4096];
	struct sriov_dir d;

	(void)state;
	make_escape_links();
	/* no etc/passwd inside the root: ENOENT, never the host's file */
	assert_int_equal(sriov_read_attr(root, "/sys/abs", buf, sizeof(buf), NULL),
			 -ENOENT);
	assert_int_equal(sriov_read_attr(root, "/sys/devices/pci/0000:01:00.0/rel", buf,
					 sizeof(buf), NULL),
			 -ENOENT);
	assert_int_equal(
		sriov_read_attr(root, "/../../../../etc/passwd", buf, sizeof(buf), NULL),
		-ENOENT);
	assert_int_equal(
		sriov_read_attr(root, "/sys/absdir/passwd", buf, sizeof(buf), NULL),
		-ENOENT);
	assert_int_equal(
		sriov_read_attr(root, "/sys/reldir/passwd", buf, sizeof(buf), NULL),
		-ENOENT);
	assert_int_equal(sriov_path_exists(root, "/sys/abs"), -ENOENT);
	assert_int_equal(sriov_path_exists(root, "/sys/uplink/etc/passwd"), -ENOENT);
	assert_int_equal(sriov_dir_open(root, "/sys/absdir", &d, NULL), -ENOENT);
	sriov_dir_close(&d);
}

static void test_escape_stays_inside(void **state)
{
	struct sriov_dirent *ents;
	struct sriov_dir d;
	char buf[4096];
	size_t n;

	(void)state;
	make_escape_links();
	tree_writef(tree, "etc/passwd", "root-inside-the-tree\n");

	assert_int_equal(sriov_read_attr(root, "/sys/abs", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "root-inside-the-tree");
	assert_int_equal(sriov_read_attr(root, "/sys/devices/pci/0000:01:00.0/rel", buf,
					 sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "root-inside-the-tree");
	assert_int_equal(
		sriov_read_attr(root, "/../../../../etc/passwd", buf, sizeof(buf), NULL),
		0);
	assert_string_equal(buf, "root-inside-the-tree");
	assert_int_equal(
		sriov_read_attr(root, "/sys/absdir/passwd", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "root-inside-the-tree");
	assert_int_equal(
		sriov_read_attr(root, "/sys/reldir/passwd", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "root-inside-the-tree");
	assert_int_equal(
		sriov_read_attr(root, "/sys/uplink/etc/passwd", buf, sizeof(buf), NULL),
		0);
	assert_string_equal(buf, "root-inside-the-tree");

	/* "/" through a link is the root of the tree, not the host's */
	assert_int_equal(sriov_list_dir(root, "/sys/rootlink", &ents, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ents[0].name, "etc");
	assert_string_equal(ents[1].name, "sys");
	free(ents);
	assert_int_equal(sriov_list_dir(root, "/sys/uplink", &ents, &n, NULL), 0);
	assert_int_equal(n, 2);
	free(ents);

	/* directory handles opened through escaping links stay inside too */
	assert_int_equal(sriov_dir_open(root, "/sys/reldir", &d, NULL), 0);
	assert_int_equal(sriov_dir_read_attr(&d, "passwd", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "root-inside-the-tree");
	sriov_dir_close(&d);
	assert_int_equal(sriov_dir_open(root, "/sys/rootlink/..", &d, NULL), 0);
	assert_int_equal(sriov_dir_has(&d, "sys"), 0);
	assert_int_equal(sriov_dir_has(&d, "etc"), 0);
	sriov_dir_close(&d);

	/* the link base reads the link text, not where it leads */
	assert_int_equal(sriov_read_link_base(root, "/sys/abs", buf, sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "passwd");
}

/* ---- recording ------------------------------------------------------------ */

static void assert_record(const struct sriov_record *rec, const char *path,
			  enum sriov_access kind)
{
	assert_string_equal(rec->path, path);
	assert_int_equal(rec->kind, kind);
}

static void read_some(void)
{
	struct sriov_dirent *ents;
	struct sriov_dir d;
	char buf[64];
	long long v;
	uint64_t u;
	size_t n;

	assert_int_equal(sriov_read_attr(root, "/sys/list/a", buf, sizeof(buf), NULL), 0);
	assert_int_equal(sriov_read_u64(root, "/sys/devices/pci/0000:01:00.0/numvfs", 10,
					&u, NULL),
			 0);
	assert_int_equal(
		sriov_read_link(root, "/sys/class/net/eth0", buf, sizeof(buf), NULL), 0);
	assert_int_equal(sriov_list_dir(root, "/sys/list", &ents, &n, NULL), 0);
	free(ents);
	assert_int_equal(sriov_path_exists(root, "/sys/list/c"), 0);
	assert_int_equal(sriov_dir_open(root, "/sys/class/net/eth0/device", &d, NULL), 0);
	assert_int_equal(sriov_dir_read_int(&d, "numvfs", 10, &v, NULL), 0);
	assert_int_equal(sriov_dir_read_link_base(&d, "driver", buf, sizeof(buf), NULL),
			 0);
	assert_int_equal(sriov_dir_has(&d, "vendor"), 0);
	/* failures are not recorded */
	assert_int_equal(sriov_dir_has(&d, "nosuch"), -ENOENT);
	assert_int_equal(sriov_dir_read_file(&d, "nosuch", buf, sizeof(buf), NULL, NULL),
			 -ENOENT);
	sriov_dir_close(&d);
	assert_int_equal(sriov_read_attr(root, "/sys/nosuch", buf, sizeof(buf), NULL),
			 -ENOENT);
	assert_int_equal(sriov_path_exists(root, "/sys/nosuch"), -ENOENT);
	assert_int_equal(sriov_read_link(root, "/sys/list/a", buf, sizeof(buf), NULL),
			 -EINVAL);
	assert_int_equal(sriov_list_dir(root, "/sys/nosuch", &ents, &n, NULL), -ENOENT);
	/* writes are not reads */
	assert_int_equal(sriov_write_attr(root, "/sys/list/b", "x", NULL), 0);
}

static void test_recording(void **state)
{
	const struct sriov_record *recs;
	size_t n;

	(void)state;
	/* off by default */
	read_some();
	assert_int_equal(sriov_root_recorded(root, &recs), 0);

	sriov_root_record(root, true);
	read_some();
	sriov_root_record(root, false);
	n = sriov_root_recorded(root, &recs);
	assert_int_equal(n, 8);
	assert_record(&recs[0], "/sys/list/a", SRIOV_ACCESS_FILE);
	assert_record(&recs[1], "/sys/devices/pci/0000:01:00.0/numvfs",
		      SRIOV_ACCESS_FILE);
	assert_record(&recs[2], "/sys/class/net/eth0", SRIOV_ACCESS_LINK);
	assert_record(&recs[3], "/sys/list", SRIOV_ACCESS_DIR);
	assert_record(&recs[4], "/sys/list/c", SRIOV_ACCESS_EXISTS);
	assert_record(&recs[5], "/sys/class/net/eth0/device/numvfs", SRIOV_ACCESS_FILE);
	assert_record(&recs[6], "/sys/class/net/eth0/device/driver", SRIOV_ACCESS_LINK);
	assert_record(&recs[7], "/sys/class/net/eth0/device/vendor", SRIOV_ACCESS_EXISTS);

	/* off again: nothing more is added, what was recorded stays */
	read_some();
	assert_int_equal(sriov_root_recorded(root, &recs), 8);
	assert_record(&recs[0], "/sys/list/a", SRIOV_ACCESS_FILE);
}

static void test_recording_grows(void **state)
{
	const struct sriov_record *recs;
	char buf[16];
	size_t n;

	(void)state;
	sriov_root_record(root, true);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(sriov_read_attr(root,
						 i % 2 ? "/sys/list/a" : "/sys/list/b",
						 buf, sizeof(buf), NULL),
				 0);
	n = sriov_root_recorded(root, &recs);
	assert_int_equal(n, 1000);
	assert_record(&recs[998], "/sys/list/b", SRIOV_ACCESS_FILE);
	assert_record(&recs[999], "/sys/list/a", SRIOV_ACCESS_FILE);
}

/* ---- user files ----------------------------------------------------------- */

static void test_read_user_file(void **state)
{
	char path[TREE_PATH_MAX];
	struct sriov_err e;
	char *data, *big;
	size_t len;

	(void)state;
	tree_path(tree, "sys/list/a", path);
	assert_int_equal(sriov_read_user_file(path, 100, &data, &len, NULL), 0);
	assert_string_equal(data, "a\n");
	assert_int_equal(len, 2);
	free(data);
	/* exactly max bytes is allowed */
	assert_int_equal(sriov_read_user_file(path, 2, &data, &len, NULL), 0);
	assert_int_equal(len, 2);
	free(data);

	sriov_err_clear(&e);
	assert_int_equal(sriov_read_user_file(path, 1, &data, &len, &e), -EFBIG);
	assert_null(data);
	assert_int_equal(len, 0);
	assert_int_equal(e.code, -EFBIG);
	assert_non_null(strstr(e.msg, path));

	tree_path(tree, "sys/devices/pci/0000:01:00.0/empty", path);
	assert_int_equal(sriov_read_user_file(path, 100, &data, &len, NULL), 0);
	assert_non_null(data);
	assert_string_equal(data, "");
	assert_int_equal(len, 0);
	free(data);

	sriov_err_clear(&e);
	tree_path(tree, "sys/nosuch.txt", path);
	assert_int_equal(sriov_read_user_file(path, 100, &data, &len, &e), -ENOENT);
	assert_null(data);
	assert_int_equal(e.code, -ENOENT);
	assert_non_null(strstr(e.msg, path));

	sriov_err_clear(&e);
	tree_path(tree, "sys/list", path);
	assert_int_equal(sriov_read_user_file(path, 100, &data, &len, &e), -EISDIR);
	assert_null(data);
	assert_non_null(strstr(e.msg, path));

	/* larger than the first read buffer */
	big = malloc(300000);
	assert_non_null(big);
	for (size_t i = 0; i < 300000; i++)
		big[i] = (char)('a' + i % 26);
	tree_write(tree, "big.txt", big, 300000);
	tree_path(tree, "big.txt", path);
	assert_int_equal(sriov_read_user_file(path, 1 << 20, &data, &len, NULL), 0);
	assert_int_equal(len, 300000);
	assert_memory_equal(data, big, 300000);
	assert_int_equal(data[len], '\0');
	free(data);
	assert_int_equal(sriov_read_user_file(path, 300000, &data, &len, NULL), 0);
	free(data);
	assert_int_equal(sriov_read_user_file(path, 299999, &data, &len, NULL), -EFBIG);
	assert_null(data);
	assert_int_equal(sriov_read_user_file(path, 65536, &data, &len, NULL), -EFBIG);
	assert_int_equal(sriov_read_user_file(path, 1000, &data, &len, NULL), -EFBIG);
	free(big);
}

/* ---- writes --------------------------------------------------------------- */

static void test_write_attr(void **state)
{
	struct sriov_err e;
	char buf[64];

	(void)state;
	assert_int_equal(
		sriov_write_attr(root, "/sys/devices/pci/0000:01:00.0/numvfs", "7", NULL),
		0);
	assert_int_equal(sriov_read_file(root, "/sys/devices/pci/0000:01:00.0/numvfs",
					 buf, sizeof(buf), NULL, NULL),
			 0);
	/* one write at offset 0 without truncation, as sysfs attributes take it */
	assert_memory_equal(buf, "7", 1);
	/* through a symlinked directory */
	assert_int_equal(sriov_write_attr(root, "/sys/class/net/eth0/device/empty",
					  "vfio-pci", NULL),
			 0);
	assert_int_equal(sriov_read_attr(root, "/sys/devices/pci/0000:01:00.0/empty", buf,
					 sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "vfio-pci");

	/* no file is created */
	sriov_err_clear(&e);
	assert_int_equal(sriov_write_attr(root, "/sys/new_attr", "1", &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/sys/new_attr"));
	assert_int_equal(sriov_path_exists(root, "/sys/new_attr"), -ENOENT);
	assert_int_equal(sriov_write_attr(root, "/sys/list", "1", NULL), -EISDIR);
	/* writes stay inside the root as well */
	make_escape_links();
	assert_int_equal(sriov_write_attr(root, "/sys/abs", "x", NULL), -ENOENT);
}

static void test_pathf(void **state)
{
	const char *addr = "0000:01:00.0";
	struct sriov_dirent *ents = NULL;
	struct sriov_dir d;
	struct sriov_err e;
	char buf[64], longname[5000];
	uint64_t v;
	size_t n = 0;

	(void)state;
	assert_int_equal(sriov_readf_attr(root, buf, sizeof(buf), NULL,
					  "/sys/devices/pci/%s/%s", addr, "numvfs"),
			 0);
	assert_string_equal(buf, "42");
	assert_int_equal(
		sriov_readf_u64(root, 0, &v, NULL, "/sys/devices/pci/%s/hex", addr), 0);
	assert_int_equal(v, 0x1f);
	assert_int_equal(sriov_readf_link_base(root, buf, sizeof(buf), NULL,
					       "/sys/devices/pci/%s/driver", addr),
			 0);
	assert_string_equal(buf, "igb");
	assert_int_equal(sriov_pathf_exists(root, "/sys/class/net/%s", "eth0"), 0);
	assert_int_equal(sriov_pathf_exists(root, "/sys/class/net/%s", "eth9"), -ENOENT);
	assert_int_equal(sriov_list_dirf(root, &ents, &n, NULL, "/sys/%s", "list"), 0);
	assert_true(n >= 3);
	free(ents);
	assert_int_equal(
		sriov_writef_attr(root, "5", NULL, "/sys/devices/pci/%s/numvfs", addr),
		0);
	assert_int_equal(sriov_dir_openf(root, &d, NULL, "/sys/devices/pci/%s", addr), 0);
	assert_int_equal(sriov_dir_read_attr(&d, "numvfs", buf, sizeof(buf), NULL), 0);
	assert_memory_equal(buf, "5", 1);
	sriov_dir_close(&d);

	/* a path that does not fit is refused, naming its start, before any access */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	sriov_err_clear(&e);
	assert_int_equal(
		sriov_readf_attr(root, buf, sizeof(buf), &e, "/sys/%s", longname),
		-ENAMETOOLONG);
	assert_non_null(strstr(e.msg, "/sys/aaaa"));
	assert_non_null(strstr(e.msg, "path too long"));
	assert_int_equal(sriov_pathf_exists(root, "/sys/%s", longname), -ENAMETOOLONG);
}

/* ---- one level down through a listed directory ----------------------------- */

static void test_dir_sub(void **state)
{
	char buf[128];
	struct sriov_dir d;

	(void)state;
	tree_mkdir(tree, "sys/devices/pci/0000:01:00.1");
	tree_writef(tree, "sys/devices/pci/0000:01:00.1/sriov_totalvfs", "7\n");
	tree_symlink(tree, "sys/devices/pci/0000:01:00.1/iommu_group",
		     "../../../kernel/iommu_groups/12");
	/* a symlinked "function" must not be read through: it leads out */
	tree_symlink(tree, "sys/devices/pci/0000:01:00.2", "/etc");
	assert_int_equal(sriov_dir_open(root, "/sys/devices/pci", &d, NULL), 0);
	/* before listing, nothing is known to be a directory */
	assert_false(sriov_dir_has_subdir(&d, "0000:01:00.0"));
	assert_int_equal(sriov_dir_sub_has(&d, "0000:01:00.1", "sriov_totalvfs"),
			 -ENOTDIR);
	assert_int_equal(sriov_dir_list(&d, NULL), 0);
	assert_true(sriov_dir_has_subdir(&d, "0000:01:00.0"));
	assert_true(sriov_dir_has_subdir(&d, "0000:01:00.1"));
	assert_false(sriov_dir_has_subdir(&d, "0000:01:00.2"));
	assert_false(sriov_dir_has_subdir(&d, "0000:01:00.3"));

	assert_int_equal(sriov_dir_sub_read_link_base(&d, "0000:01:00.0", "driver", buf,
						      sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "igb");
	assert_int_equal(sriov_dir_sub_read_link(&d, "0000:01:00.1", "iommu_group", buf,
						 sizeof(buf), NULL),
			 0);
	assert_string_equal(buf, "../../../kernel/iommu_groups/12");
	assert_int_equal(sriov_dir_sub_has(&d, "0000:01:00.1", "sriov_totalvfs"), 0);
	assert_int_equal(sriov_dir_sub_has(&d, "0000:01:00.0", "sriov_totalvfs"),
			 -ENOENT);
	/* the driver link is looked at, not followed */
	assert_int_equal(sriov_dir_sub_has(&d, "0000:01:00.0", "driver"), 0);
	assert_int_equal(sriov_dir_sub_read_link(&d, "0000:01:00.1", "driver", buf,
						 sizeof(buf), NULL),
			 -ENOENT);

	/* a symlink, a file or an unknown name is no subdirectory */
	assert_int_equal(sriov_dir_sub_has(&d, "0000:01:00.2", "passwd"), -ENOTDIR);
	assert_int_equal(
		sriov_dir_sub_read_link(&d, "0000:01:00.2", "x", buf, sizeof(buf), NULL),
		-ENOTDIR);
	assert_int_equal(sriov_dir_sub_has(&d, "nosuch", "vendor"), -ENOTDIR);
	/* names, not paths */
	assert_int_equal(sriov_dir_sub_has(&d, "0000:01:00.0", "net/eth0"), -EINVAL);
	assert_int_equal(sriov_dir_sub_has(&d, "..", "vendor"), -EINVAL);
	sriov_dir_close(&d);
	assert_int_equal(d.n_ents, 0);
}

/* ---- the in-root walk, step by step ----------------------------------------- */

struct walk_seen {
	char links[8][160];
	int n_links;
	char last[160];
	char last_name[64];
	int last_is_link;
};

static int seen_link(void *ctx, const char *path, const char *target)
{
	struct walk_seen *w = ctx;

	if (w->n_links < 8)
		snprintf(w->links[w->n_links++], sizeof(w->links[0]), "%s -> %s", path,
			 target);
	return 0;
}

static int seen_last(void *ctx, const char *path, int dirfd, const char *name)
{
	struct walk_seen *w = ctx;
	char target[64];

	snprintf(w->last, sizeof(w->last), "%s", path);
	snprintf(w->last_name, sizeof(w->last_name), "%s", name);
	w->last_is_link = readlinkat(dirfd, name, target, sizeof(target)) > 0;
	return 0;
}

static void walk(const char *path, bool follow_last, struct walk_seen *w, int want)
{
	struct sriov_walk_visitor v = {.link = seen_link, .last = seen_last, .ctx = w};

	memset(w, 0, sizeof(*w));
	assert_int_equal(sriov_root_walk(root, path, follow_last, &v), want);
}

static void test_root_walk(void **state)
{
	struct walk_seen w;

	(void)state;
	/* through a link on the way: the link, then the entry by its real path */
	walk("/sys/class/net/eth0/address", true, &w, 0);
	assert_int_equal(w.n_links, 1);
	assert_string_equal(
		w.links[0],
		"sys/class/net/eth0 -> ../../devices/pci/0000:01:00.0/net/eth0");
	assert_string_equal(w.last, "sys/devices/pci/0000:01:00.0/net/eth0/address");
	assert_string_equal(w.last_name, "address");

	/* a link at the end: followed, or handed over as it is */
	walk("sys/devices/pci/0000:01:00.0/driver", true, &w, 0);
	assert_int_equal(w.n_links, 1);
	assert_string_equal(w.last, "sys/bus/pci/drivers/igb");
	assert_false(w.last_is_link);
	walk("sys/devices/pci/0000:01:00.0/driver", false, &w, 0);
	assert_int_equal(w.n_links, 0);
	assert_string_equal(w.last, "sys/devices/pci/0000:01:00.0/driver");
	assert_true(w.last_is_link);

	/* a path ending at a directory */
	walk("sys/list/c/..", true, &w, 0);
	assert_string_equal(w.last, "sys/list");
	assert_string_equal(w.last_name, ".");

	/* absolute and ".." links stay inside the root */
	make_escape_links();
	tree_writef(tree, "etc/passwd", "root-inside-the-tree\n");
	walk("sys/absdir/passwd", true, &w, 0);
	assert_string_equal(w.links[0], "sys/absdir -> /etc");
	assert_string_equal(w.last, "etc/passwd");
	walk("sys/uplink/sys/list/a", true, &w, 0);
	assert_string_equal(w.last, "sys/list/a");

	/* a missing component, a loop */
	walk("sys/nosuch/x", true, &w, -ENOENT);
	assert_string_equal(w.last, "");
	tree_symlink(tree, "sys/loop", "loop");
	walk("sys/loop/x", true, &w, -ELOOP);
}

static int stop_at_link(void *ctx, const char *path, const char *target)
{
	(void)ctx;
	(void)path;
	(void)target;
	return -EIO;
}

/* A visitor's failure ends the walk and is what it returns. */
static void test_root_walk_stops(void **state)
{
	struct walk_seen w = {0};
	struct sriov_walk_visitor v = {
		.link = stop_at_link, .last = seen_last, .ctx = &w};

	(void)state;
	assert_int_equal(sriov_root_walk(root, "/sys/class/net/eth0/address", true, &v),
			 -EIO);
	assert_string_equal(w.last, "");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define W(f) cmocka_unit_test_setup_teardown(f, setup_walk, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_root_open),
		T(test_name_is_safe),
		T(test_read_file),
		T(test_read_attr_strips),
		T(test_read_u64),
		T(test_read_link),
		T(test_list_dir),
		T(test_list_dir_many),
		T(test_path_exists),
		T(test_dir_handle),
		T(test_dir_read_file_nofollow),
		T(test_escape_absent),
		T(test_escape_stays_inside),
		T(test_recording),
		T(test_recording_grows),
		T(test_read_user_file),
		T(test_write_attr),
		T(test_pathf),
		T(test_dir_sub),
		T(test_root_walk),
		T(test_root_walk_stops),
		/* again, with the user-space walk instead of openat2 */
		W(test_read_file),
		W(test_read_link),
		W(test_list_dir),
		W(test_path_exists),
		W(test_dir_handle),
		W(test_dir_read_file_nofollow),
		W(test_escape_absent),
		W(test_escape_stays_inside),
		W(test_write_attr),
		W(test_dir_sub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
