// SPDX-License-Identifier: MIT
/*
 * What a section header names: a selector (netdev, PCI address or
 * vendor:device) and, for [vf] sections, a set of VF indexes; and how both
 * are matched against a host's PFs.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "hex.h"

#define IFNAME_MAX   15	   /* IFNAMSIZ - 1 */
#define VF_INDEX_MAX 65534 /* num_vfs is at most 65535 */
#define N_RANGES_MAX                                                                     \
	(sizeof(((struct cfg_vf_section *)0)->ranges) /                                  \
	 sizeof(((struct cfg_vf_section *)0)->ranges[0]))
#define INDEX_ITEMS_MAX	 128
#define HEADER_WORDS_MAX 4

/* ---- selectors -------------------------------------------------------------- */

static bool parse_id(const char *text, uint16_t *vendor, uint16_t *device)
{
	uint32_t v = 0, d = 0;

	if (strlen(text) != 9 || text[4] != ':')
		return false;
	for (int i = 0; i < 4; i++) {
		int hv = hex_digit_value(text[i]), hd = hex_digit_value(text[5 + i]);

		if (hv < 0 || hd < 0)
			return false;
		v = v << 4 | (uint32_t)hv;
		d = d << 4 | (uint32_t)hd;
	}
	*vendor = (uint16_t)v;
	*device = (uint16_t)d;
	return true;
}

/* A name the kernel accepts for a network interface (dev_valid_name()). */
static bool ifname_is_valid(const char *text)
{
	size_t len = strlen(text);

	if (len == 0 || len > IFNAME_MAX || !sriov_name_is_safe(text))
		return false;
	return strpbrk(text, ": \t\n\v\f\r") == NULL;
}

int cfg_selector_parse(const char *text, struct cfg_selector *sel, struct sriov_err *e)
{
	char addr[PCI_ADDR_STRLEN];

	memset(sel, 0, sizeof(*sel));
	if (parse_id(text, &sel->vendor, &sel->device)) {
		sel->kind = CFG_SEL_ID;
		snprintf(sel->text, sizeof(sel->text), "%04x:%04x", sel->vendor,
			 sel->device);
		return 0;
	}
	if (strchr(text, ':')) {
		if (pci_addr_parse(text, &sel->addr) < 0)
			return sriov_err_set(
				e, -EINVAL,
				"'%.64s' is not a PCI address (0000:01:00.0 or "
				"01:00.0) nor vendor:device (8086:10c9)",
				text);
		sel->kind = CFG_SEL_ADDR;
		pci_addr_format(&sel->addr, addr);
		snprintf(sel->text, sizeof(sel->text), "%s", addr);
		return 0;
	}
	if (!ifname_is_valid(text))
		return sriov_err_set(
			e, -EINVAL,
			"'%.64s' is not a netdev name (1 to %d bytes, no '/' "
			"or whitespace), a PCI address (0000:01:00.0) nor "
			"vendor:device (8086:10c9)",
			text, IFNAME_MAX);
	sel->kind = CFG_SEL_IFNAME;
	snprintf(sel->text, sizeof(sel->text), "%s", text);
	return 0;
}

bool cfg_selector_equal(const struct cfg_selector *a, const struct cfg_selector *b)
{
	return a->kind == b->kind && !strcmp(a->text, b->text);
}

bool cfg_selector_matches(const struct cfg_selector *sel, const struct cfg_pf_id *id)
{
	switch (sel->kind) {
	case CFG_SEL_IFNAME:
		for (size_t i = 0; i < id->n_ifnames; i++) {
			if (id->ifnames[i] && !strcmp(id->ifnames[i], sel->text))
				return true;
		}
		return false;
	case CFG_SEL_ADDR:
		return pci_addr_cmp(&sel->addr, &id->addr) == 0;
	case CFG_SEL_ID:
		return sel->vendor == id->vendor && sel->device == id->device;
	default:
		return false;
	}
}

void cfg_pf_header(const struct cfg_pf_section *pf, char *buf, size_t size)
{
	snprintf(buf, size, "[pf %s]", pf->sel.text);
}

