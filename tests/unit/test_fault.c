// SPDX-License-Identifier: MIT
/* The test-only fault hooks (lib/fault.c; built with -Dfault_hooks=true). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "fault.h"

/* Runs fn(arg) in a child; returns its wait status once it ends, or -1
 * when it is still running after timeout_ms (then it is killed). */
static int run_child(void (*fn)(const void *), const void *arg, int timeout_ms)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	for (int waited = 0; waited < timeout_ms; waited += 10) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		assert_true(got >= 0);
		if (got == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return -1;
}

static void kill_at(const void *arg)
{
	fault_kill_at_step(*(const int *)arg);
}

static void block_write(const void *arg)
{
	fault_block_write(arg);
}

static bool killed(int status)
{
	return status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static bool exited(int status)
{
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_kill_step(void **state)
{
	int step;

	(void)state;
	unsetenv("SRIOVCTL_FAULT_KILL_STEP");
	step = 1;
	assert_true(exited(run_child(kill_at, &step, 5000)));
	setenv("SRIOVCTL_FAULT_KILL_STEP", "3", 1);
	step = 2;
	assert_true(exited(run_child(kill_at, &step, 5000)));
	step = 3;
	assert_true(killed(run_child(kill_at, &step, 5000)));
	unsetenv("SRIOVCTL_FAULT_KILL_STEP");
}

static void test_block_write(void **state)
{
	(void)state;
	unsetenv("SRIOVCTL_FAULT_BLOCK_WRITE");
	assert_true(exited(run_child(block_write, "/sys/x/sriov_numvfs", 5000)));
	setenv("SRIOVCTL_FAULT_BLOCK_WRITE", "sriov_numvfs", 1);
	/* the file named: the writer never returns */
	assert_int_equal(run_child(block_write, "/sys/x/sriov_numvfs", 300), -1);
	/* only a whole file name matches */
	assert_true(exited(run_child(block_write, "/sys/x/xsriov_numvfs", 5000)));
	assert_true(exited(run_child(block_write, "sriov_numvfs", 5000)));
	assert_true(exited(run_child(block_write, "/sys/x/unbind", 5000)));
	setenv("SRIOVCTL_FAULT_BLOCK_WRITE", "", 1);
	assert_true(exited(run_child(block_write, "/sys/x/sriov_numvfs", 5000)));
	unsetenv("SRIOVCTL_FAULT_BLOCK_WRITE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_step),
		cmocka_unit_test(test_block_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
