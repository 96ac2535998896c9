// SPDX-License-Identifier: MIT
/*
 * The vf set operation (vfset.h) on a recorded tree: the VFs an argument
 * selects, the requests planned from the recorded state (the parts of a
 * kernel attribute not given), mac auto from the permanent MAC, the input
 * errors found before anything is sent, and one VF of an apply step.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/if_ether.h>

#include "sriov/vfset.h"
#include "tree_util.h"

static char tree[TREE_PATH_MAX];
static struct sriov_root *root;

static int setup(void **state)
{
	(void)state;
	tree_new(tree);
	tree_build_igb(tree);
	tree_write_igb_rtnl(tree);
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

static struct vf_settings settings(const char *key, const char *value, const char *key2,
				   const char *value2)
{
	struct vf_settings s = {0};

	assert_int_equal(vf_settings_add(&s, key, value, NULL), 0);
	if (key2)
		assert_int_equal(vf_settings_add(&s, key2, value2, NULL), 0);
	return s;
}

static int plan(const char *dev, const struct vf_settings *s, struct vf_set_op *op,
		struct sriov_err *e)
{
	struct vf_pf_ref pf;

	assert_int_equal(vf_pf_locate(root, dev, &pf, NULL), 0);
	return vf_set_plan(root, NULL, &pf, s, op, e);
}

/* vlan alone: qos and proto come from each VF's recorded state. */
static void test_plan_parts_from_current(void **state)
{
	struct vf_settings s = settings("vlan", "7", NULL, NULL);
	struct vf_set_op op;
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(plan("eth0/all", &s, &op, &e), 0);
	assert_string_equal(op.ifname, "eth0");
	assert_string_equal(op.pf_addr, "0000:01:00.0");
	assert_int_equal(op.count, 2);
	assert_int_equal(op.n_sel, 2);
	assert_true(op.have_cur);
	assert_false(op.cur_assumed);
	assert_true(op.up.known && op.up.was_up && !op.up.carrier);
	assert_int_equal(op.n_res, 2);
	assert_int_equal(op.res[0].req.attr, RTNL_VF_VLAN);
	assert_int_equal(op.res[0].req.vf, 0);
	assert_int_equal(op.res[0].req.vlan, 7);
	assert_int_equal(op.res[0].req.qos, 3);
	assert_int_equal(op.res[0].req.vlan_proto, ETH_P_8021Q);
	assert_false(op.res[0].req.vlan_list);
	assert_int_equal(op.res[1].req.vf, 1);
	assert_int_equal(op.res[1].req.qos, 0);
	assert_int_equal(op.res[1].req.vlan_proto, ETH_P_8021AD);
	assert_true(op.res[1].req.vlan_list);
	assert_false(op.sent);
	assert_ptr_equal(vf_set_result_of(&op, 1, VF_KEY_QOS), &op.res[1]);
	assert_null(vf_set_result_of(&op, 1, VF_KEY_TRUST));
	/* no kernel under --root: nothing is sent */
	assert_int_equal(vf_set_apply(root, &op, false, &e), -EOPNOTSUPP);
	assert_false(op.sent);
	vf_set_op_free(&op);
}

/* One request per attribute, in attribute order; the rates keep the other part. */
static void test_plan_one_vf(void **state)
{
	struct vf_settings s = settings("max_tx_rate", "900", "trust", "on");
	struct vf_set_op op;

	(void)state;
	assert_int_equal(plan("eth0/1", &s, &op, NULL), 0);
	assert_int_equal(op.n_sel, 1);
	assert_int_equal(op.n_res, 2);
	assert_int_equal(op.res[0].req.attr, RTNL_VF_RATE);
	assert_int_equal(op.res[0].req.min_tx_rate, 10);
	assert_int_equal(op.res[0].req.max_tx_rate, 900);
	assert_int_equal(op.res[1].req.attr, RTNL_VF_TRUST);
	assert_int_equal(op.res[1].req.value, 1);
	vf_set_op_free(&op);
}

static void test_mac_auto(void **state)
{
	struct vf_settings s = settings("mac", "auto", NULL, NULL);
	const uint8_t perm[6] = {0xa0, 0x36, 0x9f, 0, 0, 1};
	uint8_t want[6];
	struct vf_set_op op;
	struct sriov_err e;

	(void)state;
	/* the recording has no IFLA_PERM_ADDRESS, sysfs no addr_assign_type */
	sriov_err_clear(&e);
	assert_int_equal(plan("eth0/all", &s, &op, &e), -ENODATA);
	assert_non_null(strstr(e.msg, "permanent MAC"));
	vf_set_op_free(&op);
	tree_writef(tree, TREE_IGB_PF "/net/eth0/addr_assign_type", "0\n");
	assert_int_equal(plan("eth0/all", &s, &op, NULL), 0);
	assert_true(op.auto_mac.known);
	assert_string_equal(op.auto_mac.source, "sysfs address");
	assert_memory_equal(op.auto_mac.perm, perm, 6);
	assert_int_equal(op.n_res, 2);
	for (unsigned int i = 0; i < 2; i++) {
		vf_mac_auto(perm, i, want);
		assert_int_equal(op.res[i].req.attr, RTNL_VF_MAC);
		assert_memory_equal(op.res[i].req.mac, want, 6);
	}
	vf_set_op_free(&op);
	tree_unlink(tree, TREE_IGB_PF "/net/eth0/addr_assign_type");
}