void cfg_vf_header(const struct cfg_vf_section *vf, char *buf, size_t size)
{
	snprintf(buf, size, "[vf %s %s]", vf->sel.text, vf->indexes);
}

/* ---- VF indexes ------------------------------------------------------------- */

struct index_range {
	unsigned int lo, hi;
};

static int index_syntax(const char *text, size_t off, size_t len, size_t *bad,
			struct sriov_err *e)
{
	*bad = off;
	return sriov_err_set(e, -EINVAL,
			     "VF indexes '%.64s': '%.*s' is not an index or a range (3, "
			     "0-3, 0,2,5-7 or all)",
			     text, (int)(len > 32 ? 32 : len), text + off);
}

/* Reads a decimal index at text[*off]; advances *off. -1 when there is none. */
static long read_index(const char *text, size_t *off)
{
	size_t n = strspn(text + *off, "0123456789");
	long v = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		v = v > VF_INDEX_MAX ? v : v * 10 + (text[*off + i] - '0');
	*off += n;
	return v;
}

/* One item of a list: "N" or "N-M", len bytes at text + off. */
static int parse_item(const char *text, size_t off, size_t len, struct index_range *r,
		      size_t *bad, struct sriov_err *e)
{
	size_t p = off, end = off + len;
	long lo, hi;

	lo = read_index(text, &p);
	hi = lo;
	if (lo >= 0 && p < end && text[p] == '-') {
		p++;
		hi = read_index(text, &p);
	}
	if (lo < 0 || hi < 0 || p != end)
		return index_syntax(text, off, len, bad, e);
	*bad = off;
	if (lo > VF_INDEX_MAX || hi > VF_INDEX_MAX)
		return sriov_err_set(e, -ERANGE,
				     "VF indexes '%.64s': '%.*s' is above the highest VF "
				     "index %d",
				     text, (int)(len > 32 ? 32 : len), text + off,
				     VF_INDEX_MAX);
	if (hi < lo)
		return sriov_err_set(e, -EINVAL,
				     "VF indexes '%.64s': range %ld-%ld runs backwards "
				     "(write %ld-%ld)",
				     text, lo, hi, hi, lo);
	r->lo = (unsigned int)lo;
	r->hi = (unsigned int)hi;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct index_range *x = a, *y = b;

	return (x->lo > y->lo) - (x->lo < y->lo);
}

/* Sorts and merges overlapping or adjacent ranges; returns the new count. */
static size_t merge_ranges(struct index_range *r, size_t n)
{
	size_t out = 0;

	qsort(r, n, sizeof(*r), cmp_range);
	for (size_t i = 0; i < n; i++) {
		if (out && r[i].lo <= r[out - 1].hi + 1) {
			if (r[i].hi > r[out - 1].hi)
				r[out - 1].hi = r[i].hi;
			continue;
		}
		r[out++] = r[i];
	}
	return out;
}

static int store_ranges(const char *text, const struct index_range *r, size_t n,
			struct cfg_vf_section *v, struct sriov_err *e)
{
	size_t used = 0;

	if (n > N_RANGES_MAX)
		return sriov_err_set(
			e, -EINVAL,
			"VF indexes '%.64s': more than %zu ranges; split the "
			"section",
			text, N_RANGES_MAX);
	for (size_t i = 0; i < n; i++) {
		int w;

		v->ranges[i].lo = (uint16_t)r[i].lo;
		v->ranges[i].hi = (uint16_t)r[i].hi;
		if (r[i].lo == r[i].hi)
			w = snprintf(v->indexes + used, sizeof(v->indexes) - used, "%s%u",
				     i ? "," : "", r[i].lo);
		else
			w = snprintf(v->indexes + used, sizeof(v->indexes) - used,
				     "%s%u-%u", i ? "," : "", r[i].lo, r[i].hi);
		if (w < 0 || (size_t)w >= sizeof(v->indexes) - used)
			return sriov_err_set(
				e, -EINVAL,
				"VF indexes '%.64s': longer than %zu characters "
				"once merged; split the section",
				text, sizeof(v->indexes) - 1);
		used += (size_t)w;
	}
	v->n_ranges = n;
	return 0;
}

