// SPDX-License-Identifier: MIT
/*
 * The VF settings operation (vfset.h): plan the requests for the selected
 * VFs from what the kernel reports now, send them, read back and verify.
 * Used by `sriovctl vf set` and by the VF steps of apply, restore and
 * rollback (lib/apply_vf.c).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/vfset.h"
#include "sriov/devarg.h"
#include "devlink_compat.h"
#include "sysfs_paths.h"

void vf_set_op_free(struct vf_set_op *op)
{
	free(op->res);
	free(op->sel);
	free(op->fns);
	link_vfs_free(&op->cur);
	devlink_state_free(&op->dl);
	devlink_close(op->dl_nl);
	if (op->own_nl)
		rtnl_close(op->nl);
	memset(op, 0, sizeof(*op));
}

/* ---- the VFs ---------------------------------------------------------------- */

static int select_vfs(const struct vf_pf_ref *pf, struct vf_set_op *op,
		      struct sriov_err *e)
{
	int ret;

	if (!pf->has_vf_spec)
		return sriov_err_set(
			e, -EINVAL,
			"name the VFs of %s: %s/INDEX, %s/FIRST-LAST or %s/all",
			pf->addr_str, pf->addr_str, pf->addr_str, pf->addr_str);
	op->count = pf->num_vfs > 0 ? (unsigned int)pf->num_vfs : 0;
	op->sel = calloc(op->count ? op->count : 1, sizeof(bool));
	if (!op->sel)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	ret = vf_index_spec_parse(pf->vf_spec, op->count, op->sel, e);
	if (ret < 0) {
		if (op->count == 0)
			sriov_err_hint(e, "enable VFs first: sriovctl enable %s N",
				       pf->addr_str);
		return ret;
	}
	for (unsigned int i = 0; i < op->count; i++)
		op->n_sel += op->sel[i];
	return 0;
}

static int use_netdev(struct sriov_root *r, const char *ifname, int ifindex,
		      struct vf_set_op *op, struct sriov_err *e)
{
	if (!ifname[0])
		return sriov_err_set(
			e, -EINVAL,
			"%s has no network interface: VF settings are made "
			"through the PF's netdev (rtnetlink), so only network "
			"PFs have them",
			op->pf_addr);
	snprintf(op->ifname, sizeof(op->ifname), "%s", ifname);
	op->ifindex = ifindex;
	if (op->ifindex <= 0 && sriov_root_is_host(r))
		op->ifindex = (int)if_nametoindex(op->ifname);
	return 0;
}

/* ---- what the kernel reports now ---------------------------------------------- */

/* Some of vlan/qos/proto, or one of the rates: the rest comes from the VF. */
static bool needs_current(const struct vf_settings *s)
{
	unsigned int parts[VF_ATTR_COUNT] = {0};

	for (int k = 0; k < VF_KEY_COUNT; k++)
		parts[vf_key_attr((enum vf_key)k)] |= 1u << k;
	for (int a = 0; a < VF_ATTR_COUNT; a++)
		if ((s->given & parts[a]) && (s->given & parts[a]) != parts[a])
			return true;
	return false;
}

static int open_socket(struct sriov_root *r, struct rtnl *nl, struct vf_set_op *op,
		       struct sriov_err *e)
{
	op->nl = nl;
	if (nl || !sriov_root_is_host(r))
		return 0;
	op->own_nl = true;
	return rtnl_open(&op->nl, e);
}

static void took_current(struct vf_set_op *op)
{
	op->have_cur = true;
	op->up.known = true;
	op->up.was_up = op->sum.up;
	op->up.carrier = op->sum.carrier;
}

/* On the host over rtnetlink; under --root the reply `capture` recorded. */
static int read_current(struct sriov_root *r, struct vf_set_op *op, struct sriov_err *e)
{
	struct sriov_err err;
	int ret;

	sriov_err_clear(&err);
	ret = vf_pf_link_read(r, op->nl, op->ifname, op->ifindex, &op->cur, &op->sum,
			      &err);
	if (ret == 0) {
		took_current(op);
		return 0;
	}
	if (sriov_root_is_host(r)) {
		*e = err;
		return ret;
	}
	if (ret != -ENOENT) /* a damaged capture: the plan would be a guess */
		return sriov_err_set(e, -EINVAL,
				     "--root: /.sriovctl/rtnl/%s: not a recorded "
				     "rtnetlink answer (%s): nothing was changed",
				     op->ifname, err.msg[0] ? err.msg : strerror(-ret));
	op->cur_assumed = needs_current(&op->s);
	return 0;
}

