// SPDX-License-Identifier: MIT
/*
 * `sriovctl export`, the writing half (pure): the snippet for each format,
 * the checks of the options, and the warnings that depend on the format.
 * Everything taken from the host that lands in XML is escaped; names that
 * land in commands or XML comments are checked instead.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>

#include "sriov/export.h"
#include "sriov/vfattr.h"

#define VFIO_PCI "vfio-pci"

/* ---- a growing string ------------------------------------------------------------ */

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static bool sb_reserve(struct sbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 1024;
	char *grown;

	if (b->oom)
		return false;
	while (cap < b->len + more + 1)
		cap *= 2;
	if (cap == b->cap)
		return true;
	grown = realloc(b->p, cap);
	if (!grown) {
		b->oom = true;
		return false;
	}
	b->p = grown;
	b->cap = cap;
	return true;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* s as XML character data or attribute value (either quote). */
static void sb_xml(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			sb_printf(b, "&lt;");
			break;
		case '>':
			sb_printf(b, "&gt;");
			break;
		case '&':
			sb_printf(b, "&amp;");
			break;
		case '\'':
			sb_printf(b, "&apos;");
			break;
		case '"':
			sb_printf(b, "&quot;");
			break;
		default:
			sb_printf(b, "%c", *s);
		}
	}
}

/* ---- options ---------------------------------------------------------------------- */

int export_network_name_check(const char *name, struct sriov_err *e)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > EXPORT_NETWORK_NAME_MAX ||
	    !isalnum((unsigned char)name[0]) || strstr(name, "--"))
		goto bad;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("_.+-", *c))
			goto bad;
	return 0;
bad:
	return sriov_err_set(e, -EINVAL,
			     "invalid network name '%s': use 1 to %d letters, digits, "
			     "'_', '.', '+' or '-', starting with a letter or digit, "
			     "without '--' (e.g. sriov-eth0)",
			     name ? name : "", EXPORT_NETWORK_NAME_MAX);
}

/* Proxmox VE's 'pve-configid' as every release with PCI mappings takes it. */
int export_mapping_name_check(const char *name, struct sriov_err *e)
{
	size_t len = name ? strlen(name) : 0;

	if (len < 2 || len > EXPORT_MAPPING_NAME_MAX || !isalpha((unsigned char)name[0]))
		goto bad;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			goto bad;
	return 0;
bad:
	return sriov_err_set(e, -EINVAL,
			     "invalid mapping name '%s': Proxmox VE takes a letter, then "
			     "letters, digits or '_' (2 to %d in all, e.g. sriov_eth0)",
			     name ? name : "", EXPORT_MAPPING_NAME_MAX);
}

/* Proxmox VE's 'pve-node': a host name label. */
int export_node_name_check(const char *name, struct sriov_err *e)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > EXPORT_NODE_NAME_MAX || !isalnum((unsigned char)name[0]) ||
	    !isalnum((unsigned char)name[len - 1]))
		goto bad;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-')
			goto bad;
	return 0;
bad:
	return sriov_err_set(e, -EINVAL,
			     "invalid node name '%s': a Proxmox VE node name is 1 to %d "
			     "letters, digits or '-', starting and ending with a letter "
			     "or digit (the host name without its domain)",
			     name ? name : "", EXPORT_NODE_NAME_MAX);
}

int export_options_check(const struct export_options *o, struct sriov_err *e)
{
	if (o->mapping_name && export_mapping_name_check(o->mapping_name, e) < 0)
		return -EINVAL;
	if (o->node && export_node_name_check(o->node, e) < 0)
		return -EINVAL;
	if (o->vmid > 0 && (o->vmid < EXPORT_VMID_MIN || o->vmid > EXPORT_VMID_MAX))
		return sriov_err_set(e, -EINVAL,
				     "invalid VM ID %d: Proxmox VE VM IDs are %d to %d",
				     o->vmid, EXPORT_VMID_MIN, EXPORT_VMID_MAX);
	if (o->hostpci < 0 || o->hostpci > EXPORT_HOSTPCI_MAX)
		return sriov_err_set(e, -EINVAL,
				     "invalid hostpci index %d: Proxmox VE has hostpci0 "
				     "to hostpci%d",
				     o->hostpci, EXPORT_HOSTPCI_MAX);
	if (o->network_name)
		return export_network_name_check(o->network_name, e);
	return 0;
}

