// SPDX-License-Identifier: MIT
#include <stdio.h>

#include "cli.h"

void json_print(struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(
		obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			     JSON_C_TO_STRING_NOSLASHESCAPE);

	fputs(s, stdout);
	fputc('\n', stdout);
}

struct json_object *json_hex16(uint16_t v)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "%04x", v);
	return json_object_new_string(buf);
}

struct json_object *json_str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

struct json_object *json_int_or_null(int v)
{
	return v < 0 ? NULL : json_object_new_int(v);
}

struct json_object *json_tristate(int v)
{
	return v < 0 ? NULL : json_object_new_boolean(v);
}
