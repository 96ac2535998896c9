// SPDX-License-Identifier: MIT
/*
 * IOMMU groups, vfio viability, the ACS gap and a function without SR-IOV,
 * on the generated igb tree (tree_build_igb(): root port 00:02.0 in group 7,
 * PF 01:00.0 on igb and the plain function 01:00.1 in group 8, VF0 on igbvf
 * in group 9, VF1 on vfio-pci in group 10).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sriov/iommu.h"
#include "tree_util.h"

#define BRIDGE	"sys/devices/pci0000:00/0000:00:02.0"
#define SIBLING "sys/devices/pci0000:00/0000:00:02.0/0000:01:00.1"

static char tree[TREE_PATH_MAX];

static void read_groups(struct iommu_groups *gs)
{
	struct sriov_root *r;
	struct sriov_err e;

	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(tree, &r, &e), 0);
	assert_int_equal(sriov_iommu_groups_read(r, gs, &e), 0);
	sriov_root_close(r);
}

static int read_function(const char *addr, struct pci_function *f)
{
	struct sriov_root *r;
	struct sriov_err e;
	int ret;

	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(tree, &r, &e), 0);
	ret = sriov_pci_function_read(r, addr, f, &e);
	sriov_root_close(r);
	return ret;
}

/* A 4096-byte config space: PCIe-less header, ACS at 0x100 when acs_ctrl >= 0. */
static void write_config(const char *dir, uint8_t header_type, int acs_ctrl)
{
	static uint8_t cfg[4096];
	char rel[TREE_PATH_MAX];

	memset(cfg, 0, sizeof(cfg));
	cfg[0] = 0x86, cfg[1] = 0x80;
	cfg[0x0e] = header_type;
	if (acs_ctrl >= 0) {
		cfg[0x100] = 0x0d; /* ACS, version 1, no next */
		cfg[0x102] = 0x01;
		cfg[0x104] = 0x1f; /* SV TB RR CR UF */
		cfg[0x106] = (uint8_t)acs_ctrl;
	}
	snprintf(rel, sizeof(rel), "%s/config", dir);
	tree_write(tree, rel, cfg, sizeof(cfg));
}

static void set_driver(const char *dir, const char *driver)
{
	char rel[TREE_PATH_MAX], target[TREE_PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/driver", dir);
	tree_unlink(tree, rel);
	if (!driver)
		return;
	snprintf(target, sizeof(target), "../../../../bus/pci/drivers/%s", driver);
	tree_symlink(tree, rel, target);
}

static void test_groups_listed(void **state)
{
	struct iommu_groups gs;
	const struct iommu_group_view *g;

	(void)state;
	read_groups(&gs);
	assert_false(gs.from_links);
	assert_int_equal(gs.n_groups, 4);
	assert_int_equal(gs.groups[0].id, 7);
	g = iommu_groups_find(&gs, 8);
	assert_non_null(g);
	assert_int_equal(g->n_members, 2);
	assert_string_equal(g->members[0].addr, "0000:01:00.0");
	assert_true(g->members[0].is_pf);
	assert_string_equal(g->members[0].driver, "igb");
	assert_false(g->viable);
	assert_int_equal(g->spoiler, 0);
	g = iommu_groups_find(&gs, 9);
	assert_true(g->members[0].is_vf);
	assert_false(g->viable);
	g = iommu_groups_find(&gs, 10);
	assert_true(g->viable);
	assert_int_equal(g->spoiler, -1);
	/* the root port on pcieport is a bridge: its group is viable */
	g = iommu_groups_find(&gs, 7);
	assert_true(g->members[0].is_bridge);
	assert_true(g->viable);
	sriov_iommu_groups_free(&gs);
}

static void test_viability_by_driver(void **state)
{
	static const struct {
		const char *driver;
		bool viable;
	} cases[] = {
		{"vfio-pci", true}, {"pci-stub", true}, {NULL, true}, {"e1000e", false}};
	struct iommu_groups gs;

	(void)state;
	set_driver(TREE_IGB_PF, "vfio-pci"); /* the sibling decides */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct iommu_group_view *g;

		set_driver(SIBLING, cases[i].driver);
		read_groups(&gs);
		g = iommu_groups_find(&gs, 8);
		assert_int_equal(g->viable, cases[i].viable);
		assert_int_equal(g->spoiler, cases[i].viable ? -1 : 1);
		sriov_iommu_groups_free(&gs);
	}
}

static void test_bridge_member_allowed(void **state)
{
	struct iommu_groups gs;

	(void)state;
	set_driver(TREE_IGB_PF, NULL);
	tree_writef(tree, SIBLING "/class", "0x060400\n");
	set_driver(SIBLING, "shpchp");
	read_groups(&gs);
	assert_true(iommu_groups_find(&gs, 8)->viable);
	sriov_iommu_groups_free(&gs);
}

