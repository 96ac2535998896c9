// SPDX-License-Identifier: MIT
/*
 * The diagnostics every configuration pass reports into (file:line:column
 * messages, collected, sorted and handed to the caller) and the places they
 * name. Below the parser, the validation and the conflict checks, which all
 * report here; above nothing of the configuration.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

/* ---- diagnostics ------------------------------------------------------------ */

void cfg_collect_stream(struct cfg_collector *c, bool capped)
{
	c->stream_n = 0;
	c->stream_capped = capped;
}

/* Control bytes of a file must not reach a terminal through a message. */
static void make_printable(char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

bool cfg_collect_full(const struct cfg_collector *c)
{
	return c->stream_capped && c->stream_n >= CFG_MAX_DIAGS;
}

void cfg_collect(struct cfg_collector *c, const struct cfg_pos *pos, const char *fmt, ...)
{
	struct cfg_diag_item *it;
	va_list ap;

	if (cfg_collect_full(c)) {
		c->dropped++;
		return;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct cfg_diag_item *p = realloc(c->items, cap * sizeof(*p));

		if (!p) {
			c->oom = true;
			return;
		}
		c->items = p;
		c->cap = cap;
	}
	it = &c->items[c->n++];
	it->pos = *pos;
	it->seq = c->seq++;
	va_start(ap, fmt);
	vsnprintf(it->msg, sizeof(it->msg), fmt, ap);
	va_end(ap);
	make_printable(it->msg);
	c->stream_n++;
}

void cfg_pos_loc(const struct cfg_collector *c, const struct cfg_pos *pos,
		 struct cfg_loc *loc)
{
	snprintf(loc->file, sizeof(loc->file), "%s", c->files[pos->file]);
	loc->line = pos->line;
	loc->col = pos->col;
}

static int cmp_item(const void *a, const void *b)
{
	const struct cfg_diag_item *x = a, *y = b;

	if (x->pos.file != y->pos.file)
		return x->pos.file < y->pos.file ? -1 : 1;
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int diags_append(struct cfg_diags *d, const struct cfg_loc *loc, const char *msg)
{
	struct cfg_diag *p = realloc(d->items, (d->n + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	d->items = p;
	p[d->n].loc = *loc;
	snprintf(p[d->n].msg, sizeof(p[d->n].msg), "%s", msg);
	d->n++;
	return 0;
}

void cfg_diags_add(struct cfg_diags *d, const struct cfg_loc *loc, const char *fmt, ...)
{
	char msg[sizeof(((struct cfg_diag *)0)->msg)];
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	make_printable(msg);
	diags_append(d, loc, msg);
}

/* The first CFG_MAX_DIAGS problems, in order, into d. */
int cfg_collect_export(struct cfg_collector *c, struct cfg_diags *d)
{
	size_t keep = c->n < CFG_MAX_DIAGS ? c->n : CFG_MAX_DIAGS;
	struct cfg_loc loc;
	char msg[96];

	if (c->n > 1)
		qsort(c->items, c->n, sizeof(c->items[0]), cmp_item);
	if (!d)
		return 0;
	for (size_t i = 0; i < keep; i++) {
		cfg_pos_loc(c, &c->items[i].pos, &loc);
		if (diags_append(d, &loc, c->items[i].msg) < 0)
			return -ENOMEM;
	}
	if (keep == c->n && !c->dropped)
		return 0;
	cfg_pos_loc(c, &c->items[keep - 1].pos, &loc);
	snprintf(msg, sizeof(msg), "and more problems after this line (%zu not shown)",
		 c->n - keep + c->dropped);
	return diags_append(d, &loc, msg);
}

void cfg_diags_free(struct cfg_diags *d)
{
	if (!d)
		return;
	free(d->items);
	d->items = NULL;
	d->n = 0;
}

void cfg_diag_format(const struct cfg_diag *d, char *buf, size_t size)
{
	if (d->loc.line == 0)
		snprintf(buf, size, "%s: %s", d->loc.file, d->msg);
	else if (d->loc.col == 0)
		snprintf(buf, size, "%s:%u: %s", d->loc.file, d->loc.line, d->msg);
	else
		snprintf(buf, size, "%s:%u:%u: %s", d->loc.file, d->loc.line, d->loc.col,
			 d->msg);
}

/* ---- places ----------------------------------------------------------------- */

static unsigned int file_index(const struct sriov_config *cfg, const char *file)
{
	for (size_t i = 0; i < cfg->n_files; i++) {
		if (!strcmp(cfg->files[i], file))
			return (unsigned int)i;
	}
	return 0;
}

bool cfg_loc_after(const struct sriov_config *c, const struct cfg_loc *a,
		   const struct cfg_loc *b)
{
	unsigned int fa = file_index(c, a->file), fb = file_index(c, b->file);

	if (fa != fb)
		return fa > fb;
	if (a->line != b->line)
		return a->line > b->line;
	return a->col > b->col;
}

void cfg_loc_where(const struct cfg_loc *loc, char *buf, size_t size)
{
	snprintf(buf, size, "%s:%u", loc->file, loc->line);
}

void cfg_collect_at(struct cfg_collector *c, const struct sriov_config *cfg,
		    const struct cfg_loc *loc, const char *fmt, ...)
{
	struct cfg_pos pos = {file_index(cfg, loc->file), loc->line, loc->col};
	char msg[sizeof(((struct cfg_diag *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_collect(c, &pos, "%s", msg);
}
