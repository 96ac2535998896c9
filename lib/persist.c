// SPDX-License-Identifier: MIT
/*
 * sriovctl persist: what makes the configuration apply at boot. The systemd
 * method installs (where needed) and enables the unit; the modprobe method
 * writes the drivers' max_vfs option. Plans first, then the steps; the only
 * program run is systemctl (fork + execvp, output captured, bounded in time).
 */
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "sriov/checks.h"
#include "sriov/distro.h"
#include "sriov/persist.h"

#define UNIT_MAX_SIZE (64 * 1024)

static const char *const unit_dirs[] = {
	/* systemd's precedence: the first one found is the one it uses */
	"/etc/systemd/system",
	"/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system",
	"/lib/systemd/system",
};

/* ---- the pure parts ------------------------------------------------------- */

bool persist_text_has_marker(const char *text)
{
	size_t mlen = strlen(PERSIST_MARKER);

	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (!strncmp(line, PERSIST_MARKER, mlen))
			return true;
	}
	return false;
}

/* Appends to a malloc'd string; on allocation failure frees it and sets NULL. */
static void str_append(char **s, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void str_append(char **s, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *grown;
	int add;

	if (!*s)
		return;
	va_start(ap, fmt);
	add = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	grown = add < 0 ? NULL : realloc(*s, *len + (size_t)add + 1);
	if (!grown) {
		free(*s);
		*s = NULL;
		return;
	}
	*s = grown;
	va_start(ap, fmt);
	vsnprintf(*s + *len, (size_t)add + 1, fmt, ap);
	va_end(ap);
	*len += (size_t)add;
}

static void append_opt(char **s, size_t *len, const struct persist_module_opt *o)
{
	str_append(s, len, "#\n# %s:", o->module);
	for (size_t i = 0; i < o->n_pfs; i++)
		str_append(s, len, " %s (num_vfs at %s:%u)", o->pfs[i], o->locs[i].file,
			   o->locs[i].line);
	str_append(s, len, "\n");
	if (o->n_others) {
		str_append(s, len, "# also given to:");
		for (size_t i = 0; i < o->n_others; i++)
			str_append(s, len, " %s", o->others[i]);
		str_append(s, len, "\n");
	}
	str_append(s, len, "options %s max_vfs=%d\n", o->module, o->max_vfs);
}

static const char modprobe_header[] = PERSIST_MARKER
	" --method modprobe; `sriovctl persist --method\n"
	"# modprobe --remove` removes it. Only the VF count persists this way: VF MACs,\n"
	"# VLANs and drivers need the unit (`sriovctl persist`). Rebuild the initramfs\n"
	"# after changing this file.\n";

char *persist_modprobe_text(const struct persist_module_opt *opts, size_t n)
{
	size_t len = 0;
	char *s = calloc(1, 1);

	str_append(&s, &len, "%s", modprobe_header);
	for (size_t i = 0; i < n; i++)
		append_opt(&s, &len, &opts[i]);
	return s;
}

char *persist_unit_file_text(void)
{
	size_t len = 0;
	char *s = calloc(1, 1);

	str_append(&s, &len,
		   "%s: `sriovctl persist --remove` disables and removes it.\n%s",
		   PERSIST_MARKER, sriov_unit_text);
	return s;
}

/* ---- libkmod ---------------------------------------------------------------- */

/* "NAME:description" names parameter param. */
static bool parm_names(const char *value, const char *param)
{
	size_t len = strlen(param);

	return !strncmp(value, param, len) && (value[len] == ':' || value[len] == '\0');
}

int persist_module_has_param(struct kmod_ctx *ctx, const char *module, const char *param,
			     struct sriov_err *e)
{
	struct kmod_list *info = NULL, *it;
	struct kmod_module *mod = NULL;
	int ret, found = 0;

	ret = kmod_module_new_from_name(ctx, module, &mod);
	if (ret < 0)
		return sriov_err_set(e, ret, "module %s: %s", module, strerror(-ret));
	ret = kmod_module_get_info(mod, &info);
	if (ret < 0) {
		kmod_module_unref(mod);
		if (ret == -ENOENT)
			return sriov_err_set(
				e, -ENOENT, "module %s: not in the module index", module);
		return sriov_err_set(e, ret, "module %s: cannot read its information: %s",
				     module, strerror(-ret));
	}
	kmod_list_foreach(it, info)
	{
		if (!strcmp(kmod_module_info_get_key(it), "parm") &&
		    parm_names(kmod_module_info_get_value(it), param))
			found = 1;
	}
	kmod_module_info_free_list(info);
	kmod_module_unref(mod);
	return found;
}

/* ---- plans ------------------------------------------------------------------ */

static void add_note(struct persist_plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_note(struct persist_plan *p, const char *fmt, ...)
{
	va_list ap;

	if (p->n_notes >= PERSIST_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(p->notes[p->n_notes++], sizeof(p->notes[0]), fmt, ap);
	va_end(ap);
}

static struct persist_step *add_step(struct persist_plan *p, enum persist_step_kind kind,
				     const char *path)
{
	struct persist_step *s = &p->steps[p->n_steps++];

	s->kind = kind;
	s->exit_status = -1;
	snprintf(s->path, sizeof(s->path), "%s", path ? path : "");
	return s;
}

/* systemctl [--root=DIR] VERB [sriovctl.service] */
static void add_systemctl(struct persist_plan *p, struct sriov_root *r, const char *verb,
			  bool with_unit)
{
	struct persist_step *s = add_step(p, PERSIST_STEP_RUN, NULL);

	snprintf(s->args[s->n_args++], sizeof(s->args[0]), PERSIST_SYSTEMCTL);
	if (!p->on_host)
		snprintf(s->args[s->n_args++], sizeof(s->args[0]), "--root=%s",
			 sriov_root_dir(r));
	snprintf(s->args[s->n_args++], sizeof(s->args[0]), "%s", verb);
	if (with_unit)
		snprintf(s->args[s->n_args++], sizeof(s->args[0]), PERSIST_UNIT_NAME);
}

/*
 * Reads a file persist may own. 0 with *text (malloc'd) when it exists,
 * -ENOENT when it does not, -errno otherwise.
 */
static int read_owned_file(struct sriov_root *r, const char *path, char **text,
			   struct sriov_err *e)
{
	char *buf = malloc(UNIT_MAX_SIZE);
	int ret;

	*text = NULL;
	if (!buf)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	ret = sriov_read_file(r, path, buf, UNIT_MAX_SIZE, NULL, e);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	*text = buf;
	return 0;
}

/* The unit systemd would use: the first of unit_dirs that has it. */
static int find_unit(struct sriov_root *r, struct persist_plan *p, struct sriov_err *e)
{
	struct stat st = {0};
	char path[256], *text;
	int ret;

	p->unit_path[0] = '\0';
	for (size_t i = 0; i < sizeof(unit_dirs) / sizeof(unit_dirs[0]); i++) {
		if (sriov_pathf(NULL, path, sizeof(path), "%s/" PERSIST_UNIT_NAME,
				unit_dirs[i]) == 0 &&
		    sriov_root_stat(r, path, true, &st, NULL) == 0) {
			snprintf(p->unit_path, sizeof(p->unit_path), "%s", path);
			break;
		}
	}
	/* only a regular file in /etc can be ours (a symlink there is a mask) */
	if (strcmp(p->unit_path, PERSIST_UNIT_ETC) || !S_ISREG(st.st_mode))
		return 0;
	ret = read_owned_file(r, PERSIST_UNIT_ETC, &text, e);
	if (ret < 0)
		return ret;
	p->unit_ours = persist_text_has_marker(text);
	free(text);
	return 0;
}

/* Our unit in /etc with the text this build would write: nothing to write. */
static int unit_is_current(struct sriov_root *r, bool *current, struct sriov_err *e)
{
	char *text, *want = persist_unit_file_text();
	int ret;

	*current = false;
	if (!want)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	ret = read_owned_file(r, PERSIST_UNIT_ETC, &text, e);
	if (ret == 0)
		*current = !strcmp(text, want);
	free(text);
	free(want);
	return ret;
}

static int plan_unit_install(struct sriov_root *r, struct persist_plan *p,
			     struct sriov_err *e)
{
	struct persist_step *s;
	bool current = false;
	int ret;

	if (p->unit_path[0] && !p->unit_ours) {
		add_note(p, "using the installed unit %s", p->unit_path);
	} else {
		if (p->unit_ours) {
			ret = unit_is_current(r, &current, e);
			if (ret < 0)
				return ret;
		}
		if (!current) {
			s = add_step(p, PERSIST_STEP_WRITE, PERSIST_UNIT_ETC);
			s->content = persist_unit_file_text();
			if (!s->content)
				return sriov_err_set(e, -ENOMEM, "out of memory");
		}
		snprintf(p->unit_path, sizeof(p->unit_path), PERSIST_UNIT_ETC);
		p->unit_ours = true;
	}
	add_systemctl(p, r, "enable", true);
	return 0;
}

static void plan_unit_remove(struct sriov_root *r, struct persist_plan *p)
{
	if (!p->unit_path[0]) {
		p->nothing_to_do = true;
		add_note(p, "no %s is installed: nothing to disable", PERSIST_UNIT_NAME);
		return;
	}
	add_systemctl(p, r, "disable", true);
	if (!p->unit_ours) {
		add_note(p,
			 "%s was not written by sriovctl persist: disabled, not removed",
			 p->unit_path);
		return;
	}
	add_step(p, PERSIST_STEP_REMOVE, PERSIST_UNIT_ETC);
	if (p->on_host)
		add_systemctl(p, r, "daemon-reload", false);
}

int persist_plan_systemd(struct sriov_root *r, bool remove, struct persist_plan *p,
			 struct sriov_err *e)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->method = PERSIST_SYSTEMD;
	p->remove = remove;
	p->on_host = sriov_root_is_host(r);
	ret = find_unit(r, p, e);
	if (ret < 0)
		return ret;
	if (remove) {
		plan_unit_remove(r, p);
		return 0;
	}
	return plan_unit_install(r, p, e);
}

/* ---- the modprobe method ---------------------------------------------------- */

#define MAX_NETDEVS 8

/* A configured PF: its VF count and where it was set. */
struct configured_pf {
	const struct pf *pf;
	int num_vfs;
	struct cfg_loc loc;
};

static void pf_id_of(const struct pf *pf, const char *names[MAX_NETDEVS],
		     struct cfg_pf_id *id)
{
	size_t n = pf->n_netdevs < MAX_NETDEVS ? pf->n_netdevs : MAX_NETDEVS;

	for (size_t i = 0; i < n; i++)
		names[i] = pf->netdevs[i].name;
	id->addr = pf->addr;
	id->vendor = pf->vendor_id;
	id->device = pf->device_id;
	id->ifnames = names;
	id->n_ifnames = n;
}

/* The configured VF count of pf into *out (num_vfs -1: none). */
static int resolve_num_vfs(const struct sriov_config *c, const struct pf *pf,
			   struct configured_pf *out, struct sriov_err *e)
{
	const char *names[MAX_NETDEVS];
	struct cfg_pf_section sec;
	struct cfg_diags d = {0};
	struct cfg_pf_id id;
	bool matched = false;
	char msg[400];
	int ret;

	pf_id_of(pf, names, &id);
	ret = cfg_resolve_pf(c, &id, &sec, &matched, &d);
	if (ret < 0) {
		if (d.n)
			cfg_diag_format(&d.items[d.n - 1], msg, sizeof(msg));
		else
			snprintf(msg, sizeof(msg), "the configuration disagrees about %s",
				 pf->addr_str);
		cfg_diags_free(&d);
		return sriov_err_set(e, ret, "%s", msg);
	}
	cfg_diags_free(&d);
	out->pf = pf;
	out->num_vfs = matched ? sec.num_vfs : -1;
	out->loc = sec.num_vfs_loc;
	return 0;
}

static int refuse(struct sriov_err *e, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct sriov_err *e, const char *hint, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -EINVAL;
	e->code = -EINVAL;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	snprintf(e->hint, sizeof(e->hint), "%s", hint);
	return -EINVAL;
}

/* The PFs of inv with num_vfs in the configuration, into cp (inv->n_pfs). */
static int collect_configured(const struct sriov_config *c, const struct inventory *inv,
			      struct configured_pf *cp, size_t *n, struct sriov_err *e)
{
	*n = 0;
	for (size_t i = 0; i < inv->n_pfs; i++) {
		int ret = resolve_num_vfs(c, &inv->pfs[i], &cp[*n], e);

		if (ret < 0)
			return ret;
		if (cp[*n].num_vfs >= 0)
			(*n)++;
	}
	if (*n)
		return 0;
	return refuse(e,
		      "set num_vfs in a [pf ...] section for a PF of this host (sriovctl "
		      "list shows them)",
		      "the configuration sets num_vfs for no SR-IOV PF of this host: "
		      "nothing to persist with --method modprobe");
}

static const char *const systemd_hint = "use --method systemd: the unit runs `sriovctl "
					"apply` at boot and sets each PF on its own";

static int check_driver(struct kmod_ctx *kmod, const struct configured_pf *cp,
			struct sriov_err *e)
{
	const struct pf *pf = cp->pf;
	int ret;

	if (!pf->driver[0])
		return refuse(e, systemd_hint,
			      "%s: no driver is bound, so there is no module to give "
			      "max_vfs to",
			      pf->addr_str);
	if (!pf->module[0])
		return refuse(e, systemd_hint,
			      "%s: its driver %s is built into the kernel: options in "
			      "/etc/modprobe.d do not apply to it",
			      pf->addr_str, pf->driver);
	if (pf->total_vfs >= 0 && cp->num_vfs > pf->total_vfs)
		return refuse(e, "lower num_vfs to at most sriov_totalvfs",
			      "%s:%u:%u: num_vfs %d for %s is more than the %d VFs it "
			      "offers",
			      cp->loc.file, cp->loc.line, cp->loc.col, cp->num_vfs,
			      pf->addr_str, pf->total_vfs);
	ret = persist_module_has_param(kmod, pf->module, "max_vfs", e);
	if (ret < 0) {
		sriov_err_hint(e, "%s", systemd_hint);
		return ret;
	}
	if (ret == 0)
		return refuse(e, systemd_hint,
			      "%s (%s, num_vfs at %s:%u:%u): %s has no max_vfs parameter",
			      pf->addr_str, pf->driver, cp->loc.file, cp->loc.line,
			      cp->loc.col, pf->module);
	return 0;
}

static struct persist_module_opt *find_opt(struct persist_plan *p, const char *module)
{
	for (size_t i = 0; i < p->n_opts; i++)
		if (!strcmp(p->opts[i].module, module))
			return &p->opts[i];
	return NULL;
}

static int add_to_opt(struct persist_plan *p, const struct configured_pf *cp,
		      struct sriov_err *e)
{
	struct persist_module_opt *o = find_opt(p, cp->pf->module);

	if (!o && p->n_opts == PERSIST_MAX_PFS)
		return sriov_err_set(e, -E2BIG, "more than %d drivers to configure",
				     PERSIST_MAX_PFS);
	if (!o) {
		o = &p->opts[p->n_opts++];
		snprintf(o->module, sizeof(o->module), "%s", cp->pf->module);
		o->max_vfs = cp->num_vfs;
	} else if (o->max_vfs != cp->num_vfs) {
		return refuse(e,
			      "give every PF of the driver the same num_vfs, or use "
			      "--method systemd, which sets each PF on its own",
			      "%s (num_vfs %d at %s:%u:%u) and %s (num_vfs %d at "
			      "%s:%u:%u) differ, but max_vfs of %s is one value for "
			      "every port",
			      o->pfs[0], o->max_vfs, o->locs[0].file, o->locs[0].line,
			      o->locs[0].col, cp->pf->addr_str, cp->num_vfs, cp->loc.file,
			      cp->loc.line, cp->loc.col, o->module);
	}
	if (o->n_pfs == PERSIST_MAX_PFS)
		return sriov_err_set(e, -E2BIG, "%s: more than %d PFs", o->module,
				     PERSIST_MAX_PFS);
	snprintf(o->pfs[o->n_pfs], sizeof(o->pfs[0]), "%s", cp->pf->addr_str);
	o->locs[o->n_pfs++] = cp->loc;
	return 0;
}

static bool opt_has_pf(const struct persist_module_opt *o, const char *addr)
{
	for (size_t i = 0; i < o->n_pfs; i++)
		if (!strcmp(o->pfs[i], addr))
			return true;
	return false;
}

/* PFs of a configured driver that the configuration does not name. */
static void note_other_ports(const struct inventory *inv, struct persist_plan *p)
{
	for (size_t i = 0; i < inv->n_pfs; i++) {
		const struct pf *pf = &inv->pfs[i];
		struct persist_module_opt *o =
			pf->module[0] ? find_opt(p, pf->module) : NULL;

		if (!o || opt_has_pf(o, pf->addr_str) || o->n_others == PERSIST_MAX_PFS)
			continue;
		snprintf(o->others[o->n_others++], sizeof(o->others[0]), "%s",
			 pf->addr_str);
		add_note(p,
			 "%s has no num_vfs in the configuration, but max_vfs=%d applies "
			 "to every %s port: it gets %d VFs at boot too",
			 pf->addr_str, o->max_vfs, o->module, o->max_vfs);
	}
}

/* [pf] sections with num_vfs that match no PF of the host. */
static void note_unmatched(const struct sriov_config *c, const struct inventory *inv,
			   struct persist_plan *p)
{
	for (size_t s = 0; s < c->n_pfs; s++) {
		const struct cfg_pf_section *sec = &c->pfs[s];
		bool found = false;

		for (size_t i = 0; !found && i < inv->n_pfs; i++) {
			const char *names[MAX_NETDEVS];
			struct cfg_pf_id id;

			pf_id_of(&inv->pfs[i], names, &id);
			found = cfg_selector_matches(&sec->sel, &id);
		}
		if (!found && sec->num_vfs >= 0)
			add_note(p,
				 "[pf %s] (%s:%u) matches no SR-IOV PF of this host: its "
				 "num_vfs is not persisted",
				 sec->sel.text, sec->loc.file, sec->loc.line);
	}
}

static int open_kmod(struct sriov_root *r, struct check_context *cc, struct sriov_err *e)
{
	check_context_init(cc, r, NULL);
	check_context_open_kmod(cc);
	if (cc->kmod)
		return 0;
	sriov_err_set(e, -ENOENT,
		      "no module index to look the drivers' parameters up in: %s",
		      cc->kmod_unavailable);
	sriov_err_hint(e, "--method systemd needs no module index");
	return -ENOENT;
}

static int plan_options(struct sriov_root *r, const struct sriov_config *c,
			const struct inventory *inv, struct persist_plan *p,
			struct sriov_err *e)
{
	struct configured_pf *cp = calloc(inv->n_pfs ? inv->n_pfs : 1, sizeof(*cp));
	struct check_context cc;
	size_t n = 0;
	int ret;

	if (!cp)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	ret = collect_configured(c, inv, cp, &n, e);
	if (ret == 0)
		ret = open_kmod(r, &cc, e);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		ret = check_driver(cc.kmod, &cp[i], e);
		if (ret == 0)
			ret = add_to_opt(p, &cp[i], e);
	}
	if (cc.kmod)
		check_context_release(&cc);
	free(cp);
	return ret;
}

/* The file persist owns at path: *text NULL when absent; -EEXIST when not ours. */
static int read_if_ours(struct sriov_root *r, const char *path, char **text,
			struct sriov_err *e)
{
	struct sriov_err err;
	int ret;

	sriov_err_clear(&err);
	ret = read_owned_file(r, path, text, &err);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0) {
		if (e)
			*e = err;
		return ret;
	}
	if (persist_text_has_marker(*text))
		return 0;
	free(*text);
	*text = NULL;
	sriov_err_set(e, -EEXIST, "%s exists and was not written by sriovctl persist",
		      path);
	sriov_err_hint(
		e, "move it away (or merge its options by hand) and run persist again");
	return -EEXIST;
}

