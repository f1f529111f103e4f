/* SPDX-License-Identifier: MIT */
/*
 * The JSON of a partial line as a tree, parsed by yajl. Numbers stay
 * text, as written: yajl hands them over unconverted, so 64-bit state
 * words above INT64_MAX are read exactly and the range checks are the
 * reader's (json-c saturates 18446744073709551616 to UINT64_MAX without
 * a word; jansson stops at INT64_MAX).
 */
#ifndef BPFQ_JSON_READ_H
#define BPFQ_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

enum json_kind { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY,
		 JSON_OBJECT };

struct json {
	enum json_kind kind;
	char *text;		/* JSON_NUMBER: as written; JSON_STRING: decoded, no NUL inside */
	char *key;		/* a member of an object: its name */
	struct json *child;	/* arrays and objects: first element or member */
	struct json *next;	/* the following sibling */
};

/*
 * Parse the one JSON value that fills text[0..len). NULL on any error,
 * with err (size bytes) saying which; it quotes nothing from the text.
 */
struct json *json_parse(const char *text, size_t len, char *err, size_t size);
void json_free(struct json *j);

/* An object's member by name, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);

#endif /* BPFQ_JSON_READ_H */
