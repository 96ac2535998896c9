// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the capability decoders on raw config space. The input is
 * up to 4096 bytes of config space (its length picks 64, 256 or 4096, as
 * a dump would): pci_caps_decode() and each decoder at the offsets the walk
 * found, then every decoder at two offsets read from the input's first bytes
 * (the decoders are public and promise never to read past cfg->len).
 */
#include "fuzz.h"

static void decode_at(const struct pcicfg *cfg, uint16_t off)
{
	struct sriov_cap sriov;
	struct ari_cap ari;
	struct acs_cap acs;
	struct pcie_cap pcie;
	struct msix_cap msix;

	sriov_cap_decode(cfg, off, &sriov);
	FUZZ_ASSERT(sriov.n_vf_bars <= SRIOV_NUM_VF_BARS);
	ari_cap_decode(cfg, off, &ari);
	acs_cap_decode(cfg, off, &acs);
	pcie_cap_decode(cfg, off, &pcie);
	msix_cap_decode(cfg, off, &msix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcicfg *cfg;

	if (size > PCI_CFG_EXT_SIZE)
		return -1; /* not config space: keep it out of the corpus */
	cfg = fuzz_cfg_new(data, size);
	if (!cfg)
		return 0;
	fuzz_decode_all(cfg);
	if (size >= 4) {
		/* a standard pointer (byte 0x34's place) and an extended one */
		decode_at(cfg, data[0]);
		decode_at(cfg, (uint16_t)(data[2] | data[3] << 8));
	}
	fuzz_cfg_free(cfg);
	return 0;
}
