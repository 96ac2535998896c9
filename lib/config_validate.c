// SPDX-License-Identifier: MIT
/*
 * Validation: the raw entries of every file into struct sriov_config, every
 * problem reported (not only the first).
 *
 *   1. headers: each "[...]" read into kind, selector and indexes; the same
 *      section written in several places (or files) becomes one;
 *   2. entries, in file and line order: key known in its kind of section,
 *      value valid, not given twice in one section of one file; a later file
 *      overrides;
 *   3. each section as a whole: no explicit MAC shared by several VFs, rates
 *      in order;
 *   4. sections that contradict each other (lib/config_conflicts.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

#define NONE ((size_t)-1)

struct validation {
	const struct cfg_raw *raw;
	struct cfg_collector *c;
	struct sriov_config *cfg;
	size_t *merged; /* per raw section: index in cfg->pfs or cfg->vfs, or NONE */
	enum cfg_kind *kinds;
	bool too_many; /* sections: reported once */
};

/* ---- 1. headers ------------------------------------------------------------- */

struct header_key {
	char *text; /* normalised header */
	size_t raw;
};

static int cmp_header_key(const void *a, const void *b)
{
	const struct header_key *x = a, *y = b;
	int d = strcmp(x->text, y->text);

	if (d)
		return d;
	return (x->raw > y->raw) - (x->raw < y->raw);
}

/*
 * Reads every header; rep[i] gets the first raw section with the same
 * normalised header as raw section i (NONE when its header is bad).
 */
static int headers_group(struct validation *v, size_t *rep)
{
	const struct cfg_raw *raw = v->raw;
	struct header_key *keys = calloc(raw->n_sections + 1, sizeof(*keys));
	struct cfg_header h;
	size_t n = 0;
	int ret = 0;

	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; i < raw->n_sections; i++) {
		char text[CFG_HEADER_MAX];

		rep[i] = NONE;
		if (cfg_header_read(&raw->sections[i], v->c, true, &h) < 0)
			continue;
		cfg_header_text(&h, text, sizeof(text));
		v->kinds[i] = h.kind;
		keys[n].raw = i;
		keys[n].text = strdup(text);
		if (!keys[n++].text) {
			ret = -ENOMEM;
			break;
		}
	}
	if (ret == 0 && n > 1)
		qsort(keys, n, sizeof(*keys), cmp_header_key);
	for (size_t i = 0; i < n; i++) {
		bool first = i == 0 || strcmp(keys[i].text, keys[i - 1].text);

		rep[keys[i].raw] = first ? keys[i].raw : rep[keys[i - 1].raw];
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i].text);
	free(keys);
	return ret;
}

static void too_many_sections(struct validation *v, const struct cfg_raw_section *rs)
{
	cfg_collect(v->c, &rs->pos, "more than %d sections in the configuration",
		    CFG_MAX_SECTIONS);
}

/* A new section in cfg from raw section i (a group's first). */
static void section_new(struct validation *v, size_t i)
{
	struct cfg_header h;
	const struct cfg_raw_section *rs = &v->raw->sections[i];
	struct sriov_config *cfg = v->cfg;
	struct cfg_loc loc;

	cfg_header_read(rs, v->c, false, &h);
	cfg_pos_loc(v->c, &rs->pos, &loc);
	if (h.kind == CFG_KIND_PF) {
		struct cfg_pf_section *pf = &cfg->pfs[cfg->n_pfs];

		cfg_pf_section_init(pf);
		pf->sel = h.sel;
		pf->loc = loc;
		v->merged[i] = cfg->n_pfs++;
		return;
	}
	h.vf.sel = h.sel;
	h.vf.loc = loc;
	memset(&h.vf.vf, 0, sizeof(h.vf.vf));
	cfg->vfs[cfg->n_vfs] = h.vf;
	v->merged[i] = cfg->n_vfs++;
}

static int sections_build(struct validation *v)
{
	const struct cfg_raw *raw = v->raw;
	size_t *rep = calloc(raw->n_sections + 1, sizeof(*rep));
	size_t n_pf = 0, n_vf = 0;
	int ret;

	if (!rep)
		return -ENOMEM;
	ret = headers_group(v, rep);
	for (size_t i = 0; ret == 0 && i < raw->n_sections; i++) {
		if (rep[i] != i)
			continue;
		if (n_pf + n_vf == CFG_MAX_SECTIONS && !v->too_many)
			too_many_sections(v, &raw->sections[i]);
		if (n_pf + n_vf == CFG_MAX_SECTIONS) {
			v->too_many = true;
			rep[i] = NONE;
		} else if (v->kinds[i] == CFG_KIND_PF)
			n_pf++;
		else
			n_vf++;
	}
	v->cfg->pfs = calloc(n_pf + 1, sizeof(*v->cfg->pfs));
	v->cfg->vfs = calloc(n_vf + 1, sizeof(*v->cfg->vfs));
	if (ret == 0 && (!v->cfg->pfs || !v->cfg->vfs))
		ret = -ENOMEM;
	for (size_t i = 0; ret == 0 && i < raw->n_sections; i++) {
		if (rep[i] == i)
			section_new(v, i);
		else
			v->merged[i] = rep[i] == NONE ? NONE : v->merged[rep[i]];
	}
	free(rep);
	return ret;
}

