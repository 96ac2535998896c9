// SPDX-License-Identifier: MIT
/*
 * The kernel log parser and classifier on single records and lines, on the
 * saved logs in tests/data/kmsg, and the reader that returns only what was
 * written after it was opened (on a tree whose /dev/kmsg is a plain file).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sriov/kmsg.h"
#include "tree_util.h"

static struct pci_addr addr(const char *s)
{
	struct pci_addr a;

	assert_int_equal(pci_addr_parse(s, &a), 0);
	return a;
}

static void load_sample(const char *name, struct kmsg_log *log)
{
	const char *dir = getenv("SRIOV_TEST_DATA");
	struct sriov_err e;
	char path[512];
	size_t len;
	char *text;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/kmsg/%s", dir, name);
	sriov_err_clear(&e);
	assert_int_equal(sriov_read_user_file(path, 1 << 20, &text, &len, &e), 0);
	memset(log, 0, sizeof(*log));
	assert_int_equal(kmsg_parse_text(text, len, log), 0);
	free(text);
}

/* ---- single records ---------------------------------------------------- */

static void test_record_fields(void **state)
{
	static const char rec_text[] =
		"3,2211,183460123,-;i40e 0000:3b:00.0: can't enable 64 VFs "
		"(bus 3c out of range of [bus 3b])\n"
		" SUBSYSTEM=pci\n"
		" DEVICE=+pci:0000:3b:00.0\n";
	struct kmsg_record rec;
	struct pci_addr a = addr("0000:3b:00.0");

	(void)state;
	assert_int_equal(kmsg_parse_record(rec_text, strlen(rec_text), &rec), 0);
	assert_int_equal(rec.level, 3);
	assert_int_equal(rec.facility, 0);
	assert_int_equal(rec.seq, 2211);
	assert_int_equal(rec.ts_usec, 183460123);
	assert_true(rec.has_ts);
	assert_string_equal(rec.device, "0000:3b:00.0");
	assert_true(rec.has_pci_addr);
	assert_int_equal(pci_addr_cmp(&rec.addr, &a), 0);
	assert_string_equal(rec.origin, "i40e");
	assert_string_equal(rec.text,
			    "i40e 0000:3b:00.0: can't enable 64 VFs (bus 3c out "
			    "of range of [bus 3b])");
	assert_int_equal(rec.kind, KMSG_SRIOV_BUS_RANGE);
}

static void test_record_device_from_prefix(void **state)
{
	/* no DEVICE= line: the dev_printk prefix names the device */
	static const char rec_text[] =
		"4,7,1000,-;igb 0000:01:00.0 eth0: not enough MMIO resources for SR-IOV";
	struct kmsg_record rec;

	(void)state;
	assert_int_equal(kmsg_parse_record(rec_text, strlen(rec_text), &rec), 0);
	assert_int_equal(rec.level, 4);
	assert_string_equal(rec.device, "0000:01:00.0");
	assert_string_equal(rec.origin, "igb");
	assert_int_equal(rec.kind, KMSG_SRIOV_NO_MMIO);
}

static void test_record_escapes_and_facility(void **state)
{
	/* facility 3 (daemon), level 6; \x09 is a tab (a space), \x5c a backslash */
	static const char rec_text[] = "30,9,5,c,extra;a\\x09b \\x5c c\\\n";
	struct kmsg_record rec;

	(void)state;
	assert_int_equal(kmsg_parse_record(rec_text, strlen(rec_text), &rec), 0);
	assert_int_equal(rec.facility, 3);
	assert_int_equal(rec.level, 6);
	assert_string_equal(rec.text, "a b \\ c\\");
	assert_string_equal(rec.device, "");
	assert_false(rec.has_pci_addr);
	assert_int_equal(rec.kind, KMSG_OTHER);
}

