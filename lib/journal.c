// SPDX-License-Identifier: MIT
/*
 * The journal of changes (journal.h has the contract): the run under way and
 * the value every (function, key) had before sriovctl first changed it, kept
 * as JSON inside the root and replaced atomically before each change.
 *
 * One validator (validate_journal()) says what a journal may hold; the
 * writers (journal_begin(), journal_add_step(), journal_save()) refuse what it
 * refuses, and the reader checks every file against it, so that a journal
 * sriovctl wrote is always one it will read back, and one it did not write
 * is trusted only when it says nothing a writer could not have said.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "sriov/journal.h"
#include "netdevsim_internal.h"
#include "sriov/vfattr.h"
#include "sriov/pf_setting.h"

#define VF_INDEX_MAX 65534
#define ERRNO_MAX    4095

/* ---- names ---------------------------------------------------------------- */

static const char *const kind_names[] = {
	[JOURNAL_NUM_VFS] = "num_vfs", [JOURNAL_AUTOPROBE] = "autoprobe",
	[JOURNAL_PF_UP] = "pf_up",     [JOURNAL_VF_ATTR] = "vf_attr",
	[JOURNAL_DRIVER] = "driver",   [JOURNAL_PF_ATTR] = "pf_attr",
};

static const char *const status_names[] = {
	[JOURNAL_STARTED] = "started",
	[JOURNAL_DONE] = "done",
	[JOURNAL_FAILED] = "failed",
	[JOURNAL_UNDONE] = "undone",
};

static const char *const state_names[] = {
	[JOURNAL_NONE] = "none",
	[JOURNAL_RUNNING] = "running",
	[JOURNAL_COMPLETE] = "complete",
	[JOURNAL_FAILED_RUN] = "failed",
	[JOURNAL_ROLLED_BACK] = "rolled_back",
};

#define N_KINDS	   (sizeof(kind_names) / sizeof(kind_names[0]))
#define N_STATUSES (sizeof(status_names) / sizeof(status_names[0]))
#define N_STATES   (sizeof(state_names) / sizeof(state_names[0]))

static const char *name_of(const char *const *names, size_t n, unsigned int i)
{
	return i < n ? names[i] : "?";
}

const char *journal_kind_name(enum journal_kind k)
{
	return name_of(kind_names, N_KINDS, k);
}

const char *journal_status_name(enum journal_status s)
{
	return name_of(status_names, N_STATUSES, s);
}

const char *journal_state_name(enum journal_state s)
{
	return name_of(state_names, N_STATES, s);
}

/* The one key of a PF kind or of DRIVER; NULL for VF_ATTR (vf_key_name()). */
static const char *fixed_key(enum journal_kind k)
{
	switch (k) {
	case JOURNAL_NUM_VFS:
		return "num_vfs";
	case JOURNAL_AUTOPROBE:
		return "autoprobe";
	case JOURNAL_PF_UP:
		return "up";
	case JOURNAL_DRIVER:
		return "driver";
	default:
		return NULL;
	}
}

static bool is_pf_kind(enum journal_kind k)
{
	return k == JOURNAL_NUM_VFS || k == JOURNAL_AUTOPROBE || k == JOURNAL_PF_UP ||
	       k == JOURNAL_PF_ATTR;
}

/* ---- validation ------------------------------------------------------------ */

/* s is NUL-terminated within size bytes and has no control characters. */
static int check_text(const char *field, const char *s, size_t size, struct sriov_err *e)
{
	size_t len = strnlen(s, size);

	if (len == size)
		return sriov_err_set(e, -EINVAL, "%s: longer than %zu bytes", field,
				     size - 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return sriov_err_set(e, -EINVAL,
					     "%s: control character 0x%02x at byte %zu",
					     field, c, i);
	}
	return 0;
}

/*
 * A PCI address as sysfs names functions: one spelling per function; or, for
 * a netdevsim PF and its VFs, which have none, "netdevsim10" and
 * "netdevsim10/3".
 */
static int check_addr(const char *field, const char *s, size_t size, struct sriov_err *e)
{
	char canonical[PCI_ADDR_STRLEN];
	struct pci_addr a;
	int ret = check_text(field, s, size, e);

	if (ret < 0 || netdevsim_target_ok(s))
		return ret;
	canonical[0] = '\0';
	if (pci_addr_parse(s, &a) == 0)
		pci_addr_format(&a, canonical);
	if (strcmp(s, canonical))
		return sriov_err_set(e, -EINVAL,
				     "%s: \"%s\" is not a PCI address as sysfs writes it "
				     "(\"0000:01:00.0\")",
				     field, s);
	return 0;
}

