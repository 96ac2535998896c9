// SPDX-License-Identifier: MIT
/*
 * The per-PF rules of `sriovctl check` (lib/checks_pf.c) on sysfs-like trees:
 * tree_build_igb() plus the files the rules read (the PF's resource file,
 * the upstream bridge's config space, modalias files), each doctored for a
 * rule's passing and failing case. Module lookups use a libkmod context over
 * a modprobe.d directory of the test (alias and blacklist lines).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libkmod.h>

#include "sriov/checks.h"
#include "sriov/checks_pf.h"
#include "sriov/vf_limit.h"
#include "tree_util.h"

#define BRIDGE	    "sys/devices/pci0000:00/0000:00:02.0"
#define PF_ADDR	    "0000:01:00.0"
#define VF0_ADDR    "0000:01:10.0"
#define VF1_ADDR    "0000:01:10.2"
#define ACS_ALL	    0x001d /* SrcValid, ReqRedir, CmpltRedir, UpstreamFwd */
#define IGBVF_ALIAS "alias pci:v00008086d000010CAsv*sd*bc*sc*i* igbvf\n"
#define IGB_ALIAS   "alias pci:v00008086d000010C9sv*sd*bc*sc*i* igb\n"

static char tree[TREE_PATH_MAX];

/* ---- building the tree ---------------------------------------------------- */

static void put16(uint8_t *cfg, size_t off, uint16_t v)
{
	cfg[off] = (uint8_t)v;
	cfg[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *cfg, size_t off, uint32_t v)
{
	put16(cfg, off, (uint16_t)v);
	put16(cfg, off + 2, (uint16_t)(v >> 16));
}

struct bridge_spec {
	uint8_t subordinate;
	bool ari_supported, ari_enabled;
	bool has_acs;
	uint16_t acs_ctl;
	size_t len; /* bytes written: 64, 256 or 4096 */
};

static const struct bridge_spec good_bridge = {
	.subordinate = 1,
	.ari_supported = true,
	.ari_enabled = true,
	.has_acs = true,
	.acs_ctl = ACS_ALL,
	.len = 4096,
};

/* The root port 00:02.0: type 1 header, PCIe v2 root port, ACS at 0x100. */
static void write_bridge(const struct bridge_spec *b)
{
	uint8_t cfg[4096] = {0};

	put16(cfg, 0x00, 0x8086);
	put16(cfg, 0x02, 0x2f04);
	put16(cfg, 0x06, 0x0010);
	cfg[0x0a] = 0x04;
	cfg[0x0b] = 0x06;
	cfg[0x0e] = 0x01;
	cfg[0x19] = 0x01;
	cfg[0x1a] = b->subordinate;
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x10;
	put16(cfg, 0x42, 0x0042); /* v2, root port */
	put32(cfg, 0x40 + 0x24, b->ari_supported ? 0x20 : 0);
	put16(cfg, 0x40 + 0x28, b->ari_enabled ? 0x20 : 0);
	if (b->has_acs) {
		put32(cfg, 0x100, 0x0du | 1u << 16);
		put16(cfg, 0x104, 0x001f);
		put16(cfg, 0x106, b->acs_ctl);
	}
	tree_write(tree, BRIDGE "/config", cfg, b->len);
}

/* The PF's resource file: 13 lines, IOV line 8 (VF BAR 0) as given. */
static void write_resource(unsigned long long iov_start, unsigned long long iov_flags)
{
	char buf[2048] = "";
	size_t len = 0;

	for (int i = 0; i < 13; i++) {
		unsigned long long start = i == 0   ? 0xfeb80000ull
					   : i == 7 ? iov_start
						    : 0;
		unsigned long long end = start ? start + 0x3fff : 0;
		unsigned long long flags = i == 0 ? 0x40200ull : i == 7 ? iov_flags : 0;

		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"0x%016llx 0x%016llx 0x%016llx\n", start, end,
					flags);
	}
	tree_write(tree, TREE_IGB_PF "/resource", buf, len);
}

static void patch_pf_config(size_t off, uint32_t v, int width)
{
	uint8_t cfg[4096];

	tree_igb_config(cfg);
	if (width == 16)
		put16(cfg, off, (uint16_t)v);
	else
		put32(cfg, off, v);
	tree_write(tree, TREE_IGB_PF "/config", cfg, sizeof(cfg));
}

/* Everything well: bridge with ARI and ACS, VF BARs assigned, rtnl recorded. */
static void complete_tree(void)
{
	write_bridge(&good_bridge);
	write_resource(0xfeb00000ull, 0x40200ull);
	tree_write_igb_rtnl(tree);
	tree_writef(tree, TREE_IGB_PF "/modalias",
		    "pci:v00008086d000010C9sv00008086sd0000A03Cbc02sc00i00\n");
	tree_writef(tree, TREE_IGB_VF0 "/modalias",
		    "pci:v00008086d000010CAsv00008086sd0000A03Cbc02sc00i00\n");
}

/* No VFs: numvfs 0, no virtfn links, no VF directories. */
static void remove_vfs(void)
{
	tree_writef(tree, TREE_IGB_PF "/sriov_numvfs", "0\n");
	tree_unlink(tree, TREE_IGB_PF "/virtfn0");
	tree_unlink(tree, TREE_IGB_PF "/virtfn1");
	tree_unlink(tree, "sys/bus/pci/devices/" VF0_ADDR);
	tree_unlink(tree, "sys/bus/pci/devices/" VF1_ADDR);
	tree_unlink(tree, "sys/kernel/iommu_groups/9/devices/" VF0_ADDR);
	tree_unlink(tree, "sys/kernel/iommu_groups/10/devices/" VF1_ADDR);
	tree_unlink(tree, "sys/class/net/eth1");
}

