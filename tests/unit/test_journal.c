// SPDX-License-Identifier: MIT
/*
 * journal and lock: JSON round trip; the originals kept across runs; the
 * strict reader (a corpus of bad journals, each with the field its message
 * must name, and seeded random mutations that must never crash, leak, or
 * accept what the writer would not write back); loading from a root (none,
 * corrupt ones set aside, an interrupted run); saving; and the lock held by
 * a child process.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "sriov/journal.h"
#include "tree_util.h"

static char tree[TREE_PATH_MAX];
static struct sriov_root *root;

static int setup(void **state)
{
	(void)state;
	tree_new(tree);
	return sriov_root_open(tree, &root, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sriov_root_close(root);
	root = NULL;
	tree_remove(tree);
	return 0;
}

/* A valid journal: a failed run of two steps, two originals. */
static const char good[] =
	"{\"version\": 1, \"command\": \"apply\", \"pid\": 4242, \"state\": \"failed\",\n"
	" \"started\": \"2026-11-21T10:00:00Z\", \"finished\": "
	"\"2026-11-21T10:00:05Z\",\n"
	" \"files\": [\"/etc/sriovctl.conf\"],\n"
	" \"steps\": [\n"
	"  {\"kind\": \"num_vfs\", \"pf\": \"0000:01:00.0\", \"vf\": -1,"
	" \"target\": \"0000:01:00.0\", \"key\": \"num_vfs\", \"old\": \"0\","
	" \"old_extra\": \"\", \"new\": \"2\", \"status\": \"done\", \"error\": 0},\n"
	"  {\"kind\": \"vf_attr\", \"pf\": \"0000:01:00.0\", \"vf\": 1,"
	" \"target\": \"0000:01:10.2\", \"key\": \"mac\", \"old\": \"00:00:00:00:00:00\","
	" \"old_extra\": \"\", \"new\": \"02:00:00:00:00:01\", \"status\": \"failed\","
	" \"error\": -22}\n"
	" ],\n"
	" \"originals\": [\n"
	"  {\"kind\": \"num_vfs\", \"pf\": \"0000:01:00.0\", \"vf\": -1,"
	" \"target\": \"0000:01:00.0\", \"key\": \"num_vfs\", \"old\": \"0\","
	" \"old_extra\": \"\"},\n"
	"  {\"kind\": \"driver\", \"pf\": \"0000:01:00.0\", \"vf\": 1,"
	" \"target\": \"0000:01:10.2\", \"key\": \"driver\", \"old\": \"igbvf\","
	" \"old_extra\": \"igbvf\"}\n"
	" ]}\n";

static struct journal_change change(enum journal_kind kind, const char *target, int vf,
				    const char *key, const char *old_value,
				    const char *new_value)
{
	struct journal_change c = {.kind = kind, .vf = vf};

	snprintf(c.pf, sizeof(c.pf), "0000:01:00.0");
	snprintf(c.target, sizeof(c.target), "%s", target);
	snprintf(c.key, sizeof(c.key), "%s", key);
	snprintf(c.old_value, sizeof(c.old_value), "%s", old_value);
	snprintf(c.new_value, sizeof(c.new_value), "%s", new_value);
	return c;
}

/* A run as apply makes it: two steps, the second one failed. */
static void build_run(struct journal *j)
{
	static const char *const files[] = {"/etc/sriovctl.conf",
					    "/etc/sriovctl.d/a.conf"};
	struct journal_change c;
	int i;

	assert_int_equal(journal_begin(j, "apply", files, 2), 0);
	c = change(JOURNAL_NUM_VFS, "0000:01:00.0", -1, "num_vfs", "0", "2");
	i = journal_add_step(j, &c);
	assert_int_equal(i, 0);
	j->steps[i].status = JOURNAL_DONE;
	c = change(JOURNAL_DRIVER, "0000:01:10.0", 0, "driver", "igbvf", "vfio-pci");
	snprintf(c.old_extra, sizeof(c.old_extra), "igbvf");
	i = journal_add_step(j, &c);
	assert_int_equal(i, 1);
	j->steps[i].status = JOURNAL_FAILED;
	j->steps[i].error = -EBUSY;
	journal_end(j, JOURNAL_FAILED_RUN);
}

static void assert_change_equal(const struct journal_change *a,
				const struct journal_change *b, bool original)
{
	assert_int_equal(a->kind, b->kind);
	assert_string_equal(a->pf, b->pf);
	assert_int_equal(a->vf, b->vf);
	assert_string_equal(a->target, b->target);
	assert_string_equal(a->key, b->key);
	assert_string_equal(a->old_value, b->old_value);
	assert_string_equal(a->old_extra, b->old_extra);
	if (original)
		return;
	assert_string_equal(a->new_value, b->new_value);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->error, b->error);
}

