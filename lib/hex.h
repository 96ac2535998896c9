/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_HEX_H
#define SRIOV_HEX_H

/* Value of one hex digit, or -1. Internal to libsriov. */
static inline int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
