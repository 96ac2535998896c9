// SPDX-License-Identifier: MIT
/*
 * export: the format names, every format rendered for fixed targets (with
 * and without MAC and VLAN, managed or not, XML escaping), the refusals
 * (libvirt for a non-network function or a non-VF, libvirt-network for a
 * VF), the option checks, the warnings, and export_target_read() on the igb
 * tree of tree_util.h with its recorded rtnetlink reply and a configuration.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <regex.h>
#include <sys/stat.h>
#include <linux/if_ether.h>

#include "sriov/export.h"
#include "sriov/vfattr.h"
#include "tree_util.h"

static char tree[TREE_PATH_MAX];

#define T(f) TREE_IGB_TEST(f, tree)

static void assert_contains(const char *s, const char *part)
{
	if (!s || !strstr(s, part))
		fail_msg("'%s' lacks '%s'", s ? s : "(null)", part);
}

static void assert_lacks(const char *s, const char *part)
{
	if (strstr(s, part))
		fail_msg("'%s' holds '%s'", s, part);
}

/* VF 0 of 0000:01:00.0 (eth0) at 0000:01:10.0, network, on igbvf, group 9. */
static struct export_target vf_target(void)
{
	struct export_target t;

	memset(&t, 0, sizeof(t));
	pci_addr_parse("0000:01:10.0", &t.addr);
	pci_addr_format(&t.addr, t.addr_str);
	t.class_code = 0x020000;
	t.is_network = true;
	t.is_vf = true;
	snprintf(t.pf_addr, sizeof(t.pf_addr), "0000:01:00.0");
	snprintf(t.pf_ifname, sizeof(t.pf_ifname), "eth0");
	t.vf_index = 0;
	snprintf(t.driver, sizeof(t.driver), "igbvf");
	t.iommu_group = 9;
	snprintf(t.mac_source, sizeof(t.mac_source), "current (rtnetlink)");
	snprintf(t.vlan_source, sizeof(t.vlan_source), "current (rtnetlink)");
	return t;
}

static struct export_target with_mac_vlan(struct export_target t)
{
	static const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x00};

	t.has_mac = true;
	memcpy(t.mac, mac, 6);
	t.has_vlan = true;
	t.vlan = 100;
	t.vlan_proto = ETH_P_8021Q;
	return t;
}

/* The PF 0000:01:00.0 with netdev, 2 VFs, group 8. */
static struct export_target pf_target(const char *netdev)
{
	struct export_target t;

	memset(&t, 0, sizeof(t));
	pci_addr_parse("0000:01:00.0", &t.addr);
	pci_addr_format(&t.addr, t.addr_str);
	t.class_code = 0x020000;
	t.is_network = true;
	t.is_pf = true;
	t.num_vfs = 2;
	t.vf_index = -1;
	snprintf(t.netdev, sizeof(t.netdev), "%s", netdev);
	snprintf(t.driver, sizeof(t.driver), "igb");
	t.iommu_group = 8;
	return t;
}

static char *render_ok(enum export_format f, const struct export_target *t,
		       const struct export_options *o)
{
	struct sriov_err e;
	char *out = NULL;

	sriov_err_clear(&e);
	if (export_render(f, t, o, &out, &e) < 0)
		fail_msg("export_render(%s): %s", export_format_name(f), e.msg);
	assert_non_null(out);
	assert_int_equal(out[strlen(out) - 1], '\n');
	return out;
}

static void render_fails(enum export_format f, const struct export_target *t,
			 const struct export_options *o, const char *msg,
			 const char *hint)
{
	struct sriov_err e;
	char *out = (char *)"untouched";

	sriov_err_clear(&e);
	assert_int_equal(export_render(f, t, o, &out, &e), -EINVAL);
	assert_null(out);
	assert_int_equal(e.code, -EINVAL);
	assert_contains(e.msg, msg);
	if (hint)
		assert_contains(e.hint, hint);
}

/* ---- names -------------------------------------------------------------------- */

static void test_format_names(void **state)
{
	static const char *const names[] = {"libvirt",	       "libvirt-hostdev",
					    "libvirt-network", "qemu",
					    "proxmox",	       "proxmox-mapping"};
	enum export_format f;
	struct sriov_err e;

	(void)state;
	for (int i = 0; i < EXPORT_FORMAT_COUNT; i++) {
		assert_string_equal(export_format_name((enum export_format)i), names[i]);
		assert_int_equal(export_format_lookup(names[i], &f, NULL), 0);
		assert_int_equal(f, i);
	}
	sriov_err_clear(&e);
	assert_int_equal(export_format_lookup("virsh", &f, &e), -EINVAL);
	assert_contains(e.msg, "'virsh'");
	for (int i = 0; i < EXPORT_FORMAT_COUNT; i++)
		assert_contains(e.msg, names[i]);
	assert_int_equal(export_format_lookup("LIBVIRT", &f, NULL), -EINVAL);
	assert_int_equal(export_format_lookup(NULL, &f, NULL), -EINVAL);
	assert_string_equal(export_format_name(EXPORT_FORMAT_COUNT), "?");
}

/* ---- libvirt ------------------------------------------------------------------- */

