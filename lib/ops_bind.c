// SPDX-License-Identifier: MIT
/*
 * Driver binding through sysfs: driver_override, the current driver's unbind
 * file and the bus's drivers_probe, each write checked and the result
 * verified from the driver link (drivers_probe succeeds even when nothing
 * binds). Everything that can refuse is checked in bind_plan() before the
 * first write.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <libkmod.h>

#include "sriov/bind.h"
#include "sriov/ops.h"
#include "clock.h"
#include "inventory_scan.h"
#include "sysfs_paths.h"

#define SYS_PCI_DRIVERS	     "/sys/bus/pci/drivers"
#define SYS_PCI_PROBE	     "/sys/bus/pci/drivers_probe"
#define SYS_IOMMU_GROUPS     "/sys/kernel/iommu_groups"
#define VFIO_PCI	     "vfio-pci"
#define PCI_CLASS_BRIDGE_PCI 0x0604
#define MAX_NETDEVS	     8
#define VFIO_WAIT_MS	     2000

/* What bind_plan() reads about the function besides the plan's fields. */
struct fn_state {
	bool has_override_file;
	int num_vfs; /* PF: sriov_numvfs, 0 otherwise */
	char netdevs[MAX_NETDEVS][64];
	size_t n_netdevs;
};

/* ---- small helpers -------------------------------------------------------- */

