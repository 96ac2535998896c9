// SPDX-License-Identifier: MIT
/*
 * rtnetlink VF settings: every RTM_SETLINK request parsed back with libmnl
 * (and one compared byte for byte), the IFF_UP request, acknowledgements with
 * and without extended ack (capped or echoing the request), the link
 * summary, and a live request on loopback.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "sriov/netlink.h"
#include "nl_compat.h"
#define TEST_IFLA_LOWER_UP 0x10000

#define TEST_IFINDEX 7
#define TEST_SEQ     4242
#define TEST_PORTID  777

/* ---- requests --------------------------------------------------------------- */

/*
 * Checks the envelope of a VF request and returns the one attribute inside
 * IFLA_VFINFO_LIST > IFLA_VF_INFO.
 */
static const struct nlattr *vf_attr_of(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	const struct ifinfomsg *ifi;
	const struct nlattr *a, *list = NULL, *info = NULL, *inner = NULL;
	int n;

	assert_true(mnl_nlmsg_ok(nlh, (int)len));
	assert_int_equal(nlh->nlmsg_len, len);
	assert_int_equal(nlh->nlmsg_type, RTM_SETLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, TEST_SEQ);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_family, AF_UNSPEC);
	assert_int_equal(ifi->ifi_index, TEST_IFINDEX);
	assert_int_equal(ifi->ifi_flags, 0);
	assert_int_equal(ifi->ifi_change, 0);
	n = 0;
	mnl_attr_for_each(a, nlh, sizeof(*ifi))
	{
		assert_int_equal(mnl_attr_get_type(a), IFLA_VFINFO_LIST);
		list = a;
		n++;
	}
	assert_int_equal(n, 1);
	n = 0;
	mnl_attr_for_each_nested(a, list)
	{
		assert_int_equal(mnl_attr_get_type(a), IFLA_VF_INFO);
		info = a;
		n++;
	}
	assert_int_equal(n, 1);
	n = 0;
	mnl_attr_for_each_nested(a, info)
	{
		inner = a;
		n++;
	}
	assert_int_equal(n, 1);
	return inner;
}

static size_t build(uint32_t *buf, const struct rtnl_vf_set *s)
{
	size_t len =
		rtnl_build_setvf(buf, RTNL_SETLINK_MSG_SIZE, TEST_SEQ, TEST_IFINDEX, s);

	assert_true(len > 0 && len <= RTNL_SETLINK_MSG_SIZE);
	return len;
}

static void test_build_mac(void **state)
{
	uint32_t buf[RTNL_SETLINK_MSG_SIZE / 4];
	struct rtnl_vf_set s = {.attr = RTNL_VF_MAC,
				.vf = 3,
				.mac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55}};
	const struct nlattr *a;
	struct ifla_vf_mac m;

	(void)state;
	a = vf_attr_of(buf, build(buf, &s));
	assert_int_equal(mnl_attr_get_type(a), IFLA_VF_MAC);
	assert_int_equal(mnl_attr_get_payload_len(a), sizeof(m));
	memcpy(&m, mnl_attr_get_payload(a), sizeof(m));
	assert_int_equal(m.vf, 3);
	assert_memory_equal(m.mac, s.mac, 6);
	for (size_t i = 6; i < sizeof(m.mac); i++)
		assert_int_equal(m.mac[i], 0);
	assert_string_equal(rtnl_vf_attr_name(&s), "IFLA_VF_MAC");
}

