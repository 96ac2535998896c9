// SPDX-License-Identifier: MIT
/*
 * "In use": the QEMU -name parser, the RTM_NEWADDR parser, the snapshot over
 * trees with fake /proc entries (vfio holders, vanished processes, routes)
 * and a recorded address dump, the inventory's INV_USERS, and one live-host
 * address dump.
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
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "sriov/inventory.h"
#include "sriov/usage.h"
#include "tree_util.h"

static char tree[TREE_PATH_MAX];

/* ---- qemu_cmdline_vm_name ------------------------------------------------- */

/* sizeof(lit) - 1: the literal's bytes without the compiler's final NUL */
#define VM_NAME(lit, out) qemu_cmdline_vm_name(lit, sizeof(lit) - 1, out, sizeof(out))

static void test_vm_name_forms(void **state)
{
	char n[128];

	(void)state;
	VM_NAME("qemu-system-x86_64\0-name\0guest=win10,debug-threads=on\0-m\0512\0", n);
	assert_string_equal(n, "win10");
	VM_NAME("qemu\0-name\0win10\0", n);
	assert_string_equal(n, "win10");
	VM_NAME("qemu\0-name\0win10,process=qemu:win10\0", n);
	assert_string_equal(n, "win10");
	VM_NAME("qemu\0--name\0guest=a,,b,debug-threads=on\0", n);
	assert_string_equal(n, "a,b");
	VM_NAME("qemu\0-name=vm1\0", n);
	assert_string_equal(n, "vm1");
	VM_NAME("qemu\0--name=guest=vm2,debug-threads=off\0", n);
	assert_string_equal(n, "vm2");
	VM_NAME("qemu\0-name\0debug-threads=on,guest=late\0", n);
	assert_string_equal(n, "late");
	/* QEMU merges repeated -name options: the last one counts */
	VM_NAME("qemu\0-name\0first\0-name\0guest=second\0", n);
	assert_string_equal(n, "second");
	/* the last argument without its NUL */
	VM_NAME("qemu\0-name\0guest=unterminated", n);
	assert_string_equal(n, "unterminated");
}

static void test_vm_name_absent(void **state)
{
	char n[128] = "garbage";
	char tiny[4];

	(void)state;
	VM_NAME("sh\0-c\0sleep 1\0", n);
	assert_string_equal(n, "");
	VM_NAME("qemu\0-name\0", n); /* no value */
	assert_string_equal(n, "");
	VM_NAME("qemu\0-namex\0vm\0-nam\0vm\0", n);
	assert_string_equal(n, "");
	VM_NAME("qemu\0-name\0debug-threads=on\0", n); /* options but no guest */
	assert_string_equal(n, "");
	qemu_cmdline_vm_name("", 0, n, sizeof(n));
	assert_string_equal(n, "");
	VM_NAME("qemu\0-name\0guest=longname\0", tiny);
	assert_string_equal(tiny, "lon");
}

/* ---- usage_addr_parse ------------------------------------------------------- */

static size_t put_addr(uint8_t *buf, int family, int ifindex, unsigned int plen,
		       const char *local, const char *peer)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	uint8_t a[16];
	size_t alen = family == AF_INET ? 4 : 16;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_MULTI;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)plen;
	ifa->ifa_index = (uint32_t)ifindex;
	if (peer) {
		assert_int_equal(inet_pton(family, peer, a), 1);
		mnl_attr_put(nlh, IFA_ADDRESS, alen, a);
	}
	if (local) {
		assert_int_equal(inet_pton(family, local, a), 1);
		mnl_attr_put(nlh, IFA_LOCAL, alen, a);
	}
	mnl_attr_put_strz(nlh, IFA_LABEL, "eth1");
	return nlh->nlmsg_len;
}

static size_t put_other(uint8_t *buf, uint16_t type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	mnl_nlmsg_put_extra_header(nlh, 16);
	return nlh->nlmsg_len;
}

