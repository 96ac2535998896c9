// SPDX-License-Identifier: MIT
/*
 * rtnetlink VF state (IFLA_VFINFO_LIST) over libmnl, and what every
 * request on the socket shares (rtnl_sock.h): opening it, receiving until
 * the answer arrives, and acknowledgements with their extended-ack text.
 *
 * The parser never trusts a length: every attribute is checked against what
 * is left of its enclosing run before it is read, and structs are copied out
 * of payloads. The kernel writes the IFLA_VFINFO_LIST nest length into a
 * 16-bit nla_len, so a list longer than 65535 bytes arrives with a length
 * that wrapped (iproute2 then prints some VFs and "Truncated VF list"). The
 * parser walks the IFLA_VF_INFO entries on past the declared end, bounded by
 * the message and IFLA_NUM_VF, and accepts the list when the walk ends where
 * the declared length says modulo 64 KiB; otherwise it keeps the entries it
 * read and reports truncated.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "sriov/netlink.h"
#include "nl_compat.h"
#include "rtnl_sock.h"

/* Offset of the attributes in an RTM_NEWLINK message. */
#define LINK_ATTRS_OFFSET (NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg)))

/* Smallest ifla_vf_vlan_info that carries vlan_proto (the struct is padded). */
#define VLAN_INFO_MIN_LEN (offsetof(struct ifla_vf_vlan_info, vlan_proto) + 2)

/* A run of attributes: [p, p + rem). */
struct attr_cursor {
	const uint8_t *p;
	size_t rem;
};

/* What one IFLA_VF_INFO said, before it is folded into a struct vf_info. */
struct vf_parse {
	struct vf_info *vf;
	bool has_index;
	bool has_vlan_attr;
	bool has_vlan_list;
	bool has_rate_attr;
	bool has_tx_rate;
	uint32_t tx_rate;
};

static void cursor_init(struct attr_cursor *c, const void *p, size_t len)
{
	c->p = p;
	c->rem = len;
}

static void cursor_init_nest(struct attr_cursor *c, const struct nlattr *nest)
{
	cursor_init(c, mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest));
}

/*
 * Next attribute of the run: 1 with *a set, 0 at the end of the run, -1 when
 * what is left is not a whole attribute (bad length, or cut short).
 */
static int attr_next(struct attr_cursor *c, const struct nlattr **a)
{
	struct nlattr hdr;
	size_t step;

	if (c->rem == 0)
		return 0;
	if (c->rem < sizeof(hdr))
		return -1;
	memcpy(&hdr, c->p, sizeof(hdr));
	if (hdr.nla_len < sizeof(hdr) || hdr.nla_len > c->rem)
		return -1;
	*a = (const struct nlattr *)c->p;
	step = MNL_ALIGN(hdr.nla_len);
	if (step > c->rem)
		step = c->rem; /* last attribute without its padding */
	c->p += step;
	c->rem -= step;
	return 1;
}

/* Copies a fixed-size payload; false when the attribute is too short. */
static bool attr_copy(const struct nlattr *a, void *dst, size_t size)
{
	if (mnl_attr_get_payload_len(a) < size)
		return false;
	memcpy(dst, mnl_attr_get_payload(a), size);
	return true;
}

/* The kernel presets spoofchk, trust and rss_query_en to (u32)-1. */
static int setting_to_int(uint32_t setting)
{
	if (setting == UINT32_MAX)
		return -1;
	return setting ? 1 : 0;
}

static int vf_set_index(struct vf_parse *p, uint32_t index)
{
	if (p->has_index && p->vf->index != index)
		return -1;
	p->vf->index = index;
	p->has_index = true;
	return 0;
}

static int vf_parse_mac(struct vf_parse *p, const struct nlattr *a)
{
	struct ifla_vf_mac m;

	if (!attr_copy(a, &m, sizeof(m)))
		return -1;
	memcpy(p->vf->mac, m.mac, sizeof(p->vf->mac));
	p->vf->has_mac = true;
	return vf_set_index(p, m.vf);
}

