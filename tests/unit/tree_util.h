/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_TEST_TREE_UTIL_H
#define SRIOV_TEST_TREE_UTIL_H

/*
 * Test helper: builds sysfs-like trees in a mkdtemp() directory. Every
 * helper aborts the test program on failure (the tree is test
 * infrastructure, not the thing under test). Paths are relative to root.
 */

#include <stddef.h>
#include <stdint.h>

#define TREE_PATH_MAX 4096

/* Creates a fresh temporary directory into dir (TREE_PATH_MAX bytes). */
void tree_new(char *dir);
/* Removes root and everything below it (symlinks are not followed). */
void tree_remove(const char *root);

void tree_mkdir(const char *root, const char *rel); /* mkdir -p */
/* Writes a file (parents created), replacing any previous one. */
void tree_write(const char *root, const char *rel, const void *data, size_t len);
void tree_writef(const char *root, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Creates a symlink (parents created), replacing any previous entry. */
void tree_symlink(const char *root, const char *rel, const char *target);
void tree_unlink(const char *root, const char *rel);
/* root + "/" + rel into out (TREE_PATH_MAX bytes). */
void tree_path(const char *root, const char *rel, char *out);

/*
 * The Intel 82576 (igb) tree the inventory and capture tests read, laid out
 * as the kernel does:
 *
 *   sys/devices/pci0000:00/0000:00:02.0                 root port, group 7
 *   sys/devices/pci0000:00/0000:00:02.0/0000:01:00.0    PF 8086:10c9, igb, group 8,
 *                                                       netdev eth0, 2 of 7 VFs
 *   sys/devices/pci0000:00/0000:00:02.0/0000:01:00.1    plain function, group 8
 *   .../0000:01:10.0                                    VF0, igbvf, group 9, eth1
 *   .../0000:01:10.2                                    VF1, vfio-pci, group 10
 *
 * with sys/bus/pci/devices, sys/bus/pci/drivers, sys/module, sys/class/net
 * (eth0, eth1, lo) and sys/kernel/iommu_groups, a PF config space of 4096
 * bytes (tree_igb_config()), and an unrelated never-read file
 * TREE_IGB_PF "/secret".
 */
#define TREE_IGB_PF	"sys/devices/pci0000:00/0000:00:02.0/0000:01:00.0"
#define TREE_IGB_VF0	"sys/devices/pci0000:00/0000:00:02.0/0000:01:10.0"
#define TREE_IGB_VF1	"sys/devices/pci0000:00/0000:00:02.0/0000:01:10.2"
#define TREE_IGB_MAC0	"a0:36:9f:00:00:01"
#define TREE_IGB_IFIDX0 4

void tree_build_igb(const char *root);

/*
 * cmocka setup and teardown for a test on a fresh tree_build_igb() tree in
 * dir (TREE_PATH_MAX bytes), which the test reads from a variable of its
 * own: T(f) = TREE_IGB_TEST(f, tree) with static char tree[TREE_PATH_MAX].
 */
int tree_igb_setup(void **state);
int tree_igb_teardown(void **state);
#define TREE_IGB_TEST(f, dir)                                                            \
	cmocka_unit_test_prestate_setup_teardown(f, tree_igb_setup, tree_igb_teardown,   \
						 dir)

/*
 * PF config space: 8086:10c9 rev 01, class 020000, subsystem 8086:a03c, a
 * PCIe capability at 0x40, extended list ARI at 0x100 -> SR-IOV at 0x160
 * (InitialVFs 8, TotalVFs 8, NumVFs 2, VFE|MSE, offset 128, stride 2, VF
 * device 10ca, page sizes 0x553/0x1).
 */
void tree_igb_config(uint8_t cfg[4096]);

/*
 * The RTM_NEWLINK message (as the kernel lays it out) that `capture` stores
 * at /.sriovctl/rtnl/eth0: ifindex 4, IFNAME eth0, NUM_VF 2 and an
 * IFLA_VFINFO_LIST of two IFLA_VF_INFO:
 *   VF0: mac 02:11:22:33:44:00, vlan 100 qos 3 (802.1Q), rate 0/1000,
 *        spoofchk on, link auto, rss_query unreported, trust off
 *   VF1: mac 02:11:22:33:44:01, vlan 200 qos 0 (802.1ad), rate 10/500,
 *        spoofchk off, link disable, rss_query off, trust on
 * Returns the message length.
 */
size_t tree_igb_rtnl_msg(void *buf, size_t size);

/*
 * A netdevsim device as the kernel lays it out (echo "10 1" > new_device,
 * num_vfs VFs, switchdev mode): sys/devices/netdevsim10 with sriov_numvfs,
 * driver netdevsim (module netdevsim), netdevs eth5 (port p0, the PF's,
 * ifindex 15) and eth6 (VF representor pf0vf0), links in
 * sys/bus/netdevsim/devices and sys/class/net, and debugfs' max_vfs
 * (max_vfs < 0: none, as without debugfs).
 */
void tree_add_netdevsim10(const char *root, int num_vfs, int max_vfs);
void tree_write_igb_rtnl(const char *root);

#endif
