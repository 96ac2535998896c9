// SPDX-License-Identifier: MIT
/*
 * Device arguments: PCI addresses, netdev names (through
 * /sys/class/net/NAME/device), PF/INDEX forms, rejections; VF index lists.
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

#include "sriov/devarg.h"
#include "netdevsim_internal.h"
#include "tree_util.h"

static char tree[TREE_PATH_MAX];
static struct sriov_root *root;

static int setup(void **state)
{
	(void)state;
	tree_new(tree);
	tree_build_igb(tree);
	/* the PF's netdev under a predictable name as well */
	tree_symlink(tree, TREE_IGB_PF "/net/enp1s0/device", "../../../0000:01:00.0");
	tree_symlink(tree, "sys/class/net/enp1s0",
		     "../../devices/pci0000:00/0000:00:02.0/0000:01:00.0/net/enp1s0");
	/* a USB network interface: its device is not a PCI function */
	tree_symlink(
		tree,
		"sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/net/usb0/device",
		"../../../1-1:1.0");
	tree_symlink(tree, "sys/class/net/usb0",
		     "../../devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/net/usb0");
	tree_add_netdevsim10(tree, 2, 4);
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

static void test_resolve_pci_address(void **state)
{
	struct dev_ref ref;
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "0000:01:00.0", &ref, &e), 0);
	assert_int_equal(e.code, 0);
	assert_string_equal(ref.addr_str, "0000:01:00.0");
	assert_int_equal(ref.addr.domain, 0);
	assert_int_equal(ref.addr.bus, 1);
	assert_int_equal(ref.addr.dev, 0);
	assert_int_equal(ref.addr.fn, 0);
	assert_string_equal(ref.netdev, "");
	assert_false(ref.has_vf_spec);

	/* short form, and a VF by address */
	assert_int_equal(sriov_dev_resolve(root, "01:00.0", &ref, NULL), 0);
	assert_string_equal(ref.addr_str, "0000:01:00.0");
	assert_int_equal(sriov_dev_resolve(root, "01:10.2", &ref, NULL), 0);
	assert_string_equal(ref.addr_str, "0000:01:10.2");
	assert_int_equal(ref.addr.dev, 0x10);
	assert_int_equal(ref.addr.fn, 2);

	assert_int_equal(sriov_dev_resolve(root, "0000:01:00.0/0-1", &ref, NULL), 0);
	assert_string_equal(ref.addr_str, "0000:01:00.0");
	assert_true(ref.has_vf_spec);
	assert_string_equal(ref.vf_spec, "0-1");
}

static void test_resolve_netdev(void **state)
{
	struct dev_ref ref;
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "eth0", &ref, &e), 0);
	assert_string_equal(ref.netdev, "eth0");
	assert_string_equal(ref.addr_str, "0000:01:00.0");
	assert_false(ref.has_vf_spec);

	assert_int_equal(sriov_dev_resolve(root, "eth1", &ref, NULL), 0);
	assert_string_equal(ref.netdev, "eth1");
	assert_string_equal(ref.addr_str, "0000:01:10.0");

	assert_int_equal(sriov_dev_resolve(root, "enp1s0/3", &ref, NULL), 0);
	assert_string_equal(ref.netdev, "enp1s0");
	assert_string_equal(ref.addr_str, "0000:01:00.0");
	assert_int_equal(ref.addr.bus, 1);
	assert_true(ref.has_vf_spec);
	assert_string_equal(ref.vf_spec, "3");

	assert_int_equal(sriov_dev_resolve(root, "enp1s0/all", &ref, NULL), 0);
	assert_string_equal(ref.vf_spec, "all");
}

static void test_resolve_no_such_device(void **state)
{
	struct dev_ref ref;
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "nosuch", &ref, &e), -ENODEV);
	assert_int_equal(e.code, -ENODEV);
	assert_string_equal(e.msg, "no such device: nosuch");
	assert_non_null(strstr(e.hint, "sriovctl list"));

	/* the message names the whole argument */
	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "nosuch/2", &ref, &e), -ENODEV);
	assert_string_equal(e.msg, "no such device: nosuch/2");

	/* a well-formed address that is not in the tree */
	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "0000:09:00.0", &ref, &e), -ENODEV);
	assert_string_equal(e.msg, "no such device: 0000:09:00.0");
	assert_non_null(strstr(e.hint, "sriovctl list"));

	/* a netdev that is not on PCI (lo) */
	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "lo", &ref, &e), -ENODEV);
	assert_non_null(strstr(e.msg, "lo"));
	assert_string_equal(ref.netdev, "");
}

