// SPDX-License-Identifier: MIT
/*
 * The plan of `sriovctl apply`: for every PF a configuration names, the
 * steps that make the host match it (plan.h). Nothing here changes the host.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/plan.h"
#include "sriov/vfdev.h"
#include "sriov/vfattr.h"
#include "apply_internal.h"
#include "sysfs_paths.h"

#define IFF_UP_FLAG 0x1

void plan_free(struct plan *p)
{
	free(p->steps);
	free(p->notes);
	memset(p, 0, sizeof(*p));
}

static const char *const kind_names[] = {
	[PLAN_AUTOPROBE] = "autoprobe",
	[PLAN_NUM_VFS] = "num_vfs",
	[PLAN_PF_UP] = "up",
	[PLAN_VF_ATTR] = "vf_attr",
	[PLAN_DRIVER] = "driver",
	[PLAN_PF_ATTR] = "pf_attr",
};

const char *plan_kind_name(enum plan_kind k)
{
	return k <= PLAN_PF_ATTR ? kind_names[k] : "?";
}

const char *plan_status_name(enum plan_status s)
{
	static const char *const names[] = {"pending", "done", "failed", "undone"};

	return s <= PLAN_UNDONE ? names[s] : "?";
}

const char *plan_step_key(const struct plan_step *s)
{
	if (s->kind == PLAN_PF_ATTR)
		return pf_key_name(s->pf_key);
	return s->kind == PLAN_VF_ATTR ? vf_key_name(s->key) : plan_kind_name(s->kind);
}

int plan_grow(struct plan *p)
{
	size_t cap = p->cap ? p->cap * 2 : 32;
	struct plan_step *v = realloc(p->steps, cap * sizeof(*v));

	if (!v)
		return -ENOMEM;
	p->steps = v;
	p->cap = cap;
	return 0;
}

struct plan_step *plan_add(struct plan *p, enum plan_kind kind, const struct pf *pf,
			   int vf)
{
	struct plan_step *s;

	if (p->n == p->cap && plan_grow(p) < 0)
		return NULL;
	s = &p->steps[p->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->vf = vf;
	snprintf(s->pf, sizeof(s->pf), "%s", pf->addr_str);
	snprintf(s->target, sizeof(s->target), "%s", pf->addr_str);
	if (pf->n_netdevs) {
		snprintf(s->pf_ifname, sizeof(s->pf_ifname), "%s", pf->netdevs[0].name);
		s->pf_ifindex = pf->netdevs[0].ifindex;
	}
	return s;
}

int plan_note(struct plan *p, const char *fmt, ...)
{
	char(*v)[400] = realloc(p->notes, (p->n_notes + 1) * sizeof(*v));
	va_list ap;

	if (!v)
		return -ENOMEM;
	p->notes = v;
	va_start(ap, fmt);
	vsnprintf(v[p->n_notes], sizeof(v[0]), fmt, ap);
	va_end(ap);
	p->n_notes++;
	return 0;
}

/* ---- one PF ---------------------------------------------------------------- */

struct pf_job {
	struct sriov_root *r;
	struct rtnl *nl;
	const struct sriov_config *cfg;
	const struct pf *pf;
	struct cfg_pf_id id;
	const char *ifnames[8];
	struct cfg_pf_section want;
	int count;		     /* the VF count once applied */
	bool count_changes;	     /* VFs are (re)created: their steps are predicted */
	struct vf_auto_mac auto_mac; /* "mac auto": read once per PF */
	bool bounds_read;
	struct vf_fn_pf bounds; /* the PF's MTU (mtu may not exceed it), read once */
	bool any_rate;
	struct plan *p;
	struct cfg_diags *d;
	struct sriov_err *e;
};

void plan_pf_id(const struct pf *pf, const char *names[8], struct cfg_pf_id *id)
{
	size_t n = pf->n_netdevs < 7 ? pf->n_netdevs : 7;

	id->addr = pf->addr;
	id->vendor = pf->vendor_id;
	id->device = pf->device_id;
	for (size_t i = 0; i < n; i++)
		names[i] = pf->netdevs[i].name;
	/* [pf netdevsim10]: a netdevsim device is named like a netdev (and has
	 * no PCI address or ids a section could name) */
	if (!pf_vfs_are_pci(pf))
		names[n++] = pf->dev_name;
	id->ifnames = names;
	id->n_ifnames = n;
}

static void pf_id_fill(struct pf_job *j)
{
	plan_pf_id(j->pf, j->ifnames, &j->id);
}

