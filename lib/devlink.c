// SPDX-License-Identifier: MIT
/*
 * devlink replies, parsed from bytes: the instance, its eswitch, its ports
 * with their port functions, and its rate objects, as one run of netlink
 * messages (a datagram, several of them concatenated, or capture's
 * recording). Nothing here does I/O (lib/devlink_sock.c does).
 *
 * No length is trusted: each message must lie inside the run, each
 * attribute inside its message or nest (libmnl's mnl_attr_ok on a run that
 * is aligned and zero-padded first), and fixed-size payloads are copied out
 * only when the attribute is long enough.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "sriov/devlink.h"
#include "devlink_compat.h"
#include "devlink_internal.h"
#include "rtnl_sock.h"

void devlink_state_init(struct devlink_state *s, const char *bus, const char *dev)
{
	memset(s, 0, sizeof(*s));
	s->eswitch.mode = -1;
	s->eswitch.inline_mode = -1;
	s->eswitch.encap_mode = -1;
	if (bus)
		snprintf(s->bus, sizeof(s->bus), "%s", bus);
	if (dev)
		snprintf(s->dev, sizeof(s->dev), "%s", dev);
}

void devlink_state_free(struct devlink_state *s)
{
	if (!s)
		return;
	free(s->ports);
	free(s->rates);
	s->ports = NULL;
	s->rates = NULL;
	s->n_ports = 0;
	s->n_rates = 0;
}

/* ---- attributes ----------------------------------------------------------- */

/* Copies a fixed-size payload; false when the attribute is shorter. */
static bool attr_get(const struct nlattr *a, void *dst, size_t size)
{
	if (mnl_attr_get_payload_len(a) < size)
		return false;
	memcpy(dst, mnl_attr_get_payload(a), size);
	return true;
}

static int attr_u8(const struct nlattr *a)
{
	uint8_t v;

	return attr_get(a, &v, sizeof(v)) ? v : -1;
}

static int attr_u16(const struct nlattr *a)
{
	uint16_t v;

	return attr_get(a, &v, sizeof(v)) ? v : -1;
}

static int attr_u32_int(const struct nlattr *a)
{
	uint32_t v;

	if (!attr_get(a, &v, sizeof(v)) || v > INT_MAX)
		return -1;
	return (int)v;
}

/* A string payload into dst (cut to size - 1, NUL-terminated). */
static void attr_str(const struct nlattr *a, char *dst, size_t size)
{
	size_t n = strnlen(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));

	if (n >= size)
		n = size - 1;
	memcpy(dst, mnl_attr_get_payload(a), n);
	dst[n] = '\0';
}

/* ---- one message ------------------------------------------------------------ */

/* What one devlink message says, before it is added to the state. */
struct dl_msg {
	char bus[16], dev[32];
	bool has_bus, has_dev;
	struct devlink_port port;
	bool has_port_index;
	struct devlink_rate rate;
	int rate_type;
	struct devlink_eswitch eswitch;
};

static void msg_init(struct dl_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->port.flavour = -1;
	m->port.pf_number = -1;
	m->port.vf_number = -1;
	m->port.controller = -1;
	m->port.state = -1;
	m->port.opstate = -1;
	m->port.roce = -1;
	m->port.migratable = -1;
	m->rate_type = -1;
	m->eswitch.mode = -1;
	m->eswitch.inline_mode = -1;
	m->eswitch.encap_mode = -1;
}

static void parse_caps(const struct nlattr *a, struct devlink_port *p)
{
	struct nla_bitfield32 caps;

	if (!attr_get(a, &caps, sizeof(caps)))
		return;
	if (caps.selector & DL_PORT_FN_CAP_ROCE)
		p->roce = !!(caps.value & DL_PORT_FN_CAP_ROCE);
	if (caps.selector & DL_PORT_FN_CAP_MIGRATABLE)
		p->migratable = !!(caps.value & DL_PORT_FN_CAP_MIGRATABLE);
}

