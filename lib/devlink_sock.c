// SPDX-License-Identifier: MIT
/*
 * The devlink socket: a NETLINK_GENERIC socket (lib/netlink.c opens it and
 * receives on it, sized from each pending datagram), the family "devlink"
 * resolved through the generic netlink controller, the reads of one
 * instance (requests and dumps, kept as one run of messages that
 * lib/devlink.c parses and capture stores), and requests with their ack.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "sriov/devlink.h"
#include "devlink_compat.h"
#include "devlink_internal.h"
#include "rtnl_sock.h"

struct devlink_nl {
	struct rtnl *nl;
	uint16_t family;
};

/* Messages kept as they came, each NLMSG_ALIGN'd and zero-padded. */
struct run {
	uint8_t *buf;
	size_t len, cap;
};

static int run_add(struct run *r, const struct nlmsghdr *nlh)
{
	size_t n = NLMSG_ALIGN(nlh->nlmsg_len);
	uint8_t *p;

	if (r->len + n > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;

		while (cap < r->len + n)
			cap *= 2;
		p = realloc(r->buf, cap);
		if (!p)
			return -ENOMEM;
		r->buf = p;
		r->cap = cap;
	}
	memset(r->buf + r->len, 0, n);
	memcpy(r->buf + r->len, nlh, nlh->nlmsg_len);
	r->len += n;
	return 0;
}

/* ---- one request and what answers it ----------------------------------------- */

struct exchange {
	uint32_t seq, portid;
	bool dump;	 /* multi-part: until NLMSG_DONE */
	bool keep_error; /* an NLMSG_ERROR refusal goes into the run, not e */
	const char *bus; /* dumps: keep only this instance's messages */
	const char *dev;
	const char *what; /* the request, for messages */
	struct run *run;
};

static int done_error(const struct nlmsghdr *nlh, const struct exchange *x,
		      struct sriov_err *e)
{
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return 0;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return 0;
	return sriov_err_set(e, err, "devlink: %s: %s", x->what, strerror(-err));
}

static int answer_error(const struct nlmsghdr *nlh, const struct exchange *x,
			struct sriov_err *e)
{
	struct nl_ack ack;

	if (nl_ack_fill(nlh, mnl_nlmsg_get_payload_len(nlh), &ack) < 0)
		return sriov_err_set(e, -EBADMSG, "devlink: %s: short NLMSG_ERROR",
				     x->what);
	if (!ack.error)
		return 0;
	if (x->keep_error)
		return run_add(x->run, nlh) < 0 ? -ENOMEM : 0;
	return sriov_err_set(e, ack.error, "devlink: %s: %s%s%s", x->what,
			     strerror(-ack.error), ack.msg[0] ? ": " : "", ack.msg);
}

/* 1: keep reading, 0: answered, -errno. */
static int answer_msg(const struct nlmsghdr *nlh, const struct exchange *x,
		      struct sriov_err *e)
{
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return answer_error(nlh, x, e);
	if (nlh->nlmsg_type == NLMSG_DONE)
		return done_error(nlh, x, e);
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return 1;
	if (x->dump && x->bus && !devlink_msg_is_of(nlh, x->bus, x->dev))
		return 1;
	if (run_add(x->run, nlh) < 0)
		return sriov_err_set(e, -ENOMEM, "devlink: out of memory");
	return x->dump ? 1 : 0;
}

static int exchange_scan(const void *buf, size_t len, void *ctx, struct sriov_err *e)
{
	const struct exchange *x = ctx;
	const struct nlmsghdr *nlh = buf;
	int rem = len > INT_MAX ? INT_MAX : (int)len;
	int r;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_seq != x->seq)
			continue; /* stale answer to an earlier request */
		if (nlh->nlmsg_pid && nlh->nlmsg_pid != x->portid)
			continue;
		r = answer_msg(nlh, x, e);
		if (r != 1)
			return r;
	}
	return 1;
}

/* Sends msg (its seq set here) and collects the answer into x->run. */
static int exchange(struct rtnl *nl, struct nlmsghdr *msg, struct exchange *x,
		    struct sriov_err *e)
{
	int r;