static int vf_parse_vlan(struct vf_parse *p, const struct nlattr *a)
{
	struct ifla_vf_vlan v;

	if (!attr_copy(a, &v, sizeof(v)))
		return -1;
	if (!p->has_vlan_list) {
		p->vf->vlan = (uint16_t)v.vlan;
		p->vf->qos = (uint8_t)v.qos;
	}
	p->has_vlan_attr = true;
	return vf_set_index(p, v.vf);
}

/* Reads the first IFLA_VF_VLAN_INFO of an IFLA_VF_VLAN_LIST. */
static int vf_parse_vlan_list(struct vf_parse *p, const struct nlattr *list)
{
	struct ifla_vf_vlan_info vi;
	struct attr_cursor c;
	const struct nlattr *a;
	int r;

	cursor_init_nest(&c, list);
	while ((r = attr_next(&c, &a)) > 0) {
		if (mnl_attr_get_type(a) != IFLA_VF_VLAN_INFO)
			continue;
		if (p->has_vlan_list)
			continue;
		if (mnl_attr_get_payload_len(a) < VLAN_INFO_MIN_LEN)
			return -1;
		memset(&vi, 0, sizeof(vi));
		memcpy(&vi, mnl_attr_get_payload(a), VLAN_INFO_MIN_LEN);
		p->vf->vlan = (uint16_t)vi.vlan;
		p->vf->qos = (uint8_t)vi.qos;
		p->vf->vlan_proto = ntohs(vi.vlan_proto);
		p->has_vlan_list = true;
		if (vf_set_index(p, vi.vf) < 0)
			return -1;
	}
	return r;
}

static int vf_parse_tx_rate(struct vf_parse *p, const struct nlattr *a)
{
	struct ifla_vf_tx_rate t;

	if (!attr_copy(a, &t, sizeof(t)))
		return -1;
	p->tx_rate = t.rate;
	p->has_tx_rate = true;
	return vf_set_index(p, t.vf);
}

static int vf_parse_rate(struct vf_parse *p, const struct nlattr *a)
{
	struct ifla_vf_rate rt;

	if (!attr_copy(a, &rt, sizeof(rt)))
		return -1;
	p->vf->min_tx_rate = rt.min_tx_rate;
	p->vf->max_tx_rate = rt.max_tx_rate;
	p->has_rate_attr = true;
	return vf_set_index(p, rt.vf);
}

/*
 * IFLA_VF_SPOOFCHK, IFLA_VF_RSS_QUERY_EN, IFLA_VF_TRUST and IFLA_VF_LINK_STATE
 * share one layout: { __u32 vf; __u32 value; }.
 */
struct vf_u32_setting {
	uint32_t vf;
	uint32_t value;
};

static int vf_parse_setting(struct vf_parse *p, const struct nlattr *a, int *dst,
			    bool is_link_state)
{
	struct vf_u32_setting s;

	if (!attr_copy(a, &s, sizeof(s)))
		return -1;
	if (is_link_state)
		*dst = s.value > INT_MAX ? -1 : (int)s.value;
	else
		*dst = setting_to_int(s.value);
	return vf_set_index(p, s.vf);
}

/* IFLA_VF_IB_NODE_GUID and IFLA_VF_IB_PORT_GUID: struct ifla_vf_guid. */
static int vf_parse_guid(struct vf_parse *p, const struct nlattr *a, bool *has,
			 uint64_t *dst)
{
	struct ifla_vf_guid g;

	if (!attr_copy(a, &g, sizeof(g)))
		return -1;
	*dst = g.guid;
	*has = true;
	return vf_set_index(p, g.vf);
}

