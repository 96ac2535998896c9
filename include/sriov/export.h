/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_EXPORT_H
#define SRIOV_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "sysroot.h"
#include "pcicfg.h"
#include "netlink.h"
#include "config.h"

/*
 * `sriovctl export DEV --format FORMAT`: the VM side of a VF (or any PCI
 * function) as a snippet for libvirt, QEMU or Proxmox.
 *
 * In steps: export_target_read() gathers what the snippet needs from the
 * host (or a --root tree) and the configuration; export_target_warn() adds
 * what the user should know for the chosen format; export_render() writes
 * the text. The last two are pure, for tests.
 */

enum export_format {
	EXPORT_LIBVIRT,		/* <interface type='hostdev' managed='yes'> */
	EXPORT_LIBVIRT_HOSTDEV, /* <hostdev mode='subsystem' type='pci' managed='yes'> */
	EXPORT_LIBVIRT_NETWORK, /* <network>: <forward mode='hostdev'> pool of a PF */
	EXPORT_QEMU,		/* -device vfio-pci,host=... */
	EXPORT_PROXMOX,		/* qm set VMID --hostpciN ... and the config line */
	EXPORT_PROXMOX_MAPPING, /* pvesh create /cluster/mapping/pci: VFs as a pool */
	EXPORT_FORMAT_COUNT,
};

/* "libvirt", ... */
const char *export_format_name(enum export_format f);

/* -EINVAL with a message listing the formats for an unknown name. */
int export_format_lookup(const char *name, enum export_format *f, struct sriov_err *e);

#define EXPORT_MAX_WARNINGS 8

struct export_target {
	struct pci_addr addr;
	char addr_str[PCI_ADDR_STRLEN];
	uint32_t class_code; /* 0 when unknown */
	bool has_ids;	     /* vendor and device known */
	uint16_t vendor, device;
	bool has_subsystem; /* subsystem_vendor and subsystem_device known */
	uint16_t subsystem_vendor, subsystem_device;
	/* class 0x02xxxx (a VF's own, else its PF's), or a netdev on it */
	bool is_network;
	bool is_vf;
	bool is_pf;  /* an SR-IOV PF */
	int num_vfs; /* a PF: VFs enabled */
	/* a VF: its PF and index */
	char pf_addr[PCI_ADDR_STRLEN];
	char pf_ifname[16];
	int vf_index; /* -1 */
	/* MAC and VLAN for the libvirt interface; where each came from */
	bool has_mac;
	uint8_t mac[6];
	char mac_source[300]; /* "current (rtnetlink)", "configured (FILE:LINE)" */
	bool has_vlan;
	uint16_t vlan;
	uint8_t qos;
	uint16_t vlan_proto; /* ETH_P_8021Q, ETH_P_8021AD; 0 unknown */
	char vlan_source[300];
	uint32_t configured_mtu; /* a [vf] mtu, which no format carries; 0 none */
	char driver[64];	 /* bound now; "" none */
	int iommu_group;	 /* -1 none */
	/* the other devices of the group, bridges excepted: "ADDR (DRIVER), ..." */
	char group_others[256];
	int n_group_others;
	/* EXPORT_LIBVIRT_NETWORK: the PF's netdev (pool member) */
	char netdev[16];
	char warnings[EXPORT_MAX_WARNINGS][320];
	int n_warnings;
};

/*
 * Fills t for DEV (sriov_dev_resolve() syntax: an address, a netdev, or
 * PF/INDEX). The VF's MAC and VLAN: the configured values from cfg (may be
 * NULL) when it has them, else the current ones (rtnetlink over nl when not
 * NULL; under --root, what `capture` stored); an all-zero MAC counts as
 * none; VLAN 0 is none (has_vlan false). Each value's *_source says where
 * it came from. Warnings depend on the format: export_target_warn() adds
 * them. Returns 0 or -errno (-ENODEV no such function; -EINVAL PF/INDEXES
 * naming more than one VF, or a configuration whose sections disagree about
 * this VF; -ERANGE an index out of range).
 */
int export_target_read(struct sriov_root *r, struct rtnl *nl, const char *dev,
		       const struct sriov_config *cfg, struct export_target *t,
		       struct sriov_err *e);

struct export_options {
	bool unmanaged;		  /* managed='no': the caller binds vfio-pci itself */
	const char *network_name; /* EXPORT_LIBVIRT_NETWORK; NULL: "sriov-PFNETDEV" */
	int vmid;		  /* EXPORT_PROXMOX; <= 0: "VMID" placeholder */
	int hostpci;		  /* EXPORT_PROXMOX hostpciN index (0-15) */
	/* EXPORT_PROXMOX_MAPPING: the mapping's ID; NULL: "sriov_PFNETDEV" */
	const char *mapping_name;
	const char *node; /* EXPORT_PROXMOX_MAPPING: the node (required) */
};

