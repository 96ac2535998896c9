// SPDX-License-Identifier: MIT
/*
 * VF settings: value parsing and its messages, whole-command checks, "mac
 * auto" (pinned vectors, bits, no collisions between neighbouring PFs), the
 * permanent MAC sources, turning settings into kernel requests (the parts
 * taken from the current settings), read-back comparison and explanations.
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
#include <linux/if_ether.h>

#include "sriov/vfattr.h"
#include "tree_util.h"

#define PERM_QEMU                                                                        \
	{                                                                                \
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56                                       \
	}

static void expect_add_error(const char *key, const char *value, int code,
			     const char *msg)
{
	struct vf_settings s = {0};
	struct sriov_err e;

	sriov_err_clear(&e);
	assert_int_equal(vf_settings_add(&s, key, value, &e), code);
	assert_int_equal(e.code, code);
	if (!strstr(e.msg, msg))
		fail_msg("message '%s' lacks '%s'", e.msg, msg);
	assert_int_equal(s.given, 0);
}

static struct vf_settings settings_of(const char *const *kv, size_t n)
{
	struct vf_settings s = {0};

	for (size_t i = 0; i + 1 < n; i += 2)
		assert_int_equal(vf_settings_add(&s, kv[i], kv[i + 1], NULL), 0);
	return s;
}

#define SETTINGS(...)                                                                    \
	settings_of((const char *const[]){__VA_ARGS__},                                  \
		    sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *))

/* ---- parsing ---------------------------------------------------------------- */

static void test_keys(void **state)
{
	struct sriov_err e;
	enum vf_key k;

	(void)state;
	for (int i = 0; i < VF_KEY_COUNT; i++) {
		assert_int_equal(vf_key_lookup(vf_key_name((enum vf_key)i), &k, NULL), 0);
		assert_int_equal(k, i);
	}
	sriov_err_clear(&e);
	assert_int_equal(vf_key_lookup("colour", &k, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "'colour'"));
	for (int i = 0; i < VF_KEY_COUNT; i++)
		assert_non_null(strstr(e.msg, vf_key_name((enum vf_key)i)));
	assert_int_equal(vf_key_lookup("VLAN", &k, NULL), -EINVAL);
}

static void test_parse_values(void **state)
{
	struct vf_settings s = SETTINGS(
		"mac", "02:AB:cd:00:00:01", "vlan", "4095", "qos", "7", "proto",
		"802.1AD", "min_tx_rate", "0", "max_tx_rate", "4294967295", "spoofchk",
		"off", "trust", "Yes", "state", "disable", "query_rss", "1", "node_guid",
		"00:02:C9:03:00:21:6e:70", "port_guid", "auto", "mtu", "9000", "msix",
		"8", "tx_share", "10", "tx_max", "100", "rate_group", "grp1", "hw_addr",
		"02:00:00:00:00:0a", "fn_state", "inactive", "roce", "off", "migratable",
		"on");
	const uint8_t hw[6] = {0x02, 0, 0, 0, 0, 0x0a};
	const uint8_t mac[6] = {0x02, 0xab, 0xcd, 0x00, 0x00, 0x01};

	(void)state;
	assert_int_equal(s.given, (1u << VF_KEY_COUNT) - 1);
	assert_false(s.mac_auto);
	assert_memory_equal(s.mac, mac, 6);
	assert_int_equal(s.vlan, 4095);
	assert_int_equal(s.qos, 7);
	assert_int_equal(s.vlan_proto, ETH_P_8021AD);
	assert_int_equal(s.min_tx_rate, 0);
	assert_int_equal(s.max_tx_rate, UINT32_MAX);
	assert_false(s.spoofchk);
	assert_int_equal(s.tx_share, 10);
	assert_int_equal(s.tx_max, 100);
	assert_string_equal(s.rate_group, "grp1");
	assert_memory_equal(s.hw_addr, hw, 6);
	assert_int_equal(s.fn_state, 0);
	assert_false(s.roce);
	assert_true(s.migratable);
	assert_true(s.trust);
	assert_int_equal(s.state, VF_LINK_STATE_DISABLE);
	assert_true(s.query_rss);
	assert_false(s.node_guid_auto);
	assert_true(s.node_guid == 0x0002c90300216e70ULL);
	assert_true(s.port_guid_auto);
	assert_int_equal(s.mtu, 9000);
	assert_int_equal(s.msix, 8);

	s = SETTINGS("mac", "auto", "proto", "802.1q", "state", "ENABLE");
	assert_true(s.mac_auto);
	assert_int_equal(s.vlan_proto, ETH_P_8021Q);
	assert_int_equal(s.state, VF_LINK_STATE_ENABLE);
	assert_false(vf_settings_has(&s, VF_KEY_VLAN));
}