static int vf_parse_attr(struct vf_parse *p, const struct nlattr *a)
{
	struct vf_info *vf = p->vf;

	switch (mnl_attr_get_type(a)) {
	case IFLA_VF_MAC:
		return vf_parse_mac(p, a);
	case IFLA_VF_VLAN:
		return vf_parse_vlan(p, a);
	case IFLA_VF_VLAN_LIST:
		return vf_parse_vlan_list(p, a);
	case IFLA_VF_TX_RATE:
		return vf_parse_tx_rate(p, a);
	case IFLA_VF_RATE:
		return vf_parse_rate(p, a);
	case IFLA_VF_SPOOFCHK:
		return vf_parse_setting(p, a, &vf->spoofchk, false);
	case IFLA_VF_LINK_STATE:
		return vf_parse_setting(p, a, &vf->link_state, true);
	case IFLA_VF_RSS_QUERY_EN:
		return vf_parse_setting(p, a, &vf->query_rss, false);
	case IFLA_VF_TRUST:
		return vf_parse_setting(p, a, &vf->trust, false);
	case IFLA_VF_IB_NODE_GUID:
		return vf_parse_guid(p, a, &vf->has_node_guid, &vf->node_guid);
	case IFLA_VF_IB_PORT_GUID:
		return vf_parse_guid(p, a, &vf->has_port_guid, &vf->port_guid);
	default:
		return 0; /* stats, broadcast, future attributes */
	}
}

static void vf_finish(struct vf_parse *p)
{
	struct vf_info *vf = p->vf;

	if (p->has_vlan_list || p->has_vlan_attr)
		vf->has_vlan = true;
	if (p->has_vlan_attr && !p->has_vlan_list)
		vf->vlan_proto = ETH_P_8021Q;
	if (p->has_rate_attr) {
		vf->has_rate = true;
	} else if (p->has_tx_rate) {
		vf->min_tx_rate = 0;
		vf->max_tx_rate = p->tx_rate;
		vf->has_rate = true;
	}
}

/* Parses one IFLA_VF_INFO nest; -1 when it is malformed or names no VF. */
static int vf_info_parse(const struct nlattr *nest, struct vf_info *vf)
{
	struct vf_parse p = {.vf = vf};
	struct attr_cursor c;
	const struct nlattr *a;
	int r;

	memset(vf, 0, sizeof(*vf));
	vf->spoofchk = -1;
	vf->trust = -1;
	vf->query_rss = -1;
	vf->link_state = -1;

	cursor_init_nest(&c, nest);
	while ((r = attr_next(&c, &a)) > 0) {
		if (vf_parse_attr(&p, a) < 0)
			return -1;
	}
	if (r < 0 || !p.has_index)
		return -1;
	vf_finish(&p);
	return 0;
}

