/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_SYSROOT_H
#define SRIOV_SYSROOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "error.h"

/*
 * Root-aware file access. Every file the library reads or writes goes through
 * a struct sriov_root: "/" for the live host, or a directory holding a
 * captured or generated tree (--root). Paths are absolute within the root
 * ("/sys/bus/pci/devices"); they are resolved with openat2(RESOLVE_IN_ROOT)
 * so that ".." and absolute symlinks in a captured tree cannot leave it.
 *
 * A root can record every path it successfully reads (sriov_root_record()):
 * `sriovctl capture` uses that list to archive exactly what the tool reads.
 */
struct sriov_root;

struct sriov_dirent {
	char name[256];
	unsigned char type; /* DT_* from the kernel, DT_UNKNOWN possible */
};

int sriov_root_open(const char *dir, struct sriov_root **out, struct sriov_err *e);
void sriov_root_close(struct sriov_root *r);
const char *sriov_root_dir(const struct sriov_root *r);
bool sriov_root_is_host(const struct sriov_root *r);

/* Opens path inside the root (O_CLOEXEC added). Returns fd or -errno. */
int sriov_root_openat(struct sriov_root *r, const char *path, int flags,
		      struct sriov_err *e);

/*
 * Reads up to size-1 bytes and NUL-terminates. *len gets the byte count
 * (may be NULL). Returns 0 or -errno.
 */
int sriov_read_file(struct sriov_root *r, const char *path, char *buf, size_t size,
		    size_t *len, struct sriov_err *e);

/* Reads a short attribute, trailing whitespace stripped. */
int sriov_read_attr(struct sriov_root *r, const char *path, char *buf, size_t size,
		    struct sriov_err *e);

/* Reads an attribute holding an unsigned number (base 0: "0x1f", "31"). -EINVAL if not
 * one. */
int sriov_read_u64(struct sriov_root *r, const char *path, int base, uint64_t *val,
		   struct sriov_err *e);

/* Reads a symlink's target. */
int sriov_read_link(struct sriov_root *r, const char *path, char *buf, size_t size,
		    struct sriov_err *e);

/* Reads a symlink and returns its last path component (driver, iommu group, module). */
int sriov_read_link_base(struct sriov_root *r, const char *path, char *buf, size_t size,
			 struct sriov_err *e);

/*
 * Lists a directory (not "." or ".."), sorted by name. *ents is allocated;
 * free with free(). Returns 0 or -errno.
 */
int sriov_list_dir(struct sriov_root *r, const char *path, struct sriov_dirent **ents,
		   size_t *n, struct sriov_err *e);

/* 0 when path exists inside the root (symlinks followed), -errno otherwise. */
int sriov_path_exists(struct sriov_root *r, const char *path);

/* Writes a whole attribute in one write(2). Returns 0 or -errno of open/write. */
int sriov_write_attr(struct sriov_root *r, const char *path, const char *val,
		     struct sriov_err *e);

/*
 * Directory handles: a directory opened once, then single-component reads
 * relative to it (no symlink followed in the last component, so nothing can
 * leave the root). This keeps the per-device syscall count small.
 */
struct sriov_dir {
	struct sriov_root *root;
	int fd;
	char path[4096]; /* path within the root, for messages and recording */
	/* its entries, sorted by name, after sriov_dir_list() (freed by close) */
	struct sriov_dirent *ents;
	size_t n_ents;
};

int sriov_dir_open(struct sriov_root *r, const char *path, struct sriov_dir *d,
		   struct sriov_err *e);
void sriov_dir_close(struct sriov_dir *d);
int sriov_dir_read_attr(struct sriov_dir *d, const char *name, char *buf, size_t size,
			struct sriov_err *e);
int sriov_dir_read_file(struct sriov_dir *d, const char *name, char *buf, size_t size,
			size_t *len, struct sriov_err *e);
int sriov_dir_read_int(struct sriov_dir *d, const char *name, int base, long long *val,
		       struct sriov_err *e);
int sriov_dir_read_link_base(struct sriov_dir *d, const char *name, char *buf,
			     size_t size, struct sriov_err *e);
int sriov_dir_read_link(struct sriov_dir *d, const char *name, char *buf, size_t size,
			struct sriov_err *e);
/* 0 when name exists in the directory (not followed), -errno otherwise. */
int sriov_dir_has(struct sriov_dir *d, const char *name);

/*
 * One level down without opening each subdirectory: sriov_dir_list() reads
 * d's entries once; the _sub calls then read NAME in its subdirectory SUB
 * with one system call each. SUB must be a directory in that listing (not a
 * symlink, which could lead out of the root): -ENOTDIR otherwise, and the
 * caller opens it the ordinary way. For the many functions of one PCI bus.
 */
int sriov_dir_list(struct sriov_dir *d, struct sriov_err *e);
/* SUB is a directory (not a symlink) in d's listing; no system call. */
bool sriov_dir_has_subdir(const struct sriov_dir *d, const char *sub);
int sriov_dir_sub_read_link(struct sriov_dir *d, const char *sub, const char *name,
			    char *buf, size_t size, struct sriov_err *e);
int sriov_dir_sub_read_link_base(struct sriov_dir *d, const char *sub, const char *name,
				 char *buf, size_t size, struct sriov_err *e);
/* 0 when SUB/NAME exists (NAME not followed), -errno otherwise. */
int sriov_dir_sub_has(struct sriov_dir *d, const char *sub, const char *name);

