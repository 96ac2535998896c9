/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_CONFIG_INTERNAL_H
#define SRIOV_CONFIG_INTERNAL_H

/*
 * Configuration files inside libsriov: the raw entries the parser produces
 * (lib/config_parse.c), the diagnostics collected along the way
 * (lib/config_diag.c, below every other config file), the keys
 * (lib/config_keys.c; the VF keys are rows of vfsetting.h), section headers
 * (lib/config_select.c), the validation into struct sriov_config
 * (lib/config_validate.c, lib/config_conflicts.c) and the resolution for a
 * host (lib/config_resolve.c).
 */

#include <stdbool.h>
#include <stddef.h>

#include "sriov/config.h"

/* Longest line, without its line break: what inih's line buffer holds. */
#define CFG_LINE_MAX 198
/* "[vf SELECTOR INDEXES]" normalised, with room */
#define CFG_HEADER_MAX 96
/* Distinct sections in one configuration (each file's repeats merged). */
#define CFG_MAX_SECTIONS 8192
/* Diagnostics kept per file and pass, and handed to the caller. */
#define CFG_MAX_DIAGS 100

/* A place in one of the files being read (the name is in the file list). */
struct cfg_pos {
	unsigned int file; /* index in the file list */
	unsigned int line;
	unsigned int col;
};

/* ---- diagnostics ------------------------------------------------------- */

struct cfg_diag_item {
	struct cfg_pos pos;
	unsigned int seq; /* order of arrival: keeps the sort stable */
	char msg[sizeof(((struct cfg_diag *)0)->msg)];
};

/*
 * Every problem found while reading a configuration. A pass that reports in
 * line order (the parser, the key-by-key validation) is a stream: only its
 * first CFG_MAX_DIAGS are kept, which are all that can reach the first
 * CFG_MAX_DIAGS of the sorted result.
 */
struct cfg_collector {
	const char (*files)[256];
	struct cfg_diag_item *items;
	size_t n, cap;
	unsigned int seq;
	size_t stream_n;    /* kept in the current stream */
	bool stream_capped; /* the current stream drops after CFG_MAX_DIAGS */
	size_t dropped;	    /* problems a capped stream did not keep */
	bool oom;
};

/* Starts a new stream (capped: reported in line order). */
void cfg_collect_stream(struct cfg_collector *c, bool capped);

