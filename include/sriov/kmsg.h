/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_KMSG_H
#define SRIOV_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "sysroot.h"
#include "pcicfg.h"

/*
 * The kernel log, as far as SR-IOV is concerned. Two input forms:
 *
 *  - /dev/kmsg records, one per read(2): "PRI,SEQ,TS_USEC,FLAGS;message"
 *    followed by continuation lines that start with a space
 *    (" SUBSYSTEM=pci", " DEVICE=+pci:0000:01:00.0");
 *  - dmesg text, one line per message: "[   12.345678] igb 0000:01:00.0: ..."
 *    (also a syslog/journal line "... kernel: igb 0000:01:00.0: ...", or a
 *    bare message).
 *
 * Each message is classified (enum kmsg_kind) and gets the PCI device it is
 * about when the log says so: from the DEVICE= continuation line, or from the
 * "DRIVER DDDD:BB:DD.F:" prefix the kernel's dev_printk() writes.
 */

/* What a message means for SR-IOV (the kernel's wording in the comments). */
enum kmsg_kind {
	KMSG_OTHER = 0,
	/* can't enable N VFs (bus XX out of range of [bus YY]) */
	KMSG_SRIOV_BUS_RANGE,
	/* not enough MMIO resources for SR-IOV */
	KMSG_SRIOV_NO_MMIO,
	/* SR-IOV: IOV BARS not allocated */
	KMSG_SRIOV_BARS_UNASSIGNED,
	/* no driver bound to device; cannot configure SR-IOV */
	KMSG_SRIOV_NO_DRIVER,
	/* driver does not support SR-IOV configuration via sysfs */
	KMSG_SRIOV_NO_CONFIGURE,
	/* N VFs already enabled. Disable before enabling M VFs */
	KMSG_SRIOV_ALREADY_ENABLED,
	/* N VFs requested; only M enabled */
	KMSG_SRIOV_FEWER_ENABLED,
	/* a driver's "Failed to enable SR-IOV" and the like */
	KMSG_SRIOV_ENABLE_FAILED,
	/* VF N still in reset. Try again. / PF still resetting */
	KMSG_VF_RESET,
	/* Unable to set MSI-X resources for N VFs, and the like */
	KMSG_MSIX_FAILED,
	/* DMAR: IOMMU enabled; AMD-Vi: Found IOMMU */
	KMSG_IOMMU_ENABLED,
	/* DMAR: IOMMU disabled */
	KMSG_IOMMU_DISABLED,
	KMSG_KIND_COUNT,
};

#define KMSG_TEXT_MAX 1024

struct kmsg_record {
	int level;	  /* syslog level 0 (emerg) .. 7 (debug); -1 when unknown */
	int facility;	  /* 0 = kernel; -1 when unknown */
	uint64_t seq;	  /* /dev/kmsg sequence number; 0 for dmesg text */
	uint64_t ts_usec; /* microseconds since boot; 0 when unknown */
	bool has_ts;
	char device[64];   /* "0000:01:00.0" (or another device name); empty: none */
	bool has_pci_addr; /* device is a PCI address, parsed into addr */
	struct pci_addr addr;
	char origin[32];	  /* who printed it ("igb", "pci"); may be empty */
	char text[KMSG_TEXT_MAX]; /* the message, escapes decoded, no trailing newline */
	enum kmsg_kind kind;
};

struct kmsg_log {
	struct kmsg_record *v;
	size_t n;
	bool lost; /* the kernel overwrote records before they were read */
};

void kmsg_log_free(struct kmsg_log *log); /* frees log->v, zeroes log */

/* ---- pure parsers (tests, saved logs) ---------------------------------- */

/*
 * One /dev/kmsg record (the bytes of one read(2), continuation lines
 * included). Returns 0, or -EINVAL when buf is not a record.
 */
int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *rec);

/* One line of dmesg (or syslog/journal) text, without its newline. 0 or -EINVAL (empty).
 */
int kmsg_parse_text_line(const char *line, size_t len, struct kmsg_record *rec);

/*
 * A whole log: /dev/kmsg records (as `cat /dev/kmsg` writes them) or dmesg
 * text, detected per line. Appends to log. Returns 0 or -ENOMEM.
 */
int kmsg_parse_text(const char *text, size_t len, struct kmsg_log *log);

/*
 * True when line (without its newline) has the shape of a kernel log line:
 * a /dev/kmsg record header ("6,123,4567,-;"), a dmesg timestamp
 * ("[   12.345678]"), a raw level ("<6>") or a syslog/journal "kernel:" tag.
 * kmsg_parse_text() takes any line as a bare message; this tells a saved
 * kernel log from some other file.
 */
bool kmsg_line_is_log(const char *line, size_t len);

/* Classifies a message text. Pure. */
enum kmsg_kind kmsg_classify(const char *text);

/* A stable identifier for JSON ("sriov_bus_range"); "other" for KMSG_OTHER. */
const char *kmsg_kind_name(enum kmsg_kind kind);

/* What the message means, in a few words; NULL for KMSG_OTHER. */
const char *kmsg_kind_summary(enum kmsg_kind kind);

/* The fix (a boot option, a BIOS setting, what to retry); NULL when none is known. */
const char *kmsg_kind_remedy(enum kmsg_kind kind);

/*
 * True when rec is about the function a: its device is a, or its text names
 * a's address ("0000:01:00.0").
 */
bool kmsg_record_is_about(const struct kmsg_record *rec, const struct pci_addr *a);

/* The first record in log about a whose kind is not KMSG_OTHER, or NULL. */
const struct kmsg_record *kmsg_log_find(const struct kmsg_log *log,
					const struct pci_addr *a);

/* ---- the live log ------------------------------------------------------ */

struct kmsg_reader;

/*
 * Opens /dev/kmsg in the root (O_RDONLY | O_NONBLOCK) and moves to its end,
 * so that kmsg_read_new() returns only what the kernel writes afterwards.
 * Call it before the action whose messages are wanted. Fails (-EACCES,
 * -EPERM with dmesg_restrict, -ENOENT in a tree without one) without harm:
 * the caller goes on without the log.
 */
int kmsg_open(struct sriov_root *r, struct kmsg_reader **out, struct sriov_err *e);

/*
 * Like kmsg_open(), but stays at the start: kmsg_read_new() then returns the
 * whole log the kernel still holds (what `dmesg` prints).
 */
int kmsg_open_all(struct sriov_root *r, struct kmsg_reader **out, struct sriov_err *e);

/*
 * Appends every record written since kmsg_open() (or the previous call) to
 * log; stops at the end of the log (EAGAIN, or end of file for a plain
 * file under --root). Records the kernel overwrote in between set
 * log->lost. Returns 0 or -errno.
 */
int kmsg_read_new(struct kmsg_reader *k, struct kmsg_log *log, struct sriov_err *e);

void kmsg_close(struct kmsg_reader *k);

#endif
