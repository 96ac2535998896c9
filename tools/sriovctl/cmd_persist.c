// SPDX-License-Identifier: MIT
/*
 * sriovctl persist [--method systemd|modprobe] [--remove] [FILE...]: check
 * the configuration, plan (lib/persist.c), check permission, carry the plan
 * out, and say what was done and what is left to the user (the initramfs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

enum { OPT_METHOD = 0x200, OPT_REMOVE, OPT_DRY_RUN };

struct persist_cmd {
	struct cli *cli;
	enum persist_method method;
	bool remove, dry_run;
	char **files; /* FILE... as given */
	size_t n_files;
	char (*defaults)[256]; /* the default files when none is given */
	struct sriov_config *config;
	struct inventory inv;
	bool have_inv;
	struct persist_plan plan;
	bool files_not_read_at_boot; /* FILE... outside the default places */
};

static void persist_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl persist [--method systemd|modprobe] [--remove] "
		"[--dry-run]\n"
		"                        [--json] [--root DIR] [FILE...]\n"
		"\n"
		"Make the SR-IOV configuration survive reboot. The configuration "
		"(FILE...,\n"
		"or " CFG_DEFAULT_FILE " and " CFG_DEFAULT_DIR "/*.conf) is "
		"checked first:\n"
		"with any error it is refused with file:line:column and nothing is\n"
		"installed that would fail at boot.\n"
		"\n"
		"Methods:\n"
		"  systemd   (default) the unit " PERSIST_UNIT_NAME ", which runs\n"
		"            `sriovctl apply --device-timeout 60` at boot, after udev "
		"has\n"
		"            seen the devices and before the network is configured: VF\n"
		"            counts, MACs, VLANs, trust, rates and drivers. The "
		"installed\n"
		"            unit is used; where there is none it is written to\n"
		"            " PERSIST_UNIT_ETC ". Then `systemctl enable\n"
		"            " PERSIST_UNIT_NAME
		"` (`systemctl --root=DIR` with --root).\n"
		"  modprobe  the driver's own module option, `options igb max_vfs=7` "
		"in\n"
		"            " PERSIST_MODPROBE_FILE ": the VF count only, only for\n"
		"            drivers with a max_vfs parameter (igb, ixgbe; not i40e, "
		"ice,\n"
		"            mlx5_core), one count for every port of a driver. The\n"
		"            initramfs must be rebuilt: the command for this "
		"distribution\n"
		"            is printed, not run.\n"
		"\n"
		"Options:\n"
		"  --method M      systemd (default) or modprobe\n"
		"  --remove        undo: disable the unit (and remove it if persist "
		"wrote\n"
		"                  it), or remove " PERSIST_MODPROBE_FILE "\n"
		"                  if persist wrote it; the configuration is not read\n"
		"  --dry-run       print what would be written and run, change nothing\n"
		"%s"
		"\n"
		"Examples:\n"
		"  sriovctl persist                     # install and enable the unit\n"
		"  sriovctl persist --method modprobe --dry-run\n"
		"  sriovctl persist --remove\n"
		"\n"
		"Exit status: 0 done (or already so), 1 systemctl failed, a file\n"
		"could not be written, or there is no module index; 2 bad argument,\n"
		"bad or missing configuration, or a driver the method cannot serve\n"
		"(nothing changed); 3 not root.\n",
		cli_common_help());
}

/* ---- arguments -------------------------------------------------------------- */

static int persist_opt(struct cli *cli, void *ctx, int opt, const char *arg)
{
	struct persist_cmd *pc = ctx;

	if (opt == OPT_REMOVE) {
		pc->remove = true;
	} else if (opt == OPT_DRY_RUN) {
		pc->dry_run = true;
	} else if (!strcmp(arg, "systemd")) {
		pc->method = PERSIST_SYSTEMD;
	} else if (!strcmp(arg, "modprobe")) {
		pc->method = PERSIST_MODPROBE;
	} else {
		return cli_usage_error(cli, "persist",
				       "--method '%s': expected systemd or modprobe",
				       arg);
	}
	return 0;
}