static int plan_modprobe_write(struct sriov_root *r, struct persist_plan *p,
			       struct sriov_err *e)
{
	char *want = persist_modprobe_text(p->opts, p->n_opts), *have = NULL;
	struct persist_step *s;
	int ret;

	if (!want)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	ret = read_if_ours(r, PERSIST_MODPROBE_FILE, &have, e);
	if (ret == 0 && have && !strcmp(have, want)) {
		p->nothing_to_do = true;
	} else if (ret == 0) {
		s = add_step(p, PERSIST_STEP_WRITE, PERSIST_MODPROBE_FILE);
		s->content = want;
		want = NULL;
	}
	free(have);
	free(want);
	return ret;
}

static void plan_initramfs(struct sriov_root *r, struct persist_plan *p)
{
	struct initramfs_tool tool;
	struct distro d;

	distro_read(r, &d);
	initramfs_tool_of(r, &d, &tool);
	snprintf(p->os_id, sizeof(p->os_id), "%s", d.id);
	for (size_t i = 0; i < tool.n; i++)
		p->initramfs[i] = tool.cmds[i];
	p->n_initramfs = tool.n;
}

static int plan_modprobe_remove(struct sriov_root *r, struct persist_plan *p,
				struct sriov_err *e)
{
	char *have = NULL;
	int ret = read_if_ours(r, PERSIST_MODPROBE_FILE, &have, e);

