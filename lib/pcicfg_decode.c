// SPDX-License-Identifier: MIT
/*
 * Capability walker and decoders for PCI configuration space. Everything here
 * is a pure function of the bytes in struct pcicfg: little-endian reads that
 * never look past cfg->len. Register layouts follow the PCI Local Bus, PCI
 * Express Base and SR-IOV specifications; the SR-IOV VF BAR listing follows
 * what lspci -vvv prints so the two can be compared.
 */
#include <errno.h>
#include <string.h>

#include "sriov/pcicfg.h"

/* Type 0/1 header */
#define CFG_VENDOR_ID	    0x00
#define CFG_DEVICE_ID	    0x02
#define CFG_STATUS	    0x06
#define CFG_CLASS_REV	    0x08
#define CFG_HEADER_TYPE	    0x0e
#define CFG_CAP_PTR	    0x34
#define CFG_CARDBUS_CAP_PTR 0x14
#define CFG_HEADER_SIZE	    0x40
#define STATUS_CAP_LIST	    (1u << 4)
#define HEADER_TYPE_MASK    0x7f
#define HEADER_TYPE_CARDBUS 0x02
#define CAP_PTR_RESERVED    0x3u /* low two bits of every list pointer */
#define EXT_CAPS_START	    0x100
#define CAP_ID_BROKEN	    0xff
#define EXT_CAP_ID_BROKEN   0xffff

/* Capability IDs */
#define CAP_ID_PCIE	 0x10
#define CAP_ID_MSIX	 0x11
#define EXT_CAP_ID_ACS	 0x0d
#define EXT_CAP_ID_ARI	 0x0e
#define EXT_CAP_ID_SRIOV 0x10

/* SR-IOV extended capability */
#define SRIOV_CAP	     0x04
#define SRIOV_CTRL	     0x08
#define SRIOV_STATUS	     0x0a
#define SRIOV_INITIAL_VFS    0x0c
#define SRIOV_TOTAL_VFS	     0x0e
#define SRIOV_NUM_VFS	     0x10
#define SRIOV_FUNC_DEP_LINK  0x12
#define SRIOV_VF_OFFSET	     0x14
#define SRIOV_VF_STRIDE	     0x16
#define SRIOV_VF_DEVICE_ID   0x1a
#define SRIOV_SUPPORTED_PGSZ 0x1c
#define SRIOV_SYSTEM_PGSZ    0x20
#define SRIOV_VF_BAR0	     0x24
#define SRIOV_VF_MIGRATION   0x3c
#define SRIOV_CAP_MIGRATION  (1u << 0)
#define SRIOV_CAP_10BIT_TAG  (1u << 2)
#define SRIOV_CAP_IMN_SHIFT  21
#define SRIOV_CTRL_VFE	     (1u << 0)
#define SRIOV_CTRL_VFME	     (1u << 1)
#define SRIOV_CTRL_VFMIE     (1u << 2)
#define SRIOV_CTRL_MSE	     (1u << 3)
#define SRIOV_CTRL_ARI	     (1u << 4)
#define SRIOV_CTRL_10BIT_TAG (1u << 5)
#define SRIOV_STATUS_VFM     (1u << 0)
#define SRIOV_MIGR_BIR_MASK  0x7u

/* Memory BAR low dword */
#define BAR_IO		  (1u << 0)
#define BAR_MEM_TYPE_MASK 0x6u
#define BAR_MEM_TYPE_64	  0x4u
#define BAR_PREFETCH	  (1u << 3)
#define BAR_MEM_FLAGS	  0xfu

/* ARI extended capability */
#define ARI_CAP		  0x04
#define ARI_CTRL	  0x06
#define ARI_MFVC	  (1u << 0)
#define ARI_ACS		  (1u << 1)
#define ARI_CTRL_FG_SHIFT 4
#define ARI_CTRL_FG_MASK  0x7u

/* ACS extended capability */
#define ACS_CAP		 0x04
#define ACS_CTRL	 0x06
#define ACS_EGRESS_SHIFT 8

