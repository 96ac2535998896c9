/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_DISTRO_H
#define SRIOV_DISTRO_H

#include <stdbool.h>
#include <stddef.h>
#include "sysroot.h"

/*
 * The distribution of the root (its os-release) and what follows from it:
 * the tool that rebuilds the initramfs. One place for `persist` (after a
 * modprobe.d change) and `check` (its remedies), so both name the same
 * command. Everything is read through the root, so --root trees work.
 */
struct distro {
	char id[64];	   /* os-release ID; "" when unknown */
	char id_like[256]; /* ID_LIKE: space-separated words; "" when absent */
	char source[32];   /* the file read: "/etc/os-release", ...; "" none */
};

/* Fills d from an os-release text (KEY=VALUE lines, values optionally quoted). */
void distro_parse(const char *os_release, struct distro *d);

/* Reads /etc/os-release, else /usr/lib/os-release, of r into d. */
void distro_read(struct sriov_root *r, struct distro *d);

/* True when id is the distribution's ID or a word of its ID_LIKE. */
bool distro_is(const struct distro *d, const char *id);

#define INITRAMFS_DEBIAN "update-initramfs -u -k all"
#define INITRAMFS_DRACUT "dracut -f --regenerate-all"
#define INITRAMFS_ARCH	 "mkinitcpio -P"

struct initramfs_tool {
	/*
	 * The command that rebuilds the initramfs of every installed kernel:
	 * one (n = 1) when the distribution or the one tool installed tells,
	 * else all three (update-initramfs, dracut, mkinitcpio; n = 3).
	 */
	const char *cmds[3];
	size_t n;
	char why[96]; /* "os-release ID debian", "/usr/bin/dracut exists", "" */
};

/*
 * Pure: by ID, then each word of ID_LIKE: update-initramfs for Debian,
 * Ubuntu and kin, dracut for Fedora, RHEL, openEuler, SUSE and kin,
 * mkinitcpio for Arch. Unknown: all three.
 */
void initramfs_tool_for(const struct distro *d, struct initramfs_tool *t);

/*
 * initramfs_tool_for(); when the distribution does not tell, the one of
 * the three tools that exists in r (in /usr/sbin, /sbin, /usr/bin, /bin).
 */
void initramfs_tool_of(struct sriov_root *r, const struct distro *d,
		       struct initramfs_tool *t);

#endif
