// SPDX-License-Identifier: MIT
/*
 * Inventory over a sysfs tree built in a temporary directory with the
 * kernel's layout (tree_build_igb()): every field of the PF and its VFs, the
 * IOMMU groups, the virtfn/offset/stride cross-check, fallbacks to the
 * sysfs sriov_* attributes, a missing or odd tree, and VF settings from a
 * recorded RTM_NEWLINK message.
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
#include <linux/if_ether.h>

#include "sriov/inventory.h"
#include "tree_util.h"

static char tree[TREE_PATH_MAX];

static int read_tree_flags(struct inventory *inv, unsigned int flags, struct sriov_err *e)
{
	struct sriov_root *r;
	int ret;

	memset(inv, 0xa5, sizeof(*inv)); /* the reader must initialise all of it */
	if (sriov_root_open(tree, &r, e) < 0)
		return -1;
	ret = sriov_inventory_read(r, INV_NO_NETLINK | INV_NO_NAMES | flags, inv, e);
	sriov_root_close(r);
	return ret;
}

static int read_tree(struct inventory *inv, struct sriov_err *e)
{
	return read_tree_flags(inv, 0, e);
}

static void read_tree_ok(struct inventory *inv)
{
	struct sriov_err e;

	sriov_err_clear(&e);
	assert_int_equal(read_tree(inv, &e), 0);
	assert_int_equal(e.code, 0);
}

static void assert_addr(const struct pci_addr *a, unsigned int bus, unsigned int dev,
			unsigned int fn)
{
	assert_int_equal(a->domain, 0);
	assert_int_equal(a->bus, bus);
	assert_int_equal(a->dev, dev);
	assert_int_equal(a->fn, fn);
}

static void assert_group(const struct inventory *inv, int id, const char *m0,
			 const char *m1)
{
	const struct iommu_group *g = inventory_group(inv, id);

	assert_non_null(g);
	assert_int_equal(g->id, id);
	assert_int_equal(g->n_members, m1 ? 2 : 1);
	assert_string_equal(g->members[0], m0);
	if (m1)
		assert_string_equal(g->members[1], m1);
}

/* ---- the full tree ------------------------------------------------------- */

static void assert_pf_fields(const struct pf *pf)
{
	assert_string_equal(pf->addr_str, "0000:01:00.0");
	assert_addr(&pf->addr, 1, 0, 0);
	assert_int_equal(pf->vendor_id, 0x8086);
	assert_int_equal(pf->device_id, 0x10c9);
	assert_int_equal(pf->subsys_vendor_id, 0x8086);
	assert_int_equal(pf->subsys_device_id, 0xa03c);
	assert_int_equal(pf->class_code, 0x020000);
	assert_int_equal(pf->revision, 0x01);
	/* INV_NO_NAMES: numeric names, as lspci -n would print them */
	assert_string_equal(pf->vendor_name, "8086");
	assert_string_equal(pf->device_name, "Device 8086:10c9");
	assert_string_equal(pf->class_name, "0200");
	assert_string_equal(pf->driver, "igb");
	assert_string_equal(pf->module, "igb");
	assert_int_equal(pf->numa_node, -1);
	assert_int_equal(pf->iommu_group, 8);

	assert_int_equal(pf->n_netdevs, 1);
	assert_string_equal(pf->netdevs[0].name, "eth0");
	assert_string_equal(pf->netdevs[0].mac, TREE_IGB_MAC0);
	assert_string_equal(pf->netdevs[0].operstate, "up");
	assert_int_equal(pf->netdevs[0].ifindex, TREE_IGB_IFIDX0);

	assert_int_equal(pf->total_vfs, 7);
	assert_int_equal(pf->num_vfs, 2);
	assert_int_equal(pf->drivers_autoprobe, 1);
	assert_int_equal(pf->sysfs_vf_offset, 128);
	assert_int_equal(pf->sysfs_vf_stride, 2);
	assert_int_equal(pf->sysfs_vf_device, 0x10ca);
}

