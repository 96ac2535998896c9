// SPDX-License-Identifier: MIT
/*
 * The per-PF rules of `sriovctl check`: SR-IOV capability and TotalVFs, VF
 * BAR space, bus range, ARI, ACS on the path, IOMMU groups, PF and VF
 * drivers, zero VF MACs, VF migration and PF passthrough. check_pf_read()
 * reads what the rules need through the root into a struct pf_facts
 * (checks_pf.h); the rules (rule_*) only judge those facts and, when a fact
 * could not be read, say so (skip).
 *
 * Finding ids (stable; subject is the PF's address unless noted):
 *   pf.sriov        capability present, effective TotalVFs and what limits it
 *   pf.iov_bars     VF BAR space reserved (resource lines 7-12)
 *   pf.bus_range    bus of the last VF against the upstream bridge's subordinate bus
 *   pf.ari          ARI capability and ARI forwarding at the upstream port
 *   pf.acs          ACS controls on every bridge up to the root port
 *   pf.iommu_group  the VFs' groups viable for vfio (or, without VFs, the PF's group)
 *   vf.iommu_group  one VF whose group is not viable (subject: the VF)
 *   pf.driver       PF driver bound, or the module to load
 *   pf.vf_driver    module for the VFs' modalias, blacklisted or not; a
 *                   blacklist is advised only when nothing but VFs uses it
 *   vf.zero_mac     one VF with an all-zero MAC (subject: the VF); a pass or
 *                   skip for the PF when none has
 *   pf.migration    SR-IOV IOVCap VF Migration Capable
 *   pf.passthrough  SR-IOV enabled: the PF itself cannot be passed through
 */
#include <errno.h>
#include <inttypes.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/checks_pf.h"
#include "sriov/vf_limit.h"
#include "sysfs_paths.h"

#define PCI_CLASS_BRIDGE_PCI 0x0604
#define IOV_RES_FIRST	     6 /* lines 7-12 of "resource" (0-based 6..11) */
#define IOV_RES_COUNT	     6
#define CFG_SECONDARY_BUS    0x19
#define CFG_SUBORDINATE_BUS  0x1a
#define CFG_HEADER_TYPE	     0x0e
#define LIST_MAX	     PF_FACTS_LIST_MAX

#define BOOT_ARG_HOWTO                                                                   \
	"(GRUB: append it to GRUB_CMDLINE_LINUX in /etc/default/grub, then "             \
	"update-grub; "                                                                  \
	"systemd-boot/Proxmox: /etc/kernel/cmdline, then proxmox-boot-tool refresh) "    \
	"and "                                                                           \
	"reboot"

typedef int (*pf_rule)(const struct pf_facts *f, struct findings *out);

/* ---- helpers -------------------------------------------------------------- */

static bool sriov_from_config(const struct pf *pf)
{
	return pf->has_caps && pf->caps.has_sriov && pf->caps.sriov.offset != 0;
}

/* The limit sriov_totalvfs or the capability sets (vf_limit.h); -1 when unknown. */
static int effective_total_vfs(const struct pf *pf)
{
	struct vf_limit l;

	vf_limit_of(pf, &l);
	return l.total_vfs;
}

static int vf_offset(const struct pf *pf)
{
	if (pf->sysfs_vf_offset >= 0)
		return pf->sysfs_vf_offset;
	return sriov_from_config(pf) ? pf->caps.sriov.vf_offset : -1;
}

static int vf_stride(const struct pf *pf)
{
	if (pf->sysfs_vf_stride >= 0)
		return pf->sysfs_vf_stride;
	return sriov_from_config(pf) ? pf->caps.sriov.vf_stride : -1;
}

static int vf_device_id(const struct pf *pf)
{
	if (pf->sysfs_vf_device > 0)
		return pf->sysfs_vf_device;
	return sriov_from_config(pf) ? pf->caps.sriov.vf_device_id : -1;
}

/* Routing ID of VF index (may exceed 0xffff: beyond the last bus). */
static uint32_t vf_rid(const struct pf *pf, int offset, int stride, int index)
{
	return pci_addr_rid(&pf->addr) + (uint32_t)offset +
	       (uint32_t)stride * (uint32_t)index;
}

/* The name used in `sriovctl vf NAME/INDEX`: the PF's netdev, or its address. */
static const char *pf_name(const struct pf *pf)
{
	return pf->n_netdevs ? pf->netdevs[0].name : pf->addr_str;
}