static int parse_args(struct persist_cmd *pc, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"method", required_argument, NULL, OPT_METHOD},
		{"remove", no_argument, NULL, OPT_REMOVE},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{0},
	};
	struct cli_extra_opts extra = {
		.longopts = longopts, .handle = persist_opt, .ctx = pc};
	int first, ret = cli_parse(pc->cli, &cmd_persist, argc, argv, &extra, &first);

	if (ret != CLI_CONTINUE)
		return ret;
	pc->files = argv + first;
	pc->n_files = (size_t)(argc - first);
	if (pc->remove && pc->n_files)
		return cli_usage_error(pc->cli, "persist",
				       "--remove reads no configuration: unexpected '%s'",
				       pc->files[0]);
	return CLI_CONTINUE;
}

/* ---- the configuration -------------------------------------------------------- */

static bool read_at_boot(const char *file)
{
	size_t dlen = strlen(CFG_DEFAULT_DIR), len = strlen(file);

	if (!strcmp(file, CFG_DEFAULT_FILE))
		return true;
	return !strncmp(file, CFG_DEFAULT_DIR "/", dlen + 1) && len > dlen + 6 &&
	       !strcmp(file + len - 5, ".conf") && !strchr(file + dlen + 1, '/');
}

static int no_config(struct persist_cmd *pc)
{
	const char *dir = pc->cli->root_dir;

	cli_error(pc->cli, "persist", EXIT_USAGE,
		  "no configuration to persist: neither %s nor %s/*.conf exists%s%s",
		  CFG_DEFAULT_FILE, CFG_DEFAULT_DIR, dir ? " in " : "", dir ? dir : "");
	cli_hint("write %s (the format: sriovctl(1), CONFIGURATION FILES; an "
		 "example: %s), check it with `sriovctl apply --dry-run`, then run "
		 "persist again",
		 CFG_DEFAULT_FILE, sriov_example_config_path);
	return EXIT_USAGE;
}

static int report_config_errors(struct persist_cmd *pc, const struct cfg_diags *d,
				const struct sriov_err *err)
{
	char line[700];

	if (!d->n)
		return cli_report(pc->cli, err);
	for (size_t i = 0; i < d->n; i++) {
		cfg_diag_format(&d->items[i], line, sizeof(line));
		cli_error(pc->cli, "persist", EXIT_USAGE, "%s", line);
	}
	cli_hint("fix the configuration, then run persist again (nothing was "
		 "installed)");
	if (err->code == -EINVAL || err->code == -ENOENT || err->code == -EFBIG)
		return EXIT_USAGE;
	return exit_code_for(err->code);
}

static int config_file_list(struct persist_cmd *pc, const char ***names, size_t *n)
{
	struct sriov_err err;
	size_t count = pc->n_files;

	sriov_err_clear(&err);
	if (!count && cfg_default_files(pc->cli->root, &pc->defaults, &count, &err) < 0)
		return cli_report(pc->cli, &err);
	if (!count)
		return no_config(pc);
	*names = calloc(count, sizeof(**names));
	if (!*names)
		return EXIT_FAIL;
	for (size_t i = 0; i < count; i++) {
		(*names)[i] = pc->n_files ? pc->files[i] : pc->defaults[i];
		if (!read_at_boot((*names)[i]))
			pc->files_not_read_at_boot = true;
	}
	*n = count;
	return 0;
}

static int load_config(struct persist_cmd *pc)
{
	struct cfg_diags diags = {0};
	const char **names = NULL;
	struct sriov_err err;
	size_t n = 0;
	int ret;

	ret = config_file_list(pc, &names, &n);
	if (ret)
		return ret;
	sriov_err_clear(&err);
	if (sriov_config_load(pc->cli->root, names, n, &pc->config, &diags, &err) < 0)
		ret = report_config_errors(pc, &diags, &err);
	for (size_t i = 0; ret == 0 && i < diags.n; i++) {
		char line[700];

		cfg_diag_format(&diags.items[i], line, sizeof(line));
		cli_warn("%s", line);
	}
	cfg_diags_free(&diags);
	free(names);
	return ret;
}

