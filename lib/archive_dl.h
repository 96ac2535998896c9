/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_ARCHIVE_DL_H
#define SRIOV_ARCHIVE_DL_H

#include <archive.h>
#include <archive_entry.h>
#include "sriov/error.h"

/*
 * libarchive, loaded only when an archive is written (capture). Linking it
 * would load libxml2, ICU, libcrypto and more into every sriovctl process:
 * most of the start-up time of a command such as `vf set`, which runs once
 * per VF setting in scripts. The pointer types come from libarchive's own
 * headers, so a signature change is a compile error.
 */
struct archive_api {
	__typeof__(archive_write_new) *write_new;
	__typeof__(archive_write_set_format_pax_restricted) *write_set_format_pax_restricted;
	__typeof__(archive_write_open_filename) *write_open_filename;
	__typeof__(archive_write_open_fd) *write_open_fd;
	__typeof__(archive_write_header) *write_header;
	__typeof__(archive_write_data) *write_data;
	__typeof__(archive_write_close) *write_close;
	__typeof__(archive_write_free) *write_free;
	__typeof__(archive_error_string) *error_string;
	__typeof__(archive_entry_new) *entry_new;
	__typeof__(archive_entry_free) *entry_free;
	__typeof__(archive_entry_set_pathname) *entry_set_pathname;
	__typeof__(archive_entry_set_filetype) *entry_set_filetype;
	__typeof__(archive_entry_set_perm) *entry_set_perm;
	__typeof__(archive_entry_set_mtime) *entry_set_mtime;
	__typeof__(archive_entry_set_symlink) *entry_set_symlink;
	__typeof__(archive_entry_set_size) *entry_set_size;
};

/* Loads libarchive once per process. Returns 0 or -ENOENT with the reason. */
int archive_api_load(const struct archive_api **api, struct sriov_err *e);

#endif
