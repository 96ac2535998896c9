// SPDX-License-Identifier: MIT
/*
 * The settings of one PF, and of one of its VFs, from the sections that match
 * it on a host. A vendor:device section is a fleet default; a netdev or
 * address section speaks of one PF and overrides it key by key. Two sections
 * of the same specificity that match the same PF must agree.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

enum specificity {
	SPEC_FLEET, /* vendor:device */
	SPEC_PF,    /* netdev or PCI address */
	SPEC_COUNT,
};

static enum specificity specificity(const struct cfg_selector *sel)
{
	return sel->kind == CFG_SEL_ID ? SPEC_FLEET : SPEC_PF;
}

/* Where each key of one specificity came from: the header, for messages. */
struct key_sources {
	char header[CFG_KEY_COUNT][CFG_HEADER_MAX];
};

static void report_disagreement(const struct sriov_config *c, struct cfg_diags *d,
				const struct cfg_fields *have,
				const struct cfg_fields *next, enum cfg_kind kind,
				enum cfg_key k, const char *have_header,
				const char *next_header, const char *what)
{
	const struct cfg_loc *lh = cfg_key_loc(have, k), *ln = cfg_key_loc(next, k);
	bool next_later = cfg_loc_after(c, ln, lh);
	char vh[96], vn[96], where[300];

	cfg_key_format(have, kind, k, vh, sizeof(vh));
	cfg_key_format(next, kind, k, vn, sizeof(vn));
	cfg_loc_where(next_later ? lh : ln, where, sizeof(where));
	cfg_diags_add(d, next_later ? ln : lh, "%s conflicts with %s at %s: %s and %s %s",
		      next_later ? vn : vh, next_later ? vh : vn, where,
		      next_later ? next_header : have_header,
		      next_later ? have_header : next_header, what);
}

/*
 * Adds the keys of one matching section (fields src, header) to the keys of
 * its specificity (acc): a key both set differently is a disagreement.
 */
static int accumulate(const struct sriov_config *c, struct cfg_diags *d,
		      const struct cfg_fields *acc, struct key_sources *from,
		      const struct cfg_fields *src, enum cfg_kind kind, int n_keys,
		      const char *header, const char *what)
{
	int ret = 0;

	for (int k = 0; k < n_keys; k++) {
		if (!cfg_key_is_set(src, (enum cfg_key)k))
			continue;
		if (!cfg_key_is_set(acc, (enum cfg_key)k)) {
			cfg_key_copy(acc, src, (enum cfg_key)k);
			snprintf(from->header[k], sizeof(from->header[k]), "%s", header);
		} else if (!cfg_key_equal(acc, src, (enum cfg_key)k)) {
			report_disagreement(c, d, acc, src, kind, (enum cfg_key)k,
					    from->header[k], header, what);
			ret = -EINVAL;
		}
	}
	return ret;
}

/* The keys set in src override those of dst. */
static void overlay(const struct cfg_fields *dst, const struct cfg_fields *src,
		    int n_keys)
{
	for (int k = 0; k < n_keys; k++) {
		if (cfg_key_is_set(src, (enum cfg_key)k))
			cfg_key_copy(dst, src, (enum cfg_key)k);
	}
}

/* Rates that came from different sections can still contradict each other. */
static int check_rates(const struct sriov_config *c, const struct cfg_vf_settings *vf,
		       const char *whom, struct cfg_diags *d)
{
	char min_at[300], max_at[300];
	int ret = 0;

	for (int i = 0; i < VF_RATE_PAIRS; i++) {
		const struct vf_rate_pair *p = &vf_rate_pairs[i];
		const struct cfg_loc *min = &vf->loc[p->low], *max = &vf->loc[p->high];
		const char *hi = vf_setting_of(p->high)->conf_name;
		uint32_t lo_v, hi_v;

		if (!vf_rate_pair_conflicts(p, &vf->s, &lo_v, &hi_v))
			continue;
		cfg_loc_where(min, min_at, sizeof(min_at));
		cfg_loc_where(max, max_at, sizeof(max_at));
		cfg_diags_add(d, cfg_loc_after(c, min, max) ? min : max,
			      "%s %u (%s) is above %s %u (%s) for %s (Mbit/s; %s 0 means "
			      "no limit)",
			      vf_setting_of(p->low)->conf_name, lo_v, min_at, hi, hi_v,
			      max_at, whom, hi);
		ret = -EINVAL;
	}
	return ret;
}