static void assert_pf_caps(const struct pf *pf)
{
	const struct sriov_cap *s = &pf->caps.sriov;

	assert_true(pf->has_caps);
	assert_false(pf->config_partial);
	assert_true(pf->caps.ext_space_read);
	assert_false(pf->caps.walk_truncated);
	assert_true(pf->caps.has_pcie);
	assert_int_equal(pf->caps.pcie.offset, 0x40);
	assert_true(pf->caps.has_ari);
	assert_int_equal(pf->caps.ari.offset, 0x100);
	assert_int_equal(pf->caps.ari.next_function, 1);
	assert_true(pf->caps.has_sriov);
	assert_int_equal(s->offset, 0x160);
	assert_int_equal(s->version, 1);
	assert_int_equal(s->initial_vfs, 8);
	assert_int_equal(s->total_vfs, 8); /* config says 8, sysfs (driver) 7 */
	assert_int_equal(s->num_vfs, 2);
	assert_int_equal(s->vf_offset, 128);
	assert_int_equal(s->vf_stride, 2);
	assert_int_equal(s->vf_device_id, 0x10ca);
	assert_true(s->vf_enable);
	assert_true(s->vf_mse);
	assert_true(s->ari_capable_hierarchy);
	assert_false(s->vf_migration_enable);
	assert_int_equal(s->supported_page_sizes, 0x553);
	assert_int_equal(s->system_page_size, 1);
}

static void assert_vfs(const struct pf *pf)
{
	const struct vf *v0 = &pf->vfs[0], *v1 = &pf->vfs[1];

	assert_int_equal(pf->n_vfs, 2);
	assert_false(pf->vf_list_truncated);

	assert_int_equal(v0->index, 0);
	assert_string_equal(v0->addr_str, "0000:01:10.0");
	assert_addr(&v0->addr, 1, 0x10, 0);
	assert_int_equal(v0->device_id, 0x10ca);
	assert_string_equal(v0->driver, "igbvf");
	assert_int_equal(v0->iommu_group, 9);
	assert_int_equal(v0->n_netdevs, 1);
	assert_string_equal(v0->netdevs[0].name, "eth1");
	assert_false(v0->addr_mismatch);
	assert_addr(&v0->predicted, 1, 0x10, 0);

	assert_int_equal(v1->index, 1);
	assert_string_equal(v1->addr_str, "0000:01:10.2");
	assert_addr(&v1->addr, 1, 0x10, 2);
	assert_int_equal(v1->device_id, 0x10ca);
	assert_string_equal(v1->driver, "vfio-pci");
	assert_int_equal(v1->iommu_group, 10);
	assert_int_equal(v1->n_netdevs, 0);
	assert_null(v1->netdevs);
	assert_false(v1->addr_mismatch);
	assert_addr(&v1->predicted, 1, 0x10, 2);
}

static void test_full_tree(void **state)
{
	struct inventory inv;
	const struct pf *pf;
	struct pci_addr a = {.bus = 1};

	(void)state;
	read_tree_ok(&inv);
	assert_int_equal(inv.n_pfs, 1);
	assert_int_equal(inv.n_notes, 0);
	pf = &inv.pfs[0];
	assert_pf_fields(pf);
	assert_pf_caps(pf);
	assert_vfs(pf);
	/* no recorded rtnetlink message: settings unknown */
	assert_false(pf->vfs[0].has_info);
	assert_false(pf->vfs[1].has_info);
	assert_null(pf->rtnl_raw);
	assert_int_equal(pf->rtnl_raw_len, 0);

	/* the groups of the listed functions, with every member */
	assert_int_equal(inv.n_groups, 3);
	assert_int_equal(inv.groups[0].id, 8);
	assert_int_equal(inv.groups[1].id, 9);
	assert_int_equal(inv.groups[2].id, 10);
	assert_group(&inv, 8, "0000:01:00.0", "0000:01:00.1");
	assert_group(&inv, 9, "0000:01:10.0", NULL);
	assert_group(&inv, 10, "0000:01:10.2", NULL);
	assert_null(inventory_group(&inv, 7)); /* the root port is not listed */
	assert_null(inventory_group(&inv, -1));

	assert_ptr_equal(inventory_find_pf(&inv, &a), pf);
	a.dev = 0x10;
	assert_null(inventory_find_pf(&inv, &a));

	sriov_inventory_free(&inv);
	assert_int_equal(inv.n_pfs, 0);
	assert_null(inv.pfs);
	sriov_inventory_free(&inv); /* twice is harmless */
}

