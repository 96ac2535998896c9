// SPDX-License-Identifier: MIT
/*
 * Configuration text into raw entries, with inih.
 *
 * inih is built without line numbers for the handler and keeps a section
 * name of at most 49 bytes, so it is fed through a reader of our own: the
 * reader serves one line at a time, counts lines, keeps the line's text (for
 * columns) and reads section headers itself; inih splits "key = value" lines
 * and strips inline comments, and its handler runs for the line just served.
 *
 * The reader serves every line without its leading whitespace, so inih never
 * sees an indented line and never treats one as the continuation of the
 * previous value (configparser style): an indented key is an ordinary key,
 * and an indented line without '=' is reported as a continuation, which this
 * format does not have. A line longer than inih's buffer is reported here and
 * served empty, rather than split by inih into pieces.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config_internal.h"

#define SNIPPET_MAX 40 /* bytes of a bad line quoted in its message */

struct parse_state {
	struct cfg_raw *raw;
	struct cfg_collector *c;
	unsigned int file;
	const char *text;
	size_t len, off; /* off: the first byte not served yet */
	unsigned int line;
	const char *cur; /* the line last served, without BOM and line break */
	size_t cur_len;
	size_t indent; /* leading whitespace of cur */
	size_t section;
	unsigned int pending; /* a line that must be KEY = VALUE; the handler clears it */
	bool pending_indented;
	bool prev_was_key;		 /* the last line with content was KEY = VALUE */
	unsigned int first_syntax_error; /* the line inih reports too */
	int err;			 /* -ENOMEM */
};

