// SPDX-License-Identifier: MIT
/*
 * rtnetlink VF settings: RTM_SETLINK requests carrying one IFLA_VF_* each,
 * waiting for their acknowledgements (read by lib/netlink.c), bringing a PF
 * link up, and the small RTM_GETLINK summary (flags, permanent MAC) around
 * them.
 *
 * Builders and parsers are pure so that tests can compare bytes; the
 * functions taking a struct rtnl do the I/O, one request at a time on the
 * caller's socket, so a command uses one socket for all its requests.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "sriov/netlink.h"
#include "clock.h"
#include "nl_compat.h"
#include "rtnl_sock.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

#define ETH_ALEN_BYTES 6

/* ---- request builders ---------------------------------------------------- */

const char *rtnl_vf_attr_name(const struct rtnl_vf_set *s)
{
	switch (s->attr) {
	case RTNL_VF_MAC:
		return "IFLA_VF_MAC";
	case RTNL_VF_VLAN:
		return s->vlan_list ? "IFLA_VF_VLAN_LIST" : "IFLA_VF_VLAN";
	case RTNL_VF_RATE:
		return "IFLA_VF_RATE";
	case RTNL_VF_SPOOFCHK:
		return "IFLA_VF_SPOOFCHK";
	case RTNL_VF_TRUST:
		return "IFLA_VF_TRUST";
	case RTNL_VF_LINK_STATE:
		return "IFLA_VF_LINK_STATE";
	case RTNL_VF_RSS_QUERY_EN:
		return "IFLA_VF_RSS_QUERY_EN";
	case RTNL_VF_IB_NODE_GUID:
		return "IFLA_VF_IB_NODE_GUID";
	case RTNL_VF_IB_PORT_GUID:
		return "IFLA_VF_IB_PORT_GUID";
	default:
		return "?";
	}
}

static struct nlmsghdr *put_link_header(void *buf, uint16_t type, uint32_t seq,
					int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, RTNL_SETLINK_MSG_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

static void put_vlan(struct nlmsghdr *nlh, const struct rtnl_vf_set *s)
{
	struct ifla_vf_vlan_info vi = {
		.vf = s->vf,
		.vlan = s->vlan,
		.qos = s->qos,
		.vlan_proto = htons(s->vlan_proto),
	};
	struct ifla_vf_vlan v = {.vf = s->vf, .vlan = s->vlan, .qos = s->qos};
	struct nlattr *list;

	if (!s->vlan_list) {
		mnl_attr_put(nlh, IFLA_VF_VLAN, sizeof(v), &v);
		return;
	}
	list = mnl_attr_nest_start(nlh, IFLA_VF_VLAN_LIST);
	mnl_attr_put(nlh, IFLA_VF_VLAN_INFO, sizeof(vi), &vi);
	mnl_attr_nest_end(nlh, list);
}

/* { __u32 vf; __u32 value; }: SPOOFCHK, TRUST, LINK_STATE, RSS_QUERY_EN */
static void put_u32_setting(struct nlmsghdr *nlh, uint16_t type, uint32_t vf,
			    uint32_t value)
{
	uint32_t pair[2] = {vf, value};

	mnl_attr_put(nlh, type, sizeof(pair), pair);
}

static void put_guid(struct nlmsghdr *nlh, uint16_t type, const struct rtnl_vf_set *s)
{
	struct ifla_vf_guid g = {.vf = s->vf, .guid = s->guid};

	mnl_attr_put(nlh, type, sizeof(g), &g);
}

static bool put_vf_attr(struct nlmsghdr *nlh, const struct rtnl_vf_set *s)
{
	struct ifla_vf_mac m = {.vf = s->vf};
	struct ifla_vf_rate r = {.vf = s->vf,
				 .min_tx_rate = s->min_tx_rate,
				 .max_tx_rate = s->max_tx_rate};

	switch (s->attr) {
	case RTNL_VF_MAC:
		memcpy(m.mac, s->mac, ETH_ALEN_BYTES);
		mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(m), &m);
		return true;
	case RTNL_VF_VLAN:
		put_vlan(nlh, s);
		return true;
	case RTNL_VF_RATE:
		mnl_attr_put(nlh, IFLA_VF_RATE, sizeof(r), &r);
		return true;
	case RTNL_VF_SPOOFCHK:
		put_u32_setting(nlh, IFLA_VF_SPOOFCHK, s->vf, s->value);
		return true;
	case RTNL_VF_TRUST:
		put_u32_setting(nlh, IFLA_VF_TRUST, s->vf, s->value);
		return true;
	case RTNL_VF_LINK_STATE:
		put_u32_setting(nlh, IFLA_VF_LINK_STATE, s->vf, s->value);
		return true;
	case RTNL_VF_RSS_QUERY_EN:
		put_u32_setting(nlh, IFLA_VF_RSS_QUERY_EN, s->vf, s->value);
		return true;
	case RTNL_VF_IB_NODE_GUID:
		put_guid(nlh, IFLA_VF_IB_NODE_GUID, s);
		return true;
	case RTNL_VF_IB_PORT_GUID:
		put_guid(nlh, IFLA_VF_IB_PORT_GUID, s);
		return true;
	default:
		return false;
	}
}

