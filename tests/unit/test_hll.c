// SPDX-License-Identifier: MIT
/*
 * count_distinct's estimate (its answer once its set of values is full)
 * against the error it documents: n distinct
 * values folded as the evaluator folds them (the kernel's fold is the
 * same), for n from 1 to 10^7 and several disjoint runs of values; with
 * 2^14 registers (the whole file) and 2^10 (a group's, with by).
 *
 * Each estimate must lie within 4 standard errors of n, plus 1 for the
 * rounding to an integer: below some tens that asks for n itself or one
 * off (two values fall in one register with a chance of about
 * n^2 / 2^(p + 1)). The mean relative error, over the whole sweep and over the
 * range where HyperLogLog's raw estimate used to take over from linear
 * counting (2 to 6 times the register count), must stay under a quarter
 * of the standard error: a bias there is what the sweep is for.
 *
 * No framework: a failing check prints what it expected and what it got;
 * the last line is "N passed, N failed".
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/value/aggs.h"
#include "lang/value/values.h"

#define RUNS 4
#define TOP 10000000
#define LOG_POINTS 40
#define MIDDLE_RUNS 100

static int passed, failed;

static void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static uint64_t estimate(const struct agg_desc *d, const uint64_t *state)
{
	char text[VALUE_MAX];

	value_text(d, state, text, sizeof(text));
	return strtoull(text, NULL, 10);
}

/* The n at which to look: every n up to 100, then LOG_POINTS spread evenly in log n. */
static int points(uint64_t *at)
{
	int k = 0;

	for (uint64_t n = 1; n <= 100; n++)
		at[k++] = n;
	for (int i = 1; i <= LOG_POINTS; i++)
		at[k++] = llround(100 * pow((double)TOP / 100, (double)i / LOG_POINTS));
	return k;
}

struct bias {
	double sum;
	int count;
};

static void add(struct bias *b, double rel)
{
	b->sum += rel;
	b->count++;
}

static void check_bias(const char *where, int p, const struct bias *b)
{
	double mean = b->sum / b->count, most = value_hll_error(p) / 4;

	check(b->count > 0 && fabs(mean) <= most,
	      "p = %d: the mean relative error %s is %+.3f%% over %d estimates; at most %.3f%%\n",
	      p, where, 100 * mean, b->count, 100 * most);
}

static struct agg_desc hll_desc(int p)
{
	return (struct agg_desc){ .kind = AGG_COUNT_DISTINCT,
				  .words = BPFQ_DISTINCT_HEAD + (1 << p) / 8, .hll_p = p };
}

/* A state whose set was full from the start: its answer is the estimate. */
static void clear_estimated(const struct agg_desc *d, uint64_t *state)
{
	memset(state, 0, d->words * sizeof(*state));
	state[BPFQ_DISTINCT_FULL] = 1;
}

static void test_sweep(int p)
{
	struct agg_desc d = hll_desc(p);
	uint64_t *state = malloc(d.words * sizeof(*state)), at[100 + LOG_POINTS];
	struct bias all = { 0 };
	int npoints = points(at);

	if (!state) {
		check(false, "out of memory\n");
		return;
	}
	for (int run = 0; run < RUNS; run++) {
		/* Disjoint runs of integers, as a seq file holds, starting far apart. */
		int64_t first = 1 + (int64_t)run * 1000000007;
		int k = 0;

		clear_estimated(&d, state);
		check(estimate(&d, state) == 0, "run %d: no values, estimate not 0\n", run);
		for (uint64_t n = 1; k < npoints; n++) {
			uint64_t e;
			double rel, bound;

			agg_fold(&d, state, ((i128)first + (i128)n - 1) * (i128)BPFQ_SCALE);
			if (n != at[k])
				continue;
			k++;
			e = estimate(&d, state);
			rel = ((double)e - (double)n) / (double)n;
			bound = 4 * value_hll_error(p) * (double)n + 1;
			check(fabs((double)e - (double)n) <= bound, "p = %d, run %d: n = %" PRIu64
			      ", estimate %" PRIu64 " (%+.2f%%), allowed %.1f\n", p, run, n, e,
			      100 * rel, bound);
			if (n > 100)
				add(&all, rel);
		}
	}
	check_bias("over the sweep", p, &all);
	free(state);
}

/*
 * The sweep has few points where linear counting used to hand over: look
 * there closely, over many more runs, so that the mean is not luck.
 */
static void test_middle(int p)
{
	struct agg_desc d = hll_desc(p);
	uint64_t regs = 1u << p, *state = malloc(d.words * sizeof(*state)), step = regs / 4;
	struct bias middle = { 0 };

	if (!state) {
		check(false, "out of memory\n");
		return;
	}
	for (int run = 0; run < MIDDLE_RUNS; run++) {
		int64_t first = -1 - (int64_t)run * 1000000007;

		clear_estimated(&d, state);
		for (uint64_t n = 1; n <= 6 * regs; n++) {
			agg_fold(&d, state, ((i128)first - (i128)n) * (i128)BPFQ_SCALE);
			if (n >= 2 * regs && n % step == 0)
				add(&middle, ((double)estimate(&d, state) - (double)n) / (double)n);
		}
	}
	check_bias("between 2 and 6 times the registers", p, &middle);
	free(state);
}

int main(void)
{
	test_sweep(BPFQ_HLL_P);
	test_middle(BPFQ_HLL_P);
	test_sweep(BPFQ_HLL_P_GROUP);
	test_middle(BPFQ_HLL_P_GROUP);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