/* ---- running the rules ---------------------------------------------------- */

struct run {
	struct sriov_root *root;
	struct inventory inv;
	struct check_context c;
	struct findings f;
	char confdir[TREE_PATH_MAX];
};

static void make_kmod(struct run *r, const char *conf)
{
	static const char *confs[2];

	tree_new(r->confdir);
	tree_writef(r->confdir, "test.conf", "%s", conf);
	confs[0] = r->confdir;
	confs[1] = NULL;
	r->c.kmod = kmod_new(r->confdir, confs);
	assert_non_null(r->c.kmod);
}

/* conf: modprobe.d lines for a libkmod context, or NULL for none. */
static void run_pf(struct run *r, const char *conf)
{
	struct sriov_err e;

	memset(r, 0, sizeof(*r));
	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(tree, &r->root, &e), 0);
	assert_int_equal(
		sriov_inventory_read(r->root, INV_NO_NAMES | INV_NO_NETLINK, &r->inv, &e),
		0);
	assert_int_equal(r->inv.n_pfs, 1);
	r->c.root = r->root;
	r->c.inv = &r->inv;
	snprintf(r->c.kmod_unavailable, sizeof(r->c.kmod_unavailable),
		 "no module index in this tree");
	if (conf)
		make_kmod(r, conf);
	assert_int_equal(check_pf(&r->c, &r->inv.pfs[0], &r->f, &e), 0);
}

static void run_free(struct run *r)
{
	if (r->c.kmod)
		kmod_unref(r->c.kmod);
	if (r->confdir[0])
		tree_remove(r->confdir);
	findings_free(&r->f);
	sriov_inventory_free(&r->inv);
	sriov_root_close(r->root);
}

static const struct finding *find(const struct run *r, const char *id,
				  const char *subject)
{
	for (size_t i = 0; i < r->f.n; i++)
		if (!strcmp(r->f.v[i].id, id) && !strcmp(r->f.v[i].subject, subject))
			return &r->f.v[i];
	fail_msg("no finding %s for %s", id, subject);
	return NULL;
}

static size_t count(const struct run *r, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < r->f.n; i++)
		n += !strcmp(r->f.v[i].id, id);
	return n;
}

#define assert_has(haystack, needle)                                                     \
	do {                                                                             \
		if (!strstr((haystack), (needle)))                                       \
			fail_msg("\"%s\" not in \"%s\"", (needle), (haystack));          \
	} while (0)

static void expect(const struct run *r, const char *id, const char *subject,
		   enum check_status st, const char *summary_part)
{
	const struct finding *fd = find(r, id, subject);

	if (fd->status != st)
		fail_msg("%s %s: status %s, want %s: %s", id, subject,
			 check_status_name(fd->status), check_status_name(st),
			 fd->summary);
	if (summary_part)
		assert_has(fd->summary, summary_part);
	if (st == CHECK_PASS)
		assert_string_equal(fd->remedy, "");
}

/* ---- pf.sriov ------------------------------------------------------------- */

static void test_sriov_driver_limit(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	run_pf(&r, NULL);
	expect(&r, "pf.sriov", PF_ADDR, CHECK_PASS, "up to 7 VFs");
	fd = find(&r, "pf.sriov", PF_ADDR);
	assert_has(fd->summary,
		   "limited by the PF driver igb; the capability's TotalVFs is 8");
	assert_has(fd->evidence, "TotalVFs 8");
	assert_has(fd->evidence, "/sys/bus/pci/devices/0000:01:00.0/sriov_totalvfs: 7");
	run_free(&r);
}

static void test_sriov_zero_total(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	patch_pf_config(0x16e, 0, 16);
	tree_writef(tree, TREE_IGB_PF "/sriov_totalvfs", "0\n");
	run_pf(&r, NULL);
	expect(&r, "pf.sriov", PF_ADDR, CHECK_FAIL, "TotalVFs is 0");
	fd = find(&r, "pf.sriov", PF_ADDR);
	assert_has(fd->remedy, "SR-IOV Support");
	assert_has(fd->remedy, "mlxconfig -d 0000:01:00.0 set SRIOV_EN=1");
	/* nothing to enable: the layout rules skip, never pass */
	expect(&r, "pf.bus_range", PF_ADDR, CHECK_SKIP, "TotalVFs is 0");
	expect(&r, "pf.ari", PF_ADDR, CHECK_SKIP, "TotalVFs is 0");
	run_free(&r);
}

static void test_sriov_config_64_bytes(void **state)
{
	uint8_t cfg[4096];
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	tree_igb_config(cfg);
	tree_write(tree, TREE_IGB_PF "/config", cfg, 64);
	run_pf(&r, NULL);
	expect(&r, "pf.sriov", PF_ADDR, CHECK_PASS, "up to 7 VFs");
	fd = find(&r, "pf.sriov", PF_ADDR);
	assert_has(fd->evidence, "capability not read");
	assert_has(fd->summary, "sriov_totalvfs; the capability was not read");
	expect(&r, "pf.migration", PF_ADDR, CHECK_SKIP, "needs root");
	run_free(&r);
}