static int plan_count(struct pf_job *j)
{
	const struct pf *pf = j->pf;
	struct plan_step *s;

	j->count = j->want.num_vfs >= 0 ? j->want.num_vfs : pf->num_vfs;
	/* the current count is what the plan starts from: unknown, no plan */
	if (pf->num_vfs < 0) {
		sriov_err_set(j->e, -EINVAL,
			      "%s: /sys/bus/pci/devices/%s/sriov_numvfs is unreadable or "
			      "not a number: cannot plan from an unknown VF count",
			      pf->addr_str, pf->addr_str);
		sriov_err_hint(j->e, "check the device (dmesg, lspci -vvv -s %s)",
			       pf->addr_str);
		return -EINVAL;
	}
	if (j->want.num_vfs >= 0 && pf->total_vfs >= 0 && j->count > pf->total_vfs) {
		sriov_err_set(j->e, -ERANGE,
			      "%s:%u:%u: num_vfs %d for %s, but its limit is %d "
			      "(sriov_totalvfs)",
			      j->want.num_vfs_loc.file, j->want.num_vfs_loc.line,
			      j->want.num_vfs_loc.col, j->count, pf->addr_str,
			      pf->total_vfs);
		sriov_err_hint(j->e,
			       "sriovctl show %s tells the limit and where it "
			       "comes from",
			       pf->addr_str);
		return -ERANGE;
	}
	if (j->want.autoprobe >= 0 && j->want.autoprobe != pf->drivers_autoprobe) {
		s = plan_add(j->p, PLAN_AUTOPROBE, pf, -1);
		if (!s)
			return -ENOMEM;
		snprintf(s->old_value, sizeof(s->old_value), "%s",
			 pf->drivers_autoprobe < 0 ? ""
			 : pf->drivers_autoprobe   ? "yes"
						   : "no");
		snprintf(s->new_value, sizeof(s->new_value), "%s",
			 j->want.autoprobe ? "yes" : "no");
		s->loc = j->want.autoprobe_loc;
	}
	if (j->count == pf->num_vfs)
		return 0;
	j->count_changes = true;
	s = plan_add(j->p, PLAN_NUM_VFS, pf, -1);
	if (!s)
		return -ENOMEM;
	snprintf(s->old_value, sizeof(s->old_value), "%d", pf->num_vfs);
	snprintf(s->new_value, sizeof(s->new_value), "%d", j->count);
	s->loc = j->want.num_vfs_loc;
	return 0;
}

/* [vf] sections of this PF naming an index it will not have: an input error. */
static int check_vf_indexes(struct pf_job *j)
{
	for (size_t i = 0; i < j->cfg->n_vfs; i++) {
		const struct cfg_vf_section *v = &j->cfg->vfs[i];
		unsigned int top;

		if (v->all || !v->n_ranges || !cfg_selector_matches(&v->sel, &j->id))
			continue;
		top = v->ranges[v->n_ranges - 1].hi;
		if ((int)top < j->count)
			continue;
		sriov_err_set(j->e, -EINVAL,
			      "%s:%u:%u: [vf %s %s] names VF %u, but %s %s %d VF%s",
			      v->loc.file, v->loc.line, v->loc.col, v->sel.text,
			      v->indexes, top, j->pf->addr_str,
			      j->count_changes ? "will have" : "has", j->count,
			      j->count == 1 ? "" : "s");
		sriov_err_hint(j->e, "set num_vfs in its [pf] section, or use 'all'");
		return -EINVAL;
	}
	return 0;
}

/* mac auto, or a GUID auto derived from it. */
static bool settings_need_perm(const struct cfg_vf_settings *v)
{
	return vf_settings_want_auto(&v->s);
}

static int read_perm_mac(struct pf_job *j)
{
	const struct pf *pf = j->pf;

	if (j->auto_mac.known)
		return 0;
	if (!pf->n_netdevs)
		return sriov_err_set(j->e, -ENODATA,
				     "mac auto for the VFs of %s: the PF has no "
				     "netdev, so no permanent MAC to derive them from",
				     pf->addr_str);
	return vf_auto_mac_init(j->r, j->nl, pf->netdevs[0].name, pf->netdevs[0].ifindex,
				NULL, &j->auto_mac, j->e);
}

const struct pf *plan_find_pf(const struct inventory *inv, const char *addr)
{
	for (size_t i = 0; i < inv->n_pfs; i++)
		if (!strcmp(inv->pfs[i].addr_str, addr))
			return &inv->pfs[i];
	return NULL;
}