/* ---- the plan ------------------------------------------------------------------ */

static int make_plan(struct persist_cmd *pc)
{
	struct sriov_root *r = pc->cli->root;
	struct sriov_err err;
	int ret;

	sriov_err_clear(&err);
	if (pc->method == PERSIST_SYSTEMD) {
		ret = persist_plan_systemd(r, pc->remove, &pc->plan, &err);
	} else {
		if (!pc->remove) {
			ret = sriov_inventory_read(r, INV_NO_NETLINK | INV_NO_NAMES,
						   &pc->inv, &err);
			if (ret < 0)
				return cli_report(pc->cli, &err);
			pc->have_inv = true;
		}
		ret = persist_plan_modprobe(r, pc->config, pc->have_inv ? &pc->inv : NULL,
					    pc->remove, &pc->plan, &err);
	}
	return ret < 0 ? cli_report(pc->cli, &err) : 0;
}

/* ---- text ------------------------------------------------------------------------ */

static const char *step_verb(const struct persist_step *s, bool dry_run)
{
	static const char *const verbs[3][3] = {
		/* dry run, done, not done */
		{"would write", "wrote", "not written:"},
		{"would remove", "removed", "not removed:"},
		{"would run:", "ran:", "not run:"},
	};

	return verbs[s->kind][dry_run ? 0 : s->done ? 1 : 2];
}

static void print_output(FILE *out, const char *text)
{
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");

		fprintf(out, "    %.*s\n", (int)len, line);
		line += len + (line[len] == '\n');
	}
}

static void print_steps(FILE *out, const struct persist_plan *p, bool dry_run)
{
	char cmd[1600];

	for (size_t i = 0; i < p->n_steps; i++) {
		const struct persist_step *s = &p->steps[i];

		if (s->kind == PERSIST_STEP_RUN) {
			persist_step_command(s, cmd, sizeof(cmd));
			fprintf(out, "%s %s\n", step_verb(s, dry_run), cmd);
			print_output(out, s->output);
		} else {
			fprintf(out, "%s %s\n", step_verb(s, dry_run), s->path);
		}
	}
}

static void print_options(const struct persist_plan *p)
{
	for (size_t i = 0; i < p->n_opts; i++) {
		const struct persist_module_opt *o = &p->opts[i];

		printf("  options %s max_vfs=%d    # %s", o->module, o->max_vfs,
		       o->pfs[0]);
		for (size_t j = 1; j < o->n_pfs; j++)
			printf(", %s", o->pfs[j]);
		putchar('\n');
	}
}

static void print_initramfs(const struct persist_plan *p, bool dry_run)
{
	const char *why = p->remove ? "it no longer carries the option"
				    : "the module sees the option at boot";

	printf("%s the initramfs, so that %s", dry_run ? "Then rebuild" : "Now rebuild",
	       why);
	if (p->n_initramfs == 1) {
		printf(":\n  %s\n", p->initramfs[0]);
		return;
	}
	printf(", with this distribution's tool (%s):\n"
	       "  %-28s # Debian, Ubuntu, Proxmox\n"
	       "  %-28s # Fedora, RHEL, CentOS, openEuler, SUSE\n"
	       "  %-28s # Arch\n",
	       p->os_id[0] ? p->os_id : "unknown: no /etc/os-release", p->initramfs[0],
	       p->initramfs[1], p->initramfs[2]);
}

