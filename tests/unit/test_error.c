// SPDX-License-Identifier: MIT
/* The error object: set, hint, clear, truncation, NULL tolerated. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sriov/error.h"

static void test_set_returns_code_and_formats(void **state)
{
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(sriov_err_set(&e, -ENOENT, "%s: %s (%d)", "/sys/x", "gone", 7),
			 -ENOENT);
	assert_int_equal(e.code, -ENOENT);
	assert_string_equal(e.msg, "/sys/x: gone (7)");
	assert_string_equal(e.hint, "");
}

static void test_hint(void **state)
{
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	sriov_err_set(&e, -EPERM, "not permitted");
	sriov_err_hint(&e, "run as %s", "root");
	assert_int_equal(e.code, -EPERM);
	assert_string_equal(e.msg, "not permitted");
	assert_string_equal(e.hint, "run as root");
	/* a later hint replaces the earlier one */
	sriov_err_hint(&e, "or use %s", "sudo");
	assert_string_equal(e.hint, "or use sudo");
}

static void test_set_resets_hint(void **state)
{
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	sriov_err_set(&e, -EINVAL, "first");
	sriov_err_hint(&e, "hint of the first");
	sriov_err_set(&e, -EIO, "second");
	assert_int_equal(e.code, -EIO);
	assert_string_equal(e.msg, "second");
	assert_string_equal(e.hint, "");
}

static void test_clear(void **state)
{
	struct sriov_err e;

	(void)state;
	memset(&e, 'x', sizeof(e));
	sriov_err_clear(&e);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.msg, "");
	assert_string_equal(e.hint, "");

	sriov_err_set(&e, -ENODEV, "no such device: %s", "eth9");
	sriov_err_hint(&e, "look elsewhere");
	sriov_err_clear(&e);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.msg, "");
	assert_string_equal(e.hint, "");
}

static void test_null_tolerated(void **state)
{
	(void)state;
	assert_int_equal(sriov_err_set(NULL, -EBUSY, "busy %d", 1), -EBUSY);
	assert_int_equal(sriov_err_set(NULL, 0, "nothing"), 0);
	sriov_err_hint(NULL, "ignored %s", "hint");
	sriov_err_clear(NULL);
}

static void test_long_message_truncated(void **state)
{
	struct sriov_err e;
	char big[2000];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sriov_err_clear(&e);
	assert_int_equal(sriov_err_set(&e, -E2BIG, "%s", big), -E2BIG);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	assert_memory_equal(e.msg, big, sizeof(e.msg) - 1);
	sriov_err_hint(&e, "%s", big);
	assert_int_equal(strlen(e.hint), sizeof(e.hint) - 1);
	/* the message survives the hint */
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
}

static void test_percent_in_arguments(void **state)
{
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	sriov_err_set(&e, -EINVAL, "bad value \"%s\"", "100%s%n");
	assert_string_equal(e.msg, "bad value \"100%s%n\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_returns_code_and_formats),
		cmocka_unit_test(test_hint),
		cmocka_unit_test(test_set_resets_hint),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_null_tolerated),
		cmocka_unit_test(test_long_message_truncated),
		cmocka_unit_test(test_percent_in_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