/* "2026-11-21T10:00:00Z": the shape only. */
static int check_time(const char *field, const char *s, size_t size, struct sriov_err *e)
{
	static const char shape[] = "0000-00-00T00:00:00Z";
	int ret = check_text(field, s, size, e);

	if (ret < 0 || !s[0])
		return ret;
	for (size_t i = 0; i < sizeof(shape); i++) {
		bool ok = shape[i] == '0' ? s[i] >= '0' && s[i] <= '9' : s[i] == shape[i];

		if (!ok)
			return sriov_err_set(e, -EINVAL,
					     "%s: \"%s\" is not a UTC time "
					     "(YYYY-MM-DDTHH:MM:SSZ)",
					     field, s);
	}
	return 0;
}

static int check_key(const char *where, const struct journal_change *c,
		     struct sriov_err *e)
{
	const char *want = fixed_key(c->kind);
	char keys[VF_KEY_LIST_SIZE];
	enum vf_key k;

	if (want && strcmp(c->key, want))
		return sriov_err_set(e, -EINVAL, "%s.key: must be \"%s\" for kind %s",
				     where, want, journal_kind_name(c->kind));
	if (c->kind == JOURNAL_PF_ATTR) {
		enum pf_key pk;

		if (pf_key_lookup(c->key, &pk, NULL) == 0)
			return 0;
		return sriov_err_set(e, -EINVAL, "%s.key: \"%s\" is not a PF setting",
				     where, c->key);
	}
	if (want || vf_key_lookup(c->key, &k, NULL) == 0)
		return 0;
	vf_key_list(false, keys, sizeof(keys));
	return sriov_err_set(e, -EINVAL, "%s.key: \"%s\" is not a VF setting (%s)", where,
			     c->key, keys);
}

static int check_vf(const char *where, const struct journal_change *c,
		    struct sriov_err *e)
{
	if (is_pf_kind(c->kind) && c->vf != -1)
		return sriov_err_set(e, -EINVAL, "%s.vf: must be -1 for kind %s (a PF's)",
				     where, journal_kind_name(c->kind));
	if (!is_pf_kind(c->kind) && (c->vf < 0 || c->vf > VF_INDEX_MAX))
		return sriov_err_set(e, -EINVAL, "%s.vf: %d is not a VF index (0-%d)",
				     where, c->vf, VF_INDEX_MAX);
	return 0;
}

static int check_outcome(const char *where, const struct journal_change *c,
			 struct sriov_err *e)
{
	if ((unsigned int)c->status >= N_STATUSES)
		return sriov_err_set(e, -EINVAL, "%s.status: unknown status %d", where,
				     (int)c->status);
	if (c->error > 0 || c->error < -ERRNO_MAX)
		return sriov_err_set(e, -EINVAL, "%s.error: %d is not 0 or a -errno",
				     where, c->error);
	return 0;
}

/* "where.key", or "key" at the top. */
static const char *field_name(char *buf, size_t size, const char *where, const char *key)
{
	snprintf(buf, size, "%s%s%s", where, where[0] ? "." : "", key);
	return buf;
}

/* A step, or an original (which has no new value, status or error). */
static int validate_change(const char *where, const struct journal_change *c,
			   bool original, struct sriov_err *e)
{
	char f[96];
	int ret;

	if ((unsigned int)c->kind >= N_KINDS)
		return sriov_err_set(e, -EINVAL, "%s.kind: unknown kind %d", where,
				     (int)c->kind);
	ret = check_addr(field_name(f, sizeof(f), where, "pf"), c->pf, sizeof(c->pf), e);
	if (!ret)
		ret = check_addr(field_name(f, sizeof(f), where, "target"), c->target,
				 sizeof(c->target), e);
	if (!ret)
		ret = check_text(field_name(f, sizeof(f), where, "key"), c->key,
				 sizeof(c->key), e);
	if (!ret)
		ret = check_key(where, c, e);
	if (!ret)
		ret = check_vf(where, c, e);
	if (!ret)
		ret = check_text(field_name(f, sizeof(f), where, "old"), c->old_value,
				 sizeof(c->old_value), e);
	if (!ret)
		ret = check_text(field_name(f, sizeof(f), where, "old_extra"),
				 c->old_extra, sizeof(c->old_extra), e);
	if (!ret && !original)
		ret = check_text(field_name(f, sizeof(f), where, "new"), c->new_value,
				 sizeof(c->new_value), e);
	if (!ret && !original)
		ret = check_outcome(where, c, e);
	return ret;
}

