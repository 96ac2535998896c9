// SPDX-License-Identifier: MIT
/*
 * The PF settings of `pf set`: key lookup, values checked and made
 * canonical, and the journal kind "pf_attr" (what restore reads back):
 * accepted with a PF key, refused with any other, through JSON and back.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sriov/journal.h"
#include "sriov/pf_setting.h"

static void test_keys(void **state)
{
	struct sriov_err err;
	enum pf_key key;

	(void)state;
	for (int k = 0; k < PF_KEY_COUNT; k++) {
		assert_int_equal(pf_key_lookup(pf_key_name((enum pf_key)k), &key, NULL),
				 0);
		assert_int_equal(key, k);
		assert_true(pf_key_help((enum pf_key)k)[0]);
	}
	assert_true(pf_key_is_devlink(PF_KEY_ESWITCH));
	assert_true(pf_key_is_devlink(PF_KEY_ENCAP));
	assert_false(pf_key_is_devlink(PF_KEY_MTU));
	sriov_err_clear(&err);
	assert_int_equal(pf_key_lookup("eswitch_mode", &key, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown PF setting 'eswitch_mode'"));
	assert_int_equal(pf_key_lookup(NULL, &key, NULL), -EINVAL);
	assert_string_equal(pf_key_name(PF_KEY_COUNT), "?");
}

static void test_values(void **state)
{
	static const struct {
		enum pf_key key;
		const char *in, *canon;
	} good[] = {
		{PF_KEY_ESWITCH, "legacy", "legacy"},
		{PF_KEY_ESWITCH, "switchdev", "switchdev"},
		{PF_KEY_INLINE_MODE, "transport", "transport"},
		{PF_KEY_ENCAP, "basic", "basic"},
		{PF_KEY_MTU, "68", "68"},
		{PF_KEY_MTU, "9000", "9000"},
		{PF_KEY_MTU, "65535", "65535"},
		{PF_KEY_MTU, "09000", "9000"},
	};
	static const struct {
		enum pf_key key;
		const char *in, *msg;
	} bad[] = {
		{PF_KEY_ESWITCH, "Switchdev", "one of legacy|switchdev"},
		{PF_KEY_ESWITCH, "", "unknown value ''"},
		{PF_KEY_INLINE_MODE, "l2", "one of none|link|network|transport"},
		{PF_KEY_ENCAP, "vxlan", "one of none|basic"},
		{PF_KEY_MTU, "67", "68-65535"},
		{PF_KEY_MTU, "65536", "68-65535"},
		{PF_KEY_MTU, "-1500", "is not an MTU"},
		{PF_KEY_MTU, "+1500", "is not an MTU"},
		{PF_KEY_MTU, " 1500", "is not an MTU"},
		{PF_KEY_MTU, "1500 ", "is not an MTU"},
		{PF_KEY_MTU, "99999999999999999999", "is not an MTU"},
	};
	struct sriov_err err;
	char canon[16];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(pf_value_parse(good[i].key, good[i].in, canon,
						sizeof(canon), NULL),
				 0);
		assert_string_equal(canon, good[i].canon);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sriov_err_clear(&err);
		assert_int_equal(
			pf_value_parse(bad[i].key, bad[i].in, canon, sizeof(canon), &err),
			-EINVAL);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].in, err.msg,
				 bad[i].msg);
	}
}

static struct journal_change pf_change(const char *key, const char *old, const char *new)
{
	struct journal_change c = {.kind = JOURNAL_PF_ATTR, .vf = -1};

	snprintf(c.pf, sizeof(c.pf), "0000:03:00.0");
	snprintf(c.target, sizeof(c.target), "0000:03:00.0");
	snprintf(c.key, sizeof(c.key), "%s", key);
	snprintf(c.old_value, sizeof(c.old_value), "%s", old);
	snprintf(c.new_value, sizeof(c.new_value), "%s", new);
	return c;
}

static void test_journal_kind(void **state)
{
	struct journal j = {0}, back = {0};
	struct journal_change c;
	struct sriov_err err;
	char *text;

	(void)state;
	assert_string_equal(journal_kind_name(JOURNAL_PF_ATTR), "pf_attr");
	assert_int_equal(journal_begin(&j, "pf", NULL, 0), 0);
	c = pf_change("eswitch", "legacy", "switchdev");
	assert_int_equal(journal_add_step(&j, &c), 0);
	c = pf_change("mtu", "1500", "9000");
	assert_int_equal(journal_add_step(&j, &c), 1);
	/* a VF key, a PF kind with a VF index: refused at the step */
	c = pf_change("mac", "", "02:00:00:00:00:01");
	assert_int_equal(journal_add_step(&j, &c), -EINVAL);
	c = pf_change("mtu", "1500", "9000");
	c.vf = 0;
	assert_int_equal(journal_add_step(&j, &c), -EINVAL);
	assert_non_null(journal_original(&j, "0000:03:00.0", "eswitch"));
	assert_string_equal(journal_original(&j, "0000:03:00.0", "mtu")->old_value,
			    "1500");

	text = journal_to_json(&j);
	assert_non_null(text);
	sriov_err_clear(&err);
	assert_int_equal(journal_from_json(text, strlen(text), &back, &err), 0);
	assert_int_equal(back.n_steps, 2);
	assert_int_equal(back.steps[0].kind, JOURNAL_PF_ATTR);
	assert_string_equal(back.steps[1].key, "mtu");
	assert_int_equal(back.n_originals, 2);
	journal_free(&back);
	free(text);

	/* a journal naming an unknown PF setting is not trusted */
	snprintf(j.steps[1].key, sizeof(j.steps[1].key), "mtu_max");
	text = journal_to_json(&j);
	if (!text) { /* the writer may refuse it already: equally right */
		journal_free(&j);
		return;
	}
	sriov_err_clear(&err);
	assert_int_equal(journal_from_json(text, strlen(text), &back, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "is not a PF setting"));
	free(text);
	journal_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_journal_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
