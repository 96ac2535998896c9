// SPDX-License-Identifier: MIT
/*
 * The PF settings of `pf DEV set` on the host: reading one (the devlink
 * eswitch of the PF's instance, the PF netdev's MTU in sysfs), whether the
 * eswitch mode may change now (the order drivers need), and changing one
 * with its read-back. Used by `pf set` (lib/pf_set.c) and by restore.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov/devlink.h"
#include "sriov/pf_attr.h"

/* ---- reading ------------------------------------------------------------------ */

static int eswitch_refused(const struct pf *pf, int err, struct sriov_err *e)
{
	if (err == -EPERM || err == -EACCES)
		return sriov_err_set(e, err, "%s/%s: reading the eswitch needs root",
				     pf->bus_name, pf->dev_name);
	return sriov_err_set(e, -EOPNOTSUPP,
			     "%s/%s: the driver has no eswitch control (%s)",
			     pf->bus_name, pf->dev_name, strerror(-err));
}

static int read_eswitch(struct sriov_root *r, const struct pf *pf, enum pf_key key,
			char *buf, size_t size, struct sriov_err *e)
{
	struct devlink_state s;
	int v, ret;

	ret = sriov_devlink_read(r, NULL, pf->bus_name, pf->dev_name, &s, e);
	if (ret == -ENOENT)
		sriov_err_set(e, ret, "%s has no devlink instance (%s/%s)", pf->addr_str,
			      pf->bus_name, pf->dev_name);
	if (ret == 0 && !s.has_eswitch)
		ret = eswitch_refused(pf, s.eswitch_err ? s.eswitch_err : -EOPNOTSUPP, e);
	if (ret < 0) {
		devlink_state_free(&s);
		return ret;
	}
	v = key == PF_KEY_ESWITCH	? s.eswitch.mode
	    : key == PF_KEY_INLINE_MODE ? s.eswitch.inline_mode
					: s.eswitch.encap_mode;
	devlink_state_free(&s);
	if (v < 0)
		return sriov_err_set(
			e, -EOPNOTSUPP,
			"%s/%s: the driver does not support the eswitch's %s",
			pf->bus_name, pf->dev_name, pf_key_name(key));
	snprintf(buf, size, "%s",
		 key == PF_KEY_ESWITCH	     ? devlink_eswitch_mode_name(v)
		 : key == PF_KEY_INLINE_MODE ? devlink_inline_mode_name(v)
					     : devlink_encap_mode_name(v));
	return 0;
}

static const char *pf_netdev(const struct pf *pf, struct sriov_err *e)
{
	if (!pf->n_netdevs) {
		sriov_err_set(e, -ENODEV, "%s has no netdev", pf->addr_str);
		return NULL;
	}
	if (!sriov_name_is_safe(pf->netdevs[0].name)) {
		sriov_err_set(e, -EINVAL, "%s: netdev name '%s' is not a path component",
			      pf->addr_str, pf->netdevs[0].name);
		return NULL;
	}
	return pf->netdevs[0].name;
}

int pf_attr_read(struct sriov_root *r, const struct pf *pf, enum pf_key key, char *buf,
		 size_t size, struct sriov_err *e)
{
	const char *ifname;

	buf[0] = '\0';
	if (pf_key_is_devlink(key))
		return read_eswitch(r, pf, key, buf, size, e);
	ifname = pf_netdev(pf, e);
	if (!ifname)
		return e && e->code ? e->code : -ENODEV;
	return sriov_readf_attr(r, buf, size, e, "/sys/class/net/%s/mtu", ifname);
}

/* ---- the order drivers need ----------------------------------------------------- */

static int vf_in_use(const struct pf *pf, struct sriov_err *e)
{
	char who[256];

	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct vf *vf = &pf->vfs[i];

		if (!vf->users.n)
			continue;
		fn_users_describe(&vf->users, who, sizeof(who));
		sriov_err_set(e, -EBUSY,
			      "%s: VF %u (%s) is in use (%s): switching the eswitch mode "
			      "would take it away",
			      pf->addr_str, vf->index, vf->addr_str, who);
		sriov_err_hint(e, "stop what uses the VF first");
		return -EBUSY;
	}
	return 0;
}