static void test_libvirt_mac_vlan(void **state)
{
	struct export_target t = with_mac_vlan(vf_target());
	struct export_options o = {0};
	char *out = render_ok(EXPORT_LIBVIRT, &t, &o);

	(void)state;
	assert_string_equal(out, "<!-- 0000:01:10.0, VF 0 of PF 0000:01:00.0: for the "
				 "<devices> of a libvirt domain -->\n"
				 "<interface type='hostdev' managed='yes'>\n"
				 "  <mac address='02:11:22:33:44:00'/>\n"
				 "  <source>\n"
				 "    <address type='pci' domain='0x0000' bus='0x01' "
				 "slot='0x10' function='0x0'/>\n"
				 "  </source>\n"
				 "  <vlan>\n"
				 "    <tag id='100'/>\n"
				 "  </vlan>\n"
				 "</interface>\n");
	free(out);
}

static void test_libvirt_bare_unmanaged(void **state)
{
	struct export_target t = vf_target();
	struct export_options o = {.unmanaged = true};
	char *out;

	(void)state;
	pci_addr_parse("0001:3b:02.7", &t.addr);
	pci_addr_format(&t.addr, t.addr_str);
	out = render_ok(EXPORT_LIBVIRT, &t, &o);
	assert_contains(out, "<interface type='hostdev' managed='no'>\n");
	assert_contains(out, "<address type='pci' domain='0x0001' bus='0x3b' "
			     "slot='0x02' function='0x7'/>");
	assert_lacks(out, "<mac");
	assert_lacks(out, "<vlan");
	free(out);
}

static void test_libvirt_refusals(void **state)
{
	struct export_target t = vf_target();
	struct export_options o = {0};

	(void)state;
	t.is_network = false;
	t.class_code = 0x010802; /* NVMe */
	render_fails(EXPORT_LIBVIRT, &t, &o, "not a network function (class 010802)",
		     "libvirt-hostdev");
	t.class_code = 0;
	render_fails(EXPORT_LIBVIRT, &t, &o, "class unknown", "libvirt-hostdev");
	t = pf_target("eth0");
	render_fails(EXPORT_LIBVIRT, &t, &o, "is not an SR-IOV VF", "libvirt-hostdev");
}

/* ---- libvirt-hostdev --------------------------------------------------------------- */

static void test_hostdev(void **state)
{
	struct export_target t = vf_target();
	struct export_options o = {0};
	char *out;

	(void)state;
	t.is_network = false;
	pci_addr_parse("0000:02:00.1", &t.addr);
	pci_addr_format(&t.addr, t.addr_str);
	out = render_ok(EXPORT_LIBVIRT_HOSTDEV, &t, &o);
	assert_string_equal(out, "<!-- 0000:02:00.1, VF 0 of PF 0000:01:00.0: for the "
				 "<devices> of a libvirt domain -->\n"
				 "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
				 "  <source>\n"
				 "    <address domain='0x0000' bus='0x02' slot='0x00' "
				 "function='0x1'/>\n"
				 "  </source>\n"
				 "</hostdev>\n");
	free(out);
	o.unmanaged = true;
	out = render_ok(EXPORT_LIBVIRT_HOSTDEV, &t, &o);
	assert_contains(out, "managed='no'");
	free(out);
}

/* ---- libvirt-network -----------------------------------------------------------------
 */

static void test_network(void **state)
{
	struct export_target t = pf_target("eth0");
	struct export_options o = {0};
	char *out = render_ok(EXPORT_LIBVIRT_NETWORK, &t, &o);
	const char *xml;

	(void)state;
	xml = strstr(out, "-->\n<network>");
	assert_non_null(xml);
	assert_string_equal(xml, "-->\n<network>\n"
				 "  <name>sriov-eth0</name>\n"
				 "  <forward mode='hostdev' managed='yes'>\n"
				 "    <pf dev='eth0'/>\n"
				 "  </forward>\n"
				 "</network>\n");
	assert_true(!strncmp(out, "<!--", 4));
	assert_contains(out, "virsh net-define FILE\n");
	assert_contains(out, "virsh net-start sriov-eth0\n");
	assert_contains(out, "virsh net-autostart sriov-eth0\n");
	assert_contains(out, "<source network='sriov-eth0'/>");
	/* a comment may not hold "--" before its end */
	assert_ptr_equal(strstr(out + 4, "--"), strstr(out, "-->"));
	free(out);
	o.network_name = "vf.pool_1";
	o.unmanaged = true;
	out = render_ok(EXPORT_LIBVIRT_NETWORK, &t, &o);
	assert_contains(out, "<name>vf.pool_1</name>");
	assert_contains(out, "<forward mode='hostdev' managed='no'>");
	free(out);
}

static void test_network_escaping(void **state)
{
	struct export_target t = pf_target("a&b'<c>\"");
	struct export_options o = {.network_name = "pool"};
	char *out = render_ok(EXPORT_LIBVIRT_NETWORK, &t, &o);

	(void)state;
	assert_contains(out, "<pf dev='a&amp;b&apos;&lt;c&gt;&quot;'/>");
	assert_lacks(out, "a&b");
	free(out);
	export_target_warn(&t, EXPORT_LIBVIRT_NETWORK, &o);
	assert_int_equal(t.n_warnings, 1);
	assert_contains(t.warnings[0], "<pf dev>");
	/* the default name would carry the odd bytes into virsh commands */
	o.network_name = NULL;
	render_fails(EXPORT_LIBVIRT_NETWORK, &t, &o, "default network name", "--name");
}

