/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_FUZZ_H
#define SRIOV_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "sriov/pcicfg.h"

/*
 * libFuzzer's entry points. Each fuzz_NAME.c defines the first (the second
 * where it needs set-up); standalone.c calls them for the fuzz-regress
 * tests, libFuzzer (-fsanitize=fuzzer) when fuzzing.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Ends the run as a crash: a broken invariant, kept as an artifact by libFuzzer. */
#define FUZZ_ASSERT(cond)                                                                \
	do {                                                                             \
		if (!(cond))                                                             \
			__builtin_trap();                                                \
	} while (0)

/*
 * Decodes cfg with pci_caps_decode(), then runs each single decoder at the
 * offset of every capability the walk found (fuzz_caps.c and fuzz_dump.c).
 */
void fuzz_decode_all(const struct pcicfg *cfg);

/*
 * A heap copy of data as config space of the length a dump could have
 * (64, 256 or 4096 bytes; shorter inputs keep their size). Under ASan the
 * bytes past len are poisoned, so a decoder reading past cfg->len crashes.
 * Free with fuzz_cfg_free().
 */
struct pcicfg *fuzz_cfg_new(const uint8_t *data, size_t size);
void fuzz_cfg_free(struct pcicfg *cfg);

#endif
