// SPDX-License-Identifier: MIT
/*
 * The findings of `sriovctl check` (adding, evidence and remedy lines,
 * counting), check_run's order over the platform and the PFs, and the set-up
 * of the context: the kernel log from a saved file (or none under a tree),
 * libkmod over a tree's modules, and what tells a kernel log from another
 * file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "sriov/checks.h"
#include "tree_util.h"

/*
 * The rules live in checks_platform.c and checks_pf.c; these stand in for
 * them (weak: check_run's order is what is tested here, not the rules).
 */
static int platform_calls, pf_calls, platform_ret;
static const struct pf *pf_seen[8];

__attribute__((weak)) int check_platform(const struct check_context *c,
					 struct findings *out, struct sriov_err *e)
{
	(void)c;
	(void)e;
	platform_calls++;
	if (platform_ret)
		return platform_ret;
	return findings_add(out, "platform.test", "host", CHECK_PASS, "ok") ? 0 : -ENOMEM;
}

__attribute__((weak)) int check_pf(const struct check_context *c, const struct pf *pf,
				   struct findings *out, struct sriov_err *e)
{
	(void)c;
	(void)e;
	if (pf_calls < 8)
		pf_seen[pf_calls] = pf;
	pf_calls++;
	return findings_add(out, "pf.test", pf->addr_str, CHECK_WARN, "pf %d", pf_calls)
		       ? 0
		       : -ENOMEM;
}

/* ---- findings --------------------------------------------------------------- */

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(check_status_name(CHECK_PASS), "pass");
	assert_string_equal(check_status_name(CHECK_WARN), "warn");
	assert_string_equal(check_status_name(CHECK_FAIL), "fail");
	assert_string_equal(check_status_name(CHECK_SKIP), "skip");
	assert_string_equal(check_status_name((enum check_status)42), "unknown");
}

static void test_add_many(void **state)
{
	struct findings f = {0};
	char id[32];

	(void)state;
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "pf.rule%d", i);
		assert_non_null(findings_add(&f, id, "0000:01:00.0", CHECK_PASS,
					     "value %d of %s", i, "x"));
	}
	assert_int_equal(f.n, 100);
	assert_string_equal(f.v[0].id, "pf.rule0");
	assert_string_equal(f.v[99].id, "pf.rule99");
	assert_string_equal(f.v[57].summary, "value 57 of x");
	assert_string_equal(f.v[57].subject, "0000:01:00.0");
	assert_string_equal(f.v[57].evidence, "");
	assert_string_equal(f.v[57].remedy, "");
	findings_free(&f);
	assert_null(f.v);
	assert_int_equal(f.n, 0);
	findings_free(&f); /* twice is harmless */
}

static void test_long_fields_truncated(void **state)
{
	struct findings f = {0};
	char big[4000];
	struct finding *fd;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fd = findings_add(&f, big, big, CHECK_FAIL, "%s", big);
	assert_non_null(fd);
	assert_int_equal(strlen(fd->id), FINDING_ID_MAX - 1);
	assert_int_equal(strlen(fd->subject), FINDING_SUBJECT_MAX - 1);
	assert_int_equal(strlen(fd->summary), FINDING_SUMMARY_MAX - 1);
	findings_free(&f);
}

static void test_evidence_and_remedy_lines(void **state)
{
	struct findings f = {0};
	struct finding *fd;

	(void)state;
	fd = findings_add(&f, "platform.iommu.kernel", "host", CHECK_FAIL, "IOMMU off");
	finding_evidence(fd, "/sys/class/iommu: %s", "empty");
	finding_evidence(fd, "/sys/kernel/iommu_groups: %d groups", 0);
	finding_remedy(fd, "%s", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"");
	finding_remedy(fd, "update-grub");
	assert_string_equal(
		fd->evidence,
		"/sys/class/iommu: empty\n/sys/kernel/iommu_groups: 0 groups");
	assert_string_equal(
		fd->remedy,
		"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\nupdate-grub");
	finding_evidence(NULL, "ignored"); /* an allocation that failed upstream */
	findings_free(&f);
}

