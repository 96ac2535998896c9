// SPDX-License-Identifier: MIT
/*
 * `sriovctl vf DEV/INDEXES reset` (vfreset.h): the plan from the settings
 * table's clean values and the VFs' drivers, refused while a VF is in use,
 * then run like apply over the journaled run engine (run.c), its VF steps
 * by apply_vf.c, so that `restore` undoes a reset.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/vfreset.h"
#include "sriov/devarg.h"
#include "sriov/vfattr.h"
#include "apply_internal.h"
#include "sysfs_paths.h"

bool vf_reset_value(enum vf_key key, const struct vf_settings *configured,
		    const uint8_t *auto_mac, struct vf_value *v)
{
	const struct vf_setting *row = vf_setting_of(key);

	memset(v, 0, sizeof(*v));
	if (!row || row->reset == VF_RESET_NONE || row->reset == VF_RESET_KEEP)
		return false;
	if ((row->reset == VF_RESET_CONFIG || row->reset == VF_RESET_CONFIG_ONLY) &&
	    configured && vf_settings_has(configured, key)) {
		vf_key_want(key, configured, auto_mac, v);
		return true;
	}
	if (row->reset == VF_RESET_CONFIG_ONLY)
		return false;
	if (row->type != VF_VAL_MAC)
		v->u = row->reset_to;
	return true;
}

void vf_reset_list(char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int k = 0; k < VF_KEY_COUNT && len < size; k++) {
		const struct vf_setting *row = vf_setting_of((enum vf_key)k);
		char value[VF_MAC_STRLEN + 8];
		struct vf_value v;
		int n;

		if (row->reset == VF_RESET_KEEP || row->reset == VF_RESET_CONFIG_ONLY)
			snprintf(value, sizeof(value), "left as it is");
		else if (vf_reset_value((enum vf_key)k, NULL, NULL, &v))
			vf_value_format((enum vf_key)k, &v, value, sizeof(value));
		else
			continue;
		n = snprintf(buf + len, size - len, "%s%s %s%s", len ? "; " : "",
			     row->name,
			     row->reset == VF_RESET_CONFIG ||
					     row->reset == VF_RESET_CONFIG_ONLY
				     ? "the configured one, else "
				     : "",
			     value);
		len = n < 0 ? size : len + (size_t)n;
	}
}

/* ---- the plan -------------------------------------------------------------------- */

struct reset_job {
	struct sriov_root *r;
	struct rtnl *nl;
	const struct sriov_config *cfg;
	const struct pf *pf;
	struct cfg_pf_id id;
	const char *ifnames[8];
	struct cfg_pf_section want; /* the PF's sections, for its VF defaults */
	struct vf_auto_mac auto_mac;
	unsigned int unreported; /* bit per key a driver did not report */
	struct plan *p;
	struct sriov_err *e;
};

static int select_vfs(const struct pf *pf, const char *indexes, bool **sel,
		      unsigned int *count, struct sriov_err *e)
{
	int ret;

	*count = pf->num_vfs > 0 ? (unsigned int)pf->num_vfs : 0;
	*sel = calloc(*count ? *count : 1, sizeof(bool));
	if (!*sel)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	ret = vf_index_spec_parse(indexes, *count, *sel, e);
	if (ret < 0 && *count == 0)
		sriov_err_hint(e, "enable VFs first: sriovctl enable %s N", pf->addr_str);
	return ret;
}

/* "; VF 0 (0000:01:10.0): pid 42 qemu-system-x86 (VM "a") holds /dev/vfio/7" */
static size_t append_users(char *buf, size_t size, size_t len, const struct vf *vf)
{
	char who[400];
	int n;

	if (len >= size)
		return len;
	fn_users_describe(&vf->users, who, sizeof(who));
	n = snprintf(buf + len, size - len, "%sVF %u (%s): %s", len ? "; " : "",
		     vf->index, vf->addr_str, who);
	return n < 0 ? len : len + (size_t)n;
}

static int refuse_in_use(const struct pf *pf, const bool *sel, unsigned int count,
			 struct sriov_err *e)
{
	char users[900] = "";
	size_t len = 0, n = 0;

