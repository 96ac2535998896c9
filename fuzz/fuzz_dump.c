// SPDX-License-Identifier: MIT
/*
 * Fuzz target: lspci -x/-xxx/-xxxx text dumps (pci_dump_parse), then the
 * capability decoders on every function the dump held.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pci_dump_func *funcs = NULL;
	struct sriov_err err;
	size_t n = 0;

	sriov_err_clear(&err);
	if (pci_dump_parse((const char *)data, size, "fuzz.txt", &funcs, &n, &err) < 0) {
		FUZZ_ASSERT(!funcs && err.msg[0]);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = funcs[i].cfg.len;

		FUZZ_ASSERT(len == 64 || len == PCI_CFG_STD_SIZE ||
			    len == PCI_CFG_EXT_SIZE);
		fuzz_decode_all(&funcs[i].cfg);
	}
	pci_dump_free(funcs);
	return 0;
}