static void test_bool_words(void **state)
{
	static const char *const on[] = {"on", "ON", "yes", "1", "true", "True"};
	static const char *const off[] = {"off", "Off", "no", "0", "false", "FALSE"};
	bool v;

	(void)state;
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		v = false;
		assert_int_equal(vf_bool_parse("trust", on[i], &v, NULL), 0);
		assert_true(v);
		assert_int_equal(vf_bool_parse("trust", off[i], &v, NULL), 0);
		assert_false(v);
	}
	expect_add_error("spoofchk", "maybe", -EINVAL,
			 "spoofchk: 'maybe' is not on or off (on, off, yes, no");
	expect_add_error("trust", "", -EINVAL, "trust: '' is not on or off");
	expect_add_error("query_rss", "2", -EINVAL, "query_rss: '2'");
}

static void test_number_errors(void **state)
{
	(void)state;
	expect_add_error("vlan", "5000", -ERANGE, "vlan: '5000' is out of range 0-4095");
	expect_add_error("vlan", "4096", -ERANGE, "vlan: '4096' is out of range 0-4095");
	expect_add_error("vlan", "abc", -EINVAL, "vlan: 'abc' is not a number (0-4095)");
	expect_add_error("vlan", "-1", -EINVAL, "vlan: '-1' is not a number");
	expect_add_error("vlan", "+5", -EINVAL, "vlan: '+5'");
	expect_add_error("vlan", " 5", -EINVAL, "vlan: ' 5'");
	expect_add_error("vlan", "5x", -EINVAL, "vlan: '5x'");
	expect_add_error("vlan", "", -EINVAL, "vlan: '' is not a number");
	expect_add_error("qos", "8", -ERANGE, "qos: '8' is out of range 0-7");
	expect_add_error("max_tx_rate", "-5", -EINVAL,
			 "max_tx_rate: '-5' is not a number (0-4294967295 Mbit/s)");
	expect_add_error("min_tx_rate", "4294967296", -ERANGE,
			 "min_tx_rate: '4294967296' is out of range 0-4294967295 Mbit/s");
	expect_add_error("max_tx_rate", "99999999999999999999999", -ERANGE,
			 "out of range");
}

static void test_other_errors(void **state)
{
	struct vf_settings s = {0};
	struct sriov_err e;

	(void)state;
	expect_add_error("proto", "802.1x", -EINVAL,
			 "proto: '802.1x' is not a VLAN protocol (802.1Q or 802.1ad)");
	expect_add_error("state", "up", -EINVAL,
			 "state: 'up' is not a link state (auto, enable, disable)");
	expect_add_error("colour", "blue", -EINVAL, "unknown VF setting 'colour'");
	expect_add_error("vlan", NULL, -EINVAL, "vlan: missing value (0-4095)");
	sriov_err_clear(&e);
	assert_int_equal(vf_settings_add(&s, "vlan", "5", &e), 0);
	assert_int_equal(vf_settings_add(&s, "vlan", "6", &e), -EINVAL);
	assert_string_equal(e.msg, "vlan: given twice");
	assert_int_equal(s.vlan, 5);
}

static void test_mac_errors(void **state)
{
	(void)state;
	expect_add_error("mac", "01:00:5e:00:00:01", -EINVAL,
			 "mac: '01:00:5e:00:00:01' is a multicast address");
	expect_add_error("mac", "ff:ff:ff:ff:ff:ff", -EINVAL, "multicast");
	expect_add_error("mac", "00:00:00:00:00:00", -EINVAL,
			 "mac: '00:00:00:00:00:00' is the zero address");
	expect_add_error("mac", "02:00:00:00:00", -EINVAL,
			 "mac: '02:00:00:00:00' is not a MAC address (aa:bb:cc:dd:ee:ff, "
			 "or auto)");
	expect_add_error("mac", "02-00-00-00-00-01", -EINVAL, "not a MAC address");
	expect_add_error("mac", "02:00:00:00:00:0g", -EINVAL, "not a MAC address");
	expect_add_error("mac", "02:00:00:00:00:011", -EINVAL, "not a MAC address");
	expect_add_error("mac", "2:0:0:0:0:1", -EINVAL, "not a MAC address");
	expect_add_error("mac", "AUTO", -EINVAL, "not a MAC address");
}

