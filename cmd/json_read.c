// SPDX-License-Identifier: MIT
/* A recursive-descent JSON reader; depth-limited, so hostile input cannot overflow the stack. */
#include <stdlib.h>
#include <string.h>

#include "cmd/json_read.h"

#define JSON_MAX_DEPTH 32

struct reader {
	const char *p;
	const char *err;
	int depth;
};

static struct json *value(struct reader *r);

static void skip_space(struct reader *r)
{
	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
		r->p++;
}

static struct json *fail(struct reader *r, const char *err)
{
	if (!r->err)
		r->err = err;
	return NULL;
}

static struct json *node(struct reader *r, enum json_kind kind)
{
	struct json *j = calloc(1, sizeof(*j));

	return j ? (j->kind = kind, j) : fail(r, "out of memory");
}

/* A string's contents; \uXXXX only below 0x80 (bpfq never writes others). */
static char *string(struct reader *r)
{
	size_t cap = strlen(r->p) + 1, n = 0;
	char *out = malloc(cap);

	if (!out || *r->p++ != '"')
		return free(out), fail(r, "expected a string"), NULL;
	while (*r->p && *r->p != '"') {
		char c = *r->p++;

		if (c == '\\') {
			c = *r->p++;
			if (c == 'u') {
				char *end, hex[5] = { 0 };

				memcpy(hex, r->p, strnlen(r->p, 4));
				c = (char)strtoul(hex, &end, 16);
				if (end != hex + 4 || (unsigned char)c >= 0x80)
					break;
				r->p += 4;
			} else if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (c != '"' && c != '\\' && c != '/') {
				break;
			}
		}
		out[n++] = c;
	}
	if (*r->p != '"')
		return free(out), fail(r, "bad string"), NULL;
	r->p++;
	out[n] = 0;
	return out;
}

static struct json *number(struct reader *r)
{
	const char *start = r->p;
	struct json *j;

	if (*r->p == '-')
		r->p++;
	if (*r->p < '0' || *r->p > '9')
		return fail(r, "unexpected character");
	while ((*r->p >= '0' && *r->p <= '9') || *r->p == '.' || *r->p == 'e' ||
	       *r->p == 'E' || *r->p == '+' || *r->p == '-')
		r->p++;
	j = node(r, JSON_NUMBER);
	if (j && !(j->text = strndup(start, r->p - start)))
		return json_free(j), fail(r, "out of memory");
	return j;
}

/* The elements of an array or the members of an object, up to close. */
static struct json *members(struct reader *r, enum json_kind kind, char close)
{
	struct json *j = node(r, kind), **tail = j ? &j->child : NULL;

	r->p++;
	skip_space(r);
	if (j && *r->p == close) {
		r->p++;
		return j;
	}
	while (j && !r->err) {
		char *key = NULL;

		skip_space(r);
		if (kind == JSON_OBJECT) {
			key = string(r);
			skip_space(r);
			if (!key || *r->p++ != ':') {
				free(key);
				fail(r, "expected a member name and ':'");
				break;
			}
		}
		*tail = value(r);
		if (!*tail) {
			free(key);
			break;
		}
		(*tail)->key = key;
		tail = &(*tail)->next;
		skip_space(r);
		if (*r->p == close) {
			r->p++;
			return j;
		}
		if (*r->p++ != ',')
			fail(r, "expected ',' or the end of an array or object");
	}
	json_free(j);
	return NULL;
}

static struct json *literal(struct reader *r, const char *word, enum json_kind kind)
{
	if (strncmp(r->p, word, strlen(word)))
		return fail(r, "unexpected character");
	r->p += strlen(word);
	return node(r, kind);
}

static struct json *value(struct reader *r)
{
	struct json *j;

	if (++r->depth > JSON_MAX_DEPTH)
		return fail(r, "nested too deeply");
	skip_space(r);
	switch (*r->p) {
	case '{': j = members(r, JSON_OBJECT, '}'); break;
	case '[': j = members(r, JSON_ARRAY, ']'); break;
	case '"':
		j = node(r, JSON_STRING);
		if (j && !(j->text = string(r)))
			json_free(j), j = NULL;
		break;
	case 't': j = literal(r, "true", JSON_TRUE); break;
	case 'f': j = literal(r, "false", JSON_FALSE); break;
	case 'n': j = literal(r, "null", JSON_NULL); break;
	default: j = number(r); break;
	}
	r->depth--;
	return j;
}

struct json *json_parse(const char *text, const char **err)
{
	struct reader r = { .p = text };
	struct json *j = value(&r);

	skip_space(&r);
	if (j && *r.p) {
		json_free(j);
		j = fail(&r, "text after the JSON value");
	}
	*err = r.err;
	return j;
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