/*
 * What a VF step changes: the VF's PCI address, or for a VF without a PCI
 * function (netdevsim) "DEV/INDEX", as a DEV names the VF.
 */
static int plan_vf_target(struct pf_job *j, const struct vf *vf, char *buf, size_t size)
{
	char name[64];
	int n;

	if (pf_vfs_are_pci(j->pf)) {
		snprintf(buf, size, "%s", vf->addr_str);
		return 0;
	}
	n = snprintf(name, sizeof(name), "%s/%u", j->pf->addr_str, vf->index);
	if (n < 0 || (size_t)n >= size)
		return sriov_err_set(j->e, -ENAMETOOLONG,
				     "%s: too long a name for the journal (at most %zu "
				     "characters)",
				     name, size - 1);
	memcpy(buf, name, (size_t)n + 1);
	return 0;
}

/* A configured VF MTU above the PF's: refused as vf set refuses it. */
static int check_mtu(struct pf_job *j, unsigned int index,
		     const struct cfg_vf_settings *want)
{
	const struct pf *pf = j->pf;
	const struct cfg_loc *at = &want->loc[VF_KEY_MTU];

	if (!vf_settings_has(&want->s, VF_KEY_MTU))
		return 0;
	if (!j->bounds_read) {
		vf_fn_pf_read(j->r, pf->addr_str,
			      pf->n_netdevs ? pf->netdevs[0].name : "", &j->bounds);
		j->bounds_read = true;
	}
	if (!j->bounds.has_mtu || want->s.mtu <= j->bounds.mtu)
		return 0;
	sriov_err_set(j->e, -EINVAL,
		      "%s:%u:%u: mtu %u for VF %u of %s is above the PF's MTU %u",
		      at->file, at->line, at->col, want->s.mtu, index, pf->addr_str,
		      j->bounds.mtu);
	sriov_err_hint(j->e,
		       "raise the PF's MTU first (ip link set %s mtu %u), or lower it",
		       pf->netdevs[0].name, want->s.mtu);
	return -EINVAL;
}

/*
 * A configured setting of the VF's devlink port for a VF that has none (the
 * PF is not in switchdev mode): refused as vf set refuses it. A VF this run
 * creates is judged when its step runs.
 */
static int check_devlink(struct pf_job *j, unsigned int index,
			 const struct cfg_vf_settings *want, const struct vf *vf)
{
	for (int k = 0; vf && !vf->info.has_dl_port && k < VF_KEY_COUNT; k++) {
		enum vf_iface i = vf_setting_of((enum vf_key)k)->iface;
		const struct cfg_loc *at = &want->loc[k];

		if (!vf_settings_has(&want->s, (enum vf_key)k) ||
		    (i != VF_IFACE_DEVLINK_RATE && i != VF_IFACE_DEVLINK_FN))
			continue;
		sriov_err_set(j->e, -EINVAL,
			      "%s:%u:%u: %s for VF %u of %s: the VF has no devlink port, "
			      "which exists only in switchdev mode",
			      at->file, at->line, at->col, vf_key_name((enum vf_key)k),
			      index, j->pf->addr_str);
		sriov_err_hint(j->e,
			       "switch the PF first: sriovctl pf %s set eswitch "
			       "switchdev",
			       j->pf->addr_str);
		return -EINVAL;
	}
	return 0;
}

/*
 * The VF settings steps of VF index: those before the driver steps, or
 * (after_driver) those set through the VF's own driver (mtu).
 */
static int plan_vf_attrs(struct pf_job *j, unsigned int index,
			 const struct cfg_vf_settings *want, const struct vf *vf,
			 bool after_driver)
{
	uint8_t auto_mac[6] = {0};

	if (after_driver && check_mtu(j, index, want) < 0)
		return -EINVAL;
	if (!after_driver && check_devlink(j, index, want, vf) < 0)
		return -EINVAL;
	if (settings_need_perm(want)) {
		int ret = read_perm_mac(j);

		if (ret < 0)
			return ret;
		vf_auto_mac_of(&j->auto_mac, index, auto_mac);
	}
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		char cur[PLAN_VALUE_MAX] = "", val[PLAN_VALUE_MAX];
		struct plan_step *s;

		if (!vf_settings_has(&want->s, (enum vf_key)k) ||
		    vf_setting_of((enum vf_key)k)->needs_vf_driver != after_driver)
			continue;
		if (vf_setting_of((enum vf_key)k)->needs_carrier)
			j->any_rate = true;
		vf_key_format_want((enum vf_key)k, &want->s, auto_mac, val, sizeof(val));
		if (vf && vf_key_readable((enum vf_key)k, vf->has_info))
			vf_key_format_current((enum vf_key)k, &vf->info, cur,
					      sizeof(cur));
		if (vf && !strcmp(cur, val))
			continue;
		s = plan_add(j->p, PLAN_VF_ATTR, j->pf, (int)index);
		if (!s)
			return -ENOMEM;
		s->key = (enum vf_key)k;
		s->predicted = !vf;
		if (vf && plan_vf_target(j, vf, s->target, sizeof(s->target)) < 0)
			return -ENAMETOOLONG;
		snprintf(s->old_value, sizeof(s->old_value), "%s", cur);
		snprintf(s->new_value, sizeof(s->new_value), "%s", val);
		s->loc = want->loc[k];
	}
	return 0;
}