	msg->nlmsg_seq = ++nl->seq;
	x->seq = msg->nlmsg_seq;
	x->portid = nl->portid;
	if (mnl_socket_sendto(nl->sock, msg, msg->nlmsg_len) < 0) {
		r = -errno;
		return sriov_err_set(e, r, "devlink: send %s: %s", x->what, strerror(-r));
	}
	return rtnl_recv_until(nl, exchange_scan, x, e);
}

/* ---- the family -------------------------------------------------------------- */

static int family_of(const struct run *run, uint16_t *id)
{
	size_t off = 0;

	while (off + NLMSG_HDRLEN <= run->len) {
		const struct nlmsghdr *nlh = (const void *)(run->buf + off);
		const struct nlattr *a;

		if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
			break;
		mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		{
			if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
			    mnl_attr_get_payload_len(a) >= sizeof(*id)) {
				memcpy(id, mnl_attr_get_payload(a), sizeof(*id));
				return 0;
			}
		}
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return -EBADMSG;
}

static int resolve_family(struct devlink_nl *dl, struct sriov_err *e)
{
	uint32_t buf[64] = {0};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct exchange x = {.what = "resolving the generic netlink family devlink"};
	struct genlmsghdr *g;
	struct run run = {0};
	int r;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, DEVLINK_GENL_NAME);
	x.run = &run;
	r = exchange(dl->nl, nlh, &x, e);
	if (r == 0 && family_of(&run, &dl->family) < 0)
		r = sriov_err_set(e, -EBADMSG,
				  "devlink: the controller's answer has no "
				  "family id");
	if (r == -ENOENT)
		sriov_err_set(e, r,
			      "devlink: this kernel has no devlink (generic netlink "
			      "family missing)");
	free(run.buf);
	return r;
}

int devlink_open(struct devlink_nl **out, struct sriov_err *e)
{
	struct devlink_nl *dl;
	int r;

	if (!out)
		return sriov_err_set(e, -EINVAL, "devlink: no output for the socket");
	*out = NULL;
	dl = calloc(1, sizeof(*dl));
	if (!dl)
		return sriov_err_set(e, -ENOMEM, "devlink: out of memory");
	r = nl_sock_open(NETLINK_GENERIC, "NETLINK_GENERIC", &dl->nl, e);
	if (r == 0)
		r = resolve_family(dl, e);
	if (r < 0) {
		devlink_close(dl);
		return r;
	}
	*out = dl;
	return 0;
}

void devlink_close(struct devlink_nl *dl)
{
	if (!dl)
		return;
	rtnl_close(dl->nl);
	free(dl);
}

uint16_t devlink_family(const struct devlink_nl *dl)
{
	return dl ? dl->family : 0;
}

/* ---- reading one instance ------------------------------------------------------ */

static int read_cmd(struct devlink_nl *dl, uint8_t cmd, const char *what,
		    struct exchange *x, const struct devlink_state *s,
		    struct sriov_err *e)
{
	uint32_t buf[DEVLINK_REQ_SIZE / sizeof(uint32_t)];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = dl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | (x->dump ? NLM_F_DUMP : 0);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = DL_GENL_VERSION;
	/* a dump ignores the handle before Linux 6.5; x->bus filters then */
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_BUS_NAME, s->bus);
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_DEV_NAME, s->dev);
	x->what = what;
	x->bus = s->bus;
	x->dev = s->dev;
	return exchange(dl->nl, nlh, x, e);
}

static int read_all(struct devlink_nl *dl, const struct devlink_state *s, struct run *run,
		    struct sriov_err *e)
{
	struct exchange x = {.run = run};
	struct sriov_err ignored;
	int r;

	r = read_cmd(dl, DEVLINK_CMD_GET, "DEVLINK_CMD_GET", &x, s, e);
	if (r == -ENODEV)
		sriov_err_set(e, r, "devlink: no instance %s/%s", s->bus, s->dev);
	if (r < 0)
		return r;
	x.keep_error = true;
	r = read_cmd(dl, DEVLINK_CMD_ESWITCH_GET, "DEVLINK_CMD_ESWITCH_GET", &x, s, e);
	if (r < 0)
		return r;
	x.keep_error = false;
	x.dump = true;
	r = read_cmd(dl, DEVLINK_CMD_PORT_GET, "the port dump", &x, s, e);
	if (r < 0)
		return r;
	/* kernels before 5.14 have no rate objects: no rates, not a failure */
	r = read_cmd(dl, DEVLINK_CMD_RATE_GET, "the rate dump", &x, s, &ignored);
	return r == -ENOMEM ? sriov_err_set(e, r, "devlink: out of memory") : 0;
}