static void test_resolve_not_pci(void **state)
{
	struct dev_ref ref;
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "usb0", &ref, &e), -ENODEV);
	assert_int_equal(e.code, -ENODEV);
	assert_non_null(strstr(e.msg, "usb0"));
	assert_non_null(strstr(e.msg, "not a PCI"));
	assert_non_null(strstr(e.hint, "1-1:1.0"));
	assert_string_equal(ref.netdev, "");
}

static void assert_netdevsim10(const char *arg, const char *spec, const char *netdev)
{
	struct dev_ref ref;
	struct sriov_err e;

	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, arg, &ref, &e), 0);
	assert_string_equal(ref.bus_name, "netdevsim");
	assert_string_equal(ref.dev_name, "netdevsim10");
	assert_string_equal(ref.addr_str, "netdevsim10");
	assert_int_equal(ref.has_vf_spec, spec != NULL);
	assert_string_equal(ref.vf_spec, spec ? spec : "");
	assert_string_equal(ref.netdev, netdev);
}

static void test_resolve_netdevsim(void **state)
{
	struct dev_ref ref;
	struct sriov_err e;

	(void)state;
	assert_netdevsim10("netdevsim10", NULL, "");
	assert_netdevsim10("netdevsim/netdevsim10", NULL, "");
	assert_netdevsim10("netdevsim10/1", "1", "");
	assert_netdevsim10("netdevsim/netdevsim10/0-1", "0-1", "");
	/* its port netdev and a representor stand for the device */
	assert_netdevsim10("eth5", NULL, "eth5");
	assert_netdevsim10("eth5/all", "all", "eth5");
	assert_netdevsim10("eth6", NULL, "eth6");

	/* the devlink form of a PCI function */
	assert_int_equal(sriov_dev_resolve(root, "pci/0000:01:00.0/1", &ref, NULL), 0);
	assert_string_equal(ref.bus_name, "pci");
	assert_string_equal(ref.dev_name, "0000:01:00.0");
	assert_string_equal(ref.vf_spec, "1");
	assert_int_equal(sriov_dev_resolve(root, "eth0", &ref, NULL), 0);
	assert_string_equal(ref.bus_name, "pci");
	assert_string_equal(ref.dev_name, "0000:01:00.0");

	/* a bus with a name of another kind, or a name that is none */
	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "pci/eth0", &ref, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "pci/eth0"));
	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "netdevsim/eth5", &ref, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "netdevsimN"));
	assert_int_equal(sriov_dev_resolve(root, "netdevsim/../x", &ref, NULL), -EINVAL);
	assert_int_equal(sriov_dev_resolve(root, "netdevsim/netdevsim010", &ref, NULL),
			 -EINVAL);
	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "netdevsim11", &ref, &e), -ENODEV);
	assert_non_null(strstr(e.msg, "no such device"));
	assert_int_equal(sriov_dev_resolve(root, "netdevsim/netdevsim11", &ref, NULL),
			 -ENODEV);
}

/* On exact-size heap copies: ASan sees any read past a name's end. */
static bool name_ok(bool (*fn)(const char *), const char *s)
{
	char *copy = strdup(s);
	bool ok;

	assert_non_null(copy);
	ok = fn(copy);
	free(copy);
	return ok;
}

static void test_netdevsim_names(void **state)
{
	static const char *const good[] = {"netdevsim0", "netdevsim10",
					   "netdevsim1234567"};
	static const char *const bad[] = {"",
					  "n",
					  "eth0",
					  "netdevsim",
					  "netdevsim01",
					  "netdevsim1x",
					  "netdevsim-1",
					  "netdevsim12345678",
					  "Netdevsim1",
					  "xnetdevsim1",
					  "netdevsim1/"};
	char dev[32];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_true(name_ok(netdevsim_name_ok, good[i]));
		assert_true(name_ok(netdevsim_target_ok, good[i]));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(name_ok(netdevsim_name_ok, bad[i]));
		assert_false(name_ok(netdevsim_target_ok, bad[i]));
	}
	assert_true(name_ok(netdevsim_target_ok, "netdevsim10/0"));
	assert_true(name_ok(netdevsim_target_ok, "netdevsim10/65535"));
	assert_false(name_ok(netdevsim_target_ok, "netdevsim10/"));
	assert_false(name_ok(netdevsim_target_ok, "netdevsim10/01"));
	assert_false(name_ok(netdevsim_target_ok, "netdevsim10/123456"));
	assert_false(name_ok(netdevsim_target_ok, "netdevsim10/1/2"));
	assert_false(name_ok(netdevsim_target_ok, "netdevsim10/../x"));

	assert_int_equal(netdev_link_netdevsim("../../devices/netdevsim10/net/eth1", dev),
			 0);
	assert_string_equal(dev, "netdevsim10");
	/* not directly under /sys/devices, or not a netdevsim name */
	assert_int_equal(
		netdev_link_netdevsim("../../devices/virtual/netdevsim10/net/x", dev),
		-ENOENT);
	assert_int_equal(netdev_link_netdevsim("../../devices/pci0000:00/net/eth0", dev),
			 -ENOENT);
	assert_int_equal(netdev_link_netdevsim("netdevsim10/net/eth1", dev), -ENOENT);
	assert_int_equal(netdev_link_netdevsim("../../devices/netdevsim10", dev),
			 -ENOENT);
}

