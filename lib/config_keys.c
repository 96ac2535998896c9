// SPDX-License-Identifier: MIT
/*
 * The keys of configuration sections: names, values (parsed with the VF
 * setting parsers of vfattr.h, so that a file and `sriovctl vf set` accept
 * the same values), and the per-key operations merging and conflict checks
 * are built from.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sriov/bind.h"
#include "config_internal.h"

/* Other names people may write for a [pf] key (the VF keys' are in their rows). */
static const struct {
	const char *alias;
	enum cfg_key key;
} key_aliases[] = {
	{"numvfs", CFG_KEY_NUM_VFS},
	{"max_vfs", CFG_KEY_NUM_VFS},
	{"sriov_numvfs", CFG_KEY_NUM_VFS},
};

#define SUGGEST_MAX_DISTANCE 2
#define KEY_NAME_MAX	     32

struct cfg_fields cfg_fields_of_pf(struct cfg_pf_section *pf)
{
	return (struct cfg_fields){.vf = &pf->vf, .pf = pf};
}

struct cfg_fields cfg_fields_of_vf(struct cfg_vf_settings *vf)
{
	return (struct cfg_fields){.vf = vf, .pf = NULL};
}

static bool key_is_pf_only(enum cfg_key k)
{
	return k == CFG_KEY_NUM_VFS || k == CFG_KEY_AUTOPROBE || k == CFG_KEY_PF_UP;
}

const char *cfg_key_name(enum cfg_kind kind, enum cfg_key k)
{
	if ((unsigned int)k < VF_KEY_COUNT)
		return vf_setting_of((enum vf_key)k)->conf_name;
	switch (k) {
	case CFG_KEY_DRIVER:
		return kind == CFG_KIND_PF ? "vf_driver" : "driver";
	case CFG_KEY_NUM_VFS:
		return "num_vfs";
	case CFG_KEY_AUTOPROBE:
		return "autoprobe";
	case CFG_KEY_PF_UP:
		return "pf_up";
	default:
		return "?";
	}
}

int cfg_key_lookup(enum cfg_kind kind, const char *name, enum cfg_key *k)
{
	enum cfg_kind other = kind == CFG_KIND_PF ? CFG_KIND_VF : CFG_KIND_PF;

	for (int i = 0; i < CFG_KEY_COUNT; i++) {
		if (strcmp(name, cfg_key_name(kind, (enum cfg_key)i)))
			continue;
		*k = (enum cfg_key)i;
		return kind == CFG_KIND_VF && key_is_pf_only(*k) ? -EINVAL : 0;
	}
	if (!strcmp(name, cfg_key_name(other, CFG_KEY_DRIVER))) {
		*k = CFG_KEY_DRIVER;
		return -EINVAL;
	}
	return -ENOENT;
}