static void test_network_refusals(void **state)
{
	struct export_target t = vf_target();
	struct export_options o = {0};

	(void)state;
	render_fails(EXPORT_LIBVIRT_NETWORK, &t, &o, "is a VF", "0000:01:00.0");
	t = pf_target("");
	render_fails(EXPORT_LIBVIRT_NETWORK, &t, &o, "has no netdev", "libvirt-hostdev");
	t = pf_target("eth0");
	t.is_pf = false;
	render_fails(EXPORT_LIBVIRT_NETWORK, &t, &o, "not an SR-IOV PF", NULL);
}

/* ---- qemu and proxmox
 * ------------------------------------------------------------------- */

/* Every line but the last is a comment; the last is the one to use. */
static const char *last_line(const char *out)
{
	const char *line = out, *nl;

	while ((nl = strchr(line, '\n')) && nl[1]) {
		if (line[0] != '#')
			fail_msg("line '%.*s' is not a comment", (int)(nl - line), line);
		line = nl + 1;
	}
	return line;
}

static void test_qemu(void **state)
{
	struct export_target t = with_mac_vlan(vf_target());
	struct export_options o = {0};
	char *out = render_ok(EXPORT_QEMU, &t, &o);

	(void)state;
	assert_string_equal(last_line(out),
			    "-device vfio-pci,host=0000:01:10.0,id=vfio-0000-01-10.0\n");
	assert_contains(out, "-cpu host");
	assert_contains(out, "MSI-X");
	assert_contains(out, "sriovctl bind 0000:01:10.0 vfio-pci");
	assert_contains(out, "intel-iommu,intremap=on,caching-mode=on");
	assert_contains(out, "kernel-irqchip=split");
	assert_contains(out, "MAC 02:11:22:33:44:00, VLAN 100\n");
	free(out);
	/* not a VF: no VF settings note */
	t = pf_target("eth0");
	out = render_ok(EXPORT_QEMU, &t, &o);
	assert_lacks(out, "MAC");
	assert_string_equal(last_line(out),
			    "-device vfio-pci,host=0000:01:00.0,id=vfio-0000-01-00.0\n");
	free(out);
}

static void test_proxmox(void **state)
{
	struct export_target t = vf_target();
	struct export_options o = {.vmid = 100, .hostpci = 3};
	char *out = render_ok(EXPORT_PROXMOX, &t, &o);

	(void)state;
	assert_contains(out, "\nqm set 100 --hostpci3 0000:01:10.0,pcie=1\n");
	assert_contains(out, "/etc/pve/qemu-server/100.conf");
	assert_string_equal(strrchr(out, '\n') -
				    strlen("# hostpci3: 0000:01:10.0,pcie=1"),
			    "# hostpci3: 0000:01:10.0,pcie=1\n");
	assert_contains(out, "q35");
	assert_contains(out, "MAC none, VLAN none");
	free(out);
	o.vmid = 0;
	o.hostpci = 0;
	out = render_ok(EXPORT_PROXMOX, &t, &o);
	assert_contains(out, "\nqm set VMID --hostpci0 0000:01:10.0,pcie=1\n");
	assert_contains(out, "/etc/pve/qemu-server/VMID.conf");
	free(out);
}

/* ---- options -------------------------------------------------------------------------
 */

static void test_options(void **state)
{
	static const char *const bad_names[] = {"",    "a--b", "-x",  ".x",  "a/b",
						"a b", "a'b",  "a&b", "a<b", "\xc3\xa9t"};
	struct export_target t = vf_target();
	struct export_options o = {0};
	char long_name[EXPORT_NETWORK_NAME_MAX + 2];
	struct sriov_err e;

	(void)state;
	assert_int_equal(export_options_check(&o, NULL), 0);
	o.vmid = 99;
	sriov_err_clear(&e);
	assert_int_equal(export_options_check(&o, &e), -EINVAL);
	assert_contains(e.msg, "100 to 999999999");
	render_fails(EXPORT_PROXMOX, &t, &o, "VM ID 99", NULL);
	o.vmid = 1000000000;
	assert_int_equal(export_options_check(&o, NULL), -EINVAL);
	o.vmid = 999999999;
	assert_int_equal(export_options_check(&o, NULL), 0);
	o.hostpci = 16;
	render_fails(EXPORT_PROXMOX, &t, &o, "hostpci index 16", NULL);
	o.hostpci = -1;
	assert_int_equal(export_options_check(&o, NULL), -EINVAL);
	o.hostpci = 15;
	assert_int_equal(export_options_check(&o, NULL), 0);
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		sriov_err_clear(&e);
		if (export_network_name_check(bad_names[i], &e) != -EINVAL)
			fail_msg("network name '%s' accepted", bad_names[i]);
		assert_contains(e.msg, "invalid network name");
	}
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(export_network_name_check(long_name, NULL), -EINVAL);
	long_name[sizeof(long_name) - 2] = '\0';
	assert_int_equal(export_network_name_check(long_name, NULL), 0);
	assert_int_equal(export_network_name_check("sriov-eth0.a+b_c", NULL), 0);
}

/* ---- warnings -------------------------------------------------------------------------
 */

static bool has_warning(const struct export_target *t, const char *part)
{
	for (int i = 0; i < t->n_warnings; i++)
		if (strstr(t->warnings[i], part))
			return true;
	return false;
}

static struct export_target warned(struct export_target t, enum export_format f,
				   bool unmanaged)
{
	struct export_options o = {.unmanaged = unmanaged};

	export_target_warn(&t, f, &o);
	return t;
}