static void list_append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void list_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strnlen(buf, size);
	va_list ap;

	if (len + 3 >= size)
		return;
	if (len) {
		memcpy(buf + len, ", ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/* ---- reading: the facts --------------------------------------------------- */

static void read_fn_config(struct sriov_root *r, const char *addr, struct fn_config *fc)
{
	static __thread char raw[PCI_CFG_EXT_SIZE + 1];
	size_t len = 0;
	int ret;

	memset(fc, 0, sizeof(*fc));
	if (!sriov_name_is_safe(addr)) {
		snprintf(fc->why, sizeof(fc->why), "%s: not a device name", addr);
		fc->ret = -EINVAL;
		return;
	}
	sriov_pathf(NULL, fc->path, sizeof(fc->path), SYS_PCI_DEVICES "/%s/config", addr);
	ret = sriov_readf_file(r, raw, sizeof(raw), &len, NULL,
			       SYS_PCI_DEVICES "/%s/config", addr);
	if (ret < 0 || len < 64) {
		snprintf(fc->why, sizeof(fc->why), "%s: %s", fc->path,
			 ret < 0 ? strerror(-ret) : "shorter than 64 bytes");
		fc->ret = ret < 0 ? ret : -EIO;
		return;
	}
	fc->cfg.len = len >= PCI_CFG_EXT_SIZE	? PCI_CFG_EXT_SIZE
		      : len >= PCI_CFG_STD_SIZE ? PCI_CFG_STD_SIZE
						: 64;
	memcpy(fc->cfg.data, raw, fc->cfg.len);
	fc->decoded = pci_caps_decode(&fc->cfg, &fc->caps, NULL) == 0;
}

static bool is_fn_name(const char *s)
{
	struct pci_addr a;
	char canon[PCI_ADDR_STRLEN];

	if (pci_addr_parse(s, &a) < 0)
		return false;
	pci_addr_format(&a, canon);
	return !strcmp(canon, s);
}

static void chain_add(struct pf_chain *ch, const char *comp)
{
	if (!strncmp(comp, "pci", 3)) {
		snprintf(ch->root_bus, sizeof(ch->root_bus), "%s", comp);
		ch->n = 0;
		return;
	}
	if (!is_fn_name(comp) || ch->n >= PF_FACTS_CHAIN_MAX)
		return;
	snprintf(ch->bridges[ch->n++], PCI_ADDR_STRLEN, "%s", comp);
}

static void chain_reverse(struct pf_chain *ch)
{
	char tmp[PCI_ADDR_STRLEN];

	for (size_t i = 0; i < ch->n / 2; i++) {
		memcpy(tmp, ch->bridges[i], sizeof(tmp));
		memcpy(ch->bridges[i], ch->bridges[ch->n - 1 - i], sizeof(tmp));
		memcpy(ch->bridges[ch->n - 1 - i], tmp, sizeof(tmp));
	}
}

/* The bridges above the PF, from its /sys/devices path; ret -ENOENT (why) when unread. */
static void read_chain(struct sriov_root *r, const struct pf *pf, struct pf_chain *ch)
{
	char target[1024], *save = NULL;

	memset(ch, 0, sizeof(*ch));
	if (sriov_readf_link(r, target, sizeof(target), NULL, SYS_PCI_DEVICES "/%s",
			     pf->addr_str) < 0) {
		snprintf(ch->why, sizeof(ch->why),
			 SYS_PCI_DEVICES "/%s: not a link to the device directory",
			 pf->addr_str);
		ch->ret = -ENOENT;
		return;
	}
	for (char *comp = strtok_r(target, "/", &save); comp;
	     comp = strtok_r(NULL, "/", &save))
		chain_add(ch, comp);
	if (!ch->n || strcmp(ch->bridges[ch->n - 1], pf->addr_str)) {
		snprintf(ch->why, sizeof(ch->why),
			 SYS_PCI_DEVICES "/%s: its link does not end in the device",
			 pf->addr_str);
		ch->n = 0;
		ch->ret = -ENOENT;
		return;
	}
	ch->n--; /* the PF itself */
	chain_reverse(ch);
}

static void parse_iov_res(const char *buf, struct iov_resources *res)
{
	const char *p = buf;

	for (; *p; res->lines++) {
		unsigned long long start = 0, end = 0, flags = 0;
		const char *nl = strchr(p, '\n');
		int k = res->lines - IOV_RES_FIRST;

		if (k >= 0 && k < IOV_RES_COUNT &&
		    sscanf(p, "%llx %llx %llx", &start, &end, &flags) == 3) {
			snprintf(res->text[k], sizeof(res->text[k]),
				 "0x%016llx 0x%016llx 0x%016llx", start, end, flags);
			res->declared += start || end || flags;
			res->assigned += start != 0;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void read_resources(struct sriov_root *r, const struct pf *pf,
			   struct iov_resources *res)
{
	char buf[4096];

	memset(res, 0, sizeof(*res));
	sriov_pathf(NULL, res->path, sizeof(res->path), SYS_PCI_DEVICES "/%s/resource",
		    pf->addr_str);
	res->ret = sriov_readf_file(r, buf, sizeof(buf), NULL, NULL,
				    SYS_PCI_DEVICES "/%s/resource", pf->addr_str);
	if (res->ret == 0)
		parse_iov_res(buf, res);
}

/* The fact about function addr, or NULL when it was not read. */
static const struct fn_fact *fn_fact_of(const struct pf_facts *f, const char *addr)
{
	for (size_t i = 0; i < f->n_fns; i++)
		if (!strcmp(f->fns[i].addr, addr))
			return &f->fns[i];
	return NULL;
}

/* The driver bound to addr as read; "" when none or not read. */
static const char *fn_driver(const struct pf_facts *f, const char *addr)
{
	const struct fn_fact *fn = fn_fact_of(f, addr);

	return fn ? fn->driver : "";
}

static bool fn_is_bridge(const struct pf_facts *f, const char *addr)
{
	const struct fn_fact *fn = fn_fact_of(f, addr);

	return fn && fn->bridge;
}

static int read_fn_fact(struct sriov_root *r, struct pf_facts *f, const char *addr)
{
	struct fn_fact *grown, *fn;
	uint64_t cls;

	if (fn_fact_of(f, addr))
		return 0;
	grown = realloc(f->fns, (f->n_fns + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	f->fns = grown;
	fn = &f->fns[f->n_fns++];
	memset(fn, 0, sizeof(*fn));
	snprintf(fn->addr, sizeof(fn->addr), "%s", addr);
	if (!sriov_name_is_safe(addr))
		return 0;
	if (sriov_readf_link_base(r, fn->driver, sizeof(fn->driver), NULL,
				  SYS_PCI_DEVICES "/%s/driver", addr) < 0)
		fn->driver[0] = '\0';
	fn->bridge = sriov_readf_u64(r, 16, &cls, NULL, SYS_PCI_DEVICES "/%s/class",
				     addr) == 0 &&
		     (cls >> 8) == PCI_CLASS_BRIDGE_PCI;
	return 0;
}

static int read_group_facts(struct sriov_root *r, struct pf_facts *f, int group)
{
	const struct iommu_group *g = group >= 0 ? inventory_group(f->inv, group) : NULL;

	for (size_t i = 0; g && i < g->n_members; i++)
		if (read_fn_fact(r, f, g->members[i]) < 0)
			return -ENOMEM;
	return 0;
}

/* The members of the groups rule_iommu_group judges: each VF's, or the PF's. */
static int read_groups(struct sriov_root *r, struct pf_facts *f)
{
	const struct pf *pf = f->pf;

	if (!pf->n_vfs)
		return read_group_facts(r, f, pf->iommu_group);
	for (size_t i = 0; i < pf->n_vfs; i++)
		if (read_group_facts(r, f, pf->vfs[i].iommu_group) < 0)
			return -ENOMEM;
	return 0;
}

static bool in_list(struct kmod_list *list, const char *name)
{
	struct kmod_list *it;

	kmod_list_foreach(it, list)
	{
		struct kmod_module *m = kmod_module_get_module(it);
		bool same = !strcmp(kmod_module_get_name(m), name);

		kmod_module_unref(m);
		if (same)
			return true;
	}
	return false;
}

/* True when name is one of the ", "-separated names of list. */
static bool in_names(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, name, n))
			return true;
		p += n;
		p += strspn(p, ", ");
	}
	return false;
}

static void note_module(struct kmod_module *m, struct kmod_list *allowed,
			struct module_match *mm)
{
	const char *name = kmod_module_get_name(m);

	if (mm->n && in_names(mm->names, name))
		return; /* the index may list a module twice for one alias */
	if (!mm->n++)
		snprintf(mm->first, sizeof(mm->first), "%s", name);
	list_append(mm->names, sizeof(mm->names), "%s", name);
	if (!in_list(allowed, name)) {
		list_append(mm->blacklisted, sizeof(mm->blacklisted), "%s", name);
		mm->n_blacklisted++;
	}
}

/* Modules matching modalias into mm; mm->ret -errno when the index cannot be searched. */
static void lookup_modules(struct kmod_ctx *ctx, const char *modalias,
			   struct module_match *mm)
{
	struct kmod_list *list = NULL, *allowed = NULL, *it;
	int ret;

	memset(mm, 0, sizeof(*mm));
	ret = kmod_module_new_from_lookup(ctx, modalias, &list);
	if (ret == 0)
		ret = kmod_module_apply_filter(ctx, KMOD_FILTER_BLACKLIST, list,
					       &allowed);
	if (ret == 0) {
		kmod_list_foreach(it, list)
		{
			struct kmod_module *m = kmod_module_get_module(it);

			note_module(m, allowed, mm);
			kmod_module_unref(m);
		}
	}
	kmod_module_unref_list(allowed);
	kmod_module_unref_list(list);
	mm->ret = ret;
}

static int read_modalias(struct sriov_root *r, const char *addr, char *buf, size_t size)
{
	if (!sriov_name_is_safe(addr))
		return -EINVAL;
	return sriov_readf_attr(r, buf, size, NULL, SYS_PCI_DEVICES "/%s/modalias", addr);
}

/* A VF's modalias, or one built from the PF's vendor and the VF device id. */
static int vf_modalias(struct sriov_root *r, const struct pf *pf, char *buf, size_t size,
		       char *source, size_t source_size)
{
	int dev = vf_device_id(pf);

	if (pf->n_vfs && read_modalias(r, pf->vfs[0].addr_str, buf, size) == 0) {
		snprintf(source, source_size, SYS_PCI_DEVICES "/%s/modalias",
			 pf->vfs[0].addr_str);
		return 0;
	}
	if (dev <= 0 || pf->vendor_id == 0xffff)
		return -ENOENT;
	snprintf(buf, size, "pci:v%08Xd%08Xsv*sd*bc%02Xsc%02Xi%02X", pf->vendor_id,
		 (unsigned int)dev, (pf->class_code >> 16) & 0xff,
		 (pf->class_code >> 8) & 0xff, pf->class_code & 0xff);
	snprintf(source, source_size,
		 "built from vendor %04x and VF device id %04x "
		 "(no VF enabled)",
		 pf->vendor_id, (unsigned int)dev);
	return 0;
}

/* Module names compare with '-' and '_' alike (vfio-pci is module vfio_pci). */
static bool same_module(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return false;
	return *a == *b;
}

/* The module of a PCI driver: its /sys/bus/pci/drivers/DRV/module, else its name. */
static void driver_module(struct sriov_root *r, const char *driver, char *buf,
			  size_t size)
{
	if (sriov_readf_link_base(r, buf, size, NULL, "/sys/bus/pci/drivers/%s/module",
				  driver) < 0)
		snprintf(buf, size, "%s", driver); /* built in: the driver's name */
}

/*
 * The functions that are not VFs (no physfn link) bound to a driver of
 * module, and the modules holding it.
 */
static int read_module_users(struct sriov_root *r, const char *module,
			     struct module_users *u)
{
	struct sriov_dirent *ents = NULL;
	size_t n = 0;

	memset(u, 0, sizeof(*u));
	if (!sriov_name_is_safe(module))
		return 0;
	if (sriov_list_dir(r, SYS_PCI_DEVICES, &ents, &n, NULL) == -ENOMEM)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *addr = ents[i].name;
		char driver[64], mod[64];

		if (!sriov_name_is_safe(addr) ||
		    sriov_readf_link_base(r, driver, sizeof(driver), NULL,
					  SYS_PCI_DEVICES "/%s/driver", addr) < 0 ||
		    !sriov_name_is_safe(driver) ||
		    sriov_pathf_exists(r, SYS_PCI_DEVICES "/%s/physfn", addr) == 0)
			continue;
		driver_module(r, driver, mod, sizeof(mod));
		if (!same_module(mod, module))
			continue;
		list_append(u->functions, sizeof(u->functions), "%s (%s)", addr, driver);
		u->n_functions++;
	}
	free(ents);
	ents = NULL;
	if (sriov_list_dirf(r, &ents, &n, NULL, "/sys/module/%s/holders", module) < 0)
		n = 0;
	for (size_t i = 0; i < n; i++)
		list_append(u->holders, sizeof(u->holders), "%s", ents[i].name);
	u->n_holders = n;
	free(ents);
	return 0;
}

static int read_modules(const struct check_context *c, struct pf_facts *f)
{
	const struct pf *pf = f->pf;

	f->module_index = c->kmod != NULL;
	snprintf(f->module_index_unavailable, sizeof(f->module_index_unavailable), "%s",
		 c->kmod ? "" : c->kmod_unavailable);
	f->pf_modalias_ret = read_modalias(c->root, pf->addr_str, f->pf_modalias,
					   sizeof(f->pf_modalias));
	f->vf_modalias_ret =
		vf_modalias(c->root, pf, f->vf_modalias, sizeof(f->vf_modalias),
			    f->vf_modalias_source, sizeof(f->vf_modalias_source));
	if (!c->kmod)
		return 0;
	if (!pf->driver[0] && f->pf_modalias_ret == 0)
		lookup_modules(c->kmod, f->pf_modalias, &f->pf_modules);
	if (f->vf_modalias_ret < 0)
		return 0;
	lookup_modules(c->kmod, f->vf_modalias, &f->vf_modules);
	if (f->vf_modules.ret < 0 || !f->vf_modules.n)
		return 0;
	return read_module_users(c->root, f->vf_modules.first, &f->vf_module_users);
}

int check_pf_read(const struct check_context *c, const struct pf *pf,
		  struct pf_facts **out, struct sriov_err *e)
{
	struct pf_facts *f = calloc(1, sizeof(*f));
	struct distro d;

	*out = NULL;
	if (!f)
		return sriov_err_set(e, -ENOMEM, "check %s: out of memory", pf->addr_str);
	f->pf = pf;
	f->inv = c->inv;
	read_chain(c->root, pf, &f->chain);
	if (f->chain.n) {
		f->bridges = calloc(f->chain.n, sizeof(*f->bridges));
		if (!f->bridges)
			goto nomem;
		for (size_t i = 0; i < f->chain.n; i++)
			read_fn_config(c->root, f->chain.bridges[i], &f->bridges[i]);
	}
	read_resources(c->root, pf, &f->resources);
	if (read_groups(c->root, f) < 0 || read_modules(c, f) < 0)
		goto nomem;
	distro_read(c->root, &d);
	initramfs_tool_of(c->root, &d, &f->initramfs);
	vf_fn_pf_read(c->root, pf->addr_str, pf->n_netdevs ? pf->netdevs[0].name : "",
		      &f->bounds);
	*out = f;
	return 0;
nomem:
	check_pf_facts_free(f);
	return sriov_err_set(e, -ENOMEM, "check %s: out of memory", pf->addr_str);
}

void check_pf_facts_free(struct pf_facts *f)
{
	if (!f)
		return;
	free(f->bridges);
	free(f->fns);
	free(f);
}

/*
 * ---- judging: the rules ---------------------------------------------------
 * Each rule_* reads nothing: it turns facts into findings. A new per-PF rule
 * is a fact read in check_pf_read() (when the inventory lacks it), a rule_*
 * below and a row of the table at the end.
 */

/* ---- pf.sriov ------------------------------------------------------------- */

static void sriov_limit_evidence(const struct pf *pf, struct finding *fd)
{
	const struct sriov_cap *s = &pf->caps.sriov;

	finding_evidence(fd,
			 "%s/%s/config: SR-IOV capability at 0x%03x: TotalVFs %u, "
			 "InitialVFs %u",
			 SYS_PCI_DEVICES, pf->addr_str, s->offset, s->total_vfs,
			 s->initial_vfs);
	if (pf->total_vfs >= 0)
		finding_evidence(fd, "%s/%s/sriov_totalvfs: %d", SYS_PCI_DEVICES,
				 pf->addr_str, pf->total_vfs);
}

/* Where the limit comes from, in the words `show` uses too. */
static void totalvfs_origin(const struct pf *pf, char *buf, size_t size)
{
	struct vf_limit l;
	size_t len;

	vf_limit_of(pf, &l);
	vf_limit_describe(pf, &l, buf, size);
	len = strlen(buf);
	if (l.source == VF_LIMIT_CAPABILITY && len < size)
		snprintf(buf + len, size - len,
			 "; some make it configurable, e.g. mlx5 NUM_OF_VFS in "
			 "mlxconfig");
}

static int sriov_zero_total(const struct pf *pf, struct findings *out)
{
	struct finding *fd = findings_add(out, "pf.sriov", pf->addr_str, CHECK_FAIL,
					  "TotalVFs is 0: SR-IOV is off in the device "
					  "or its firmware");

	if (!fd)
		return -ENOMEM;
	if (sriov_from_config(pf))
		sriov_limit_evidence(pf, fd);
	else
		finding_evidence(fd, "%s/%s/sriov_totalvfs: 0", SYS_PCI_DEVICES,
				 pf->addr_str);
	finding_remedy(fd,
		       "turn SR-IOV on in the BIOS setup (ASUS: Advanced > PCI "
		       "Subsystem Settings > SR-IOV Support; Gigabyte: SR-IOV Support)");
	finding_remedy(fd,
		       "turn it on in the card's firmware, e.g. mlx5: mlxconfig -d %s "
		       "set SRIOV_EN=1 NUM_OF_VFS=8, then reboot",
		       pf->addr_str);
	return 0;
}

static int sriov_no_capability(const struct pf *pf, struct findings *out)
{
	struct finding *fd = findings_add(out, "pf.sriov", pf->addr_str, CHECK_FAIL,
					  "no SR-IOV capability in config space");

	if (!fd)
		return -ENOMEM;
	finding_evidence(fd,
			 "%s/%s/config: %d bytes read, extended capability list "
			 "has no SR-IOV (0x0010) entry",
			 SYS_PCI_DEVICES, pf->addr_str, PCI_CFG_EXT_SIZE);
	finding_remedy(fd, "turn SR-IOV on in the BIOS setup or the card's firmware; "
			   "some cards hide the capability until then");
	return 0;
}

static int rule_sriov(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	int total = effective_total_vfs(pf);
	struct finding *fd;
	char origin[256];

	if (!sriov_from_config(pf) && pf->has_caps && pf->caps.ext_space_read)
		return sriov_no_capability(pf, out);
	if (total < 0) {
		fd = findings_add(out, "pf.sriov", pf->addr_str, CHECK_SKIP,
				  "TotalVFs unknown: neither the capability nor "
				  "sriov_totalvfs is readable");
		return fd ? 0 : -ENOMEM;
	}
	if (total == 0)
		return sriov_zero_total(pf, out);
	totalvfs_origin(pf, origin, sizeof(origin));
	fd = findings_add(out, "pf.sriov", pf->addr_str, CHECK_PASS,
			  "SR-IOV capable: up to %d VFs (%s)", total, origin);
	if (!fd)
		return -ENOMEM;
	if (sriov_from_config(pf)) {
		sriov_limit_evidence(pf, fd);
		return 0;
	}
	finding_evidence(fd, "%s/%s/sriov_totalvfs: %d", SYS_PCI_DEVICES, pf->addr_str,
			 pf->total_vfs);
	finding_evidence(fd,
			 "%s/%s/config: capability not read (only the first %s "
			 "bytes are readable without root); sysfs values used",
			 SYS_PCI_DEVICES, pf->addr_str, pf->has_caps ? "64 or 256" : "0");
	return 0;
}

/* ---- pf.iov_bars ---------------------------------------------------------- */

static void iov_res_evidence(const char *path, const struct iov_resources *res,
			     struct finding *fd)
{
	finding_evidence(fd, "%s: lines 7-12 (IOV BARs): %d with an address", path,
			 res->assigned);
	for (int k = 0; k < IOV_RES_COUNT; k++)
		if (res->text[k][0] && strncmp(res->text[k],
					       "0x0000000000000000 0x00000000"
					       "00000000 0x0000000000000000",
					       56))
			finding_evidence(fd, "%s: line %d: %s", path,
					 IOV_RES_FIRST + 1 + k, res->text[k]);
}

static int rule_iov_bars(const struct pf_facts *f, struct findings *out)
{
	const struct iov_resources *res = &f->resources;
	const char *addr = f->pf->addr_str;
	struct finding *fd;

	if (res->ret < 0 || res->lines < IOV_RES_FIRST + 1) {
		fd = findings_add(out, "pf.iov_bars", addr, CHECK_SKIP,
				  "VF BAR space not checked: %s: %s", res->path,
				  res->ret < 0 ? strerror(-res->ret)
					       : "has no IOV lines (7-12)");
		return fd ? 0 : -ENOMEM;
	}
	if (res->assigned && res->assigned == res->declared) {
		fd = findings_add(out, "pf.iov_bars", addr, CHECK_PASS,
				  "VF BAR space reserved (%d IOV resource%s)",
				  res->assigned, res->assigned == 1 ? "" : "s");
		if (fd)
			iov_res_evidence(res->path, res, fd);
		return fd ? 0 : -ENOMEM;
	}
	fd = findings_add(out, "pf.iov_bars", addr, CHECK_FAIL,
			  "no memory reserved for %s VF BARs: enabling VFs fails with "
			  "ENOMEM (\"not enough MMIO resources for SR-IOV\")",
			  res->assigned ? "some" : "the");
	if (!fd)
		return -ENOMEM;
	iov_res_evidence(res->path, res, fd);
	finding_remedy(fd,
		       "turn SR-IOV on in the BIOS setup (ASUS: Advanced > PCI "
		       "Subsystem Settings > SR-IOV Support; Gigabyte: SR-IOV Support)");
	finding_remedy(fd,
		       "or add pci=realloc to the kernel command line " BOOT_ARG_HOWTO);
	return 0;
}

/* ---- pf.bus_range --------------------------------------------------------- */

struct vf_layout {
	int total, offset, stride;
	uint32_t last_rid;
	unsigned int last_bus;
};

/* Fills l; a reason in why and false when the numbers are not known. */
static bool vf_layout_read(const struct pf *pf, struct vf_layout *l, char *why,
			   size_t size)
{
	l->total = effective_total_vfs(pf);
	l->offset = vf_offset(pf);
	l->stride = vf_stride(pf);
	if (l->total <= 0) {
		snprintf(why, size, "TotalVFs is %d", l->total);
		return false;
	}
	if (l->offset <= 0 || (l->total > 1 && l->stride <= 0)) {
		snprintf(why, size,
			 "VF offset/stride unknown (sriov_offset %d, "
			 "sriov_stride %d)",
			 l->offset, l->stride);
		return false;
	}
	l->last_rid = vf_rid(pf, l->offset, l->stride, l->total - 1);
	l->last_bus = l->last_rid >> 8;
	return true;
}

static void layout_evidence(const struct pf *pf, const struct vf_layout *l,
			    struct finding *fd)
{
	finding_evidence(fd,
			 "%s/%s: routing ID 0x%04x, VF offset %d, stride %d "
			 "(sriov_offset, sriov_stride or the capability), TotalVFs %d",
			 SYS_PCI_DEVICES, pf->addr_str, pci_addr_rid(&pf->addr),
			 l->offset, l->stride, l->total);
	finding_evidence(fd, "last VF (index %d): routing ID 0x%04" PRIx32 " -> bus %02x",
			 l->total - 1, l->last_rid, l->last_bus);
}

/* How many VFs have their bus at or below subordinate. */
static int vfs_fitting(const struct pf *pf, const struct vf_layout *l,
		       unsigned int subordinate)
{
	uint32_t limit = subordinate << 8 | 0xff, first = vf_rid(pf, l->offset, 0, 0);

	if (first > limit)
		return 0;
	if (l->stride <= 0)
		return l->total;
	return (int)((limit - first) / (uint32_t)l->stride) + 1;
}

static int bus_range_skip(const struct pf *pf, struct findings *out, const char *why)
{
	return findings_add(out, "pf.bus_range", pf->addr_str, CHECK_SKIP,
			    "bus range not checked: %s", why)
		       ? 0
		       : -ENOMEM;
}

static int bus_range_verdict(const struct pf *pf, const struct vf_layout *l,
			     const struct fn_config *bc, const char *bridge,
			     struct findings *out)
{
	unsigned int secondary = bc->cfg.data[CFG_SECONDARY_BUS];
	unsigned int sub = bc->cfg.data[CFG_SUBORDINATE_BUS];
	bool fits = l->last_bus <= sub && l->last_rid <= 0xffff;
	struct finding *fd;
	int max;

	if (fits)
		fd = findings_add(
			out, "pf.bus_range", pf->addr_str, CHECK_PASS,
			"all %d VFs fit the buses of bridge %s (up to bus %02x)",
			l->total, bridge, sub);
	else
		fd = findings_add(
			out, "pf.bus_range", pf->addr_str, CHECK_FAIL,
			"%d VFs need bus %02x, beyond the subordinate bus %02x of "
			"bridge %s",
			l->total, l->last_bus, sub, bridge);
	if (!fd)
		return -ENOMEM;
	layout_evidence(pf, l, fd);
	finding_evidence(fd, "%s: secondary bus (0x19) %02x, subordinate bus (0x1a) %02x",
			 bc->path, secondary, sub);
	if (fits)
		return 0;
	max = vfs_fitting(pf, l, sub);
	finding_evidence(fd,
			 "the kernel would log: can't enable %d VFs (bus %02x out of "
			 "range of [bus %02x-%02x])",
			 l->total, l->last_bus, secondary, sub);
	finding_remedy(
		fd, "add pci=assign-busses to the kernel command line " BOOT_ARG_HOWTO);
	finding_remedy(fd,
		       "pci=realloc does NOT fix this (it moves memory windows, not bus "
		       "numbers)");
	finding_remedy(fd, "or enable at most %d VFs: sriovctl enable %s %d", max,
		       pf->addr_str, max);
	return 0;
}

static int rule_bus_range(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	const struct fn_config *bc = f->bridges;
	struct vf_layout l;
	char why[256];
	struct finding *fd;

	if (!vf_layout_read(pf, &l, why, sizeof(why)))
		return bus_range_skip(pf, out, why);
	if (l.last_bus == pf->addr.bus && l.last_rid <= 0xffff) {
		fd = findings_add(out, "pf.bus_range", pf->addr_str, CHECK_PASS,
				  "all %d VFs sit on the PF's own bus %02x", l.total,
				  pf->addr.bus);
		if (fd)
			layout_evidence(pf, &l, fd);
		return fd ? 0 : -ENOMEM;
	}
	if (f->chain.ret < 0)
		return bus_range_skip(pf, out, f->chain.why);
	if (!f->chain.n) {
		snprintf(why, sizeof(why),
			 "the PF is on root bus %s, whose range the "
			 "firmware sets (not readable here)",
			 f->chain.root_bus);
		return bus_range_skip(pf, out, why);
	}
	if (bc->ret < 0)
		return bus_range_skip(pf, out, bc->why);
	if ((bc->cfg.data[CFG_HEADER_TYPE] & 0x7f) != 1)
		return bus_range_skip(pf, out, "the upstream device is not a PCI bridge");
	return bus_range_verdict(pf, &l, bc, f->chain.bridges[0], out);
}

/* ---- pf.ari --------------------------------------------------------------- */

/* True when some VF sits at a device number other than 0 (function > 7). */
static bool vfs_need_ari(const struct pf *pf, const struct vf_layout *l)
{
	for (int i = 0; i < l->total; i++)
		if (vf_rid(pf, l->offset, l->stride, i) & 0xf8)
			return true;
	return false;
}

static void ari_pf_evidence(const struct pf *pf, struct finding *fd)
{
	if (!pf->caps.ext_space_read) {
		finding_evidence(fd,
				 "%s/%s/config: extended space not readable (not root): "
				 "the PF's ARI capability is unknown",
				 SYS_PCI_DEVICES, pf->addr_str);
		return;
	}
	if (pf->caps.has_ari)
		finding_evidence(fd, "%s/%s/config: ARI capability at 0x%03x%s",
				 SYS_PCI_DEVICES, pf->addr_str, pf->caps.ari.offset,
				 sriov_from_config(pf) &&
						 pf->caps.sriov.ari_capable_hierarchy
					 ? ", IOVCtl ARI Capable Hierarchy set"
					 : "");
	else
		finding_evidence(fd, "%s/%s/config: no ARI capability", SYS_PCI_DEVICES,
				 pf->addr_str);
}

static void ari_port_evidence(const struct fn_config *bc, struct finding *fd)
{
	const struct pcie_cap *p = &bc->caps.pcie;

	if (!bc->caps.has_pcie || !p->has_v2_regs) {
		finding_evidence(fd, "%s: no PCIe capability v2 (no DevCap2)", bc->path);
		return;
	}
	finding_evidence(fd, "%s: PCIe DevCap2 ARIFwd%c, DevCtl2 ARIFwd%c", bc->path,
			 p->ari_forwarding_supported ? '+' : '-',
			 p->ari_forwarding_enabled ? '+' : '-');
}

static int ari_verdict(const struct pf *pf, const struct fn_config *bc,
		       const char *bridge, struct findings *out)
{
	const struct pcie_cap *p = &bc->caps.pcie;
	bool pf_ari = !pf->caps.ext_space_read || pf->caps.has_ari;
	bool ok = p->has_v2_regs && p->ari_forwarding_enabled && pf_ari;
	struct finding *fd;

	fd = findings_add(
		out, "pf.ari", pf->addr_str, ok ? CHECK_PASS : CHECK_FAIL,
		ok ? "VFs use function numbers above 7: ARI forwarding is on at "
		     "the upstream port"
		   : "VFs use function numbers above 7 but ARI is not in effect: "
		     "those VFs are unreachable (config space reads all ff)");
	if (!fd)
		return -ENOMEM;
	ari_pf_evidence(pf, fd);
	ari_port_evidence(bc, fd);
	if (ok)
		return 0;
	if (!pf_ari) {
		finding_remedy(fd, "the PF has no ARI capability: enable only the VFs on "
				   "device 0 of the bus, or update the card's firmware");
		return 0;
	}
	if (!p->has_v2_regs || !p->ari_forwarding_supported) {
		finding_remedy(fd,
			       "port %s cannot forward ARI: move the card to a slot "
			       "whose port supports ARI (a CPU root port), or update the "
			       "BIOS",
			       bridge);
		return 0;
	}
	finding_remedy(fd,
		       "port %s supports ARI forwarding but it is off: turn ARI on in "
		       "the BIOS/UEFI setup; its name varies by vendor, e.g. \"PCIe ARI "
		       "Support\" (Gigabyte), \"ARI Support\" and \"ARI Forward\" "
		       "(Intel server boards: Intel Platform Configuration > "
		       "Miscellaneous), \"ARI Forwarding\" (AMI Aptio: PCI Express "
		       "settings)",
		       bridge);
	finding_remedy(fd, "and remove pci=noari from the kernel command line if "
			   "present");
	return 0;
}

static int ari_simple(const struct pf *pf, struct findings *out, enum check_status status,
		      const char *summary)
{
	struct finding *fd =
		findings_add(out, "pf.ari", pf->addr_str, status, "%s", summary);

	if (!fd)
		return -ENOMEM;
	ari_pf_evidence(pf, fd);
	return 0;
}

static int ari_with_port(const struct pf *pf, const struct fn_config *bc,
			 const char *bridge, struct findings *out)
{
	char summary[256];

	if (bc->ret < 0 || !bc->decoded || !bc->caps.has_pcie) {
		snprintf(summary, sizeof(summary), "ARI forwarding not checked: %s",
			 bc->why[0]
				 ? bc->why
				 : "the upstream port's PCIe capability is not readable "
				   "(config space beyond 64 bytes needs root)");
		return ari_simple(pf, out, CHECK_SKIP, summary);
	}
	return ari_verdict(pf, bc, bridge, out);
}

static int rule_ari(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	struct vf_layout l;
	char why[256], summary[320];

	if (!vf_layout_read(pf, &l, why, sizeof(why))) {
		snprintf(summary, sizeof(summary), "ARI not checked: %s", why);
		return ari_simple(pf, out, CHECK_SKIP, summary);
	}
	if (!vfs_need_ari(pf, &l))
		return ari_simple(
			pf, out, CHECK_PASS,
			"every VF fits functions 0-7 of device 0: ARI not needed");
	if (f->chain.ret < 0) {
		snprintf(summary, sizeof(summary), "ARI forwarding not checked: %s",
			 f->chain.why);
		return ari_simple(pf, out, CHECK_SKIP, summary);
	}
	if (!f->chain.n)
		return ari_simple(
			pf, out, CHECK_PASS,
			"the PF is on a root bus: no upstream port has to forward "
			"ARI");
	return ari_with_port(pf, &f->bridges[0], f->chain.bridges[0], out);
}

/* ---- pf.acs --------------------------------------------------------------- */

static const char *port_type_name(uint8_t t)
{
	switch (t) {
	case PCIE_TYPE_ROOT_PORT:
		return "root port";
	case PCIE_TYPE_UPSTREAM:
		return "switch upstream port";
	case PCIE_TYPE_DOWNSTREAM:
		return "switch downstream port";
	case PCIE_TYPE_PCIE_PCI_BRIDGE:
		return "PCIe-to-PCI bridge";
	default:
		return "bridge";
	}
}

/* Appends the missing ACS controls of one bridge to missing; true when all are on. */
static bool acs_bridge_ok(const struct fn_config *bc, char *missing, size_t size)
{
	const struct acs_bits *b = &bc->caps.acs.control;

	missing[0] = '\0';
	if (!bc->caps.has_acs) {
		snprintf(missing, size, "no ACS capability");
		return false;
	}
	if (!b->source_validation)
		list_append(missing, size, "SrcValid");
	if (!b->request_redirect)
		list_append(missing, size, "ReqRedir");
	if (!b->completion_redirect)
		list_append(missing, size, "CmpltRedir");
	if (!b->upstream_forwarding)
		list_append(missing, size, "UpstreamFwd");
	return !missing[0];
}

/* One bridge: evidence line; false (and its name in bad) when ACS is lacking. */
static bool acs_check_bridge(const struct fn_config *bc, const char *addr,
			     struct finding *fd, char *bad, size_t bad_size)
{
	uint8_t type = bc->caps.pcie.port_type;
	char missing[128];

	if (!bc->caps.has_pcie) {
		finding_evidence(fd, "%s: conventional PCI bridge: no isolation",
				 bc->path);
		list_append(bad, bad_size, "%s (conventional PCI)", addr);
		return false;
	}
	if (type == PCIE_TYPE_UPSTREAM) {
		finding_evidence(fd, "%s: %s: ACS not applicable", bc->path,
				 port_type_name(type));
		return true;
	}
	if (acs_bridge_ok(bc, missing, sizeof(missing))) {
		finding_evidence(fd,
				 "%s: %s: ACSCtl SrcValid+ ReqRedir+ CmpltRedir+ "
				 "UpstreamFwd+",
				 bc->path, port_type_name(type));
		return true;
	}
	finding_evidence(fd, "%s: %s: %s%s", bc->path, port_type_name(type),
			 bc->caps.has_acs ? "ACSCtl off: " : "", missing);
	list_append(bad, bad_size, "%s (%s)", addr, missing);
	return type != PCIE_TYPE_ROOT_PORT && type != PCIE_TYPE_DOWNSTREAM &&
	       type != PCIE_TYPE_PCIE_PCI_BRIDGE;
}

static void acs_remedy(struct finding *fd)
{
	finding_remedy(fd,
		       "the VFs may share an IOMMU group with other devices (see "
		       "pf.iommu_group); move the card to a slot whose ports have ACS, "
		       "or update the BIOS");
	finding_remedy(fd, "last resort: a kernel with the pcie_acs_override patch "
			   "(pcie_acs_override=downstream,multifunction on its command "
			   "line) splits the groups, but the isolation is then only "
			   "pretended: DMA between those devices is not checked, so a VM "
			   "can reach the other devices");
}

/*
 * Judges every bridge's config into fd's evidence; returns 1 when all have
 * ACS, 0 when some lack it, -EAGAIN (why filled) when one is unreadable.
 */
static int acs_walk(const struct pf_facts *f, struct finding *fd, char *bad,
		    size_t bad_size, char *why, size_t why_size)
{
	bool all = true;

	for (size_t i = 0; i < f->chain.n; i++) {
		const struct fn_config *bc = &f->bridges[i];

		if (bc->ret < 0 || !bc->decoded) {
			snprintf(why, why_size, "%s", bc->why);
			return -EAGAIN;
		}
		if (!bc->caps.ext_space_read) {
			snprintf(why, why_size,
				 "%s: only %zu bytes readable (ACS is an "
				 "extended capability: run as root)",
				 bc->path, bc->cfg.len);
			return -EAGAIN;
		}
		if (!acs_check_bridge(bc, f->chain.bridges[i], fd, bad, bad_size))
			all = false;
	}
	return all;
}

static int rule_acs(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	char why[256] = "", bad[LIST_MAX] = "";
	struct finding *fd;
	int ret;

	if (f->chain.ret < 0)
		return findings_add(out, "pf.acs", pf->addr_str, CHECK_SKIP,
				    "ACS not checked: %s", f->chain.why)
			       ? 0
			       : -ENOMEM;
	if (!f->chain.n)
		return findings_add(out, "pf.acs", pf->addr_str, CHECK_PASS,
				    "no bridge between the PF and root bus %s",
				    f->chain.root_bus)
			       ? 0
			       : -ENOMEM;
	fd = findings_add(out, "pf.acs", pf->addr_str, CHECK_PASS,
			  "ACS on every bridge up to the root port (%zu)", f->chain.n);
	if (!fd)
		return -ENOMEM;
	ret = acs_walk(f, fd, bad, sizeof(bad), why, sizeof(why));
	if (ret == -EAGAIN) {
		fd->status = CHECK_SKIP;
		finding_set_summary(fd, "ACS not checked: %s", why);
	} else if (ret == 0) {
		fd->status = CHECK_WARN;
		finding_set_summary(fd, "ACS missing on the path to the root port: %s",
				    bad);
		acs_remedy(fd);
	}
	return 0;
}

/* ---- pf.iommu_group / vf.iommu_group -------------------------------------- */

/*
 * Members of group other than self and bridges; with only_bound, only those
 * bound to a driver other than vfio-pci (the ones that spoil it for vfio).
 */
static size_t group_others(const struct pf_facts *f, const struct iommu_group *g,
			   const char *self, bool only_bound, char *list, size_t size)
{
	size_t bad = 0;

	list[0] = '\0';
	for (size_t i = 0; i < g->n_members; i++) {
		const char *m = g->members[i];
		const char *driver = fn_driver(f, m);

		if (!strcmp(m, self) || fn_is_bridge(f, m))
			continue;
		if (only_bound && (!driver[0] || !strcmp(driver, "vfio-pci")))
			continue;
		list_append(list, size, "%s (%s)", m, driver[0] ? driver : "no driver");
		bad++;
	}
	return bad;
}

static void group_evidence(const struct pf_facts *f, const struct iommu_group *g,
			   struct finding *fd)
{
	char list[LIST_MAX] = "";

	for (size_t i = 0; i < g->n_members; i++) {
		const char *driver = fn_driver(f, g->members[i]);

		list_append(list, sizeof(list), "%s (%s)", g->members[i],
			    driver[0] ? driver : "no driver");
	}
	finding_evidence(fd, "/sys/kernel/iommu_groups/%d/devices: %s", g->id, list);
}

static int vf_group_finding(const struct pf_facts *f, const struct vf *vf,
			    const struct iommu_group *g, const char *spoilers,
			    struct findings *out)
{
	const struct pf *pf = f->pf;
	struct finding *fd;

	fd = findings_add(out, "vf.iommu_group", vf->addr_str, CHECK_WARN,
			  "VF %s/%u: IOMMU group %d is not viable for vfio: %s",
			  pf_name(pf), vf->index, g->id, spoilers);
	if (!fd)
		return -ENOMEM;
	group_evidence(f, g, fd);
	finding_remedy(fd, "to pass the VF through, bind every member listed to vfio-pci "
			   "too (sriovctl bind ADDRESS vfio-pci), or put the card where "
			   "ACS isolates it (see pf.acs)");
	return 0;
}

/* Checks each VF's group; counts into *viable / *no_group. */
static int vf_groups(const struct pf_facts *f, struct findings *out, size_t *viable,
		     size_t *no_group)
{
	const struct pf *pf = f->pf;
	char spoilers[LIST_MAX];

	*viable = *no_group = 0;
	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct vf *vf = &pf->vfs[i];
		const struct iommu_group *g =
			vf->iommu_group >= 0 ? inventory_group(f->inv, vf->iommu_group)
					     : NULL;

		if (!g) {
			(*no_group)++;
			continue;
		}
		if (!group_others(f, g, vf->addr_str, true, spoilers, sizeof(spoilers))) {
			(*viable)++;
			continue;
		}
		if (vf_group_finding(f, vf, g, spoilers, out) < 0)
			return -ENOMEM;
	}
	return 0;
}

static void vf_groups_evidence(const struct pf *pf, struct finding *fd)
{
	char list[LIST_MAX] = "";

	for (size_t i = 0; i < pf->n_vfs; i++)
		if (pf->vfs[i].iommu_group >= 0)
			list_append(list, sizeof(list), "%s %d", pf->vfs[i].addr_str,
				    pf->vfs[i].iommu_group);
	if (list[0])
		finding_evidence(fd, "/sys/bus/pci/devices/VF/iommu_group: %s", list);
}

static int vf_groups_summary(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	size_t viable, no_group;
	struct finding *fd;

	if (vf_groups(f, out, &viable, &no_group) < 0)
		return -ENOMEM;
	if (no_group == pf->n_vfs)
		fd = findings_add(out, "pf.iommu_group", pf->addr_str, CHECK_SKIP,
				  "the VFs have no IOMMU group: the IOMMU is off (see "
				  "platform.iommu)");
	else if (viable == pf->n_vfs)
		fd = findings_add(
			out, "pf.iommu_group", pf->addr_str, CHECK_PASS,
			"each of the %zu VFs is in an IOMMU group viable for vfio",
			pf->n_vfs);
	else
		fd = findings_add(
			out, "pf.iommu_group", pf->addr_str, CHECK_WARN,
			"%zu of %zu VFs are in IOMMU groups not viable for vfio "
			"(see vf.iommu_group)",
			pf->n_vfs - viable, pf->n_vfs);
	if (!fd)
		return -ENOMEM;
	vf_groups_evidence(pf, fd);
	if (no_group && no_group < pf->n_vfs)
		finding_evidence(fd, "%zu VFs without an IOMMU group", no_group);
	return 0;
}

/* No VFs enabled: predicts from the PF's own group. */
static int pf_group_prediction(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	const struct iommu_group *g =
		pf->iommu_group >= 0 ? inventory_group(f->inv, pf->iommu_group) : NULL;
	char others[LIST_MAX];
	struct finding *fd;

	if (!g)
		return findings_add(out, "pf.iommu_group", pf->addr_str, CHECK_SKIP,
				    "no VFs enabled and the PF has no IOMMU group: the "
				    "IOMMU is off (see platform.iommu)")
			       ? 0
			       : -ENOMEM;
	group_others(f, g, pf->addr_str, false, others, sizeof(others));
	fd = findings_add(
		out, "pf.iommu_group", pf->addr_str, others[0] ? CHECK_WARN : CHECK_PASS,
		others[0] ? "the PF shares IOMMU group %d with %s: its VFs will "
			    "probably land in a shared group too"
			  : "no VFs enabled; the PF is alone in IOMMU group %d%s "
			    "(bridges aside): its VFs should get groups of their own",
		g->id, others);
	if (!fd)
		return -ENOMEM;
	group_evidence(f, g, fd);
	if (others[0])
		finding_remedy(fd, "see pf.acs: ACS on the path isolates the functions");
	return 0;
}

static int rule_iommu_group(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	if (pf->n_vfs)
		return vf_groups_summary(f, out);
	return pf_group_prediction(f, out);
}

/* ---- pf.driver ------------------------------------------------------------ */

static void pf_driver_remedy(const struct pf_facts *f, struct finding *fd)
{
	const struct module_match *mm = &f->pf_modules;
	const struct pf *pf = f->pf;

	if (f->pf_modalias_ret < 0) {
		finding_remedy(fd, "load the driver for %04x:%04x (modprobe DRIVER)",
			       pf->vendor_id, pf->device_id);
		return;
	}
	finding_evidence(fd, "%s/%s/modalias: %s", SYS_PCI_DEVICES, pf->addr_str,
			 f->pf_modalias);
	if (!f->module_index) {
		finding_evidence(fd, "module index: %s", f->module_index_unavailable);
		finding_remedy(fd,
			       "load the driver whose alias matches %s (modprobe DRIVER)",
			       f->pf_modalias);
		return;
	}
	if (mm->ret < 0 || !mm->n) {
		finding_evidence(fd, "module index: no module matches the modalias");
		finding_remedy(fd,
			       "install the vendor's driver for %04x:%04x, then "
			       "modprobe it",
			       pf->vendor_id, pf->device_id);
		return;
	}
	finding_evidence(fd, "module index: %s matches", mm->names);
	if (mm->n_blacklisted)
		finding_remedy(fd,
			       "%s is blacklisted in /etc/modprobe.d: remove that line",
			       mm->blacklisted);
	finding_remedy(fd, "modprobe %s", mm->first);
}

static int rule_driver(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	struct finding *fd;

	if (pf->driver[0]) {
		fd = findings_add(out, "pf.driver", pf->addr_str, CHECK_PASS,
				  "PF driver %s is bound", pf->driver);
		if (fd)
			finding_evidence(fd, "%s/%s/driver -> %s%s%s", SYS_PCI_DEVICES,
					 pf->addr_str, pf->driver,
					 pf->module[0] ? ", module " : "", pf->module);
		return fd ? 0 : -ENOMEM;
	}
	fd = findings_add(
		out, "pf.driver", pf->addr_str, CHECK_FAIL,
		"no driver bound to the PF: VFs cannot be enabled (sriov_numvfs "
		"answers ENOENT)");
	if (!fd)
		return -ENOMEM;
	finding_evidence(fd, "%s/%s/driver: absent", SYS_PCI_DEVICES, pf->addr_str);
	pf_driver_remedy(f, fd);
	return 0;
}

/* ---- pf.vf_driver --------------------------------------------------------- */

static size_t vfs_on_vfio(const struct pf *pf)
{
	size_t n = 0;

	for (size_t i = 0; i < pf->n_vfs; i++)
		n += !strcmp(pf->vfs[i].driver, "vfio-pci");
	return n;
}

/*
 * True when the host itself uses the VF module: a function that is not a
 * VF is bound to it (the PF for nvme or mlx5_core, the boot disk for nvme),
 * or another module holds it. Blacklisting it would take it from them.
 */
static bool vf_module_host_used(const struct pf_facts *f)
{
	return f->vf_module_users.n_functions || f->vf_module_users.n_holders;
}

static void module_users_evidence(const struct pf_facts *f, struct finding *fd)
{
	const struct module_users *u = &f->vf_module_users;
	const char *mod = f->vf_modules.first;

	if (u->n_functions)
		finding_evidence(fd, "functions that are not VFs bound to %s: %s", mod,
				 u->functions);
	else
		finding_evidence(fd, "no function other than VFs is bound to %s", mod);
	if (u->n_holders)
		finding_evidence(fd, "/sys/module/%s/holders: %s", mod, u->holders);
}

/* What uses the module besides VFs, in words: "0000:02:00.0 (nvme)". */
static const char *host_users(const struct pf_facts *f, char *buf, size_t size)
{
	const struct module_users *u = &f->vf_module_users;

	if (u->n_functions && u->n_holders)
		snprintf(buf, size, "%s and the modules %s", u->functions, u->holders);
	else if (u->n_functions)
		snprintf(buf, size, "%s", u->functions);
	else
		snprintf(buf, size, "the modules %s", u->holders);
	return buf;
}

/* The step that makes a modprobe.d change reach the boot: the distribution's tool. */
static void initramfs_remedy(const struct pf_facts *f, struct finding *fd)
{
	const struct initramfs_tool *t = &f->initramfs;

	if (t->n == 1) {
		finding_remedy(fd, "%s", t->cmds[0]);
		return;
	}
	finding_remedy(fd,
		       "then rebuild the initramfs with the distribution's tool: %s "
		       "(Debian, Ubuntu), %s (Fedora, RHEL, openEuler, SUSE) or %s "
		       "(Arch)",
		       INITRAMFS_DEBIAN, INITRAMFS_DRACUT, INITRAMFS_ARCH);
}

static void blacklist_remedy(const struct pf_facts *f, struct finding *fd)
{
	const char *mod = f->vf_modules.first;

	finding_remedy(fd, "echo 'blacklist %s' > /etc/modprobe.d/sriovctl-%s.conf", mod,
		       mod);
	initramfs_remedy(f, fd);
	finding_remedy(fd,
		       "or enable with sriovctl enable %s N --autoprobe no (also "
		       "works when %s is built into the kernel)",
		       pf_name(f->pf), mod);
}

/* The host uses the VF module: keep it, and keep new VFs away from it instead. */
static void keep_module_remedy(const struct pf_facts *f, struct finding *fd)
{
	const char *mod = f->vf_modules.first;
	char users[LIST_MAX + 300];

	finding_remedy(fd, "do not blacklist %s: the host uses it for %s", mod,
		       host_users(f, users, sizeof(users)));
	finding_remedy(fd,
		       "enable with sriovctl enable %s N --autoprobe no (new VFs get "
		       "no driver), then sriovctl bind VF vfio-pci (driver_override)",
		       pf_name(f->pf));
	finding_remedy(fd,
		       "or for sriovctl apply: autoprobe = no and vf_driver = vfio-pci "
		       "in the PF's section");
}

static int vf_driver_verdict(const struct pf_facts *f, struct finding *fd)
{
	const struct module_match *mm = &f->vf_modules;
	size_t vfio = vfs_on_vfio(f->pf);
	bool host_used = vf_module_host_used(f);
	char users[LIST_MAX + 300];

	finding_evidence(fd, "module index: %s matches", mm->names);
	if (mm->n_blacklisted) {
		finding_evidence(fd, "blacklisted in modprobe.d: %s", mm->blacklisted);
		finding_set_summary(
			fd,
			"VF driver %s is blacklisted: new VFs get no host driver (as "
			"wanted when all VFs go to VMs)",
			mm->first);
		return 0;
	}
	module_users_evidence(f, fd);
	if (vfio && host_used) {
		fd->status = CHECK_WARN;
		finding_set_summary(fd,
				    "%zu VF%s on vfio-pci, but the host driver %s takes "
				    "every new VF first; do not blacklist it (the host "
				    "uses it for %s): enable with --autoprobe no",
				    vfio, vfio == 1 ? " is" : "s are", mm->first,
				    host_users(f, users, sizeof(users)));
		keep_module_remedy(f, fd);
		return 0;
	}
	if (vfio) {
		fd->status = CHECK_WARN;
		finding_set_summary(fd,
				    "%zu VF%s on vfio-pci, but the host driver %s takes "
				    "every new VF first; blacklist it when all VFs go to "
				    "VMs",
				    vfio, vfio == 1 ? " is" : "s are", mm->first);
		blacklist_remedy(f, fd);
		return 0;
	}
	if (host_used) {
		finding_set_summary(fd,
				    "VF driver %s available: the host takes each new VF; "
				    "when all VFs go to VMs, enable with --autoprobe no "
				    "(not a blacklist: the host uses %s for %s)",
				    mm->first, mm->first,
				    host_users(f, users, sizeof(users)));
		return 0;
	}
	finding_set_summary(
		fd,
		"VF driver %s available: the host takes each new VF; when all VFs go to "
		"VMs, blacklist it (or enable with --autoprobe no)",
		mm->first);
	return 0;
}

static int rule_vf_driver(const struct pf_facts *f, struct findings *out)
{
	const struct module_match *mm = &f->vf_modules;
	const char *addr = f->pf->addr_str;
	struct finding *fd;

	if (!f->module_index)
		return findings_add(out, "pf.vf_driver", addr, CHECK_SKIP,
				    "VF driver not checked: %s",
				    f->module_index_unavailable)
			       ? 0
			       : -ENOMEM;
	if (f->vf_modalias_ret < 0)
		return findings_add(out, "pf.vf_driver", addr, CHECK_SKIP,
				    "VF driver not checked: the VF device id is unknown")
			       ? 0
			       : -ENOMEM;
	fd = findings_add(
		out, "pf.vf_driver", addr,
		mm->ret < 0 ? CHECK_SKIP
		: mm->n	    ? CHECK_PASS
			    : CHECK_WARN,
		mm->ret < 0 ? "VF driver not checked: the module index cannot be "
			      "searched (%s)"
			    : "no module matches the VF's modalias: VFs get no host "
			      "driver (fine for vfio-pci passthrough; the host cannot "
			      "use them)",
		mm->ret < 0 ? strerror(-mm->ret) : "");
	if (!fd)
		return -ENOMEM;
	finding_evidence(fd, "%s: %s", f->vf_modalias_source, f->vf_modalias);
	if (mm->ret < 0 || !mm->n)
		return 0;
	return vf_driver_verdict(f, fd);
}

/* ---- vf.zero_mac ---------------------------------------------------------- */

static bool mac_is_zero(const uint8_t mac[6])
{
	for (int i = 0; i < 6; i++)
		if (mac[i])
			return false;
	return true;
}

static int zero_mac_finding(const struct pf *pf, const struct vf *vf,
			    struct findings *out)
{
	struct finding *fd = findings_add(out, "vf.zero_mac", vf->addr_str, CHECK_WARN,
					  "VF %s/%u has MAC 00:00:00:00:00:00: the guest "
					  "driver picks a random one at each boot, or "
					  "refuses to start",
					  pf_name(pf), vf->index);

	if (!fd)
		return -ENOMEM;
	finding_evidence(fd, "rtnetlink %s vf %u: mac 00:00:00:00:00:00", pf_name(pf),
			 vf->index);
	finding_remedy(fd, "sriovctl vf %s/%u set mac auto", pf_name(pf), vf->index);
	return 0;
}

static int rule_zero_mac(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	size_t known = 0, zero = 0;
	struct finding *fd;

	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct vf *vf = &pf->vfs[i];

		if (!vf->has_info || !vf->info.has_mac)
			continue;
		known++;
		if (!mac_is_zero(vf->info.mac))
			continue;
		zero++;
		if (zero_mac_finding(pf, vf, out) < 0)
			return -ENOMEM;
	}
	if (zero)
		return 0;
	if (!pf->n_vfs)
		fd = findings_add(out, "vf.zero_mac", pf->addr_str, CHECK_SKIP,
				  "no VFs enabled: no VF MACs to check");
	else if (!known)
		fd = findings_add(out, "vf.zero_mac", pf->addr_str, CHECK_SKIP,
				  "VF MACs unknown: %s",
				  pf->n_netdevs ? "rtnetlink gave no VF list"
						: "the PF has no netdev");
	else
		fd = findings_add(out, "vf.zero_mac", pf->addr_str, CHECK_PASS,
				  "every VF has a MAC set (%zu of %zu known)", known,
				  pf->n_vfs);
	return fd ? 0 : -ENOMEM;
}

/* ---- vf.mtu ------------------------------------------------------------------ */

static int mtu_finding(const struct pf_facts *f, const struct vf *vf,
		       struct findings *out)
{
	const struct pf *pf = f->pf;
	struct finding *fd = findings_add(
		out, "vf.mtu", vf->addr_str, CHECK_WARN,
		"VF %s/%u's netdev %s has MTU %u, above the PF's %u (%s): frames "
		"longer than the PF takes are dropped",
		pf_name(pf), vf->index, vf->n_netdevs ? vf->netdevs[0].name : "?",
		vf->info.mtu, f->bounds.mtu, pf_name(pf));

	if (!fd)
		return -ENOMEM;
	finding_evidence(fd, "sysfs %s/mtu %u, %s/mtu %u",
			 vf->n_netdevs ? vf->netdevs[0].name : "?", vf->info.mtu,
			 pf_name(pf), f->bounds.mtu);
	finding_remedy(fd, "sriovctl vf %s/%u set mtu %u (or raise the PF's MTU)",
		       pf_name(pf), vf->index, f->bounds.mtu);
	return 0;
}

static int rule_vf_mtu(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	size_t known = 0, above = 0;
	struct finding *fd;

	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct vf *vf = &pf->vfs[i];

		if (!vf->info.has_mtu || !f->bounds.has_mtu)
			continue;
		known++;
		if (vf->info.mtu <= f->bounds.mtu)
			continue;
		above++;
		if (mtu_finding(f, vf, out) < 0)
			return -ENOMEM;
	}
	if (above)
		return 0;
	if (!f->bounds.has_mtu)
		fd = findings_add(out, "vf.mtu", pf->addr_str, CHECK_SKIP,
				  "the PF's MTU is unknown: %s",
				  pf->n_netdevs ? "its netdev's sysfs mtu is unreadable"
						: "the PF has no netdev");
	else if (!known)
		fd = findings_add(out, "vf.mtu", pf->addr_str, CHECK_SKIP,
				  "no VF has a netdev (no VF MTU to compare)");
	else
		fd = findings_add(out, "vf.mtu", pf->addr_str, CHECK_PASS,
				  "no VF's MTU is above the PF's %u (%zu VF netdevs)",
				  f->bounds.mtu, known);
	return fd ? 0 : -ENOMEM;
}