	if (ret < 0)
		return ret;
	if (have)
		add_step(p, PERSIST_STEP_REMOVE, PERSIST_MODPROBE_FILE);
	else
		p->nothing_to_do = true;
	free(have);
	return 0;
}

int persist_plan_modprobe(struct sriov_root *r, const struct sriov_config *c,
			  const struct inventory *inv, bool remove,
			  struct persist_plan *p, struct sriov_err *e)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->method = PERSIST_MODPROBE;
	p->remove = remove;
	p->on_host = sriov_root_is_host(r);
	plan_initramfs(r, p);
	if (remove)
		return plan_modprobe_remove(r, p, e);
	ret = plan_options(r, c, inv, p, e);
	if (ret < 0)
		return ret;
	note_other_ports(inv, p);
	note_unmatched(c, inv, p);
	return plan_modprobe_write(r, p, e);
}

/* ---- carrying out the steps -------------------------------------------------- */

void persist_step_command(const struct persist_step *s, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->n_args && len < size; i++) {
		bool quote = strpbrk(s->args[i], " \t'\"\\$") != NULL;
		int n = snprintf(buf + len, size - len, "%s%s%s%s", i ? " " : "",
				 quote ? "'" : "", s->args[i], quote ? "'" : "");

		len += n > 0 ? (size_t)n : 0;
	}
}