static int vfs_push(struct link_vfs *out, size_t *cap, const struct vf_info *vf)
{
	struct vf_info *n;
	size_t ncap;

	if (out->n_vfs == *cap) {
		ncap = *cap ? *cap * 2 : 64;
		if (ncap > SIZE_MAX / sizeof(*n))
			return -ENOMEM;
		n = realloc(out->vfs, ncap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		out->vfs = n;
		*cap = ncap;
	}
	out->vfs[out->n_vfs++] = *vf;
	return 0;
}

/*
 * Parses the IFLA_VF_INFO entries of an IFLA_VFINFO_LIST. Returns 0 when the
 * list is well formed, 1 when it is not (entries up to the bad one are kept),
 * -ENOMEM.
 */
static int vfinfo_list_parse(const struct nlattr *list, struct link_vfs *out)
{
	struct attr_cursor c;
	const struct nlattr *a;
	struct vf_info vf;
	size_t cap = 0;
	int r;

	cursor_init_nest(&c, list);
	while ((r = attr_next(&c, &a)) > 0) {
		if (mnl_attr_get_type(a) != IFLA_VF_INFO)
			continue;
		if (vf_info_parse(a, &vf) < 0)
			return 1;
		if (vfs_push(out, &cap, &vf) < 0)
			return -ENOMEM;
	}
	return r < 0 ? 1 : 0;
}

/*
 * True when the attribute after the list is itself a VF entry: the list's
 * nla_len wrapped on a VF boundary and the rest of the list follows.
 */
static bool next_is_vf_info(const struct attr_cursor *c)
{
	struct attr_cursor peek = *c;
	const struct nlattr *a;
	struct vf_info vf;

	if (attr_next(&peek, &a) <= 0)
		return false;
	if (mnl_attr_get_type(a) != IFLA_VF_INFO)
		return false;
	return vf_info_parse(a, &vf) == 0;
}

/*
 * The list at `list` holds more than its wrapped nla_len says: reads its
 * IFLA_VF_INFO entries again from its payload on through `end` (the end of
 * the message), at most IFLA_NUM_VF of them, stopping at the first attribute
 * that is not one. The list is whole when that stop lies where nla_len puts
 * the end modulo 64 KiB (and, with IFLA_NUM_VF, after num_vf entries); then
 * *after points behind it. Else the entries read are kept, truncated set.
 */
static int vfinfo_list_unwrap(const uint8_t *list, const uint8_t *end,
			      struct link_vfs *out, const uint8_t **after)
{
	struct attr_cursor c;
	const struct nlattr *a;
	struct nlattr hdr;
	struct vf_info vf;
	size_t cap = 0, walked;

	memcpy(&hdr, list, sizeof(hdr));
	link_vfs_free(out); /* the entries inside nla_len are read again */
	cursor_init(&c, list + NLA_HDRLEN, (size_t)(end - list) - NLA_HDRLEN);
	while (!out->has_num_vf || out->n_vfs < out->num_vf) {
		struct attr_cursor peek = c;

		if (attr_next(&peek, &a) <= 0 || mnl_attr_get_type(a) != IFLA_VF_INFO ||
		    vf_info_parse(a, &vf) < 0)
			break;
		if (vfs_push(out, &cap, &vf) < 0)
			return -ENOMEM;
		c = peek;
	}
	walked = (size_t)(c.p - list);
	if ((walked & 0xffff) != hdr.nla_len || walked <= 0xffff ||
	    (out->has_num_vf && out->n_vfs != out->num_vf)) {
		out->truncated = true;
		return 0;
	}
	*after = c.p;
	return 0;
}

/* The attribute at c is the VF list with a wrapped nla_len below its header. */
static bool list_len_wrapped_to_zero(const struct attr_cursor *c)
{
	struct nlattr hdr;

	if (c->rem < sizeof(hdr))
		return false;
	memcpy(&hdr, c->p, sizeof(hdr));
	return (hdr.nla_type & NLA_TYPE_MASK) == IFLA_VFINFO_LIST &&
	       hdr.nla_len < sizeof(hdr);
}

/*
 * Reads the wrapped list at `list` (see vfinfo_list_unwrap) and moves c
 * behind it; a list still not whole ends the walk of the link attributes.
 * Returns 1 to go on, 0 to stop, -ENOMEM.
 */
static int unwrap_and_continue(const uint8_t *list, struct attr_cursor *c,
			       struct link_vfs *out)
{
	const uint8_t *end = c->p + c->rem, *after = NULL;
	int r = vfinfo_list_unwrap(list, end, out, &after);

	if (r < 0)
		return r;
	if (!after)
		return 0;
	cursor_init(c, after, (size_t)(end - after));
	return 1;
}

static void parse_ifname(const struct nlattr *a, struct link_vfs *out)
{
	size_t n = strnlen(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));

	if (out->ifname[0])
		return;
	if (n >= sizeof(out->ifname))
		n = sizeof(out->ifname) - 1;
	memcpy(out->ifname, mnl_attr_get_payload(a), n);
	out->ifname[n] = '\0';
}

static void parse_num_vf(const struct nlattr *a, struct link_vfs *out)
{
	uint32_t n;

	if (out->has_num_vf || !attr_copy(a, &n, sizeof(n)))
		return;
	out->num_vf = n;
	out->has_num_vf = true;
}

/*
 * The attribute at c overruns the message. When it is the VF list (a message
 * cut short, e.g. by a 64 KiB receive buffer), keeps its whole entries.
 */
