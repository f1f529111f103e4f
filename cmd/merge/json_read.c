// SPDX-License-Identifier: MIT
/*
 * yajl parses; its callbacks build the tree. yajl keeps its place on a
 * heap stack of its own, and the depth limit keeps json_free()'s
 * recursion short, so hostile input cannot overflow the C stack.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "cmd/merge/json_read.h"

#define JSON_MAX_DEPTH 32

struct builder {
	struct json *root;
	struct json **tail[JSON_MAX_DEPTH];	/* where the next child of each open array or object goes */
	int depth;
	char *key;		/* the name of the member whose value comes next */
	const char *err;	/* why a callback stopped the parse */
};

static int stop(struct builder *b, const char *err)
{
	b->err = err;
	return 0;
}

/* A string as C reads it; one with a NUL inside would read as a shorter one. */
static char *copy(struct builder *b, const unsigned char *s, size_t n)
{
	char *t;

	if (memchr(s, 0, n)) {
		stop(b, "a string holds a NUL character");
		return NULL;
	}
	if (!(t = strndup((const char *)s, n)))
		stop(b, "out of memory");
	return t;
}

/* A value, put where the text is: the root, the next element, or the member just named. */
static struct json *add(struct builder *b, enum json_kind kind, char *text)
{
	struct json *j = calloc(1, sizeof(*j));

	if (!j) {
		free(text);
		stop(b, "out of memory");
		return NULL;
	}
	j->kind = kind;
	j->text = text;
	if (!b->depth) {
		b->root = j;
		return j;
	}
	j->key = b->key;
	b->key = NULL;
	*b->tail[b->depth - 1] = j;
	b->tail[b->depth - 1] = &j->next;
	return j;
}

static int on_null(void *ctx)
{
	return add(ctx, JSON_NULL, NULL) != NULL;
}

static int on_boolean(void *ctx, int value)
{
	return add(ctx, value ? JSON_TRUE : JSON_FALSE, NULL) != NULL;
}

static int on_number(void *ctx, const char *s, size_t n)
{
	char *text = strndup(s, n);

	return text ? add(ctx, JSON_NUMBER, text) != NULL : stop(ctx, "out of memory");
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
	char *text = copy(ctx, s, n);

	return text && add(ctx, JSON_STRING, text);
}

static int on_key(void *ctx, const unsigned char *s, size_t n)
{
	struct builder *b = ctx;

	free(b->key);
	b->key = copy(b, s, n);
	return b->key != NULL;
}

static int open_container(struct builder *b, enum json_kind kind)
{
	struct json *j;

	if (b->depth == JSON_MAX_DEPTH)
		return stop(b, "nested too deeply");
	if (!(j = add(b, kind, NULL)))
		return 0;
	b->tail[b->depth++] = &j->child;
	return 1;
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, JSON_OBJECT);
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, JSON_ARRAY);
}

static int on_end(void *ctx)
{
	((struct builder *)ctx)->depth--;
	return 1;
}

/* yajl_number takes every number as written: no conversion, no rounding. */
static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end,
};

/* yajl's own words ("parse error: premature EOF"), without the text (verbose 0). */
static void describe(yajl_handle h, const struct builder *b, yajl_status st, const char *text,
		     size_t len, char *err, size_t size)
{
	unsigned char *msg;

	if (st == yajl_status_client_canceled) {
		snprintf(err, size, "%s", b->err);
		return;
	}
	msg = yajl_get_error(h, 0, (const unsigned char *)text, len);
	snprintf(err, size, "%s", msg ? (char *)msg : "malformed JSON");
	err[strcspn(err, "\n")] = 0;
	yajl_free_error(h, msg);
}

struct json *json_parse(const char *text, size_t len, char *err, size_t size)
{
	struct builder b = { 0 };
	yajl_handle h = yajl_alloc(&callbacks, NULL, &b);
	yajl_status st;

	if (!h) {
		snprintf(err, size, "out of memory");
		return NULL;
	}
	/*
	 * Bytes past ASCII pass as they are, checked as UTF-8 or not: bpfq
	 * writes a name's bytes as the query held them. Control bytes must
	 * come escaped (yajl rejects them raw), and trailing text is an error.
	 */
	yajl_config(h, yajl_dont_validate_strings, 1);
	st = yajl_parse(h, (const unsigned char *)text, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st != yajl_status_ok) {
		describe(h, &b, st, text, len, err, size);
		json_free(b.root);
		b.root = NULL;
	}
	free(b.key);
	yajl_free(h);
	return b.root;
}

void json_free(struct json *j)
{
	while (j) {
		struct json *next = j->next;

		json_free(j->child);
		free(j->text);
		free(j->key);
		free(j);
		j = next;
	}
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->kind != JSON_OBJECT)
		return NULL;
	for (const struct json *m = obj->child; m; m = m->next)
		if (!strcmp(m->key, key))
			return m;
	return NULL;
}