/* The source of the limit, decided once for `show` and `check` (vf_limit.h). */
static void test_vf_limit_sources(void **state)
{
	struct pf pf = {.total_vfs = 7, .has_caps = true, .driver = "igb"};
	struct vf_limit l;
	char text[160];

	(void)state;
	pf.caps.has_sriov = true;
	pf.caps.sriov.offset = 0x160;
	pf.caps.sriov.total_vfs = 8;
	vf_limit_of(&pf, &l);
	assert_int_equal(l.source, VF_LIMIT_DRIVER);
	assert_int_equal(l.total_vfs, 7);
	assert_string_equal(vf_limit_source_name(l.source), "driver");
	vf_limit_describe(&pf, &l, text, sizeof(text));
	assert_string_equal(
		text, "limited by the PF driver igb; the capability's TotalVFs is 8");

	pf.total_vfs = 8; /* the driver set no lower limit */
	vf_limit_of(&pf, &l);
	assert_int_equal(l.source, VF_LIMIT_CAPABILITY);
	assert_int_equal(l.total_vfs, 8);

	pf.total_vfs = -1; /* sriov_totalvfs unreadable: the capability decides */
	vf_limit_of(&pf, &l);
	assert_int_equal(l.source, VF_LIMIT_CAPABILITY);
	assert_int_equal(l.total_vfs, 8);

	/* filled in from sysfs (offset 0): not the capability as read */
	pf.total_vfs = 7;
	pf.caps.sriov.offset = 0;
	pf.caps.sriov.total_vfs = 7;
	vf_limit_of(&pf, &l);
	assert_int_equal(l.source, VF_LIMIT_SYSFS);
	assert_int_equal(l.total_vfs, 7);
	assert_int_equal(l.cap_total, -1);

	pf.total_vfs = -1;
	vf_limit_of(&pf, &l);
	assert_int_equal(l.source, VF_LIMIT_UNKNOWN);
	assert_int_equal(l.total_vfs, -1);
}

/* ---- pf.iov_bars ---------------------------------------------------------- */

static void test_iov_bars_reserved(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	run_pf(&r, NULL);
	expect(&r, "pf.iov_bars", PF_ADDR, CHECK_PASS, "reserved (1 IOV resource)");
	fd = find(&r, "pf.iov_bars", PF_ADDR);
	assert_has(fd->evidence, "resource: line 8: 0x00000000feb00000");
	run_free(&r);
}

static void test_iov_bars_missing(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	write_resource(0, 0);
	run_pf(&r, NULL);
	expect(&r, "pf.iov_bars", PF_ADDR, CHECK_FAIL, "not enough MMIO resources");
	fd = find(&r, "pf.iov_bars", PF_ADDR);
	assert_has(fd->evidence, "lines 7-12 (IOV BARs): 0 with an address");
	assert_has(fd->remedy, "Advanced > PCI Subsystem Settings > SR-IOV Support");
	assert_has(fd->remedy, "pci=realloc");
	run_free(&r);
}

static void test_iov_bars_declared_unassigned(void **state)
{
	struct run r;

	(void)state;
	complete_tree();
	write_resource(0, 0x40200ull); /* flags, but no address */
	run_pf(&r, NULL);
	expect(&r, "pf.iov_bars", PF_ADDR, CHECK_FAIL, NULL);
	run_free(&r);
}

static void test_iov_bars_unreadable(void **state)
{
	struct run r;

	(void)state;
	complete_tree();
	tree_unlink(tree, TREE_IGB_PF "/resource");
	run_pf(&r, NULL);
	expect(&r, "pf.iov_bars", PF_ADDR, CHECK_SKIP,
	       "0000:01:00.0/resource: No such file or directory");
	tree_writef(tree, TREE_IGB_PF "/resource", "garbage\n");
	run_free(&r);
	run_pf(&r, NULL);
	expect(&r, "pf.iov_bars", PF_ADDR, CHECK_SKIP, "has no IOV lines");
	run_free(&r);
}

/* ---- pf.bus_range --------------------------------------------------------- */

static void test_bus_range_own_bus(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	run_pf(&r, NULL);
	/* 0x0100 + 128 + 2 * 6 = 0x018c: bus 01 */
	expect(&r, "pf.bus_range", PF_ADDR, CHECK_PASS, "own bus 01");
	fd = find(&r, "pf.bus_range", PF_ADDR);
	assert_has(fd->evidence, "routing ID 0x018c -> bus 01");
	run_free(&r);
}

static void test_bus_range_out_of_range(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	/* offset 248: VFs from 0x01f8, stride 2, the last (index 6) at 0x0204 */
	tree_writef(tree, TREE_IGB_PF "/sriov_offset", "248\n");
	run_pf(&r, NULL);
	expect(&r, "pf.bus_range", PF_ADDR, CHECK_FAIL, "need bus 02");
	fd = find(&r, "pf.bus_range", PF_ADDR);
	assert_has(fd->summary, "subordinate bus 01 of bridge 0000:00:02.0");
	assert_has(fd->evidence, "0000:00:02.0/config: secondary bus (0x19) 01, "
				 "subordinate bus (0x1a) 01");
	assert_has(fd->evidence,
		   "can't enable 7 VFs (bus 02 out of range of [bus 01-01])");
	assert_has(fd->remedy, "pci=assign-busses");
	assert_has(fd->remedy, "pci=realloc does NOT fix this");
	assert_has(fd->remedy, "sriovctl enable 0000:01:00.0 4");
	run_free(&r);
}

