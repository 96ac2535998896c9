/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_JOURNAL_H
#define SRIOV_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "sysroot.h"
#include "pcicfg.h"

/*
 * The journal of changes (`apply`, `restore`) and the lock that serialises
 * them. Both live inside the root, so --root trees get their own.
 *
 * JOURNAL_FILE is JSON (docs/json.md, "journal"), replaced atomically
 * (sriov_write_file_atomic(): temporary file, fsync, rename, fsync of the
 * directory) before every change, so that after a crash it holds every
 * change that may have happened, with the value it replaced. It holds:
 *   - the last run: command, pid, start time, state (running while it is
 *     under way: a "running" journal whose pid is gone was interrupted),
 *     the files applied, and its steps in order with their status;
 *   - the originals: for every (function, key) sriovctl ever changed, the
 *     value it had before sriovctl first changed it. Later runs never
 *     overwrite an original, so `restore` puts back the host as it was
 *     before sriovctl, even after several applies or an interrupted one.
 *     `restore` removes the originals it put back.
 * A journal that cannot be parsed, or that holds values outside their
 * syntax, is not trusted: it is renamed aside (JOURNAL_FILE.corrupt-N) and
 * the caller is told.
 */

#define JOURNAL_DIR	 "/var/lib/sriovctl"
#define JOURNAL_FILE	 JOURNAL_DIR "/journal.json"
#define JOURNAL_VERSION	 1
#define SRIOV_LOCK_FILE	 "/run/sriovctl.lock"
#define JOURNAL_MAX_SIZE (16 * 1024 * 1024)

enum journal_kind {
	JOURNAL_NUM_VFS,   /* sriov_numvfs of the PF; key "num_vfs" */
	JOURNAL_AUTOPROBE, /* sriov_drivers_autoprobe; key "autoprobe" */
	JOURNAL_PF_UP,	   /* the PF netdev's admin state; key "up" ("up"/"down") */
	JOURNAL_VF_ATTR,   /* a VF setting; key "mac", "vlan", ... (vf_key_name()) */
	JOURNAL_DRIVER,	   /* a VF's driver; key "driver" */
	JOURNAL_PF_ATTR,   /* a PF setting of `pf set`; key "eswitch", "mtu", ... */
};

enum journal_status {
	JOURNAL_STARTED, /* written before the change: it may or may not have happened */
	JOURNAL_DONE,
	JOURNAL_FAILED,
	JOURNAL_UNDONE, /* rolled back (--rollback-on-error) or restored */
};

struct journal_change {
	enum journal_kind kind;
	char pf[PCI_ADDR_STRLEN];     /* the PF's address */
	int vf;			      /* VF index; -1 for the PF itself */
	char target[PCI_ADDR_STRLEN]; /* the function changed (the VF for DRIVER) */
	char key[24];
	/*
	 * Values as text in the syntax the setters take ("7", "yes",
	 * "52:54:00:12:34:56", "100", "on", "vfio-pci"); "" for none (a
	 * driver: none bound). old_extra: the driver_override for DRIVER.
	 */
	char old_value[96];
	char old_extra[96];
	char new_value[96];
	enum journal_status status;
	int error; /* -errno when FAILED */
};

enum journal_state {
	JOURNAL_NONE,	     /* no run recorded */
	JOURNAL_RUNNING,     /* under way, or interrupted */
	JOURNAL_COMPLETE,    /* every step done */
	JOURNAL_FAILED_RUN,  /* a step failed; done steps kept */
	JOURNAL_ROLLED_BACK, /* a step failed and the done steps were undone */
};

struct journal {
	enum journal_state state;
	char command[16]; /* "apply", "restore" */
	long pid;
	char started[32];  /* ISO 8601 UTC, "2026-11-21T10:00:00Z" */
	char finished[32]; /* "" while running */
	char (*files)[256];
	size_t n_files;
	struct journal_change *steps; /* the last run's */
	size_t n_steps;
	struct journal_change *originals; /* status unused */
	size_t n_originals;
};

struct journal_load_info {
	bool found;	       /* a journal file existed */
	bool corrupt;	       /* it was set aside */
	char set_aside[300];   /* where it went */
	char reason[256];      /* why it was not trusted: "line 3: ..." */
	bool interrupted;      /* its run is "running" and its pid is gone */
	long previous_pid;     /* the interrupted run's pid */
	size_t previous_steps; /* its steps, STARTED ones included */
};