static void test_evidence_full(void **state)
{
	struct findings f = {0};
	struct finding *fd;
	char line[300];

	(void)state;
	memset(line, 'e', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	fd = findings_add(&f, "pf.acs", "0000:01:00.0", CHECK_WARN, "x");
	for (int i = 0; i < 20; i++)
		finding_evidence(fd, "%s", line);
	assert_int_equal(strlen(fd->evidence), FINDING_EVIDENCE_MAX - 1);
	assert_int_equal(fd->evidence[299], '\n');
	for (int i = 0; i < 20; i++)
		finding_remedy(fd, "%d", i);
	assert_int_equal(strncmp(fd->remedy, "0\n1\n2\n", 6), 0);
	findings_free(&f);
}

static void test_failed_and_count(void **state)
{
	struct findings f = {0};
	size_t counts[4];

	(void)state;
	findings_count(&f, counts);
	assert_int_equal(counts[CHECK_PASS] + counts[CHECK_FAIL], 0);
	assert_false(findings_failed(&f));
	findings_add(&f, "a", "host", CHECK_PASS, "a");
	findings_add(&f, "b", "host", CHECK_WARN, "b");
	findings_add(&f, "c", "host", CHECK_SKIP, "c");
	findings_add(&f, "d", "host", CHECK_SKIP, "d");
	assert_false(findings_failed(&f));
	findings_add(&f, "e", "host", CHECK_FAIL, "e");
	assert_true(findings_failed(&f));
	findings_count(&f, counts);
	assert_int_equal(counts[CHECK_PASS], 1);
	assert_int_equal(counts[CHECK_WARN], 1);
	assert_int_equal(counts[CHECK_FAIL], 1);
	assert_int_equal(counts[CHECK_SKIP], 2);
	findings_free(&f);
}

/* ---- check_run ------------------------------------------------------------ */

static void fake_inventory(struct inventory *inv, struct pf pfs[3])
{
	memset(inv, 0, sizeof(*inv));
	memset(pfs, 0, 3 * sizeof(pfs[0]));
	for (int i = 0; i < 3; i++)
		snprintf(pfs[i].addr_str, sizeof(pfs[i].addr_str), "0000:0%d:00.0",
			 i + 1);
	inv->pfs = pfs;
	inv->n_pfs = 3;
}

static void reset_stubs(void)
{
	platform_calls = pf_calls = platform_ret = 0;
	memset(pf_seen, 0, sizeof(pf_seen));
}

static void test_run_every_pf(void **state)
{
	struct check_context c = {0};
	struct findings f = {0};
	struct inventory inv;
	struct pf pfs[3];

	(void)state;
	reset_stubs();
	fake_inventory(&inv, pfs);
	c.inv = &inv;
	assert_int_equal(check_run(&c, &f, NULL), 0);
	assert_int_equal(platform_calls, 1);
	assert_int_equal(pf_calls, 3);
	assert_ptr_equal(pf_seen[0], &pfs[0]);
	assert_ptr_equal(pf_seen[2], &pfs[2]);
	assert_int_equal(f.n, 4);
	assert_string_equal(f.v[0].id, "platform.test"); /* platform first */
	assert_string_equal(f.v[3].subject, "0000:03:00.0");
	findings_free(&f);
}

static void test_run_only_pf(void **state)
{
	struct check_context c = {0};
	struct findings f = {0};
	struct inventory inv;
	struct pf pfs[3];

	(void)state;
	reset_stubs();
	fake_inventory(&inv, pfs);
	c.inv = &inv;
	c.only_pf = &pfs[1];
	assert_int_equal(check_run(&c, &f, NULL), 0);
	assert_int_equal(platform_calls, 1);
	assert_int_equal(pf_calls, 1);
	assert_ptr_equal(pf_seen[0], &pfs[1]);
	assert_int_equal(f.n, 2);
	findings_free(&f);
}

static void test_run_stops_on_error(void **state)
{
	struct check_context c = {0};
	struct findings f = {0};
	struct inventory inv;
	struct pf pfs[3];

	(void)state;
	reset_stubs();
	fake_inventory(&inv, pfs);
	c.inv = &inv;
	platform_ret = -ENOMEM;
	assert_int_equal(check_run(&c, &f, NULL), -ENOMEM);
	assert_int_equal(pf_calls, 0);
	findings_free(&f);
}

/* ---- kernel log lines ------------------------------------------------------ */

static bool line_is_log(const char *s)
{
	return kmsg_line_is_log(s, strlen(s));
}

static void test_line_is_log(void **state)
{
	(void)state;
	assert_true(line_is_log("6,1234,5678901,-;pci 0000:00:02.0: bridge window"));
	assert_true(line_is_log("[    0.012345] DMAR: IOMMU enabled"));
	assert_true(line_is_log("<6>[    1.5] igb 0000:01:00.0: eth0"));
	assert_true(line_is_log("<3>something"));
	assert_true(line_is_log("Aug 10 11:43:24 pve kernel: DMAR: IOMMU enabled"));
	assert_false(line_is_log("DMAR: IOMMU enabled")); /* bare text: not a log line */
	assert_false(line_is_log("hello world"));
	assert_false(line_is_log("[section]"));
	assert_false(line_is_log("12,abc;x"));
	assert_false(line_is_log(""));
	assert_false(kmsg_line_is_log("[ 1.0] a\0b", 10)); /* binary */
}

/* ---- the context: the kernel log -------------------------------------------- */

struct tmp {
	char dir[TREE_PATH_MAX];
};

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	tree_new(t->dir);
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;

	tree_remove(t->dir);
	free(t);
	return 0;
}