size_t rtnl_build_setvf(void *buf, size_t size, uint32_t seq, int ifindex,
			const struct rtnl_vf_set *s)
{
	struct nlattr *list, *info;
	struct nlmsghdr *nlh;

	if (!buf || !s || size < RTNL_SETLINK_MSG_SIZE)
		return 0;
	nlh = put_link_header(buf, RTM_SETLINK, seq, ifindex);
	list = mnl_attr_nest_start(nlh, IFLA_VFINFO_LIST);
	info = mnl_attr_nest_start(nlh, IFLA_VF_INFO);
	if (!put_vf_attr(nlh, s))
		return 0;
	mnl_attr_nest_end(nlh, info);
	mnl_attr_nest_end(nlh, list);
	return nlh->nlmsg_len;
}

size_t rtnl_build_link_up(void *buf, size_t size, uint32_t seq, int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (!buf || size < RTNL_SETLINK_MSG_SIZE)
		return 0;
	nlh = put_link_header(buf, RTM_NEWLINK, seq, ifindex);
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return nlh->nlmsg_len;
}

size_t rtnl_build_set_mtu(void *buf, size_t size, uint32_t seq, int ifindex, uint32_t mtu)
{
	struct nlmsghdr *nlh;

	if (!buf || size < RTNL_SETLINK_MSG_SIZE)
		return 0;
	nlh = put_link_header(buf, RTM_SETLINK, seq, ifindex);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nlh->nlmsg_len;
}

/* ---- acknowledgements ------------------------------------------------------ */

bool rtnl_error_is_transient(int err)
{
	return err == -EAGAIN || err == -EBUSY;
}

/* ---- I/O ------------------------------------------------------------------- */

static int send_msg(struct rtnl *nl, const void *msg, size_t len, struct sriov_err *e)
{
	if (mnl_socket_sendto(nl->sock, msg, len) < 0) {
		int r = -errno;

		return sriov_err_set(e, r, "netlink: send: %s", strerror(-r));
	}
	return 0;
}

struct ack_wait {
	uint32_t seq;
	uint32_t portid;
	struct nl_ack *ack;
};

/* rtnl_scan_fn: the ack for w->seq, if this datagram holds it. */
static int ack_scan(const void *buf, size_t len, void *ctx, struct sriov_err *e)
{
	struct ack_wait *w = ctx;
	int r = nl_ack_parse(buf, len, w->seq, w->portid, w->ack);

	if (r < 0)
		return sriov_err_set(e, r, "netlink: malformed acknowledgement");
	return r == 0 ? 1 : 0;
}

/* Receives until the ack for seq arrives. 0 with *ack filled, or -errno. */
static int recv_ack(struct rtnl *nl, uint32_t seq, struct nl_ack *ack,
		    struct sriov_err *e)
{
	struct ack_wait w = {.seq = seq, .portid = nl->portid, .ack = ack};

	return rtnl_recv_until(nl, ack_scan, &w, e);
}

/* Sends msg (its seq set from nl) and waits for the ack: the kernel's answer. */
static int transact(struct rtnl *nl, void *msg, struct nl_ack *ack, struct sriov_err *e)
{
	struct nlmsghdr *nlh = msg;
	int r;

	nlh->nlmsg_seq = ++nl->seq;
	r = send_msg(nl, msg, nlh->nlmsg_len, e);
	if (r < 0)
		return r;
	return recv_ack(nl, nlh->nlmsg_seq, ack, e);
}

