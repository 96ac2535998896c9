// SPDX-License-Identifier: MIT
/*
 * rtnetlink VF list: parser, whole-datagram receive, request builder, and a
 * live RTM_GETLINK on loopback. Messages are built with libmnl in the layout
 * rtnl_fill_ifinfo()/rtnl_fill_vfinfo() use: IFLA_NUM_VF then
 * IFLA_VFINFO_LIST (nests without NLA_F_NESTED), each IFLA_VF_INFO holding
 * MAC, BROADCAST, VLAN, RATE, TX_RATE, SPOOFCHK, LINK_STATE, RSS_QUERY_EN,
 * TRUST, VLAN_LIST and, without RTEXT_FILTER_SKIP_STATS, STATS.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>

#include "sriov/netlink.h"

#define TEST_IFINDEX 5
#define TEST_IFNAME  "enp7s0f0"
#define BUF_SIZE     (512 * 1024)
/* Bytes of one IFLA_VF_INFO as rtnl_fill_vfinfo() writes it for Ethernet. */
#define VF_INFO_SIZE	   196
#define VF_INFO_SIZE_STATS 296

struct build_opts {
	unsigned int n_vfs; /* IFLA_VF_INFO entries written */
	long num_vf;	    /* IFLA_NUM_VF, or -1 for no attribute */
	bool no_list;	    /* no IFLA_VFINFO_LIST (no ndo_get_vf_config) */
	bool stats;	    /* IFLA_VF_STATS in each entry */
	size_t af_spec;	    /* payload bytes of an IFLA_AF_SPEC after the list */
};

static uint32_t *msgbuf;

static int setup(void **state)
{
	(void)state;
	msgbuf = calloc(1, BUF_SIZE);
	return msgbuf ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(msgbuf);
	return 0;
}

/* The values the builder puts into VF i; the parser must return exactly these. */
static void expected_vf(unsigned int i, struct vf_info *v)
{
	memset(v, 0, sizeof(*v));
	v->index = i;
	v->has_mac = true;
	v->mac[0] = 0x02;
	v->mac[1] = 0x5a;
	v->mac[3] = (uint8_t)(i >> 16);
	v->mac[4] = (uint8_t)(i >> 8);
	v->mac[5] = (uint8_t)i;
	v->has_vlan = true;
	v->vlan = (uint16_t)(i % 4095);
	v->qos = (uint8_t)(i % 8);
	v->vlan_proto = i % 2 ? ETH_P_8021AD : ETH_P_8021Q;
	v->has_rate = true;
	v->min_tx_rate = i;
	v->max_tx_rate = 1000 + i;
	v->spoofchk = i % 2;
	v->trust = i % 3 == 0 ? -1 : (int)((i / 3) % 2);
	v->query_rss = i % 5 == 0 ? -1 : 1;
	v->link_state = (int)(i % 3);
}

static uint32_t raw_setting(int v)
{
	return v < 0 ? UINT32_MAX : (uint32_t)v;
}

static void assert_vf_equal(const struct vf_info *got, const struct vf_info *want)
{
	assert_int_equal(got->index, want->index);
	assert_int_equal(got->has_mac, want->has_mac);
	assert_memory_equal(got->mac, want->mac, sizeof(want->mac));
	assert_int_equal(got->has_vlan, want->has_vlan);
	assert_int_equal(got->vlan, want->vlan);
	assert_int_equal(got->qos, want->qos);
	assert_int_equal(got->vlan_proto, want->vlan_proto);
	assert_int_equal(got->has_rate, want->has_rate);
	assert_int_equal(got->min_tx_rate, want->min_tx_rate);
	assert_int_equal(got->max_tx_rate, want->max_tx_rate);
	assert_int_equal(got->spoofchk, want->spoofchk);
	assert_int_equal(got->trust, want->trust);
	assert_int_equal(got->query_rss, want->query_rss);
	assert_int_equal(got->link_state, want->link_state);
}

static void assert_vf_is(const struct vf_info *got, unsigned int i)
{
	struct vf_info want;

	expected_vf(i, &want);
	assert_vf_equal(got, &want);
}

/* The kernel opens these nests with nla_nest_start_noflag(). */
static struct nlattr *nest_start(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *a = mnl_attr_nest_start(nlh, type);

	a->nla_type = type;
	return a;
}

static void put_setting(struct nlmsghdr *nlh, uint16_t type, uint32_t vf, uint32_t v)
{
	uint32_t s[2] = {vf, v};

	mnl_attr_put(nlh, type, sizeof(s), s);
}

static void put_vlan_info(struct nlmsghdr *nlh, uint32_t vf, uint32_t vlan, uint32_t qos,
			  uint16_t proto)
{
	struct ifla_vf_vlan_info vi = {.vf = vf, .vlan = vlan, .qos = qos};
	struct nlattr *list = nest_start(nlh, IFLA_VF_VLAN_LIST);

	vi.vlan_proto = htons(proto);
	mnl_attr_put(nlh, IFLA_VF_VLAN_INFO, sizeof(vi), &vi);
	mnl_attr_nest_end(nlh, list);
}

static void put_vf_stats(struct nlmsghdr *nlh, unsigned int i)
{
	static const uint16_t types[] = {
		IFLA_VF_STATS_RX_PACKETS, IFLA_VF_STATS_TX_PACKETS,
		IFLA_VF_STATS_RX_BYTES,	  IFLA_VF_STATS_TX_BYTES,
		IFLA_VF_STATS_BROADCAST,  IFLA_VF_STATS_MULTICAST,
		IFLA_VF_STATS_RX_DROPPED, IFLA_VF_STATS_TX_DROPPED,
	};
	struct nlattr *st = nest_start(nlh, IFLA_VF_STATS);

	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		mnl_attr_put_u64(nlh, types[k], (uint64_t)i * 1000003u + k);
	mnl_attr_nest_end(nlh, st);
}

