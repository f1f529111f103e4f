/* SPDX-License-Identifier: MIT */
/*
 * A small JSON reader for bpfq merge: enough of RFC 8259 for the partial
 * lines bpfq prints. Numbers stay text, so 128-bit sums are read exactly.
 */
#ifndef BPFQ_JSON_READ_H
#define BPFQ_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

enum json_kind { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY,
		 JSON_OBJECT };

struct json {
	enum json_kind kind;
	char *text;		/* JSON_NUMBER: as written; JSON_STRING: decoded */
	char *key;		/* a member of an object: its name */
	struct json *child;	/* arrays and objects: first element or member */
	struct json *next;	/* the following sibling */
};

/* Parse one JSON value filling all of text. NULL with *err set on a syntax error. */
struct json *json_parse(const char *text, const char **err);
void json_free(struct json *j);

/* An object's member by name, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);

#endif /* BPFQ_JSON_READ_H */