/* ---- warnings --------------------------------------------------------------------- */

static void warn(struct export_target *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn(struct export_target *t, const char *fmt, ...)
{
	va_list ap;

	if (t->n_warnings >= EXPORT_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(t->warnings[t->n_warnings++], sizeof(t->warnings[0]), fmt, ap);
	va_end(ap);
}

/* "eth0/3" (or "0000:01:00.0/3" when the PF has no netdev), for commands. */
static void vf_ref(const struct export_target *t, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%d", t->pf_ifname[0] ? t->pf_ifname : t->pf_addr,
		 t->vf_index);
}

/* "is on igbvf" / "has no driver" */
static void driver_text(const struct export_target *t, char *buf, size_t size)
{
	if (t->driver[0])
		snprintf(buf, size, "is on %s", t->driver);
	else
		snprintf(buf, size, "has no driver");
}

static void warn_driver(struct export_target *t, enum export_format f,
			const struct export_options *o)
{
	const char *a = t->addr_str;
	char on[80];

	if (!strcmp(t->driver, VFIO_PCI))
		return;
	driver_text(t, on, sizeof(on));
	if (f == EXPORT_QEMU)
		warn(t,
		     "%s %s, not vfio-pci, and QEMU does not bind it: run `sriovctl "
		     "bind %s vfio-pci` first",
		     a, on, a);
	else if (o->unmanaged)
		warn(t,
		     "%s %s, not vfio-pci, and with --unmanaged (managed='no') libvirt "
		     "will not bind it: run `sriovctl bind %s vfio-pci` before the VM "
		     "starts",
		     a, on, a);
	else
		warn(t,
		     "%s %s: %s binds it to vfio-pci when the VM starts; to do it now: "
		     "`sriovctl bind %s vfio-pci`",
		     a, on,
		     f == EXPORT_PROXMOX || f == EXPORT_PROXMOX_MAPPING ? "Proxmox"
									: "libvirt",
		     a);
}

static void warn_mac(struct export_target *t, enum export_format f)
{
	char ref[48];

	if (!t->is_vf || !t->is_network || t->has_mac)
		return;
	vf_ref(t, ref, sizeof(ref));
	if (f == EXPORT_LIBVIRT)
		warn(t,
		     "no MAC for VF %d: libvirt makes one up when it reads the XML "
		     "(kept by `virsh define`, a new one for each `virsh create` or "
		     "attach); for a stable MAC run `sriovctl vf %s set mac auto` and "
		     "export again",
		     t->vf_index, ref);
	else
		warn(t,
		     "no MAC for VF %d: the guest's VF driver makes up a random MAC "
		     "each time it loads; run `sriovctl vf %s set mac auto`",
		     t->vf_index, ref);
}

/* What <vlan><tag id=/></vlan> cannot carry: libvirt sets the VLAN with qos 0. */
static void warn_vlan(struct export_target *t, enum export_format f)
{
	if (f != EXPORT_LIBVIRT || !t->has_vlan)
		return;
	if (t->qos)
		warn(t,
		     "VF %d has VLAN %u with qos %u: libvirt sets the VLAN with qos 0 "
		     "when the VM starts, so the qos is lost; to keep it use --format "
		     "libvirt-hostdev and leave the VLAN to the host (sriovctl vf, "
		     "apply)",
		     t->vf_index, t->vlan, t->qos);
	if (t->vlan_proto == ETH_P_8021AD)
		warn(t,
		     "VF %d uses an 802.1ad VLAN: libvirt sets an 802.1Q one; use "
		     "--format libvirt-hostdev and leave the VLAN to the host",
		     t->vf_index);
}

/* No format carries a VF's MTU: the guest sets it (the VF has no host netdev). */
static void warn_mtu(struct export_target *t)
{
	if (t->configured_mtu)
		warn(t,
		     "VF %d has mtu %u configured: it applies to the VF's netdev on the "
		     "host, which it does not have once on vfio-pci; set MTU %u inside "
		     "the guest (no format carries it)",
		     t->vf_index, t->configured_mtu, t->configured_mtu);
}

static void warn_group(struct export_target *t)
{
	if (t->iommu_group < 0) {
		warn(t,
		     "%s has no IOMMU group: vfio-pci needs the IOMMU (VT-d or AMD-Vi "
		     "on in the firmware, intel_iommu=on or amd_iommu=on); see "
		     "`sriovctl check`",
		     t->addr_str);
		return;
	}
	if (t->n_group_others)
		warn(t,
		     "IOMMU group %d also holds %s: a group goes to one VM as a whole, "
		     "so each of them must be on vfio-pci or on no driver before the "
		     "VM starts, and none stays with the host",
		     t->iommu_group, t->group_others);
}

/* libvirt's schema for a device name (basictypes.rng, deviceName). */
static bool libvirt_device_name(const char *name)
{
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("_.-\\:/", *c))
			return false;
	return name[0] != '\0';
}