int devlink_read(struct devlink_nl *dl, struct devlink_state *s, void **raw,
		 size_t *raw_len, struct sriov_err *e)
{
	struct run run = {0};
	int r;

	if (raw)
		*raw = NULL;
	if (raw_len)
		*raw_len = 0;
	if (!dl || !s || !s->bus[0] || !s->dev[0])
		return sriov_err_set(e, -EINVAL, "devlink: no socket or no handle");
	r = read_all(dl, s, &run, e);
	if (r == 0)
		r = devlink_replies_parse(run.buf, run.len, s, e);
	if (r == 0 && raw) {
		*raw = run.buf;
		if (raw_len)
			*raw_len = run.len;
		run.buf = NULL;
	}
	free(run.buf);
	return r;
}

/* ---- requests ------------------------------------------------------------------ */

/* A built request (n bytes, 0: could not be built) sent and answered. */
static int send_built(struct devlink_nl *dl, uint32_t *buf, size_t n, const char *what,
		      struct nl_ack *ack, struct sriov_err *e)
{
	if (!n)
		return sriov_err_set(e, -EINVAL,
				     "devlink: %s: cannot build the request "
				     "(a name too long?)",
				     what);
	return devlink_send(dl, buf, n, ack, e);
}

int devlink_eswitch_set(struct devlink_nl *dl, const char *bus, const char *dev,
			const struct devlink_eswitch *want, struct nl_ack *ack,
			struct sriov_err *e)
{
	uint32_t buf[DEVLINK_REQ_SIZE / sizeof(uint32_t)];
	size_t n = devlink_build_eswitch_set(buf, sizeof(buf), devlink_family(dl), 0, bus,
					     dev, want);

	return send_built(dl, buf, n, "eswitch set", ack, e);
}

int devlink_rate_request(struct devlink_nl *dl, uint8_t cmd, const char *bus,
			 const char *dev, const struct devlink_rate_req *r,
			 struct nl_ack *ack, struct sriov_err *e)
{
	uint32_t buf[DEVLINK_REQ_SIZE / sizeof(uint32_t)];
	size_t n = devlink_build_rate(buf, sizeof(buf), devlink_family(dl), 0, cmd, bus,
				      dev, r);

	return send_built(dl, buf, n, "rate", ack, e);
}

int devlink_port_fn_set(struct devlink_nl *dl, const char *bus, const char *dev,
			uint32_t port_index, const struct devlink_fn_req *f,
			struct nl_ack *ack, struct sriov_err *e)
{
	uint32_t buf[DEVLINK_REQ_SIZE / sizeof(uint32_t)];
	size_t n = devlink_build_port_fn(buf, sizeof(buf), devlink_family(dl), 0, bus,
					 dev, port_index, f);

	return send_built(dl, buf, n, "port function set", ack, e);
}

struct ack_wait {
	uint32_t seq, portid;
	struct nl_ack *ack;
};

static int ack_scan(const void *buf, size_t len, void *ctx, struct sriov_err *e)
{
	struct ack_wait *w = ctx;
	int r = nl_ack_parse(buf, len, w->seq, w->portid, w->ack);

	if (r < 0)
		return sriov_err_set(e, r, "devlink: malformed answer");
	return r == 1 ? 0 : 1;
}

int devlink_send(struct devlink_nl *dl, void *req, size_t len, struct nl_ack *ack,
		 struct sriov_err *e)
{
	struct nlmsghdr *nlh = req;
	struct ack_wait w = {.ack = ack};
	int r;

	if (!dl || !req || len < NLMSG_HDRLEN || nlh->nlmsg_len != len || !ack)
		return sriov_err_set(e, -EINVAL, "devlink: no request to send");
	nlh->nlmsg_type = dl->family;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++dl->nl->seq;
	w.seq = nlh->nlmsg_seq;
	w.portid = dl->nl->portid;
	memset(ack, 0, sizeof(*ack));
	if (mnl_socket_sendto(dl->nl->sock, req, len) < 0) {
		r = -errno;
		return sriov_err_set(e, r, "devlink: send: %s", strerror(-r));
	}
	return rtnl_recv_until(dl->nl, ack_scan, &w, e);
}
