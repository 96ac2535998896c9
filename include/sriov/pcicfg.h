/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_PCICFG_H
#define SRIOV_PCICFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "error.h"

/* ---- PCI addresses ---------------------------------------------------- */

struct pci_addr {
	uint32_t domain; /* 0..0xffff normally; sysfs allows up to 0xffffffff */
	uint8_t bus;
	uint8_t dev; /* 0..31 */
	uint8_t fn;  /* 0..7 */
};

#define PCI_ADDR_STRLEN 17 /* "DDDDDDDD:BB:DD.F" + NUL: room for 8-digit domains */

/* Accepts "DDDD:BB:DD.F" and "BB:DD.F" (domain 0). Hex, case-insensitive. 0 or -EINVAL.
 */
int pci_addr_parse(const char *s, struct pci_addr *a);
/* Writes "dddd:bb:dd.f" (lowercase, as sysfs names devices). */
void pci_addr_format(const struct pci_addr *a, char buf[PCI_ADDR_STRLEN]);
/* Routing ID (bus << 8 | devfn) and back. */
uint16_t pci_addr_rid(const struct pci_addr *a);
void pci_addr_from_rid(uint32_t domain, uint16_t rid, struct pci_addr *a);
int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b);

/* ---- Config space ----------------------------------------------------- */

#define PCI_CFG_STD_SIZE 256
#define PCI_CFG_EXT_SIZE 4096

/* Config space bytes; only the first len bytes are valid (64, 256 or 4096). */
struct pcicfg {
	uint8_t data[PCI_CFG_EXT_SIZE];
	size_t len;
};

/* ---- Decoded capabilities (pure functions of struct pcicfg) ----------- */

#define SRIOV_NUM_VF_BARS 6

struct sriov_vf_bar {
	int index;	  /* BAR number as lspci prints "Region N" */
	uint64_t address; /* base address, flag bits masked off */
	bool is_64bit;
	bool prefetchable;
	bool is_io; /* never valid for VF BARs; reported if set */
};

struct sriov_cap {
	uint16_t offset; /* where the capability sits in config space */
	uint8_t version;
	/* IOVCap */
	uint32_t cap_raw;
	bool migration;
	bool ten_bit_tag_requester;
	uint16_t interrupt_message_number;
	/* IOVCtl */
	uint16_t control_raw;
	bool vf_enable;
	bool vf_migration_enable;
	bool vf_migration_interrupt_enable;
	bool vf_mse;
	bool ari_capable_hierarchy;
	bool ten_bit_tag_requester_enable;
	/* IOVSta */
	uint16_t status_raw;
	bool vf_migration;
	uint16_t initial_vfs;
	uint16_t total_vfs;
	uint16_t num_vfs;
	uint8_t function_dependency_link;
	uint16_t vf_offset;
	uint16_t vf_stride;
	uint16_t vf_device_id;
	uint32_t supported_page_sizes;
	uint32_t system_page_size;
	/* the BARs lspci shows (non-zero ones), in order */
	struct sriov_vf_bar vf_bars[SRIOV_NUM_VF_BARS];
	int n_vf_bars;
	uint32_t vf_migration_state_offset; /* offset field, already shifted */
	uint8_t vf_migration_state_bir;
};

struct ari_cap {
	uint16_t offset;
	bool mfvc;
	bool acs;
	uint8_t next_function;
	bool mfvc_enable;
	bool acs_enable;
	uint8_t function_group;
};

struct acs_bits {
	bool source_validation;
	bool translation_blocking;
	bool request_redirect;
	bool completion_redirect;
	bool upstream_forwarding;
	bool egress_control;
	bool direct_translated_p2p;
};

struct acs_cap {
	uint16_t offset;
	uint16_t cap_raw;
	uint16_t control_raw;
	struct acs_bits cap;
	struct acs_bits control;
	uint8_t egress_vector_size; /* as encoded; meaningful with egress_control */
};

/* PCI Express device/port types (PCIe capability register bits 7:4). */
enum pcie_port_type {
	PCIE_TYPE_ENDPOINT = 0x0,
	PCIE_TYPE_LEGACY_ENDPOINT = 0x1,
	PCIE_TYPE_ROOT_PORT = 0x4,
	PCIE_TYPE_UPSTREAM = 0x5,
	PCIE_TYPE_DOWNSTREAM = 0x6,
	PCIE_TYPE_PCIE_PCI_BRIDGE = 0x7,
	PCIE_TYPE_PCI_PCIE_BRIDGE = 0x8,
	PCIE_TYPE_RC_ENDPOINT = 0x9,
	PCIE_TYPE_RC_EVENT_COLLECTOR = 0xa,
};