static void test_settings_check(void **state)
{
	struct vf_settings s = {0};
	struct sriov_err e;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(vf_settings_check(&s, 1, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "nothing to set"));

	s = SETTINGS("min_tx_rate", "500", "max_tx_rate", "100");
	assert_int_equal(vf_settings_check(&s, 1, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "min_tx_rate 500 is above max_tx_rate 100"));
	s = SETTINGS("min_tx_rate", "500", "max_tx_rate", "0");
	assert_int_equal(vf_settings_check(&s, 1, NULL), 0);
	s = SETTINGS("min_tx_rate", "500");
	assert_int_equal(vf_settings_check(&s, 1, NULL), 0);

	s = SETTINGS("mac", "02:00:00:00:00:01");
	assert_int_equal(vf_settings_check(&s, 1, NULL), 0);
	sriov_err_clear(&e);
	assert_int_equal(vf_settings_check(&s, 2, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "2 VFs"));
	assert_non_null(strstr(e.hint, "mac auto"));
	s = SETTINGS("mac", "auto");
	assert_int_equal(vf_settings_check(&s, 7, NULL), 0);
}

/* ---- mac auto --------------------------------------------------------------- */

static void mac_text(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
}

/*
 * Pinned outputs: these must never change (the same MACs on every version).
 * Computed independently from the documented derivation (Python).
 */
static void test_mac_auto_vectors(void **state)
{
	static const struct {
		uint8_t perm[6];
		unsigned int index;
		const char *mac;
	} v[] = {
		{PERM_QEMU, 0, "52:ac:71:d3:f0:48"},
		{PERM_QEMU, 1, "52:9e:a4:a9:d8:f6"},
		{PERM_QEMU, 2, "52:97:78:2e:0b:05"},
		{PERM_QEMU, 3, "52:9b:a8:67:3c:d7"},
		{PERM_QEMU, 255, "52:c9:e9:b6:61:a6"},
		{PERM_QEMU, 65536, "52:6b:71:ff:24:37"},
		{{0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xc0}, 0, "02:44:d1:de:e5:d0"},
		{{0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xc0}, 1, "02:d8:ad:89:70:01"},
		{{0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xc1}, 0, "02:06:04:eb:21:be"},
		{{0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xc1}, 3, "02:45:b1:d6:be:5f"},
	};
	uint8_t out[6];
	char text[18];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		vf_mac_auto(v[i].perm, v[i].index, out);
		mac_text(out, text);
		assert_string_equal(text, v[i].mac);
	}
}

static void test_mac_auto_bits(void **state)
{
	const uint8_t firsts[] = {0x00, 0x01, 0x02, 0x03, 0x52, 0xa0, 0xff};
	uint8_t perm[6] = {0, 0x1b, 0x21, 1, 2, 3}, a[6], b[6];

	(void)state;
	for (size_t i = 0; i < sizeof(firsts); i++) {
		perm[0] = firsts[i];
		for (unsigned int idx = 0; idx < 64; idx++) {
			vf_mac_auto(perm, idx, a);
			assert_true(a[0] & 0x02);  /* locally administered */
			assert_false(a[0] & 0x01); /* unicast */
			assert_int_equal(a[0] & 0xfc, firsts[i] & 0xfc);
			memset(b, 0, sizeof(b));
			vf_mac_auto(perm, idx, b);
			assert_memory_equal(a, b, 6); /* deterministic */
		}
	}
}

static int mac_cmp(const void *x, const void *y)
{
	return memcmp(x, y, 6);
}

/* Two ports of a NIC with consecutive MACs, 256 VFs each: 512 distinct MACs. */
static void test_mac_auto_no_collisions(void **state)
{
	uint8_t port0[6] = {0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xc0};
	uint8_t port1[6] = {0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xc1};
	uint8_t(*macs)[6] = calloc(512, 6);

	(void)state;
	assert_non_null(macs);
	for (unsigned int i = 0; i < 256; i++) {
		vf_mac_auto(port0, i, macs[i]);
		vf_mac_auto(port1, i, macs[256 + i]);
	}
	qsort(macs, 512, 6, mac_cmp);
	for (unsigned int i = 1; i < 512; i++)
		assert_int_not_equal(memcmp(macs[i - 1], macs[i], 6), 0);
	for (unsigned int i = 0; i < 512; i++) {
		assert_int_not_equal(memcmp(macs[i], port0, 6), 0);
		assert_int_not_equal(memcmp(macs[i], port1, 6), 0);
	}
	free(macs);
}

/* ---- permanent MAC and the recorded PF state ------------------------------- */

static char tree[TREE_PATH_MAX];
static struct sriov_root *root;

static int tree_setup(void **state)
{
	(void)state;
	tree_new(tree);
	tree_build_igb(tree);
	return sriov_root_open(tree, &root, NULL) == 0 ? 0 : -1;
}