static int salvage_list(const struct attr_cursor *c, struct link_vfs *out)
{
	struct nlattr hdr;
	uint8_t *copy;
	int r;

	if (c->rem < sizeof(hdr))
		return 0;
	memcpy(&hdr, c->p, sizeof(hdr));
	if ((hdr.nla_type & NLA_TYPE_MASK) != IFLA_VFINFO_LIST || hdr.nla_len <= c->rem)
		return 0;
	/* a copy whose header claims only the bytes that are there */
	copy = malloc(c->rem);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, c->p, c->rem);
	hdr.nla_len = (uint16_t)c->rem;
	memcpy(copy, &hdr, sizeof(hdr));
	r = vfinfo_list_parse((const struct nlattr *)copy, out);
	free(copy);
	return r < 0 ? r : 0;
}

/*
 * Walks the link attributes. A list whose nla_len wrapped is read on past
 * it (unwrap_and_continue); the walk stops after a list still inconsistent:
 * what follows it is not known to be link attributes.
 */
static int link_attrs_parse(struct attr_cursor *c, struct link_vfs *out)
{
	const struct nlattr *a;
	bool seen_list = false;
	int r;

	for (;;) {
		if (!seen_list && list_len_wrapped_to_zero(c)) {
			seen_list = true;
			r = unwrap_and_continue(c->p, c, out);
			if (r <= 0)
				return r;
		}
		r = attr_next(c, &a);
		if (r <= 0)
			break;
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			parse_ifname(a, out);
			break;
		case IFLA_NUM_VF:
			parse_num_vf(a, out);
			break;
		case IFLA_VFINFO_LIST:
			if (seen_list)
				break;
			seen_list = true;
			r = vfinfo_list_parse(a, out);
			if (r < 0)
				return r;
			if (r > 0 || next_is_vf_info(c)) {
				r = unwrap_and_continue((const uint8_t *)a, c, out);
				if (r <= 0)
					return r;
			}
			break;
		default:
			break;
		}
	}
	if (r < 0) {
		out->truncated = true;
		if (!seen_list && salvage_list(c, out) < 0)
			return -ENOMEM;
	}
	if (out->has_num_vf && out->n_vfs < out->num_vf)
		out->truncated = true;
	return 0;
}

static int link_msg_parse(const uint8_t *msg, size_t len, struct link_vfs *out,
			  struct sriov_err *e)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)msg;
	struct ifinfomsg ifi;
	struct attr_cursor c;
	size_t msg_len;

	if (len < sizeof(*nlh))
		return sriov_err_set(e, -EINVAL,
				     "netlink: message of %zu bytes is shorter "
				     "than its header",
				     len);
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return sriov_err_set(e, -EINVAL,
				     "netlink: message type %u is not RTM_NEWLINK",
				     nlh->nlmsg_type);
	if (len < LINK_ATTRS_OFFSET || nlh->nlmsg_len < LINK_ATTRS_OFFSET)
		return sriov_err_set(e, -EINVAL,
				     "netlink: RTM_NEWLINK of %zu bytes "
				     "(nlmsg_len %u) has no whole ifinfomsg",
				     len, nlh->nlmsg_len);
	msg_len = nlh->nlmsg_len;
	if (msg_len > len) {
		out->truncated = true; /* cut short: read what is there */
		msg_len = len;
	}
	memcpy(&ifi, msg + NLMSG_HDRLEN, sizeof(ifi));
	out->ifindex = ifi.ifi_index;
	cursor_init(&c, msg + LINK_ATTRS_OFFSET, msg_len - LINK_ATTRS_OFFSET);
	return link_attrs_parse(&c, out);
}

void link_vfs_free(struct link_vfs *l)
{
	if (!l)
		return;
	free(l->vfs);
	l->vfs = NULL;
	l->n_vfs = 0;
}

int nl_msg_align(const void **msg, size_t len, void **copy)
{
	size_t padded = NLMSG_ALIGN(len);

	*copy = NULL;
	if (!((uintptr_t)*msg % NLMSG_ALIGNTO) && padded == len)
		return 0;
	*copy = calloc(1, padded ? padded : 1);
	if (!*copy)
		return -ENOMEM;
	memcpy(*copy, *msg, len);
	*msg = *copy;
	return 0;
}