/* Proxmox VE: VM IDs are 100-999999999; hostpci0 to hostpci15. */
#define EXPORT_VMID_MIN		100
#define EXPORT_VMID_MAX		999999999
#define EXPORT_HOSTPCI_MAX	15
#define EXPORT_NETWORK_NAME_MAX 64
/* sriovctl's own bound; Proxmox's pattern has none. A node name is a host name. */
#define EXPORT_MAPPING_NAME_MAX 64
#define EXPORT_NODE_NAME_MAX	63

/*
 * A libvirt network name for EXPORT_LIBVIRT_NETWORK: 1 to 64 of
 * [A-Za-z0-9_.+-], starting with a letter or digit, without "--" (it goes
 * into virsh commands and an XML comment). -EINVAL with a message.
 */
int export_network_name_check(const char *name, struct sriov_err *e);

/*
 * A Proxmox VE mapping ID (the 'pve-configid' format of PVE::JSONSchema): a
 * letter, then 1 or more letters, digits or '_', at most
 * EXPORT_MAPPING_NAME_MAX (sriovctl's bound; the format has none). No '-'.
 * -EINVAL with a message.
 */
int export_mapping_name_check(const char *name, struct sriov_err *e);

/*
 * A Proxmox VE node name (the 'pve-node' format): letters, digits and '-',
 * starting and ending with a letter or digit, 1 to EXPORT_NODE_NAME_MAX.
 * -EINVAL with a message.
 */
int export_node_name_check(const char *name, struct sriov_err *e);

/*
 * The node name Proxmox VE gives this host: the first label of /etc/hostname
 * (inside the root), checked with export_node_name_check(). -EINVAL with a
 * hint to pass --node when the file is missing, empty or the name is bad.
 */
int export_node_name_read(struct sriov_root *r, char *buf, size_t size,
			  struct sriov_err *e);

/* The options against their ranges (vmid, hostpci, network_name, mapping_name, node).
 * -EINVAL. */
int export_options_check(const struct export_options *o, struct sriov_err *e);

/*
 * Adds to t->warnings what the user should know before handing t to a VM in
 * format f: not on vfio-pci (with --unmanaged libvirt will not bind it; QEMU
 * never does; managed libvirt and Proxmox bind it at VM start); no MAC; a
 * VLAN qos or 802.1ad protocol libvirt cannot express; other devices in its
 * IOMMU group, or no group; a PF whose VFs would go with its driver; for
 * libvirt-network, a PF without VFs, --unmanaged, a PF netdev name outside
 * libvirt's schema for <pf dev>. Pure.
 */
void export_target_warn(struct export_target *t, enum export_format f,
			const struct export_options *o);

/*
 * The snippet for t in format f, into *out (malloc'd, NUL-terminated, ends
 * with a newline). Comments in the snippet carry the notes (for qemu: a CPU
 * model that exposes what the guest's VF driver needs for MSI-X, "-cpu host"
 * with KVM). Host text in XML (the PF netdev) is escaped. -EINVAL for
 * options out of range (export_options_check()) and when the format does not
 * fit t: libvirt-network for a function that is not a PF with a netdev, or
 * whose default name "sriov-PFNETDEV" is no valid network name; libvirt for
 * a function that is not a VF of a network device (use libvirt-hostdev).
 * Pure.
 */
int export_render(enum export_format f, const struct export_target *t,
		  const struct export_options *o, char **out, struct sriov_err *e);

/* Several functions: the VFs of a PF for EXPORT_PROXMOX_MAPPING. */
struct export_targets {
	struct export_target *items;
	size_t n;
};

/*
 * Fills ts for DEV: a PF (every VF it has enabled), PF/INDEXES (those VFs),
 * a VF, or a function without SR-IOV (itself); each item as
 * export_target_read() fills it. -EINVAL for a PF without VFs, -ERANGE for
 * an index out of range, -ENODEV no such function. Free with
 * export_targets_free().
 */
int export_targets_read(struct sriov_root *r, struct rtnl *nl, const char *dev,
			const struct sriov_config *cfg, struct export_targets *ts,
			struct sriov_err *e);
void export_targets_free(struct export_targets *ts);

/*
 * The Proxmox VE cluster PCI mapping for ts->items (EXPORT_PROXMOX_MAPPING):
 * a `pvesh create /cluster/mapping/pci --id NAME` command with one
 * `--map node=NODE,path=ADDR,id=VVVV:DDDD,iommugroup=G,subsystem-id=SSSS:TTTT`
 * per item (subsystem-id left out when unknown, as Proxmox does), and
 * comments on how a VM uses it. o->node is required; o->mapping_name
 * defaults to "sriov_" and the first item's PF netdev (or address), with
 * bytes outside the ID syntax as '_'. -EINVAL without items, for an item
 * without vendor:device ids or without an IOMMU group (vfio cannot take it),
 * or with bad names. Pure.
 */
int export_render_mapping(const struct export_targets *ts, const struct export_options *o,
			  char **out, struct sriov_err *e);

#endif
