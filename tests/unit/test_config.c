// SPDX-License-Identifier: MIT
/*
 * Configuration files: the corpus of good and bad files under
 * tests/data/config (each bad file with its expected first message in
 * NAME.expect: "NAME.conf:LINE:COL: message", compared as a prefix), the
 * shipped example, loading through a root (several files, overrides,
 * conflicts across files, permissions, file types, sizes), the default file
 * list, selectors and indexes, resolution for a host's PFs and VFs, and
 * arbitrary bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <linux/if_ether.h>

#include "sriov/config.h"
#include "tree_util.h"

#define MIN_BAD_CASES 30

static char *data_path(const char *rel)
{
	const char *dir = getenv("SRIOV_TEST_DATA");
	char *path;

	assert_non_null(dir);
	assert_true(asprintf(&path, "%s/config/%s", dir, rel) > 0);
	return path;
}

static char *slurp(const char *path, size_t *len)
{
	struct sriov_err e;
	char *text;

	if (sriov_read_user_file(path, 4 * CFG_MAX_FILE_SIZE, &text, len, &e) < 0)
		fail_msg("%s", e.msg);
	return text;
}

static int parse_string(const char *text, struct sriov_config **c, struct cfg_diags *d,
			struct sriov_err *e)
{
	return sriov_config_parse_text("t.conf", text, strlen(text), c, d, e);
}

/* Parses text that must be valid. */
static struct sriov_config *parse_ok(const char *text)
{
	struct cfg_diags d = {0};
	struct sriov_config *c;
	struct sriov_err e;

	sriov_err_clear(&e);
	if (parse_string(text, &c, &d, &e) < 0)
		fail_msg("unexpected error: %s", e.msg);
	assert_int_equal(d.n, 0);
	cfg_diags_free(&d);
	return c;
}

/* The first problem of text, formatted, must start with want. */
static void expect_first(const char *text, const char *want)
{
	struct cfg_diags d = {0};
	struct sriov_config *c;
	struct sriov_err e;
	char got[600];

	assert_int_equal(parse_string(text, &c, &d, &e), -EINVAL);
	assert_null(c);
	assert_true(d.n > 0);
	cfg_diag_format(&d.items[0], got, sizeof(got));
	if (strncmp(got, want, strlen(want)))
		fail_msg("got '%s'\nwant '%s...'", got, want);
	assert_string_equal(got, e.msg);
	cfg_diags_free(&d);
}

/* ---- the corpus -------------------------------------------------------------- */

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && !strcmp(name + n - s, suffix);
}

/* "NAME:LINE:COL: message" with line and column from 1. */
static bool expect_names_place(const char *want, const char *name)
{
	size_t n = strlen(name);
	unsigned int line, col;
	int end = 0;

	if (strncmp(want, name, n) || want[n] != ':')
		return false;
	if (sscanf(want + n, ":%u:%u: %n", &line, &col, &end) != 2 || !end)
		return false;
	return line > 0 && col > 0 && want[n + (size_t)end] != '\0';
}

/* Checks one bad file against its .expect; returns false (and says why) on a mismatch. */
static bool bad_case_holds(const char *name)
{
	char rel[300], got[600], *path, *text, *want;
	struct cfg_diags d = {0};
	struct sriov_config *c;
	struct sriov_err e;
	size_t len, wlen;
	bool ok;
	int ret;

	snprintf(rel, sizeof(rel), "bad/%s", name);
	path = data_path(rel);
	text = slurp(path, &len);
	free(path);
	snprintf(rel, sizeof(rel), "bad/%.*s.expect", (int)(strlen(name) - 5), name);
	path = data_path(rel);
	want = slurp(path, &wlen);
	free(path);
	want[strcspn(want, "\n")] = '\0';
	if (!expect_names_place(want, name))
		fail_msg("%s.expect: not 'FILE:LINE:COL: message'", name);
	ret = sriov_config_parse_text(name, text, len, &c, &d, &e);
	got[0] = '\0';
	if (d.n)
		cfg_diag_format(&d.items[0], got, sizeof(got));
	ok = ret == -EINVAL && !c && d.n && !strncmp(got, want, strlen(want)) &&
	     !strcmp(got, e.msg);
	if (!ok)
		print_error("%s: returned %d, first problem '%s'\n  expected '%s...'\n",
			    name, ret, got, want);
	sriov_config_free(c);
	cfg_diags_free(&d);
	free(text);
	free(want);
	return ok;
}