static void test_build_vlan(void **state)
{
	uint32_t buf[RTNL_SETLINK_MSG_SIZE / 4];
	struct rtnl_vf_set s = {.attr = RTNL_VF_VLAN,
				.vf = 1,
				.vlan = 100,
				.qos = 3,
				.vlan_proto = ETH_P_8021Q};
	const struct nlattr *a, *in;
	struct ifla_vf_vlan_info vi;
	struct ifla_vf_vlan v;
	int n = 0;

	(void)state;
	a = vf_attr_of(buf, build(buf, &s));
	assert_int_equal(mnl_attr_get_type(a), IFLA_VF_VLAN);
	assert_int_equal(mnl_attr_get_payload_len(a), sizeof(v));
	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	assert_int_equal(v.vf, 1);
	assert_int_equal(v.vlan, 100);
	assert_int_equal(v.qos, 3);
	assert_string_equal(rtnl_vf_attr_name(&s), "IFLA_VF_VLAN");

	s.vlan_list = true;
	s.vlan_proto = ETH_P_8021AD;
	a = vf_attr_of(buf, build(buf, &s));
	assert_int_equal(mnl_attr_get_type(a), IFLA_VF_VLAN_LIST);
	mnl_attr_for_each_nested(in, a)
	{
		assert_int_equal(mnl_attr_get_type(in), IFLA_VF_VLAN_INFO);
		assert_int_equal(mnl_attr_get_payload_len(in), sizeof(vi));
		memcpy(&vi, mnl_attr_get_payload(in), sizeof(vi));
		n++;
	}
	assert_int_equal(n, 1);
	assert_int_equal(vi.vf, 1);
	assert_int_equal(vi.vlan, 100);
	assert_int_equal(vi.qos, 3);
	assert_int_equal(vi.vlan_proto, htons(ETH_P_8021AD));
	assert_string_equal(rtnl_vf_attr_name(&s), "IFLA_VF_VLAN_LIST");
}

static void test_build_rate(void **state)
{
	uint32_t buf[RTNL_SETLINK_MSG_SIZE / 4];
	struct rtnl_vf_set s = {
		.attr = RTNL_VF_RATE, .vf = 6, .min_tx_rate = 10, .max_tx_rate = 1000};
	const struct nlattr *a;
	struct ifla_vf_rate r;

	(void)state;
	a = vf_attr_of(buf, build(buf, &s));
	assert_int_equal(mnl_attr_get_type(a), IFLA_VF_RATE);
	assert_int_equal(mnl_attr_get_payload_len(a), sizeof(r));
	memcpy(&r, mnl_attr_get_payload(a), sizeof(r));
	assert_int_equal(r.vf, 6);
	assert_int_equal(r.min_tx_rate, 10);
	assert_int_equal(r.max_tx_rate, 1000);
}

static void test_build_u32_settings(void **state)
{
	static const struct {
		enum rtnl_vf_attr attr;
		uint16_t type;
		uint32_t value;
	} cases[] = {
		{RTNL_VF_SPOOFCHK, IFLA_VF_SPOOFCHK, 0},
		{RTNL_VF_TRUST, IFLA_VF_TRUST, 1},
		{RTNL_VF_LINK_STATE, IFLA_VF_LINK_STATE, IFLA_VF_LINK_STATE_DISABLE},
		{RTNL_VF_RSS_QUERY_EN, IFLA_VF_RSS_QUERY_EN, 1},
	};
	uint32_t buf[RTNL_SETLINK_MSG_SIZE / 4];
	const struct nlattr *a;
	uint32_t pair[2];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rtnl_vf_set s = {
			.attr = cases[i].attr, .vf = 5, .value = cases[i].value};

		a = vf_attr_of(buf, build(buf, &s));
		assert_int_equal(mnl_attr_get_type(a), cases[i].type);
		assert_int_equal(mnl_attr_get_payload_len(a), sizeof(pair));
		memcpy(pair, mnl_attr_get_payload(a), sizeof(pair));
		assert_int_equal(pair[0], 5);
		assert_int_equal(pair[1], cases[i].value);
	}
}

static void test_build_guid(void **state)
{
	uint32_t buf[RTNL_SETLINK_MSG_SIZE / 4];
	struct rtnl_vf_set s = {
		.attr = RTNL_VF_IB_PORT_GUID, .vf = 4, .guid = 0x525400fffe123456ULL};
	const struct nlattr *a;
	struct ifla_vf_guid g;

	(void)state;
	a = vf_attr_of(buf, build(buf, &s));
	assert_int_equal(mnl_attr_get_type(a), IFLA_VF_IB_PORT_GUID);
	assert_int_equal(mnl_attr_get_payload_len(a), sizeof(g));
	memcpy(&g, mnl_attr_get_payload(a), sizeof(g));
	assert_int_equal(g.vf, 4);
	assert_true(g.guid == 0x525400fffe123456ULL);
	assert_string_equal(rtnl_vf_attr_name(&s), "IFLA_VF_IB_PORT_GUID");
	s.attr = RTNL_VF_IB_NODE_GUID;
	a = vf_attr_of(buf, build(buf, &s));
	assert_int_equal(mnl_attr_get_type(a), IFLA_VF_IB_NODE_GUID);
	/* a request of another interface is not an IFLA_VF_* one */
	s.attr = RTNL_VF_ATTR_COUNT;
	assert_int_equal(rtnl_build_setvf(buf, sizeof(buf), TEST_SEQ, TEST_IFINDEX, &s),
			 0);
}