static void expect_plan_error(const char *dev, const struct vf_settings *s, int code,
			      const char *words)
{
	struct vf_set_op op;
	struct sriov_err e;

	sriov_err_clear(&e);
	assert_int_equal(plan(dev, s, &op, &e), code);
	if (!strstr(e.msg, words))
		fail_msg("%s: message '%s' lacks '%s'", dev, e.msg, words);
	assert_int_equal(op.n_res, 0);
	vf_set_op_free(&op);
}

static void test_input_errors(void **state)
{
	struct vf_settings vlan = settings("vlan", "5", NULL, NULL);
	struct vf_settings mac = settings("mac", "02:00:00:00:00:01", NULL, NULL);
	struct vf_settings rates = settings("min_tx_rate", "500", "max_tx_rate", "100");

	(void)state;
	expect_plan_error("eth0/2", &vlan, -ERANGE, "2");
	expect_plan_error("eth0/x", &vlan, -EINVAL, "x");
	expect_plan_error("eth0", &vlan, -EINVAL, "name the VFs");
	expect_plan_error("eth0/all", &mac, -EINVAL, "same MAC");
	expect_plan_error("eth0/0", &rates, -EINVAL, "min_tx_rate 500");
	tree_writef(tree, ".sriovctl/rtnl/eth0", "garbage\n");
	expect_plan_error("eth0/0", &vlan, -EINVAL, "not a recorded rtnetlink answer");
	tree_unlink(tree, ".sriovctl/rtnl/eth0");
	tree_write_igb_rtnl(tree);
}

/* Nothing recorded: the parts not given are the defaults, and that is said. */
static void test_no_recording(void **state)
{
	struct vf_settings s = settings("vlan", "9", NULL, NULL);
	struct vf_settings whole = settings("trust", "on", NULL, NULL);
	struct vf_set_op op;

	(void)state;
	tree_unlink(tree, ".sriovctl/rtnl/eth0");
	assert_int_equal(plan("eth0/1", &s, &op, NULL), 0);
	assert_false(op.have_cur);
	assert_true(op.cur_assumed);
	assert_int_equal(op.res[0].req.qos, 0);
	assert_int_equal(op.res[0].req.vlan_proto, ETH_P_8021Q);
	vf_set_op_free(&op);
	assert_int_equal(plan("eth0/1", &whole, &op, NULL), 0);
	assert_false(op.cur_assumed); /* an attribute of one key: nothing assumed */
	vf_set_op_free(&op);
	tree_write_igb_rtnl(tree);
}

/* An apply step's VF: the zero MAC put back as a request of its own. */
static void test_plan_one_step(void **state)
{
	struct vf_settings s = settings("trust", "off", NULL, NULL);
	struct vf_settings none = {0};
	static const uint8_t zero[6];
	const struct vf_set_result *r;
	struct vf_set_op op;

	(void)state;
	assert_int_equal(vf_set_plan_one(root, NULL, "eth0", TREE_IGB_IFIDX0, 1, &s, true,
					 &op, NULL),
			 0);
	assert_int_equal(op.n_res, 2);
	assert_int_equal(op.res[0].req.attr, RTNL_VF_TRUST);
	assert_int_equal(op.res[0].req.value, 0);
	r = vf_set_result_of(&op, 1, VF_KEY_MAC);
	assert_non_null(r);
	assert_memory_equal(r->req.mac, zero, 6);
	vf_set_op_free(&op);
	assert_int_equal(vf_set_plan_one(root, NULL, "eth0", TREE_IGB_IFIDX0, 0, &none,
					 false, &op, NULL),
			 0);
	assert_int_equal(op.n_res, 0);
	vf_set_op_free(&op);
	assert_int_equal(vf_set_plan_one(root, NULL, "", 0, 0, &s, false, &op, NULL),
			 -EINVAL);
	vf_set_op_free(&op);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_parts_from_current),
		cmocka_unit_test(test_plan_one_vf),
		cmocka_unit_test(test_mac_auto),
		cmocka_unit_test(test_input_errors),
		cmocka_unit_test(test_no_recording),
		cmocka_unit_test(test_plan_one_step),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