/* ---- the interfaces ------------------------------------------------------------ */

/*
 * Each kernel interface of the settings table (vfsetting.h): what it checks
 * before anything is sent (NULL: nothing; the kernel judges), and how one
 * request is sent (0 with res->ack the answer, or -errno when the channel
 * itself failed). Current values of every interface are in struct vf_info:
 * rtnetlink's from the PF's VF list, the others' from the VF function
 * (read_functions()). A new interface is one entry here.
 */
struct iface_ops {
	bool needs_fn; /* its keys need the VF function (vfdev.h) */
	int (*check)(const struct vf_set_op *op, const struct rtnl_vf_set *rq,
		     struct sriov_err *e);
	int (*send)(struct sriov_root *r, struct vf_set_op *op, struct vf_set_result *res,
		    struct sriov_err *e);
};

static int send_rtnl(struct sriov_root *r, struct vf_set_op *op,
		     struct vf_set_result *res, struct sriov_err *e)
{
	(void)r;
	return rtnl_vf_set_send(op->nl, op->ifindex, &res->req, &res->ack, &res->tries,
				e);
}

/* The PF's driver can set its VFs' MSI-X vector counts. */
static bool msix_settable(const struct vf_set_op *op)
{
	return op->pf_bounds.has_total_msix && op->pf_bounds.total_msix > 0;
}

static const struct vf_fn *fn_of(const struct vf_set_op *op, unsigned int index)
{
	return index < op->n_fns && op->fns[index].addr[0] ? &op->fns[index] : NULL;
}

static int check_mtu(const struct vf_set_op *op, const struct rtnl_vf_set *rq,
		     struct sriov_err *e)
{
	const struct vf_fn *fn = fn_of(op, rq->vf);

	if (!fn || !fn->ifname[0] || fn->ifindex <= 0) {
		sriov_err_set(e, -EOPNOTSUPP,
			      "mtu: VF %u (%s) has no network interface (%s): the MTU "
			      "is that of the VF's own netdev",
			      rq->vf, fn ? fn->addr : "virtfn link missing",
			      fn && fn->driver[0] ? fn->driver : "no driver bound");
		sriov_err_hint(e, "bind the VF to its net driver first (sriovctl bind "
				  "PF/INDEX DRIVER); a VF given to a VM (vfio-pci) "
				  "gets its MTU inside the guest");
		return -EOPNOTSUPP;
	}
	if (op->pf_bounds.has_mtu && rq->value > op->pf_bounds.mtu) {
		sriov_err_set(e, -EINVAL,
			      "mtu: %u for VF %u (%s) is above the PF's MTU %u (%s)",
			      rq->value, rq->vf, fn->ifname, op->pf_bounds.mtu,
			      op->ifname);
		sriov_err_hint(e, "raise the PF's MTU first (ip link set %s mtu %u)",
			       op->ifname, rq->value);
		return -EINVAL;
	}
	return 0;
}

static int send_mtu(struct sriov_root *r, struct vf_set_op *op, struct vf_set_result *res,
		    struct sriov_err *e)
{
	const struct vf_fn *fn = fn_of(op, res->req.vf);

	(void)r;
	return rtnl_set_mtu_send(op->nl, fn ? fn->ifindex : 0, res->req.value, &res->ack,
				 &res->tries, e);
}

static int check_msix(const struct vf_set_op *op, const struct rtnl_vf_set *rq,
		      struct sriov_err *e)
{
	const struct vf_fn *fn = fn_of(op, rq->vf);