static void test_record_other_device_kinds(void **state)
{
	/* a netdev ("n5") or block device is not a PCI address */
	static const char rec_text[] =
		"6,1,2,-;i40e 0000:3b:00.1 ens1f1: NIC Link is Up\n"
		" SUBSYSTEM=net\n DEVICE=n5\n";
	struct kmsg_record rec;

	(void)state;
	assert_int_equal(kmsg_parse_record(rec_text, strlen(rec_text), &rec), 0);
	assert_string_equal(rec.device, "0000:3b:00.1"); /* from the prefix */
	assert_int_equal(rec.kind, KMSG_OTHER);
}

static void test_record_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"no header at all",
		"3,12;missing timestamp",
		"x,1,2,-;not a number",
		"3,1,2,-missing semicolon",
		"[   1.000000] dmesg text is not a record",
	};
	struct kmsg_record rec;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(kmsg_parse_record(bad[i], strlen(bad[i]), &rec),
				 -EINVAL);
}

/* ---- dmesg text -------------------------------------------------------- */

static void test_dmesg_line(void **state)
{
	static const char line[] = "[  312.448190] mlx5_core 0000:b0:00.0: not enough "
				   "MMIO resources for SR-IOV\n";
	struct kmsg_record rec;

	(void)state;
	assert_int_equal(kmsg_parse_text_line(line, strlen(line), &rec), 0);
	assert_true(rec.has_ts);
	assert_int_equal(rec.ts_usec, 312448190ull);
	assert_int_equal(rec.level, -1);
	assert_string_equal(rec.device, "0000:b0:00.0");
	assert_string_equal(rec.origin, "mlx5_core");
	assert_string_equal(
		rec.text, "mlx5_core 0000:b0:00.0: not enough MMIO resources for SR-IOV");
	assert_int_equal(rec.kind, KMSG_SRIOV_NO_MMIO);
}

static void test_dmesg_variants(void **state)
{
	struct kmsg_record rec;
	const char *l;

	(void)state;
	/* syslog/journal */
	l = "Mar  3 09:12:41 hv07 kernel: ixgbe 0000:05:00.1: not enough MMIO resources "
	    "for SR-IOV";
	assert_int_equal(kmsg_parse_text_line(l, strlen(l), &rec), 0);
	assert_false(rec.has_ts);
	assert_string_equal(rec.device, "0000:05:00.1");
	assert_string_equal(rec.origin, "ixgbe");
	/* dmesg -r: raw level */
	l = "<3>[    7.5] pci 0000:06:00.0: SR-IOV: IOV BARS not allocated";
	assert_int_equal(kmsg_parse_text_line(l, strlen(l), &rec), 0);
	assert_int_equal(rec.level, 3);
	assert_int_equal(rec.ts_usec, 7500000);
	assert_int_equal(rec.kind, KMSG_SRIOV_BARS_UNASSIGNED);
	/* a bare message */
	l = "DMAR: IOMMU enabled";
	assert_int_equal(kmsg_parse_text_line(l, strlen(l), &rec), 0);
	assert_string_equal(rec.device, "");
	assert_int_equal(rec.kind, KMSG_IOMMU_ENABLED);
	/* nothing to parse */
	assert_int_equal(kmsg_parse_text_line("\n", 1, &rec), -EINVAL);
	assert_int_equal(kmsg_parse_text_line("[ 1.0]   ", 9, &rec), -EINVAL);
	/* "DMAR:" is not a driver name with a device */
	l = "DMAR: dmar0: reg_base_addr fed90000 ver 1:0";
	assert_int_equal(kmsg_parse_text_line(l, strlen(l), &rec), 0);
	assert_string_equal(rec.device, "");
}

/* ---- classification ---------------------------------------------------- */

struct classified {
	const char *text;
	enum kmsg_kind kind;
};

