// SPDX-License-Identifier: MIT
/*
 * devlink: replies built here with libmnl as the kernel sends them (an
 * instance, its eswitch, ports with port functions, rate leaves and nodes,
 * another instance's messages mixed in, refusals) parsed back; malformed
 * runs; every request built and parsed back attribute by attribute; names,
 * units; and the live socket (the family resolves, an absent instance is
 * -ENODEV) where the kernel lets us.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "sriov/devlink.h"
#include "devlink_compat.h"

#define FAMILY 0x1b
#define BUS    "pci"
#define DEV    "0000:03:00.0"

/* ---- building replies ------------------------------------------------------- */

struct run {
	uint8_t buf[65536] __attribute__((aligned(4)));
	size_t len;
};

static struct nlmsghdr *msg_start(struct run *r, uint16_t type, uint8_t cmd,
				  const char *bus, const char *dev)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf + r->len);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = 1;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	if (bus)
		mnl_attr_put_strz(nlh, DEVLINK_ATTR_BUS_NAME, bus);
	if (dev)
		mnl_attr_put_strz(nlh, DEVLINK_ATTR_DEV_NAME, dev);
	return nlh;
}

static void msg_end(struct run *r, struct nlmsghdr *nlh)
{
	r->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void put_instance(struct run *r, const char *dev)
{
	msg_end(r, msg_start(r, FAMILY, DEVLINK_CMD_NEW, BUS, dev));
}

static void put_eswitch(struct run *r, const char *dev, int mode, int inl, int encap)
{
	struct nlmsghdr *nlh = msg_start(r, FAMILY, DEVLINK_CMD_ESWITCH_GET, BUS, dev);

	mnl_attr_put_u16(nlh, DEVLINK_ATTR_ESWITCH_MODE, (uint16_t)mode);
	if (inl >= 0)
		mnl_attr_put_u8(nlh, DEVLINK_ATTR_ESWITCH_INLINE_MODE, (uint8_t)inl);
	if (encap >= 0)
		mnl_attr_put_u8(nlh, DEVLINK_ATTR_ESWITCH_ENCAP_MODE, (uint8_t)encap);
	msg_end(r, nlh);
}

/* A pcivf port as mlx5 reports it in switchdev: representor and function. */
static void put_vf_port(struct run *r, const char *dev, uint32_t index, uint16_t vf,
			const char *rep, uint32_t caps_sel, uint32_t caps_val)
{
	/* the port dump answers with DEVLINK_CMD_NEW; one port's GET with PORT_NEW */
	struct nlmsghdr *nlh = msg_start(
		r, FAMILY, vf % 2 ? DEVLINK_CMD_NEW : DEVLINK_CMD_PORT_NEW, BUS, dev);
	uint8_t mac[6] = {0x02, 0, 0, 0, 0, (uint8_t)vf};
	struct nla_bitfield32 caps = {.value = caps_val, .selector = caps_sel};
	struct nlattr *fn;

	mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_INDEX, index);
	mnl_attr_put_u16(nlh, DEVLINK_ATTR_PORT_TYPE, 2);
	mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_NETDEV_IFINDEX, 100 + vf);
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_PORT_NETDEV_NAME, rep);
	mnl_attr_put_u16(nlh, DEVLINK_ATTR_PORT_FLAVOUR, DEVLINK_PORT_FLAVOUR_PCI_VF);
	mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_CONTROLLER_NUMBER, 0);
	mnl_attr_put_u16(nlh, DEVLINK_ATTR_PORT_PCI_PF_NUMBER, 0);
	mnl_attr_put_u16(nlh, DEVLINK_ATTR_PORT_PCI_VF_NUMBER, vf);
	mnl_attr_put_u8(nlh, DEVLINK_ATTR_PORT_EXTERNAL, 0);
	fn = mnl_attr_nest_start(nlh, DEVLINK_ATTR_PORT_FUNCTION);
	mnl_attr_put(nlh, DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR, sizeof(mac), mac);
	mnl_attr_put_u8(nlh, DEVLINK_PORT_FN_ATTR_STATE, DEVLINK_PORT_FN_STATE_ACTIVE);
	mnl_attr_put_u8(nlh, DEVLINK_PORT_FN_ATTR_OPSTATE,
			DEVLINK_PORT_FN_OPSTATE_DETACHED);
	if (caps_sel)
		mnl_attr_put(nlh, DL_PORT_FN_ATTR_CAPS, sizeof(caps), &caps);
	mnl_attr_nest_end(nlh, fn);
	msg_end(r, nlh);
}

