// SPDX-License-Identifier: MIT
/*
 * Sections of one configuration that contradict each other:
 *
 *   - [vf] sections of the same selector whose indexes overlap and that set
 *     a key to different values (the same header twice is one section, see
 *     lib/config_validate.c; these are different index sets);
 *   - one explicit MAC address given to two VFs.
 *
 * Both are found by sorting (index ranges by selector and start, MACs by
 * value), so sections that cannot meet are never compared.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

struct conflicts {
	struct sriov_config *cfg;
	struct cfg_collector *c;
};

/* ---- overlapping [vf] sections ---------------------------------------------- */

/* One index range of one [vf] section. */
struct range_ref {
	size_t sec;
	unsigned int lo, hi;
};

static int cmp_selector(const struct cfg_selector *a, const struct cfg_selector *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->text, b->text);
}

static int cmp_range_ref(const void *a, const void *b, void *arg)
{
	const struct cfg_vf_section *vfs = arg;
	const struct range_ref *x = a, *y = b;
	int d = cmp_selector(&vfs[x->sec].sel, &vfs[y->sec].sel);

	if (d)
		return d;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->sec > y->sec) - (x->sec < y->sec);
}

/* Key k of sections a and b, which share VF index, has two values. */
static void report_disagreement(struct conflicts *cf, struct cfg_vf_section *a,
				struct cfg_vf_section *b, enum cfg_key k, int index)
{
	struct cfg_fields fa = cfg_fields_of_vf(&a->vf), fb = cfg_fields_of_vf(&b->vf);
	const struct cfg_loc *la = cfg_key_loc(&fa, k), *lb = cfg_key_loc(&fb, k);
	bool b_later = cfg_loc_after(cf->cfg, lb, la);
	char va[96], vb[96], ha[CFG_HEADER_MAX], hb[CFG_HEADER_MAX], where[300];

	cfg_key_format(&fa, CFG_KIND_VF, k, va, sizeof(va));
	cfg_key_format(&fb, CFG_KIND_VF, k, vb, sizeof(vb));
	cfg_vf_header(a, ha, sizeof(ha));
	cfg_vf_header(b, hb, sizeof(hb));
	cfg_loc_where(b_later ? la : lb, where, sizeof(where));
	cfg_collect_at(cf->c, cf->cfg, b_later ? lb : la,
		       "%s conflicts with %s at %s: %s and %s both hold VF %d",
		       b_later ? vb : va, b_later ? va : vb, where, b_later ? hb : ha,
		       b_later ? ha : hb, index);
}

static void compare_sections(struct conflicts *cf, struct cfg_vf_section *a,
			     struct cfg_vf_section *b, int index)
{
	struct cfg_fields fa = cfg_fields_of_vf(&a->vf), fb = cfg_fields_of_vf(&b->vf);

	for (int k = 0; k <= CFG_KEY_DRIVER; k++) {
		if (cfg_key_is_set(&fa, (enum cfg_key)k) &&
		    cfg_key_is_set(&fb, (enum cfg_key)k) &&
		    !cfg_key_equal(&fa, &fb, (enum cfg_key)k))
			report_disagreement(cf, a, b, (enum cfg_key)k, index);
	}
}

static struct range_ref *ranges_sorted(struct sriov_config *cfg, size_t *n)
{
	struct range_ref *refs;
	size_t total = 0;

	for (size_t i = 0; i < cfg->n_vfs; i++)
		total += cfg->vfs[i].n_ranges;
	*n = 0;
	refs = calloc(total + 1, sizeof(*refs));
	if (!refs)
		return NULL;
	for (size_t i = 0; i < cfg->n_vfs; i++) {
		for (size_t j = 0; j < cfg->vfs[i].n_ranges; j++)
			refs[(*n)++] = (struct range_ref){i, cfg->vfs[i].ranges[j].lo,
							  cfg->vfs[i].ranges[j].hi};
	}
	qsort_r(refs, *n, sizeof(*refs), cmp_range_ref, cfg->vfs);
	return refs;
}

/*
 * The range refs[i] against the ranges still open when it starts. Two
 * sections are compared once: where their first shared index begins.
 */