/* Sends msg until the answer is not transient (bounded): rtnl_vf_set_send(). */
static int transact_retry(struct rtnl *nl, void *msg, struct nl_ack *ack,
			  unsigned int *tries, struct sriov_err *e)
{
	long long start = mono_ms();
	unsigned int n = 0;
	int r;

	memset(ack, 0, sizeof(*ack));
	for (;;) {
		r = transact(nl, msg, ack, e);
		n++;
		if (tries)
			*tries = n;
		if (r < 0)
			return r;
		if (!rtnl_error_is_transient(ack->error) ||
		    mono_ms() - start >= RTNL_RETRY_TOTAL_MS)
			return 0;
		sleep_ms(RTNL_RETRY_PAUSE_MS);
	}
}

int rtnl_vf_set_send(struct rtnl *nl, int ifindex, const struct rtnl_vf_set *s,
		     struct nl_ack *ack, unsigned int *tries, struct sriov_err *e)
{
	uint32_t msg[RTNL_SETLINK_MSG_SIZE / sizeof(uint32_t)];

	if (tries)
		*tries = 0;
	if (!nl || !s || !ack)
		return sriov_err_set(e, -EINVAL, "netlink: no socket or request");
	if (!rtnl_build_setvf(msg, sizeof(msg), 0, ifindex, s))
		return sriov_err_set(e, -EINVAL, "netlink: unknown VF attribute %d",
				     (int)s->attr);
	return transact_retry(nl, msg, ack, tries, e);
}

int rtnl_set_mtu_send(struct rtnl *nl, int ifindex, uint32_t mtu, struct nl_ack *ack,
		      unsigned int *tries, struct sriov_err *e)
{
	uint32_t msg[RTNL_SETLINK_MSG_SIZE / sizeof(uint32_t)];

	if (tries)
		*tries = 0;
	if (!nl || !ack)
		return sriov_err_set(e, -EINVAL, "netlink: no socket or request");
	rtnl_build_set_mtu(msg, sizeof(msg), 0, ifindex, mtu);
	return transact_retry(nl, msg, ack, tries, e);
}

/* ---- link summary ---------------------------------------------------------- */

static void copy_hwaddr(const struct nlattr *a, bool *has, uint8_t dst[6])
{
	if (mnl_attr_get_payload_len(a) != ETH_ALEN_BYTES)
		return;
	memcpy(dst, mnl_attr_get_payload(a), ETH_ALEN_BYTES);
	*has = true;
}

static int summary_attr(const struct nlattr *a, void *data)
{
	struct link_summary *out = data;
	size_t n;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		n = strnlen(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
		if (n >= sizeof(out->ifname))
			n = sizeof(out->ifname) - 1;
		memcpy(out->ifname, mnl_attr_get_payload(a), n);
		out->ifname[n] = '\0';
		break;
	case IFLA_ADDRESS:
		copy_hwaddr(a, &out->has_addr, out->addr);
		break;
	case IFLA_PERM_ADDRESS:
		copy_hwaddr(a, &out->has_perm_addr, out->perm_addr);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int summary_parse_aligned(const struct nlmsghdr *nlh, size_t len,
				 struct link_summary *out, struct sriov_err *e)
{
	size_t attrs = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg));
	struct ifinfomsg ifi;

	if (len < attrs || nlh->nlmsg_len < attrs || nlh->nlmsg_len > len ||
	    nlh->nlmsg_type != RTM_NEWLINK)
		return sriov_err_set(
			e, -EINVAL,
			"netlink: not a whole RTM_NEWLINK message (%zu bytes)", len);
	memcpy(&ifi, mnl_nlmsg_get_payload(nlh), sizeof(ifi));
	out->ifindex = ifi.ifi_index;
	out->flags = ifi.ifi_flags;
	out->up = ifi.ifi_flags & IFF_UP;
	out->carrier = ifi.ifi_flags & IFF_LOWER_UP;
	/* mnl_attr_parse checks each attribute's length against the message */
	if (mnl_attr_parse(nlh, sizeof(ifi), summary_attr, out) < 0)
		return sriov_err_set(e, -EINVAL, "netlink: malformed RTM_NEWLINK");
	return 0;
}

int link_summary_parse(const void *msg, size_t len, struct link_summary *out,
		       struct sriov_err *e)
{
	void *copy = NULL;
	int r;