static void put_rate_leaf(struct run *r, const char *dev, uint32_t index, uint64_t share,
			  uint64_t max, const char *parent)
{
	struct nlmsghdr *nlh = msg_start(r, FAMILY, DEVLINK_CMD_RATE_NEW, BUS, dev);

	mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_INDEX, index);
	mnl_attr_put_u16(nlh, DEVLINK_ATTR_RATE_TYPE, DEVLINK_RATE_TYPE_LEAF);
	mnl_attr_put_u64(nlh, DEVLINK_ATTR_RATE_TX_SHARE, share);
	mnl_attr_put_u64(nlh, DEVLINK_ATTR_RATE_TX_MAX, max);
	if (parent)
		mnl_attr_put_strz(nlh, DEVLINK_ATTR_RATE_PARENT_NODE_NAME, parent);
	msg_end(r, nlh);
}

static void put_rate_node(struct run *r, const char *dev, const char *name, uint64_t max)
{
	struct nlmsghdr *nlh = msg_start(r, FAMILY, DEVLINK_CMD_RATE_NEW, BUS, dev);

	mnl_attr_put_u16(nlh, DEVLINK_ATTR_RATE_TYPE, DEVLINK_RATE_TYPE_NODE);
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_RATE_NODE_NAME, name);
	mnl_attr_put_u64(nlh, DEVLINK_ATTR_RATE_TX_SHARE, 0);
	mnl_attr_put_u64(nlh, DEVLINK_ATTR_RATE_TX_MAX, max);
	msg_end(r, nlh);
}

static void put_done(struct run *r)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf + r->len);
	int zero = 0;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(zero)), &zero, sizeof(zero));
	r->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void put_refusal(struct run *r, int error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf + r->len);
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = error;
	err->msg.nlmsg_len = NLMSG_HDRLEN;
	r->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* ---- parsing ------------------------------------------------------------------- */

static void test_parse_switchdev(void **state)
{
	struct run *r = calloc(1, sizeof(*r));
	const struct devlink_port *p;
	const struct devlink_rate *rt;
	struct devlink_state s;

	(void)state;
	put_instance(r, DEV);
	put_instance(r, "0000:03:00.1");
	put_eswitch(r, DEV, DL_ESWITCH_SWITCHDEV, 0, 1);
	put_eswitch(r, "0000:03:00.1", DL_ESWITCH_LEGACY, -1, -1);
	put_vf_port(r, DEV, 1, 0, "eth0_0",
		    DL_PORT_FN_CAP_ROCE | DL_PORT_FN_CAP_MIGRATABLE, DL_PORT_FN_CAP_ROCE);
	put_vf_port(r, "0000:03:00.1", 1, 0, "eth1_0", 0, 0);
	put_vf_port(r, DEV, 2, 1, "eth0_1", 0, 0);
	put_done(r);
	put_rate_node(r, DEV, "group1", 125000000);
	put_rate_leaf(r, DEV, 1, 1250000, 12500000, "group1");
	put_rate_leaf(r, DEV, 2, 0, 0, NULL);
	put_done(r);

	devlink_state_init(&s, BUS, DEV);
	assert_int_equal(devlink_replies_parse(r->buf, r->len, &s, NULL), 0);
	assert_true(s.present);
	assert_true(s.has_eswitch);
	assert_int_equal(s.eswitch.mode, DL_ESWITCH_SWITCHDEV);
	assert_int_equal(s.eswitch.inline_mode, 0);
	assert_int_equal(s.eswitch.encap_mode, 1);
	assert_int_equal(s.n_ports, 2);
	assert_int_equal(s.n_rates, 3);

	p = devlink_vf_port(&s, 0, 0);
	assert_non_null(p);
	assert_int_equal(p->index, 1);
	assert_string_equal(p->netdev, "eth0_0");
	assert_int_equal(p->ifindex, 100);
	assert_int_equal(p->flavour, DEVLINK_PORT_FLAVOUR_PCI_VF);
	assert_int_equal(p->controller, 0);
	assert_false(p->external);
	assert_true(p->has_function);
	assert_int_equal(p->hw_addr_len, 6);
	assert_int_equal(p->hw_addr[0], 0x02);
	assert_int_equal(p->state, DEVLINK_PORT_FN_STATE_ACTIVE);
	assert_int_equal(p->opstate, DEVLINK_PORT_FN_OPSTATE_DETACHED);
	assert_int_equal(p->roce, 1);
	assert_int_equal(p->migratable, 0);

	p = devlink_vf_port(&s, 0, 1);
	assert_non_null(p);
	assert_int_equal(p->index, 2);
	assert_int_equal(p->roce, -1); /* not reported: the caps attribute absent */
	assert_int_equal(p->migratable, -1);
	assert_null(devlink_vf_port(&s, 0, 2));
	/* a PF number that matches no port falls back to the VF's only port */
	assert_ptr_equal(devlink_vf_port(&s, 5, 1), p);

	rt = devlink_port_rate(&s, 1);
	assert_non_null(rt);
	assert_false(rt->is_node);
	assert_true(rt->has_tx_share && rt->has_tx_max);
	assert_int_equal(rt->tx_share, 1250000);
	assert_int_equal(rt->tx_max, 12500000);
	assert_string_equal(rt->parent, "group1");
	rt = devlink_rate_node(&s, "group1");
	assert_non_null(rt);
	assert_true(rt->is_node);
	assert_int_equal(rt->tx_max, 125000000);
	assert_null(devlink_rate_node(&s, "group2"));
	assert_int_equal(devlink_port_rate(&s, 2)->tx_max, 0);
	assert_null(devlink_port_rate(&s, 3));

	devlink_state_free(&s);
	free(r);
}