/* One IFLA_VF_INFO in rtnl_fill_vfinfo() order. */
static void put_vf(struct nlmsghdr *nlh, unsigned int i, bool stats)
{
	struct ifla_vf_mac mac = {.vf = i};
	struct ifla_vf_broadcast bc;
	struct ifla_vf_vlan vlan = {.vf = i};
	struct ifla_vf_rate rate = {.vf = i};
	struct ifla_vf_tx_rate tx = {.vf = i};
	struct nlattr *info;
	struct vf_info v;

	expected_vf(i, &v);
	memcpy(mac.mac, v.mac, sizeof(v.mac));
	memset(&bc, 0, sizeof(bc));
	memset(bc.broadcast, 0xff, ETH_ALEN);
	vlan.vlan = v.vlan;
	vlan.qos = v.qos;
	rate.min_tx_rate = v.min_tx_rate;
	rate.max_tx_rate = v.max_tx_rate;
	tx.rate = v.max_tx_rate;

	info = nest_start(nlh, IFLA_VF_INFO);
	mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(mac), &mac);
	mnl_attr_put(nlh, IFLA_VF_BROADCAST, sizeof(bc), &bc);
	mnl_attr_put(nlh, IFLA_VF_VLAN, sizeof(vlan), &vlan);
	mnl_attr_put(nlh, IFLA_VF_RATE, sizeof(rate), &rate);
	mnl_attr_put(nlh, IFLA_VF_TX_RATE, sizeof(tx), &tx);
	put_setting(nlh, IFLA_VF_SPOOFCHK, i, raw_setting(v.spoofchk));
	put_setting(nlh, IFLA_VF_LINK_STATE, i, raw_setting(v.link_state));
	put_setting(nlh, IFLA_VF_RSS_QUERY_EN, i, raw_setting(v.query_rss));
	put_setting(nlh, IFLA_VF_TRUST, i, raw_setting(v.trust));
	put_vlan_info(nlh, i, v.vlan, v.qos, v.vlan_proto);
	if (stats)
		put_vf_stats(nlh, i);
	mnl_attr_nest_end(nlh, info);
}

/* Header, ifinfomsg and the link attributes that precede the VF list. */
static struct nlmsghdr *msg_begin(void *buf)
{
	static const uint8_t addr[ETH_ALEN] = {0x3c, 0xfd, 0xfe, 0x01, 0x02, 0x03};
	static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_seq = 7;
	nlh->nlmsg_pid = 4242;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = ARPHRD_ETHER;
	ifi->ifi_index = TEST_IFINDEX;
	ifi->ifi_flags = 0x11043;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, TEST_IFNAME);
	mnl_attr_put_u32(nlh, IFLA_TXQLEN, 1000);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, 6);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 64);
	mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN, addr);
	mnl_attr_put(nlh, IFLA_BROADCAST, ETH_ALEN, bcast);
	return nlh;
}

/* An IFLA_AF_SPEC > AF_INET6 > IFLA_INET6_CONF of `size` bytes, after the list. */
static void put_af_spec(struct nlmsghdr *nlh, size_t size)
{
	struct nlattr *spec, *inet6;
	uint8_t *conf = malloc(size);

	assert_non_null(conf);
	for (size_t k = 0; k < size; k++)
		conf[k] = (uint8_t)(k * 7);
	spec = nest_start(nlh, IFLA_AF_SPEC);
	inet6 = nest_start(nlh, AF_INET6);
	mnl_attr_put_u32(nlh, IFLA_INET6_FLAGS, 0x80000000);
	mnl_attr_put(nlh, IFLA_INET6_CONF, size, conf);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, spec);
	free(conf);
}

/*
 * Builds an RTM_NEWLINK into buf and returns its length. *list_off, when
 * given, receives the offset of the IFLA_VFINFO_LIST header. The list nest
 * length is written by mnl_attr_nest_end() into the 16-bit nla_len exactly
 * as the kernel's nla_nest_end() does: modulo 65536.
 */
static size_t build_link(void *buf, const struct build_opts *o, size_t *list_off)
{
	struct nlmsghdr *nlh = msg_begin(buf);
	struct nlattr *list;

	if (o->num_vf >= 0)
		mnl_attr_put_u32(nlh, IFLA_NUM_VF, (uint32_t)o->num_vf);
	if (!o->no_list) {
		list = nest_start(nlh, IFLA_VFINFO_LIST);
		if (list_off)
			*list_off = (size_t)((uint8_t *)list - (uint8_t *)buf);
		for (unsigned int i = 0; i < o->n_vfs; i++)
			put_vf(nlh, i, o->stats);
		mnl_attr_nest_end(nlh, list);
	}
	if (o->af_spec)
		put_af_spec(nlh, o->af_spec);
	mnl_attr_put(nlh, IFLA_PERM_ADDRESS, ETH_ALEN, "\x3c\xfd\xfe\x01\x02\x03");
	return nlh->nlmsg_len;
}

/* A heap copy of exactly len bytes, so that ASan catches any over-read. */
static void *dup_exact(const void *p, size_t len)
{
	void *d = malloc(len ? len : 1);

	assert_non_null(d);
	memcpy(d, p, len);
	return d;
}

static int parse_exact(const void *msg, size_t len, struct link_vfs *out,
		       struct sriov_err *e)
{
	void *d = dup_exact(msg, len);
	int r = link_vfs_parse(d, len, out, e);

	free(d);
	return r;
}

static void assert_vfs_sequential(const struct link_vfs *l)
{
	for (size_t i = 0; i < l->n_vfs; i++)
		assert_vf_is(&l->vfs[i], (unsigned int)i);
}

static uint16_t nla_len_at(const void *buf, size_t off)
{
	struct nlattr a;

	memcpy(&a, (const uint8_t *)buf + off, sizeof(a));
	return a.nla_len;
}

static void set_nla_len_at(void *buf, size_t off, uint16_t len)
{
	memcpy((uint8_t *)buf + off + offsetof(struct nlattr, nla_len), &len,
	       sizeof(len));
}

