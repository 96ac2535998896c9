/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_NETLINK_H
#define SRIOV_NETLINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "error.h"

/*
 * rtnetlink VF state of one PF netdev (IFLA_VFINFO_LIST), read with libmnl.
 * Values the kernel did not send are marked absent (has_* false or -1).
 */

enum vf_link_state {
	VF_LINK_STATE_AUTO = 0,
	VF_LINK_STATE_ENABLE = 1,
	VF_LINK_STATE_DISABLE = 2,
};

struct vf_info {
	uint32_t index;
	bool has_mac;
	uint8_t mac[6];
	bool has_vlan;
	uint16_t vlan;
	uint8_t qos;
	uint16_t
		vlan_proto; /* ETH_P_8021Q (0x8100) or ETH_P_8021AD (0x88a8); 0 unknown */
	bool has_rate;
	uint32_t min_tx_rate; /* Mbit/s */
	uint32_t max_tx_rate; /* Mbit/s */
	int spoofchk;	      /* 1, 0, or -1 when the driver does not report it */
	int trust;	      /* 1, 0, or -1 */
	int query_rss;	      /* 1, 0, or -1 */
	int link_state;	      /* enum vf_link_state, or -1 */
};

struct link_vfs {
	int ifindex;
	char ifname[16];
	bool has_num_vf;
	uint32_t num_vf;     /* IFLA_NUM_VF */
	struct vf_info *vfs; /* n_vfs entries, in the order the kernel sent them */
	size_t n_vfs;
	/*
	 * The list did not hold num_vf entries, or its nest was malformed
	 * (nla_len wraps at 64 KiB): the entries present are valid, the rest
	 * must come from elsewhere.
	 */
	bool truncated;
};

void link_vfs_free(struct link_vfs *l); /* frees l->vfs, keeps l itself */

/*
 * Parses one RTM_NEWLINK message (struct nlmsghdr + ifinfomsg + attributes),
 * as the kernel sends it or as `capture` stored it. Pure: no I/O.
 * Returns 0, -EINVAL (not an RTM_NEWLINK or malformed header) with a message.
 */
int link_vfs_parse(const void *msg, size_t len, struct link_vfs *out,
		   struct sriov_err *e);

/* A NETLINK_ROUTE socket; one per command, reused for every request. */
struct rtnl;

int rtnl_open(struct rtnl **out, struct sriov_err *e);
void rtnl_close(struct rtnl *nl);

/*
 * RTM_GETLINK for one ifindex with IFLA_EXT_MASK = RTEXT_FILTER_VF |
 * RTEXT_FILTER_SKIP_STATS. The receive buffer is sized from the pending
 * message (MSG_PEEK | MSG_TRUNC), so any size the kernel sends is read whole.
 * If the kernel refuses the request with EMSGSIZE, retries without
 * RTEXT_FILTER_VF and returns the link with truncated = true.
 * When raw/raw_len are non-NULL, the reply message is also returned (malloc'd)
 * so that capture can store it. Returns 0 or -errno.
 */
int rtnl_get_link_vfs(struct rtnl *nl, int ifindex, struct link_vfs *out, void **raw,
		      size_t *raw_len, struct sriov_err *e);

/*
 * Receives one whole datagram from fd into a buffer sized from
 * recv(MSG_PEEK|MSG_TRUNC). *buf is malloc'd. Exposed for tests (socketpair).
 */
int nl_recv_whole(int fd, void **buf, size_t *len, struct sriov_err *e);

/* Size of an RTM_GETLINK request: nlmsghdr + ifinfomsg + IFLA_EXT_MASK. */
#define RTNL_GETLINK_MSG_SIZE 40

/*
 * Builds an RTM_GETLINK request (NLM_F_REQUEST, AF_UNSPEC, ifi_index, and
 * IFLA_EXT_MASK = ext_mask) into buf, which must be 4-byte aligned. No I/O;
 * the socket fills in nlmsg_pid. Returns the message length, or 0 when size
 * is below RTNL_GETLINK_MSG_SIZE.
 */
size_t rtnl_build_getlink(void *buf, size_t size, uint32_t seq, int ifindex,
			  uint32_t ext_mask);

#endif
