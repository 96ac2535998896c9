// SPDX-License-Identifier: MIT
/*
 * Who is using a PCI function: processes holding its IOMMU group's
 * /dev/vfio/GROUP open, and its netdevs when they are up with addresses or
 * the default route. The host is read once into a snapshot; functions are
 * then looked up in it.
 *
 * The process scan lists /proc and every /proc/PID/fd through directory
 * descriptors opened inside the root, without recording those listings for
 * `capture` (they would archive every open file of every process): only the
 * /dev/vfio links found, and the comm and cmdline of their processes, are
 * read through the recording calls. A process that exits during the scan, or
 * whose fds are not readable, is skipped.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "sriov/usage.h"

#define CMDLINE_MAX	  65536
#define RECORDED_ADDR_MAX (4 << 20)
#define VFIO_DIR	  "/dev/vfio/"
#define RTF_UP_FLAG	  0x0001

struct vfio_holder {
	int pid;
	int group;
	char command[64];
	char vm_name[128];
};

struct usage_snapshot {
	struct sriov_root *r;
	struct vfio_holder *holders;
	size_t n_holders, cap_holders;
	struct usage_addr *addrs;
	size_t n_addrs;
	char (*route_ifs)[IF_NAMESIZE];
	size_t n_route_ifs, cap_route_ifs;
	bool partial;
	char *cmdline; /* scratch buffer, CMDLINE_MAX bytes */
};

/* ---- users -------------------------------------------------------------- */

void fn_users_free(struct fn_users *u)
{
	if (!u)
		return;
	free(u->v);
	u->v = NULL;
	u->n = 0;
}

static struct fn_user *users_push(struct fn_users *u)
{
	struct fn_user *grown = realloc(u->v, (u->n + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	u->v = grown;
	memset(&u->v[u->n], 0, sizeof(u->v[u->n]));
	return &u->v[u->n++];
}

static void describe_process(const struct fn_user *u, char *buf, size_t size)
{
	if (u->vm_name[0])
		snprintf(buf, size, "pid %d %s (VM \"%s\") holds %s", u->pid,
			 u->command[0] ? u->command : "?", u->vm_name, u->device);
	else
		snprintf(buf, size, "pid %d %s holds %s", u->pid,
			 u->command[0] ? u->command : "?", u->device);
}

static void describe_netdev(const struct fn_user *u, char *buf, size_t size)
{
	size_t len;

	len = (size_t)snprintf(buf, size, "%s is up", u->ifname);
	for (size_t i = 0; i < u->n_addrs && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i ? ", " : " with ", u->addrs[i]);
	if (u->default_route && len < size)
		snprintf(buf + len, size - len, "%s the default route",
			 u->n_addrs ? " and" : " with");
}

void fn_user_describe(const struct fn_user *u, char *buf, size_t size)
{
	if (!size)
		return;
	if (u->kind == FN_USER_PROCESS)
		describe_process(u, buf, size);
	else
		describe_netdev(u, buf, size);
}

void fn_users_describe(const struct fn_users *u, char *buf, size_t size)
{
	size_t len = 0;

	if (!size)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < u->n && len + 1 < size; i++) {
		if (i)
			len += (size_t)snprintf(buf + len, size - len, "; ");
		if (len + 1 >= size)
			break;
		fn_user_describe(&u->v[i], buf + len, size - len);
		len += strlen(buf + len);
	}
}

/* ---- QEMU's -name -------------------------------------------------------- */

/*
 * Copies one comma-separated element of a QEMU option value, ",," being a
 * literal comma. Returns the position after the element (and its comma).
 */
static const char *opt_element(const char *p, const char *end, char *out, size_t size)
{
	size_t n = 0;

	while (p < end) {
		if (*p == ',' && p + 1 < end && p[1] == ',') {
			p += 2;
			if (n + 1 < size)
				out[n++] = ',';
			continue;
		}
		if (*p == ',') {
			p++;
			break;
		}
		if (n + 1 < size)
			out[n++] = *p;
		p++;
	}
	out[n] = '\0';
	return p;
}

/* "-name" value: "guest=NAME,debug-threads=on", "NAME,process=x", "NAME". */
static void name_from_value(const char *v, size_t len, char *name, size_t size)
{
	const char *p = v, *end = v + len;
	char elem[256];
	bool first = true;

	while (p < end) {
		p = opt_element(p, end, elem, sizeof(elem));
		if (first && !strchr(elem, '='))
			snprintf(name, size, "%s", elem);
		else if (!strncmp(elem, "guest=", 6))
			snprintf(name, size, "%s", elem + 6);
		first = false;
	}
}

static const char *name_option_value(const char *arg)
{
	if (!strncmp(arg, "--name=", 7))
		return arg + 7;
	if (!strncmp(arg, "-name=", 6))
		return arg + 6;
	return NULL;
}

void qemu_cmdline_vm_name(const char *cmdline, size_t len, char *name, size_t size)
{
	const char *p = cmdline, *end = cmdline + len;
	bool want_value = false;

	if (!size)
		return;
	name[0] = '\0';
	while (p < end) {
		size_t alen = strnlen(p, (size_t)(end - p));
		char arg[4096];
		const char *val;

		snprintf(arg, sizeof(arg), "%.*s", (int)alen, p);
		p += alen + 1;
		if (want_value) {
			name_from_value(arg, strlen(arg), name, size);
			want_value = false;
			continue;
		}
		if (!strcmp(arg, "-name") || !strcmp(arg, "--name")) {
			want_value = true;
			continue;
		}
		val = name_option_value(arg);
		if (val)
			name_from_value(val, strlen(val), name, size);
	}
}

/* ---- processes holding /dev/vfio/GROUP ------------------------------------ */

static int parse_decimal(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s - '0');
		if (v > 0x7fffffff)
			return -1;
	}
	return (int)v;
}