/* Rewrites the IFLA_NUM_VF of a message build_link() made. */
static void set_num_vf(void *buf, uint32_t n)
{
	struct nlmsghdr *nlh = buf;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
	{
		if (mnl_attr_get_type(a) != IFLA_NUM_VF)
			continue;
		memcpy(mnl_attr_get_payload(a), &n, sizeof(n));
		return;
	}
	fail_msg("no IFLA_NUM_VF");
}

static void test_parse_300_vfs_over_64k(void **state)
{
	struct build_opts o = {.n_vfs = 300, .num_vf = 300, .af_spec = 10000};
	struct sriov_err e = {0};
	struct link_vfs l;
	size_t list_off, len;

	(void)state;
	len = build_link(msgbuf, &o, &list_off);
	assert_true(len > 65536);
	/* the list itself fits its 16-bit length: 4 + 300 * 196 bytes */
	assert_int_equal(nla_len_at(msgbuf, list_off), 4 + 300 * VF_INFO_SIZE);

	assert_int_equal(parse_exact(msgbuf, len, &l, &e), 0);
	assert_int_equal(l.ifindex, TEST_IFINDEX);
	assert_string_equal(l.ifname, TEST_IFNAME);
	assert_true(l.has_num_vf);
	assert_int_equal(l.num_vf, 300);
	assert_false(l.truncated);
	assert_int_equal(l.n_vfs, 300);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);
	assert_null(l.vfs);
	assert_int_equal(l.n_vfs, 0);
}

static void test_parse_with_stats(void **state)
{
	struct build_opts o = {.n_vfs = 200, .num_vf = 200, .stats = true};
	struct link_vfs l;
	size_t list_off, len;

	(void)state;
	len = build_link(msgbuf, &o, &list_off);
	assert_int_equal(nla_len_at(msgbuf, list_off), 4 + 200 * VF_INFO_SIZE_STATS);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_false(l.truncated);
	assert_int_equal(l.n_vfs, 200);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);
}

static void set_bufsize(int fd, int opt, int size)
{
	/* best effort: the kernel caps it at [rw]mem_max */
	setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

static void test_recv_whole_socketpair(void **state)
{
	struct build_opts o = {.n_vfs = 300, .num_vf = 300, .af_spec = 10000};
	struct sriov_err e = {0};
	struct link_vfs l;
	size_t len, got_len;
	void *got;
	int sv[2];

	(void)state;
	len = build_link(msgbuf, &o, NULL);
	assert_true(len > 65536);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	set_bufsize(sv[0], SO_SNDBUF, 1 << 20);
	set_bufsize(sv[1], SO_RCVBUF, 1 << 20);

	assert_int_equal(send(sv[0], msgbuf, len, 0), (ssize_t)len);
	assert_int_equal(send(sv[0], "", 0, 0), 0);
	assert_int_equal(send(sv[0], msgbuf, 40, 0), 40);

	assert_int_equal(nl_recv_whole(sv[1], &got, &got_len, &e), 0);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, msgbuf, len);
	assert_int_equal(link_vfs_parse(got, got_len, &l, &e), 0);
	assert_int_equal(l.n_vfs, 300);
	assert_false(l.truncated);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);
	free(got);

	/* an empty datagram is an error, and is consumed */
	assert_int_equal(nl_recv_whole(sv[1], &got, &got_len, &e), -ENODATA);
	assert_int_equal(e.code, -ENODATA);
	assert_null(got);
	assert_int_equal(nl_recv_whole(sv[1], &got, &got_len, &e), 0);
	assert_int_equal(got_len, 40);
	assert_memory_equal(got, msgbuf, 40);
	free(got);

	close(sv[0]);
	close(sv[1]);
}

static void test_recv_whole_errors(void **state)
{
	struct sriov_err e = {0};
	size_t len = 99;
	void *buf = (void *)1;
	int sv[2];

	(void)state;
	assert_int_equal(nl_recv_whole(-1, &buf, &len, &e), -EBADF);
	assert_int_equal(e.code, -EBADF);
	assert_true(strlen(e.msg) > 0);
	assert_null(buf);
	assert_int_equal(len, 0);

	/* stream socket at EOF: peek returns 0 */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[0]);
	assert_int_equal(nl_recv_whole(sv[1], &buf, &len, &e), -ENODATA);
	close(sv[1]);
	assert_int_equal(nl_recv_whole(0, NULL, &len, &e), -EINVAL);
}

/* 400 VFs with stats: 118,404 bytes of list, nla_len wraps to 52,868. */
static void test_wrapped_list_with_stats(void **state)
{
	struct build_opts o = {
		.n_vfs = 400, .num_vf = 400, .stats = true, .af_spec = 4000};
	struct link_vfs l;
	size_t list_off, len, true_len = 4 + 400 * VF_INFO_SIZE_STATS;
	uint16_t declared;

	(void)state;
	len = build_link(msgbuf, &o, &list_off);
	declared = nla_len_at(msgbuf, list_off);
	assert_int_equal(declared, true_len % 65536);

	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	/* every entry, read on past the wrapped length */
	assert_false(l.truncated);
	assert_string_equal(l.ifname, TEST_IFNAME);
	assert_int_equal(l.num_vf, 400);
	assert_int_equal(l.n_vfs, 400);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);

	/* without IFLA_NUM_VF: the walk stops at the IFLA_AF_SPEC after the list */
	o.num_vf = -1;
	len = build_link(msgbuf, &o, &list_off);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_false(l.truncated);
	assert_int_equal(l.n_vfs, 400);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);
}

/*
 * 700 VFs with stats: 207,204 bytes, the length wraps three times; a list
 * that claims one wrap less or more than the walk finds is not accepted.
 */
static void test_wrapped_list_many_times(void **state)
{
	struct build_opts o = {.n_vfs = 700, .num_vf = 700, .stats = true};
	struct link_vfs l;
	size_t list_off, len;

	(void)state;
	len = build_link(msgbuf, &o, &list_off);
	assert_true(len < BUF_SIZE);
	assert_int_equal(nla_len_at(msgbuf, list_off),
			 (4 + 700 * VF_INFO_SIZE_STATS) % 65536);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_false(l.truncated);
	assert_int_equal(l.n_vfs, 700);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);

	/* IFLA_NUM_VF says fewer than the list holds: only that many are read,
	 * and the stop does not match the declared length */
	set_num_vf(msgbuf, 650);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_true(l.truncated);
	assert_int_equal(l.n_vfs, 650);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);
}

