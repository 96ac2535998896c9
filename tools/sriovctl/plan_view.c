// SPDX-License-Identifier: MIT
/* Rendering the plan of apply and restore, as text and JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan_view.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void step_subject(const struct plan_step *s, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s%s", s->pf, s->pf_ifname[0] ? " " : "",
			 s->pf_ifname);

	if (s->vf >= 0 && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " vf %d", s->vf);
}

static void step_source(const struct plan_step *s, char *buf, size_t size)
{
	buf[0] = '\0';
	if (s->loc.file[0])
		snprintf(buf, size, "%s:%u", base_name(s->loc.file), s->loc.line);
}

static const char *old_text(const struct plan_step *s)
{
	if (s->old_value[0])
		return s->old_value;
	return s->predicted		? "(new VF)"
	       : s->kind == PLAN_DRIVER ? "(none)"
					: "(unknown)";
}

static void print_step(FILE *out, const struct plan_step *s, enum plan_view_mode mode)
{
	char subject[64], source[300];

	step_subject(s, subject, sizeof(subject));
	step_source(s, source, sizeof(source));
	fprintf(out, "  %-26s %-12s %s -> %s", subject, plan_step_key(s), old_text(s),
		s->new_value[0] ? s->new_value : "(none)");
	if (source[0])
		fprintf(out, "  [%s]", source);
	if (mode == PLAN_VIEW_RUN)
		fprintf(out, "  %s", plan_status_name(s->status));
	fputc('\n', out);
	if (s->status == PLAN_FAILED || (mode == PLAN_VIEW_RUN && s->detail[0])) {
		if (s->detail[0])
			fprintf(out, "      %s\n", s->detail);
		if (s->hint[0])
			fprintf(out, "      hint: %s\n", s->hint);
	}
}

static void print_summary(FILE *out, const char *cmd, const struct apply_result *res,
			  enum plan_view_mode mode)
{
	size_t n = res->plan.n;

	if (!n) {
		fprintf(out, "%s: nothing to do: %s\n", cmd,
			!strcmp(cmd, "restore") ? "nothing sriovctl changed differs from "
						  "what was there before"
			: !strcmp(cmd, "reset") ? "the VFs are in their clean state"
						: "the host matches the configuration");
		return;
	}
	if (mode == PLAN_VIEW_DRY_RUN) {
		fprintf(out,
			"%s: %zu change(s) would be made (dry run: nothing changed)\n",
			cmd, n);
		return;
	}
	if (mode == PLAN_VIEW_CHECK) {
		fprintf(out, "%s: %zu change(s) pending\n", cmd, n);
		return;
	}
	fprintf(out, "%s: %zu done, %zu failed", cmd, res->done, res->failed);
	if (res->rolled_back)
		fprintf(out, ", %zu undone (--rollback-on-error)", res->undone);
	fprintf(out, "; journal %s\n", JOURNAL_FILE);
}

/*
 * Why a dry run and the run may count differently: the steps of VFs that a
 * count change creates are predicted from the configuration alone; the run
 * plans them again once the VFs exist and skips what a new VF already has
 * (its driver's defaults, such as spoofchk on).
 */
static void print_replan_note(FILE *out, const struct plan *p, enum plan_view_mode mode)
{
	size_t predicted = 0, vfs_created = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct plan_step *s = &p->steps[i];

		predicted += s->predicted;
		vfs_created +=
			s->kind == PLAN_NUM_VFS && s->status == PLAN_DONE &&
			strtoul(s->new_value, NULL, 10) > strtoul(s->old_value, NULL, 10);
	}
	if (mode != PLAN_VIEW_RUN && predicted)
		fprintf(out,
			"note: %zu of these steps are for VFs not created yet: apply "
			"plans them again once the VFs exist and skips what a new VF "
			"already has, so it may make fewer changes\n",
			predicted);
	if (mode == PLAN_VIEW_RUN && vfs_created)
		fprintf(out, "note: the new VFs' steps were planned again once the VFs "
			     "existed: settings a new VF already had were skipped (a dry "
			     "run counts them)\n");
}

void plan_print(FILE *out, const char *cmd, const struct apply_result *res,
		enum plan_view_mode mode)
{
	for (size_t i = 0; i < res->plan.n; i++)
		print_step(out, &res->plan.steps[i], mode);
	for (size_t i = 0; i < res->plan.n_notes; i++)
		fprintf(out, "note: %s\n", res->plan.notes[i]);
	print_replan_note(out, &res->plan, mode);
	for (size_t i = 0; i < res->n_missing; i++)
		fprintf(out,
			"note: %s is named in the configuration but is not on this "
			"host\n",
			res->missing[i]);
	print_summary(out, cmd, res, mode);
}