/* ---- pf.migration / pf.passthrough ---------------------------------------- */

static int rule_migration(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	const struct sriov_cap *s = &pf->caps.sriov;
	struct finding *fd;

	if (!sriov_from_config(pf))
		return findings_add(out, "pf.migration", pf->addr_str, CHECK_SKIP,
				    "VF migration capability not read: config space "
				    "beyond 64 bytes needs root")
			       ? 0
			       : -ENOMEM;
	fd = findings_add(
		out, "pf.migration", pf->addr_str, s->migration ? CHECK_PASS : CHECK_WARN,
		s->migration ? "VF Migration Capable: the device supports VF "
			       "migration (live migration also needs the VF "
			       "driver's support)"
			     : "not VF Migration Capable: plan VMs holding these "
			       "VFs without live migration, or with a vfio "
			       "migration driver for this device");
	if (fd)
		finding_evidence(fd, "%s/%s/config: IOVCap 0x%08x: Migration%c",
				 SYS_PCI_DEVICES, pf->addr_str, s->cap_raw,
				 s->migration ? '+' : '-');
	return fd ? 0 : -ENOMEM;
}

static int rule_passthrough(const struct pf_facts *f, struct findings *out)
{
	const struct pf *pf = f->pf;
	struct finding *fd;
	bool enabled = pf->num_vfs > 0;

	if (pf->num_vfs < 0)
		return findings_add(out, "pf.passthrough", pf->addr_str, CHECK_SKIP,
				    "sriov_numvfs unreadable")
			       ? 0
			       : -ENOMEM;
	fd = findings_add(out, "pf.passthrough", pf->addr_str,
			  enabled ? CHECK_WARN : CHECK_PASS,
			  enabled ? "SR-IOV is enabled (%d VFs): the PF itself cannot be "
				    "passed through to a VM"
				  : "SR-IOV is off (%d VFs): the PF itself can be passed "
				    "through",
			  pf->num_vfs);
	if (!fd)
		return -ENOMEM;
	finding_evidence(fd, "%s/%s/sriov_numvfs: %d", SYS_PCI_DEVICES, pf->addr_str,
			 pf->num_vfs);
	if (enabled)
		finding_remedy(fd,
			       "to pass the PF itself through: sriovctl disable %s first",
			       pf_name(pf));
	return 0;
}

/* ---- the table ------------------------------------------------------------ */

int check_pf_judge(const struct pf_facts *f, struct findings *out, struct sriov_err *e)
{
	static const pf_rule rules[] = {
		rule_sriov,    rule_iov_bars,	 rule_bus_range, rule_ari,
		rule_acs,      rule_iommu_group, rule_driver,	 rule_vf_driver,
		rule_zero_mac, rule_vf_mtu,	 rule_migration, rule_passthrough,
	};

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i](f, out) < 0)
			return sriov_err_set(e, -ENOMEM, "check %s: out of memory",
					     f->pf->addr_str);
	return 0;
}

int check_pf(const struct check_context *c, const struct pf *pf, struct findings *out,
	     struct sriov_err *e)
{
	struct pf_facts *f;
	int ret = check_pf_read(c, pf, &f, e);

	if (ret < 0)
		return ret;
	ret = check_pf_judge(f, out, e);
	check_pf_facts_free(f);
	return ret;
}
