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
	/* InfiniBand VFs: IFLA_VF_IB_NODE_GUID/PORT_GUID (kernel >= 5.5, when the
	 * driver has ndo_get_vf_guid); the GUID as a number, first byte highest */
	bool has_node_guid;
	uint64_t node_guid;
	bool has_port_guid;
	uint64_t port_guid;
	/* Not from rtnetlink: the VF function's own state (lib/vfdev.c) */
	bool has_mtu;	     /* the VF's netdev exists */
	uint32_t mtu;	     /* its MTU */
	bool has_msix;	     /* sriov_vf_msix_count is there */
	uint32_t msix_count; /* sriov_vf_msix_count */
	/* Not from rtnetlink: the VF's devlink port in switchdev mode
	 * (vf_info_devlink_fill(), devlink.h); all false outside switchdev */
	bool has_dl_port;    /* the VF has a devlink port (pcivf) */
	bool has_dl_rate;    /* the port's rate leaf was reported */
	uint32_t tx_share;   /* Mbit/s (bytes/s rounded down) */
	uint32_t tx_max;     /* Mbit/s, 0: no limit */
	char rate_group[64]; /* the leaf's parent node, empty: none */
	bool has_fn_hw_addr; /* port function hw_addr (6 bytes) */
	uint8_t fn_hw_addr[6];
	bool has_fn_state;
	uint32_t fn_state; /* DEVLINK_PORT_FN_STATE_*: inactive 0, active 1 */
	bool has_fn_roce;
	uint32_t fn_roce; /* 1/0 */
	bool has_fn_migratable;
	uint32_t fn_migratable; /* 1/0 */
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

/* The answer to one request: 0 or -errno, and the extended-ack text. */
struct nl_ack {
	int error;
	char msg[256]; /* NLMSGERR_ATTR_MSG, empty when the kernel sent none */
};

/*
 * Looks through one received datagram for the NLMSG_ERROR answering seq
 * (from the kernel, to portid when portid is non-zero). Pure: no I/O.
 * Returns 1 with *ack filled, 0 when the datagram holds no answer to seq,
 * -EBADMSG when that answer is malformed.
 */
int nl_ack_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		 struct nl_ack *ack);

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

/* ---- VF settings: RTM_SETLINK requests (lib/netlink_set.c) ---------------- */

/*
 * One kernel attribute of IFLA_VF_INFO, for one VF. vlan, qos and proto are
 * one attribute (IFLA_VF_VLAN, or IFLA_VF_VLAN_LIST when vlan_list is set),
 * and so are the two rates (IFLA_VF_RATE).
 */
enum rtnl_vf_attr {
	RTNL_VF_MAC,	    /* IFLA_VF_MAC: mac */
	RTNL_VF_VLAN,	    /* IFLA_VF_VLAN or IFLA_VF_VLAN_LIST: vlan, qos, vlan_proto */
	RTNL_VF_RATE,	    /* IFLA_VF_RATE: min_tx_rate, max_tx_rate */
	RTNL_VF_SPOOFCHK,   /* IFLA_VF_SPOOFCHK: value 0/1 */
	RTNL_VF_TRUST,	    /* IFLA_VF_TRUST: value 0/1 */
	RTNL_VF_LINK_STATE, /* IFLA_VF_LINK_STATE: value enum vf_link_state */
	RTNL_VF_RSS_QUERY_EN, /* IFLA_VF_RSS_QUERY_EN: value 0/1 */
	RTNL_VF_IB_NODE_GUID, /* IFLA_VF_IB_NODE_GUID: guid */
	RTNL_VF_IB_PORT_GUID, /* IFLA_VF_IB_PORT_GUID: guid */
	RTNL_VF_ATTR_COUNT,
};

/*
 * One request. attr is an enum rtnl_vf_attr; the VF settings of other kernel
 * interfaces (vfsetting.h: VF_ATTR_MTU, ...) use the same record with attr
 * at RTNL_VF_ATTR_COUNT and above, which the builders below refuse.
 */
struct rtnl_vf_set {
	unsigned int attr;
	uint32_t vf;
	uint8_t mac[6];
	uint16_t vlan;
	uint8_t qos;
	uint16_t vlan_proto;  /* ETH_P_8021Q or ETH_P_8021AD, host order */
	bool vlan_list;	      /* send IFLA_VF_VLAN_LIST (needed for 802.1ad) */
	uint32_t min_tx_rate; /* Mbit/s */
	uint32_t max_tx_rate; /* Mbit/s */
	uint32_t value;
	uint64_t guid;	   /* RTNL_VF_IB_*_GUID */
	uint32_t tx_share; /* devlink rate, Mbit/s */
	uint32_t tx_max;   /* devlink rate, Mbit/s, 0: no limit */
	char group[64];	   /* devlink rate parent node, empty: none */
};