static void test_warn_driver(void **state)
{
	struct export_target t = with_mac_vlan(vf_target()), w;

	(void)state;
	w = warned(t, EXPORT_LIBVIRT, false);
	assert_true(has_warning(&w, "libvirt binds it to vfio-pci when the VM starts"));
	assert_true(has_warning(&w, "sriovctl bind 0000:01:10.0 vfio-pci"));
	w = warned(t, EXPORT_LIBVIRT_HOSTDEV, true);
	assert_true(has_warning(&w, "libvirt will not bind it"));
	w = warned(t, EXPORT_QEMU, false);
	assert_true(has_warning(&w, "QEMU does not bind it"));
	w = warned(t, EXPORT_PROXMOX, false);
	assert_true(has_warning(&w, "Proxmox binds it"));
	w = warned(t, EXPORT_PROXMOX_MAPPING, false);
	assert_true(has_warning(&w, "Proxmox binds it"));
	assert_true(has_warning(&w, "subsystem ids unknown"));
	t.has_subsystem = true;
	t.driver[0] = '\0';
	w = warned(t, EXPORT_QEMU, false);
	assert_true(has_warning(&w, "has no driver"));
	snprintf(t.driver, sizeof(t.driver), "vfio-pci");
	for (int f = 0; f < EXPORT_FORMAT_COUNT; f++) {
		w = warned(t, (enum export_format)f, f != EXPORT_LIBVIRT_NETWORK);
		assert_int_equal(w.n_warnings, 0);
	}
}

static void test_warn_mac_vlan(void **state)
{
	struct export_target t = vf_target(), w;

	(void)state;
	snprintf(t.driver, sizeof(t.driver), "vfio-pci");
	w = warned(t, EXPORT_LIBVIRT, false);
	assert_int_equal(w.n_warnings, 1);
	assert_true(has_warning(&w, "no MAC for VF 0: libvirt makes one up"));
	assert_true(has_warning(&w, "sriovctl vf eth0/0 set mac auto"));
	w = warned(t, EXPORT_QEMU, false);
	assert_true(has_warning(&w, "random MAC each time it loads"));
	t = with_mac_vlan(t);
	t.qos = 3;
	w = warned(t, EXPORT_LIBVIRT, false);
	assert_int_equal(w.n_warnings, 1);
	assert_true(has_warning(&w, "VLAN 100 with qos 3"));
	w = warned(t, EXPORT_LIBVIRT_HOSTDEV, false);
	assert_int_equal(w.n_warnings, 0);
	t.qos = 0;
	t.vlan_proto = ETH_P_8021AD;
	w = warned(t, EXPORT_LIBVIRT, false);
	assert_true(has_warning(&w, "802.1ad"));
	/* a function that is no network VF has no MAC to miss */
	t = pf_target("eth0");
	t.num_vfs = 0;
	snprintf(t.driver, sizeof(t.driver), "vfio-pci");
	w = warned(t, EXPORT_QEMU, false);
	assert_int_equal(w.n_warnings, 0);
}

static void test_warn_group_and_pf(void **state)
{
	struct export_target t = with_mac_vlan(vf_target()), w;

	(void)state;
	snprintf(t.driver, sizeof(t.driver), "vfio-pci");
	snprintf(t.group_others, sizeof(t.group_others), "0000:00:1f.3 (i801_smbus)");
	t.n_group_others = 1;
	w = warned(t, EXPORT_LIBVIRT_HOSTDEV, false);
	assert_true(
		has_warning(&w, "IOMMU group 9 also holds 0000:00:1f.3 (i801_smbus)"));
	t.iommu_group = -1;
	w = warned(t, EXPORT_QEMU, false);
	assert_true(has_warning(&w, "has no IOMMU group"));
	t = pf_target("eth0");
	w = warned(t, EXPORT_LIBVIRT_HOSTDEV, false);
	assert_true(has_warning(&w, "PF with 2 VFs enabled"));
	/* as a pool, the PF's driver and group do not matter */
	w = warned(t, EXPORT_LIBVIRT_NETWORK, false);
	assert_int_equal(w.n_warnings, 0);
	w = warned(t, EXPORT_LIBVIRT_NETWORK, true);
	assert_true(has_warning(&w, "sriovctl bind 0000:01:00.0/all vfio-pci"));
	t.num_vfs = 0;
	w = warned(t, EXPORT_LIBVIRT_NETWORK, false);
	assert_true(has_warning(&w, "no VFs enabled"));
}

static void test_warn_bounded(void **state)
{
	struct export_target t = vf_target();
	struct export_options o = {0};

	(void)state;
	t.qos = 1;
	t.has_vlan = true;
	t.vlan = 5;
	t.vlan_proto = ETH_P_8021AD;
	t.iommu_group = -1;
	for (int i = 0; i < 4; i++)
		export_target_warn(&t, EXPORT_LIBVIRT, &o);
	assert_int_equal(t.n_warnings, EXPORT_MAX_WARNINGS);
}

/* ---- reading the igb tree -------------------------------------------------------------
 */

static struct sriov_root *open_tree(void)
{
	struct sriov_root *r;

	assert_int_equal(sriov_root_open(tree, &r, NULL), 0);
	return r;
}

static void read_ok(const char *dev, const struct sriov_config *cfg,
		    struct export_target *t)
{
	struct sriov_root *r = open_tree();
	struct sriov_err e;

	sriov_err_clear(&e);
	if (export_target_read(r, NULL, dev, cfg, t, &e) < 0)
		fail_msg("export_target_read(%s): %s", dev, e.msg);
	sriov_root_close(r);
}

