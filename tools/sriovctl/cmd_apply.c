// SPDX-License-Identifier: MIT
/*
 * sriovctl apply [FILE...]: make the host match the configuration files
 * (the library's plan and sriov_apply() do the work), then say what changed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "plan_view.h"

enum {
	OPT_DRY_RUN = 0x200,
	OPT_CHECK,
	OPT_ROLLBACK,
	OPT_LOCK_TIMEOUT,
	OPT_DEVICE_TIMEOUT,
	OPT_TIMEOUT,
};

#define APPLY_DEFAULT_LOCK_TIMEOUT_MS 60000
#define SECONDS_MAX		      86400.0

struct apply_args {
	struct apply_opts o;
	bool check;
	const char **files; /* as given, or the defaults */
	size_t n_files;
	char (*default_files)[256];
	char (*abs_files)[PATH_MAX];
};

static void apply_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl apply [FILE...] [--dry-run | --check] "
		"[--rollback-on-error]\n"
		"                      [--lock-timeout S] [--device-timeout S] "
		"[--timeout S]\n"
		"                      [--json] [--root DIR]\n"
		"\n"
		"Make the host's SR-IOV setup match the configuration: FILEs, or\n"
		"/etc/sriovctl.conf and then /etc/sriovctl.d/*.conf in name order (the\n"
		"format is in sriovctl(1), CONFIGURATION FILES). In order:\n"
		"  1. the whole configuration is read and checked; any error (reported\n"
		"     as FILE:LINE:COLUMN) stops everything before the first change;\n"
		"  2. the host is read and a plan computed: per PF the VF count (with\n"
		"     sriov_drivers_autoprobe first), the PF link up where a rate needs\n"
		"     it, every VF setting that differs, then VF drivers;\n"
		"  3. under a lock (%s: concurrent runs wait for each\n"
		"     other), each change is written to the journal (%s)\n"
		"     with the value it replaces, then made and read back. A step that\n"
		"     fails is reported with the reason; the others still run.\n"
		"What already matches is not touched: a second apply changes nothing.\n"
		"An interrupted apply (crash, kill, power loss) is finished by the\n"
		"next one; 'sriovctl restore' puts back what apply changed.\n"
		"\n"
		"Options:\n"
		"  --dry-run            print the plan, change nothing\n"
		"  --check              exit 0 when the host matches, 1 when changes\n"
		"                       are pending (for monitoring); changes nothing\n"
		"  --rollback-on-error  when a step fails, undo the steps already done\n"
		"  --lock-timeout S     wait at most S seconds for another run (default\n"
		"                       %d; 0: do not wait)\n"
		"  --device-timeout S   wait up to S seconds for the PFs the "
		"configuration\n"
		"                       names to appear (boot: drivers still probing)\n"
		"  --timeout S          bound of each sriov_numvfs write (default %d)\n"
		"%s"
		"\n"
		"Examples:\n"
		"  # sriovctl apply --dry-run\n"
		"  # sriovctl apply /etc/sriovctl.d/10-lab.conf\n"
		"  $ sriovctl apply --check --json\n"
		"\n"
		"Exit status: 0 done (or nothing to do; --check: the host matches),\n"
		"1 a step failed (--check: changes pending), 2 bad configuration or\n"
		"arguments (nothing changed), 3 needs root.\n",
		SRIOV_LOCK_FILE, JOURNAL_FILE, APPLY_DEFAULT_LOCK_TIMEOUT_MS / 1000,
		NUMVFS_DEFAULT_TIMEOUT_MS / 1000, cli_common_help());
}