static void test_bad_corpus(void **state)
{
	char *dir = data_path("bad");
	struct dirent **ents;
	int n, cases = 0, failed = 0;

	(void)state;
	n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		if (has_suffix(ents[i]->d_name, ".conf")) {
			cases++;
			failed += !bad_case_holds(ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	free(dir);
	if (failed)
		fail_msg("%d of %d bad cases do not hold", failed, cases);
	assert_true(cases >= MIN_BAD_CASES);
}

static void test_good_corpus(void **state)
{
	char *dir = data_path("good");
	struct dirent **ents;
	int n, cases = 0;

	(void)state;
	n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		struct cfg_diags d = {0};
		struct sriov_config *c;
		char rel[300], *path, *text;
		struct sriov_err e;
		size_t len;

		if (has_suffix(name, ".conf")) {
			snprintf(rel, sizeof(rel), "good/%s", name);
			path = data_path(rel);
			text = slurp(path, &len);
			if (sriov_config_parse_text(name, text, len, &c, &d, &e) < 0)
				fail_msg("%s: %s", name, e.msg);
			assert_int_equal(d.n, 0);
			sriov_config_free(c);
			free(text);
			free(path);
			cases++;
		}
		free(ents[i]);
	}
	free(ents);
	free(dir);
	assert_true(cases >= 5);
}

static struct sriov_config *parse_good(const char *name)
{
	char rel[300], *path, *text;
	struct sriov_config *c;
	struct sriov_err e;
	size_t len;

	snprintf(rel, sizeof(rel), "good/%s", name);
	path = data_path(rel);
	text = slurp(path, &len);
	if (sriov_config_parse_text(name, text, len, &c, NULL, &e) < 0)
		fail_msg("%s: %s", name, e.msg);
	free(text);
	free(path);
	return c;
}

static void test_example(void **state)
{
	const char *src = getenv("SRIOV_SOURCE_ROOT");
	struct sriov_config *c;
	struct sriov_err e;
	char *path, *text;
	size_t len;

	(void)state;
	assert_non_null(src);
	assert_true(asprintf(&path, "%s/data/sriovctl.conf.example", src) > 0);
	text = slurp(path, &len);
	if (sriov_config_parse_text("sriovctl.conf.example", text, len, &c, NULL, &e) < 0)
		fail_msg("the shipped example: %s", e.msg);
	assert_int_equal(c->n_pfs, 2);
	assert_int_equal(c->pfs[0].sel.kind, CFG_SEL_ID);
	assert_int_equal(c->pfs[0].num_vfs, 4);
	assert_int_equal(c->pfs[1].sel.kind, CFG_SEL_IFNAME);
	assert_string_equal(c->pfs[1].sel.text, "enp1s0f0");
	assert_int_equal(c->pfs[1].num_vfs, 7);
	assert_int_equal(c->pfs[1].autoprobe, 0);
	assert_string_equal(c->pfs[1].vf.driver, "igbvf");
	assert_true(c->pfs[1].vf.s.mac_auto);
	assert_int_equal(c->pfs[1].pf_up, CFG_PF_UP_AUTO);
	assert_int_equal(c->n_vfs, 2);
	assert_string_equal(c->vfs[0].indexes, "0-1");
	assert_int_equal(c->vfs[0].vf.s.vlan, 100);
	assert_true(c->vfs[0].vf.s.trust);
	assert_string_equal(c->vfs[1].vf.driver, "vfio-pci");
	sriov_config_free(c);
	free(text);
	free(path);
}

static void test_fleet(void **state)
{
	struct sriov_config *c = parse_good("fleet.conf");

	(void)state;
	assert_int_equal(c->n_pfs, 1);
	assert_int_equal(c->pfs[0].sel.kind, CFG_SEL_ID);
	assert_int_equal(c->pfs[0].sel.vendor, 0x8086);
	assert_int_equal(c->pfs[0].sel.device, 0x10c9);
	assert_string_equal(c->pfs[0].sel.text, "8086:10c9");
	assert_string_equal(c->pfs[0].vf.driver, "default");
	assert_int_equal(c->n_vfs, 1);
	assert_true(c->vfs[0].all);
	assert_string_equal(c->vfs[0].indexes, "all");
	assert_true(cfg_vf_section_has(&c->vfs[0], 65534));
	sriov_config_free(c);
}

static void test_comments_layout(void **state)
{
	struct sriov_config *c = parse_good("comments.conf");
	const struct cfg_vf_section *v;

	(void)state;
	assert_int_equal(c->n_pfs, 1);
	assert_string_equal(c->pfs[0].sel.text, "eth0");
	assert_int_equal(c->pfs[0].loc.line, 4);
	assert_int_equal(c->pfs[0].loc.col, 3);
	assert_int_equal(c->pfs[0].num_vfs, 2);
	assert_int_equal(c->pfs[0].num_vfs_loc.line, 5);
	assert_int_equal(c->pfs[0].num_vfs_loc.col, 2);
	assert_int_equal(c->pfs[0].autoprobe, 0);
	assert_int_equal(c->n_vfs, 1);
	v = &c->vfs[0];
	assert_false(v->vf.s.mac_auto);
	assert_int_equal(v->vf.s.mac[5], 0x10);
	assert_int_equal(v->vf.s.vlan_proto, ETH_P_8021AD);
	assert_int_equal(v->vf.s.state, VF_LINK_STATE_DISABLE);
	assert_true(v->vf.s.query_rss);
	sriov_config_free(c);
}

static void test_merged_sections(void **state)
{
	struct sriov_config *c = parse_good("merged.conf");

	(void)state;
	assert_int_equal(c->n_pfs, 1);
	assert_string_equal(c->pfs[0].sel.text, "0000:01:00.0");
	assert_int_equal(c->n_vfs, 2);
	assert_string_equal(c->vfs[0].sel.text, "0000:01:00.0");
	assert_string_equal(c->vfs[0].indexes, "0-2");
	assert_int_equal(c->vfs[0].loc.line, 3);
	assert_int_equal(c->vfs[0].vf.s.vlan, 10);
	assert_int_equal(c->vfs[0].vf.s.qos, 2);
	assert_int_equal(c->vfs[0].vf.loc[VF_KEY_QOS].line, 10);
	assert_string_equal(c->vfs[1].indexes, "1");
	sriov_config_free(c);
}

static void test_every_problem_sorted(void **state)
{
	/* found in three passes, reported in file order */
	const char *text = "[vf eth0 0-3]\n"
			   "vlan = 100\n"
			   "[vf eth0 3]\n"
			   "vlan = 200\n"
			   "qos = 9\n"
			   "num_vfs 4\n"
			   "[pf eth0]\n"
			   "mac = 02:00:00:00:00:01\n";
	struct cfg_diags d = {0};
	struct sriov_config *c;
	struct sriov_err e;

	(void)state;
	assert_int_equal(parse_string(text, &c, &d, &e), -EINVAL);
	assert_int_equal(d.n, 4);
	assert_int_equal(d.items[0].loc.line, 4); /* the conflict */
	assert_int_equal(d.items[1].loc.line, 5); /* qos */
	assert_int_equal(d.items[2].loc.line, 6); /* syntax */
	assert_int_equal(d.items[3].loc.line, 8); /* mac */
	assert_non_null(strstr(d.items[0].msg, "t.conf:2"));
	assert_non_null(strstr(e.msg, "t.conf:4:1: vlan = 200 conflicts"));
	assert_true(e.hint[0] != '\0');
	cfg_diags_free(&d);
}

static void test_many_problems_bounded(void **state)
{
	char *text = malloc(500 * 16 + 16);
	struct cfg_diags d = {0};
	struct sriov_config *c;
	size_t len = 0;

	(void)state;
	len += (size_t)sprintf(text + len, "[pf eth0]\n");
	for (int i = 0; i < 500; i++)
		len += (size_t)sprintf(text + len, "bad line %d\n", i);
	assert_int_equal(sriov_config_parse_text("t.conf", text, len, &c, &d, NULL),
			 -EINVAL);
	assert_int_equal(d.n, 101);
	assert_int_equal(d.items[99].loc.line, 101);
	assert_non_null(strstr(d.items[100].msg, "not shown"));
	cfg_diags_free(&d);
	free(text);
}

static void test_line_length_limit(void **state)
{
	char line[300], want[300], value[200];
	size_t n;

	(void)state;
	/* 198 bytes: the longest line inih holds, its value reaches the check whole */
	memset(value, 'a', 198 - 12);
	value[198 - 12] = '\0';
	n = (size_t)snprintf(line, sizeof(line), "[pf eth0]\nvf_driver = %s", value);
	assert_int_equal(n, 10 + 198);
	snprintf(want, sizeof(want), "t.conf:2:13: vf_driver: '%s' is not a driver name",
		 value);
	expect_first(line, want);
	strcat(line, "a");
	expect_first(line, "t.conf:2:199: line longer than 198 bytes (199 bytes)");
}

static void test_diag_format(void **state)
{
	struct cfg_diag d = {.loc = {"/etc/sriovctl.conf", 3, 7}, .msg = "bad"};
	char buf[400];

	(void)state;
	cfg_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "/etc/sriovctl.conf:3:7: bad");
	d.loc.col = 0;
	cfg_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "/etc/sriovctl.conf:3: bad");
	d.loc.line = 0;
	cfg_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "/etc/sriovctl.conf: bad");
}

