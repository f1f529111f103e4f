// SPDX-License-Identifier: MIT
/* The nearest known spelling (suggest.h): Damerau's distance, the optimal string alignment. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lang/front/suggest.h"

/* Longer names are none of bpfq's, and are not compared. */
#define NAME_MAX_LEN 64

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;

	return m < c ? m : c;
}

static int same(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

/* Edits from a[0..n) to b[0..m): rows of the table, three kept for the swap. */
static int distance(const char *a, size_t n, const char *b, size_t m)
{
	int rows[3][NAME_MAX_LEN + 1];

	for (size_t j = 0; j <= m; j++)
		rows[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		int *cur = rows[i % 3], *up = rows[(i - 1) % 3], *up2 = rows[(i + 1) % 3];

		cur[0] = (int)i;
		for (size_t j = 1; j <= m; j++) {
			cur[j] = min3(up[j] + 1, cur[j - 1] + 1, up[j - 1] + !same(a[i - 1], b[j - 1]));
			if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]) &&
			    up2[j - 2] + 1 < cur[j])
				cur[j] = up2[j - 2] + 1;
		}
	}
	return rows[n % 3][m];
}

const char *suggest(const char *word, size_t n, const char *const *names, size_t count)
{
	const char *best = NULL;
	int best_d = SUGGEST_MAX_EDITS + 1;

	if (n > NAME_MAX_LEN)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		size_t m = strlen(names[i]);
		int d;

		if (m > NAME_MAX_LEN || (m == n && !memcmp(names[i], word, n)))
			continue;
		d = distance(word, n, names[i], m);
		if (d < best_d && (size_t)d < n) {
			best = names[i];
			best_d = d;
		}
	}
	return best;
}

const char *suggest_clause(char *buf, size_t size, const char *word, size_t n,
			   const char *const *names, size_t count)
{
	const char *name = suggest(word, n, names, count);

	if (!name)
		return "";
	snprintf(buf, size, " (did you mean '%s'?)", name);
	return buf;
}