/* PCI Express capability */
#define PCIE_FLAGS	   0x02
#define PCIE_DEVCAP	   0x04
#define PCIE_LNKSTA	   0x12
#define PCIE_DEVCAP2	   0x24
#define PCIE_DEVCTL2	   0x28
#define PCIE_FLAGS_VERSION 0x000fu
#define PCIE_FLAGS_TYPE	   0x00f0u
#define PCIE_DEVCAP_FLR	   (1u << 28)
#define PCIE_LNKSTA_SPEED  0x000fu
#define PCIE_LNKSTA_WIDTH  0x03f0u
#define PCIE_DEV2_ARI	   (1u << 5)

/* MSI-X capability */
#define MSIX_CTRL	0x02
#define MSIX_TABLE_SIZE 0x07ffu
#define MSIX_MASKALL	(1u << 14)
#define MSIX_ENABLE	(1u << 15)

/* ---- bounded little-endian reads -------------------------------------- */

static size_t cfg_len(const struct pcicfg *cfg)
{
	return cfg->len < sizeof(cfg->data) ? cfg->len : sizeof(cfg->data);
}

static bool cfg_has(const struct pcicfg *cfg, size_t off, size_t n)
{
	return off <= cfg_len(cfg) && n <= cfg_len(cfg) - off;
}

static uint8_t cfg_read8(const struct pcicfg *cfg, size_t off)
{
	if (!cfg_has(cfg, off, 1))
		return 0;
	return cfg->data[off];
}

static uint16_t cfg_read16(const struct pcicfg *cfg, size_t off)
{
	if (!cfg_has(cfg, off, 2))
		return 0;
	return (uint16_t)(cfg->data[off] | cfg->data[off + 1] << 8);
}

static uint32_t cfg_read32(const struct pcicfg *cfg, size_t off)
{
	if (!cfg_has(cfg, off, 4))
		return 0;
	return (uint32_t)cfg->data[off] | (uint32_t)cfg->data[off + 1] << 8 |
	       (uint32_t)cfg->data[off + 2] << 16 | (uint32_t)cfg->data[off + 3] << 24;
}

static bool bit(uint32_t reg, uint32_t mask)
{
	return (reg & mask) != 0;
}

/* ---- SR-IOV ------------------------------------------------------------ */

/*
 * Lists the VF BARs the way lspci does: a BAR reading 0 or all ones is not
 * shown; a 64-bit memory BAR takes the next slot as its upper half (for BAR 5
 * that "slot" is the migration state register, as in lspci); "64-bit" is
 * printed for any non-zero memory type.
 */
static void sriov_vf_bars_decode(const struct pcicfg *cfg, uint16_t off,
				 struct sriov_cap *c)
{
	int i;

	for (i = 0; i < SRIOV_NUM_VF_BARS; i++) {
		uint32_t low = cfg_read32(cfg, off + SRIOV_VF_BAR0 + 4u * i);
		struct sriov_vf_bar *bar;
		uint32_t type;

		if (low == 0xffffffffu || low == 0)
			continue;
		type = low & BAR_MEM_TYPE_MASK;
		bar = &c->vf_bars[c->n_vf_bars++];
		bar->index = i;
		bar->address = low & ~BAR_MEM_FLAGS;
		bar->is_64bit = type != 0;
		bar->prefetchable = bit(low, BAR_PREFETCH);
		bar->is_io = bit(low, BAR_IO);
		if (type != BAR_MEM_TYPE_64)
			continue;
		i++;
		bar->address |= (uint64_t)cfg_read32(cfg, off + SRIOV_VF_BAR0 + 4u * i)
				<< 32;
	}
}

