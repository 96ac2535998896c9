// SPDX-License-Identifier: MIT
/*
 * Reader for the text pciutils prints with lspci -x, -xxx and -xxxx: per
 * function a device line "[DDDD:]BB:DD.F description" and rows of sixteen
 * hex bytes "OFF: xx xx ...". With -v, -vv or -vvv as well (lspci -vvvxxxx,
 * what users paste), lspci prints its decode between the device line and the
 * rows, every line of it indented: that text is skipped, as lspci -F skips
 * it. The text comes from pastes and mail archives, so every defect is
 * reported with the file and line it was found on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/pcicfg.h"
#include "hex.h"

#define DUMP_MAX_INPUT	     (16u << 20) /* far above any real lspci output */
#define DUMP_MAX_FUNCS	     1024
#define DUMP_ROW_BYTES	     16
#define DUMP_MAX_OFFSET_DIGS 4
#define DUMP_TOKEN_SHOWN     16

struct dump_line {
	const char *text;
	size_t len; /* without the newline and a CR before it */
	unsigned int number;
};

struct dump_parser {
	const char *text;
	size_t len;
	size_t pos;
	const char *filename;
	unsigned int line_number;
	struct pci_dump_func *funcs;
	size_t n_funcs;
	size_t cap_funcs;
	struct pci_dump_func *cur; /* function whose rows are being read */
	bool after_device_line;	   /* last meaningful line was a device line */
	bool verbose_text;	   /* cur has lspci -v text (indented lines) */
	struct sriov_err *e;
};

static int dump_error(const struct dump_parser *p, unsigned int line, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));