static void test_virtfn_mismatch(void **state)
{
	struct inventory inv;
	const struct vf *v1;

	(void)state;
	tree_symlink(tree, TREE_IGB_PF "/virtfn1", "../0000:01:10.4");
	read_tree_ok(&inv);
	assert_int_equal(inv.pfs[0].n_vfs, 2);
	assert_false(inv.pfs[0].vfs[0].addr_mismatch);
	v1 = &inv.pfs[0].vfs[1];
	assert_int_equal(v1->index, 1);
	assert_string_equal(v1->addr_str, "0000:01:10.4");
	assert_true(v1->addr_mismatch);
	assert_addr(&v1->predicted, 1, 0x10, 2);
	/* not in /sys/bus/pci/devices: nothing more known */
	assert_string_equal(v1->driver, "");
	assert_int_equal(v1->iommu_group, -1);
	assert_int_equal(inv.n_groups, 2);
	sriov_inventory_free(&inv);
}

/* Without sriov_offset/sriov_stride, the prediction uses config space. */
static void test_predict_from_config(void **state)
{
	struct inventory inv;

	(void)state;
	tree_unlink(tree, TREE_IGB_PF "/sriov_offset");
	tree_unlink(tree, TREE_IGB_PF "/sriov_stride");
	tree_unlink(tree, TREE_IGB_PF "/sriov_vf_device");
	read_tree_ok(&inv);
	assert_int_equal(inv.pfs[0].sysfs_vf_offset, -1);
	assert_int_equal(inv.pfs[0].sysfs_vf_stride, -1);
	assert_int_equal(inv.pfs[0].sysfs_vf_device, -1);
	assert_int_equal(inv.pfs[0].n_vfs, 2);
	assert_false(inv.pfs[0].vfs[0].addr_mismatch);
	assert_false(inv.pfs[0].vfs[1].addr_mismatch);
	assert_addr(&inv.pfs[0].vfs[1].predicted, 1, 0x10, 2);
	assert_int_equal(inv.pfs[0].vfs[1].device_id, 0x10ca);
	sriov_inventory_free(&inv);
}

/* ---- config space fallbacks ---------------------------------------------- */

static void test_config_64_bytes(void **state)
{
	uint8_t cfg[4096];
	struct inventory inv;
	const struct pf *pf;

	(void)state;
	tree_igb_config(cfg);
	tree_write(tree, TREE_IGB_PF "/config", cfg, 64);
	read_tree_ok(&inv);
	pf = &inv.pfs[0];
	assert_true(pf->config_partial);
	assert_true(pf->has_caps);
	assert_false(pf->caps.ext_space_read);
	assert_false(pf->caps.has_ari);
	/* IDs still from the 64 bytes there are */
	assert_int_equal(pf->vendor_id, 0x8086);
	assert_int_equal(pf->device_id, 0x10c9);
	assert_int_equal(pf->subsys_device_id, 0xa03c);
	assert_int_equal(pf->class_code, 0x020000);
	/* SR-IOV values from sysfs */
	assert_true(pf->caps.has_sriov);
	assert_int_equal(pf->caps.sriov.total_vfs, 7);
	assert_int_equal(pf->caps.sriov.initial_vfs, 7);
	assert_int_equal(pf->caps.sriov.num_vfs, 2);
	assert_true(pf->caps.sriov.vf_enable);
	assert_int_equal(pf->caps.sriov.vf_offset, 128);
	assert_int_equal(pf->caps.sriov.vf_stride, 2);
	assert_int_equal(pf->caps.sriov.vf_device_id, 0x10ca);
	assert_int_equal(pf->n_vfs, 2);
	assert_string_equal(pf->vfs[1].addr_str, "0000:01:10.2");
	sriov_inventory_free(&inv);
}

static void test_config_256_bytes(void **state)
{
	uint8_t cfg[4096];
	struct inventory inv;
	const struct pf *pf;

	(void)state;
	tree_igb_config(cfg);
	tree_write(tree, TREE_IGB_PF "/config", cfg, 256);
	read_tree_ok(&inv);
	pf = &inv.pfs[0];
	assert_true(pf->config_partial);
	assert_true(pf->has_caps);
	assert_true(pf->caps.has_pcie); /* the standard list is there */
	assert_true(pf->caps.has_sriov);
	assert_int_equal(pf->caps.sriov.total_vfs, 7);
	assert_int_equal(pf->caps.sriov.offset, 0);
	sriov_inventory_free(&inv);
}