int pf_eswitch_rate_nodes_ok(struct sriov_root *r, const struct pf *pf,
			     struct sriov_err *e)
{
	struct devlink_state s;
	char names[200] = "";
	size_t len = 0, n = 0;

	if (sriov_devlink_read(r, NULL, pf->bus_name, pf->dev_name, &s, NULL) == 0)
		for (size_t i = 0; i < s.n_rates && len < sizeof(names); i++) {
			if (!s.rates[i].is_node)
				continue;
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						n++ ? ", " : "", s.rates[i].name);
		}
	devlink_state_free(&s);
	if (!n)
		return 0;
	sriov_err_set(e, -EBUSY,
		      "%s: the kernel changes the eswitch mode only without devlink rate "
		      "nodes, and %s/%s has %zu (%s)",
		      pf->addr_str, pf->bus_name, pf->dev_name, n, names);
	sriov_err_hint(e,
		       "detach the VFs (sriovctl vf %s/all set rate_group none), then "
		       "devlink port function rate del %s/%s/NODE for each",
		       pf->addr_str, pf->bus_name, pf->dev_name);
	return -EBUSY;
}

bool pf_eswitch_needs_unbound_vfs(const struct pf *pf)
{
	return !strcmp(pf->driver, "mlx5_core");
}

int pf_eswitch_change_ok(const struct pf *pf, struct sriov_err *e)
{
	int ret = vf_in_use(pf, e);

	if (ret < 0)
		return ret;
	if (!strcmp(pf->driver, "ice") && pf->num_vfs > 0) {
		sriov_err_set(e, -EBUSY,
			      "%s: ice changes the eswitch mode only while the PF has no "
			      "VFs (%d enabled)",
			      pf->addr_str, pf->num_vfs);
		sriov_err_hint(e,
			       "sriovctl disable %s, then pf set, then sriovctl enable",
			       pf->addr_str);
		return -EBUSY;
	}
	return 0;
}

/* ---- writing ---------------------------------------------------------------------- */

static int send_eswitch(const struct pf *pf, enum pf_key key, const char *value,
			struct sriov_err *e)
{
	struct devlink_eswitch want = {-1, -1, -1};
	struct devlink_nl *dl;
	struct nl_ack ack;
	int ret;

	if (key == PF_KEY_ESWITCH)
		want.mode = devlink_eswitch_mode_parse(value);
	else if (key == PF_KEY_INLINE_MODE)
		want.inline_mode = devlink_inline_mode_parse(value);
	else
		want.encap_mode = devlink_encap_mode_parse(value);
	ret = devlink_open(&dl, e);
	if (ret < 0)
		return ret;
	ret = devlink_eswitch_set(dl, pf->bus_name, pf->dev_name, &want, &ack, e);
	devlink_close(dl);
	if (ret == 0 && ack.error) {
		ret = sriov_err_set(e, ack.error, "%s/%s: eswitch %s %s: %s%s%s",
				    pf->bus_name, pf->dev_name, pf_key_name(key), value,
				    strerror(-ack.error), ack.msg[0] ? ": " : "",
				    ack.msg);
		sriov_err_hint(e,
			       "the kernel log (dmesg) may say why the driver refused");
	}
	return ret;
}

int pf_attr_write(struct sriov_root *r, const struct pf *pf, enum pf_key key,
		  const char *value, struct sriov_err *e)
{
	char back[64];
	const char *ifname;
	int ret;

	if (pf_key_is_devlink(key) && !sriov_root_is_host(r))
		return sriov_err_set(e, -EOPNOTSUPP,
				     "%s: changing the eswitch needs the live host (not "
				     "--root)",
				     pf->addr_str);
	if (pf_key_is_devlink(key)) {
		ret = send_eswitch(pf, key, value, e);
	} else {
		ifname = pf_netdev(pf, e);
		ret = ifname ? sriov_writef_attr(r, value, e, "/sys/class/net/%s/mtu",
						 ifname)
			     : -ENODEV;
	}
	if (ret < 0)
		return ret;
	ret = pf_attr_read(r, pf, key, back, sizeof(back), e);
	if (ret < 0)
		return ret;
	if (strcmp(back, value))
		return sriov_err_set(e, -EIO, "%s: %s reads back %s after setting %s",
				     pf->addr_str, pf_key_name(key), back, value);
	return 0;
}
