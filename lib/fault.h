/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_FAULT_H
#define SRIOV_FAULT_H

/*
 * Test-only fault hooks (lib/fault.c), read from the environment. They are
 * compiled in only with meson's -Dfault_hooks=true (the dev build of
 * scripts/test.sh and the VM guest's build turn it on); without it they are
 * empty and the strings SRIOVCTL_FAULT_* are not in the binary.
 *
 * SRIOVCTL_FAULT_KILL_STEP=N: fault_kill_at_step() kills the process with
 * SIGKILL when called with N (apply: the N-th change of a run, once
 * journaled and before it is made), a crash at a known point.
 *
 * SRIOVCTL_FAULT_BLOCK_WRITE=ATTR: fault_block_write() never returns for a
 * path ending in "/ATTR" (sriov_numvfs, unbind, ...): the bounded writer's
 * child waits to be killed, as a write stuck in the kernel on the device
 * lock looks from here.
 */
#ifdef SRIOV_FAULT_HOOKS
void fault_kill_at_step(int step);
void fault_block_write(const char *path);
#else
static inline void fault_kill_at_step(int step)
{
	(void)step;
}

static inline void fault_block_write(const char *path)
{
	(void)path;
}
#endif

#endif