static int apply_option(struct cli *cli, void *ctx, int opt, const char *arg)
{
	struct apply_args *a = ctx;

	switch (opt) {
	case OPT_DRY_RUN:
		a->o.dry_run = true;
		return 0;
	case OPT_CHECK:
		a->check = true;
		return 0;
	case OPT_ROLLBACK:
		a->o.rollback_on_error = true;
		return 0;
	case OPT_LOCK_TIMEOUT:
		return plan_parse_seconds(cli, "apply", "--lock-timeout", arg,
					  SECONDS_MAX, &a->o.lock_timeout_ms);
	case OPT_DEVICE_TIMEOUT:
		return plan_parse_seconds(cli, "apply", "--device-timeout", arg,
					  SECONDS_MAX, &a->o.device_timeout_ms);
	case OPT_TIMEOUT: /* a bound of 0 would fail every write: as enable's --timeout */
		if (plan_parse_seconds(cli, "apply", "--timeout", arg, SECONDS_MAX,
				       &a->o.numvfs_timeout_ms))
			return EXIT_USAGE;
		if (a->o.numvfs_timeout_ms > 0)
			return 0;
		return cli_usage_error(cli, "apply",
				       "--timeout: expected seconds above 0, got '%s'",
				       arg);
	default:
		return cli_usage_error(cli, "apply", "unknown option");
	}
}

static const struct option apply_opts[] = {
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"check", no_argument, NULL, OPT_CHECK},
	{"rollback-on-error", no_argument, NULL, OPT_ROLLBACK},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{"device-timeout", required_argument, NULL, OPT_DEVICE_TIMEOUT},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{0},
};

/* ---- the configuration ------------------------------------------------------- */

static void print_diags(struct cli *cli, const struct cfg_diags *d)
{
	char line[900];

	for (size_t i = 0; i < d->n; i++) {
		cfg_diag_format(&d->items[i], line, sizeof(line));
		cli_error(cli, NULL, EXIT_USAGE, "%s", line);
	}
}

/* FILEs named on the command line are the caller's, relative to its directory. */
static int absolute_files(struct cli *cli, struct apply_args *a, char **names, size_t n)
{
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd)))
		return cli_usage_error(cli, "apply", "cannot tell the current directory");
	a->abs_files = calloc(n, sizeof(*a->abs_files));
	a->files = calloc(n, sizeof(*a->files));
	if (!a->abs_files || !a->files)
		return EXIT_FAIL;
	for (size_t i = 0; i < n; i++) {
		int len = names[i][0] == '/'
				  ? snprintf(a->abs_files[i], PATH_MAX, "%s", names[i])
				  : snprintf(a->abs_files[i], PATH_MAX, "%s/%s", cwd,
					     names[i]);

		if (len >= PATH_MAX)
			return cli_usage_error(cli, "apply", "%s: path too long",
					       names[i]);
		a->files[i] = a->abs_files[i];
	}
	a->n_files = n;
	return 0;
}

static int default_files(struct cli *cli, struct apply_args *a)
{
	struct sriov_err err;

	sriov_err_clear(&err);
	if (cfg_default_files(cli->root, &a->default_files, &a->n_files, &err) < 0)
		return cli_report(cli, &err);
	if (!a->n_files) {
		cli_error(cli, "apply", EXIT_USAGE,
			  "no configuration: %s does not exist and %s has no *.conf file",
			  CFG_DEFAULT_FILE, CFG_DEFAULT_DIR);
		cli_hint("start from the example in /usr/share/doc/sriovctl/examples, "
			 "or name a FILE");
		return EXIT_USAGE;
	}
	a->files = calloc(a->n_files, sizeof(*a->files));
	if (!a->files)
		return EXIT_FAIL;
	for (size_t i = 0; i < a->n_files; i++)
		a->files[i] = a->default_files[i];
	return 0;
}

static int load_config(struct cli *cli, const struct apply_args *a, bool own_files,
		       struct sriov_config **cfg)
{
	struct sriov_root *host = NULL, *where = cli->root;
	struct cfg_diags diags = {0};
	struct sriov_err err;
	int ret;

