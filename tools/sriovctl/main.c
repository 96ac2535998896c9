// SPDX-License-Identifier: MIT
/*
 * sriovctl: the command table and the dispatch, above every command. What
 * the commands share lives below them (cli_common.c, report.c, parse.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command *const commands[] = {
	&cmd_list,    &cmd_show,    &cmd_groups, &cmd_check,   &cmd_decode, &cmd_enable,
	&cmd_disable, &cmd_vf,	    &cmd_pf,	 &cmd_bind,    &cmd_unbind, &cmd_apply,
	&cmd_restore, &cmd_persist, &cmd_export, &cmd_capture,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void main_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Set up and inspect SR-IOV on a Linux host: find capable devices, read\n"
		"their SR-IOV capability, and see every virtual function (VF) with its\n"
		"driver, netdev, IOMMU group and PF-side settings.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out,
		"\n"
		"DEV is a PCI address (0000:07:00.0 or 07:00.0), a network interface\n"
		"name (enp7s0f0), or PF/INDEX for a VF (enp7s0f0/3).\n"
		"\n"
		"Options (every command):\n%s"
		"  -V, --version   print the version\n"
		"\n"
		"Exit status: 0 success, 1 problems found or an operation failed,\n"
		"2 usage error or bad input (nothing changed), 3 needs root.\n"
		"\n"
		"Run 'sriovctl COMMAND --help' for a command's options, and see\n"
		"sriovctl(1).\n",
		cli_common_help());
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/*
 * The options before the command. Returns CLI_CONTINUE with *first the
 * index of the command, or the exit code after --version, --help or a
 * usage error (never exits: sriovctl_main() runs many times in one fuzzer).
 */
static int parse_global(struct cli *cli, int argc, char **argv, int *first)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	int opt;

	optind = 0; /* 0, not 1: glibc starts afresh and re-reads the "+" */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:" CLI_COMMON_SHORTOPTS "V", opts,
				  NULL)) != -1) {
		int r = cli_common_option(cli, opt, optarg);

		if (opt == 'V') {
			printf("sriovctl %s\n", SRIOVCTL_VERSION);
			return EXIT_OK;
		}
		if (r == 0) {
			main_help(stdout);
			return EXIT_OK;
		}
		if (r < 0)
			return cli_usage_error(cli, NULL, "%s '%s'",
					       opt == ':' ? "missing value for option"
							  : "unknown option",
					       argv[optind - 1]);
	}
	*first = optind;
	return CLI_CONTINUE;
}

int sriovctl_main(int argc, char **argv)
{
	struct cli cli = {.prog = "sriovctl"};
	const struct command *cmd;
	int first, ret;

	ret = parse_global(&cli, argc, argv, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	if (first >= argc) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[first], "help")) {
		cmd = first + 1 < argc ? find_command(argv[first + 1]) : NULL;
		if (cmd)
			cmd->help(stdout);
		else
			main_help(stdout);
		return EXIT_OK;
	}
	cmd = find_command(argv[first]);
	if (!cmd)
		return cli_usage_error(&cli, NULL, "unknown command '%s'", argv[first]);
	ret = cmd->run(&cli, argc - first, argv + first);
	sriov_root_close(cli.root);
	return ret;
}