static void test_config_missing(void **state)
{
	struct inventory inv;
	const struct pf *pf;

	(void)state;
	tree_unlink(tree, TREE_IGB_PF "/config");
	read_tree_ok(&inv);
	pf = &inv.pfs[0];
	assert_true(pf->config_partial);
	assert_false(pf->has_caps);
	/* IDs from the sysfs attributes */
	assert_int_equal(pf->vendor_id, 0x8086);
	assert_int_equal(pf->device_id, 0x10c9);
	assert_int_equal(pf->subsys_vendor_id, 0x8086);
	assert_int_equal(pf->subsys_device_id, 0xa03c);
	assert_int_equal(pf->class_code, 0x020000);
	assert_int_equal(pf->revision, 1);
	assert_true(pf->caps.has_sriov);
	assert_int_equal(pf->caps.sriov.total_vfs, 7);
	assert_int_equal(pf->caps.sriov.num_vfs, 2);
	assert_int_equal(pf->n_vfs, 2);
	assert_int_equal(inv.n_notes, 1);
	assert_non_null(strstr(inv.notes[0], "config space"));
	sriov_inventory_free(&inv);
}

/* ---- missing and odd trees ------------------------------------------------ */

static void test_no_pci_devices(void **state)
{
	struct inventory inv;
	struct sriov_err e;
	char path[TREE_PATH_MAX];

	(void)state;
	tree_path(tree, "sys/bus/pci/devices", path);
	tree_remove(path);
	sriov_err_clear(&e);
	assert_int_equal(read_tree(&inv, &e), -ENOENT);
	assert_int_equal(e.code, -ENOENT);
	assert_non_null(strstr(e.msg, "/sys/bus/pci/devices"));
	assert_non_null(strstr(e.hint, "sys/bus/pci/devices"));
	assert_int_equal(inv.n_pfs, 0);
	assert_null(inv.pfs);
	assert_int_equal(inv.n_groups, 0);
	assert_null(inv.groups);
	sriov_inventory_free(&inv);

	/* an empty root: the same */
	tree_path(tree, "sys", path);
	tree_remove(path);
	sriov_err_clear(&e);
	assert_int_equal(read_tree(&inv, &e), -ENOENT);
	assert_true(e.hint[0] != '\0');
}

static void test_no_pfs(void **state)
{
	struct inventory inv;
	char path[TREE_PATH_MAX];

	(void)state;
	/* an empty device list, and no /sys/class/net at all */
	tree_path(tree, "sys/bus/pci/devices", path);
	tree_remove(path);
	tree_mkdir(tree, "sys/bus/pci/devices");
	tree_path(tree, "sys/class", path);
	tree_remove(path);
	read_tree_ok(&inv);
	assert_int_equal(inv.n_pfs, 0);
	assert_int_equal(inv.n_groups, 0);
	sriov_inventory_free(&inv);
}

static void test_odd_attributes(void **state)
{
	struct inventory inv;
	const struct pf *pf;

	(void)state;
	tree_writef(tree, TREE_IGB_PF "/sriov_numvfs", "two\n");
	tree_write(tree, TREE_IGB_PF "/sriov_totalvfs", "", 0);
	tree_write(tree, TREE_IGB_PF "/sriov_drivers_autoprobe", "\n", 1);
	tree_writef(tree, TREE_IGB_PF "/numa_node", "abc\n");
	tree_writef(tree, TREE_IGB_PF "/sriov_offset", "-5\n");
	tree_writef(tree, TREE_IGB_PF "/sriov_stride", "99999999999\n");
	tree_writef(tree, TREE_IGB_PF "/sriov_vf_device", "zz\n");
	tree_write(tree, TREE_IGB_PF "/net/eth0/address", "", 0);
	tree_write(tree, TREE_IGB_PF "/net/eth0/operstate", "", 0);
	tree_writef(tree, TREE_IGB_PF "/net/eth0/ifindex", "x\n");
	tree_symlink(tree, TREE_IGB_PF "/iommu_group",
		     "../../../../kernel/iommu_groups/abc");
	tree_unlink(tree, TREE_IGB_PF "/driver");
	read_tree_ok(&inv);
	assert_int_equal(inv.n_pfs, 1); /* still a PF: sriov_totalvfs exists */
	pf = &inv.pfs[0];
	assert_int_equal(pf->num_vfs, -1);
	assert_int_equal(pf->total_vfs, -1);
	assert_int_equal(pf->drivers_autoprobe, -1);
	assert_int_equal(pf->numa_node, -1);
	assert_int_equal(pf->sysfs_vf_offset, -1);
	assert_int_equal(pf->sysfs_vf_stride, -1);
	assert_int_equal(pf->sysfs_vf_device, -1);
	assert_int_equal(pf->iommu_group, -1);
	assert_string_equal(pf->driver, "");
	assert_string_equal(pf->module, "");
	assert_int_equal(pf->n_netdevs, 1);
	assert_string_equal(pf->netdevs[0].mac, "");
	assert_string_equal(pf->netdevs[0].operstate, "");
	assert_int_equal(pf->netdevs[0].ifindex, 0);
	/* the VF count, addresses and device id come from config space */
	assert_int_equal(pf->n_vfs, 2);
	assert_int_equal(pf->vfs[0].device_id, 0x10ca);
	assert_false(pf->vfs[0].addr_mismatch);
	assert_false(pf->vfs[1].addr_mismatch);
	assert_int_equal(inv.n_groups, 2);
	sriov_inventory_free(&inv);
}