static void print_summary(const struct persist_cmd *pc)
{
	const struct persist_plan *p = &pc->plan;

	if (p->method == PERSIST_SYSTEMD && !p->remove) {
		printf("%s %s (%s): at boot it runs `sriovctl apply --device-timeout "
		       "60`.\n",
		       PERSIST_UNIT_NAME, pc->dry_run ? "would be enabled" : "is enabled",
		       p->unit_path);
		if (!pc->dry_run)
			printf("Run `sriovctl apply` to apply the configuration now.\n");
	} else if (p->method == PERSIST_SYSTEMD && !p->nothing_to_do) {
		printf("%s %s: the configuration is no longer applied at boot.\n",
		       PERSIST_UNIT_NAME,
		       pc->dry_run ? "would be disabled" : "is disabled");
	} else if (p->method == PERSIST_MODPROBE && !p->remove) {
		if (p->nothing_to_do)
			printf("%s already has these options:\n", PERSIST_MODPROBE_FILE);
		print_options(p);
		if (!p->nothing_to_do)
			print_initramfs(p, pc->dry_run);
	} else if (p->method == PERSIST_MODPROBE && !p->nothing_to_do) {
		print_initramfs(p, pc->dry_run);
	} else if (p->method == PERSIST_MODPROBE) {
		printf("no %s: nothing to remove\n", PERSIST_MODPROBE_FILE);
	}
}

static void print_text(const struct persist_cmd *pc)
{
	const struct persist_plan *p = &pc->plan;

	print_steps(stdout, p, pc->dry_run);
	print_summary(pc);
	if (p->method == PERSIST_MODPROBE && !p->remove)
		printf("note: only the VF count persists this way: VF MACs, VLANs, "
		       "trust, "
		       "rates and\ndrivers need the unit (sriovctl persist).\n");
	for (size_t i = 0; i < p->n_notes; i++)
		printf("note: %s\n", p->notes[i]);
	if (pc->files_not_read_at_boot && p->method == PERSIST_SYSTEMD)
		printf("note: at boot the unit applies %s and %s/*.conf, not the files "
		       "named here: copy them there\n",
		       CFG_DEFAULT_FILE, CFG_DEFAULT_DIR);
	if (pc->dry_run)
		printf("dry run: nothing changed\n");
}

/* ---- JSON ------------------------------------------------------------------------- */

static struct json_object *strings_json(const char (*v)[PCI_ADDR_STRLEN], size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(v[i]));
	return arr;
}

static struct json_object *step_json(const struct persist_step *s)
{
	static const char *const actions[] = {"write", "remove", "run"};
	struct json_object *o = json_object_new_object(), *cmd = NULL;
	bool run = s->kind == PERSIST_STEP_RUN;

	if (run) {
		cmd = json_object_new_array();
		for (size_t i = 0; i < s->n_args; i++)
			json_object_array_add(cmd, json_object_new_string(s->args[i]));
	}
	ADD(o, "action", json_object_new_string(actions[s->kind]));
	ADD(o, "path", run ? NULL : json_object_new_string(s->path));
	ADD(o, "command", cmd);
	ADD(o, "done", json_object_new_boolean(s->done));
	ADD(o, "exit_status",
	    run && s->exit_status >= 0 ? json_object_new_int(s->exit_status) : NULL);
	ADD(o, "output", run && s->done ? json_object_new_string(s->output) : NULL);
	return o;
}

static struct json_object *unit_json(const struct persist_plan *p)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "name", json_object_new_string(PERSIST_UNIT_NAME));
	ADD(o, "path", json_str_or_null(p->unit_path));
	ADD(o, "written_by_sriovctl", json_object_new_boolean(p->unit_ours));
	return o;
}

static struct json_object *modprobe_json(const struct persist_plan *p)
{
	struct json_object *o = json_object_new_object();
	struct json_object *opts = json_object_new_array();
	struct json_object *cmds = json_object_new_array();

	for (size_t i = 0; i < p->n_opts; i++) {
		const struct persist_module_opt *m = &p->opts[i];
		struct json_object *jo = json_object_new_object();

		ADD(jo, "module", json_object_new_string(m->module));
		ADD(jo, "max_vfs", json_object_new_int(m->max_vfs));
		ADD(jo, "functions", strings_json(m->pfs, m->n_pfs));
		ADD(jo, "also_applies_to", strings_json(m->others, m->n_others));
		json_object_array_add(opts, jo);
	}
	for (size_t i = 0; i < p->n_initramfs; i++)
		json_object_array_add(cmds, json_object_new_string(p->initramfs[i]));
	ADD(o, "path", json_object_new_string(PERSIST_MODPROBE_FILE));
	ADD(o, "options", opts);
	ADD(o, "os_id", json_str_or_null(p->os_id));
	ADD(o, "initramfs_commands", cmds);
	return o;
}