static void assert_journal_equal(const struct journal *a, const struct journal *b)
{
	assert_int_equal(a->state, b->state);
	assert_string_equal(a->command, b->command);
	assert_int_equal(a->pid, b->pid);
	assert_string_equal(a->started, b->started);
	assert_string_equal(a->finished, b->finished);
	assert_int_equal(a->n_files, b->n_files);
	for (size_t i = 0; i < a->n_files; i++)
		assert_string_equal(a->files[i], b->files[i]);
	assert_int_equal(a->n_steps, b->n_steps);
	for (size_t i = 0; i < a->n_steps; i++)
		assert_change_equal(&a->steps[i], &b->steps[i], false);
	assert_int_equal(a->n_originals, b->n_originals);
	for (size_t i = 0; i < a->n_originals; i++)
		assert_change_equal(&a->originals[i], &b->originals[i], true);
}

static bool utc_time_shape(const char *s)
{
	static const char shape[] = "0000-00-00T00:00:00Z";

	for (size_t i = 0; i < sizeof(shape); i++) {
		if (shape[i] == '0' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return false;
	}
	return true;
}

/* ---- names and the run ------------------------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(journal_kind_name(JOURNAL_NUM_VFS), "num_vfs");
	assert_string_equal(journal_kind_name(JOURNAL_AUTOPROBE), "autoprobe");
	assert_string_equal(journal_kind_name(JOURNAL_PF_UP), "pf_up");
	assert_string_equal(journal_kind_name(JOURNAL_VF_ATTR), "vf_attr");
	assert_string_equal(journal_kind_name(JOURNAL_DRIVER), "driver");
	assert_string_equal(journal_kind_name((enum journal_kind)99), "?");
	assert_string_equal(journal_status_name(JOURNAL_STARTED), "started");
	assert_string_equal(journal_status_name(JOURNAL_UNDONE), "undone");
	assert_string_equal(journal_state_name(JOURNAL_NONE), "none");
	assert_string_equal(journal_state_name(JOURNAL_FAILED_RUN), "failed");
	assert_string_equal(journal_state_name(JOURNAL_ROLLED_BACK), "rolled_back");
}

static void test_begin_and_steps(void **state)
{
	struct journal j = {0};
	struct journal_change c;

	(void)state;
	build_run(&j);
	assert_int_equal(j.state, JOURNAL_FAILED_RUN);
	assert_string_equal(j.command, "apply");
	assert_int_equal(j.pid, (long)getpid());
	assert_true(utc_time_shape(j.started));
	assert_true(utc_time_shape(j.finished));
	assert_int_equal(j.n_files, 2);
	assert_string_equal(j.files[1], "/etc/sriovctl.d/a.conf");
	assert_int_equal(j.n_steps, 2);
	assert_int_equal(j.n_originals, 2);
	assert_string_equal(journal_original(&j, "0000:01:10.0", "driver")->old_value,
			    "igbvf");
	assert_string_equal(journal_original(&j, "0000:01:10.0", "driver")->new_value,
			    "");

	/* a second run: steps dropped, originals kept and never overwritten */
	assert_int_equal(journal_begin(&j, "restore", NULL, 0), 0);
	assert_int_equal(j.state, JOURNAL_RUNNING);
	assert_string_equal(j.finished, "");
	assert_int_equal(j.n_steps, 0);
	assert_int_equal(j.n_files, 0);
	assert_int_equal(j.n_originals, 2);
	c = change(JOURNAL_DRIVER, "0000:01:10.0", 0, "driver", "vfio-pci", "igbvf");
	assert_int_equal(journal_add_step(&j, &c), 0);
	assert_int_equal(j.steps[0].status, JOURNAL_STARTED);
	assert_int_equal(j.n_originals, 2);
	assert_string_equal(journal_original(&j, "0000:01:10.0", "driver")->old_value,
			    "igbvf");
	c = change(JOURNAL_VF_ATTR, "0000:01:10.0", 0, "vlan", "0", "100");
	assert_int_equal(journal_add_step(&j, &c), 1);
	assert_int_equal(j.n_originals, 3);
	assert_null(journal_original(&j, "0000:01:10.2", "vlan"));

	journal_drop_original(&j, "0000:01:10.0", "driver");
	assert_null(journal_original(&j, "0000:01:10.0", "driver"));
	assert_int_equal(j.n_originals, 2);
	assert_non_null(journal_original(&j, "0000:01:10.0", "vlan"));
	journal_drop_original(&j, "0000:01:10.0", "driver"); /* absent: nothing */
	assert_int_equal(j.n_originals, 2);
	journal_free(&j);
	assert_null(j.steps);
	assert_int_equal(j.n_originals, 0);
}