void export_target_warn(struct export_target *t, enum export_format f,
			const struct export_options *o)
{
	if (f == EXPORT_LIBVIRT_NETWORK) {
		if (t->netdev[0] && !libvirt_device_name(t->netdev))
			warn(t,
			     "the PF's netdev name has bytes libvirt's schema does not "
			     "allow in <pf dev> (letters, digits, '_', '.', '-', ':'): "
			     "`virsh net-define --validate` refuses the network; rename "
			     "the interface");
		if (t->is_pf && t->num_vfs <= 0)
			warn(t,
			     "%s has no VFs enabled: the pool stays empty until "
			     "`sriovctl enable %s N`",
			     t->addr_str, t->addr_str);
		if (o->unmanaged)
			warn(t,
			     "with --unmanaged (managed='no') libvirt will not bind the "
			     "pool's VFs: run `sriovctl bind %s/all vfio-pci` first",
			     t->addr_str);
		return;
	}
	if (f == EXPORT_PROXMOX_MAPPING && !t->has_subsystem)
		warn(t,
		     "%s: subsystem ids unknown, so the map has no subsystem-id; Proxmox "
		     "VE refuses the entry where the host shows them: add "
		     "',subsystem-id=SVVV:SDDD' from `lspci -nvs %s`",
		     t->addr_str, t->addr_str);
	warn_driver(t, f, o);
	warn_mac(t, f);
	warn_vlan(t, f);
	warn_mtu(t);
	warn_group(t);
	if (t->is_pf && t->num_vfs > 0)
		warn(t,
		     "%s is a PF with %d VFs enabled: handing it to a VM takes it from "
		     "its driver, which removes its VFs; pass a VF instead (%s/0)",
		     t->addr_str, t->num_vfs, t->addr_str);
}

/* ---- the formats --------------------------------------------------------------------
 */

static const char *managed(const struct export_options *o)
{
	return o->unmanaged ? "no" : "yes";
}

static void sb_pci_address(struct sbuf *b, const struct pci_addr *a, bool typed)
{
	sb_printf(b,
		  "    <address %sdomain='0x%04x' bus='0x%02x' slot='0x%02x' "
		  "function='0x%x'/>\n",
		  typed ? "type='pci' " : "", a->domain, a->bus, a->dev, a->fn);
}

/* "VF 3 of PF 0000:01:00.0" or "PF" or "PCI function". */
static void describe(const struct export_target *t, char *buf, size_t size)
{
	if (t->is_vf)
		snprintf(buf, size, "VF %d of PF %s", t->vf_index, t->pf_addr);
	else if (t->is_pf)
		snprintf(buf, size, "SR-IOV PF");
	else
		snprintf(buf, size, "PCI function");
}

