// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the apply journal's JSON (journal_from_json()). A journal
 * that parses must survive a round trip: journal_to_json() of it parses
 * again, and gives the same text a second time.
 */
#include <stdlib.h>
#include <string.h>

#include "sriov/journal.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal j, again;
	struct sriov_err err;
	char *text, *text2;

	sriov_err_clear(&err);
	if (journal_from_json((const char *)data, size, &j, &err) < 0) {
		FUZZ_ASSERT(err.msg[0] && j.n_steps == 0 && j.n_originals == 0);
		journal_free(&j);
		return 0;
	}
	text = journal_to_json(&j);
	journal_free(&j);
	if (!text)
		return 0;
	sriov_err_clear(&err);
	FUZZ_ASSERT(journal_from_json(text, strlen(text), &again, &err) == 0);
	text2 = journal_to_json(&again);
	FUZZ_ASSERT(!text2 || !strcmp(text, text2));
	journal_free(&again);
	free(text2);
	free(text);
	return 0;
}
