// SPDX-License-Identifier: MIT
/*
 * The table of VF settings, row by row: names and their lookups (the vf set
 * key, the configuration key and its alias, "did you mean"), good and bad
 * values of each row's type, formatting round trips, comparing, the
 * request and current-state fields, and the key lists messages use.
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

#include "sriov/vfsetting.h"
#include "config_internal.h"

#define ROW(k) vf_setting_of((enum vf_key)(k))

/* Good values of a row, in the form formatting gives back. */
static size_t good_values(int k, char out[8][32])
{
	const struct vf_setting *row = ROW(k);
	size_t n = 0;

	switch (row->type) {
	case VF_VAL_MAC:
		snprintf(out[n++], 32, "02:00:00:00:00:05");
		snprintf(out[n++], 32, "52:54:00:ab:cd:ef");
		break;
	case VF_VAL_GUID:
		snprintf(out[n++], 32, "00:02:c9:03:00:21:6e:70");
		snprintf(out[n++], 32, "ff:ff:ff:ff:ff:ff:ff:ff");
		break;
	case VF_VAL_UINT:
		snprintf(out[n++], 32, "%u", row->min);
		snprintf(out[n++], 32, "%u", row->max / 2);
		snprintf(out[n++], 32, "%u", row->max);
		break;
	case VF_VAL_BOOL:
		snprintf(out[n++], 32, "on");
		snprintf(out[n++], 32, "off");
		break;
	case VF_VAL_ENUM:
		for (const struct vf_enum_name *e = row->names; e->name && n < 8; e++)
			snprintf(out[n++], 32, "%s", e->name);
		break;
	case VF_VAL_NAME:
		snprintf(out[n++], 32, "grp1");
		snprintf(out[n++], 32, "tenant_a.gold-2");
		snprintf(out[n++], 32, "none");
		break;
	}
	return n;
}

static void test_rows_complete(void **state)
{
	(void)state;
	assert_null(vf_setting_of(VF_KEY_COUNT));
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		const struct vf_setting *row = ROW(k);

		assert_non_null(row->name);
		assert_non_null(row->conf_name);
		assert_true(row->help && strlen(row->help) > 5 && strlen(row->help) < 56);
		assert_true(row->doc && strlen(row->doc) > 10);
		/* the request names its interface; rtnetlink's are IFLA_VF_* */
		assert_true(row->attr < VF_ATTR_COUNT);
		assert_int_equal(row->iface, vf_attr_iface(row->attr));
		assert_int_equal(row->iface == VF_IFACE_RTNL,
				 row->attr < RTNL_VF_ATTR_COUNT);
		assert_true(row->min <= row->max);
		/* auto: the MAC and GUID rows, and only they (not devlink's hw_addr) */
		assert_int_equal(row->auto_flag.size != 0,
				 (row->type == VF_VAL_MAC && k != VF_KEY_HW_ADDR) ||
					 row->type == VF_VAL_GUID);
		/* igb takes a rate only with carrier: apply waits, pf_up auto */
		assert_int_equal(row->needs_carrier, row->attr == RTNL_VF_RATE);
		if (row->type == VF_VAL_ENUM)
			assert_true(row->names && row->names[0].name && row->what);
		if (row->type == VF_VAL_MAC) {
			assert_int_equal(row->want.size, 6);
			assert_int_equal(row->req.size, 6);
			assert_int_equal(row->cur.size, 6);
		}
		if (row->type == VF_VAL_NAME) { /* a string of the same size each */
			assert_int_equal(row->want.size, row->req.size);
			assert_int_equal(row->cur.size, row->req.size);
		}
		if (row->type == VF_VAL_GUID) {
			assert_int_equal(row->want.size, 8);
			assert_int_equal(row->req.size, 8);
			assert_int_equal(row->cur.size, 8);
		}
		/* no two rows share a name */
		for (int o = 0; o < k; o++) {
			assert_string_not_equal(ROW(o)->name, row->name);
			assert_string_not_equal(ROW(o)->conf_name, row->conf_name);
		}
	}
}

