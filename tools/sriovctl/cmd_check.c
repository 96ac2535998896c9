// SPDX-License-Identifier: MIT
/* sriovctl check [DEV]: pre-flight findings for the platform and each SR-IOV PF. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "inventory_view.h"
#include "sriov/checks.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

enum { OPT_KMSG = 0x200 };

static void check_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl check [DEV] [--kmsg FILE] [--json] [--root DIR]\n"
		"\n"
		"Check, before anything is changed, whether this host can use SR-IOV "
		"and\n"
		"hand VFs to VMs. Each finding has a status (PASS, WARN, FAIL, SKIP), "
		"an\n"
		"id, what it is about (host or a PCI address), the evidence (the file\n"
		"and value read, or the kernel log line) and the remedy (the exact\n"
		"command, kernel argument or BIOS setting).\n"
		"\n"
		"The platform: CPU virtualization (vmx/svm); the IOMMU in the firmware\n"
		"(ACPI DMAR, IVRS or IORT) and active in the kernel (/sys/class/iommu,\n"
		"IOMMU groups), with the kernel arguments for this CPU vendor and how "
		"to\n"
		"set them with the boot loader found (GRUB, systemd-boot, Proxmox);\n"
		"vfio-pci; kernel log lines that matter (IOMMU off, bus numbers out of\n"
		"range, no MMIO space for VF BARs, VFs in reset, MSI-X exhausted).\n"
		"\n"
		"Each PF: the SR-IOV capability and TotalVFs; VF BAR space reserved;\n"
		"the bus range the VFs need; ARI; ACS on the path to the root port;\n"
		"the IOMMU groups of the PF and its VFs; the PF and VF drivers; VFs\n"
		"with an all-zero MAC; VF migration support.\n"
		"\n"
		"DEV narrows the per-PF checks to one PF (0000:01:00.0, 01:00.0, "
		"enp1s0);\n"
		"a VF (address or PF/INDEX) checks its PF.\n"
		"\n"
		"Options:\n"
		"  --kmsg FILE     read a saved kernel log instead of /dev/kmsg: dmesg\n"
		"                  text, journal lines, or `cat /dev/kmsg` records\n"
		"%s"
		"\n"
		"Without --kmsg, the kernel log is /dev/kmsg of this host (with\n"
		"kernel.dmesg_restrict it needs root); a --root tree has none, so the\n"
		"log rules are skipped unless --kmsg is given. Reading the full\n"
		"configuration space (ARI, ACS) needs root.\n"
		"\n"
		"Examples:\n"
		"  # sriovctl check\n"
		"  # sriovctl check enp1s0 --json\n"
		"  $ sriovctl check --root host --kmsg host-dmesg.txt\n"
		"\n"
		"Exit status: 0 nothing failed (warnings and skips allowed), 1 at least\n"
		"one check failed, 2 bad arguments (unknown DEV, unreadable --kmsg "
		"FILE).\n",
		cli_common_help());
}

struct check_args {
	const char *kmsg_file;
};

static int check_option(struct cli *cli, void *ctx, int opt, const char *arg)
{
	struct check_args *a = ctx;

	(void)cli;
	if (opt != OPT_KMSG)
		return EXIT_USAGE;
	a->kmsg_file = arg;
	return 0;
}

/* ---- DEV ------------------------------------------------------------------ */

static int select_pf(struct cli *cli, const struct inventory *inv, const char *arg,
		     const struct pf **out)
{
	struct sriov_err err;
	struct dev_ref ref;
	unsigned int index;

	sriov_err_clear(&err);
	if (sriov_dev_resolve(cli->root, arg, &ref, &err) < 0) {
		cli_report(cli, &err);
		return EXIT_USAGE;
	}
	*out = inventory_find_pf_dev(inv, ref.bus_name, ref.dev_name);
	if (*out && ref.has_vf_spec)
		cli_note("%s names VFs of %s: checking the PF", arg, (*out)->addr_str);
	if (*out)
		return 0;
	*out = pf_of_vf(inv, &ref.addr, &index);
	if (*out) {
		cli_note("%s is VF %u of %s: checking the PF", ref.addr_str, index,
			 (*out)->addr_str);
		return 0;
	}
	sriov_err_set(&err, -ENODEV,
		      "%s (%s) is not an SR-IOV physical function nor one of its VFs",
		      arg, ref.addr_str);
	sriov_err_hint(&err, "run `sriovctl list` to see the SR-IOV devices");
	cli_report(cli, &err);
	return EXIT_USAGE;
}

/* ---- JSON ----------------------------------------------------------------- */

/* "a\nb" -> ["a", "b"]; "" -> []. */
static struct json_object *lines_json(const char *s)
{
	struct json_object *arr = json_object_new_array();

	while (*s) {
		size_t n = strcspn(s, "\n");

		json_object_array_add(arr, json_object_new_string_len(s, (int)n));
		s += n;
		if (*s == '\n')
			s++;
	}
	return arr;
}

static struct json_object *finding_json(const struct finding *fd)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "id", json_object_new_string(fd->id));
	ADD(o, "status", json_object_new_string(check_status_name(fd->status)));
	ADD(o, "subject", json_object_new_string(fd->subject));
	ADD(o, "summary", json_object_new_string(fd->summary));
	ADD(o, "evidence", lines_json(fd->evidence));
	ADD(o, "remedy", lines_json(fd->remedy));
	return o;
}

