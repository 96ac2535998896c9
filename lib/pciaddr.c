// SPDX-License-Identifier: MIT
/* PCI addresses: "DDDD:BB:DD.F" text, routing IDs, ordering. */
#include <errno.h>
#include <stdio.h>

#include "sriov/pcicfg.h"
#include "hex.h"

#define PCI_DOMAIN_MIN_DIGITS 4
#define PCI_DOMAIN_MAX_DIGITS 8
#define PCI_DEV_MAX	      0x1f
#define PCI_FN_MAX	      7

/*
 * Reads a run of hex digits at *p (at least min, at most max of them) and
 * advances *p past it. Returns the number of digits read, or -1.
 */
static int read_hex_field(const char **p, int min, int max, uint32_t *val)
{
	int n = 0;
	int d;

	*val = 0;
	while (n < max && (d = hex_digit_value((*p)[n])) >= 0) {
		*val = (*val << 4) | (uint32_t)d;
		n++;
	}
	if (n < min || hex_digit_value((*p)[n]) >= 0)
		return -1;
	*p += n;
	return n;
}

static int expect_char(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

/* Counts the hex digits before the first ':' to tell "DDDD:BB:DD.F" from "BB:DD.F". */
static bool has_domain(const char *s)
{
	const char *colon = s;

	while (hex_digit_value(*colon) >= 0)
		colon++;
	if (*colon != ':')
		return false;
	return colon[1] && colon[2] && colon[3] == ':';
}

int pci_addr_parse(const char *s, struct pci_addr *a)
{
	const char *p = s;
	uint32_t domain = 0, bus, dev, fn;

	if (!s || !a)
		return -EINVAL;
	if (has_domain(s)) {
		if (read_hex_field(&p, PCI_DOMAIN_MIN_DIGITS, PCI_DOMAIN_MAX_DIGITS,
				   &domain) < 0 ||
		    expect_char(&p, ':') < 0)
			return -EINVAL;
	}
	if (read_hex_field(&p, 2, 2, &bus) < 0 || expect_char(&p, ':') < 0)
		return -EINVAL;
	if (read_hex_field(&p, 2, 2, &dev) < 0 || expect_char(&p, '.') < 0)
		return -EINVAL;
	if (read_hex_field(&p, 1, 1, &fn) < 0 || *p != '\0')
		return -EINVAL;
	if (dev > PCI_DEV_MAX || fn > PCI_FN_MAX)
		return -EINVAL;
	a->domain = domain;
	a->bus = (uint8_t)bus;
	a->dev = (uint8_t)dev;
	a->fn = (uint8_t)fn;
	return 0;
}

void pci_addr_format(const struct pci_addr *a, char buf[PCI_ADDR_STRLEN])
{
	snprintf(buf, PCI_ADDR_STRLEN, "%04x:%02x:%02x.%x", (unsigned int)a->domain,
		 a->bus, a->dev & PCI_DEV_MAX, a->fn & PCI_FN_MAX);
}

uint16_t pci_addr_rid(const struct pci_addr *a)
{
	return (uint16_t)(a->bus << 8 | (a->dev & PCI_DEV_MAX) << 3 |
			  (a->fn & PCI_FN_MAX));
}

void pci_addr_from_rid(uint32_t domain, uint16_t rid, struct pci_addr *a)
{
	a->domain = domain;
	a->bus = rid >> 8;
	a->dev = (rid >> 3) & PCI_DEV_MAX;
	a->fn = rid & PCI_FN_MAX;
}

static int cmp_u32(uint32_t x, uint32_t y)
{
	return (x > y) - (x < y);
}

int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b)
{
	if (a->domain != b->domain)
		return cmp_u32(a->domain, b->domain);
	if (a->bus != b->bus)
		return cmp_u32(a->bus, b->bus);
	if (a->dev != b->dev)
		return cmp_u32(a->dev, b->dev);
	return cmp_u32(a->fn, b->fn);
}
