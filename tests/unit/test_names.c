// SPDX-License-Identifier: MIT
/*
 * PCI names: the names found by scanning pci.ids' text (lib/names.c) must be
 * exactly what libpci's own lookup gives (lspci's wording), for a sample of
 * the database's vendors, devices and classes, and for ids it does not list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pci/pci.h>

#include "sriov/names.h"

static struct pci_access *pacc;
static struct pci_names *names;
static char *ids;

static void quiet(char *msg, ...)
{
	(void)msg;
}

static void __attribute__((noreturn)) fatal(char *msg, ...)
{
	(void)msg;
	abort();
}

static int setup(void **state)
{
	FILE *f;
	long len;

	(void)state;
	pacc = pci_alloc();
	pacc->warning = quiet;
	pacc->debug = quiet;
	pacc->error = fatal;
	names = pci_names_open();
	f = fopen(pacc->id_file_name, "r");
	if (!f && strlen(pacc->id_file_name) > 3) { /* pci.ids.gz, else pci.ids */
		char plain[512];

		snprintf(plain, sizeof(plain), "%.*s",
			 (int)strlen(pacc->id_file_name) - 3, pacc->id_file_name);
		f = fopen(plain, "r");
	}
	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	ids = calloc(1, (size_t)len + 1);
	if (fread(ids, 1, (size_t)len, f) != (size_t)len) {
		free(ids);
		ids = NULL;
	}
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pci_names_close(names);
	pci_cleanup(pacc);
	free(ids);
	return 0;
}

static void expect_device(unsigned int vendor, unsigned int device)
{
	char want[256], got[256];

	pci_lookup_name(pacc, want, sizeof(want),
			PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_HWDB,
			vendor, device);
	pci_names_device(names, (uint16_t)vendor, (uint16_t)device, got, sizeof(got));
	assert_string_equal(got, want);
	pci_lookup_name(pacc, want, sizeof(want), PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_HWDB,
			vendor, 0);
	pci_names_vendor(names, (uint16_t)vendor, got, sizeof(got));
	assert_string_equal(got, want);
}

static void expect_class(unsigned int class16)
{
	char want[256], got[256];

	pci_lookup_name(pacc, want, sizeof(want), PCI_LOOKUP_CLASS | PCI_LOOKUP_NO_HWDB,
			class16, 0);
	pci_names_class(names, (uint16_t)class16, got, sizeof(got));
	assert_string_equal(got, want);
}

/* Every 97th device line of the database, with its vendor. */
static void test_database_devices(void **state)
{
	unsigned int vendor = 0, device, n = 0, checked = 0;

	(void)state;
	if (!ids)
		skip();
	for (char *line = ids; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (sscanf(line, "%4x  ", &vendor) == 1 && line[4] == ' ')
			continue;
		if (line[0] == 'C' && line[1] == ' ')
			break; /* the classes follow the vendors */
		if (line[0] != '\t' || line[1] == '\t' ||
		    sscanf(line + 1, "%4x", &device) != 1)
			continue;
		if (n++ % 97)
			continue;
		expect_device(vendor, device);
		checked++;
	}
	assert_true(checked > 100);
}

/* Every class and subclass line of the database. */
static void test_database_classes(void **state)
{
	unsigned int cls = 0, sub, checked = 0;

	(void)state;
	if (!ids)
		skip();
	for (char *line = strstr(ids, "\nC "); line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (line[0] == '\n')
			continue;
		if (sscanf(line, "C %2x", &cls) == 1) {
			expect_class(cls << 8 | 0x77); /* a subclass no class has */
			continue;
		}
		if (line[0] == '\t' && line[1] != '\t' &&
		    sscanf(line + 1, "%2x", &sub) == 1) {
			expect_class(cls << 8 | sub);
			checked++;
		}
	}
	assert_true(checked > 20);
}

/* Ids the database does not list keep libpci's wording. */
static void test_unknown_ids(void **state)
{
	(void)state;
	expect_device(0x8086, 0x0001);
	expect_device(0xfffe, 0x1234);
	expect_device(0x8086, 0x1572);
	expect_class(0xfe00);
}

static void test_without_database(void **state)
{
	char buf[64];

	(void)state;
	pci_names_device(NULL, 0x8086, 0x1572, buf, sizeof(buf));
	assert_string_equal(buf, "Device 8086:1572");
	pci_names_vendor(NULL, 0x8086, buf, sizeof(buf));
	assert_string_equal(buf, "8086");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_database_devices),
		cmocka_unit_test(test_database_classes),
		cmocka_unit_test(test_unknown_ids),
		cmocka_unit_test(test_without_database),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