static void warn(struct bind_plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn(struct bind_plan *p, const char *fmt, ...)
{
	va_list ap;

	if (p->n_warnings >= BIND_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(p->warnings[p->n_warnings++], sizeof(p->warnings[0]), fmt, ap);
	va_end(ap);
}

static void add_write(struct bind_plan *p, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_write(struct bind_plan *p, const char *value, const char *fmt, ...)
{
	struct bind_step *s = &p->steps[p->n_steps++];
	va_list ap;

	s->kind = BIND_STEP_WRITE;
	snprintf(s->value, sizeof(s->value), "%s", value);
	va_start(ap, fmt);
	vsnprintf(s->path, sizeof(s->path), fmt, ap);
	va_end(ap);
}

static bool same_driver(const char *a, const char *b)
{
	return a[0] && !strcmp(a, b);
}

static bool driver_loaded(struct sriov_root *r, const char *driver)
{
	return sriov_pathf_exists(r, SYS_PCI_DRIVERS "/%s", driver) == 0;
}

/* ---- reading the function ------------------------------------------------- */

static void read_override(struct sriov_dir *d, struct bind_plan *p, struct fn_state *st)
{
	char *buf = p->previous_override;

	st->has_override_file =
		sriov_dir_read_attr(d, "driver_override", buf,
				    sizeof(p->previous_override), NULL) == 0;
	if (!st->has_override_file || !strcmp(buf, "(null)"))
		buf[0] = '\0';
}

/*
 * The function's netdevs: every /sys/class/net link whose target passes
 * through the function's directory (also those one level down, like
 * virtio's ".../0000:00:03.0/virtio2/net/eth0").
 */
static void read_netdevs(struct sriov_root *r, const char *address, struct fn_state *st)
{
	struct sriov_dirent *ents;
	struct sriov_dir d;
	char target[512], needle[PCI_ADDR_STRLEN + 2];
	size_t n;

	snprintf(needle, sizeof(needle), "/%s/", address);
	if (sriov_list_dir(r, SYS_CLASS_NET, &ents, &n, NULL) < 0)
		return;
	if (sriov_dir_open(r, SYS_CLASS_NET, &d, NULL) < 0) {
		free(ents);
		return;
	}
	for (size_t i = 0; i < n && st->n_netdevs < MAX_NETDEVS; i++) {
		size_t len = strlen(ents[i].name);
		int ret;

		if (len >= sizeof(st->netdevs[0]))
			continue;
		ret = sriov_dir_read_link(&d, ents[i].name, target, sizeof(target), NULL);
		if (ret == 0 && strstr(target, needle))
			memcpy(st->netdevs[st->n_netdevs++], ents[i].name, len + 1);
	}
	sriov_dir_close(&d);
	free(ents);
}

static int read_function(struct sriov_root *r, struct bind_plan *p, struct fn_state *st,
			 struct sriov_err *e)
{
	struct sriov_dir d;
	long long v;

	if (sriov_dir_openf(r, &d, NULL, SYS_PCI_DEVICES "/%s", p->address) < 0) {
		sriov_err_set(e, -ENODEV, "no such PCI function: %s", p->address);
		sriov_err_hint(e,
			       "run `sriovctl list` (or lspci -D) to see the addresses");
		return -ENODEV;
	}
	if (sriov_dir_read_link_base(&d, "driver", p->previous_driver,
				     sizeof(p->previous_driver), NULL) < 0)
		p->previous_driver[0] = '\0';
	read_override(&d, p, st);
	p->iommu_group = scan_read_iommu_group(&d);
	p->is_vf = sriov_dir_has(&d, "physfn") == 0;
	st->num_vfs = 0;
	if (sriov_dir_read_int(&d, "sriov_numvfs", 10, &v, NULL) == 0 && v > 0 &&
	    v < 0x10000)
		st->num_vfs = (int)v;
	sriov_dir_close(&d);
	if (p->previous_driver[0] && !sriov_name_is_safe(p->previous_driver))
		return sriov_err_set(e, -EINVAL, "%s: odd driver link \"%s\"", d.path,
				     p->previous_driver);
	read_netdevs(r, p->address, st);
	return 0;
}

static int check_address(const char *address, struct bind_plan *p, struct sriov_err *e)
{
	struct pci_addr a;

	if (!address || pci_addr_parse(address, &a) < 0)
		return sriov_err_set(e, -EINVAL, "invalid PCI address \"%s\"",
				     address ? address : "");
	pci_addr_format(&a, p->address);
	return 0;
}

/* ---- the driver's module (libkmod) ------------------------------------------ */

/*
 * The module that provides driver, from the module index: -ENOENT when none
 * does, -ENOPKG when this kernel has no module index to ask.
 */
static int module_lookup(const char *driver, char *module, size_t size)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_list *list = NULL;
	struct kmod_module *mod;
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = kmod_load_resources(ctx) < 0 ? -ENOPKG : 0;
	if (ret == 0)
		ret = kmod_module_new_from_lookup(ctx, driver, &list);
	if (ret == 0 && !list)
		ret = -ENOENT;
	if (ret == 0) {
		mod = kmod_module_get_module(list);
		snprintf(module, size, "%s", kmod_module_get_name(mod));
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return ret < 0 ? ret : 0;
}

/*
 * Loads module and its dependencies with libkmod. KMOD_PROBE_IGNORE_COMMAND:
 * an "install" line in modprobe.d would otherwise be run through system(),
 * a shell; sriovctl runs none (docs/threat-model.md).
 */
static int module_load(const char *module, struct sriov_err *e)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	int ret;

	if (!ctx)
		return sriov_err_set(e, -ENOMEM, "libkmod: out of memory");
	ret = kmod_module_new_from_name(ctx, module, &mod);
	if (ret == 0)
		ret = kmod_module_probe_insert_module(mod, KMOD_PROBE_IGNORE_COMMAND,
						      NULL, NULL, NULL, NULL);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	if (ret < 0) {
		sriov_err_set(e, ret, "loading kernel module %s: %s", module,
			      strerror(-ret));
		sriov_err_hint(e, "try `modprobe %s` and read the kernel log (dmesg)",
			       module);
	}
	return ret < 0 ? ret : 0;
}

/* The driver must be registered, or its module loadable (live host only). */
static int plan_driver_available(struct sriov_root *r, struct bind_plan *p,
				 struct sriov_err *e)
{
	char module[64];
	int ret;

	if (driver_loaded(r, p->driver))
		return 0;
	if (!sriov_root_is_host(r)) {
		sriov_err_set(
			e, -ENOENT,
			"driver %s is not loaded: %s/%s does not exist in this tree",
			p->driver, SYS_PCI_DRIVERS, p->driver);
		sriov_err_hint(e, "on the host, load it with `modprobe %s`", p->driver);
		return -ENOENT;
	}
	ret = module_lookup(p->driver, module, sizeof(module));
	if (ret == -ENOPKG) {
		sriov_err_set(e, -ENOENT,
			      "driver %s is not loaded (no %s/%s), and this kernel has "
			      "no module index to find it in",
			      p->driver, SYS_PCI_DRIVERS, p->driver);
		sriov_err_hint(e,
			       "load it with `modprobe %s` (or is it not built for "
			       "this kernel?)",
			       p->driver);
		return -ENOENT;
	}
	if (ret < 0) {
		sriov_err_set(e, -EINVAL,
			      "unknown driver \"%s\": no PCI driver of that name is "
			      "loaded and no kernel module provides it",
			      p->driver);
		sriov_err_hint(e, "the loaded PCI drivers are listed in %s",
			       SYS_PCI_DRIVERS);
		return -EINVAL;
	}
	p->steps[p->n_steps].kind = BIND_STEP_LOAD_MODULE;
	snprintf(p->steps[p->n_steps].value, sizeof(p->steps[0].value), "%s", module);
	p->n_steps++;
	return 0;
}

/* ---- IOMMU group viability (vfio-pci) ------------------------------------- */

struct member {
	char addr[PCI_ADDR_STRLEN];
	char driver[64];
};

static bool is_pci_bridge(struct sriov_root *r, const char *addr)
{
	uint64_t cls;

	if (sriov_readf_u64(r, 16, &cls, NULL, SYS_PCI_DEVICES "/%s/class", addr) < 0)
		return false;
	return (cls >> 8) == PCI_CLASS_BRIDGE_PCI;
}

static bool is_companion(const struct bind_request *req, const char *addr)
{
	struct pci_addr a, b;

	if (pci_addr_parse(addr, &a) < 0)
		return false;
	for (size_t i = 0; i < req->n_companions; i++)
		if (pci_addr_parse(req->companions[i], &b) == 0 && !pci_addr_cmp(&a, &b))
			return true;
	return false;
}

/* Members from /sys/kernel/iommu_groups/N/devices; -ENOENT when the tree lacks it. */
static int members_from_group_dir(struct sriov_root *r, int group, struct member **out,
				  size_t *n)
{
	struct sriov_dirent *ents;
	size_t count;

	if (sriov_list_dirf(r, &ents, &count, NULL, SYS_IOMMU_GROUPS "/%d/devices",
			    group) < 0)
		return -ENOENT;
	*out = calloc(count ? count : 1, sizeof(**out));
	if (!*out) {
		free(ents);
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		struct member *m = &(*out)[*n];

		if (strlen(ents[i].name) >= sizeof(m->addr) ||
		    !sriov_name_is_safe(ents[i].name))
			continue;
		memcpy(m->addr, ents[i].name, strlen(ents[i].name) + 1);
		if (sriov_readf_link_base(r, m->driver, sizeof(m->driver), NULL,
					  SYS_PCI_DEVICES "/%s/driver", m->addr) < 0)
			m->driver[0] = '\0';
		(*n)++;
	}
	free(ents);
	return 0;
}

/* Members from every function's iommu_group link (captured trees). */
static int members_from_scan(struct sriov_root *r, int group, struct member **out,
			     size_t *n)
{
	struct scan sc;
	int ret = scan_functions(r, &sc, NULL);

	if (ret < 0)
		return ret;
	*out = calloc(sc.n_funcs ? sc.n_funcs : 1, sizeof(**out));
	if (!*out) {
		scan_free(&sc);
		return -ENOMEM;
	}
	for (size_t i = 0; i < sc.n_funcs; i++) {
		if (sc.funcs[i].iommu_group != group)
			continue;
		snprintf((*out)[*n].addr, sizeof((*out)[0].addr), "%s", sc.funcs[i].name);
		snprintf((*out)[*n].driver, sizeof((*out)[0].driver), "%s",
			 sc.funcs[i].driver);
		(*n)++;
	}
	scan_free(&sc);
	return 0;
}

/* Lists the members that spoil the group, "ADDR (DRIVER)", into buf. */
static size_t group_spoilers(struct sriov_root *r, const struct bind_request *req,
			     const struct bind_plan *p, const struct member *m, size_t n,
			     char *buf, size_t size)
{
	size_t count = 0, len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(m[i].addr, p->address) || !m[i].driver[0] ||
		    !strcmp(m[i].driver, VFIO_PCI) || is_companion(req, m[i].addr) ||
		    is_pci_bridge(r, m[i].addr))
			continue;
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s (%s)",
						count ? ", " : "", m[i].addr,
						m[i].driver);
		count++;
	}
	return count;
}