static void test_bus_range_bridge_wide_enough(void **state)
{
	struct bridge_spec b = good_bridge;
	struct run r;

	(void)state;
	complete_tree();
	b.subordinate = 2;
	write_bridge(&b);
	tree_writef(tree, TREE_IGB_PF "/sriov_offset", "248\n");
	run_pf(&r, NULL);
	expect(&r, "pf.bus_range", PF_ADDR, CHECK_PASS, "up to bus 02");
	run_free(&r);
}

static void test_bus_range_bridge_unreadable(void **state)
{
	struct run r;

	(void)state;
	complete_tree();
	tree_unlink(tree, BRIDGE "/config");
	tree_writef(tree, TREE_IGB_PF "/sriov_offset", "248\n");
	run_pf(&r, NULL);
	expect(&r, "pf.bus_range", PF_ADDR, CHECK_SKIP, "0000:00:02.0/config");
	run_free(&r);
}

/* ---- pf.ari --------------------------------------------------------------- */

static void test_ari_forwarding_on(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	run_pf(&r, NULL);
	expect(&r, "pf.ari", PF_ADDR, CHECK_PASS, "ARI forwarding is on");
	fd = find(&r, "pf.ari", PF_ADDR);
	assert_has(fd->evidence, "ARI capability at 0x100");
	assert_has(fd->evidence, "DevCap2 ARIFwd+, DevCtl2 ARIFwd+");
	run_free(&r);
}

static void test_ari_forwarding_off(void **state)
{
	struct bridge_spec b = good_bridge;
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	b.ari_enabled = false;
	write_bridge(&b);
	run_pf(&r, NULL);
	expect(&r, "pf.ari", PF_ADDR, CHECK_FAIL, "reads all ff");
	fd = find(&r, "pf.ari", PF_ADDR);
	assert_has(fd->evidence, "DevCtl2 ARIFwd-");
	assert_has(fd->remedy, "supports ARI forwarding but it is off");
	/* the names firmware shows, not only one vendor's */
	assert_has(fd->remedy, "\"PCIe ARI Support\"");
	assert_has(fd->remedy, "\"ARI Forwarding\"");
	assert_has(fd->remedy, "remove pci=noari");
	run_free(&r);
}

static void test_ari_unsupported_port(void **state)
{
	struct bridge_spec b = good_bridge;
	struct run r;

	(void)state;
	complete_tree();
	b.ari_supported = b.ari_enabled = false;
	write_bridge(&b);
	run_pf(&r, NULL);
	expect(&r, "pf.ari", PF_ADDR, CHECK_FAIL, NULL);
	assert_has(find(&r, "pf.ari", PF_ADDR)->remedy, "cannot forward ARI");
	run_free(&r);
}

static void test_ari_not_needed(void **state)
{
	struct bridge_spec b = good_bridge;
	struct run r;

	(void)state;
	complete_tree();
	b.ari_supported = b.ari_enabled = false;
	write_bridge(&b);
	/* VFs at 01:00.1 .. 01:00.7: device 0 only */
	tree_writef(tree, TREE_IGB_PF "/sriov_offset", "1\n");
	tree_writef(tree, TREE_IGB_PF "/sriov_stride", "1\n");
	run_pf(&r, NULL);
	expect(&r, "pf.ari", PF_ADDR, CHECK_PASS, "ARI not needed");
	run_free(&r);
}

static void test_ari_port_config_64_bytes(void **state)
{
	struct bridge_spec b = good_bridge;
	struct run r;

	(void)state;
	complete_tree();
	b.len = 64;
	write_bridge(&b);
	run_pf(&r, NULL);
	expect(&r, "pf.ari", PF_ADDR, CHECK_SKIP, "needs root");
	/* byte 0x1a is in the first 64 bytes: the bus range is still known */
	expect(&r, "pf.bus_range", PF_ADDR, CHECK_PASS, NULL);
	run_free(&r);
}

/* ---- pf.acs --------------------------------------------------------------- */

static void test_acs_enabled(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	run_pf(&r, NULL);
	expect(&r, "pf.acs", PF_ADDR, CHECK_PASS, "ACS on every bridge");
	fd = find(&r, "pf.acs", PF_ADDR);
	assert_has(fd->evidence, "0000:00:02.0/config: root port: ACSCtl SrcValid+ "
				 "ReqRedir+ CmpltRedir+ UpstreamFwd+");
	run_free(&r);
}

static void test_acs_off(void **state)
{
	struct bridge_spec b = good_bridge;
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	b.acs_ctl = 0x0001; /* SrcValid only */
	write_bridge(&b);
	run_pf(&r, NULL);
	expect(&r, "pf.acs", PF_ADDR, CHECK_WARN,
	       "0000:00:02.0 (ReqRedir, CmpltRedir, UpstreamFwd)");
	fd = find(&r, "pf.acs", PF_ADDR);
	assert_has(fd->remedy, "pcie_acs_override");
	assert_has(fd->remedy, "DMA between those devices is not checked");
	b.has_acs = false;
	write_bridge(&b);
	run_free(&r);
	run_pf(&r, NULL);
	expect(&r, "pf.acs", PF_ADDR, CHECK_WARN, "no ACS capability");
	run_free(&r);
}