	for (unsigned int i = 0; i < count; i++) {
		const struct vf *vf = sel[i] ? inventory_find_vf(pf, (int)i) : NULL;

		if (!vf || !vf->users.n)
			continue;
		len = append_users(users, sizeof(users), len, vf);
		n++;
	}
	if (!n)
		return 0;
	sriov_err_set(e, -EBUSY, "%s: %zu VF%s in use, nothing was reset: %s",
		      pf->addr_str, n, n == 1 ? " is" : "s are", users);
	sriov_err_hint(e, "stop the VM (or release the VF) first, then reset it");
	return -EBUSY;
}

static int configured_of(struct reset_job *j, unsigned int index,
			 struct cfg_vf_settings *out)
{
	struct cfg_diags d = {0};
	char first[400] = "";
	int ret;

	memset(out, 0, sizeof(*out));
	if (!j->cfg)
		return 0;
	ret = cfg_resolve_vf(j->cfg, &j->id, &j->want, index, out, &d);
	if (ret < 0 && d.n)
		cfg_diag_format(&d.items[0], first, sizeof(first));
	cfg_diags_free(&d);
	if (ret < 0)
		return sriov_err_set(j->e, ret,
				     "the configuration disagrees about VF %u of %s: %s",
				     index, j->pf->addr_str, first);
	return 0;
}

/* The PF's summary (IFLA_PERM_ADDRESS) over nl, or as recorded under --root. */
static int read_perm_mac(struct reset_job *j)
{
	const struct netdev_info *nd = &j->pf->netdevs[0];
	struct link_summary sum;
	struct link_vfs vfs = {0};
	bool have_sum;

	have_sum = vf_pf_link_read(j->r, j->nl, nd->name, nd->ifindex, &vfs, &sum,
				   NULL) == 0;
	link_vfs_free(&vfs);
	return vf_auto_mac_init(j->r, j->nl, nd->name, nd->ifindex,
				have_sum ? &sum : NULL, &j->auto_mac, j->e);
}

static int auto_mac_of(struct reset_job *j, unsigned int index, uint8_t mac[6])
{
	int ret = 0;

	if (!j->auto_mac.known && !j->pf->n_netdevs)
		return sriov_err_set(j->e, -ENODATA,
				     "mac auto for the VFs of %s: the PF has no netdev, "
				     "so no permanent MAC to derive them from",
				     j->pf->addr_str);
	if (!j->auto_mac.known)
		ret = read_perm_mac(j);
	if (ret == 0)
		vf_auto_mac_of(&j->auto_mac, index, mac);
	return ret;
}

static int add_attr_step(struct reset_job *j, const struct vf *vf, enum vf_key key,
			 const struct vf_value *cur, const struct vf_value *clean,
			 const struct cfg_vf_settings *conf)
{
	struct plan_step *s = plan_add(j->p, PLAN_VF_ATTR, j->pf, (int)vf->index);

	if (!s)
		return sriov_err_set(j->e, -ENOMEM, "out of memory");
	s->key = key;
	snprintf(s->target, sizeof(s->target), "%s", vf->addr_str);
	vf_value_format(key, cur, s->old_value, sizeof(s->old_value));
	vf_value_format(key, clean, s->new_value, sizeof(s->new_value));
	if (vf_settings_has(&conf->s, key))
		s->loc = conf->loc[key];
	return 0;
}

/*
 * The VF's own driver chose this MAC (addr_assign_type 1, NET_ADDR_RANDOM,
 * on its netdev with that address): igbvf picks a random one when the PF set
 * none, and igb then reports it as the VF's MAC. That is the driver's
 * default, not an administratively set MAC: clean already.
 */
static bool mac_is_drivers_own(struct reset_job *j, const struct vf *vf,
			       const struct vf_value *cur)
{
	char mac[VF_MAC_STRLEN], addr[32];
	uint64_t type;

	vf_mac_format(cur->mac, mac);
	for (size_t i = 0; i < vf->n_netdevs; i++) {
		const char *name = vf->netdevs[i].name;

		if (!sriov_name_is_safe(name) ||
		    sriov_readf_attr(j->r, addr, sizeof(addr), NULL,
				     SYS_CLASS_NET "/%s/address", name) < 0 ||
		    strcmp(addr, mac))
			continue;
		if (sriov_readf_u64(j->r, 10, &type, NULL,
				    SYS_CLASS_NET "/%s/addr_assign_type", name) == 0 &&
		    type == 1)
			return true;
	}
	return false;
}

