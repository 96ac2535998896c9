/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_VFATTR_H
#define SRIOV_VFATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "sysroot.h"
#include "pcicfg.h"
#include "netlink.h"
#include "vfsetting.h"

/*
 * PF-side VF settings, as a user names them (`sriovctl vf PF/N set KEY VALUE`,
 * and the [vf ...] sections of config files): the settings as a whole (the
 * keys and their values are the table of vfsetting.h), the stable "mac auto"
 * derivation, and turning the settings of one VF into the kernel requests
 * (struct rtnl_vf_set, netlink.h) that carry them, sent and read back.
 */

/*
 * Parses "KEY" "VALUE" into s (zero-initialise s first). Errors (-EINVAL
 * for a malformed value or an unknown or repeated key, -ERANGE for a number
 * out of range) name the key, the value and what is allowed:
 * "vlan: '5000' is out of range 0-4095".
 */
int vf_settings_add(struct vf_settings *s, const char *key, const char *value,
		    struct sriov_err *e);

/*
 * Checks the settings as a whole, for n_vfs VFs: something is given; both
 * rates given with a maximum below the minimum; one explicit MAC for more than
 * one VF. -EINVAL with a message.
 */
int vf_settings_check(const struct vf_settings *s, unsigned int n_vfs,
		      struct sriov_err *e);

/*
 * "mac auto": a stable, locally administered unicast MAC for VF index of a
 * PF with permanent MAC perm. The same inputs give the same MAC on every
 * boot and every version of sriovctl:
 *
 *   h = FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3)
 *       over the 18 ASCII bytes "sriovctl-vf-mac-v1", the 6 bytes of perm,
 *       and index as 4 bytes, most significant first;
 *   h = fmix64(h), MurmurHash3's finaliser: h ^= h >> 33;
 *       h *= 0xff51afd7ed558ccd; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53;
 *       h ^= h >> 33 (64-bit arithmetic), so that every bit of the index
 *       reaches every output byte;
 *   out[0] = (perm[0] | 0x02) & 0xfe    (locally administered, unicast)
 *   out[1..5] = the 5 most significant bytes of h, most significant first.
 */
#define VF_MAC_AUTO_TAG "sriovctl-vf-mac-v1"
void vf_mac_auto(const uint8_t perm[6], unsigned int index, uint8_t out[6]);

/*
 * The permanent MAC of the PF netdev ifname: IFLA_PERM_ADDRESS from sum when
 * it has one (sum may be NULL), else sysfs "address" when "addr_assign_type"
 * is 0 (permanent). Otherwise -ENODATA with a message and a hint. *source
 * (may be NULL) gets where it came from: "IFLA_PERM_ADDRESS" or
 * "sysfs address".
 */
int vf_pf_perm_mac(struct sriov_root *r, const char *ifname,
		   const struct link_summary *sum, uint8_t mac[6], const char **source,
		   struct sriov_err *e);

/*
 * "mac auto" of one PF, in one place for `vf set`, apply and export: its
 * permanent MAC (IFLA_PERM_ADDRESS from sum when it has it; else from an
 * RTM_GETLINK over nl when nl and ifindex are given; else vf_pf_perm_mac()'s
 * sysfs fallback), read once; vf_auto_mac_of() derives each VF's MAC.
 * -ENODATA (with a message and a hint) when the PF has none.
 */
struct vf_auto_mac {
	bool known;
	uint8_t perm[6];
	const char *source; /* "IFLA_PERM_ADDRESS" or "sysfs address" */
};

int vf_auto_mac_init(struct sriov_root *r, struct rtnl *nl, const char *ifname,
		     int ifindex, const struct link_summary *sum, struct vf_auto_mac *am,
		     struct sriov_err *e);

/* The MAC of VF index (vf_mac_auto() of the permanent MAC); zero when unknown. */
void vf_auto_mac_of(const struct vf_auto_mac *am, unsigned int index, uint8_t out[6]);

/*
 * The PF that VF settings go to, found with a few sysfs reads rather than the
 * whole inventory, so that `vf ... set` stays cheap.
 */
struct vf_pf_ref {
	char bus_name[16]; /* "pci" or "netdevsim", as struct pf */
	char dev_name[32];
	struct pci_addr addr;
	char addr_str[PCI_ADDR_STRLEN]; /* on netdevsim: dev_name */
	char ifname[16]; /* its first netdev (by name); empty when it has none */
	int ifindex;	 /* 0 when unknown */
	int num_vfs;	 /* sriov_numvfs */
	bool has_vf_spec;
	char vf_spec[64]; /* DEV/INDEXES: the INDEXES; or the index when DEV was a VF */
	bool dev_is_vf;	  /* DEV was a VF's address, standing for PF/index */
};