static void test_acs_gap(void **state)
{
	struct iommu_groups gs;
	const struct iommu_group_view *g;

	(void)state;
	/* the shared root port's config space is not there: named, not known */
	read_groups(&gs);
	g = iommu_groups_find(&gs, 8);
	assert_string_equal(g->acs_gap, "0000:00:02.0");
	assert_true(g->acs_gap_unknown);
	assert_string_equal(iommu_groups_find(&gs, 9)->acs_gap, "");
	sriov_iommu_groups_free(&gs);

	/* ACS present but Upstream Forwarding off: still the gap */
	write_config(BRIDGE, 1, 0x0d);
	read_groups(&gs);
	g = iommu_groups_find(&gs, 8);
	assert_string_equal(g->acs_gap, "0000:00:02.0");
	assert_false(g->acs_gap_unknown);
	assert_true(g->members[0].path.hops[0].has_acs);
	assert_false(g->members[0].path.hops[0].isolates);
	sriov_iommu_groups_free(&gs);

	/* the port isolates: the members merge inside the device (no ACS on
	 * the PF, a multifunction device), which is named instead */
	write_config(BRIDGE, 1, 0x1d);
	read_groups(&gs);
	g = iommu_groups_find(&gs, 8);
	assert_true(g->members[0].path.hops[0].isolates);
	assert_string_equal(g->acs_gap, "0000:01:00.0");
	assert_false(g->acs_gap_unknown);
	sriov_iommu_groups_free(&gs);
}

static void test_function_without_sriov(void **state)
{
	static const uint8_t short_cfg[64] = {0x86, 0x80, 0xc9, 0x10};
	static const uint8_t std_cfg[256] = {0x86, 0x80, 0xc9, 0x10};
	struct pci_function f;

	(void)state;
	write_config(SIBLING, 0, -1);
	assert_int_equal(read_function("0000:01:00.1", &f), 0);
	assert_true(f.ids_known);
	assert_int_equal(f.vendor_id, 0x8086);
	assert_int_equal(f.device_id, 0x10c9);
	assert_int_equal(f.class_code, 0x020000);
	assert_int_equal(f.iommu_group, 8);
	assert_false(f.is_pf);
	assert_int_equal(f.sriov, SRIOV_NO_CAPABILITY);
	assert_int_equal(f.path.n_hops, 1);
	assert_string_equal(f.path.hops[0].addr, "0000:00:02.0");
	sriov_pci_function_free(&f);

	/* a truncated config space (not root): SR-IOV is not known */
	tree_write(tree, SIBLING "/config", short_cfg, sizeof(short_cfg));
	assert_int_equal(read_function("0000:01:00.1", &f), 0);
	assert_int_equal(f.cfg_len, 64);
	assert_int_equal(f.sriov, SRIOV_EXT_CFG_UNREADABLE);
	sriov_pci_function_free(&f);

	/* 256 bytes read as root: conventional PCI, no extended space */
	tree_write(tree, SIBLING "/config", std_cfg, sizeof(std_cfg));
	assert_int_equal(read_function("0000:01:00.1", &f), 0);
	assert_int_equal(f.sriov, SRIOV_NO_CAPABILITY);
	sriov_pci_function_free(&f);

	/* no config at all, and no sysfs ids: identity not known */
	tree_unlink(tree, SIBLING "/config");
	tree_unlink(tree, SIBLING "/vendor");
	assert_int_equal(read_function("0000:01:00.1", &f), 0);
	assert_false(f.ids_known);
	assert_int_equal(f.sriov, SRIOV_CFG_UNREADABLE);
	sriov_pci_function_free(&f);

	/* the PF has its capability */
	assert_int_equal(read_function("0000:01:00.0", &f), 0);
	assert_int_equal(f.sriov, SRIOV_PRESENT);
	assert_string_equal(f.module, "igb");
	sriov_pci_function_free(&f);
}

static void test_unknown_function(void **state)
{
	struct pci_function f;

	(void)state;
	assert_int_equal(read_function("0000:05:00.0", &f), -ENODEV);
	assert_int_equal(read_function("../../etc", &f), -ENODEV);
}

static void test_groups_from_links(void **state)
{
	struct iommu_groups gs;

	(void)state;
	{
		char path[TREE_PATH_MAX];

		tree_path(tree, "sys/kernel", path);
		tree_remove(path);
	}
	read_groups(&gs);
	assert_true(gs.from_links);
	assert_int_equal(gs.n_groups, 4);
	assert_int_equal(iommu_groups_find(&gs, 8)->n_members, 2);
	sriov_iommu_groups_free(&gs);
}

/* IOMMU on but a group of no PCI function, and no group at all */
static void test_groups_empty(void **state)
{
	struct iommu_groups gs;
	char path[TREE_PATH_MAX];

	(void)state;
	tree_path(tree, "sys/kernel/iommu_groups", path);
	tree_remove(path);
	tree_mkdir(tree, "sys/kernel/iommu_groups/3/devices/platform-thing");
	read_groups(&gs);
	assert_int_equal(gs.n_groups, 1);
	assert_int_equal(gs.groups[0].n_members, 0);
	assert_true(gs.groups[0].viable);
	assert_int_equal(gs.groups[0].spoiler, -1);
	sriov_iommu_groups_free(&gs);
	tree_remove(path);
	tree_mkdir(tree, "sys/kernel/iommu_groups");
	read_groups(&gs);
	assert_int_equal(gs.n_groups, 0);
	assert_false(gs.from_links);
	sriov_iommu_groups_free(&gs);
}

#define T(f) TREE_IGB_TEST(f, tree)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_groups_listed),		T(test_viability_by_driver),
		T(test_bridge_member_allowed),	T(test_acs_gap),
		T(test_function_without_sriov), T(test_unknown_function),
		T(test_groups_from_links),	T(test_groups_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