static void test_writer_refuses_invalid(void **state)
{
	static const char *const bad_file[] = {"/etc/a\nb.conf"};
	struct journal j = {0};
	struct journal_change c;

	(void)state;
	assert_int_equal(journal_begin(&j, "", NULL, 0), -EINVAL);
	assert_int_equal(journal_begin(&j, "a-command-too-long", NULL, 0), -EINVAL);
	assert_int_equal(journal_begin(&j, "apply", bad_file, 1), -EINVAL);
	assert_int_equal(j.state, JOURNAL_NONE);
	assert_int_equal(journal_begin(&j, "apply", NULL, 0), 0);

	c = change(JOURNAL_VF_ATTR, "0000:01:10.0", 0, "colour", "0", "1");
	assert_int_equal(journal_add_step(&j, &c), -EINVAL);
	c = change(JOURNAL_NUM_VFS, "0000:01:00.0", 3, "num_vfs", "0", "1");
	assert_int_equal(journal_add_step(&j, &c), -EINVAL);
	c = change(JOURNAL_VF_ATTR, "not-an-address", 0, "mac", "0", "1");
	assert_int_equal(journal_add_step(&j, &c), -EINVAL);
	c = change(JOURNAL_VF_ATTR, "0000:01:10.0", 0, "mac", "a\tb", "1");
	assert_int_equal(journal_add_step(&j, &c), -EINVAL);
	assert_int_equal(j.n_steps, 0);
	assert_int_equal(j.n_originals, 0);
	journal_free(&j);
}

/* ---- JSON ------------------------------------------------------------------------ */

static void test_round_trip(void **state)
{
	struct journal j = {0}, back;
	struct sriov_err e;
	char *text, *again;

	(void)state;
	build_run(&j);
	text = journal_to_json(&j);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"version\": 1"));
	assert_non_null(strstr(text, "\"/etc/sriovctl.d/a.conf\"")); /* no \/ */
	sriov_err_clear(&e);
	assert_int_equal(journal_from_json(text, strlen(text), &back, &e), 0);
	assert_journal_equal(&j, &back);
	again = journal_to_json(&back);
	assert_string_equal(text, again);
	free(again);
	free(text);
	journal_free(&back);

	/* while running: "finished" is null, and read back as "" */
	assert_int_equal(journal_begin(&j, "apply", NULL, 0), 0);
	text = journal_to_json(&j);
	assert_non_null(strstr(text, "\"finished\": null"));
	assert_int_equal(journal_from_json(text, strlen(text), &back, &e), 0);
	assert_string_equal(back.finished, "");
	assert_int_equal(back.state, JOURNAL_RUNNING);
	free(text);
	journal_free(&back);
	journal_free(&j);
}

static void test_parse_good(void **state)
{
	struct journal j;
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(journal_from_json(good, strlen(good), &j, &e), 0);
	assert_int_equal(j.state, JOURNAL_FAILED_RUN);
	assert_int_equal(j.pid, 4242);
	assert_int_equal(j.n_steps, 2);
	assert_int_equal(j.steps[1].kind, JOURNAL_VF_ATTR);
	assert_int_equal(j.steps[1].vf, 1);
	assert_int_equal(j.steps[1].error, -22);
	assert_int_equal(j.steps[1].status, JOURNAL_FAILED);
	assert_string_equal(j.steps[1].new_value, "02:00:00:00:00:01");
	assert_int_equal(j.n_originals, 2);
	assert_string_equal(j.originals[1].old_extra, "igbvf");
	journal_free(&j);
}

struct bad_case {
	const char *find;    /* a unique piece of good[] */
	const char *replace; /* what it becomes */
	const char *expect;  /* in the message: the field, then the reason */
};