void cfg_collect(struct cfg_collector *c, const struct cfg_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The current stream keeps nothing more: a pass may stop looking. */
bool cfg_collect_full(const struct cfg_collector *c);

/* cfg_collect() at a location of cfg (the file found by name). */
void cfg_collect_at(struct cfg_collector *c, const struct sriov_config *cfg,
		    const struct cfg_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The location a position stands for. */
void cfg_pos_loc(const struct cfg_collector *c, const struct cfg_pos *pos,
		 struct cfg_loc *loc);

/*
 * Hands the collected problems to d (NULL: none), sorted by place; -ENOMEM.
 */
int cfg_collect_export(struct cfg_collector *c, struct cfg_diags *d);

/* Appends one problem to d (NULL: nothing); dropped when memory runs out. */
void cfg_diags_add(struct cfg_diags *d, const struct cfg_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- the raw configuration: what the files say, unchecked -------------- */

#define CFG_NO_SECTION ((size_t)-1)

struct cfg_raw_section {
	struct cfg_pos pos;	 /* the '[' */
	char *header;		 /* the text between '[' and ']' */
	unsigned int header_col; /* column of header[0] */
};

struct cfg_raw_entry {
	size_t section; /* index in cfg_raw.sections, or CFG_NO_SECTION */
	char *key;	/* key and value share one allocation */
	char *value;
	struct cfg_pos key_pos, value_pos;
};

struct cfg_raw {
	struct cfg_raw_section *sections;
	size_t n_sections, cap_sections;
	struct cfg_raw_entry *entries;
	size_t n_entries, cap_entries;
};

/*
 * Adds one file's text (len bytes, any bytes) to raw; syntax errors go to c.
 * -ENOMEM only: a malformed file is reported, not failed.
 */
int cfg_parse_file_text(struct cfg_raw *raw, unsigned int file, const char *text,
			size_t len, struct cfg_collector *c);
void cfg_raw_free(struct cfg_raw *raw);

/*
 * Turns raw into the typed configuration; every problem goes to c. Returns
 * 0 (check c for problems) or -ENOMEM.
 */
int cfg_validate(const struct cfg_raw *raw, struct cfg_collector *c,
		 struct sriov_config *out);

/*
 * Reports sections of cfg that contradict each other: overlapping [vf]
 * sections of one selector with different values, one MAC for two VFs.
 * 0 or -ENOMEM.
 */
int cfg_check_conflicts(struct sriov_config *cfg, struct cfg_collector *c);

/* ---- keys ---------------------------------------------------------------- */

enum cfg_kind {
	CFG_KIND_PF,
	CFG_KIND_VF,
};

/* The keys a section can set: the VF settings (enum vf_key) first. */
enum cfg_key {
	CFG_KEY_DRIVER = VF_KEY_COUNT, /* "vf_driver" in [pf], "driver" in [vf] */
	CFG_KEY_NUM_VFS,
	CFG_KEY_AUTOPROBE,
	CFG_KEY_PF_UP,
	CFG_KEY_COUNT,
};

/*
 * The settings one key reaches: a [vf] section's or a resolved VF's (pf
 * NULL), or a [pf] section's (vf is then &pf->vf).
 */
struct cfg_fields {
	struct cfg_vf_settings *vf;
	struct cfg_pf_section *pf;
};

struct cfg_fields cfg_fields_of_pf(struct cfg_pf_section *pf);
struct cfg_fields cfg_fields_of_vf(struct cfg_vf_settings *vf);

/* The key's name in a section of kind ("vlan_proto", "vf_driver"). */
const char *cfg_key_name(enum cfg_kind kind, enum cfg_key k);

/*
 * Looks up a key written in a section of kind. -ENOENT for an unknown key,
 * -EINVAL for a key of the other kind of section (k is then that key).
 */
int cfg_key_lookup(enum cfg_kind kind, const char *name, enum cfg_key *k);

/*
 * What an unknown key was probably meant to be, as a sentence to append
 * ("did you mean vlan?"), or "" when nothing is close.
 */
void cfg_key_suggest(enum cfg_kind kind, const char *name, char *buf, size_t size);

bool cfg_key_is_set(const struct cfg_fields *f, enum cfg_key k);
struct cfg_loc *cfg_key_loc(const struct cfg_fields *f, enum cfg_key k);
bool cfg_key_equal(const struct cfg_fields *a, const struct cfg_fields *b,
		   enum cfg_key k);
/* Copies k's value and location from src (where it is set) to dst. */
void cfg_key_copy(const struct cfg_fields *dst, const struct cfg_fields *src,
		  enum cfg_key k);
/* "vlan = 100", for messages. */
void cfg_key_format(const struct cfg_fields *f, enum cfg_kind kind, enum cfg_key k,
		    char *buf, size_t size);

/*
 * Parses value for key k (written in a section of kind) into f and marks it
 * set; the location is the caller's to fill. -EINVAL/-ERANGE with e naming
 * the key, the value and what is allowed.
 */
int cfg_key_parse(const struct cfg_fields *f, enum cfg_kind kind, enum cfg_key k,
		  const char *value, struct sriov_err *e);

/* A [pf] section with every key unset. */
void cfg_pf_section_init(struct cfg_pf_section *pf);

/* ---- sections ------------------------------------------------------------ */

/*
 * Parses VF indexes ("all", "3", "0-3", "0,2,5-7") into v (indexes, all,
 * ranges, n_ranges). *bad_offset gets the offset in text of the part at
 * fault. -EINVAL with a message.
 */
int cfg_indexes_parse(const char *text, struct cfg_vf_section *v, size_t *bad_offset,
		      struct sriov_err *e);

/* Number of VFs an index set holds (UINT_MAX for "all"). */
unsigned int cfg_indexes_count(const struct cfg_vf_section *v);

/* The first index two [vf] sections share, or -1. */
int cfg_indexes_overlap(const struct cfg_vf_section *a, const struct cfg_vf_section *b);

bool cfg_selector_equal(const struct cfg_selector *a, const struct cfg_selector *b);

/* A section header, read. */
struct cfg_header {
	enum cfg_kind kind;
	struct cfg_selector sel;
	struct cfg_vf_section vf; /* kind VF: the indexes */
};

/*
 * Reads a raw section header into h; its problems go to c when report.
 * -EINVAL when it is bad (also for one the parser found broken).
 */
int cfg_header_read(const struct cfg_raw_section *rs, struct cfg_collector *c,
		    bool report, struct cfg_header *h);

/* "[pf eth0]", "[vf eth0 0-3]" */
void cfg_header_text(const struct cfg_header *h, char *buf, size_t size);
void cfg_pf_header(const struct cfg_pf_section *pf, char *buf, size_t size);
void cfg_vf_header(const struct cfg_vf_section *vf, char *buf, size_t size);

/* "file:line" of loc, for messages naming another place. */
void cfg_loc_where(const struct cfg_loc *loc, char *buf, size_t size);

/* Later in the configuration: file order is not known here, so line order in
 * the same file, and the order of the file list otherwise. */
bool cfg_loc_after(const struct sriov_config *c, const struct cfg_loc *a,
		   const struct cfg_loc *b);

#endif