/*
 * Resolves DEV (sriov_dev_resolve()): a PF netdev or address, with or without
 * /INDEXES, or a VF's address, which stands for its PF and index. -ENODEV
 * when it is neither an SR-IOV PF nor one of its VFs.
 */
int vf_pf_locate(struct sriov_root *r, const char *arg, struct vf_pf_ref *out,
		 struct sriov_err *e);

/*
 * The PF's VF settings and link summary. On the host over nl (RTM_GETLINK of
 * ifindex); under a --root tree from the message `capture` stored
 * (/.sriovctl/rtnl/IFNAME). Returns 0 or -errno (-ENOENT: nothing recorded).
 * Free vfs with link_vfs_free().
 */
int vf_pf_link_read(struct sriov_root *r, struct rtnl *nl, const char *ifname,
		    int ifindex, struct link_vfs *vfs, struct link_summary *sum,
		    struct sriov_err *e);

/* The entry for VF index in l, or NULL. */
const struct vf_info *vf_info_find(const struct link_vfs *l, unsigned int index);

/*
 * The request that carries key, from its table row: an enum rtnl_vf_attr
 * (vlan, qos and proto: RTNL_VF_VLAN), or for a key of another interface
 * its enum vf_other_attr (mtu: VF_ATTR_MTU).
 */
unsigned int vf_key_attr(enum vf_key key);

/*
 * The value of key inside a request (or what was read back), in the syntax
 * vf_settings_add() accepts: "100", "802.1Q", "on", "enable",
 * "52:54:00:12:34:56"; "?" for a number no name stands for. Empty when s's
 * attribute does not carry key.
 */
void vf_key_format(enum vf_key key, const struct rtnl_vf_set *s, char *buf, size_t size);

/*
 * The kernel requests for VF index, one per kernel attribute, in the order
 * MAC, VLAN, RATE, SPOOFCHK, TRUST, LINK_STATE, RSS_QUERY_EN, the two GUIDs,
 * then the requests of other interfaces (MTU, MSI-X). vlan/qos/proto
 * and min/max rate not given are taken from cur (the VF's current settings;
 * NULL when unknown: then vlan 0, qos 0, 802.1Q, rates 0). IFLA_VF_VLAN_LIST
 * is used when proto is given or is not 802.1Q. auto_mac is used for
 * "mac auto". Returns the number of requests written to out.
 */
size_t vf_settings_plan(const struct vf_settings *s, unsigned int index,
			const struct vf_info *cur, const uint8_t auto_mac[6],
			struct rtnl_vf_set out[VF_ATTR_COUNT]);

/* One request and what became of it. */
enum vf_readback {
	VF_READBACK_NONE,    /* not read back (not sent, or refused) */
	VF_READBACK_MATCH,   /* the kernel reports what was sent */
	VF_READBACK_DIFFERS, /* accepted, but the kernel reports something else */
	VF_READBACK_UNKNOWN, /* the driver does not report this setting */
};

struct vf_set_result {
	struct rtnl_vf_set req;
	bool sent;
	unsigned int tries;
	struct nl_ack ack; /* the kernel's answer when sent */
	enum vf_readback readback;
	struct rtnl_vf_set seen; /* what the kernel reports, with DIFFERS */
};

/*
 * Compares a sent request with the VF's settings read afterwards (now: NULL
 * when the VF is missing from the kernel's list). Fills seen with the
 * kernel's view of the same attribute.
 */
enum vf_readback vf_set_readback(const struct rtnl_vf_set *sent,
				 const struct vf_info *now, struct rtnl_vf_set *seen);

/* vf_set_readback() for every accepted result, against the list read afterwards. */
void vf_settings_verify(struct vf_set_result *res, size_t n,
			const struct link_vfs *after);

/*
 * Explains a failed result: e->msg the kernel's errno text and extended ack
 * (or what the read-back showed), e->hint the remedy for known cases (a rate
 * refused while the PF link ifname is down, an unsupported setting, ...).
 * pf_carrier: the PF link had carrier when the request was sent.
 */
void vf_set_explain(const struct vf_set_result *r, const char *ifname, bool pf_carrier,
		    struct sriov_err *e);

/* True when the result failed: refused, or did not take. */
bool vf_set_failed(const struct vf_set_result *r);

#endif