static void test_odd_structure(void **state)
{
	struct inventory inv;
	const struct pf *pf;

	(void)state;
	/* device entries that loop, dangle or are not PCI addresses */
	tree_symlink(tree, "sys/bus/pci/devices/0000:02:00.0", "0000:02:00.0");
	tree_symlink(tree, "sys/bus/pci/devices/0000:03:00.0", "../../../devices/loop/a");
	tree_symlink(tree, "sys/devices/loop/a", "b");
	tree_symlink(tree, "sys/devices/loop/b", "a");
	tree_symlink(tree, "sys/bus/pci/devices/0000:04:00.0",
		     "../../../devices/nowhere");
	tree_mkdir(tree, "sys/bus/pci/devices/garbage");
	tree_mkdir(tree, "sys/bus/pci/devices/0000:1:0.0");
	tree_writef(tree, "sys/bus/pci/devices/0000:05:00.0", "a file\n");
	/* netdevs that loop or are not PCI */
	tree_symlink(tree, "sys/class/net/loop0", "loop0");
	tree_writef(tree, "sys/class/net/file0", "x\n");
	/* a virtfn that is not an address, one that loops */
	tree_symlink(tree, TREE_IGB_PF "/virtfn0", "../notapci");
	tree_symlink(tree, TREE_IGB_PF "/virtfn2", "virtfn2");
	tree_writef(tree, TREE_IGB_PF "/sriov_numvfs", "3\n");
	/* a driver without a module link (built in) */
	tree_unlink(tree, "sys/bus/pci/drivers/igb/module");
	read_tree_ok(&inv);
	assert_int_equal(inv.n_pfs, 1);
	pf = &inv.pfs[0];
	assert_string_equal(pf->driver, "igb");
	assert_string_equal(pf->module, "");
	assert_int_equal(pf->num_vfs, 3);
	assert_int_equal(pf->n_vfs, 1);
	assert_int_equal(pf->vfs[0].index, 1);
	assert_string_equal(pf->vfs[0].addr_str, "0000:01:10.2");
	assert_false(pf->vfs[0].addr_mismatch);
	assert_int_equal(pf->n_netdevs, 1);
	sriov_inventory_free(&inv);
}

/* PFs only (list): the PF as in full, no VF, its netdev by name, no groups. */
static void test_pfs_only(void **state)
{
	struct inventory inv;
	const struct pf *pf;

	(void)state;
	assert_int_equal(read_tree_flags(&inv, INV_PFS_ONLY, NULL), 0);
	assert_int_equal(inv.n_pfs, 1);
	pf = &inv.pfs[0];
	assert_string_equal(pf->addr_str, "0000:01:00.0");
	assert_int_equal(pf->device_id, 0x10c9);
	assert_string_equal(pf->driver, "igb");
	assert_int_equal(pf->num_vfs, 2);
	assert_int_equal(pf->total_vfs, 7);
	assert_int_equal(pf->n_vfs, 0);
	assert_null(pf->vfs);
	assert_int_equal(pf->n_netdevs, 1);
	assert_string_equal(pf->netdevs[0].name, "eth0");
	assert_int_equal(inv.n_groups, 0);
	assert_false(inv.damaged);
	sriov_inventory_free(&inv);
}

