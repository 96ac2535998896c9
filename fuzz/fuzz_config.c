// SPDX-License-Identifier: MIT
/*
 * Fuzz target: one configuration file's text (sriov_config_parse_text());
 * when it parses, the PFs its selectors name, and a few VF indexes of
 * each, are resolved as a host would (cfg_resolve_pf(), cfg_resolve_vf()).
 */
#include <stdlib.h>
#include <string.h>

#include "sriov/config.h"
#include "fuzz.h"

#define MAX_RESOLVES 8

/* A PF that the selector matches: its address, ids and netdev as given. */
static void pf_id_for(const struct cfg_selector *sel, const char **ifname,
		      struct cfg_pf_id *id)
{
	memset(id, 0, sizeof(*id));
	pci_addr_parse("0000:01:00.0", &id->addr);
	id->vendor = 0x8086;
	id->device = 0x10c9;
	*ifname = sel->kind == CFG_SEL_IFNAME ? sel->text : "eth0";
	id->ifnames = ifname;
	id->n_ifnames = 1;
	if (sel->kind == CFG_SEL_ADDR)
		id->addr = sel->addr;
	if (sel->kind == CFG_SEL_ID) {
		id->vendor = sel->vendor;
		id->device = sel->device;
	}
}

static void resolve_vf(const struct sriov_config *c, const struct cfg_pf_id *id,
		       const struct cfg_pf_section *pf, unsigned int index)
{
	struct cfg_vf_settings *vf = calloc(1, sizeof(*vf));
	struct cfg_diags d = {0};

	if (!vf)
		return;
	cfg_resolve_vf(c, id, pf, index, vf, &d);
	cfg_diags_free(&d);
	free(vf);
}

static void resolve(const struct sriov_config *c, const struct cfg_selector *sel,
		    bool from_pf_section)
{
	struct cfg_pf_section *pf = calloc(1, sizeof(*pf));
	struct cfg_diags d = {0};
	struct cfg_pf_id id;
	const char *ifname;
	bool matched = false;

	if (!pf)
		return;
	pf_id_for(sel, &ifname, &id);
	FUZZ_ASSERT(cfg_selector_matches(sel, &id));
	if (cfg_resolve_pf(c, &id, pf, &matched, &d) == 0) {
		/* a [pf] section's own selector matches it */
		FUZZ_ASSERT(matched || !from_pf_section);
		resolve_vf(c, &id, pf, 0);
		resolve_vf(c, &id, pf, 7);
		for (size_t i = 0; i < c->n_vfs && i < MAX_RESOLVES; i++)
			for (size_t k = 0; k < c->vfs[i].n_ranges; k++)
				resolve_vf(c, &id, pf, c->vfs[i].ranges[k].hi);
	}
	cfg_diags_free(&d);
	free(pf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sriov_config *c = NULL;
	struct cfg_diags d = {0};
	struct sriov_err err;

	sriov_err_clear(&err);
	if (sriov_config_parse_text("fuzz.conf", (const char *)data, size, &c, &d, &err) <
	    0) {
		FUZZ_ASSERT(!c && err.msg[0]);
		cfg_diags_free(&d);
		return 0;
	}
	for (size_t i = 0; i < c->n_pfs && i < MAX_RESOLVES; i++)
		resolve(c, &c->pfs[i].sel, true);
	for (size_t i = 0; i < c->n_vfs && i < MAX_RESOLVES; i++)
		resolve(c, &c->vfs[i].sel, false);
	sriov_config_free(c);
	cfg_diags_free(&d);
	return 0;
}