static int tree_teardown(void **state)
{
	(void)state;
	sriov_root_close(root);
	root = NULL;
	tree_remove(tree);
	return 0;
}

static void test_perm_mac_sources(void **state)
{
	struct link_summary sum = {.has_perm_addr = true, .perm_addr = PERM_QEMU};
	const uint8_t qemu[6] = PERM_QEMU, sysfs[6] = {0xa0, 0x36, 0x9f, 0, 0, 1};
	const char *src = NULL;
	struct sriov_err e;
	uint8_t mac[6];

	(void)state;
	assert_int_equal(vf_pf_perm_mac(root, "eth0", &sum, mac, &src, NULL), 0);
	assert_memory_equal(mac, qemu, 6);
	assert_string_equal(src, "IFLA_PERM_ADDRESS");

	/* no IFLA_PERM_ADDRESS: sysfs address only when addr_assign_type is 0 */
	sriov_err_clear(&e);
	assert_int_equal(vf_pf_perm_mac(root, "eth0", NULL, mac, &src, &e), -ENODATA);
	assert_non_null(strstr(e.msg, "addr_assign_type is unreadable"));
	assert_non_null(strstr(e.hint, "mac aa:bb:cc:dd:ee:ff"));

	tree_writef(tree, TREE_IGB_PF "/net/eth0/addr_assign_type", "0\n");
	assert_int_equal(vf_pf_perm_mac(root, "eth0", NULL, mac, &src, NULL), 0);
	assert_memory_equal(mac, sysfs, 6);
	assert_string_equal(src, "sysfs address");

	sum.has_perm_addr = false;
	tree_writef(tree, TREE_IGB_PF "/net/eth0/addr_assign_type", "3\n");
	sriov_err_clear(&e);
	assert_int_equal(vf_pf_perm_mac(root, "eth0", &sum, mac, NULL, &e), -ENODATA);
	assert_non_null(strstr(e.msg, "eth0"));
	assert_non_null(strstr(e.msg, "addr_assign_type 3"));
	tree_unlink(tree, TREE_IGB_PF "/net/eth0/addr_assign_type");

	assert_int_equal(vf_pf_perm_mac(root, "../x", NULL, mac, NULL, NULL), -EINVAL);
}

static void test_link_read_recorded(void **state)
{
	struct link_summary sum;
	struct link_vfs vfs;
	struct sriov_err e;
	const struct vf_info *vi;

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(vf_pf_link_read(root, NULL, "eth0", 4, &vfs, &sum, &e), -ENOENT);
	assert_int_equal(vfs.n_vfs, 0);
	tree_write_igb_rtnl(tree);
	assert_int_equal(vf_pf_link_read(root, NULL, "eth0", 4, &vfs, &sum, NULL), 0);
	assert_int_equal(vfs.n_vfs, 2);
	assert_int_equal(sum.ifindex, TREE_IGB_IFIDX0);
	assert_string_equal(sum.ifname, "eth0");
	assert_true(sum.up);
	assert_false(sum.carrier);
	assert_false(sum.has_perm_addr);
	vi = vf_info_find(&vfs, 1);
	assert_non_null(vi);
	assert_int_equal(vi->vlan, 200);
	assert_null(vf_info_find(&vfs, 2));
	link_vfs_free(&vfs);
	tree_unlink(tree, ".sriovctl/rtnl/eth0");
	assert_int_equal(vf_pf_link_read(root, NULL, "../eth0", 4, &vfs, &sum, NULL),
			 -EINVAL);
}