static void test_classify(void **state)
{
	static const struct classified cases[] = {
		{"pci 0000:3b:00.0: can't enable 64 VFs (bus 3c out of range of [bus "
		 "3b])",
		 KMSG_SRIOV_BUS_RANGE},
		{"pci 0000:3b:00.0: SR-IOV: bus number out of range",
		 KMSG_SRIOV_BUS_RANGE},
		{"ixgbe 0000:05:00.0: not enough MMIO resources for SR-IOV",
		 KMSG_SRIOV_NO_MMIO},
		{"pci 0000:41:00.0: SR-IOV: IOV BARS not allocated",
		 KMSG_SRIOV_BARS_UNASSIGNED},
		{"pci 0000:06:00.0: no driver bound to device; cannot configure SR-IOV",
		 KMSG_SRIOV_NO_DRIVER},
		{"foo 0000:07:00.0: Driver does not support SRIOV configuration via "
		 "sysfs",
		 KMSG_SRIOV_NO_CONFIGURE},
		{"foo 0000:07:00.0: driver does not support SR-IOV configuration via "
		 "sysfs",
		 KMSG_SRIOV_NO_CONFIGURE},
		{"igb 0000:01:00.0: 4 VFs already enabled. Disable before enabling 2 VFs",
		 KMSG_SRIOV_ALREADY_ENABLED},
		{"nfp 0000:82:00.0: 8 VFs requested; only 4 enabled",
		 KMSG_SRIOV_FEWER_ENABLED},
		{"ixgbe 0000:05:00.0: Failed to enable PCI sriov: -12",
		 KMSG_SRIOV_ENABLE_FAILED},
		{"i40e 0000:3b:00.0: VF 3 still in reset. Try again.", KMSG_VF_RESET},
		{"ice 0000:17:00.0: VF 2 in reset. Try again.", KMSG_VF_RESET},
		{"igbvf 0000:01:10.0: PF still resetting", KMSG_VF_RESET},
		{"ice 0000:17:00.0: Unable to set MSI-X resources for 128 VFs, err -28",
		 KMSG_MSIX_FAILED},
		{"DMAR: IOMMU enabled", KMSG_IOMMU_ENABLED},
		{"DMAR: Intel(R) Virtualization Technology for Directed I/O",
		 KMSG_IOMMU_ENABLED},
		{"pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40", KMSG_IOMMU_ENABLED},
		{"DMAR: IOMMU disabled", KMSG_IOMMU_DISABLED},
		/* look-alikes that mean nothing for SR-IOV */
		{"igb 0000:01:00.0: Using MSI-X interrupts. 1 rx queue(s), 1 tx queue(s)",
		 KMSG_OTHER},
		{"VFS: Disk quotas dquot_6.6.0", KMSG_OTHER},
		{"DMAR: IOMMU batching disallowed due to virtualization", KMSG_OTHER},
		{"AMD-Vi: AMD IOMMUv2 functionality not available on this system",
		 KMSG_OTHER},
		{"pci 0000:01:00.0: VF BAR 0 [mem 0xfe200000-0xfe21ffff 64bit pref]: "
		 "assigned",
		 KMSG_OTHER},
		{"igb 0000:01:00.0: 4 VFs allocated", KMSG_OTHER},
		{"", KMSG_OTHER},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum kmsg_kind got = kmsg_classify(cases[i].text);

		if (got != cases[i].kind)
			fail_msg("\"%s\": kind %s, expected %s", cases[i].text,
				 kmsg_kind_name(got), kmsg_kind_name(cases[i].kind));
	}
}

static void test_kind_texts(void **state)
{
	(void)state;
	for (int k = 0; k < KMSG_KIND_COUNT; k++) {
		assert_non_null(kmsg_kind_name(k));
		for (int j = 0; j < k; j++)
			assert_string_not_equal(kmsg_kind_name(k), kmsg_kind_name(j));
		if (k != KMSG_OTHER)
			assert_non_null(kmsg_kind_summary(k));
	}
	assert_string_equal(kmsg_kind_name(KMSG_KIND_COUNT + 5), "other");
	assert_null(kmsg_kind_remedy(KMSG_OTHER));
	/* the two ENOMEM causes have different fixes */
	assert_non_null(
		strstr(kmsg_kind_remedy(KMSG_SRIOV_BUS_RANGE), "pci=assign-busses"));
	assert_null(
		strstr(kmsg_kind_remedy(KMSG_SRIOV_BUS_RANGE), "boot with pci=realloc"));
	assert_non_null(strstr(kmsg_kind_remedy(KMSG_SRIOV_NO_MMIO), "pci=realloc"));
	assert_non_null(strstr(kmsg_kind_remedy(KMSG_SRIOV_NO_MMIO), "BIOS"));
	assert_non_null(strstr(kmsg_kind_remedy(KMSG_SRIOV_NO_MMIO), "SR-IOV support"));
	assert_non_null(
		strstr(kmsg_kind_remedy(KMSG_SRIOV_BARS_UNASSIGNED), "pci=realloc"));
}

