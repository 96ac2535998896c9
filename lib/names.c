// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <pci/pci.h>

#include "sriov/names.h"

struct pci_names {
	struct pci_access *pacc;
};

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
	free(n);
}

static void lookup(struct pci_names *n, char *buf, size_t size, int flags, unsigned int a,
		   unsigned int b)
{
	char *s;

	buf[0] = '\0';
	if (!n) {
		if (flags & PCI_LOOKUP_DEVICE)
			snprintf(buf, size, "Device %04x:%04x", a, b);
		else
			snprintf(buf, size, "%04x", a);
		return;
	}
	s = pci_lookup_name(n->pacc, buf, (int)size, flags | PCI_LOOKUP_NO_HWDB, a, b);
	if (s && s != buf)
		snprintf(buf, size, "%s", s);
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