static void test_control_bytes_not_echoed(void **state)
{
	struct cfg_diags d = {0};
	struct sriov_config *c;
	const char text[] = "[pf eth0]\nnum_vfs = \x1b[31m4\n";

	(void)state;
	assert_int_equal(parse_string(text, &c, &d, NULL), -EINVAL);
	assert_int_equal(d.n, 1);
	assert_null(strchr(d.items[0].msg, '\x1b'));
	assert_non_null(strstr(d.items[0].msg, "'?[31m4'"));
	cfg_diags_free(&d);
}

/* ---- selectors and indexes ------------------------------------------------------ */

static void test_selectors(void **state)
{
	static const struct {
		const char *text;
		int kind; /* -1: invalid */
		const char *norm;
	} cases[] = {
		{"eth0", CFG_SEL_IFNAME, "eth0"},
		{"enp7s0f0np0", CFG_SEL_IFNAME, "enp7s0f0np0"},
		{"0000:01:00.0", CFG_SEL_ADDR, "0000:01:00.0"},
		{"01:00.1", CFG_SEL_ADDR, "0000:01:00.1"},
		{"0001:AF:1f.7", CFG_SEL_ADDR, "0001:af:1f.7"},
		{"8086:10C9", CFG_SEL_ID, "8086:10c9"},
		{"15b3:1017", CFG_SEL_ID, "15b3:1017"},
		{"", -1, NULL},
		{"..", -1, NULL},
		{"a/b", -1, NULL},
		{"abcdefghijklmnop", -1, NULL}, /* 16 bytes */
		{"01:00.8", -1, NULL},
		{"8086:10c9a", -1, NULL},
		{"808g:10c9", -1, NULL},
		{"eth0:1", -1, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfg_selector sel;
		struct sriov_err e;
		int ret = cfg_selector_parse(cases[i].text, &sel, &e);

		if (cases[i].kind < 0) {
			if (ret != -EINVAL)
				fail_msg("'%s' accepted", cases[i].text);
			assert_non_null(strstr(e.msg, "8086:10c9"));
			continue;
		}
		if (ret < 0)
			fail_msg("'%s': %s", cases[i].text, e.msg);
		assert_int_equal(sel.kind, cases[i].kind);
		assert_string_equal(sel.text, cases[i].norm);
	}
}

static void test_selector_matches(void **state)
{
	const char *names[] = {"eth0", "eth0v"};
	struct cfg_pf_id id = {.addr = {0, 1, 0, 0},
			       .vendor = 0x8086,
			       .device = 0x10c9,
			       .ifnames = names,
			       .n_ifnames = 2};
	struct cfg_selector sel;

	(void)state;
	assert_int_equal(cfg_selector_parse("eth0v", &sel, NULL), 0);
	assert_true(cfg_selector_matches(&sel, &id));
	assert_int_equal(cfg_selector_parse("eth1", &sel, NULL), 0);
	assert_false(cfg_selector_matches(&sel, &id));
	assert_int_equal(cfg_selector_parse("01:00.0", &sel, NULL), 0);
	assert_true(cfg_selector_matches(&sel, &id));
	assert_int_equal(cfg_selector_parse("0001:01:00.0", &sel, NULL), 0);
	assert_false(cfg_selector_matches(&sel, &id));
	assert_int_equal(cfg_selector_parse("8086:10c9", &sel, NULL), 0);
	assert_true(cfg_selector_matches(&sel, &id));
	assert_int_equal(cfg_selector_parse("8086:10ca", &sel, NULL), 0);
	assert_false(cfg_selector_matches(&sel, &id));
}

static void test_indexes(void **state)
{
	struct sriov_config *c = parse_ok(
		"[vf eth0 5-7,0,2,6-9,3]\ntrust = on\n[vf eth0 0007]\nqos = 1\n");
	const struct cfg_vf_section *v = &c->vfs[0];

	(void)state;
	assert_string_equal(v->indexes, "0,2-3,5-9");
	assert_int_equal(v->n_ranges, 3);
	assert_int_equal(v->ranges[1].lo, 2);
	assert_int_equal(v->ranges[1].hi, 3);
	assert_false(v->all);
	assert_true(cfg_vf_section_has(v, 0));
	assert_false(cfg_vf_section_has(v, 1));
	assert_true(cfg_vf_section_has(v, 3));
	assert_false(cfg_vf_section_has(v, 4));
	assert_true(cfg_vf_section_has(v, 9));
	assert_false(cfg_vf_section_has(v, 10));
	assert_string_equal(c->vfs[1].indexes, "7");
	sriov_config_free(c);
}

static void test_indexes_limits(void **state)
{
	char text[200] = "[vf eth0 ";

	(void)state;
	/* 33 separate indexes: one range too many */
	for (int i = 0; i < 33; i++)
		sprintf(text + strlen(text), "%s%d", i ? "," : "", 2 * i);
	strcat(text, "]\nvlan = 1\n");
	expect_first(text, "t.conf:1:10: VF indexes '0,2,4,");
	/* 13 indexes of 4 digits: 64 characters, one too many */
	expect_first("[vf eth0 0-65534]\nvlan = 1\n[vf eth0 1000,1002,1004,1006,1008,"
		     "1010,1012,1014,1016,1018,1020,1022,1024]\nvlan = 1\n",
		     "t.conf:3:10: VF indexes '1000,1002,1004,1006,1008,1010,1012,1014,"
		     "1016,1018,1020,1022,1024': longer than 63 characters once merged");
}

/* ---- files in a root ------------------------------------------------------------- */

static void write_conf(const char *root, const char *rel, const char *text)
{
	char path[TREE_PATH_MAX];

	tree_write(root, rel, text, strlen(text));
	tree_path(root, rel, path);
	assert_int_equal(chmod(path, 0644), 0);
}

static int load_files(const char *root, const char *const *files, size_t n,
		      struct sriov_config **c, struct cfg_diags *d, struct sriov_err *e)
{
	struct sriov_root *r;
	int ret;

	assert_int_equal(sriov_root_open(root, &r, NULL), 0);
	ret = sriov_config_load(r, files, n, c, d, e);
	sriov_root_close(r);
	return ret;
}

/* Loads the default files of root. */
static int load_defaults(const char *root, struct sriov_config **c, struct cfg_diags *d,
			 struct sriov_err *e)
{
	const char **names;
	char(*files)[256];
	struct sriov_root *r;
	size_t n;
	int ret;

	assert_int_equal(sriov_root_open(root, &r, NULL), 0);
	assert_int_equal(cfg_default_files(r, &files, &n, NULL), 0);
	names = calloc(n + 1, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = files[i];
	ret = sriov_config_load(r, names, n, c, d, e);
	free(names);
	free(files);
	sriov_root_close(r);
	return ret;
}

static void test_default_files(void **state)
{
	char root[TREE_PATH_MAX], path[TREE_PATH_MAX];
	struct sriov_root *r;
	char(*files)[256];
	size_t n;

	(void)state;
	tree_new(root);
	assert_int_equal(sriov_root_open(root, &r, NULL), 0);
	assert_int_equal(cfg_default_files(r, &files, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(files);
	write_conf(root, "etc/sriovctl.d/20-b.conf", "");
	write_conf(root, "etc/sriovctl.d/10-a.conf", "");
	write_conf(root, "etc/sriovctl.d/9-c.conf", "");
	write_conf(root, "etc/sriovctl.d/.hidden.conf", "");
	write_conf(root, "etc/sriovctl.d/30-d.conf~", "");
	write_conf(root, "etc/sriovctl.d/40-e.conf.dpkg-old", "");
	write_conf(root, "etc/sriovctl.d/notes.txt", "");
	tree_mkdir(root, "etc/sriovctl.d/50-dir.conf");
	tree_symlink(root, "etc/sriovctl.d/60-link.conf", "10-a.conf");
	tree_path(root, "etc/sriovctl.d/70-fifo.conf", path);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(cfg_default_files(r, &files, &n, NULL), 0);
	assert_int_equal(n, 4);
	assert_string_equal(files[0], "/etc/sriovctl.d/10-a.conf");
	assert_string_equal(files[1], "/etc/sriovctl.d/20-b.conf");
	assert_string_equal(files[2], "/etc/sriovctl.d/60-link.conf");
	assert_string_equal(files[3], "/etc/sriovctl.d/9-c.conf");
	free(files);
	write_conf(root, "etc/sriovctl.conf", "");
	assert_int_equal(cfg_default_files(r, &files, &n, NULL), 0);
	assert_int_equal(n, 5);
	assert_string_equal(files[0], "/etc/sriovctl.conf");
	assert_string_equal(files[1], "/etc/sriovctl.d/10-a.conf");
	free(files);
	sriov_root_close(r);
	tree_remove(root);
}

static void test_later_file_overrides(void **state)
{
	char root[TREE_PATH_MAX];
	struct cfg_diags d = {0};
	struct sriov_config *c;
	struct sriov_err e;

	(void)state;
	tree_new(root);
	write_conf(root, "etc/sriovctl.conf",
		   "[pf eth0]\nnum_vfs = 4\nautoprobe = yes\n[vf eth0 0-1]\nvlan = 5\n");
	write_conf(root, "etc/sriovctl.d/20-late.conf",
		   "# host-specific\n[pf eth0]\nnum_vfs = 8\n[vf eth0 0-1]\nvlan = 6\n");
	write_conf(root, "etc/sriovctl.d/10-early.conf", "[pf eth0]\nnum_vfs = 6\n");
	if (load_defaults(root, &c, &d, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(d.n, 0);
	assert_int_equal(c->n_files, 3);
	assert_string_equal(c->files[1], "/etc/sriovctl.d/10-early.conf");
	assert_int_equal(c->n_pfs, 1);
	assert_int_equal(c->pfs[0].num_vfs, 8);
	assert_string_equal(c->pfs[0].num_vfs_loc.file, "/etc/sriovctl.d/20-late.conf");
	assert_int_equal(c->pfs[0].num_vfs_loc.line, 3);
	assert_int_equal(c->pfs[0].autoprobe, 1);
	assert_string_equal(c->pfs[0].autoprobe_loc.file, "/etc/sriovctl.conf");
	assert_string_equal(c->pfs[0].loc.file, "/etc/sriovctl.conf");
	assert_int_equal(c->n_vfs, 1);
	assert_int_equal(c->vfs[0].vf.s.vlan, 6);
	sriov_config_free(c);
	cfg_diags_free(&d);
	tree_remove(root);
}

static void test_conflict_across_files(void **state)
{
	const char *files[] = {"/etc/a.conf", "/etc/b.conf"};
	char root[TREE_PATH_MAX];
	struct cfg_diags d = {0};
	struct sriov_config *c;
	struct sriov_err e;
	char got[600];

	(void)state;
	tree_new(root);
	write_conf(root, "etc/a.conf", "[vf eth0 0-3]\nvlan = 100\n");
	write_conf(root, "etc/b.conf", "\n[vf eth0 3,7]\n  vlan = 200\n");
	assert_int_equal(load_files(root, files, 2, &c, &d, &e), -EINVAL);
	assert_null(c);
	assert_int_equal(d.n, 1);
	cfg_diag_format(&d.items[0], got, sizeof(got));
	assert_string_equal(got,
			    "/etc/b.conf:3:3: vlan = 200 conflicts with vlan = 100 at "
			    "/etc/a.conf:2: [vf eth0 3,7] and [vf eth0 0-3] both "
			    "hold VF 3");
	assert_string_equal(e.msg, got);
	cfg_diags_free(&d);
	tree_remove(root);
}

static void expect_file_problem(const char *root, const char *file, int code,
				const char *want)
{
	struct cfg_diags d = {0};
	struct sriov_config *c;
	struct sriov_err e;
	char got[600];

	assert_int_equal(load_files(root, &file, 1, &c, &d, &e), code);
	assert_null(c);
	assert_true(d.n >= 1);
	cfg_diag_format(&d.items[0], got, sizeof(got));
	if (strcmp(got, want))
		fail_msg("got '%s'\nwant '%s'", got, want);
	cfg_diags_free(&d);
}

static void test_permissions(void **state)
{
	char root[TREE_PATH_MAX], path[TREE_PATH_MAX];

	(void)state;
	tree_new(root);
	write_conf(root, "etc/sriovctl.conf", "[pf eth0]\nnum_vfs = 2\n");
	tree_path(root, "etc/sriovctl.conf", path);
	assert_int_equal(chmod(path, 0666), 0);
	expect_file_problem(
		root, "/etc/sriovctl.conf", -EINVAL,
		"/etc/sriovctl.conf: writable by other users (world-writable, "
		"mode 0666): chmod go-w /etc/sriovctl.conf");
	assert_int_equal(chmod(path, 0664), 0);
	expect_file_problem(
		root, "/etc/sriovctl.conf", -EINVAL,
		"/etc/sriovctl.conf: writable by other users (group-writable, "
		"mode 0664): chmod go-w /etc/sriovctl.conf");
	assert_int_equal(chmod(path, 0600), 0);
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 4242, 0), 0);
		expect_file_problem(root, "/etc/sriovctl.conf", -EINVAL,
				    "/etc/sriovctl.conf: owned by uid 4242, neither root "
				    "nor you, who can change it: chown root "
				    "/etc/sriovctl.conf");
	}
	tree_remove(root);
}

static void test_permission_and_content_problems(void **state)
{
	char root[TREE_PATH_MAX], path[TREE_PATH_MAX];
	struct cfg_diags d = {0};
	const char *file = "/etc/x.conf";
	struct sriov_config *c;

	(void)state;
	tree_new(root);
	write_conf(root, "etc/x.conf", "[pf eth0]\nnum_vfs = lots\n");
	tree_path(root, "etc/x.conf", path);
	assert_int_equal(chmod(path, 0646), 0);
	assert_int_equal(load_files(root, &file, 1, &c, &d, NULL), -EINVAL);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.items[0].loc.line, 0);
	assert_int_equal(d.items[1].loc.line, 2);
	cfg_diags_free(&d);
	tree_remove(root);
}

static void test_not_regular_files(void **state)
{
	char root[TREE_PATH_MAX], path[TREE_PATH_MAX];

	(void)state;
	tree_new(root);
	tree_mkdir(root, "etc/dir.conf");
	expect_file_problem(root, "/etc/dir.conf", -EINVAL,
			    "/etc/dir.conf: a directory, not a configuration file");
	tree_path(root, "etc/fifo.conf", path);
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_file_problem(root, "/etc/fifo.conf", -EINVAL,
			    "/etc/fifo.conf: a FIFO, not a configuration file");
	expect_file_problem(root, "/etc/none.conf", -ENOENT,
			    "/etc/none.conf: No such file or directory");
	expect_file_problem(root, "etc/dir.conf", -EINVAL,
			    "etc/dir.conf: not an absolute path (configuration files are "
			    "named by their path from the root directory, e.g. "
			    "/etc/sriovctl.conf)");
	tree_remove(root);
}

static void test_missing_file_and_other_problems(void **state)
{
	const char *files[] = {"/etc/bad.conf", "/etc/none.conf"};
	char root[TREE_PATH_MAX];
	struct cfg_diags d = {0};
	struct sriov_config *c;
	struct sriov_err e;

	(void)state;
	tree_new(root);
	write_conf(root, "etc/bad.conf", "[pf eth0]\nvlan = 9999\n");
	assert_int_equal(load_files(root, files, 2, &c, &d, &e), -ENOENT);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.items[0].loc.file, "/etc/bad.conf");
	assert_string_equal(d.items[1].loc.file, "/etc/none.conf");
	assert_string_equal(e.msg, "/etc/none.conf: No such file or directory");
	cfg_diags_free(&d);
	tree_remove(root);
}

/* A file of exactly CFG_MAX_FILE_SIZE bytes is read; one byte more is refused. */
static void test_file_size_limit(void **state)
{
	const char *file = "/etc/big.conf";
	char root[TREE_PATH_MAX];
	struct sriov_config *c;
	struct sriov_err e;
	char *text = malloc(CFG_MAX_FILE_SIZE + 2);
	size_t len;

	(void)state;
	tree_new(root);
	len = (size_t)sprintf(text, "[pf eth0]\nnum_vfs = 1\n");
	while (len + 100 <= CFG_MAX_FILE_SIZE) {
		memset(text + len, '#', 99);
		text[len + 99] = '\n';
		len += 100;
	}
	memset(text + len, ';', CFG_MAX_FILE_SIZE - len);
	text[CFG_MAX_FILE_SIZE] = '\0';
	write_conf(root, "etc/big.conf", text);
	if (load_files(root, &file, 1, &c, NULL, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(c->pfs[0].num_vfs, 1);
	sriov_config_free(c);
	strcat(text, "\n");
	write_conf(root, "etc/big.conf", text);
	expect_file_problem(root, file, -EFBIG,
			    "/etc/big.conf: larger than 1048576 bytes; is this a "
			    "configuration file?");
	free(text);
	tree_remove(root);
}

/* ---- resolution for a host ----------------------------------------------------------
 */

static const char *const eth0_names[] = {"eth0"};
static const struct cfg_pf_id eth0 = {
	.addr = {0, 1, 0, 0},
	.vendor = 0x8086,
	.device = 0x10c9,
	.ifnames = eth0_names,
	.n_ifnames = 1,
};

static void test_resolve_pf(void **state)
{
	struct sriov_config *c = parse_ok("[pf 8086:10c9]\nnum_vfs = 4\nautoprobe = yes\n"
					  "trust = on\n"
					  "[pf eth0]\nnum_vfs = 8\nvlan = 3\n"
					  "[pf 15b3:1017]\nnum_vfs = 2\n");
	const char *other_names[] = {"eth5"};
	struct cfg_pf_id other = {{0, 2, 0, 0}, 0x8086, 0x10c9, other_names, 1};
	struct cfg_pf_id intel_x = {{0, 3, 0, 0}, 0x8086, 0x1572, NULL, 0};
	struct cfg_diags d = {0};
	struct cfg_pf_section pf;
	bool matched;

	(void)state;
	assert_int_equal(cfg_resolve_pf(c, &eth0, &pf, &matched, &d), 0);
	assert_true(matched);
	assert_string_equal(pf.sel.text, "eth0");
	assert_int_equal(pf.num_vfs, 8);
	assert_int_equal(pf.num_vfs_loc.line, 6);
	assert_int_equal(pf.autoprobe, 1);
	assert_int_equal(pf.autoprobe_loc.line, 3);
	assert_true(pf.vf.s.trust);
	assert_int_equal(pf.vf.s.vlan, 3);
	assert_int_equal(pf.pf_up, CFG_PF_UP_UNSET);

	assert_int_equal(cfg_resolve_pf(c, &other, &pf, &matched, &d), 0);
	assert_true(matched);
	assert_string_equal(pf.sel.text, "8086:10c9");
	assert_int_equal(pf.num_vfs, 4);
	assert_false(vf_settings_has(&pf.vf.s, VF_KEY_VLAN));

	assert_int_equal(cfg_resolve_pf(c, &intel_x, &pf, &matched, &d), 0);
	assert_false(matched);
	assert_int_equal(pf.num_vfs, -1);
	assert_int_equal(pf.autoprobe, -1);
	assert_int_equal(pf.vf.s.given, 0);
	assert_int_equal(pf.loc.line, 0);
	assert_int_equal(d.n, 0);
	sriov_config_free(c);
}

static void test_resolve_pf_disagreement(void **state)
{
	struct sriov_config *c = parse_ok("[pf eth0]\nnum_vfs = 8\nautoprobe = no\n"
					  "[pf 01:00.0]\nnum_vfs = 4\nautoprobe = off\n");
	struct cfg_diags d = {0};
	struct cfg_pf_section pf;
	bool matched;
	char got[600];

	(void)state;
	assert_int_equal(cfg_resolve_pf(c, &eth0, &pf, &matched, &d), -EINVAL);
	assert_int_equal(d.n, 1); /* autoprobe agrees */
	cfg_diag_format(&d.items[0], got, sizeof(got));
	assert_string_equal(got,
			    "t.conf:5:1: num_vfs = 4 conflicts with num_vfs = 8 at "
			    "t.conf:2: [pf 0000:01:00.0] and [pf eth0] name the same "
			    "PF");
	cfg_diags_free(&d);
	sriov_config_free(c);
}

static void test_resolve_vf(void **state)
{
	struct sriov_config *c = parse_ok("[pf eth0]\nvf_driver = igbvf\ntrust = on\n"
					  "vlan = 5\nmac = auto\n"
					  "[vf 8086:10c9 all]\nvlan = 7\n"
					  "[vf eth0 1]\nvlan = 9\ndriver = vfio-pci\n"
					  "mac = 02:00:00:00:00:01\n");
	struct cfg_vf_settings vf;
	struct cfg_diags d = {0};
	struct cfg_pf_section pf;
	bool matched;

	(void)state;
	assert_int_equal(cfg_resolve_pf(c, &eth0, &pf, &matched, &d), 0);
	assert_int_equal(cfg_resolve_vf(c, &eth0, &pf, 0, &vf, &d), 0);
	assert_int_equal(vf.s.vlan, 7);
	assert_int_equal(vf.loc[VF_KEY_VLAN].line, 7);
	assert_true(vf.s.trust);
	assert_true(vf.s.mac_auto);
	assert_string_equal(vf.driver, "igbvf");
	assert_int_equal(vf.driver_loc.line, 2);

	assert_int_equal(cfg_resolve_vf(c, &eth0, &pf, 1, &vf, &d), 0);
	assert_int_equal(vf.s.vlan, 9);
	assert_false(vf.s.mac_auto);
	assert_int_equal(vf.s.mac[5], 1);
	assert_string_equal(vf.driver, "vfio-pci");
	assert_true(vf.s.trust);

	assert_int_equal(cfg_resolve_vf(c, &eth0, NULL, 2, &vf, &d), 0);
	assert_int_equal(vf.s.given, 1u << VF_KEY_VLAN);
	assert_string_equal(vf.driver, "");
	assert_int_equal(d.n, 0);
	sriov_config_free(c);
}

static void test_resolve_vf_disagreement(void **state)
{
	struct sriov_config *c = parse_ok("[vf eth0 1]\nvlan = 9\n"
					  "[vf 0000:01:00.0 0-3]\nvlan = 10\nqos = 1\n");
	struct cfg_vf_settings vf;
	struct cfg_diags d = {0};

	(void)state;
	assert_int_equal(cfg_resolve_vf(c, &eth0, NULL, 1, &vf, &d), -EINVAL);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.items[0].loc.line, 4);
	assert_non_null(strstr(d.items[0].msg, "vlan = 10 conflicts with vlan = 9 at "
					       "t.conf:2"));
	assert_non_null(strstr(d.items[0].msg, "hold the same VF"));
	assert_int_equal(cfg_resolve_vf(c, &eth0, NULL, 2, &vf, &d), 0);
	assert_int_equal(vf.s.vlan, 10);
	assert_int_equal(d.n, 1);
	cfg_diags_free(&d);
	sriov_config_free(c);
}

static void test_resolve_rates_across_sections(void **state)
{
	struct sriov_config *c = parse_ok("[pf 8086:10c9]\nmin_tx_rate = 500\n"
					  "[vf eth0 1]\nmax_tx_rate = 100\n");
	struct cfg_vf_settings vf;
	struct cfg_diags d = {0};
	struct cfg_pf_section pf;
	bool matched;

	(void)state;
	assert_int_equal(cfg_resolve_pf(c, &eth0, &pf, &matched, &d), 0);
	assert_int_equal(cfg_resolve_vf(c, &eth0, &pf, 0, &vf, &d), 0);
	assert_int_equal(cfg_resolve_vf(c, &eth0, &pf, 1, &vf, &d), -EINVAL);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].msg,
			    "min_tx_rate 500 (t.conf:2) is above max_tx_rate 100 "
			    "(t.conf:4) for VF 1 (Mbit/s; max_tx_rate 0 means no limit)");
	cfg_diags_free(&d);
	sriov_config_free(c);
}