struct pcie_cap {
	uint16_t offset;
	uint8_t version;
	uint8_t port_type;	       /* enum pcie_port_type */
	bool has_v2_regs;	       /* DevCap2/DevCtl2 present (version >= 2) */
	bool ari_forwarding_supported; /* DevCap2 bit 5 */
	bool ari_forwarding_enabled;   /* DevCtl2 bit 5 */
	bool flr;		       /* DevCap FLReset */
	uint8_t link_speed;	       /* LnkSta current speed code, 0 if none */
	uint8_t link_width;	       /* LnkSta negotiated width */
};

struct msix_cap {
	uint16_t offset;
	uint16_t table_size; /* number of vectors (field + 1) */
	bool enabled;
	bool masked;
};

/* One entry of the capability lists, in walk order. */
struct pci_cap_ref {
	uint16_t id;
	uint16_t offset;
	bool extended;
};

#define PCI_MAX_CAP_REFS 96

struct pci_caps {
	uint16_t vendor_id;
	uint16_t device_id;
	uint32_t class_code; /* 24 bits: base, sub, prog-if */
	uint8_t revision;
	uint8_t header_type;  /* bits 6:0 */
	bool config_all_ones; /* vendor id reads ffff: function unreachable */
	bool has_pcie, has_msix, has_sriov, has_ari, has_acs;
	struct pcie_cap pcie;
	struct msix_cap msix;
	struct sriov_cap sriov;
	struct ari_cap ari;
	struct acs_cap acs;
	struct pci_cap_ref refs[PCI_MAX_CAP_REFS];
	int n_refs;
	bool ext_space_read; /* the config covered the extended space (len 4096) */
	bool walk_truncated; /* a loop, a bad pointer or the limit stopped a walk */
	/* The standard list goes on past cfg->len (lspci -x prints 64 bytes):
	 * not damage; the capabilities from past_dump_offset on are not known. */
	bool list_past_dump;
	uint16_t past_dump_offset;
};

/*
 * Walks the standard and (when cfg->len is 4096) the extended capability
 * lists and decodes the ones above. Loops and out-of-range pointers end the
 * walk (walk_truncated) without failing. A pointer into the standard space
 * past the bytes given (a 64-byte dump) ends it too, as list_past_dump: the
 * rest is not in the dump, which is not damage. Returns 0, or -EINVAL when cfg->len
 * is below 64.
 */
int pci_caps_decode(const struct pcicfg *cfg, struct pci_caps *caps, struct sriov_err *e);

/* Individual decoders, usable on their own (off = capability offset). */
void sriov_cap_decode(const struct pcicfg *cfg, uint16_t off, struct sriov_cap *c);
void ari_cap_decode(const struct pcicfg *cfg, uint16_t off, struct ari_cap *c);
void acs_cap_decode(const struct pcicfg *cfg, uint16_t off, struct acs_cap *c);
void pcie_cap_decode(const struct pcicfg *cfg, uint16_t off, struct pcie_cap *c);
void msix_cap_decode(const struct pcicfg *cfg, uint16_t off, struct msix_cap *c);

/* ---- pciutils text dumps (lspci [-v...-vvv] -x / -xxx / -xxxx) -------- */

struct pci_dump_func {
	struct pci_addr addr;
	char description[256]; /* the text after the address on the device line */
	unsigned int line;     /* line number of the device line (1-based) */
	struct pcicfg cfg;
};

/*
 * Parses the text of an lspci hex dump: one or more functions, each a device
 * line ("[DDDD:]BB:DD.F description") followed by rows "OFF: xx xx ... (16)".
 * Comment lines starting with '#' and blank lines between functions are
 * skipped, and so is lspci's -v/-vv/-vvv decode between a device line and
 * its rows (indented lines, as in lspci -vvvxxxx output): the result is the
 * same as for the plain -x/-xxx/-xxxx text. Each function's length must be 64, 256 or
 * 4096 bytes with rows in order. Any defect (a wrapped device line, a short or odd hex
 * row, a missing final newline, rows out of order) fails with -EINVAL and a message
 * "FILE:LINE: reason". *funcs is allocated: free with pci_dump_free().
 */
int pci_dump_parse(const char *text, size_t len, const char *filename,
		   struct pci_dump_func **funcs, size_t *n, struct sriov_err *e);
void pci_dump_free(struct pci_dump_func *funcs);

#endif