void sriov_cap_decode(const struct pcicfg *cfg, uint16_t off, struct sriov_cap *c)
{
	uint32_t migration;

	memset(c, 0, sizeof(*c));
	c->offset = off;
	c->version = (cfg_read32(cfg, off) >> 16) & 0xf;

	c->cap_raw = cfg_read32(cfg, off + SRIOV_CAP);
	c->migration = bit(c->cap_raw, SRIOV_CAP_MIGRATION);
	c->ten_bit_tag_requester = bit(c->cap_raw, SRIOV_CAP_10BIT_TAG);
	c->interrupt_message_number = (uint16_t)(c->cap_raw >> SRIOV_CAP_IMN_SHIFT);

	c->control_raw = cfg_read16(cfg, off + SRIOV_CTRL);
	c->vf_enable = bit(c->control_raw, SRIOV_CTRL_VFE);
	c->vf_migration_enable = bit(c->control_raw, SRIOV_CTRL_VFME);
	c->vf_migration_interrupt_enable = bit(c->control_raw, SRIOV_CTRL_VFMIE);
	c->vf_mse = bit(c->control_raw, SRIOV_CTRL_MSE);
	c->ari_capable_hierarchy = bit(c->control_raw, SRIOV_CTRL_ARI);
	c->ten_bit_tag_requester_enable = bit(c->control_raw, SRIOV_CTRL_10BIT_TAG);

	c->status_raw = cfg_read16(cfg, off + SRIOV_STATUS);
	c->vf_migration = bit(c->status_raw, SRIOV_STATUS_VFM);

	c->initial_vfs = cfg_read16(cfg, off + SRIOV_INITIAL_VFS);
	c->total_vfs = cfg_read16(cfg, off + SRIOV_TOTAL_VFS);
	c->num_vfs = cfg_read16(cfg, off + SRIOV_NUM_VFS);
	c->function_dependency_link = cfg_read8(cfg, off + SRIOV_FUNC_DEP_LINK);
	c->vf_offset = cfg_read16(cfg, off + SRIOV_VF_OFFSET);
	c->vf_stride = cfg_read16(cfg, off + SRIOV_VF_STRIDE);
	c->vf_device_id = cfg_read16(cfg, off + SRIOV_VF_DEVICE_ID);
	c->supported_page_sizes = cfg_read32(cfg, off + SRIOV_SUPPORTED_PGSZ);
	c->system_page_size = cfg_read32(cfg, off + SRIOV_SYSTEM_PGSZ);

	sriov_vf_bars_decode(cfg, off, c);

	migration = cfg_read32(cfg, off + SRIOV_VF_MIGRATION);
	c->vf_migration_state_offset = migration & ~SRIOV_MIGR_BIR_MASK;
	c->vf_migration_state_bir = migration & SRIOV_MIGR_BIR_MASK;
}

/* ---- ARI, ACS ------------------------------------------------------------ */

void ari_cap_decode(const struct pcicfg *cfg, uint16_t off, struct ari_cap *c)
{
	uint16_t cap = cfg_read16(cfg, off + ARI_CAP);
	uint16_t ctrl = cfg_read16(cfg, off + ARI_CTRL);

	memset(c, 0, sizeof(*c));
	c->offset = off;
	c->mfvc = bit(cap, ARI_MFVC);
	c->acs = bit(cap, ARI_ACS);
	c->next_function = cap >> 8;
	c->mfvc_enable = bit(ctrl, ARI_MFVC);
	c->acs_enable = bit(ctrl, ARI_ACS);
	c->function_group = (ctrl >> ARI_CTRL_FG_SHIFT) & ARI_CTRL_FG_MASK;
}

static void acs_bits_decode(uint16_t reg, struct acs_bits *b)
{
	b->source_validation = bit(reg, 1u << 0);
	b->translation_blocking = bit(reg, 1u << 1);
	b->request_redirect = bit(reg, 1u << 2);
	b->completion_redirect = bit(reg, 1u << 3);
	b->upstream_forwarding = bit(reg, 1u << 4);
	b->egress_control = bit(reg, 1u << 5);
	b->direct_translated_p2p = bit(reg, 1u << 6);
}

void acs_cap_decode(const struct pcicfg *cfg, uint16_t off, struct acs_cap *c)
{
	memset(c, 0, sizeof(*c));
	c->offset = off;
	c->cap_raw = cfg_read16(cfg, off + ACS_CAP);
	c->control_raw = cfg_read16(cfg, off + ACS_CTRL);
	acs_bits_decode(c->cap_raw, &c->cap);
	acs_bits_decode(c->control_raw, &c->control);
	c->egress_vector_size = c->cap_raw >> ACS_EGRESS_SHIFT;
}

/* ---- PCI Express, MSI-X -------------------------------------------------- */

/* Root Complex integrated endpoints and event collectors have no link. */
static bool pcie_type_has_link(uint8_t type)
{
	return type != PCIE_TYPE_RC_ENDPOINT && type != PCIE_TYPE_RC_EVENT_COLLECTOR;
}

