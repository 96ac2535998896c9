// SPDX-License-Identifier: MIT
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_OPTS 32

static size_t build_longopts(struct option *all, const struct cli_extra_opts *extra)
{
	static const struct option common[] = {CLI_COMMON_LONGOPTS};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		all[n++] = common[i];
	for (const struct option *o = extra ? extra->longopts : NULL; o && o->name; o++)
		if (n < MAX_OPTS - 1)
			all[n++] = *o;
	memset(&all[n], 0, sizeof(all[n]));
	return n;
}

int cli_parse(struct cli *cli, const struct command *cmd, int argc, char **argv,
	      const struct cli_extra_opts *extra, int *first)
{
	struct option all[MAX_OPTS];
	char shortopts[64];
	int opt;

	build_longopts(all, extra);
	/* options may follow positional arguments ("show enp1s0/1 --json") */
	snprintf(shortopts, sizeof(shortopts), ":%s%s", CLI_COMMON_SHORTOPTS,
		 extra && extra->shortopts ? extra->shortopts : "");
	optind = 0; /* 0, not 1: glibc re-reads the ordering flags of shortopts */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, all, NULL)) != -1) {
		int r = cli_common_option(cli, opt, optarg);

		if (r == 0) {
			cmd->help(stdout);
			return EXIT_OK;
		}
		if (r == 1)
			continue;
		if (opt != '?' && opt != ':' && extra && extra->handle) {
			int code = extra->handle(cli, extra->ctx, opt, optarg);

			if (code)
				return code;
			continue;
		}
		if (opt == ':')
			return cli_usage_error(cli, cmd->name,
					       "option '%s' needs a value",
					       argv[optind - 1]);
		return cli_usage_error(cli, cmd->name, "unknown option '%s'",
				       argv[optind - 1]);
	}
	*first = optind;
	return CLI_CONTINUE;
}