static int no_iommu_group(struct bind_plan *p, struct sriov_err *e)
{
	sriov_err_set(e, -EOPNOTSUPP,
		      "%s has no IOMMU group: vfio-pci needs the IOMMU, which is off "
		      "or not supported on this host",
		      p->address);
	sriov_err_hint(e, "enable VT-d (Intel) or AMD-Vi (AMD) in the firmware setup "
			  "and boot with intel_iommu=on or amd_iommu=on; then "
			  "/sys/kernel/iommu_groups lists groups");
	return -EOPNOTSUPP;
}

static int plan_group_viable(struct sriov_root *r, const struct bind_request *req,
			     struct bind_plan *p, struct sriov_err *e)
{
	struct member *m = NULL;
	size_t n = 0, bad;
	char spoilers[256];
	int ret;

	if (p->iommu_group < 0)
		return no_iommu_group(p, e);
	ret = members_from_group_dir(r, p->iommu_group, &m, &n);
	if (ret == -ENOENT)
		ret = members_from_scan(r, p->iommu_group, &m, &n);
	if (ret < 0) {
		free(m);
		return sriov_err_set(e, ret, "reading IOMMU group %d: %s", p->iommu_group,
				     strerror(-ret));
	}
	bad = group_spoilers(r, req, p, m, n, spoilers, sizeof(spoilers));
	free(m);
	if (!bad)
		return 0;
	if (req->force) {
		warn(p,
		     "IOMMU group %d is not viable (forced): %s bound to other drivers; "
		     "/dev/vfio/%d cannot be opened until they are on vfio-pci or "
		     "unbound",
		     p->iommu_group, spoilers, p->iommu_group);
		return 0;
	}
	sriov_err_set(e, -EBUSY,
		      "IOMMU group %d of %s is not viable for vfio-pci: %s %s bound to "
		      "another driver",
		      p->iommu_group, p->address, spoilers, bad == 1 ? "is" : "are");
	sriov_err_hint(e,
		       "every device of the group must be on vfio-pci or on no driver "
		       "(bridges excepted): bind %s to vfio-pci too, or pass --force",
		       bad == 1 ? "it" : "them");
	return -EBUSY;
}