static void read_fails(const char *dev, int code, const char *msg)
{
	struct sriov_root *r = open_tree();
	struct export_target t;
	struct sriov_err e;

	sriov_err_clear(&e);
	assert_int_equal(export_target_read(r, NULL, dev, NULL, &t, &e), code);
	assert_contains(e.msg, msg);
	sriov_root_close(r);
}

static void test_read_vf_current(void **state)
{
	static const uint8_t mac0[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x00};
	struct export_target t;

	(void)state;
	tree_write_igb_rtnl(tree);
	read_ok("eth0/0", NULL, &t);
	assert_string_equal(t.addr_str, "0000:01:10.0");
	assert_true(t.is_vf);
	assert_false(t.is_pf);
	assert_true(t.is_network);
	assert_int_equal(t.class_code, 0x020000);
	assert_int_equal(t.vf_index, 0);
	assert_string_equal(t.pf_addr, "0000:01:00.0");
	assert_string_equal(t.pf_ifname, "eth0");
	assert_string_equal(t.driver, "igbvf");
	assert_int_equal(t.iommu_group, 9);
	assert_int_equal(t.n_group_others, 0);
	assert_true(t.has_mac);
	assert_memory_equal(t.mac, mac0, 6);
	assert_true(t.has_vlan);
	assert_int_equal(t.vlan, 100);
	assert_int_equal(t.qos, 3);
	assert_int_equal(t.vlan_proto, ETH_P_8021Q);
	assert_string_equal(t.mac_source, "current (rtnetlink reply stored by capture)");
	assert_string_equal(t.vlan_source, "current (rtnetlink reply stored by capture)");
	assert_int_equal(t.n_warnings, 0);
	/* the VF's address and its PF/INDEX name the same */
	read_ok("0000:01:10.2", NULL, &t);
	assert_int_equal(t.vf_index, 1);
	assert_string_equal(t.driver, "vfio-pci");
	assert_int_equal(t.vlan, 200);
	assert_int_equal(t.vlan_proto, ETH_P_8021AD);
	read_ok("0000:01:00.0/1", NULL, &t);
	assert_string_equal(t.addr_str, "0000:01:10.2");
}

static void test_read_vf_without_rtnl(void **state)
{
	struct export_target t;

	(void)state;
	read_ok("eth0/0", NULL, &t);
	assert_false(t.has_mac);
	assert_false(t.has_vlan);
	assert_true(!strncmp(t.mac_source, "unknown (", 9));
	assert_true(!strncmp(t.vlan_source, "unknown (", 9));
}

static void test_read_zero_mac(void **state)
{
	uint32_t buf[1024];
	size_t len = tree_igb_rtnl_msg(buf, sizeof(buf));
	const uint8_t want[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x01};
	uint8_t *p = (uint8_t *)buf, *hit = NULL;
	struct export_target t;

	(void)state;
	/* VF 1's MAC in the message, zeroed */
	for (size_t i = 0; i + 6 <= len && !hit; i++)
		if (!memcmp(p + i, want, 6))
			hit = p + i;
	assert_non_null(hit);
	memset(hit, 0, 6);
	tree_write(tree, ".sriovctl/rtnl/eth0", buf, len);
	read_ok("eth0/1", NULL, &t);
	assert_false(t.has_mac);
	assert_string_equal(t.mac_source, "current (rtnetlink reply stored by capture)");
}

static void test_read_pf_and_plain(void **state)
{
	struct export_target t;

	(void)state;
	read_ok("eth0", NULL, &t);
	assert_true(t.is_pf);
	assert_false(t.is_vf);
	assert_int_equal(t.num_vfs, 2);
	assert_string_equal(t.netdev, "eth0");
	assert_string_equal(t.driver, "igb");
	assert_int_equal(t.iommu_group, 8);
	/* the bridge 00:02.0 (group 7) is not in group 8; the sibling is */
	assert_int_equal(t.n_group_others, 1);
	assert_string_equal(t.group_others, "0000:01:00.1 (no driver)");
	assert_false(t.has_mac);
	assert_string_equal(t.mac_source, "");
	read_ok("0000:01:00.1", NULL, &t);
	assert_false(t.is_pf);
	assert_false(t.is_vf);
	assert_true(t.is_network);
	assert_int_equal(t.vf_index, -1);
	assert_string_equal(t.group_others, "0000:01:00.0 (igb)");
	read_ok("0000:00:02.0", NULL, &t);
	assert_false(t.is_network);
	assert_int_equal(t.class_code, 0x060400);
}

static void test_read_errors(void **state)
{
	(void)state;
	read_fails("eth0/2", -ERANGE, "out of range");
	read_fails("eth0/0-1", -EINVAL, "names 2 VFs");
	read_fails("eth0/all", -EINVAL, "names 2 VFs");
	read_fails("0000:09:00.0", -ENODEV, "no such device");
	read_fails("eth9", -ENODEV, "no such device");
	read_fails("0000:01:00.1/0", -ENODEV, "not an SR-IOV");
}

/* ---- configured values
 * ------------------------------------------------------------------ */

static struct sriov_config *parse_config(const char *text)
{
	struct cfg_diags d = {0};
	struct sriov_config *c = NULL;
	struct sriov_err e;

	sriov_err_clear(&e);
	if (sriov_config_parse_text("test.conf", text, strlen(text), &c, &d, &e) < 0)
		fail_msg("config: %s", e.msg);
	cfg_diags_free(&d);
	return c;
}