static const struct bad_case bad_cases[] = {
	{"\"version\": 1", "\"version\": 2", "version: 2 is not 1"},
	{"\"version\": 1", "\"version\": \"1\"", "version: must be an integer"},
	{"\"version\": 1, ", "", "version: missing"},
	{"\"pid\": 4242", "\"pid\": 4242, \"extra\": 0", "extra: unknown key"},
	{"\"pid\": 4242", "\"pid\": -5", "pid: -5 is out of range"},
	{"\"pid\": 4242", "\"pid\": 42.5", "pid: must be an integer"},
	{"\"state\": \"failed\"", "\"state\": \"sleeping\"", "state: not one of none,"},
	{"\"command\": \"apply\"", "\"command\": null", "command: must be a string"},
	{"\"command\": \"apply\"", "\"command\": \"applyapplyapplyapply\"",
	 "command: longer than 15"},
	{"\"started\": \"2026-11-21T10:00:00Z\"", "\"started\": \"yesterday\"",
	 "started: \"yesterday\" is not a UTC time"},
	{"\"files\": [\"/etc/sriovctl.conf\"]", "\"files\": [1]",
	 "files[0]: must be a string"},
	{"\"files\": [\"/etc/sriovctl.conf\"]", "\"files\": \"/etc/sriovctl.conf\"",
	 "files: must be an array"},
	{"\"files\": [\"/etc/sriovctl.conf\"]", "\"files\": [\"/etc/a\\u0001\"]",
	 "files[0]: control character 0x01"},
	{"\"steps\": [\n", "\"steps\": [\"x\", ", "steps[0]: must be an object"},
	{"{\"kind\": \"num_vfs\", \"pf\": \"0000:01:00.0\", \"vf\": -1, \"target\": "
	 "\"0000:01:00.0\", \"key\": \"num_vfs\", \"old\": \"0\", \"old_extra\": \"\", "
	 "\"new\"",
	 "{\"kind\": \"numvfs\", \"pf\": \"0000:01:00.0\", \"vf\": -1, \"target\": "
	 "\"0000:01:00.0\", \"key\": \"num_vfs\", \"old\": \"0\", \"old_extra\": \"\", "
	 "\"new\"",
	 "steps[0].kind: not one of num_vfs, autoprobe, pf_up, vf_attr, driver"},
	{"\"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": \"mac\"",
	 "\"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": \"colour\"",
	 "steps[1].key: \"colour\" is not a VF setting"},
	{"\"target\": \"0000:01:00.0\", \"key\": \"num_vfs\", \"old\": \"0\", "
	 "\"old_extra\": \"\", \"new\"",
	 "\"target\": \"0000:01:00.0\", \"key\": \"mac\", \"old\": \"0\", "
	 "\"old_extra\": \"\", \"new\"",
	 "steps[0].key: must be \"num_vfs\" for kind num_vfs"},
	{"\"pf\": \"0000:01:00.0\", \"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": "
	 "\"mac\"",
	 "\"pf\": \"0000:zz:00.0\", \"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": "
	 "\"mac\"",
	 "steps[1].pf: \"0000:zz:00.0\" is not a PCI address"},
	{"\"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": \"mac\"",
	 "\"vf\": 1, \"target\": \"../../../etc\", \"key\": \"mac\"",
	 "steps[1].target: \"../../../etc\" is not a PCI address"},
	/* a netdevsim PF's and VF's names, malformed */
	{"\"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": \"mac\"",
	 "\"vf\": 1, \"target\": \"netdevsim10/../x\", \"key\": \"mac\"",
	 "steps[1].target: \"netdevsim10/../x\" is not a PCI address"},
	{"\"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": \"mac\"",
	 "\"vf\": 1, \"target\": \"netdevsim010/1\", \"key\": \"mac\"",
	 "steps[1].target: \"netdevsim010/1\" is not a PCI address"},
	{"\"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": \"mac\"",
	 "\"vf\": 1, \"target\": \"netdevsim10/01\", \"key\": \"mac\"",
	 "steps[1].target: \"netdevsim10/01\" is not a PCI address"},
	{"\"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": \"mac\"",
	 "\"vf\": 1, \"target\": \"01:10.2\", \"key\": \"mac\"",
	 "steps[1].target: \"01:10.2\" is not a PCI address as sysfs writes it"},
	{"\"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": \"mac\"",
	 "\"vf\": 1, \"target\": \"0000:01:1F.2\", \"key\": \"mac\"",
	 "steps[1].target: \"0000:01:1F.2\" is not"},
	{"\"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": \"mac\"",
	 "\"vf\": 65535, \"target\": \"0000:01:10.2\", \"key\": \"mac\"",
	 "steps[1].vf: 65535 is out of range (-1 to 65534)"},
	{"\"vf\": 1, \"target\": \"0000:01:10.2\", \"key\": \"mac\"",
	 "\"vf\": -1, \"target\": \"0000:01:10.2\", \"key\": \"mac\"",
	 "steps[1].vf: -1 is not a VF index"},
	{"\"vf\": -1, \"target\": \"0000:01:00.0\", \"key\": \"num_vfs\", \"old\": "
	 "\"0\", "
	 "\"old_extra\": \"\", \"new\"",
	 "\"vf\": 3, \"target\": \"0000:01:00.0\", \"key\": \"num_vfs\", \"old\": \"0\", "
	 "\"old_extra\": \"\", \"new\"",
	 "steps[0].vf: must be -1 for kind num_vfs"},
	{"\"old\": \"00:00:00:00:00:00\"", "\"old\": \"00:00\\n00\"",
	 "steps[1].old: control character 0x0a at byte 5"},
	{"\"old\": \"00:00:00:00:00:00\"", "\"old\": \"00\\u0000\"",
	 "steps[1].old: contains a NUL character"},
	{"\"new\": \"02:00:00:00:00:01\"",
	 "\"new\": "
	 "\"0123456789012345678901234567890123456789012345678901234567890123456789"
	 "01234567890123456789012345\"",
	 "steps[1].new: longer than 95 bytes"},
	{"\"status\": \"failed\"", "\"status\": \"maybe\"",
	 "steps[1].status: not one of"},
	{"\"error\": -22", "\"error\": 22", "steps[1].error: 22 is out of range"},
	{"\"error\": -22", "\"error\": 99999999999999999999999", "steps[1].error:"},
	{", \"old_extra\": \"\", \"new\": \"02", ", \"new\": \"02",
	 "steps[1].old_extra: missing"},
	{"\"old\": \"igbvf\",", "\"old\": \"igbvf\", \"status\": \"done\",",
	 "originals[1].status: unknown key"},
	{"{\"kind\": \"driver\", \"pf\": \"0000:01:00.0\", \"vf\": 1, \"target\": "
	 "\"0000:01:10.2\", "
	 "\"key\": \"driver\"",
	 "{\"kind\": \"num_vfs\", \"pf\": \"0000:01:00.0\", \"vf\": -1, \"target\": "
	 "\"0000:01:00.0\", \"key\": \"num_vfs\"",
	 "originals[1]: a second original for 0000:01:00.0 num_vfs (the first is "
	 "originals[0])"},
	{"\"error\": -22}\n ]", "\"error\": -22},\n ]",
	 "line 7, column 2: unexpected character"},
	{" ]}\n", " ]", "line 11, column 3: the text ends inside a JSON value"},
	{" ]}\n", " ]} {}", "line 11, column 5: unexpected character"},
	{"\"apply\"", "\"app\xff\"", "line 1, column 31: invalid utf-8"},
	{"\"apply\"", "'apply'", "line 1, column 27: unexpected character"},
};