static void test_resolve_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"../x",
		"..",
		".",
		"a/b/c",
		"eth0/",
		"/3",
		"eth0/1/2",
		"eth\n0",
		"this-name-is-far-too-long-for-ifnamsiz",
		"eth0/"
		"0123456789012345678901234567890123456789012345678901234567890123456789",
	};
	struct dev_ref ref;
	struct sriov_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sriov_err_clear(&e);
		assert_int_equal(sriov_dev_resolve(root, bad[i], &ref, &e), -EINVAL);
		assert_int_equal(e.code, -EINVAL);
		assert_true(e.msg[0] != '\0');
	}
	assert_int_equal(sriov_dev_resolve(root, NULL, &ref, NULL), -EINVAL);

	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "../x", &ref, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "../x"));
	sriov_err_clear(&e);
	assert_int_equal(sriov_dev_resolve(root, "a/b/c", &ref, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "a/b/c"));
	/* a name longer than the resolver's buffer */
	sriov_err_clear(&e);
	assert_int_equal(
		sriov_dev_resolve(root,
				  "x123456789012345678901234567890123456789012345678901"
				  "234567890123456789",
				  &ref, &e),
		-EINVAL);
}

/* A netdev named like a path or a parent never reaches the file system. */
static void test_resolve_no_traversal(void **state)
{
	struct dev_ref ref;

	(void)state;
	/* ".." would make /sys/class/net/../device: must not be tried */
	tree_symlink(tree, "sys/class/device",
		     "../devices/pci0000:00/0000:00:02.0/0000:01:00.0");
	assert_int_equal(sriov_dev_resolve(root, "../3", &ref, NULL), -EINVAL);
	assert_int_equal(sriov_dev_resolve(root, "..", &ref, NULL), -EINVAL);
}

static void test_netdev_link_pci_addr(void **state)
{
	struct pci_addr a;

	(void)state;
	assert_int_equal(netdev_link_pci_addr("../../devices/pci0000:00/0000:00:02.0/"
					      "0000:01:00.0/net/eth0",
					      &a),
			 0);
	assert_int_equal(a.domain, 0);
	assert_int_equal(a.bus, 1);
	assert_int_equal(a.dev, 0);
	assert_int_equal(a.fn, 0);
	assert_int_equal(netdev_link_pci_addr("../../devices/pci0001:80/0001:80:03.1/"
					      "0001:81:10.6/net/enp129s16f6",
					      &a),
			 0);
	assert_int_equal(a.domain, 1);
	assert_int_equal(a.bus, 0x81);
	assert_int_equal(a.dev, 0x10);
	assert_int_equal(a.fn, 6);
	assert_int_equal(netdev_link_pci_addr("0000:07:00.0/net/x", &a), 0);
	assert_int_equal(a.bus, 7);

	assert_int_equal(netdev_link_pci_addr("../../devices/virtual/net/lo", &a),
			 -ENOENT);
	assert_int_equal(netdev_link_pci_addr("../../devices/pci0000:00/0000:00:03.0/"
					      "virtio0/net/eth0",
					      &a),
			 -ENOENT);
	assert_int_equal(
		netdev_link_pci_addr("../../devices/pci0000:00/0000:00:14.0/usb1/"
				     "1-1/1-1:1.0/net/usb0",
				     &a),
		-ENOENT);
	assert_int_equal(
		netdev_link_pci_addr("../../devices/pci0000:00/0000:00:02.0/"
				     "this-is-a-very-long-component-name/net/eth0",
				     &a),
		-ENOENT);
	assert_int_equal(netdev_link_pci_addr("eth0", &a), -ENOENT);
	assert_int_equal(netdev_link_pci_addr("", &a), -ENOENT);
	assert_int_equal(netdev_link_pci_addr("/net/eth0", &a), -ENOENT);
}