static void parse_function(const struct nlattr *nest, struct devlink_port *p)
{
	const struct nlattr *a;
	size_t n;

	p->has_function = true;
	mnl_attr_for_each_nested(a, nest)
	{
		switch (mnl_attr_get_type(a)) {
		case DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR:
			n = mnl_attr_get_payload_len(a);
			if (n > sizeof(p->hw_addr))
				n = sizeof(p->hw_addr);
			memcpy(p->hw_addr, mnl_attr_get_payload(a), n);
			p->hw_addr_len = n;
			break;
		case DEVLINK_PORT_FN_ATTR_STATE:
			p->state = attr_u8(a);
			break;
		case DEVLINK_PORT_FN_ATTR_OPSTATE:
			p->opstate = attr_u8(a);
			break;
		case DL_PORT_FN_ATTR_CAPS:
			parse_caps(a, p);
			break;
		default:
			break;
		}
	}
}

/* The port and rate attributes (one switch keeps the walk in one place). */
static void parse_port_attr(const struct nlattr *a, struct dl_msg *m)
{
	uint32_t v;

	switch (mnl_attr_get_type(a)) {
	case DEVLINK_ATTR_PORT_INDEX:
		if (attr_get(a, &v, sizeof(v))) {
			m->port.index = v;
			m->rate.port_index = v;
			m->has_port_index = true;
		}
		break;
	case DEVLINK_ATTR_PORT_FLAVOUR:
		m->port.flavour = attr_u16(a);
		break;
	case DEVLINK_ATTR_PORT_PCI_PF_NUMBER:
		m->port.pf_number = attr_u16(a);
		break;
	case DEVLINK_ATTR_PORT_PCI_VF_NUMBER:
		m->port.vf_number = attr_u16(a);
		break;
	case DEVLINK_ATTR_PORT_CONTROLLER_NUMBER:
		m->port.controller = attr_u32_int(a);
		break;
	case DEVLINK_ATTR_PORT_EXTERNAL:
		m->port.external = attr_u8(a) > 0;
		break;
	case DEVLINK_ATTR_PORT_NETDEV_NAME:
		attr_str(a, m->port.netdev, sizeof(m->port.netdev));
		break;
	case DEVLINK_ATTR_PORT_NETDEV_IFINDEX:
		m->port.ifindex = attr_u32_int(a);
		break;
	case DEVLINK_ATTR_PORT_FUNCTION:
		parse_function(a, &m->port);
		break;
	default:
		break;
	}
}

static void parse_rate_attr(const struct nlattr *a, struct dl_msg *m)
{
	switch (mnl_attr_get_type(a)) {
	case DEVLINK_ATTR_RATE_TYPE:
		m->rate_type = attr_u16(a);
		break;
	case DEVLINK_ATTR_RATE_TX_SHARE:
		m->rate.has_tx_share = attr_get(a, &m->rate.tx_share, sizeof(uint64_t));
		break;
	case DEVLINK_ATTR_RATE_TX_MAX:
		m->rate.has_tx_max = attr_get(a, &m->rate.tx_max, sizeof(uint64_t));
		break;
	case DEVLINK_ATTR_RATE_NODE_NAME:
		attr_str(a, m->rate.name, sizeof(m->rate.name));
		break;
	case DEVLINK_ATTR_RATE_PARENT_NODE_NAME:
		attr_str(a, m->rate.parent, sizeof(m->rate.parent));
		break;
	default:
		break;
	}
}

static void parse_attr(const struct nlattr *a, struct dl_msg *m)
{
	switch (mnl_attr_get_type(a)) {
	case DEVLINK_ATTR_BUS_NAME:
		attr_str(a, m->bus, sizeof(m->bus));
		m->has_bus = true;
		break;
	case DEVLINK_ATTR_DEV_NAME:
		attr_str(a, m->dev, sizeof(m->dev));
		m->has_dev = true;
		break;
	case DEVLINK_ATTR_ESWITCH_MODE:
		m->eswitch.mode = attr_u16(a);
		break;
	case DEVLINK_ATTR_ESWITCH_INLINE_MODE:
		m->eswitch.inline_mode = attr_u8(a);
		break;
	case DEVLINK_ATTR_ESWITCH_ENCAP_MODE:
		m->eswitch.encap_mode = attr_u8(a);
		break;
	default:
		parse_port_attr(a, m);
		parse_rate_attr(a, m);
		break;
	}
}

/* ---- adding to the state ---------------------------------------------------- */

/*
 * Makes room for element n of an array grown in powers of two from 16 (its
 * capacity follows from n alone: the state keeps no capacity field).
 */
