// SPDX-License-Identifier: MIT
/*
 * vf_reset_plan(), vf_reset_value() and a dry sriov_vf_reset() on tree_util's
 * igb tree (PF 0000:01:00.0 eth0, 2 VFs; the rtnetlink answer recorded: VF0
 * mac ..:00 vlan 100 qos 3 rate 0/1000 spoofchk on trust off, rss_query not
 * reported; VF1 mac ..:01 vlan 200 802.1ad rate 10/500 spoofchk off link
 * disable rss_query off trust on; VF0 on igbvf, VF1 on vfio-pci, group 10).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "sriov.h"
#include "tree_util.h"

static char tree[TREE_PATH_MAX];

#define PF  "0000:01:00.0"
#define VF0 "0000:01:10.0"
#define VF1 "0000:01:10.2"

struct fixture {
	struct sriov_root *root;
	struct inventory inv;
	struct sriov_config *cfg;
	struct cfg_diags diags;
	struct plan plan;
	struct sriov_err err;
};

static void fixture_open(struct fixture *f, const char *conf)
{
	memset(f, 0, sizeof(*f));
	tree_write_igb_rtnl(tree);
	assert_int_equal(sriov_root_open(tree, &f->root, &f->err), 0);
	assert_int_equal(sriov_inventory_read(f->root,
					      INV_USERS | INV_NO_NETLINK | INV_NO_NAMES,
					      &f->inv, &f->err),
			 0);
	if (conf)
		assert_int_equal(sriov_config_parse_text("t.conf", conf, strlen(conf),
							 &f->cfg, &f->diags, &f->err),
				 0);
}

static int plan_of(struct fixture *f, const char *conf, const char *indexes)
{
	fixture_open(f, conf);
	return vf_reset_plan(f->root, NULL, f->cfg, &f->inv, PF, indexes, &f->plan,
			     &f->err);
}

static void fixture_free(struct fixture *f)
{
	plan_free(&f->plan);
	cfg_diags_free(&f->diags);
	sriov_config_free(f->cfg);
	sriov_inventory_free(&f->inv);
	sriov_root_close(f->root);
}

/* The step for (vf, key name), or NULL. */
static const struct plan_step *find(const struct fixture *f, int vf, const char *key)
{
	for (size_t i = 0; i < f->plan.n; i++)
		if (f->plan.steps[i].vf == vf &&
		    !strcmp(plan_step_key(&f->plan.steps[i]), key))
			return &f->plan.steps[i];
	return NULL;
}

static void assert_step(const struct fixture *f, int vf, const char *key, const char *old,
			const char *new)
{
	const struct plan_step *s = find(f, vf, key);

	if (!s)
		fail_msg("no step for VF %d %s", vf, key);
	assert_string_equal(s->old_value, old);
	assert_string_equal(s->new_value, new);
	assert_string_equal(s->target, vf ? VF1 : VF0);
	assert_int_equal(s->status, PLAN_PENDING);
}

static void test_clean_values_from_the_table(void **state)
{
	struct vf_settings conf = {0};
	uint8_t auto_mac[6] = {0x02, 1, 2, 3, 4, 5};
	struct vf_value v;
	char list[600];

	(void)state;
	assert_true(vf_reset_value(VF_KEY_MAC, NULL, NULL, &v));
	assert_memory_equal(v.mac, "\0\0\0\0\0\0", 6);
	assert_true(vf_reset_value(VF_KEY_VLAN, NULL, NULL, &v));
	assert_int_equal(v.u, 0);
	assert_true(vf_reset_value(VF_KEY_PROTO, NULL, NULL, &v));
	assert_int_equal(v.u, 0x8100);
	assert_true(vf_reset_value(VF_KEY_SPOOFCHK, NULL, NULL, &v));
	assert_int_equal(v.u, 1);
	assert_true(vf_reset_value(VF_KEY_TRUST, NULL, NULL, &v));
	assert_int_equal(v.u, 0);
	/* every row states what reset does with it */
	for (int k = 0; k < VF_KEY_COUNT; k++)
		assert_int_not_equal(vf_setting_of((enum vf_key)k)->reset, VF_RESET_NONE);
	/* the MAC: the configured one, "auto" derived; other keys ignore it */
	assert_int_equal(vf_settings_add(&conf, "mac", "auto", NULL), 0);
	assert_int_equal(vf_settings_add(&conf, "vlan", "7", NULL), 0);
	assert_true(vf_reset_value(VF_KEY_MAC, &conf, auto_mac, &v));
	assert_memory_equal(v.mac, auto_mac, 6);
	assert_true(vf_reset_value(VF_KEY_VLAN, &conf, auto_mac, &v));
	assert_int_equal(v.u, 0);
	vf_reset_list(list, sizeof(list));
	assert_non_null(strstr(list, "mac the configured one, else 00:00:00:00:00:00"));
	assert_non_null(strstr(list, "; vlan 0; qos 0; proto 802.1Q;"));
	assert_non_null(
		strstr(list, "spoofchk on; trust off; state auto; query_rss off"));
}

