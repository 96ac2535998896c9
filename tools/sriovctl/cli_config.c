// SPDX-License-Identifier: MIT
/* Reading the configuration for a command's --config FILE... / --no-config. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_config.h"

/* A --config path as the library takes it: inside the root. */
static int config_path(struct cli *cli, const char *cmd, const char *arg, char *buf,
		       size_t size)
{
	char cwd[PATH_MAX];
	int n;

	if (arg[0] == '/' || !sriov_root_is_host(cli->root))
		n = snprintf(buf, size, "%s%s", arg[0] == '/' ? "" : "/", arg);
	else if (!getcwd(cwd, sizeof(cwd)))
		return cli_usage_error(cli, cmd, "cannot tell the current directory");
	else
		n = snprintf(buf, size, "%s/%s", strcmp(cwd, "/") ? cwd : "", arg);
	if (n < 0 || (size_t)n >= size)
		return cli_usage_error(cli, cmd, "--config path too long: %s", arg);
	return 0;
}

static int load(struct cli *cli, const char *cmd, const char *const *files, size_t n,
		struct sriov_config **out)
{
	struct cfg_diags diags = {0};
	struct sriov_err err;
	char line[700];
	int ret = 0;

	sriov_err_clear(&err);
	if (sriov_config_load(cli->root, files, n, out, &diags, &err) < 0) {
		ret = EXIT_USAGE;
		if (!diags.n)
			cli_error(cli, cmd, EXIT_USAGE, "%s", err.msg);
		for (size_t i = 0; i < diags.n; i++) {
			cfg_diag_format(&diags.items[i], line, sizeof(line));
			cli_error(cli, cmd, EXIT_USAGE, "%s", line);
		}
		cli_hint("fix the configuration, or pass --no-config to leave it out "
			 "(nothing was changed)");
	}
	cfg_diags_free(&diags);
	return ret;
}

int cli_config_load(struct cli *cli, const char *cmd, const char *const *args, size_t n,
		    bool none, struct sriov_config **out)
{
	static char paths[CLI_CONFIG_MAX][PATH_MAX];
	const char *names[CLI_CONFIG_MAX];
	char(*files)[256] = NULL;
	struct sriov_err err;
	int ret = 0;

	*out = NULL;
	if (none)
		return 0;
	if (n > CLI_CONFIG_MAX)
		return cli_usage_error(cli, cmd, "at most %d --config files",
				       CLI_CONFIG_MAX);
	for (size_t i = 0; i < n && !ret; i++) {
		ret = config_path(cli, cmd, args[i], paths[i], sizeof(paths[i]));
		names[i] = paths[i];
	}
	if (n)
		return ret ? ret : load(cli, cmd, names, n, out);
	sriov_err_clear(&err);
	if (cfg_default_files(cli->root, &files, &n, &err) < 0)
		ret = cli_report(cli, &err);
	for (size_t i = 0; !ret && i < n && i < CLI_CONFIG_MAX; i++)
		names[i] = files[i];
	if (!ret && n)
		ret = load(cli, cmd, names, n < CLI_CONFIG_MAX ? n : CLI_CONFIG_MAX, out);
	free(files);
	return ret;
}
