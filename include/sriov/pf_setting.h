/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_PF_SETTING_H
#define SRIOV_PF_SETTING_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"

/*
 * The PF settings of `sriovctl pf DEV set KEY VALUE` (lib/pf_setting.c): the
 * devlink eswitch of the PF's instance and the PF netdev's MTU. One table:
 * names, what values each takes, how they are spelled in the journal (the
 * same text the user gives). Pure.
 */

enum pf_key {
	PF_KEY_ESWITCH,	    /* devlink eswitch mode: legacy | switchdev */
	PF_KEY_INLINE_MODE, /* devlink eswitch inline-mode: none|link|network|transport */
	PF_KEY_ENCAP,	    /* devlink eswitch encap-mode: none | basic */
	PF_KEY_MTU,	    /* the PF netdev's MTU (68-65535) */
	PF_KEY_COUNT,
};

#define PF_MTU_MIN 68
#define PF_MTU_MAX 65535

const char *pf_key_name(enum pf_key key); /* "eswitch", "inline_mode", "encap", "mtu" */
/* What the value is, for help and messages ("legacy|switchdev", "68-65535"). */
const char *pf_key_values(enum pf_key key);
/* One line of help for the key. */
const char *pf_key_help(enum pf_key key);
/* True for the keys set through devlink (the eswitch ones). */
bool pf_key_is_devlink(enum pf_key key);

/* Looks a key up by name; -EINVAL (message listing the keys) when unknown. */
int pf_key_lookup(const char *name, enum pf_key *key, struct sriov_err *e);

/*
 * Checks a value and writes its canonical text ("switchdev", "9000") into
 * canon. -EINVAL with a message naming the key and the values it takes.
 */
int pf_value_parse(enum pf_key key, const char *text, char *canon, size_t size,
		   struct sriov_err *e);

#endif