/* The kernel's name of the attribute ("IFLA_VF_MAC", ...). */
const char *rtnl_vf_attr_name(const struct rtnl_vf_set *s);

/* Large enough for any request built below. */
#define RTNL_SETLINK_MSG_SIZE 128

/*
 * Builds RTM_SETLINK (NLM_F_REQUEST | NLM_F_ACK, AF_UNSPEC, ifi_index) with
 * IFLA_VFINFO_LIST > IFLA_VF_INFO > the one attribute of s, into buf (4-byte
 * aligned). No I/O. Returns the message length, 0 when size is too small.
 */
size_t rtnl_build_setvf(void *buf, size_t size, uint32_t seq, int ifindex,
			const struct rtnl_vf_set *s);

/*
 * Builds RTM_NEWLINK (NLM_F_REQUEST | NLM_F_ACK) setting IFF_UP on ifindex,
 * as `ip link set DEV up` does. Returns the length, 0 when size is too small.
 */
size_t rtnl_build_link_up(void *buf, size_t size, uint32_t seq, int ifindex);

/* EAGAIN and EBUSY: the driver asks to try again (i40e: "VF still in reset"). */
bool rtnl_error_is_transient(int err);

/* How long rtnl_vf_set_send() keeps retrying a transient answer, and its pause. */
#define RTNL_RETRY_TOTAL_MS 2000
#define RTNL_RETRY_PAUSE_MS 50

/*
 * Sends one VF setting for the PF ifindex and waits for the kernel's answer,
 * retrying (bounded by RTNL_RETRY_TOTAL_MS) while it is transient. Returns 0
 * when the kernel answered: ack->error is 0 (accepted) or its -errno, with
 * ack->msg its extended-ack text. Returns -errno, with e set, when the socket
 * failed. *tries gets the number of requests sent (may be NULL).
 */
int rtnl_vf_set_send(struct rtnl *nl, int ifindex, const struct rtnl_vf_set *s,
		     struct nl_ack *ack, unsigned int *tries, struct sriov_err *e);

/*
 * Builds RTM_SETLINK (NLM_F_REQUEST | NLM_F_ACK) with IFLA_MTU mtu for
 * ifindex, as `ip link set DEV mtu N` does. Returns the length, 0 when size
 * is too small.
 */
size_t rtnl_build_set_mtu(void *buf, size_t size, uint32_t seq, int ifindex,
			  uint32_t mtu);

/*
 * Sets the MTU of the link ifindex (a VF's own netdev) and waits for the
 * kernel's answer, with the retry and return values of rtnl_vf_set_send().
 */
int rtnl_set_mtu_send(struct rtnl *nl, int ifindex, uint32_t mtu, struct nl_ack *ack,
		      unsigned int *tries, struct sriov_err *e);

/*
 * What the link said about itself in an RTM_NEWLINK: flags, the current and
 * the permanent hardware address (IFLA_PERM_ADDRESS, kernel >= 5.6).
 */
struct link_summary {
	int ifindex;
	char ifname[16];
	unsigned int flags; /* IFF_UP, IFF_RUNNING, IFF_LOWER_UP, ... */
	bool up;	    /* IFF_UP: administratively up */
	bool carrier;	    /* IFF_LOWER_UP: the link has carrier */
	bool has_addr;
	uint8_t addr[6];
	bool has_perm_addr;
	uint8_t perm_addr[6];
};

/* Parses one RTM_NEWLINK message (pure). Returns 0 or -EINVAL. */
int link_summary_parse(const void *msg, size_t len, struct link_summary *out,
		       struct sriov_err *e);

/* RTM_GETLINK for ifindex without the VF list. Returns 0 or -errno. */
int rtnl_get_link_summary(struct rtnl *nl, int ifindex, struct link_summary *out,
			  struct sriov_err *e);

/*
 * Brings the link up (IFF_UP) unless it is up already, then waits up to
 * wait_ms for the carrier (IFF_LOWER_UP). Returns 0 or -errno (the kernel's
 * refusal, with its extended-ack text in e). *was_up and *out (the summary
 * after the wait) may be NULL; *waited_ms gets the time spent waiting.
 */
int rtnl_link_up_wait(struct rtnl *nl, int ifindex, unsigned int wait_ms, bool *was_up,
		      struct link_summary *out, unsigned int *waited_ms,
		      struct sriov_err *e);

#endif
