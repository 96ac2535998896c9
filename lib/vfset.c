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

void vf_set_op_free(struct vf_set_op *op)
{
	free(op->res);
	free(op->sel);
	link_vfs_free(&op->cur);
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
	unsigned int parts[RTNL_VF_ATTR_COUNT] = {0};

	for (int k = 0; k < VF_KEY_COUNT; k++) {
		enum rtnl_vf_attr a = vf_key_attr((enum vf_key)k);

		if (a < RTNL_VF_ATTR_COUNT) /* keys of other interfaces stand alone */
			parts[a] |= 1u << k;
	}
	for (int a = 0; a < RTNL_VF_ATTR_COUNT; a++)
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

/* ---- the requests ------------------------------------------------------------ */

static int add_requests(struct vf_set_op *op, unsigned int index, const uint8_t *auto_mac,
			struct sriov_err *e)
{
	struct rtnl_vf_set reqs[RTNL_VF_ATTR_COUNT];
	size_t n;

	if (!op->s.given)
		return 0;
	n = vf_settings_plan(&op->s, index, vf_info_find(&op->cur, index), auto_mac,
			     reqs);
	for (size_t k = 0; k < n; k++)
		op->res[op->n_res++].req = reqs[k];
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
	ret = select_vfs(pf, op, e);
	if (ret == 0)
		ret = use_netdev(r, pf->ifname, pf->ifindex, op, e);
	if (ret == 0)
		ret = vf_settings_check(s, op->n_sel, e);
	if (ret == 0)
		ret = open_socket(r, nl, op, e);
	if (ret == 0)
		ret = read_current(r, op, e);
	if (ret == 0 && s->mac_auto)
		ret = vf_auto_mac_init(r, NULL, op->ifname, op->ifindex,
				       op->have_cur ? &op->sum : NULL, &op->auto_mac, e);
	if (ret == 0)
		ret = alloc_results(op, RTNL_VF_ATTR_COUNT, e);
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
	ret = alloc_results(op, RTNL_VF_ATTR_COUNT + 1, e);
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
	ret = vf_settings_send(op->nl, op->ifindex, op->res, op->n_res, e);
	if (ret < 0)
		return ret;
	sriov_err_clear(&op->readback_err);
	if (vf_pf_link_read(r, op->nl, op->ifname, op->ifindex, &after, &sum,
			    &op->readback_err) < 0)
		return 0;
	vf_settings_verify(op->res, op->n_res, &after);
	op->verified = true;
	link_vfs_free(&after);
	return 0;
}

const struct vf_set_result *vf_set_result_of(const struct vf_set_op *op,
					     unsigned int index, enum vf_key key)
{
	enum rtnl_vf_attr a = vf_key_attr(key);

	for (size_t i = 0; i < op->n_res; i++)
		if (op->res[i].req.vf == index && op->res[i].req.attr == a)
			return &op->res[i];
	return NULL;
}