static void set_all(struct cfg_vf_section *v)
{
	v->all = true;
	snprintf(v->indexes, sizeof(v->indexes), "all");
	v->ranges[0].lo = 0;
	v->ranges[0].hi = VF_INDEX_MAX;
	v->n_ranges = 1;
}

int cfg_indexes_parse(const char *text, struct cfg_vf_section *v, size_t *bad_offset,
		      struct sriov_err *e)
{
	struct index_range items[INDEX_ITEMS_MAX];
	size_t n = 0, off = 0, len = strlen(text);

	*bad_offset = 0;
	v->all = false;
	v->n_ranges = 0;
	if (!strcmp(text, "all")) {
		set_all(v);
		return 0;
	}
	while (off <= len) {
		size_t item = strcspn(text + off, ",");
		int ret;

		if (!strncmp(text + off, "all", item) && item == 3)
			return sriov_err_set(
				e, -EINVAL,
				"VF indexes '%.64s': 'all' cannot be combined "
				"with other indexes",
				text);
		if (n == INDEX_ITEMS_MAX)
			return index_syntax(text, off, item, bad_offset, e);
		ret = parse_item(text, off, item, &items[n++], bad_offset, e);
		if (ret < 0)
			return ret;
		off += item + 1;
	}
	*bad_offset = 0; /* what follows is about the whole list */
	return store_ranges(text, items, merge_ranges(items, n), v, e);
}

unsigned int cfg_indexes_count(const struct cfg_vf_section *v)
{
	unsigned int n = 0;

	if (v->all)
		return UINT_MAX;
	for (size_t i = 0; i < v->n_ranges; i++)
		n += (unsigned int)(v->ranges[i].hi - v->ranges[i].lo) + 1;
	return n;
}

bool cfg_vf_section_has(const struct cfg_vf_section *v, unsigned int index)
{
	if (v->all)
		return true;
	for (size_t i = 0; i < v->n_ranges; i++) {
		if (index >= v->ranges[i].lo && index <= v->ranges[i].hi)
			return true;
	}
	return false;
}

int cfg_indexes_overlap(const struct cfg_vf_section *a, const struct cfg_vf_section *b)
{
	size_t i = 0, j = 0;

	while (i < a->n_ranges && j < b->n_ranges) {
		unsigned int lo = a->ranges[i].lo > b->ranges[j].lo ? a->ranges[i].lo
								    : b->ranges[j].lo;
		unsigned int hi = a->ranges[i].hi < b->ranges[j].hi ? a->ranges[i].hi
								    : b->ranges[j].hi;

		if (lo <= hi)
			return (int)lo;
		if (a->ranges[i].hi < b->ranges[j].hi)
			i++;
		else
			j++;
	}
	return -1;
}

/* ---- section headers -------------------------------------------------------- */

struct header_words {
	char word[HEADER_WORDS_MAX][CFG_LINE_MAX + 1];
	unsigned int col[HEADER_WORDS_MAX];
	size_t n;	      /* words seen, at most HEADER_WORDS_MAX kept */
	unsigned int end_col; /* the ']' */
};

static void split_header(const struct cfg_raw_section *rs, struct header_words *w)
{
	const char *s = rs->header;
	size_t i = 0;

	w->n = 0;
	while (s[i]) {
		size_t len;

		while (s[i] && isspace((unsigned char)s[i]))
			i++;
		len = strcspn(s + i, " \t\v\f\r\n");
		if (!len)
			break;
		if (w->n < HEADER_WORDS_MAX) {
			snprintf(w->word[w->n], sizeof(w->word[0]), "%.*s", (int)len,
				 s + i);
			w->col[w->n] = rs->header_col + (unsigned int)i;
		}
		w->n++;
		i += len;
	}
	w->end_col = rs->header_col + (unsigned int)i;
}

static void header_problem(struct cfg_collector *c, bool report,
			   const struct cfg_raw_section *rs, unsigned int col,
			   const char *msg)
{
	struct cfg_pos pos = {rs->pos.file, rs->pos.line, col};

	if (report)
		cfg_collect(c, &pos, "%s", msg);
}