static int cmp_original(const void *a, const void *b)
{
	const struct journal_change *x = *(const struct journal_change *const *)a;
	const struct journal_change *y = *(const struct journal_change *const *)b;
	int d = strcmp(x->target, y->target);

	if (d)
		return d;
	d = strcmp(x->key, y->key);
	return d ? d : (x < y ? -1 : x > y);
}

/* At most one original per (target, key): sorted, neighbours compared. */
static int check_unique_originals(const struct journal *j, struct sriov_err *e)
{
	const struct journal_change **sorted;
	int ret = 0;

	if (j->n_originals < 2)
		return 0;
	sorted = malloc(j->n_originals * sizeof(*sorted));
	if (!sorted)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < j->n_originals; i++)
		sorted[i] = &j->originals[i];
	qsort(sorted, j->n_originals, sizeof(*sorted), cmp_original);
	for (size_t i = 1; i < j->n_originals && !ret; i++) {
		const struct journal_change *a = sorted[i - 1], *b = sorted[i];

		if (!strcmp(a->target, b->target) && !strcmp(a->key, b->key))
			ret = sriov_err_set(e, -EINVAL,
					    "originals[%zu]: a second original for %s %s "
					    "(the first is originals[%zu])",
					    (size_t)(b - j->originals), b->target, b->key,
					    (size_t)(a - j->originals));
	}
	free(sorted);
	return ret;
}

static int validate_run(const struct journal *j, struct sriov_err *e)
{
	int ret;

	if ((unsigned int)j->state >= N_STATES)
		return sriov_err_set(e, -EINVAL, "state: unknown state %d",
				     (int)j->state);
	ret = check_text("command", j->command, sizeof(j->command), e);
	if (!ret && (j->pid < 0 || j->pid > INT_MAX))
		ret = sriov_err_set(e, -EINVAL, "pid: %ld is not a process id", j->pid);
	if (!ret)
		ret = check_time("started", j->started, sizeof(j->started), e);
	if (!ret)
		ret = check_time("finished", j->finished, sizeof(j->finished), e);
	for (size_t i = 0; i < j->n_files && !ret; i++) {
		char f[48];

		snprintf(f, sizeof(f), "files[%zu]", i);
		ret = check_text(f, j->files[i], sizeof(j->files[i]), e);
	}
	return ret;
}

static int validate_journal(const struct journal *j, struct sriov_err *e)
{
	char where[48];
	int ret = validate_run(j, e);

	for (size_t i = 0; i < j->n_steps && !ret; i++) {
		snprintf(where, sizeof(where), "steps[%zu]", i);
		ret = validate_change(where, &j->steps[i], false, e);
	}
	for (size_t i = 0; i < j->n_originals && !ret; i++) {
		snprintf(where, sizeof(where), "originals[%zu]", i);
		ret = validate_change(where, &j->originals[i], true, e);
	}
	return ret ? ret : check_unique_originals(j, e);
}

/* ---- the run --------------------------------------------------------------- */

static void utc_now(char buf[32])
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		buf[0] = '\0';
}

int journal_begin(struct journal *j, const char *command, const char *const *files,
		  size_t n_files)
{
	char(*copy)[256] = NULL;

	if (!command || !command[0] ||
	    check_text("command", command, sizeof(j->command), NULL) < 0)
		return -EINVAL;
	if (n_files) {
		copy = calloc(n_files, sizeof(*copy));
		if (!copy)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n_files; i++) {
		if (check_text("file", files[i], sizeof(copy[i]), NULL) < 0) {
			free(copy);
			return -EINVAL;
		}
		snprintf(copy[i], sizeof(copy[i]), "%s", files[i]);
	}
	free(j->files);
	free(j->steps);
	j->files = copy;
	j->n_files = n_files;
	j->steps = NULL;
	j->n_steps = 0;
	j->state = JOURNAL_RUNNING;
	snprintf(j->command, sizeof(j->command), "%s", command);
	j->pid = (long)getpid();
	utc_now(j->started);
	j->finished[0] = '\0';
	return 0;
}