static int not_for_libvirt(const struct export_target *t, struct sriov_err *e)
{
	if (!t->is_vf)
		sriov_err_set(e, -EINVAL,
			      "%s is not an SR-IOV VF: libvirt's <interface "
			      "type='hostdev'> takes only VFs",
			      t->addr_str);
	else if (t->class_code)
		sriov_err_set(e, -EINVAL,
			      "%s is not a network function (class %06x): --format "
			      "libvirt makes a network interface",
			      t->addr_str, t->class_code);
	else
		sriov_err_set(e, -EINVAL,
			      "%s is not a network function (no netdev, class unknown): "
			      "--format libvirt makes a network interface",
			      t->addr_str);
	sriov_err_hint(e, "use --format libvirt-hostdev to pass %s as a plain PCI device",
		       t->addr_str);
	return -EINVAL;
}

static int render_libvirt(struct sbuf *b, const struct export_target *t,
			  const struct export_options *o, struct sriov_err *e)
{
	char what[64], mac[VF_MAC_STRLEN];

	if (!t->is_vf || !t->is_network)
		return not_for_libvirt(t, e);
	describe(t, what, sizeof(what));
	sb_printf(b, "<!-- %s, %s: for the <devices> of a libvirt domain -->\n",
		  t->addr_str, what);
	sb_printf(b, "<interface type='hostdev' managed='%s'>\n", managed(o));
	if (t->has_mac) {
		vf_mac_format(t->mac, mac);
		sb_printf(b, "  <mac address='%s'/>\n", mac);
	}
	sb_printf(b, "  <source>\n");
	sb_pci_address(b, &t->addr, true);
	sb_printf(b, "  </source>\n");
	if (t->has_vlan)
		sb_printf(b, "  <vlan>\n    <tag id='%u'/>\n  </vlan>\n", t->vlan);
	sb_printf(b, "</interface>\n");
	return 0;
}

static int render_hostdev(struct sbuf *b, const struct export_target *t,
			  const struct export_options *o)
{
	char what[64];

	describe(t, what, sizeof(what));
	sb_printf(b, "<!-- %s, %s: for the <devices> of a libvirt domain -->\n",
		  t->addr_str, what);
	sb_printf(b, "<hostdev mode='subsystem' type='pci' managed='%s'>\n", managed(o));
	sb_printf(b, "  <source>\n");
	sb_pci_address(b, &t->addr, false);
	sb_printf(b, "  </source>\n</hostdev>\n");
	return 0;
}

static int not_for_network(const struct export_target *t, struct sriov_err *e)
{
	if (t->is_vf) {
		sriov_err_set(e, -EINVAL,
			      "%s is a VF: --format libvirt-network makes a pool of "
			      "the VFs of a PF",
			      t->addr_str);
		sriov_err_hint(e,
			       "export its PF: sriovctl export %s --format "
			       "libvirt-network",
			       t->pf_addr);
	} else if (!t->is_pf) {
		sriov_err_set(e, -EINVAL,
			      "%s is not an SR-IOV PF: --format libvirt-network makes a "
			      "pool of the VFs of a PF",
			      t->addr_str);
		sriov_err_hint(e, "run `sriovctl list` to see the PFs");
	} else {
		sriov_err_set(e, -EINVAL,
			      "%s has no netdev: libvirt's hostdev pool names its PF by "
			      "netdev (<pf dev=...>)",
			      t->addr_str);
		sriov_err_hint(e, "use --format libvirt-hostdev for each VF");
	}
	return -EINVAL;
}

static int network_name(const struct export_target *t, const struct export_options *o,
			char *name, size_t size, struct sriov_err *e)
{
	if (o->network_name) {
		snprintf(name, size, "%s", o->network_name);
	} else {
		snprintf(name, size, "sriov-%s", t->netdev);
		if (export_network_name_check(name, NULL) < 0) {
			sriov_err_set(e, -EINVAL,
				      "the default network name sriov-%s does not fit "
				      "libvirt and virsh commands",
				      t->netdev);
			sriov_err_hint(e, "name the network with --name NAME");
			return -EINVAL;
		}
	}
	return export_network_name_check(name, e);
}

