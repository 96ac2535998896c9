// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the command line, through the real entry point
 * sriovctl_main(). The input is a command (its first byte picks one from
 * a fixed list) and its arguments (the rest, split at NUL or newline).
 * Every run reads a private copy of a recorded host (--root), extracted
 * once into a temporary directory, and never changes anything: commands
 * that change a host always get --dry-run, and `capture` (which writes an
 * archive) is not on the list. No fork, no socket (--root replays the
 * recorded rtnetlink replies), nothing written outside the temporary tree.
 *
 * "@" at the start of an argument stands for the tree's directory, so an
 * input can name the files placed there: @/etc/sriovctl.conf,
 * @/fuzz/dump.txt (for decode), @/fuzz/dmesg.kmsg (for check --kmsg).
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fuzz.h"

#define MAX_ARGS    12
#define MAX_ARG_LEN 160

static char tree[PATH_MAX - 64];

struct fuzz_cmd {
	const char *name;	   /* NULL: options before any command */
	const char *no_change;	   /* changes a host: this option always */
	const char *no_change_alt; /* or this one, picked by the first byte */
};

static const struct fuzz_cmd commands[] = {
	{"list", NULL, NULL},
	{"show", NULL, NULL},
	{"check", NULL, NULL},
	{"decode", NULL, NULL},
	{"vf", NULL, NULL}, /* --dry-run when the arguments hold "set" */
	{"export", NULL, NULL},
	{"help", NULL, NULL},
	{NULL, NULL, NULL},
	{"enable", "--dry-run", NULL},
	{"disable", "--dry-run", NULL},
	{"bind", "--dry-run", NULL},
	{"unbind", "--dry-run", NULL},
	{"apply", "--dry-run", "--check"},
	{"restore", "--dry-run", NULL},
	{"persist", "--dry-run", NULL},
};

/* The configuration the recorded host gets (its PF is an 82576, eth0). */
static const char tree_config[] = "[pf 8086:10c9]\n"
				  "num_vfs = 2\n"
				  "autoprobe = yes\n"
				  "spoofchk = on\n"
				  "\n"
				  "[vf eth0 0]\n"
				  "mac = 02:00:00:00:00:10\n"
				  "vlan = 10\n"
				  "trust = on\n"
				  "driver = vfio-pci\n";

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* ---- the tree ----------------------------------------------------------------- */

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_args: %s: %s\n", what, detail);
	abort();
}

/* A tar member name that stays inside the directory it is extracted to. */
static bool member_is_safe(const char *name)
{
	const char *p = name;

	if (!name[0] || name[0] == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		p += *p == '/';
	}
	return true;
}

static void extract(const char *tar)
{
	struct archive *a = archive_read_new();
	struct archive_entry *entry;
	char path[PATH_MAX];
	int r;

	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, tar, 10240) != ARCHIVE_OK)
		die(tar, archive_error_string(a));
	while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(entry);

		if (!member_is_safe(name) || archive_entry_hardlink(entry))
			die(tar, "a member escapes the tree or is a hard link");
		snprintf(path, sizeof(path), "%s/%s", tree, name);
		archive_entry_set_pathname(entry, path);
		if (archive_read_extract(a, entry,
					 ARCHIVE_EXTRACT_SECURE_NODOTDOT |
						 ARCHIVE_EXTRACT_SECURE_SYMLINKS) !=
		    ARCHIVE_OK)
			die(path, archive_error_string(a));
	}
	if (r != ARCHIVE_EOF)
		die(tar, archive_error_string(a));
	archive_read_free(a);
}

