/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_NAMES_H
#define SRIOV_NAMES_H

#include <stddef.h>
#include <stdint.h>

/*
 * PCI names from the pci.ids database through libpci, formatted exactly as
 * lspci prints them ("Intel Corporation 82576 Gigabit Network Connection",
 * or "Intel Corporation Device 10c9" for an unknown device). The database
 * is a property of the tool, not of the inspected host: it is read from the
 * local pciutils installation even with --root.
 */
struct pci_names;

struct pci_names *pci_names_open(void);
void pci_names_close(struct pci_names *n);

/* Each writes a NUL-terminated string; with n == NULL, numbers only. */
void pci_names_vendor(struct pci_names *n, uint16_t vendor, char *buf, size_t size);
void pci_names_device(struct pci_names *n, uint16_t vendor, uint16_t device, char *buf,
		      size_t size);
/* "Ethernet controller" from the 16-bit base class and subclass. */
void pci_names_class(struct pci_names *n, uint16_t class16, char *buf, size_t size);

#endif