static void test_parse_refused_eswitch(void **state)
{
	struct run *r = calloc(1, sizeof(*r));
	struct devlink_state s;

	(void)state;
	put_instance(r, DEV);
	put_refusal(r, -EOPNOTSUPP);
	put_done(r);
	devlink_state_init(&s, BUS, DEV);
	assert_int_equal(devlink_replies_parse(r->buf, r->len, &s, NULL), 0);
	assert_true(s.present);
	assert_false(s.has_eswitch);
	assert_int_equal(s.eswitch_err, -EOPNOTSUPP);
	assert_int_equal(s.eswitch.mode, -1);
	assert_int_equal(s.n_ports, 0);
	devlink_state_free(&s);

	/* another instance only: nothing of ours */
	devlink_state_init(&s, BUS, "0000:99:00.0");
	assert_int_equal(devlink_replies_parse(r->buf, r->len, &s, NULL), 0);
	assert_false(s.present);
	devlink_state_free(&s);
	free(r);
}

/* Hundreds of ports, as one PF with many VFs has in switchdev. */
static void test_parse_many_ports(void **state)
{
	struct run *r = calloc(1, sizeof(*r));
	struct devlink_state s;
	char rep[16];

	(void)state;
	for (uint16_t vf = 0; vf < 300; vf++) {
		snprintf(rep, sizeof(rep), "r%u", vf);
		put_vf_port(r, DEV, 128u + vf, vf, rep, 0, 0);
	}
	devlink_state_init(&s, BUS, DEV);
	assert_int_equal(devlink_replies_parse(r->buf, r->len, &s, NULL), 0);
	assert_int_equal(s.n_ports, 300);
	assert_int_equal(devlink_vf_port(&s, 0, 299)->index, 427);
	assert_string_equal(devlink_vf_port(&s, 0, 299)->netdev, "r299");
	devlink_state_free(&s);
	free(r);
}

