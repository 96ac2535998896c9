// SPDX-License-Identifier: MIT
/* sriovctl capture FILE: archive what the tool reads, for --root replay. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inventory_view.h"

static void capture_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl capture FILE [--root DIR]\n"
		"\n"
		"Write a tar archive of exactly the sysfs and procfs files sriovctl\n"
		"reads on this host (with the symlinks between them), the kernel's\n"
		"rtnetlink answer about each PF's VFs and the devlink replies about\n"
		"each PF's instance. Attach it to a bug report, or\n"
		"replay it anywhere:\n"
		"\n"
		"  # sriovctl capture host.tar\n"
		"  $ mkdir host && tar -xf host.tar -C host\n"
		"  $ sriovctl show --root host\n"
		"\n"
		"FILE '-' writes to standard output. Run as root so that the full\n"
		"configuration space is captured. The output is the archive, never\n"
		"JSON: --json is refused (exit 2); 'sriovctl show --root DIR --json'\n"
		"reads the capture back as JSON.\n"
		"\n"
		"Options:\n"
		"  --root DIR      capture DIR (a tree) instead of /\n"
		"  -v, --verbose   say more\n"
		"  -h, --help      show help\n");
}

/*
 * Runs the check rules only so that the root records what they read
 * (/proc/cpuinfo, ACPI tables, boot loader files, resource files, bridge
 * config space...): `check --root` on the capture then sees what it saw
 * here. The findings are dropped; the kernel log and the module index are
 * not archived (check --kmsg FILE takes a saved log).
 */
static void record_check_inputs(struct cli *cli, const struct inventory *inv)
{
	struct check_context c;
	struct findings f = {0};

	check_context_init(&c, cli->root, inv);
	check_run(&c, &f, NULL);
	findings_free(&f);
	check_context_release(&c);
}

/* Reads each PF netdev's MTU so that `pf DEV show --root` on the capture has it. */
static void record_pf_mtus(struct cli *cli, const struct inventory *inv)
{
	char mtu[16];

	for (size_t i = 0; i < inv->n_pfs; i++)
		pf_attr_read(cli->root, &inv->pfs[i], PF_KEY_MTU, mtu, sizeof(mtu), NULL);
}

static int capture_run(struct cli *cli, int argc, char **argv)
{
	struct inventory inv;
	struct sriov_err err;
	int first, ret;

	ret = cli_parse(cli, &cmd_capture, argc, argv, NULL, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	if (first >= argc)
		return cli_usage_error(cli, "capture",
				       "missing FILE (the archive to write)");
	if (argc - first > 1)
		return cli_usage_error(cli, "capture", "unexpected argument '%s'",
				       argv[first + 1]);
	if (cli->json)
		return cli_usage_error(
			cli, "capture",
			"--json: capture writes a tar archive, not JSON "
			"('sriovctl show --root DIR --json' reads it back)");
	ret = cli_open_root(cli);
	if (ret)
		return ret;
	sriov_root_record(cli->root, true);
	ret = cli_load_inventory(cli, INV_KEEP_RTNL | INV_USERS, &inv);
	if (ret)
		return ret;
	record_check_inputs(cli, &inv);
	record_pf_mtus(cli, &inv);
	sriov_root_record(cli->root, false);
	sriov_err_clear(&err);
	ret = sriov_capture_write(cli->root, &inv, argv[first], &err);
	if (ret < 0) {
		sriov_inventory_free(&inv);
		return cli_report(cli, &err);
	}
	if (strcmp(argv[first], "-"))
		cli_status("captured %zu SR-IOV PF%s into %s", inv.n_pfs,
			   inv.n_pfs == 1 ? "" : "s", argv[first]);
	print_notes(cli, &inv);
	sriov_inventory_free(&inv);
	return EXIT_OK;
}

const struct command cmd_capture = {
	.name = "capture",
	.summary = "archive what sriovctl reads, for bug reports and --root",
	.run = capture_run,
	.help = capture_help,
};