static struct json_object *config_files_json(const struct persist_cmd *pc)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; pc->config && i < pc->config->n_files; i++)
		json_object_array_add(arr, json_object_new_string(pc->config->files[i]));
	return arr;
}

static struct json_object *notes_json(const struct persist_cmd *pc)
{
	struct json_object *arr = json_object_new_array();
	const struct persist_plan *p = &pc->plan;

	for (size_t i = 0; i < p->n_notes; i++)
		json_object_array_add(arr, json_object_new_string(p->notes[i]));
	if (pc->files_not_read_at_boot && p->method == PERSIST_SYSTEMD)
		json_object_array_add(arr,
				      json_object_new_string(
					      "at boot the unit applies " CFG_DEFAULT_FILE
					      " and " CFG_DEFAULT_DIR "/*.conf, not the "
					      "files named here"));
	return arr;
}

static void print_json(const struct persist_cmd *pc)
{
	const struct persist_plan *p = &pc->plan;
	struct json_object *o = json_object_new_object();
	struct json_object *steps = json_object_new_array();
	bool changed = false;

	for (size_t i = 0; i < p->n_steps; i++) {
		json_object_array_add(steps, step_json(&p->steps[i]));
		changed |= p->steps[i].done;
	}
	ADD(o, "method",
	    json_object_new_string(p->method == PERSIST_SYSTEMD ? "systemd"
								: "modprobe"));
	ADD(o, "remove", json_object_new_boolean(p->remove));
	ADD(o, "dry_run", json_object_new_boolean(pc->dry_run));
	ADD(o, "changed", json_object_new_boolean(changed));
	ADD(o, "config_files", config_files_json(pc));
	ADD(o, "unit", p->method == PERSIST_SYSTEMD ? unit_json(p) : NULL);
	ADD(o, "modprobe", p->method == PERSIST_MODPROBE ? modprobe_json(p) : NULL);
	ADD(o, "steps", steps);
	ADD(o, "notes", notes_json(pc));
	json_print(o);
	json_object_put(o);
}

/* ---- the command --------------------------------------------------------------------
 */

static int carry_out(struct persist_cmd *pc)
{
	struct sriov_err err;

	sriov_err_clear(&err);
	if (!pc->dry_run && persist_execute(pc->cli->root, &pc->plan, &err) < 0) {
		if (!pc->cli->json && pc->plan.n_steps) {
			cli_status("the steps:");
			print_steps(stderr, &pc->plan, false);
		}
		return cli_report(pc->cli, &err);
	}
	if (pc->cli->json)
		print_json(pc);
	else
		print_text(pc);
	return EXIT_OK;
}

static int persist_run(struct cli *cli, int argc, char **argv)
{
	struct persist_cmd pc = {.cli = cli, .method = PERSIST_SYSTEMD};
	int ret;

	ret = parse_args(&pc, argc, argv);
	if (ret != CLI_CONTINUE)
		return ret;
	ret = cli_open_root(cli);
	if (ret == 0 && !pc.remove)
		ret = load_config(&pc);
	if (ret == 0)
		ret = make_plan(&pc);
	if (ret == 0 && !pc.dry_run)
		ret = cli_require_root(cli, "persist");
	if (ret == 0)
		ret = carry_out(&pc);
	persist_plan_free(&pc.plan);
	if (pc.have_inv)
		sriov_inventory_free(&pc.inv);
	if (pc.config)
		sriov_config_free(pc.config);
	free(pc.defaults);
	return ret;
}

const struct command cmd_persist = {
	.name = "persist",
	.summary = "make the configuration apply at boot (systemd unit or modprobe.d)",
	.run = persist_run,
	.help = persist_help,
};