int link_vfs_parse(const void *msg, size_t len, struct link_vfs *out, struct sriov_err *e)
{
	void *copy = NULL;
	int r;

	if (!out)
		return sriov_err_set(e, -EINVAL, "netlink: no output for the link");
	memset(out, 0, sizeof(*out));
	if (!msg)
		return sriov_err_set(e, -EINVAL, "netlink: no message");
	if (nl_msg_align(&msg, len, &copy) < 0)
		return sriov_err_set(e, -ENOMEM, "netlink: out of memory");
	r = link_msg_parse(msg, len, out, e);
	free(copy);
	if (r == -ENOMEM)
		sriov_err_set(e, r, "netlink: out of memory for the VF list");
	if (r < 0) {
		link_vfs_free(out);
		memset(out, 0, sizeof(*out));
	}
	return r;
}

size_t rtnl_build_getlink(void *buf, size_t size, uint32_t seq, int ifindex,
			  uint32_t ext_mask)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (!buf || size < RTNL_GETLINK_MSG_SIZE)
		return 0;
	memset(buf, 0, RTNL_GETLINK_MSG_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, ext_mask);
	return nlh->nlmsg_len;
}

/* Receives the datagram whose size is known to be `size` into a new buffer. */
static int recv_sized(int fd, size_t size, void **buf, size_t *len, struct sriov_err *e)
{
	uint8_t *b = malloc(size);
	ssize_t n;

	if (!b)
		return sriov_err_set(e, -ENOMEM,
				     "netlink: out of memory for a %zu-byte "
				     "message",
				     size);
	do {
		n = recv(fd, b, size, MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		int r = -errno;

		free(b);
		return sriov_err_set(e, r, "netlink: recv: %s", strerror(-r));
	}
	if ((size_t)n != size) {
		free(b);
		return sriov_err_set(e, -EIO,
				     "netlink: message changed size between peek "
				     "(%zu) and receive (%zd)",
				     size, n);
	}
	*buf = b;
	*len = size;
	return 0;
}

int nl_recv_whole(int fd, void **buf, size_t *len, struct sriov_err *e)
{
	uint8_t probe;
	ssize_t n;

	if (!buf || !len)
		return sriov_err_set(e, -EINVAL, "netlink: no output buffer");
	*buf = NULL;
	*len = 0;
	do {
		n = recv(fd, &probe, sizeof(probe), MSG_PEEK | MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		int r = -errno;

		return sriov_err_set(e, r, "netlink: recv: %s", strerror(-r));
	}
	if (n == 0) {
		/* Consume the empty datagram, or the next call sees it again. */
		while (recv(fd, &probe, sizeof(probe), MSG_DONTWAIT) < 0 &&
		       errno == EINTR)
			;
		return sriov_err_set(e, -ENODATA, "netlink: empty message");
	}
	return recv_sized(fd, (size_t)n, buf, len, e);
}

static void rtnl_open_hint(struct sriov_err *e, int r)
{
	if (r == -EPERM || r == -EACCES || r == -EAFNOSUPPORT)
		sriov_err_hint(e, "netlink sockets are denied here (seccomp filter or "
				  "container policy?)");
}

int nl_sock_open(int bus, const char *what, struct rtnl **out, struct sriov_err *e)
{
	struct rtnl *nl;
	int one = 1;
	int r;

	if (!out)
		return sriov_err_set(e, -EINVAL, "netlink: no output for the socket");
	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return sriov_err_set(e, -ENOMEM, "netlink: out of memory");
	nl->sock = mnl_socket_open(bus);
	if (!nl->sock) {
		r = -errno;
		free(nl);
		sriov_err_set(e, r, "netlink: cannot open a %s socket: %s", what,
			      strerror(-r));
		rtnl_open_hint(e, r);
		return r;
	}
	/* Extended ack carries the kernel's error text; old kernels lack it. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(nl->sock);
		free(nl);
		return sriov_err_set(e, r, "netlink: cannot bind the %s socket: %s", what,
				     strerror(-r));
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	*out = nl;
	return 0;
}

int rtnl_open(struct rtnl **out, struct sriov_err *e)
{
	return nl_sock_open(NETLINK_ROUTE, "NETLINK_ROUTE", out, e);
}

void rtnl_close(struct rtnl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sock);
	free(nl);
}

int rtnl_recv_until(struct rtnl *nl, rtnl_scan_fn scan, void *ctx, struct sriov_err *e)
{
	size_t len;
	void *buf;
	int r;

	do {
		r = nl_recv_whole(mnl_socket_get_fd(nl->sock), &buf, &len, e);
		if (r < 0)
			return r;
		r = scan(buf, len, ctx, e);
		free(buf);
	} while (r == 1);
	return r;
}

/* ---- acknowledgements ------------------------------------------------------ */

/* Copies NLMSGERR_ATTR_MSG from the TLVs at [p, p + len), if there. */
static void ack_tlv_msg(const uint8_t *p, size_t len, char *dst, size_t size)
{
	struct attr_cursor c;
	const struct nlattr *a;
	struct nlattr hdr;
	size_t n;

	cursor_init(&c, p, len);
	while (attr_next(&c, &a) > 0) {
		memcpy(&hdr, a, sizeof(hdr));
		if ((hdr.nla_type & NLA_TYPE_MASK) != NLMSGERR_ATTR_MSG)
			continue;
		n = strnlen(mnl_attr_get_payload(a), hdr.nla_len - sizeof(hdr));
		if (n >= size)
			n = size - 1;
		memcpy(dst, mnl_attr_get_payload(a), n);
		dst[n] = '\0';
		return;
	}
}

int nl_ack_fill(const struct nlmsghdr *nlh, size_t plen, struct nl_ack *ack)
{
	const uint8_t *payload = mnl_nlmsg_get_payload(nlh);
	struct nlmsgerr err;
	size_t off = sizeof(err);

	if (plen < sizeof(err))
		return -EBADMSG;
	memcpy(&err, payload, sizeof(err));
	ack->error = err.error > 0 ? -err.error : err.error;
	ack->msg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 1;
	/* the request is echoed after the header unless capped */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && err.msg.nlmsg_len > NLMSG_HDRLEN)
		off += err.msg.nlmsg_len - NLMSG_HDRLEN;
	off = MNL_ALIGN(off);
	if (off < plen)
		ack_tlv_msg(payload + off, plen - off, ack->msg, sizeof(ack->msg));
	return 1;
}

int nl_ack_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		 struct nl_ack *ack)
{
	const uint8_t *p = buf;
	struct nlmsghdr hdr;

	while (len >= sizeof(hdr)) {
		memcpy(&hdr, p, sizeof(hdr));
		if (hdr.nlmsg_len < sizeof(hdr) || hdr.nlmsg_len > len)
			return -EBADMSG;
		if (hdr.nlmsg_type == NLMSG_ERROR && hdr.nlmsg_seq == seq &&
		    (!portid || !hdr.nlmsg_pid || hdr.nlmsg_pid == portid))
			return nl_ack_fill((const struct nlmsghdr *)p,
					   hdr.nlmsg_len - NLMSG_HDRLEN, ack);
		if (NLMSG_ALIGN(hdr.nlmsg_len) >= len)
			break;
		p += NLMSG_ALIGN(hdr.nlmsg_len);
		len -= NLMSG_ALIGN(hdr.nlmsg_len);
	}
	return 0;
}

/* ---- RTM_GETLINK with the VF list ------------------------------------------ */

/* NLMSG_ERROR in answer to our request: 0 for a plain ack, else -errno. */
static int reply_error(const struct nlmsghdr *nlh, int ifindex, struct sriov_err *e)
{
	struct nl_ack ack;

	if (nl_ack_fill(nlh, mnl_nlmsg_get_payload_len(nlh), &ack) < 0)
		return sriov_err_set(e, -EBADMSG, "netlink: short NLMSG_ERROR");
	if (ack.error == 0)
		return 0;
	if (ack.error == -ENODEV)
		return sriov_err_set(e, ack.error,
				     "netlink: ifindex %d: no such network interface%s%s",
				     ifindex, ack.msg[0] ? ": " : "", ack.msg);
	return sriov_err_set(e, ack.error, "netlink: RTM_GETLINK ifindex %d: %s%s%s",
			     ifindex, strerror(-ack.error), ack.msg[0] ? ": " : "",
			     ack.msg);
}

static int reply_link(const struct nlmsghdr *nlh, struct link_vfs *out, void **raw,
		      size_t *raw_len, struct sriov_err *e)
{
	void *copy;
	int r;

	r = link_vfs_parse(nlh, nlh->nlmsg_len, out, e);
	if (r < 0 || !raw)
		return r;
	copy = malloc(nlh->nlmsg_len);
	if (!copy) {
		link_vfs_free(out);
		return sriov_err_set(e, -ENOMEM, "netlink: out of memory");
	}
	memcpy(copy, nlh, nlh->nlmsg_len);
	*raw = copy;
	if (raw_len)
		*raw_len = nlh->nlmsg_len;
	return 0;
}

struct getlink_req {
	uint32_t seq;
	uint32_t portid;
	int ifindex;
	struct link_vfs *out;
	void **raw;
	size_t *raw_len;
};

/*
 * Looks through one received datagram for the answer to req. Returns 1 when
 * it holds none (keep reading), else the result of the request.
 */
static int reply_scan(const void *buf, size_t len, void *ctx, struct sriov_err *e)
{
	const struct getlink_req *req = ctx;
	const struct nlmsghdr *nlh = buf;
	int rem = len > INT_MAX ? INT_MAX : (int)len;
	int r;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_seq != req->seq)
			continue; /* stale answer to an earlier request */
		if (nlh->nlmsg_pid && nlh->nlmsg_pid != req->portid)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			r = reply_error(nlh, req->ifindex, e);
			if (r < 0)
				return r;
			continue;
		}
		if (nlh->nlmsg_type == RTM_NEWLINK)
			return reply_link(nlh, req->out, req->raw, req->raw_len, e);
	}
	return 1;
}