/* ---- 2. entries ------------------------------------------------------------- */

struct section_ref {
	enum cfg_kind kind;
	struct cfg_fields f;
	char header[CFG_HEADER_MAX];
};

static void section_ref(struct validation *v, size_t raw_section, struct section_ref *s)
{
	size_t i = v->merged[raw_section];

	s->kind = v->kinds[raw_section];
	if (s->kind == CFG_KIND_PF) {
		s->f = cfg_fields_of_pf(&v->cfg->pfs[i]);
		cfg_pf_header(&v->cfg->pfs[i], s->header, sizeof(s->header));
	} else {
		s->f = cfg_fields_of_vf(&v->cfg->vfs[i].vf);
		cfg_vf_header(&v->cfg->vfs[i], s->header, sizeof(s->header));
	}
}

static void unknown_key(struct validation *v, const struct cfg_raw_entry *en,
			const struct section_ref *s)
{
	char hint[96], keys[VF_KEY_LIST_SIZE];

	cfg_key_suggest(s->kind, en->key, hint, sizeof(hint));
	if (hint[0]) {
		cfg_collect(v->c, &en->key_pos, "unknown key '%.40s' in %s (%s)", en->key,
			    s->header, hint);
		return;
	}
	vf_key_list(true, keys, sizeof(keys));
	if (s->kind == CFG_KIND_PF)
		cfg_collect(v->c, &en->key_pos,
			    "unknown key '%.40s' in %s: the keys are num_vfs, autoprobe, "
			    "vf_driver, pf_up and the VF keys %s",
			    en->key, s->header, keys);
	else
		cfg_collect(v->c, &en->key_pos,
			    "unknown key '%.40s' in %s: the keys are %s, driver", en->key,
			    s->header, keys);
}

static void misplaced_key(struct validation *v, const struct cfg_raw_entry *en,
			  const struct section_ref *s, enum cfg_key k)
{
	if (k == CFG_KEY_DRIVER && s->kind == CFG_KIND_PF)
		cfg_collect(v->c, &en->key_pos,
			    "'driver' in %s: the driver for the VFs of a PF is vf_driver "
			    "(driver is for a [vf] section)",
			    s->header);
	else if (k == CFG_KEY_DRIVER)
		cfg_collect(v->c, &en->key_pos,
			    "'vf_driver' in %s: a [vf] section sets its VFs' driver with "
			    "driver",
			    s->header);
	else
		cfg_collect(v->c, &en->key_pos,
			    "'%s' in %s: it belongs in a [pf SELECTOR] section",
			    cfg_key_name(CFG_KIND_PF, k), s->header);
}

static bool given_in_this_file(struct validation *v, const struct cfg_raw_entry *en,
			       const struct section_ref *s, enum cfg_key k)
{
	const struct cfg_loc *prev = cfg_key_loc(&s->f, k);

	if (!cfg_key_is_set(&s->f, k) ||
	    strcmp(prev->file, v->cfg->files[en->key_pos.file]))
		return false;
	cfg_collect(v->c, &en->key_pos,
		    "'%s' is given twice in %s (first on line %u): a key appears once "
		    "per section in a file",
		    en->key, s->header, prev->line);
	return true;
}

/* A '#' after the value: inih ends a value at " ;" only. */
static const char *hash_comment_hint(const char *value)
{
	const char *hash = strchr(value, '#');

	if (!hash || hash == value || !isspace((unsigned char)hash[-1]))
		return "";
	return " (a comment after a value starts with ';', not '#')";
}

static void entry_apply(struct validation *v, const struct cfg_raw_entry *en)
{
	struct section_ref s;
	struct sriov_err e;
	enum cfg_key k;
	int ret;

	if (en->section == CFG_NO_SECTION) {
		cfg_collect(
			v->c, &en->key_pos,
			"'%.40s' comes before any section: put it under [pf SELECTOR] "
			"or [vf SELECTOR INDEXES]",
			en->key);
		return;
	}
	if (v->merged[en->section] == NONE)
		return; /* its header is bad, and reported */
	section_ref(v, en->section, &s);
	ret = cfg_key_lookup(s.kind, en->key, &k);
	if (ret == -ENOENT) {
		unknown_key(v, en, &s);
		return;
	}
	if (ret < 0) {
		misplaced_key(v, en, &s, k);
		return;
	}
	if (given_in_this_file(v, en, &s, k))
		return;
	if (cfg_key_parse(&s.f, s.kind, k, en->value, &e) < 0) {
		cfg_collect(v->c, &en->value_pos, "%s%s", e.msg,
			    hash_comment_hint(en->value));
		return;
	}
	cfg_pos_loc(v->c, &en->key_pos, cfg_key_loc(&s.f, k));
}

