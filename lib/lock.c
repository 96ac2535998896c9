// SPDX-License-Identifier: MIT
/*
 * The lock that serialises the commands changing the host (journal.h): an
 * exclusive flock(2) on SRIOV_LOCK_FILE inside the root. The kernel drops it
 * when the holder exits, however it exits, so a crash never leaves it
 * taken. The holder writes "PID COMMAND\n" into the file, so that a waiter
 * can say whom it waits for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>

#include "sriov/journal.h"
#include "clock.h"

#define LOCK_POLL_MS	 100
#define LOCK_PROGRESS_MS 1000

#define HOLDER_WRITE "write" /* sriov_lock_hand_over(): a write left running */

/* "pid 123 (sriovctl apply)" from what the holder wrote, or a vaguer name. */
static void describe_holder(int fd, char *buf, size_t size)
{
	char text[64], command[17];
	long pid;
	ssize_t n;

	snprintf(buf, size, "another sriovctl");
	do {
		n = pread(fd, text, sizeof(text) - 1, 0);
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return;
	text[n] = '\0';
	if (sscanf(text, "%ld %16[a-z_-]", &pid, command) != 2 || pid <= 0)
		return;
	if (!strcmp(command, HOLDER_WRITE))
		snprintf(buf, size,
			 "pid %ld (a sysfs write sriovctl left running in the kernel)",
			 pid);
	else
		snprintf(buf, size, "pid %ld (sriovctl %s)", pid, command);
}

/* Writes "PID COMMAND\n" into the lock we now hold. */
static int write_holder(int fd, long pid, const char *command)
{
	char text[64];
	int len = snprintf(text, sizeof(text), "%ld %s\n", pid, command);

	if (ftruncate(fd, 0) < 0)
		return -errno;
	if (pwrite(fd, text, (size_t)len, 0) != len)
		return errno ? -errno : -EIO;
	return 0;
}

static int try_lock(int fd)
{
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static int lock_busy(int fd, int err, int timeout_ms, struct sriov_err *e)
{
	char holder[96];

	describe_holder(fd, holder, sizeof(holder));
	if (err == -EWOULDBLOCK) {
		sriov_err_set(e, err, "%s: held by %s", SRIOV_LOCK_FILE, holder);
		sriov_err_hint(e, "another sriovctl is changing this host; run again "
				  "when it has finished");
	} else {
		sriov_err_set(e, err, "%s: still held by %s after %d s", SRIOV_LOCK_FILE,
			      holder, (timeout_ms + 999) / 1000);
		sriov_err_hint(e,
			       "if %s is stuck, find out why before stopping it: "
			       "the lock is released when it exits",
			       holder);
	}
	return err;
}

/* Waits for the lock on fd: 0 once taken, or -errno. */
static int wait_for_lock(int fd, int timeout_ms,
			 void (*progress)(void *ctx, const char *msg), void *ctx,
			 struct sriov_err *e)
{
	long long start = mono_ms(), next_progress = start;
	char holder[96], msg[160];
	int ret;

	while ((ret = try_lock(fd)) == -EWOULDBLOCK) {
		long long now = mono_ms();

		if (timeout_ms == 0)
			return lock_busy(fd, -EWOULDBLOCK, timeout_ms, e);
		if (timeout_ms > 0 && now - start >= timeout_ms)
			return lock_busy(fd, -ETIMEDOUT, timeout_ms, e);
		if (progress && now >= next_progress) {
			describe_holder(fd, holder, sizeof(holder));
			snprintf(msg, sizeof(msg), "waiting for %s to finish", holder);
			progress(ctx, msg);
			next_progress = now + LOCK_PROGRESS_MS;
		}
		sleep_ms(LOCK_POLL_MS);
	}
	if (ret < 0)
		return sriov_err_set(e, ret, "%s: flock: %s", SRIOV_LOCK_FILE,
				     strerror(-ret));
	return 0;
}

static bool command_is_plain(const char *command)
{
	size_t len = strlen(command);

	return len > 0 && len <= 16 &&
	       strspn(command, "abcdefghijklmnopqrstuvwxyz_-") == len;
}

int sriov_lock_acquire(struct sriov_root *r, const char *command, int timeout_ms,
		       void (*progress)(void *ctx, const char *msg), void *ctx,
		       struct sriov_err *e)
{
	int fd, ret;

	if (!command || !command_is_plain(command))
		return sriov_err_set(e, -EINVAL,
				     "lock: command \"%s\" is not a plain word",
				     command ? command : "(null)");
	ret = sriov_mkdir_p(r, "/run", 0755, e);
	if (ret < 0)
		return ret;
	fd = sriov_root_open_create(r, SRIOV_LOCK_FILE, O_RDWR, 0600, e);
	if (fd < 0)
		return fd;
	ret = wait_for_lock(fd, timeout_ms, progress, ctx, e);
	if (!ret) {
		ret = write_holder(fd, (long)getpid(), command);
		if (ret < 0)
			sriov_err_set(e, ret, "%s: recording the holder: %s",
				      SRIOV_LOCK_FILE, strerror(-ret));
	}
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

void sriov_lock_release(int fd)
{
	int emptied;

	if (fd < 0)
		return;
	/* a waiter then never names a process that has let go; a failure is harmless */
	emptied = ftruncate(fd, 0);
	(void)emptied;
	close(fd); /* the last reference to the open file: the flock goes with it */
}

void sriov_lock_hand_over(int fd, long pid)
{
	if (fd < 0)
		return;
	if (pid <= 0 || write_holder(fd, pid, HOLDER_WRITE) < 0) {
		sriov_lock_release(fd);
		return;
	}
	close(fd); /* the child's reference keeps the flock until it exits */
}
