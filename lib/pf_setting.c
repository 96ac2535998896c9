// SPDX-License-Identifier: MIT
/* The PF settings of `pf DEV set`: one row per key (include/sriov/pf_setting.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/devlink.h"
#include "sriov/pf_setting.h"

struct pf_row {
	const char *name;
	const char *values;
	const char *help;
	int (*parse)(const char *s); /* value, -1 when unknown; NULL: a number */
};

static const struct pf_row rows[PF_KEY_COUNT] = {
	[PF_KEY_ESWITCH] =
		{"eswitch", "legacy|switchdev",
		 "devlink eswitch mode; switchdev creates a representor per VF",
		 devlink_eswitch_mode_parse},
	[PF_KEY_INLINE_MODE] = {"inline_mode", "none|link|network|transport",
				"devlink eswitch inline-mode (the headers the VF "
				"driver copies for the eswitch)",
				devlink_inline_mode_parse},
	[PF_KEY_ENCAP] = {"encap", "none|basic",
			  "devlink eswitch encap-mode (tunnel offload in switchdev)",
			  devlink_encap_mode_parse},
	[PF_KEY_MTU] = {"mtu", "68-65535", "the PF netdev's MTU in bytes", NULL},
};

static const struct pf_row *row_of(enum pf_key key)
{
	return (unsigned int)key < PF_KEY_COUNT ? &rows[key] : NULL;
}

const char *pf_key_name(enum pf_key key)
{
	return row_of(key) ? row_of(key)->name : "?";
}

const char *pf_key_values(enum pf_key key)
{
	return row_of(key) ? row_of(key)->values : "?";
}

const char *pf_key_help(enum pf_key key)
{
	return row_of(key) ? row_of(key)->help : "";
}

bool pf_key_is_devlink(enum pf_key key)
{
	return row_of(key) && row_of(key)->parse;
}

int pf_key_lookup(const char *name, enum pf_key *key, struct sriov_err *e)
{
	for (int k = 0; name && k < PF_KEY_COUNT; k++) {
		if (!strcmp(name, rows[k].name)) {
			*key = (enum pf_key)k;
			return 0;
		}
	}
	return sriov_err_set(e, -EINVAL,
			     "unknown PF setting '%s' (one of eswitch, inline_mode, "
			     "encap, mtu)",
			     name ? name : "");
}

static int parse_mtu(const char *text, char *canon, size_t size, struct sriov_err *e)
{
	char *end;
	long v;

	if (!text[0] || text[0] < '0' || text[0] > '9')
		goto bad;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || *end || v < PF_MTU_MIN || v > PF_MTU_MAX)
		goto bad;
	snprintf(canon, size, "%ld", v);
	return 0;
bad:
	return sriov_err_set(e, -EINVAL,
			     "mtu: '%s' is not an MTU (a number of bytes, %d-%d)", text,
			     PF_MTU_MIN, PF_MTU_MAX);
}

int pf_value_parse(enum pf_key key, const char *text, char *canon, size_t size,
		   struct sriov_err *e)
{
	const struct pf_row *row = row_of(key);

	if (!row || !text)
		return sriov_err_set(e, -EINVAL, "no PF setting or value");
	if (!row->parse)
		return parse_mtu(text, canon, size, e);
	if (row->parse(text) < 0)
		return sriov_err_set(e, -EINVAL, "%s: unknown value '%s' (one of %s)",
				     row->name, text, row->values);
	snprintf(canon, size, "%s", text);
	return 0;
}