/* ---- saved logs ---------------------------------------------------------- */

static void assert_find(const char *file, const char *pf, enum kmsg_kind kind,
			const char *text_part)
{
	struct pci_addr a = addr(pf);
	const struct kmsg_record *rec;
	struct kmsg_log log;

	load_sample(file, &log);
	rec = kmsg_log_find(&log, &a);
	if (kind == KMSG_OTHER) {
		assert_null(rec);
	} else {
		assert_non_null(rec);
		if (rec->kind != kind)
			fail_msg("%s: found %s \"%s\", expected %s", file,
				 kmsg_kind_name(rec->kind), rec->text,
				 kmsg_kind_name(kind));
		assert_non_null(strstr(rec->text, text_part));
	}
	kmsg_log_free(&log);
}

static void test_samples_find(void **state)
{
	(void)state;
	/* the line with a known remedy wins over the driver's generic failure */
	assert_find("bus-range.kmsg", "0000:3b:00.0", KMSG_SRIOV_BUS_RANGE, "bus 3c");
	assert_find("no-mmio.dmesg", "0000:05:00.0", KMSG_SRIOV_NO_MMIO, "05:00.0");
	assert_find("no-mmio.dmesg", "0000:05:00.1", KMSG_SRIOV_NO_MMIO, "05:00.1");
	assert_find("mlx5-mmio.dmesg", "0000:b0:00.0", KMSG_SRIOV_NO_MMIO, "MMIO");
	assert_find("bars.kmsg", "0000:41:00.0", KMSG_SRIOV_BARS_UNASSIGNED, "BARS");
	assert_find("ice-msix.dmesg", "0000:17:00.0", KMSG_MSIX_FAILED, "MSI-X");
	assert_find("fewer.kmsg", "0000:82:00.0", KMSG_SRIOV_FEWER_ENABLED, "only 4");
	assert_find("no-driver.kmsg", "0000:06:00.0", KMSG_SRIOV_NO_DRIVER, "no driver");
	assert_find("no-driver.kmsg", "0000:07:00.0", KMSG_SRIOV_NO_CONFIGURE, "SRIOV");
	assert_find("vf-reset.dmesg", "0000:3b:00.0", KMSG_VF_RESET, "VF 3");
	/* nothing about this device */
	assert_find("bus-range.kmsg", "0000:3b:00.1", KMSG_OTHER, NULL);
	assert_find("no-mmio.dmesg", "0000:06:00.0", KMSG_OTHER, NULL);
}

static size_t count_kind(const struct kmsg_log *log, enum kmsg_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < log->n; i++)
		n += log->v[i].kind == kind;
	return n;
}

static void test_samples_whole(void **state)
{
	struct kmsg_log log;

	(void)state;
	load_sample("bus-range.kmsg", &log);
	assert_int_equal(log.n, 4); /* continuation lines belong to their record */
	assert_int_equal(log.v[0].seq, 2210);
	assert_int_equal(log.v[3].seq, 2213);
	assert_string_equal(log.v[3].device, "0000:3b:00.1");
	assert_int_equal(count_kind(&log, KMSG_SRIOV_ENABLE_FAILED), 1);
	kmsg_log_free(&log);

	load_sample("no-mmio.dmesg", &log);
	assert_int_equal(log.n, 5);
	assert_int_equal(count_kind(&log, KMSG_SRIOV_NO_MMIO), 2);
	assert_int_equal(count_kind(&log, KMSG_SRIOV_ENABLE_FAILED), 2);
	kmsg_log_free(&log);

	load_sample("iommu-on.dmesg", &log);
	assert_int_equal(count_kind(&log, KMSG_IOMMU_ENABLED), 2);
	assert_int_equal(count_kind(&log, KMSG_IOMMU_DISABLED), 0);
	assert_int_equal(count_kind(&log, KMSG_MSIX_FAILED), 0);
	kmsg_log_free(&log);

	load_sample("iommu-off.dmesg", &log);
	assert_int_equal(count_kind(&log, KMSG_IOMMU_DISABLED), 1);
	assert_int_equal(count_kind(&log, KMSG_IOMMU_ENABLED), 0);
	kmsg_log_free(&log);

	load_sample("amd-iommu.dmesg", &log);
	assert_int_equal(count_kind(&log, KMSG_IOMMU_ENABLED), 2);
	kmsg_log_free(&log);
}