	if (!msix_settable(op))
		return sriov_err_set(e, -EOPNOTSUPP,
				     "msix: the driver of %s does not let its VFs' MSI-X "
				     "vectors be set (sriov_vf_total_msix %s; mlx5 "
				     "does, on kernels >= 5.13), so sriov_vf_msix_count "
				     "cannot be written",
				     op->pf_pci,
				     op->pf_bounds.has_total_msix ? "is 0" : "absent");
	if (!fn)
		return sriov_err_set(e, -ENODEV, "msix: VF %u: no virtfn%u link", rq->vf,
				     rq->vf);
	if (fn->driver[0]) {
		sriov_err_set(e, -EBUSY,
			      "msix: VF %u (%s) is bound to %s: its MSI-X vectors can "
			      "only change while no driver is bound",
			      rq->vf, fn->addr, fn->driver);
		sriov_err_hint(e,
			       "unbind it first (sriovctl unbind %s), or set msix "
			       "in a configuration that apply runs before binding",
			       fn->addr);
		return -EBUSY;
	}
	if (op->pf_bounds.has_total_msix && rq->value > op->pf_bounds.total_msix)
		return sriov_err_set(e, -ERANGE,
				     "msix: %u for VF %u is above the PF's "
				     "sriov_vf_total_msix %u",
				     rq->value, rq->vf, op->pf_bounds.total_msix);
	return 0;
}

static int send_msix(struct sriov_root *r, struct vf_set_op *op,
		     struct vf_set_result *res, struct sriov_err *e)
{
	const struct vf_fn *fn = fn_of(op, res->req.vf);
	struct sriov_err err;

	(void)e;
	memset(&res->ack, 0, sizeof(res->ack));
	res->tries = 1;
	sriov_err_clear(&err);
	res->ack.error = vf_fn_msix_write(r, fn ? fn->addr : "", res->req.value, &err);
	if (res->ack.error)
		snprintf(res->ack.msg, sizeof(res->ack.msg), "%.*s",
			 (int)sizeof(res->ack.msg) - 1, err.msg);
	return 0;
}

/* ---- devlink: the VF's port in switchdev mode -------------------------------- */

static const struct devlink_port *dl_port_of(const struct vf_set_op *op, unsigned int vf)
{
	return op->have_dl ? devlink_vf_port(&op->dl, -1, vf) : NULL;
}

/* The PF's link speed in Mbit/s, 0 when unknown (link down, no netdev, a tree). */
static uint64_t pf_speed(struct sriov_root *r, const struct vf_set_op *op)
{
	uint64_t speed = 0;

	if (!op->ifname[0] || sriov_readf_u64(r, 10, &speed, NULL,
					      SYS_CLASS_NET "/%s/speed", op->ifname) < 0)
		return 0;
	return speed > 0 && speed < UINT32_MAX ? speed : 0;
}

static int check_dl_port(const struct vf_set_op *op, const struct rtnl_vf_set *rq,
			 struct sriov_err *e)
{
	if (dl_port_of(op, rq->vf))
		return 0;
	return sriov_err_set(e, -ENODEV,
			     "%s: VF %u has no devlink port on %s/%s (the kernel "
			     "reports no pcivf port for it)",
			     vf_request_name(rq), rq->vf, op->dl_bus, op->dl_dev);
}

static int check_dl_rate(const struct vf_set_op *op, const struct rtnl_vf_set *rq,
			 struct sriov_err *e)
{
	if (rq->tx_max && rq->tx_share > rq->tx_max)
		return sriov_err_set(e, -EINVAL,
				     "tx_share %u is above tx_max %u for VF %u (Mbit/s; "
				     "tx_max 0 means no limit)",
				     rq->tx_share, rq->tx_max, rq->vf);
	if (op->pf_speed && (rq->tx_max > op->pf_speed || rq->tx_share > op->pf_speed))
		return sriov_err_set(e, -EINVAL,
				     "%s %u Mbit/s for VF %u is above the link speed of "
				     "%s, %u Mbit/s",
				     rq->tx_max > op->pf_speed ? "tx_max" : "tx_share",
				     rq->tx_max > op->pf_speed ? rq->tx_max
							       : rq->tx_share,
				     rq->vf, op->ifname, op->pf_speed);
	return check_dl_port(op, rq, e);
}

static int dl_socket(struct vf_set_op *op, struct sriov_err *e)
{
	return op->dl_nl ? 0 : devlink_open(&op->dl_nl, e);
}

/* The group rq names, created when the devlink instance has none of that name. */
static int create_group(struct vf_set_op *op, struct vf_set_result *res,
			struct sriov_err *e)
{
	struct devlink_rate_req node = {.is_node = true, .node = res->req.group};
	int ret;