/* IFLA_MTU on the link itself (a VF's netdev), not inside IFLA_VFINFO_LIST. */
static void test_build_set_mtu(void **state)
{
	uint32_t buf[RTNL_SETLINK_MSG_SIZE / 4];
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct ifinfomsg *ifi;
	const struct nlattr *a;
	size_t len;
	int n = 0;

	(void)state;
	assert_int_equal(rtnl_build_set_mtu(buf, 8, TEST_SEQ, 9, 1400), 0);
	len = rtnl_build_set_mtu(buf, sizeof(buf), TEST_SEQ, 9, 1400);
	assert_int_equal(len, nlh->nlmsg_len);
	assert_int_equal(nlh->nlmsg_type, RTM_SETLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_index, 9);
	assert_int_equal(ifi->ifi_change, 0); /* no flag changes */
	mnl_attr_for_each(a, nlh, sizeof(*ifi))
	{
		assert_int_equal(mnl_attr_get_type(a), IFLA_MTU);
		assert_int_equal(mnl_attr_get_u32(a), 1400);
		n++;
	}
	assert_int_equal(n, 1);
}

/* The whole message, byte for byte, as the kernel's policy expects it. */
static void test_build_trust_bytes(void **state)
{
	uint32_t buf[RTNL_SETLINK_MSG_SIZE / 4];
	struct rtnl_vf_set s = {.attr = RTNL_VF_TRUST, .vf = 2, .value = 1};
	uint8_t expect[52] = {0};
	uint16_t u16;
	uint32_t u32;
	size_t len;

	(void)state;
	u32 = 52; /* nlmsghdr: len, type, flags, seq, pid */
	memcpy(expect, &u32, 4);
	u16 = RTM_SETLINK;
	memcpy(expect + 4, &u16, 2);
	u16 = NLM_F_REQUEST | NLM_F_ACK;
	memcpy(expect + 6, &u16, 2);
	u32 = TEST_SEQ;
	memcpy(expect + 8, &u32, 4);
	u32 = TEST_IFINDEX; /* ifinfomsg at 16: family 0, type 0, index at 20 */
	memcpy(expect + 20, &u32, 4);
	/* IFLA_VFINFO_LIST (nested) at 32: len 20 */
	u16 = 20;
	memcpy(expect + 32, &u16, 2);
	u16 = NLA_F_NESTED | IFLA_VFINFO_LIST;
	memcpy(expect + 34, &u16, 2);
	u16 = 16; /* IFLA_VF_INFO (nested): len 16 */
	memcpy(expect + 36, &u16, 2);
	u16 = NLA_F_NESTED | IFLA_VF_INFO;
	memcpy(expect + 38, &u16, 2);
	u16 = 12; /* IFLA_VF_TRUST: len 12, { vf 2, setting 1 } */
	memcpy(expect + 40, &u16, 2);
	u16 = IFLA_VF_TRUST;
	memcpy(expect + 42, &u16, 2);
	u32 = 2;
	memcpy(expect + 44, &u32, 4);
	u32 = 1;
	memcpy(expect + 48, &u32, 4);
	len = build(buf, &s);
	assert_int_equal(len, sizeof(expect));
	assert_memory_equal(buf, expect, sizeof(expect));
}

