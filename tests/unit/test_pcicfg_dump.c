// SPDX-License-Identifier: MIT
/* pci_dump_parse(): the real dumps, malformed dumps, and inputs that must not crash it.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sriov/pcicfg.h"

#define X710_DUMP "intel-x710-1572-vpp-notes.txt"

struct text_file {
	char *data; /* exactly len bytes, no terminating NUL */
	size_t len;
};

static const char *test_data_dir(void)
{
	const char *dir = getenv("SRIOV_TEST_DATA");

	return dir ? dir : "tests/data";
}

static void read_text_file(const char *subdir, const char *name, struct text_file *t)
{
	char path[1024];
	FILE *f;
	long size;

	snprintf(path, sizeof(path), "%s/%s/%s", test_data_dir(), subdir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (set SRIOV_TEST_DATA)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	t->len = (size_t)size;
	/* malloc(0) may return NULL: keep a valid pointer, never read through it */
	t->data = malloc(t->len ? t->len : 1);
	assert_non_null(t->data);
	assert_int_equal(fread(t->data, 1, t->len, f), t->len);
	fclose(f);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Names in a data subdirectory that end with suffix (and not with skip), sorted. */
static size_t list_files(const char *subdir, const char *suffix, const char *skip,
			 char names[][256], size_t max)
{
	char path[1024];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", test_data_dir(), subdir);
	d = opendir(path);
	if (!d)
		fail_msg("cannot open directory %s (set SRIOV_TEST_DATA)", path);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !has_suffix(de->d_name, suffix))
			continue;
		if (skip && has_suffix(de->d_name, skip))
			continue;
		assert_true(n < max);
		snprintf(names[n++], 256, "%s", de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), (int (*)(const void *, const void *))strcmp);
	return n;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- the real dumps -------------------------------------------------------- */

static void check_parsed_function(const struct pci_dump_func *f)
{
	assert_true(f->cfg.len == 64 || f->cfg.len == 256 || f->cfg.len == 4096);
	assert_true(f->line >= 1);
	assert_true(strlen(f->description) > 0);
}

static void test_corpus_dumps_parse(void **state)
{
	char names[64][256];
	size_t n = list_files("pci-dumps", ".txt", ".vvv.txt", names, 64);
	size_t parsed = 0;

	(void)state;
	assert_true(n >= 8);
	for (size_t i = 0; i < n; i++) {
		struct pci_dump_func *funcs = NULL;
		struct sriov_err e = {0};
		struct text_file t;
		size_t nf = 0;
		int ret;

		read_text_file("pci-dumps", names[i], &t);
		ret = pci_dump_parse(t.data, t.len, names[i], &funcs, &nf, &e);
		if (strcmp(names[i], X710_DUMP) == 0) {
			assert_int_equal(ret, -EINVAL);
			assert_null(funcs);
			assert_string_equal(e.msg,
					    X710_DUMP ":3: device line continues on next "
						      "line (wrapped?)");
		} else {
			if (ret)
				fail_msg("%s: %s", names[i], e.msg);
			assert_true(nf >= 1);
			for (size_t k = 0; k < nf; k++)
				check_parsed_function(&funcs[k]);
			parsed++;
		}
		pci_dump_free(funcs);
		free(t.data);
	}
	assert_int_equal(parsed, n - 1);
}

/* Spot checks of what the parser stores, against the text of the 82576 dump. */
static void test_82576_contents(void **state)
{
	struct pci_dump_func *funcs;
	struct sriov_err e = {0};
	struct text_file t;
	size_t n;

	(void)state;
	read_text_file("pci-dumps", "intel-82576-10c9-pciutils-cap-pcie-2.txt", &t);
	assert_int_equal(pci_dump_parse(t.data, t.len, "82576", &funcs, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(funcs[0].addr.domain, 0);
	assert_int_equal(funcs[0].addr.bus, 1);
	assert_int_equal(funcs[0].line, 2);
	assert_string_equal(
		funcs[0].description,
		"Ethernet controller: Intel Corporation Device 10c9 (rev 01)");
	assert_int_equal(funcs[0].cfg.len, 4096);
	/* "00: 86 80 c9 10" and "160: 10 00 01 00 ..." (SR-IOV header) */
	assert_int_equal(funcs[0].cfg.data[0], 0x86);
	assert_int_equal(funcs[0].cfg.data[3], 0x10);
	assert_int_equal(funcs[0].cfg.data[0x160], 0x10);
	pci_dump_free(funcs);
	free(t.data);
}

/* Joining the wrapped device lines of the X710 note gives a valid two-function dump. */
static void test_x710_unwrapped(void **state)
{
	static const char wrap[] = " for\n10GbE";
	struct pci_dump_func *funcs;
	struct sriov_err e = {0};
	struct text_file t;
	char *p;
	size_t n;

	(void)state;
	read_text_file("pci-dumps", X710_DUMP, &t);
	while ((p = memmem(t.data, t.len, wrap, strlen(wrap)))) {
		p[4] = ' ';
	}
	assert_int_equal(pci_dump_parse(t.data, t.len, X710_DUMP, &funcs, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(funcs[0].addr.bus, 4);
	assert_int_equal(funcs[0].addr.fn, 0);
	assert_int_equal(funcs[1].addr.fn, 1);
	assert_int_equal(funcs[0].line, 2);
	assert_int_equal(funcs[1].line, 20);
	assert_int_equal(funcs[0].cfg.len, 256);
	assert_int_equal(funcs[1].cfg.len, 256);
	assert_string_equal(funcs[1].description,
			    "Ethernet controller: Intel Corporation "
			    "Ethernet Controller X710 for 10GbE SFP+ "
			    "(rev 02)");
	assert_int_equal(funcs[1].cfg.data[0x12], 0x80); /* "10: 0c 00 80 da" */
	assert_int_equal(funcs[1].cfg.data[0x13], 0xda);
	pci_dump_free(funcs);
	free(t.data);
}

static void test_crlf_same_as_lf(void **state)
{
	struct pci_dump_func *lf, *crlf;
	struct sriov_err e = {0};
	struct text_file t;
	size_t n1, n2, j = 0;
	char *dos;

	(void)state;
	read_text_file("pci-dumps", "samsung-pm174x-nvme-a826-pciutils-cap-phy32.txt",
		       &t);
	dos = malloc(t.len * 2);
	assert_non_null(dos);
	for (size_t i = 0; i < t.len; i++) {
		if (t.data[i] == '\n')
			dos[j++] = '\r';
		dos[j++] = t.data[i];
	}
	assert_int_equal(pci_dump_parse(t.data, t.len, "lf", &lf, &n1, &e), 0);
	assert_int_equal(pci_dump_parse(dos, j, "crlf", &crlf, &n2, &e), 0);
	assert_int_equal(n1, n2);
	assert_int_equal(lf[0].cfg.len, crlf[0].cfg.len);
	assert_memory_equal(lf[0].cfg.data, crlf[0].cfg.data, lf[0].cfg.len);
	assert_string_equal(lf[0].description, crlf[0].description);
	pci_dump_free(lf);
	pci_dump_free(crlf);
	free(dos);
	free(t.data);
}

/* ---- synthetic dumps -------------------------------------------------------- */

/* Appends rows of bytes (value = offset & 0xff ^ seed) for len bytes. */
static size_t append_rows(char *buf, size_t pos, size_t size, size_t len,
			  unsigned int seed)
{
	for (size_t off = 0; off < len; off += 16) {
		pos += (size_t)snprintf(buf + pos, size - pos,
					off < 256 ? "%02zx:" : "%03zx:", off);
		for (size_t k = 0; k < 16; k++)
			pos += (size_t)snprintf(buf + pos, size - pos, " %02x",
						(unsigned int)((off + k) & 0xff) ^ seed);
		pos += (size_t)snprintf(buf + pos, size - pos, "\n");
	}
	return pos;
}

/* ---- lspci -v text mixed in (tests/data/mixed-dumps) ----------------------- */

static void parse_file(const char *subdir, const char *name, struct pci_dump_func **funcs,
		       size_t *n)
{
	struct sriov_err e = {0};
	struct text_file t;

	read_text_file(subdir, name, &t);
	if (pci_dump_parse(t.data, t.len, name, funcs, n, &e))
		fail_msg("%s: %s", name, e.msg);
	free(t.data);
}

static void assert_same_function(const struct pci_dump_func *a,
				 const struct pci_dump_func *b)
{
	struct pci_caps ca, cb;

	assert_int_equal(pci_addr_cmp(&a->addr, &b->addr), 0);
	assert_string_equal(a->description, b->description);
	assert_int_equal(a->cfg.len, b->cfg.len);
	assert_memory_equal(a->cfg.data, b->cfg.data, a->cfg.len);
	assert_int_equal(pci_caps_decode(&a->cfg, &ca, NULL), 0);
	assert_int_equal(pci_caps_decode(&b->cfg, &cb, NULL), 0);
	assert_memory_equal(&ca, &cb, sizeof(ca));
}

/*
 * NAME.vV.xX.txt (lspci -vV -xX) parses to what NAME.xX.txt (lspci -xX)
 * does: every pair lspci printed, -v/-vv/-vvv with -x/-xxx/-xxxx.
 */
static void test_mixed_same_as_plain(void **state)
{
	static const char *const levels[] = {"v", "vv", "vvv"};
	static const char *const hex[] = {"x", "xxx", "xxxx"};
	static const size_t lens[] = {64, 256, 4096};
	char names[64][256];
	size_t n = list_files("mixed-dumps", ".txt", NULL, names, 64);
	size_t compared = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct pci_dump_func *mixed, *plain;
		char base[64], level[8], x[8], plain_name[96];
		size_t nm, np;

		if (sscanf(names[i], "%63[^.].%7[v].%7[x].txt", base, level, x) != 3)
			continue;
		snprintf(plain_name, sizeof(plain_name), "%s.%s.txt", base, x);
		parse_file("mixed-dumps", names[i], &mixed, &nm);
		parse_file("mixed-dumps", plain_name, &plain, &np);
		assert_int_equal(nm, np);
		for (size_t k = 0; k < nm; k++) {
			assert_same_function(&mixed[k], &plain[k]);
			/* lspci prints 256 bytes for a function without more */
			if (!strcmp(base, "82576"))
				assert_int_equal(mixed[k].cfg.len, lens[strlen(x) / 2]);
		}
		pci_dump_free(mixed);
		pci_dump_free(plain);
		compared++;
	}
	/* the SR-IOV PF in every combination, and the test machine's own devices */
	for (size_t l = 0; l < 3; l++)
		for (size_t h = 0; h < 3; h++) {
			char name[64];
			size_t k;

			snprintf(name, sizeof(name), "82576.%s.%s.txt", levels[l],
				 hex[h]);
			for (k = 0; k < n && strcmp(names[k], name); k++)
				;
			if (k == n)
				fail_msg("mixed-dumps/%s is missing", name);
		}
	assert_true(compared >= 10);
}

/* lspci -vvvxxxx of an SR-IOV PF: the capability is decoded from the rows. */
static void test_mixed_sriov_pf(void **state)
{
	struct pci_dump_func *funcs;
	struct pci_caps caps;
	size_t n;

	(void)state;
	parse_file("mixed-dumps", "82576.vvv.xxxx.txt", &funcs, &n);
	assert_int_equal(n, 1);
	assert_int_equal(funcs[0].line, 1);
	assert_int_equal(funcs[0].cfg.len, 4096);
	assert_int_equal(pci_caps_decode(&funcs[0].cfg, &caps, NULL), 0);
	assert_true(caps.has_sriov);
	assert_int_equal(caps.sriov.offset, 0x160);
	assert_true(caps.has_ari);
	assert_false(caps.walk_truncated);
	pci_dump_free(funcs);
}

/* Indented text is lspci's decode only between a device line and its rows. */
static void test_mixed_text_placement(void **state)
{
	static const struct {
		const char *text;
		int ret;
		const char *msg;
	} cases[] = {
		{"01:00.0 x\n\tSubsystem: y\n  spaces too\n00:", 0, NULL},
		{"01:00.0 x\n00:", -EINVAL, "t:6: indented text after the hex rows"},
		{"\tSubsystem: y\n01:00.0 x\n00:", -EINVAL,
		 "t:1: indented text before any device line"},
		{"01:00.0 x\n\tSubsystem: y\n\n", -EINVAL,
		 "t:1: function has lspci -v text but no hex rows"},
		{"01:00.0 x\n\tSubsystem: y\nwrapped\n00:", -EINVAL,
		 "t:3: expected a hex row"},
	};
	char buf[2048];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pci_dump_func *funcs = NULL;
		struct sriov_err e = {0};
		const char *rows = strstr(cases[i].text, "00:");
		size_t pos, n = 0;
		int ret;

		/* "00:" stands for 64 bytes of rows, then indented text for case 1 */
		pos = (size_t)snprintf(buf, sizeof(buf), "%.*s",
				       (int)(rows ? rows - cases[i].text
						  : (ptrdiff_t)strlen(cases[i].text)),
				       cases[i].text);
		if (rows) {
			pos = append_rows(buf, pos, sizeof(buf), 64, 0);
			if (i == 1)
				pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos,
							"\tKernel driver in use: igb\n");
		}
		ret = pci_dump_parse(buf, pos, "t", &funcs, &n, &e);
		if (ret != cases[i].ret)
			fail_msg("case %zu: %d (%s)", i, ret, e.msg);
		if (cases[i].msg && !starts_with(e.msg, cases[i].msg))
			fail_msg("case %zu: \"%s\"", i, e.msg);
		if (!ret)
			assert_int_equal(funcs[0].cfg.len, 64);
		pci_dump_free(funcs);
	}
}

static void test_multi_function(void **state)
{
	size_t size = 64 * 1024, pos = 0, n;
	struct pci_dump_func *funcs;
	struct sriov_err e = {0};
	char *buf = malloc(size);

	(void)state;
	assert_non_null(buf);
	pos += (size_t)snprintf(buf + pos, size - pos, "# three functions\n\n");
	pos += (size_t)snprintf(buf + pos, size - pos, "0002:01:00.0 short dump\n");
	pos = append_rows(buf, pos, size, 64, 0x11);
	pos += (size_t)snprintf(buf + pos, size - pos, "\n\n# next\n");
	pos += (size_t)snprintf(buf + pos, size - pos, "01:00.1 standard\n");
	pos = append_rows(buf, pos, size, 256, 0x22);
	/* no blank line: a device line also ends the function before it */
	pos += (size_t)snprintf(buf + pos, size - pos, "ffff:ff:1f.7\textended\n");
	pos = append_rows(buf, pos, size, 4096, 0x33);
	pos += (size_t)snprintf(buf + pos, size - pos, "\n");

	assert_int_equal(pci_dump_parse(buf, pos, "multi", &funcs, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(funcs[0].addr.domain, 2);
	assert_int_equal(funcs[0].line, 3);
	assert_int_equal(funcs[0].cfg.len, 64);
	assert_int_equal(funcs[0].cfg.data[0x3f], 0x3f ^ 0x11);
	assert_string_equal(funcs[0].description, "short dump");
	assert_int_equal(funcs[1].addr.fn, 1);
	assert_int_equal(funcs[1].line, 3 + 1 + 4 + 3);
	assert_int_equal(funcs[1].cfg.len, 256);
	assert_int_equal(funcs[1].cfg.data[0xff], 0xff ^ 0x22);
	assert_int_equal(funcs[2].addr.domain, 0xffff);
	assert_int_equal(funcs[2].addr.dev, 0x1f);
	assert_int_equal(funcs[2].cfg.len, 4096);
	assert_int_equal(funcs[2].cfg.data[0xfff], 0xff ^ 0x33);
	assert_string_equal(funcs[2].description, "extended");
	pci_dump_free(funcs);
	free(buf);
}

static void test_long_description_truncated(void **state)
{
	size_t size = 8192, pos = 0, n;
	struct pci_dump_func *funcs;
	struct sriov_err e = {0};
	char *buf = malloc(size);

	(void)state;
	assert_non_null(buf);
	pos += (size_t)snprintf(buf + pos, size - pos, "01:00.0 ");
	for (int i = 0; i < 600; i++)
		buf[pos++] = (char)('a' + i % 26);
	buf[pos++] = '\n';
	pos = append_rows(buf, pos, size, 64, 0);
	assert_int_equal(pci_dump_parse(buf, pos, "long", &funcs, &n, &e), 0);
	assert_int_equal(strlen(funcs[0].description), sizeof(funcs[0].description) - 1);
	pci_dump_free(funcs);
	free(buf);
}

static void test_too_many_functions(void **state)
{
	size_t size = 1100 * 400, pos = 0, n = 99;
	struct pci_dump_func *funcs = (void *)1;
	struct sriov_err e = {0};
	char *buf = malloc(size);
	char expected[128];

	(void)state;
	assert_non_null(buf);
	for (unsigned int i = 0; i < 1025; i++) {
		pos += (size_t)snprintf(buf + pos, size - pos, "%04x:%02x:00.0 f\n",
					i >> 8, i & 0xff);
		pos = append_rows(buf, pos, size, 64, 0);
	}
	assert_int_equal(pci_dump_parse(buf, pos, "many", &funcs, &n, &e), -EINVAL);
	assert_null(funcs);
	assert_int_equal(n, 0);
	snprintf(expected, sizeof(expected), "many:%u: more than 1024 functions",
		 1024 * 5 + 1);
	assert_true(starts_with(e.msg, expected));
	free(buf);
}

static void test_oversize_input(void **state)
{
	size_t len = (16u << 20) + 1, n;
	struct pci_dump_func *funcs;
	struct sriov_err e = {0};
	char *buf = malloc(len);

	(void)state;
	assert_non_null(buf);
	memset(buf, '\n', len);
	assert_int_equal(pci_dump_parse(buf, len, "huge", &funcs, &n, &e), -EINVAL);
	assert_true(starts_with(e.msg, "huge:1: input has 16777217 bytes"));
	free(buf);
}

static void test_bad_arguments(void **state)
{
	struct pci_dump_func *funcs;
	struct sriov_err e = {0};
	size_t n;

	(void)state;
	assert_int_equal(pci_dump_parse(NULL, 0, "null", &funcs, &n, &e), -EINVAL);
	assert_string_equal(e.msg, "null:1: no device line found (empty dump?)");
	assert_int_equal(pci_dump_parse("", 0, NULL, &funcs, &n, &e), -EINVAL);
	assert_true(starts_with(e.msg, "<input>:1:"));
	assert_int_equal(pci_dump_parse("x\n", 2, "a", NULL, &n, &e), -EINVAL);
	assert_int_equal(pci_dump_parse("x\n", 2, "a", &funcs, NULL, NULL), -EINVAL);
	/* no error object: still fails cleanly */
	assert_int_equal(pci_dump_parse("00: 00\n", 7, "a", &funcs, &n, NULL), -EINVAL);
}

/* ---- malformed dumps in tests/data/bad-dumps ---------------------------------- */

struct bad_dump {
	const char *name;
	unsigned int line;
	const char *reason; /* start of the text after "NAME:LINE: " */
};

static const struct bad_dump bad_dumps[] = {
	{"wrapped-device-line.txt", 3, "device line continues on next line (wrapped?)"},
	{"no-final-newline.txt", 6, "no final newline"},
	{"odd-hex-zz.txt", 5, "invalid hex byte 'zz' (expected two hex digits)"},
	{"odd-digit-count.txt", 3, "invalid hex byte '0' (expected two hex digits)"},
	{"short-row-15.txt", 4, "expected 16 hex bytes, found 15"},
	{"long-row-17.txt", 6, "expected 16 hex bytes, found 17"},
	{"row-out-of-order.txt", 5, "row offset 30 out of order (expected 20)"},
	{"duplicate-row.txt", 5, "duplicate row offset 10 (expected 20)"},
	{"row-before-device-line.txt", 2, "hex row before any device line"},
	{"function-112-bytes.txt", 2,
	 "function has 112 bytes; a dump has 64, 256 or 4096"},
	{"second-function-short.txt", 8,
	 "function has 48 bytes; a dump has 64, 256 or 4096"},
	{"empty.txt", 1, "no device line found"},
	{"only-comments.txt", 2, "no device line found"},
	{"binary-garbage.bin", 1, "control character 0x7f in column 1"},
	{"bad-address.txt", 2, "invalid PCI address '01:20.0'"},
	{"mixed-no-rows.txt", 2, "function has lspci -v text but no hex rows"},
	{"mixed-text-after-rows.txt", 72, "indented text after the hex rows"},
	{"mixed-text-before-device-line.txt", 2, "indented text before any device line"},
	{"mixed-wrapped-device-line.txt", 3,
	 "device line continues on next line (wrapped?)"},
};

#define N_BAD_DUMPS (sizeof(bad_dumps) / sizeof(bad_dumps[0]))

static void check_bad_dump(const struct bad_dump *b)
{
	struct pci_dump_func *funcs = (void *)1;
	struct sriov_err e = {0};
	char prefix[512];
	struct text_file t;
	size_t n = 7;
	int ret;

	read_text_file("bad-dumps", b->name, &t);
	ret = pci_dump_parse(t.data, t.len, b->name, &funcs, &n, &e);
	if (ret != -EINVAL)
		fail_msg("%s: returned %d, expected -EINVAL", b->name, ret);
	assert_null(funcs);
	assert_int_equal(n, 0);
	assert_int_equal(e.code, -EINVAL);
	snprintf(prefix, sizeof(prefix), "%s:%u: %s", b->name, b->line, b->reason);
	if (!starts_with(e.msg, prefix))
		fail_msg("%s: message \"%s\", expected it to start with \"%s\"", b->name,
			 e.msg, prefix);
	free(t.data);
}

static void test_bad_dumps(void **state)
{
	char names[64][256];
	size_t n = list_files("bad-dumps", "", NULL, names, 64);

	(void)state;
	assert_true(N_BAD_DUMPS >= 8);
	/* every file in the directory has an expectation, and the other way round */
	assert_int_equal(n, N_BAD_DUMPS);
	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < N_BAD_DUMPS; k++) {
			if (strcmp(names[i], bad_dumps[k].name) == 0)
				break;
		}
		if (k == N_BAD_DUMPS)
			fail_msg("bad-dumps/%s has no expectation in this test",
				 names[i]);
		check_bad_dump(&bad_dumps[k]);
	}
}

/* ---- robustness ---------------------------------------------------------------- */

/* Any result is fine; a failure must be -EINVAL with "NAME:LINE: ". */
static void parse_anything(const char *buf, size_t len)
{
	struct pci_dump_func *funcs = NULL;
	struct sriov_err e = {0};
	size_t n = 0;
	int ret;

	ret = pci_dump_parse(buf, len, "fuzz", &funcs, &n, &e);
	if (ret == 0) {
		assert_true(n >= 1);
		for (size_t i = 0; i < n; i++)
			check_parsed_function(&funcs[i]);
		pci_dump_free(funcs);
		return;
	}
	assert_int_equal(ret, -EINVAL);
	assert_null(funcs);
	assert_true(starts_with(e.msg, "fuzz:"));
}

/* Every prefix is parsed from an exactly-sized heap copy, so ASan sees overreads. */
static void test_every_prefix(void **state)
{
	struct text_file t;

	(void)state;
	read_text_file("pci-dumps", "qemu-nvme-1b36-0010-lkml-flr.txt", &t);
	for (size_t len = 0; len <= t.len; len++) {
		char *copy = malloc(len ? len : 1);

		assert_non_null(copy);
		memcpy(copy, t.data, len);
		parse_anything(copy, len);
		free(copy);
	}
	free(t.data);
}

static uint32_t xorshift32(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_random_mutations(void **state)
{
	static const char alphabet[] = "0123456789abcdefABCDEFxz:. \t\r\n#\0\xff";
	uint32_t seed = 0x5eed1234;
	struct text_file t;

	(void)state;
	read_text_file("pci-dumps", "mellanox-cx5ex-15b3-1019-lkml-flr.txt", &t);
	for (int round = 0; round < 3000; round++) {
		char *copy = malloc(t.len);
		int edits = 1 + (int)(xorshift32(&seed) % 4);
		size_t len = t.len;

		assert_non_null(copy);
		memcpy(copy, t.data, t.len);
		for (int k = 0; k < edits; k++) {
			size_t at = xorshift32(&seed) % t.len;

			copy[at] = alphabet[xorshift32(&seed) % (sizeof(alphabet) - 1)];
		}
		if (round % 5 == 0)
			len = xorshift32(&seed) % (t.len + 1);
		parse_anything(copy, len);
		free(copy);
	}
	for (int round = 0; round < 500; round++) {
		size_t len = xorshift32(&seed) % 600;
		char *junk = malloc(len ? len : 1);

		assert_non_null(junk);
		for (size_t i = 0; i < len; i++)
			junk[i] = (char)xorshift32(&seed);
		parse_anything(junk, len);
		free(junk);
	}
	free(t.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_dumps_parse),
		cmocka_unit_test(test_82576_contents),
		cmocka_unit_test(test_x710_unwrapped),
		cmocka_unit_test(test_crlf_same_as_lf),
		cmocka_unit_test(test_multi_function),
		cmocka_unit_test(test_mixed_same_as_plain),
		cmocka_unit_test(test_mixed_sriov_pf),
		cmocka_unit_test(test_mixed_text_placement),
		cmocka_unit_test(test_long_description_truncated),
		cmocka_unit_test(test_too_many_functions),
		cmocka_unit_test(test_oversize_input),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_bad_dumps),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_random_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