	if (!res->req.group[0] || devlink_rate_node(&op->dl, res->req.group))
		return 0;
	ret = devlink_rate_request(op->dl_nl, DEVLINK_CMD_RATE_NEW, op->dl_bus,
				   op->dl_dev, &node, &res->ack, e);
	if (ret == 0 && res->ack.error == -EEXIST) /* made for a VF before this one */
		res->ack.error = 0;
	return ret;
}

static int send_dl_rate(struct sriov_root *r, struct vf_set_op *op,
			struct vf_set_result *res, struct sriov_err *e)
{
	const struct devlink_port *p = dl_port_of(op, res->req.vf);
	struct devlink_rate_req leaf = {.port_index = p ? p->index : 0};
	int ret;

	(void)r;
	memset(&res->ack, 0, sizeof(res->ack));
	res->tries = 1;
	ret = dl_socket(op, e);
	if (ret < 0)
		return ret;
	if (res->req.attr == VF_ATTR_DL_GROUP) {
		ret = create_group(op, res, e);
		if (ret < 0 || res->ack.error)
			return ret;
		leaf.parent = res->req.group;
	} else {
		leaf.set_tx_share = leaf.set_tx_max = true;
		leaf.tx_share = devlink_mbit_to_bytes(res->req.tx_share);
		leaf.tx_max = devlink_mbit_to_bytes(res->req.tx_max);
	}
	return devlink_rate_request(op->dl_nl, DEVLINK_CMD_RATE_SET, op->dl_bus,
				    op->dl_dev, &leaf, &res->ack, e);
}

static int send_dl_fn(struct sriov_root *r, struct vf_set_op *op,
		      struct vf_set_result *res, struct sriov_err *e)
{
	const struct devlink_port *p = dl_port_of(op, res->req.vf);
	struct devlink_fn_req f = {.state = -1, .roce = -1, .migratable = -1};
	unsigned int a = res->req.attr;
	int ret;

	(void)r;
	memset(&res->ack, 0, sizeof(res->ack));
	res->tries = 1;
	if (a == VF_ATTR_FN_HW_ADDR) {
		f.hw_addr_len = 6;
		memcpy(f.hw_addr, res->req.mac, 6);
	}
	if (a == VF_ATTR_FN_STATE)
		f.state = (int)res->req.value;
	if (a == VF_ATTR_FN_ROCE)
		f.roce = (int)res->req.value;
	if (a == VF_ATTR_FN_MIGRATABLE)
		f.migratable = (int)res->req.value;
	ret = dl_socket(op, e);
	if (ret < 0)
		return ret;
	return devlink_port_fn_set(op->dl_nl, op->dl_bus, op->dl_dev, p ? p->index : 0,
				   &f, &res->ack, e);
}

static const struct iface_ops ifaces[VF_IFACE_COUNT] = {
	[VF_IFACE_RTNL] = {.send = send_rtnl},
	[VF_IFACE_VF_NETDEV] = {.needs_fn = true, .check = check_mtu, .send = send_mtu},
	[VF_IFACE_SYSFS] = {.needs_fn = true, .check = check_msix, .send = send_msix},
	[VF_IFACE_DEVLINK_RATE] = {.check = check_dl_rate, .send = send_dl_rate},
	[VF_IFACE_DEVLINK_FN] = {.check = check_dl_port, .send = send_dl_fn},
};

static const struct iface_ops *iface_of(unsigned int attr)
{
	return &ifaces[vf_attr_iface(attr)];
}

/* Some key given needs the VF functions. */
static bool needs_functions(const struct vf_settings *s)
{
	for (int k = 0; k < VF_KEY_COUNT; k++)
		if (vf_settings_has(s, (enum vf_key)k) &&
		    iface_of(vf_key_attr((enum vf_key)k))->needs_fn)
			return true;
	return false;
}

/* VF index's entry in l, added (all unknown) when the kernel's list lacks it. */
static struct vf_info *info_get(struct link_vfs *l, unsigned int index)
{
	struct vf_info *vi = (struct vf_info *)vf_info_find(l, index), *grown;