	sriov_err_clear(&err);
	if (own_files && !sriov_root_is_host(cli->root)) {
		if (sriov_root_open("/", &host, &err) < 0)
			return cli_report(cli, &err);
		where = host;
	}
	ret = sriov_config_load(where, a->files, a->n_files, cfg, &diags, &err);
	if (ret < 0) {
		if (diags.n)
			print_diags(cli, &diags);
		else
			cli_report(cli, &err);
		cli_error(cli, "apply", EXIT_USAGE,
			  "the configuration has errors: nothing was changed");
	}
	cfg_diags_free(&diags);
	if (host)
		sriov_root_close(host);
	return ret < 0 ? EXIT_USAGE : 0;
}

/* ---- running ------------------------------------------------------------------- */

static int exit_for(int ret, const struct apply_result *res, bool check)
{
	if (check && ret == 0)
		return res->plan.n ? EXIT_FAIL : EXIT_OK;
	switch (ret) {
	case 0:
		return EXIT_OK;
	case -EINVAL:
	case -ERANGE:
	case -ENODATA:
		return EXIT_USAGE;
	default:
		return EXIT_FAIL;
	}
}

static void report(struct cli *cli, const struct apply_args *a, int ret,
		   const struct apply_result *res, const struct sriov_err *err)
{
	enum plan_view_mode mode = a->check	  ? PLAN_VIEW_CHECK
				   : a->o.dry_run ? PLAN_VIEW_DRY_RUN
						  : PLAN_VIEW_RUN;

	if (res->diags.n)
		print_diags(cli, &res->diags);
	if (ret < 0 && ret != -EIO) {
		cli_report(cli, err);
		return;
	}
	if (cli->json) {
		struct json_object *o = plan_json(res, mode, a->files, a->n_files);

		json_print(o);
		json_object_put(o);
	} else {
		plan_print(stdout, "apply", res, mode);
	}
	if (ret == -EIO)
		cli_error(cli, "apply", EXIT_FAIL, "%s", err->msg);
}

static int run_apply(struct cli *cli, struct apply_args *a,
		     const struct sriov_config *cfg)
{
	struct cli_progress line = {0};
	struct apply_result res;
	struct sriov_err err;
	int ret, code;

	if (a->check)
		a->o.dry_run = true;
	if (!a->o.dry_run) {
		code = cli_require_root(cli, "apply");
		if (code)
			return code;
	}
	a->o.files = a->files;
	a->o.n_files = a->n_files;
	if (isatty(STDERR_FILENO) && !cli->json) {
		a->o.progress = cli_progress_print;
		a->o.progress_ctx = &line;
	}
	sriov_err_clear(&err);
	ret = sriov_apply(cli->root, cfg, &a->o, &res, &err);
	cli_progress_end(&line);
	report(cli, a, ret, &res, &err);
	code = exit_for(ret, &res, a->check);
	apply_result_free(&res);
	return code;
}

static int apply_run(struct cli *cli, int argc, char **argv)
{
	struct apply_args a = {.o = {.lock_timeout_ms = APPLY_DEFAULT_LOCK_TIMEOUT_MS}};
	struct cli_extra_opts extra = {
		.longopts = apply_opts, .handle = apply_option, .ctx = &a};
	struct sriov_config *cfg = NULL;
	int first, code;

	code = cli_parse(cli, &cmd_apply, argc, argv, &extra, &first);
	if (code != CLI_CONTINUE)
		return code;
	if (a.check && a.o.dry_run)
		return cli_usage_error(cli, "apply",
				       "--check and --dry-run exclude each "
				       "other (--check never changes anything)");
	code = cli_open_root(cli);
	if (!code)
		code = first < argc ? absolute_files(cli, &a, argv + first,
						     (size_t)(argc - first))
				    : default_files(cli, &a);
	if (!code)
		code = load_config(cli, &a, first < argc, &cfg);
	if (!code)
		code = run_apply(cli, &a, cfg);
	if (cfg)
		sriov_config_free(cfg);
	free(a.files);
	free(a.abs_files);
	free(a.default_files);
	return code;
}

const struct command cmd_apply = {
	.name = "apply",
	.summary = "make the host match the configuration files",
	.run = apply_run,
	.help = apply_help,
};
