/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_CLOCK_H
#define SRIOV_CLOCK_H

/* Milliseconds for the bounded waits of the library. Internal. */

#include <errno.h>
#include <time.h>

/* CLOCK_MONOTONIC in milliseconds: for deadlines, not for dates. */
static inline long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps ms milliseconds, resumed after signals. */
static inline void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000,
			      .tv_nsec = (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

#endif