static void test_pf_locate(void **state)
{
	char path[TREE_PATH_MAX];
	struct vf_pf_ref ref;
	struct sriov_err e;

	(void)state;
	assert_int_equal(vf_pf_locate(root, "eth0/1", &ref, NULL), 0);
	assert_string_equal(ref.addr_str, "0000:01:00.0");
	assert_string_equal(ref.ifname, "eth0");
	assert_int_equal(ref.ifindex, TREE_IGB_IFIDX0);
	assert_int_equal(ref.num_vfs, 2);
	assert_true(ref.has_vf_spec);
	assert_string_equal(ref.vf_spec, "1");
	assert_false(ref.dev_is_vf);

	assert_int_equal(vf_pf_locate(root, "01:00.0", &ref, NULL), 0);
	assert_false(ref.has_vf_spec);
	assert_string_equal(ref.ifname, "eth0");

	/* a VF's address stands for PF/index, through physfn ... */
	assert_int_equal(vf_pf_locate(root, "0000:01:10.2", &ref, NULL), 0);
	assert_string_equal(ref.addr_str, "0000:01:00.0");
	assert_true(ref.dev_is_vf);
	assert_string_equal(ref.vf_spec, "1");
	/* ... or, in a tree captured without physfn, the PF's virtfn links */
	tree_unlink(tree, TREE_IGB_VF0 "/physfn");
	assert_int_equal(vf_pf_locate(root, "0000:01:10.0", &ref, NULL), 0);
	assert_string_equal(ref.addr_str, "0000:01:00.0");
	assert_string_equal(ref.vf_spec, "0");

	/* neither a PF nor a VF; a VF with an index; no such device */
	sriov_err_clear(&e);
	assert_int_equal(vf_pf_locate(root, "0000:01:00.1/0", &ref, &e), -ENODEV);
	assert_non_null(strstr(e.msg, "not an SR-IOV physical function"));
	assert_int_equal(vf_pf_locate(root, "0000:01:00.1", &ref, NULL), -ENODEV);
	assert_int_equal(vf_pf_locate(root, "0000:01:10.2/0", &ref, NULL), -ENODEV);
	assert_int_equal(vf_pf_locate(root, "nosuch0/0", &ref, NULL), -ENODEV);

	/* a PF without a netdev */
	tree_path(tree, TREE_IGB_PF "/net", path);
	tree_remove(path);
	assert_int_equal(vf_pf_locate(root, "0000:01:00.0/all", &ref, NULL), 0);
	assert_string_equal(ref.ifname, "");
	assert_int_equal(ref.ifindex, 0);
}

/* ---- requests --------------------------------------------------------------- */

static const struct vf_info cur_vf = {
	.index = 2,
	.has_mac = true,
	.mac = {0x02, 0, 0, 0, 0, 2},
	.has_vlan = true,
	.vlan = 100,
	.qos = 3,
	.vlan_proto = ETH_P_8021Q,
	.has_rate = true,
	.min_tx_rate = 10,
	.max_tx_rate = 500,
	.spoofchk = 1,
	.trust = 0,
	.query_rss = -1,
	.link_state = 0,
};

/* node_guid/port_guid auto: the VF's mac auto widened with ff:fe, documented. */
static void test_guid_auto(void **state)
{
	struct vf_settings s = SETTINGS("node_guid", "auto", "port_guid", "auto", "mtu",
					"1400", "msix", "4");
	const uint8_t auto_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	struct rtnl_vf_set rq[VF_ATTR_COUNT];
	char buf[32];
	uint8_t mac[6];

	(void)state;
	assert_true(vf_guid_auto(auto_mac) == 0x525400fffe123456ULL);
	assert_true(vf_guid_auto(NULL) == 0);
	assert_true(vf_settings_want_auto(&s));
	assert_int_equal(vf_settings_plan(&s, 3, NULL, auto_mac, rq), 4);
	assert_int_equal(rq[0].attr, RTNL_VF_IB_NODE_GUID);
	assert_int_equal(rq[1].attr, RTNL_VF_IB_PORT_GUID);
	assert_true(rq[0].guid == 0x525400fffe123456ULL);
	assert_true(rq[1].guid == rq[0].guid);
	assert_int_equal(rq[2].attr, VF_ATTR_MTU);
	assert_int_equal(rq[2].value, 1400);
	assert_int_equal(rq[3].attr, VF_ATTR_MSIX);
	assert_int_equal(rq[3].value, 4);
	assert_int_equal(rq[3].vf, 3);
	assert_string_equal(vf_request_name(&rq[0]), "IFLA_VF_IB_NODE_GUID");
	assert_string_equal(vf_request_name(&rq[2]), "IFLA_MTU");
	assert_string_equal(vf_request_name(&rq[3]), "sriov_vf_msix_count");
	vf_key_format(VF_KEY_NODE_GUID, &rq[0], buf, sizeof(buf));
	assert_string_equal(buf, "52:54:00:ff:fe:12:34:56");
	vf_key_format(VF_KEY_MTU, &rq[0], buf, sizeof(buf));
	assert_string_equal(buf, ""); /* not the request of mtu */
	/* stable: the same PF MAC and index give the same GUID, another index not */
	vf_mac_auto((const uint8_t[6]){0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc}, 7, mac);
	assert_true(vf_guid_auto(mac) == vf_guid_auto(mac));
	{
		uint8_t other[6];

		vf_mac_auto((const uint8_t[6]){0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc}, 8,
			    other);
		assert_true(vf_guid_auto(mac) != vf_guid_auto(other));
	}
	/* without the auto MAC, the wanted value stays "auto" */
	vf_key_format_want(VF_KEY_PORT_GUID, &s, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "auto");
	vf_key_format_want(VF_KEY_PORT_GUID, &s, auto_mac, buf, sizeof(buf));
	assert_string_equal(buf, "52:54:00:ff:fe:12:34:56");
}

