// SPDX-License-Identifier: MIT
/*
 * devlink requests, built into a caller's buffer with libmnl: the eswitch
 * mode, rate objects (set, node new and del) and port functions. No I/O
 * (lib/devlink_sock.c sends them); the unit tests parse them back.
 */
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "sriov/devlink.h"
#include "devlink_compat.h"

/* Room every attribute of a request needs at most, on top of its handle. */
#define REQ_ATTRS_MAX 160

/*
 * The header, the generic netlink header and the handle. NULL when the
 * buffer cannot hold them with REQ_ATTRS_MAX to spare.
 */
static struct nlmsghdr *put_head(void *buf, size_t size, uint16_t family, uint32_t seq,
				 uint8_t cmd, const char *bus, const char *dev)
{
	size_t need = NLMSG_HDRLEN + GENL_HDRLEN + REQ_ATTRS_MAX;
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;

	if (!buf || !bus || !dev)
		return NULL;
	need += MNL_ATTR_HDRLEN + MNL_ALIGN(strlen(bus) + 1);
	need += MNL_ATTR_HDRLEN + MNL_ALIGN(strlen(dev) + 1);
	if (size < need)
		return NULL;
	memset(buf, 0, need);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = DL_GENL_VERSION;
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_BUS_NAME, bus);
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_DEV_NAME, dev);
	return nlh;
}

size_t devlink_build_eswitch_set(void *buf, size_t size, uint16_t family, uint32_t seq,
				 const char *bus, const char *dev,
				 const struct devlink_eswitch *want)
{
	struct nlmsghdr *nlh;

	if (!want)
		return 0;
	nlh = put_head(buf, size, family, seq, DEVLINK_CMD_ESWITCH_SET, bus, dev);
	if (!nlh)
		return 0;
	if (want->mode >= 0)
		mnl_attr_put_u16(nlh, DEVLINK_ATTR_ESWITCH_MODE, (uint16_t)want->mode);
	if (want->inline_mode >= 0)
		mnl_attr_put_u8(nlh, DEVLINK_ATTR_ESWITCH_INLINE_MODE,
				(uint8_t)want->inline_mode);
	if (want->encap_mode >= 0)
		mnl_attr_put_u8(nlh, DEVLINK_ATTR_ESWITCH_ENCAP_MODE,
				(uint8_t)want->encap_mode);
	return nlh->nlmsg_len;
}

/* A node or parent name fits the kernel's attribute and our budget. */
static bool name_ok(const char *s)
{
	return s && strlen(s) < 64;
}

size_t devlink_build_rate(void *buf, size_t size, uint16_t family, uint32_t seq,
			  uint8_t cmd, const char *bus, const char *dev,
			  const struct devlink_rate_req *r)
{
	struct nlmsghdr *nlh;

	if (!r || (r->is_node && (!name_ok(r->node) || !r->node[0])) ||
	    (r->parent && !name_ok(r->parent)))
		return 0;
	if (!r->is_node && cmd != DEVLINK_CMD_RATE_SET)
		return 0; /* leaves come and go with their ports */
	nlh = put_head(buf, size, family, seq, cmd, bus, dev);
	if (!nlh)
		return 0;
	if (r->is_node)
		mnl_attr_put_strz(nlh, DEVLINK_ATTR_RATE_NODE_NAME, r->node);
	else
		mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_INDEX, r->port_index);
	if (cmd == DEVLINK_CMD_RATE_DEL)
		return nlh->nlmsg_len;
	if (r->set_tx_share)
		mnl_attr_put_u64(nlh, DEVLINK_ATTR_RATE_TX_SHARE, r->tx_share);
	if (r->set_tx_max)
		mnl_attr_put_u64(nlh, DEVLINK_ATTR_RATE_TX_MAX, r->tx_max);
	if (r->parent)
		mnl_attr_put_strz(nlh, DEVLINK_ATTR_RATE_PARENT_NODE_NAME, r->parent);
	return nlh->nlmsg_len;
}

static void put_caps(struct nlmsghdr *nlh, const struct devlink_fn_req *f)
{
	struct nla_bitfield32 caps = {0};

	if (f->roce >= 0) {
		caps.selector |= DL_PORT_FN_CAP_ROCE;
		caps.value |= f->roce ? DL_PORT_FN_CAP_ROCE : 0;
	}
	if (f->migratable >= 0) {
		caps.selector |= DL_PORT_FN_CAP_MIGRATABLE;
		caps.value |= f->migratable ? DL_PORT_FN_CAP_MIGRATABLE : 0;
	}
	if (caps.selector)
		mnl_attr_put(nlh, DL_PORT_FN_ATTR_CAPS, sizeof(caps), &caps);
}

size_t devlink_build_port_fn(void *buf, size_t size, uint16_t family, uint32_t seq,
			     const char *bus, const char *dev, uint32_t port_index,
			     const struct devlink_fn_req *f)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	if (!f || f->hw_addr_len > sizeof(f->hw_addr))
		return 0;
	nlh = put_head(buf, size, family, seq, DEVLINK_CMD_PORT_SET, bus, dev);
	if (!nlh)
		return 0;
	mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_INDEX, port_index);
	nest = mnl_attr_nest_start(nlh, DEVLINK_ATTR_PORT_FUNCTION);
	if (f->hw_addr_len)
		mnl_attr_put(nlh, DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR, f->hw_addr_len,
			     f->hw_addr);
	if (f->state >= 0)
		mnl_attr_put_u8(nlh, DEVLINK_PORT_FN_ATTR_STATE, (uint8_t)f->state);
	put_caps(nlh, f);
	mnl_attr_nest_end(nlh, nest);
	return nlh->nlmsg_len;
}
