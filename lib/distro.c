// SPDX-License-Identifier: MIT
/* The root's distribution (os-release) and its initramfs tool. */
#include <stdio.h>
#include <string.h>

#include "sriov/distro.h"

#define OS_RELEASE_MAX 8192

/* The value of KEY= in an os-release text, quotes removed, into buf. */
static void os_release_value(const char *text, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	buf[0] = '\0';
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		const char *v, *end;
		size_t len;

		line += *line == '\n';
		if (strncmp(line, key, klen) || line[klen] != '=')
			continue;
		v = line + klen + 1;
		end = v + strcspn(v, "\n");
		if (end - v >= 2 && (*v == '"' || *v == '\'') && end[-1] == *v) {
			v++;
			end--;
		}
		len = (size_t)(end - v) < size - 1 ? (size_t)(end - v) : size - 1;
		memcpy(buf, v, len);
		buf[len] = '\0';
		return;
	}
}

void distro_parse(const char *os_release, struct distro *d)
{
	os_release_value(os_release, "ID", d->id, sizeof(d->id));
	os_release_value(os_release, "ID_LIKE", d->id_like, sizeof(d->id_like));
}

void distro_read(struct sriov_root *r, struct distro *d)
{
	static const char *const files[] = {"/etc/os-release", "/usr/lib/os-release"};
	char text[OS_RELEASE_MAX];

	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (sriov_read_file(r, files[i], text, sizeof(text), NULL, NULL) < 0)
			continue;
		snprintf(d->source, sizeof(d->source), "%s", files[i]);
		distro_parse(text, d);
		return;
	}
}

static bool has_word(const char *list, const char *word, size_t wlen)
{
	for (const char *w = list; *w;) {
		size_t n;

		w += strspn(w, " \t");
		n = strcspn(w, " \t");
		if (n && n == wlen && !strncmp(w, word, n))
			return true;
		w += n;
	}
	return false;
}

bool distro_is(const struct distro *d, const char *id)
{
	return !strcmp(d->id, id) || has_word(d->id_like, id, strlen(id));
}

static const struct {
	const char *id; /* os-release ID, or a word of ID_LIKE */
	const char *cmd;
} initramfs_by_id[] = {
	{"debian", INITRAMFS_DEBIAN},	 {"ubuntu", INITRAMFS_DEBIAN},
	{"proxmox", INITRAMFS_DEBIAN},	 {"linuxmint", INITRAMFS_DEBIAN},
	{"raspbian", INITRAMFS_DEBIAN},	 {"devuan", INITRAMFS_DEBIAN},
	{"fedora", INITRAMFS_DRACUT},	 {"rhel", INITRAMFS_DRACUT},
	{"centos", INITRAMFS_DRACUT},	 {"rocky", INITRAMFS_DRACUT},
	{"almalinux", INITRAMFS_DRACUT}, {"openeuler", INITRAMFS_DRACUT},
	{"suse", INITRAMFS_DRACUT},	 {"opensuse", INITRAMFS_DRACUT},
	{"sles", INITRAMFS_DRACUT},	 {"arch", INITRAMFS_ARCH},
	{"manjaro", INITRAMFS_ARCH},
};

static const char *initramfs_for_id(const char *id, size_t len)
{
	for (size_t i = 0; i < sizeof(initramfs_by_id) / sizeof(initramfs_by_id[0]); i++)
		if (len && strlen(initramfs_by_id[i].id) == len &&
		    !strncmp(initramfs_by_id[i].id, id, len))
			return initramfs_by_id[i].cmd;
	return NULL;
}

static void tool_one(struct initramfs_tool *t, const char *cmd)
{
	t->cmds[0] = cmd;
	t->cmds[1] = t->cmds[2] = NULL;
	t->n = 1;
}

void initramfs_tool_for(const struct distro *d, struct initramfs_tool *t)
{
	const char *cmd = initramfs_for_id(d->id, strlen(d->id));

	memset(t, 0, sizeof(*t));
	if (cmd) {
		snprintf(t->why, sizeof(t->why), "os-release ID %s", d->id);
		tool_one(t, cmd);
		return;
	}
	for (const char *w = d->id_like; *w;) {
		size_t len;

		w += strspn(w, " \t");
		len = strcspn(w, " \t");
		cmd = initramfs_for_id(w, len);
		if (cmd) {
			snprintf(t->why, sizeof(t->why), "os-release ID_LIKE %.*s",
				 (int)len, w);
			tool_one(t, cmd);
			return;
		}
		w += len;
	}
	t->cmds[0] = INITRAMFS_DEBIAN;
	t->cmds[1] = INITRAMFS_DRACUT;
	t->cmds[2] = INITRAMFS_ARCH;
	t->n = 3;
}

/* The directory in r holding program, or NULL. */
static const char *program_dir(struct sriov_root *r, const char *program)
{
	static const char *const dirs[] = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (sriov_pathf_exists(r, "%s/%s", dirs[i], program) == 0)
			return dirs[i];
	return NULL;
}

void initramfs_tool_of(struct sriov_root *r, const struct distro *d,
		       struct initramfs_tool *t)
{
	static const char *const programs[] = {"update-initramfs", "dracut",
					       "mkinitcpio"};
	const char *found = NULL, *dir = NULL;
	size_t n_found = 0;

	initramfs_tool_for(d, t);
	if (t->n == 1)
		return;
	for (size_t i = 0; i < 3; i++) {
		const char *in = program_dir(r, programs[i]);

		if (!in)
			continue;
		n_found++;
		found = t->cmds[i];
		dir = in;
		snprintf(t->why, sizeof(t->why), "%s/%s exists", dir, programs[i]);
	}
	if (n_found == 1) {
		tool_one(t, found);
		return;
	}
	t->why[0] = '\0';
}