/* ---- arbitrary bytes -------------------------------------------------------------- */

static uint64_t rng_state = 0x5eed5eed12345678ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const char *const fuzz_tokens[] = {
	"[",	"]",	     "[pf ",	"[vf ", "eth0", " 0-3",	 "all",		 "=",
	";",	"#",	     "\n",	"\r\n", " ",	"\t",	 "mac",		 "vlan",
	"auto", "8086:10c9", "01:00.0", ",",	"-",	"65535", "\xef\xbb\xbf", "\0",
	"\xff", "num_vfs",   "driver",	"x",
};

/* Mutates buf (len bytes, room for cap) in place; returns the new length. */
static size_t mutate(char *buf, size_t len, size_t cap)
{
	size_t at = len ? (size_t)(rng() % len) : 0;
	const char *tok =
		fuzz_tokens[rng() % (sizeof(fuzz_tokens) / sizeof(*fuzz_tokens))];
	size_t tlen = tok[0] ? strlen(tok) : 1;

	switch (rng() % 4) {
	case 0: /* flip a byte */
		if (len)
			buf[at] = (char)rng();
		return len;
	case 1: /* cut */
		return at;
	case 2: /* drop a run */
		if (len) {
			size_t n = (size_t)(rng() % (len - at)) + 1;

			memmove(buf + at, buf + at + n, len - at - n);
			return len - n;
		}
		return len;
	default: /* insert a token */
		if (len + tlen > cap)
			return len;
		memmove(buf + at + tlen, buf + at, len - at);
		memcpy(buf + at, tok, tlen);
		return len + tlen;
	}
}