static void test_build_limits(void **state)
{
	uint32_t buf[RTNL_SETLINK_MSG_SIZE / 4];
	struct rtnl_vf_set s = {.attr = RTNL_VF_MAC};

	(void)state;
	assert_int_equal(rtnl_build_setvf(buf, RTNL_SETLINK_MSG_SIZE - 1, 1, 1, &s), 0);
	assert_int_equal(rtnl_build_setvf(NULL, RTNL_SETLINK_MSG_SIZE, 1, 1, &s), 0);
	assert_int_equal(rtnl_build_setvf(buf, sizeof(buf), 1, 1, NULL), 0);
	s.attr = RTNL_VF_ATTR_COUNT;
	assert_int_equal(rtnl_build_setvf(buf, sizeof(buf), 1, 1, &s), 0);
	assert_int_equal(rtnl_build_link_up(buf, 16, 1, 1), 0);
}

static void test_build_link_up(void **state)
{
	uint32_t buf[RTNL_SETLINK_MSG_SIZE / 4];
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct ifinfomsg *ifi;
	size_t len;

	(void)state;
	len = rtnl_build_link_up(buf, sizeof(buf), TEST_SEQ, TEST_IFINDEX);
	assert_int_equal(len, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifi)));
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_index, TEST_IFINDEX);
	assert_int_equal(ifi->ifi_flags, IFF_UP);
	assert_int_equal(ifi->ifi_change, IFF_UP);
}

/* ---- acknowledgements ------------------------------------------------------- */

/*
 * Writes an NLMSG_ERROR answering a request of req_len bytes (seq TEST_SEQ)
 * at buf, as the kernel does: the request echoed unless capped, then the
 * extack TLVs. Returns the length.
 */
static size_t put_ack(void *buf, uint32_t seq, int error, bool capped, const char *ext)
{
	uint32_t req[RTNL_SETLINK_MSG_SIZE / 4];
	struct rtnl_vf_set s = {.attr = RTNL_VF_RATE, .vf = 2, .max_tx_rate = 100};
	size_t req_len = rtnl_build_setvf(req, sizeof(req), seq, TEST_IFINDEX, &s);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = TEST_PORTID;
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = error;
	memcpy(&err->msg, req, sizeof(err->msg));
	if (!capped) {
		memcpy(mnl_nlmsg_get_payload_tail(nlh), (uint8_t *)req + NLMSG_HDRLEN,
		       req_len - NLMSG_HDRLEN);
		nlh->nlmsg_len += MNL_ALIGN(req_len - NLMSG_HDRLEN);
	}
	if (ext) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, ext);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	}
	return nlh->nlmsg_len;
}

static void test_ack_plain(void **state)
{
	uint32_t buf[256];
	struct nl_ack ack;
	size_t len;

	(void)state;
	len = put_ack(buf, TEST_SEQ, 0, true, NULL);
	memset(&ack, 0x55, sizeof(ack));
	assert_int_equal(nl_ack_parse(buf, len, TEST_SEQ, TEST_PORTID, &ack), 1);
	assert_int_equal(ack.error, 0);
	assert_string_equal(ack.msg, "");

	len = put_ack(buf, TEST_SEQ, -EINVAL, false, NULL);
	assert_int_equal(nl_ack_parse(buf, len, TEST_SEQ, 0, &ack), 1);
	assert_int_equal(ack.error, -EINVAL);
	assert_string_equal(ack.msg, "");

	/* a positive errno (never sent by Linux) is taken as its negative */
	len = put_ack(buf, TEST_SEQ, EBUSY, true, NULL);
	assert_int_equal(nl_ack_parse(buf, len, TEST_SEQ, 0, &ack), 1);
	assert_int_equal(ack.error, -EBUSY);
}

static void test_ack_extack(void **state)
{
	uint32_t buf[256];
	struct nl_ack ack;
	size_t len;

	(void)state;
	/* the request echoed, then the TLVs */
	len = put_ack(buf, TEST_SEQ, -EOPNOTSUPP, false, "VF rate not supported");
	assert_int_equal(nl_ack_parse(buf, len, TEST_SEQ, TEST_PORTID, &ack), 1);
	assert_int_equal(ack.error, -EOPNOTSUPP);
	assert_string_equal(ack.msg, "VF rate not supported");
	/* capped: the TLVs right after struct nlmsgerr */
	len = put_ack(buf, TEST_SEQ, -EINVAL, true, "Invalid rate");
	assert_int_equal(nl_ack_parse(buf, len, TEST_SEQ, TEST_PORTID, &ack), 1);
	assert_string_equal(ack.msg, "Invalid rate");
	/* a warning on success */
	len = put_ack(buf, TEST_SEQ, 0, true, "applied after reset");
	assert_int_equal(nl_ack_parse(buf, len, TEST_SEQ, TEST_PORTID, &ack), 1);
	assert_int_equal(ack.error, 0);
	assert_string_equal(ack.msg, "applied after reset");
}