/* ---- "did you mean" --------------------------------------------------------- */

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * Edits (insert, delete, replace, swap two neighbours) turning a into b;
 * both at most KEY_NAME_MAX bytes.
 */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[KEY_NAME_MAX + 1][KEY_NAME_MAX + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
				       d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

/* The key of kind closest to name, within SUGGEST_MAX_DISTANCE edits, or NULL. */
static const char *closest_key(enum cfg_kind kind, const char *name)
{
	const char *best = NULL;
	size_t best_d = SUGGEST_MAX_DISTANCE + 1;

	if (strlen(name) > KEY_NAME_MAX)
		return NULL;
	for (int i = 0; i < CFG_KEY_COUNT; i++) {
		const char *cand = cfg_key_name(kind, (enum cfg_key)i);
		size_t d;

		if (kind == CFG_KIND_VF && key_is_pf_only((enum cfg_key)i))
			continue;
		d = edit_distance(name, cand);
		if (d < best_d) {
			best = cand;
			best_d = d;
		}
	}
	return best;
}

static const char *alias_key(enum cfg_kind kind, const char *name)
{
	const char *vf_key = vf_key_alias_of(name);

	if (vf_key)
		return vf_key;
	for (size_t i = 0; i < sizeof(key_aliases) / sizeof(key_aliases[0]); i++) {
		if (!strcmp(name, key_aliases[i].alias))
			return cfg_key_name(kind, key_aliases[i].key);
	}
	return NULL;
}

static const char *lower_case_key(enum cfg_kind kind, const char *name)
{
	for (int i = 0; i < CFG_KEY_COUNT; i++) {
		const char *cand = cfg_key_name(kind, (enum cfg_key)i);

		if (!strcasecmp(name, cand))
			return cand;
	}
	return NULL;
}

void cfg_key_suggest(enum cfg_kind kind, const char *name, char *buf, size_t size)
{
	const char *key;

	buf[0] = '\0';
	key = lower_case_key(kind, name);
	if (key) {
		snprintf(buf, size, "keys are lower case: did you mean %s?", key);
		return;
	}
	key = alias_key(kind, name);
	if (!key)
		key = closest_key(kind, name);
	if (key)
		snprintf(buf, size, "did you mean %s?", key);
}

/* ---- per-key access --------------------------------------------------------- */

bool cfg_key_is_set(const struct cfg_fields *f, enum cfg_key k)
{
	if ((unsigned int)k < VF_KEY_COUNT)
		return vf_settings_has(&f->vf->s, (enum vf_key)k);
	if (k == CFG_KEY_DRIVER)
		return f->vf->driver[0] != '\0';
	if (!f->pf)
		return false;
	switch (k) {
	case CFG_KEY_NUM_VFS:
		return f->pf->num_vfs >= 0;
	case CFG_KEY_AUTOPROBE:
		return f->pf->autoprobe >= 0;
	case CFG_KEY_PF_UP:
		return f->pf->pf_up != CFG_PF_UP_UNSET;
	default:
		return false;
	}
}

struct cfg_loc *cfg_key_loc(const struct cfg_fields *f, enum cfg_key k)
{
	if ((unsigned int)k < VF_KEY_COUNT)
		return &f->vf->loc[k];
	if (k == CFG_KEY_DRIVER || !f->pf)
		return &f->vf->driver_loc;
	if (k == CFG_KEY_NUM_VFS)
		return &f->pf->num_vfs_loc;
	if (k == CFG_KEY_AUTOPROBE)
		return &f->pf->autoprobe_loc;
	return &f->pf->pf_up_loc;
}

bool cfg_key_equal(const struct cfg_fields *a, const struct cfg_fields *b, enum cfg_key k)
{
	if ((unsigned int)k < VF_KEY_COUNT)
		return vf_key_equal((enum vf_key)k, &a->vf->s, &b->vf->s);
	if (k == CFG_KEY_DRIVER)
		return !strcmp(a->vf->driver, b->vf->driver);
	if (!a->pf || !b->pf)
		return false;
	if (k == CFG_KEY_NUM_VFS)
		return a->pf->num_vfs == b->pf->num_vfs;
	if (k == CFG_KEY_AUTOPROBE)
		return a->pf->autoprobe == b->pf->autoprobe;
	return a->pf->pf_up == b->pf->pf_up;
}

static void pf_value_copy(struct cfg_pf_section *dst, const struct cfg_pf_section *src,
			  enum cfg_key k)
{
	if (k == CFG_KEY_NUM_VFS)
		dst->num_vfs = src->num_vfs;
	else if (k == CFG_KEY_AUTOPROBE)
		dst->autoprobe = src->autoprobe;
	else if (k == CFG_KEY_PF_UP)
		dst->pf_up = src->pf_up;
}

void cfg_key_copy(const struct cfg_fields *dst, const struct cfg_fields *src,
		  enum cfg_key k)
{
	if ((unsigned int)k < VF_KEY_COUNT)
		vf_key_copy((enum vf_key)k, &dst->vf->s, &src->vf->s);
	else if (k == CFG_KEY_DRIVER)
		memcpy(dst->vf->driver, src->vf->driver, sizeof(dst->vf->driver));
	else if (dst->pf && src->pf)
		pf_value_copy(dst->pf, src->pf, k);
	else
		return;
	*cfg_key_loc(dst, k) = *cfg_key_loc(src, k);
}

static const char *pf_up_name(int pf_up)
{
	if (pf_up == CFG_PF_UP_AUTO)
		return "auto";
	return pf_up == CFG_PF_UP_YES ? "yes" : "no";
}

static void value_format(const struct cfg_fields *f, enum cfg_key k, char *buf,
			 size_t size)
{
	if ((unsigned int)k < VF_KEY_COUNT)
		vf_key_format_want((enum vf_key)k, &f->vf->s, NULL, buf, size);
	else if (k == CFG_KEY_DRIVER)
		snprintf(buf, size, "%s", f->vf->driver);
	else if (!f->pf)
		snprintf(buf, size, "?");
	else if (k == CFG_KEY_NUM_VFS)
		snprintf(buf, size, "%d", f->pf->num_vfs);
	else if (k == CFG_KEY_AUTOPROBE)
		snprintf(buf, size, "%s", f->pf->autoprobe ? "yes" : "no");
	else
		snprintf(buf, size, "%s", pf_up_name(f->pf->pf_up));
}

void cfg_key_format(const struct cfg_fields *f, enum cfg_kind kind, enum cfg_key k,
		    char *buf, size_t size)
{
	char value[CFG_DRIVER_MAX + 8];

	value_format(f, k, value, sizeof(value));
	snprintf(buf, size, "%s = %s", cfg_key_name(kind, k), value);
}

/* ---- values ----------------------------------------------------------------- */

static int parse_vf_value(struct cfg_vf_settings *vf, enum vf_key k, const char *value,
			  struct sriov_err *e)
{
	int ret = vf_key_parse(k, vf_setting_of(k)->conf_name, value, &vf->s, e);

	if (ret == 0)
		vf->s.given |= 1u << k;
	return ret;
}

static int parse_driver(struct cfg_vf_settings *vf, const char *name, const char *value,
			struct sriov_err *e)
{
	if (strcmp(value, "default") && bind_driver_name_check(value, NULL) < 0)
		return sriov_err_set(e, -EINVAL,
				     "%s: '%s' is not a driver name (1 to %d letters, "
				     "digits, '_' or '-', e.g. vfio-pci) nor default",
				     name, value, CFG_DRIVER_MAX);
	snprintf(vf->driver, sizeof(vf->driver), "%s", value);
	return 0;
}

static int parse_pf_up(struct cfg_pf_section *pf, const char *value, struct sriov_err *e)
{
	bool yes;

	if (!strcasecmp(value, "auto")) {
		pf->pf_up = CFG_PF_UP_AUTO;
		return 0;
	}
	if (vf_bool_parse("pf_up", value, &yes, NULL) < 0)
		return sriov_err_set(e, -EINVAL,
				     "pf_up: '%s' is not auto, yes or no (yes and no may "
				     "also be written on/off, true/false, 1/0)",
				     value);
	pf->pf_up = yes ? CFG_PF_UP_YES : CFG_PF_UP_NO;
	return 0;
}

static int parse_pf_value(struct cfg_pf_section *pf, enum cfg_key k, const char *value,
			  struct sriov_err *e)
{
	uint32_t n;
	bool yes;
	int ret;

	switch (k) {
	case CFG_KEY_NUM_VFS:
		ret = vf_uint_parse("num_vfs", value, UINT16_MAX, NULL, &n, e);
		if (ret == 0)
			pf->num_vfs = (int)n;
		return ret;
	case CFG_KEY_AUTOPROBE:
		ret = vf_bool_parse("autoprobe", value, &yes, e);
		if (ret == 0)
			pf->autoprobe = yes;
		return ret;
	case CFG_KEY_PF_UP:
		return parse_pf_up(pf, value, e);
	default:
		return sriov_err_set(e, -EINVAL, "unknown key %d", (int)k);
	}
}

int cfg_key_parse(const struct cfg_fields *f, enum cfg_kind kind, enum cfg_key k,
		  const char *value, struct sriov_err *e)
{
	if ((unsigned int)k < VF_KEY_COUNT)
		return parse_vf_value(f->vf, (enum vf_key)k, value, e);
	if (k == CFG_KEY_DRIVER)
		return parse_driver(f->vf, cfg_key_name(kind, k), value, e);
	if (!f->pf)
		return sriov_err_set(e, -EINVAL, "%s: only in a [pf] section",
				     cfg_key_name(kind, k));
	return parse_pf_value(f->pf, k, value, e);
}

void cfg_pf_section_init(struct cfg_pf_section *pf)
{
	memset(pf, 0, sizeof(*pf));
	pf->num_vfs = -1;
	pf->autoprobe = -1;
	pf->pf_up = CFG_PF_UP_UNSET;
}