static void report(struct parse_state *st, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(struct parse_state *st, size_t col, const char *fmt, ...)
{
	struct cfg_pos pos = {st->file, st->line, (unsigned int)col};
	char msg[sizeof(((struct cfg_diag *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_collect(st->c, &pos, "%s", msg);
}

static void syntax_error_at(struct parse_state *st)
{
	if (!st->first_syntax_error)
		st->first_syntax_error = st->line;
}

/* ---- raw entries ------------------------------------------------------------ */

static int grow(void **items, size_t *cap, size_t n, size_t size)
{
	size_t want = *cap ? *cap * 2 : 64;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*items, want * size);
	if (!p)
		return -ENOMEM;
	*items = p;
	*cap = want;
	return 0;
}

static int add_section(struct parse_state *st, const char *header, size_t len, size_t col)
{
	struct cfg_raw *raw = st->raw;
	struct cfg_raw_section *s;

	if (grow((void **)&raw->sections, &raw->cap_sections, raw->n_sections,
		 sizeof(*s)) < 0)
		return -ENOMEM;
	s = &raw->sections[raw->n_sections];
	memset(s, 0, sizeof(*s));
	s->pos = (struct cfg_pos){st->file, st->line, (unsigned int)col};
	s->header_col = (unsigned int)col + 1;
	if (header) {
		s->header = strndup(header, len);
		if (!s->header)
			return -ENOMEM;
	}
	st->section = raw->n_sections++;
	return 0;
}

static int add_entry(struct parse_state *st, const char *key, const char *value,
		     size_t key_col, size_t value_col)
{
	struct cfg_raw *raw = st->raw;
	size_t klen = strlen(key), vlen = strlen(value);
	struct cfg_raw_entry *en;
	char *buf;

	if (grow((void **)&raw->entries, &raw->cap_entries, raw->n_entries, sizeof(*en)) <
	    0)
		return -ENOMEM;
	buf = malloc(klen + vlen + 2);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, key, klen + 1);
	memcpy(buf + klen + 1, value, vlen + 1);
	en = &raw->entries[raw->n_entries++];
	en->section = st->section;
	en->key = buf;
	en->value = buf + klen + 1;
	en->key_pos = (struct cfg_pos){st->file, st->line, (unsigned int)key_col};
	en->value_pos = (struct cfg_pos){st->file, st->line, (unsigned int)value_col};
	return 0;
}

void cfg_raw_free(struct cfg_raw *raw)
{
	for (size_t i = 0; i < raw->n_sections; i++)
		free(raw->sections[i].header);
	for (size_t i = 0; i < raw->n_entries; i++)
		free(raw->entries[i].key);
	free(raw->sections);
	free(raw->entries);
	memset(raw, 0, sizeof(*raw));
}

/* ---- lines ------------------------------------------------------------------ */

/* The line's text with control bytes shown as '?', for a message. */
static void snippet(const char *s, size_t len, char *buf, size_t size)
{
	size_t n = len < size - 1 ? len : size - 1;

	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[n] = '\0';
}

/* The line before this one should have reached the handler: it did not. */
static void finish_pending(struct parse_state *st)
{
	char text[SNIPPET_MAX + 1];

	if (!st->pending)
		return;
	st->pending = 0;
	syntax_error_at(st);
	if (st->pending_indented && st->prev_was_key) {
		report(st, st->indent + 1,
		       "a value continued on an indented line: write KEY = VALUE on one "
		       "line");
		return;
	}
	/* st->cur is NULL before the first line: read it only when pending */
	snippet(st->cur + st->indent, st->cur_len - st->indent, text, sizeof(text));
	report(st, st->indent + 1,
	       "expected KEY = VALUE, a [section] header or a comment, not '%s'", text);
	st->prev_was_key = false;
}

/* A "[...]" line (s: the line from '[' on, len bytes): inih's rules for ']'. */
static void read_header(struct parse_state *st, const char *s, size_t len)
{
	size_t col = st->indent + 1, end = 1, rest;

	while (end < len && s[end] != ']' &&
	       !(s[end] == ';' && isspace((unsigned char)s[end - 1])))
		end++;
	st->prev_was_key = false;
	if (end == len || s[end] != ']') {
		syntax_error_at(st);
		report(st, col,
		       "section header without its closing ']' (sections are [pf "
		       "SELECTOR] and [vf SELECTOR INDEXES])");
		st->err = add_section(st, NULL, 0, col);
		return;
	}
	st->err = add_section(st, s + 1, end - 1, col);
	rest = end + 1;
	while (rest < len && isspace((unsigned char)s[rest]))
		rest++;
	if (rest < len && s[rest] != ';')
		report(st, col + rest, "unexpected text after ']'%s",
		       s[rest] == '#' ? " (a comment after a header starts with ';')"
				      : "");
}

/* Classifies the line just read; a line inih must turn into KEY = VALUE is pending. */
static void classify(struct parse_state *st)
{
	const char *s = st->cur + st->indent;
	size_t len = st->cur_len - st->indent;

	if (len == 0 || s[0] == ';' || s[0] == '#')
		return;
	if (s[0] == '[') {
		read_header(st, s, len);
		return;
	}
	st->pending = st->line;
	st->pending_indented = st->indent > 0;
}

/* Advances to the next line: cur, cur_len, indent, line. */
static void next_line(struct parse_state *st)
{
	const char *start = st->text + st->off;
	const char *nl = memchr(start, '\n', st->len - st->off);
	size_t len = nl ? (size_t)(nl - start) : st->len - st->off;

	st->off += len + (nl ? 1 : 0);
	st->line++;
	if (st->line == 1 && len >= 3 && !memcmp(start, "\xef\xbb\xbf", 3)) {
		start += 3; /* a UTF-8 byte order mark */
		len -= 3;
	}
	if (len && start[len - 1] == '\r')
		len--;
	st->cur = start;
	st->cur_len = len;
	st->indent = 0;
	while (st->indent < len && isspace((unsigned char)start[st->indent]))
		st->indent++;
}

/* inih's reader: one line per call, without its leading whitespace. */
static char *serve_line(char *str, int num, void *stream)
{
	struct parse_state *st = stream;
	size_t len;

	finish_pending(st);
	if (st->err || st->off >= st->len || num < 2)
		return NULL;
	next_line(st);
	len = st->cur_len - st->indent;
	if (st->cur_len > CFG_LINE_MAX || len + 2 > (size_t)num) {
		report(st, CFG_LINE_MAX + 1, "line longer than %d bytes (%zu bytes)",
		       CFG_LINE_MAX, st->cur_len);
		st->prev_was_key = false;
		memcpy(str, "\n", 2);
		return str;
	}
	classify(st);
	memcpy(str, st->cur + st->indent, len);
	memcpy(str + len, "\n", 2);
	return str;
}

/* inih's handler, for the line just served: one KEY = VALUE. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *st = user;
	const char *s = st->cur + st->indent;
	size_t len = st->cur_len - st->indent, sep = 0, vpos;

	(void)section;
	while (sep < len && s[sep] != '=' && s[sep] != ':')
		sep++;
	vpos = sep + 1;
	st->pending = 0;
	st->prev_was_key = true;
	if (st->err)
		return 1;
	while (vpos < len && isspace((unsigned char)s[vpos]))
		vpos++;
	if (sep < len && s[sep] == ':') {
		report(st, st->indent + sep + 1,
		       "expected '=' after the key '%.40s' (KEY = VALUE)", name);
		return 1;
	}
	if (!name[0]) {
		report(st, st->indent + 1, "a key is missing before '='");
		return 1;
	}
	st->err = add_entry(st, name, value, st->indent + 1, st->indent + vpos + 1);
	return 1;
}

/* The line and column of a NUL byte at off. */
static void nul_position(const char *text, size_t off, struct cfg_pos *pos)
{
	size_t line_start = 0;

	pos->line = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			pos->line++;
			line_start = i + 1;
		}
	}
	pos->col = (unsigned int)(off - line_start + 1);
}

int cfg_parse_file_text(struct cfg_raw *raw, unsigned int file, const char *text,
			size_t len, struct cfg_collector *c)
{
	struct parse_state st = {
		.raw = raw,
		.c = c,
		.file = file,
		.text = text,
		.len = len,
		.section = CFG_NO_SECTION,
	};
	const char *nul = memchr(text, '\0', len);
	int ret;

	cfg_collect_stream(c, true);
	if (nul) {
		struct cfg_pos pos = {.file = file};

		nul_position(text, (size_t)(nul - text), &pos);
		cfg_collect(c, &pos, "a NUL byte: this is not a text file");
		return 0;
	}
	ret = ini_parse_stream(serve_line, &st, on_key, &st);
	if (st.err)
		return st.err;
	if (ret > 0 && (unsigned int)ret != st.first_syntax_error) {
		struct cfg_pos pos = {file, (unsigned int)ret, 1};

		cfg_collect(c, &pos, "syntax error");
	}
	return ret == -2 ? -ENOMEM : 0;
}