static void test_lookups(void **state)
{
	struct sriov_err e;
	enum vf_key got;
	enum cfg_key ck;
	char buf[120];

	(void)state;
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		const struct vf_setting *row = ROW(k);

		assert_int_equal(vf_key_lookup(row->name, &got, NULL), 0);
		assert_int_equal(got, k);
		assert_string_equal(vf_key_name((enum vf_key)k), row->name);
		assert_int_equal(vf_key_lookup_conf(row->conf_name, &got), 0);
		assert_int_equal(got, k);
		assert_int_equal(cfg_key_lookup(CFG_KIND_VF, row->conf_name, &ck), 0);
		assert_int_equal((int)ck, k);
		assert_int_equal(cfg_key_lookup(CFG_KIND_PF, row->conf_name, &ck), 0);
		assert_string_equal(cfg_key_name(CFG_KIND_VF, ck), row->conf_name);
		if (row->alias) {
			assert_string_equal(vf_key_alias_of(row->alias), row->conf_name);
			/* an alias is not a key in a file: suggested instead */
			assert_int_equal(cfg_key_lookup(CFG_KIND_VF, row->alias, &ck),
					 -ENOENT);
			cfg_key_suggest(CFG_KIND_VF, row->alias, buf, sizeof(buf));
			assert_non_null(strstr(buf, row->conf_name));
		}
	}
	assert_null(vf_key_alias_of("vlan"));
	sriov_err_clear(&e);
	assert_int_equal(vf_key_lookup("colour", &got, &e), -EINVAL);
	for (int k = 0; k < VF_KEY_COUNT; k++)
		assert_non_null(strstr(e.msg, ROW(k)->name));
	assert_int_equal(vf_key_lookup_conf("proto", &got), -ENOENT);
	cfg_key_suggest(CFG_KIND_VF, "vlna", buf, sizeof(buf));
	assert_string_equal(buf, "did you mean vlan?");
	cfg_key_suggest(CFG_KIND_VF, "Query_RSS", buf, sizeof(buf));
	assert_string_equal(buf, "keys are lower case: did you mean query_rss?");
	cfg_key_suggest(CFG_KIND_VF, "spofchk", buf, sizeof(buf));
	assert_string_equal(buf, "did you mean spoofchk?");
	cfg_key_suggest(CFG_KIND_VF, "frobnicate", buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void test_key_lists(void **state)
{
	char cli[VF_KEY_LIST_SIZE], conf[VF_KEY_LIST_SIZE];

	(void)state;
	vf_key_list(false, cli, sizeof(cli));
	vf_key_list(true, conf, sizeof(conf));
	assert_string_equal(cli, "mac, vlan, qos, proto, min_tx_rate, max_tx_rate, "
				 "spoofchk, trust, state, query_rss, node_guid, "
				 "port_guid, mtu, msix, tx_share, tx_max, rate_group, "
				 "hw_addr, fn_state, roce, migratable");
	assert_string_equal(conf, "mac, vlan, qos, vlan_proto, min_tx_rate, "
				  "max_tx_rate, spoofchk, trust, link_state, query_rss, "
				  "node_guid, port_guid, mtu, msix, tx_share, tx_max, "
				  "rate_group, hw_addr, fn_state, roce, migratable");
	vf_key_syntax(VF_KEY_HW_ADDR, cli, sizeof(cli));
	assert_string_equal(cli, "MAC"); /* no auto */
	vf_key_syntax(VF_KEY_RATE_GROUP, cli, sizeof(cli));
	assert_string_equal(cli, "NAME|none");
	vf_key_syntax(VF_KEY_FN_STATE, cli, sizeof(cli));
	assert_string_equal(cli, "active|inactive");
	vf_key_values(VF_KEY_TX_MAX, cli, sizeof(cli));
	assert_string_equal(cli, "Mbit/s");
	vf_key_values(VF_KEY_VLAN, cli, sizeof(cli));
	assert_string_equal(cli, "0-4095");
	vf_key_values(VF_KEY_STATE, cli, sizeof(cli));
	assert_string_equal(cli, "auto, enable or disable");
	vf_key_values(VF_KEY_PROTO, cli, sizeof(cli));
	assert_string_equal(cli, "802.1Q or 802.1ad");
	vf_key_values(VF_KEY_MAX_TX_RATE, cli, sizeof(cli));
	assert_string_equal(cli, "Mbit/s");
	vf_key_values(VF_KEY_TRUST, cli, sizeof(cli));
	assert_string_equal(cli, "on or off");
	vf_key_syntax(VF_KEY_MAC, cli, sizeof(cli));
	assert_string_equal(cli, "MAC|auto");
	vf_key_syntax(VF_KEY_STATE, cli, sizeof(cli));
	assert_string_equal(cli, "auto|enable|disable");
	vf_key_syntax(VF_KEY_QOS, cli, sizeof(cli));
	assert_string_equal(cli, "0-7");
	vf_key_syntax(VF_KEY_MTU, cli, sizeof(cli));
	assert_string_equal(cli, "68-65535");
	vf_key_values(VF_KEY_MSIX, cli, sizeof(cli));
	assert_string_equal(cli, "1-2048");
	vf_key_syntax(VF_KEY_NODE_GUID, cli, sizeof(cli));
	assert_string_equal(cli, "GUID|auto");
	vf_key_values(VF_KEY_PORT_GUID, cli, sizeof(cli));
	assert_string_equal(cli, "xx:xx:xx:xx:xx:xx:xx:xx or auto");
}

/* Every good value parses, formats back to itself, and compares equal. */
static void test_good_values_round_trip(void **state)
{
	(void)state;
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		char vals[8][32], text[32];
		size_t n = good_values(k, vals);

		for (size_t i = 0; i < n; i++) {
			struct vf_settings a = {0}, b = {0};
			struct rtnl_vf_set rq = {0};
			struct vf_value v, back;

			assert_int_equal(
				vf_key_parse((enum vf_key)k, "x", vals[i], &a, NULL), 0);
			vf_key_format_want((enum vf_key)k, &a, NULL, text, sizeof(text));
			assert_string_equal(text, vals[i]);
			assert_int_equal(
				vf_key_parse((enum vf_key)k, "x", text, &b, NULL), 0);
			assert_true(vf_key_equal((enum vf_key)k, &a, &b));
			/* through a kernel request and back */
			vf_key_want((enum vf_key)k, &a, NULL, &v);
			vf_key_req_put((enum vf_key)k, &rq, &v);
			vf_key_req_get((enum vf_key)k, &rq, &back);
			assert_true(vf_value_equal((enum vf_key)k, &v, &back));
			vf_value_format((enum vf_key)k, &back, text, sizeof(text));
			assert_string_equal(text, vals[i]);
			/* a different value compares unequal */
			if (n > 1) {
				struct vf_settings c = {0};

				assert_int_equal(vf_key_parse((enum vf_key)k, "x",
							      vals[(i + 1) % n], &c,
							      NULL),
						 0);
				assert_false(vf_key_equal((enum vf_key)k, &a, &c));
			}
			/* copying marks the key given */
			memset(&b, 0, sizeof(b));
			vf_key_copy((enum vf_key)k, &b, &a);
			assert_true(vf_settings_has(&b, (enum vf_key)k));
			assert_true(vf_key_equal((enum vf_key)k, &a, &b));
		}
	}
}

