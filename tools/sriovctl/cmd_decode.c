// SPDX-License-Identifier: MIT
/* sriovctl decode FILE: decode an lspci hex dump offline. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

#define MAX_DUMP_SIZE (16u << 20)

static void decode_help(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl decode FILE [--json]\n"
		"\n"
		"Decode a PCI configuration-space dump as printed by 'lspci -x', '-xxx'\n"
		"or '-xxxx' (use -xxxx: SR-IOV, ARI and ACS live in the extended space\n"
		"past byte 256). FILE may hold several functions; '-' reads standard\n"
		"input. Nothing on this host is read: use it on dumps from bug reports.\n"
		"\n"
		"  # lspci -xxxx -s 01:00.0 > pf.txt\n"
		"  $ sriovctl decode pf.txt\n"
		"\n"
		"lspci's -v, -vv or -vvv text may be mixed in (lspci -vvvxxxx, as\n"
		"bug reports have it): it is skipped, as 'lspci -F' skips it, and the\n"
		"result is the same as for the plain hex dump.\n"
		"\n"
		"A malformed dump (a wrapped device line, a short or non-hex row, a\n"
		"missing final newline, a function given twice) is rejected with\n"
		"FILE:LINE and the reason. A damaged capability list (a loop, a\n"
		"pointer out of range) is decoded up to the damage and reported the\n"
		"same way; the exit status is then 2. A 64-byte dump (lspci -x) is\n"
		"not damaged: its capability list goes on past the dump, and a note\n"
		"says which capabilities are not in it (exit status 0).\n"
		"\n"
		"Options:\n%s",
		cli_common_help());
}

static struct json_object *func_json(const struct pci_dump_func *f,
				     const struct pci_caps *caps)
{
	struct json_object *o = json_object_new_object();
	char addr[PCI_ADDR_STRLEN];

	pci_addr_format(&f->addr, addr);
	json_object_object_add(o, "address", json_object_new_string(addr));
	json_object_object_add(o, "vendor_id", json_hex16(caps->vendor_id));
	json_object_object_add(o, "device_id", json_hex16(caps->device_id));
	json_object_object_add(o, "description", json_object_new_string(f->description));
	json_object_object_add(o, "config_bytes", json_object_new_int((int)f->cfg.len));
	json_object_object_add(o, "config_all_ones",
			       json_object_new_boolean(caps->config_all_ones));
	json_object_object_add(o, "capabilities", caps_to_json(caps));
	json_object_object_add(o, "capabilities_past_dump",
			       caps->list_past_dump
				       ? json_object_new_int(caps->past_dump_offset)
				       : NULL);
	return o;
}

/* lspci -x: the list goes on past the 64 bytes; say so, it is not damage. */
static void past_dump_text(const struct pci_dump_func *f, const struct pci_caps *caps)
{
	if (!caps->list_past_dump)
		return;
	printf("  (the capabilities from [%x] on are not in this dump: it has %zu "
	       "bytes;\n"
	       "   'lspci -xxxx' as root dumps all 4096)\n",
	       caps->past_dump_offset, f->cfg.len);
}

static void func_text(const struct pci_dump_func *f, const struct pci_caps *caps)
{
	char addr[PCI_ADDR_STRLEN];

	pci_addr_format(&f->addr, addr);
	printf("%s %s\n", addr, f->description);
	printf("  ids: %04x:%04x, %zu bytes of config space\n", caps->vendor_id,
	       caps->device_id, f->cfg.len);
	caps_print_text(stdout, caps, "  ");
	past_dump_text(f, caps);
	if (!caps->has_sriov && caps->ext_space_read && !caps->config_all_ones)
		printf("  no SR-IOV capability\n");
}

/* A function given twice: "FILE:LINE: 0000:01:00.0 again (first on line N)". */
static int find_duplicate(struct cli *cli, const char *file,
			  const struct pci_dump_func *funcs, size_t n)
{
	char addr[PCI_ADDR_STRLEN];

	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++) {
			if (pci_addr_cmp(&funcs[i].addr, &funcs[j].addr))
				continue;
			pci_addr_format(&funcs[i].addr, addr);
			return cli_error(cli, NULL, EXIT_USAGE,
					 "%s:%u: function %s again (first on line %u): "
					 "one dump per function",
					 file, funcs[i].line, addr, funcs[j].line);
		}
	return 0;
}

/* Names where the walk of a damaged capability list stopped; 1 when one was. */
static int report_damage(struct cli *cli, const char *file, const struct pci_dump_func *f,
			 const struct pci_caps *caps)
{
	char addr[PCI_ADDR_STRLEN];
	const struct pci_cap_ref *last =
		caps->n_refs ? &caps->refs[caps->n_refs - 1] : NULL;

	/* a list going on past a 64-byte dump is list_past_dump, not this */
	if (!caps->walk_truncated)
		return 0;
	pci_addr_format(&f->addr, addr);
	if (last)
		cli_error(
			cli, NULL, EXIT_USAGE,
			"%s:%u: %s: the capability list is damaged after the "
			"capability at [%x] (a loop, a pointer out of range or a broken "
			"entry): later capabilities are not shown",
			file, f->line, addr, last->offset);
	else
		cli_error(cli, NULL, EXIT_USAGE,
			  "%s:%u: %s: the capability list is damaged at its start (a "
			  "pointer out of range or a broken entry)",
			  file, f->line, addr);
	return 1;
}

static int decode_funcs(struct cli *cli, const char *file,
			const struct pci_dump_func *funcs, size_t n)
{
	int damaged = 0;

	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct pci_caps caps;

		pci_caps_decode(&funcs[i].cfg, &caps, NULL);
		damaged += report_damage(cli, file, &funcs[i], &caps);
		if (cli->json) {
			json_object_array_add(arr, func_json(&funcs[i], &caps));
			continue;
		}
		if (i)
			putchar('\n');
		func_text(&funcs[i], &caps);
	}
	json_object_object_add(root, "functions", arr);
	if (cli->json)
		json_print(root);
	json_object_put(root);
	return damaged ? EXIT_USAGE : EXIT_OK;
}

static int decode_run(struct cli *cli, int argc, char **argv)
{
	struct pci_dump_func *funcs = NULL;
	struct sriov_err err;
	size_t len, n = 0;
	char *text;
	int first, ret;

	ret = cli_parse(cli, &cmd_decode, argc, argv, NULL, &first);
	if (ret != CLI_CONTINUE)
		return ret;
	if (first >= argc)
		return cli_usage_error(cli, "decode",
				       "missing FILE (an lspci -xxxx dump)");
	if (argc - first > 1)
		return cli_usage_error(cli, "decode", "unexpected argument '%s'",
				       argv[first + 1]);
	sriov_err_clear(&err);
	if (sriov_read_user_file(argv[first], MAX_DUMP_SIZE, &text, &len, &err) < 0) {
		cli_report(cli, &err);
		return EXIT_USAGE;
	}
	ret = pci_dump_parse(text, len, argv[first], &funcs, &n, &err);
	free(text);
	if (ret < 0) {
		cli_report(cli, &err);
		return EXIT_USAGE;
	}
	ret = find_duplicate(cli, argv[first], funcs, n);
	if (!ret)
		ret = decode_funcs(cli, argv[first], funcs, n);
	pci_dump_free(funcs);
	return ret;
}

const struct command cmd_decode = {
	.name = "decode",
	.summary = "decode an lspci -x/-xxx/-xxxx dump offline (-v text may be mixed in)",
	.run = decode_run,
	.help = decode_help,
};