static void test_parse_malformed(void **state)
{
	struct run *r = calloc(1, sizeof(*r));
	struct devlink_state s;
	struct sriov_err err;
	struct nlmsghdr *nlh;
	size_t first;

	(void)state;
	put_instance(r, DEV);
	first = r->len;
	put_vf_port(r, DEV, 1, 0, "rep0", 0, 0);
	/* the second message claims more bytes than the run has */
	nlh = (struct nlmsghdr *)(r->buf + first);
	nlh->nlmsg_len = (uint32_t)(r->len - first + 64);
	devlink_state_init(&s, BUS, DEV);
	sriov_err_clear(&err);
	assert_int_equal(devlink_replies_parse(r->buf, r->len, &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "malformed"));
	assert_true(s.present); /* what came before stays */
	devlink_state_free(&s);

	/* a message too short for the generic netlink header */
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	devlink_state_init(&s, BUS, DEV);
	assert_int_equal(
		devlink_replies_parse(r->buf, first + NLMSG_HDRLEN + 2, &s, NULL),
		-EINVAL);
	devlink_state_free(&s);

	/* misaligned starts are read from an aligned copy; a message cut short fails */
	devlink_state_init(&s, BUS, DEV);
	memmove(r->buf + 1, r->buf, first);
	assert_int_equal(devlink_replies_parse(r->buf + 1, first - 4, &s, NULL), -EINVAL);
	assert_int_equal(devlink_replies_parse(r->buf + 1, first, &s, NULL), 0);
	assert_true(s.present);
	devlink_state_free(&s);
	assert_int_equal(devlink_replies_parse(NULL, 4, &s, NULL), -EINVAL);
	assert_int_equal(devlink_replies_parse(NULL, 0, &s, NULL), 0);
	free(r);
}

/* ---- requests ------------------------------------------------------------------ */

struct parsed {
	uint8_t cmd;
	const struct nlattr *attrs[DEVLINK_ATTR_MAX + 1];
	const struct nlattr *fn[8];
};

static void parse_req(const void *buf, size_t len, struct parsed *p)
{
	const struct nlmsghdr *nlh = buf;
	const struct genlmsghdr *g;
	const struct nlattr *a;

	memset(p, 0, sizeof(*p));
	assert_true(len > 0 && len <= DEVLINK_REQ_SIZE);
	assert_true(mnl_nlmsg_ok(nlh, (int)len));
	assert_int_equal(nlh->nlmsg_len, len);
	assert_int_equal(nlh->nlmsg_type, FAMILY);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, 77);
	g = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(g->version, 1);
	p->cmd = g->cmd;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
	{
		assert_true(mnl_attr_get_type(a) <= DEVLINK_ATTR_MAX);
		assert_null(p->attrs[mnl_attr_get_type(a)]); /* each once */
		p->attrs[mnl_attr_get_type(a)] = a;
	}
	assert_string_equal(mnl_attr_get_str(p->attrs[DEVLINK_ATTR_BUS_NAME]), BUS);
	assert_string_equal(mnl_attr_get_str(p->attrs[DEVLINK_ATTR_DEV_NAME]), DEV);
	if (!p->attrs[DEVLINK_ATTR_PORT_FUNCTION])
		return;
	mnl_attr_for_each_nested(a, p->attrs[DEVLINK_ATTR_PORT_FUNCTION])
	{
		assert_true(mnl_attr_get_type(a) < 8);
		p->fn[mnl_attr_get_type(a)] = a;
	}
}

static void test_build_eswitch(void **state)
{
	uint32_t buf[DEVLINK_REQ_SIZE / 4];
	struct devlink_eswitch want = {DL_ESWITCH_SWITCHDEV, -1, -1};
	struct parsed p;
	size_t n;

	(void)state;
	n = devlink_build_eswitch_set(buf, sizeof(buf), FAMILY, 77, BUS, DEV, &want);
	parse_req(buf, n, &p);
	assert_int_equal(p.cmd, DEVLINK_CMD_ESWITCH_SET);
	assert_int_equal(mnl_attr_get_u16(p.attrs[DEVLINK_ATTR_ESWITCH_MODE]), 1);
	assert_null(p.attrs[DEVLINK_ATTR_ESWITCH_INLINE_MODE]);
	assert_null(p.attrs[DEVLINK_ATTR_ESWITCH_ENCAP_MODE]);

	want = (struct devlink_eswitch){-1, 3, 0};
	n = devlink_build_eswitch_set(buf, sizeof(buf), FAMILY, 77, BUS, DEV, &want);
	parse_req(buf, n, &p);
	assert_null(p.attrs[DEVLINK_ATTR_ESWITCH_MODE]);
	assert_int_equal(mnl_attr_get_u8(p.attrs[DEVLINK_ATTR_ESWITCH_INLINE_MODE]), 3);
	assert_int_equal(mnl_attr_get_u8(p.attrs[DEVLINK_ATTR_ESWITCH_ENCAP_MODE]), 0);

	assert_int_equal(devlink_build_eswitch_set(buf, 40, FAMILY, 77, BUS, DEV, &want),
			 0);
	assert_int_equal(
		devlink_build_eswitch_set(buf, sizeof(buf), FAMILY, 77, BUS, DEV, NULL),
		0);
}

