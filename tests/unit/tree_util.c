// SPDX-License-Identifier: MIT
/* Test helper: sysfs-like trees in a temporary directory. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>

#include "tree_util.h"

static void __attribute__((noreturn)) die(const char *what, const char *path)
{
	fprintf(stderr, "tree_util: %s %s: %s\n", what, path, strerror(errno));
	abort();
}

void tree_path(const char *root, const char *rel, char *out)
{
	if (snprintf(out, TREE_PATH_MAX, "%s/%s", root, rel) >= TREE_PATH_MAX) {
		errno = ENAMETOOLONG;
		die("path", rel);
	}
}

void tree_new(char *dir)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, TREE_PATH_MAX, "%s/sriov-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp", dir);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

void tree_remove(const char *root)
{
	if (root && root[0])
		nftw(root, remove_one, 32, FTW_DEPTH | FTW_PHYS);
}

static void mkdir_abs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die("mkdir", path);
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die("mkdir", path);
}

void tree_mkdir(const char *root, const char *rel)
{
	char path[TREE_PATH_MAX];

	tree_path(root, rel, path);
	mkdir_abs(path);
}

/* Creates the parent directories of root/rel; path gets root/rel. */
static void make_parents(const char *root, const char *rel, char *path)
{
	char *slash;

	tree_path(root, rel, path);
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdir_abs(path);
	*slash = '/';
}

void tree_write(const char *root, const char *rel, const void *data, size_t len)
{
	char path[TREE_PATH_MAX];
	int fd;

	make_parents(root, rel, path);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("open", path);
	if (len && write(fd, data, len) != (ssize_t)len)
		die("write", path);
	close(fd);
}

void tree_writef(const char *root, const char *rel, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		errno = EOVERFLOW;
		die("format", rel);
	}
	tree_write(root, rel, buf, (size_t)n);
}

void tree_symlink(const char *root, const char *rel, const char *target)
{
	char path[TREE_PATH_MAX];

	make_parents(root, rel, path);
	unlink(path);
	if (symlink(target, path) < 0)
		die("symlink", path);
}

void tree_unlink(const char *root, const char *rel)
{
	char path[TREE_PATH_MAX];

	tree_path(root, rel, path);
	if (unlink(path) < 0 && errno != ENOENT)
		die("unlink", path);
}

/* ---- the igb tree ------------------------------------------------------- */

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

void tree_igb_config(uint8_t cfg[4096])
{
	memset(cfg, 0, 4096);
	put16(cfg, 0x00, 0x8086); /* vendor */
	put16(cfg, 0x02, 0x10c9); /* device */
	put16(cfg, 0x04, 0x0406); /* command: memory, bus master, INTx off */
	put16(cfg, 0x06, 0x0010); /* status: capability list */
	cfg[0x08] = 0x01;	  /* revision */
	cfg[0x09] = 0x00;	  /* prog-if */
	cfg[0x0a] = 0x00;	  /* subclass: Ethernet */
	cfg[0x0b] = 0x02;	  /* class: network */
	put16(cfg, 0x2c, 0x8086); /* subsystem vendor */
	put16(cfg, 0x2e, 0xa03c); /* subsystem device */
	cfg[0x34] = 0x40;	  /* capabilities pointer */
	/* PCI Express v2 endpoint, last standard capability */
	cfg[0x40] = 0x10;
	cfg[0x41] = 0x00;
	put16(cfg, 0x42, 0x0002);
	/* ARI (0x0e) v1 at 0x100, next 0x160 */
	put32(cfg, 0x100, 0x0eu | 1u << 16 | 0x160u << 20);
	put16(cfg, 0x104, 0x0100); /* next function 1 */
	/* SR-IOV (0x10) v1 at 0x160, end of list */
	put32(cfg, 0x160, 0x10u | 1u << 16);
	put32(cfg, 0x164, 0x00000000); /* IOVCap */
	put16(cfg, 0x168, 0x0019);     /* IOVCtl: VFE | MSE | ARI hierarchy */
	put16(cfg, 0x16a, 0x0000);     /* IOVSta */
	put16(cfg, 0x16c, 8);	       /* InitialVFs */
	put16(cfg, 0x16e, 8);	       /* TotalVFs */
	put16(cfg, 0x170, 2);	       /* NumVFs */
	put16(cfg, 0x174, 128);	       /* First VF offset */
	put16(cfg, 0x176, 2);	       /* VF stride */
	put16(cfg, 0x17a, 0x10ca);     /* VF device ID */
	put32(cfg, 0x17c, 0x553);      /* supported page sizes */
	put32(cfg, 0x180, 0x1);	       /* system page size */
}

