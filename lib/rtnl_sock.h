/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_RTNL_SOCK_H
#define SRIOV_RTNL_SOCK_H

/*
 * The NETLINK_ROUTE socket behind struct rtnl (netlink.h), and what the files
 * that talk over it share (lib/netlink.c): receiving until the answer
 * arrives, reading messages in place, and acknowledgements. Internal to lib/.
 */

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "sriov/netlink.h"

struct rtnl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
};

/*
 * Looks through one received datagram (pure): 1 when what the caller waits
 * for is not in it (receive the next one), else the result, 0 or -errno with
 * e set.
 */
typedef int (*rtnl_scan_fn)(const void *buf, size_t len, void *ctx, struct sriov_err *e);

/*
 * Opens and binds a netlink socket of protocol bus (NETLINK_ROUTE,
 * NETLINK_GENERIC) with extended ack; what names it in messages.
 */
int nl_sock_open(int bus, const char *what, struct rtnl **out, struct sriov_err *e);

/* Receives datagrams until scan returns something other than 1; returns that. */
int rtnl_recv_until(struct rtnl *nl, rtnl_scan_fn scan, void *ctx, struct sriov_err *e);

/*
 * Attribute headers are read in place: *msg (len bytes) is replaced by an
 * aligned copy (*copy, to be freed) when it lacks its 4-byte alignment, or
 * when len is not a multiple of 4: libmnl walks attributes up to the
 * aligned end of nlmsg_len, so the copy is zero-padded to NLMSG_ALIGN(len).
 * *copy is NULL otherwise. Returns 0 or -ENOMEM.
 */
int nl_msg_align(const void **msg, size_t len, void **copy);

/*
 * Fills ack from one NLMSG_ERROR message of plen payload bytes: the errno
 * and the extended-ack text. Returns 1, or -EBADMSG when it is too short.
 */
int nl_ack_fill(const struct nlmsghdr *nlh, size_t plen, struct nl_ack *ack);

#endif