static int render_network(struct sbuf *b, const struct export_target *t,
			  const struct export_options *o, struct sriov_err *e)
{
	char name[EXPORT_NETWORK_NAME_MAX + 8];
	int ret;

	if (!t->is_pf || !t->netdev[0])
		return not_for_network(t, e);
	ret = network_name(t, o, name, sizeof(name), e);
	if (ret < 0)
		return ret;
	sb_printf(b,
		  "<!-- libvirt network %s: the VFs of PF %s as a pool; each domain\n"
		  "     interface that names the network gets a free VF%s.\n"
		  "       virsh net-define FILE\n"
		  "       virsh net-start %s\n"
		  "       virsh net-autostart %s\n"
		  "     In a domain's <devices>:\n"
		  "       <interface type='network'>\n"
		  "         <source network='%s'/>\n"
		  "       </interface>\n"
		  "-->\n",
		  name, t->addr_str,
		  o->unmanaged ? "" : " (libvirt binds it to vfio-pci)", name, name,
		  name);
	sb_printf(b, "<network>\n  <name>");
	sb_xml(b, name);
	sb_printf(b, "</name>\n  <forward mode='hostdev' managed='%s'>\n    <pf dev='",
		  managed(o));
	sb_xml(b, t->netdev);
	sb_printf(b, "'/>\n  </forward>\n</network>\n");
	return 0;
}

/* For QEMU and Proxmox: where the VF's MAC and VLAN come from. */
static void sb_vf_settings_note(struct sbuf *b, const struct export_target *t)
{
	char mac[VF_MAC_STRLEN] = "none", ref[48], vlan[32] = "none";

	if (!t->is_vf || !t->is_network)
		return;
	if (t->has_mac)
		vf_mac_format(t->mac, mac);
	if (t->has_vlan)
		snprintf(vlan, sizeof(vlan), t->qos ? "%u qos %u" : "%u", t->vlan,
			 t->qos);
	vf_ref(t, ref, sizeof(ref));
	sb_printf(b,
		  "# The guest gets the MAC and VLAN the PF holds for the VF, set on "
		  "the host\n# (`sriovctl vf %s set`, `sriovctl apply`): MAC %s, VLAN "
		  "%s\n",
		  ref, mac, vlan);
}

static int render_qemu(struct sbuf *b, const struct export_target *t)
{
	char what[64];

	describe(t, what, sizeof(what));
	sb_printf(b,
		  "# QEMU: %s (%s) for a guest, through vfio-pci.\n"
		  "# It must be on vfio-pci first, QEMU does not bind it:\n"
		  "#   sriovctl bind %s vfio-pci\n",
		  t->addr_str, what, t->addr_str);
	sb_printf(b, "# VF drivers (igbvf, ixgbevf, iavf) need MSI-X: QEMU's vfio-pci "
		     "emulates the\n"
		     "# table and with KVM delivers the vectors through irqfd. Run with "
		     "-enable-kvm\n"
		     "# and -cpu host so that the guest sees the host CPU's features "
		     "(QEMU's default\n"
		     "# qemu64 model lacks SSSE3 and SSE4.2, which DPDK's VF drivers "
		     "need).\n");
	sb_printf(b, "# With -machine q35 the guest has PCI Express. Add a virtual "
		     "IOMMU only if the\n"
		     "# guest needs one (vfio or DPDK inside it): -machine "
		     "q35,kernel-irqchip=split\n"
		     "# and -device intel-iommu,intremap=on,caching-mode=on before "
		     "this device.\n");
	sb_vf_settings_note(b, t);
	sb_printf(b, "-device vfio-pci,host=%s,id=vfio-%04x-%02x-%02x.%x\n", t->addr_str,
		  t->addr.domain, t->addr.bus, t->addr.dev, t->addr.fn);
	return 0;
}