/* Already clean: the clean value, or the MAC the VF's driver chose itself. */
static bool is_clean(struct reset_job *j, const struct vf *vf, enum vf_key key,
		     const struct vf_value *cur, const struct vf_value *clean)
{
	static const uint8_t zero[6];

	if (vf_value_equal(key, cur, clean))
		return true;
	return vf_setting_of(key)->type == VF_VAL_MAC && !memcmp(clean->mac, zero, 6) &&
	       mac_is_drivers_own(j, vf, cur);
}

/* A setting of the VF's devlink port, which exists only in switchdev mode. */
static bool is_devlink_row(enum vf_key key)
{
	enum vf_iface i = vf_setting_of(key)->iface;

	return i == VF_IFACE_DEVLINK_RATE || i == VF_IFACE_DEVLINK_FN;
}

/*
 * In switchdev mode the VF's rtnetlink rates are its devlink rate leaf
 * (mlx5 and netdevsim report the leaf as IFLA_VF_RATE; netdevsim refuses
 * ndo_set_vf_rate there): tx_share and tx_max reset them.
 */
static bool rate_is_devlinks(enum vf_key key, const struct vf *vf)
{
	return vf_setting_of(key)->attr == RTNL_VF_RATE && vf->info.has_dl_rate;
}

/* A step for every setting whose current value is not its clean value. */
static int plan_vf_settings(struct reset_job *j, const struct vf *vf)
{
	struct cfg_vf_settings conf;
	uint8_t mac[6] = {0};
	int ret;

	ret = configured_of(j, vf->index, &conf);
	if (ret == 0 && vf_settings_has(&conf.s, VF_KEY_MAC) && conf.s.mac_auto)
		ret = auto_mac_of(j, vf->index, mac);
	for (int k = 0; ret == 0 && k < VF_KEY_COUNT; k++) {
		enum vf_key key = (enum vf_key)k;
		struct vf_value clean, cur;

		if (!vf_reset_value(key, &conf.s, mac, &clean) ||
		    (is_devlink_row(key) && !vf->info.has_dl_port) ||
		    rate_is_devlinks(key, vf))
			continue;
		/*
		 * unreported: the value to put back would be unknown, leave it. A
		 * setting of the VF's own driver (mtu) is unknown when no net
		 * driver is bound: that driver starts from its default anyway.
		 */
		if (!vf_key_current(key, &vf->info, vf_setting_of(key)->dflt, &cur)) {
			if (!vf_setting_of(key)->needs_vf_driver)
				j->unreported |= 1u << k;
			continue;
		}
		if (!is_clean(j, vf, key, &cur, &clean))
			ret = add_attr_step(j, vf, key, &cur, &clean, &conf);
	}
	return ret;
}

/* The kernel's choice of driver, as `bind DEV default` makes it (ops_bind.c). */
static int plan_vf_driver(struct reset_job *j, const struct vf *vf)
{
	char override[PLAN_VALUE_MAX];
	struct plan_step *s;

	if (!vf->addr_str[0]) /* a netdevsim VF: no PCI function to bind */
		return 0;
	plan_read_override(j->r, vf->addr_str, override, sizeof(override));
	if (!override[0] && vf->driver[0])
		return 0;
	s = plan_add(j->p, PLAN_DRIVER, j->pf, (int)vf->index);
	if (!s)
		return sriov_err_set(j->e, -ENOMEM, "out of memory");
	snprintf(s->target, sizeof(s->target), "%s", vf->addr_str);
	snprintf(s->old_value, sizeof(s->old_value), "%s", vf->driver);
	snprintf(s->old_extra, sizeof(s->old_extra), "%s", override);
	snprintf(s->new_value, sizeof(s->new_value), "default");
	return 0;
}

static void note_unreported(struct reset_job *j)
{
	char keys[VF_KEY_LIST_SIZE] = "";
	size_t len = 0;

	for (int k = 0; k < VF_KEY_COUNT && len < sizeof(keys); k++)
		if (j->unreported & (1u << k))
			len += (size_t)snprintf(keys + len, sizeof(keys) - len, "%s%s",
						len ? ", " : "",
						vf_key_name((enum vf_key)k));
	if (keys[0])
		plan_note(j->p, "%s: the driver does not report %s: left as it is",
			  j->pf->addr_str, keys);
}