static void test_build_rate(void **state)
{
	uint32_t buf[DEVLINK_REQ_SIZE / 4];
	struct devlink_rate_req leaf = {.port_index = 129,
					.set_tx_share = true,
					.tx_share = devlink_mbit_to_bytes(10),
					.set_tx_max = true,
					.tx_max = devlink_mbit_to_bytes(100),
					.parent = "g1"};
	struct devlink_rate_req node = {.is_node = true, .node = "g1"};
	struct parsed p;
	size_t n;

	(void)state;
	n = devlink_build_rate(buf, sizeof(buf), FAMILY, 77, DEVLINK_CMD_RATE_SET, BUS,
			       DEV, &leaf);
	parse_req(buf, n, &p);
	assert_int_equal(p.cmd, DEVLINK_CMD_RATE_SET);
	assert_int_equal(mnl_attr_get_u32(p.attrs[DEVLINK_ATTR_PORT_INDEX]), 129);
	assert_int_equal(mnl_attr_get_u64(p.attrs[DEVLINK_ATTR_RATE_TX_SHARE]), 1250000);
	assert_int_equal(mnl_attr_get_u64(p.attrs[DEVLINK_ATTR_RATE_TX_MAX]), 12500000);
	assert_string_equal(mnl_attr_get_str(p.attrs[DEVLINK_ATTR_RATE_PARENT_NODE_NAME]),
			    "g1");
	assert_null(p.attrs[DEVLINK_ATTR_RATE_NODE_NAME]);

	/* detaching from the parent: an empty name */
	leaf.parent = "";
	leaf.set_tx_share = false;
	n = devlink_build_rate(buf, sizeof(buf), FAMILY, 77, DEVLINK_CMD_RATE_SET, BUS,
			       DEV, &leaf);
	parse_req(buf, n, &p);
	assert_string_equal(mnl_attr_get_str(p.attrs[DEVLINK_ATTR_RATE_PARENT_NODE_NAME]),
			    "");
	assert_null(p.attrs[DEVLINK_ATTR_RATE_TX_SHARE]);

	n = devlink_build_rate(buf, sizeof(buf), FAMILY, 77, DEVLINK_CMD_RATE_NEW, BUS,
			       DEV, &node);
	parse_req(buf, n, &p);
	assert_int_equal(p.cmd, DEVLINK_CMD_RATE_NEW);
	assert_string_equal(mnl_attr_get_str(p.attrs[DEVLINK_ATTR_RATE_NODE_NAME]), "g1");
	assert_null(p.attrs[DEVLINK_ATTR_PORT_INDEX]);

	node.set_tx_max = true; /* a deletion carries only the name */
	n = devlink_build_rate(buf, sizeof(buf), FAMILY, 77, DEVLINK_CMD_RATE_DEL, BUS,
			       DEV, &node);
	parse_req(buf, n, &p);
	assert_int_equal(p.cmd, DEVLINK_CMD_RATE_DEL);
	assert_null(p.attrs[DEVLINK_ATTR_RATE_TX_MAX]);

	/* leaves are not created or deleted; node names must be there and short */
	assert_int_equal(devlink_build_rate(buf, sizeof(buf), FAMILY, 77,
					    DEVLINK_CMD_RATE_NEW, BUS, DEV, &leaf),
			 0);
	node.node = "";
	assert_int_equal(devlink_build_rate(buf, sizeof(buf), FAMILY, 77,
					    DEVLINK_CMD_RATE_NEW, BUS, DEV, &node),
			 0);
	node.node = "a-name-that-is-longer-than-sixty-three-characters-which-the-kernel-"
		    "refuses";
	assert_int_equal(devlink_build_rate(buf, sizeof(buf), FAMILY, 77,
					    DEVLINK_CMD_RATE_NEW, BUS, DEV, &node),
			 0);
}