/* Writes text to dst (relative to the tree), creating its directories. */
static void put(const char *dst, const char *text, size_t len)
{
	char to[PATH_MAX];
	FILE *out;

	snprintf(to, sizeof(to), "%s/%s", tree, dst);
	for (char *s = strchr(to + strlen(tree) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(to, 0755);
		*s = '/';
	}
	out = fopen(to, "wb");
	if (!out || fwrite(text, 1, len, out) != len || fclose(out))
		die(to, "cannot be written");
	chmod(to, 0644);
}

/* Copies the source file src (relative to the source tree) to dst in the tree. */
static void place(const char *src, const char *dst)
{
	char from[PATH_MAX], *text = NULL;
	size_t len = 0;
	FILE *in, *buf;
	int c;

	snprintf(from, sizeof(from), "%s/%s", FUZZ_SOURCE_ROOT, src);
	in = fopen(from, "rb");
	buf = open_memstream(&text, &len);
	if (!in || !buf)
		die(from, "cannot be read");
	while ((c = getc(in)) != EOF)
		putc(c, buf);
	fclose(in);
	fclose(buf);
	put(dst, text, len);
	free(text);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(path);
	return 0;
}

static void remove_tree(void)
{
	if (tree[0])
		nftw(tree, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tar = getenv("SRIOV_FUZZ_TREE");
	const char *tmp = getenv("TMPDIR");
	int fd;

	(void)argc;
	(void)argv;
	/* "decode -" reads standard input: make it end at once */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
		die("/dev/null", "cannot be opened");
	close(fd);
	snprintf(tree, sizeof(tree), "%s/sriovctl-fuzz-args-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(tree))
		die(tree, "cannot be created");
	atexit(remove_tree);
	extract(tar ? tar : FUZZ_SOURCE_ROOT "/tests/fixtures/vm-igb-nvme-vf4.tar");
	put("etc/sriovctl.conf", tree_config, sizeof(tree_config) - 1);
	place("tests/data/config/good/merged.conf", "etc/sriovctl.d/merged.conf");
	place("tests/data/pci-dumps/intel-82576-10c9-pciutils-cap-pcie-2.txt",
	      "fuzz/dump.txt");
	place("tests/data/kmsg/vm-igb-enable.kmsg", "fuzz/dmesg.kmsg");
	return 0;
}

/* ---- one run ------------------------------------------------------------------ */

/* "--r", "--ro", "--roo", "--root" (getopt takes unique prefixes), with "=..." */
static bool names_root_option(const char *arg)
{
	size_t n = strcspn(arg, "=");

	return n >= 3 && n <= 6 && !strncmp(arg, "--root", n);
}

/*
 * decode FILE, check --kmsg FILE and the FILEs of apply and persist are
 * read from the host, not the tree. Reading /dev/zero, /dev/kmsg,
 * /proc/kmsg, a FIFO (under /run, /tmp) or some /sys attributes blocks or
 * never ends, so an argument that could name such a file is refused: an
 * absolute path outside the tree, any "..", and a relative path starting
 * with a top-level directory's name (the fuzzer may run in /).
 */
static bool may_reach_host_file(const char *arg)
{
	static const char *const top[] = {"proc", "sys", "dev", "run", "var", "tmp"};

	size_t n = strlen(tree);

	if (strstr(arg, ".."))
		return true;
	if (arg[0] == '/')
		return strncmp(arg, tree, n) != 0 || (arg[n] != '/' && arg[n] != '\0');
	while (arg[0] == '.' && arg[1] == '/')
		arg += 2;
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (!strncmp(arg, top[i], strlen(top[i])))
			return true;
	return false;
}

struct fuzz_argv {
	char *v[MAX_ARGS + 8];
	int n;
	char *owned[MAX_ARGS];
	int n_owned;
};

/* Adds one fuzzed argument ("@" expanded). false: the input is refused. */
static bool add_arg(struct fuzz_argv *a, const char *s, size_t len, bool options_only)
{
	char *arg;

	if (len > MAX_ARG_LEN || memchr(s, '\0', len) || a->n_owned == MAX_ARGS)
		return false;
	if (asprintf(&arg, "%s%.*s", len && s[0] == '@' ? tree : "",
		     (int)(len && s[0] == '@' ? len - 1 : len),
		     len && s[0] == '@' ? s + 1 : s) < 0)
		return false;
	a->owned[a->n_owned++] = arg;
	if (names_root_option(arg) || may_reach_host_file(arg))
		return false;
	/* with no command, everything must be an option: no command runs */
	if (options_only && arg[0] != '-')
		return false;
	a->v[a->n++] = arg;
	return true;
}

/* Splits data at NUL or newline into arguments. */
static bool split(struct fuzz_argv *a, const uint8_t *data, size_t size,
		  bool options_only)
{
	size_t start = 0;

	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\0' && data[i] != '\n')
			continue;
		if (!add_arg(a, (const char *)data + start, i - start, options_only))
			return false;
		start = i + 1;
	}
	return true;
}

static bool has_arg(const struct fuzz_argv *a, int from, const char *s)
{
	for (int i = from; i < a->n; i++)
		if (!strcmp(a->v[i], s))
			return true;
	return false;
}

static void argv_free(struct fuzz_argv *a)
{
	for (int i = 0; i < a->n_owned; i++)
		free(a->owned[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char prog[] = "sriovctl", root_opt[] = "--root", dry_run[] = "--dry-run";
	struct fuzz_argv a = {.n = 0};
	const struct fuzz_cmd *cmd;
	int first, dry_at = -1;
	bool ok;

	if (!size)
		return -1;
	cmd = &commands[data[0] % N_COMMANDS];
	a.v[a.n++] = prog;
	a.v[a.n++] = root_opt;
	a.v[a.n++] = tree;
	if (cmd->name)
		a.v[a.n++] = (char *)cmd->name;
	if (cmd->no_change)
		a.v[a.n++] = (char *)(cmd->no_change_alt && data[0] / N_COMMANDS % 2
					      ? cmd->no_change_alt
					      : cmd->no_change);
	else if (cmd->name && !strcmp(cmd->name, "vf"))
		dry_at = a.n++; /* filled in when the arguments hold "set" */
	first = a.n;
	ok = size == 1 || split(&a, data + 1, size - 1, !cmd->name);
	if (ok && dry_at >= 0) {
		if (has_arg(&a, first, "set"))
			a.v[dry_at] = dry_run;
		else
			memmove(&a.v[dry_at], &a.v[dry_at + 1],
				(size_t)(--a.n - dry_at) * sizeof(a.v[0]));
	}
	a.v[a.n] = NULL;
	if (ok)
		sriovctl_main(a.n, a.v);
	argv_free(&a);
	fflush(stdout);
	fflush(stderr);
	return ok ? 0 : -1;
}