	if (vi)
		return vi;
	grown = realloc(l->vfs, (l->n_vfs + 1) * sizeof(*l->vfs));
	if (!grown)
		return NULL;
	l->vfs = grown;
	vi = &l->vfs[l->n_vfs++];
	memset(vi, 0, sizeof(*vi));
	vi->index = index;
	vi->spoofchk = vi->trust = vi->query_rss = vi->link_state = -1;
	return vi;
}

/* The VFs set: those selected, or (one VF, vf_set_plan_one()) the last of n. */
static bool vf_wanted(const struct vf_set_op *op, size_t i, size_t n)
{
	return op->sel ? i < op->count && op->sel[i] : i + 1 == n;
}

/* Calls read for each VF set (of n, by index) with its entry of op->cur. */
static int read_each_vf(struct sriov_root *r, struct vf_set_op *op, size_t n,
			void (*read)(struct sriov_root *r, struct vf_set_op *op,
				     unsigned int index, struct vf_info *vi),
			struct sriov_err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct vf_info *vi;

		if (!vf_wanted(op, i, n))
			continue;
		vi = info_get(&op->cur, (unsigned int)i);
		if (!vi)
			return sriov_err_set(e, -ENOMEM, "out of memory");
		read(r, op, (unsigned int)i, vi);
	}
	return 0;
}

static void read_function(struct sriov_root *r, struct vf_set_op *op, unsigned int index,
			  struct vf_info *vi)
{
	vf_fn_read(r, op->pf_pci, index, msix_settable(op), &op->fns[index], vi);
}

/*
 * For keys of other interfaces: the PF's bounds, and the function of each
 * VF set (n entries, by index) with its state in the entry of op->cur.
 */
static int read_functions(struct sriov_root *r, struct vf_set_op *op, size_t n,
			  struct sriov_err *e)
{
	if (!needs_functions(&op->s))
		return 0;
	op->n_fns = n;
	op->fns = calloc(n ? n : 1, sizeof(*op->fns));
	if (!op->fns)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	vf_fn_pf_read(r, op->pf_pci, op->ifname, &op->pf_bounds);
	return read_each_vf(r, op, n, read_function, e);
}

/* The functions' state again, into the list read after sending. */
static void reread_functions(struct sriov_root *r, const struct vf_set_op *op,
			     struct link_vfs *after)
{
	for (size_t i = 0; i < op->n_fns; i++) {
		struct vf_info *vi;

		if (!op->fns[i].addr[0])
			continue;
		vi = info_get(after, (unsigned int)i);
		if (vi)
			vf_fn_state_read(r, op->fns[i].addr, op->fns[i].ifname,
					 msix_settable(op), vi);
	}
}

/* Some key given goes to the VF's devlink port. */
static bool uses_devlink(const struct vf_settings *s)
{
	return vf_settings_use_iface(s, VF_IFACE_DEVLINK_RATE) ||
	       vf_settings_use_iface(s, VF_IFACE_DEVLINK_FN);
}

/* The first devlink key given, for messages. */
static const char *devlink_key(const struct vf_settings *s)
{
	for (int k = 0; k < VF_KEY_COUNT; k++) {
		enum vf_iface i = vf_setting_of((enum vf_key)k)->iface;

		if (vf_settings_has(s, (enum vf_key)k) &&
		    (i == VF_IFACE_DEVLINK_RATE || i == VF_IFACE_DEVLINK_FN))
			return vf_key_name((enum vf_key)k);
	}
	return "?";
}

static int refuse_legacy(const struct vf_set_op *op, struct sriov_err *e)
{
	const struct devlink_state *s = &op->dl;

	sriov_err_set(e, -EINVAL,
		      "%s: the VF's devlink port exists only in switchdev mode, and "
		      "the eswitch of %s/%s is %s: nothing was changed",
		      devlink_key(&op->s), op->dl_bus, op->dl_dev,
		      s->has_eswitch ? devlink_eswitch_mode_name(s->eswitch.mode)
				     : "not reported");
	sriov_err_hint(e, "switch it first: sriovctl pf %s set eswitch switchdev",
		       op->pf_addr);
	return -EINVAL;
}

static void read_dl_values(struct sriov_root *r, struct vf_set_op *op, unsigned int index,
			   struct vf_info *vi)
{
	(void)r;
	vf_info_devlink_fill(&op->dl, index, vi);
}