/* ---- VF index lists ------------------------------------------------------- */

static void assert_sel(const bool *sel, unsigned int count, const char *want)
{
	for (unsigned int i = 0; i < count; i++)
		assert_int_equal(sel[i], want[i] == '1');
}

static void test_spec_valid(void **state)
{
	bool sel[8];

	(void)state;
	assert_int_equal(vf_index_spec_parse("3", 7, sel, NULL), 0);
	assert_sel(sel, 7, "0001000");
	assert_int_equal(vf_index_spec_parse("0-6", 7, sel, NULL), 0);
	assert_sel(sel, 7, "1111111");
	assert_int_equal(vf_index_spec_parse("all", 7, sel, NULL), 0);
	assert_sel(sel, 7, "1111111");
	assert_int_equal(vf_index_spec_parse("0,2,4-5", 7, sel, NULL), 0);
	assert_sel(sel, 7, "1010110");
	assert_int_equal(vf_index_spec_parse("6", 7, sel, NULL), 0);
	assert_sel(sel, 7, "0000001");
	assert_int_equal(vf_index_spec_parse("2-2", 7, sel, NULL), 0);
	assert_sel(sel, 7, "0010000");
	/* overlapping and repeated items */
	assert_int_equal(vf_index_spec_parse("1-3,2,3", 7, sel, NULL), 0);
	assert_sel(sel, 7, "0111000");
	assert_int_equal(vf_index_spec_parse("0", 1, sel, NULL), 0);
	assert_sel(sel, 1, "1");
	assert_int_equal(vf_index_spec_parse("007", 8, sel, NULL), 0);
	assert_sel(sel, 8, "00000001");
}

static void test_spec_clears_previous(void **state)
{
	bool sel[7];

	(void)state;
	memset(sel, 1, sizeof(sel));
	assert_int_equal(vf_index_spec_parse("5", 7, sel, NULL), 0);
	assert_sel(sel, 7, "0000010");
}

static void test_spec_range_errors(void **state)
{
	struct sriov_err e;
	bool sel[8];

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(vf_index_spec_parse("7", 7, sel, &e), -ERANGE);
	assert_int_equal(e.code, -ERANGE);
	assert_non_null(strstr(e.msg, "7"));
	assert_non_null(strstr(e.msg, "0-6"));
	assert_non_null(strstr(e.msg, "index 7"));

	sriov_err_clear(&e);
	assert_int_equal(vf_index_spec_parse("0,2-9", 7, sel, &e), -ERANGE);
	assert_non_null(strstr(e.msg, "9"));
	assert_non_null(strstr(e.msg, "0-6"));

	sriov_err_clear(&e);
	assert_int_equal(vf_index_spec_parse("all", 0, sel, &e), -ERANGE);
	assert_int_equal(e.code, -ERANGE);
	assert_non_null(strstr(e.msg, "no VFs"));

	sriov_err_clear(&e);
	assert_int_equal(vf_index_spec_parse("0", 0, sel, &e), -ERANGE);
	assert_non_null(strstr(e.msg, "no VFs"));
}

static void test_spec_syntax_errors(void **state)
{
	static const char *const bad[] = {
		"x",  "3-1", "1,",  "",	     ",1",    "1,,2",
		"-1", "1-",  "-",   "1-2-3", " 1",    "1 ",
		"+1", "0x1", "1;2", "ALL",   "all,1", "99999999999999999999",
	};
	struct sriov_err e;
	bool sel[7];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sriov_err_clear(&e);
		assert_int_equal(vf_index_spec_parse(bad[i], 7, sel, &e), -EINVAL);
		assert_int_equal(e.code, -EINVAL);
		assert_non_null(strstr(e.msg, bad[i]));
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_resolve_pci_address),
		T(test_resolve_netdev),
		T(test_resolve_no_such_device),
		T(test_resolve_not_pci),
		T(test_resolve_rejects),
		T(test_resolve_no_traversal),
		cmocka_unit_test(test_netdev_link_pci_addr),
		T(test_resolve_netdevsim),
		cmocka_unit_test(test_netdevsim_names),
		cmocka_unit_test(test_spec_valid),
		cmocka_unit_test(test_spec_clears_previous),
		cmocka_unit_test(test_spec_range_errors),
		cmocka_unit_test(test_spec_syntax_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
