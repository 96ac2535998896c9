/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_CONFIG_H
#define SRIOV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "sysroot.h"
#include "pcicfg.h"
#include "vfattr.h"

/*
 * Configuration files (INI, read with inih): /etc/sriovctl.conf, then
 * the files ending in .conf in /etc/sriovctl.d in lexical order, or the files named on
 * the command line. Two passes:
 *
 *   1. parse: every file into raw entries (section, key, value, and where
 *      each came from: file, line, column);
 *   2. validate: entries into the typed model below. Unknown sections and
 *      keys, malformed or out-of-range values, a file writable by other
 *      users, and overlapping sections that disagree are errors naming
 *      file:line:column. Every error is collected (not only the first).
 *
 * Sections:
 *   [pf SELECTOR]          SELECTOR: a netdev name (enp1s0f0), a PCI address
 *                          (0000:01:00.0 or 01:00.0), or vendor:device in hex
 *                          (8086:10c9: every such PF on the host)
 *       num_vfs = N        autoprobe = yes|no     vf_driver = NAME|default
 *       pf_up = auto|yes|no  (auto: bring the PF link up when a rate is set)
 *       and any VF key below, as the default for every VF of the PF
 *   [vf SELECTOR INDEXES]  INDEXES: 3, 0-3, 0,2,5-7, all
 *       the VF keys: the conf_name of each row of the table of VF
 *       settings (vfsetting.h; values as `sriovctl vf set`)
 *       driver = NAME|default
 *
 * The same section header (same kind, same selector text after
 * normalisation, same indexes) may appear many times and in many files: the
 * sections merge, and a later key overrides an earlier one. Two different
 * [vf] sections of the same selector whose indexes overlap and that give the
 * same key different values disagree: an error naming both places. Whether
 * two different selectors name the same PF is only known on a host: the plan
 * (plan.h) checks that.
 */

#define CFG_DEFAULT_FILE  "/etc/sriovctl.conf"
#define CFG_DEFAULT_DIR	  "/etc/sriovctl.d"
#define CFG_MAX_FILE_SIZE (1024 * 1024)
#define CFG_DRIVER_MAX	  64

/* Where something was written: file as given, line and column from 1. */
struct cfg_loc {
	char file[256];
	unsigned int line;
	unsigned int col;
};

enum cfg_sel_kind {
	CFG_SEL_IFNAME, /* a netdev name */
	CFG_SEL_ADDR,	/* a PCI address */
	CFG_SEL_ID,	/* vendor:device */
};

struct cfg_selector {
	enum cfg_sel_kind kind;
	char text[64];		 /* normalised: "eth0", "0000:01:00.0", "8086:10c9" */
	struct pci_addr addr;	 /* CFG_SEL_ADDR */
	uint16_t vendor, device; /* CFG_SEL_ID */
};

/* "auto" for pf_up */
enum cfg_pf_up {
	CFG_PF_UP_UNSET = -1,
	CFG_PF_UP_NO = 0,
	CFG_PF_UP_YES = 1,
	CFG_PF_UP_AUTO = 2,
};

/* VF settings with where each came from. */
struct cfg_vf_settings {
	struct vf_settings s; /* s.given: the keys set */
	struct cfg_loc loc[VF_KEY_COUNT];
	char driver[CFG_DRIVER_MAX + 1]; /* "" unset; a driver name or "default" */
	struct cfg_loc driver_loc;
};

struct cfg_pf_section {
	struct cfg_selector sel;
	struct cfg_loc loc; /* the (first) section header */
	int num_vfs;	    /* -1 unset */
	struct cfg_loc num_vfs_loc;
	int autoprobe; /* -1 unset, 0, 1 */
	struct cfg_loc autoprobe_loc;
	int pf_up; /* enum cfg_pf_up */
	struct cfg_loc pf_up_loc;
	/* VF defaults: vf_driver lands in vf.driver */
	struct cfg_vf_settings vf;
};

struct cfg_vf_section {
	struct cfg_selector sel;
	char indexes[64]; /* normalised text: "all", "0-3", "0,2,5-7" */
	bool all;
	/* the indexes as sorted, merged, inclusive ranges */
	struct {
		uint16_t lo, hi;
	} ranges[32];
	size_t n_ranges;
	struct cfg_loc loc;
	struct cfg_vf_settings vf;
};