static void entries_apply(struct validation *v)
{
	unsigned int file = (unsigned int)-1;

	for (size_t i = 0; i < v->raw->n_entries; i++) {
		const struct cfg_raw_entry *en = &v->raw->entries[i];

		if (en->key_pos.file != file) {
			file = en->key_pos.file;
			cfg_collect_stream(v->c, true);
		}
		entry_apply(v, en);
	}
	cfg_collect_stream(v->c, false);
}

/* ---- 3. sections as a whole ------------------------------------------------- */

static void check_rates(struct validation *v, const struct cfg_vf_settings *vf,
			const char *header)
{
	for (int i = 0; i < VF_RATE_PAIRS; i++) {
		const struct vf_rate_pair *p = &vf_rate_pairs[i];
		const struct cfg_loc *min = &vf->loc[p->low], *max = &vf->loc[p->high];
		const char *hi = vf_setting_of(p->high)->conf_name;
		uint32_t lo_v, hi_v;

		if (!vf_rate_pair_conflicts(p, &vf->s, &lo_v, &hi_v))
			continue;
		cfg_collect_at(v->c, v->cfg, cfg_loc_after(v->cfg, min, max) ? min : max,
			       "%s %u is above %s %u in %s (Mbit/s; %s 0 means no limit)",
			       vf_setting_of(p->low)->conf_name, lo_v, hi, hi_v, header,
			       hi);
	}
}

static bool explicit_mac(const struct cfg_vf_settings *vf)
{
	return vf_settings_has(&vf->s, VF_KEY_MAC) && !vf->s.mac_auto;
}

static void check_pf_section(struct validation *v, const struct cfg_pf_section *pf)
{
	char header[CFG_HEADER_MAX];

	cfg_pf_header(pf, header, sizeof(header));
	if (explicit_mac(&pf->vf))
		cfg_collect_at(
			v->c, v->cfg, &pf->vf.loc[VF_KEY_MAC],
			"mac: one address as the default of %s would give every VF "
			"the same MAC: write mac = auto, or give each VF its own in a "
			"[vf %s N] section",
			header, pf->sel.text);
	check_rates(v, &pf->vf, header);
}

static void check_vf_section(struct validation *v, const struct cfg_vf_section *vs)
{
	unsigned int n = cfg_indexes_count(vs);
	const struct cfg_loc *mac = &vs->vf.loc[VF_KEY_MAC];
	char header[CFG_HEADER_MAX];

	cfg_vf_header(vs, header, sizeof(header));
	if (explicit_mac(&vs->vf) && n > 1)
		cfg_collect_at(v->c, v->cfg, mac,
			       "mac: one address for %s VFs of %s would give them all "
			       "the same MAC: write mac = auto, or one [vf %s N] section "
			       "per VF",
			       vs->all ? "all the" : "several", header, vs->sel.text);
	else if (explicit_mac(&vs->vf) && vs->sel.kind == CFG_SEL_ID)
		cfg_collect_at(v->c, v->cfg, mac,
			       "mac: one address in %s would go to that VF of every "
			       "%s PF: write mac = auto, or name one PF (netdev or PCI "
			       "address)",
			       header, vs->sel.text);
	check_rates(v, &vs->vf, header);
}

/* ---- all of it -------------------------------------------------------------- */

int cfg_validate(const struct cfg_raw *raw, struct cfg_collector *c,
		 struct sriov_config *out)
{
	struct validation v = {.raw = raw, .c = c, .cfg = out};
	int ret = -ENOMEM;

	v.merged = calloc(raw->n_sections + 1, sizeof(*v.merged));
	v.kinds = calloc(raw->n_sections + 1, sizeof(*v.kinds));
	if (v.merged && v.kinds)
		ret = sections_build(&v);
	if (ret == 0) {
		entries_apply(&v);
		for (size_t i = 0; i < out->n_pfs; i++)
			check_pf_section(&v, &out->pfs[i]);
		for (size_t i = 0; i < out->n_vfs; i++)
			check_vf_section(&v, &out->vfs[i]);
		ret = cfg_check_conflicts(out, c);
	}
	free(v.merged);
	free(v.kinds);
	return ret;
}