/* The group of a "/dev/vfio/N" link target; -1 for anything else. */
static int vfio_group_of(const char *target)
{
	if (strncmp(target, VFIO_DIR, strlen(VFIO_DIR)))
		return -1;
	return parse_decimal(target + strlen(VFIO_DIR));
}

static bool holder_known(const struct usage_snapshot *s, int pid, int group)
{
	for (size_t i = 0; i < s->n_holders; i++)
		if (s->holders[i].pid == pid && s->holders[i].group == group)
			return true;
	return false;
}

/* Reads comm and the VM name; false when the process is gone. */
static bool read_process(struct usage_snapshot *s, int pid, struct vfio_holder *h)
{
	size_t len = 0;

	if (sriov_readf_attr(s->r, h->command, sizeof(h->command), NULL, "/proc/%d/comm",
			     pid) < 0)
		return false;
	if (sriov_readf_file(s->r, s->cmdline, CMDLINE_MAX, &len, NULL,
			     "/proc/%d/cmdline", pid) < 0)
		len = 0;
	qemu_cmdline_vm_name(s->cmdline, len, h->vm_name, sizeof(h->vm_name));
	return true;
}

static int add_holder(struct usage_snapshot *s, int pid, const char *fd, int group)
{
	struct vfio_holder h = {.pid = pid, .group = group};
	char target[64];

	if (holder_known(s, pid, group))
		return 0;
	/* through the recording call, so that `capture` archives this link */
	if (sriov_readf_link(s->r, target, sizeof(target), NULL, "/proc/%d/fd/%s", pid,
			     fd) < 0)
		return 0;
	if (!read_process(s, pid, &h))
		return 0;
	if (s->n_holders == s->cap_holders) {
		size_t cap = s->cap_holders ? s->cap_holders * 2 : 8;
		struct vfio_holder *grown = realloc(s->holders, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		s->holders = grown;
		s->cap_holders = cap;
	}
	s->holders[s->n_holders++] = h;
	return 0;
}

static int scan_process_fds(struct usage_snapshot *s, int pid)
{
	struct dirent *de;
	char path[64], target[64];
	int fd, ret = 0;
	DIR *dir;

	if (sriov_pathf(NULL, path, sizeof(path), "/proc/%d/fd", pid) < 0)
		return 0;
	fd = sriov_root_openat(s->r, path, O_RDONLY | O_DIRECTORY, NULL);
	if (fd < 0) {
		if (fd == -EACCES || fd == -EPERM)
			s->partial = true;
		return 0;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return 0;
	}
	while (ret == 0 && (de = readdir(dir))) {
		ssize_t n;
		int group;

		if (parse_decimal(de->d_name) < 0)
			continue;
		n = readlinkat(dirfd(dir), de->d_name, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		group = vfio_group_of(target);
		if (group >= 0)
			ret = add_holder(s, pid, de->d_name, group);
	}
	closedir(dir);
	return ret;
}

static int scan_processes(struct usage_snapshot *s)
{
	struct dirent *de;
	int fd, ret = 0;
	DIR *dir;

	fd = sriov_root_openat(s->r, "/proc", O_RDONLY | O_DIRECTORY, NULL);
	if (fd < 0)
		return 0; /* no /proc (a tree without it): no process holds anything */
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return 0;
	}
	while (ret == 0 && (de = readdir(dir))) {
		int pid = parse_decimal(de->d_name);

		if (pid > 0)
			ret = scan_process_fds(s, pid);
	}
	closedir(dir);
	return ret;
}

/* ---- default routes ----------------------------------------------------- */

static bool route_if_known(const struct usage_snapshot *s, const char *ifname)
{
	for (size_t i = 0; i < s->n_route_ifs; i++)
		if (!strcmp(s->route_ifs[i], ifname))
			return true;
	return false;
}

static int add_route_if(struct usage_snapshot *s, const char *ifname)
{
	if (route_if_known(s, ifname) || strlen(ifname) >= IF_NAMESIZE)
		return 0;
	if (s->n_route_ifs == s->cap_route_ifs) {
		size_t cap = s->cap_route_ifs ? s->cap_route_ifs * 2 : 4;
		char(*grown)[IF_NAMESIZE] = realloc(s->route_ifs, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		s->route_ifs = grown;
		s->cap_route_ifs = cap;
	}
	snprintf(s->route_ifs[s->n_route_ifs++], IF_NAMESIZE, "%s", ifname);
	return 0;
}

/* /proc/net/route: "Iface Destination Gateway Flags RefCnt Use Metric Mask ..." */
static bool ipv4_default_route(const char *line, char *ifname)
{
	char dest[16], mask[16];
	unsigned int flags;

	if (sscanf(line, "%15s %15s %*s %x %*s %*s %*s %15s", ifname, dest, &flags,
		   mask) != 4)
		return false;
	return !strcmp(dest, "00000000") && !strcmp(mask, "00000000") &&
	       (flags & RTF_UP_FLAG);
}

/* /proc/net/ipv6_route: "DEST PLEN SRC SPLEN NEXTHOP METRIC REF USE FLAGS IFACE" */
static bool ipv6_default_route(const char *line, char *ifname)
{
	char dest[40], plen[8];
	unsigned int flags;

	if (sscanf(line, "%39s %7s %*s %*s %*s %*s %*s %*s %x %15s", dest, plen, &flags,
		   ifname) != 4)
		return false;
	return !strcmp(dest, "00000000000000000000000000000000") && !strcmp(plen, "00") &&
	       (flags & RTF_UP_FLAG) && strcmp(ifname, "lo");
}

static int read_routes(struct usage_snapshot *s, const char *path,
		       bool (*is_default)(const char *line, char *ifname))
{
	char *line = NULL, ifname[IF_NAMESIZE];
	size_t cap = 0;
	int fd, ret = 0;
	FILE *f;

	fd = sriov_root_openat(s->r, path, O_RDONLY, NULL);
	if (fd < 0)
		return 0;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return 0;
	}
	sriov_path_exists(s->r, path); /* recorded: `capture` archives the table */
	while (ret == 0 && getline(&line, &cap, f) > 0)
		if (is_default(line, ifname))
			ret = add_route_if(s, ifname);
	free(line);
	fclose(f);
	return ret;
}

/* ---- addresses ---------------------------------------------------------- */

static int read_recorded_addrs(struct usage_snapshot *s)
{
	char *buf = malloc(RECORDED_ADDR_MAX);
	size_t len;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	if (sriov_read_file(s->r, USAGE_RECORDED_ADDR, buf, RECORDED_ADDR_MAX, &len,
			    NULL) == 0)
		ret = usage_addr_parse(buf, len, &s->addrs, &s->n_addrs);
	free(buf);
	return ret;
}

static int read_addrs(struct usage_snapshot *s)
{
	void *raw;
	size_t len;
	int ret;

	if (!sriov_root_is_host(s->r))
		return read_recorded_addrs(s);
	if (usage_addr_dump(&raw, &len, NULL) < 0)
		return 0; /* netlink denied: addresses unknown */
	ret = usage_addr_parse(raw, len, &s->addrs, &s->n_addrs);
	free(raw);
	return ret;
}

/* ---- the snapshot ------------------------------------------------------- */

int usage_snapshot_read(struct sriov_root *r, struct usage_snapshot **out,
			struct sriov_err *e)
{
	struct usage_snapshot *s = calloc(1, sizeof(*s));
	int ret;

	*out = NULL;
	if (!s || !(s->cmdline = malloc(CMDLINE_MAX))) {
		free(s);
		return sriov_err_set(e, -ENOMEM, "out of memory");
	}
	s->r = r;
	ret = scan_processes(s);
	if (ret == 0)
		ret = read_routes(s, "/proc/net/route", ipv4_default_route);
	if (ret == 0)
		ret = read_routes(s, "/proc/net/ipv6_route", ipv6_default_route);
	if (ret == 0)
		ret = read_addrs(s);
	if (ret < 0) {
		usage_snapshot_free(s);
		return sriov_err_set(e, ret, "reading who uses the devices: %s",
				     strerror(-ret));
	}
	*out = s;
	return 0;
}

void usage_snapshot_free(struct usage_snapshot *s)
{
	if (!s)
		return;
	free(s->holders);
	free(s->addrs);
	free(s->route_ifs);
	free(s->cmdline);
	free(s);
}

bool usage_snapshot_partial(const struct usage_snapshot *s)
{
	return s && s->partial;
}

/* ---- one function ------------------------------------------------------- */

static int add_process_users(const struct usage_snapshot *s, int group,
			     struct fn_users *out)
{
	for (size_t i = 0; i < s->n_holders; i++) {
		const struct vfio_holder *h = &s->holders[i];
		struct fn_user *u;

		if (h->group != group)
			continue;
		u = users_push(out);
		if (!u)
			return -ENOMEM;
		u->kind = FN_USER_PROCESS;
		u->pid = h->pid;
		snprintf(u->command, sizeof(u->command), "%s", h->command);
		snprintf(u->vm_name, sizeof(u->vm_name), "%s", h->vm_name);
		snprintf(u->device, sizeof(u->device), VFIO_DIR "%d", h->group);
	}
	return 0;
}

/* ifindex and IFF_UP of a netdev; false when unreadable. */
static bool netdev_state(const struct usage_snapshot *s, const char *ifname, int *ifindex,
			 bool *up)
{
	struct sriov_dir d;
	long long idx, flags;
	bool ok;

	if (sriov_dir_openf(s->r, &d, NULL, "/sys/class/net/%s", ifname) < 0)
		return false;
	ok = sriov_dir_read_int(&d, "ifindex", 10, &idx, NULL) == 0 &&
	     sriov_dir_read_int(&d, "flags", 16, &flags, NULL) == 0;
	sriov_dir_close(&d);
	if (!ok)
		return false;
	*ifindex = (int)idx;
	*up = flags & IFF_UP;
	return true;
}

static void collect_addrs(const struct usage_snapshot *s, int ifindex, struct fn_user *u)
{
	for (size_t i = 0; i < s->n_addrs && u->n_addrs < FN_USER_MAX_ADDRS; i++) {
		const struct usage_addr *a = &s->addrs[i];

		if (a->ifindex != ifindex || a->link_local)
			continue;
		snprintf(u->addrs[u->n_addrs++], sizeof(u->addrs[0]), "%s", a->text);
	}
}

static int add_netdev_user(const struct usage_snapshot *s, const char *ifname,
			   struct fn_users *out)
{
	struct fn_user u = {.kind = FN_USER_NETDEV};
	struct fn_user *slot;
	int ifindex;
	bool up;

	if (!sriov_name_is_safe(ifname) || strlen(ifname) >= sizeof(u.ifname))
		return 0;
	if (!s->n_addrs && !s->n_route_ifs)
		return 0; /* nothing on the host carries an address or a route */
	if (!netdev_state(s, ifname, &ifindex, &up) || !up)
		return 0;
	u.default_route = route_if_known(s, ifname);
	collect_addrs(s, ifindex, &u);
	if (!u.n_addrs && !u.default_route)
		return 0;
	snprintf(u.ifname, sizeof(u.ifname), "%s", ifname);
	slot = users_push(out);
	if (!slot)
		return -ENOMEM;
	*slot = u;
	return 0;
}

int usage_of_function(const struct usage_snapshot *s, int iommu_group,
		      const char *const *ifnames, size_t n_ifnames, struct fn_users *out,
		      struct sriov_err *e)
{
	int ret = 0;

	if (iommu_group >= 0)
		ret = add_process_users(s, iommu_group, out);
	for (size_t i = 0; ret == 0 && i < n_ifnames; i++)
		ret = add_netdev_user(s, ifnames[i], out);
	if (ret < 0)
		return sriov_err_set(e, ret, "out of memory");
	return 0;
}