static void test_ack_long_extack(void **state)
{
	uint32_t buf[512];
	char text[600];
	struct nl_ack ack;
	size_t len;

	(void)state;
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	len = put_ack(buf, TEST_SEQ, -EINVAL, true, text);
	assert_int_equal(nl_ack_parse(buf, len, TEST_SEQ, 0, &ack), 1);
	assert_int_equal(strlen(ack.msg), sizeof(ack.msg) - 1);
}

static void test_ack_selection(void **state)
{
	uint32_t buf[512];
	struct nl_ack ack;
	size_t a, b;

	(void)state;
	/* an answer to an earlier request, then ours, in one datagram */
	a = put_ack(buf, TEST_SEQ - 1, -EINVAL, true, "stale");
	b = put_ack((uint8_t *)buf + a, TEST_SEQ, -EPERM, true, "ours");
	assert_int_equal(nl_ack_parse(buf, a + b, TEST_SEQ, TEST_PORTID, &ack), 1);
	assert_int_equal(ack.error, -EPERM);
	assert_string_equal(ack.msg, "ours");
	/* no answer to this seq; not to this port */
	assert_int_equal(nl_ack_parse(buf, a, TEST_SEQ, TEST_PORTID, &ack), 0);
	assert_int_equal(nl_ack_parse(buf, a + b, TEST_SEQ, TEST_PORTID + 1, &ack), 0);
	/* cut short: the header claims more than there is */
	assert_int_equal(nl_ack_parse(buf, a + b - 4, TEST_SEQ, TEST_PORTID, &ack),
			 -EBADMSG);
	assert_int_equal(nl_ack_parse(buf, 8, TEST_SEQ, TEST_PORTID, &ack), 0);
}

static void test_ack_malformed(void **state)
{
	uint32_t buf[64] = {0};
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nl_ack ack;
	struct nlattr *a;
	size_t len;

	(void)state;
	/* NLMSG_ERROR too short for struct nlmsgerr */
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = TEST_SEQ;
	assert_int_equal(nl_ack_parse(buf, nlh->nlmsg_len, TEST_SEQ, 0, &ack), -EBADMSG);
	/* extack TLV whose length overruns the message: no text, no overread */
	len = put_ack(buf, TEST_SEQ, -EINVAL, true, "abc");
	a = (struct nlattr *)((uint8_t *)buf + NLMSG_HDRLEN + sizeof(struct nlmsgerr));
	a->nla_len = 200;
	assert_int_equal(nl_ack_parse(buf, len, TEST_SEQ, 0, &ack), 1);
	assert_int_equal(ack.error, -EINVAL);
	assert_string_equal(ack.msg, "");
	/* zero-length nlmsg_len */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(nl_ack_parse(buf, 64, TEST_SEQ, 0, &ack), -EBADMSG);
}

static void test_transient(void **state)
{
	(void)state;
	assert_true(rtnl_error_is_transient(-EAGAIN));
	assert_true(rtnl_error_is_transient(-EBUSY));
	assert_false(rtnl_error_is_transient(-EINVAL));
	assert_false(rtnl_error_is_transient(0));
}

/* ---- link summary ----------------------------------------------------------- */

static size_t put_link(void *buf, bool perm)
{
	static const uint8_t addr[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x99};
	static const uint8_t paddr[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = TEST_IFINDEX;
	ifi->ifi_flags = IFF_UP | TEST_IFLA_LOWER_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "enp7s0f0");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, addr);
	if (perm)
		mnl_attr_put(nlh, IFLA_PERM_ADDRESS, 6, paddr);
	return nlh->nlmsg_len;
}