/* ---- refusals: in use, VFs enabled ---------------------------------------- */

static int plan_users(struct sriov_root *r, const struct bind_request *req,
		      const struct usage_snapshot *snap, const struct fn_state *st,
		      struct bind_plan *p, struct sriov_err *e)
{
	struct usage_snapshot *own = NULL;
	const char *names[MAX_NETDEVS];
	char text[400];
	int ret;

	if (!snap) {
		ret = usage_snapshot_read(r, &own, e);
		if (ret < 0)
			return ret;
		snap = own;
	}
	for (size_t i = 0; i < st->n_netdevs; i++)
		names[i] = st->netdevs[i];
	ret = usage_of_function(snap, p->iommu_group, names, st->n_netdevs, &p->users, e);
	usage_snapshot_free(own);
	if (ret < 0 || !p->users.n)
		return ret;
	fn_users_describe(&p->users, text, sizeof(text));
	if (req->force) {
		warn(p, "%s is in use (forced): %s", p->address, text);
		return 0;
	}
	fn_users_free(&p->users);
	sriov_err_set(e, -EBUSY, "%s is in use: %s", p->address, text);
	sriov_err_hint(e, "stop the VM or process, or take the addresses off the "
			  "interface, then run this again; --force goes on anyway (a "
			  "held vfio device blocks the unbind until it is released)");
	return -EBUSY;
}