/* In the child: stdin empty, stdout and stderr to out_fd; exec or report errno. */
static void child_exec(char **argv, int out_fd, int err_fd)
{
	int in[2], code;
	ssize_t n;

	if (pipe(in) == 0) {
		dup2(in[0], STDIN_FILENO);
		close(in[1]);
	}
	dup2(out_fd, STDOUT_FILENO);
	dup2(out_fd, STDERR_FILENO);
	execvp(argv[0], argv);
	code = errno;
	n = write(err_fd, &code, sizeof(code));
	(void)n;
	_exit(127);
}

/* Starts argv; *out_fd reads its output. -errno when it cannot be started. */
static int spawn(char **argv, pid_t *pid, int *out_fd, struct sriov_err *e)
{
	int out[2], err[2], code = 0;
	ssize_t n;

	if (pipe2(out, O_CLOEXEC) < 0)
		return sriov_err_set(e, -errno, "pipe: %s", strerror(errno));
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		return sriov_err_set(e, -errno, "pipe: %s", strerror(errno));
	}
	*pid = fork();
	if (*pid == 0)
		child_exec(argv, out[1], err[1]);
	code = *pid < 0 ? errno : 0;
	close(out[1]);
	close(err[1]);
	do
		n = *pid < 0 ? 0 : read(err[0], &code, sizeof(code));
	while (n < 0 && errno == EINTR);
	close(err[0]);
	if (*pid > 0 && n == (ssize_t)sizeof(code))
		waitpid(*pid, NULL, 0);
	if (code) {
		close(out[0]);
		return sriov_err_set(e, -code, "cannot run %s: %s", argv[0],
				     strerror(code));
	}
	*out_fd = out[0];
	return 0;
}