static void test_read_configured(void **state)
{
	static const uint8_t mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	struct sriov_config *c;
	struct export_target t;

	(void)state;
	tree_write_igb_rtnl(tree);
	c = parse_config("[pf eth0]\nvlan = 7\n"
			 "\n[vf eth0 0]\nmac = 02:aa:bb:cc:dd:ee\nvlan = 42\n");
	read_ok("eth0/0", c, &t);
	assert_memory_equal(t.mac, mac, 6);
	assert_string_equal(t.mac_source, "configured (test.conf:5)");
	/* configured vlan, qos as the VF has it (as apply would leave it) */
	assert_int_equal(t.vlan, 42);
	assert_int_equal(t.qos, 3);
	assert_string_equal(t.vlan_source, "configured (test.conf:6)");
	/* VF 1: the PF's default VLAN, the current MAC */
	read_ok("eth0/1", c, &t);
	assert_int_equal(t.vlan, 7);
	assert_string_equal(t.vlan_source, "configured (test.conf:2)");
	assert_true(!strncmp(t.mac_source, "current", 7));
	sriov_config_free(c);
	/* a selector of another PF changes nothing */
	c = parse_config("[vf eth7 0]\nvlan = 9\n");
	read_ok("eth0/0", c, &t);
	assert_int_equal(t.vlan, 100);
	sriov_config_free(c);
}

static void test_read_configured_auto_mac(void **state)
{
	const uint8_t perm[6] = {0xa0, 0x36, 0x9f, 0x00, 0x00, 0x01}; /* TREE_IGB_MAC0 */
	struct sriov_config *c;
	struct export_target t;
	uint8_t want[6];

	(void)state;
	tree_writef(tree, TREE_IGB_PF "/net/eth0/addr_assign_type", "0\n");
	c = parse_config("[vf 0000:01:00.0 all]\nmac = auto\nvlan = 0\n");
	read_ok("eth0/1", c, &t);
	vf_mac_auto(perm, 1, want);
	assert_true(t.has_mac);
	assert_memory_equal(t.mac, want, 6);
	assert_string_equal(t.mac_source, "configured (test.conf:2: mac auto)");
	/* VLAN 0 configured: none */
	assert_false(t.has_vlan);
	assert_string_equal(t.vlan_source, "configured (test.conf:3)");
	sriov_config_free(c);
	/* without a permanent MAC, "auto" cannot be worked out */
	tree_writef(tree, TREE_IGB_PF "/net/eth0/addr_assign_type", "3\n");
	c = parse_config("[vf eth0 0]\nmac = auto\n");
	read_ok("eth0/0", c, &t);
	assert_false(t.has_mac);
	assert_contains(t.mac_source, "permanent MAC is unknown");
	sriov_config_free(c);
}

/* ---- proxmox-mapping ------------------------------------------------------------ */

/*
 * The syntax of Proxmox VE's PVE::Mapping::PCI map entry (pve-guest-common)
 * and of its pve-node and pve-configid formats (PVE::JSONSchema), as POSIX
 * extended expressions: what the printed command must satisfy.
 */
static const char *const map_syntax[][2] = {
	{"node", "^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$"},
	{"path", "^[a-f0-9]{4,}:[a-f0-9]{2}:[a-f0-9]{2}(\\.[a-f0-9])?$"},
	{"id", "^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}$"},
	{"iommugroup", "^[0-9]+$"},
	{"subsystem-id", "^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}$"},
};
#define MAP_KEYS	(sizeof(map_syntax) / sizeof(map_syntax[0]))
#define CONFIGID_SYNTAX "^[A-Za-z][A-Za-z0-9_]+$"

static bool matches(const char *pattern, const char *s)
{
	regex_t re;
	bool ok;

	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* One parsed --map: the value of each key of map_syntax, NULL when absent. */
struct parsed_map {
	char buf[512];
	const char *val[MAP_KEYS];
};

/* Splits a property string as Proxmox does (',' then '='), checking each key. */
static void parse_map(const char *prop, struct parsed_map *m)
{
	char *save = NULL;

	memset(m, 0, sizeof(*m));
	snprintf(m->buf, sizeof(m->buf), "%s", prop);
	for (char *kv = strtok_r(m->buf, ",", &save); kv;
	     kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		size_t k;

		if (!eq || eq == kv || !eq[1])
			fail_msg("'%s' in '%s' is no key=value", kv, prop);
		*eq = '\0';
		for (k = 0; k < MAP_KEYS && strcmp(map_syntax[k][0], kv); k++)
			;
		if (k == MAP_KEYS)
			fail_msg("unknown key '%s' in '%s'", kv, prop);
		if (m->val[k])
			fail_msg("key '%s' twice in '%s'", kv, prop);
		if (!matches(map_syntax[k][1], eq + 1))
			fail_msg("%s='%s' is outside Proxmox's syntax %s", kv, eq + 1,
				 map_syntax[k][1]);
		m->val[k] = eq + 1;
	}
	/* node, path and id are required by the schema */
	for (size_t k = 0; k < 3; k++)
		if (!m->val[k])
			fail_msg("'%s' lacks the required key %s", prop,
				 map_syntax[k][0]);
}

/*
 * Parses the command out of a snippet: comment lines, then
 * "pvesh create /cluster/mapping/pci --id ID \" and "  --map PROP \" lines.
 * Returns the number of maps (at most max) and the ID.
 */
static size_t parse_mapping(const char *text, char *id, size_t id_size,
			    struct parsed_map *maps, size_t max)
{
	char *copy = strdup(text), *save = NULL, prop[512];
	bool seen_command = false;
	size_t n = 0;

	assert_non_null(copy);
	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (!strncmp(line, "pvesh create /cluster/mapping/pci --id ", 39)) {
			assert_false(seen_command);
			seen_command = true;
			assert_int_equal(sscanf(line + 39, "%63s", id), 1);
			assert_true(strlen(id) < id_size);
			continue;
		}
		assert_true(seen_command);
		if (sscanf(line, " --map %511s", prop) != 1)
			fail_msg("unexpected line '%s'", line);
		assert_true(n < max);
		parse_map(prop, &maps[n++]);
	}
	free(copy);
	assert_true(seen_command);
	return n;
}