static void test_vm_sample(void **state)
{
	struct pci_addr pf = addr("0000:01:00.0"), vf = addr("0000:01:10.0");
	struct kmsg_log log;
	size_t about_vf = 0, about_pf = 0, resets = 0;

	(void)state;
	load_sample("vm-igb-enable.kmsg", &log);
	assert_int_equal(log.n, 33); /* seq 446..478, one record each */
	assert_int_equal(log.v[0].seq, 446);
	assert_int_equal(log.v[32].seq, 478);
	for (size_t i = 0; i < log.n; i++) {
		assert_true(log.v[i].has_ts);
		assert_int_equal(log.v[i].facility, 0);
		assert_int_equal(log.v[i].level, 6);
		assert_true(log.v[i].has_pci_addr);
		about_vf += kmsg_record_is_about(&log.v[i], &vf);
		about_pf += kmsg_record_is_about(&log.v[i], &pf);
		resets += log.v[i].kind == KMSG_VF_RESET;
	}
	assert_int_equal(about_vf, 8);
	assert_int_equal(about_pf, 1); /* "igb 0000:01:00.0: 4 VFs allocated" */
	assert_int_equal(resets, 8);   /* igbvf: PF still in reset / resetting, per VF */
	assert_string_equal(log.v[32].text, "igb 0000:01:00.0: 4 VFs allocated");
	assert_string_equal(log.v[32].origin, "igb");
	/* a successful enable: nothing that explains a failure about the PF */
	assert_null(kmsg_log_find(&log, &pf));
	kmsg_log_free(&log);

	/* the real kernel's answers to a bad write */
	load_sample("vm-kernel-answers.kmsg", &log);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.v[0].level, 4);
	assert_int_equal(log.v[0].kind, KMSG_SRIOV_ALREADY_ENABLED);
	assert_int_equal(log.v[1].kind, KMSG_SRIOV_NO_DRIVER);
	assert_int_equal(pci_addr_cmp(&log.v[1].addr, &pf), 0);
	kmsg_log_free(&log);
}

static void test_find_prefers_remedy(void **state)
{
	/* a generic failure line first, the one with a known fix after it */
	static const char text[] =
		"[ 5.0] ixgbe 0000:05:00.0: Failed to enable PCI sriov: -12\n"
		"[ 5.1] ixgbe 0000:05:00.1: not enough MMIO resources for SR-IOV\n"
		"[ 5.2] ixgbe 0000:05:00.0: not enough MMIO resources for SR-IOV\n";
	struct pci_addr a = addr("0000:05:00.0"), b = addr("0000:05:00.3");
	const struct kmsg_record *rec;
	struct kmsg_log log = {0};

	(void)state;
	assert_int_equal(kmsg_parse_text(text, strlen(text), &log), 0);
	assert_int_equal(log.n, 3);
	rec = kmsg_log_find(&log, &a);
	assert_ptr_equal(rec, &log.v[2]);
	assert_null(kmsg_log_find(&log, &b));
	/* without a line that has a remedy, the first classified one */
	log.v[2].kind = KMSG_OTHER;
	assert_ptr_equal(kmsg_log_find(&log, &a), &log.v[0]);
	kmsg_log_free(&log);
	assert_null(log.v);
	assert_int_equal(log.n, 0);
}