static void meet_open_ranges(struct conflicts *cf, const struct range_ref *refs, size_t i,
			     const size_t *open, size_t n_open)
{
	struct cfg_vf_section *vfs = cf->cfg->vfs;

	for (size_t o = 0; o < n_open; o++) {
		const struct range_ref *a = &refs[open[o]];
		int first;

		if (a->sec == refs[i].sec)
			continue;
		first = cfg_indexes_overlap(&vfs[a->sec], &vfs[refs[i].sec]);
		if (first == (int)refs[i].lo)
			compare_sections(cf, &vfs[a->sec], &vfs[refs[i].sec], first);
	}
}

static int check_overlaps(struct conflicts *cf)
{
	struct sriov_config *cfg = cf->cfg;
	size_t n = 0, n_open = 0, *open = NULL;
	struct range_ref *refs = ranges_sorted(cfg, &n);

	if (refs)
		open = calloc(n + 1, sizeof(*open));
	if (!open) {
		free(refs);
		free(open);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && !cfg_collect_full(cf->c); i++) {
		size_t keep = 0;

		if (i && cmp_selector(&cfg->vfs[refs[i].sec].sel,
				      &cfg->vfs[refs[i - 1].sec].sel))
			n_open = 0;
		for (size_t o = 0; o < n_open; o++) {
			if (refs[open[o]].hi >= refs[i].lo)
				open[keep++] = open[o];
		}
		n_open = keep;
		meet_open_ranges(cf, refs, i, open, n_open);
		open[n_open++] = i;
	}
	free(refs);
	free(open);
	return 0;
}

/* ---- one MAC for two VFs ---------------------------------------------------- */

/* A section giving one VF of one PF an explicit MAC (the others are reported). */
static bool gives_one_mac(const struct cfg_vf_section *v)
{
	return vf_settings_has(&v->vf.s, VF_KEY_MAC) && !v->vf.s.mac_auto &&
	       v->sel.kind != CFG_SEL_ID && cfg_indexes_count(v) == 1;
}

static int cmp_by_mac(const void *a, const void *b, void *arg)
{
	const struct sriov_config *cfg = arg;
	const struct cfg_vf_section *x = &cfg->vfs[*(const size_t *)a];
	const struct cfg_vf_section *y = &cfg->vfs[*(const size_t *)b];
	int d = memcmp(x->vf.s.mac, y->vf.s.mac, sizeof(x->vf.s.mac));

	if (d)
		return d;
	if (cfg_loc_after(cfg, &x->vf.loc[VF_KEY_MAC], &y->vf.loc[VF_KEY_MAC]))
		return 1;
	return cfg_loc_after(cfg, &y->vf.loc[VF_KEY_MAC], &x->vf.loc[VF_KEY_MAC]) ? -1
										  : 0;
}

static void report_shared_mac(struct conflicts *cf, const struct cfg_vf_section *first,
			      const struct cfg_vf_section *again)
{
	char mac[VF_MAC_STRLEN], where[300], header[CFG_HEADER_MAX];

	vf_mac_format(again->vf.s.mac, mac);
	cfg_loc_where(&first->vf.loc[VF_KEY_MAC], where, sizeof(where));
	cfg_vf_header(first, header, sizeof(header));
	cfg_collect_at(cf->c, cf->cfg, &again->vf.loc[VF_KEY_MAC],
		       "mac %s is also given to %s at %s: two VFs would share one MAC",
		       mac, header, where);
}

static int check_macs(struct conflicts *cf)
{
	struct sriov_config *cfg = cf->cfg;
	size_t *order = calloc(cfg->n_vfs + 1, sizeof(*order));
	size_t n = 0;

	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_vfs; i++) {
		if (gives_one_mac(&cfg->vfs[i]))
			order[n++] = i;
	}
	qsort_r(order, n, sizeof(*order), cmp_by_mac, cfg);
	for (size_t i = 1, first = 0; i < n; i++) {
		const struct cfg_vf_section *a = &cfg->vfs[order[first]];
		const struct cfg_vf_section *b = &cfg->vfs[order[i]];

		if (memcmp(a->vf.s.mac, b->vf.s.mac, sizeof(a->vf.s.mac)))
			first = i;
		else
			report_shared_mac(cf, a, b);
	}
	free(order);
	return 0;
}

int cfg_check_conflicts(struct sriov_config *cfg, struct cfg_collector *c)
{
	struct conflicts cf = {cfg, c};
	int ret;

	cfg_collect_stream(c, true);
	ret = check_overlaps(&cf);
	if (ret == 0)
		ret = check_macs(&cf);
	cfg_collect_stream(c, false);
	return ret;
}