static int open_tree(const char *dir, struct sriov_root **r)
{
	struct sriov_err e;

	sriov_err_clear(&e);
	return sriov_root_open(dir, r, &e);
}

/* Loads file rel of dir (NULL: no file) as the kernel log of a tree at dir. */
static int load_log(const char *dir, const char *rel, struct check_context *c,
		    struct kmsg_log *log, struct sriov_err *e)
{
	struct sriov_root *r;
	char path[TREE_PATH_MAX];
	int ret;

	assert_int_equal(open_tree(dir, &r), 0);
	check_context_init(c, r, NULL);
	assert_false(c->is_host);
	memset(log, 0, sizeof(*log));
	sriov_err_clear(e);
	if (rel)
		tree_path(dir, rel, path);
	ret = check_context_load_log(c, log, rel ? path : NULL, e);
	assert_ptr_equal(c->log, log);
	sriov_root_close(r);
	c->root = NULL;
	return ret;
}

static void test_log_dmesg_file(void **state)
{
	struct tmp *t = *state;
	struct check_context c;
	struct kmsg_log log;
	struct sriov_err e;

	tree_writef(t->dir, "dmesg.txt",
		    "[    0.000000] Linux version 6.1.0\n"
		    "\n"
		    "[    0.512000] DMAR: IOMMU enabled\n"
		    "[   12.000000] igb 0000:01:00.0: can't enable 8 VFs (bus 02 out of "
		    "range of [bus 01])\n");
	assert_int_equal(load_log(t->dir, "dmesg.txt", &c, &log, &e), 0);
	assert_true(c.log_available);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.v[1].kind, KMSG_IOMMU_ENABLED);
	assert_int_equal(log.v[2].kind, KMSG_SRIOV_BUS_RANGE);
	assert_non_null(strstr(c.log_source, "dmesg.txt"));
	kmsg_log_free(&log);
}

static void test_log_kmsg_records(void **state)
{
	struct tmp *t = *state;
	struct check_context c;
	struct kmsg_log log;
	struct sriov_err e;

	tree_writef(t->dir, "kmsg.txt",
		    "3,2211,183460123,-;i40e 0000:3b:00.0: can't enable 64 VFs (bus 3c "
		    "out of range of [bus 3b])\n"
		    " SUBSYSTEM=pci\n"
		    " DEVICE=+pci:0000:3b:00.0\n");
	assert_int_equal(load_log(t->dir, "kmsg.txt", &c, &log, &e), 0);
	assert_true(c.log_available);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.v[0].kind, KMSG_SRIOV_BUS_RANGE);
	kmsg_log_free(&log);
}

static void expect_not_log(const char *dir, const char *name, const void *data,
			   size_t len, const char *why)
{
	struct check_context c;
	struct kmsg_log log;
	struct sriov_err e;

	tree_write(dir, name, data, len);
	assert_int_equal(load_log(dir, name, &c, &log, &e), 0);
	assert_false(c.log_available);
	assert_int_equal(log.n, 0);
	assert_non_null(strstr(c.log_unavailable, name));
	assert_non_null(strstr(c.log_unavailable, ": not a kernel log ("));
	if (!strstr(c.log_unavailable, why))
		fail_msg("reason '%s' lacks '%s'", c.log_unavailable, why);
	kmsg_log_free(&log);
}

static void test_log_not_a_log(void **state)
{
	static const char binary[] = {'\x7f', 'E', 'L', 'F', 0, 1, 2, '\n', 0, 0};
	static const char config[] = "\n\n[pf enp1s0]\nnum_vfs = 4\n";
	struct tmp *t = *state;

	expect_not_log(t->dir, "config.ini", config, strlen(config),
		       "line 3: \"[pf enp1s0]\"");
	expect_not_log(t->dir, "empty.txt", "", 0, "empty file");
	expect_not_log(t->dir, "blank.txt", "\n \n\t\n", 5, "no text");
	expect_not_log(t->dir, "elf.bin", binary, sizeof(binary), "line 1: \".ELF...");
}

static void test_log_long_line_quoted_short(void **state)
{
	struct tmp *t = *state;
	struct check_context c;
	struct kmsg_log log;
	struct sriov_err e;
	char text[5000];

	memset(text, 'x', sizeof(text));
	tree_write(t->dir, "long.txt", text, sizeof(text));
	assert_int_equal(load_log(t->dir, "long.txt", &c, &log, &e), 0);
	assert_false(c.log_available);
	assert_non_null(strstr(c.log_unavailable, "xxx...\")"));
	assert_true(strlen(c.log_unavailable) < 200 + strlen(t->dir));
	kmsg_log_free(&log);
}

