/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_USAGE_H
#define SRIOV_USAGE_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "sysroot.h"

/*
 * Who is using a PCI function. A function is in use when
 *  - a process holds its IOMMU group's /dev/vfio/GROUP open (a VM, or any
 *    vfio user): reported with pid, command (comm) and, for QEMU, the VM
 *    name from its "-name" argument; or
 *  - one of its netdevs is up on the host and carries addresses (or the
 *    default route).
 *
 * The host state is read once per command into a snapshot (every process's
 * open /dev/vfio files, the IPv4/IPv6 addresses of each netdev, the
 * interfaces carrying a default route), then asked about any number of
 * functions. Under --root the same files are read from the tree.
 */

enum fn_user_kind {
	FN_USER_PROCESS, /* holds /dev/vfio/GROUP open */
	FN_USER_NETDEV,	 /* netdev up with addresses on the host */
};

#define FN_USER_MAX_ADDRS 8

struct fn_user {
	enum fn_user_kind kind;
	/* FN_USER_PROCESS */
	int pid;
	char command[64];  /* /proc/PID/comm */
	char vm_name[128]; /* QEMU "-name guest=NAME" or "-name NAME"; empty if none */
	char device[32];   /* "/dev/vfio/7" */
	/* FN_USER_NETDEV */
	char ifname[16];
	bool default_route;
	size_t n_addrs;
	char addrs[FN_USER_MAX_ADDRS][64]; /* "192.0.2.1/24", "2001:db8::1/64" */
};

struct fn_users {
	struct fn_user *v;
	size_t n;
};

void fn_users_free(struct fn_users *u); /* frees u->v, keeps u */

struct usage_snapshot;

int usage_snapshot_read(struct sriov_root *r, struct usage_snapshot **out,
			struct sriov_err *e);
void usage_snapshot_free(struct usage_snapshot *s);

/*
 * The users of one function: processes holding /dev/vfio/<iommu_group> (none
 * when iommu_group < 0) and those of the netdevs ifnames[0..n_ifnames-1]
 * that are up with addresses. Appends to out. Returns 0 or -ENOMEM.
 */
int usage_of_function(const struct usage_snapshot *s, int iommu_group,
		      const char *const *ifnames, size_t n_ifnames, struct fn_users *out,
		      struct sriov_err *e);

/*
 * True when the snapshot could not look at every process (not root: other
 * users' /proc/PID/fd are unreadable), so a vfio holder may be missing.
 */
bool usage_snapshot_partial(const struct usage_snapshot *s);

/*
 * One user in words, for messages: 'pid 1234 qemu-system-x86 (VM "win10")
 * holds /dev/vfio/12', 'eth1 is up with 192.0.2.1/24 and the default route'.
 */
void fn_user_describe(const struct fn_user *u, char *buf, size_t size);

/* All users in words, joined by "; " (truncated to size). */
void fn_users_describe(const struct fn_users *u, char *buf, size_t size);

/* ---- addresses (lib/usage_addr.c) --------------------------------------- */

/* Where `capture` stores the host's RTM_GETADDR dump inside a tree. */
#define USAGE_RECORDED_ADDR "/.sriovctl/rtnl/addr"

/* One interface address from an RTM_NEWADDR message. */
struct usage_addr {
	int ifindex;
	bool link_local; /* IPv6 fe80::/10: does not make a netdev "in use" */
	char text[64];	 /* "192.0.2.1/24", "2001:db8::1/64" */
};

/*
 * Live host: dumps every IPv4 and IPv6 address over rtnetlink (RTM_GETADDR,
 * NLM_F_DUMP) and returns the RTM_NEWADDR messages back to back (*raw is
 * malloc'd): the form `capture` stores and usage_addr_parse() reads.
 * Returns 0 or -errno.
 */
int usage_addr_dump(void **raw, size_t *len, struct sriov_err *e);

/*
 * Parses RTM_NEWADDR messages laid back to back (anything else is skipped;
 * a malformed message ends the walk). *out is malloc'd (NULL when none).
 * Pure. Returns 0 or -ENOMEM.
 */
int usage_addr_parse(const void *raw, size_t len, struct usage_addr **out, size_t *n);

/*
 * The VM name in a QEMU command line (NUL-separated argv as in
 * /proc/PID/cmdline): "-name guest=NAME,..." or "-name NAME,..." (also
 * "--name" and "-name=..."); commas doubled in the value are one comma.
 * Empty string when absent. Pure: for tests.
 */
void qemu_cmdline_vm_name(const char *cmdline, size_t len, char *name, size_t size);

#endif
