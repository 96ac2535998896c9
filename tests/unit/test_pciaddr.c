// SPDX-License-Identifier: MIT
/* pci_addr_*: parsing, formatting, routing IDs, ordering. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sriov/pcicfg.h"

static void assert_addr(const char *s, uint32_t domain, uint8_t bus, uint8_t dev,
			uint8_t fn)
{
	struct pci_addr a;

	assert_int_equal(pci_addr_parse(s, &a), 0);
	assert_int_equal(a.domain, domain);
	assert_int_equal(a.bus, bus);
	assert_int_equal(a.dev, dev);
	assert_int_equal(a.fn, fn);
}

static void test_parse_valid(void **state)
{
	(void)state;
	assert_addr("0000:01:00.0", 0, 1, 0, 0);
	assert_addr("01:00.0", 0, 1, 0, 0);
	assert_addr("0002:01:00.0", 2, 1, 0, 0);
	assert_addr("ffff:ff:1f.7", 0xffff, 0xff, 0x1f, 7);
	assert_addr("FFFF:AB:1F.7", 0xffff, 0xab, 0x1f, 7);
	assert_addr("6b:00.0", 0, 0x6b, 0, 0);
	assert_addr("10000:00:02.1", 0x10000, 0, 2, 1);
	assert_addr("ffffffff:00:00.0", 0xffffffff, 0, 0, 0);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",		     /* empty */
		"0000:01:00.0 ",     /* trailing blank */
		"0000:01:00.0x",     /* trailing junk */
		"0000:01:00.00",     /* two-digit function */
		"0000:01:20.0",	     /* device 0x20 > 0x1f */
		"0000:01:ff.0",	     /* device 0xff */
		"0000:01:00.8",	     /* function 8 > 7 */
		"0000:01:00",	     /* no function */
		"0000:01",	     /* no device */
		"1:00.0",	     /* one-digit bus */
		"001:00.0",	     /* three-digit bus */
		"000:01:00.0",	     /* three-digit domain */
		"100000000:01:00.0", /* nine-digit domain */
		"0000:01:0.0",	     /* one-digit device */
		" 01:00.0",	     /* leading blank */
		"0x01:00.0",	     /* C prefix */
		"+1:00.0",	     /* sign */
		"0000-01:00.0",	     /* wrong separator */
		"0000:01.00.0",	     /* wrong separator */
		"0000:01:00:0",	     /* wrong separator */
		"gg:00.0",	     /* not hex */
		"0000:01:00.0\n",    /* newline */
		":01:00.0",	     /* empty domain */
	};
	struct pci_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pci_addr_parse(bad[i], &a) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(pci_addr_parse(NULL, &a), -EINVAL);
	assert_int_equal(pci_addr_parse("01:00.0", NULL), -EINVAL);
}

static void assert_round_trip(const char *in, const char *expected)
{
	char buf[PCI_ADDR_STRLEN];
	struct pci_addr a, b;

	assert_int_equal(pci_addr_parse(in, &a), 0);
	pci_addr_format(&a, buf);
	assert_string_equal(buf, expected);
	assert_int_equal(pci_addr_parse(buf, &b), 0);
	assert_int_equal(pci_addr_cmp(&a, &b), 0);
}

static void test_format_round_trip(void **state)
{
	(void)state;
	assert_round_trip("01:00.0", "0000:01:00.0");
	assert_round_trip("0002:01:00.0", "0002:01:00.0");
	assert_round_trip("ABCD:EF:1F.7", "abcd:ef:1f.7");
	assert_round_trip("ffffffff:ff:1f.7", "ffffffff:ff:1f.7");
	assert_round_trip("6B:00.0", "0000:6b:00.0");
}

static void test_rid(void **state)
{
	struct pci_addr a, b;

	(void)state;
	assert_int_equal(pci_addr_parse("0000:01:00.0", &a), 0);
	assert_int_equal(pci_addr_rid(&a), 0x0100);
	assert_int_equal(pci_addr_parse("0003:82:1f.7", &a), 0);
	assert_int_equal(pci_addr_rid(&a), 0x82ff);
	pci_addr_from_rid(3, 0x82ff, &b);
	assert_int_equal(pci_addr_cmp(&a, &b), 0);

	/* 82576: PF 01:00.0, VF offset 384 stride 2 -> first VF 02:10.0 */
	assert_int_equal(pci_addr_parse("01:00.0", &a), 0);
	pci_addr_from_rid(0, (uint16_t)(pci_addr_rid(&a) + 384), &b);
	assert_int_equal(b.bus, 2);
	assert_int_equal(b.dev, 0x10);
	assert_int_equal(b.fn, 0);

	for (unsigned int rid = 0; rid <= 0xffff; rid++) {
		pci_addr_from_rid(7, (uint16_t)rid, &a);
		assert_int_equal(a.domain, 7);
		assert_int_equal(pci_addr_rid(&a), rid);
	}
}

static void test_cmp(void **state)
{
	static const char *const sorted[] = {
		"0000:00:00.0", "0000:00:00.7", "0000:00:01.0", "0000:00:1f.7",
		"0000:01:00.0", "0000:ff:00.0", "0001:00:00.0", "ffffffff:00:00.0",
	};
	size_t n = sizeof(sorted) / sizeof(sorted[0]);
	struct pci_addr a, b;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			int expected = (i > j) - (i < j);

			assert_int_equal(pci_addr_parse(sorted[i], &a), 0);
			assert_int_equal(pci_addr_parse(sorted[j], &b), 0);
			assert_int_equal(pci_addr_cmp(&a, &b), expected);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_rid),
		cmocka_unit_test(test_cmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