static struct export_target mapped_vf(int index, int group)
{
	struct export_target t = vf_target();

	t.vf_index = index;
	t.addr.fn = (uint8_t)(index * 2);
	pci_addr_format(&t.addr, t.addr_str);
	t.iommu_group = group;
	t.has_ids = true;
	t.vendor = 0x8086;
	t.device = 0x10ca;
	t.has_subsystem = true;
	t.subsystem_vendor = 0x8086;
	t.subsystem_device = 0xa03c;
	return t;
}

static char *render_mapping_ok(const struct export_targets *ts,
			       const struct export_options *o)
{
	struct sriov_err e;
	char *out = NULL;

	sriov_err_clear(&e);
	if (export_render_mapping(ts, o, &out, &e) < 0)
		fail_msg("export_render_mapping: %s", e.msg);
	assert_non_null(out);
	return out;
}

static void test_mapping_shape(void **state)
{
	struct export_target items[3] = {mapped_vf(0, 9), mapped_vf(1, 10),
					 mapped_vf(3, 12)};
	struct export_targets ts = {.items = items, .n = 3};
	struct export_options o = {.node = "pve-1"};
	struct parsed_map maps[4];
	char id[64], *out;
	size_t n;

	(void)state;
	items[2].has_subsystem = false;
	out = render_mapping_ok(&ts, &o);
	n = parse_mapping(out, id, sizeof(id), maps, 4);
	assert_int_equal(n, 3);
	assert_string_equal(id, "sriov_eth0");
	assert_true(matches(CONFIGID_SYNTAX, id));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(maps[i].val[0], "pve-1");
		assert_string_equal(maps[i].val[1], items[i].addr_str);
		assert_string_equal(maps[i].val[2], "8086:10ca");
		assert_int_equal(atoi(maps[i].val[3]), items[i].iommu_group);
	}
	assert_string_equal(maps[0].val[4], "8086:a03c");
	assert_null(maps[2].val[4]); /* unknown: left out, as Proxmox leaves it */
	/* how a VM uses it */
	assert_contains(out, "hostpci0: mapping=sriov_eth0");
	free(out);
	/* a chosen name; one VF through export_render() gives the same command */
	o.mapping_name = "uplink_vfs";
	out = render_ok(EXPORT_PROXMOX_MAPPING, &items[1], &o);
	n = parse_mapping(out, id, sizeof(id), maps, 4);
	assert_int_equal(n, 1);
	assert_string_equal(id, "uplink_vfs");
	assert_string_equal(maps[0].val[1], "0000:01:10.2");
	free(out);
}

/* Many VFs: one --map each, and the header counts them instead of listing. */
static void test_mapping_many(void **state)
{
	struct export_target items[20];
	struct export_targets ts = {.items = items, .n = 20};
	struct export_options o = {.node = "pve"};
	struct parsed_map maps[21];
	char id[64], *out;

	(void)state;
	for (int i = 0; i < 20; i++) {
		items[i] = mapped_vf(0, 20 + i);
		items[i].vf_index = i;
		items[i].addr.dev = (uint8_t)(0x10 + i / 8);
		items[i].addr.fn = (uint8_t)(i % 8);
		pci_addr_format(&items[i].addr, items[i].addr_str);
	}
	out = render_mapping_ok(&ts, &o);
	assert_int_equal(parse_mapping(out, id, sizeof(id), maps, 21), 20);
	assert_string_equal(maps[19].val[1], "0000:01:12.3");
	assert_string_equal(maps[19].val[3], "39");
	assert_contains(out, "for 20 VFs of PF 0000:01:00.0 (eth0) on node pve.");
	free(out);
}

/* The parser is strict: it fails on entries outside Proxmox's syntax. */
static void test_mapping_parser_can_fail(void **state)
{
	(void)state;
	assert_false(matches(map_syntax[1][1], "01:10.0"));	    /* no domain */
	assert_false(matches(map_syntax[1][1], "0000:01:10.0/1"));  /* junk */
	assert_false(matches(map_syntax[2][1], "0x8086:0x10ca"));   /* 0x */
	assert_false(matches(map_syntax[0][1], "pve.example.com")); /* a FQDN */
	assert_false(matches(CONFIGID_SYNTAX, "sriov-eth0"));
	assert_false(matches(CONFIGID_SYNTAX, "0sriov"));
}

static void mapping_fails(const struct export_targets *ts, const struct export_options *o,
			  const char *msg)
{
	struct sriov_err e;
	char *out = (char *)"untouched";

	sriov_err_clear(&e);
	assert_int_equal(export_render_mapping(ts, o, &out, &e), -EINVAL);
	assert_null(out);
	assert_contains(e.msg, msg);
}