static int plan_vfs(struct reset_job *j, const bool *sel, unsigned int count)
{
	bool no_settings = false;
	int ret = 0;

	for (unsigned int i = 0; ret == 0 && i < count; i++) {
		const struct vf *vf = sel[i] ? inventory_find_vf(j->pf, (int)i) : NULL;

		if (vf && vf->has_info && j->pf->n_netdevs)
			ret = plan_vf_settings(j, vf);
		else if (vf)
			no_settings = true;
	}
	for (unsigned int i = 0; ret == 0 && i < count; i++) {
		const struct vf *vf = sel[i] ? inventory_find_vf(j->pf, (int)i) : NULL;

		if (vf)
			ret = plan_vf_driver(j, vf);
	}
	note_unreported(j);
	if (no_settings)
		plan_note(j->p,
			  "%s: the VF settings are not known (%s): only drivers are "
			  "reset",
			  j->pf->addr_str,
			  j->pf->n_netdevs ? "the PF reports none"
					   : "the PF has no netdev");
	return ret;
}

int vf_reset_plan(struct sriov_root *r, struct rtnl *nl, const struct sriov_config *cfg,
		  const struct inventory *inv, const char *pf_addr, const char *indexes,
		  struct plan *p, struct sriov_err *e)
{
	struct reset_job j = {.r = r, .nl = nl, .cfg = cfg, .p = p, .e = e};
	struct cfg_diags d = {0};
	unsigned int count = 0;
	bool matched = false, *sel = NULL;
	int ret;

	j.pf = plan_find_pf(inv, pf_addr);
	if (!j.pf)
		return sriov_err_set(e, -ENODEV, "%s is not an SR-IOV PF on this host",
				     pf_addr);
	ret = select_vfs(j.pf, indexes, &sel, &count, e);
	if (ret == 0)
		ret = refuse_in_use(j.pf, sel, count, e);
	if (ret == 0 && cfg) {
		plan_pf_id(j.pf, j.ifnames, &j.id);
		ret = cfg_resolve_pf(cfg, &j.id, &j.want, &matched, &d);
		if (ret < 0)
			sriov_err_set(e, ret, "the configuration disagrees about %s",
				      pf_addr);
	}
	if (ret == 0)
		ret = plan_vfs(&j, sel, count);
	cfg_diags_free(&d);
	free(sel);
	return ret;
}

/* ---- the run ----------------------------------------------------------------- */

static int plan_now(struct run *run, const char *pf_addr, const char *indexes,
		    struct sriov_err *e)
{
	struct apply_result *res = run->res;
	int ret;

	plan_free(&res->plan);
	ret = run_read_host(run, e);
	if (ret == 0)
		ret = vf_reset_plan(run->r, run->nl, run->cfg, &run->inv, pf_addr,
				    indexes, &res->plan, e);
	return ret;
}

int sriov_vf_reset(struct sriov_root *r, const struct sriov_config *cfg,
		   const char *pf_addr, const char *indexes, const struct apply_opts *o,
		   struct apply_result *res, struct sriov_err *e)
{
	struct run run = {.r = r, .o = o, .res = res, .cfg = cfg, .lock_fd = -1};
	int ret;

	memset(res, 0, sizeof(*res));
	ret = run_open(&run, e);
	/* every input error and a VF in use show here, before the lock */
	if (ret == 0)
		ret = plan_now(&run, pf_addr, indexes, e);
	if (ret == 0 && (o->dry_run || !res->plan.n))
		ret = run_read_journal(&run, true, e);
	/* under the lock, from the host as it is now */
	if (ret == 0 && !o->dry_run && res->plan.n) {
		ret = run_begin(&run, "reset", e);
		if (ret == 0)
			ret = plan_now(&run, pf_addr, indexes, e);
	}
	if (ret == 0 && !o->dry_run && res->plan.n) {
		ret = journal_begin(&run.j, "reset", o->files, o->n_files);
		if (ret == 0)
			ret = journal_save(r, &run.j, e);
		if (ret == 0) {
			run_vf_attrs(&run);
			run_drivers(&run);
			ret = run_finish(&run, e);
		}
	}
	run_end(&run);
	return ret;
}