/*
 * A list of exactly 65,536 bytes: nla_len wraps to 0, below its own header.
 * Entries of IFLA_VF_MAC only (44 bytes), one with IFLA_VF_RATE too (60).
 */
static size_t build_list_of_64k(void *buf)
{
	struct nlmsghdr *nlh = msg_begin(buf);
	struct nlattr *list;

	mnl_attr_put_u32(nlh, IFLA_NUM_VF, 1489);
	list = nest_start(nlh, IFLA_VFINFO_LIST);
	for (unsigned int i = 0; i < 1489; i++) {
		struct ifla_vf_mac mac = {.vf = i};
		struct ifla_vf_rate rate = {.vf = i, .max_tx_rate = 77};
		struct nlattr *info = nest_start(nlh, IFLA_VF_INFO);

		mac.mac[5] = (uint8_t)i;
		mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(mac), &mac);
		if (i == 1000)
			mnl_attr_put(nlh, IFLA_VF_RATE, sizeof(rate), &rate);
		mnl_attr_nest_end(nlh, info);
	}
	mnl_attr_nest_end(nlh, list);
	assert_int_equal((uint8_t *)mnl_nlmsg_get_payload_tail(nlh) - (uint8_t *)list,
			 65536);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	return nlh->nlmsg_len;
}

static void test_wrapped_list_to_zero(void **state)
{
	struct link_vfs l;
	size_t len;

	(void)state;
	len = build_list_of_64k(msgbuf);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_false(l.truncated);
	assert_int_equal(l.n_vfs, 1489);
	for (size_t i = 0; i < l.n_vfs; i++) {
		assert_int_equal(l.vfs[i].index, i);
		assert_int_equal(l.vfs[i].mac[5], (uint8_t)i);
		assert_int_equal(l.vfs[i].has_rate, i == 1000);
	}
	link_vfs_free(&l);
}

/* The message ends inside a wrapped list (a receive buffer cut it): no claim. */
static void test_wrapped_list_cut_short(void **state)
{
	struct build_opts o = {.n_vfs = 400, .num_vf = 400};
	struct link_vfs l;
	size_t list_off, len, cut;

	(void)state;
	len = build_link(msgbuf, &o, &list_off);
	cut = list_off + 4 + 350 * VF_INFO_SIZE + 10;
	assert_true(cut < len);
	/* the header's nlmsg_len still claims the whole message */
	assert_int_equal(parse_exact(msgbuf, cut, &l, NULL), 0);
	assert_true(l.truncated);
	assert_int_equal(l.n_vfs, 350);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);
}

/* 400 VFs without stats: 78,404 bytes, nla_len wraps to 12,868. */
static void test_wrapped_list_without_stats(void **state)
{
	struct build_opts o = {.n_vfs = 400, .num_vf = 400};
	struct link_vfs l;
	size_t list_off, len;
	uint16_t declared;

	(void)state;
	len = build_link(msgbuf, &o, &list_off);
	declared = nla_len_at(msgbuf, list_off);
	assert_int_equal(declared, (4 + 400 * VF_INFO_SIZE) % 65536);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_false(l.truncated);
	assert_int_equal(l.n_vfs, 400);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);
}

/*
 * A length that ends on an entry boundary but is no wrap of the true one:
 * the entries after it are read, and the list is not claimed whole.
 */
static void test_wrap_on_entry_boundary(void **state)
{
	struct build_opts o = {.n_vfs = 20, .num_vf = -1, .af_spec = 100};
	struct link_vfs l;
	size_t list_off, len;

	(void)state;
	for (int with_num = 0; with_num < 2; with_num++) {
		o.num_vf = with_num ? 20 : -1;
		len = build_link(msgbuf, &o, &list_off);
		set_nla_len_at(msgbuf, list_off, 4 + 7 * VF_INFO_SIZE);
		assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
		assert_true(l.truncated);
		assert_int_equal(l.has_num_vf, with_num);
		assert_int_equal(l.n_vfs, 20);
		assert_vfs_sequential(&l);
		link_vfs_free(&l);
	}
}

/* A length below an attribute header that is no wrap of the true one. */
static void test_wrap_below_header(void **state)
{
	struct build_opts o = {.n_vfs = 20, .num_vf = 20};
	struct link_vfs l;
	size_t list_off, len;

	(void)state;
	for (uint16_t bad = 0; bad < 4; bad++) {
		len = build_link(msgbuf, &o, &list_off);
		set_nla_len_at(msgbuf, list_off, bad);
		assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
		assert_true(l.truncated);
		assert_string_equal(l.ifname, TEST_IFNAME);
		assert_int_equal(l.n_vfs, 20);
		assert_vfs_sequential(&l);
		link_vfs_free(&l);
	}
}

static void test_fewer_entries_than_num_vf(void **state)
{
	struct build_opts o = {.n_vfs = 8, .num_vf = 10};
	struct link_vfs l;
	size_t len;

	(void)state;
	len = build_link(msgbuf, &o, NULL);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_true(l.truncated);
	assert_int_equal(l.num_vf, 10);
	assert_int_equal(l.n_vfs, 8);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);

	o.num_vf = 8;
	len = build_link(msgbuf, &o, NULL);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_false(l.truncated);
	assert_int_equal(l.n_vfs, 8);
	link_vfs_free(&l);

	/* IFLA_NUM_VF but no list: the driver has no ndo_get_vf_config */
	o.num_vf = 4;
	o.no_list = true;
	len = build_link(msgbuf, &o, NULL);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_true(l.truncated);
	assert_int_equal(l.n_vfs, 0);
	link_vfs_free(&l);
}