/* The PF's devlink instance and, from it, the devlink values of each VF set. */
static int read_devlink(struct sriov_root *r, struct vf_set_op *op, size_t n,
			struct sriov_err *e)
{
	struct sriov_err err;
	int ret;

	if (!uses_devlink(&op->s))
		return 0;
	if (!op->dl_bus[0])
		snprintf(op->dl_bus, sizeof(op->dl_bus), "%s",
			 devlink_bus_of(op->pf_pci));
	if (!op->dl_dev[0])
		snprintf(op->dl_dev, sizeof(op->dl_dev), "%s", op->pf_pci);
	sriov_err_clear(&err);
	ret = sriov_devlink_read(r, NULL, op->dl_bus, op->dl_dev, &op->dl, &err);
	if (ret < 0)
		return sriov_err_set(e, ret == -ENOENT ? -EINVAL : ret,
				     "%s: %s has no devlink instance %s/%s (%s): the "
				     "setting is made through devlink",
				     devlink_key(&op->s), op->pf_addr, op->dl_bus,
				     op->dl_dev, err.msg[0] ? err.msg : strerror(-ret));
	op->have_dl = true;
	if (!op->dl.has_eswitch || op->dl.eswitch.mode != DL_ESWITCH_SWITCHDEV)
		return refuse_legacy(op, e);
	op->pf_speed = (uint32_t)pf_speed(r, op);
	return read_each_vf(r, op, n, read_dl_values, e);
}

/* The devlink values again, into the list read after sending. */
static void reread_devlink(struct sriov_root *r, const struct vf_set_op *op,
			   struct link_vfs *after)
{
	struct devlink_state now;

	if (!op->have_dl)
		return;
	if (sriov_devlink_read(r, op->dl_nl, op->dl_bus, op->dl_dev, &now, NULL) == 0)
		for (size_t i = 0; i < op->n_res; i++) {
			struct vf_info *vi = info_get(after, op->res[i].req.vf);

			if (vi)
				vf_info_devlink_fill(&now, op->res[i].req.vf, vi);
		}
	devlink_state_free(&now);
}

/* ---- the requests ------------------------------------------------------------ */

static int add_requests(struct vf_set_op *op, unsigned int index, const uint8_t *auto_mac,
			struct sriov_err *e)
{
	struct rtnl_vf_set reqs[VF_ATTR_COUNT];
	size_t n;
	int ret;

	if (!op->s.given)
		return 0;
	n = vf_settings_plan(&op->s, index, vf_info_find(&op->cur, index), auto_mac,
			     reqs);
	for (size_t k = 0; k < n; k++) {
		const struct iface_ops *io = iface_of(reqs[k].attr);

		ret = io->check ? io->check(op, &reqs[k], e) : 0;
		if (ret < 0)
			return ret;
		op->res[op->n_res++].req = reqs[k];
	}
	return 0;
}

static int alloc_results(struct vf_set_op *op, size_t per_vf, struct sriov_err *e)
{
	op->res = calloc((op->n_sel ? op->n_sel : 1) * per_vf, sizeof(*op->res));
	if (!op->res)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	return 0;
}

int vf_set_plan(struct sriov_root *r, struct rtnl *nl, const struct vf_pf_ref *pf,
		const struct vf_settings *s, struct vf_set_op *op, struct sriov_err *e)
{
	uint8_t mac[6];
	int ret;

	memset(op, 0, sizeof(*op));
	op->s = *s;
	snprintf(op->pf_addr, sizeof(op->pf_addr), "%s", pf->addr_str);
	snprintf(op->pf_pci, sizeof(op->pf_pci), "%s", pf->addr_str);
	snprintf(op->dl_bus, sizeof(op->dl_bus), "%s", pf->bus_name);
	snprintf(op->dl_dev, sizeof(op->dl_dev), "%s", pf->dev_name);
	ret = select_vfs(pf, op, e);
	if (ret == 0)
		ret = use_netdev(r, pf->ifname, pf->ifindex, op, e);
	if (ret == 0)
		ret = vf_settings_check(s, op->n_sel, e);
	if (ret == 0)
		ret = open_socket(r, nl, op, e);
	if (ret == 0)
		ret = read_current(r, op, e);
	if (ret == 0)
		ret = read_functions(r, op, op->count, e);
	if (ret == 0)
		ret = read_devlink(r, op, op->count, e);
	if (ret == 0 && vf_settings_want_auto(s))
		ret = vf_auto_mac_init(r, NULL, op->ifname, op->ifindex,
				       op->have_cur ? &op->sum : NULL, &op->auto_mac, e);
	if (ret == 0)
		ret = alloc_results(op, VF_ATTR_COUNT, e);
	for (unsigned int i = 0; ret == 0 && i < op->count; i++) {
		if (!op->sel[i])
			continue;
		vf_auto_mac_of(&op->auto_mac, i, mac);
		ret = add_requests(op, i, mac, e);
	}
	return ret;
}