static struct json_object *summary_json(const struct findings *f)
{
	struct json_object *o = json_object_new_object();
	size_t counts[4];

	findings_count(f, counts);
	ADD(o, "pass", json_object_new_int64((int64_t)counts[CHECK_PASS]));
	ADD(o, "warn", json_object_new_int64((int64_t)counts[CHECK_WARN]));
	ADD(o, "fail", json_object_new_int64((int64_t)counts[CHECK_FAIL]));
	ADD(o, "skip", json_object_new_int64((int64_t)counts[CHECK_SKIP]));
	ADD(o, "ok", json_object_new_boolean(!findings_failed(f)));
	return o;
}

static struct json_object *sources_json(const struct check_context *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *log = json_object_new_object();

	ADD(log, "source", json_str_or_null(c->log_source));
	ADD(log, "available", json_object_new_boolean(c->log_available));
	ADD(log, "records",
	    c->log_available ? json_object_new_int64((int64_t)c->log->n) : NULL);
	ADD(log, "unavailable",
	    c->log_available ? NULL : json_str_or_null(c->log_unavailable));
	ADD(o, "kernel_log", log);
	ADD(o, "modules_unavailable",
	    c->kmod ? NULL : json_str_or_null(c->kmod_unavailable));
	return o;
}

static void check_json(const struct check_context *c, const struct findings *f)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < f->n; i++)
		json_object_array_add(arr, finding_json(&f->v[i]));
	ADD(root, "findings", arr);
	ADD(root, "summary", summary_json(f));
	ADD(root, "sources", sources_json(c));
	ADD(root, "notes", notes_json(c->inv));
	json_print(root);
	json_object_put(root);
}

/* ---- text ----------------------------------------------------------------- */

static const char *const status_label[] = {"PASS", "WARN", "FAIL", "SKIP"};
static const char *const status_color[] = {"\033[32m", "\033[33m", "\033[1;31m",
					   "\033[2m"};

/* Prints each line of s under label, continuation lines aligned. */
static void print_lines(const char *label, const char *s)
{
	bool first = true;

	while (*s) {
		size_t n = strcspn(s, "\n");

		printf("     %-10s%.*s\n", first ? label : "", (int)n, s);
		first = false;
		s += n;
		if (*s == '\n')
			s++;
	}
}

static void finding_text(const struct finding *fd, bool color)
{
	unsigned int st = (unsigned int)fd->status < 4 ? (unsigned int)fd->status : 3;

	printf("%s%s%s %-26s %s\n", color ? status_color[st] : "", status_label[st],
	       color ? "\033[0m" : "", fd->id, fd->subject);
	printf("     %s\n", fd->summary);
	print_lines("evidence:", fd->evidence);
	print_lines("remedy:", fd->remedy);
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void check_text(const struct findings *f, bool color)
{
	size_t counts[4];

	for (size_t i = 0; i < f->n; i++) {
		finding_text(&f->v[i], color);
		putchar('\n');
	}
	findings_count(f, counts);
	printf("%zu passed, %zu %s, %zu failed, %zu skipped\n", counts[CHECK_PASS],
	       counts[CHECK_WARN], plural(counts[CHECK_WARN], "warning", "warnings"),
	       counts[CHECK_FAIL], counts[CHECK_SKIP]);
}

/* ---- the command ---------------------------------------------------------- */

static int check_execute(struct cli *cli, struct check_context *c, const char *kmsg_file)
{
	struct kmsg_log log = {0};
	struct findings f = {0};
	struct sriov_err err;
	int ret;

	sriov_err_clear(&err);
	ret = check_context_load_log(c, &log, kmsg_file, &err);
	if (ret < 0) {
		kmsg_log_free(&log);
		return cli_error(cli, "check", ret == -ENOMEM ? EXIT_FAIL : EXIT_USAGE,
				 "--kmsg %s", err.msg);
	}
	check_context_open_kmod(c);
	ret = check_run(c, &f, &err);
	if (ret < 0) {
		ret = cli_report(cli, &err);
	} else {
		if (cli->json)
			check_json(c, &f);
		else
			check_text(&f, isatty(STDOUT_FILENO));
		print_notes(cli, c->inv);
		ret = findings_failed(&f) ? EXIT_FAIL : EXIT_OK;
	}
	check_context_release(c);
	findings_free(&f);
	kmsg_log_free(&log);
	return ret;
}

static int check_cmd_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"kmsg", required_argument, NULL, OPT_KMSG},
		{0},
	};
	struct check_args args = {0};
	struct cli_extra_opts extra = {
		.longopts = opts, .handle = check_option, .ctx = &args};
	struct check_context c;
	struct inventory inv;
	int first, ret;

	ret = cli_parse(cli, &cmd_check, argc, argv, &extra, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	if (argc - first > 1)
		return cli_usage_error(cli, "check", "unexpected argument '%s'",
				       argv[first + 1]);
	ret = cli_load_inventory(cli, INV_USERS, &inv);
	if (ret)
		return ret;
	check_context_init(&c, cli->root, &inv);
	if (first < argc)
		ret = select_pf(cli, &inv, argv[first], &c.only_pf);
	if (!ret)
		ret = check_execute(cli, &c, args.kmsg_file);
	sriov_inventory_free(&inv);
	return ret;
}

const struct command cmd_check = {
	.name = "check",
	.summary = "pre-flight: is the platform and each PF ready for SR-IOV?",
	.run = check_cmd_run,
	.help = check_help,
};