void pcie_cap_decode(const struct pcicfg *cfg, uint16_t off, struct pcie_cap *c)
{
	uint16_t flags = cfg_read16(cfg, off + PCIE_FLAGS);

	memset(c, 0, sizeof(*c));
	c->offset = off;
	c->version = flags & PCIE_FLAGS_VERSION;
	c->port_type = (flags & PCIE_FLAGS_TYPE) >> 4;
	c->flr = bit(cfg_read32(cfg, off + PCIE_DEVCAP), PCIE_DEVCAP_FLR);
	if (pcie_type_has_link(c->port_type)) {
		uint16_t lnksta = cfg_read16(cfg, off + PCIE_LNKSTA);

		c->link_speed = lnksta & PCIE_LNKSTA_SPEED;
		c->link_width = (lnksta & PCIE_LNKSTA_WIDTH) >> 4;
	}
	if (c->version < 2)
		return;
	c->has_v2_regs = true;
	c->ari_forwarding_supported =
		bit(cfg_read32(cfg, off + PCIE_DEVCAP2), PCIE_DEV2_ARI);
	c->ari_forwarding_enabled =
		bit(cfg_read16(cfg, off + PCIE_DEVCTL2), PCIE_DEV2_ARI);
}

void msix_cap_decode(const struct pcicfg *cfg, uint16_t off, struct msix_cap *c)
{
	uint16_t ctrl = cfg_read16(cfg, off + MSIX_CTRL);

	memset(c, 0, sizeof(*c));
	c->offset = off;
	c->table_size = (ctrl & MSIX_TABLE_SIZE) + 1;
	c->enabled = bit(ctrl, MSIX_ENABLE);
	c->masked = bit(ctrl, MSIX_MASKALL);
}

/* ---- capability lists ---------------------------------------------------- */

struct cap_walk {
	const struct pcicfg *cfg;
	struct pci_caps *caps;
	bool visited[PCI_CFG_EXT_SIZE / 4]; /* one flag per dword offset */
};

/* Marks a list entry as seen; false when it was seen before (a loop). */
static bool walk_visit(struct cap_walk *w, uint16_t off)
{
	if (w->visited[off / 4])
		return false;
	w->visited[off / 4] = true;
	return true;
}

static bool walk_add_ref(struct cap_walk *w, uint16_t id, uint16_t off, bool extended)
{
	struct pci_caps *caps = w->caps;

	if (caps->n_refs >= PCI_MAX_CAP_REFS) {
		caps->walk_truncated = true;
		return false;
	}
	caps->refs[caps->n_refs].id = id;
	caps->refs[caps->n_refs].offset = off;
	caps->refs[caps->n_refs].extended = extended;
	caps->n_refs++;
	return true;
}

/* The first instance of each capability is the one decoded. */
static void decode_std_cap(struct cap_walk *w, uint8_t id, uint16_t off)
{
	struct pci_caps *caps = w->caps;

	if (id == CAP_ID_PCIE && !caps->has_pcie) {
		pcie_cap_decode(w->cfg, off, &caps->pcie);
		caps->has_pcie = true;
	} else if (id == CAP_ID_MSIX && !caps->has_msix) {
		msix_cap_decode(w->cfg, off, &caps->msix);
		caps->has_msix = true;
	}
}

static void decode_ext_cap(struct cap_walk *w, uint16_t id, uint16_t off)
{
	struct pci_caps *caps = w->caps;

	if (id == EXT_CAP_ID_SRIOV && !caps->has_sriov) {
		sriov_cap_decode(w->cfg, off, &caps->sriov);
		caps->has_sriov = true;
	} else if (id == EXT_CAP_ID_ARI && !caps->has_ari) {
		ari_cap_decode(w->cfg, off, &caps->ari);
		caps->has_ari = true;
	} else if (id == EXT_CAP_ID_ACS && !caps->has_acs) {
		acs_cap_decode(w->cfg, off, &caps->acs);
		caps->has_acs = true;
	}
}

static bool std_cap_ptr_valid(const struct cap_walk *w, uint16_t off)
{
	return off >= CFG_HEADER_SIZE && off < PCI_CFG_STD_SIZE &&
	       cfg_has(w->cfg, off, 2);
}

/* A pointer into the standard space the config does not cover (lspci -x). */
static bool std_cap_past_dump(const struct cap_walk *w, uint16_t off)
{
	return off >= CFG_HEADER_SIZE && off < PCI_CFG_STD_SIZE &&
	       !cfg_has(w->cfg, off, 2);
}