static void test_mapping_refusals(void **state)
{
	struct export_target t = mapped_vf(0, 9);
	struct export_targets ts = {.items = &t, .n = 1}, none = {0};
	struct export_options o = {.node = "pve"};

	(void)state;
	mapping_fails(&none, &o, "no function");
	t.iommu_group = -1;
	mapping_fails(&ts, &o, "has no IOMMU group");
	t = mapped_vf(0, 9);
	t.has_ids = false;
	mapping_fails(&ts, &o, "vendor and device id unknown");
	t = mapped_vf(0, 9);
	o.node = NULL;
	mapping_fails(&ts, &o, "no Proxmox VE node");
	o.node = "pve.example.com";
	mapping_fails(&ts, &o, "invalid node name 'pve.example.com'");
	o.node = "pve";
	o.mapping_name = "sriov-eth0";
	mapping_fails(&ts, &o, "invalid mapping name 'sriov-eth0'");
	/* a default ID from a netdev name outside the syntax: bytes become '_' */
	o.mapping_name = NULL;
	snprintf(t.pf_ifname, sizeof(t.pf_ifname), "enp1s0.100");
	free(render_mapping_ok(&ts, &o));
	{
		char *out = render_mapping_ok(&ts, &o);

		assert_contains(out, "--id sriov_enp1s0_100 ");
		free(out);
	}
}

static void test_mapping_names(void **state)
{
	static const char *const good_ids[] = {"ab", "sriov_eth0", "A1_b2"};
	static const char *const bad_ids[] = {"",    "a",   "1a",  "_a",  "a-b",
					      "a.b", "a b", "a,b", "a=b", "../x"};
	static const char *const good_nodes[] = {"pve", "pve-1", "1node", "a"};
	static const char *const bad_nodes[] = {"",    "-pve", "pve-", "pve.local",
						"p_v", "a,b",  "a=b"};

	(void)state;
	for (size_t i = 0; i < sizeof(good_ids) / sizeof(good_ids[0]); i++)
		assert_int_equal(export_mapping_name_check(good_ids[i], NULL), 0);
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++)
		assert_int_equal(export_mapping_name_check(bad_ids[i], NULL), -EINVAL);
	for (size_t i = 0; i < sizeof(good_nodes) / sizeof(good_nodes[0]); i++)
		assert_int_equal(export_node_name_check(good_nodes[i], NULL), 0);
	for (size_t i = 0; i < sizeof(bad_nodes) / sizeof(bad_nodes[0]); i++)
		assert_int_equal(export_node_name_check(bad_nodes[i], NULL), -EINVAL);
}

static void write_hostname(const char *text)
{
	char path[TREE_PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc", tree);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/hostname", tree);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_read_targets_and_node(void **state)
{
	struct sriov_root *r = open_tree();
	struct export_targets ts;
	struct sriov_err e;
	char node[64];

	(void)state;
	sriov_err_clear(&e);
	assert_int_equal(export_targets_read(r, NULL, "eth0", NULL, &ts, &e), 0);
	assert_int_equal(ts.n, 2);
	assert_string_equal(ts.items[0].addr_str, "0000:01:10.0");
	assert_string_equal(ts.items[1].addr_str, "0000:01:10.2");
	assert_int_equal(ts.items[1].vf_index, 1);
	assert_int_equal(ts.items[0].iommu_group, 9);
	export_targets_free(&ts);
	assert_int_equal(export_targets_read(r, NULL, "eth0/1", NULL, &ts, &e), 0);
	assert_int_equal(ts.n, 1);
	assert_string_equal(ts.items[0].addr_str, "0000:01:10.2");
	export_targets_free(&ts);
	assert_int_equal(export_targets_read(r, NULL, "eth0/2", NULL, &ts, &e), -ERANGE);
	export_targets_free(&ts);
	assert_int_equal(export_targets_read(r, NULL, "0000:09:00.0", NULL, &ts, &e),
			 -ENODEV);
	export_targets_free(&ts);
	/* the node name: the short name of /etc/hostname */
	write_hostname("pve7.example.com\n");
	assert_int_equal(export_node_name_read(r, node, sizeof(node), &e), 0);
	assert_string_equal(node, "pve7");
	write_hostname("bad_name\n");
	assert_int_equal(export_node_name_read(r, node, sizeof(node), &e), -EINVAL);
	assert_contains(e.hint, "--node");
	sriov_root_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_libvirt_mac_vlan),
		cmocka_unit_test(test_libvirt_bare_unmanaged),
		cmocka_unit_test(test_libvirt_refusals),
		cmocka_unit_test(test_hostdev),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_network_escaping),
		cmocka_unit_test(test_network_refusals),
		cmocka_unit_test(test_qemu),
		cmocka_unit_test(test_proxmox),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_warn_driver),
		cmocka_unit_test(test_warn_mac_vlan),
		cmocka_unit_test(test_warn_group_and_pf),
		cmocka_unit_test(test_warn_bounded),
		T(test_read_vf_current),
		T(test_read_vf_without_rtnl),
		T(test_read_zero_mac),
		T(test_read_pf_and_plain),
		T(test_read_errors),
		T(test_read_configured),
		T(test_read_configured_auto_mac),
		cmocka_unit_test(test_mapping_shape),
		cmocka_unit_test(test_mapping_many),
		cmocka_unit_test(test_mapping_parser_can_fail),
		cmocka_unit_test(test_mapping_refusals),
		cmocka_unit_test(test_mapping_names),
		T(test_read_targets_and_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