static int plan_vfs_enabled(const struct bind_request *req, const struct fn_state *st,
			    struct bind_plan *p, struct sriov_err *e)
{
	if (p->is_vf || st->num_vfs <= 0)
		return 0;
	if (req->force) {
		warn(p, "%s has %d VFs enabled (forced): unbinding %s removes them",
		     p->address, st->num_vfs, p->previous_driver);
		return 0;
	}
	sriov_err_set(e, -EBUSY,
		      "%s is a PF with %d VFs enabled: unbinding %s from it removes "
		      "them",
		      p->address, st->num_vfs, p->previous_driver);
	sriov_err_hint(e, "disable the VFs first (sriovctl disable %s), or pass --force",
		       p->address);
	return -EBUSY;
}

/* Checks before the current driver lets go of the function. */
static int plan_detach(struct sriov_root *r, const struct bind_request *req,
		       const struct usage_snapshot *snap, const struct fn_state *st,
		       struct bind_plan *p, struct sriov_err *e)
{
	int ret = plan_vfs_enabled(req, st, p, e);

	if (ret == 0)
		ret = plan_users(r, req, snap, st, p, e);
	return ret;
}

static void add_unbind(struct bind_plan *p)
{
	add_write(p, p->address, SYS_PCI_DRIVERS "/%s/unbind", p->previous_driver);
}

static void add_probe(struct bind_plan *p)
{
	add_write(p, p->address, "%s", SYS_PCI_PROBE);
}

static void add_override(struct bind_plan *p, const char *value)
{
	add_write(p, value, SYS_PCI_DEVICES "/%s/driver_override", p->address);
}

static int no_override_file(struct bind_plan *p, struct sriov_err *e)
{
	sriov_err_set(e, -EOPNOTSUPP, "%s has no driver_override attribute", p->address);
	sriov_err_hint(e, "driver_override needs Linux 3.16 or later");
	return -EOPNOTSUPP;
}

/* ---- the three plans ------------------------------------------------------- */

static int plan_bind_driver(struct sriov_root *r, const struct bind_request *req,
			    const struct usage_snapshot *snap, const struct fn_state *st,
			    struct bind_plan *p, struct sriov_err *e)
{
	int ret;

	if (!st->has_override_file)
		return no_override_file(p, e);
	if (same_driver(p->previous_driver, p->driver)) {
		/* bound already; only a stale override of another driver is fixed */
		if (p->previous_override[0] && strcmp(p->previous_override, p->driver))
			add_override(p, p->driver);
		return 0;
	}
	ret = plan_driver_available(r, p, e);
	if (ret == 0 && !strcmp(p->driver, VFIO_PCI))
		ret = plan_group_viable(r, req, p, e);
	if (ret == 0 && p->previous_driver[0])
		ret = plan_detach(r, req, snap, st, p, e);
	if (ret < 0)
		return ret;
	if (strcmp(p->previous_override, p->driver))
		add_override(p, p->driver);
	if (p->previous_driver[0])
		add_unbind(p);
	add_probe(p);
	return 0;
}

static int plan_default(struct sriov_root *r, const struct bind_request *req,
			const struct usage_snapshot *snap, const struct fn_state *st,
			struct bind_plan *p, struct sriov_err *e)
{
	int ret;

	if (!st->has_override_file)
		return no_override_file(p, e);
	if (!p->previous_override[0]) {
		if (!p->previous_driver[0])
			add_probe(p); /* unbound: let the matching driver have it */
		return 0;
	}
	add_override(p, "\n");
	/* bound to another driver than the override: clearing it is enough */
	if (p->previous_driver[0] && strcmp(p->previous_driver, p->previous_override))
		return 0;
	if (p->previous_driver[0]) {
		ret = plan_detach(r, req, snap, st, p, e);
		if (ret < 0)
			return ret;
		add_unbind(p);
	}
	add_probe(p);
	return 0;
}

static int plan_unbind(struct sriov_root *r, const struct bind_request *req,
		       const struct usage_snapshot *snap, const struct fn_state *st,
		       struct bind_plan *p, struct sriov_err *e)
{
	int ret;

	if (!p->previous_driver[0])
		return 0;
	ret = plan_detach(r, req, snap, st, p, e);
	if (ret < 0)
		return ret;
	add_unbind(p);
	return 0;
}