/* good[] with one piece replaced (the piece must occur once). */
static char *mutate(const char *find, const char *replace)
{
	const char *at = strstr(good, find);
	size_t flen = strlen(find), rlen = strlen(replace);
	char *out;

	assert_non_null(at);
	assert_null(strstr(at + 1, find));
	out = malloc(sizeof(good) + rlen);
	assert_non_null(out);
	memcpy(out, good, (size_t)(at - good));
	memcpy(out + (at - good), replace, rlen);
	strcpy(out + (at - good) + rlen, at + flen);
	return out;
}

/* A netdevsim PF and its VF, which have no PCI address, by name. */
static void test_parse_netdevsim(void **state)
{
	char *text =
		mutate("\"vf_attr\", \"pf\": \"0000:01:00.0\", \"vf\": 1, \"target\": "
		       "\"0000:01:10.2\"",
		       "\"vf_attr\", \"pf\": \"netdevsim10\", \"vf\": 1, \"target\": "
		       "\"netdevsim10/1\"");
	struct journal j;
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(journal_from_json(text, strlen(text), &j, &e), 0);
	assert_string_equal(j.steps[1].pf, "netdevsim10");
	assert_string_equal(j.steps[1].target, "netdevsim10/1");
	journal_free(&j);
	free(text);
}

static void test_parse_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		char *text = mutate(b->find, b->replace);
		struct journal j;
		struct sriov_err e;
		int ret;

		sriov_err_clear(&e);
		ret = journal_from_json(text, strlen(text), &j, &e);
		if (ret != -EINVAL || !strstr(e.msg, b->expect))
			fail_msg("case %zu: ret %d, message \"%s\", expected \"%s\"", i,
				 ret, e.msg, b->expect);
		assert_int_equal(e.code, -EINVAL);
		assert_null(j.steps);
		assert_null(j.originals);
		assert_null(j.files);
		free(text);
	}
}

static void test_parse_bad_bytes(void **state)
{
	static const char with_nul[] = "{\"version\": 1\0}";
	struct journal j;
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(journal_from_json(with_nul, sizeof(with_nul) - 1, &j, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "a NUL byte at offset 13"));
	assert_int_equal(journal_from_json("", 0, &j, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "line 1, column 1: the text ends inside"));
	assert_int_equal(journal_from_json("null ", 5, &j, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "must be a JSON object"));
	assert_int_equal(journal_from_json("[]", 2, &j, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "must be a JSON object"));
	assert_int_equal(journal_from_json("{}", 2, &j, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "version: missing"));
	/* only the first len bytes count */
	assert_int_equal(journal_from_json(good, 10, &j, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "ends inside"));
}

/* xorshift64: the same sequence on every run */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const char *const fuzz_tokens[] = {
	"{",
	"}",
	"[",
	"]",
	",",
	":",
	"\"",
	"null",
	"true",
	"-1",
	"0",
	"65534",
	"65535",
	"1e3",
	"\\u0000",
	"\\n",
	"\"mac\"",
	"\"vf_attr\"",
	"\"0000:01:10.0\"",
	"99999999999999999999",
	"\"\"",
	"\xc3\xa9",
	"\xff",
	" ",
	"\"steps\": []",
};