static void test_plan_every_vf(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(plan_of(&f, NULL, "all"), 0);
	assert_step(&f, 0, "mac", "02:11:22:33:44:00", "00:00:00:00:00:00");
	assert_step(&f, 0, "vlan", "100", "0");
	assert_step(&f, 0, "qos", "3", "0");
	assert_step(&f, 0, "max_tx_rate", "1000", "0");
	assert_step(&f, 1, "mac", "02:11:22:33:44:01", "00:00:00:00:00:00");
	assert_step(&f, 1, "vlan", "200", "0");
	assert_step(&f, 1, "proto", "802.1ad", "802.1Q");
	assert_step(&f, 1, "min_tx_rate", "10", "0");
	assert_step(&f, 1, "max_tx_rate", "500", "0");
	assert_step(&f, 1, "spoofchk", "off", "on");
	assert_step(&f, 1, "trust", "on", "off");
	assert_step(&f, 1, "state", "disable", "auto");
	/* clean already, or not reported (VF0's query_rss): no step, a note */
	assert_null(find(&f, 0, "spoofchk"));
	assert_null(find(&f, 0, "proto"));
	assert_null(find(&f, 0, "query_rss"));
	assert_null(find(&f, 1, "query_rss"));
	assert_int_equal(f.plan.n, 12);
	assert_int_equal(f.plan.n_notes, 1);
	assert_non_null(strstr(f.plan.notes[0], "does not report query_rss"));
	/* a VF's steps are consecutive, as run_vf_group() takes them */
	for (size_t i = 1; i < f.plan.n; i++)
		assert_true(f.plan.steps[i].vf >= f.plan.steps[i - 1].vf);
	fixture_free(&f);
}

static void test_plan_one_vf_and_config_mac(void **state)
{
	struct fixture f;
	const struct plan_step *s;

	(void)state;
	assert_int_equal(
		plan_of(&f, "[vf eth0 1]\nmac = 02:aa:bb:cc:dd:01\nvlan = 5\n", "1"), 0);
	assert_null(find(&f, 0, "vlan"));
	assert_step(&f, 1, "mac", "02:11:22:33:44:01", "02:aa:bb:cc:dd:01");
	s = find(&f, 1, "mac");
	assert_string_equal(s->loc.file, "t.conf");
	/* only the MAC comes from the configuration */
	assert_step(&f, 1, "vlan", "200", "0");
	fixture_free(&f);

	/* the configured MAC is there already: no MAC step */
	assert_int_equal(plan_of(&f, "[vf eth0 0]\nmac = 02:11:22:33:44:00\n", "0"), 0);
	assert_null(find(&f, 0, "mac"));
	assert_non_null(find(&f, 0, "vlan"));
	fixture_free(&f);
}

static void test_mac_the_vf_driver_chose_is_clean(void **state)
{
	struct fixture f;

	(void)state;
	/* eth1 (VF0's netdev) has the MAC the PF reports: chosen by igbvf */
	tree_writef(tree, TREE_IGB_VF0 "/net/eth1/addr_assign_type", "1\n");
	assert_int_equal(plan_of(&f, NULL, "0"), 0);
	assert_null(find(&f, 0, "mac"));
	assert_non_null(find(&f, 0, "vlan"));
	fixture_free(&f);
	/* a configured MAC is still set */
	assert_int_equal(plan_of(&f, "[vf eth0 0]\nmac = 02:aa:bb:cc:dd:00\n", "0"), 0);
	assert_step(&f, 0, "mac", "02:11:22:33:44:00", "02:aa:bb:cc:dd:00");
	fixture_free(&f);
	/* NET_ADDR_PERM: the VF took the administratively set MAC */
	tree_writef(tree, TREE_IGB_VF0 "/net/eth1/addr_assign_type", "0\n");
	assert_int_equal(plan_of(&f, NULL, "0"), 0);
	assert_step(&f, 0, "mac", "02:11:22:33:44:00", "00:00:00:00:00:00");
	fixture_free(&f);
}