static int grow(void **arr, size_t n, size_t elem)
{
	size_t cap;
	void *p;

	if (n && (n < 16 || (n & (n - 1))))
		return 0;
	cap = n ? n * 2 : 16;
	if (cap > SIZE_MAX / elem)
		return -ENOMEM;
	p = realloc(*arr, cap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

static int add_port(struct devlink_state *s, const struct dl_msg *m)
{
	if (!m->has_port_index)
		return 0;
	if (grow((void **)&s->ports, s->n_ports, sizeof(*s->ports)) < 0)
		return -ENOMEM;
	s->ports[s->n_ports++] = m->port;
	return 0;
}

static int add_rate(struct devlink_state *s, const struct dl_msg *m)
{
	struct devlink_rate r = m->rate;

	r.is_node = m->rate_type == DEVLINK_RATE_TYPE_NODE;
	if (r.is_node ? !r.name[0] : !m->has_port_index)
		return 0;
	if (grow((void **)&s->rates, s->n_rates, sizeof(*s->rates)) < 0)
		return -ENOMEM;
	s->rates[s->n_rates++] = r;
	return 0;
}

static bool handle_matches(const struct devlink_state *s, const struct dl_msg *m)
{
	if (s->bus[0] && (!m->has_bus || strcmp(s->bus, m->bus)))
		return false;
	return !s->dev[0] || (m->has_dev && !strcmp(s->dev, m->dev));
}

static int add_msg(struct devlink_state *s, uint8_t cmd, const struct dl_msg *m)
{
	if (!handle_matches(s, m))
		return 0;
	switch (cmd) {
	case DEVLINK_CMD_NEW:
		/* the kernel's port dump sends its ports as DEVLINK_CMD_NEW */
		s->present = true;
		return m->has_port_index ? add_port(s, m) : 0;
	case DEVLINK_CMD_ESWITCH_GET:
	case DEVLINK_CMD_ESWITCH_SET:
		s->present = true;
		s->has_eswitch = true;
		s->eswitch = m->eswitch;
		return 0;
	case DEVLINK_CMD_PORT_NEW:
		s->present = true;
		return add_port(s, m);
	case DEVLINK_CMD_RATE_NEW:
		s->present = true;
		return add_rate(s, m);
	default:
		return 0;
	}
}

static int parse_genl(const struct nlmsghdr *nlh, struct devlink_state *s)
{
	const struct genlmsghdr *g;
	const struct nlattr *a;
	struct dl_msg m;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return -EINVAL;
	g = mnl_nlmsg_get_payload(nlh);
	msg_init(&m);
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) parse_attr(a, &m);
	return add_msg(s, g->cmd, &m);
}

bool devlink_msg_is_of(const struct nlmsghdr *nlh, const char *bus, const char *dev)
{
	const struct nlattr *a;
	struct dl_msg m;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return false;
	msg_init(&m);
	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
	{
		if (mnl_attr_get_type(a) == DEVLINK_ATTR_BUS_NAME ||
		    mnl_attr_get_type(a) == DEVLINK_ATTR_DEV_NAME)
			parse_attr(a, &m);
	}
	return m.has_bus && m.has_dev && !strcmp(m.bus, bus) && !strcmp(m.dev, dev);
}

static void parse_error(const struct nlmsghdr *nlh, struct devlink_state *s)
{
	struct nl_ack ack;

	if (nl_ack_fill(nlh, mnl_nlmsg_get_payload_len(nlh), &ack) == 1 && ack.error)
		s->eswitch_err = ack.error;
}

static int parse_run(const uint8_t *buf, size_t len, struct devlink_state *s,
		     struct sriov_err *e)
{
	size_t off = 0;
	int r;

	while (off < len) {
		const struct nlmsghdr *nlh = (const void *)(buf + off);
		size_t rem = len - off;

		if (rem < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
		    nlh->nlmsg_len > rem)
			return sriov_err_set(e, -EINVAL,
					     "devlink: malformed message at byte %zu of "
					     "%zu",
					     off, len);
		if (nlh->nlmsg_type == NLMSG_ERROR)
			parse_error(nlh, s);
		else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE &&
			 (r = parse_genl(nlh, s)) < 0)
			return r == -ENOMEM
				       ? sriov_err_set(e, r, "devlink: out of memory")
				       : sriov_err_set(e, r,
						       "devlink: message at byte %zu "
						       "has no generic netlink header",
						       off);
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return 0;
}

int devlink_replies_parse(const void *buf, size_t len, struct devlink_state *s,
			  struct sriov_err *e)
{
	const void *msg = buf;
	void *copy;
	int r;

	if (!s || (!buf && len))
		return sriov_err_set(e, -EINVAL, "devlink: nothing to parse");
	if (!len)
		return 0;
	if (nl_msg_align(&msg, len, &copy) < 0)
		return sriov_err_set(e, -ENOMEM, "devlink: out of memory");
	r = parse_run(msg, NLMSG_ALIGN(len), s, e);
	free(copy);
	return r;
}

/* ---- lookups ---------------------------------------------------------------- */

bool devlink_port_is_local_vf(const struct devlink_port *p)
{
	return p->flavour == DEVLINK_PORT_FLAVOUR_PCI_VF && !p->external &&
	       p->vf_number >= 0;
}

const struct devlink_port *devlink_vf_port(const struct devlink_state *s, int pf_number,
					   unsigned int vf)
{
	const struct devlink_port *any = NULL;

	for (size_t i = 0; i < s->n_ports; i++) {
		const struct devlink_port *p = &s->ports[i];

		if (!devlink_port_is_local_vf(p) || p->vf_number != (int)vf)
			continue;
		if (pf_number < 0 || p->pf_number == pf_number)
			return p;
		if (!any)
			any = p;
	}
	return any;
}

const struct devlink_rate *devlink_port_rate(const struct devlink_state *s,
					     uint32_t index)
{
	for (size_t i = 0; i < s->n_rates; i++)
		if (!s->rates[i].is_node && s->rates[i].port_index == index)
			return &s->rates[i];
	return NULL;
}

const struct devlink_rate *devlink_rate_node(const struct devlink_state *s,
					     const char *name)
{
	for (size_t i = 0; i < s->n_rates; i++)
		if (s->rates[i].is_node && !strcmp(s->rates[i].name, name))
			return &s->rates[i];
	return NULL;
}

/* ---- names -------------------------------------------------------------------- */

static const char *const eswitch_modes[] = {"legacy", "switchdev"};
static const char *const inline_modes[] = {"none", "link", "network", "transport"};
static const char *const encap_modes[] = {"none", "basic"};
static const char *const flavours[] = {"physical", "cpu",     "dsa",	"pcipf",
				       "pcivf",	   "virtual", "unused", "pcisf"};
static const char *const fn_states[] = {"inactive", "active"};
static const char *const fn_opstates[] = {"detached", "attached"};

#define NAME_OF(table, v)                                                                \
	((v) >= 0 && (size_t)(v) < sizeof(table) / sizeof(table[0]) ? table[v]           \
								    : "unknown")

const char *devlink_eswitch_mode_name(int mode)
{
	return NAME_OF(eswitch_modes, mode);
}

const char *devlink_inline_mode_name(int mode)
{
	return NAME_OF(inline_modes, mode);
}

const char *devlink_encap_mode_name(int mode)
{
	return NAME_OF(encap_modes, mode);
}

const char *devlink_flavour_name(int flavour)
{
	return NAME_OF(flavours, flavour);
}

const char *devlink_fn_state_name(int state)
{
	return NAME_OF(fn_states, state);
}

const char *devlink_fn_opstate_name(int opstate)
{
	return NAME_OF(fn_opstates, opstate);
}

static int name_index(const char *const *table, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(table[i], s))
			return (int)i;
	return -1;
}

#define INDEX_OF(table, s) name_index(table, sizeof(table) / sizeof(table[0]), s)

int devlink_eswitch_mode_parse(const char *s)
{
	return INDEX_OF(eswitch_modes, s);
}

int devlink_inline_mode_parse(const char *s)
{
	return INDEX_OF(inline_modes, s);
}

int devlink_encap_mode_parse(const char *s)
{
	return INDEX_OF(encap_modes, s);
}

uint64_t devlink_mbit_to_bytes(uint32_t mbit)
{
	return (uint64_t)mbit * 125000u;
}

double devlink_bytes_to_mbit(uint64_t bytes)
{
	return (double)bytes / 125000.0;
}