static void test_plan_order_and_values(void **state)
{
	struct vf_settings s =
		SETTINGS("query_rss", "on", "state", "disable", "trust", "on", "spoofchk",
			 "off", "max_tx_rate", "100", "qos", "5", "mac", "auto");
	const uint8_t auto_mac[6] = {0x52, 1, 2, 3, 4, 5};
	struct rtnl_vf_set rq[VF_ATTR_COUNT];
	size_t n;

	(void)state;
	n = vf_settings_plan(&s, 2, &cur_vf, auto_mac, rq);
	assert_int_equal(n, RTNL_VF_RSS_QUERY_EN + 1);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rq[i].attr, i);
		assert_int_equal(rq[i].vf, 2);
	}
	assert_memory_equal(rq[0].mac, auto_mac, 6);
	/* qos given; vlan and proto from the current settings */
	assert_int_equal(rq[1].vlan, 100);
	assert_int_equal(rq[1].qos, 5);
	assert_int_equal(rq[1].vlan_proto, ETH_P_8021Q);
	assert_false(rq[1].vlan_list);
	/* max given; min from the current settings */
	assert_int_equal(rq[2].min_tx_rate, 10);
	assert_int_equal(rq[2].max_tx_rate, 100);
	assert_int_equal(rq[3].value, 0);
	assert_int_equal(rq[4].value, 1);
	assert_int_equal(rq[5].value, VF_LINK_STATE_DISABLE);
	assert_int_equal(rq[6].value, 1);
}

static void test_plan_vlan_and_rate_parts(void **state)
{
	struct vf_info ad = cur_vf;
	struct rtnl_vf_set rq[VF_ATTR_COUNT];
	struct vf_settings s = SETTINGS("vlan", "7");

	(void)state;
	/* nothing known: qos 0, 802.1Q, IFLA_VF_VLAN */
	assert_int_equal(vf_settings_plan(&s, 0, NULL, NULL, rq), 1);
	assert_int_equal(rq[0].attr, RTNL_VF_VLAN);
	assert_int_equal(rq[0].vlan, 7);
	assert_int_equal(rq[0].qos, 0);
	assert_int_equal(rq[0].vlan_proto, ETH_P_8021Q);
	assert_false(rq[0].vlan_list);
	/* the current 802.1ad is kept, which needs IFLA_VF_VLAN_LIST */
	ad.vlan_proto = ETH_P_8021AD;
	assert_int_equal(vf_settings_plan(&s, 0, &ad, NULL, rq), 1);
	assert_int_equal(rq[0].qos, 3);
	assert_int_equal(rq[0].vlan_proto, ETH_P_8021AD);
	assert_true(rq[0].vlan_list);
	/* proto given, even 802.1Q: IFLA_VF_VLAN_LIST */
	s = SETTINGS("proto", "802.1Q");
	assert_int_equal(vf_settings_plan(&s, 0, &ad, NULL, rq), 1);
	assert_int_equal(rq[0].vlan, 100);
	assert_int_equal(rq[0].vlan_proto, ETH_P_8021Q);
	assert_true(rq[0].vlan_list);
	/* min only, nothing known: max 0 */
	s = SETTINGS("min_tx_rate", "20");
	assert_int_equal(vf_settings_plan(&s, 0, NULL, NULL, rq), 1);
	assert_int_equal(rq[0].attr, RTNL_VF_RATE);
	assert_int_equal(rq[0].min_tx_rate, 20);
	assert_int_equal(rq[0].max_tx_rate, 0);
	/* explicit MAC */
	s = SETTINGS("mac", "02:11:22:33:44:55");
	assert_int_equal(vf_settings_plan(&s, 0, NULL, NULL, rq), 1);
	assert_int_equal(rq[0].mac[5], 0x55);
}