static void trim_end(char *s)
{
	size_t len = strlen(s);

	while (len && (s[len - 1] == '\n' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
}

/* Reads fd to its end (keeps what fits in buf) or until deadline: -ETIMEDOUT. */
static int read_output(int fd, char *buf, size_t size, long long deadline)
{
	char scratch[512];
	size_t len = 0;

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		long long left = deadline - mono_ms();
		bool room = len < size - 1;
		ssize_t n;
		int ret;

		if (left <= 0)
			return -ETIMEDOUT;
		ret = poll(&pfd, 1, (int)left);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			return ret < 0 ? -errno : -ETIMEDOUT;
		n = read(fd, room ? buf + len : scratch,
			 room ? size - 1 - len : sizeof(scratch));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (room) {
			len += (size_t)n;
			buf[len] = '\0';
		}
	}
	buf[len] = '\0';
	trim_end(buf);
	return 0;
}

/* Waits for pid until deadline; then kills it: -ETIMEDOUT. */
static int wait_child(pid_t pid, long long deadline, int *status)
{
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);

		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (mono_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -ETIMEDOUT;
		}
		sleep_ms(10);
	}
}

static const char *const no_systemctl_hint =
	"this system has no systemctl: start `sriovctl apply --device-timeout 60` from "
	"the init system's boot scripts, or use --method modprobe (the VF count only)";