/* Appends a copy of c to *arr (n elements). */
static int append_change(struct journal_change **arr, size_t *n,
			 const struct journal_change *c)
{
	struct journal_change *grown;

	if (*n >= INT_MAX)
		return -ENOMEM;
	grown = realloc(*arr, (*n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	*arr = grown;
	grown[*n] = *c;
	return (int)(*n)++;
}

int journal_add_step(struct journal *j, const struct journal_change *c)
{
	struct journal_change step = *c, orig = *c;
	int ret;

	step.status = JOURNAL_STARTED;
	step.error = 0;
	if (validate_change("step", &step, false, NULL) < 0)
		return -EINVAL;
	if (!journal_original(j, c->target, c->key)) {
		orig.new_value[0] = '\0';
		orig.status = JOURNAL_STARTED;
		orig.error = 0;
		ret = append_change(&j->originals, &j->n_originals, &orig);
		if (ret < 0)
			return ret;
	}
	return append_change(&j->steps, &j->n_steps, &step);
}

const struct journal_change *journal_original(const struct journal *j, const char *target,
					      const char *key)
{
	for (size_t i = 0; i < j->n_originals; i++) {
		const struct journal_change *o = &j->originals[i];

		if (!strcmp(o->target, target) && !strcmp(o->key, key))
			return o;
	}
	return NULL;
}

void journal_drop_original(struct journal *j, const char *target, const char *key)
{
	const struct journal_change *o = journal_original(j, target, key);
	size_t i;

	if (!o)
		return;
	i = (size_t)(o - j->originals);
	memmove(&j->originals[i], &j->originals[i + 1],
		(j->n_originals - i - 1) * sizeof(*o));
	j->n_originals--;
}

void journal_end(struct journal *j, enum journal_state state)
{
	j->state = state;
	utc_now(j->finished);
}

void journal_free(struct journal *j)
{
	free(j->files);
	free(j->steps);
	free(j->originals);
	memset(j, 0, sizeof(*j));
}

/* ---- to JSON --------------------------------------------------------------- */

/* Adds v under k; a NULL v (out of memory) clears *ok. */
static void add(json_object *o, const char *k, json_object *v, bool *ok)
{
	if (!v) {
		*ok = false;
		return;
	}
	if (json_object_object_add(o, k, v) < 0) {
		json_object_put(v);
		*ok = false;
	}
}

static void add_str_or_null(json_object *o, const char *k, const char *s, bool *ok)
{
	if (s[0])
		add(o, k, json_object_new_string(s), ok);
	else if (json_object_object_add(o, k, NULL) < 0)
		*ok = false;
}

static json_object *change_to_json(const struct journal_change *c, bool original)
{
	json_object *o = json_object_new_object();
	bool ok = o != NULL;

	if (!o)
		return NULL;
	add(o, "kind", json_object_new_string(journal_kind_name(c->kind)), &ok);
	add(o, "pf", json_object_new_string(c->pf), &ok);
	add(o, "vf", json_object_new_int(c->vf), &ok);
	add(o, "target", json_object_new_string(c->target), &ok);
	add(o, "key", json_object_new_string(c->key), &ok);
	add(o, "old", json_object_new_string(c->old_value), &ok);
	add(o, "old_extra", json_object_new_string(c->old_extra), &ok);
	if (!original) {
		add(o, "new", json_object_new_string(c->new_value), &ok);
		add(o, "status", json_object_new_string(journal_status_name(c->status)),
		    &ok);
		add(o, "error", json_object_new_int(c->error), &ok);
	}
	if (!ok) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *changes_to_json(const struct journal_change *c, size_t n,
				    bool original)
{
	json_object *a = json_object_new_array();
	bool ok = a != NULL;

	for (size_t i = 0; i < n && ok; i++) {
		json_object *v = change_to_json(&c[i], original);

		ok = v && json_object_array_add(a, v) == 0;
		if (!ok)
			json_object_put(v);
	}
	if (!ok) {
		json_object_put(a);
		return NULL;
	}
	return a;
}

static json_object *files_to_json(const struct journal *j)
{
	json_object *a = json_object_new_array();
	bool ok = a != NULL;

	for (size_t i = 0; i < j->n_files && ok; i++) {
		json_object *v = json_object_new_string(j->files[i]);

		ok = v && json_object_array_add(a, v) == 0;
		if (!ok)
			json_object_put(v);
	}
	if (!ok) {
		json_object_put(a);
		return NULL;
	}
	return a;
}

char *journal_to_json(const struct journal *j)
{
	json_object *o = json_object_new_object();
	bool ok = o != NULL;
	char *text = NULL;

	if (!o)
		return NULL;
	add(o, "version", json_object_new_int(JOURNAL_VERSION), &ok);
	add(o, "command", json_object_new_string(j->command), &ok);
	add(o, "pid", json_object_new_int64(j->pid), &ok);
	add(o, "state", json_object_new_string(journal_state_name(j->state)), &ok);
	add_str_or_null(o, "started", j->started, &ok);
	add_str_or_null(o, "finished", j->finished, &ok);
	add(o, "files", files_to_json(j), &ok);
	add(o, "steps", changes_to_json(j->steps, j->n_steps, false), &ok);
	add(o, "originals", changes_to_json(j->originals, j->n_originals, true), &ok);
	if (ok)
		text = strdup(json_object_to_json_string_ext(
			o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

/* ---- from JSON: types and lengths (validate_journal() does the rest) -------- */

/* Every key of o is one of allowed (NULL-terminated). */
static int check_keys(json_object *o, const char *where, const char *const *allowed,
		      struct sriov_err *e)
{
	json_object_object_foreach(o, key, val)
	{
		const char *const *a = allowed;
		char f[96];

		(void)val;
		while (*a && strcmp(*a, key))
			a++;
		if (!*a)
			return sriov_err_set(e, -EINVAL, "%s: unknown key",
					     field_name(f, sizeof(f), where, key));
	}
	return 0;
}

static int get(json_object *o, const char *where, const char *key, json_type type,
	       bool nullable, json_object **v, struct sriov_err *e)
{
	char f[96];

	field_name(f, sizeof(f), where, key);
	if (!json_object_object_get_ex(o, key, v))
		return sriov_err_set(e, -EINVAL, "%s: missing", f);
	if (!*v && nullable)
		return 0;
	if (!json_object_is_type(*v, type))
		return sriov_err_set(e, -EINVAL, "%s: must be %s%s", f,
				     type == json_type_int	? "an integer"
				     : type == json_type_string ? "a string"
				     : type == json_type_array	? "an array"
								: "an object",
				     nullable ? " or null" : "");
	return 0;
}

/* The string v into buf; its bytes are checked later, by check_text(). */
static int string_value(json_object *v, const char *field, char *buf, size_t size,
			struct sriov_err *e)
{
	int len = json_object_get_string_len(v);

	if (len < 0 || (size_t)len >= size)
		return sriov_err_set(e, -EINVAL, "%s: longer than %zu bytes", field,
				     size - 1);
	memcpy(buf, json_object_get_string(v), (size_t)len);
	buf[len] = '\0';
	if (strlen(buf) != (size_t)len)
		return sriov_err_set(e, -EINVAL, "%s: contains a NUL character", field);
	return 0;
}

/* A string member (or null: "") into buf. */
static int get_string(json_object *o, const char *where, const char *key, bool nullable,
		      char *buf, size_t size, struct sriov_err *e)
{
	json_object *v;
	char f[96];
	int ret = get(o, where, key, json_type_string, nullable, &v, e);

	buf[0] = '\0';
	if (ret < 0 || !v)
		return ret;
	return string_value(v, field_name(f, sizeof(f), where, key), buf, size, e);
}

static int get_int(json_object *o, const char *where, const char *key, long long min,
		   long long max, long long *out, struct sriov_err *e)
{
	json_object *v;
	char f[96];
	int64_t n;
	int ret = get(o, where, key, json_type_int, false, &v, e);

	if (ret < 0)
		return ret;
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return sriov_err_set(
			e, -EINVAL, "%s: %lld is out of range (%lld to %lld)",
			field_name(f, sizeof(f), where, key), (long long)n, min, max);
	*out = n;
	return 0;
}

static int get_enum(json_object *o, const char *where, const char *key,
		    const char *const *names, size_t n, unsigned int *out,
		    struct sriov_err *e)
{
	char text[32], f[96], list[160] = "";
	int ret = get_string(o, where, key, false, text, sizeof(text), e);

	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < n; i++) {
		if (!strcmp(text, names[i])) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i ? ", " : "", names[i]);
	}
	return sriov_err_set(e, -EINVAL, "%s: not one of %s",
			     field_name(f, sizeof(f), where, key), list);
}

static const char *const step_keys[] = {
	"kind",	     "pf",  "vf",     "target", "key", "old",
	"old_extra", "new", "status", "error",	NULL,
};
static const char *const original_keys[] = {
	"kind", "pf", "vf", "target", "key", "old", "old_extra", NULL,
};

static int parse_change(json_object *o, const char *where, bool original,
			struct journal_change *c, struct sriov_err *e)
{
	unsigned int kind, status = JOURNAL_STARTED;
	long long vf, error = 0;
	int ret;

	if (!json_object_is_type(o, json_type_object))
		return sriov_err_set(e, -EINVAL, "%s: must be an object", where);
	ret = check_keys(o, where, original ? original_keys : step_keys, e);
	if (!ret)
		ret = get_enum(o, where, "kind", kind_names, N_KINDS, &kind, e);
	if (!ret)
		ret = get_string(o, where, "pf", false, c->pf, sizeof(c->pf), e);
	if (!ret)
		ret = get_int(o, where, "vf", -1, VF_INDEX_MAX, &vf, e);
	if (!ret)
		ret = get_string(o, where, "target", false, c->target, sizeof(c->target),
				 e);
	if (!ret)
		ret = get_string(o, where, "key", false, c->key, sizeof(c->key), e);
	if (!ret)
		ret = get_string(o, where, "old", false, c->old_value,
				 sizeof(c->old_value), e);
	if (!ret)
		ret = get_string(o, where, "old_extra", false, c->old_extra,
				 sizeof(c->old_extra), e);
	if (!ret && !original)
		ret = get_string(o, where, "new", false, c->new_value,
				 sizeof(c->new_value), e);
	if (!ret && !original)
		ret = get_enum(o, where, "status", status_names, N_STATUSES, &status, e);
	if (!ret && !original)
		ret = get_int(o, where, "error", -ERRNO_MAX, 0, &error, e);
	if (ret)
		return ret;
	c->kind = (enum journal_kind)kind;
	c->vf = (int)vf;
	c->status = (enum journal_status)status;
	c->error = (int)error;
	return 0;
}

static int parse_changes(json_object *top, const char *key, bool original,
			 struct journal_change **out, size_t *n, struct sriov_err *e)
{
	json_object *a;
	char where[48];
	size_t len;
	int ret = get(top, "", key, json_type_array, false, &a, e);

	if (ret < 0)
		return ret;
	len = json_object_array_length(a);
	if (!len)
		return 0;
	*out = calloc(len, sizeof(**out));
	if (!*out)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < len && !ret; i++) {
		snprintf(where, sizeof(where), "%s[%zu]", key, i);
		ret = parse_change(json_object_array_get_idx(a, i), where, original,
				   &(*out)[i], e);
		*n = i + 1;
	}
	return ret;
}

static int parse_files(json_object *top, struct journal *j, struct sriov_err *e)
{
	json_object *a, *v;
	size_t len;
	int ret = get(top, "", "files", json_type_array, false, &a, e);

	if (ret < 0)
		return ret;
	len = json_object_array_length(a);
	if (!len)
		return 0;
	j->files = calloc(len, sizeof(*j->files));
	if (!j->files)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	j->n_files = len;
	for (size_t i = 0; i < len && !ret; i++) {
		char f[48];

		snprintf(f, sizeof(f), "files[%zu]", i);
		v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_string))
			return sriov_err_set(e, -EINVAL, "%s: must be a string", f);
		ret = string_value(v, f, j->files[i], sizeof(j->files[i]), e);
	}
	return ret;
}

static const char *const top_keys[] = {"version",   "command",	"pid",	 "state",
				       "started",   "finished", "files", "steps",
				       "originals", NULL};

static int parse_top(json_object *top, struct journal *j, struct sriov_err *e)
{
	long long version, pid;
	unsigned int state;
	int ret;

	if (!json_object_is_type(top, json_type_object))
		return sriov_err_set(e, -EINVAL, "the journal must be a JSON object");
	ret = get_int(top, "", "version", LLONG_MIN, LLONG_MAX, &version, e);
	if (!ret && version != JOURNAL_VERSION)
		return sriov_err_set(e, -EINVAL,
				     "version: %lld is not %d (written by "
				     "another sriovctl?)",
				     version, JOURNAL_VERSION);
	if (!ret)
		ret = check_keys(top, "", top_keys, e);
	if (!ret)
		ret = get_string(top, "", "command", false, j->command,
				 sizeof(j->command), e);
	if (!ret)
		ret = get_int(top, "", "pid", 0, INT_MAX, &pid, e);
	if (!ret)
		ret = get_enum(top, "", "state", state_names, N_STATES, &state, e);
	if (!ret)
		ret = get_string(top, "", "started", true, j->started, sizeof(j->started),
				 e);
	if (!ret)
		ret = get_string(top, "", "finished", true, j->finished,
				 sizeof(j->finished), e);
	if (!ret)
		ret = parse_files(top, j, e);
	if (!ret)
		ret = parse_changes(top, "steps", false, &j->steps, &j->n_steps, e);
	if (!ret)
		ret = parse_changes(top, "originals", true, &j->originals,
				    &j->n_originals, e);
	if (ret)
		return ret;
	j->pid = (long)pid;
	j->state = (enum journal_state)state;
	return 0;
}

/* "line L, column C" of byte offset off. */
static void text_position(const char *text, size_t off, char *buf, size_t size)
{
	size_t line = 1, col = 1;

	for (size_t i = 0; i < off; i++) {
		col++;
		if (text[i] == '\n') {
			line++;
			col = 1;
		}
	}
	snprintf(buf, size, "line %zu, column %zu", line, col);
}

static int parse_text(const char *text, size_t len, json_object **out,
		      struct sriov_err *e)
{
	json_tokener *tok = json_tokener_new();
	enum json_tokener_error err;
	char pos[64];
	size_t end;

	*out = NULL;
	if (!tok)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	*out = json_tokener_parse_ex(tok, text, (int)len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	text_position(text, end, pos, sizeof(pos));
	if (!*out && err == json_tokener_continue)
		return sriov_err_set(e, -EINVAL, "%s: the text ends inside a JSON value",
				     pos);
	if (!*out && err == json_tokener_success) /* the text is "null" */
		return sriov_err_set(e, -EINVAL, "the journal must be a JSON object");
	if (!*out) /* strict: text after the value is an error too */
		return sriov_err_set(e, -EINVAL, "%s: %s", pos,
				     json_tokener_error_desc(err));
	return 0;
}

int journal_from_json(const char *text, size_t len, struct journal *j,
		      struct sriov_err *e)
{
	struct journal parsed = {0};
	json_object *top;
	const char *nul = memchr(text, '\0', len);
	int ret;

	memset(j, 0, sizeof(*j));
	if (len > JOURNAL_MAX_SIZE)
		return sriov_err_set(e, -EINVAL, "larger than %d bytes",
				     JOURNAL_MAX_SIZE);
	if (nul)
		return sriov_err_set(e, -EINVAL, "a NUL byte at offset %zu",
				     (size_t)(nul - text));
	ret = parse_text(text, len, &top, e);
	if (ret < 0)
		return ret;
	ret = parse_top(top, &parsed, e);
	json_object_put(top);
	if (!ret)
		ret = validate_journal(&parsed, e);
	if (ret < 0) {
		journal_free(&parsed);
		return ret;
	}
	*j = parsed;
	return 0;
}

/* ---- the file ------------------------------------------------------------------ */

static int read_up_to(int fd, char *buf, size_t size, size_t *got)
{
	*got = 0;
	while (*got < size) {
		ssize_t n = read(fd, buf + *got, size - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

/*
 * What the journal says is undone by `restore` as root: only root (or the
 * caller, for a --root tree of their own) may be able to write it or its
 * directory. 0, or -EINVAL naming the path, the owner or mode and the fix.
 */
static int check_owner_mode(const char *path, const struct stat *st, struct sriov_err *e)
{
	unsigned int mode = (unsigned int)st->st_mode & 07777;

	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		sriov_err_set(e, -EINVAL,
			      "%s is owned by uid %u, neither root nor you: refusing to "
			      "trust it",
			      path, (unsigned int)st->st_uid);
		sriov_err_hint(e, "check who wrote it, then: chown root %s", path);
		return -EINVAL;
	}
	if (!(st->st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	sriov_err_set(e, -EINVAL,
		      "%s is writable by other users (mode %04o): refusing to trust it",
		      path, mode);
	sriov_err_hint(e, "check its content, then: chmod go-w %s", path);
	return -EINVAL;
}

/*
 * Reads JOURNAL_FILE: 0 with *text (malloc'd, NUL-terminated), -ENOENT when
 * there is none, -EFBIG / -EISDIR for a file that cannot be a journal,
 * -EINVAL (e says why) for one others can write, other -errno. Owner and
 * mode are those of the file read, not of a name looked up before.
 */
static int read_journal_file(struct sriov_root *r, char **text, size_t *len,
			     struct sriov_err *e)
{
	int fd = sriov_root_openat(r, JOURNAL_FILE, O_RDONLY | O_NONBLOCK, NULL);
	bool untrusted = false;
	struct stat st;
	char *buf = NULL;
	int ret = fd;

	if (fd >= 0)
		ret = fstat(fd, &st) < 0 ? -errno : 0;
	if (!ret && !S_ISREG(st.st_mode))
		ret = -EISDIR;
	if (!ret) {
		ret = check_owner_mode(JOURNAL_FILE, &st, e);
		untrusted = ret < 0;
	}
	if (!ret && st.st_size > JOURNAL_MAX_SIZE)
		ret = -EFBIG;
	if (!ret) /* one byte more than its size: a file that grew is seen to */
		buf = malloc((size_t)st.st_size + 2);
	if (!ret)
		ret = buf ? read_up_to(fd, buf, (size_t)st.st_size + 1, len) : -ENOMEM;
	if (!ret && *len > JOURNAL_MAX_SIZE)
		ret = -EFBIG;
	if (fd >= 0)
		close(fd);
	if (ret < 0 && !untrusted && ret != -ENOENT && ret != -EFBIG && ret != -EISDIR)
		sriov_err_set(e, ret, "%s: %s", JOURNAL_FILE, strerror(-ret));
	if (ret < 0) {
		free(buf);
		return ret;
	}
	buf[*len] = '\0';
	*text = buf;
	return 0;
}

/* Renames JOURNAL_FILE to the first free JOURNAL_FILE.corrupt-N. */
static int set_aside(struct sriov_root *r, struct journal_load_info *info,
		     struct sriov_err *e)
{
	char path[sizeof(info->set_aside)];
	struct stat st;
	int ret;

	for (int n = 1; n <= 1000; n++) {
		snprintf(path, sizeof(path), "%s.corrupt-%d", JOURNAL_FILE, n);
		ret = sriov_root_stat(r, path, true, &st, NULL);
		if (ret != -ENOENT)
			continue;
		ret = sriov_root_rename(r, JOURNAL_FILE, path, e);
		if (ret < 0) {
			sriov_err_hint(e,
				       "the journal is corrupt and could not be set "
				       "aside; move %s away by hand",
				       JOURNAL_FILE);
			return ret;
		}
		snprintf(info->set_aside, sizeof(info->set_aside), "%s", path);
		info->corrupt = true;
		return 0;
	}
	sriov_err_set(e, -EEXIST, "%s: 1000 corrupt journals are already set aside",
		      JOURNAL_FILE);
	sriov_err_hint(e, "remove the old %s.corrupt-N files", JOURNAL_FILE);
	return -EEXIST;
}

static bool pid_alive(long pid)
{
	if (pid <= 0)
		return false;
	if (pid == (long)getpid())
		return true;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static void note_interrupted(const struct journal *j, struct journal_load_info *info)
{
	if (j->state != JOURNAL_RUNNING)
		return;
	info->previous_pid = j->pid;
	info->previous_steps = j->n_steps;
	info->interrupted = !pid_alive(j->pid);
}

/* The directory: who can write there can replace the journal. */
static int check_journal_dir(struct sriov_root *r, struct sriov_err *e)
{
	struct stat st;
	int ret = sriov_root_stat(r, JOURNAL_DIR, false, &st, NULL);

	if (ret == -ENOENT)
		return 0;
	return ret < 0 ? ret : check_owner_mode(JOURNAL_DIR, &st, e);
}

static int load(struct sriov_root *r, struct journal *j, struct journal_load_info *info,
		bool set_aside_corrupt, struct sriov_err *e)
{
	struct sriov_err why = {0};
	char *text = NULL;
	size_t len = 0;
	int ret;

	memset(j, 0, sizeof(*j));
	memset(info, 0, sizeof(*info));
	ret = check_journal_dir(r, e);
	if (ret < 0)
		return ret;
	ret = read_journal_file(r, &text, &len, e);
	if (ret == -ENOENT)
		return 0;
	info->found = true;
	if (ret == -EFBIG || ret == -EISDIR)
		snprintf(why.msg, sizeof(why.msg), "%s",
			 ret == -EFBIG ? "larger than 16 MiB" : "not a regular file");
	else if (ret < 0)
		return ret;
	else
		ret = journal_from_json(text, len, j, &why);
	free(text);
	if (ret == -ENOMEM)
		return sriov_err_set(e, ret, "%s: out of memory", JOURNAL_FILE);
	if (ret < 0) {
		snprintf(info->reason, sizeof(info->reason), "%.*s",
			 (int)sizeof(info->reason) - 1, why.msg);
		info->corrupt = !set_aside_corrupt;
		return set_aside_corrupt ? set_aside(r, info, e) : 0;
	}
	note_interrupted(j, info);
	return 0;
}

int journal_load(struct sriov_root *r, struct journal *j, struct journal_load_info *info,
		 struct sriov_err *e)
{
	return load(r, j, info, true, e);
}

int journal_peek(struct sriov_root *r, struct journal *j, struct journal_load_info *info,
		 struct sriov_err *e)
{
	return load(r, j, info, false, e);
}

int journal_save(struct sriov_root *r, const struct journal *j, struct sriov_err *e)
{
	char *text;
	size_t len;
	int ret = validate_journal(j, e);

	if (ret < 0) /* a bug of the caller: the message names the field */
		return ret;
	text = journal_to_json(j);
	if (!text)
		return sriov_err_set(e, -ENOMEM, "%s: out of memory", JOURNAL_FILE);
	len = strlen(text);
	if (len > JOURNAL_MAX_SIZE) {
		free(text);
		return sriov_err_set(e, -EFBIG,
				     "%s: the journal would be larger than 16 MiB",
				     JOURNAL_FILE);
	}
	ret = sriov_mkdir_p(r, JOURNAL_DIR, 0700, e);
	if (!ret)
		ret = sriov_write_file_atomic(r, JOURNAL_FILE, text, len, 0600, e);
	free(text);
	return ret;
}