static void test_key_format(void **state)
{
	struct rtnl_vf_set v = {
		.attr = RTNL_VF_VLAN, .vlan = 100, .qos = 3, .vlan_proto = ETH_P_8021AD};
	struct rtnl_vf_set m = {.attr = RTNL_VF_MAC,
				.mac = {0x52, 0xac, 0, 0, 0xf, 0x48}};
	struct rtnl_vf_set f = {.attr = RTNL_VF_TRUST, .value = 1};
	struct rtnl_vf_set l = {.attr = RTNL_VF_LINK_STATE, .value = 2};
	struct rtnl_vf_set r = {.attr = RTNL_VF_RATE, .min_tx_rate = 1, .max_tx_rate = 2};
	char buf[32];

	(void)state;
	vf_key_format(VF_KEY_VLAN, &v, buf, sizeof(buf));
	assert_string_equal(buf, "100");
	vf_key_format(VF_KEY_QOS, &v, buf, sizeof(buf));
	assert_string_equal(buf, "3");
	vf_key_format(VF_KEY_PROTO, &v, buf, sizeof(buf));
	assert_string_equal(buf, "802.1ad");
	vf_key_format(VF_KEY_MAC, &v, buf, sizeof(buf));
	assert_string_equal(buf, "");
	vf_key_format(VF_KEY_MAC, &m, buf, sizeof(buf));
	assert_string_equal(buf, "52:ac:00:00:0f:48");
	vf_key_format(VF_KEY_TRUST, &f, buf, sizeof(buf));
	assert_string_equal(buf, "on");
	vf_key_format(VF_KEY_STATE, &l, buf, sizeof(buf));
	assert_string_equal(buf, "disable");
	vf_key_format(VF_KEY_MAX_TX_RATE, &r, buf, sizeof(buf));
	assert_string_equal(buf, "2");
	for (int k = 0; k < VF_KEY_COUNT; k++)
		assert_true(vf_key_attr((enum vf_key)k) < VF_ATTR_COUNT);
	/* values outside the enums: "?" */
	v.vlan_proto = 0;
	vf_key_format(VF_KEY_PROTO, &v, buf, sizeof(buf));
	assert_string_equal(buf, "?");
	l.value = 7;
	vf_key_format(VF_KEY_STATE, &l, buf, sizeof(buf));
	assert_string_equal(buf, "?");
}

static void test_value_names(void **state)
{
	static const uint8_t mac[6] = {0x02, 0xab, 0xcd, 0xef, 0x00, 0x9a};
	char buf[VF_MAC_STRLEN];

	(void)state;
	vf_mac_format(mac, buf);
	assert_string_equal(buf, "02:ab:cd:ef:00:9a");
	assert_string_equal(vf_link_state_name(VF_LINK_STATE_AUTO), "auto");
	assert_string_equal(vf_link_state_name(VF_LINK_STATE_ENABLE), "enable");
	assert_string_equal(vf_link_state_name(VF_LINK_STATE_DISABLE), "disable");
	assert_null(vf_link_state_name(-1));
	assert_null(vf_link_state_name(3));
	assert_string_equal(vf_vlan_proto_name(ETH_P_8021Q), "802.1Q");
	assert_string_equal(vf_vlan_proto_name(ETH_P_8021AD), "802.1ad");
	assert_null(vf_vlan_proto_name(0));
}

/* ---- read back and explain -------------------------------------------------- */

static void test_readback(void **state)
{
	struct rtnl_vf_set sent = {.attr = RTNL_VF_VLAN,
				   .vf = 2,
				   .vlan = 100,
				   .qos = 3,
				   .vlan_proto = ETH_P_8021Q};
	struct vf_info now = cur_vf;
	struct rtnl_vf_set seen;

	(void)state;
	assert_int_equal(vf_set_readback(&sent, &now, &seen), VF_READBACK_MATCH);
	now.qos = 0;
	assert_int_equal(vf_set_readback(&sent, &now, &seen), VF_READBACK_DIFFERS);
	assert_int_equal(seen.qos, 0);
	assert_int_equal(vf_set_readback(&sent, NULL, &seen), VF_READBACK_UNKNOWN);

	sent = (struct rtnl_vf_set){.attr = RTNL_VF_RSS_QUERY_EN, .vf = 2, .value = 1};
	assert_int_equal(vf_set_readback(&sent, &now, &seen), VF_READBACK_UNKNOWN);
	sent = (struct rtnl_vf_set){.attr = RTNL_VF_TRUST, .vf = 2, .value = 1};
	assert_int_equal(vf_set_readback(&sent, &now, &seen), VF_READBACK_DIFFERS);
	assert_int_equal(seen.value, 0);
	sent = (struct rtnl_vf_set){
		.attr = RTNL_VF_RATE, .vf = 2, .max_tx_rate = 500, .min_tx_rate = 10};
	assert_int_equal(vf_set_readback(&sent, &now, &seen), VF_READBACK_MATCH);
	sent.max_tx_rate = 100;
	assert_int_equal(vf_set_readback(&sent, &now, &seen), VF_READBACK_DIFFERS);
	assert_int_equal(seen.max_tx_rate, 500);
	sent = (struct rtnl_vf_set){
		.attr = RTNL_VF_MAC, .vf = 2, .mac = {2, 0, 0, 0, 0, 2}};
	assert_int_equal(vf_set_readback(&sent, &now, &seen), VF_READBACK_MATCH);
	now.has_mac = false;
	assert_int_equal(vf_set_readback(&sent, &now, &seen), VF_READBACK_UNKNOWN);
}