static void expect_bad(int k, const char *text, int code)
{
	const struct vf_setting *row = ROW(k);
	struct vf_settings s = {0};
	struct sriov_err e;
	char prefix[48];

	sriov_err_clear(&e);
	assert_int_equal(vf_key_parse((enum vf_key)k, row->conf_name, text, &s, &e),
			 code);
	snprintf(prefix, sizeof(prefix), "%s: '", row->conf_name);
	if (strncmp(e.msg, prefix, strlen(prefix)) || !strstr(e.msg, text))
		fail_msg("%s %s: message '%s'", row->name, text, e.msg);
}

static void test_bad_values(void **state)
{
	(void)state;
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		const struct vf_setting *row = ROW(k);
		char big[32];

		if (row->type != VF_VAL_NAME) { /* any word names a group; "": none */
			expect_bad(k, "", -EINVAL);
			expect_bad(k, "nonsense", -EINVAL);
		}
		switch (row->type) {
		case VF_VAL_NAME:
			expect_bad(k, "grp/1", -EINVAL); /* no path component */
			expect_bad(k, "..", -EINVAL);
			expect_bad(k, "-x", -EINVAL);
			expect_bad(k, "a b", -EINVAL);
			expect_bad(k,
				   "01234567890123456789012345678901234567890123456789012"
				   "34567890123",
				   -EINVAL); /* 64 characters */
			break;
		case VF_VAL_UINT:
			snprintf(big, sizeof(big), "%llu",
				 (unsigned long long)row->max + 1);
			expect_bad(k, big, -ERANGE);
			expect_bad(k, "-1", -EINVAL);
			expect_bad(k, "1.5", -EINVAL);
			if (row->min) {
				snprintf(big, sizeof(big), "%u", row->min - 1);
				expect_bad(k, big, -ERANGE);
			}
			break;
		case VF_VAL_GUID:
			expect_bad(k, "00:02:c9:03:00:21:6e", -EINVAL); /* 7 bytes */
			expect_bad(k, "00:02:c9:03:00:21:6e:70:01", -EINVAL); /* 9 */
			expect_bad(k, "00-02-c9-03-00-21-6e-70", -EINVAL);
			expect_bad(k, "0002c903:00216e70:0000000", -EINVAL);
			expect_bad(k, "00:02:c9:03:00:21:6e:7g", -EINVAL);
			expect_bad(k, "02:00:00:00:00:05", -EINVAL); /* a MAC */
			break;
		case VF_VAL_MAC:
			expect_bad(k, "01:00:5e:00:00:01", -EINVAL); /* multicast */
			expect_bad(k, "00:00:00:00:00:00", -EINVAL);
			expect_bad(k, "02:00:00:00:00", -EINVAL);
			break;
		case VF_VAL_BOOL:
			expect_bad(k, "2", -EINVAL);
			break;
		case VF_VAL_ENUM: {
			struct vf_settings s = {0};
			struct sriov_err e;

			sriov_err_clear(&e);
			vf_key_parse((enum vf_key)k, "x", "nope", &s, &e);
			assert_non_null(strstr(e.msg, row->what));
			for (const struct vf_enum_name *n = row->names; n->name; n++)
				assert_non_null(strstr(e.msg, n->name));
			break;
		}
		}
	}
}