struct sriov_config {
	struct cfg_pf_section *pfs;
	size_t n_pfs;
	struct cfg_vf_section *vfs;
	size_t n_vfs;
	char (*files)[256]; /* the files read, in order */
	size_t n_files;
};

/* One problem found in a configuration. */
struct cfg_diag {
	struct cfg_loc loc; /* line 0: the whole file (permissions) */
	char msg[320]; /* "unknown key 'vlna' in [vf eth0 0-3] (did you mean vlan?)" */
};

struct cfg_diags {
	struct cfg_diag *items;
	size_t n;
};

void cfg_diags_free(struct cfg_diags *d);

/*
 * "file:line:col: msg" (line 0: "file: msg") into buf.
 */
void cfg_diag_format(const struct cfg_diag *d, char *buf, size_t size);

/*
 * The files to read when none are named: CFG_DEFAULT_FILE when it exists,
 * then the regular files ending in ".conf" in CFG_DEFAULT_DIR, sorted by name
 * (strcmp). Paths are inside r. *files is malloc'd (free it). 0 with
 * *n == 0 when there is none. -errno for an unreadable directory.
 */
int cfg_default_files(struct sriov_root *r, char (**files)[256], size_t *n,
		      struct sriov_err *e);

/*
 * Reads and validates files (paths inside r; "-" is not allowed) in order.
 * Returns 0 and *out (free with sriov_config_free()), or:
 *   -EINVAL  the configuration has errors: every one is in diags (sorted by
 *            file order, line, column), e->msg is the first, formatted;
 *   -ENOENT / -EACCES / -EFBIG  a file cannot be read (also in diags).
 * Permissions are checked on the files themselves: writable by group or
 * others, or owned by a user other than root and the caller, is an error
 * (a root-run tool must not take orders from a file others can change).
 * diags may hold only warnings (none today) on success; always free it.
 * Problems are appended to diags (start it zeroed); at most 100 are kept,
 * then one saying how many more there were.
 */
int sriov_config_load(struct sriov_root *r, const char *const *files, size_t n_files,
		      struct sriov_config **out, struct cfg_diags *diags,
		      struct sriov_err *e);

/* Like sriov_config_load() for one file's text (tests, fuzzing): no permission check. */
int sriov_config_parse_text(const char *name, const char *text, size_t len,
			    struct sriov_config **out, struct cfg_diags *diags,
			    struct sriov_err *e);

void sriov_config_free(struct sriov_config *c);

/* True when the index set of a [vf] section holds index. */
bool cfg_vf_section_has(const struct cfg_vf_section *v, unsigned int index);

/*
 * Parses a selector as written in a section header. -EINVAL with a message
 * when it is none of the three forms (the netdev form must be a valid
 * interface name: 1-15 bytes, no '/', ':' or whitespace, not "." or "..").
 */
int cfg_selector_parse(const char *text, struct cfg_selector *sel, struct sriov_err *e);

/* ---- matching a host's PFs --------------------------------------------- */

/* What identifies a PF on a host, for matching selectors. */
struct cfg_pf_id {
	struct pci_addr addr;
	uint16_t vendor, device;
	const char *const *ifnames; /* its netdevs */
	size_t n_ifnames;
};

bool cfg_selector_matches(const struct cfg_selector *sel, const struct cfg_pf_id *id);

/*
 * The settings for one PF: every [pf] section matching it, merged by
 * specificity: a vendor:device section gives way to a netdev or address
 * section (a fleet default, overridden for one host). Two sections of the
 * same specificity with different selectors (netdev and address of the same
 * PF) that set the same key to different values disagree: -EINVAL, and a
 * diag naming both places is added to d. *matched: some section matched
 * (out is then filled; otherwise out has every field unset, sel/loc zero).
 */
int cfg_resolve_pf(const struct sriov_config *c, const struct cfg_pf_id *id,
		   struct cfg_pf_section *out, bool *matched, struct cfg_diags *d);

/*
 * The settings for VF index of that PF: the PF's VF defaults (pf, from
 * cfg_resolve_pf()), overridden key by key by the [vf] sections whose
 * selector matches the PF and whose indexes hold index, vendor:device
 * sections first, then netdev/address ones. Disagreement between [vf]
 * sections of the same specificity: -EINVAL with a diag in d.
 */
int cfg_resolve_vf(const struct sriov_config *c, const struct cfg_pf_id *id,
		   const struct cfg_pf_section *pf, unsigned int index,
		   struct cfg_vf_settings *out, struct cfg_diags *d);

#endif
