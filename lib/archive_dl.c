// SPDX-License-Identifier: MIT
/* libarchive through dlopen: see archive_dl.h for why. */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

#include "archive_dl.h"

/* The soname of libarchive 3.x, stable since 2011. */
#define LIBARCHIVE_SONAME "libarchive.so.13"

struct symbol {
	const char *name;
	size_t offset;
};

#define SYM(field, fn) {#fn, offsetof(struct archive_api, field)}

static const struct symbol symbols[] = {
	SYM(write_new, archive_write_new),
	SYM(write_set_format_pax_restricted, archive_write_set_format_pax_restricted),
	SYM(write_open_filename, archive_write_open_filename),
	SYM(write_open_fd, archive_write_open_fd),
	SYM(write_header, archive_write_header),
	SYM(write_data, archive_write_data),
	SYM(write_close, archive_write_close),
	SYM(write_free, archive_write_free),
	SYM(error_string, archive_error_string),
	SYM(entry_new, archive_entry_new),
	SYM(entry_free, archive_entry_free),
	SYM(entry_set_pathname, archive_entry_set_pathname),
	SYM(entry_set_filetype, archive_entry_set_filetype),
	SYM(entry_set_perm, archive_entry_set_perm),
	SYM(entry_set_mtime, archive_entry_set_mtime),
	SYM(entry_set_symlink, archive_entry_set_symlink),
	SYM(entry_set_size, archive_entry_set_size),
};

static struct archive_api api;
static void *handle;

int archive_api_load(const struct archive_api **out, struct sriov_err *e)
{
	if (!handle) {
		void *h = dlopen(LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);

		if (!h)
			return sriov_err_set(e, -ENOENT, "cannot load %s: %s",
					     LIBARCHIVE_SONAME, dlerror());
		for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
			void *fn = dlsym(h, symbols[i].name);

			if (!fn) {
				dlclose(h);
				return sriov_err_set(e, -ENOENT, "%s has no %s",
						     LIBARCHIVE_SONAME, symbols[i].name);
			}
			*(void **)((char *)&api + symbols[i].offset) = fn;
		}
		handle = h;
	}
	*out = &api;
	return 0;
}