static void test_build_port_fn(void **state)
{
	uint32_t buf[DEVLINK_REQ_SIZE / 4];
	struct devlink_fn_req f = {.hw_addr_len = 6,
				   .hw_addr = {0x02, 1, 2, 3, 4, 5},
				   .state = DEVLINK_PORT_FN_STATE_ACTIVE,
				   .roce = 0,
				   .migratable = 1};
	struct nla_bitfield32 caps;
	struct parsed p;
	size_t n;

	(void)state;
	n = devlink_build_port_fn(buf, sizeof(buf), FAMILY, 77, BUS, DEV, 130, &f);
	parse_req(buf, n, &p);
	assert_int_equal(p.cmd, DEVLINK_CMD_PORT_SET);
	assert_int_equal(mnl_attr_get_u32(p.attrs[DEVLINK_ATTR_PORT_INDEX]), 130);
	assert_int_equal(
		mnl_attr_get_payload_len(p.fn[DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR]), 6);
	assert_memory_equal(
		mnl_attr_get_payload(p.fn[DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR]), f.hw_addr,
		6);
	assert_int_equal(mnl_attr_get_u8(p.fn[DEVLINK_PORT_FN_ATTR_STATE]), 1);
	memcpy(&caps, mnl_attr_get_payload(p.fn[DL_PORT_FN_ATTR_CAPS]), sizeof(caps));
	assert_int_equal(caps.selector, DL_PORT_FN_CAP_ROCE | DL_PORT_FN_CAP_MIGRATABLE);
	assert_int_equal(caps.value, DL_PORT_FN_CAP_MIGRATABLE);

	f = (struct devlink_fn_req){.state = -1, .roce = 1, .migratable = -1};
	n = devlink_build_port_fn(buf, sizeof(buf), FAMILY, 77, BUS, DEV, 130, &f);
	parse_req(buf, n, &p);
	assert_null(p.fn[DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR]);
	assert_null(p.fn[DEVLINK_PORT_FN_ATTR_STATE]);
	memcpy(&caps, mnl_attr_get_payload(p.fn[DL_PORT_FN_ATTR_CAPS]), sizeof(caps));
	assert_int_equal(caps.selector, DL_PORT_FN_CAP_ROCE);
	assert_int_equal(caps.value, DL_PORT_FN_CAP_ROCE);
	f.hw_addr_len = 33;
	assert_int_equal(
		devlink_build_port_fn(buf, sizeof(buf), FAMILY, 77, BUS, DEV, 1, &f), 0);
}

/* ---- names and units ---------------------------------------------------------- */