/* One random change to buf (len bytes, room for cap). Returns the new length. */
static size_t fuzz_step(char *buf, size_t len, size_t cap)
{
	size_t at = len ? rng() % len : 0, n;
	const char *tok;

	switch (rng() % 5) {
	case 0: /* flip a byte */
		if (len)
			buf[at] ^= (char)(1u << (rng() % 8));
		return len;
	case 1: /* delete a run */
		n = rng() % 16;
		n = n > len - at ? len - at : n;
		memmove(buf + at, buf + at + n, len - at - n);
		return len - n;
	case 2: /* duplicate a run */
		n = rng() % 64;
		n = n > len - at ? len - at : n;
		if (len + n > cap)
			return len;
		memmove(buf + at + n, buf + at, len - at);
		return len + n;
	case 3: /* cut */
		return at;
	default: /* insert a token */
		tok = fuzz_tokens[rng() % (sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]))];
		n = strlen(tok);
		if (len + n > cap)
			return len;
		memmove(buf + at + n, buf + at, len - at);
		memcpy(buf + at, tok, n);
		return len + n;
	}
}

/*
 * Anything accepted must be written back as something accepted, and that
 * again as the same text.
 */
static void check_accepted(const struct journal *j)
{
	struct journal back;
	char *text = journal_to_json(j), *again;

	assert_non_null(text);
	assert_int_equal(journal_from_json(text, strlen(text), &back, NULL), 0);
	again = journal_to_json(&back);
	assert_string_equal(text, again);
	free(again);
	free(text);
	journal_free(&back);
}

static void test_fuzz(void **state)
{
	size_t cap = 2 * sizeof(good), accepted = 0;
	char *buf = malloc(cap);

	(void)state;
	assert_non_null(buf);
	for (int iter = 0; iter < 4000; iter++) {
		size_t len = sizeof(good) - 1;
		int steps = 1 + (int)(rng() % 4);
		struct journal j;
		struct sriov_err e;

		memcpy(buf, good, len);
		for (int s = 0; s < steps; s++)
			len = fuzz_step(buf, len, cap);
		/* the parser gets exactly len bytes: no terminator to lean on */
		char *exact = malloc(len ? len : 1);

		assert_non_null(exact);
		memcpy(exact, buf, len);
		if (journal_from_json(exact, len, &j, &e) == 0) {
			accepted++;
			check_accepted(&j);
			journal_free(&j);
		} else {
			assert_int_equal(e.code, -EINVAL);
			assert_true(e.msg[0] != '\0');
			assert_null(j.steps);
		}
		free(exact);
	}
	free(buf);
	/* mutations that keep the journal valid exist (e.g. in "old" values) */
	assert_true(accepted > 0);
	assert_true(accepted < 4000);
}

/* ---- the file in a root ------------------------------------------------------- */

