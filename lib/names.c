// SPDX-License-Identifier: MIT
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <pci/pci.h>

#include "sriov/names.h"

/*
 * libpci parses all of pci.ids (about 40000 entries) into a hash on the first
 * lookup, a few milliseconds that dominate `sriovctl list`. The few names an
 * inventory needs are found by scanning the file's text instead; whatever
 * is not found that way (an unknown id, a compressed pci.ids) is left to
 * libpci, so its wording for unknown ids stays lspci's.
 */
struct pci_names {
	struct pci_access *pacc;
	char *ids; /* pci.ids mapped, NUL-terminated; NULL: not readable */
	size_t map_len;
	bool ids_read;
	/* the last answer of each kind (vendor, device, class): an inventory
	 * asks the same for every PF of a card */
	struct name_memo {
		int flags;
		unsigned int a, b;
		char name[256];
	} last[3];
};

#define PCI_IDS_MAX (16u << 20)

/*
 * libpci's file: its default names pci.ids.gz and falls back to pci.ids when
 * that does not exist. A compressed one is left to libpci.
 */
static int open_ids(const char *path)
{
	size_t len = strlen(path);
	char plain[512];
	int fd;

	if (len <= 3 || strcmp(path + len - 3, ".gz"))
		return open(path, O_RDONLY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return -1;
	}
	if (len - 3 >= sizeof(plain))
		return -1;
	snprintf(plain, sizeof(plain), "%.*s", (int)(len - 3), path);
	return open(plain, O_RDONLY | O_CLOEXEC);
}

/*
 * Mapped, not read: a few pages of the file are touched. The zeros that fill
 * the last page end the text; a file filling its last page exactly is left
 * to libpci.
 */
static void read_ids(struct pci_names *n)
{
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	void *map;
	int fd;

	n->ids_read = true;
	if (!n->pacc->id_file_name)
		return;
	fd = open_ids(n->pacc->id_file_name);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (size_t)st.st_size > PCI_IDS_MAX || page <= 0 || st.st_size % page == 0) {
		close(fd);
		return;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return;
	n->ids = map;
	n->map_len = (size_t)st.st_size;
}

/* The line after p (or NULL at the end). */
static const char *next_line(const char *p)
{
	p = strchr(p, '\n');
	return p ? p + 1 : NULL;
}

/* The text after "key  " on a line starting with key at column 0. */
static const char *find_top(const struct pci_names *n, const char *key)
{
	size_t klen = strlen(key);

	if (!n->ids)
		return NULL;
	if (!strncmp(n->ids, key, klen))
		return n->ids + klen;
	for (const char *p = n->ids; (p = strstr(p, key));) {
		if (p[-1] == '\n')
			return p + klen;
		p += klen;
	}
	return NULL;
}

/* In the entry whose text begins at top: the text of its "\tkey  " line. */
static const char *find_sub(const char *top, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = next_line(top); p; p = next_line(p)) {
		if (*p == '\t' && !strncmp(p + 1, key, klen))
			return p + 1 + klen;
		if (*p != '\t' && *p != '#' && *p != '\n')
			return NULL; /* the next vendor or class */
	}
	return NULL;
}

/* Copies the rest of the line at text into buf; false when it is empty. */
static bool copy_name(const char *text, char *buf, size_t size)
{
	size_t len = strcspn(text, "\n");

	while (len && (text[len - 1] == ' ' || text[len - 1] == '\r'))
		len--;
	if (!len)
		return false;
	snprintf(buf, size, "%.*s", (int)len, text);
	return true;
}

static const char *ids_vendor(struct pci_names *n, unsigned int vendor)
{
	char key[16];

	if (!n->ids_read)
		read_ids(n);
	snprintf(key, sizeof(key), "\n%04x  ", vendor);
	return find_top(n, key + 1);
}

