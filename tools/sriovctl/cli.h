/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_CLI_H
#define SRIOVCTL_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <getopt.h>
#include <json-c/json.h>

#include "sriov.h"

/* Exit codes (docs/design.md). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,	 /* a check found problems or an operation failed */
	EXIT_USAGE = 2,	 /* usage error or bad input; nothing was changed */
	EXIT_NOPERM = 3, /* needs root */
};

struct cli {
	const char *prog;
	const char *root_dir; /* --root, NULL for the host */
	bool json;
	int verbose;
	bool color;
	struct sriov_root *root; /* opened by cli_open_root() */
};

struct command {
	const char *name;
	const char *summary;
	int (*run)(struct cli *cli, int argc, char **argv);
	void (*help)(FILE *out);
};

extern const struct command cmd_list, cmd_show, cmd_decode, cmd_capture;
extern const struct command cmd_enable, cmd_disable, cmd_vf, cmd_bind, cmd_unbind;
extern const struct command cmd_check, cmd_groups, cmd_pf;
extern const struct command cmd_apply, cmd_restore, cmd_persist, cmd_export;

/*
 * The whole command line: what main() does (sriovctl.c). Returns the exit
 * code; never calls exit(), keeps no state between calls (the fuzz target
 * fuzz/fuzz_args.c calls it many times in one process).
 */
int sriovctl_main(int argc, char **argv);

/*
 * Options every command takes: --json, --root DIR, -v, --help. Commands
 * build their getopt_long tables from CLI_COMMON_LONGOPTS and pass unknown
 * options to cli_common_option().
 */
enum { OPT_JSON = 0x100, OPT_ROOT, OPT_HELP };
#define CLI_COMMON_SHORTOPTS "hv"
#define CLI_COMMON_LONGOPTS                                                              \
	{"json", no_argument, NULL, OPT_JSON},                                           \
		{"root", required_argument, NULL, OPT_ROOT},                             \
		{"verbose", no_argument, NULL, 'v'},                                     \
	{                                                                                \
		"help", no_argument, NULL, 'h'                                           \
	}

/* Returns 1 when handled, 0 for help requested, -1 for an unknown option. */
int cli_common_option(struct cli *cli, int opt, const char *arg);
const char *cli_common_help(void);

/* Opens cli->root ("/" or --root). Prints the error; returns an exit code or 0. */
int cli_open_root(struct cli *cli);

/*
 * For commands that change the host: on the live host (no --root) and not
 * root, prints "sriovctl CMD: changing SR-IOV settings needs root" and
 * returns EXIT_NOPERM; otherwise 0. Call after argument validation, before
 * the first change (and not for --dry-run).
 */
int cli_require_root(struct cli *cli, const char *cmd);

/*
 * One progress line on a terminal (stderr), rewritten in place: pass
 * cli_progress_print as a library progress callback with a struct
 * cli_progress as its context, and end with cli_progress_end().
 */
struct cli_progress {
	bool shown;
};
void cli_progress_print(void *ctx, const char *msg);
void cli_progress_end(struct cli_progress *p);

/*
 * The reporter (report.c): every error, warning, note and hint the CLI
 * writes to stderr goes through these.
 *
 * cli_report: "sriovctl: msg" and "hint: hint"; returns the exit code for
 * err->code (exit_code_for). cli_usage_error: "sriovctl[ CMD]: message" and
 * "Try 'sriovctl[ CMD] --help'."; returns EXIT_USAGE. cli_error: "sriovctl[
 * CMD]: message"; returns exit_code. cli_warn, cli_note, cli_hint: "warning:
 * ", "note: ", "hint: " and the message. cli_status: the message alone (a
 * progress or outcome line that belongs on stderr). A newline is added.
 */
int cli_report(struct cli *cli, const struct sriov_err *err);
int cli_usage_error(struct cli *cli, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cli_error(struct cli *cli, const char *cmd, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int exit_code_for(int err);

/* JSON helpers */
void json_print(struct json_object *obj);
struct json_object *json_hex16(uint16_t v);
struct json_object *json_str_or_null(const char *s);
struct json_object *json_tristate(int v);    /* -1 -> null, else bool */
struct json_object *json_int_or_null(int v); /* v < 0 -> null */

/* Shared rendering of decoded capabilities (decode and show). */
struct json_object *caps_to_json(const struct pci_caps *caps);
void caps_print_text(FILE *out, const struct pci_caps *caps, const char *indent);

/* ---- per-command option parsing --------------------------------------- */

struct cli_extra_opts {
	const struct option *longopts; /* terminated by a zero entry; may be NULL */
	const char *shortopts;	       /* appended to the common ones; may be NULL */
	/* returns 0, or an exit code (usually EXIT_USAGE after printing why) */
	int (*handle)(struct cli *cli, void *ctx, int opt, const char *arg);
	void *ctx;
};

#define CLI_CONTINUE (-1)

/*
 * Parses a command's options (the common ones plus extra). On success sets
 * *first to the index of the first positional argument and returns
 * CLI_CONTINUE; otherwise returns the exit code (0 after --help).
 */
int cli_parse(struct cli *cli, const struct command *cmd, int argc, char **argv,
	      const struct cli_extra_opts *extra, int *first);

#endif