static void parse_any(const char *buf, size_t len)
{
	struct cfg_diags d = {0};
	struct sriov_config *c;
	struct sriov_err e;
	int ret;

	sriov_err_clear(&e);
	ret = sriov_config_parse_text("f.conf", buf, len, &c, &d, &e);
	if (ret == 0) {
		assert_non_null(c);
		assert_int_equal(d.n, 0);
	} else {
		assert_int_equal(ret, -EINVAL);
		assert_null(c);
		assert_true(d.n > 0 && d.n <= 101);
		assert_true(e.msg[0] != '\0');
	}
	sriov_config_free(c);
	cfg_diags_free(&d);
}

static void test_arbitrary_bytes(void **state)
{
	struct sriov_config *seed_cfg = parse_good("all-keys.conf");
	char *seed, *path = data_path("good/all-keys.conf");
	size_t seed_len, cap = 8192;
	char *buf = malloc(cap);

	(void)state;
	sriov_config_free(seed_cfg);
	seed = slurp(path, &seed_len);
	for (int i = 0; i < 2000; i++) {
		size_t len = seed_len;

		memcpy(buf, seed, seed_len);
		for (int m = (int)(rng() % 8) + 1; m > 0; m--)
			len = mutate(buf, len, cap);
		parse_any(buf, len);
	}
	for (int i = 0; i < 1000; i++) {
		size_t len = (size_t)(rng() % 600);

		for (size_t j = 0; j < len; j++)
			buf[j] = rng() % 4 ? fuzz_tokens[rng() % 20][0] : (char)rng();
		parse_any(buf, len);
	}
	free(buf);
	free(seed);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_corpus),
		cmocka_unit_test(test_good_corpus),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_fleet),
		cmocka_unit_test(test_comments_layout),
		cmocka_unit_test(test_merged_sections),
		cmocka_unit_test(test_every_problem_sorted),
		cmocka_unit_test(test_many_problems_bounded),
		cmocka_unit_test(test_line_length_limit),
		cmocka_unit_test(test_diag_format),
		cmocka_unit_test(test_control_bytes_not_echoed),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_selector_matches),
		cmocka_unit_test(test_indexes),
		cmocka_unit_test(test_indexes_limits),
		cmocka_unit_test(test_default_files),
		cmocka_unit_test(test_later_file_overrides),
		cmocka_unit_test(test_conflict_across_files),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_permission_and_content_problems),
		cmocka_unit_test(test_not_regular_files),
		cmocka_unit_test(test_missing_file_and_other_problems),
		cmocka_unit_test(test_file_size_limit),
		cmocka_unit_test(test_resolve_pf),
		cmocka_unit_test(test_resolve_pf_disagreement),
		cmocka_unit_test(test_resolve_vf),
		cmocka_unit_test(test_resolve_vf_disagreement),
		cmocka_unit_test(test_resolve_rates_across_sections),
		cmocka_unit_test(test_arbitrary_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
