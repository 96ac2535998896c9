// SPDX-License-Identifier: MIT
/*
 * plan_compute(): what apply would change, from a recorded tree (tree_util's
 * igb tree: PF 0000:01:00.0 eth0 with 2 of 7 VFs; the rtnetlink answer about
 * them recorded: VF0 mac ..:00 vlan 100 qos 3 spoofchk on trust off, VF1 mac
 * ..:01 vlan 200 802.1ad spoofchk off trust on; VF0 on igbvf, VF1 on vfio-pci).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sriov.h"
#include "tree_util.h"

static char tree[TREE_PATH_MAX];

struct fixture {
	struct sriov_root *root;
	struct inventory inv;
	struct sriov_config *cfg;
	struct cfg_diags diags;
	struct plan plan;
	struct sriov_err err;
};

static int plan_of(struct fixture *f, const char *text)
{
	int ret;

	memset(f, 0, sizeof(*f));
	tree_write_igb_rtnl(tree);
	assert_int_equal(sriov_root_open(tree, &f->root, &f->err), 0);
	assert_int_equal(sriov_inventory_read(f->root, INV_NO_NETLINK | INV_NO_NAMES,
					      &f->inv, &f->err),
			 0);
	ret = sriov_config_parse_text("t.conf", text, strlen(text), &f->cfg, &f->diags,
				      &f->err);
	assert_int_equal(ret, 0);
	return plan_compute(f->root, NULL, f->cfg, &f->inv, &f->plan, &f->diags, &f->err);
}

static void fixture_free(struct fixture *f)
{
	plan_free(&f->plan);
	cfg_diags_free(&f->diags);
	sriov_config_free(f->cfg);
	sriov_inventory_free(&f->inv);
	sriov_root_close(f->root);
}

static const struct plan_step *step(const struct fixture *f, size_t i)
{
	assert_true(i < f->plan.n);
	return &f->plan.steps[i];
}

static void test_matching_host_is_empty(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(plan_of(&f, "[pf eth0]\nnum_vfs = 2\nautoprobe = yes\n"
				     "[vf eth0 0]\nvlan = 100\nqos = 3\nspoofchk = on\n"
				     "driver = igbvf\n"
				     "[vf eth0 1]\nvlan = 200\nvlan_proto = 802.1ad\n"
				     "trust = on\ndriver = vfio-pci\n"),
			 0);
	assert_int_equal(f.plan.n, 0);
	assert_int_equal(f.plan.pfs_matched, 1);
	fixture_free(&f);
}

static void test_one_difference_one_step(void **state)
{
	struct fixture f;
	const struct plan_step *s;

	(void)state;
	assert_int_equal(plan_of(&f, "[vf 0000:01:00.0 0-1]\nvlan = 200\n"), 0);
	/* VF1 already has 200 (its 802.1ad proto is kept: not given) */
	assert_int_equal(f.plan.n, 1);
	s = step(&f, 0);
	assert_int_equal(s->kind, PLAN_VF_ATTR);
	assert_int_equal(s->key, VF_KEY_VLAN);
	assert_int_equal(s->vf, 0);
	assert_string_equal(s->target, "0000:01:10.0");
	assert_string_equal(s->old_value, "100");
	assert_string_equal(s->new_value, "200");
	assert_false(s->predicted);
	assert_string_equal(s->loc.file, "t.conf");
	assert_int_equal(s->loc.line, 2);
	assert_int_equal(s->loc.col, 1);
	fixture_free(&f);
}

static void test_count_change_predicts_vf_steps(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(plan_of(&f, "[pf eth0]\nnum_vfs = 4\nautoprobe = no\n"
				     "trust = on\n"),
			 0);
	assert_int_equal(f.plan.n, 2 + 4);
	assert_int_equal(step(&f, 0)->kind, PLAN_AUTOPROBE);
	assert_string_equal(step(&f, 0)->old_value, "yes");
	assert_string_equal(step(&f, 0)->new_value, "no");
	assert_int_equal(step(&f, 1)->kind, PLAN_NUM_VFS);
	assert_string_equal(step(&f, 1)->old_value, "2");
	assert_string_equal(step(&f, 1)->new_value, "4");
	for (size_t i = 2; i < 6; i++) {
		assert_int_equal(step(&f, i)->kind, PLAN_VF_ATTR);
		assert_int_equal(step(&f, i)->key, VF_KEY_TRUST);
		assert_true(step(&f, i)->predicted);
		assert_string_equal(step(&f, i)->old_value, "");
		assert_int_equal(step(&f, i)->vf, (int)i - 2);
	}
	fixture_free(&f);
}