	if (!out)
		return sriov_err_set(e, -EINVAL, "netlink: no output for the link");
	memset(out, 0, sizeof(*out));
	if (!msg || len < sizeof(struct nlmsghdr))
		return sriov_err_set(e, -EINVAL, "netlink: no message");
	if (nl_msg_align(&msg, len, &copy) < 0)
		return sriov_err_set(e, -ENOMEM, "netlink: out of memory");
	r = summary_parse_aligned(msg, len, out, e);
	free(copy);
	if (r < 0)
		memset(out, 0, sizeof(*out));
	return r;
}

struct summary_wait {
	uint32_t seq;
	struct link_summary *out;
};

/* rtnl_scan_fn: the reply to w->seq: 1 none yet, 0 parsed, -errno. */
static int summary_scan(const void *buf, size_t len, void *ctx, struct sriov_err *e)
{
	const struct summary_wait *w = ctx;
	const struct nlmsghdr *nlh = buf;
	int rem = len > INT_MAX ? INT_MAX : (int)len;
	struct nl_ack ack;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_seq != w->seq)
			continue;
		if (nlh->nlmsg_type == RTM_NEWLINK)
			return link_summary_parse(nlh, nlh->nlmsg_len, w->out, e);
		if (nlh->nlmsg_type != NLMSG_ERROR)
			continue;
		if (nl_ack_fill(nlh, nlh->nlmsg_len - NLMSG_HDRLEN, &ack) < 0)
			return sriov_err_set(e, -EBADMSG, "netlink: short NLMSG_ERROR");
		if (ack.error < 0)
			return sriov_err_set(e, ack.error, "netlink: RTM_GETLINK: %s%s%s",
					     strerror(-ack.error), ack.msg[0] ? ": " : "",
					     ack.msg);
	}
	return 1;
}

int rtnl_get_link_summary(struct rtnl *nl, int ifindex, struct link_summary *out,
			  struct sriov_err *e)
{
	uint32_t msg[RTNL_GETLINK_MSG_SIZE / sizeof(uint32_t)];
	struct summary_wait w = {.out = out};
	size_t len;
	int r;

	if (!nl || !out || ifindex <= 0)
		return sriov_err_set(e, -EINVAL, "netlink: bad socket or ifindex %d",
				     ifindex);
	w.seq = ++nl->seq;
	len = rtnl_build_getlink(msg, sizeof(msg), w.seq, ifindex, 0);
	r = send_msg(nl, msg, len, e);
	if (r < 0)
		return r;
	return rtnl_recv_until(nl, summary_scan, &w, e);
}

static int link_set_up(struct rtnl *nl, int ifindex, struct sriov_err *e)
{
	uint32_t msg[RTNL_SETLINK_MSG_SIZE / sizeof(uint32_t)];
	struct nl_ack ack;
	int r;

	rtnl_build_link_up(msg, sizeof(msg), 0, ifindex);
	r = transact(nl, msg, &ack, e);
	if (r < 0)
		return r;
	if (ack.error < 0)
		return sriov_err_set(e, ack.error, "netlink: ifindex %d: set up: %s%s%s",
				     ifindex, strerror(-ack.error),
				     ack.msg[0] ? ": " : "", ack.msg);
	return 0;
}

int rtnl_link_up_wait(struct rtnl *nl, int ifindex, unsigned int wait_ms, bool *was_up,
		      struct link_summary *out, unsigned int *waited_ms,
		      struct sriov_err *e)
{
	struct link_summary s;
	long long start;
	int r;

	if (waited_ms)
		*waited_ms = 0;
	r = rtnl_get_link_summary(nl, ifindex, &s, e);
	if (r < 0)
		return r;
	if (was_up)
		*was_up = s.up;
	if (!s.up) {
		r = link_set_up(nl, ifindex, e);
		if (r < 0)
			return r;
	}
	start = mono_ms();
	for (;;) {
		r = rtnl_get_link_summary(nl, ifindex, &s, e);
		if (r < 0)
			return r;
		if (s.carrier || mono_ms() - start >= wait_ms)
			break;
		sleep_ms(RTNL_RETRY_PAUSE_MS);
	}
	if (waited_ms)
		*waited_ms = (unsigned int)(mono_ms() - start);
	if (out)
		*out = s;
	return 0;
}