static void test_acs_not_root(void **state)
{
	struct bridge_spec b = good_bridge;
	struct run r;

	(void)state;
	complete_tree();
	b.len = 256;
	write_bridge(&b);
	run_pf(&r, NULL);
	expect(&r, "pf.acs", PF_ADDR, CHECK_SKIP, "only 256 bytes readable");
	run_free(&r);
}

/* ---- pf.iommu_group / vf.iommu_group -------------------------------------- */

static void test_groups_viable(void **state)
{
	struct run r;

	(void)state;
	complete_tree();
	run_pf(&r, NULL);
	expect(&r, "pf.iommu_group", PF_ADDR, CHECK_PASS, "each of the 2 VFs");
	assert_has(find(&r, "pf.iommu_group", PF_ADDR)->evidence,
		   "iommu_group: 0000:01:10.0 9, 0000:01:10.2 10");
	assert_int_equal(count(&r, "vf.iommu_group"), 0);
	run_free(&r);
}

static void test_group_shared_with_pf(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	/* VF1 joins group 8, with the PF (igb) and 01:00.1 (no driver) */
	tree_symlink(tree, TREE_IGB_VF1 "/iommu_group", "../../../kernel/iommu_groups/8");
	tree_unlink(tree, "sys/kernel/iommu_groups/10/devices/" VF1_ADDR);
	tree_symlink(tree, "sys/kernel/iommu_groups/8/devices/" VF1_ADDR,
		     "../../../../devices/pci0000:00/0000:00:02.0/0000:01:10.2");
	run_pf(&r, NULL);
	expect(&r, "pf.iommu_group", PF_ADDR, CHECK_WARN, "1 of 2 VFs");
	expect(&r, "vf.iommu_group", VF1_ADDR, CHECK_WARN, "eth0/1: IOMMU group 8");
	fd = find(&r, "vf.iommu_group", VF1_ADDR);
	assert_has(fd->summary, "0000:01:00.0 (igb)");
	/* 01:00.1 has no driver: it does not spoil the group */
	assert_null(strstr(fd->summary, "0000:01:00.1"));
	assert_has(fd->evidence,
		   "/sys/kernel/iommu_groups/8/devices: 0000:01:00.0 (igb), "
		   "0000:01:00.1 (no driver), 0000:01:10.2 (vfio-pci)");
	assert_has(fd->remedy, "vfio-pci");
	run_free(&r);
}

static void test_group_prediction(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	remove_vfs();
	run_pf(&r, NULL);
	expect(&r, "pf.iommu_group", PF_ADDR, CHECK_WARN,
	       "shares IOMMU group 8 with "
	       "0000:01:00.1 (no driver)");
	fd = find(&r, "pf.iommu_group", PF_ADDR);
	assert_has(fd->remedy, "pf.acs");
	run_free(&r);
	/* alone (the bridge would not count) */
	tree_unlink(tree, "sys/kernel/iommu_groups/8/devices/0000:01:00.1");
	tree_symlink(tree, BRIDGE "/0000:01:00.1/iommu_group",
		     "../../../kernel/iommu_groups/11");
	run_pf(&r, NULL);
	expect(&r, "pf.iommu_group", PF_ADDR, CHECK_PASS, "alone in IOMMU group 8");
	run_free(&r);
}

/* ---- pf.driver ------------------------------------------------------------ */

static void test_pf_driver_bound(void **state)
{
	struct run r;

	(void)state;
	complete_tree();
	run_pf(&r, NULL);
	expect(&r, "pf.driver", PF_ADDR, CHECK_PASS, "igb is bound");
	assert_has(find(&r, "pf.driver", PF_ADDR)->evidence, "driver -> igb, module igb");
	run_free(&r);
}

static void test_pf_driver_missing(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	tree_unlink(tree, TREE_IGB_PF "/driver");
	run_pf(&r, IGB_ALIAS IGBVF_ALIAS);
	expect(&r, "pf.driver", PF_ADDR, CHECK_FAIL, "ENOENT");
	fd = find(&r, "pf.driver", PF_ADDR);
	assert_has(fd->evidence, "modalias: pci:v00008086d000010C9sv");
	assert_string_equal(fd->remedy, "modprobe igb");
	run_free(&r);
	/* without a module index: the modalias, and a generic remedy */
	run_pf(&r, NULL);
	fd = find(&r, "pf.driver", PF_ADDR);
	assert_has(fd->evidence, "module index: no module index in this tree");
	assert_has(fd->remedy, "pci:v00008086d000010C9");
	run_free(&r);
}

/* ---- pf.vf_driver --------------------------------------------------------- */

static void test_vf_driver_no_index(void **state)
{
	struct run r;

	(void)state;
	complete_tree();
	run_pf(&r, NULL);
	expect(&r, "pf.vf_driver", PF_ADDR, CHECK_SKIP, "no module index in this tree");
	run_free(&r);
}

static void test_vf_driver_not_blacklisted(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	run_pf(&r, IGBVF_ALIAS);
	/* VF1 is on vfio-pci: new VFs would go to igbvf first */
	expect(&r, "pf.vf_driver", PF_ADDR, CHECK_WARN, "blacklist it");
	fd = find(&r, "pf.vf_driver", PF_ADDR);
	assert_has(fd->evidence, "/sys/bus/pci/devices/0000:01:10.0/modalias: "
				 "pci:v00008086d000010CA");
	assert_has(fd->evidence, "module index: igbvf matches");
	/* only VFs use igbvf: blacklisting it is safe, and advised */
	assert_has(fd->evidence, "no function other than VFs is bound to igbvf");
	assert_has(fd->remedy,
		   "echo 'blacklist igbvf' > /etc/modprobe.d/sriovctl-igbvf.conf");
	/* no os-release and no tool in the tree: the three tools, each named */
	assert_has(fd->remedy, "update-initramfs -u -k all (Debian, Ubuntu)");
	assert_has(fd->remedy, "dracut -f --regenerate-all (Fedora");
	assert_has(fd->remedy, "mkinitcpio -P (Arch)");
	assert_has(fd->remedy, "sriovctl enable eth0 N --autoprobe no");
	run_free(&r);
}