/*
 * Pointers have their two reserved low bits masked off, as the PCI spec asks
 * software to do (and as Linux and lspci do), so they are always aligned.
 */
static void walk_std_caps(struct cap_walk *w)
{
	struct pci_caps *caps = w->caps;
	uint8_t ptr_reg = CFG_CAP_PTR;
	uint16_t off;

	if (!bit(cfg_read16(w->cfg, CFG_STATUS), STATUS_CAP_LIST))
		return;
	if (caps->header_type == HEADER_TYPE_CARDBUS)
		ptr_reg = CFG_CARDBUS_CAP_PTR;
	off = cfg_read8(w->cfg, ptr_reg) & ~CAP_PTR_RESERVED;
	while (off) {
		uint8_t id;

		if (std_cap_past_dump(w, off)) {
			caps->list_past_dump = true;
			caps->past_dump_offset = off;
			return;
		}
		if (!std_cap_ptr_valid(w, off) || !walk_visit(w, off)) {
			caps->walk_truncated = true;
			return;
		}
		id = cfg_read8(w->cfg, off);
		if (id == CAP_ID_BROKEN) {
			caps->walk_truncated = true;
			return;
		}
		if (!walk_add_ref(w, id, off, false))
			return;
		decode_std_cap(w, id, off);
		off = cfg_read8(w->cfg, off + 1) & ~CAP_PTR_RESERVED;
	}
}

static bool ext_cap_ptr_valid(const struct cap_walk *w, uint16_t off)
{
	return off >= EXT_CAPS_START && cfg_has(w->cfg, off, 4);
}

/* Header: ID in bits 15:0, version 19:16, next pointer 31:20. */
static void walk_ext_caps(struct cap_walk *w)
{
	struct pci_caps *caps = w->caps;
	uint16_t off = EXT_CAPS_START;

	if (cfg_len(w->cfg) < PCI_CFG_EXT_SIZE)
		return;
	caps->ext_space_read = true;
	if (cfg_read32(w->cfg, off) == 0)
		return; /* no extended capabilities */
	while (off) {
		uint32_t header;
		uint16_t id;

		if (!ext_cap_ptr_valid(w, off) || !walk_visit(w, off)) {
			caps->walk_truncated = true;
			return;
		}
		header = cfg_read32(w->cfg, off);
		id = header & 0xffff;
		if (header == 0 || id == EXT_CAP_ID_BROKEN) {
			caps->walk_truncated = true;
			return;
		}
		if (!walk_add_ref(w, id, off, true))
			return;
		decode_ext_cap(w, id, off);
		off = (header >> 20) & ~CAP_PTR_RESERVED;
	}
}

static void decode_header(const struct pcicfg *cfg, struct pci_caps *caps)
{
	uint32_t class_rev = cfg_read32(cfg, CFG_CLASS_REV);

	caps->vendor_id = cfg_read16(cfg, CFG_VENDOR_ID);
	caps->device_id = cfg_read16(cfg, CFG_DEVICE_ID);
	caps->revision = class_rev & 0xff;
	caps->class_code = class_rev >> 8;
	caps->header_type = cfg_read8(cfg, CFG_HEADER_TYPE) & HEADER_TYPE_MASK;
}

int pci_caps_decode(const struct pcicfg *cfg, struct pci_caps *caps, struct sriov_err *e)
{
	struct cap_walk walk = {0};

	if (!cfg || !caps)
		return sriov_err_set(e, -EINVAL,
				     "pci_caps_decode: no config space given");
	memset(caps, 0, sizeof(*caps));
	if (cfg->len < CFG_HEADER_SIZE)
		return sriov_err_set(e, -EINVAL,
				     "config space has %zu bytes; at least 64 are needed",
				     cfg->len);
	if (cfg->len > PCI_CFG_EXT_SIZE)
		return sriov_err_set(e, -EINVAL,
				     "config space has %zu bytes; at most 4096 exist",
				     cfg->len);
	caps->vendor_id = cfg_read16(cfg, CFG_VENDOR_ID);
	if (caps->vendor_id == 0xffff) {
		caps->config_all_ones = true;
		return 0;
	}
	decode_header(cfg, caps);
	walk.cfg = cfg;
	walk.caps = caps;
	walk_std_caps(&walk);
	walk_ext_caps(&walk);
	return 0;
}