static int dump_error(const struct dump_parser *p, unsigned int line, const char *fmt,
		      ...)
{
	char reason[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	sriov_err_set(p->e, -EINVAL, "%s:%u: %s", p->filename, line, reason);
	return -EINVAL;
}

/* How many characters of a bad token an error message quotes. */
static int quoted_len(size_t n)
{
	return (int)(n < DUMP_TOKEN_SHOWN ? n : DUMP_TOKEN_SHOWN);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ---- lines --------------------------------------------------------------- */

/* Returns 1 with the next line, 0 at the end, or -EINVAL when the last line
 * has no newline. */
static int next_line(struct dump_parser *p, struct dump_line *l)
{
	const char *start, *nl;

	if (p->pos >= p->len)
		return 0;
	start = p->text + p->pos;
	l->number = ++p->line_number;
	nl = memchr(start, '\n', p->len - p->pos);
	if (!nl)
		return dump_error(p, l->number, "no final newline");
	l->text = start;
	l->len = (size_t)(nl - start);
	if (l->len && start[l->len - 1] == '\r')
		l->len--;
	p->pos += (size_t)(nl - start) + 1;
	return 1;
}

static bool line_is_blank(const struct dump_line *l)
{
	size_t i;

	for (i = 0; i < l->len; i++) {
		if (!is_blank(l->text[i]))
			return false;
	}
	return true;
}

static int check_control_chars(const struct dump_parser *p, const struct dump_line *l)
{
	size_t i;

	for (i = 0; i < l->len; i++) {
		unsigned char c = (unsigned char)l->text[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return dump_error(
				p, l->number,
				"control character 0x%02x in column %zu (binary data?)",
				c, i + 1);
	}
	return 0;
}

/* ---- functions ----------------------------------------------------------- */

static bool dump_len_valid(size_t len)
{
	return len == 64 || len == PCI_CFG_STD_SIZE || len == PCI_CFG_EXT_SIZE;
}

static int finish_function(struct dump_parser *p)
{
	struct pci_dump_func *f = p->cur;
	bool verbose_text = p->verbose_text;

	p->cur = NULL;
	p->after_device_line = false;
	p->verbose_text = false;
	if (!f || dump_len_valid(f->cfg.len))
		return 0;
	if (f->cfg.len == 0 && verbose_text)
		return dump_error(p, f->line,
				  "function has lspci -v text but no hex rows: "
				  "a dump needs -x, -xxx or -xxxx (lspci -vvvxxxx)");
	return dump_error(p, f->line,
			  "function has %zu bytes; a dump has 64, 256 or 4096",
			  f->cfg.len);
}

static int grow_functions(struct dump_parser *p)
{
	struct pci_dump_func *bigger;
	size_t cap = p->cap_funcs ? p->cap_funcs * 2 : 4;

	bigger = realloc(p->funcs, cap * sizeof(*bigger));
	if (!bigger)
		return sriov_err_set(p->e, -ENOMEM, "%s: out of memory for %zu functions",
				     p->filename, cap);
	p->funcs = bigger;
	p->cap_funcs = cap;
	return 0;
}

/* The address token of a device line: text up to the first blank. */
static size_t address_token_len(const struct dump_line *l)
{
	size_t n = 0;

	while (n < l->len && !is_blank(l->text[n]))
		n++;
	return n;
}

static bool parse_device_address(const struct dump_line *l, struct pci_addr *addr)
{
	char token[PCI_ADDR_STRLEN];
	size_t n = address_token_len(l);

	if (n == 0 || n >= sizeof(token))
		return false;
	memcpy(token, l->text, n);
	token[n] = '\0';
	return pci_addr_parse(token, addr) == 0;
}

static void copy_description(struct pci_dump_func *f, const struct dump_line *l)
{
	size_t i = address_token_len(l);
	size_t n;

	while (i < l->len && is_blank(l->text[i]))
		i++;
	n = l->len - i;
	if (n >= sizeof(f->description))
		n = sizeof(f->description) - 1;
	memcpy(f->description, l->text + i, n);
	f->description[n] = '\0';
}

static int start_function(struct dump_parser *p, const struct dump_line *l,
			  const struct pci_addr *addr)
{
	struct pci_dump_func *f;
	int ret;

	ret = finish_function(p);
	if (ret)
		return ret;
	if (p->n_funcs >= DUMP_MAX_FUNCS)
		return dump_error(p, l->number, "more than %u functions in one dump",
				  DUMP_MAX_FUNCS);
	if (p->n_funcs == p->cap_funcs) {
		ret = grow_functions(p);
		if (ret)
			return ret;
	}
	f = &p->funcs[p->n_funcs++];
	memset(f, 0, sizeof(*f));
	f->addr = *addr;
	f->line = l->number;
	copy_description(f, l);
	p->cur = f;
	p->after_device_line = true;
	p->verbose_text = false;
	return 0;
}

/* ---- lspci -v text ------------------------------------------------------- */

/* lspci indents every line of its -v/-vv/-vvv decode; rows and device lines
 * start in the first column. */
static bool line_is_indented(const struct dump_line *l)
{
	return l->len && is_blank(l->text[0]);
}

/* The decode sits between the device line and the first hex row. */
static int skip_verbose_text(struct dump_parser *p, const struct dump_line *l)
{
	if (!p->cur)
		return dump_error(p, l->number,
				  "indented text before any device line (expected "
				  "\"[DDDD:]BB:DD.F description\")");
	if (p->cur->cfg.len)
		return dump_error(p, l->number,
				  "indented text after the hex rows (lspci prints its "
				  "-v text before them)");
	p->verbose_text = true;
	p->after_device_line = false;
	return 0;
}

/* ---- hex rows ------------------------------------------------------------ */

/* A row starts with 1-4 hex digits and a colon, then a blank or the end. */
static bool line_is_row(const struct dump_line *l)
{
	size_t n = 0;

	while (n < l->len && n <= DUMP_MAX_OFFSET_DIGS &&
	       hex_digit_value(l->text[n]) >= 0)
		n++;
	if (n == 0 || n > DUMP_MAX_OFFSET_DIGS || n >= l->len || l->text[n] != ':')
		return false;
	return n + 1 == l->len || is_blank(l->text[n + 1]);
}

static size_t row_offset(const struct dump_line *l, size_t *pos)
{
	size_t off = 0;
	size_t i = 0;

	while (l->text[i] != ':')
		off = off << 4 | (size_t)hex_digit_value(l->text[i++]);
	*pos = i + 1;
	return off;
}

static int check_row_offset(const struct dump_parser *p, const struct dump_line *l,
			    size_t off)
{
	size_t expected = p->cur->cfg.len;

	if (off % DUMP_ROW_BYTES)
		return dump_error(p, l->number, "row offset %zx is not a multiple of 16",
				  off);
	if (off >= PCI_CFG_EXT_SIZE)
		return dump_error(p, l->number,
				  "row offset %zx beyond the 4096-byte config space",
				  off);
	if (off < expected)
		return dump_error(p, l->number, "duplicate row offset %zx (expected %zx)",
				  off, expected);
	if (off > expected)
		return dump_error(p, l->number,
				  "row offset %zx out of order (expected %zx)", off,
				  expected);
	return 0;
}

static int parse_hex_byte(const struct dump_parser *p, const struct dump_line *l,
			  size_t start, size_t end, uint8_t *out)
{
	size_t n = end - start;
	int hi, lo;

	hi = n == 2 ? hex_digit_value(l->text[start]) : -1;
	lo = n == 2 ? hex_digit_value(l->text[start + 1]) : -1;
	if (hi < 0 || lo < 0)
		return dump_error(p, l->number,
				  "invalid hex byte '%.*s' (expected two hex digits)",
				  quoted_len(n), l->text + start);
	*out = (uint8_t)(hi << 4 | lo);
	return 0;
}

/* Reads the blank-separated byte tokens after the colon into bytes[]. */
static int parse_row_bytes(const struct dump_parser *p, const struct dump_line *l,
			   size_t pos, uint8_t bytes[DUMP_ROW_BYTES])
{
	unsigned int found = 0;
	uint8_t byte = 0;
	int ret;

	for (;;) {
		size_t start;

		while (pos < l->len && is_blank(l->text[pos]))
			pos++;
		if (pos == l->len)
			break;
		start = pos;
		while (pos < l->len && !is_blank(l->text[pos]))
			pos++;
		ret = parse_hex_byte(p, l, start, pos, &byte);
		if (ret)
			return ret;
		if (found < DUMP_ROW_BYTES)
			bytes[found] = byte;
		found++;
	}
	if (found != DUMP_ROW_BYTES)
		return dump_error(p, l->number, "expected 16 hex bytes, found %u", found);
	return 0;
}

static int parse_row(struct dump_parser *p, const struct dump_line *l)
{
	uint8_t bytes[DUMP_ROW_BYTES];
	size_t pos, off;
	int ret;

	if (!p->cur && p->n_funcs == 0)
		return dump_error(p, l->number, "hex row before any device line");
	if (!p->cur)
		return dump_error(p, l->number,
				  "hex row outside a function (after a blank line?)");
	off = row_offset(l, &pos);
	ret = check_row_offset(p, l, off);
	if (ret)
		return ret;
	ret = parse_row_bytes(p, l, pos, bytes);
	if (ret)
		return ret;
	memcpy(p->cur->cfg.data + off, bytes, DUMP_ROW_BYTES);
	p->cur->cfg.len = off + DUMP_ROW_BYTES;
	p->after_device_line = false;
	return 0;
}

/* ---- driver -------------------------------------------------------------- */

static int parse_other_line(struct dump_parser *p, const struct dump_line *l)
{
	struct pci_addr addr;

	if (parse_device_address(l, &addr))
		return start_function(p, l, &addr);
	if (p->after_device_line)
		return dump_error(p, l->number,
				  "device line continues on next line (wrapped?)");
	if (memchr(l->text, ':', address_token_len(l)))
		return dump_error(p, l->number,
				  "invalid PCI address '%.*s' (expected [DDDD:]BB:DD.F, "
				  "device at most 1f, function at most 7)",
				  quoted_len(address_token_len(l)), l->text);
	if (p->cur)
		return dump_error(p, l->number, "expected a hex row \"OFF: xx xx ...\"");
	return dump_error(p, l->number,
			  "expected a device line \"[DDDD:]BB:DD.F description\"");
}

static int parse_line(struct dump_parser *p, const struct dump_line *l)
{
	int ret;

	if (l->len && l->text[0] == '#')
		return 0;
	ret = check_control_chars(p, l);
	if (ret)
		return ret;
	if (line_is_blank(l))
		return finish_function(p);
	if (line_is_row(l))
		return parse_row(p, l);
	if (line_is_indented(l))
		return skip_verbose_text(p, l);
	return parse_other_line(p, l);
}

static int parse_all_lines(struct dump_parser *p)
{
	struct dump_line l = {0};
	int ret;

	while ((ret = next_line(p, &l)) > 0) {
		ret = parse_line(p, &l);
		if (ret)
			return ret;
	}
	if (ret)
		return ret;
	ret = finish_function(p);
	if (ret)
		return ret;
	if (p->n_funcs == 0)
		return dump_error(p, p->line_number ? p->line_number : 1,
				  "no device line found (empty dump?)");
	return 0;
}

int pci_dump_parse(const char *text, size_t len, const char *filename,
		   struct pci_dump_func **funcs, size_t *n, struct sriov_err *e)
{
	struct dump_parser p = {0};
	int ret;

	p.text = text;
	p.len = text ? len : 0;
	p.filename = filename ? filename : "<input>";
	p.e = e;
	if (!funcs || !n)
		return sriov_err_set(e, -EINVAL, "%s: no place to store the result",
				     p.filename);
	*funcs = NULL;
	*n = 0;
	if (p.len > DUMP_MAX_INPUT)
		return dump_error(&p, 1, "input has %zu bytes; a dump is at most %u",
				  p.len, DUMP_MAX_INPUT);
	ret = parse_all_lines(&p);
	if (ret) {
		free(p.funcs);
		return ret;
	}
	*funcs = p.funcs;
	*n = p.n_funcs;
	return 0;
}

void pci_dump_free(struct pci_dump_func *funcs)
{
	free(funcs);
}