int bind_plan(struct sriov_root *r, const char *address, const struct bind_request *req,
	      const struct usage_snapshot *snap, struct bind_plan *p, struct sriov_err *e)
{
	struct fn_state st = {0};
	int ret;

	memset(p, 0, sizeof(*p));
	p->iommu_group = -1;
	p->action = req->action;
	p->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : BIND_DEFAULT_TIMEOUT_MS;
	ret = check_address(address, p, e);
	if (ret == 0 && req->action == BIND_DRIVER) {
		ret = bind_driver_name_check(req->driver, e);
		if (ret == 0)
			snprintf(p->driver, sizeof(p->driver), "%s", req->driver);
	}
	if (ret == 0)
		ret = read_function(r, p, &st, e);
	if (ret < 0)
		return ret;
	if (req->action == BIND_DRIVER)
		ret = plan_bind_driver(r, req, snap, &st, p, e);
	else if (req->action == BIND_DEFAULT)
		ret = plan_default(r, req, snap, &st, p, e);
	else
		ret = plan_unbind(r, req, snap, &st, p, e);
	if (ret < 0) {
		bind_plan_free(p);
		return ret;
	}
	p->nothing_to_do = p->n_steps == 0;
	return 0;
}

void bind_plan_free(struct bind_plan *p)
{
	if (p)
		fn_users_free(&p->users);
}

/* ---- carrying it out ------------------------------------------------------- */

/*
 * Writes in a child process (sriov_write_attr_bounded), so that a write the
 * kernel keeps waiting on (unbinding a vfio device that a VM holds blocks
 * until it is released) cannot hang the command: after timeout_ms the child
 * is left to finish.
 */
static int write_bounded(struct sriov_root *r, const struct bind_step *s, int timeout_ms,
			 int *pending_pid, struct sriov_err *e)
{
	int pid, ret;

	ret = sriov_write_attr_bounded(r, s->path, s->value, timeout_ms, &pid, NULL, NULL,
				       e);
	if (ret != -ETIMEDOUT)
		return ret;
	*pending_pid = pid;
	sriov_err_set(e, -ETIMEDOUT,
		      "writing %s to %s has not returned after %d s: the kernel is "
		      "waiting, e.g. for the device's user to release it",
		      s->value, s->path, timeout_ms / 1000);
	sriov_err_hint(e,
		       "the write completes by itself once the kernel lets go "
		       "(process %d); see the kernel log",
		       pid);
	return -ETIMEDOUT;
}

static bool write_may_block(const struct bind_step *s)
{
	return strstr(s->path, "/unbind") || !strcmp(s->path, SYS_PCI_PROBE);
}

static int write_hint(const struct bind_plan *p, const struct bind_step *s, int ret,
		      struct sriov_err *e)
{
	if (ret == -ENODEV && strstr(s->path, "/unbind"))
		sriov_err_hint(e, "%s was not bound to that driver any more", p->address);
	else if (ret == -EINVAL && strstr(s->path, "driver_override"))
		sriov_err_hint(e, "the kernel refused the driver name");
	else if (ret == -EACCES || ret == -EPERM)
		sriov_err_hint(e, "changing driver bindings needs root");
	return ret;
}

static int run_step(struct sriov_root *r, struct bind_plan *p, struct bind_step *s,
		    struct sriov_err *e)
{
	int ret;

	if (s->kind == BIND_STEP_LOAD_MODULE) {
		ret = module_load(s->value, e);
		if (ret == 0 && !driver_loaded(r, p->driver)) {
			sriov_err_set(e, -ENOENT,
				      "module %s loaded, but no PCI driver %s appeared "
				      "in %s",
				      s->value, p->driver, SYS_PCI_DRIVERS);
			return -ENOENT;
		}
		return ret;
	}
	if (write_may_block(s))
		ret = write_bounded(r, s, p->timeout_ms, &p->pending_pid, e);
	else
		ret = sriov_write_attr(r, s->path, s->value, e);
	return ret < 0 ? write_hint(p, s, ret, e) : 0;
}

