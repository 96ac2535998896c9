/* SPDX-License-Identifier: MIT */
#ifndef SRIOVCTL_USAGE_VIEW_H
#define SRIOVCTL_USAGE_VIEW_H

/* "In use" rendering (show's used_by, bind, unbind). */

#include "cli.h"
#include "sriov/bind.h"

/* used_by: [{"kind": "process", ...} | {"kind": "netdev", ...}] (usage_view.c) */
struct json_object *fn_users_json(const struct fn_users *u);

/* One line per user: prefix, then the user in words (fn_user_describe()). */
void fn_users_print(FILE *out, const struct fn_users *u, const char *prefix);

#endif