/*
 * The [pf] sections of one specificity that match id, merged into acc;
 * out->sel and loc name the first (the most specific one wins).
 */
static int pf_level(const struct sriov_config *c, const struct cfg_pf_id *id,
		    enum specificity spec, struct cfg_pf_section *acc,
		    struct cfg_pf_section *out, bool *matched, struct cfg_diags *d)
{
	struct cfg_fields fa = cfg_fields_of_pf(acc);
	struct key_sources from;
	int ret = 0;

	for (size_t i = 0; i < c->n_pfs; i++) {
		/* only read: cfg_fields has no const flavour */
		struct cfg_pf_section *pf = (struct cfg_pf_section *)&c->pfs[i];
		struct cfg_fields fp = cfg_fields_of_pf(pf);
		char header[CFG_HEADER_MAX];

		if (specificity(&pf->sel) != spec || !cfg_selector_matches(&pf->sel, id))
			continue;
		if (!*matched || spec == SPEC_PF) {
			out->sel = pf->sel;
			out->loc = pf->loc;
		}
		*matched = true;
		cfg_pf_header(pf, header, sizeof(header));
		if (accumulate(c, d, &fa, &from, &fp, CFG_KIND_PF, CFG_KEY_COUNT, header,
			       "name the same PF") < 0)
			ret = -EINVAL;
	}
	return ret;
}

int cfg_resolve_pf(const struct sriov_config *c, const struct cfg_pf_id *id,
		   struct cfg_pf_section *out, bool *matched, struct cfg_diags *d)
{
	struct cfg_fields fo = cfg_fields_of_pf(out);
	int ret = 0;

	cfg_pf_section_init(out);
	*matched = false;
	for (int spec = SPEC_FLEET; spec < SPEC_COUNT; spec++) {
		struct cfg_pf_section acc;
		struct cfg_fields fa = cfg_fields_of_pf(&acc);

		cfg_pf_section_init(&acc);
		if (pf_level(c, id, (enum specificity)spec, &acc, out, matched, d) < 0)
			ret = -EINVAL;
		overlay(&fo, &fa, CFG_KEY_COUNT);
	}
	if (ret == 0)
		ret = check_rates(c, &out->vf, "the VFs of this PF", d);
	return ret;
}

/* The [vf] sections of one specificity that match id and hold index, into acc. */
static int vf_level(const struct sriov_config *c, const struct cfg_pf_id *id,
		    enum specificity spec, unsigned int index,
		    struct cfg_vf_settings *acc, struct cfg_diags *d)
{
	struct cfg_fields fa = cfg_fields_of_vf(acc);
	struct key_sources from;
	int ret = 0;

	for (size_t i = 0; i < c->n_vfs; i++) {
		/* only read: cfg_fields has no const flavour */
		struct cfg_vf_section *vs = (struct cfg_vf_section *)&c->vfs[i];
		struct cfg_fields fv = cfg_fields_of_vf(&vs->vf);
		char header[CFG_HEADER_MAX];

		if (specificity(&vs->sel) != spec ||
		    !cfg_selector_matches(&vs->sel, id) || !cfg_vf_section_has(vs, index))
			continue;
		cfg_vf_header(vs, header, sizeof(header));
		if (accumulate(c, d, &fa, &from, &fv, CFG_KIND_VF, CFG_KEY_DRIVER + 1,
			       header, "hold the same VF") < 0)
			ret = -EINVAL;
	}
	return ret;
}

int cfg_resolve_vf(const struct sriov_config *c, const struct cfg_pf_id *id,
		   const struct cfg_pf_section *pf, unsigned int index,
		   struct cfg_vf_settings *out, struct cfg_diags *d)
{
	struct cfg_fields fo = cfg_fields_of_vf(out);
	char whom[32];
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (pf)
		*out = pf->vf;
	for (int spec = SPEC_FLEET; spec < SPEC_COUNT; spec++) {
		struct cfg_vf_settings acc = {0};
		struct cfg_fields fa = cfg_fields_of_vf(&acc);

		if (vf_level(c, id, (enum specificity)spec, index, &acc, d) < 0)
			ret = -EINVAL;
		overlay(&fo, &fa, CFG_KEY_DRIVER + 1);
	}
	snprintf(whom, sizeof(whom), "VF %u", index);
	if (ret == 0)
		ret = check_rates(c, out, whom, d);
	return ret;
}