static void read_after(struct sriov_root *r, struct bind_plan *p)
{
	char *buf = p->override_after;

	if (sriov_readf_link_base(r, p->driver_after, sizeof(p->driver_after), NULL,
				  SYS_PCI_DEVICES "/%s/driver", p->address) < 0)
		p->driver_after[0] = '\0';
	if (sriov_readf_attr(r, buf, sizeof(p->override_after), NULL,
			     SYS_PCI_DEVICES "/%s/driver_override", p->address) < 0 ||
	    !strcmp(buf, "(null)"))
		buf[0] = '\0';
}

static void wait_vfio_device(struct sriov_root *r, struct bind_plan *p)
{
	char dev[32];
	int waited = 0;

	if (p->iommu_group < 0)
		return;
	snprintf(dev, sizeof(dev), "/dev/vfio/%d", p->iommu_group);
	while (sriov_path_exists(r, dev) < 0) {
		if (!sriov_root_is_host(r) || waited >= VFIO_WAIT_MS) {
			warn(p, "%s did not appear (is udev or devtmpfs running?)", dev);
			return;
		}
		sleep_ms(20);
		waited += 20;
	}
	snprintf(p->vfio_device, sizeof(p->vfio_device), "%s", dev);
}

static bool pf_autoprobe_off(struct sriov_root *r, const struct bind_plan *p)
{
	char val[16];

	return p->is_vf &&
	       sriov_readf_attr(r, val, sizeof(val), NULL,
				SYS_PCI_DEVICES "/%s/physfn/sriov_drivers_autoprobe",
				p->address) == 0 &&
	       !strcmp(val, "0");
}

static int verify_bind(struct sriov_root *r, struct bind_plan *p, struct sriov_err *e)
{
	if (!strcmp(p->driver_after, p->driver)) {
		if (!strcmp(p->driver, VFIO_PCI))
			wait_vfio_device(r, p);
		return 0;
	}
	if (p->driver_after[0])
		sriov_err_set(e, -EIO,
			      "%s: drivers_probe returned, but %s is bound to %s",
			      p->address, p->address, p->driver_after);
	else
		sriov_err_set(e, -EIO,
			      "%s: drivers_probe returned, but no driver bound: %s did "
			      "not accept the device",
			      p->address, p->driver);
	sriov_err_hint(e, "the kernel log (dmesg) says why; driver_override is now %s",
		       p->override_after[0] ? p->override_after : "empty");
	return -EIO;
}

static int verify_default(struct sriov_root *r, struct bind_plan *p, struct sriov_err *e)
{
	if (p->override_after[0]) {
		sriov_err_set(e, -EIO,
			      "%s: driver_override still reads %s after clearing",
			      p->address, p->override_after);
		return -EIO;
	}
	if (p->driver_after[0])
		return 0;
	if (pf_autoprobe_off(r, p))
		warn(p,
		     "%s has no driver now: its PF's sriov_drivers_autoprobe is 0, so "
		     "the "
		     "kernel probes no driver for its VFs unless one is named "
		     "(sriovctl bind %s DRIVER)",
		     p->address, p->address);
	else
		warn(p,
		     "%s has no driver now: no loaded driver claimed it (load its "
		     "driver's module, or sriovctl bind %s DRIVER)",
		     p->address, p->address);
	return 0;
}

static int verify_unbind(struct bind_plan *p, struct sriov_err *e)
{
	if (!p->driver_after[0])
		return 0;
	return sriov_err_set(e, -EIO, "%s is still bound to %s after the unbind",
			     p->address, p->driver_after);
}

int bind_apply(struct sriov_root *r, struct bind_plan *p, struct sriov_err *e)
{
	for (size_t i = 0; i < p->n_steps; i++) {
		int ret = run_step(r, p, &p->steps[i], e);

		if (ret < 0)
			return ret;
		p->steps[i].done = true;
	}
	return bind_verify(r, p, e);
}

int bind_verify(struct sriov_root *r, struct bind_plan *p, struct sriov_err *e)
{
	p->applied = true;
	p->vfio_device[0] = '\0';
	read_after(r, p);
	if (p->action == BIND_DRIVER)
		return verify_bind(r, p, e);
	if (p->action == BIND_DEFAULT)
		return verify_default(r, p, e);
	return verify_unbind(p, e);
}