static void test_mac_auto(void **state)
{
	const uint8_t derived[6] = {0x02, 1, 2, 3, 4, 5};
	struct vf_settings a = {0}, b = {0};
	struct vf_value v;
	char text[32];

	(void)state;
	assert_int_equal(vf_key_parse(VF_KEY_MAC, "mac", "auto", &a, NULL), 0);
	assert_true(a.mac_auto);
	vf_key_format_want(VF_KEY_MAC, &a, NULL, text, sizeof(text));
	assert_string_equal(text, "auto");
	vf_key_format_want(VF_KEY_MAC, &a, derived, text, sizeof(text));
	assert_string_equal(text, "02:01:02:03:04:05");
	vf_key_want(VF_KEY_MAC, &a, derived, &v);
	assert_memory_equal(v.mac, derived, 6);
	assert_int_equal(vf_key_parse(VF_KEY_MAC, "mac", "02:01:02:03:04:05", &b, NULL),
			 0);
	assert_false(vf_key_equal(VF_KEY_MAC, &a, &b)); /* auto is not an address */
	b.mac_auto = true;
	assert_true(vf_key_equal(VF_KEY_MAC, &a, &b));
}

/* The current state: known values formatted, unknown ones empty. */
static void test_current(void **state)
{
	struct vf_info known = {
		.has_mac = true,
		.mac = {0x02, 0, 0, 0, 0, 9},
		.has_vlan = true,
		.vlan = 100,
		.qos = 3,
		.vlan_proto = 0, /* not reported: 802.1Q */
		.has_rate = true,
		.min_tx_rate = 10,
		.max_tx_rate = 500,
		.spoofchk = 1,
		.trust = 0,
		.query_rss = 1,
		.link_state = VF_LINK_STATE_DISABLE,
		.has_node_guid = true,
		.node_guid = 0x0002c90300216e70ULL,
		.has_port_guid = true,
		.port_guid = 0xfe,
		.has_mtu = true,
		.mtu = 9000,
		.has_msix = true,
		.msix_count = 0,
		.has_dl_rate = true,
		.tx_share = 10,
		.tx_max = 100,
		.rate_group = "grp1",
		.has_fn_hw_addr = true,
		.fn_hw_addr = {0x02, 0, 0, 0, 0, 0x0a},
		.has_fn_state = true,
		.fn_state = 0,
		.has_fn_roce = true,
		.fn_roce = 1,
		.has_fn_migratable = true,
		.fn_migratable = 0,
	};
	static const char *const want[VF_KEY_COUNT] = {
		"02:00:00:00:00:09",
		"100",
		"3",
		"802.1Q",
		"10",
		"500",
		"on",
		"off",
		"disable",
		"on",
		"00:02:c9:03:00:21:6e:70",
		"00:00:00:00:00:00:00:fe",
		"9000",
		"0",
		"10",
		"100",
		"grp1",
		"02:00:00:00:00:0a",
		"inactive",
		"on",
		"off",
	};
	struct vf_info unknown = {
		.spoofchk = -1, .trust = -1, .query_rss = -1, .link_state = -1};
	struct vf_value v;
	char text[32];

	(void)state;
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		vf_key_format_current((enum vf_key)k, &known, text, sizeof(text));
		assert_string_equal(text, want[k]);
		vf_key_format_current((enum vf_key)k, &unknown, text, sizeof(text));
		assert_string_equal(text, "");
		assert_false(vf_key_current((enum vf_key)k, &unknown, 0, &v));
	}
	/* read back: an unreported protocol is taken as what was sent */
	assert_true(vf_key_current(VF_KEY_PROTO, &known, ETH_P_8021AD, &v));
	assert_int_equal(v.u, ETH_P_8021AD);
	known.vlan_proto = ETH_P_8021AD;
	vf_key_format_current(VF_KEY_PROTO, &known, text, sizeof(text));
	assert_string_equal(text, "802.1ad");
	assert_string_equal(vf_link_state_name(VF_LINK_STATE_ENABLE), "enable");
	assert_null(vf_link_state_name(-1));
	assert_null(vf_vlan_proto_name(0x1234));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_complete),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_key_lists),
		cmocka_unit_test(test_good_values_round_trip),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_mac_auto),
		cmocka_unit_test(test_current),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