static int render_proxmox(struct sbuf *b, const struct export_target *t,
			  const struct export_options *o)
{
	char vmid[16] = "VMID", what[64];

	if (o->vmid > 0)
		snprintf(vmid, sizeof(vmid), "%d", o->vmid);
	describe(t, what, sizeof(what));
	sb_printf(b,
		  "# Proxmox VE: %s (%s) to VM %s as hostpci%d.\n"
		  "# pcie=1 needs the q35 machine type (qm set %s --machine q35); for "
		  "i440fx drop it.\n"
		  "# Proxmox binds the function to vfio-pci when the VM starts.\n",
		  t->addr_str, what, vmid, o->hostpci, vmid);
	sb_vf_settings_note(b, t);
	sb_printf(b, "qm set %s --hostpci%d %s,pcie=1\n", vmid, o->hostpci, t->addr_str);
	sb_printf(b,
		  "# the same as the line in /etc/pve/qemu-server/%s.conf:\n"
		  "# hostpci%d: %s,pcie=1\n",
		  vmid, o->hostpci, t->addr_str);
	return 0;
}

/* "sriov_eth0": the PF's netdev (or address), bytes outside the ID syntax as '_'. */
static void default_mapping_name(const struct export_target *t, char *name, size_t size)
{
	const char *base =
		t->is_vf ? (t->pf_ifname[0] ? t->pf_ifname : t->pf_addr) : t->addr_str;
	size_t len;

	snprintf(name, size, "%s_%s", t->is_vf ? "sriov" : "pci", base);
	len = strlen(name);
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]))
			name[i] = '_';
}

static int mapping_name(const struct export_targets *ts, const struct export_options *o,
			char *name, size_t size, struct sriov_err *e)
{
	if (o->mapping_name) {
		snprintf(name, size, "%s", o->mapping_name);
		return export_mapping_name_check(name, e);
	}
	default_mapping_name(&ts->items[0], name, size);
	if (export_mapping_name_check(name, NULL) < 0) {
		sriov_err_set(e, -EINVAL,
			      "the default mapping name %s is no valid Proxmox VE ID",
			      name);
		sriov_err_hint(e, "name the mapping with --mapping-name NAME");
		return -EINVAL;
	}
	return 0;
}

/* What Proxmox needs of each function: vendor:device ids and an IOMMU group. */
static int mapping_item_check(const struct export_target *t, struct sriov_err *e)
{
	if (!t->has_ids)
		return sriov_err_set(e, -EINVAL,
				     "%s: vendor and device id unknown, which the "
				     "mapping's id= needs",
				     t->addr_str);
	if (t->iommu_group < 0) {
		sriov_err_set(
			e, -EINVAL,
			"%s has no IOMMU group: Proxmox VE passes functions through "
			"vfio-pci, which needs the IOMMU",
			t->addr_str);
		sriov_err_hint(e,
			       "turn on VT-d or AMD-Vi in the firmware (intel_iommu=on "
			       "or amd_iommu=on); see `sriovctl check`");
		return -EINVAL;
	}
	return 0;
}

/* "VFs 0, 1, 2 of PF 0000:01:00.0 (eth0)" or "PCI function ADDR" */
static void describe_items(const struct export_targets *ts, char *buf, size_t size)
{
	const struct export_target *t = &ts->items[0];
	size_t len;

	if (!t->is_vf) {
		snprintf(buf, size, "PCI function %s", t->addr_str);
		return;
	}
	if (ts->n > 16)
		len = (size_t)snprintf(buf, size, "%zu VFs", ts->n);
	else
		len = (size_t)snprintf(buf, size, "VF%s", ts->n > 1 ? "s" : "");
	for (size_t i = 0; ts->n <= 16 && i < ts->n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s %d", i ? "," : "",
					ts->items[i].vf_index);
	if (len < size)
		snprintf(buf + len, size - len, " of PF %s%s%s%s", t->pf_addr,
			 t->pf_ifname[0] ? " (" : "", t->pf_ifname,
			 t->pf_ifname[0] ? ")" : "");
}

static void sb_map(struct sbuf *b, const struct export_target *t, const char *node,
		   bool last)
{
	sb_printf(b, "  --map node=%s,path=%s,id=%04x:%04x,iommugroup=%d", node,
		  t->addr_str, t->vendor, t->device, t->iommu_group);
	if (t->has_subsystem)
		sb_printf(b, ",subsystem-id=%04x:%04x", t->subsystem_vendor,
			  t->subsystem_device);
	sb_printf(b, "%s\n", last ? "" : " \\");
}