static int run_step(struct persist_step *s, int timeout_ms, struct sriov_err *e)
{
	long long deadline = mono_ms() + timeout_ms;
	char *argv[PERSIST_MAX_ARGS + 1], cmd[1600];
	int fd, status = 0, ret;
	pid_t pid;

	for (size_t i = 0; i < s->n_args; i++)
		argv[i] = s->args[i];
	argv[s->n_args] = NULL;
	persist_step_command(s, cmd, sizeof(cmd));
	ret = spawn(argv, &pid, &fd, e);
	if (ret < 0) {
		sriov_err_hint(e, "%s", ret == -ENOENT ? no_systemctl_hint : "");
		return ret;
	}
	ret = read_output(fd, s->output, sizeof(s->output), deadline);
	close(fd);
	if (ret == 0)
		ret = wait_child(pid, deadline, &status);
	else
		wait_child(pid, 0, &status);
	if (ret < 0)
		return sriov_err_set(e, ret, "`%s` did not finish within %.1f s: stopped",
				     cmd, timeout_ms / 1000.0);
	s->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (s->exit_status != 0) {
		sriov_err_set(e, -EIO, "`%s` failed (%s %d)%s%s", cmd,
			      WIFEXITED(status) ? "exit status" : "signal",
			      WIFEXITED(status) ? s->exit_status : WTERMSIG(status),
			      s->output[0] ? ": " : "", s->output);
		sriov_err_hint(e,
			       "fix what systemctl reports, then run `sriovctl persist` "
			       "again; `systemctl status " PERSIST_UNIT_NAME
			       "` shows the unit");
		return -EIO;
	}
	s->done = true;
	return 0;
}