/* The initramfs step of the blacklist remedy is the tree's distribution's. */
static void expect_initramfs_step(const char *os_release, const char *cmd)
{
	struct run r;
	const struct finding *fd;

	complete_tree();
	tree_writef(tree, "etc/os-release", "%s", os_release);
	run_pf(&r, IGBVF_ALIAS);
	fd = find(&r, "pf.vf_driver", PF_ADDR);
	assert_has(fd->remedy, "blacklist igbvf");
	assert_has(fd->remedy, cmd);
	if (!strstr(cmd, "update-initramfs"))
		assert_null(strstr(fd->remedy, "update-initramfs"));
	run_free(&r);
}

static void test_vf_driver_initramfs_tool(void **state)
{
	(void)state;
	expect_initramfs_step("ID=debian\n", "\nupdate-initramfs -u -k all\n");
	expect_initramfs_step("ID=ubuntu\nID_LIKE=debian\n",
			      "update-initramfs -u -k all");
	expect_initramfs_step("ID=\"fedora\"\n", "\ndracut -f --regenerate-all\n");
	expect_initramfs_step("ID=\"rhel\"\nID_LIKE=\"fedora\"\n",
			      "dracut -f --regenerate-all");
	expect_initramfs_step("ID=openEuler\nID_LIKE=openeuler\n",
			      "dracut -f --regenerate-all");
	expect_initramfs_step("ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n",
			      "dracut -f --regenerate-all");
	expect_initramfs_step("ID=arch\n", "\nmkinitcpio -P\n");
}

/*
 * The VF module is the PF's own (as nvme and mlx5_core are): blacklisting it
 * would take the PF's driver away. The rule must not advise it.
 */
static void test_vf_driver_used_by_pf(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	run_pf(&r, "alias pci:v00008086d000010CAsv*sd*bc*sc*i* igb\n");
	fd = find(&r, "pf.vf_driver", PF_ADDR);
	assert_int_equal(fd->status, CHECK_WARN);
	assert_has(fd->summary, "do not blacklist it");
	assert_has(fd->summary, "0000:01:00.0 (igb)");
	assert_has(fd->evidence,
		   "functions that are not VFs bound to igb: 0000:01:00.0 (igb)");
	assert_null(strstr(fd->remedy, "echo 'blacklist"));
	assert_has(fd->remedy, "do not blacklist igb: the host uses it for 0000:01:00.0");
	assert_has(fd->remedy, "sriovctl enable eth0 N --autoprobe no");
	assert_has(fd->remedy, "sriovctl bind VF vfio-pci");
	assert_has(fd->remedy, "autoprobe = no and vf_driver = vfio-pci");
	run_free(&r);
}

/* Another device that is not a VF (the sibling function) is bound to igbvf. */
static void test_vf_driver_used_by_other_device(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	tree_symlink(tree, "sys/devices/pci0000:00/0000:00:02.0/0000:01:00.1/driver",
		     "../../../../bus/pci/drivers/igbvf");
	tree_symlink(tree, "sys/bus/pci/drivers/igbvf/module",
		     "../../../../module/igbvf");
	run_pf(&r, IGBVF_ALIAS);
	fd = find(&r, "pf.vf_driver", PF_ADDR);
	assert_int_equal(fd->status, CHECK_WARN);
	assert_has(fd->evidence, "bound to igbvf: 0000:01:00.1 (igbvf)");
	assert_null(strstr(fd->remedy, "echo 'blacklist"));
	assert_has(fd->remedy, "do not blacklist igbvf");
	run_free(&r);
}

/* A module that holds the VF module (e.g. mlx5_ib holds mlx5_core). */
static void test_vf_driver_held_by_module(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	remove_vfs();
	tree_mkdir(tree, "sys/module/igbvf/holders/igbvf_extra");
	run_pf(&r, IGBVF_ALIAS);
	fd = find(&r, "pf.vf_driver", PF_ADDR);
	assert_int_equal(fd->status, CHECK_PASS);
	assert_has(fd->summary, "not a blacklist: the host uses igbvf for the modules "
				"igbvf_extra");
	assert_has(fd->evidence, "/sys/module/igbvf/holders: igbvf_extra");
	assert_null(strstr(fd->remedy, "blacklist"));
	run_free(&r);
}

static void test_vf_driver_blacklisted(void **state)
{
	struct run r;

	(void)state;
	complete_tree();
	run_pf(&r, IGBVF_ALIAS "blacklist igbvf\n");
	expect(&r, "pf.vf_driver", PF_ADDR, CHECK_PASS, "igbvf is blacklisted");
	run_free(&r);
}

static void test_vf_driver_no_vfs(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	remove_vfs();
	run_pf(&r, IGBVF_ALIAS);
	expect(&r, "pf.vf_driver", PF_ADDR, CHECK_PASS, "VF driver igbvf available");
	fd = find(&r, "pf.vf_driver", PF_ADDR);
	assert_has(fd->evidence, "built from vendor 8086 and VF device id 10ca");
	assert_has(fd->evidence, "pci:v00008086d000010CAsv*sd*bc02sc00i00");
	run_free(&r);
}

