// SPDX-License-Identifier: MIT
/*
 * Test-only fault hooks (fault.h): built only with -Dfault_hooks=true, for
 * tests/vm/scenarios/apply.sh and faults.sh and the unit tests.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

void fault_kill_at_step(int step)
{
	const char *v = getenv("SRIOVCTL_FAULT_KILL_STEP");

	if (v && atoi(v) == step)
		raise(SIGKILL);
}

void fault_block_write(const char *path)
{
	const char *attr = getenv("SRIOVCTL_FAULT_BLOCK_WRITE");
	size_t len = strlen(path), n;

	if (!attr || !attr[0])
		return;
	n = strlen(attr);
	if (len <= n || path[len - n - 1] != '/' || strcmp(path + len - n, attr))
		return;
	for (;;)
		pause();
}
