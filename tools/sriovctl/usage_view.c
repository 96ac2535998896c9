// SPDX-License-Identifier: MIT
/* Who uses a function (struct fn_users), as show's used_by and "in use:" lines. */
#include <stdio.h>

#include "usage_view.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

static struct json_object *fn_user_json(const struct fn_user *u)
{
	struct json_object *o = json_object_new_object();
	struct json_object *addrs;

	if (u->kind == FN_USER_PROCESS) {
		ADD(o, "kind", json_object_new_string("process"));
		ADD(o, "pid", json_object_new_int(u->pid));
		ADD(o, "command", json_object_new_string(u->command));
		ADD(o, "vm", json_str_or_null(u->vm_name));
		ADD(o, "device", json_object_new_string(u->device));
		return o;
	}
	addrs = json_object_new_array();
	for (size_t i = 0; i < u->n_addrs; i++)
		json_object_array_add(addrs, json_object_new_string(u->addrs[i]));
	ADD(o, "kind", json_object_new_string("netdev"));
	ADD(o, "netdev", json_object_new_string(u->ifname));
	ADD(o, "addresses", addrs);
	ADD(o, "default_route", json_object_new_boolean(u->default_route));
	return o;
}

struct json_object *fn_users_json(const struct fn_users *u)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < u->n; i++)
		json_object_array_add(arr, fn_user_json(&u->v[i]));
	return arr;
}

void fn_users_print(FILE *out, const struct fn_users *u, const char *prefix)
{
	char text[512];

	for (size_t i = 0; i < u->n; i++) {
		fn_user_describe(&u->v[i], text, sizeof(text));
		fprintf(out, "%s%s\n", prefix, text);
	}
}
