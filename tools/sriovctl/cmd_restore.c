// SPDX-License-Identifier: MIT
/*
 * sriovctl restore: put back what apply changed, from the journal's
 * originals (sriov_restore() does the work).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "plan_view.h"

enum { OPT_DRY_RUN = 0x200, OPT_LOCK_TIMEOUT };

#define RESTORE_DEFAULT_LOCK_TIMEOUT_MS 60000

static void restore_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl restore [--dry-run] [--lock-timeout S] [--json]\n"
		"                        [--root DIR]\n"
		"\n"
		"Put back what 'sriovctl apply' changed. Before every change apply\n"
		"writes the value it replaces to the journal (%s);\n"
		"for each setting the first such value, from before sriovctl ever\n"
		"touched it, is kept across runs. restore sets them again, in this\n"
		"order: VF drivers (and driver_override), VF settings (MAC, VLAN,\n"
		"rates, spoofchk, trust, ...), then VF counts and\n"
		"sriov_drivers_autoprobe. Values that are already back are skipped;\n"
		"the originals put back are removed from the journal. A PF link\n"
		"brought up by apply stays up. Like apply it holds %s\n"
		"and journals its own changes.\n"
		"\n"
		"Options:\n"
		"  --dry-run          print what would be put back, change nothing\n"
		"  --lock-timeout S   wait at most S seconds for another run (default "
		"%d)\n"
		"%s"
		"\n"
		"Examples:\n"
		"  # sriovctl restore --dry-run\n"
		"  # sriovctl restore\n"
		"\n"
		"Exit status: 0 done (or nothing to put back), 1 a step failed,\n"
		"2 bad arguments, 3 needs root.\n",
		JOURNAL_FILE, SRIOV_LOCK_FILE, RESTORE_DEFAULT_LOCK_TIMEOUT_MS / 1000,
		cli_common_help());
}

static int restore_option(struct cli *cli, void *ctx, int opt, const char *arg)
{
	struct apply_opts *o = ctx;

	switch (opt) {
	case OPT_DRY_RUN:
		o->dry_run = true;
		return 0;
	case OPT_LOCK_TIMEOUT:
		return plan_parse_seconds(cli, "restore", "--lock-timeout", arg, 86400.0,
					  &o->lock_timeout_ms);
	default:
		return cli_usage_error(cli, "restore", "unknown option");
	}
}

static const struct option restore_opts[] = {
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{0},
};

static int restore_run(struct cli *cli, int argc, char **argv)
{
	struct apply_opts o = {.lock_timeout_ms = RESTORE_DEFAULT_LOCK_TIMEOUT_MS};
	struct cli_extra_opts extra = {
		.longopts = restore_opts, .handle = restore_option, .ctx = &o};
	enum plan_view_mode mode;
	struct cli_progress line = {0};
	struct apply_result res;
	struct sriov_err err;
	int first, code, ret;

	code = cli_parse(cli, &cmd_restore, argc, argv, &extra, &first);
	if (code != CLI_CONTINUE)
		return code;
	if (first < argc)
		return cli_usage_error(cli, "restore", "unexpected argument '%s'",
				       argv[first]);
	code = cli_open_root(cli);
	if (!code && !o.dry_run)
		code = cli_require_root(cli, "restore");
	if (code)
		return code;
	if (isatty(STDERR_FILENO) && !cli->json) {
		o.progress = cli_progress_print;
		o.progress_ctx = &line;
	}
	sriov_err_clear(&err);
	ret = sriov_restore(cli->root, &o, &res, &err);
	cli_progress_end(&line);
	mode = o.dry_run ? PLAN_VIEW_DRY_RUN : PLAN_VIEW_RUN;
	if (ret < 0 && ret != -EIO) {
		/* before any change: a bad tree or an untrusted journal is exit 2 */
		code = cli_report(cli, &err);
		apply_result_free(&res);
		return code;
	}
	if (cli->json) {
		struct json_object *j = plan_json(&res, mode, NULL, 0);

		json_print(j);
		json_object_put(j);
	} else {
		plan_print(stdout, "restore", &res, mode);
	}
	apply_result_free(&res);
	return ret < 0 ? EXIT_FAIL : EXIT_OK;
}

const struct command cmd_restore = {
	.name = "restore",
	.summary = "put back what apply changed (from the journal)",
	.run = restore_run,
	.help = restore_help,
};
