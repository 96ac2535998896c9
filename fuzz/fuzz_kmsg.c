// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the kernel log parsers. The input as a saved log
 * (kmsg_parse_text(): /dev/kmsg records and dmesg lines mixed), as one
 * /dev/kmsg record (kmsg_parse_record()) and its first line as a dmesg line;
 * every record is classified again and searched for with kmsg_log_find() by
 * the device it names.
 */
#include <stdlib.h>
#include <string.h>

#include "sriov/kmsg.h"
#include "fuzz.h"

static void check_record(const struct kmsg_record *rec)
{
	FUZZ_ASSERT(memchr(rec->text, 0, sizeof(rec->text)));
	FUZZ_ASSERT(memchr(rec->device, 0, sizeof(rec->device)));
	FUZZ_ASSERT(memchr(rec->origin, 0, sizeof(rec->origin)));
	FUZZ_ASSERT(rec->kind >= KMSG_OTHER && rec->kind < KMSG_KIND_COUNT);
	FUZZ_ASSERT(kmsg_classify(rec->text) == rec->kind);
	FUZZ_ASSERT(kmsg_kind_name(rec->kind) != NULL);
	FUZZ_ASSERT((kmsg_kind_summary(rec->kind) == NULL) == (rec->kind == KMSG_OTHER));
	(void)kmsg_kind_remedy(rec->kind);
}

static void parse_log(const char *text, size_t len)
{
	struct kmsg_log log = {0};
	struct pci_addr a;

	if (kmsg_parse_text(text, len, &log) < 0) {
		kmsg_log_free(&log);
		return;
	}
	for (size_t i = 0; i < log.n; i++) {
		const struct kmsg_record *rec = &log.v[i], *found;

		check_record(rec);
		if (!rec->has_pci_addr)
			continue;
		found = kmsg_log_find(&log, &rec->addr);
		FUZZ_ASSERT(!found || (found->kind != KMSG_OTHER &&
				       kmsg_record_is_about(found, &rec->addr)));
	}
	pci_addr_parse("0000:01:00.0", &a);
	(void)kmsg_log_find(&log, &a);
	kmsg_log_free(&log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size);
	size_t line_len = nl ? (size_t)(nl - text) : size;
	struct kmsg_record *rec = calloc(1, sizeof(*rec));

	parse_log(text, size);
	if (!rec)
		return 0;
	if (kmsg_parse_record(text, size, rec) == 0)
		check_record(rec);
	(void)kmsg_line_is_log(text, line_len);
	if (kmsg_parse_text_line(text, line_len, rec) == 0)
		check_record(rec);
	free(rec);
	return 0;
}