int export_render_mapping(const struct export_targets *ts, const struct export_options *o,
			  char **out, struct sriov_err *e)
{
	char name[EXPORT_MAPPING_NAME_MAX + 8], what[600];
	struct sbuf b = {0};
	int ret;

	*out = NULL;
	if (!ts->n)
		return sriov_err_set(e, -EINVAL, "no function to map");
	if (!o->node)
		return sriov_err_set(e, -EINVAL, "no Proxmox VE node name");
	ret = export_options_check(o, e);
	if (ret == 0)
		ret = mapping_name(ts, o, name, sizeof(name), e);
	for (size_t i = 0; ret == 0 && i < ts->n; i++)
		ret = mapping_item_check(&ts->items[i], e);
	if (ret < 0)
		return ret;
	describe_items(ts, what, sizeof(what));
	sb_printf(
		&b,
		"# Proxmox VE: the cluster PCI resource mapping %s for %s on node %s.\n"
		"# Run it on a node of the cluster (root, or a user with "
		"Mapping.Modify).\n"
		"# A VM then uses the mapping, and Proxmox picks one of these functions "
		"of "
		"its\n# node when the VM starts and binds it to vfio-pci:\n"
		"# qm set VMID --hostpci0 mapping=%s,pcie=1\n"
		"# (/etc/pve/qemu-server/VMID.conf: hostpci0: mapping=%s,pcie=1; pcie=1 "
		"needs q35).\n",
		name, what, o->node, name, name);
	if (ts->n == 1)
		sb_vf_settings_note(&b, &ts->items[0]);
	sb_printf(&b, "pvesh create /cluster/mapping/pci --id %s \\\n", name);
	for (size_t i = 0; i < ts->n; i++)
		sb_map(&b, &ts->items[i], o->node, i + 1 == ts->n);
	if (b.oom || !b.p) {
		free(b.p);
		return sriov_err_set(e, -ENOMEM, "out of memory");
	}
	*out = b.p;
	return 0;
}

/* One function through export_render(): the same text as a list of one. */
static int render_mapping_one(struct sbuf *b, const struct export_target *t,
			      const struct export_options *o, struct sriov_err *e)
{
	struct export_targets ts = {.items = (struct export_target *)t, .n = 1};
	char *text;
	int ret = export_render_mapping(&ts, o, &text, e);

	if (ret < 0)
		return ret;
	sb_printf(b, "%s", text);
	free(text);
	return 0;
}

static int render_format(struct sbuf *b, enum export_format f,
			 const struct export_target *t, const struct export_options *o,
			 struct sriov_err *e)
{
	switch (f) {
	case EXPORT_LIBVIRT:
		return render_libvirt(b, t, o, e);
	case EXPORT_LIBVIRT_HOSTDEV:
		return render_hostdev(b, t, o);
	case EXPORT_LIBVIRT_NETWORK:
		return render_network(b, t, o, e);
	case EXPORT_QEMU:
		return render_qemu(b, t);
	case EXPORT_PROXMOX:
		return render_proxmox(b, t, o);
	case EXPORT_PROXMOX_MAPPING:
		return render_mapping_one(b, t, o, e);
	default:
		return sriov_err_set(e, -EINVAL, "unknown export format %d", (int)f);
	}
}

int export_render(enum export_format f, const struct export_target *t,
		  const struct export_options *o, char **out, struct sriov_err *e)
{
	struct sbuf b = {0};
	int ret;

	*out = NULL;
	ret = export_options_check(o, e);
	if (ret == 0)
		ret = render_format(&b, f, t, o, e);
	if (ret == 0 && (b.oom || !b.p))
		ret = sriov_err_set(e, -ENOMEM, "out of memory");
	if (ret < 0) {
		free(b.p);
		return ret;
	}
	*out = b.p;
	return 0;
}
