// SPDX-License-Identifier: MIT
/*
 * A long 'x in (...)' list of literals: a sorted table and a binary search
 * without branches. A test per value was a branch and a temporary each:
 * clang spilled past the 512 bytes of stack from some 70 values on the
 * fast path (inlined at every record of every parser), and a thousand
 * took seconds to compile. The table is a static const array (.rodata, a
 * read-only map to the verifier), its length a power of two, padded with
 * its last value, so every index is masked in bounds. Each step adds half
 * of what is left when table[i + half] <= x: the comparison a mask by
 * arithmetic (bpfq_lt_mask()), made 0 or 1 by adding 1, and shifted, not
 * and-ed: and-ed, the verifier's states doubled at each step (6.18), as
 * many as the list's values, and 10000 values took most of its million
 * instructions. x is in the list iff table[i] == x at the end (below
 * table[0], i stays 0, and that is false too).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "codegen/gen.h"
#include "lang/value/num.h"

/* Fewer values are tested one by one: a table is a load and a few steps more. */
#define INLIST_TABLE_MIN 8

static bool is_literal(const struct node *n)
{
	return n->kind == NODE_INT || n->kind == NODE_DEC;
}

bool inlist_table(const struct node *n)
{
	if (n->kind != NODE_IN || n->nargs < INLIST_TABLE_MIN)
		return false;
	for (int i = 0; i < n->nargs; i++)
		if (!is_literal(n->args[i]))
			return false;
	return true;
}

static int cmp_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_i128(const void *a, const void *b)
{
	i128 x = *(const i128 *)a, y = *(const i128 *)b;

	return (x > y) - (x < y);
}

static int table_size(int n)
{
	int size = 1;

	while (size < n)
		size *= 2;
	return size;
}

/* static const __s64 (or __u64) tN[size] = { ... }, eight values a line: the table's name. */
static int emit_table(struct gen *g, bool is_unsigned, const int64_t *v, int n, int size)
{
	int t = gen_temp(g);

	gen_line(g, "static const %s t%d[%d] = {", is_unsigned ? "__u64" : "__s64", t, size);
	for (int i = 0; i < size; i += 8) {
		char line[8 * 32] = "";
		size_t len = 0;

		for (int k = i; k < i + 8 && k < size; k++) {
			int64_t x = v[k < n ? k : n - 1];

			if (is_unsigned)
				len += snprintf(line + len, sizeof(line) - len, " %" PRIu64 "ULL,",
						(uint64_t)x);
			else if (x == INT64_MIN)
				len += snprintf(line + len, sizeof(line) - len, " BPFQ_S64_MIN,");
			else
				len += snprintf(line + len, sizeof(line) - len, " %" PRId64 "LL,", x);
		}
		gen_line(g, "\t%s", line + 1);
	}
	gen_line(g, "};");
	return t;
}

/* log2 of a power of two. */
static int log2_of(int half)
{
	return __builtin_ctz(half);
}

/* The search over table tab of size entries for the int64 operand x: the index's temporary. */
static int search_s64(struct gen *g, int tab, int size, const char *x)
{
	int i = gen_temp(g);

	gen_line(g, "__u64 t%d = 0;", i);
	for (int half = size / 2; half; half /= 2)
		gen_line(g, "t%d += (bpfq_lt_mask(%s, t%d[(t%d + %d) & %d]) + 1) << %d;", i, x, tab, i,
			 half, size - 1, log2_of(half));
	return i;
}

/* The table of n values (sorted here) and the search for x: its temporaries in
 * *tab and *index; the table's size (a power of two) returned. */
int inlist_gen_s64(struct gen *g, const int64_t *values, int n, const char *x, int *tab,
		   int *index)
{
	int64_t *v = malloc(n * sizeof(*v));
	int size = table_size(n);

	if (!v)
		abort();
	for (int i = 0; i < n; i++)
		v[i] = values[i];
	qsort(v, n, sizeof(*v), cmp_s64);
	*tab = emit_table(g, false, v, n, size);
	*index = search_s64(g, *tab, size, x);
	free(v);
	return size;
}