/* driver_override of a VF; "" when none (the kernel's "(null)"). */
void plan_read_override(struct sriov_root *r, const char *addr, char *buf, size_t size)
{
	if (sriov_readf_attr(r, buf, size, NULL, SYS_PCI_DEVICES "/%s/driver_override",
			     addr) < 0 ||
	    !strcmp(buf, "(null)"))
		buf[0] = '\0';
}

static int plan_vf_driver(struct pf_job *j, unsigned int index,
			  const struct cfg_vf_settings *want, const struct vf *vf)
{
	char override[PLAN_VALUE_MAX] = "";
	bool is_default = !strcmp(want->driver, "default");
	struct plan_step *s;

	if (!want->driver[0])
		return 0;
	if (!pf_vfs_are_pci(j->pf))
		return sriov_err_set(
			j->e, -EINVAL,
			"%s:%d: vf_driver for %s: its VFs are not PCI functions, "
			"there is no driver to bind",
			want->driver_loc.file, want->driver_loc.line, j->pf->dev_name);
	if (vf) {
		plan_read_override(j->r, vf->addr_str, override, sizeof(override));
		if (is_default ? !override[0] : !strcmp(vf->driver, want->driver))
			return 0;
	}
	s = plan_add(j->p, PLAN_DRIVER, j->pf, (int)index);
	if (!s)
		return -ENOMEM;
	s->predicted = !vf;
	if (vf) {
		snprintf(s->target, sizeof(s->target), "%s", vf->addr_str);
		snprintf(s->old_value, sizeof(s->old_value), "%s", vf->driver);
		snprintf(s->old_extra, sizeof(s->old_extra), "%s", override);
	}
	snprintf(s->new_value, sizeof(s->new_value), "%s", want->driver);
	s->loc = want->driver_loc;
	return 0;
}

/* IFF_UP of the PF netdev from sysfs "flags"; -1 unknown. */
static int pf_link_up(struct pf_job *j)
{
	uint64_t flags;

	if (!j->pf->n_netdevs)
		return -1;
	if (sriov_readf_u64(j->r, 16, &flags, NULL, SYS_CLASS_NET "/%s/flags",
			    j->pf->netdevs[0].name) < 0)
		return -1;
	return (flags & IFF_UP_FLAG) ? 1 : 0;
}

/* Inserts the PF-up step before the PF's first VF step (at index at). */
static int plan_pf_up(struct pf_job *j, size_t at)
{
	int want = j->want.pf_up;
	int up;
	struct plan_step s, *added;

	if (want == CFG_PF_UP_NO || (want != CFG_PF_UP_YES && !j->any_rate))
		return 0;
	if (!j->pf->n_netdevs) {
		if (want == CFG_PF_UP_YES)
			return plan_note(j->p, "%s: pf_up yes, but the PF has no netdev",
					 j->pf->addr_str);
		return 0;
	}
	up = pf_link_up(j);
	if (up == 1)
		return 0;
	added = plan_add(j->p, PLAN_PF_UP, j->pf, -1);
	if (!added)
		return -ENOMEM;
	snprintf(added->old_value, sizeof(added->old_value), "%s", up == 0 ? "down" : "");
	snprintf(added->new_value, sizeof(added->new_value), "up");
	added->loc = j->want.pf_up_loc;
	s = *added;
	memmove(&j->p->steps[at + 1], &j->p->steps[at],
		(j->p->n - 1 - at) * sizeof(j->p->steps[0]));
	j->p->steps[at] = s;
	return 0;
}