static void test_no_vfs(void **state)
{
	struct build_opts o = {.n_vfs = 0, .num_vf = 0};
	struct link_vfs l;
	size_t len;

	(void)state;
	/* SR-IOV PF with sriov_numvfs = 0: IFLA_NUM_VF 0 and an empty list */
	len = build_link(msgbuf, &o, NULL);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_true(l.has_num_vf);
	assert_int_equal(l.num_vf, 0);
	assert_int_equal(l.n_vfs, 0);
	assert_false(l.truncated);
	link_vfs_free(&l);

	/* a device without a parent (lo, virtual): neither attribute */
	o.num_vf = -1;
	o.no_list = true;
	len = build_link(msgbuf, &o, NULL);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_false(l.has_num_vf);
	assert_int_equal(l.n_vfs, 0);
	assert_false(l.truncated);
	link_vfs_free(&l);
}

/* Builds a one-VF message whose entry is written by fill(). */
static size_t build_custom(void (*fill)(struct nlmsghdr *nlh), long num_vf)
{
	struct nlmsghdr *nlh = msg_begin(msgbuf);
	struct nlattr *list, *info;

	if (num_vf >= 0)
		mnl_attr_put_u32(nlh, IFLA_NUM_VF, (uint32_t)num_vf);
	list = nest_start(nlh, IFLA_VFINFO_LIST);
	info = nest_start(nlh, IFLA_VF_INFO);
	fill(nlh);
	mnl_attr_nest_end(nlh, info);
	mnl_attr_nest_end(nlh, list);
	return nlh->nlmsg_len;
}

static void put_mac(struct nlmsghdr *nlh, uint32_t vf)
{
	struct ifla_vf_mac mac = {.vf = vf, .mac = {0x02, 0, 0, 0, 0, (uint8_t)vf}};

	mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(mac), &mac);
}

static void fill_unreported(struct nlmsghdr *nlh)
{
	struct ifla_vf_vlan vlan = {.vf = 3, .vlan = 0, .qos = 0};

	put_mac(nlh, 3);
	mnl_attr_put(nlh, IFLA_VF_VLAN, sizeof(vlan), &vlan);
	put_setting(nlh, IFLA_VF_SPOOFCHK, 3, UINT32_MAX);
	put_setting(nlh, IFLA_VF_RSS_QUERY_EN, 3, UINT32_MAX);
	put_setting(nlh, IFLA_VF_TRUST, 3, UINT32_MAX);
}

static void test_unreported_settings(void **state)
{
	struct link_vfs l;
	size_t len;

	(void)state;
	len = build_custom(fill_unreported, 1);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_int_equal(l.n_vfs, 1);
	assert_false(l.truncated);
	assert_int_equal(l.vfs[0].index, 3);
	assert_true(l.vfs[0].has_mac);
	assert_int_equal(l.vfs[0].mac[5], 3);
	assert_int_equal(l.vfs[0].spoofchk, -1);
	assert_int_equal(l.vfs[0].query_rss, -1);
	assert_int_equal(l.vfs[0].trust, -1);
	assert_int_equal(l.vfs[0].link_state, -1); /* attribute absent */
	assert_false(l.vfs[0].has_rate);
	/* IFLA_VF_VLAN alone: 802.1Q */
	assert_true(l.vfs[0].has_vlan);
	assert_int_equal(l.vfs[0].vlan, 0);
	assert_int_equal(l.vfs[0].vlan_proto, ETH_P_8021Q);
	link_vfs_free(&l);
}

static void fill_only_mac(struct nlmsghdr *nlh)
{
	put_mac(nlh, 1);
}

static void test_absent_attributes(void **state)
{
	struct link_vfs l;
	size_t len;

	(void)state;
	len = build_custom(fill_only_mac, 1);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_int_equal(l.n_vfs, 1);
	assert_false(l.vfs[0].has_vlan);
	assert_int_equal(l.vfs[0].vlan_proto, 0);
	assert_false(l.vfs[0].has_rate);
	assert_int_equal(l.vfs[0].spoofchk, -1);
	assert_int_equal(l.vfs[0].trust, -1);
	assert_int_equal(l.vfs[0].query_rss, -1);
	assert_int_equal(l.vfs[0].link_state, -1);
	link_vfs_free(&l);
}

static void fill_qinq(struct nlmsghdr *nlh)
{
	struct ifla_vf_vlan vlan = {.vf = 2, .vlan = 100, .qos = 3};
	struct ifla_vf_vlan_info vi = {.vf = 2, .vlan = 200, .qos = 1};
	struct nlattr *list;

	put_mac(nlh, 2);
	/* list first: it wins over IFLA_VF_VLAN whatever the order */
	list = nest_start(nlh, IFLA_VF_VLAN_LIST);
	vi.vlan_proto = htons(ETH_P_8021AD);
	mnl_attr_put(nlh, IFLA_VF_VLAN_INFO, sizeof(vi), &vi);
	vi.vlan = 300; /* only the first entry counts */
	vi.vlan_proto = htons(ETH_P_8021Q);
	mnl_attr_put(nlh, IFLA_VF_VLAN_INFO, sizeof(vi), &vi);
	mnl_attr_nest_end(nlh, list);
	mnl_attr_put(nlh, IFLA_VF_VLAN, sizeof(vlan), &vlan);
	put_setting(nlh, IFLA_VF_LINK_STATE, 2, IFLA_VF_LINK_STATE_DISABLE);
}

static void test_vlan_list_8021ad(void **state)
{
	struct link_vfs l;
	size_t len;

	(void)state;
	len = build_custom(fill_qinq, 1);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_int_equal(l.n_vfs, 1);
	assert_true(l.vfs[0].has_vlan);
	assert_int_equal(l.vfs[0].vlan, 200);
	assert_int_equal(l.vfs[0].qos, 1);
	assert_int_equal(l.vfs[0].vlan_proto, ETH_P_8021AD);
	assert_int_equal(l.vfs[0].link_state, VF_LINK_STATE_DISABLE);
	link_vfs_free(&l);
}