/* ---- JSON -------------------------------------------------------------------- */

static struct json_object *str_or_null(const char *s)
{
	return s[0] ? json_object_new_string(s) : NULL;
}

static struct json_object *step_json(const struct plan_step *s, enum plan_view_mode mode)
{
	struct json_object *o = json_object_new_object();
	char source[300];

	step_source(s, source, sizeof(source));
	if (s->loc.file[0])
		snprintf(source, sizeof(source), "%s:%u:%u", s->loc.file, s->loc.line,
			 s->loc.col);
	ADD(o, "kind", json_object_new_string(plan_kind_name(s->kind)));
	ADD(o, "pf", json_object_new_string(s->pf));
	ADD(o, "pf_netdev", str_or_null(s->pf_ifname));
	ADD(o, "vf", s->vf >= 0 ? json_object_new_int(s->vf) : NULL);
	ADD(o, "target", json_object_new_string(s->target));
	ADD(o, "key", json_object_new_string(plan_step_key(s)));
	ADD(o, "old", str_or_null(s->old_value));
	ADD(o, "new", json_object_new_string(s->new_value));
	ADD(o, "predicted", json_object_new_boolean(s->predicted));
	ADD(o, "source", str_or_null(source));
	ADD(o, "status", json_object_new_string(plan_status_name(s->status)));
	ADD(o, "error", s->error ? json_object_new_string(strerror(-s->error)) : NULL);
	ADD(o, "message", str_or_null(s->detail));
	ADD(o, "hint", str_or_null(s->hint));
	(void)mode;
	return o;
}

static struct json_object *journal_json(const struct journal_load_info *j)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "path", json_object_new_string(JOURNAL_FILE));
	ADD(o, "found", json_object_new_boolean(j->found));
	ADD(o, "interrupted", json_object_new_boolean(j->interrupted));
	ADD(o, "previous_pid",
	    j->interrupted ? json_object_new_int64(j->previous_pid) : NULL);
	ADD(o, "corrupt", json_object_new_boolean(j->corrupt));
	ADD(o, "set_aside", j->corrupt ? json_object_new_string(j->set_aside) : NULL);
	ADD(o, "reason", j->corrupt ? json_object_new_string(j->reason) : NULL);
	return o;
}

static const char *mode_name(enum plan_view_mode mode)
{
	return mode == PLAN_VIEW_DRY_RUN ? "dry-run"
	       : mode == PLAN_VIEW_CHECK ? "check"
					 : "run";
}

struct json_object *plan_json(const struct apply_result *res, enum plan_view_mode mode,
			      const char *const *files, size_t n_files)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	struct json_object *sum = json_object_new_object();

	ADD(o, "mode", json_object_new_string(mode_name(mode)));
	for (size_t i = 0; i < n_files; i++)
		json_object_array_add(arr, json_object_new_string(files[i]));
	ADD(o, "files", arr);
	ADD(o, "matches", json_object_new_boolean(res->plan.n == 0));
	arr = json_object_new_array();
	for (size_t i = 0; i < res->plan.n; i++)
		json_object_array_add(arr, step_json(&res->plan.steps[i], mode));
	ADD(o, "steps", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < res->plan.n_notes; i++)
		json_object_array_add(arr, json_object_new_string(res->plan.notes[i]));
	ADD(o, "notes", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < res->n_missing; i++)
		json_object_array_add(arr, json_object_new_string(res->missing[i]));
	ADD(o, "missing", arr);
	ADD(o, "journal", journal_json(&res->journal));
	ADD(sum, "steps", json_object_new_int((int)res->plan.n));
	ADD(sum, "done", json_object_new_int((int)res->done));
	ADD(sum, "failed", json_object_new_int((int)res->failed));
	ADD(sum, "undone", json_object_new_int((int)res->undone));
	ADD(o, "summary", sum);
	ADD(o, "rolled_back", json_object_new_boolean(res->rolled_back));
	return o;
}

/* ---- shared option handling ------------------------------------------------------ */

int plan_parse_seconds(struct cli *cli, const char *cmd, const char *opt, const char *arg,
		       double max, int *ms)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(arg, &end);
	if (errno || end == arg || *end || !(s >= 0) || s > max)
		return cli_usage_error(cli, cmd,
				       "%s: expected seconds from 0 to %.0f, got '%s'",
				       opt, max, arg);
	*ms = (int)(s * 1000 + 0.5);
	return 0;
}
