// SPDX-License-Identifier: MIT
/*
 * sriovctl vf DEV/INDEXES reset: VFs back to a clean state (vfreset.h),
 * journaled like apply, shown as apply and restore show their plans.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "plan_view.h"
#include "vf_reset_cmd.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

/* Words of text folded at 78 columns, each line after the first indented. */
static void fold(FILE *out, const char *text, const char *indent)
{
	char word[128];
	int col = 0, n = 0;

	while (sscanf(text, "%127s%n", word, &n) == 1) {
		int len = (int)strlen(word);

		if (col && col + 1 + len > 78) {
			fprintf(out, "\n%s", indent);
			col = (int)strlen(indent);
		} else if (col) {
			fputc(' ', out);
			col++;
		}
		fputs(word, out);
		col += len;
		text += n;
	}
	fputc('\n', out);
}

void vf_reset_help(FILE *out)
{
	char clean[600], text[1200];

	vf_reset_list(clean, sizeof(clean));
	snprintf(text, sizeof(text),
		 "reset puts the VFs back to a clean state once a VM is done with "
		 "them: %s (the zero MAC gives the VF its driver's default); and the "
		 "kernel's default driver (driver_override cleared, unbound from "
		 "vfio-pci and probed again). A setting the driver does not report "
		 "is left as it is. Refused while a VF is in use (naming the user). "
		 "Each change is journaled like apply's (%s): 'sriovctl restore' "
		 "puts back what the VFs had before.",
		 clean, JOURNAL_FILE);
	fold(out, text, "");
	fprintf(out,
		"\n"
		"Options of reset:\n"
		"  --dry-run          print the steps, change nothing\n"
		"  --config FILE      read the MACs from FILE (repeatable) instead of\n"
		"                     %s and %s/*.conf\n"
		"  --no-config        no configured MACs: every MAC is cleared\n"
		"  --lock-timeout S   wait at most S seconds for another run (default "
		"%d)\n",
		CFG_DEFAULT_FILE, CFG_DEFAULT_DIR,
		VF_RESET_DEFAULT_LOCK_TIMEOUT_MS / 1000);
}

static int under_root_without_dry_run(struct cli *cli)
{
	struct sriov_err err;

	sriov_err_set(&err, -EINVAL,
		      "vf reset: --root: no kernel to reset VFs in; nothing was changed");
	sriov_err_hint(&err, "add --dry-run to see the steps");
	return cli_report(cli, &err);
}

/* The PF and the INDEXES of dev (a VF's address stands for its PF and index). */
static int locate(struct cli *cli, const char *dev, struct vf_pf_ref *pf)
{
	struct sriov_err err;

	sriov_err_clear(&err);
	if (vf_pf_locate(cli->root, dev, pf, &err) < 0)
		return cli_report(cli, &err);
	if (!pf->has_vf_spec)
		return cli_usage_error(cli, "vf",
				       "name the VFs to reset: %s/INDEX, %s/FIRST-LAST "
				       "or %s/all",
				       dev, dev, dev);
	return 0;
}

static void print_refusal_json(const struct vf_pf_ref *pf, const struct sriov_err *err)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "pf", json_object_new_string(pf->addr_str));
	ADD(o, "vfs", json_object_new_string(pf->vf_spec));
	ADD(o, "refused", json_object_new_string(err->msg));
	ADD(o, "hint", json_str_or_null(err->hint));
	json_print(o);
	json_object_put(o);
}

static void print_result(struct cli *cli, const struct vf_pf_ref *pf,
			 const struct apply_result *res, const struct apply_opts *o)
{
	enum plan_view_mode mode = o->dry_run ? PLAN_VIEW_DRY_RUN : PLAN_VIEW_RUN;
	struct json_object *j;

	if (!cli->json) {
		plan_print(stdout, "reset", res, mode);
		return;
	}
	j = plan_json(res, mode, o->files, o->n_files);
	ADD(j, "pf", json_object_new_string(pf->addr_str));
	ADD(j, "vfs", json_object_new_string(pf->vf_spec));
	ADD(j, "refused", NULL);
	json_print(j);
	json_object_put(j);
}

static int run(struct cli *cli, const struct vf_pf_ref *pf, const struct vf_reset_args *a,
	       const struct sriov_config *cfg)
{
	struct apply_opts o = {
		.dry_run = a->dry_run,
		.lock_timeout_ms = a->lock_timeout_given
					   ? a->lock_timeout_ms
					   : VF_RESET_DEFAULT_LOCK_TIMEOUT_MS,
	};
	const char *files[CLI_CONFIG_MAX];
	struct cli_progress line = {0};
	struct apply_result res;
	struct sriov_err err;
	int ret;

	for (size_t i = 0; cfg && i < cfg->n_files && i < CLI_CONFIG_MAX; i++)
		files[o.n_files++] = cfg->files[i];
	o.files = files;
	if (isatty(STDERR_FILENO) && !cli->json) {
		o.progress = cli_progress_print;
		o.progress_ctx = &line;
	}
	sriov_err_clear(&err);
	ret = sriov_vf_reset(cli->root, cfg, pf->addr_str, pf->vf_spec, &o, &res, &err);
	cli_progress_end(&line);
	if (ret < 0 && ret != -EIO) {
		/* before any change: bad input is 2, a VF in use 1 (as disable) */
		if (ret == -EBUSY && cli->json)
			print_refusal_json(pf, &err);
		apply_result_free(&res);
		return cli_report(cli, &err);
	}
	print_result(cli, pf, &res, &o);
	apply_result_free(&res);
	return ret < 0 ? EXIT_FAIL : EXIT_OK;
}

int vf_reset(struct cli *cli, const char *dev, const struct vf_reset_args *a)
{
	struct sriov_config *cfg = NULL;
	struct vf_pf_ref pf;
	int ret;

	ret = cli_open_root(cli);
	if (!ret)
		ret = locate(cli, dev, &pf);
	if (!ret && !a->dry_run && !sriov_root_is_host(cli->root))
		ret = under_root_without_dry_run(cli);
	if (!ret && !a->dry_run)
		ret = cli_require_root(cli, "vf");
	if (!ret)
		ret = cli_config_load(cli, "vf", a->configs, a->n_configs, a->no_config,
				      &cfg);
	if (!ret)
		ret = run(cli, &pf, a, cfg);
	sriov_config_free(cfg);
	return ret;
}