static unsigned int mode_of(const char *rel)
{
	char path[TREE_PATH_MAX];
	struct stat st;

	tree_path(tree, rel, path);
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static const char *slurp(const char *rel)
{
	static char buf[256];
	char path[TREE_PATH_MAX];
	FILE *f;
	size_t n;

	tree_path(tree, rel, path);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool exists(const char *rel)
{
	char path[TREE_PATH_MAX];
	struct stat st;

	tree_path(tree, rel, path);
	return lstat(path, &st) == 0;
}

static void test_load_missing(void **state)
{
	struct journal_load_info info;
	struct journal j;
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(journal_load(root, &j, &info, &e), 0);
	assert_false(info.found);
	assert_false(info.corrupt);
	assert_false(info.interrupted);
	assert_int_equal(j.state, JOURNAL_NONE);
	assert_int_equal(j.n_originals, 0);
	assert_false(exists("var")); /* reading creates nothing */
}

static void test_save_load(void **state)
{
	struct journal_load_info info;
	struct journal j = {0}, back;
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	build_run(&j);
	assert_int_equal(journal_save(root, &j, &e), 0);
	assert_int_equal(mode_of("var/lib/sriovctl"), 0700);
	assert_int_equal(mode_of("var/lib/sriovctl/journal.json"), 0600);
	assert_int_equal(journal_load(root, &back, &info, &e), 0);
	assert_true(info.found);
	assert_false(info.corrupt);
	assert_false(info.interrupted);
	assert_journal_equal(&j, &back);
	journal_free(&back);

	/* running, by this live process: not interrupted */
	assert_int_equal(journal_begin(&j, "apply", NULL, 0), 0);
	assert_int_equal(journal_save(root, &j, &e), 0);
	assert_int_equal(journal_load(root, &back, &info, &e), 0);
	assert_int_equal(back.state, JOURNAL_RUNNING);
	assert_false(info.interrupted);
	assert_int_equal(back.n_originals, 2); /* kept across begin() and the file */
	journal_free(&back);
	journal_free(&j);
}

static void test_save_refuses_invalid(void **state)
{
	struct journal j = {0};
	struct sriov_err e;

	(void)state;
	build_run(&j);
	snprintf(j.steps[1].key, sizeof(j.steps[1].key), "bogus");
	sriov_err_clear(&e);
	assert_int_equal(journal_save(root, &j, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "steps[1].key: must be \"driver\""));
	assert_false(exists("var/lib/sriovctl/journal.json"));
	journal_free(&j);
}

static long dead_pid(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return (long)pid;
}

static void test_load_interrupted(void **state)
{
	struct journal_load_info info;
	struct journal j;
	struct sriov_err e;
	long pid = dead_pid();
	char *text = mutate("\"state\": \"failed\"", "\"state\": \"running\"");
	char pidtext[32], *with_pid;

	(void)state;
	snprintf(pidtext, sizeof(pidtext), "\"pid\": %ld", pid);
	with_pid = strstr(text, "\"pid\": 4242");
	assert_non_null(with_pid);
	tree_writef(tree, "var/lib/sriovctl/journal.json", "%.*s%s%s",
		    (int)(with_pid - text), text, pidtext,
		    with_pid + strlen("\"pid\": 4242"));
	free(text);
	sriov_err_clear(&e);
	assert_int_equal(journal_load(root, &j, &info, &e), 0);
	assert_true(info.found);
	assert_false(info.corrupt);
	assert_true(info.interrupted);
	assert_int_equal(info.previous_pid, pid);
	assert_int_equal(info.previous_steps, 2);
	assert_int_equal(j.n_steps, 2);
	journal_free(&j);
}

/* Loads a corrupt journal: set aside as corrupt-n, with reason containing why. */
static void expect_set_aside(int n, const char *why)
{
	struct journal_load_info info;
	struct journal j;
	struct sriov_err e;
	char aside[64];

	sriov_err_clear(&e);
	assert_int_equal(journal_load(root, &j, &info, &e), 0);
	assert_true(info.found);
	assert_true(info.corrupt);
	assert_non_null(strstr(info.reason, why));
	snprintf(aside, sizeof(aside), "/var/lib/sriovctl/journal.json.corrupt-%d", n);
	assert_string_equal(info.set_aside, aside);
	assert_true(exists(aside + 1));
	assert_false(exists("var/lib/sriovctl/journal.json"));
	assert_int_equal(j.n_originals, 0);
	assert_null(j.steps);
}

static void test_load_corrupt(void **state)
{
	const char *file = "var/lib/sriovctl/journal.json";
	char path[TREE_PATH_MAX];
	char *text = mutate("\"key\": \"mac\"", "\"key\": \"colour\"");

	(void)state;
	tree_writef(tree, file, "{\"version\": 1,\n garbage");
	expect_set_aside(1, "line 2, column 2");
	tree_writef(tree, file, "%s", text);
	free(text);
	expect_set_aside(2, "steps[1].key");
	/* one byte more than the limit, sparse */
	tree_path(tree, file, path);
	tree_write(tree, file, "", 0);
	assert_int_equal(truncate(path, JOURNAL_MAX_SIZE + 1), 0);
	expect_set_aside(3, "larger than 16 MiB");
	tree_mkdir(tree, file);
	expect_set_aside(4, "not a regular file");
	/* a free number is found past an existing one */
	tree_writef(tree, "var/lib/sriovctl/journal.json.corrupt-6", "old\n");
	tree_writef(tree, file, "[]");
	expect_set_aside(5, "must be a JSON object");
	tree_writef(tree, file, "{");
	expect_set_aside(7, "ends inside");
}

/* ---- the lock --------------------------------------------------------------------- */

struct holder {
	pid_t pid;
	int taken;   /* the child writes 'L' once it holds the lock */
	int release; /* the parent writes 'R' to make it let go */
};

static void start_holder(struct holder *h)
{
	int taken[2], release[2];
	char c;

	assert_int_equal(pipe(taken), 0);
	assert_int_equal(pipe(release), 0);
	h->pid = fork();
	assert_true(h->pid >= 0);
	if (h->pid == 0) {
		struct sriov_root *r;
		int fd;

		close(taken[0]);
		close(release[1]);
		if (sriov_root_open(tree, &r, NULL) < 0)
			_exit(1);
		fd = sriov_lock_acquire(r, "apply", 0, NULL, NULL, NULL);
		if (fd < 0 || write(taken[1], "L", 1) != 1 ||
		    read(release[0], &c, 1) != 1)
			_exit(2);
		sriov_lock_release(fd);
		sriov_root_close(r);
		_exit(0);
	}
	close(taken[1]);
	close(release[0]);
	h->taken = taken[0];
	h->release = release[1];
	assert_int_equal(read(h->taken, &c, 1), 1);
	assert_int_equal(c, 'L');
}

static void let_go(struct holder *h)
{
	if (h->release >= 0)
		assert_int_equal(write(h->release, "R", 1), 1);
	close(h->release);
	h->release = -1;
}

static void end_holder(struct holder *h)
{
	int status;

	let_go(h);
	assert_int_equal(waitpid(h->pid, &status, 0), h->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(h->taken);
}

struct progress_log {
	int calls;
	char first[160];
	struct holder *h; /* let go of the lock on the first call */
};

static void on_progress(void *ctx, const char *msg)
{
	struct progress_log *log = ctx;

	if (log->calls++ == 0)
		snprintf(log->first, sizeof(log->first), "%s", msg);
	if (log->h)
		let_go(log->h);
}

static void test_lock_held_by_child(void **state)
{
	struct progress_log log = {0};
	struct holder h;
	struct sriov_err e;
	char holder[64], text[128];
	int fd;

	(void)state;
	start_holder(&h);
	snprintf(holder, sizeof(holder), "pid %ld (sriovctl apply)", (long)h.pid);
	assert_int_equal(mode_of("run/sriovctl.lock"), 0600);

	sriov_err_clear(&e);
	assert_int_equal(sriov_lock_acquire(root, "apply", 0, NULL, NULL, &e),
			 -EWOULDBLOCK);
	assert_non_null(strstr(e.msg, holder));
	assert_true(e.hint[0] != '\0');

	sriov_err_clear(&e);
	fd = sriov_lock_acquire(root, "apply", 250, on_progress, &log, &e);
	assert_int_equal(fd, -ETIMEDOUT);
	assert_non_null(strstr(e.msg, holder));
	assert_true(log.calls >= 1);
	snprintf(text, sizeof(text), "waiting for %s to finish", holder);
	assert_string_equal(log.first, text);

	end_holder(&h);
	fd = sriov_lock_acquire(root, "restore", 0, NULL, NULL, &e);
	assert_true(fd >= 0);
	snprintf(text, sizeof(text), "%ld restore\n", (long)getpid());
	assert_string_equal(slurp("run/sriovctl.lock"), text);
	sriov_lock_release(fd);
	assert_string_equal(slurp("run/sriovctl.lock"), "");
	sriov_lock_release(-1);
}

static void test_lock_waits(void **state)
{
	struct holder h;
	struct progress_log log = {0};
	struct sriov_err e;
	int fd;

	(void)state;
	start_holder(&h);
	log.h = &h; /* the holder lets go once we are seen waiting */
	sriov_err_clear(&e);
	fd = sriov_lock_acquire(root, "apply", -1, on_progress, &log, &e);
	assert_true(fd >= 0);
	assert_true(log.calls >= 1); /* it did not get it while held */
	sriov_lock_release(fd);
	end_holder(&h);
}

/*
 * A child forked while the lock is held (a bounded sysfs write) keeps it
 * after the parent hands it over; waiters name the child, and the lock is
 * free once the child has exited.
 */
static void test_lock_hand_over(void **state)
{
	struct sriov_err e;
	char want[64];
	pid_t child;
	int fd, status;

	(void)state;
	fd = sriov_lock_acquire(root, "apply", 0, NULL, NULL, NULL);
	assert_true(fd >= 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	sriov_lock_hand_over(fd, child);
	snprintf(want, sizeof(want), "%ld write\n", (long)child);
	assert_string_equal(slurp("run/sriovctl.lock"), want);
	sriov_err_clear(&e);
	assert_int_equal(sriov_lock_acquire(root, "apply", 0, NULL, NULL, &e),
			 -EWOULDBLOCK);
	snprintf(want, sizeof(want), "pid %ld (a sysfs write", (long)child);
	assert_non_null(strstr(e.msg, want));
	assert_int_equal(kill(child, SIGKILL), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	fd = sriov_lock_acquire(root, "apply", 0, NULL, NULL, &e);
	assert_true(fd >= 0);
	sriov_lock_release(fd);
	sriov_lock_hand_over(-1, 1);
}

static void test_lock_bad_command(void **state)
{
	(void)state;
	assert_int_equal(sriov_lock_acquire(root, "apply\n1", 0, NULL, NULL, NULL),
			 -EINVAL);
	assert_int_equal(sriov_lock_acquire(root, NULL, 0, NULL, NULL, NULL), -EINVAL);
	assert_false(exists("run"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_begin_and_steps),
		cmocka_unit_test(test_writer_refuses_invalid),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_netdevsim),
		cmocka_unit_test(test_parse_bad_bytes),
		cmocka_unit_test(test_fuzz),
		T(test_load_missing),
		T(test_save_load),
		T(test_save_refuses_invalid),
		T(test_load_interrupted),
		T(test_load_corrupt),
		T(test_lock_held_by_child),
		T(test_lock_waits),
		T(test_lock_hand_over),
		T(test_lock_bad_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