static void put_rate(struct nlmsghdr *nlh, uint32_t min, uint32_t max)
{
	struct ifla_vf_rate rate = {.vf = 0, .min_tx_rate = min, .max_tx_rate = max};

	mnl_attr_put(nlh, IFLA_VF_RATE, sizeof(rate), &rate);
}

static void put_tx_rate(struct nlmsghdr *nlh, uint32_t r)
{
	struct ifla_vf_tx_rate tx = {.vf = 0, .rate = r};

	mnl_attr_put(nlh, IFLA_VF_TX_RATE, sizeof(tx), &tx);
}

static void fill_rate_then_tx(struct nlmsghdr *nlh)
{
	put_mac(nlh, 0);
	put_rate(nlh, 10, 100);
	put_tx_rate(nlh, 50);
}

static void fill_tx_then_rate(struct nlmsghdr *nlh)
{
	put_mac(nlh, 0);
	put_tx_rate(nlh, 50);
	put_rate(nlh, 10, 100);
}

static void fill_tx_only(struct nlmsghdr *nlh)
{
	put_mac(nlh, 0);
	put_tx_rate(nlh, 50);
}

/* An InfiniBand VF's GUIDs (kernel >= 5.5 with ndo_get_vf_guid, mlx5 IPoIB). */
static void fill_guids(struct nlmsghdr *nlh)
{
	struct ifla_vf_guid node = {.vf = 0, .guid = 0x0002c90300216e70ULL};
	struct ifla_vf_guid port = {.vf = 0, .guid = 0x0002c90300216e78ULL};

	put_mac(nlh, 0);
	mnl_attr_put(nlh, IFLA_VF_IB_NODE_GUID, sizeof(node), &node);
	mnl_attr_put(nlh, IFLA_VF_IB_PORT_GUID, sizeof(port), &port);
}

static void fill_short_guid(struct nlmsghdr *nlh)
{
	uint32_t half = 0;

	put_mac(nlh, 0);
	mnl_attr_put(nlh, IFLA_VF_IB_NODE_GUID, sizeof(half), &half);
}

static void test_ib_guids(void **state)
{
	struct link_vfs l;
	size_t len;

	(void)state;
	len = build_custom(fill_guids, 1);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_int_equal(l.n_vfs, 1);
	assert_true(l.vfs[0].has_node_guid && l.vfs[0].has_port_guid);
	assert_true(l.vfs[0].node_guid == 0x0002c90300216e70ULL);
	assert_true(l.vfs[0].port_guid == 0x0002c90300216e78ULL);
	link_vfs_free(&l);
	/* without them (every Ethernet VF): unknown, not zero */
	len = build_custom(fill_rate_then_tx, 1);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_false(l.vfs[0].has_node_guid || l.vfs[0].has_port_guid);
	link_vfs_free(&l);
	/* a GUID attribute too short to hold one: the entry is malformed */
	len = build_custom(fill_short_guid, 1);
	parse_exact(msgbuf, len, &l, NULL);
	assert_true(l.n_vfs == 0 || !l.vfs[0].has_node_guid);
	link_vfs_free(&l);
}

static void test_rate_precedence(void **state)
{
	void (*fills[])(struct nlmsghdr *) = {fill_rate_then_tx, fill_tx_then_rate};
	struct link_vfs l;
	size_t len;

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		len = build_custom(fills[k], 1);
		assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
		assert_true(l.vfs[0].has_rate);
		assert_int_equal(l.vfs[0].min_tx_rate, 10);
		assert_int_equal(l.vfs[0].max_tx_rate, 100);
		link_vfs_free(&l);
	}
	len = build_custom(fill_tx_only, 1);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_true(l.vfs[0].has_rate);
	assert_int_equal(l.vfs[0].min_tx_rate, 0);
	assert_int_equal(l.vfs[0].max_tx_rate, 50);
	link_vfs_free(&l);
}

static void fill_index_mismatch(struct nlmsghdr *nlh)
{
	put_mac(nlh, 4);
	put_setting(nlh, IFLA_VF_TRUST, 5, 1);
}

static void fill_no_index(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, 60, 1); /* unknown attribute only */
}

static void fill_short_struct(struct nlmsghdr *nlh)
{
	uint32_t vf = 0;

	mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(vf), &vf);
}

static void test_malformed_entry(void **state)
{
	void (*fills[])(struct nlmsghdr *) = {
		fill_index_mismatch,
		fill_no_index,
		fill_short_struct,
	};
	struct link_vfs l;
	size_t len;

	(void)state;
	for (size_t k = 0; k < sizeof(fills) / sizeof(fills[0]); k++) {
		len = build_custom(fills[k], 1);
		assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
		assert_true(l.truncated);
		assert_int_equal(l.n_vfs, 0);
		link_vfs_free(&l);
	}
}

static void test_index_from_structs(void **state)
{
	static const unsigned int order[] = {5, 2, 9, 0};
	struct nlmsghdr *nlh = msg_begin(msgbuf);
	struct nlattr *list;
	struct link_vfs l;

	(void)state;
	mnl_attr_put_u32(nlh, IFLA_NUM_VF, 4);
	mnl_attr_put_u32(nlh, 250, 0xdeadbeef); /* unknown link attribute */
	list = nest_start(nlh, IFLA_VFINFO_LIST);
	for (size_t k = 0; k < 4; k++)
		put_vf(nlh, order[k], k % 2);
	mnl_attr_put_u32(nlh, 77, 1); /* unknown attribute inside the list */
	mnl_attr_nest_end(nlh, list);

	assert_int_equal(parse_exact(msgbuf, nlh->nlmsg_len, &l, NULL), 0);
	assert_false(l.truncated);
	assert_int_equal(l.n_vfs, 4);
	for (size_t k = 0; k < 4; k++)
		assert_vf_is(&l.vfs[k], order[k]);
	link_vfs_free(&l);
}