static void test_drivers(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(plan_of(&f, "[pf eth0]\nvf_driver = vfio-pci\n"), 0);
	/* VF1 is on vfio-pci already */
	assert_int_equal(f.plan.n, 1);
	assert_int_equal(step(&f, 0)->kind, PLAN_DRIVER);
	assert_string_equal(step(&f, 0)->target, "0000:01:10.0");
	assert_string_equal(step(&f, 0)->old_value, "igbvf");
	assert_string_equal(step(&f, 0)->new_value, "vfio-pci");
	fixture_free(&f);
	/* default: satisfied when driver_override is empty */
	tree_writef(tree, TREE_IGB_VF1 "/driver_override", "vfio-pci\n");
	tree_writef(tree, TREE_IGB_VF0 "/driver_override", "(null)\n");
	assert_int_equal(plan_of(&f, "[vf eth0 all]\ndriver = default\n"), 0);
	assert_int_equal(f.plan.n, 1);
	assert_string_equal(step(&f, 0)->target, "0000:01:10.2");
	assert_string_equal(step(&f, 0)->old_extra, "vfio-pci");
	assert_string_equal(step(&f, 0)->new_value, "default");
	fixture_free(&f);
}

static void test_rate_brings_pf_up_first(void **state)
{
	struct fixture f;

	(void)state;
	tree_writef(tree, "sys/class/net/eth0/flags", "0x1002\n");
	assert_int_equal(plan_of(&f, "[vf eth0 0]\nmax_tx_rate = 900\n"), 0);
	assert_int_equal(f.plan.n, 2);
	assert_int_equal(step(&f, 0)->kind, PLAN_PF_UP);
	assert_string_equal(step(&f, 0)->old_value, "down");
	assert_int_equal(step(&f, 1)->key, VF_KEY_MAX_TX_RATE);
	assert_string_equal(step(&f, 1)->old_value, "1000");
	fixture_free(&f);
	/* pf_up = no: no link step */
	assert_int_equal(plan_of(&f, "[pf eth0]\npf_up = no\n[vf eth0 0]\n"
				     "max_tx_rate = 900\n"),
			 0);
	assert_int_equal(f.plan.n, 1);
	fixture_free(&f);
	/* already up */
	tree_writef(tree, "sys/class/net/eth0/flags", "0x1003\n");
	assert_int_equal(plan_of(&f, "[vf eth0 0]\nmax_tx_rate = 900\n"), 0);
	assert_int_equal(f.plan.n, 1);
	fixture_free(&f);
}

static void test_input_errors(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(plan_of(&f, "[pf eth0]\nnum_vfs = 8\n"), -ERANGE);
	assert_non_null(strstr(f.err.msg, "t.conf:2:"));
	assert_non_null(strstr(f.err.msg, "limit is 7"));
	fixture_free(&f);
	assert_int_equal(plan_of(&f, "[vf eth0 3]\ntrust = on\n"), -EINVAL);
	assert_non_null(strstr(f.err.msg, "names VF 3"));
	assert_non_null(strstr(f.err.msg, "has 2 VFs"));
	fixture_free(&f);
	assert_int_equal(plan_of(&f, "[pf eth0]\nnum_vfs = 2\n[pf 0000:01:00.0]\n"
				     "num_vfs = 1\n"),
			 -EINVAL);
	assert_true(f.diags.n >= 1);
	fixture_free(&f);
}

static void test_unmatched_sections_are_notes(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(plan_of(&f, "[pf enp9s0]\nnum_vfs = 2\n[pf 15b3:101e]\n"
				     "num_vfs = 4\n"),
			 0);
	assert_int_equal(f.plan.n, 0);
	assert_int_equal(f.plan.pfs_matched, 0);
	assert_int_equal(f.plan.n_notes, 2);
	assert_non_null(strstr(f.plan.notes[0], "t.conf:1: [pf enp9s0] matches no"));
	fixture_free(&f);
}

static void test_fleet_selector_gives_way(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(plan_of(&f, "[pf 8086:10c9]\nnum_vfs = 6\n[pf eth0]\n"
				     "num_vfs = 3\n"),
			 0);
	assert_int_equal(step(&f, 0)->kind, PLAN_NUM_VFS);
	assert_string_equal(step(&f, 0)->new_value, "3");
	assert_int_equal(step(&f, 0)->loc.line, 4);
	fixture_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TREE_IGB_TEST(test_matching_host_is_empty, tree),
		TREE_IGB_TEST(test_one_difference_one_step, tree),
		TREE_IGB_TEST(test_count_change_predicts_vf_steps, tree),
		TREE_IGB_TEST(test_drivers, tree),
		TREE_IGB_TEST(test_rate_brings_pf_up_first, tree),
		TREE_IGB_TEST(test_input_errors, tree),
		TREE_IGB_TEST(test_unmatched_sections_are_notes, tree),
		TREE_IGB_TEST(test_fleet_selector_gives_way, tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