/*
 * Functions are read through their bus's directory; one whose entry there is
 * a symlink, or whose bus/pci/devices link leads elsewhere, through its own
 * path instead: the same facts either way.
 */
static void test_odd_locations(void **state)
{
	char from[TREE_PATH_MAX], to[TREE_PATH_MAX];
	struct inventory inv;
	const struct pf *pf;

	(void)state;
	tree_path(tree, TREE_IGB_VF1, from);
	tree_path(tree, "sys/devices/moved-vf", to);
	assert_int_equal(rename(from, to), 0);
	tree_symlink(tree, TREE_IGB_VF1, "../../moved-vf");
	tree_path(tree, "sys/devices/pci0000:00/0000:00:02.0/0000:01:00.1", from);
	tree_path(tree, "sys/devices/sibling", to);
	assert_int_equal(rename(from, to), 0);
	tree_unlink(tree, "sys/bus/pci/devices/0000:01:00.1");
	tree_symlink(tree, "sys/bus/pci/devices/0000:01:00.1",
		     "../../../devices/sibling");
	read_tree_ok(&inv);
	pf = &inv.pfs[0];
	assert_vfs(pf);
	assert_group(&inv, 8, "0000:01:00.0", "0000:01:00.1");
	sriov_inventory_free(&inv);
}

/* Two PFs, in address order; a PF with no VFs enabled. */
static void test_two_pfs(void **state)
{
	struct inventory inv;

	(void)state;
	tree_writef(tree,
		    "sys/devices/pci0000:00/0000:00:03.0/0000:02:00.0/sriov_totalvfs",
		    "64\n");
	tree_writef(tree, "sys/devices/pci0000:00/0000:00:03.0/0000:02:00.0/sriov_numvfs",
		    "0\n");
	tree_symlink(tree, "sys/bus/pci/devices/0000:02:00.0",
		     "../../../devices/pci0000:00/0000:00:03.0/0000:02:00.0");
	read_tree_ok(&inv);
	assert_int_equal(inv.n_pfs, 2);
	assert_string_equal(inv.pfs[0].addr_str, "0000:01:00.0");
	assert_string_equal(inv.pfs[1].addr_str, "0000:02:00.0");
	assert_int_equal(inv.pfs[1].total_vfs, 64);
	assert_int_equal(inv.pfs[1].num_vfs, 0);
	assert_int_equal(inv.pfs[1].n_vfs, 0);
	assert_null(inv.pfs[1].vfs);
	assert_int_equal(inv.pfs[1].iommu_group, -1);
	assert_int_equal(inv.pfs[1].vendor_id, 0xffff); /* nothing readable */
	assert_int_equal(inv.pfs[1].n_netdevs, 0);
	assert_int_equal(inv.pfs[0].n_vfs, 2);
	sriov_inventory_free(&inv);
}

/* ---- recorded rtnetlink --------------------------------------------------- */

static void test_recorded_rtnl(void **state)
{
	struct inventory inv;
	const struct vf_info *i0, *i1;
	static const uint8_t mac0[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x00};
	static const uint8_t mac1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x01};

	(void)state;
	tree_write_igb_rtnl(tree);
	read_tree_ok(&inv);
	assert_int_equal(inv.pfs[0].n_vfs, 2);
	assert_false(inv.pfs[0].vf_list_truncated);
	assert_null(inv.pfs[0].rtnl_raw); /* kept only from a live query */
	assert_true(inv.pfs[0].vfs[0].has_info);
	assert_true(inv.pfs[0].vfs[1].has_info);
	i0 = &inv.pfs[0].vfs[0].info;
	i1 = &inv.pfs[0].vfs[1].info;

	assert_int_equal(i0->index, 0);
	assert_true(i0->has_mac);
	assert_memory_equal(i0->mac, mac0, 6);
	assert_true(i0->has_vlan);
	assert_int_equal(i0->vlan, 100);
	assert_int_equal(i0->qos, 3);
	assert_int_equal(i0->vlan_proto, ETH_P_8021Q);
	assert_true(i0->has_rate);
	assert_int_equal(i0->min_tx_rate, 0);
	assert_int_equal(i0->max_tx_rate, 1000);
	assert_int_equal(i0->spoofchk, 1);
	assert_int_equal(i0->trust, 0);
	assert_int_equal(i0->query_rss, -1);
	assert_int_equal(i0->link_state, VF_LINK_STATE_AUTO);

	assert_int_equal(i1->index, 1);
	assert_memory_equal(i1->mac, mac1, 6);
	assert_int_equal(i1->vlan, 200);
	assert_int_equal(i1->qos, 0);
	assert_int_equal(i1->vlan_proto, ETH_P_8021AD);
	assert_int_equal(i1->min_tx_rate, 10);
	assert_int_equal(i1->max_tx_rate, 500);
	assert_int_equal(i1->spoofchk, 0);
	assert_int_equal(i1->trust, 1);
	assert_int_equal(i1->query_rss, 0);
	assert_int_equal(i1->link_state, VF_LINK_STATE_DISABLE);
	assert_int_equal(inv.n_notes, 0);
	sriov_inventory_free(&inv);
}

