/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_VFSET_H
#define SRIOV_VFSET_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "sysroot.h"
#include "netlink.h"
#include "devlink.h"
#include "vfattr.h"
#include "vfdev.h"

/*
 * Setting VFs' PF-side settings (`sriovctl vf DEV/INDEXES set`, and the VF
 * steps of apply, restore and rollback), as plan -> apply -> verify:
 *
 *   vf_set_plan()      the VFs, their current settings, "mac auto", and the
 *                      kernel requests (one per attribute per VF); no change
 *   vf_set_apply()     --pf-up when asked, every request sent (one refusal
 *                      does not stop the others), the settings read back and
 *                      each request verified
 *   vf_set_op_free()
 *
 * The result is in the operation: each request with the kernel's answer and
 * its read-back (vfattr.h's struct vf_set_result), for the caller to render.
 *
 * Settings of other kernel interfaces than the PF's rtnetlink (vfsetting.h:
 * mtu on the VF's own netdev, msix in the VF's sysfs) take the same path:
 * their current values are read from the VF function (vfdev.h) into the
 * same struct vf_info, checked against the PF's bounds before anything is
 * sent, and sent by their interface's writer.
 */

/* The PF link brought up first (--pf-up), and what came of it. */
struct vf_set_link {
	bool requested;
	bool known;   /* the PF's flags are known (host, or a recorded state) */
	bool was_up;  /* IFF_UP before */
	bool carrier; /* IFF_LOWER_UP (after --pf-up) */
	unsigned int waited_ms;
	int error; /* 0 or -errno */
	struct sriov_err err;
};

/* How long --pf-up waits for carrier after setting the link up. */
#define VF_SET_PF_UP_WAIT_MS 5000

struct vf_set_op {
	/* the plan */
	struct vf_settings s;
	char pf_addr[PCI_ADDR_STRLEN];
	char ifname[16];
	int ifindex;
	unsigned int count; /* the PF's VF count */
	bool *sel;	    /* count entries: the VFs set */
	unsigned int n_sel;
	bool have_cur;	  /* the VFs' current settings are known */
	bool cur_assumed; /* none recorded (--root): parts not given are defaults */
	struct link_vfs cur;
	struct link_summary sum;
	struct vf_auto_mac auto_mac; /* "mac auto": the PF's permanent MAC */
	struct vf_set_result *res;   /* the requests, in order, and their outcome */
	size_t n_res;
	/* the VF functions, for settings of the other interfaces */
	char pf_pci[PCI_ADDR_STRLEN]; /* the PF's PCI address */
	struct vf_fn_pf pf_bounds;    /* its MTU, sriov_vf_total_msix */
	struct vf_fn *fns; /* n_fns entries, by VF index; addr empty: not read */
	size_t n_fns;
	/* the PF's devlink instance, for settings of the devlink port (switchdev) */
	char dl_bus[16], dl_dev[32];
	bool have_dl;		  /* dl was read */
	uint32_t pf_speed;	  /* the PF's link speed, Mbit/s; 0: unknown */
	struct devlink_state dl;  /* its eswitch, ports and rates before */
	struct devlink_nl *dl_nl; /* opened when a devlink request is sent */
	/* carrying it out */
	struct vf_set_link up;
	bool sent;		       /* requests were sent */
	bool verified;		       /* read back afterwards */
	struct sriov_err readback_err; /* why not, when sent but not verified */
	/* the socket (host only): the caller's, or one opened for the operation */
	struct rtnl *nl;
	bool own_nl;
};

/*
 * Plans settings s for the VFs pf names (pf->vf_spec, from vf_pf_locate()):
 * checks the indexes and the settings as a whole (vf_settings_check()),
 * for mtu and msix each VF's function against the PF's bounds (-EINVAL: an
 * MTU above the PF's, -ERANGE: more vectors than sriov_vf_total_msix,
 * -EBUSY: msix while a driver is bound, -EOPNOTSUPP: no VF netdev for mtu,
 * no sriov_vf_msix_count for msix),
 * reads the VFs' current settings (over nl on the host, NULL: a socket of
 * its own; the recorded answer under --root) and, for "mac auto", the PF's
 * permanent MAC; then the requests. Nothing is changed. -EINVAL (bad
 * indexes, no netdev, settings that contradict each other, a damaged
 * recording under --root), -ERANGE (an index past the VF count), -ENODATA
 * ("mac auto" without a permanent MAC), or the socket's -errno.
 */
int vf_set_plan(struct sriov_root *r, struct rtnl *nl, const struct vf_pf_ref *pf,
		const struct vf_settings *s, struct vf_set_op *op, struct sriov_err *e);

/*
 * Plans settings s for VF index of the PF netdev ifname (ifindex), as apply,
 * restore and rollback do: no indexes to check, the current settings read
 * over nl. zero_mac adds a request for the zero MAC (what a VF had before one
 * was set: putting it back is not a value `vf set` takes).
 */
int vf_set_plan_one(struct sriov_root *r, struct rtnl *nl, const char *ifname,
		    int ifindex, unsigned int index, const struct vf_settings *s,
		    bool zero_mac, struct vf_set_op *op, struct sriov_err *e);

/*
 * Carries out the plan on the host: the PF link up first when pf_up (its
 * outcome in op->up), every request sent with the bounded retry, then the
 * settings read back and each accepted request verified. Returns 0 (see
 * each result), or -errno when the socket failed (op->res says which were
 * sent). A failed read-back leaves op->verified false with readback_err.
 */
int vf_set_apply(struct sriov_root *r, struct vf_set_op *op, bool pf_up,
		 struct sriov_err *e);

/* The result that carries key, for a request of VF index; NULL when none. */
const struct vf_set_result *vf_set_result_of(const struct vf_set_op *op,
					     unsigned int index, enum vf_key key);

void vf_set_op_free(struct vf_set_op *op);

#endif