/* Recording of what was read, for capture. */
enum sriov_access {
	SRIOV_ACCESS_FILE,   /* contents read */
	SRIOV_ACCESS_LINK,   /* symlink read (not followed) */
	SRIOV_ACCESS_DIR,    /* directory listed */
	SRIOV_ACCESS_EXISTS, /* existence tested */
};

struct sriov_record {
	char *path;
	enum sriov_access kind;
};

void sriov_root_record(struct sriov_root *r, bool on);
size_t sriov_root_recorded(const struct sriov_root *r, const struct sriov_record **recs);

/*
 * Reads a file the user named on the command line (a dump, a config file):
 * it lives in the caller's file system, not in the inspected root. "-" is
 * standard input. At most max bytes; larger inputs fail with -EFBIG.
 * *data is malloc'd and NUL-terminated; *len excludes the NUL.
 */
int sriov_read_user_file(const char *path, size_t max, char **data, size_t *len,
			 struct sriov_err *e);

/*
 * A name that becomes one path component (driver, netdev, PCI address):
 * non-empty, at most 255 bytes, no '/', not "." or "..", no control bytes.
 */
bool sriov_name_is_safe(const char *name);

/* ---- printf-style paths (lib/sysroot_pathf.c) -------------------------- */
/*
 * The calls above with the path given as a format and its arguments, so that
 * callers never build a path string by hand (util-linux's ul_path_*f()). The
 * path is formatted into a PATH_MAX buffer: -ENAMETOOLONG, naming the start of
 * it, when it does not fit. Arguments that become one component (a netdev,
 * a driver) must still pass sriov_name_is_safe() first.
 */
#define SRIOV_PATHF	 __attribute__((format(printf, 2, 3)))
#define SRIOV_PATHF_E(n) __attribute__((format(printf, n, n + 1)))

/* Formats a path into buf (size bytes). 0, or -ENAMETOOLONG into e. */
int sriov_pathf(struct sriov_err *e, char *buf, size_t size, const char *fmt, ...)
	SRIOV_PATHF_E(4);
int sriov_readf_file(struct sriov_root *r, char *buf, size_t size, size_t *len,
		     struct sriov_err *e, const char *fmt, ...) SRIOV_PATHF_E(6);
int sriov_readf_attr(struct sriov_root *r, char *buf, size_t size, struct sriov_err *e,
		     const char *fmt, ...) SRIOV_PATHF_E(5);
int sriov_readf_u64(struct sriov_root *r, int base, uint64_t *val, struct sriov_err *e,
		    const char *fmt, ...) SRIOV_PATHF_E(5);
int sriov_readf_link(struct sriov_root *r, char *buf, size_t size, struct sriov_err *e,
		     const char *fmt, ...) SRIOV_PATHF_E(5);
int sriov_readf_link_base(struct sriov_root *r, char *buf, size_t size,
			  struct sriov_err *e, const char *fmt, ...) SRIOV_PATHF_E(5);
int sriov_list_dirf(struct sriov_root *r, struct sriov_dirent **ents, size_t *n,
		    struct sriov_err *e, const char *fmt, ...) SRIOV_PATHF_E(5);
int sriov_pathf_exists(struct sriov_root *r, const char *fmt, ...) SRIOV_PATHF;
int sriov_writef_attr(struct sriov_root *r, const char *val, struct sriov_err *e,
		      const char *fmt, ...) SRIOV_PATHF_E(4);
int sriov_dir_openf(struct sriov_root *r, struct sriov_dir *d, struct sriov_err *e,
		    const char *fmt, ...) SRIOV_PATHF_E(4);

/* ---- changing files inside the root (lib/sysroot_write.c) -------------- */

/*
 * Creates directory path and its missing parents inside r, each with mode
 * (existing directories are left as they are). 0 or -errno naming the
 * component that failed.
 */
int sriov_mkdir_p(struct sriov_root *r, const char *path, unsigned int mode,
		  struct sriov_err *e);

/*
 * Replaces path inside r with data, atomically: a temporary file in the same
 * directory (mode, O_EXCL), write, fsync, rename over path, fsync of the
 * directory. A reader sees the old or the new content, never a mix; after a
 * crash, one of them. The temporary file is removed on failure. 0 or -errno.
 */
int sriov_write_file_atomic(struct sriov_root *r, const char *path, const void *data,
			    size_t len, unsigned int mode, struct sriov_err *e);

/*
 * Opens path inside r, creating it (mode, subject to the umask) when missing:
 * openat(flags | O_CREAT) in its parent. A symlink as the last component is
 * not followed (-ELOOP). Returns the fd or -errno.
 */
int sriov_root_open_create(struct sriov_root *r, const char *path, int flags,
			   unsigned int mode, struct sriov_err *e);

/* rename(2) inside r (both paths inside it). 0 or -errno. */
int sriov_root_rename(struct sriov_root *r, const char *from, const char *to,
		      struct sriov_err *e);

/* unlink(2) of a file or symlink inside r. -ENOENT when absent. */
int sriov_root_unlink(struct sriov_root *r, const char *path, struct sriov_err *e);

/* symlink(2): creates linkpath inside r pointing at target (stored as given). */
int sriov_root_symlink(struct sriov_root *r, const char *target, const char *linkpath,
		       struct sriov_err *e);

/*
 * stat of path inside r; the last component is not followed when nofollow.
 * 0 or -errno. (struct stat: include <sys/stat.h>.)
 */
struct stat;
int sriov_root_stat(struct sriov_root *r, const char *path, bool nofollow,
		    struct stat *st, struct sriov_err *e);

#endif
