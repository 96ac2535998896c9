// SPDX-License-Identifier: MIT
/*
 * Fuzz target: rtnetlink replies as the kernel (or a capture) hands them
 * over: link_vfs_parse() and link_summary_parse() on the message, and
 * nl_ack_parse() on it as a datagram, looking for the sequence number and
 * port id its first header carries (so that seeds reach the ack decoding).
 */
#include <errno.h>
#include <string.h>

#include "sriov/netlink.h"
#include "fuzz.h"

static void parse_vfs(const uint8_t *data, size_t size)
{
	struct link_vfs l;
	struct sriov_err err;

	memset(&l, 0, sizeof(l));
	sriov_err_clear(&err);
	if (link_vfs_parse(data, size, &l, &err) < 0) {
		FUZZ_ASSERT(err.msg[0]);
		link_vfs_free(&l);
		return;
	}
	FUZZ_ASSERT(l.n_vfs == 0 || l.vfs);
	FUZZ_ASSERT(memchr(l.ifname, 0, sizeof(l.ifname)));
	link_vfs_free(&l);
}

static void parse_summary(const uint8_t *data, size_t size)
{
	struct link_summary s;
	struct sriov_err err;

	sriov_err_clear(&err);
	if (link_summary_parse(data, size, &s, &err) < 0) {
		FUZZ_ASSERT(err.msg[0]);
		return;
	}
	FUZZ_ASSERT(memchr(s.ifname, 0, sizeof(s.ifname)));
}

static void parse_ack(const uint8_t *data, size_t size, uint32_t seq, uint32_t portid)
{
	struct nl_ack ack;
	int r;

	memset(&ack, 0, sizeof(ack));
	r = nl_ack_parse(data, size, seq, portid, &ack);
	FUZZ_ASSERT(r == 0 || r == 1 || r == -EBADMSG);
	if (r == 1)
		FUZZ_ASSERT(ack.error <= 0 && memchr(ack.msg, 0, sizeof(ack.msg)));
}

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seq = 0, pid = 0;

	parse_vfs(data, size);
	parse_summary(data, size);
	if (size >= 16) {
		seq = u32_at(data + 8);
		pid = u32_at(data + 12);
	}
	parse_ack(data, size, seq, 0);
	parse_ack(data, size, seq, pid ? pid : 1);
	return 0;
}
