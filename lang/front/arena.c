// SPDX-License-Identifier: MIT
/*
 * A chunked bump allocator: a query's nodes, arrays and path are freed
 * together, so no pass has to unwind a partial tree after an error.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lang/front/ast.h"

#define ARENA_CHUNK 4096

struct arena {
	struct arena *next;
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

static struct arena *chunk_new(size_t size, struct arena *next)
{
	/* calloc: every allocation comes back zeroed. */
	struct arena *c = calloc(1, sizeof(*c) + size);

	if (!c)
		return NULL;
	c->size = size;
	c->next = next;
	return c;
}

void *arena_alloc(struct arena **a, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct arena *c = *a;

	if (size > SIZE_MAX / 2)
		return NULL;
	size = (size + align - 1) & ~(align - 1);
	if (size > ARENA_CHUNK / 4) {
		/* A big block gets its own chunk, behind the current one, so the
		 * free space of the current chunk is not thrown away. */
		c = chunk_new(size, *a ? (*a)->next : NULL);
		if (!c)
			return NULL;
		if (*a)
			(*a)->next = c;
		else
			*a = c;
		c->used = size;
		return c->data;
	}
	if (!c || c->size - c->used < size) {
		c = chunk_new(ARENA_CHUNK, *a);
		if (!c)
			return NULL;
		*a = c;
	}
	c->used += size;
	return c->data + c->used - size;
}

void arena_free(struct arena *a)
{
	while (a) {
		struct arena *next = a->next;

		free(a);
		a = next;
	}
}
