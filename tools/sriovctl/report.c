// SPDX-License-Identifier: MIT
/*
 * The one place the CLI writes errors, warnings, notes and hints to stderr,
 * and maps library errors to exit codes. Every command reports through it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int exit_code_for(int err)
{
	switch (err) {
	case 0:
		return EXIT_OK;
	case -EPERM:
	case -EACCES:
		return EXIT_NOPERM;
	case -EINVAL:
	case -ENODEV:
	case -ERANGE:
	case -ENOTDIR:
	case -ENAMETOOLONG:
		return EXIT_USAGE;
	default:
		return EXIT_FAIL;
	}
}

/* "sriovctl: " or "sriovctl CMD: " */
static void print_prefix(const struct cli *cli, const char *cmd)
{
	fprintf(stderr, "%s%s%s: ", cli->prog, cmd ? " " : "", cmd ? cmd : "");
}

int cli_report(struct cli *cli, const struct sriov_err *err)
{
	print_prefix(cli, NULL);
	fprintf(stderr, "%s\n",
		err->msg[0] ? err->msg : strerror(err->code ? -err->code : EIO));
	if (err->hint[0])
		cli_hint("%s", err->hint);
	return exit_code_for(err->code);
}

int cli_usage_error(struct cli *cli, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	print_prefix(cli, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s%s%s --help'.\n", cli->prog, cmd ? " " : "",
		cmd ? cmd : "");
	return EXIT_USAGE;
}

int cli_error(struct cli *cli, const char *cmd, int exit_code, const char *fmt, ...)
{
	va_list ap;

	print_prefix(cli, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return exit_code;
}

static void print_tagged(const char *tag, const char *fmt, va_list ap)
{
	if (tag)
		fprintf(stderr, "%s: ", tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_tagged("warning", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_tagged("note", fmt, ap);
	va_end(ap);
}

void cli_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_tagged("hint", fmt, ap);
	va_end(ap);
}

void cli_status(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_tagged(NULL, fmt, ap);
	va_end(ap);
}

void cli_progress_print(void *ctx, const char *msg)
{
	struct cli_progress *p = ctx;

	fprintf(stderr, "\r\033[K%s", msg);
	fflush(stderr);
	p->shown = true;
}

void cli_progress_end(struct cli_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}