static void test_vf_driver_none_matches(void **state)
{
	struct run r;

	(void)state;
	complete_tree();
	run_pf(&r, IGB_ALIAS);
	/* the lookup ends in the (absent) index: skip or warn, never pass */
	assert_int_not_equal(find(&r, "pf.vf_driver", PF_ADDR)->status, CHECK_PASS);
	run_free(&r);
}

/* ---- judging facts without a tree ------------------------------------------- */

/*
 * An NVMe PF with 4 VFs, one on vfio-pci, its own driver nvme matching the
 * VFs, behind a root port whose ARI forwarding is supported but off: facts
 * built by hand, judged with no file read.
 */
static void test_judge_facts(void **state)
{
	struct vf vfs[1] = {{.index = 0, .driver = "vfio-pci", .iommu_group = -1}};
	struct pf pf = {.total_vfs = 4,
			.num_vfs = 1,
			.driver = "nvme",
			.iommu_group = -1,
			.sysfs_vf_offset = 9,
			.sysfs_vf_stride = 1,
			.has_caps = true,
			.vfs = vfs,
			.n_vfs = 1};
	struct inventory inv = {0};
	struct pf_facts *f = calloc(1, sizeof(*f));
	struct fn_config *bc = calloc(1, sizeof(*bc));
	struct findings out = {0};
	struct sriov_err e;
	const struct finding *fd = NULL;

	(void)state;
	assert_non_null(f);
	assert_non_null(bc);
	assert_int_equal(pci_addr_parse("0000:02:00.0", &pf.addr), 0);
	pci_addr_format(&pf.addr, pf.addr_str);
	snprintf(vfs[0].addr_str, sizeof(vfs[0].addr_str), "0000:02:01.1");
	pf.caps.has_sriov = true;
	pf.caps.ext_space_read = true;
	pf.caps.has_ari = true;
	pf.caps.sriov.offset = 0x120;
	pf.caps.sriov.total_vfs = 4;
	f->pf = &pf;
	f->inv = &inv;
	f->chain.n = 1;
	snprintf(f->chain.bridges[0], PCI_ADDR_STRLEN, "0000:00:03.0");
	bc->decoded = true;
	bc->cfg.len = 4096;
	bc->cfg.data[0x0e] = 1;
	bc->cfg.data[0x19] = 2;
	bc->cfg.data[0x1a] = 2;
	bc->caps.has_pcie = true;
	bc->caps.pcie.has_v2_regs = true;
	bc->caps.pcie.ari_forwarding_supported = true;
	snprintf(bc->path, sizeof(bc->path), "/sys/bus/pci/devices/0000:00:03.0/config");
	f->bridges = bc;
	f->resources.ret = -ENOENT;
	f->module_index = true;
	snprintf(f->vf_modalias, sizeof(f->vf_modalias), "pci:v00001B36d00000010");
	snprintf(f->vf_modalias_source, sizeof(f->vf_modalias_source), "VF modalias");
	f->vf_modules.n = 1;
	snprintf(f->vf_modules.first, sizeof(f->vf_modules.first), "nvme");
	snprintf(f->vf_modules.names, sizeof(f->vf_modules.names), "nvme");
	f->vf_module_users.n_functions = 2;
	snprintf(f->vf_module_users.functions, sizeof(f->vf_module_users.functions),
		 "0000:01:00.0 (nvme), 0000:02:00.0 (nvme)");
	f->initramfs.n = 1;
	f->initramfs.cmds[0] = INITRAMFS_DRACUT;

	sriov_err_clear(&e);
	assert_int_equal(check_pf_judge(f, &out, &e), 0);
	for (size_t i = 0; i < out.n; i++) {
		const struct finding *x = &out.v[i];

		if (!strcmp(x->id, "pf.ari"))
			assert_int_equal(x->status, CHECK_FAIL);
		if (!strcmp(x->id, "pf.iov_bars"))
			assert_int_equal(x->status, CHECK_SKIP);
		if (!strcmp(x->id, "pf.sriov"))
			assert_has(x->summary, "up to 4 VFs (the capability's TotalVFs");
		if (!strcmp(x->id, "pf.vf_driver"))
			fd = x;
	}
	assert_non_null(fd);
	/* the boot disk 0000:01:00.0 uses nvme: no blacklist */
	assert_int_equal(fd->status, CHECK_WARN);
	assert_has(fd->summary, "do not blacklist it");
	assert_null(strstr(fd->remedy, "echo 'blacklist"));
	assert_null(strstr(fd->remedy, "dracut"));
	assert_has(fd->remedy, "the host uses it for 0000:01:00.0 (nvme), 0000:02:00.0");

	/* the same facts, no user besides VFs: the blacklist, with dracut */
	f->vf_module_users.n_functions = 0;
	f->vf_module_users.functions[0] = '\0';
	findings_free(&out);
	assert_int_equal(check_pf_judge(f, &out, &e), 0);
	for (size_t i = 0; i < out.n; i++)
		if (!strcmp(out.v[i].id, "pf.vf_driver"))
			fd = &out.v[i];
	assert_has(fd->remedy, "echo 'blacklist nvme'");
	assert_has(fd->remedy, "\ndracut -f --regenerate-all\n");
	findings_free(&out);
	free(bc);
	free(f);
}