static void test_link_summary(void **state)
{
	const uint8_t paddr[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
	uint32_t buf[128];
	uint8_t *odd = malloc(sizeof(buf) + 1);
	struct link_summary s;
	size_t len;

	(void)state;
	assert_non_null(odd);
	len = put_link(buf, true);
	assert_int_equal(link_summary_parse(buf, len, &s, NULL), 0);
	assert_int_equal(s.ifindex, TEST_IFINDEX);
	assert_string_equal(s.ifname, "enp7s0f0");
	assert_true(s.up);
	assert_true(s.carrier);
	assert_true(s.has_addr);
	assert_int_equal(s.addr[5], 0x99);
	assert_true(s.has_perm_addr);
	assert_memory_equal(s.perm_addr, paddr, 6);
	/* unaligned input is copied before it is read */
	memcpy(odd + 1, buf, len);
	assert_int_equal(link_summary_parse(odd + 1, len, &s, NULL), 0);
	assert_true(s.has_perm_addr);
	free(odd);

	len = put_link(buf, false);
	assert_int_equal(link_summary_parse(buf, len, &s, NULL), 0);
	assert_false(s.has_perm_addr);
	/* truncated, wrong type */
	assert_int_equal(link_summary_parse(buf, len - 3, &s, NULL), -EINVAL);
	((struct nlmsghdr *)buf)->nlmsg_type = RTM_DELLINK;
	assert_int_equal(link_summary_parse(buf, len, &s, NULL), -EINVAL);
	assert_int_equal(link_summary_parse(buf, 8, &s, NULL), -EINVAL);
}

/* ---- live, on loopback ------------------------------------------------------ */

static void test_live_loopback(void **state)
{
	struct rtnl_vf_set s = {.attr = RTNL_VF_MAC, .vf = 0, .mac = {2, 0, 0, 0, 0, 1}};
	unsigned int lo = if_nametoindex("lo"), tries = 0, waited = 0;
	struct link_summary sum;
	struct sriov_err e;
	struct nl_ack ack;
	struct rtnl *nl;
	bool was_up;

	(void)state;
	if (!lo || rtnl_open(&nl, NULL) < 0)
		skip();
	sriov_err_clear(&e);
	assert_int_equal(rtnl_get_link_summary(nl, (int)lo, &sum, &e), 0);
	assert_string_equal(sum.ifname, "lo");
	/* loopback has no VFs: the kernel refuses (or we lack CAP_NET_ADMIN) */
	assert_int_equal(rtnl_vf_set_send(nl, (int)lo, &s, &ack, &tries, &e), 0);
	assert_true(ack.error == -EOPNOTSUPP || ack.error == -EPERM);
	assert_int_equal(tries, 1);
	/* a second request on the same socket gets its own answer */
	s.attr = RTNL_VF_TRUST;
	assert_int_equal(rtnl_vf_set_send(nl, (int)lo, &s, &ack, &tries, &e), 0);
	assert_true(ack.error == -EOPNOTSUPP || ack.error == -EPERM);
	/* up already: no request, no wait */
	if (sum.up && sum.carrier) {
		assert_int_equal(
			rtnl_link_up_wait(nl, (int)lo, 1000, &was_up, &sum, &waited, &e),
			0);
		assert_true(was_up);
		assert_true(sum.carrier);
		assert_true(waited < 1000);
	}
	assert_int_equal(rtnl_get_link_summary(nl, 0, &sum, &e), -EINVAL);
	rtnl_close(nl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_mac),
		cmocka_unit_test(test_build_vlan),
		cmocka_unit_test(test_build_rate),
		cmocka_unit_test(test_build_u32_settings),
		cmocka_unit_test(test_build_trust_bytes),
		cmocka_unit_test(test_build_guid),
		cmocka_unit_test(test_build_set_mtu),
		cmocka_unit_test(test_build_limits),
		cmocka_unit_test(test_build_link_up),
		cmocka_unit_test(test_ack_plain),
		cmocka_unit_test(test_ack_extack),
		cmocka_unit_test(test_ack_long_extack),
		cmocka_unit_test(test_ack_selection),
		cmocka_unit_test(test_ack_malformed),
		cmocka_unit_test(test_transient),
		cmocka_unit_test(test_link_summary),
		cmocka_unit_test(test_live_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