static void test_not_newlink(void **state)
{
	struct build_opts o = {.n_vfs = 2, .num_vf = 2};
	struct sriov_err e = {0};
	struct nlmsghdr *nlh = (struct nlmsghdr *)msgbuf;
	struct link_vfs l;
	size_t len;

	(void)state;
	len = build_link(msgbuf, &o, NULL);
	nlh->nlmsg_type = RTM_NEWADDR;
	assert_int_equal(parse_exact(msgbuf, len, &l, &e), -EINVAL);
	assert_int_equal(e.code, -EINVAL);
	assert_non_null(strstr(e.msg, "RTM_NEWLINK"));
	assert_null(l.vfs);
	nlh->nlmsg_type = NLMSG_ERROR;
	assert_int_equal(parse_exact(msgbuf, len, &l, &e), -EINVAL);
	assert_int_equal(link_vfs_parse(NULL, 0, &l, &e), -EINVAL);
}

static void test_truncated_headers(void **state)
{
	struct build_opts o = {.n_vfs = 2, .num_vf = 2};
	struct nlmsghdr *nlh = (struct nlmsghdr *)msgbuf;
	struct sriov_err e = {0};
	struct link_vfs l;
	size_t len;

	(void)state;
	len = build_link(msgbuf, &o, NULL);
	for (size_t cut = 0; cut < NLMSG_HDRLEN + sizeof(struct ifinfomsg); cut++) {
		assert_int_equal(parse_exact(msgbuf, cut, &l, &e), -EINVAL);
		assert_null(l.vfs);
	}
	/* nlmsg_len says the ifinfomsg is not whole */
	for (uint32_t bad = 0; bad < NLMSG_HDRLEN + sizeof(struct ifinfomsg); bad++) {
		nlh->nlmsg_len = bad;
		assert_int_equal(parse_exact(msgbuf, len, &l, &e), -EINVAL);
	}
}

static void test_attr_len_beyond_buffer(void **state)
{
	struct build_opts o = {.n_vfs = 3, .num_vf = 3};
	size_t off = NLMSG_HDRLEN + sizeof(struct ifinfomsg);
	struct link_vfs l;
	size_t len, list_off;

	(void)state;
	/* the first attribute (IFLA_IFNAME) claims 60,000 bytes */
	len = build_link(msgbuf, &o, NULL);
	set_nla_len_at(msgbuf, off, 60000);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_true(l.truncated);
	assert_int_equal(l.n_vfs, 0);
	link_vfs_free(&l);

	/* the list claims more than the message holds */
	len = build_link(msgbuf, &o, &list_off);
	set_nla_len_at(msgbuf, list_off, 65535);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_true(l.truncated);
	assert_int_equal(l.n_vfs, 3);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);

	/* the second entry's IFLA_VF_MAC claims more than its entry */
	len = build_link(msgbuf, &o, &list_off);
	set_nla_len_at(msgbuf, list_off + 4 + VF_INFO_SIZE + 4, 1000);
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_true(l.truncated);
	assert_int_equal(l.n_vfs, 1);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);

	/* nlmsg_len larger than the buffer: read what is there */
	len = build_link(msgbuf, &o, NULL);
	((struct nlmsghdr *)msgbuf)->nlmsg_len = (uint32_t)len + 1000;
	assert_int_equal(parse_exact(msgbuf, len, &l, NULL), 0);
	assert_true(l.truncated);
	assert_int_equal(l.n_vfs, 3);
	link_vfs_free(&l);
}

/* Cuts a valid message at every byte, keeping and then fixing nlmsg_len. */
static void test_every_truncation_point(void **state)
{
	struct build_opts o = {.n_vfs = 12, .num_vf = 12, .stats = true, .af_spec = 300};
	struct link_vfs l;
	uint8_t *copy;
	size_t len, list_off, whole;

	(void)state;
	len = build_link(msgbuf, &o, &list_off);
	for (size_t cut = 0; cut <= len; cut++) {
		/* entries wholly inside the cut message are all kept */
		whole = cut > list_off + 4 ? (cut - list_off - 4) / VF_INFO_SIZE_STATS
					   : 0;
		if (whole > 12)
			whole = 12;
		for (int fix = 0; fix < 2; fix++) {
			copy = dup_exact(msgbuf, cut);
			if (fix && cut >= sizeof(struct nlmsghdr))
				((struct nlmsghdr *)copy)->nlmsg_len = (uint32_t)cut;
			int r = link_vfs_parse(copy, cut, &l, NULL);

			free(copy);
			if (cut < NLMSG_HDRLEN + sizeof(struct ifinfomsg)) {
				assert_int_equal(r, -EINVAL);
				continue;
			}
			assert_int_equal(r, 0);
			assert_int_equal(l.n_vfs, whole);
			assert_vfs_sequential(&l);
			if (!fix && cut < len)
				assert_true(l.truncated);
			if (l.has_num_vf && l.n_vfs < 12)
				assert_true(l.truncated);
			if (cut == len)
				assert_false(l.truncated);
			link_vfs_free(&l);
		}
	}
}

static uint32_t rng_state = 0x12345678;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_random_garbage(void **state)
{
	struct nlmsghdr hdr = {.nlmsg_type = RTM_NEWLINK};
	struct link_vfs l;
	uint8_t *buf;
	size_t len;
	int r;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		len = rng() % 2048;
		buf = malloc(len ? len : 1);
		assert_non_null(buf);
		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)rng();
		/* most iterations: a plausible header, so the attributes get walked */
		if (iter % 4 && len >= sizeof(hdr)) {
			hdr.nlmsg_len = iter % 8 ? (uint32_t)len : rng();
			memcpy(buf, &hdr, sizeof(hdr));
		}
		r = link_vfs_parse(buf, len, &l, NULL);
		free(buf);
		assert_true(r == 0 || r == -EINVAL);
		if (r < 0)
			assert_null(l.vfs);
		link_vfs_free(&l);
	}
}