static int getlink_once(struct rtnl *nl, struct getlink_req *req, uint32_t ext_mask,
			struct sriov_err *e)
{
	uint32_t msg[RTNL_GETLINK_MSG_SIZE / sizeof(uint32_t)];
	size_t n;
	int r;

	req->seq = ++nl->seq;
	req->portid = nl->portid;
	n = rtnl_build_getlink(msg, sizeof(msg), req->seq, req->ifindex, ext_mask);
	if (mnl_socket_sendto(nl->sock, msg, n) < 0) {
		r = -errno;
		return sriov_err_set(e, r, "netlink: send RTM_GETLINK: %s", strerror(-r));
	}
	return rtnl_recv_until(nl, reply_scan, req, e);
}

int rtnl_get_link_vfs(struct rtnl *nl, int ifindex, struct link_vfs *out, void **raw,
		      size_t *raw_len, struct sriov_err *e)
{
	struct getlink_req req = {
		.ifindex = ifindex, .out = out, .raw = raw, .raw_len = raw_len};
	int r;

	if (raw)
		*raw = NULL;
	if (raw_len)
		*raw_len = 0;
	if (!out)
		return sriov_err_set(e, -EINVAL, "netlink: no output for the link");
	memset(out, 0, sizeof(*out));
	if (!nl || ifindex <= 0)
		return sriov_err_set(e, -EINVAL, "netlink: bad socket or ifindex %d",
				     ifindex);
	r = getlink_once(nl, &req, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS, e);
	if (r != -EMSGSIZE)
		return r;
	/* The VF list did not fit the kernel's message: the link without it. */
	sriov_err_clear(e);
	r = getlink_once(nl, &req, RTEXT_FILTER_SKIP_STATS, e);
	if (r == 0)
		out->truncated = true;
	return r;
}