/*
 * Reads JOURNAL_FILE inside r into j (an empty journal when there is none).
 * A corrupt one is renamed aside and reported in info (not an error: j is
 * then empty). Returns 0 or -errno when it cannot be read or set aside.
 */
int journal_load(struct sriov_root *r, struct journal *j, struct journal_load_info *info,
		 struct sriov_err *e);

/*
 * journal_load() for a dry run: changes nothing. A corrupt journal is left
 * where it is: info->corrupt and info->reason are set, info->set_aside is "".
 */
int journal_peek(struct sriov_root *r, struct journal *j, struct journal_load_info *info,
		 struct sriov_err *e);

/*
 * Writes j to JOURNAL_FILE atomically (creating JOURNAL_DIR, mode 0700; file
 * 0600). -EINVAL (naming the field, "steps[3].key: ...") when j holds what
 * journal_load() would refuse, -EFBIG past JOURNAL_MAX_SIZE; nothing written.
 */
int journal_save(struct sriov_root *r, const struct journal *j, struct sriov_err *e);

/*
 * Starts a run: state RUNNING, command, this pid, the time, files; the
 * previous run's steps are dropped (the originals are kept). -EINVAL for a
 * command (1-15 bytes) or a file name (at most 255 bytes) that the journal
 * cannot hold, or holding control characters; -ENOMEM. j is unchanged then.
 */
int journal_begin(struct journal *j, const char *command, const char *const *files,
		  size_t n_files);

/*
 * Appends c as a STARTED step and, when no original exists for
 * (c->target, c->key), records c's old value as the original. Returns the
 * step's index, -ENOMEM, or -EINVAL when c is not something journal_load()
 * would accept back (docs/json.md: the addresses, key, vf and values), so
 * that a bad step fails here and not as a journal set aside at the next
 * run. Save before making the change.
 */
int journal_add_step(struct journal *j, const struct journal_change *c);

/* The original for (target, key), or NULL. */
const struct journal_change *journal_original(const struct journal *j, const char *target,
					      const char *key);

/* Removes the original for (target, key), when there is one. */
void journal_drop_original(struct journal *j, const char *target, const char *key);

/* Ends the run: state, finished time. */
void journal_end(struct journal *j, enum journal_state state);

void journal_free(struct journal *j);

const char *journal_kind_name(enum journal_kind k);	/* "num_vfs", ... */
const char *journal_status_name(enum journal_status s); /* "started", ... */
const char *journal_state_name(enum journal_state s);	/* "running", ... */

/* The journal as JSON text (what journal_save() writes); malloc'd, NULL on ENOMEM. */
char *journal_to_json(const struct journal *j);

/*
 * Parses journal JSON text (pure; for tests and fuzzing). -EINVAL with a
 * message naming the field for anything malformed or outside its syntax.
 * j is overwritten, not freed first; on failure it is left empty.
 */
int journal_from_json(const char *text, size_t len, struct journal *j,
		      struct sriov_err *e);

/* ---- the lock ------------------------------------------------------------ */

/*
 * Takes an exclusive flock(2) on SRIOV_LOCK_FILE inside r (created 0600,
 * its parent too), waiting at most timeout_ms (0: try once; < 0: forever).
 * While waiting, progress (may be NULL) is called about once a second with
 * "waiting for pid N (sriovctl apply) to finish". The holder's pid and
 * command are written into the file once taken. Returns the lock's fd, or
 * -EWOULDBLOCK / -ETIMEDOUT naming the holder, or -errno. command is one
 * word of [a-z_-], at most 16 bytes ("apply"), else -EINVAL. The lock
 * belongs to the open file: the fd is O_CLOEXEC, so programs run with
 * fork()+execvp() do not keep it; a fork()ed child that does not exec does.
 */
int sriov_lock_acquire(struct sriov_root *r, const char *command, int timeout_ms,
		       void (*progress)(void *ctx, const char *msg), void *ctx,
		       struct sriov_err *e);

/* Releases and closes a lock from sriov_lock_acquire() (fd < 0: nothing). */
void sriov_lock_release(int fd);

/*
 * Closes a lock from sriov_lock_acquire() that a child process still holds:
 * a bounded sysfs write (sriov_write_attr_bounded()) forked while the lock
 * was taken and still running in the kernel shares the lock's open file, so
 * the lock stays taken until that write ends. Names pid as the holder for
 * the waiters ("a sysfs write ... left running"); pid <= 0: the same as
 * sriov_lock_release().
 */
void sriov_lock_hand_over(int fd, long pid);

#endif