/* pci.ids' own names, as libpci formats them; false: ask libpci. */
static bool ids_lookup(struct pci_names *n, char *buf, size_t size, int flags,
		       unsigned int a, unsigned int b)
{
	const char *v, *d, *c;
	char vname[256], key[16];
	size_t vlen;

	if (flags == PCI_LOOKUP_CLASS) {
		if (!n->ids_read)
			read_ids(n);
		snprintf(key, sizeof(key), "C %02x  ", a >> 8);
		c = find_top(n, key);
		snprintf(key, sizeof(key), "%02x  ", a & 0xff);
		return c && (c = find_sub(c, key)) && copy_name(c, buf, size);
	}
	v = ids_vendor(n, a);
	if (!v || !copy_name(v, vname, sizeof(vname)))
		return false;
	if (flags == PCI_LOOKUP_VENDOR) {
		snprintf(buf, size, "%s", vname);
		return true;
	}
	snprintf(key, sizeof(key), "%04x  ", b);
	d = find_sub(v, key);
	vlen = strlen(vname);
	if (!d || vlen + 2 >= size || !copy_name(d, buf + vlen + 1, size - vlen - 1))
		return false;
	memcpy(buf, vname, vlen);
	buf[vlen] = ' ';
	return true;
}

/* libpci reports problems through callbacks; a library must not print. */
static void names_quiet(char *msg, ...)
{
	(void)msg;
}

/* libpci calls this only when its allocator fails; it must not return. */
static void __attribute__((noreturn)) names_fatal(char *msg, ...)
{
	(void)msg;
	abort();
}

struct pci_names *pci_names_open(void)
{
	struct pci_names *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->pacc = pci_alloc();
	if (!n->pacc) {
		free(n);
		return NULL;
	}
	n->pacc->error = names_fatal;
	n->pacc->warning = names_quiet;
	n->pacc->debug = names_quiet;
	return n;
}

void pci_names_close(struct pci_names *n)
{
	if (!n)
		return;
	pci_free_name_list(n->pacc);
	pci_cleanup(n->pacc);
	if (n->ids)
		munmap(n->ids, n->map_len);
	free(n);
}

static void lookup(struct pci_names *n, char *buf, size_t size, int flags, unsigned int a,
		   unsigned int b)
{
	char *s;
	struct name_memo *last;

	buf[0] = '\0';
	if (!n) {
		if (flags & PCI_LOOKUP_DEVICE)
			snprintf(buf, size, "Device %04x:%04x", a, b);
		else
			snprintf(buf, size, "%04x", a);
		return;
	}
	last = &n->last[flags == PCI_LOOKUP_VENDOR  ? 0
			: flags == PCI_LOOKUP_CLASS ? 2
						    : 1];
	if (last->flags == flags && last->a == a && last->b == b) {
		snprintf(buf, size, "%s", last->name);
		return;
	}
	if (!ids_lookup(n, buf, size, flags, a, b)) {
		s = pci_lookup_name(n->pacc, buf, (int)size, flags | PCI_LOOKUP_NO_HWDB,
				    a, b);
		if (s && s != buf)
			snprintf(buf, size, "%s", s);
	}
	if (strlen(buf) + 1 >= size || strlen(buf) >= sizeof(last->name))
		return; /* cut short: not an answer for a larger buffer */
	last->flags = flags;
	last->a = a;
	last->b = b;
	memcpy(last->name, buf, strlen(buf) + 1);
}

void pci_names_vendor(struct pci_names *n, uint16_t vendor, char *buf, size_t size)
{
	lookup(n, buf, size, PCI_LOOKUP_VENDOR, vendor, 0);
}

void pci_names_device(struct pci_names *n, uint16_t vendor, uint16_t device, char *buf,
		      size_t size)
{
	lookup(n, buf, size, PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE, vendor, device);
}

void pci_names_class(struct pci_names *n, uint16_t class16, char *buf, size_t size)
{
	lookup(n, buf, size, PCI_LOOKUP_CLASS, class16, 0);
}
