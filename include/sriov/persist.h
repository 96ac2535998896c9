/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_PERSIST_H
#define SRIOV_PERSIST_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "sysroot.h"
#include "config.h"
#include "inventory.h"

/*
 * Making a configuration survive reboot (sriovctl persist), two ways:
 *
 *   systemd   the unit that runs `sriovctl apply --device-timeout 60` at
 *             boot: the installed one (/usr/lib, /lib, /usr/local/lib,
 *             /etc/systemd/system), or, where there is none, the copy
 *             compiled into the library written to PERSIST_UNIT_ETC; then
 *             `systemctl [--root=DIR] enable sriovctl.service`.
 *   modprobe  the drivers' own module option: "options DRIVER max_vfs=N" in
 *             PERSIST_MODPROBE_FILE, for the configured PFs whose driver
 *             has a max_vfs parameter (libkmod). Only the VF count persists.
 *
 * A plan (what to write, remove and run) is computed first, changing
 * nothing; persist_execute() carries it out. Every file persist writes starts
 * with PERSIST_MARKER, and only such files are replaced or removed.
 */

#define PERSIST_UNIT_NAME     "sriovctl.service"
#define PERSIST_UNIT_ETC      "/etc/systemd/system/sriovctl.service"
#define PERSIST_MODPROBE_FILE "/etc/modprobe.d/sriovctl.conf"
#define PERSIST_MARKER	      "# Written by sriovctl persist"
#define PERSIST_SYSTEMCTL     "systemctl"
/* How long one systemctl run may take before it is killed. */
#define PERSIST_RUN_TIMEOUT_MS 30000

/* data/sriovctl.service.in, configured with the installed binary's path. */
extern const char sriov_unit_text[];
/* Where `meson install` puts the example configuration. */
extern const char sriov_example_config_path[];

enum persist_method {
	PERSIST_SYSTEMD,
	PERSIST_MODPROBE,
};

enum persist_step_kind {
	PERSIST_STEP_WRITE,  /* write content to path (atomic, 0644) */
	PERSIST_STEP_REMOVE, /* unlink path */
	PERSIST_STEP_RUN,    /* run args[] (fork + execvp, no shell) */
};

#define PERSIST_MAX_STEPS 6
#define PERSIST_MAX_ARGS  5

struct persist_step {
	enum persist_step_kind kind;
	char path[256]; /* WRITE, REMOVE: inside the root */
	char *content;	/* WRITE: malloc'd */
	char args[PERSIST_MAX_ARGS][300];
	size_t n_args; /* RUN */
	bool done;
	int exit_status;   /* RUN: the program's exit status; -1 not run or killed */
	char output[2048]; /* RUN: what it printed (stdout and stderr), trimmed */
};

#define PERSIST_MAX_PFS 16

/* One "options MODULE max_vfs=N" line and the PFs it is for. */
struct persist_module_opt {
	char module[64];
	int max_vfs;
	char pfs[PERSIST_MAX_PFS][PCI_ADDR_STRLEN]; /* configured PFs of the driver */
	struct cfg_loc locs[PERSIST_MAX_PFS];	    /* where each num_vfs was set */
	size_t n_pfs;
	/* PFs of the same driver without num_vfs in the configuration: the option
	 * gives them the same count */
	char others[PERSIST_MAX_PFS][PCI_ADDR_STRLEN];
	size_t n_others;
};

#define PERSIST_MAX_NOTES 8

struct persist_plan {
	enum persist_method method;
	bool remove;
	bool on_host;	    /* the live host: systemctl without --root */
	bool nothing_to_do; /* already so (remove: nothing of ours is there) */
	int run_timeout_ms; /* bound of each program run; 0: PERSIST_RUN_TIMEOUT_MS */
	struct persist_step steps[PERSIST_MAX_STEPS];
	size_t n_steps;
	/* systemd: the unit enabled or disabled ("" none found) */
	char unit_path[256];
	bool unit_ours; /* written by persist (carries PERSIST_MARKER) */
	/* modprobe */
	struct persist_module_opt opts[PERSIST_MAX_PFS];
	size_t n_opts;
	char os_id[64];		  /* ID from os-release; "" unknown */
	const char *initramfs[3]; /* the command(s) to rebuild the initramfs */
	size_t n_initramfs;
	/* what the user should know (unmatched sections, other ports, ...) */
	char notes[PERSIST_MAX_NOTES][400];
	size_t n_notes;
};

/*
 * The systemd method: which unit is installed, whether to write
 * PERSIST_UNIT_ETC (no unit installed, or ours with other content), and the
 * systemctl runs. remove: `systemctl disable`, then PERSIST_UNIT_ETC removed
 * if persist wrote it (and `systemctl daemon-reload` on the live host).
 * 0 or -errno (e names the file that could not be read).
 */
int persist_plan_systemd(struct sriov_root *r, bool remove, struct persist_plan *p,
			 struct sriov_err *e);

/*
 * The modprobe method for the configured PFs with num_vfs that are on the
 * host (inv). Refused (-EINVAL, e says why and what to do instead): a PF
 * whose driver is built in or has no max_vfs parameter, PFs of one driver
 * with different counts, a count above the PF's TotalVFs, no configured PF
 * with num_vfs on the host. -ENOENT when there is no module index (a --root
 * tree without its /lib/modules). remove: PERSIST_MODPROBE_FILE removed if
 * persist wrote it (config and inv may be NULL then).
 */
int persist_plan_modprobe(struct sriov_root *r, const struct sriov_config *c,
			  const struct inventory *inv, bool remove,
			  struct persist_plan *p, struct sriov_err *e);

/*
 * Carries out the steps in order; stops at the first that fails (-errno, e
 * names the step, the program's output and the remedy). step->done tells
 * what was done.
 */
int persist_execute(struct sriov_root *r, struct persist_plan *p, struct sriov_err *e);

void persist_plan_free(struct persist_plan *p);

/* A RUN step's command line for messages ("systemctl --root=/x enable ..."). */
void persist_step_command(const struct persist_step *s, char *buf, size_t size);

/* ---- the pure parts (tests) ---------------------------------------------- */

/* True when text has a line that starts with PERSIST_MARKER. */
bool persist_text_has_marker(const char *text);

/* The modprobe.d file for opts: the marker, comments, one options line each. */
char *persist_modprobe_text(const struct persist_module_opt *opts, size_t n);

/* The unit text persist writes: the marker line, then sriov_unit_text. */
char *persist_unit_file_text(void);

struct kmod_ctx;
/*
 * Whether module has parameter param in its modinfo. 1 yes, 0 no, -ENOENT
 * module not in the index (or built in), -errno otherwise (e says which).
 */
int persist_module_has_param(struct kmod_ctx *ctx, const char *module, const char *param,
			     struct sriov_err *e);

#endif