/* The devlink values of a VF as the settings table's current values. */
static void test_vf_info_fill(void **state)
{
	struct devlink_port ports[2] = {
		{.index = 1,
		 .flavour = 4,
		 .pf_number = 0,
		 .vf_number = 0,
		 .controller = 0,
		 .has_function = true,
		 .hw_addr_len = 6,
		 .hw_addr = {0x02, 0, 0, 0, 0, 0x07},
		 .state = 1,
		 .opstate = -1,
		 .roce = 1,
		 .migratable = 0},
		{.index = 2,
		 .flavour = 4,
		 .pf_number = 0,
		 .vf_number = 1,
		 .controller = 0,
		 .state = -1,
		 .roce = -1,
		 .migratable = -1},
	};
	struct devlink_rate rates[1] = {
		{.port_index = 1,
		 .has_tx_share = true,
		 .has_tx_max = true,
		 .tx_share = 1250000,
		 .tx_max = 12500000 + 124999,
		 .parent = "grp1"},
	};
	struct devlink_state s = {.has_eswitch = true,
				  .eswitch = {.mode = DL_ESWITCH_SWITCHDEV},
				  .ports = ports,
				  .n_ports = 2,
				  .rates = rates,
				  .n_rates = 1};
	const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x07};
	struct vf_info vi;

	(void)state;
	memset(&vi, 0xff, sizeof(vi));
	vf_info_devlink_fill(&s, 0, &vi);
	assert_true(vi.has_dl_port && vi.has_dl_rate);
	assert_int_equal(vi.tx_share, 10);
	assert_int_equal(vi.tx_max, 100); /* rounded down to whole Mbit/s */
	assert_string_equal(vi.rate_group, "grp1");
	assert_true(vi.has_fn_hw_addr);
	assert_memory_equal(vi.fn_hw_addr, mac, 6);
	assert_true(vi.has_fn_state && vi.fn_state == 1);
	assert_true(vi.has_fn_roce && vi.fn_roce == 1);
	assert_true(vi.has_fn_migratable && vi.fn_migratable == 0);
	/* a port without function attributes or rate leaf */
	vf_info_devlink_fill(&s, 1, &vi);
	assert_true(vi.has_dl_port);
	assert_false(vi.has_dl_rate || vi.has_fn_hw_addr || vi.has_fn_state ||
		     vi.has_fn_roce || vi.has_fn_migratable);
	/* no port for VF 2; legacy mode: nothing, even with ports listed (ice) */
	vf_info_devlink_fill(&s, 2, &vi);
	assert_false(vi.has_dl_port);
	s.eswitch.mode = DL_ESWITCH_LEGACY;
	vf_info_devlink_fill(&s, 0, &vi);
	assert_false(vi.has_dl_port || vi.has_dl_rate || vi.has_fn_roce);
	assert_string_equal(devlink_bus_of("netdevsim10"), "netdevsim");
	assert_string_equal(devlink_bus_of("0000:03:00.0"), "pci");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(devlink_eswitch_mode_name(1), "switchdev");
	assert_string_equal(devlink_eswitch_mode_name(2), "unknown");
	assert_string_equal(devlink_eswitch_mode_name(-1), "unknown");
	assert_int_equal(devlink_eswitch_mode_parse("legacy"), 0);
	assert_int_equal(devlink_eswitch_mode_parse("Switchdev"), -1);
	assert_int_equal(devlink_eswitch_mode_parse(NULL), -1);
	assert_int_equal(devlink_inline_mode_parse("transport"), 3);
	assert_string_equal(devlink_inline_mode_name(2), "network");
	assert_int_equal(devlink_encap_mode_parse("basic"), 1);
	assert_string_equal(devlink_encap_mode_name(0), "none");
	assert_string_equal(devlink_flavour_name(DEVLINK_PORT_FLAVOUR_PCI_VF), "pcivf");
	assert_string_equal(devlink_flavour_name(DEVLINK_PORT_FLAVOUR_PCI_SF), "pcisf");
	assert_string_equal(devlink_fn_state_name(1), "active");
	assert_string_equal(devlink_fn_opstate_name(0), "detached");
	assert_int_equal(devlink_mbit_to_bytes(100), 12500000);
	assert_int_equal(devlink_mbit_to_bytes(UINT32_MAX), 536870911875000ull);
	assert_true(devlink_bytes_to_mbit(1250000) == 10.0);
	assert_true(devlink_bytes_to_mbit(62500) == 0.5);
}

/* ---- the live socket ------------------------------------------------------------ */

static void test_live(void **state)
{
	struct devlink_nl *dl;
	struct devlink_state s;
	struct sriov_err err;
	int r;

	(void)state;
	sriov_err_clear(&err);
	r = devlink_open(&dl, &err);
	if (r == -ENOENT || r == -EPERM || r == -EACCES || r == -EAFNOSUPPORT ||
	    r == -EPROTONOSUPPORT)
		skip(); /* no devlink here, or netlink denied (a sandbox) */
	assert_int_equal(r, 0);
	assert_true(devlink_family(dl) >= GENL_MIN_ID);
	devlink_state_init(&s, "pci", "0000:ff:1f.7");
	sriov_err_clear(&err);
	r = devlink_read(dl, &s, NULL, NULL, &err);
	assert_int_equal(r, -ENODEV);
	assert_non_null(strstr(err.msg, "no instance pci/0000:ff:1f.7"));
	devlink_state_free(&s);
	devlink_close(dl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_switchdev),
		cmocka_unit_test(test_parse_refused_eswitch),
		cmocka_unit_test(test_parse_many_ports),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_build_eswitch),
		cmocka_unit_test(test_build_rate),
		cmocka_unit_test(test_build_port_fn),
		cmocka_unit_test(test_vf_info_fill),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