/* The fast path: 1 if the int64 operand x is one of n's values (NODE_INT), else 0. */
void inlist_gen_i(struct gen *g, const struct node *n, const char *x, char *res)
{
	int64_t *v = malloc(n->nargs * sizeof(*v));
	int tab, index, size, t;

	if (!v)
		abort();
	for (int i = 0; i < n->nargs; i++)
		v[i] = n->args[i]->value;
	size = inlist_gen_s64(g, v, n->nargs, x, &tab, &index);
	free(v);
	t = gen_temp(g);
	gen_line(g, "int t%d = %s(t%d[t%d & %d] == %s);", t, n->negated ? "!" : "", tab, index,
		 size - 1, x);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/*
 * The general path, three-valued: x (a struct bpfq_d operand, null its
 * NULL flag) against the values times 10^18, 128-bit, as two tables (low
 * and high words). table <= x is not x < table: x.hi < hi, or the high
 * words equal (neither below the other) and x.lo < lo unsigned, which is
 * signed with the top bit flipped.
 */
void inlist_gen_d(struct gen *g, const struct node *n, const char *x, const char *null, char *res)
{
	i128 *v = malloc(n->nargs * sizeof(*v));
	int64_t *lo, *hi;
	int size = table_size(n->nargs), tlo, thi, xv, i, t;

	lo = malloc(n->nargs * sizeof(*lo));
	hi = malloc(n->nargs * sizeof(*hi));
	if (!v || !lo || !hi)
		abort();
	for (int k = 0; k < n->nargs; k++)
		v[k] = n->args[k]->kind == NODE_INT ? (i128)n->args[k]->value * BPFQ_SCALE :
						      n->args[k]->dec;
	qsort(v, n->nargs, sizeof(*v), cmp_i128);
	for (int k = 0; k < n->nargs; k++) {
		lo[k] = (int64_t)(uint64_t)v[k];
		hi[k] = (int64_t)((u128)v[k] >> 64);
	}
	tlo = emit_table(g, true, lo, n->nargs, size);
	thi = emit_table(g, false, hi, n->nargs, size);
	xv = gen_temp(g);
	gen_line(g, "struct bpfq_d t%d = %s;", xv, x);
	i = gen_temp(g);
	gen_line(g, "__u64 t%d = 0;", i);
	for (int half = size / 2; half; half /= 2) {
		int j = gen_temp(g), a, b, c;

		gen_line(g, "__u64 t%d = (t%d + %d) & %d;", j, i, half, size - 1);
		a = gen_temp(g);
		gen_line(g, "__u64 t%d = -bpfq_lt_mask(t%d.hi, t%d[t%d]);", a, xv, thi, j);
		b = gen_temp(g);
		gen_line(g, "__u64 t%d = -bpfq_lt_mask(t%d[t%d], t%d.hi);", b, thi, j, xv);
		c = gen_temp(g);
		gen_line(g, "__u64 t%d = -bpfq_lt_mask(t%d.lo ^ BPFQ_S64_MIN, t%d[t%d] ^ BPFQ_S64_MIN);", c,
			 xv, tlo, j);
		gen_line(g, "t%d += (1 - t%d - (1 - t%d - t%d) * t%d) << %d;", i, a, a, b, c,
			 log2_of(half));
	}
	t = gen_temp(g);
	gen_line(g, "int t%d = %s ? BPFQ_U : t%d[t%d & %d] == t%d.lo && t%d[t%d & %d] == t%d.hi;", t,
		 null, tlo, i, size - 1, xv, thi, i, size - 1, xv);
	if (n->negated)
		gen_line(g, "t%d = bpfq_not3(t%d);", t, t);
	snprintf(res, OPERAND_MAX, "t%d", t);
	free(v);
	free(lo);
	free(hi);
}
