// SPDX-License-Identifier: MIT
/*
 * Interface addresses for the "in use" snapshot: one RTM_GETADDR dump over
 * rtnetlink (libmnl) on the live host, kept as the raw RTM_NEWADDR messages
 * so that `capture` can store them and a --root tree replays them.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "sriov/netlink.h"
#include "sriov/usage.h"
#include "rtnl_sock.h"

/* Offset of the attributes in an RTM_NEWADDR message. */
#define ADDR_ATTRS_OFFSET (NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifaddrmsg)))

/* ---- parsing ------------------------------------------------------------ */

struct addr_attrs {
	const struct nlattr *address; /* IFA_ADDRESS: peer on point-to-point links */
	const struct nlattr *local;   /* IFA_LOCAL: the interface's own address */
};

static void find_addr_attrs(const struct nlmsghdr *nlh, struct addr_attrs *aa)
{
	const uint8_t *p = (const uint8_t *)nlh + ADDR_ATTRS_OFFSET;
	size_t rem = nlh->nlmsg_len - ADDR_ATTRS_OFFSET;

	memset(aa, 0, sizeof(*aa));
	while (rem >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const void *)p;
		size_t step;

		if (a->nla_len < sizeof(*a) || a->nla_len > rem)
			return;
		if (mnl_attr_get_type(a) == IFA_ADDRESS)
			aa->address = a;
		else if (mnl_attr_get_type(a) == IFA_LOCAL)
			aa->local = a;
		step = MNL_ALIGN(a->nla_len);
		if (step >= rem)
			return;
		p += step;
		rem -= step;
	}
}

static bool ipv6_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* Fills one entry from a message; false when the message carries no address. */
static bool addr_from_msg(const struct nlmsghdr *nlh, struct usage_addr *out)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	size_t want = ifa->ifa_family == AF_INET ? 4 : 16;
	char text[INET6_ADDRSTRLEN];
	struct addr_attrs aa;
	const struct nlattr *a;
	uint8_t bytes[16];

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return false;
	find_addr_attrs(nlh, &aa);
	a = aa.local ? aa.local : aa.address;
	if (!a || mnl_attr_get_payload_len(a) != want)
		return false;
	memcpy(bytes, mnl_attr_get_payload(a), want);
	if (!inet_ntop(ifa->ifa_family, bytes, text, sizeof(text)))
		return false;
	out->ifindex = (int)ifa->ifa_index;
	out->link_local = ifa->ifa_family == AF_INET6 && ipv6_link_local(bytes);
	snprintf(out->text, sizeof(out->text), "%s/%u", text, ifa->ifa_prefixlen);
	return true;
}

/*
 * The message at off in [buf, buf + len) when it lies wholly inside, else
 * NULL. (mnl_nlmsg_ok() casts nlmsg_len to int, so 0xffffffff passes it.)
 */
static const struct nlmsghdr *msg_at(const uint8_t *buf, size_t len, size_t off)
{
	const struct nlmsghdr *nlh = (const void *)(buf + off);

	if (off > len || len - off < NLMSG_HDRLEN)
		return NULL;
	if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len - off)
		return NULL;
	return nlh;
}

static int addrs_push(struct usage_addr **v, size_t *n, size_t *cap,
		      const struct usage_addr *a)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct usage_addr *grown = realloc(*v, ncap * sizeof(**v));

		if (!grown)
			return -ENOMEM;
		*v = grown;
		*cap = ncap;
	}
	(*v)[(*n)++] = *a;
	return 0;
}

int usage_addr_parse(const void *raw, size_t len, struct usage_addr **out, size_t *n)
{
	const struct nlmsghdr *nlh;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!raw)
		return 0;
	for (size_t off = 0; (nlh = msg_at(raw, len, off));
	     off += NLMSG_ALIGN(nlh->nlmsg_len)) {
		struct usage_addr a;

		if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < ADDR_ATTRS_OFFSET)
			continue;
		if (!addr_from_msg(nlh, &a))
			continue;
		if (addrs_push(out, n, &cap, &a) < 0) {
			free(*out);
			*out = NULL;
			*n = 0;
			return -ENOMEM;
		}
	}
	return 0;
}

/* ---- the dump ------------------------------------------------------------- */

struct dump {
	uint32_t portid, seq;
	uint8_t *raw; /* RTM_NEWADDR messages collected so far */
	size_t len, cap;
};

static int dump_keep(struct dump *d, const struct nlmsghdr *nlh)
{
	size_t need = MNL_ALIGN(nlh->nlmsg_len);

	if (d->len + need > d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16384;
		uint8_t *grown;

		while (ncap < d->len + need)
			ncap *= 2;
		grown = realloc(d->raw, ncap);
		if (!grown)
			return -ENOMEM;
		d->raw = grown;
		d->cap = ncap;
	}
	memset(d->raw + d->len, 0, need);
	memcpy(d->raw + d->len, nlh, nlh->nlmsg_len);
	d->len += need;
	return 0;
}

/* rtnl_scan_fn: one datagram of the dump; 1 to keep reading, 0 at NLMSG_DONE, -errno. */
static int dump_datagram(const void *buf, size_t len, void *ctx, struct sriov_err *e)
{
	struct dump *d = ctx;
	const struct nlmsghdr *nlh;

	for (size_t off = 0; (nlh = msg_at(buf, len, off));
	     off += NLMSG_ALIGN(nlh->nlmsg_len)) {
		if (nlh->nlmsg_seq != d->seq ||
		    (nlh->nlmsg_pid && nlh->nlmsg_pid != d->portid))
			continue;
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 0;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
			int r = nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*err) ||
						!err->error
					? -EBADMSG
					: -abs(err->error);

			return sriov_err_set(e, r, "netlink: RTM_GETADDR dump: %s",
					     strerror(-r));
		}
		if (nlh->nlmsg_type == RTM_NEWADDR && dump_keep(d, nlh) < 0)
			return sriov_err_set(e, -ENOMEM, "netlink: out of memory");
	}
	return 1;
}

static int dump_request(struct rtnl *nl, struct dump *d, struct sriov_err *e)
{
	uint32_t buf[64];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = d->seq;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return sriov_err_set(e, -errno, "netlink: send RTM_GETADDR: %s",
				     strerror(errno));
	return 0;
}

int usage_addr_dump(void **raw, size_t *len, struct sriov_err *e)
{
	struct dump d = {0};
	struct rtnl *nl;
	int r;

	*raw = NULL;
	*len = 0;
	r = rtnl_open(&nl, e);
	if (r < 0)
		return r;
	d.seq = ++nl->seq;
	d.portid = nl->portid;
	r = dump_request(nl, &d, e);
	if (r == 0)
		r = rtnl_recv_until(nl, dump_datagram, &d, e);
	rtnl_close(nl);
	if (r < 0) {
		free(d.raw);
		return r;
	}
	*raw = d.raw;
	*len = d.len;
	return 0;
}