static int plan_vfs(struct pf_job *j)
{
	size_t first_vf_step = j->p->n;
	struct cfg_vf_settings *wants;
	int ret = 0;

	if (j->count <= 0)
		return 0;
	wants = calloc((size_t)j->count, sizeof(*wants));
	if (!wants)
		return -ENOMEM;
	for (int i = 0; i < j->count && !ret; i++)
		ret = cfg_resolve_vf(j->cfg, &j->id, &j->want, (unsigned int)i, &wants[i],
				     j->d);
	if (ret < 0) {
		free(wants);
		return sriov_err_set(j->e, ret,
				     "the configuration disagrees about the "
				     "VFs of %s (see the messages above)",
				     j->pf->addr_str);
	}
	for (int i = 0; i < j->count && !ret; i++) {
		const struct vf *vf =
			j->count_changes ? NULL : inventory_find_vf(j->pf, i);

		ret = plan_vf_attrs(j, (unsigned int)i, &wants[i], vf, false);
	}
	for (int i = 0; i < j->count && !ret; i++) {
		const struct vf *vf =
			j->count_changes ? NULL : inventory_find_vf(j->pf, i);

		ret = plan_vf_driver(j, (unsigned int)i, &wants[i], vf);
	}
	for (int i = 0; i < j->count && !ret; i++) {
		const struct vf *vf =
			j->count_changes ? NULL : inventory_find_vf(j->pf, i);

		ret = plan_vf_attrs(j, (unsigned int)i, &wants[i], vf, true);
	}
	free(wants);
	if (ret < 0)
		return ret;
	return plan_pf_up(j, first_vf_step);
}

/* A PF may be named by [vf] sections only. */
static bool vf_sections_match(const struct pf_job *j)
{
	for (size_t i = 0; i < j->cfg->n_vfs; i++)
		if (cfg_selector_matches(&j->cfg->vfs[i].sel, &j->id))
			return true;
	return false;
}

static int plan_pf(struct pf_job *j)
{
	bool matched = false;
	int ret;

	pf_id_fill(j);
	ret = cfg_resolve_pf(j->cfg, &j->id, &j->want, &matched, j->d);
	if (ret < 0)
		return sriov_err_set(j->e, ret,
				     "the configuration disagrees about %s (see the "
				     "messages above)",
				     j->pf->addr_str);
	if (!matched && !vf_sections_match(j))
		return 0;
	j->p->pfs_matched++;
	ret = plan_count(j);
	if (ret < 0)
		return ret;
	ret = check_vf_indexes(j);
	if (ret < 0)
		return ret;
	return plan_vfs(j);
}

bool plan_selector_present(const struct cfg_selector *sel, const struct inventory *inv)
{
	for (size_t i = 0; i < inv->n_pfs; i++) {
		struct pf_job j = {.pf = &inv->pfs[i]};

		pf_id_fill(&j);
		if (cfg_selector_matches(sel, &j.id))
			return true;
	}
	return false;
}

static int note_unmatched(const struct sriov_config *cfg, const struct inventory *inv,
			  struct plan *p)
{
	for (size_t i = 0; i < cfg->n_pfs; i++) {
		const struct cfg_pf_section *s = &cfg->pfs[i];

		if (plan_selector_present(&s->sel, inv))
			continue;
		if (plan_note(p, "%s:%u: [pf %s] matches no SR-IOV PF on this host",
			      s->loc.file, s->loc.line, s->sel.text) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < cfg->n_vfs; i++) {
		const struct cfg_vf_section *s = &cfg->vfs[i];

		if (plan_selector_present(&s->sel, inv))
			continue;
		if (plan_note(p, "%s:%u: [vf %s %s] matches no SR-IOV PF on this host",
			      s->loc.file, s->loc.line, s->sel.text, s->indexes) < 0)
			return -ENOMEM;
	}
	return 0;
}

int plan_compute(struct sriov_root *r, struct rtnl *nl, const struct sriov_config *cfg,
		 const struct inventory *inv, struct plan *p, struct cfg_diags *d,
		 struct sriov_err *e)
{
	int ret;

	for (size_t i = 0; i < inv->n_pfs; i++) {
		struct pf_job j = {
			.r = r,
			.nl = nl,
			.cfg = cfg,
			.pf = &inv->pfs[i],
			.p = p,
			.d = d,
			.e = e,
		};

		ret = plan_pf(&j);
		if (ret < 0) {
			plan_free(p);
			return ret;
		}
	}
	ret = note_unmatched(cfg, inv, p);
	if (ret < 0) {
		plan_free(p);
		return sriov_err_set(e, ret, "out of memory");
	}
	return 0;
}