int vf_set_plan_one(struct sriov_root *r, struct rtnl *nl, const char *ifname,
		    int ifindex, unsigned int index, const struct vf_settings *s,
		    bool zero_mac, struct vf_set_op *op, struct sriov_err *e)
{
	int ret;

	memset(op, 0, sizeof(*op));
	op->s = *s;
	op->n_sel = 1;
	ret = use_netdev(r, ifname, ifindex, op, e);
	if (ret == 0)
		ret = open_socket(r, nl, op, e);
	if (ret == 0)
		ret = vf_pf_link_read(r, op->nl, op->ifname, op->ifindex, &op->cur,
				      &op->sum, e);
	if (ret < 0)
		return ret;
	took_current(op);
	vf_fn_netdev_pci(r, op->ifname, op->pf_pci);
	ret = read_functions(r, op, (size_t)index + 1, e);
	if (ret == 0)
		ret = read_devlink(r, op, (size_t)index + 1, e);
	if (ret == 0)
		ret = alloc_results(op, VF_ATTR_COUNT + 1, e);
	if (ret == 0)
		ret = add_requests(op, index, NULL, e);
	if (ret == 0 && zero_mac) {
		op->res[op->n_res].req.attr = RTNL_VF_MAC;
		op->res[op->n_res].req.vf = index;
		op->n_res++;
	}
	return ret;
}

/* ---- carrying it out ----------------------------------------------------------- */

static void pf_up(struct vf_set_op *op)
{
	struct link_summary after;
	bool was_up = false;

	op->up.requested = true;
	sriov_err_clear(&op->up.err);
	op->up.error = rtnl_link_up_wait(op->nl, op->ifindex, VF_SET_PF_UP_WAIT_MS,
					 &was_up, &after, &op->up.waited_ms, &op->up.err);
	if (op->up.error < 0)
		return;
	op->up.known = true;
	op->up.was_up = was_up;
	op->up.carrier = after.carrier;
}

int vf_set_apply(struct sriov_root *r, struct vf_set_op *op, bool pf_up_first,
		 struct sriov_err *e)
{
	struct link_summary sum;
	struct link_vfs after;
	int ret;

	if (!op->nl)
		return sriov_err_set(e, -EOPNOTSUPP,
				     "VF settings go to the kernel over rtnetlink: not "
				     "under --root");
	if (pf_up_first)
		pf_up(op);
	op->sent = true;
	for (size_t i = 0; i < op->n_res; i++) {
		ret = iface_of(op->res[i].req.attr)->send(r, op, &op->res[i], e);
		if (ret < 0)
			return ret;
		op->res[i].sent = true;
	}
	sriov_err_clear(&op->readback_err);
	if (vf_pf_link_read(r, op->nl, op->ifname, op->ifindex, &after, &sum,
			    &op->readback_err) < 0)
		return 0;
	reread_functions(r, op, &after);
	reread_devlink(r, op, &after);
	vf_settings_verify(op->res, op->n_res, &after);
	op->verified = true;
	link_vfs_free(&after);
	return 0;
}

const struct vf_set_result *vf_set_result_of(const struct vf_set_op *op,
					     unsigned int index, enum vf_key key)
{
	unsigned int a = vf_key_attr(key);

	for (size_t i = 0; i < op->n_res; i++)
		if (op->res[i].req.vf == index && op->res[i].req.attr == a)
			return &op->res[i];
	return NULL;
}