static void test_log_missing_file(void **state)
{
	struct tmp *t = *state;
	struct check_context c;
	struct kmsg_log log;
	struct sriov_err e;

	assert_int_equal(load_log(t->dir, "nope.txt", &c, &log, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "nope.txt"));
	assert_false(c.log_available);
	tree_mkdir(t->dir, "adir");
	assert_true(load_log(t->dir, "adir", &c, &log, &e) < 0);
	assert_non_null(strstr(e.msg, "adir"));
	kmsg_log_free(&log);
}

static void test_log_tree_without_file(void **state)
{
	struct tmp *t = *state;
	struct check_context c;
	struct kmsg_log log;
	struct sriov_err e;

	/* even a /dev/kmsg file in the tree is not the log of that host */
	tree_writef(t->dir, "dev/kmsg", "6,1,1,-;DMAR: IOMMU enabled\n");
	assert_int_equal(load_log(t->dir, NULL, &c, &log, &e), 0);
	assert_false(c.log_available);
	assert_non_null(strstr(c.log_unavailable, "--kmsg FILE"));
	assert_string_equal(c.log_source, "");
	kmsg_log_free(&log);
}

static void test_log_host(void **state)
{
	struct sriov_root *r;
	struct check_context c;
	struct kmsg_log log = {0};
	struct sriov_err e;

	(void)state;
	assert_int_equal(open_tree("/", &r), 0);
	check_context_init(&c, r, NULL);
	assert_true(c.is_host);
	sriov_err_clear(&e);
	/* readable or not (dmesg_restrict, a container): never an error */
	assert_int_equal(check_context_load_log(&c, &log, NULL, &e), 0);
	assert_string_equal(c.log_source, "/dev/kmsg");
	if (!c.log_available)
		assert_true(c.log_unavailable[0] != '\0');
	kmsg_log_free(&log);
	sriov_root_close(r);
}

/* ---- the context: libkmod over a tree ----------------------------------------- */

static void open_kmod(const char *dir, struct check_context *c, struct sriov_root **r)
{
	assert_int_equal(open_tree(dir, r), 0);
	check_context_init(c, *r, NULL);
	check_context_open_kmod(c);
}

static void test_kmod_tree(void **state)
{
	struct tmp *t = *state;
	struct check_context c;
	struct sriov_root *r;

	open_kmod(t->dir, &c, &r); /* no osrelease */
	assert_null(c.kmod);
	assert_non_null(strstr(c.kmod_unavailable, "kernel release is unknown"));
	sriov_root_close(r);

	tree_writef(t->dir, "proc/sys/kernel/osrelease", "6.1.0-test\n");
	open_kmod(t->dir, &c, &r); /* no /lib/modules/6.1.0-test */
	assert_null(c.kmod);
	assert_non_null(
		strstr(c.kmod_unavailable, "/lib/modules/6.1.0-test: not in the tree"));
	sriov_root_close(r);

	tree_mkdir(t->dir, "lib/modules/6.1.0-test");
	tree_writef(t->dir, "etc/modprobe.d/sriov.conf", "blacklist igbvf\n");
	open_kmod(t->dir, &c, &r);
	assert_non_null(c.kmod);
	assert_string_equal(c.kmod_unavailable, "");
	check_context_release(&c);
	assert_null(c.kmod);
	check_context_release(&c); /* twice is harmless */
	sriov_root_close(r);
}

static void test_kmod_unsafe_release(void **state)
{
	struct tmp *t = *state;
	struct check_context c;
	struct sriov_root *r;

	tree_writef(t->dir, "proc/sys/kernel/osrelease", "../../etc\n");
	tree_mkdir(t->dir, "etc");
	open_kmod(t->dir, &c, &r);
	assert_null(c.kmod);
	assert_non_null(strstr(c.kmod_unavailable, "not a kernel release name"));
	sriov_root_close(r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tmp_setup, tmp_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_add_many),
		cmocka_unit_test(test_long_fields_truncated),
		cmocka_unit_test(test_evidence_and_remedy_lines),
		cmocka_unit_test(test_evidence_full),
		cmocka_unit_test(test_failed_and_count),
		cmocka_unit_test(test_run_every_pf),
		cmocka_unit_test(test_run_only_pf),
		cmocka_unit_test(test_run_stops_on_error),
		cmocka_unit_test(test_line_is_log),
		T(test_log_dmesg_file),
		T(test_log_kmsg_records),
		T(test_log_not_a_log),
		T(test_log_long_line_quoted_short),
		T(test_log_missing_file),
		T(test_log_tree_without_file),
		cmocka_unit_test(test_log_host),
		T(test_kmod_tree),
		T(test_kmod_unsafe_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