static void test_is_about(void **state)
{
	struct pci_addr a = addr("0000:01:00.0"), b = addr("0000:01:00.1");
	struct kmsg_record rec;
	const char *l = "[ 1.0] pci 0000:01:00.0: not enough MMIO resources for SR-IOV";

	(void)state;
	assert_int_equal(kmsg_parse_text_line(l, strlen(l), &rec), 0);
	assert_true(kmsg_record_is_about(&rec, &a));
	assert_false(kmsg_record_is_about(&rec, &b));
	l = "[ 1.0] vfio-pci: cannot reset 0000:01:00.1 while it is bound";
	assert_int_equal(kmsg_parse_text_line(l, strlen(l), &rec), 0);
	assert_true(kmsg_record_is_about(&rec, &b)); /* named in the text */
	assert_false(kmsg_record_is_about(&rec, &a));
}

/* ---- the reader ---------------------------------------------------------- */

static void append(const char *root, const char *rel, const char *text)
{
	char path[TREE_PATH_MAX];
	FILE *f;

	tree_path(root, rel, path);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_reader_new_only(void **state)
{
	char tree[TREE_PATH_MAX];
	struct kmsg_reader *k;
	struct sriov_root *r;
	struct kmsg_log log = {0};
	struct sriov_err e;

	(void)state;
	tree_new(tree);
	tree_writef(tree, "dev/kmsg",
		    "3,1,100,-;pci 0000:01:00.0: not enough MMIO resources for SR-IOV\n"
		    " DEVICE=+pci:0000:01:00.0\n");
	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(tree, &r, &e), 0);
	assert_int_equal(kmsg_open(r, &k, &e), 0);
	/* nothing new yet: the old line is not returned */
	assert_int_equal(kmsg_read_new(k, &log, &e), 0);
	assert_int_equal(log.n, 0);
	append(tree, "dev/kmsg",
	       "3,2,200,-;pci 0000:01:00.0: can't enable 8 VFs "
	       "(bus 02 out of range of [bus 01])\n"
	       " DEVICE=+pci:0000:01:00.0\n"
	       "6,3,300,-;igb 0000:01:00.0: hello\n");
	assert_int_equal(kmsg_read_new(k, &log, &e), 0);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.v[0].seq, 2);
	assert_int_equal(log.v[0].kind, KMSG_SRIOV_BUS_RANGE);
	assert_int_equal(log.v[1].seq, 3);
	assert_false(log.lost);
	/* read again: nothing more */
	assert_int_equal(kmsg_read_new(k, &log, &e), 0);
	assert_int_equal(log.n, 2);
	kmsg_log_free(&log);
	kmsg_close(k);
	kmsg_close(NULL);
	sriov_root_close(r);
	tree_remove(tree);
}

static void test_reader_missing(void **state)
{
	char tree[TREE_PATH_MAX];
	struct kmsg_reader *k = (void *)1;
	struct sriov_root *r;
	struct sriov_err e;

	(void)state;
	tree_new(tree);
	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(tree, &r, &e), 0);
	assert_int_equal(kmsg_open(r, &k, &e), -ENOENT);
	assert_null(k);
	assert_non_null(strstr(e.msg, "/dev/kmsg"));
	sriov_root_close(r);
	tree_remove(tree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_record_device_from_prefix),
		cmocka_unit_test(test_record_escapes_and_facility),
		cmocka_unit_test(test_record_other_device_kinds),
		cmocka_unit_test(test_record_invalid),
		cmocka_unit_test(test_dmesg_line),
		cmocka_unit_test(test_dmesg_variants),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_kind_texts),
		cmocka_unit_test(test_samples_find),
		cmocka_unit_test(test_samples_whole),
		cmocka_unit_test(test_vm_sample),
		cmocka_unit_test(test_find_prefers_remedy),
		cmocka_unit_test(test_is_about),
		cmocka_unit_test(test_reader_new_only),
		cmocka_unit_test(test_reader_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