static void write_function_ids(const char *root, const char *dir, uint16_t device,
			       uint32_t class_code)
{
	char rel[TREE_PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/vendor", dir);
	tree_writef(root, rel, "0x8086\n");
	snprintf(rel, sizeof(rel), "%s/device", dir);
	tree_writef(root, rel, "0x%04x\n", device);
	snprintf(rel, sizeof(rel), "%s/class", dir);
	tree_writef(root, rel, "0x%06x\n", class_code);
}

static void link_function(const char *root, const char *dir, const char *addr, int group,
			  const char *driver)
{
	char rel[TREE_PATH_MAX], target[TREE_PATH_MAX], up[64] = "";

	/* from dir back up to sys/: one ".." per component below sys */
	for (const char *p = strchr(dir, '/'); p; p = strchr(p + 1, '/'))
		strcat(up, "../");
	/* sys/bus/pci/devices/ADDR -> ../../../devices/... (dir minus "sys/") */
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", addr);
	snprintf(target, sizeof(target), "../../../%s", dir + 4);
	tree_symlink(root, rel, target);
	snprintf(rel, sizeof(rel), "%s/iommu_group", dir);
	snprintf(target, sizeof(target), "%skernel/iommu_groups/%d", up, group);
	tree_symlink(root, rel, target);
	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices/%s", group, addr);
	snprintf(target, sizeof(target), "../../../../%s", dir + 4);
	tree_symlink(root, rel, target);
	if (driver) {
		snprintf(rel, sizeof(rel), "%s/driver", dir);
		snprintf(target, sizeof(target), "%sbus/pci/drivers/%s", up, driver);
		tree_symlink(root, rel, target);
		snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/%s", driver, addr);
		snprintf(target, sizeof(target), "../../../../%s", dir + 4);
		tree_symlink(root, rel, target);
	}
}

static void write_netdev(const char *root, const char *fndir, const char *name,
			 const char *mac, int ifindex, const char *operstate)
{
	char rel[TREE_PATH_MAX], target[TREE_PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/net/%s/address", fndir, name);
	tree_writef(root, rel, "%s\n", mac);
	snprintf(rel, sizeof(rel), "%s/net/%s/operstate", fndir, name);
	tree_writef(root, rel, "%s\n", operstate);
	snprintf(rel, sizeof(rel), "%s/net/%s/ifindex", fndir, name);
	tree_writef(root, rel, "%d\n", ifindex);
	/* net/NAME/device -> ../../../ADDR */
	snprintf(rel, sizeof(rel), "%s/net/%s/device", fndir, name);
	snprintf(target, sizeof(target), "../../../%s", strrchr(fndir, '/') + 1);
	tree_symlink(root, rel, target);
	snprintf(rel, sizeof(rel), "sys/class/net/%s", name);
	snprintf(target, sizeof(target), "../../%s/net/%s", fndir + 4, name);
	tree_symlink(root, rel, target);
}

static void build_pf(const char *root)
{
	uint8_t cfg[4096];

	tree_igb_config(cfg);
	tree_write(root, TREE_IGB_PF "/config", cfg, sizeof(cfg));
	write_function_ids(root, TREE_IGB_PF, 0x10c9, 0x020000);
	tree_writef(root, TREE_IGB_PF "/subsystem_vendor", "0x8086\n");
	tree_writef(root, TREE_IGB_PF "/subsystem_device", "0xa03c\n");
	tree_writef(root, TREE_IGB_PF "/revision", "0x01\n");
	tree_writef(root, TREE_IGB_PF "/sriov_totalvfs", "7\n");
	tree_writef(root, TREE_IGB_PF "/sriov_numvfs", "2\n");
	tree_writef(root, TREE_IGB_PF "/sriov_offset", "128\n");
	tree_writef(root, TREE_IGB_PF "/sriov_stride", "2\n");
	tree_writef(root, TREE_IGB_PF "/sriov_vf_device", "10ca\n");
	tree_writef(root, TREE_IGB_PF "/sriov_drivers_autoprobe", "1\n");
	tree_writef(root, TREE_IGB_PF "/numa_node", "-1\n");
	tree_writef(root, TREE_IGB_PF "/secret", "never read\n");
	link_function(root, TREE_IGB_PF, "0000:01:00.0", 8, "igb");
	tree_symlink(root, TREE_IGB_PF "/virtfn0", "../0000:01:10.0");
	tree_symlink(root, TREE_IGB_PF "/virtfn1", "../0000:01:10.2");
	write_netdev(root, TREE_IGB_PF, "eth0", TREE_IGB_MAC0, TREE_IGB_IFIDX0, "up");
}

static void build_vf(const char *root, const char *dir, const char *addr, int group,
		     const char *driver)
{
	char rel[TREE_PATH_MAX];

	write_function_ids(root, dir, 0x10ca, 0x020000);
	snprintf(rel, sizeof(rel), "%s/physfn", dir);
	tree_symlink(root, rel, "../0000:01:00.0");
	link_function(root, dir, addr, group, driver);
}

void tree_build_igb(const char *root)
{
	const char *bridge = "sys/devices/pci0000:00/0000:00:02.0";
	const char *sibling = "sys/devices/pci0000:00/0000:00:02.0/0000:01:00.1";

	tree_mkdir(root, "sys/bus/pci/devices");
	tree_mkdir(root, "sys/module/igb");
	tree_mkdir(root, "sys/devices/virtual/net/lo");
	tree_symlink(root, "sys/bus/pci/drivers/igb/module", "../../../../module/igb");
	tree_mkdir(root, "sys/bus/pci/drivers/vfio-pci");

	write_function_ids(root, bridge, 0x2f04, 0x060400);
	link_function(root, bridge, "0000:00:02.0", 7, "pcieport");
	write_function_ids(root, sibling, 0x10c9, 0x020000);
	link_function(root, sibling, "0000:01:00.1", 8, NULL);

	build_pf(root);
	build_vf(root, TREE_IGB_VF0, "0000:01:10.0", 9, "igbvf");
	write_netdev(root, TREE_IGB_VF0, "eth1", "02:11:22:33:44:00", 6, "down");
	build_vf(root, TREE_IGB_VF1, "0000:01:10.2", 10, "vfio-pci");

	tree_writef(root, "sys/devices/virtual/net/lo/address", "00:00:00:00:00:00\n");
	tree_symlink(root, "sys/class/net/lo", "../../devices/virtual/net/lo");
}

int tree_igb_setup(void **state)
{
	tree_new(*state);
	tree_build_igb(*state);
	return 0;
}

int tree_igb_teardown(void **state)
{
	tree_remove(*state);
	return 0;
}

/* ---- the recorded rtnetlink reply --------------------------------------- */

/* The kernel opens these nests with nla_nest_start_noflag(). */
static struct nlattr *nest_start(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *a = mnl_attr_nest_start(nlh, type);

	a->nla_type = type;
	return a;
}

static void put_setting(struct nlmsghdr *nlh, uint16_t type, uint32_t vf, uint32_t v)
{
	uint32_t s[2] = {vf, v};

	mnl_attr_put(nlh, type, sizeof(s), s);
}

struct vf_spec {
	uint32_t vlan, qos;
	uint16_t proto;
	uint32_t min_rate, max_rate;
	uint32_t spoofchk, link_state, rss, trust;
};

static void put_vf(struct nlmsghdr *nlh, uint32_t vf, const struct vf_spec *s)
{
	struct ifla_vf_mac mac = {.vf = vf, .mac = {0x02, 0x11, 0x22, 0x33, 0x44}};
	struct ifla_vf_broadcast bc;
	struct ifla_vf_vlan vlan = {.vf = vf, .vlan = s->vlan, .qos = s->qos};
	struct ifla_vf_rate rate = {
		.vf = vf, .min_tx_rate = s->min_rate, .max_tx_rate = s->max_rate};
	struct ifla_vf_tx_rate tx = {.vf = vf, .rate = s->max_rate};
	struct ifla_vf_vlan_info vi = {.vf = vf, .vlan = s->vlan, .qos = s->qos};
	struct nlattr *info, *list;

	mac.mac[5] = (uint8_t)vf;
	memset(&bc, 0xff, sizeof(bc));
	vi.vlan_proto = htons(s->proto);
	info = nest_start(nlh, IFLA_VF_INFO);
	mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(mac), &mac);
	mnl_attr_put(nlh, IFLA_VF_BROADCAST, sizeof(bc), &bc);
	mnl_attr_put(nlh, IFLA_VF_VLAN, sizeof(vlan), &vlan);
	mnl_attr_put(nlh, IFLA_VF_RATE, sizeof(rate), &rate);
	mnl_attr_put(nlh, IFLA_VF_TX_RATE, sizeof(tx), &tx);
	put_setting(nlh, IFLA_VF_SPOOFCHK, vf, s->spoofchk);
	put_setting(nlh, IFLA_VF_LINK_STATE, vf, s->link_state);
	put_setting(nlh, IFLA_VF_RSS_QUERY_EN, vf, s->rss);
	put_setting(nlh, IFLA_VF_TRUST, vf, s->trust);
	list = nest_start(nlh, IFLA_VF_VLAN_LIST);
	mnl_attr_put(nlh, IFLA_VF_VLAN_INFO, sizeof(vi), &vi);
	mnl_attr_nest_end(nlh, list);
	mnl_attr_nest_end(nlh, info);
}

size_t tree_igb_rtnl_msg(void *buf, size_t size)
{
	static const struct vf_spec vfs[2] = {
		{.vlan = 100,
		 .qos = 3,
		 .proto = ETH_P_8021Q,
		 .min_rate = 0,
		 .max_rate = 1000,
		 .spoofchk = 1,
		 .link_state = IFLA_VF_LINK_STATE_AUTO,
		 .rss = UINT32_MAX,
		 .trust = 0},
		{.vlan = 200,
		 .qos = 0,
		 .proto = ETH_P_8021AD,
		 .min_rate = 10,
		 .max_rate = 500,
		 .spoofchk = 0,
		 .link_state = IFLA_VF_LINK_STATE_DISABLE,
		 .rss = 0,
		 .trust = 1},
	};
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *list;

	if (size < 4096)
		abort();
	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_seq = 1;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = ARPHRD_ETHER;
	ifi->ifi_index = TREE_IGB_IFIDX0;
	ifi->ifi_flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	mnl_attr_put_u32(nlh, IFLA_NUM_VF, 2);
	list = nest_start(nlh, IFLA_VFINFO_LIST);
	for (uint32_t i = 0; i < 2; i++)
		put_vf(nlh, i, &vfs[i]);
	mnl_attr_nest_end(nlh, list);
	return nlh->nlmsg_len;
}

void tree_write_igb_rtnl(const char *root)
{
	uint32_t buf[1024];
	size_t len = tree_igb_rtnl_msg(buf, sizeof(buf));

	tree_write(root, ".sriovctl/rtnl/eth0", buf, len);
}

void tree_add_netdevsim10(const char *root, int num_vfs, int max_vfs)
{
	static const char *const nd[2][2] = {{"eth5", "p0"}, {"eth6", "pf0vf0"}};
	char rel[128];

	tree_writef(root, "sys/devices/netdevsim10/sriov_numvfs", "%d\n", num_vfs);
	tree_symlink(root, "sys/devices/netdevsim10/driver",
		     "../../bus/netdevsim/drivers/netdevsim");
	tree_mkdir(root, "sys/module/netdevsim");
	tree_symlink(root, "sys/bus/netdevsim/drivers/netdevsim/module",
		     "../../../../module/netdevsim");
	tree_symlink(root, "sys/bus/netdevsim/devices/netdevsim10",
		     "../../../devices/netdevsim10");
	for (int i = 0; i < 2; i++) {
		snprintf(rel, sizeof(rel), "sys/devices/netdevsim10/net/%s/", nd[i][0]);
		tree_writef(root, strcat(rel, "phys_port_name"), "%s\n", nd[i][1]);
		snprintf(rel, sizeof(rel), "sys/devices/netdevsim10/net/%s/ifindex",
			 nd[i][0]);
		tree_writef(root, rel, "%d\n", 15 + i);
		snprintf(rel, sizeof(rel), "sys/devices/netdevsim10/net/%s/address",
			 nd[i][0]);
		tree_writef(root, rel, "02:00:00:00:00:%02x\n", 15 + i);
		snprintf(rel, sizeof(rel), "sys/devices/netdevsim10/net/%s/operstate",
			 nd[i][0]);
		tree_writef(root, rel, "down\n");
		snprintf(rel, sizeof(rel), "sys/class/net/%s", nd[i][0]);
		tree_symlink(root, rel,
			     i ? "../../devices/netdevsim10/net/eth6"
			       : "../../devices/netdevsim10/net/eth5");
	}
	if (max_vfs >= 0)
		tree_writef(root, "sys/kernel/debug/netdevsim/netdevsim10/max_vfs",
			    "%d\n", max_vfs);
}