static void test_random_corruption(void **state)
{
	struct build_opts o = {.n_vfs = 16, .num_vf = 16, .af_spec = 200};
	struct link_vfs l;
	uint8_t *copy;
	size_t len;
	int r;

	(void)state;
	len = build_link(msgbuf, &o, NULL);
	for (int iter = 0; iter < 5000; iter++) {
		copy = dup_exact(msgbuf, len);
		for (uint32_t k = rng() % 4 + 1; k; k--) {
			size_t at = sizeof(struct nlmsghdr) +
				    rng() % (len - sizeof(struct nlmsghdr));

			copy[at] = (uint8_t)rng();
		}
		r = link_vfs_parse(copy, len, &l, NULL);
		free(copy);
		assert_int_equal(r, 0);
		assert_true(l.n_vfs <= 16);
		link_vfs_free(&l);
	}
}

static void test_unaligned_input(void **state)
{
	struct build_opts o = {.n_vfs = 5, .num_vf = 5};
	struct link_vfs l;
	uint8_t *buf;
	size_t len;

	(void)state;
	len = build_link(msgbuf, &o, NULL);
	buf = malloc(len + 1);
	assert_non_null(buf);
	memcpy(buf + 1, msgbuf, len);
	assert_int_equal(link_vfs_parse(buf + 1, len, &l, NULL), 0);
	assert_int_equal(l.n_vfs, 5);
	assert_vfs_sequential(&l);
	link_vfs_free(&l);
	free(buf);
}

static void test_build_getlink(void **state)
{
	uint32_t buf[32];
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct ifinfomsg *ifi;
	const struct nlattr *a;
	size_t n;

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	n = rtnl_build_getlink(buf, sizeof(buf), 42, 7,
			       RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
	assert_int_equal(n, RTNL_GETLINK_MSG_SIZE);
	assert_int_equal(nlh->nlmsg_len, n);
	assert_int_equal(nlh->nlmsg_type, RTM_GETLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	assert_int_equal(nlh->nlmsg_seq, 42);
	assert_int_equal(nlh->nlmsg_pid, 0);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_family, AF_UNSPEC);
	assert_int_equal(ifi->ifi_index, 7);
	assert_int_equal(ifi->ifi_type, 0);
	assert_int_equal(ifi->ifi_flags, 0);
	assert_int_equal(ifi->ifi_change, 0);
	a = mnl_nlmsg_get_payload_offset(nlh, sizeof(*ifi));
	assert_int_equal(mnl_attr_get_type(a), IFLA_EXT_MASK);
	assert_int_equal(a->nla_len, 8);
	assert_int_equal(mnl_attr_get_u32(a), 9);
	assert_true(mnl_nlmsg_ok(nlh, (int)n));

	assert_int_equal(rtnl_build_getlink(buf, RTNL_GETLINK_MSG_SIZE - 1, 1, 1, 0), 0);
	assert_int_equal(rtnl_build_getlink(NULL, 64, 1, 1, 0), 0);
}

static void test_live_loopback(void **state)
{
	struct sriov_err e = {0};
	struct link_vfs l, again;
	struct rtnl *nl;
	size_t raw_len;
	void *raw;
	int r;

	(void)state;
	r = rtnl_open(&nl, &e);
	if (r == -EPERM || r == -EACCES || r == -EAFNOSUPPORT || r == -EPROTONOSUPPORT)
		skip();
	assert_int_equal(r, 0);

	for (int round = 0; round < 2; round++) {
		r = rtnl_get_link_vfs(nl, 1, &l, &raw, &raw_len, &e);
		assert_int_equal(r, 0);
		assert_int_equal(l.ifindex, 1);
		assert_string_equal(l.ifname, "lo");
		assert_false(l.has_num_vf);
		assert_int_equal(l.n_vfs, 0);
		assert_false(l.truncated);
		assert_non_null(raw);
		assert_true(raw_len > NLMSG_HDRLEN + sizeof(struct ifinfomsg));
		assert_int_equal(link_vfs_parse(raw, raw_len, &again, &e), 0);
		assert_string_equal(again.ifname, "lo");
		link_vfs_free(&again);
		link_vfs_free(&l);
		free(raw);
	}

	/* no raw wanted */
	assert_int_equal(rtnl_get_link_vfs(nl, 1, &l, NULL, NULL, &e), 0);
	link_vfs_free(&l);

	r = rtnl_get_link_vfs(nl, 0x7ffffff0, &l, &raw, &raw_len, &e);
	assert_int_equal(r, -ENODEV);
	assert_int_equal(e.code, -ENODEV);
	assert_non_null(strstr(e.msg, "no such network interface"));
	assert_null(raw);
	assert_null(l.vfs);

	assert_int_equal(rtnl_get_link_vfs(nl, 0, &l, NULL, NULL, &e), -EINVAL);
	rtnl_close(nl);
	rtnl_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_300_vfs_over_64k),
		cmocka_unit_test(test_parse_with_stats),
		cmocka_unit_test(test_recv_whole_socketpair),
		cmocka_unit_test(test_recv_whole_errors),
		cmocka_unit_test(test_wrapped_list_with_stats),
		cmocka_unit_test(test_wrapped_list_without_stats),
		cmocka_unit_test(test_wrapped_list_many_times),
		cmocka_unit_test(test_wrapped_list_cut_short),
		cmocka_unit_test(test_wrapped_list_to_zero),
		cmocka_unit_test(test_wrap_on_entry_boundary),
		cmocka_unit_test(test_wrap_below_header),
		cmocka_unit_test(test_fewer_entries_than_num_vf),
		cmocka_unit_test(test_no_vfs),
		cmocka_unit_test(test_unreported_settings),
		cmocka_unit_test(test_absent_attributes),
		cmocka_unit_test(test_vlan_list_8021ad),
		cmocka_unit_test(test_rate_precedence),
		cmocka_unit_test(test_ib_guids),
		cmocka_unit_test(test_malformed_entry),
		cmocka_unit_test(test_index_from_structs),
		cmocka_unit_test(test_not_newlink),
		cmocka_unit_test(test_truncated_headers),
		cmocka_unit_test(test_attr_len_beyond_buffer),
		cmocka_unit_test(test_every_truncation_point),
		cmocka_unit_test(test_random_garbage),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_unaligned_input),
		cmocka_unit_test(test_build_getlink),
		cmocka_unit_test(test_live_loopback),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