static void test_plan_drivers(void **state)
{
	struct fixture f;
	const struct plan_step *s;

	(void)state;
	/* VF1 on vfio-pci by driver_override; VF0 without a driver */
	tree_writef(tree, TREE_IGB_VF1 "/driver_override", "vfio-pci\n");
	tree_writef(tree, TREE_IGB_VF0 "/driver_override", "(null)\n");
	tree_unlink(tree, TREE_IGB_VF0 "/driver");
	assert_int_equal(plan_of(&f, NULL, "0-1"), 0);
	s = find(&f, 1, "driver");
	assert_non_null(s);
	assert_int_equal(s->kind, PLAN_DRIVER);
	assert_string_equal(s->old_value, "vfio-pci");
	assert_string_equal(s->old_extra, "vfio-pci");
	assert_string_equal(s->new_value, "default");
	s = find(&f, 0, "driver");
	assert_non_null(s);
	assert_string_equal(s->old_value, "");
	assert_string_equal(s->old_extra, "");
	/* the drivers after every setting */
	assert_int_equal(f.plan.steps[f.plan.n - 1].kind, PLAN_DRIVER);
	assert_int_equal(f.plan.steps[f.plan.n - 2].kind, PLAN_DRIVER);
	fixture_free(&f);
}

static void test_refused_while_in_use(void **state)
{
	static const char cmdline[] = "qemu\0-name\0guest=vm1\0";
	struct fixture f;

	(void)state;
	tree_symlink(tree, "proc/4242/fd/7", "/dev/vfio/10");
	tree_writef(tree, "proc/4242/comm", "qemu-system-x86\n");
	tree_write(tree, "proc/4242/cmdline", cmdline, sizeof(cmdline) - 1);
	assert_int_equal(plan_of(&f, NULL, "all"), -EBUSY);
	assert_non_null(strstr(f.err.msg, "VF 1 (" VF1 ")"));
	assert_non_null(strstr(f.err.msg, "4242"));
	assert_non_null(strstr(f.err.msg, "vm1"));
	assert_null(strstr(f.err.msg, "VF 0"));
	assert_int_equal(f.plan.n, 0);
	fixture_free(&f);
	/* VF0 alone is not in use */
	assert_int_equal(plan_of(&f, NULL, "0"), 0);
	assert_true(f.plan.n > 0);
	fixture_free(&f);
}

static void test_bad_input(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(plan_of(&f, NULL, "2"), -ERANGE);
	fixture_free(&f);
	assert_int_equal(plan_of(&f, NULL, "0-x"), -EINVAL);
	fixture_free(&f);
	fixture_open(&f, NULL);
	assert_int_equal(vf_reset_plan(f.root, NULL, NULL, &f.inv, "0000:01:00.1", "0",
				       &f.plan, &f.err),
			 -ENODEV);
	assert_non_null(strstr(f.err.msg, "0000:01:00.1"));
	fixture_free(&f);
	/* sections that disagree about VF 0's MAC */
	assert_int_equal(plan_of(&f,
				 "[vf eth0 0]\nmac = 02:00:00:00:00:01\n"
				 "[vf " PF " 0]\nmac = 02:00:00:00:00:02\n",
				 "0"),
			 -EINVAL);
	fixture_free(&f);
}

static void test_dry_run_changes_nothing(void **state)
{
	struct apply_opts o = {.dry_run = true};
	struct apply_result res;
	struct fixture f;
	struct stat st;
	char path[TREE_PATH_MAX];

	(void)state;
	fixture_open(&f, NULL);
	assert_int_equal(sriov_vf_reset(f.root, NULL, PF, "all", &o, &res, &f.err), 0);
	assert_int_equal(res.plan.n, 12);
	for (size_t i = 0; i < res.plan.n; i++)
		assert_int_equal(res.plan.steps[i].status, PLAN_PENDING);
	assert_false(res.journal.found);
	tree_path(tree, "var/lib/sriovctl/journal.json", path);
	assert_int_not_equal(stat(path, &st), 0);
	tree_path(tree, "run/sriovctl.lock", path);
	assert_int_not_equal(stat(path, &st), 0);
	apply_result_free(&res);
	fixture_free(&f);
}

#define T(f) TREE_IGB_TEST(f, tree)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_values_from_the_table),
		T(test_plan_every_vf),
		T(test_plan_one_vf_and_config_mac),
		T(test_mac_the_vf_driver_chose_is_clean),
		T(test_plan_drivers),
		T(test_refused_while_in_use),
		T(test_bad_input),
		T(test_dry_run_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