/* Settings attach by VF index, not by position. */
static void test_recorded_rtnl_by_index(void **state)
{
	struct inventory inv;

	(void)state;
	tree_write_igb_rtnl(tree);
	tree_unlink(tree, TREE_IGB_PF "/virtfn0");
	read_tree_ok(&inv);
	assert_int_equal(inv.pfs[0].n_vfs, 1);
	assert_int_equal(inv.pfs[0].vfs[0].index, 1);
	assert_true(inv.pfs[0].vfs[0].has_info);
	assert_int_equal(inv.pfs[0].vfs[0].info.index, 1);
	assert_int_equal(inv.pfs[0].vfs[0].info.vlan, 200);
	sriov_inventory_free(&inv);
}

/* A message cut short keeps its whole VF entries and says it was truncated. */
static void test_recorded_rtnl_truncated(void **state)
{
	uint32_t buf[1024];
	size_t len = tree_igb_rtnl_msg(buf, sizeof(buf));
	struct inventory inv;

	(void)state;
	tree_write(tree, ".sriovctl/rtnl/eth0", buf, len - 40);
	read_tree_ok(&inv);
	assert_true(inv.pfs[0].vf_list_truncated);
	assert_true(inv.pfs[0].vfs[0].has_info);
	assert_int_equal(inv.pfs[0].vfs[0].info.vlan, 100);
	assert_false(inv.pfs[0].vfs[1].has_info);
	assert_int_equal(inv.n_notes, 1);
	assert_non_null(strstr(inv.notes[0], "netlink"));
	sriov_inventory_free(&inv);
}

static void test_recorded_rtnl_garbage(void **state)
{
	struct inventory inv;

	(void)state;
	tree_writef(tree, ".sriovctl/rtnl/eth0", "this is not a netlink message\n");
	read_tree_ok(&inv);
	assert_int_equal(inv.pfs[0].n_vfs, 2);
	assert_false(inv.pfs[0].vfs[0].has_info);
	assert_false(inv.pfs[0].vfs[1].has_info);
	assert_false(inv.pfs[0].vf_list_truncated);
	sriov_inventory_free(&inv);

	tree_write(tree, ".sriovctl/rtnl/eth0", "", 0);
	read_tree_ok(&inv);
	assert_false(inv.pfs[0].vfs[0].has_info);
	sriov_inventory_free(&inv);
}

/* ---- netdevsim ----------------------------------------------------------- */

