// SPDX-License-Identifier: MIT
/*
 * vfkeys-doc IN OUT: copies the man page source IN to OUT with its lists of
 * VF settings made from the table (lib/vfsetting.c), so that the man page
 * cannot disagree with the program:
 *
 *   @VF_SET_KEYS@      the keys of `vf PF/INDEXES set`, one scdoc paragraph
 *   @VF_CONFIG_KEYS@   the [vf] keys of a configuration file, one entry each
 *   @VF_RESET_VALUES@  the clean values `vf PF/INDEXES reset` sets (vfreset.h)
 *
 * Each placeholder stands alone on its line (a leading tab is kept).
 */
#include <stdio.h>
#include <string.h>

#include "sriov/vfsetting.h"
#include "sriov/vfreset.h"

/* Plain text for scdoc: '*', '_' and '\' would start markup. */
static void put_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '*' || *s == '_' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
}

/* "on|off" as *on*|*off*; a placeholder (MAC, N) or range as _text_. */
static void put_syntax(FILE *out, enum vf_key k)
{
	const struct vf_setting *row = vf_setting_of(k);
	char syntax[96], *save = NULL;
	bool first = true;

	if (row->type == VF_VAL_MAC) {
		fputs(row->auto_flag.size ? "_aa:bb:cc:dd:ee:ff_|*auto*"
					  : "_aa:bb:cc:dd:ee:ff_",
		      out);
		return;
	}
	if (row->type == VF_VAL_UINT && row->unit) {
		fprintf(out, "_%s_", row->unit);
		return;
	}
	vf_key_syntax(k, syntax, sizeof(syntax));
	for (char *w = strtok_r(syntax, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
		/* a value, not a placeholder (0-4095, GUID and NAME are) */
		bool word = row->type != VF_VAL_UINT &&
			    !(row->type == VF_VAL_NAME && !strcmp(w, "NAME"));

		fprintf(out, "%s%c", first ? "" : "|", word ? '*' : '_');
		put_text(out, w);
		fputc(word ? '*' : '_', out);
		first = false;
	}
}

static void put_name(FILE *out, const char *name)
{
	fputc('*', out);
	put_text(out, name);
	fputc('*', out);
}

static void set_keys(FILE *out, const char *indent)
{
	fprintf(out, "%sKeys:", indent);
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		const struct vf_setting *row = vf_setting_of((enum vf_key)k);

		fputs(k ? "; " : " ", out);
		put_name(out, row->name);
		fputc(' ', out);
		put_syntax(out, (enum vf_key)k);
		fputs(": ", out);
		put_text(out, row->help);
	}
	fputs(". *on*|*off* may also be written _yes_/_no_, _1_/_0_, _true_/_false_.\n",
	      out);
}

static void config_keys(FILE *out)
{
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		const struct vf_setting *row = vf_setting_of((enum vf_key)k);

		if (k)
			fputc('\n', out);
		put_name(out, row->conf_name);
		fputs(" = ", out);
		put_syntax(out, (enum vf_key)k);
		fputs("\n\t", out);
		put_text(out, row->doc);
		fputc('\n', out);
	}
}

static void reset_values(FILE *out, const char *indent)
{
	char list[800];

	vf_reset_list(list, sizeof(list));
	fputs(indent, out);
	put_text(out, list);
	fputs(".\n", out);
}

int main(int argc, char **argv)
{
	char line[4096];
	FILE *in, *out;
	int ret = 0;

	if (argc != 3) {
		fputs("usage: vfkeys-doc IN OUT\n", stderr);
		return 2;
	}
	in = fopen(argv[1], "r");
	out = in ? fopen(argv[2], "w") : NULL;
	if (!in || !out) {
		perror(in ? argv[2] : argv[1]);
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		const char *p = line + strspn(line, "\t");

		if (!strcmp(p, "@VF_SET_KEYS@\n"))
			set_keys(out, p > line ? "\t" : "");
		else if (!strcmp(p, "@VF_CONFIG_KEYS@\n"))
			config_keys(out);
		else if (!strcmp(p, "@VF_RESET_VALUES@\n"))
			reset_values(out, p > line ? "\t" : "");
		else
			fputs(line, out);
	}
	if (ferror(in) || fclose(out) != 0)
		ret = 1;
	fclose(in);
	return ret;
}