static int write_step(struct sriov_root *r, struct persist_step *s, struct sriov_err *e)
{
	char dir[256];
	char *slash;
	int ret;

	snprintf(dir, sizeof(dir), "%s", s->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		ret = sriov_mkdir_p(r, dir, 0755, e);
		if (ret < 0)
			return ret;
	}
	ret = sriov_write_file_atomic(r, s->path, s->content, strlen(s->content), 0644,
				      e);
	s->done = ret == 0;
	return ret;
}

int persist_execute(struct sriov_root *r, struct persist_plan *p, struct sriov_err *e)
{
	int timeout = p->run_timeout_ms > 0 ? p->run_timeout_ms : PERSIST_RUN_TIMEOUT_MS;
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < p->n_steps; i++) {
		struct persist_step *s = &p->steps[i];

		if (s->kind == PERSIST_STEP_WRITE) {
			ret = write_step(r, s, e);
		} else if (s->kind == PERSIST_STEP_REMOVE) {
			ret = sriov_root_unlink(r, s->path, e);
			s->done = ret == 0;
		} else {
			ret = run_step(s, timeout, e);
		}
	}
	return ret;
}

void persist_plan_free(struct persist_plan *p)
{
	for (size_t i = 0; i < p->n_steps; i++) {
		free(p->steps[i].content);
		p->steps[i].content = NULL;
	}
}
