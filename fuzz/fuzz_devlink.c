// SPDX-License-Identifier: MIT
/*
 * Fuzz target: devlink replies as the kernel sends them or capture stored
 * them: devlink_replies_parse() on the run for any instance and for the
 * handle the seeds use, then the lookups over what it kept.
 */
#include <errno.h>
#include <string.h>

#include "sriov/devlink.h"
#include "fuzz.h"

static void check_state(const struct devlink_state *s)
{
	FUZZ_ASSERT(s->n_ports == 0 || s->ports);
	FUZZ_ASSERT(s->n_rates == 0 || s->rates);
	for (size_t i = 0; i < s->n_ports; i++) {
		const struct devlink_port *p = &s->ports[i];

		FUZZ_ASSERT(memchr(p->netdev, 0, sizeof(p->netdev)));
		FUZZ_ASSERT(p->hw_addr_len <= sizeof(p->hw_addr));
		FUZZ_ASSERT(p->roce >= -1 && p->roce <= 1);
		FUZZ_ASSERT(p->migratable >= -1 && p->migratable <= 1);
		if (devlink_port_is_local_vf(p))
			FUZZ_ASSERT(
				devlink_vf_port(s, p->pf_number, (unsigned)p->vf_number));
	}
	for (size_t i = 0; i < s->n_rates; i++) {
		const struct devlink_rate *r = &s->rates[i];

		FUZZ_ASSERT(memchr(r->name, 0, sizeof(r->name)));
		FUZZ_ASSERT(memchr(r->parent, 0, sizeof(r->parent)));
		if (r->is_node)
			FUZZ_ASSERT(r->name[0] && devlink_rate_node(s, r->name));
		else
			FUZZ_ASSERT(devlink_port_rate(s, r->port_index));
	}
	FUZZ_ASSERT(s->eswitch_err <= 0);
}

static void parse_as(const uint8_t *data, size_t size, const char *bus, const char *dev)
{
	struct devlink_state s;
	struct sriov_err err;
	int r;

	devlink_state_init(&s, bus, dev);
	sriov_err_clear(&err);
	r = devlink_replies_parse(data, size, &s, &err);
	FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ENOMEM);
	if (r < 0)
		FUZZ_ASSERT(err.msg[0]);
	check_state(&s);
	devlink_state_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_as(data, size, NULL, NULL);
	parse_as(data, size, "pci", "0000:03:00.0");
	return 0;
}