static void test_verify_and_failed(void **state)
{
	struct vf_info list[1] = {cur_vf};
	struct link_vfs after = {.vfs = list, .n_vfs = 1};
	struct vf_set_result res[3] = {
		{.req = {.attr = RTNL_VF_TRUST, .vf = 2, .value = 0}, .sent = true},
		{.req = {.attr = RTNL_VF_SPOOFCHK, .vf = 2, .value = 0}, .sent = true},
		{.req = {.attr = RTNL_VF_RATE, .vf = 2, .max_tx_rate = 9}, .sent = true},
	};

	(void)state;
	res[2].ack.error = -EINVAL;
	vf_settings_verify(res, 3, &after);
	assert_int_equal(res[0].readback, VF_READBACK_MATCH);
	assert_int_equal(res[1].readback, VF_READBACK_DIFFERS);
	assert_int_equal(res[2].readback, VF_READBACK_NONE);
	assert_false(vf_set_failed(&res[0]));
	assert_true(vf_set_failed(&res[1]));
	assert_true(vf_set_failed(&res[2]));
}

static void test_explain(void **state)
{
	struct vf_set_result r = {
		.req = {.attr = RTNL_VF_RATE, .vf = 1, .max_tx_rate = 100},
		.sent = true,
		.tries = 1};
	struct sriov_err e;

	(void)state;
	r.ack.error = -EINVAL;
	vf_set_explain(&r, "eth0", false, &e);
	assert_int_equal(e.code, -EINVAL);
	assert_string_equal(e.msg, "Invalid argument");
	assert_non_null(strstr(e.hint, "--pf-up"));
	assert_non_null(strstr(e.hint, "eth0 is down"));
	vf_set_explain(&r, "eth0", true, &e);
	assert_null(strstr(e.hint, "--pf-up"));
	assert_non_null(strstr(e.hint, "link speed"));

	r.req.attr = RTNL_VF_RSS_QUERY_EN;
	r.ack.error = -EOPNOTSUPP;
	snprintf(r.ack.msg, sizeof(r.ack.msg), "VF RSS query not supported");
	vf_set_explain(&r, "eth0", true, &e);
	assert_string_equal(e.msg, "Operation not supported: VF RSS query not supported");
	assert_non_null(strstr(e.hint, "does not support"));

	r.req.attr = RTNL_VF_IB_NODE_GUID;
	r.ack.msg[0] = '\0';
	vf_set_explain(&r, "eth0", true, &e);
	assert_non_null(strstr(e.hint, "only InfiniBand VFs take GUIDs"));
	r.req.attr = VF_ATTR_MTU;
	r.ack.error = -EINVAL;
	vf_set_explain(&r, "eth0", true, &e);
	assert_non_null(strstr(e.hint, "maxmtu"));

	r.req.attr = RTNL_VF_VLAN;
	r.ack.error = -EPROTONOSUPPORT;
	r.ack.msg[0] = '\0';
	vf_set_explain(&r, "eth0", true, &e);
	assert_non_null(strstr(e.hint, "802.1Q"));

	r.ack.error = -EBUSY;
	r.tries = 40;
	vf_set_explain(&r, "eth0", true, &e);
	assert_non_null(strstr(e.hint, "40 tries"));

	r.ack.error = 0;
	r.readback = VF_READBACK_DIFFERS;
	vf_set_explain(&r, "eth0", true, &e);
	assert_non_null(strstr(e.msg, "different value"));

	r.readback = VF_READBACK_MATCH;
	vf_set_explain(&r, "eth0", true, &e);
	assert_int_equal(e.code, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_bool_words),
		cmocka_unit_test(test_number_errors),
		cmocka_unit_test(test_other_errors),
		cmocka_unit_test(test_mac_errors),
		cmocka_unit_test(test_settings_check),
		cmocka_unit_test(test_mac_auto_vectors),
		cmocka_unit_test(test_mac_auto_bits),
		cmocka_unit_test(test_mac_auto_no_collisions),
		cmocka_unit_test_setup_teardown(test_perm_mac_sources, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_link_read_recorded, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_pf_locate, tree_setup,
						tree_teardown),
		cmocka_unit_test(test_plan_order_and_values),
		cmocka_unit_test(test_guid_auto),
		cmocka_unit_test(test_plan_vlan_and_rate_parts),
		cmocka_unit_test(test_key_format),
		cmocka_unit_test(test_value_names),
		cmocka_unit_test(test_readback),
		cmocka_unit_test(test_verify_and_failed),
		cmocka_unit_test(test_explain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