static int header_kind(const struct header_words *w, enum cfg_kind *kind, char *msg,
		       size_t size)
{
	const char *k = w->word[0];

	if (w->n == 0) {
		snprintf(msg, size,
			 "an empty section header: sections are [pf SELECTOR] "
			 "and [vf SELECTOR INDEXES]");
		return -EINVAL;
	}
	if (!strcmp(k, "pf") || !strcmp(k, "vf")) {
		*kind = k[0] == 'p' ? CFG_KIND_PF : CFG_KIND_VF;
		return 0;
	}
	if (!strncasecmp(k, "pf", 2) || !strncasecmp(k, "vf", 2))
		snprintf(msg, size,
			 "unknown section '%.40s' (did you mean %c%c?): sections are [pf "
			 "SELECTOR] and [vf SELECTOR INDEXES]",
			 k, tolower((unsigned char)k[0]), 'f');
	else
		snprintf(msg, size,
			 "unknown section '%.40s': sections are [pf SELECTOR] and [vf "
			 "SELECTOR INDEXES]",
			 k);
	return -EINVAL;
}

/* The number of words a kind takes, or a message about the words there are. */
static int header_arity(const struct header_words *w, enum cfg_kind kind,
			unsigned int *col, char *msg, size_t size)
{
	size_t want = kind == CFG_KIND_PF ? 2 : 3;

	*col = w->n > want ? w->col[want] : w->end_col;
	if (w->n == want)
		return 0;
	if (w->n > want)
		snprintf(msg, size, "unexpected '%.40s' in the header: %s", w->word[want],
			 kind == CFG_KIND_PF ? "[pf SELECTOR] takes one selector"
					     : "[vf SELECTOR INDEXES] takes one list "
					       "of indexes, without spaces (0,2,5-7)");
	else if (kind == CFG_KIND_PF)
		snprintf(msg, size,
			 "[pf] needs a selector: [pf NETDEV], [pf "
			 "PCI-ADDRESS] or [pf VENDOR:DEVICE]");
	else if (w->n == 1)
		snprintf(msg, size,
			 "[vf] needs a selector and VF indexes: [vf SELECTOR "
			 "INDEXES]");
	else
		snprintf(
			msg, size,
			"[vf %.40s] needs the VF indexes: [vf SELECTOR INDEXES] (3, 0-3, "
			"0,2,5-7 or all)",
			w->word[1]);
	return -EINVAL;
}

int cfg_header_read(const struct cfg_raw_section *rs, struct cfg_collector *c,
		    bool report, struct cfg_header *h)
{
	struct header_words w;
	char msg[sizeof(((struct cfg_diag *)0)->msg)];
	struct sriov_err e;
	unsigned int col;
	size_t bad;

	if (!rs->header)
		return -EINVAL; /* reported by the parser */
	split_header(rs, &w);
	if (header_kind(&w, &h->kind, msg, sizeof(msg)) < 0) {
		header_problem(c, report, rs, w.n ? w.col[0] : rs->pos.col, msg);
		return -EINVAL;
	}
	if (header_arity(&w, h->kind, &col, msg, sizeof(msg)) < 0) {
		header_problem(c, report, rs, col, msg);
		return -EINVAL;
	}
	if (cfg_selector_parse(w.word[1], &h->sel, &e) < 0) {
		header_problem(c, report, rs, w.col[1], e.msg);
		return -EINVAL;
	}
	if (h->kind == CFG_KIND_VF &&
	    cfg_indexes_parse(w.word[2], &h->vf, &bad, &e) < 0) {
		header_problem(c, report, rs, w.col[2] + (unsigned int)bad, e.msg);
		return -EINVAL;
	}
	return 0;
}

void cfg_header_text(const struct cfg_header *h, char *buf, size_t size)
{
	if (h->kind == CFG_KIND_PF)
		snprintf(buf, size, "[pf %s]", h->sel.text);
	else
		snprintf(buf, size, "[vf %s %s]", h->sel.text, h->vf.indexes);
}