/* ---- vf.zero_mac ---------------------------------------------------------- */

static void write_rtnl_zero_mac_vf0(void)
{
	static const uint8_t mac0[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x00};
	uint32_t buf[1024];
	size_t len = tree_igb_rtnl_msg(buf, sizeof(buf));
	uint8_t *p = memmem(buf, len, mac0, sizeof(mac0));

	assert_non_null(p);
	memset(p, 0, sizeof(mac0));
	tree_write(tree, ".sriovctl/rtnl/eth0", buf, len);
}

static void test_zero_mac(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	complete_tree();
	write_rtnl_zero_mac_vf0();
	run_pf(&r, NULL);
	expect(&r, "vf.zero_mac", VF0_ADDR, CHECK_WARN, "VF eth0/0 has MAC 00:00:00");
	fd = find(&r, "vf.zero_mac", VF0_ADDR);
	assert_string_equal(fd->remedy, "sriovctl vf eth0/0 set mac auto");
	assert_int_equal(count(&r, "vf.zero_mac"), 1);
	run_free(&r);
}

static void test_macs_set(void **state)
{
	struct run r;

	(void)state;
	complete_tree();
	run_pf(&r, NULL);
	expect(&r, "vf.zero_mac", PF_ADDR, CHECK_PASS, "every VF has a MAC");
	run_free(&r);
	tree_unlink(tree, ".sriovctl/rtnl/eth0");
	run_pf(&r, NULL);
	expect(&r, "vf.zero_mac", PF_ADDR, CHECK_SKIP, "VF MACs unknown");
	run_free(&r);
}

/* ---- pf.migration / pf.passthrough ---------------------------------------- */

static void test_migration(void **state)
{
	struct run r;

	(void)state;
	complete_tree();
	run_pf(&r, NULL);
	expect(&r, "pf.migration", PF_ADDR, CHECK_WARN, "not VF Migration Capable");
	assert_has(find(&r, "pf.migration", PF_ADDR)->evidence, "Migration-");
	run_free(&r);
	patch_pf_config(0x164, 0x1, 32);
	run_pf(&r, NULL);
	expect(&r, "pf.migration", PF_ADDR, CHECK_PASS, "VF Migration Capable");
	assert_has(find(&r, "pf.migration", PF_ADDR)->evidence, "Migration+");
	run_free(&r);
}

static void test_passthrough(void **state)
{
	struct run r;

	(void)state;
	complete_tree();
	run_pf(&r, NULL);
	expect(&r, "pf.passthrough", PF_ADDR, CHECK_WARN, "cannot be passed through");
	assert_has(find(&r, "pf.passthrough", PF_ADDR)->remedy, "sriovctl disable eth0");
	run_free(&r);
	remove_vfs();
	run_pf(&r, NULL);
	expect(&r, "pf.passthrough", PF_ADDR, CHECK_PASS, "can be passed through");
	run_free(&r);
}

/* A bare tree (no resource, no bridge config, no rtnl): skips, no crash. */
static void test_bare_tree_skips(void **state)
{
	struct run r;

	(void)state;
	tree_writef(tree, TREE_IGB_PF "/sriov_offset", "248\n");
	run_pf(&r, NULL);
	expect(&r, "pf.iov_bars", PF_ADDR, CHECK_SKIP, NULL);
	expect(&r, "pf.bus_range", PF_ADDR, CHECK_SKIP, NULL);
	expect(&r, "pf.ari", PF_ADDR, CHECK_SKIP, NULL);
	expect(&r, "pf.acs", PF_ADDR, CHECK_SKIP, NULL);
	expect(&r, "vf.zero_mac", PF_ADDR, CHECK_SKIP, NULL);
	run_free(&r);
}

#define T(f) TREE_IGB_TEST(f, tree)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sriov_driver_limit),
		T(test_sriov_zero_total),
		T(test_sriov_config_64_bytes),
		T(test_vf_limit_sources),
		T(test_iov_bars_reserved),
		T(test_iov_bars_missing),
		T(test_iov_bars_declared_unassigned),
		T(test_iov_bars_unreadable),
		T(test_bus_range_own_bus),
		T(test_bus_range_out_of_range),
		T(test_bus_range_bridge_wide_enough),
		T(test_bus_range_bridge_unreadable),
		T(test_ari_forwarding_on),
		T(test_ari_forwarding_off),
		T(test_ari_unsupported_port),
		T(test_ari_not_needed),
		T(test_ari_port_config_64_bytes),
		T(test_acs_enabled),
		T(test_acs_off),
		T(test_acs_not_root),
		T(test_groups_viable),
		T(test_group_shared_with_pf),
		T(test_group_prediction),
		T(test_pf_driver_bound),
		T(test_pf_driver_missing),
		T(test_vf_driver_no_index),
		T(test_vf_driver_not_blacklisted),
		T(test_vf_driver_initramfs_tool),
		T(test_vf_driver_used_by_pf),
		T(test_vf_driver_used_by_other_device),
		T(test_vf_driver_held_by_module),
		cmocka_unit_test(test_judge_facts),
		T(test_vf_driver_blacklisted),
		T(test_vf_driver_no_vfs),
		T(test_vf_driver_none_matches),
		T(test_zero_mac),
		T(test_macs_set),
		T(test_migration),
		T(test_passthrough),
		T(test_bare_tree_skips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