/* eth1 (ifindex 6): 192.0.2.5/24, 2001:db8::5/64, fe80::1/64; lo: 127.0.0.1/8 */
static size_t build_addr_dump(uint8_t *buf)
{
	size_t len = 0;

	len += put_addr(buf + len, AF_INET, 6, 24, "192.0.2.5", "192.0.2.5");
	len += put_other(buf + len, RTM_NEWLINK);
	len += put_addr(buf + len, AF_INET6, 6, 64, NULL, "2001:db8::5");
	len += put_addr(buf + len, AF_INET6, 6, 64, NULL, "fe80::1");
	len += put_addr(buf + len, AF_INET, 1, 8, "127.0.0.1", "127.0.0.1");
	return len;
}

static void test_addr_parse(void **state)
{
	static uint32_t buf[1024];
	struct usage_addr *v;
	size_t n, len;

	(void)state;
	len = build_addr_dump((uint8_t *)buf);
	/* point-to-point: IFA_LOCAL is ours, IFA_ADDRESS the peer */
	len += put_addr((uint8_t *)buf + len, AF_INET, 7, 32, "10.0.0.1", "10.0.0.2");
	assert_int_equal(usage_addr_parse(buf, len, &v, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(v[0].ifindex, 6);
	assert_string_equal(v[0].text, "192.0.2.5/24");
	assert_false(v[0].link_local);
	assert_string_equal(v[1].text, "2001:db8::5/64");
	assert_false(v[1].link_local);
	assert_string_equal(v[2].text, "fe80::1/64");
	assert_true(v[2].link_local);
	assert_int_equal(v[3].ifindex, 1);
	assert_string_equal(v[3].text, "127.0.0.1/8");
	assert_int_equal(v[4].ifindex, 7);
	assert_string_equal(v[4].text, "10.0.0.1/32");
	free(v);
}

static void test_addr_parse_bad(void **state)
{
	static uint32_t buf[1024];
	struct usage_addr *v;
	struct nlmsghdr *nlh;
	size_t n, len, first;

	(void)state;
	assert_int_equal(usage_addr_parse(NULL, 0, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	first = put_addr((uint8_t *)buf, AF_INET, 6, 24, "192.0.2.5", NULL);
	len = first +
	      put_addr((uint8_t *)buf + first, AF_INET6, 6, 64, NULL, "2001:db8::5");
	/* cut in the middle of the second message: only the first is read */
	assert_int_equal(usage_addr_parse(buf, len - 6, &v, &n), 0);
	assert_int_equal(n, 1);
	free(v);
	/* an address of the wrong size for its family is skipped */
	nlh = (struct nlmsghdr *)buf;
	len = put_addr((uint8_t *)buf, AF_INET, 6, 24, NULL, NULL);
	mnl_attr_put(nlh, IFA_ADDRESS, 3, "abc");
	assert_int_equal(usage_addr_parse(buf, nlh->nlmsg_len, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	/* an unknown family, and a message shorter than its ifaddrmsg */
	len = put_addr((uint8_t *)buf, AF_INET, 6, 24, "192.0.2.5", NULL);
	((struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh))->ifa_family = 99;
	assert_int_equal(usage_addr_parse(buf, len, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	assert_int_equal(usage_addr_parse(buf, nlh->nlmsg_len, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	/* garbage: a length that runs past the buffer */
	memset(buf, 0xff, 64);
	assert_int_equal(usage_addr_parse(buf, 64, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
}

/* ---- the snapshot on trees --------------------------------------------------- */

static void write_recorded_addrs(void)
{
	static uint32_t buf[1024];
	size_t len = build_addr_dump((uint8_t *)buf);

	tree_write(tree, ".sriovctl/rtnl/addr", buf, len);
}

/* pid 123: QEMU "vm1" holding /dev/vfio/9 (and the container, and /dev/null) */
static void write_qemu_holder(void)
{
	static const char cmdline[] =
		"/usr/bin/qemu-system-x86_64\0-name\0guest=vm1,debug-threads=on\0";

	tree_symlink(tree, "proc/123/fd/0", "/dev/null");
	tree_symlink(tree, "proc/123/fd/5", "/dev/vfio/vfio");
	tree_symlink(tree, "proc/123/fd/6", "/dev/vfio/9");
	tree_symlink(tree, "proc/123/fd/7", "/dev/vfio/9"); /* twice: one user */
	tree_writef(tree, "proc/123/comm", "qemu-system-x86\n");
	tree_write(tree, "proc/123/cmdline", cmdline, sizeof(cmdline) - 1);
}

static void write_eth1_up(void)
{
	tree_writef(tree, TREE_IGB_VF0 "/net/eth1/flags", "0x1003\n");
}

static struct sriov_root *root;

/* The snapshot of the tree; it reads netdev state lazily through the root. */
static struct usage_snapshot *snapshot(void)
{
	struct usage_snapshot *s;
	struct sriov_err e;

	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(tree, &root, &e), 0);
	assert_int_equal(usage_snapshot_read(root, &s, &e), 0);
	return s;
}

static void snapshot_free(struct usage_snapshot *s)
{
	usage_snapshot_free(s);
	sriov_root_close(root);
	root = NULL;
}

static void users_of(const struct usage_snapshot *s, int group, const char *ifname,
		     struct fn_users *u)
{
	const char *names[1] = {ifname};

	memset(u, 0, sizeof(*u));
	assert_int_equal(usage_of_function(s, group, names, ifname ? 1 : 0, u, NULL), 0);
}

static void test_snapshot_empty_tree(void **state)
{
	struct usage_snapshot *s;
	struct fn_users u;

	(void)state;
	/* no /proc, no routes, no recorded addresses: nobody uses anything */
	s = snapshot();
	users_of(s, 9, "eth1", &u);
	assert_int_equal(u.n, 0);
	assert_null(u.v);
	assert_false(usage_snapshot_partial(s));
	snapshot_free(s);
}

static void test_snapshot_vfio_holder(void **state)
{
	struct usage_snapshot *s;
	struct fn_users u;

	(void)state;
	write_qemu_holder();
	/* a process that exited during the scan: fd left, comm gone */
	tree_symlink(tree, "proc/124/fd/3", "/dev/vfio/10");
	/* not processes, or without fds */
	tree_symlink(tree, "proc/self", "123");
	tree_symlink(tree, "proc/abc/fd/3", "/dev/vfio/10");
	tree_writef(tree, "proc/125/comm", "kthread\n");
	s = snapshot();
	users_of(s, 9, NULL, &u);
	assert_int_equal(u.n, 1);
	assert_int_equal(u.v[0].kind, FN_USER_PROCESS);
	assert_int_equal(u.v[0].pid, 123);
	assert_string_equal(u.v[0].command, "qemu-system-x86");
	assert_string_equal(u.v[0].vm_name, "vm1");
	assert_string_equal(u.v[0].device, "/dev/vfio/9");
	fn_users_free(&u);
	users_of(s, 10, NULL, &u);
	assert_int_equal(u.n, 0);
	users_of(s, -1, NULL, &u);
	assert_int_equal(u.n, 0);
	snapshot_free(s);
}

static void test_snapshot_process_without_name(void **state)
{
	struct usage_snapshot *s;
	struct fn_users u;
	char text[256];

	(void)state;
	tree_symlink(tree, "proc/77/fd/9", "/dev/vfio/10");
	tree_writef(tree, "proc/77/comm", "dpdk-testpmd\n");
	s = snapshot(); /* no cmdline file: no VM name, still a user */
	users_of(s, 10, NULL, &u);
	assert_int_equal(u.n, 1);
	assert_string_equal(u.v[0].vm_name, "");
	fn_user_describe(&u.v[0], text, sizeof(text));
	assert_string_equal(text, "pid 77 dpdk-testpmd holds /dev/vfio/10");
	fn_users_free(&u);
	snapshot_free(s);
}

static void test_snapshot_netdev(void **state)
{
	struct usage_snapshot *s;
	struct fn_users u;
	char text[256];

	(void)state;
	write_eth1_up();
	write_recorded_addrs();
	s = snapshot();
	users_of(s, 9, "eth1", &u);
	assert_int_equal(u.n, 1);
	assert_int_equal(u.v[0].kind, FN_USER_NETDEV);
	assert_string_equal(u.v[0].ifname, "eth1");
	assert_false(u.v[0].default_route);
	/* the link-local address does not count and is not listed */
	assert_int_equal(u.v[0].n_addrs, 2);
	assert_string_equal(u.v[0].addrs[0], "192.0.2.5/24");
	assert_string_equal(u.v[0].addrs[1], "2001:db8::5/64");
	fn_user_describe(&u.v[0], text, sizeof(text));
	assert_string_equal(text, "eth1 is up with 192.0.2.5/24, 2001:db8::5/64");
	fn_users_free(&u);
	/* eth0 (ifindex 4) has no address; a missing or unsafe name is no user */
	users_of(s, -1, "eth0", &u);
	assert_int_equal(u.n, 0);
	users_of(s, -1, "nosuch", &u);
	assert_int_equal(u.n, 0);
	users_of(s, -1, "..", &u);
	assert_int_equal(u.n, 0);
	snapshot_free(s);
}

static void test_snapshot_netdev_down(void **state)
{
	struct usage_snapshot *s;
	struct fn_users u;

	(void)state;
	tree_writef(tree, TREE_IGB_VF0 "/net/eth1/flags", "0x1002\n"); /* not IFF_UP */
	write_recorded_addrs();
	s = snapshot();
	users_of(s, 9, "eth1", &u);
	assert_int_equal(u.n, 0);
	snapshot_free(s);
}

static void test_snapshot_link_local_only(void **state)
{
	static uint32_t buf[256];
	struct usage_snapshot *s;
	struct fn_users u;
	size_t len;

	(void)state;
	write_eth1_up();
	len = put_addr((uint8_t *)buf, AF_INET6, 6, 64, NULL, "fe80::1");
	tree_write(tree, ".sriovctl/rtnl/addr", buf, len);
	s = snapshot();
	users_of(s, 9, "eth1", &u);
	assert_int_equal(u.n, 0);
	snapshot_free(s);
}

static void test_snapshot_default_route(void **state)
{
	struct usage_snapshot *s;
	struct fn_users u;
	char text[256];

	(void)state;
	write_eth1_up();
	tree_writef(tree, "proc/net/route",
		    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask"
		    "\t\tMTU\tWindow\tIRTT\n"
		    "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
		    "eth1\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
	s = snapshot();
	users_of(s, -1, "eth1", &u);
	assert_int_equal(u.n, 1);
	assert_true(u.v[0].default_route);
	assert_int_equal(u.v[0].n_addrs, 0);
	fn_user_describe(&u.v[0], text, sizeof(text));
	assert_string_equal(text, "eth1 is up with the default route");
	fn_users_free(&u);
	/* eth0 carries a route, but not the default one */
	tree_writef(tree, TREE_IGB_PF "/net/eth0/flags", "0x1003\n");
	users_of(s, -1, "eth0", &u);
	assert_int_equal(u.n, 0);
	snapshot_free(s);
}

static void test_snapshot_ipv6_default_route(void **state)
{
	struct usage_snapshot *s;
	struct fn_users u;
	char text[256];

	(void)state;
	write_eth1_up();
	write_recorded_addrs();
	/* the unreachable default on lo (no RTF_UP) and a ::/0 via eth1 */
	tree_writef(tree, "proc/net/ipv6_route",
		    "00000000000000000000000000000000 00 "
		    "00000000000000000000000000000000 00 "
		    "00000000000000000000000000000000 ffffffff 00000001 00000000 "
		    "00200200       lo\n"
		    "20010db8000000000000000000000000 40 "
		    "00000000000000000000000000000000 00 "
		    "00000000000000000000000000000000 00000100 00000001 00000000 "
		    "00000001     eth1\n"
		    "00000000000000000000000000000000 00 "
		    "00000000000000000000000000000000 00 "
		    "fe800000000000000000000000000001 00000400 00000001 00000000 "
		    "00000003     eth1\n");
	s = snapshot();
	users_of(s, -1, "eth1", &u);
	assert_int_equal(u.n, 1);
	assert_true(u.v[0].default_route);
	fn_user_describe(&u.v[0], text, sizeof(text));
	assert_string_equal(text, "eth1 is up with 192.0.2.5/24, 2001:db8::5/64 and the "
				  "default route");
	fn_users_free(&u);
	snapshot_free(s);
}

static void test_users_describe_joined(void **state)
{
	struct usage_snapshot *s;
	struct fn_users u;
	char text[512], small[24];

	(void)state;
	write_qemu_holder();
	write_eth1_up();
	write_recorded_addrs();
	s = snapshot();
	users_of(s, 9, "eth1", &u);
	assert_int_equal(u.n, 2);
	fn_users_describe(&u, text, sizeof(text));
	assert_string_equal(text,
			    "pid 123 qemu-system-x86 (VM \"vm1\") holds /dev/vfio/9; "
			    "eth1 is up with 192.0.2.5/24, 2001:db8::5/64");
	fn_users_describe(&u, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	fn_users_free(&u);
	snapshot_free(s);
}

/* ---- inventory with INV_USERS ------------------------------------------------- */

static void test_inventory_users(void **state)
{
	struct inventory inv;
	struct sriov_root *r;
	struct sriov_err e;

	(void)state;
	write_qemu_holder();
	tree_symlink(tree, "proc/123/fd/8", "/dev/vfio/8"); /* the PF's group */
	write_eth1_up();
	write_recorded_addrs();
	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(tree, &r, &e), 0);
	assert_int_equal(sriov_inventory_read(
				 r, INV_NO_NETLINK | INV_NO_NAMES | INV_USERS, &inv, &e),
			 0);
	assert_int_equal(inv.n_pfs, 1);
	assert_int_equal(inv.pfs[0].n_vfs, 2);
	assert_int_equal(inv.pfs[0].users.n, 1);
	assert_string_equal(inv.pfs[0].users.v[0].device, "/dev/vfio/8");
	assert_int_equal(inv.pfs[0].vfs[0].users.n, 2);
	assert_int_equal(inv.pfs[0].vfs[0].users.v[0].kind, FN_USER_PROCESS);
	assert_int_equal(inv.pfs[0].vfs[0].users.v[1].kind, FN_USER_NETDEV);
	assert_int_equal(inv.pfs[0].vfs[1].users.n, 0);
	assert_int_equal(inv.n_notes, 0);
	sriov_inventory_free(&inv);
	/* without the flag nothing is looked up */
	assert_int_equal(sriov_inventory_read(r, INV_NO_NETLINK | INV_NO_NAMES, &inv, &e),
			 0);
	assert_int_equal(inv.pfs[0].vfs[0].users.n, 0);
	assert_null(inv.pfs[0].vfs[0].users.v);
	sriov_inventory_free(&inv);
	sriov_root_close(r);
}

/* ---- the live host ------------------------------------------------------------- */

static void test_live_addr_dump(void **state)
{
	struct usage_addr *v;
	void *raw;
	size_t len, n;
	bool loopback = false;

	(void)state;
	if (usage_addr_dump(&raw, &len, NULL) < 0)
		skip(); /* netlink denied in this sandbox */
	assert_int_equal(usage_addr_parse(raw, len, &v, &n), 0);
	free(raw);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].text, "127.0.0.1/8"))
			loopback = true;
	free(v);
	if (!n)
		skip(); /* a network namespace without addresses */
	assert_true(loopback);
}

#define T(f) TREE_IGB_TEST(f, tree)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_name_forms),
		cmocka_unit_test(test_vm_name_absent),
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_addr_parse_bad),
		T(test_snapshot_empty_tree),
		T(test_snapshot_vfio_holder),
		T(test_snapshot_process_without_name),
		T(test_snapshot_netdev),
		T(test_snapshot_netdev_down),
		T(test_snapshot_link_local_only),
		T(test_snapshot_default_route),
		T(test_snapshot_ipv6_default_route),
		T(test_users_describe_joined),
		T(test_inventory_users),
		cmocka_unit_test(test_live_addr_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
