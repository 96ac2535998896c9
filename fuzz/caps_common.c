// SPDX-License-Identifier: MIT
/* What fuzz_caps and fuzz_dump share: decoding one function's config space. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif

#ifdef FUZZ_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static size_t cfg_len_for(size_t size)
{
	if (size >= PCI_CFG_EXT_SIZE)
		return PCI_CFG_EXT_SIZE;
	if (size >= PCI_CFG_STD_SIZE)
		return PCI_CFG_STD_SIZE;
	if (size >= 64)
		return 64;
	return size;
}

struct pcicfg *fuzz_cfg_new(const uint8_t *data, size_t size)
{
	struct pcicfg *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		return NULL;
	cfg->len = cfg_len_for(size);
	memcpy(cfg->data, data, cfg->len);
	POISON(cfg->data + cfg->len, PCI_CFG_EXT_SIZE - cfg->len);
	return cfg;
}

void fuzz_cfg_free(struct pcicfg *cfg)
{
	if (!cfg)
		return;
	UNPOISON(cfg->data + cfg->len, PCI_CFG_EXT_SIZE - cfg->len);
	free(cfg);
}

/* One decoder at off, chosen by the capability's id. */
static void decode_one(const struct pcicfg *cfg, const struct pci_cap_ref *ref)
{
	union {
		struct sriov_cap sriov;
		struct ari_cap ari;
		struct acs_cap acs;
		struct pcie_cap pcie;
		struct msix_cap msix;
	} u;

	if (ref->extended) {
		sriov_cap_decode(cfg, ref->offset, &u.sriov);
		FUZZ_ASSERT(u.sriov.n_vf_bars <= SRIOV_NUM_VF_BARS);
		ari_cap_decode(cfg, ref->offset, &u.ari);
		acs_cap_decode(cfg, ref->offset, &u.acs);
		return;
	}
	pcie_cap_decode(cfg, ref->offset, &u.pcie);
	msix_cap_decode(cfg, ref->offset, &u.msix);
}

void fuzz_decode_all(const struct pcicfg *cfg)
{
	struct pci_caps *caps = calloc(1, sizeof(*caps));
	struct sriov_err err;

	if (!caps)
		return;
	sriov_err_clear(&err);
	if (pci_caps_decode(cfg, caps, &err) == 0) {
		FUZZ_ASSERT(caps->n_refs >= 0 && caps->n_refs <= PCI_MAX_CAP_REFS);
		FUZZ_ASSERT(caps->sriov.n_vf_bars <= SRIOV_NUM_VF_BARS);
		for (int i = 0; i < caps->n_refs; i++)
			decode_one(cfg, &caps->refs[i]);
	} else {
		FUZZ_ASSERT(cfg->len < 64 && err.msg[0]);
	}
	free(caps);
}