static void test_netdevsim_pf(void **state)
{
	struct inventory inv;
	const struct pf *pf;
	struct pci_addr zero = {0};
	uint32_t buf[1024];

	(void)state;
	tree_add_netdevsim10(tree, 3, 8);
	/* eth0's recorded message (VFs 0 and 1), replayed for eth5 */
	tree_write(tree, ".sriovctl/rtnl/eth5", buf, tree_igb_rtnl_msg(buf, sizeof(buf)));
	read_tree_ok(&inv);
	assert_int_equal(inv.n_pfs, 2);
	assert_string_equal(inv.pfs[0].bus_name, "pci");
	assert_string_equal(inv.pfs[0].dev_name, "0000:01:00.0");
	assert_true(pf_vfs_are_pci(&inv.pfs[0]));
	pf = &inv.pfs[1];
	assert_false(pf_vfs_are_pci(pf));
	assert_string_equal(pf->bus_name, "netdevsim");
	assert_string_equal(pf->dev_name, "netdevsim10");
	assert_string_equal(pf->addr_str, "netdevsim10");
	assert_int_equal(pci_addr_cmp(&pf->addr, &zero), 0);
	assert_string_equal(pf->driver, "netdevsim");
	assert_string_equal(pf->module, "netdevsim");
	assert_int_equal(pf->num_vfs, 3);
	assert_int_equal(pf->total_vfs, 8);
	assert_int_equal(pf->iommu_group, -1);
	assert_int_equal(pf->drivers_autoprobe, -1);
	/* the representor eth6 is not the PF's netdev */
	assert_int_equal(pf->n_netdevs, 1);
	assert_string_equal(pf->netdevs[0].name, "eth5");
	assert_int_equal(pf->netdevs[0].ifindex, 15);
	assert_int_equal(pf->n_vfs, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(pf->vfs[i].index, i);
		assert_string_equal(pf->vfs[i].addr_str, "");
		assert_string_equal(pf->vfs[i].driver, "");
		assert_int_equal(pf->vfs[i].iommu_group, -1);
		assert_int_equal(pf->vfs[i].n_netdevs, 0);
	}
	/* the recording has VFs 0 and 1 */
	assert_true(pf->vfs[0].has_info);
	assert_int_equal(pf->vfs[0].info.vlan, 100);
	assert_true(pf->vfs[1].has_info);
	assert_false(pf->vfs[2].has_info);

	assert_ptr_equal(inventory_find_pf_dev(&inv, "netdevsim", "netdevsim10"), pf);
	assert_ptr_equal(inventory_find_pf_dev(&inv, "pci", "0000:01:00.0"), &inv.pfs[0]);
	assert_null(inventory_find_pf_dev(&inv, "pci", "netdevsim10"));
	/* its all-zero address is no PCI PF's */
	assert_null(inventory_find_pf(&inv, &zero));
	sriov_inventory_free(&inv);
}

/* Without debugfs the limit is unknown; without VFs there are none; list reads less. */
static void test_netdevsim_pf_odd(void **state)
{
	struct inventory inv;
	struct sriov_err e;

	(void)state;
	tree_add_netdevsim10(tree, 0, -1);
	/* a device that is no PF, and names that are no netdevsim device */
	tree_mkdir(tree, "sys/devices/netdevsim11");
	tree_symlink(tree, "sys/bus/netdevsim/devices/netdevsim11",
		     "../../../devices/netdevsim11");
	tree_writef(tree, "sys/bus/netdevsim/devices/netdevsim012/sriov_numvfs", "1\n");
	tree_writef(tree, "sys/bus/netdevsim/devices/other/sriov_numvfs", "1\n");
	read_tree_ok(&inv);
	assert_int_equal(inv.n_pfs, 2);
	assert_int_equal(inv.pfs[1].total_vfs, -1);
	assert_int_equal(inv.pfs[1].num_vfs, 0);
	assert_int_equal(inv.pfs[1].n_vfs, 0);
	assert_false(inv.damaged);
	sriov_inventory_free(&inv);

	tree_writef(tree, "sys/devices/netdevsim10/sriov_numvfs", "2\n");
	sriov_err_clear(&e);
	assert_int_equal(read_tree_flags(&inv, INV_PFS_ONLY, &e), 0);
	assert_int_equal(inv.n_pfs, 2);
	assert_int_equal(inv.pfs[1].num_vfs, 2);
	assert_int_equal(inv.pfs[1].n_vfs, 0);
	assert_int_equal(inv.pfs[1].n_netdevs, 1);
	sriov_inventory_free(&inv);

	tree_writef(tree, "sys/devices/netdevsim10/sriov_numvfs", "many\n");
	read_tree_ok(&inv);
	assert_true(inv.damaged);
	assert_int_equal(inv.pfs[1].num_vfs, -1);
	sriov_inventory_free(&inv);
}

#define T(f) TREE_IGB_TEST(f, tree)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_full_tree),
		T(test_virtfn_mismatch),
		T(test_predict_from_config),
		T(test_config_64_bytes),
		T(test_config_256_bytes),
		T(test_config_missing),
		T(test_no_pci_devices),
		T(test_no_pfs),
		T(test_odd_attributes),
		T(test_odd_structure),
		T(test_two_pfs),
		T(test_pfs_only),
		T(test_odd_locations),
		T(test_recorded_rtnl),
		T(test_recorded_rtnl_by_index),
		T(test_recorded_rtnl_truncated),
		T(test_recorded_rtnl_garbage),
		T(test_netdevsim_pf),
		T(test_netdevsim_pf_odd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
